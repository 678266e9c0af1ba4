@triton.jit
def fused_bias_act(x_ptr, b_ptr, out_ptr, n_cols, ACT: tl.constexpr, HAS_BIAS: tl.constexpr, BLOCK: tl.constexpr):
    # constexpr-specialised branches: only the selected branch reaches the TTIR
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    m = cols < n_cols
    x = tl.load(x_ptr + row * n_cols + cols, mask=m, other=0.0)
    if HAS_BIAS:
        x += tl.load(b_ptr + cols, mask=m, other=0.0)
    if ACT == "relu":
        y = tl.maximum(x, 0.0)
    elif ACT == "leaky_relu":
        y = tl.where(x >= 0, x, 0.01 * x)
    elif ACT == "gelu_tanh":
        u = 0.7978845608028654 * (x + 0.044715 * x * x * x)
        y = 0.5 * x * (1.0 + (2.0 * tl.sigmoid(2.0 * u) - 1.0))
    else:
        y = x
    tl.store(out_ptr + row * n_cols + cols, y, mask=m)
