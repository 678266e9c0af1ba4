@triton.jit
def reshape_trans_cat(x_ptr, t_ptr, pair_ptr, cat_ptr, BM: tl.constexpr, BN: tl.constexpr):
    # each program owns one [BM, BN] tile: transpose, reshape into pairs, and concatenate
    pid = tl.program_id(0)
    i = tl.arange(0, BM)
    j = tl.arange(0, BN)
    x = tl.load(x_ptr + pid * BM * BN + i[:, None] * BN + j[None, :])
    xt = tl.trans(x)                                                  # [BN, BM]
    tl.store(t_ptr + pid * BM * BN + j[:, None] * BM + i[None, :], xt)
    pairs = tl.reshape(x, (BM * BN // 2, 2))
    tl.store(pair_ptr + pid * (BM * BN // 2) + tl.arange(0, BM * BN // 2), tl.sum(pairs, axis=1))
    flat = tl.reshape(x, (BM * BN,))
    both = tl.cat(flat, flat * 2.0, can_reorder=True)                # element order unspecified
    tl.store(cat_ptr + pid * (2 * BM * BN) + tl.arange(0, 2 * BM * BN), both)
