@triton.jit
def gather_rows(src_ptr, idx_ptr, out_ptr, emb_ptr, tok_ptr, eout_ptr,
                N: tl.constexpr, K: tl.constexpr, BLOCK_R: tl.constexpr, D: tl.constexpr):
    # tl.gather along axis 1 of a register tile, and a pointer-based embedding lookup
    pid = tl.program_id(0)
    rows = pid * BLOCK_R + tl.arange(0, BLOCK_R)
    src = tl.load(src_ptr + rows[:, None] * N + tl.arange(0, N)[None, :])          # [BLOCK_R, N]
    kk = tl.arange(0, K)
    idx = tl.load(idx_ptr + rows[:, None] * K + kk[None, :])                     # [BLOCK_R, K]
    tl.store(out_ptr + rows[:, None] * K + kk[None, :], tl.gather(src, idx, axis=1))
    tok = tl.load(tok_ptr + rows)                                               # [BLOCK_R]
    dd = tl.arange(0, D)
    e = tl.load(emb_ptr + tok[:, None].to(tl.int64) * D + dd[None, :])
    tl.store(eout_ptr + rows[:, None] * D + dd[None, :], e)
