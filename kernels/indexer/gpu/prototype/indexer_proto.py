# Design prototype of the indexer's two launches in Python Triton (never a
# product dependency): it measured the algorithm on the GPU machine before the
# C++ builder and runtime existed, and dumped the Triton IR that tritiumc was
# then asked to compile. The product kernels are the C++ builder functions in
# kernels/indexer/gpu/; this file only records the design that was measured.
#
# Launch 1 (select): one program per (row group, split of the candidate
# positions). It computes the scores of its chunk on chip, finds the chunk's
# top-`heavy` by a 4-round radix select (8-bit digits of order-preserving
# keys, exact ties toward lower positions), writes them (key, position) in
# ascending position order to a workspace and zeroes the chunk's dense
# weights.
# Launch 2 (merge): one program per row. The candidates of all splits, in
# split order, are in ascending position order; the same radix select over
# them gives the row's top-K, and a prefix count over the selection writes
# the ascending sparse_list directly (no sort), the weights' ones, sink,
# window, sparse_len.
import json, os, statistics, sys, time
import torch, triton, triton.language as tl

OUT = os.environ.get("OUT", "/tmp/out")
os.makedirs(OUT, exist_ok=True)
dev = "cuda"
INT_MIN = (-2147483647 - 1)


@triton.jit
def order_key(s):
    # Signed-int32 key with the float order; -0 == +0; NaN below everything.
    s = tl.where(s == 0.0, 0.0, s)
    bits = s.to(tl.int32, bitcast=True)
    sk = bits ^ ((bits >> 31) & 0x7FFFFFFF)
    return tl.where(s != s, (-2147483647 - 1), sk)


@triton.jit
def select_chunk(sk, valid, rem):
    # 4 rounds of 8-bit radix select on u = sk ^ INT_MIN, largest first.
    bins = tl.arange(0, 256)
    u = sk ^ (-2147483647 - 1)
    active = valid
    thr = rem * 0
    for r in tl.static_range(4):
        shift = 24 - 8 * r
        idig = 255 - ((u >> shift) & 255)
        hist = tl.histogram(idig, 256, mask=active)
        inc = tl.cumsum(hist, 0)
        t = tl.min(tl.where(inc >= rem, bins, 256), 0)
        above = tl.sum(tl.where(bins < t, hist, 0), 0)
        rem = rem - above
        active = active & (idig == t)
        thr = thr | ((255 - t) << shift)
    thr_s = thr ^ (-2147483647 - 1)
    gt = valid & (sk > thr_s)
    eq = valid & (sk == thr_s)
    eqc = tl.cumsum(eq.to(tl.int32), 0)
    sel = gt | (eq & (eqc <= rem))
    return sel


@triton.jit
def pq_select_kernel(q_ptr, cent_ptr, cb_ptr, w_ptr, ckey_ptr, cpos_ptr, H, Hkv, G, Nq, Sk, cand_lo, cand_hi,
                     init_off, heavy, M: tl.constexpr, C: tl.constexpr, DM: tl.constexpr, CHUNK: tl.constexpr):
    row = tl.program_id(0)
    split = tl.program_id(1)
    nsplit = tl.num_programs(1)
    b = row // H
    h = row % H
    kvh = h // G
    c = tl.arange(0, C)
    d = tl.arange(0, DM)
    lo = cand_lo + split * CHUNK
    pos = lo + tl.arange(0, CHUNK)
    valid = pos < cand_hi
    j = (pos - init_off).to(tl.int64)
    s = tl.zeros([CHUNK], tl.float32)
    for m in tl.static_range(M):
        qv = tl.load(q_ptr + row * (M * DM) + m * DM + d)
        cv = tl.load(cent_ptr + (((b * Hkv + kvh) * M + m) * C + c[:, None]) * DM + d[None, :])
        T = tl.sum(cv * qv[None, :], axis=1)
        code = tl.load(cb_ptr + ((b * Nq + j) * Hkv + kvh) * M + m, mask=valid, other=0).to(tl.int32)
        s += tl.gather(T, code, 0)
    tl.store(w_ptr + row.to(tl.int64) * Sk + pos, tl.zeros([CHUNK], tl.float32), mask=valid)
    sk = order_key(s)
    rem = tl.minimum(heavy, tl.maximum(0, tl.minimum(CHUNK, cand_hi - lo)))
    sel = select_chunk(sk, valid, rem)
    idx = tl.cumsum(sel.to(tl.int32), 0) - 1
    base = (row * nsplit + split).to(tl.int64) * heavy
    tl.store(ckey_ptr + base + idx, sk, mask=sel)
    tl.store(cpos_ptr + base + idx, pos, mask=sel)


