@triton.jit
def pad2d(x_ptr, out_ptr, M, N, stride_x, stride_o, pad_value, BM: tl.constexpr, BN: tl.constexpr):
    # copy [M, N] into a larger buffer; out-of-range lanes load the runtime scalar `pad_value`
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    rm = pid_m * BM + tl.arange(0, BM)
    rn = pid_n * BN + tl.arange(0, BN)
    mask = (rm[:, None] < M) & (rn[None, :] < N)
    x = tl.load(x_ptr + rm[:, None] * stride_x + rn[None, :], mask=mask, other=pad_value)
    tl.store(out_ptr + rm[:, None] * stride_o + rn[None, :], x)
