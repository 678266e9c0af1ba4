@triton.jit
def scan_rows(x_ptr, cs_ptr, cp_ptr, rcs_ptr, ci_ptr, N: tl.constexpr, BLOCK_R: tl.constexpr):
    # cumsum / cumprod / reverse cumsum / integer cumsum along axis 1 of a [BLOCK_R, N] tile
    pid = tl.program_id(0)
    rows = pid * BLOCK_R + tl.arange(0, BLOCK_R)
    cols = tl.arange(0, N)
    offs = rows[:, None] * N + cols[None, :]
    x = tl.load(x_ptr + offs)
    tl.store(cs_ptr + offs, tl.cumsum(x, axis=1))
    tl.store(cp_ptr + offs, tl.cumprod(x, axis=1))
    tl.store(rcs_ptr + offs, tl.cumsum(x, axis=1, reverse=True))
    tl.store(ci_ptr + offs, tl.cumsum((x > 1.0).to(tl.int32), axis=1))
