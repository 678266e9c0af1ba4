@triton.jit
def topk_rows(x_ptr, vals_ptr, idx_ptr, N: tl.constexpr, K: tl.constexpr):
    # top-K of one row of N scores, via Triton's own sort (bitonic) on packed (value, index) keys
    row = tl.program_id(0)
    offs = tl.arange(0, N)
    x = tl.load(x_ptr + row * N + offs)
    key = (x.to(tl.int32, bitcast=True).to(tl.int64) << 32) | offs.to(tl.int64)
    key = tl.sort(key, descending=True)
    kk = tl.arange(0, K)
    top = tl.gather(key, kk, axis=0)
    tl.store(idx_ptr + row * K + kk, (top & 0xFFFFFFFF).to(tl.int32))
    tl.store(vals_ptr + row * K + kk, (top >> 32).to(tl.int32).to(tl.float32, bitcast=True))
