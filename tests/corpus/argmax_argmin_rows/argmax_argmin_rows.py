@triton.jit
def argmax_argmin_rows(x_ptr, xi_ptr, amax_ptr, amin_ptr, imax_ptr, vmax_ptr, n_cols, BLOCK: tl.constexpr):
    # argmax / argmin of fp32 rows, argmax of int32 rows (ties -> first), max with indices
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    m = cols < n_cols
    x = tl.load(x_ptr + row * n_cols + cols, mask=m, other=float("-inf"))
    tl.store(amax_ptr + row, tl.argmax(x, axis=0))
    tl.store(amin_ptr + row, tl.argmin(tl.where(m, x, float("inf")), axis=0))
    xi = tl.load(xi_ptr + row * n_cols + cols, mask=m, other=-2147483648)
    tl.store(imax_ptr + row, tl.argmax(xi, axis=0, tie_break_left=True))
    v, i = tl.max(x, axis=0, return_indices=True)
    tl.store(vmax_ptr + row, v + i.to(tl.float32) * 0.0)
