@triton.jit
def _absmax_combine(a, b):
    return tl.maximum(tl.abs(a), tl.abs(b))


@triton.jit
def row_reduce(x_ptr, sum_ptr, max_ptr, min_ptr, absmax_ptr, npos_ptr, xor_ptr, n_rows, n_cols, stride,
               BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr):
    # 2D tile [BLOCK_R, BLOCK_C], reductions along axis 1 with masks and `other`
    pid = tl.program_id(0)
    rows = pid * BLOCK_R + tl.arange(0, BLOCK_R)
    cols = tl.arange(0, BLOCK_C)
    m = (rows[:, None] < n_rows) & (cols[None, :] < n_cols)
    ptrs = x_ptr + rows[:, None] * stride + cols[None, :]
    x = tl.load(ptrs, mask=m, other=0.0)
    x_for_max = tl.load(ptrs, mask=m, other=float("-inf"))
    rm = rows < n_rows
    tl.store(sum_ptr + rows, tl.sum(x, axis=1), mask=rm)
    tl.store(max_ptr + rows, tl.max(x_for_max, axis=1), mask=rm)
    tl.store(min_ptr + rows, tl.min(tl.where(m, x, float("inf")), axis=1), mask=rm)
    tl.store(absmax_ptr + rows, tl.reduce(x, 1, _absmax_combine), mask=rm)
    tl.store(npos_ptr + rows, tl.sum((x > 0).to(tl.int32), axis=1), mask=rm)
    xi = tl.where(m, x.to(tl.int32, bitcast=True), 0)
    tl.store(xor_ptr + rows, tl.xor_sum(xi, axis=1), mask=rm)