@triton.jit
def exact_select_kernel(q_ptr, k_ptr, w_ptr, ckey_ptr, cpos_ptr, H, Hkv, Sk, cand_lo, cand_hi, scale, heavy,
                        G: tl.constexpr, D: tl.constexpr, BLOCK_N: tl.constexpr, NB: tl.constexpr):
    kvrow = tl.program_id(0)
    split = tl.program_id(1)
    nsplit = tl.num_programs(1)
    b = kvrow // Hkv
    kvh = kvrow % Hkv
    CHUNK: tl.constexpr = NB * BLOCK_N
    lo = cand_lo + split * CHUNK
    d = tl.arange(0, D)
    n = tl.arange(0, BLOCK_N)
    g = tl.arange(0, G)
    tid = tl.arange(0, NB)
    acc = tl.zeros([G, NB, BLOCK_N], tl.float32)
    for i in range(NB):
        p = lo + i * BLOCK_N + n
        kt = tl.load(k_ptr + (kvrow.to(tl.int64) * Sk + p[:, None]) * D + d[None, :], mask=(p < cand_hi)[:, None],
                     other=0.0).to(tl.float32)
        sc = tl.zeros([G, BLOCK_N], tl.float32)
        for gg in tl.static_range(G):
            qv = tl.load(q_ptr + (b * H + kvh * G + gg) * D + d).to(tl.float32)
            sg = tl.sum(kt * qv[None, :], axis=1) * scale
            sc = tl.where(g[:, None] == gg, sg[None, :], sc)
        acc = tl.where(tid[None, :, None] == i, sc[:, None, :], acc)
    s = tl.reshape(acc, [G, CHUNK])
    pos = lo + tl.arange(0, CHUNK)
    valid = (pos < cand_hi)[None, :] & (g[:, None] >= 0)
    tl.store(w_ptr + (b * H + kvh * G + g[:, None]).to(tl.int64) * Sk + pos[None, :], tl.zeros([G, CHUNK], tl.float32),
             mask=valid)
    sk = order_key(s)
    rem = tl.minimum(heavy, tl.maximum(0, tl.minimum(CHUNK, cand_hi - lo)))
    # per-head radix select, all G heads at once (bins g*256 + digit)
    bins = tl.arange(0, 256)
    u = sk ^ (-2147483647 - 1)
    active = valid
    remg = tl.zeros([G], tl.int32) + rem
    thr = tl.zeros([G], tl.int32)
    for r in tl.static_range(4):
        shift = 24 - 8 * r
        idig = 255 - ((u >> shift) & 255)
        hist = tl.histogram(tl.reshape(idig + g[:, None] * 256, [G * CHUNK]), G * 256,
                            mask=tl.reshape(active, [G * CHUNK]))
        hist2 = tl.reshape(hist, [G, 256])
        inc = tl.cumsum(hist2, 1)
        t = tl.min(tl.where(inc >= remg[:, None], bins[None, :], 256), 1)
        above = tl.sum(tl.where(bins[None, :] < t[:, None], hist2, 0), 1)
        remg = remg - above
        active = active & (idig == t[:, None])
        thr = thr | ((255 - t) << shift)
    thr_s = thr ^ (-2147483647 - 1)
    gt = valid & (sk > thr_s[:, None])
    eq = valid & (sk == thr_s[:, None])
    eqc = tl.cumsum(eq.to(tl.int32), 1)
    sel = gt | (eq & (eqc <= remg[:, None]))
    idx = tl.cumsum(sel.to(tl.int32), 1) - 1
    base = ((b * H + kvh * G + g) * nsplit + split).to(tl.int64) * heavy
    tl.store(ckey_ptr + base[:, None] + idx, sk, mask=sel)
    tl.store(cpos_ptr + base[:, None] + idx, pos[None, :] + g[:, None] * 0, mask=sel)


