//===- Examples.cpp - Kernels written with the C++ kernel builder ---------===//
//
// Each kernel mirrors a Triton kernel one would write in Python; the comment
// above it gives the Python it corresponds to where that helps.
//
//===----------------------------------------------------------------------===//

#include "Examples.h"

#include <limits>

namespace tritium::builder::examples {

namespace {

constexpr ArgAttrs kAligned{.divisibility = 16};

/// z = x + y over BLOCK elements a program.
void vectorAdd(KernelBuilder &kb) {
  Value x = kb.pointerArg("x_ptr", DType::F32, kAligned);
  Value y = kb.pointerArg("y_ptr", DType::F32, kAligned);
  Value out = kb.pointerArg("out_ptr", DType::F32, kAligned);
  Value n = kb.scalarArg("n", DType::I32);
  constexpr int kBlock = 1024;
  Value pid = kb.programId(0).named("pid");
  Value offs = (pid * kBlock + kb.arange(0, kBlock)).named("offs");
  Value mask = (offs < n).named("mask");
  // Separate statements: C++ leaves the order of operands' evaluation open.
  Value a = load(x + offs, {.mask = mask}).named("a");
  Value b = load(y + offs, {.mask = mask}).named("b");
  store(out + offs, a + b, {.mask = mask});
}

/// One row per program: softmax(x) with a max-subtracted exponent.
void softmaxRows(KernelBuilder &kb) {
  Value in = kb.pointerArg("in_ptr", DType::F32, kAligned);
  Value out = kb.pointerArg("out_ptr", DType::F32, kAligned);
  Value stride = kb.scalarArg("row_stride", DType::I32);
  Value nCols = kb.scalarArg("n_cols", DType::I32);
  constexpr int kBlock = 1024;
  Value row = kb.programId(0).named("row");
  Value cols = kb.arange(0, kBlock).named("cols");
  Value mask = cols < nCols;
  Value rowStart = row * stride;
  Value x =
      load(in + rowStart + cols,
           {.mask = mask, .other = -std::numeric_limits<float>::infinity()})
          .named("x");
  Value shifted = x - max(x, 0);
  Value numerator = exp(shifted).named("num");
  Value denominator = sum(numerator, 0).named("den");
  store(out + rowStart + cols, numerator / denominator, {.mask = mask});
}

/// Row sums of a [rows, n_cols] matrix, tile by tile: a loop carrying a
/// tensor accumulator and a scalar counter.
void rowSumLoop(KernelBuilder &kb) {
  Value in = kb.pointerArg("in_ptr", DType::F16, kAligned);
  Value out = kb.pointerArg("out_ptr", DType::F32, kAligned);
  Value count = kb.pointerArg("count_ptr", DType::I32, kAligned);
  Value nCols = kb.scalarArg("n_cols", DType::I32);
  constexpr int kRows = 4, kBlock = 128;
  Value rows = kb.programId(0) * kRows + kb.arange(0, kRows);
  Value cols = kb.arange(0, kBlock);
  Value acc0 = kb.zeros({kRows, kBlock}, DType::F32).named("acc");
  Values loop =
      kb.forLoop(0, nCols, kBlock, {acc0, Value(0)},
                 [&](const Value &start, const Values &carried) -> Values {
                   Value c = start + cols;
                   Value offs = rows.column() * nCols + c.row();
                   Value mask = (c < nCols).row();
                   Value tile = load(in + offs, {.mask = mask, .other = 0.0});
                   return {carried[0] + tile.to(DType::F32), carried[1] + 1};
                 });
  store(out + rows, sum(loop[0], 1));
  store(count + kb.programId(0), loop[1]);
}

/// C = A @ B with f16 inputs and an f32 accumulator carried over K.
void matmul(KernelBuilder &kb) {
  Value a = kb.pointerArg("a_ptr", DType::F16, kAligned);
  Value b = kb.pointerArg("b_ptr", DType::F16, kAligned);
  Value c = kb.pointerArg("c_ptr", DType::F32, kAligned);
  Value m = kb.scalarArg("M", DType::I32);
  Value n = kb.scalarArg("N", DType::I32);
  Value k = kb.scalarArg("K", DType::I32, kAligned);
  constexpr int kBM = 64, kBN = 64, kBK = 32;
  Value pidM = kb.programId(0), pidN = kb.programId(1);
  Value offM = pidM * kBM + kb.arange(0, kBM);
  Value offN = pidN * kBN + kb.arange(0, kBN);
  Value offK = kb.arange(0, kBK);
  Value acc = kb.forLoop(
      0, k, kBK, {kb.zeros({kBM, kBN}, DType::F32)},
      [&](const Value &k0, const Values &carried) -> Values {
        Value kk = k0 + offK;
        Value aTile =
            load(a + offM.column() * k + kk.row(),
                 {.mask = (offM.column() < m) & (kk.row() < k), .other = 0.0});
        Value bTile =
            load(b + kk.column() * n + offN.row(),
                 {.mask = (kk.column() < k) & (offN.row() < n), .other = 0.0});
        return {dot(aTile, bTile, carried[0])};
      })[0];
  Value mask = (offM.column() < m) & (offN.row() < n);
  store(c + offM.column() * n + offN.row(), acc, {.mask = mask});
}

/// Byte histogram of a block and its exclusive prefix sum, accumulated
/// into a global histogram with atomics.
void histogramCumsum(KernelBuilder &kb) {
  Value keys = kb.pointerArg("keys_ptr", DType::U32, kAligned);
  Value hist = kb.pointerArg("hist_ptr", DType::I32, kAligned);
  Value prefix = kb.pointerArg("prefix_ptr", DType::I32, kAligned);
  Value n = kb.scalarArg("n", DType::I32);
  Value shift = kb.scalarArg("shift", DType::U32);
  constexpr int kBlock = 1024, kBins = 256;
  Value offs = kb.programId(0) * kBlock + kb.arange(0, kBlock);
  Value mask = offs < n;
  Value key = load(keys + offs, {.mask = mask, .other = 0});
  Value digit = ((key >> shift) & 0xFF).to(DType::I32).named("digit");
  Value counts = histogram(digit, kBins, mask).named("counts");
  Value inclusive = cumsum(counts, 0);
  Value exclusive = (inclusive - counts).named("exclusive");
  Value bins = kb.arange(0, kBins);
  atomicAdd(hist + bins, counts, {.sem = MemSemantic::Relaxed});
  store(prefix + kb.programId(0) * kBins + bins, exclusive);
}

/// Per row of a [4, 256] tile: the maximum, its first index, and the first
/// index of the minimum.
void argmaxRows(KernelBuilder &kb) {
  Value x = kb.pointerArg("x_ptr", DType::F32, kAligned);
  Value vmax = kb.pointerArg("vmax_ptr", DType::F32, kAligned);
  Value imax = kb.pointerArg("imax_ptr", DType::I32, kAligned);
  Value imin = kb.pointerArg("imin_ptr", DType::I32, kAligned);
  constexpr int kRows = 4, kCols = 256;
  Value rows = kb.programId(0) * kRows + kb.arange(0, kRows);
  Value cols = kb.arange(0, kCols);
  Value tile = load(x + rows.column() * kCols + cols.row());
  auto [value, index] = maxWithIndex(tile, 1);
  store(vmax + rows, value);
  store(imax + rows, index);
  store(imin + rows, argmin(tile, 1));
}

/// Scores of candidates given by int64 codes: gather the code's row of a
/// table, score it, turn the float score into an order-preserving u32 radix
/// key, and keep the top 16 keys of each block sorted.
void radixTopk(KernelBuilder &kb) {
  Value codes = kb.pointerArg("codes_ptr", DType::I64, kAligned);
  Value table = kb.pointerArg("table_ptr", DType::F32, kAligned);
  Value query = kb.pointerArg("query_ptr", DType::F32, kAligned);
  Value topKeys = kb.pointerArg("top_ptr", DType::U32, kAligned);
  Value n = kb.scalarArg("n", DType::I32);
  constexpr int kBlock = 128, kDim = 16, kTop = 16;
  Value offs = kb.programId(0) * kBlock + kb.arange(0, kBlock);
  Value mask = offs < n;
  Value code = load(codes + offs, {.mask = mask, .other = 0}).named("code");
  Value dims = kb.arange(0, kDim);
  // 64-bit row offsets: the code times the row length.
  Value rowsPtr = table + code.column() * kDim + dims.row();
  Value rowsTile = load(rowsPtr, {.mask = mask.column(), .other = 0.0});
  Value q = load(query + dims);
  Value score = sum(rowsTile * q.row(), 1).named("score");
  score = where(mask, score, -std::numeric_limits<float>::infinity());
  // Order-preserving key: flip all bits of negatives, the sign of positives.
  Value bits = score.bitcastTo(DType::U32);
  Value signMask = (bits >> 31) * 0x7FFFFFFFu | 0x80000000u;
  Value key = (bits ^ signMask).named("key");
  Value best = topk(key, kTop).named("best");
  store(topKeys + kb.programId(0) * kTop + kb.arange(0, kTop), best);
}

/// scf.if with tensor results, scf.while, a result-less if, casts.
void controlFlow(KernelBuilder &kb) {
  Value x = kb.pointerArg("x_ptr", DType::F32, kAligned);
  Value out = kb.pointerArg("out_ptr", DType::F32, kAligned);
  Value flags = kb.pointerArg("flags_ptr", DType::I8, kAligned);
  Value mode = kb.scalarArg("mode", DType::I32);
  Value iters = kb.scalarArg("iters", DType::I32);
  constexpr int kBlock = 256;
  Value offs = kb.programId(0) * kBlock + kb.arange(0, kBlock);
  Value v = load(x + offs);
  Value y = kb.ifThenElse(
      mode == 0, [&]() -> Values { return {v * 2.0}; },
      [&]() -> Values { return {abs(v) + 1.0}; })[0];
  Values state = kb.whileLoop(
      {y, Value(0)}, [&](const Values &s) { return s[1] < iters; },
      [&](const Values &s) -> Values {
        return {s[0] * 0.5f + 1.0f, s[1] + 1};
      });
  kb.ifThen(state[1] > 3,
            [&] { store(flags + offs, (state[0] > 1.0).to(DType::I8)); });
  store(out + offs, state[0]);
}

/// Float atomics (fadd, and max through Triton's sign-split trick), a spin
/// lock with atomic_cas / atomic_xchg around a barrier.
void atomics(KernelBuilder &kb) {
  Value x = kb.pointerArg("x_ptr", DType::F32, kAligned);
  Value total = kb.pointerArg("total_ptr", DType::F32, kAligned);
  Value largest = kb.pointerArg("max_ptr", DType::F32, kAligned);
  Value lock = kb.pointerArg("lock_ptr", DType::I32, kAligned);
  Value n = kb.scalarArg("n", DType::I32);
  constexpr int kBlock = 512;
  Value offs = kb.programId(0) * kBlock + kb.arange(0, kBlock);
  Value mask = offs < n;
  Value v = load(x + offs, {.mask = mask, .other = 0.0});
  atomicAdd(total, sum(v, 0));
  atomicMax(largest + offs % 8, v, {.mask = mask});
  kb.whileLoop(
      {Value(1)}, [&](const Values &s) { return s[0] != 0; },
      [&](const Values &) -> Values { return {atomicCas(lock, 0, 1)}; });
  kb.debugBarrier();
  atomicXchg(lock, 0);
}

/// Shape ops: expand/broadcast/reshape/trans/join/split/gather/flip/cat.
void shapes(KernelBuilder &kb) {
  Value x = kb.pointerArg("x_ptr", DType::F32, kAligned);
  Value idx = kb.pointerArg("idx_ptr", DType::I32, kAligned);
  Value out = kb.pointerArg("out_ptr", DType::F32, kAligned);
  constexpr int kM = 16, kN = 32;
  Value rows = kb.arange(0, kM), cols = kb.arange(0, kN);
  Value offs = rows.column() * kN + cols.row();
  Value tile = load(x + offs); // [16, 32]
  Value t = trans(tile);       // [32, 16]
  Value back = reshape(t, {kN * kM}).reshape({kM, kN});
  Value indices = load(idx + offs) & (kN - 1);
  Value gathered = gather(back, indices, 1); // [16, 32]
  auto [lo, hi] = split(join(gathered, flip(gathered, 1)));
  Value both = cat(ravel(lo), ravel(hi)); // [1024]
  store(out + kb.arange(0, 2 * kM * kN), both);
}

/// The casts of tl.cast: int widths, int <-> float, float widths, bool.
void casts(KernelBuilder &kb) {
  Value codes = kb.pointerArg("codes_ptr", DType::I64, kAligned);
  Value halfs = kb.pointerArg("half_ptr", DType::F16, kAligned);
  Value out = kb.pointerArg("out_ptr", DType::F32, kAligned);
  Value outBf16 = kb.pointerArg("bf16_ptr", DType::BF16, kAligned);
  Value outU8 = kb.pointerArg("u8_ptr", DType::U8, kAligned);
  constexpr int kBlock = 256;
  Value offs = kb.arange(0, kBlock);
  Value code = load(codes + offs);
  Value low = code.to(DType::I32);                          // trunci
  Value high = (code >> 32).to(DType::U32);                 // shrsi, trunci
  Value asFloat = low.to(DType::F32) + high.to(DType::F32); // sitofp, uitofp
  Value h = load(halfs + offs);
  Value mixed = h * 2 + asFloat; // f16 promoted to f32
  store(out + offs, minimum(maximum(mixed, 0.0), 100.0));
  store(outBf16 + offs, mixed); // truncf to bf16
  store(outU8 + offs, (mixed > 1.0).to(DType::U8) + mixed.to(DType::U8));
}

} // namespace

const std::vector<Example> &allExamples() {
  static const std::vector<Example> examples = {
      {"vector_add", vectorAdd},
      {"softmax_rows", softmaxRows},
      {"row_sum_loop", rowSumLoop},
      {"matmul", matmul},
      {"histogram_cumsum", histogramCumsum},
      {"argmax_rows", argmaxRows},
      {"radix_topk", radixTopk},
      {"control_flow", controlFlow},
      {"atomics", atomics},
      {"shapes", shapes},
      {"casts", casts},
  };
  return examples;
}

} // namespace tritium::builder::examples
