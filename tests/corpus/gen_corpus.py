#!/usr/bin/env python3
# Tritium reference corpus generator.
#
# Defines a set of small, realistic Triton kernels, compiles each one with the real Triton
# (by launching it once on random CUDA inputs) and saves, for every kernel NAME:
#
#   $OUT/corpus/NAME/NAME.ttir   the TTIR Triton produced (ck.asm["ttir"])
#   $OUT/corpus/NAME/NAME.py     the kernel's Python source (jit helpers it calls come first)
#   $OUT/corpus/NAME/NAME.json   launch info (grid, constexprs, num_warps, runtime args with
#                                dtype/shape/role/how they were initialised), the TTIR
#                                signature, Triton's compile metadata and a reference check
#
# then writes $OUT/corpus/status.json ({NAME: "ok" | "skipped: ..." | "error: ..."}),
# $OUT/corpus/reference.json ({NAME: "match" | "mismatch: ..." | "no reference" | ...}:
# whether Triton's own output agreed with a PyTorch reference; informational only), packs
# $OUT/corpus into $OUT/corpus.tar.gz, removes the directory and prints both tables.
#
# How to run (on a machine with an NVIDIA GPU, PyTorch and Triton 3.6; no network needed):
#
#     OUT=/tmp/out python3 tests/corpus/gen_corpus.py
#
# Optional environment:
#   CORPUS_ONLY=a,b,c     compile only these corpus entries
#   CORPUS_ALL_STAGES=1   also save NAME.ttgir / NAME.llir / NAME.ptx
#   CORPUS_SAVE_DATA=1    also save raw little-endian tensor bytes: NAME.ARG.in.bin (before the
#                         launch, roles in/inout) and NAME.ARG.out.bin (after, roles out/inout),
#                         for tensors of at most 1 MiB
#
# Scalar arguments: Python ints become i32 (i64 when they do not fit), floats become f32.
# Triton specialises some scalar values (e.g. an int equal to 1, or divisible by 16); the
# TTIR signature actually produced is recorded in NAME.json under "ttir_signature".
# Kernels that need something the installed Triton lacks are reported as "skipped: ...".

import inspect
import json
import os
import re
import shutil
import tarfile
import textwrap
import traceback

import torch
import triton
import triton.language as tl

try:  # generic libdevice wrapper (dispatches to the CUDA backend's libdevice)
    from triton.language.extra import libdevice
except Exception:  # noqa: BLE001
    try:
        from triton.language.extra.cuda import libdevice
    except Exception:  # noqa: BLE001
        libdevice = None

OUT = os.environ.get("OUT", "/tmp/out")
CORPUS = os.path.join(OUT, "corpus")
DEV = "cuda"
ONLY = {s for s in os.environ.get("CORPUS_ONLY", "").split(",") if s}
ALL_STAGES = os.environ.get("CORPUS_ALL_STAGES", "") not in ("", "0")
SAVE_DATA = os.environ.get("CORPUS_SAVE_DATA", "") not in ("", "0")


# ============================================================================================
# Kernels
# ============================================================================================

# ---- the kernels of shared/bench/dump_triton_ir.py ------------------------------------------

@triton.jit
def vector_add(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=m) + tl.load(y_ptr + offs, mask=m), mask=m)


