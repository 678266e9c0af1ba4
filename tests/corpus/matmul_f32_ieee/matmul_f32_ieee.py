@triton.jit
def matmul_f32_ieee(a_ptr, b_ptr, c_ptr, M, N, K, sam, sbk, scm,
                    BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr):
    # fp32 x fp32 dot with input_precision="ieee" (no TF32), tl.range loop, int64 row offsets
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    rm = pid_m * BM + tl.arange(0, BM)
    rn = pid_n * BN + tl.arange(0, BN)
    rk = tl.arange(0, BK)
    acc = tl.zeros((BM, BN), dtype=tl.float32)
    for k0 in tl.range(0, K, BK):
        a = tl.load(a_ptr + rm[:, None].to(tl.int64) * sam + (k0 + rk)[None, :],
                    mask=(rm[:, None] < M) & ((k0 + rk)[None, :] < K), other=0.0)
        b = tl.load(b_ptr + (k0 + rk)[:, None].to(tl.int64) * sbk + rn[None, :],
                    mask=((k0 + rk)[:, None] < K) & (rn[None, :] < N), other=0.0)
        acc = tl.dot(a, b, acc, input_precision="ieee")
    tl.store(c_ptr + rm[:, None].to(tl.int64) * scm + rn[None, :], acc, mask=(rm[:, None] < M) & (rn[None, :] < N))
