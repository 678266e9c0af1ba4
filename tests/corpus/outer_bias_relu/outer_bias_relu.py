@triton.jit
def outer_bias_relu(x_ptr, y_ptr, bias_ptr, out_ptr, M, N, stride_om,
                    BM: tl.constexpr, BN: tl.constexpr):
    # 2D tile from two 1D vectors: [:, None] / [None, :], expand_dims + broadcast_to
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    rm = pid_m * BM + tl.arange(0, BM)
    rn = pid_n * BN + tl.arange(0, BN)
    x = tl.load(x_ptr + rm, mask=rm < M, other=0.0)
    y = tl.load(y_ptr + rn, mask=rn < N, other=0.0)
    bias = tl.load(bias_ptr + rn, mask=rn < N, other=0.0)
    xb = tl.broadcast_to(tl.expand_dims(x, 1), (BM, BN))
    out = tl.maximum(xb * y[None, :] + bias[None, :], 0.0)
    tl.store(out_ptr + rm[:, None] * stride_om + rn[None, :], out, mask=(rm[:, None] < M) & (rn[None, :] < N))
