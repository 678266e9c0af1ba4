@triton.jit
def online_softmax(x_ptr, out_ptr, n_cols, stride, BLOCK: tl.constexpr):
    # two `for range` loops over column blocks with loop-carried tensors (running max / sum)
    row = tl.program_id(0)
    x_row = x_ptr + row.to(tl.int64) * stride
    o_row = out_ptr + row.to(tl.int64) * stride
    m_i = tl.full([BLOCK], float("-inf"), tl.float32)
    l_i = tl.zeros([BLOCK], dtype=tl.float32)
    for start in range(0, n_cols, BLOCK):
        cols = start + tl.arange(0, BLOCK)
        x = tl.load(x_row + cols, mask=cols < n_cols, other=float("-inf"))
        m_new = tl.maximum(m_i, x)
        l_i = l_i * tl.exp(m_i - m_new) + tl.exp(x - m_new)
        m_i = m_new
    m = tl.max(m_i, axis=0)
    l = tl.sum(l_i * tl.exp(m_i - m), axis=0)
    for start in range(0, n_cols, BLOCK):
        cols = start + tl.arange(0, BLOCK)
        x = tl.load(x_row + cols, mask=cols < n_cols, other=float("-inf"))
        tl.store(o_row + cols, tl.exp(x - m) / l, mask=cols < n_cols)
