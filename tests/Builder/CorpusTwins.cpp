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
  };
  return twins;
}

} // namespace tritium::builder::examples
