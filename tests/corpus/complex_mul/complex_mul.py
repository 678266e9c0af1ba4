@triton.jit
def complex_mul(a_ptr, b_ptr, out_ptr, out_il_ptr, n, BLOCK: tl.constexpr):
    # interleaved complex numbers: load [BLOCK, 2], tl.split, multiply, tl.join, tl.interleave
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    two = tl.arange(0, 2)
    ab_offs = offs[:, None] * 2 + two[None, :]
    a = tl.load(a_ptr + ab_offs, mask=m[:, None], other=0.0)
    b = tl.load(b_ptr + ab_offs, mask=m[:, None], other=0.0)
    ar, ai = tl.split(a)
    br, bi = tl.split(b)
    cr = ar * br - ai * bi
    ci = ar * bi + ai * br
    tl.store(out_ptr + ab_offs, tl.join(cr, ci), mask=m[:, None])
    il_offs = pid * 2 * BLOCK + tl.arange(0, 2 * BLOCK)
    tl.store(out_il_ptr + il_offs, tl.interleave(cr, ci), mask=il_offs < 2 * n)