@triton.jit
def merge_kernel(ckey_ptr, cpos_ptr, sl_ptr, slen_ptr, w_ptr, Sk, sink, window, cand_lo, cand_hi, heavy, K_total,
                 CHUNK, NSPLIT, LMAX, TILE: tl.constexpr, NT: tl.constexpr, WB: tl.constexpr):
    row = tl.program_id(0)
    base = row.to(tl.int64) * NSPLIT * heavy
    f0 = tl.arange(0, TILE)
    bins = tl.arange(0, 256)
    total = NSPLIT * heavy
    rem = K_total
    thr = K_total * 0
    for r in tl.static_range(4):
        shift = 24 - 8 * r
        hist = tl.zeros([256], tl.int32)
        for t in range(NT):
            f = t * TILE + f0
            sp = f // heavy
            k = f % heavy
            n_s = tl.minimum(heavy, tl.maximum(0, tl.minimum(CHUNK, cand_hi - (cand_lo + sp * CHUNK))))
            valid = (f < total) & (k < n_s)
            sk = tl.load(ckey_ptr + base + f, mask=valid, other=0)
            u = sk ^ (-2147483647 - 1)
            active = valid
            if r > 0:
                active = active & ((u >> (32 - 8 * r)) == (thr >> (32 - 8 * r)))
            idig = 255 - ((u >> shift) & 255)
            hist += tl.histogram(idig, 256, mask=active)
        inc = tl.cumsum(hist, 0)
        tb = tl.min(tl.where(inc >= rem, bins, 256), 0)
        above = tl.sum(tl.where(bins < tb, hist, 0), 0)
        rem = rem - above
        thr = thr | ((255 - tb) << shift)
    thr_s = thr ^ (-2147483647 - 1)
    eq_seen = rem * 0
    n_out = rem * 0
    for t in range(NT):
        f = t * TILE + f0
        sp = f // heavy
        k = f % heavy
        n_s = tl.minimum(heavy, tl.maximum(0, tl.minimum(CHUNK, cand_hi - (cand_lo + sp * CHUNK))))
        valid = (f < total) & (k < n_s)
        sk = tl.load(ckey_ptr + base + f, mask=valid, other=0)
        pos = tl.load(cpos_ptr + base + f, mask=valid, other=0)
        gt = valid & (sk > thr_s)
        eq = valid & (sk == thr_s)
        eqc = tl.cumsum(eq.to(tl.int32), 0) + eq_seen
        sel = gt | (eq & (eqc <= rem))
        idx = tl.cumsum(sel.to(tl.int32), 0) - 1 + n_out
        tl.store(sl_ptr + row.to(tl.int64) * LMAX + sink + idx, pos.to(tl.int64), mask=sel)
        tl.store(w_ptr + row.to(tl.int64) * Sk + pos, tl.full([TILE], 1.0, tl.float32), mask=sel)
        eq_seen += tl.sum(eq.to(tl.int32), 0)
        n_out += tl.sum(sel.to(tl.int32), 0)
    # sink, window, padding, length, weights outside the candidate range
    L = sink + K_total + window
    for i0 in range(0, LMAX, WB):
        i = i0 + tl.arange(0, WB)
        v = tl.where(i < sink, i, tl.where(i >= sink + K_total, Sk - window + (i - sink - K_total), 0))
        v = tl.where(i >= L, -1, v)
        m = (i < LMAX) & ((i < sink) | (i >= sink + K_total))
        tl.store(sl_ptr + row.to(tl.int64) * LMAX + i, v.to(tl.int64), mask=m)
    for i0 in range(0, cand_lo, WB):
        i = i0 + tl.arange(0, WB)
        tl.store(w_ptr + row.to(tl.int64) * Sk + i, tl.where(i < sink, 1.0, 0.0), mask=i < cand_lo)
    for i0 in range(cand_hi, Sk, WB):
        i = i0 + tl.arange(0, WB)
        tl.store(w_ptr + row.to(tl.int64) * Sk + i, tl.full([WB], 1.0, tl.float32), mask=i < Sk)
    tl.store(slen_ptr + row, L.to(tl.int64))


