@triton.jit
def atomic_rmw(x_ptr, bucket_ptr, fsum_ptr, fmax_ptr, imax_ptr, imin_ptr, last_ptr, cnt_ptr, n, BLOCK: tl.constexpr):
    # scatter atomics into buckets (masked), scalar atomics, memory-order semantics
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    x = tl.load(x_ptr + offs, mask=m, other=0.0)
    b = tl.load(bucket_ptr + offs, mask=m, other=0)
    tl.atomic_add(fsum_ptr + b, x, mask=m)
    tl.atomic_max(fmax_ptr + b, x, mask=m)
    xi = (x * 1000.0).to(tl.int32)
    tl.atomic_max(imax_ptr + b, xi, mask=m, sem="relaxed")
    tl.atomic_min(imin_ptr + b, xi, mask=m, sem="acq_rel", scope="gpu")
    tl.atomic_xchg(last_ptr + pid, tl.max(tl.where(m, xi, -2147483648), axis=0))
    tl.atomic_add(cnt_ptr, 1)
