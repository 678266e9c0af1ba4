@triton.jit
def sort2d_int(x_ptr, asc_ptr, desc_ptr, N: tl.constexpr, BLOCK_R: tl.constexpr):
    # bitonic sort of int32 rows of a 2D tile, both directions
    pid = tl.program_id(0)
    rows = pid * BLOCK_R + tl.arange(0, BLOCK_R)
    offs = rows[:, None] * N + tl.arange(0, N)[None, :]
    x = tl.load(x_ptr + offs)
    tl.store(asc_ptr + offs, tl.sort(x, dim=1))
    tl.store(desc_ptr + offs, tl.sort(x, dim=1, descending=True))