def ref_indexer(scores, Sk, sink, window, heavy, cand_lo, cand_hi):
    # scores [R, Sk] float32 (positions outside [cand_lo, cand_hi) ignored)
    R = scores.shape[0]
    mid = scores[:, cand_lo:cand_hi].double().cpu()
    K = min(heavy, cand_hi - cand_lo)
    # ties toward lower positions: stable sort descending
    order = torch.sort(mid, dim=1, descending=True, stable=True).indices[:, :K] + cand_lo
    top = torch.sort(order, dim=1).values
    sl = torch.cat([torch.arange(sink).expand(R, sink), top, torch.arange(Sk - window, Sk).expand(R, window)], 1)
    w = torch.zeros(R, Sk)
    w.scatter_(1, sl, 1.0)
    return sl, w


def graph_us(fn, iters=200):
    s = torch.cuda.Stream(); s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        for _ in range(3):
            fn()
    torch.cuda.current_stream().wait_stream(s)
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        fn()
    for _ in range(10):
        g.replay()
    torch.cuda.synchronize()
    ts = []
    for _ in range(iters):
        a = torch.cuda.Event(enable_timing=True); e = torch.cuda.Event(enable_timing=True)
        a.record(); g.replay(); e.record(); e.synchronize(); ts.append(a.elapsed_time(e) * 1e3)
    return statistics.median(ts)


def ev_us(fn, iters=100):
    for _ in range(5):
        fn()
    torch.cuda.synchronize()
    ts = []
    for _ in range(iters):
        a = torch.cuda.Event(enable_timing=True); e = torch.cuda.Event(enable_timing=True)
        a.record(); fn(); e.record(); e.synchronize(); ts.append(a.elapsed_time(e) * 1e3)
    return statistics.median(ts)


dumped = {}


def dump(name, ck):
    if name in dumped:
        return
    dumped[name] = True
    open(os.path.join(OUT, f"{name}.ttir"), "w").write(ck.asm["ttir"])


