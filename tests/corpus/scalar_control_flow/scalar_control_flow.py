@triton.jit
def scalar_control_flow(x_ptr, out_ptr, n, mode, n_iter, thresh, BLOCK: tl.constexpr):
    # if / elif / else on a runtime scalar, if on a value computed in the kernel, while loop
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    x = tl.load(x_ptr + offs, mask=m, other=0.0)
    if mode == 0:
        y = x * 2.0
    elif mode == 3:
        y = x + 1.0
    else:
        y = -x
    s = tl.sum(tl.abs(y), axis=0)
    if s > thresh:
        y = y / s
    acc = tl.zeros([BLOCK], dtype=tl.float32)
    i = 0
    while i < n_iter:
        acc = acc * 0.5 + y
        i += 1
    acc = acc * tl.where(pid % 2 == 0, 2.0, 1.0)
    tl.store(out_ptr + offs, acc, mask=m)
