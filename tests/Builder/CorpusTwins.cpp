//===- CorpusTwins.cpp - Corpus kernels rewritten with the builder --------===//
//
// Each function is the C++ twin of a Triton kernel of tests/corpus, written
// line by line after its .py with the constexprs of its .json. The tests
// compare the ops they produce with the .ttir Triton printed for it: this is
// how we know that the builder's promotion, broadcasting and standard-library
// functions (argmax, cumsum, sort, topk, ...) build what Triton builds.
//
//===----------------------------------------------------------------------===//

#include "Examples.h"

#include <limits>

namespace tritium::builder::examples {

namespace {

constexpr ArgAttrs kAligned{.divisibility = 16};
constexpr float kInf = std::numeric_limits<float>::infinity();

void vectorAdd(KernelBuilder &kb) {
  Value x = kb.pointerArg("x_ptr", DType::F32, kAligned);
  Value y = kb.pointerArg("y_ptr", DType::F32, kAligned);
  Value out = kb.pointerArg("out_ptr", DType::F32, kAligned);
  Value n = kb.scalarArg("n", DType::I32);
  constexpr int kBlock = 1024;
  Value offs = kb.programId(0) * kBlock + kb.arange(0, kBlock);
  Value m = offs < n;
  Value a = load(x + offs, {.mask = m});
  Value b = load(y + offs, {.mask = m});
  store(out + offs, a + b, {.mask = m});
}

void softmaxRows(KernelBuilder &kb) {
  Value out = kb.pointerArg("out_ptr", DType::F32, kAligned);
  Value in = kb.pointerArg("in_ptr", DType::F32, kAligned);
  Value inStride = kb.scalarArg("in_stride", DType::I32);
  Value outStride = kb.scalarArg("out_stride", DType::I32);
  Value nCols = kb.scalarArg("n_cols", DType::I32);
  constexpr int kBlock = 1024;
  Value row = kb.programId(0);
  Value offs = kb.arange(0, kBlock);
  Value x =
      load(in + row * inStride + offs, {.mask = offs < nCols, .other = -kInf});
  x = x - max(x, 0);
  Value e = exp(x);
  store(out + row * outStride + offs, e / sum(e, 0), {.mask = offs < nCols});
}

void argmaxArgminRows(KernelBuilder &kb) {
  Value x = kb.pointerArg("x_ptr", DType::F32, kAligned);
  Value xi = kb.pointerArg("xi_ptr", DType::I32, kAligned);
  Value amax = kb.pointerArg("amax_ptr", DType::I32, kAligned);
  Value amin = kb.pointerArg("amin_ptr", DType::I32, kAligned);
  Value imax = kb.pointerArg("imax_ptr", DType::I32, kAligned);
  Value vmax = kb.pointerArg("vmax_ptr", DType::F32, kAligned);
  Value nCols = kb.scalarArg("n_cols", DType::I32);
  constexpr int kBlock = 1024;
  Value row = kb.programId(0);
  Value cols = kb.arange(0, kBlock);
  Value m = cols < nCols;
  Value xv = load(x + row * nCols + cols, {.mask = m, .other = -kInf});
  store(amax + row, argmax(xv, 0));
  store(amin + row, argmin(where(m, xv, kInf), 0));
  Value xiv = load(xi + row * nCols + cols,
                   {.mask = m, .other = std::numeric_limits<int32_t>::min()});
  store(imax + row, argmax(xiv, 0));
  auto [v, i] = maxWithIndex(xv, 0);
  store(vmax + row, v + i.to(DType::F32) * 0.0);
}

void histogramGlobal(KernelBuilder &kb) {
  Value x = kb.pointerArg("x_ptr", DType::I32, kAligned);
  Value hist = kb.pointerArg("hist_ptr", DType::I32, kAligned);
  Value n = kb.scalarArg("n", DType::I32, kAligned);
  constexpr int kBins = 32, kBlock = 1024;
  Value offs = kb.programId(0) * kBlock + kb.arange(0, kBlock);
  Value m = offs < n;
  Value v = load(x + offs, {.mask = m, .other = kBins});
  v = minimum(v, kBins - 1);
  Value h = histogram(v, kBins);
  Value nMasked = kb.constant(kBlock, DType::I32) - sum(m.to(DType::I32), 0);
  Value bins = kb.arange(0, kBins);
  h = h - where(bins == kBins - 1, nMasked, 0);
  atomicAdd(hist + bins, h);
}

void matmul(KernelBuilder &kb) {
  Value a = kb.pointerArg("a_ptr", DType::F16, kAligned);
  Value b = kb.pointerArg("b_ptr", DType::F16, kAligned);
  Value c = kb.pointerArg("c_ptr", DType::F16, kAligned);
  Value M = kb.scalarArg("M", DType::I32, kAligned);
  Value N = kb.scalarArg("N", DType::I32, kAligned);
  Value K = kb.scalarArg("K", DType::I32, kAligned);
  Value sam = kb.scalarArg("sam", DType::I32, kAligned);
  Value sbk = kb.scalarArg("sbk", DType::I32, kAligned);
  Value scm = kb.scalarArg("scm", DType::I32, kAligned);
  // Triton specialised the unit strides (== 1) away: here they are C++
  // constants, which is what specialisation means for the builder.
  constexpr int sak = 1, sbn = 1, scn = 1;
  constexpr int kBM = 128, kBN = 128, kBK = 32;
  Value pidM = kb.programId(0);
  Value pidN = kb.programId(1);
  Value rm = pidM * kBM + kb.arange(0, kBM);
  Value rn = pidN * kBN + kb.arange(0, kBN);
  Value rk = kb.arange(0, kBK);
  Value acc = kb.zeros({kBM, kBN}, DType::F32);
  acc = kb.forLoop(0, K, kBK, {acc},
                   [&](const Value &k0, const Values &carried) -> Values {
                     Value ka = (k0 + rk).row();
                     Value aPtr = a + rm.column() * sam + ka * sak;
                     Value aMask = (rm.column() < M) & (ka < K);
                     Value at = load(aPtr, {.mask = aMask, .other = 0.0});
                     Value kb2 = (k0 + rk).column();
                     Value bPtr = b + kb2 * sbk + rn.row() * sbn;
                     Value bMask = (kb2 < K) & (rn.row() < N);
                     Value bt = load(bPtr, {.mask = bMask, .other = 0.0});
                     return {dot(at, bt, carried[0])};
                   })[0];
  Value cPtr = c + rm.column() * scm + rn.row() * scn;
  Value cMask = (rm.column() < M) & (rn.row() < N);
  store(cPtr, acc.to(DType::F16), {.mask = cMask});
}

void scanRows(KernelBuilder &kb) {
  Value x = kb.pointerArg("x_ptr", DType::F32, kAligned);
  Value cs = kb.pointerArg("cs_ptr", DType::F32, kAligned);
  Value cp = kb.pointerArg("cp_ptr", DType::F32, kAligned);
  Value rcs = kb.pointerArg("rcs_ptr", DType::F32, kAligned);
  Value ci = kb.pointerArg("ci_ptr", DType::I32, kAligned);
  constexpr int kN = 128, kRows = 4;
  Value rows = kb.programId(0) * kRows + kb.arange(0, kRows);
  Value cols = kb.arange(0, kN);
  Value offs = rows.column() * kN + cols.row();
  Value v = load(x + offs);
  store(cs + offs, cumsum(v, 1));
  store(cp + offs, cumprod(v, 1));
  store(rcs + offs, cumsum(v, 1, /*reverse=*/true));
  store(ci + offs, cumsum((v > 1.0).to(DType::I32), 1));
}

void gatherRows(KernelBuilder &kb) {
  Value srcPtr = kb.pointerArg("src_ptr", DType::F32, kAligned);
  Value idxPtr = kb.pointerArg("idx_ptr", DType::I32, kAligned);
  Value outPtr = kb.pointerArg("out_ptr", DType::F32, kAligned);
  Value embPtr = kb.pointerArg("emb_ptr", DType::F32, kAligned);
  Value tokPtr = kb.pointerArg("tok_ptr", DType::I32, kAligned);
  Value eoutPtr = kb.pointerArg("eout_ptr", DType::F32, kAligned);
  constexpr int kN = 64, kK = 16, kRows = 8, kD = 32;
  Value rows = kb.programId(0) * kRows + kb.arange(0, kRows);
  Value src = load(srcPtr + rows.column() * kN + kb.arange(0, kN).row());
  Value kk = kb.arange(0, kK);
  Value idx = load(idxPtr + rows.column() * kK + kk.row());
  store(outPtr + rows.column() * kK + kk.row(), gather(src, idx, 1));
  Value tok = load(tokPtr + rows);
  Value dd = kb.arange(0, kD);
  Value e = load(embPtr + tok.column().to(DType::I64) * kD + dd.row());
  store(eoutPtr + rows.column() * kD + dd.row(), e);
}

void sort2dInt(KernelBuilder &kb) {
  Value x = kb.pointerArg("x_ptr", DType::I32, kAligned);
  Value asc = kb.pointerArg("asc_ptr", DType::I32, kAligned);
  Value desc = kb.pointerArg("desc_ptr", DType::I32, kAligned);
  constexpr int kN = 128, kRows = 4;
  Value rows = kb.programId(0) * kRows + kb.arange(0, kRows);
  Value offs = rows.column() * kN + kb.arange(0, kN).row();
  Value v = load(x + offs);
  store(asc + offs, sort(v));
  store(desc + offs, sort(v, /*descending=*/true));
}

void topkBuiltin(KernelBuilder &kb) {
  Value x = kb.pointerArg("x_ptr", DType::F32, kAligned);
  Value out = kb.pointerArg("out_ptr", DType::F32, kAligned);
  constexpr int kN = 512, kK = 16;
  Value row = kb.programId(0);
  Value v = load(x + row * kN + kb.arange(0, kN));
  store(out + row * kK + kb.arange(0, kK), topk(v, kK));
}

void eltwiseInt32(KernelBuilder &kb) {
  Value aPtr = kb.pointerArg("a_ptr", DType::I32, kAligned);
  Value bPtr = kb.pointerArg("b_ptr", DType::I32, kAligned);
  Value out = kb.pointerArg("out_ptr", DType::I32, kAligned);
  Value n = kb.scalarArg("n", DType::I32);
  constexpr int kBlock = 1024;
  Value offs = kb.programId(0) * kBlock + kb.arange(0, kBlock);
  Value m = offs < n;
  Value a = load(aPtr + offs, {.mask = m, .other = 0});
  Value b = load(bPtr + offs, {.mask = m, .other = 1});
  // Row 0 is `out_ptr + 0 * n + offs` in Python: Triton's canonicaliser
  // folds the addptr of 0 away, ours keeps it, so the twin leaves it out.
  auto row = [&](int k) { return k == 0 ? out + offs : out + k * n + offs; };
  Value r0 = a + b * 3;
  store(row(0), r0 - (a >> 2), {.mask = m});
  store(row(1), a / b, {.mask = m});
  store(row(2), a % b, {.mask = m});
  Value low = a & 0xFF;
  store(row(3), (low | (b << 4)) ^ a, {.mask = m});
  Value greater = a > b;
  Value larger = maximum(a, b);
  store(row(4), where(greater, larger, minimum(a, -b)), {.mask = m});
  Value hi = umulhi(a.bitcastTo(DType::U32), b.bitcastTo(DType::U32));
  store(row(5), hi.bitcastTo(DType::I32), {.mask = m});
  store(row(6), (a.to(DType::F32) * 0.37).to(DType::I32), {.mask = m});
  Value narrow = a.to(DType::I8).to(DType::I32);
  store(row(7), narrow + cdiv(b, 7), {.mask = m});
  Value lsr = a.bitcastTo(DType::U32) >> 3;
  store(row(8), lsr.bitcastTo(DType::I32), {.mask = m});
}

void int64Index(KernelBuilder &kb) {
  Value x = kb.pointerArg("x_ptr", DType::F32, kAligned);
  Value idxPtr = kb.pointerArg("idx_ptr", DType::I64, kAligned);
  Value out = kb.pointerArg("out_ptr", DType::F32, kAligned);
  Value key = kb.pointerArg("key_ptr", DType::I64, kAligned);
  Value n = kb.scalarArg("n", DType::I32);
  Value base = kb.scalarArg("base", DType::I64, kAligned);
  Value strideK = kb.scalarArg("stride_k", DType::I32);
  constexpr int kBlock = 512;
  Value pid = kb.programId(0).to(DType::I64);
  Value offs = pid * kBlock + kb.arange(0, kBlock).to(DType::I64);
  Value m = offs < n;
  Value idx = load(idxPtr + offs, {.mask = m, .other = 0});
  Value v = load(x + idx, {.mask = m, .other = 0.0});
  store(out + offs, v, {.mask = m});
  store(key + offs, base + offs * strideK, {.mask = m});
}

void atomicRmw(KernelBuilder &kb) {
  Value x = kb.pointerArg("x_ptr", DType::F32, kAligned);
  Value bucket = kb.pointerArg("bucket_ptr", DType::I32, kAligned);
  Value fsum = kb.pointerArg("fsum_ptr", DType::F32, kAligned);
  Value fmax = kb.pointerArg("fmax_ptr", DType::F32, kAligned);
  Value imax = kb.pointerArg("imax_ptr", DType::I32, kAligned);
  Value imin = kb.pointerArg("imin_ptr", DType::I32, kAligned);
  Value last = kb.pointerArg("last_ptr", DType::I32, kAligned);
  Value cnt = kb.pointerArg("cnt_ptr", DType::I32, kAligned);
  Value n = kb.scalarArg("n", DType::I32);
  constexpr int kBlock = 512;
  Value pid = kb.programId(0);
  Value offs = pid * kBlock + kb.arange(0, kBlock);
  Value m = offs < n;
  Value xv = load(x + offs, {.mask = m, .other = 0.0});
  Value b = load(bucket + offs, {.mask = m, .other = 0});
  atomicAdd(fsum + b, xv, {.mask = m});
  atomicMax(fmax + b, xv, {.mask = m});
  Value xi = (xv * 1000.0).to(DType::I32);
  atomicMax(imax + b, xi, {.mask = m, .sem = MemSemantic::Relaxed});
  atomicMin(
      imin + b, xi,
      {.mask = m, .sem = MemSemantic::AcquireRelease, .scope = MemScope::Gpu});
  Value lastPtr = last + pid;
  atomicXchg(lastPtr,
             max(where(m, xi, std::numeric_limits<int32_t>::min()), 0));
  atomicAdd(cnt, 1);
}

void scalarControlFlow(KernelBuilder &kb) {
  Value x = kb.pointerArg("x_ptr", DType::F32, kAligned);
  Value out = kb.pointerArg("out_ptr", DType::F32, kAligned);
  Value n = kb.scalarArg("n", DType::I32);
  Value mode = kb.scalarArg("mode", DType::I32);
  Value nIter = kb.scalarArg("n_iter", DType::I32);
  Value thresh = kb.scalarArg("thresh", DType::F32);
  constexpr int kBlock = 256;
  Value pid = kb.programId(0);
  Value offs = pid * kBlock + kb.arange(0, kBlock);
  Value m = offs < n;
  Value xv = load(x + offs, {.mask = m, .other = 0.0});
  Value y = kb.ifThenElse(
      mode == 0, [&]() -> Values { return {xv * 2.0}; },
      [&]() -> Values {
        return kb.ifThenElse(
            mode == 3, [&]() -> Values { return {xv + 1.0}; },
            [&]() -> Values { return {-xv}; });
      })[0];
  Value s = sum(abs(y), 0);
  y = kb.ifThenElse(
      s > thresh, [&]() -> Values { return {trueDiv(y, s)}; },
      [&]() -> Values { return {y}; })[0];
  Value acc = kb.zeros({kBlock}, DType::F32);
  acc = kb.whileLoop(
      {acc, Value(0)}, [&](const Values &c) { return c[1] < nIter; },
      [&](const Values &c) -> Values {
        return {c[0] * 0.5 + y, c[1] + 1};
      })[0];
  acc = acc * where(pid % 2 == 0, 2.0, 1.0);
  store(out + offs, acc, {.mask = m});
}

void lockedAccumulate(KernelBuilder &kb) {
  Value x = kb.pointerArg("x_ptr", DType::F32, kAligned);
  Value accPtr = kb.pointerArg("acc_ptr", DType::F32, kAligned);
  Value lockPtr = kb.pointerArg("lock_ptr", DType::I32, kAligned);
  Value countPtr = kb.pointerArg("count_ptr", DType::I32, kAligned);
  Value N = kb.scalarArg("N", DType::I32);
  constexpr int kGroups = 4, kBlock = 512;
  Value pid = kb.programId(0);
  Value cols = kb.arange(0, kBlock);
  Value m = cols < N;
  Value xv = load(x + pid * N + cols, {.mask = m, .other = 0.0});
  Value g = pid % kGroups;
  Value lock = lockPtr + g;
  kb.whileLoop(
      {}, [&](const Values &) { return atomicCas(lock, 0, 1) == 1; },
      [](const Values &) -> Values { return {}; });
  Value count = load(countPtr + g);
  xv = kb.ifThenElse(
      count == 0,
      [&]() -> Values {
        atomicXchg(countPtr + g, 1);
        return {xv};
      },
      [&]() -> Values {
        return {xv + load(accPtr + g * N + cols, {.mask = m, .other = 0.0})};
      })[0];
  store(accPtr + g * N + cols, xv, {.mask = m});
  kb.debugBarrier();
  atomicXchg(lock, 0);
}

void linearRecurrenceScan(KernelBuilder &kb) {
  Value aPtr = kb.pointerArg("a_ptr", DType::F32, kAligned);
  Value bPtr = kb.pointerArg("b_ptr", DType::F32, kAligned);
  Value hPtr = kb.pointerArg("h_ptr", DType::F32, kAligned);
  Value runmax = kb.pointerArg("runmax_ptr", DType::F32, kAligned);
  constexpr int kN = 256;
  Value offs = kb.programId(0) * kN + kb.arange(0, kN);
  Value a = load(aPtr + offs);
  Value b = load(bPtr + offs);
  Values scanned = scan({a, b}, 0, [](const Values &l, const Values &r) {
    // h -> a1*h + b1 followed by h -> a2*h + b2.
    Value a12 = l[0] * r[0];
    return Values{a12, l[1] * r[0] + r[1]};
  });
  store(hPtr + offs, scanned[1]);
  store(runmax + offs, scan({b}, 0, [](const Values &l, const Values &r) {
          return Values{maximum(l[0], r[0])};
        })[0]);
}

void eltwiseF16(KernelBuilder &kb) {
  Value xPtr = kb.pointerArg("x_ptr", DType::F16, kAligned);
  Value yPtr = kb.pointerArg("y_ptr", DType::F16, kAligned);
  Value out16 = kb.pointerArg("out16_ptr", DType::F16, kAligned);
  Value out32 = kb.pointerArg("out32_ptr", DType::F32, kAligned);
  Value n = kb.scalarArg("n", DType::I32);
  Value alpha = kb.scalarArg("alpha", DType::F32);
  constexpr int kBlock = 512;
  Value offs = kb.programId(0) * kBlock + kb.arange(0, kBlock);
  Value m = offs < n;
  Value x = load(xPtr + offs, {.mask = m, .other = 0.0});
  Value y = load(yPtr + offs, {.mask = m, .other = 0.0});
  Value z = x * y + x;
  z = maximum(z, -y);
  store(out16 + offs, (z * alpha).to(DType::F16), {.mask = m});
  Value t = exp(x.to(DType::F32)) - z.to(DType::F32);
  store(out32 + offs, t, {.mask = m});
}

void cacheHints(KernelBuilder &kb) {
  Value x = kb.pointerArg("x_ptr", DType::F32, kAligned);
  Value y = kb.pointerArg("y_ptr", DType::F32, kAligned);
  Value flag = kb.pointerArg("flag_ptr", DType::F32, kAligned);
  Value out = kb.pointerArg("out_ptr", DType::F32, kAligned);
  Value n = kb.scalarArg("n", DType::I32, kAligned);
  constexpr int kBlock = 1024;
  Value offs = kb.programId(0) * kBlock + kb.arange(0, kBlock);
  Value m = offs < n;
  Value a =
      load(x + offs, {.mask = m, .other = 0.0, .cache = CacheModifier::CG});
  Value b =
      load(y + offs,
           {.mask = m, .other = 0.0, .eviction = EvictionPolicy::EvictLast});
  Value c =
      load(x + offs, {.mask = m, .other = 0.0, .cache = CacheModifier::CA});
  Value f = load(flag, {.isVolatile = true});
  Value sum1 = a + b * f;
  store(out + offs, sum1 - c * 0.5, {.mask = m, .cache = CacheModifier::CS});
  store(out + n + offs, b, {.mask = m, .eviction = EvictionPolicy::EvictFirst});
}

void onlineSoftmax(KernelBuilder &kb) {
  Value x = kb.pointerArg("x_ptr", DType::F32, kAligned);
  Value out = kb.pointerArg("out_ptr", DType::F32, kAligned);
  Value nCols = kb.scalarArg("n_cols", DType::I32);
  Value stride = kb.scalarArg("stride", DType::I32);
  constexpr int kBlock = 256;
  Value row = kb.programId(0);
  Value xRow = x + row.to(DType::I64) * stride;
  Value oRow = out + row.to(DType::I64) * stride;
  Value mi = kb.full({kBlock}, -kInf, DType::F32);
  Value li = kb.zeros({kBlock}, DType::F32);
  Values carried = kb.forLoop(
      0, nCols, kBlock, {mi, li},
      [&](const Value &start, const Values &c) -> Values {
        Value cols = start + kb.arange(0, kBlock);
        Value xv = load(xRow + cols, {.mask = cols < nCols, .other = -kInf});
        Value mNew = maximum(c[0], xv);
        Value scaled = c[1] * exp(c[0] - mNew);
        return {mNew, scaled + exp(xv - mNew)};
      });
  Value mMax = max(carried[0], 0);
  Value l = sum(carried[1] * exp(carried[0] - mMax), 0);
  kb.forLoop(0, nCols, kBlock, [&](const Value &start) {
    Value cols = start + kb.arange(0, kBlock);
    Value xv = load(xRow + cols, {.mask = cols < nCols, .other = -kInf});
    store(oRow + cols, exp(xv - mMax) / l, {.mask = cols < nCols});
  });
}

} // namespace

const std::vector<Example> &corpusTwins() {
  static const std::vector<Example> twins = {
      {"vector_add", vectorAdd},
      {"softmax_rows", softmaxRows},
      {"argmax_argmin_rows", argmaxArgminRows},
      {"histogram_global", histogramGlobal},
      {"matmul", matmul},
      {"scan_rows", scanRows},
      {"gather_rows", gatherRows},
      {"sort2d_int", sort2dInt},
      {"topk_builtin", topkBuiltin},
      {"eltwise_int32", eltwiseInt32},
      {"int64_index", int64Index},
      {"atomic_rmw", atomicRmw},
      {"scalar_control_flow", scalarControlFlow},
      {"locked_accumulate", lockedAccumulate},
      {"linear_recurrence_scan", linearRecurrenceScan},
      {"eltwise_f16", eltwiseF16},
      {"cache_hints", cacheHints},
      {"online_softmax", onlineSoftmax},
  };
  return twins;
}

} // namespace tritium::builder::examples