def run_pq(name, B, H, Hkv, Sk, D, M, bits, sink, window, heavy, init_off, CHUNK, TILE, warps1=8, warps2=16):
    torch.manual_seed(1)
    C = 2 ** bits; DM = D // M; G = H // Hkv; Nq = Sk - init_off
    q = torch.randn(B, H, D, device=dev)
    cent = torch.randn(B, Hkv, M, C, DM, device=dev)
    cb = torch.randint(0, C, (B, Nq, Hkv, M), device=dev, dtype=torch.int64)
    cand_lo = max(sink, init_off); cand_hi = Sk - window
    ncand = cand_hi - cand_lo; K_total = min(heavy, ncand); LMAX = min(Sk, sink + heavy + window)
    S = triton.cdiv(ncand, CHUNK); R = B * H
    ckey = torch.empty(R * S * heavy, device=dev, dtype=torch.int32); cpos = torch.empty_like(ckey)
    sl = torch.full((R, LMAX), -7, device=dev, dtype=torch.int64); slen = torch.full((R,), -7, device=dev, dtype=torch.int64)
    w = torch.full((R, Sk), 7.0, device=dev)
    NT = triton.cdiv(S * heavy, TILE)
    def f():
        k1 = pq_select_kernel[(R, S)](q, cent, cb, w, ckey, cpos, H, Hkv, G, Nq, Sk, cand_lo, cand_hi, init_off, heavy,
                                     M=M, C=C, DM=DM, CHUNK=CHUNK, num_warps=warps1)
        k2 = merge_kernel[(R,)](ckey, cpos, sl, slen, w, Sk, sink, window, cand_lo, cand_hi, heavy, K_total, CHUNK, S, LMAX,
                                TILE=TILE, NT=NT, WB=1024, num_warps=warps2)
        return k1, k2
    k1, k2 = f(); torch.cuda.synchronize()
    dump("pq_select", k1); dump("merge", k2)
    # reference scores in float64 of the same LUT definition
    qv = q.view(B, H, M, DM).double(); cd = cent.double()
    T = torch.einsum("bhmd,bhmcd->bhmc", qv, cd.repeat_interleave(G, 1))  # [B,H,M,C]
    cbh = cb.permute(0, 2, 1, 3).repeat_interleave(G, 1)  # [B,H,Nq,M]
    s = torch.gather(T, 3, cbh.permute(0, 1, 3, 2)).sum(2)  # [B,H,Nq]
    full = torch.full((B, H, Sk), float("-inf"), dtype=torch.float64, device=dev)
    full[:, :, init_off:] = s
    rsl, rw = ref_indexer(full.view(R, Sk).float(), Sk, sink, window, heavy, cand_lo, cand_hi)
    ok_sl = bool((sl[:, :sink + K_total + window].cpu() == rsl).all())
    ok_w = bool((w.cpu() == rw).all())
    ok_len = bool((slen.cpu() == sink + K_total + window).all())
    r = {"ok_sl": ok_sl, "ok_w": ok_w, "ok_len": ok_len, "splits": S, "mismatch_rows": int((sl[:, :sink + K_total + window].cpu() != rsl).any(1).sum())}
    r["gpu_graph_us"] = graph_us(f)
    r["select_us"] = ev_us(lambda: pq_select_kernel[(R, S)](q, cent, cb, w, ckey, cpos, H, Hkv, G, Nq, Sk, cand_lo, cand_hi, init_off, heavy, M=M, C=C, DM=DM, CHUNK=CHUNK, num_warps=warps1))
    r["merge_us"] = ev_us(lambda: merge_kernel[(R,)](ckey, cpos, sl, slen, w, Sk, sink, window, cand_lo, cand_hi, heavy, K_total, CHUNK, S, LMAX, TILE=TILE, NT=NT, WB=1024, num_warps=warps2))
    r["regs1"] = k1.n_regs; r["spills1"] = k1.n_spills; r["regs2"] = k2.n_regs; r["spills2"] = k2.n_spills
    return r


def run_exact(name, B, H, Hkv, Sk, D, sink, window, heavy, BLOCK_N, NB, TILE, warps1=8, warps2=16):
    torch.manual_seed(2)
    G = H // Hkv
    q = torch.randn(B, H, D, device=dev, dtype=torch.bfloat16)
    k = torch.randn(B, Hkv, Sk, D, device=dev, dtype=torch.bfloat16)
    scale = 1.0
    cand_lo = sink; cand_hi = Sk - window
    ncand = cand_hi - cand_lo; K_total = min(heavy, ncand); LMAX = min(Sk, sink + heavy + window)
    CHUNK = BLOCK_N * NB
    S = triton.cdiv(ncand, CHUNK); R = B * H
    ckey = torch.empty(R * S * heavy, device=dev, dtype=torch.int32); cpos = torch.empty_like(ckey)
    sl = torch.full((R, LMAX), -7, device=dev, dtype=torch.int64); slen = torch.full((R,), -7, device=dev, dtype=torch.int64)
    w = torch.full((R, Sk), 7.0, device=dev)
    NT = triton.cdiv(S * heavy, TILE)
    def f():
        k1 = exact_select_kernel[(B * Hkv, S)](q, k, w, ckey, cpos, H, Hkv, Sk, cand_lo, cand_hi, scale, heavy,
                                              G=G, D=D, BLOCK_N=BLOCK_N, NB=NB, num_warps=warps1)
        k2 = merge_kernel[(R,)](ckey, cpos, sl, slen, w, Sk, sink, window, cand_lo, cand_hi, heavy, K_total, CHUNK, S, LMAX,
                                TILE=TILE, NT=NT, WB=1024, num_warps=warps2)
        return k1, k2
    k1, k2 = f(); torch.cuda.synchronize()
    dump("exact_select", k1)
    s = torch.matmul(q.float().view(B, Hkv, G, D), k.float().transpose(-1, -2)).view(R, Sk) * scale
    rsl, rw = ref_indexer(s, Sk, sink, window, heavy, cand_lo, cand_hi)
    bad = (sl[:, :sink + K_total + window].cpu() != rsl).any(1)
    r = {"ok_sl": not bool(bad.any()), "ok_w": bool((w.cpu() == rw).all()), "mismatch_rows": int(bad.sum()), "splits": S}
    r["gpu_graph_us"] = graph_us(f)
    r["select_us"] = ev_us(lambda: exact_select_kernel[(B * Hkv, S)](q, k, w, ckey, cpos, H, Hkv, Sk, cand_lo, cand_hi, scale, heavy, G=G, D=D, BLOCK_N=BLOCK_N, NB=NB, num_warps=warps1))
    r["merge_us"] = ev_us(lambda: merge_kernel[(R,)](ckey, cpos, sl, slen, w, Sk, sink, window, cand_lo, cand_hi, heavy, K_total, CHUNK, S, LMAX, TILE=TILE, NT=NT, WB=1024, num_warps=warps2))
    r["regs1"] = k1.n_regs; r["spills1"] = k1.n_spills
    return r


