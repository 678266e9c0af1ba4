@triton.jit
def eltwise_int32(a_ptr, b_ptr, out_ptr, n, BLOCK: tl.constexpr):
    # int32 arithmetic, bit ops, shifts, umulhi, casts; result k goes to row k of out[9, n]
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    a = tl.load(a_ptr + offs, mask=m, other=0)
    b = tl.load(b_ptr + offs, mask=m, other=1)            # b > 0
    tl.store(out_ptr + 0 * n + offs, a + b * 3 - (a >> 2), mask=m)
    tl.store(out_ptr + 1 * n + offs, a // b, mask=m)      # C-style (truncating) division
    tl.store(out_ptr + 2 * n + offs, a % b, mask=m)       # C-style remainder
    tl.store(out_ptr + 3 * n + offs, ((a & 0xFF) | (b << 4)) ^ a, mask=m)
    tl.store(out_ptr + 4 * n + offs, tl.where(a > b, tl.maximum(a, b), tl.minimum(a, -b)), mask=m)
    hi = tl.umulhi(a.to(tl.uint32, bitcast=True), b.to(tl.uint32, bitcast=True))
    tl.store(out_ptr + 5 * n + offs, hi.to(tl.int32, bitcast=True), mask=m)
    tl.store(out_ptr + 6 * n + offs, (a.to(tl.float32) * 0.37).to(tl.int32), mask=m)
    tl.store(out_ptr + 7 * n + offs, a.to(tl.int8).to(tl.int32) + tl.cdiv(b, 7), mask=m)
    lsr = a.to(tl.uint32, bitcast=True) >> 3              # logical shift on unsigned
    tl.store(out_ptr + 8 * n + offs, lsr.to(tl.int32, bitcast=True), mask=m)
