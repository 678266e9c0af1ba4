@triton.jit
def batched_3d(x_ptr, out_ptr, outt_ptr, B, M, N, sb, sm,
               BB: tl.constexpr, BM: tl.constexpr, BN: tl.constexpr):
    # 3D tile [BB, BM, BN]: 3D broadcasting of aranges, reductions over axes 1 and 2, permute
    pid = tl.program_id(0)
    ob = pid * BB + tl.arange(0, BB)
    om = tl.arange(0, BM)
    on = tl.arange(0, BN)
    mask = (ob[:, None, None] < B) & (om[None, :, None] < M) & (on[None, None, :] < N)
    x = tl.load(x_ptr + ob[:, None, None] * sb + om[None, :, None] * sm + on[None, None, :], mask=mask, other=0.0)
    s = tl.sum(x, axis=2)                              # [BB, BM]
    mx = tl.max(tl.abs(x), axis=1)                     # [BB, BN]
    y = x * s[:, :, None] / (mx[:, None, :] + 1.0)
    tl.store(out_ptr + ob[:, None, None] * sb + om[None, :, None] * sm + on[None, None, :], y, mask=mask)
    yt = tl.permute(y, (0, 2, 1))                     # [BB, BN, BM]
    tmask = (ob[:, None, None] < B) & (on[None, :, None] < N) & (om[None, None, :] < M)
    tl.store(outt_ptr + ob[:, None, None] * (M * N) + on[None, :, None] * M + om[None, None, :], yt, mask=tmask)
