@triton.jit
def int64_index(x_ptr, idx_ptr, out_ptr, key_ptr, n, base, stride_k, BLOCK: tl.constexpr):
    # int64 offsets, pointer + int64 tensor, an i64 scalar argument, int64 output
    pid = tl.program_id(0).to(tl.int64)
    offs = pid * BLOCK + tl.arange(0, BLOCK).to(tl.int64)
    m = offs < n
    idx = tl.load(idx_ptr + offs, mask=m, other=0)
    v = tl.load(x_ptr + idx, mask=m, other=0.0)
    tl.store(out_ptr + offs, v, mask=m)
    tl.store(key_ptr + offs, base + offs * stride_k, mask=m)
