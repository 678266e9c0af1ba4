@triton.jit
def libdevice_math(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    # libdevice calls (CUDA __nv_* functions); result k goes to row k of out[5, n]
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    x = tl.load(x_ptr + offs, mask=m, other=0.0)
    y = tl.load(y_ptr + offs, mask=m, other=0.0)
    gelu = 0.5 * x * (1.0 + libdevice.erf(x * 0.7071067811865476))
    tl.store(out_ptr + 0 * n + offs, gelu, mask=m)
    tl.store(out_ptr + 1 * n + offs, libdevice.pow(tl.abs(y) + 0.5, x), mask=m)
    tl.store(out_ptr + 2 * n + offs, libdevice.tanh(x), mask=m)
    tl.store(out_ptr + 3 * n + offs, libdevice.atan2(y, x), mask=m)
    tl.store(out_ptr + 4 * n + offs, libdevice.rint(x * 3.0), mask=m)
