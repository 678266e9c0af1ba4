@triton.jit
def eltwise_math_f32(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    # fp32 math functions; result k goes to row k of out[10, n]
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    x = tl.load(x_ptr + offs, mask=m, other=1.0)
    y = tl.load(y_ptr + offs, mask=m, other=1.0)
    ax = tl.abs(x) + 0.001
    tl.store(out_ptr + 0 * n + offs, tl.exp(x * 0.5) + tl.log(ax), mask=m)
    tl.store(out_ptr + 1 * n + offs, tl.sin(x) * tl.cos(y), mask=m)
    tl.store(out_ptr + 2 * n + offs, tl.sqrt(ax) * tl.rsqrt(ax + 1.0), mask=m)
    tl.store(out_ptr + 3 * n + offs, tl.fdiv(x, tl.abs(y) + 1.0), mask=m)
    tl.store(out_ptr + 4 * n + offs, tl.div_rn(y, ax) + x / (y * y + 1.0), mask=m)
    tl.store(out_ptr + 5 * n + offs, tl.where(x > y, tl.maximum(x, 0.0), tl.minimum(y, 0.0)), mask=m)
    tl.store(out_ptr + 6 * n + offs, tl.fma(x, y, 0.5), mask=m)
    tl.store(out_ptr + 7 * n + offs, tl.clamp(x, -0.5, 0.5), mask=m)
    tl.store(out_ptr + 8 * n + offs, tl.exp2(x) - tl.log2(ax) + tl.floor(x) + tl.ceil(y), mask=m)
    tl.store(out_ptr + 9 * n + offs, tl.sigmoid(x) + tl.erf(y), mask=m)
