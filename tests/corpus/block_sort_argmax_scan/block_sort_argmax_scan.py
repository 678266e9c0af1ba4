@triton.jit
def block_sort_argmax_scan(x_ptr, sorted_ptr, cum_ptr, amax_ptr, hist_ptr, cnt_ptr, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    offs = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + row * BLOCK + offs)
    tl.store(sorted_ptr + row * BLOCK + offs, tl.sort(x, descending=True))
    tl.store(cum_ptr + row * BLOCK + offs, tl.cumsum(x, axis=0))
    tl.store(amax_ptr + row, tl.argmax(x, axis=0))
    bins = (tl.abs(x) * 4).to(tl.int32)
    bins = tl.minimum(bins, 15)
    tl.store(hist_ptr + row * 16 + tl.arange(0, 16), tl.histogram(bins, 16))
    tl.atomic_add(cnt_ptr, tl.sum((x > 0).to(tl.int32), axis=0))
