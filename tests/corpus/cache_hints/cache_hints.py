@triton.jit
def cache_hints(x_ptr, y_ptr, flag_ptr, out_ptr, n, BLOCK: tl.constexpr):
    # cache modifiers, eviction policies and a volatile scalar load
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    a = tl.load(x_ptr + offs, mask=m, other=0.0, cache_modifier=".cg")
    b = tl.load(y_ptr + offs, mask=m, other=0.0, eviction_policy="evict_last")
    c = tl.load(x_ptr + offs, mask=m, other=0.0, cache_modifier=".ca")  # (.ca + evict_* is rejected by ptxas)
    f = tl.load(flag_ptr, volatile=True)
    tl.store(out_ptr + offs, a + b * f - c * 0.5, mask=m, cache_modifier=".cs")
    tl.store(out_ptr + n + offs, b, mask=m, eviction_policy="evict_first")