if __name__ == "__main__":
    res = {"device": torch.cuda.get_device_name()}
    x = torch.empty(1024 ** 3 // 4, device=dev); y = torch.empty_like(x)
    res["copy_TBps_rw"] = 2 * x.numel() * 4 / (ev_us(lambda: y.copy_(x), 20) * 1e-6) / 1e12
    del x, y
    runs = [
        ("seed-pq-32k/c4096", run_pq, dict(B=1, H=32, Hkv=32, Sk=32000, D=128, M=2, bits=6, sink=128, window=128, heavy=128, init_off=128, CHUNK=4096, TILE=1024)),
        ("seed-pq-32k/c2048", run_pq, dict(B=1, H=32, Hkv=32, Sk=32000, D=128, M=2, bits=6, sink=128, window=128, heavy=128, init_off=128, CHUNK=2048, TILE=2048)),
        ("pq-128k/c8192", run_pq, dict(B=1, H=32, Hkv=32, Sk=128000, D=128, M=2, bits=6, sink=128, window=128, heavy=2048, init_off=128, CHUNK=8192, TILE=4096)),
        ("pq-b8-32k/c4096", run_pq, dict(B=8, H=32, Hkv=32, Sk=32000, D=128, M=2, bits=6, sink=128, window=128, heavy=128, init_off=128, CHUNK=4096, TILE=1024)),
        ("exact-gqa-32k/64x64", run_exact, dict(B=1, H=32, Hkv=8, Sk=32768, D=128, sink=128, window=128, heavy=2048, BLOCK_N=64, NB=64, TILE=4096)),
        ("exact-gqa-128k/64x128", run_exact, dict(B=1, H=32, Hkv=8, Sk=131072, D=128, sink=128, window=128, heavy=4096, BLOCK_N=64, NB=128, TILE=4096)),
        ("exact-gqa-b8-32k/64x64", run_exact, dict(B=8, H=32, Hkv=8, Sk=32768, D=128, sink=128, window=128, heavy=2048, BLOCK_N=64, NB=64, TILE=4096)),
    ]
    only = sys.argv[1:] 
    for name, fn, kw in runs:
        if only and not any(o in name for o in only):
            continue
        t0 = time.time()
        try:
            r = fn(name, **kw)
        except Exception as e:  # noqa
            r = {"error": repr(e)[-2500:]}
        r["wall_s"] = round(time.time() - t0, 1)
        res[name] = r
        print(name, json.dumps({a: (round(b, 2) if isinstance(b, float) else b) for a, b in r.items()}), flush=True)
        torch.cuda.empty_cache()
    json.dump(res, open(os.path.join(OUT, "proto.json"), "w"), indent=1)
