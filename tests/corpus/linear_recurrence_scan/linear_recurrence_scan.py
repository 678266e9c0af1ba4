@triton.jit
def _linrec_combine(a1, b1, a2, b2):
    # composition of h -> a1*h + b1 followed by h -> a2*h + b2
    return a1 * a2, b1 * a2 + b2


@triton.jit
def _max_combine(a, b):
    return tl.maximum(a, b)


@triton.jit
def linear_recurrence_scan(a_ptr, b_ptr, h_ptr, runmax_ptr, N: tl.constexpr):
    # h[t] = a[t] * h[t-1] + b[t] (h[-1] = 0) via a two-operand associative scan; running max
    row = tl.program_id(0)
    offs = row * N + tl.arange(0, N)
    a = tl.load(a_ptr + offs)
    b = tl.load(b_ptr + offs)
    _, h = tl.associative_scan((a, b), axis=0, combine_fn=_linrec_combine)
    tl.store(h_ptr + offs, h)
    tl.store(runmax_ptr + offs, tl.associative_scan(b, 0, _max_combine))
