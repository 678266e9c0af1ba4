@triton.jit
def dropout_rand(x_ptr, out_ptr, n, p, seed, BLOCK: tl.constexpr):
    # tl.rand (Philox: umulhi-based) and tl.where
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    x = tl.load(x_ptr + offs, mask=m, other=0.0)
    r = tl.rand(seed, offs)
    keep = r > p
    tl.store(out_ptr + offs, tl.where(keep, x / (1 - p), 0.0), mask=m)