@triton.jit
def softmax_rows(out_ptr, in_ptr, in_stride, out_stride, n_cols, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    offs = tl.arange(0, BLOCK)
    x = tl.load(in_ptr + row * in_stride + offs, mask=offs < n_cols, other=-float("inf"))
    x = x - tl.max(x, axis=0)
    e = tl.exp(x)
    tl.store(out_ptr + row * out_stride + offs, e / tl.sum(e, axis=0), mask=offs < n_cols)


@triton.jit
def matmul(a_ptr, b_ptr, c_ptr, M, N, K, sam, sak, sbk, sbn, scm, scn,
           BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr):
    pid_m = tl.program_id(0); pid_n = tl.program_id(1)
    rm = pid_m * BM + tl.arange(0, BM); rn = pid_n * BN + tl.arange(0, BN); rk = tl.arange(0, BK)
    acc = tl.zeros((BM, BN), dtype=tl.float32)
    for k0 in range(0, K, BK):
        a = tl.load(a_ptr + rm[:, None] * sam + (k0 + rk)[None, :] * sak, mask=(rm[:, None] < M) & ((k0 + rk)[None, :] < K), other=0.0)
        b = tl.load(b_ptr + (k0 + rk)[:, None] * sbk + rn[None, :] * sbn, mask=((k0 + rk)[:, None] < K) & (rn[None, :] < N), other=0.0)
        acc = tl.dot(a, b, acc)
    tl.store(c_ptr + rm[:, None] * scm + rn[None, :] * scn, acc.to(tl.float16), mask=(rm[:, None] < M) & (rn[None, :] < N))


@triton.jit
def layernorm_fwd(x_ptr, y_ptr, w_ptr, b_ptr, stride, N, eps, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    m = cols < N
    x = tl.load(x_ptr + row * stride + cols, mask=m, other=0.0).to(tl.float32)
    mean = tl.sum(x, axis=0) / N
    xc = tl.where(m, x - mean, 0.0)
    var = tl.sum(xc * xc, axis=0) / N
    rstd = 1 / tl.sqrt(var + eps)
    y = xc * rstd * tl.load(w_ptr + cols, mask=m) + tl.load(b_ptr + cols, mask=m)
    tl.store(y_ptr + row * stride + cols, y, mask=m)


@triton.jit
def gqa_scores(q_ptr, k_ptr, out_ptr, S, scale, G: tl.constexpr, D: tl.constexpr, BLOCK_S: tl.constexpr):
    pid_s = tl.program_id(0); bh = tl.program_id(1)
    offs_s = pid_s * BLOCK_S + tl.arange(0, BLOCK_S); offs_d = tl.arange(0, D)
    kt = tl.load(k_ptr + bh.to(tl.int64) * S * D + offs_s[:, None] * D + offs_d[None, :], mask=offs_s[:, None] < S, other=0.0)
    for g in tl.static_range(G):
        qv = tl.load(q_ptr + (bh * G + g) * D + offs_d).to(tl.float32)
        sc = tl.sum(kt.to(tl.float32) * qv[None, :], axis=1) * scale
        tl.store(out_ptr + (bh * G + g).to(tl.int64) * S + offs_s, sc, mask=offs_s < S)


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


@triton.jit
def topk_rows(x_ptr, vals_ptr, idx_ptr, N: tl.constexpr, K: tl.constexpr):
    # top-K of one row of N scores, via Triton's own sort (bitonic) on packed (value, index) keys
    row = tl.program_id(0)
    offs = tl.arange(0, N)
    x = tl.load(x_ptr + row * N + offs)
    key = (x.to(tl.int32, bitcast=True).to(tl.int64) << 32) | offs.to(tl.int64)
    key = tl.sort(key, descending=True)
    kk = tl.arange(0, K)
    top = tl.gather(key, kk, axis=0)
    tl.store(idx_ptr + row * K + kk, (top & 0xFFFFFFFF).to(tl.int32))
    tl.store(vals_ptr + row * K + kk, (top >> 32).to(tl.int32).to(tl.float32, bitcast=True))


# ---- elementwise ------------------------------------------------------------------------------

@triton.jit
def eltwise_math_f32(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    # fp32 math functions; result k goes to row k of out[10, n]
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    x = tl.load(x_ptr + offs, mask=m, other=1.0)
    y = tl.load(y_ptr + offs, mask=m, other=1.0)
    ax = tl.abs(x) + 0.001
    tl.store(out_ptr + 0 * n + offs, tl.exp(x * 0.5) + tl.log(ax), mask=m)
    tl.store(out_ptr + 1 * n + offs, tl.sin(x) * tl.cos(y), mask=m)
    tl.store(out_ptr + 2 * n + offs, tl.sqrt(ax) * tl.rsqrt(ax + 1.0), mask=m)
    tl.store(out_ptr + 3 * n + offs, tl.fdiv(x, tl.abs(y) + 1.0), mask=m)
    tl.store(out_ptr + 4 * n + offs, tl.div_rn(y, ax) + x / (y * y + 1.0), mask=m)
    tl.store(out_ptr + 5 * n + offs, tl.where(x > y, tl.maximum(x, 0.0), tl.minimum(y, 0.0)), mask=m)
    tl.store(out_ptr + 6 * n + offs, tl.fma(x, y, 0.5), mask=m)
    tl.store(out_ptr + 7 * n + offs, tl.clamp(x, -0.5, 0.5), mask=m)
    tl.store(out_ptr + 8 * n + offs, tl.exp2(x) - tl.log2(ax) + tl.floor(x) + tl.ceil(y), mask=m)
    tl.store(out_ptr + 9 * n + offs, tl.sigmoid(x) + tl.erf(y), mask=m)


@triton.jit
def eltwise_f16(x_ptr, y_ptr, out16_ptr, out32_ptr, n, alpha, BLOCK: tl.constexpr):
    # fp16 arithmetic done in fp16, plus fp16 <-> fp32 casts and a scalar fp32 argument
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    x = tl.load(x_ptr + offs, mask=m, other=0.0)
    y = tl.load(y_ptr + offs, mask=m, other=0.0)
    z = x * y + x                      # fp16 mul/add
    z = tl.maximum(z, -y)              # fp16 max / neg
    tl.store(out16_ptr + offs, (z * alpha).to(tl.float16), mask=m)
    t = tl.exp(x.to(tl.float32)) - z.to(tl.float32)
    tl.store(out32_ptr + offs, t, mask=m)


@triton.jit
def silu_mul_bf16(gate_ptr, up_ptr, out_ptr, sum_ptr, n, BLOCK: tl.constexpr):
    # SwiGLU-style bf16 kernel: math in fp32, bf16 storage, plus a pure-bf16 add
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    g_raw = tl.load(gate_ptr + offs, mask=m, other=0.0)
    u_raw = tl.load(up_ptr + offs, mask=m, other=0.0)
    g = g_raw.to(tl.float32)
    act = g / (1.0 + tl.exp(-g))
    tl.store(out_ptr + offs, (act * u_raw.to(tl.float32)).to(tl.bfloat16), mask=m)
    tl.store(sum_ptr + offs, g_raw + u_raw, mask=m)


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


@triton.jit
def libdevice_math(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    # libdevice calls (CUDA __nv_* functions); result k goes to row k of out[5, n]
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    x = tl.load(x_ptr + offs, mask=m, other=0.0)
    y = tl.load(y_ptr + offs, mask=m, other=0.0)
    gelu = 0.5 * x * (1.0 + libdevice.erf(x * 0.7071067811865476))
    tl.store(out_ptr + 0 * n + offs, gelu, mask=m)
    tl.store(out_ptr + 1 * n + offs, libdevice.pow(tl.abs(y) + 0.5, x), mask=m)
    tl.store(out_ptr + 2 * n + offs, libdevice.tanh(x), mask=m)
    tl.store(out_ptr + 3 * n + offs, libdevice.atan2(y, x), mask=m)
    tl.store(out_ptr + 4 * n + offs, libdevice.rint(x * 3.0), mask=m)


@triton.jit
def dropout_rand(x_ptr, out_ptr, n, p, seed, BLOCK: tl.constexpr):
    # tl.rand (Philox: umulhi-based) and tl.where
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    x = tl.load(x_ptr + offs, mask=m, other=0.0)
    r = tl.rand(seed, offs)
    keep = r > p
    tl.store(out_ptr + offs, tl.where(keep, x / (1 - p), 0.0), mask=m)


@triton.jit
def fused_bias_act(x_ptr, b_ptr, out_ptr, n_cols, ACT: tl.constexpr, HAS_BIAS: tl.constexpr, BLOCK: tl.constexpr):
    # constexpr-specialised branches: only the selected branch reaches the TTIR
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    m = cols < n_cols
    x = tl.load(x_ptr + row * n_cols + cols, mask=m, other=0.0)
    if HAS_BIAS:
        x += tl.load(b_ptr + cols, mask=m, other=0.0)
    if ACT == "relu":
        y = tl.maximum(x, 0.0)
    elif ACT == "leaky_relu":
        y = tl.where(x >= 0, x, 0.01 * x)
    elif ACT == "gelu_tanh":
        u = 0.7978845608028654 * (x + 0.044715 * x * x * x)
        y = 0.5 * x * (1.0 + (2.0 * tl.sigmoid(2.0 * u) - 1.0))
    else:
        y = x
    tl.store(out_ptr + row * n_cols + cols, y, mask=m)


# ---- reductions, arg-reductions, scans, sort, top-k, histogram --------------------------------

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


@triton.jit
def scan_rows(x_ptr, cs_ptr, cp_ptr, rcs_ptr, ci_ptr, N: tl.constexpr, BLOCK_R: tl.constexpr):
    # cumsum / cumprod / reverse cumsum / integer cumsum along axis 1 of a [BLOCK_R, N] tile
    pid = tl.program_id(0)
    rows = pid * BLOCK_R + tl.arange(0, BLOCK_R)
    cols = tl.arange(0, N)
    offs = rows[:, None] * N + cols[None, :]
    x = tl.load(x_ptr + offs)
    tl.store(cs_ptr + offs, tl.cumsum(x, axis=1))
    tl.store(cp_ptr + offs, tl.cumprod(x, axis=1))
    tl.store(rcs_ptr + offs, tl.cumsum(x, axis=1, reverse=True))
    tl.store(ci_ptr + offs, tl.cumsum((x > 1.0).to(tl.int32), axis=1))


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


@triton.jit
def sort2d_int(x_ptr, asc_ptr, desc_ptr, N: tl.constexpr, BLOCK_R: tl.constexpr):
    # bitonic sort of int32 rows of a 2D tile, both directions
    pid = tl.program_id(0)
    rows = pid * BLOCK_R + tl.arange(0, BLOCK_R)
    offs = rows[:, None] * N + tl.arange(0, N)[None, :]
    x = tl.load(x_ptr + offs)
    tl.store(asc_ptr + offs, tl.sort(x, dim=1))
    tl.store(desc_ptr + offs, tl.sort(x, dim=1, descending=True))


@triton.jit
def topk_builtin(x_ptr, out_ptr, N: tl.constexpr, K: tl.constexpr):
    # tl.topk (bitonic top-k); compiled only when the installed Triton has tl.topk
    row = tl.program_id(0)
    x = tl.load(x_ptr + row * N + tl.arange(0, N))
    tl.store(out_ptr + row * K + tl.arange(0, K), tl.topk(x, K))


@triton.jit
def histogram_global(x_ptr, hist_ptr, n, NUM_BINS: tl.constexpr, BLOCK: tl.constexpr):
    # per-program tl.histogram merged into a global histogram with atomic_add
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    x = tl.load(x_ptr + offs, mask=m, other=NUM_BINS)          # masked lanes fall outside the bins
    x = tl.minimum(x, NUM_BINS - 1)
    h = tl.histogram(x, NUM_BINS)
    # the masked lanes all landed in the last bin: take them out again
    n_masked = BLOCK - tl.sum(m.to(tl.int32), axis=0)
    bins = tl.arange(0, NUM_BINS)
    h = h - tl.where(bins == NUM_BINS - 1, n_masked, 0)
    tl.atomic_add(hist_ptr + bins, h)


# ---- atomics ----------------------------------------------------------------------------------

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


@triton.jit
def locked_accumulate(x_ptr, acc_ptr, lock_ptr, count_ptr, N, GROUPS: tl.constexpr, BLOCK: tl.constexpr):
    # spin lock (atomic_cas in a while loop, atomic_xchg release), as in the layer-norm
    # backward tutorial: each program adds its row into the accumulator of its group
    pid = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    m = cols < N
    x = tl.load(x_ptr + pid * N + cols, mask=m, other=0.0)
    g = pid % GROUPS
    lock = lock_ptr + g
    while tl.atomic_cas(lock, 0, 1) == 1:
        pass
    count = tl.load(count_ptr + g)
    if count == 0:
        tl.atomic_xchg(count_ptr + g, 1)
    else:
        x += tl.load(acc_ptr + g * N + cols, mask=m, other=0.0)
    tl.store(acc_ptr + g * N + cols, x, mask=m)
    tl.debug_barrier()
    tl.atomic_xchg(lock, 0)


# ---- tl.dot -----------------------------------------------------------------------------------

@triton.jit
def matmul_bf16_blockptr(a_ptr, b_ptr, c_ptr, M, N, K, sam, sak, sbk, sbn, scm, scn,
                         BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr):
    # bf16 x bf16 -> fp32 accumulate, with block pointers, tl.advance and boundary checks
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    a_bp = tl.make_block_ptr(a_ptr, (M, K), (sam, sak), (pid_m * BM, 0), (BM, BK), (1, 0))
    b_bp = tl.make_block_ptr(b_ptr, (K, N), (sbk, sbn), (0, pid_n * BN), (BK, BN), (1, 0))
    acc = tl.zeros((BM, BN), dtype=tl.float32)
    for _ in range(0, tl.cdiv(K, BK)):
        a = tl.load(a_bp, boundary_check=(0, 1), padding_option="zero")
        b = tl.load(b_bp, boundary_check=(0, 1), padding_option="zero")
        acc += tl.dot(a, b)
        a_bp = tl.advance(a_bp, (0, BK))
        b_bp = tl.advance(b_bp, (BK, 0))
    c_bp = tl.make_block_ptr(c_ptr, (M, N), (scm, scn), (pid_m * BM, pid_n * BN), (BM, BN), (1, 0))
    tl.store(c_bp, acc.to(tl.bfloat16), boundary_check=(0, 1))


@triton.jit
def matmul_f32_ieee(a_ptr, b_ptr, c_ptr, M, N, K, sam, sbk, scm,
                    BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr):
    # fp32 x fp32 dot with input_precision="ieee" (no TF32), tl.range loop, int64 row offsets
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    rm = pid_m * BM + tl.arange(0, BM)
    rn = pid_n * BN + tl.arange(0, BN)
    rk = tl.arange(0, BK)
    acc = tl.zeros((BM, BN), dtype=tl.float32)
    for k0 in tl.range(0, K, BK):
        a = tl.load(a_ptr + rm[:, None].to(tl.int64) * sam + (k0 + rk)[None, :],
                    mask=(rm[:, None] < M) & ((k0 + rk)[None, :] < K), other=0.0)
        b = tl.load(b_ptr + (k0 + rk)[:, None].to(tl.int64) * sbk + rn[None, :],
                    mask=((k0 + rk)[:, None] < K) & (rn[None, :] < N), other=0.0)
        acc = tl.dot(a, b, acc, input_precision="ieee")
    tl.store(c_ptr + rm[:, None].to(tl.int64) * scm + rn[None, :], acc, mask=(rm[:, None] < M) & (rn[None, :] < N))


@triton.jit
def attn_fwd(q_ptr, k_ptr, v_ptr, o_ptr, sm_scale, S, stride_bh, stride_s,
             D: tl.constexpr, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, CAUSAL: tl.constexpr):
    # small flash-attention forward: two dots per step, online softmax with exp2, causal mask
    pid_m = tl.program_id(0)
    bh = tl.program_id(1)
    offs_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_n = tl.arange(0, BLOCK_N)
    offs_d = tl.arange(0, D)
    base = bh.to(tl.int64) * stride_bh
    q = tl.load(q_ptr + base + offs_m[:, None] * stride_s + offs_d[None, :], mask=offs_m[:, None] < S, other=0.0)
    m_i = tl.full([BLOCK_M], float("-inf"), tl.float32)
    l_i = tl.zeros([BLOCK_M], dtype=tl.float32)
    acc = tl.zeros([BLOCK_M, D], dtype=tl.float32)
    qk_scale = sm_scale * 1.4426950408889634
    hi = S
    if CAUSAL:
        hi = tl.minimum(S, (pid_m + 1) * BLOCK_M)
    for start_n in range(0, hi, BLOCK_N):
        cols = start_n + offs_n
        kt = tl.load(k_ptr + base + cols[None, :] * stride_s + offs_d[:, None], mask=cols[None, :] < S, other=0.0)
        qk = tl.dot(q, kt) * qk_scale
        valid = cols[None, :] < S
        if CAUSAL:
            valid = valid & (offs_m[:, None] >= cols[None, :])
        qk = tl.where(valid, qk, float("-inf"))
        m_new = tl.maximum(m_i, tl.max(qk, axis=1))
        p = tl.exp2(qk - m_new[:, None])
        alpha = tl.exp2(m_i - m_new)
        l_i = l_i * alpha + tl.sum(p, axis=1)
        acc = acc * alpha[:, None]
        v = tl.load(v_ptr + base + cols[:, None] * stride_s + offs_d[None, :], mask=cols[:, None] < S, other=0.0)
        acc = tl.dot(p.to(tl.float16), v, acc)
        m_i = m_new
    acc = acc / l_i[:, None]
    tl.store(o_ptr + base + offs_m[:, None] * stride_s + offs_d[None, :], acc.to(tl.float16), mask=offs_m[:, None] < S)


# ---- loops and control flow -------------------------------------------------------------------

@triton.jit
def online_softmax(x_ptr, out_ptr, n_cols, stride, BLOCK: tl.constexpr):
    # two `for range` loops over column blocks with loop-carried tensors (running max / sum)
    row = tl.program_id(0)
    x_row = x_ptr + row.to(tl.int64) * stride
    o_row = out_ptr + row.to(tl.int64) * stride
    m_i = tl.full([BLOCK], float("-inf"), tl.float32)
    l_i = tl.zeros([BLOCK], dtype=tl.float32)
    for start in range(0, n_cols, BLOCK):
        cols = start + tl.arange(0, BLOCK)
        x = tl.load(x_row + cols, mask=cols < n_cols, other=float("-inf"))
        m_new = tl.maximum(m_i, x)
        l_i = l_i * tl.exp(m_i - m_new) + tl.exp(x - m_new)
        m_i = m_new
    m = tl.max(m_i, axis=0)
    l = tl.sum(l_i * tl.exp(m_i - m), axis=0)
    for start in range(0, n_cols, BLOCK):
        cols = start + tl.arange(0, BLOCK)
        x = tl.load(x_row + cols, mask=cols < n_cols, other=float("-inf"))
        tl.store(o_row + cols, tl.exp(x - m) / l, mask=cols < n_cols)


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


# ---- layout ops: broadcasting, reshape / trans / permute / join / split / cat / gather ----------

@triton.jit
def outer_bias_relu(x_ptr, y_ptr, bias_ptr, out_ptr, M, N, stride_om,
                    BM: tl.constexpr, BN: tl.constexpr):
    # 2D tile from two 1D vectors: [:, None] / [None, :], expand_dims + broadcast_to
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    rm = pid_m * BM + tl.arange(0, BM)
    rn = pid_n * BN + tl.arange(0, BN)
    x = tl.load(x_ptr + rm, mask=rm < M, other=0.0)
    y = tl.load(y_ptr + rn, mask=rn < N, other=0.0)
    bias = tl.load(bias_ptr + rn, mask=rn < N, other=0.0)
    xb = tl.broadcast_to(tl.expand_dims(x, 1), (BM, BN))
    out = tl.maximum(xb * y[None, :] + bias[None, :], 0.0)
    tl.store(out_ptr + rm[:, None] * stride_om + rn[None, :], out, mask=(rm[:, None] < M) & (rn[None, :] < N))


@triton.jit
def reshape_trans_cat(x_ptr, t_ptr, pair_ptr, cat_ptr, BM: tl.constexpr, BN: tl.constexpr):
    # each program owns one [BM, BN] tile: transpose, reshape into pairs, and concatenate
    pid = tl.program_id(0)
    i = tl.arange(0, BM)
    j = tl.arange(0, BN)
    x = tl.load(x_ptr + pid * BM * BN + i[:, None] * BN + j[None, :])
    xt = tl.trans(x)                                                  # [BN, BM]
    tl.store(t_ptr + pid * BM * BN + j[:, None] * BM + i[None, :], xt)
    pairs = tl.reshape(x, (BM * BN // 2, 2))
    tl.store(pair_ptr + pid * (BM * BN // 2) + tl.arange(0, BM * BN // 2), tl.sum(pairs, axis=1))
    flat = tl.reshape(x, (BM * BN,))
    both = tl.cat(flat, flat * 2.0, can_reorder=True)                # element order unspecified
    tl.store(cat_ptr + pid * (2 * BM * BN) + tl.arange(0, 2 * BM * BN), both)


@triton.jit
def complex_mul(a_ptr, b_ptr, out_ptr, out_il_ptr, n, BLOCK: tl.constexpr):
    # interleaved complex numbers: load [BLOCK, 2], tl.split, multiply, tl.join, tl.interleave
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    two = tl.arange(0, 2)
    ab_offs = offs[:, None] * 2 + two[None, :]
    a = tl.load(a_ptr + ab_offs, mask=m[:, None], other=0.0)
    b = tl.load(b_ptr + ab_offs, mask=m[:, None], other=0.0)
    ar, ai = tl.split(a)
    br, bi = tl.split(b)
    cr = ar * br - ai * bi
    ci = ar * bi + ai * br
    tl.store(out_ptr + ab_offs, tl.join(cr, ci), mask=m[:, None])
    il_offs = pid * 2 * BLOCK + tl.arange(0, 2 * BLOCK)
    tl.store(out_il_ptr + il_offs, tl.interleave(cr, ci), mask=il_offs < 2 * n)


@triton.jit
def gather_rows(src_ptr, idx_ptr, out_ptr, emb_ptr, tok_ptr, eout_ptr,
                N: tl.constexpr, K: tl.constexpr, BLOCK_R: tl.constexpr, D: tl.constexpr):
    # tl.gather along axis 1 of a register tile, and a pointer-based embedding lookup
    pid = tl.program_id(0)
    rows = pid * BLOCK_R + tl.arange(0, BLOCK_R)
    src = tl.load(src_ptr + rows[:, None] * N + tl.arange(0, N)[None, :])          # [BLOCK_R, N]
    kk = tl.arange(0, K)
    idx = tl.load(idx_ptr + rows[:, None] * K + kk[None, :])                     # [BLOCK_R, K]
    tl.store(out_ptr + rows[:, None] * K + kk[None, :], tl.gather(src, idx, axis=1))
    tok = tl.load(tok_ptr + rows)                                               # [BLOCK_R]
    dd = tl.arange(0, D)
    e = tl.load(emb_ptr + tok[:, None].to(tl.int64) * D + dd[None, :])
    tl.store(eout_ptr + rows[:, None] * D + dd[None, :], e)


@triton.jit
def batched_3d(x_ptr, out_ptr, outt_ptr, B, M, N, sb, sm,
               BB: tl.constexpr, BM: tl.constexpr, BN: tl.constexpr):
    # 3D tile [BB, BM, BN]: 3D broadcasting of aranges, reductions over axes 1 and 2, permute
    pid = tl.program_id(0)
    ob = pid * BB + tl.arange(0, BB)
    om = tl.arange(0, BM)
    on = tl.arange(0, BN)
    mask = (ob[:, None, None] < B) & (om[None, :, None] < M) & (on[None, None, :] < N)
    x = tl.load(x_ptr + ob[:, None, None] * sb + om[None, :, None] * sm + on[None, None, :], mask=mask, other=0.0)
    s = tl.sum(x, axis=2)                              # [BB, BM]
    mx = tl.max(tl.abs(x), axis=1)                     # [BB, BN]
    y = x * s[:, :, None] / (mx[:, None, :] + 1.0)
    tl.store(out_ptr + ob[:, None, None] * sb + om[None, :, None] * sm + on[None, None, :], y, mask=mask)
    yt = tl.permute(y, (0, 2, 1))                     # [BB, BN, BM]
    tmask = (ob[:, None, None] < B) & (on[None, :, None] < N) & (om[None, None, :] < M)
    tl.store(outt_ptr + ob[:, None, None] * (M * N) + on[None, :, None] * M + om[None, None, :], yt, mask=tmask)


# ---- memory: masks with `other`, int64 addressing, cache / eviction / volatile ----------------

@triton.jit
def pad2d(x_ptr, out_ptr, M, N, stride_x, stride_o, pad_value, BM: tl.constexpr, BN: tl.constexpr):
    # copy [M, N] into a larger buffer; out-of-range lanes load the runtime scalar `pad_value`
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    rm = pid_m * BM + tl.arange(0, BM)
    rn = pid_n * BN + tl.arange(0, BN)
    mask = (rm[:, None] < M) & (rn[None, :] < N)
    x = tl.load(x_ptr + rm[:, None] * stride_x + rn[None, :], mask=mask, other=pad_value)
    tl.store(out_ptr + rm[:, None] * stride_o + rn[None, :], x)


@triton.jit
def int64_index(x_ptr, idx_ptr, out_ptr, key_ptr, n, base, stride_k, BLOCK: tl.constexpr):
    # int64 offsets, pointer + int64 tensor, an i64 scalar argument, int64 output
    pid = tl.program_id(0).to(tl.int64)
    offs = pid * BLOCK + tl.arange(0, BLOCK).to(tl.int64)
    m = offs < n
    idx = tl.load(idx_ptr + offs, mask=m, other=0)
    v = tl.load(x_ptr + idx, mask=m, other=0.0)
    tl.store(out_ptr + offs, v, mask=m)
    tl.store(key_ptr + offs, base + offs * stride_k, mask=m)


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


# ---- debugging ops ----------------------------------------------------------------------------

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


@triton.jit
def device_assert_debug(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    # tl.device_assert only survives into the TTIR when compiled with debug=True
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    x = tl.load(x_ptr + offs, mask=m, other=0.0)
    tl.device_assert(x >= 0, "x must be non-negative")
    tl.store(out_ptr + offs, tl.sqrt(x), mask=m)


# ============================================================================================
# Harness
# ============================================================================================

class Skip(Exception):
    """Raised by a case whose Triton feature is missing from the installed version."""


def _dt(t):
    return str(t).replace("torch.", "")


# ---- tensor factories that remember how the tensor was made (for the C++ harness) ----

def _mark(t, **init):
    t._corpus_init = init
    return t


def _shape(shape):
    return (shape,) if isinstance(shape, int) else tuple(shape)


def randn(shape, dtype=torch.float32, scale=1.0, shift=0.0):
    shape = _shape(shape)
    t = (torch.randn(shape, device=DEV, dtype=torch.float32) * scale + shift).to(dtype)
    return _mark(t, kind="randn", scale=scale, shift=shift)


def uniform(shape, lo, hi, dtype=torch.float32):
    shape = _shape(shape)
    t = (torch.rand(shape, device=DEV, dtype=torch.float32) * (hi - lo) + lo).to(dtype)
    return _mark(t, kind="uniform", low=lo, high=hi)


def randint(shape, lo, hi, dtype=torch.int32):
    shape = _shape(shape)
    return _mark(torch.randint(lo, hi, shape, device=DEV, dtype=dtype), kind="randint", low=lo, high=hi)


def zeros(shape, dtype=torch.float32):
    shape = _shape(shape)
    return _mark(torch.zeros(shape, device=DEV, dtype=dtype), kind="zeros")


def full(shape, value, dtype=torch.float32):
    shape = _shape(shape)
    return _mark(torch.full(shape, value, device=DEV, dtype=dtype), kind="full", value=value)


def T(name, t, role="in"):
    return {"name": name, "kind": "tensor", "value": t, "role": role}


def S(name, value, dtype=None):
    if dtype is None:
        if isinstance(value, bool):
            dtype = "bool"
        elif isinstance(value, int):
            dtype = "int32" if -2**31 <= value < 2**31 else "int64"
        else:
            dtype = "float32"
    return {"name": name, "kind": "scalar", "value": value, "dtype": dtype, "role": "in"}


def spec(kernel, grid, args, constexprs=None, num_warps=4, num_stages=None, options=None,
         helpers=(), check=None, notes=None):
    return dict(kernel=kernel, grid=tuple(grid), args=args, constexprs=constexprs or {},
                num_warps=num_warps, num_stages=num_stages, options=options or {},
                helpers=list(helpers), check=check, notes=notes)


# ---- reference comparison helpers ----

def cmp(label, got, exp, atol=1e-4, rtol=1e-4):
    got = got.detach()
    exp = exp.detach().to(got.device)
    if tuple(got.shape) != tuple(exp.shape):
        return f"{label}: shape {tuple(got.shape)} vs {tuple(exp.shape)}"
    if got.dtype.is_floating_point or exp.dtype.is_floating_point:
        g, e = got.double(), exp.double()
        if torch.allclose(g, e, atol=atol, rtol=rtol, equal_nan=True):
            return None
        diff = (g - e).abs()
        diff = torch.where(torch.isnan(diff), torch.full_like(diff, float("inf")), diff)
        return f"{label}: max_abs_err={diff.max().item():.3g}"
    if torch.equal(got.long(), exp.long()):
        return None
    bad = (got.long() != exp.long()).sum().item()
    return f"{label}: {bad} of {got.numel()} differ"


def verdict(*msgs):
    bad = [m for m in msgs if m]
    return "match" if not bad else "mismatch: " + "; ".join(bad)


# ---- cases ----

CASES = []


def case(name):
    def deco(fn):
        CASES.append((name, fn))
        return fn
    return deco


@case("vector_add")
def _():
    n = 5000
    x, y, o = randn(n), randn(n), zeros(n)
    return spec(vector_add, (triton.cdiv(n, 1024),),
                [T("x_ptr", x), T("y_ptr", y), T("out_ptr", o, "out"), S("n", n)], {"BLOCK": 1024},
                check=lambda: verdict(cmp("out", o, x + y)))


@case("softmax_rows")
def _():
    x, o = randn((64, 781)), zeros((64, 781))
    return spec(softmax_rows, (64,),
                [T("out_ptr", o, "out"), T("in_ptr", x), S("in_stride", x.stride(0)),
                 S("out_stride", o.stride(0)), S("n_cols", 781)], {"BLOCK": 1024},
                check=lambda: verdict(cmp("out", o, torch.softmax(x, dim=1), atol=1e-6)))


@case("matmul")
def _():
    M, N, K = 512, 384, 256
    a, b, c = randn((M, K), torch.float16), randn((K, N), torch.float16), zeros((M, N), torch.float16)
    return spec(matmul, (M // 128, N // 128),
                [T("a_ptr", a), T("b_ptr", b), T("c_ptr", c, "out"), S("M", M), S("N", N), S("K", K),
                 S("sam", a.stride(0)), S("sak", a.stride(1)), S("sbk", b.stride(0)), S("sbn", b.stride(1)),
                 S("scm", c.stride(0)), S("scn", c.stride(1))],
                {"BM": 128, "BN": 128, "BK": 32},
                check=lambda: verdict(cmp("c", c.float(), (a.float() @ b.float()), atol=0.1, rtol=1e-2)))


@case("layernorm_fwd")
def _():
    R, N, eps = 32, 1000, 1e-5
    x, y = randn((R, N), torch.float16), zeros((R, N), torch.float16)
    w, b = randn(N, torch.float16), randn(N, torch.float16)
    return spec(layernorm_fwd, (R,),
                [T("x_ptr", x), T("y_ptr", y, "out"), T("w_ptr", w), T("b_ptr", b),
                 S("stride", x.stride(0)), S("N", N), S("eps", eps)], {"BLOCK": 1024},
                check=lambda: verdict(cmp("y", y.float(), torch.nn.functional.layer_norm(
                    x.float(), (N,), w.float(), b.float(), eps), atol=2e-2, rtol=1e-2)))


@case("gqa_scores")
def _():
    H, G, S_, D = 8, 4, 1024, 128
    q = randn((1, H * G, D), torch.bfloat16)
    k = randn((1, H, S_, D), torch.bfloat16)
    out = zeros((1, H * G, S_))
    scale = 0.088

    def check():
        ref = torch.einsum("hgd,hsd->hgs", q.float().view(H, G, D), k.float().view(H, S_, D)) * scale
        return verdict(cmp("scores", out.view(H, G, S_), ref, atol=1e-3, rtol=1e-3))
    return spec(gqa_scores, (S_ // 64, H),
                [T("q_ptr", q), T("k_ptr", k), T("out_ptr", out, "out"), S("S", S_), S("scale", scale)],
                {"G": G, "D": D, "BLOCK_S": 64}, check=check)


@case("block_sort_argmax_scan")
def _():
    R, B = 8, 256
    x = randn((R, B))
    so, cu = zeros((R, B)), zeros((R, B))
    am, hi = zeros(R, torch.int32), zeros((R, 16), torch.int32)
    cn = zeros(1, torch.int32)

    def check():
        bins = torch.clamp((x.abs() * 4).to(torch.int32), max=15).long()
        hist = torch.stack([torch.bincount(bins[r], minlength=16) for r in range(R)])
        return verdict(cmp("sorted", so, torch.sort(x, dim=1, descending=True).values),
                       cmp("cumsum", cu, torch.cumsum(x, 1), atol=1e-4),
                       cmp("argmax", am, torch.argmax(x, 1)),
                       cmp("hist", hi, hist),
                       cmp("count", cn, (x > 0).sum().view(1)))
    return spec(block_sort_argmax_scan, (R,),
                [T("x_ptr", x), T("sorted_ptr", so, "out"), T("cum_ptr", cu, "out"), T("amax_ptr", am, "out"),
                 T("hist_ptr", hi, "out"), T("cnt_ptr", cn, "inout")], {"BLOCK": B}, check=check)


@case("topk_rows")
def _():
    if not hasattr(tl, "gather"):
        raise Skip("tl.gather missing")
    R, N, K = 4, 1024, 64
    x = randn((R, N))
    tv, ti = zeros((R, K)), zeros((R, K), torch.int32)

    def check():
        ref = torch.topk(x, K, dim=1)
        return verdict(cmp("vals", tv, ref.values), cmp("idx", ti, ref.indices))
    return spec(topk_rows, (R,), [T("x_ptr", x), T("vals_ptr", tv, "out"), T("idx_ptr", ti, "out")],
                {"N": N, "K": K}, check=check)


@case("eltwise_math_f32")
def _():
    n = 10000
    x, y, o = randn(n), randn(n), zeros((10, n))

    def check():
        ax = x.abs() + 0.001
        ref = [torch.exp(x * 0.5) + torch.log(ax), torch.sin(x) * torch.cos(y),
               torch.sqrt(ax) * torch.rsqrt(ax + 1.0), x / (y.abs() + 1.0), y / ax + x / (y * y + 1.0),
               torch.where(x > y, torch.clamp(x, min=0.0), torch.clamp(y, max=0.0)), x * y + 0.5,
               torch.clamp(x, -0.5, 0.5), torch.exp2(x) - torch.log2(ax) + torch.floor(x) + torch.ceil(y),
               torch.sigmoid(x) + torch.erf(y)]
        return verdict(*[cmp(f"row{k}", o[k], r, atol=1e-4, rtol=1e-4) for k, r in enumerate(ref)])
    return spec(eltwise_math_f32, (triton.cdiv(n, 1024),),
                [T("x_ptr", x), T("y_ptr", y), T("out_ptr", o, "out"), S("n", n)], {"BLOCK": 1024}, check=check)


@case("eltwise_f16")
def _():
    n, alpha = 3000, 0.75
    x, y = randn(n, torch.float16), randn(n, torch.float16)
    o16, o32 = zeros(n, torch.float16), zeros(n)

    def check():
        z = torch.maximum(x * y + x, -y)
        return verdict(cmp("out16", o16, (z.float() * alpha).half(), atol=2e-2, rtol=1e-2),
                       cmp("out32", o32, torch.exp(x.float()) - z.float(), atol=2e-2, rtol=1e-2))
    return spec(eltwise_f16, (triton.cdiv(n, 512),),
                [T("x_ptr", x), T("y_ptr", y), T("out16_ptr", o16, "out"), T("out32_ptr", o32, "out"),
                 S("n", n), S("alpha", alpha)], {"BLOCK": 512}, check=check)


@case("silu_mul_bf16")
def _():
    n = 4096 + 100
    g, u = randn(n, torch.bfloat16), randn(n, torch.bfloat16)
    o, s = zeros(n, torch.bfloat16), zeros(n, torch.bfloat16)

    def check():
        gf = g.float()
        return verdict(cmp("out", o.float(), (torch.nn.functional.silu(gf) * u.float()), atol=3e-2, rtol=2e-2),
                       cmp("sum", s.float(), (g + u).float(), atol=3e-2, rtol=2e-2))
    return spec(silu_mul_bf16, (triton.cdiv(n, 1024),),
                [T("gate_ptr", g), T("up_ptr", u), T("out_ptr", o, "out"), T("sum_ptr", s, "out"), S("n", n)],
                {"BLOCK": 1024}, check=check)


@case("eltwise_int32")
def _():
    n = 5000
    a, b = randint(n, -100000, 100000), randint(n, 1, 1000)
    o = zeros((9, n), torch.int32)

    def check():
        A, B = a.long(), b.long()
        M32 = 0xFFFFFFFF
        ref = [A + B * 3 - (A >> 2),
               torch.div(A, B, rounding_mode="trunc"),
               torch.fmod(A, B),
               ((A & 0xFF) | (B << 4)) ^ A,
               torch.where(A > B, torch.maximum(A, B), torch.minimum(A, -B)),
               ((A & M32) * (B & M32)) >> 32,
               (a.float() * 0.37).to(torch.int32).long(),
               a.to(torch.int8).long() + (B + 6) // 7,
               (A & M32) >> 3]
        ref = [((r & M32) ^ 0x80000000) - 0x80000000 for r in ref]  # wrap to int32
        return verdict(*[cmp(f"row{k}", o[k], r) for k, r in enumerate(ref)])
    return spec(eltwise_int32, (triton.cdiv(n, 1024),),
                [T("a_ptr", a), T("b_ptr", b), T("out_ptr", o, "out"), S("n", n)], {"BLOCK": 1024}, check=check)


@case("libdevice_math")
def _():
    if libdevice is None:
        raise Skip("triton.language.extra.libdevice missing")
    n = 3000
    x, y, o = randn(n), randn(n), zeros((5, n))

    def check():
        ref = [0.5 * x * (1.0 + torch.erf(x * 0.7071067811865476)), torch.pow(y.abs() + 0.5, x),
               torch.tanh(x), torch.atan2(y, x), torch.round(x * 3.0)]
        return verdict(*[cmp(f"row{k}", o[k], r, atol=1e-5, rtol=1e-5) for k, r in enumerate(ref)])
    return spec(libdevice_math, (triton.cdiv(n, 1024),),
                [T("x_ptr", x), T("y_ptr", y), T("out_ptr", o, "out"), S("n", n)], {"BLOCK": 1024},
                check=check, notes={"globals": {"libdevice": "triton.language.extra.libdevice"}})


@case("dropout_rand")
def _():
    n, p, seed = 8192 + 77, 0.25, 1234
    x, o = uniform(n, 0.5, 1.5), zeros(n)

    def check():
        kept = o != 0
        frac = kept.float().mean().item()
        msgs = [cmp("kept", o[kept], x[kept] / (1 - p), atol=1e-6, rtol=1e-6)]
        if abs(frac - (1 - p)) > 0.05:
            msgs.append(f"kept fraction {frac:.3f}")
        return verdict(*msgs)
    return spec(dropout_rand, (triton.cdiv(n, 1024),),
                [T("x_ptr", x), T("out_ptr", o, "out"), S("n", n), S("p", p), S("seed", seed)],
                {"BLOCK": 1024}, check=check)


def _fused_bias_act_case(act, has_bias):
    R, N = 16, 700
    x, b, o = randn((R, N)), randn(N), zeros((R, N))

    def check():
        z = x + b if has_bias else x
        if act == "relu":
            ref = torch.relu(z)
        elif act == "leaky_relu":
            ref = torch.nn.functional.leaky_relu(z, 0.01)
        elif act == "gelu_tanh":
            ref = torch.nn.functional.gelu(z, approximate="tanh")
        else:
            ref = z
        return verdict(cmp("out", o, ref, atol=1e-5, rtol=1e-5))
    return spec(fused_bias_act, (R,), [T("x_ptr", x), T("b_ptr", b), T("out_ptr", o, "out"), S("n_cols", N)],
                {"ACT": act, "HAS_BIAS": has_bias, "BLOCK": 1024}, check=check)


@case("fused_bias_act_leaky")
def _():
    return _fused_bias_act_case("leaky_relu", True)


@case("fused_bias_act_gelu")
def _():
    return _fused_bias_act_case("gelu_tanh", False)


@case("row_reduce")
def _():
    R, C = 100, 300
    x = randn((R, C))
    outs = [zeros(R), zeros(R), zeros(R), zeros(R), zeros(R, torch.int32), zeros(R, torch.int32)]

    def check():
        xi = x.view(torch.int32)
        xr = xi[:, 0].clone()
        for c in range(1, C):
            xr ^= xi[:, c]
        return verdict(cmp("sum", outs[0], x.sum(1), atol=1e-4), cmp("max", outs[1], x.amax(1)),
                       cmp("min", outs[2], x.amin(1)), cmp("absmax", outs[3], x.abs().amax(1)),
                       cmp("npos", outs[4], (x > 0).sum(1)), cmp("xor", outs[5], xr))
    names = ["sum_ptr", "max_ptr", "min_ptr", "absmax_ptr", "npos_ptr", "xor_ptr"]
    return spec(row_reduce, (triton.cdiv(R, 8),),
                [T("x_ptr", x)] + [T(nm, t, "out") for nm, t in zip(names, outs)] +
                [S("n_rows", R), S("n_cols", C), S("stride", x.stride(0))],
                {"BLOCK_R": 8, "BLOCK_C": 512}, helpers=[_absmax_combine], check=check)


@case("argmax_argmin_rows")
def _():
    R, C = 32, 700
    x, xi = randn((R, C)), randint((R, C), 0, 50)
    amax, amin, imax = zeros(R, torch.int32), zeros(R, torch.int32), zeros(R, torch.int32)
    vmax = zeros(R)

    def check():
        return verdict(cmp("argmax", amax, x.argmax(1)), cmp("argmin", amin, x.argmin(1)),
                       cmp("int_argmax", imax, xi.argmax(1)), cmp("max", vmax, x.amax(1)))
    return spec(argmax_argmin_rows, (R,),
                [T("x_ptr", x), T("xi_ptr", xi), T("amax_ptr", amax, "out"), T("amin_ptr", amin, "out"),
                 T("imax_ptr", imax, "out"), T("vmax_ptr", vmax, "out"), S("n_cols", C)], {"BLOCK": 1024},
                check=check)


@case("scan_rows")
def _():
    R, N = 16, 128
    x = uniform((R, N), 0.9, 1.1)
    cs, cp, rcs, ci = zeros((R, N)), zeros((R, N)), zeros((R, N)), zeros((R, N), torch.int32)

    def check():
        return verdict(cmp("cumsum", cs, x.cumsum(1), atol=1e-4), cmp("cumprod", cp, x.cumprod(1), rtol=1e-4),
                       cmp("rcumsum", rcs, x.flip(1).cumsum(1).flip(1), atol=1e-4),
                       cmp("icumsum", ci, (x > 1.0).int().cumsum(1)))
    return spec(scan_rows, (R // 4,),
                [T("x_ptr", x), T("cs_ptr", cs, "out"), T("cp_ptr", cp, "out"), T("rcs_ptr", rcs, "out"),
                 T("ci_ptr", ci, "out")], {"N": N, "BLOCK_R": 4}, check=check)


@case("linear_recurrence_scan")
def _():
    R, N = 8, 256
    a, b = uniform((R, N), 0.5, 1.0), randn((R, N))
    h, rm = zeros((R, N)), zeros((R, N))

    def check():
        ref = torch.zeros_like(a)
        cur = torch.zeros(R, device=DEV)
        for t in range(N):
            cur = a[:, t] * cur + b[:, t]
            ref[:, t] = cur
        return verdict(cmp("h", h, ref, atol=1e-4, rtol=1e-4), cmp("runmax", rm, torch.cummax(b, 1).values))
    return spec(linear_recurrence_scan, (R,),
                [T("a_ptr", a), T("b_ptr", b), T("h_ptr", h, "out"), T("runmax_ptr", rm, "out")], {"N": N},
                helpers=[_linrec_combine, _max_combine], check=check)


@case("sort2d_int")
def _():
    R, N = 16, 128
    x = randint((R, N), -1000, 1000)
    asc, desc = zeros((R, N), torch.int32), zeros((R, N), torch.int32)

    def check():
        return verdict(cmp("asc", asc, torch.sort(x, 1).values),
                       cmp("desc", desc, torch.sort(x, 1, descending=True).values))
    return spec(sort2d_int, (R // 4,), [T("x_ptr", x), T("asc_ptr", asc, "out"), T("desc_ptr", desc, "out")],
                {"N": N, "BLOCK_R": 4}, check=check)


@case("topk_builtin")
def _():
    if not hasattr(tl, "topk"):
        raise Skip("tl.topk missing in this Triton")
    R, N, K = 8, 512, 16
    x, o = randn((R, N)), zeros((R, K))

    def check():  # compare as sets (sorted), the output order is Triton's business
        return verdict(cmp("topk", torch.sort(o, 1, descending=True).values, torch.topk(x, K, 1).values))
    return spec(topk_builtin, (R,), [T("x_ptr", x), T("out_ptr", o, "out")], {"N": N, "K": K}, check=check)


@case("histogram_global")
def _():
    n, nb = 10000, 32
    x, h = randint(n, 0, nb), zeros(nb, torch.int32)
    return spec(histogram_global, (triton.cdiv(n, 1024),),
                [T("x_ptr", x), T("hist_ptr", h, "inout"), S("n", n)], {"NUM_BINS": nb, "BLOCK": 1024},
                check=lambda: verdict(cmp("hist", h, torch.bincount(x.long(), minlength=nb))))


@case("atomic_rmw")
def _():
    n, nb, B = 6000, 8, 512
    grid = triton.cdiv(n, B)
    x, bk = randn(n), randint(n, 0, nb)
    fsum, fmax = zeros(nb), full(nb, float("-inf"))
    imax, imin = full(nb, -2**31, torch.int32), full(nb, 2**31 - 1, torch.int32)
    last, cnt = zeros(grid, torch.int32), zeros(1, torch.int32)

    def check():
        xi = (x * 1000.0).to(torch.int32)
        b = bk.long()
        rs = torch.zeros(nb, device=DEV).index_add_(0, b, x)
        rmax = torch.full((nb,), float("-inf"), device=DEV).scatter_reduce(0, b, x, "amax")
        rimax = torch.full((nb,), -2**31, device=DEV, dtype=torch.int32).scatter_reduce(0, b, xi, "amax")
        rimin = torch.full((nb,), 2**31 - 1, device=DEV, dtype=torch.int32).scatter_reduce(0, b, xi, "amin")
        pad = torch.full((grid * B - n,), -2**31, device=DEV, dtype=torch.int32)
        rlast = torch.cat([xi, pad]).view(grid, B).amax(1)
        return verdict(cmp("fsum", fsum, rs, atol=1e-3), cmp("fmax", fmax, rmax), cmp("imax", imax, rimax),
                       cmp("imin", imin, rimin), cmp("last", last, rlast), cmp("cnt", cnt, torch.tensor([grid])))
    return spec(atomic_rmw, (grid,),
                [T("x_ptr", x), T("bucket_ptr", bk), T("fsum_ptr", fsum, "inout"), T("fmax_ptr", fmax, "inout"),
                 T("imax_ptr", imax, "inout"), T("imin_ptr", imin, "inout"), T("last_ptr", last, "inout"),
                 T("cnt_ptr", cnt, "inout"), S("n", n)], {"BLOCK": B}, check=check)


@case("matmul_bf16_blockptr")
def _():
    M, N, K = 200, 136, 100
    a, b, c = randn((M, K), torch.bfloat16), randn((K, N), torch.bfloat16), zeros((M, N), torch.bfloat16)
    return spec(matmul_bf16_blockptr, (triton.cdiv(M, 64), triton.cdiv(N, 64)),
                [T("a_ptr", a), T("b_ptr", b), T("c_ptr", c, "out"), S("M", M), S("N", N), S("K", K),
                 S("sam", a.stride(0)), S("sak", a.stride(1)), S("sbk", b.stride(0)), S("sbn", b.stride(1)),
                 S("scm", c.stride(0)), S("scn", c.stride(1))],
                {"BM": 64, "BN": 64, "BK": 32},
                check=lambda: verdict(cmp("c", c.float(), a.float() @ b.float(), atol=0.1, rtol=2e-2)))


@case("matmul_f32_ieee")
def _():
    M, N, K = 160, 96, 200
    a, b, c = randn((M, K)), randn((K, N)), zeros((M, N))
    ref_fn = lambda: (a.double() @ b.double()).float()  # noqa: E731
    return spec(matmul_f32_ieee, (triton.cdiv(M, 64), triton.cdiv(N, 32)),
                [T("a_ptr", a), T("b_ptr", b), T("c_ptr", c, "out"), S("M", M), S("N", N), S("K", K),
                 S("sam", a.stride(0)), S("sbk", b.stride(0)), S("scm", c.stride(0))],
                {"BM": 64, "BN": 32, "BK": 32},
                check=lambda: verdict(cmp("c", c, ref_fn(), atol=1e-3, rtol=1e-4)))


@case("attn_fwd")
def _():
    BH, S_, D = 4, 256, 64
    q, k, v = randn((BH, S_, D), torch.float16), randn((BH, S_, D), torch.float16), randn((BH, S_, D), torch.float16)
    o = zeros((BH, S_, D), torch.float16)
    scale = D ** -0.5

    def check():
        ref = torch.nn.functional.scaled_dot_product_attention(q.float(), k.float(), v.float(), is_causal=True,
                                                               scale=scale)
        return verdict(cmp("o", o.float(), ref, atol=2e-2, rtol=2e-2))
    return spec(attn_fwd, (S_ // 64, BH),
                [T("q_ptr", q), T("k_ptr", k), T("v_ptr", v), T("o_ptr", o, "out"), S("sm_scale", scale),
                 S("S", S_), S("stride_bh", q.stride(0)), S("stride_s", q.stride(1))],
                {"D": D, "BLOCK_M": 64, "BLOCK_N": 64, "CAUSAL": True}, check=check)


@case("online_softmax")
def _():
    R, C = 32, 1000
    x, o = randn((R, C)), zeros((R, C))
    return spec(online_softmax, (R,),
                [T("x_ptr", x), T("out_ptr", o, "out"), S("n_cols", C), S("stride", x.stride(0))], {"BLOCK": 256},
                check=lambda: verdict(cmp("out", o, torch.softmax(x, 1), atol=1e-6)))


@case("scalar_control_flow")
def _():
    n, mode, n_iter, thresh = 3000, 2, 5, 200.0
    B = 256
    x, o = randn(n), zeros(n)

    def check():
        y = -x  # mode 2 -> else branch
        pad = torch.zeros(triton.cdiv(n, B) * B - n, device=DEV)
        s = torch.cat([y.abs(), pad]).view(-1, B).sum(1).repeat_interleave(B)[:n]
        y = torch.where(s > thresh, y / s, y)
        acc = torch.zeros_like(y)
        for _i in range(n_iter):
            acc = acc * 0.5 + y
        pid = torch.arange(n, device=DEV) // B
        acc = acc * torch.where(pid % 2 == 0, 2.0, 1.0)
        return verdict(cmp("out", o, acc, atol=1e-5, rtol=1e-5))
    return spec(scalar_control_flow, (triton.cdiv(n, B),),
                [T("x_ptr", x), T("out_ptr", o, "out"), S("n", n), S("mode", mode), S("n_iter", n_iter),
                 S("thresh", thresh)], {"BLOCK": B}, check=check)


@case("outer_bias_relu")
def _():
    M, N = 100, 70
    x, y, b, o = randn(M), randn(N), randn(N), zeros((M, N))
    return spec(outer_bias_relu, (triton.cdiv(M, 32), triton.cdiv(N, 32)),
                [T("x_ptr", x), T("y_ptr", y), T("bias_ptr", b), T("out_ptr", o, "out"), S("M", M), S("N", N),
                 S("stride_om", o.stride(0))], {"BM": 32, "BN": 32},
                check=lambda: verdict(cmp("out", o, torch.relu(x[:, None] * y[None, :] + b[None, :]))))


@case("reshape_trans_cat")
def _():
    P, BM, BN = 4, 16, 32
    x = randn((P, BM, BN))
    t, pairs, cat = zeros((P, BN, BM)), zeros((P, BM * BN // 2)), zeros((P, 2 * BM * BN))

    def check():
        flat = x.reshape(P, -1)
        ref_cat = torch.sort(torch.cat([flat, flat * 2.0], 1), 1).values
        return verdict(cmp("trans", t, x.transpose(1, 2)), cmp("pairs", pairs, flat.view(P, -1, 2).sum(2)),
                       cmp("cat(sorted)", torch.sort(cat, 1).values, ref_cat))
    return spec(reshape_trans_cat, (P,),
                [T("x_ptr", x), T("t_ptr", t, "out"), T("pair_ptr", pairs, "out"), T("cat_ptr", cat, "out")],
                {"BM": BM, "BN": BN}, check=check)


@case("complex_mul")
def _():
    n = 1000
    a, b = randn((n, 2)), randn((n, 2))
    o, oil = zeros((n, 2)), zeros(2 * n)

    def check():
        ref = torch.view_as_real(torch.view_as_complex(a) * torch.view_as_complex(b))
        return verdict(cmp("join", o, ref, atol=1e-5), cmp("interleave", oil, ref.reshape(-1), atol=1e-5))
    return spec(complex_mul, (triton.cdiv(n, 256),),
                [T("a_ptr", a), T("b_ptr", b), T("out_ptr", o, "out"), T("out_il_ptr", oil, "out"), S("n", n)],
                {"BLOCK": 256}, check=check)


@case("gather_rows")
def _():
    if not hasattr(tl, "gather"):
        raise Skip("tl.gather missing")
    R, N, K, V, D = 32, 64, 16, 100, 32
    src, idx = randn((R, N)), randint((R, K), 0, N)
    out = zeros((R, K))
    emb, tok, eout = randn((V, D)), randint(R, 0, V), zeros((R, D))

    def check():
        return verdict(cmp("gather", out, torch.gather(src, 1, idx.long())), cmp("embed", eout, emb[tok.long()]))
    return spec(gather_rows, (R // 8,),
                [T("src_ptr", src), T("idx_ptr", idx), T("out_ptr", out, "out"), T("emb_ptr", emb),
                 T("tok_ptr", tok), T("eout_ptr", eout, "out")], {"N": N, "K": K, "BLOCK_R": 8, "D": D},
                check=check)


@case("batched_3d")
def _():
    B, M, N = 6, 12, 20
    x, o, ot = randn((B, M, N)), zeros((B, M, N)), zeros((B, N, M))

    def check():
        s = x.sum(2, keepdim=True)
        mx = x.abs().amax(1, keepdim=True)
        ref = x * s / (mx + 1.0)
        return verdict(cmp("out", o, ref, atol=1e-4), cmp("outT", ot, ref.transpose(1, 2), atol=1e-4))
    return spec(batched_3d, (triton.cdiv(B, 2),),
                [T("x_ptr", x), T("out_ptr", o, "out"), T("outt_ptr", ot, "out"), S("B", B), S("M", M), S("N", N),
                 S("sb", x.stride(0)), S("sm", x.stride(1))], {"BB": 2, "BM": 16, "BN": 32}, check=check)


@case("pad2d")
def _():
    M, N, Mp, Np, pad = 50, 70, 64, 96, -7.5
    x, o = randn((M, N)), zeros((Mp, Np))

    def check():
        ref = torch.full((Mp, Np), pad, device=DEV)
        ref[:M, :N] = x
        return verdict(cmp("out", o, ref))
    return spec(pad2d, (Mp // 32, Np // 32),
                [T("x_ptr", x), T("out_ptr", o, "out"), S("M", M), S("N", N), S("stride_x", x.stride(0)),
                 S("stride_o", o.stride(0)), S("pad_value", pad)], {"BM": 32, "BN": 32}, check=check)


@case("int64_index")
def _():
    n, base, stride_k = 3000, 3_000_000_000, 7
    x = randn(5000)
    idx = randint(n, 0, 5000, torch.int64)
    o, key = zeros(n), zeros(n, torch.int64)

    def check():
        return verdict(cmp("out", o, x[idx]),
                       cmp("key", key, base + torch.arange(n, device=DEV, dtype=torch.int64) * stride_k))
    return spec(int64_index, (triton.cdiv(n, 512),),
                [T("x_ptr", x), T("idx_ptr", idx), T("out_ptr", o, "out"), T("key_ptr", key, "out"), S("n", n),
                 S("base", base), S("stride_k", stride_k)], {"BLOCK": 512}, check=check)


@case("cache_hints")
def _():
    n = 4000
    x, y, flag, o = randn(n), randn(n), full(1, 2.0), zeros(2 * n)

    def check():
        return verdict(cmp("out", o[:n], x + y * 2.0 - x * 0.5, atol=1e-5), cmp("copy", o[n:], y))
    return spec(cache_hints, (triton.cdiv(n, 1024),),
                [T("x_ptr", x), T("y_ptr", y), T("flag_ptr", flag), T("out_ptr", o, "out"), S("n", n)],
                {"BLOCK": 1024}, check=check)


@case("debug_print")
def _():
    n = 24
    x, o = randn(n), zeros(n)
    return spec(debug_print, (triton.cdiv(n, 8),), [T("x_ptr", x), T("out_ptr", o, "out"), S("n", n)], {"BLOCK": 8},
                check=lambda: verdict(cmp("out", o, x * 3.0)))


# The two cases below go last: a lock bug would hang, a failed assert poisons the CUDA context.

@case("locked_accumulate")
def _():
    P, N, G = 16, 300, 4
    x = randn((P, N))
    acc, lock, count = zeros((G, N)), zeros(G, torch.int32), zeros(G, torch.int32)

    def check():
        ref = x.view(P // G, G, N).sum(0)  # program p goes to group p % G
        return verdict(cmp("acc", acc, ref, atol=1e-4), cmp("count", count, torch.ones(G, dtype=torch.int32)),
                       cmp("lock", lock, torch.zeros(G, dtype=torch.int32)))
    return spec(locked_accumulate, (P,),
                [T("x_ptr", x), T("acc_ptr", acc, "inout"), T("lock_ptr", lock, "inout"),
                 T("count_ptr", count, "inout"), S("N", N)], {"GROUPS": G, "BLOCK": 512}, check=check)


@case("device_assert_debug")
def _():
    n = 2000
    x, o = randn(n).abs(), zeros(n)
    x = _mark(x, kind="randn_abs")
    return spec(device_assert_debug, (triton.cdiv(n, 512),), [T("x_ptr", x), T("out_ptr", o, "out"), S("n", n)],
                {"BLOCK": 512}, options={"debug": True},
                check=lambda: verdict(cmp("out", o, x.sqrt(), atol=1e-6)))


# ============================================================================================
# Driver
# ============================================================================================

def jsonable(v):
    if isinstance(v, (bool, int, float, str)) or v is None:
        return v
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if hasattr(v, "_asdict"):
        return jsonable(v._asdict())
    return str(v)


def metadata_dict(ck):
    md = ck.metadata
    if hasattr(md, "_asdict"):
        d = md._asdict()
    elif isinstance(md, dict):
        d = md
    else:
        d = dict(vars(md))
    return jsonable(d)


def ttir_signature(ttir):
    """[[name, type], ...] of the public tt.func in the TTIR (best effort)."""
    for line in ttir.splitlines():
        if "tt.func public @" in line:
            head = line.split(") attributes")[0]
            return [[n, t] for n, t in re.findall(r"%([\w$.\-]+): (!tt\.ptr<[^>]+>|[\w]+)", head)]
    return None


def source_of(kernel, helpers):
    parts = [textwrap.dedent(inspect.getsource(h.fn)) for h in helpers]
    parts.append(textwrap.dedent(inspect.getsource(kernel.fn)))
    return "\n\n".join(p.rstrip() + "\n" for p in parts)


def check_arg_order(kernel, sp):
    """The runtime args we describe must be exactly the kernel's non-constexpr params, in order."""
    try:
        params = kernel.params
        runtime = [p.name for p in params if not p.is_constexpr]
        consts = [p.name for p in params if p.is_constexpr]
    except Exception:  # noqa: BLE001 -- older/newer JITFunction layout: skip the check
        return
    given = [a["name"] for a in sp["args"]]
    if given != runtime:
        raise RuntimeError(f"arg description {given} != kernel runtime params {runtime}")
    if sorted(sp["constexprs"]) != sorted(consts):
        raise RuntimeError(f"constexprs {sorted(sp['constexprs'])} != kernel constexpr params {sorted(consts)}")


def tensor_bytes(t):
    return t.detach().contiguous().cpu().view(torch.uint8).numpy().tobytes()


def arg_json(a):
    if a["kind"] == "scalar":
        return {k: a[k] for k in ("name", "kind", "dtype", "value", "role")}
    t = a["value"]
    return {"name": a["name"], "kind": "tensor", "dtype": _dt(t.dtype), "shape": list(t.shape),
            "strides": list(t.stride()), "role": a["role"],
            "init": getattr(t, "_corpus_init", {"kind": "unknown"})}


def run_case(name, build):
    sp = build()
    kernel = sp["kernel"]
    check_arg_order(kernel, sp)
    d = os.path.join(CORPUS, name)
    os.makedirs(d, exist_ok=True)
    data_files = {}
    if SAVE_DATA:
        for a in sp["args"]:
            if a["kind"] == "tensor" and a["role"] in ("in", "inout") and a["value"].numel() * a["value"].element_size() <= 1 << 20:
                fn = f"{name}.{a['name']}.in.bin"
                open(os.path.join(d, fn), "wb").write(tensor_bytes(a["value"]))
                data_files.setdefault(a["name"], {})["in"] = fn
    launch_kw = dict(sp["constexprs"])
    launch_kw["num_warps"] = sp["num_warps"]
    if sp["num_stages"] is not None:
        launch_kw["num_stages"] = sp["num_stages"]
    launch_kw.update(sp["options"])
    ck = kernel[sp["grid"]](*[a["value"] for a in sp["args"]], **launch_kw)
    torch.cuda.synchronize()

    asm = ck.asm
    ttir = asm["ttir"]
    open(os.path.join(d, f"{name}.ttir"), "w").write(ttir)
    if ALL_STAGES:
        for stage in ("ttgir", "llir", "ptx"):
            if stage in asm:
                open(os.path.join(d, f"{name}.{stage}"), "w").write(asm[stage])
    open(os.path.join(d, f"{name}.py"), "w").write(source_of(kernel, sp["helpers"]))
    if SAVE_DATA:
        for a in sp["args"]:
            if a["kind"] == "tensor" and a["role"] in ("out", "inout") and a["value"].numel() * a["value"].element_size() <= 1 << 20:
                fn = f"{name}.{a['name']}.out.bin"
                open(os.path.join(d, fn), "wb").write(tensor_bytes(a["value"]))
                data_files.setdefault(a["name"], {})["out"] = fn

    # reference check (informational)
    ref = "no reference"
    if sp["check"] is not None:
        try:
            ref = sp["check"]()
        except Exception as e:  # noqa: BLE001
            ref = "reference error: " + repr(e)[:300]

    sig = ttir_signature(ttir)
    args_json = [arg_json(a) for a in sp["args"]]
    if sig is not None:  # Triton drops args it specialised away (e.g. an int equal to 1)
        sig_names = {n for n, _ in sig}
        for a in args_json:
            a["in_ttir"] = a["name"] in sig_names
    info = {
        "name": name,
        "kernel_fn": kernel.fn.__name__,
        "grid": list(sp["grid"]),
        "constexprs": jsonable(sp["constexprs"]),
        "num_warps": sp["num_warps"],
        "num_stages": sp["num_stages"],
        "launch_options": jsonable(sp["options"]),
        "helpers": [h.fn.__name__ for h in sp["helpers"]],
        "args": args_json,
        "ttir_signature": sig,
        "reference_check": ref,
        "triton_version": triton.__version__,
        "torch_version": torch.__version__,
    }
    if data_files:
        info["data_files"] = data_files
    if sp["notes"]:
        info["notes"] = jsonable(sp["notes"])
    try:
        info["metadata"] = metadata_dict(ck)
    except Exception as e:  # noqa: BLE001
        info["metadata_error"] = repr(e)
    with open(os.path.join(d, f"{name}.json"), "w") as f:
        json.dump(info, f, indent=1, default=str)
    return ref


def main():
    if os.path.isdir(CORPUS):
        shutil.rmtree(CORPUS)
    os.makedirs(CORPUS, exist_ok=True)
    torch.manual_seed(0)
    status, reference = {}, {}
    for name, build in CASES:
        if ONLY and name not in ONLY:
            continue
        print(f"[corpus] {name} ...", flush=True)
        try:
            reference[name] = run_case(name, build)
            status[name] = "ok"
        except Skip as e:
            status[name] = "skipped: " + str(e)
            shutil.rmtree(os.path.join(CORPUS, name), ignore_errors=True)
        except Exception as e:  # noqa: BLE001
            tb = traceback.format_exc()
            status[name] = "error: " + (repr(e) + "\n" + tb[-1500:])[:2000]
            shutil.rmtree(os.path.join(CORPUS, name), ignore_errors=True)
            try:
                torch.cuda.synchronize()
            except Exception:  # noqa: BLE001 -- context may be gone; later cases will report it
                pass
    with open(os.path.join(CORPUS, "status.json"), "w") as f:
        json.dump(status, f, indent=1)
    with open(os.path.join(CORPUS, "reference.json"), "w") as f:
        json.dump(reference, f, indent=1)

    tar_path = os.path.join(OUT, "corpus.tar.gz")
    with tarfile.open(tar_path, "w:gz") as t:
        t.add(CORPUS, arcname="corpus")
    shutil.rmtree(CORPUS)

    n_ok = sum(v == "ok" for v in status.values())
    n_match = sum(v == "match" for v in reference.values())
    print(json.dumps({"status": status, "reference": reference}, indent=1))
    print(f"[corpus] {n_ok}/{len(status)} compiled, {n_match} matched the PyTorch reference; wrote {tar_path}")


if __name__ == "__main__":
    main()
