@triton.jit
def device_assert_debug(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    # tl.device_assert only survives into the TTIR when compiled with debug=True
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    x = tl.load(x_ptr + offs, mask=m, other=0.0)
    tl.device_assert(x >= 0, "x must be non-negative")
    tl.store(out_ptr + offs, tl.sqrt(x), mask=m)
