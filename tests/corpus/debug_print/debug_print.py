@triton.jit
def debug_print(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    # tl.device_print (runtime printf) under a scalar condition, tl.static_assert
    pid = tl.program_id(0)
    tl.static_assert(BLOCK % 4 == 0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    x = tl.load(x_ptr + offs, mask=m, other=0.0)
    if pid == 0:
        tl.device_print("corpus x", x)
    tl.store(out_ptr + offs, x * 3.0, mask=m)
