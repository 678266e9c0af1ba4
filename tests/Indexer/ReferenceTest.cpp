//===- ReferenceTest.cpp - The CPU reference, rule by rule ----------------===//
//
// Hand-computed cases for every rule of ../shared/spec/indexer.md, then the
// reference against a brute-force oracle on random small problems, then the
// benchmark cases at full size.
//
//===----------------------------------------------------------------------===//

#include "Helpers.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

using namespace tritium;
using namespace tritium::indexer;
using namespace tritium::indexer::test;

namespace {

using Positions = std::vector<int64_t>;

/// Runs the reference on a one-row score list; returns the first L entries.
Positions selectFromScores(const IndexerConfig &c,
                           const std::vector<float> &scores) {
  HostInputs in = scoreListInputs(c, scores);
  HostOutputs out = computeReference(c, in);
  Positions row = listRow(out, c);
  const int64_t L = lenOf(out, c);
  REQUIRE(L == c.L());
  for (int64_t i = L; i < c.Lmax(); ++i)
    CHECK(row[i] == kSparseListPadding);
  row.resize(L);
  CHECK(onesOf(weightRow(out, c)) == row);
  return row;
}

/// A pq problem with D = M = 2, bits = 1 (C = 2), q = [1, 1], centroids
/// a = {0, 10} for sub-vector 0 and b = {0, 1} for sub-vector 1, so the
/// score of codes (c0, c1) is 10 * c0 + c1. `codes` holds (c0, c1) per
/// quantised key.
struct TinyPQ {
  IndexerConfig config;
  HostInputs inputs;
};

TinyPQ tinyPQ(int64_t Sk, int64_t sink, int64_t window, int64_t heavy,
              int64_t initOffset,
              const std::vector<std::pair<int, int>> &codes) {
  TinyPQ p;
  IndexerConfig &c = p.config;
  c.score = ScoreKind::PQ;
  c.B = c.H = c.Hkv = 1;
  c.D = 2;
  c.Sk = Sk;
  c.sink = sink;
  c.window = window;
  c.heavy = heavy;
  c.pq.M = 2;
  c.pq.bits = 1;
  c.pq.initOffset = initOffset;
  c.validate();
  REQUIRE(static_cast<int64_t>(codes.size()) == c.Nq());
  p.inputs.q = HostTensor(DType::F32, {1, 1, 2});
  p.inputs.q.data<float>()[0] = p.inputs.q.data<float>()[1] = 1.0f;
  p.inputs.centroids = HostTensor(DType::F32, {1, 1, 2, 2, 1});
  float *cent = p.inputs.centroids.data<float>();
  cent[0] = 0;
  cent[1] = 10;
  cent[2] = 0;
  cent[3] = 1;
  p.inputs.codebook = HostTensor(DType::I64, {1, c.Nq(), 1, 2});
  for (std::size_t j = 0; j < codes.size(); ++j) {
    p.inputs.codebook.data<int64_t>()[2 * j] = codes[j].first;
    p.inputs.codebook.data<int64_t>()[2 * j + 1] = codes[j].second;
  }
  return p;
}

} // namespace

TEST_CASE("heavy keys are the K best candidates, list ascending",
          "[reference]") {
  IndexerConfig c = scoreListConfig(10, 2, 2, 3);
  // Sink (0, 1) and window (8, 9) scores do not matter.
  Positions got = selectFromScores(c, {100, -5, 0.5f, 3, 1, 7, 2, -1, 99, 98});
  CHECK(got == Positions{0, 1, 3, 5, 6, 8, 9});
}

TEST_CASE("ties are broken toward the lower position", "[reference]") {
  IndexerConfig c = scoreListConfig(10, 1, 1, 3);
  CHECK(selectFromScores(c, {0, 5, 5, 5, 6, 5, 5, 5, 5, 0}) ==
        Positions{0, 1, 2, 4, 9});
  // A tie at the K-th place across the whole range.
  c = scoreListConfig(8, 0, 0, 4);
  CHECK(selectFromScores(c, {1, 2, 2, 1, 2, 1, 2, 2}) == Positions{1, 2, 4, 6});
}

TEST_CASE("NaN ranks below every number, -inf included", "[reference]") {
  IndexerConfig c = scoreListConfig(6, 0, 0, 3);
  std::vector<float> scores = {kNaN, -kInf, kNaN, 1, kNaN, -1};
  CHECK(selectFromScores(c, scores) == Positions{1, 3, 5});
  c.heavy = 4; // one NaN must come in: the lowest position among NaNs
  CHECK(selectFromScores(c, scores) == Positions{0, 1, 3, 5});
  // A NaN with the sign bit set is still a NaN, not a negative number.
  c.heavy = 4;
  float negativeNaN = -kNaN;
  REQUIRE(std::signbit(negativeNaN));
  CHECK(selectFromScores(c, {kNaN, -kInf, negativeNaN, 1, kNaN, -1}) ==
        Positions{0, 1, 3, 5});
  CHECK(selectFromScores(c, {negativeNaN, -kInf, kNaN, 1, kNaN, -1}) ==
        Positions{0, 1, 3, 5});
}

TEST_CASE("+inf and -inf rank as numbers", "[reference]") {
  IndexerConfig c = scoreListConfig(6, 0, 0, 2);
  std::vector<float> scores = {1e30f, kInf, kInf, -kInf, 3e38f, kNaN};
  CHECK(selectFromScores(c, scores) == Positions{1, 2});
  c.heavy = 3;
  CHECK(selectFromScores(c, scores) == Positions{1, 2, 4});
  c.heavy = 5;
  CHECK(selectFromScores(c, scores) == Positions{0, 1, 2, 3, 4});
}

TEST_CASE("-0 and +0 are equal scores, tied by position", "[reference]") {
  IndexerConfig c = scoreListConfig(5, 0, 0, 2);
  CHECK(selectFromScores(c, {-1, -0.0f, -0.0f, 0.0f, -2}) == Positions{1, 2});
  CHECK(selectFromScores(c, {-1, 0.0f, -0.0f, 0.0f, -2}) == Positions{1, 2});
}

TEST_CASE("full-attention fallback: Sk <= sink + heavy + window",
          "[reference][fallback]") {
  IndexerConfig c = scoreListConfig(7, 2, 2, 3);
  REQUIRE(c.fullAttention());
  CHECK(c.Lmax() == 7);
  CHECK(selectFromScores(c, {0, 1, 2, 3, 4, 5, 6}) ==
        Positions{0, 1, 2, 3, 4, 5, 6});
  // One key more: no fallback, the worst candidate (position 2) is dropped.
  c = scoreListConfig(8, 2, 2, 3);
  REQUIRE_FALSE(c.fullAttention());
  CHECK(c.Lmax() == 7);
  CHECK(selectFromScores(c, {0, 0, -9, 1, 2, 3, 0, 0}) ==
        Positions{0, 1, 3, 4, 5, 6, 7});
  // sink + window alone cover everything.
  c = scoreListConfig(4, 3, 3, 0);
  REQUIRE(c.fullAttention());
  CHECK(selectFromScores(c, {4, 3, 2, 1}) == Positions{0, 1, 2, 3});
}

TEST_CASE("full-attention fallback: pq's Sk <= heavy + init_offset + 1 + C",
          "[reference][fallback]") {
  // sink 0, window 1, heavy 2, init 1, C 2: the first condition needs
  // Sk <= 3, PQCache's threshold Sk <= 6.
  TinyPQ p = tinyPQ(6, 0, 1, 2, 1, {{0, 0}, {1, 1}, {0, 1}, {1, 0}, {0, 0}});
  const IndexerConfig &c = p.config;
  REQUIRE(c.fullAttention());
  CHECK(c.Lmax() == 6); // wider than sink + heavy + window = 3
  HostOutputs out = computeReference(c, p.inputs);
  CHECK(lenOf(out, c) == 6);
  CHECK(listRow(out, c) == Positions{0, 1, 2, 3, 4, 5});
  CHECK(onesOf(weightRow(out, c)) == Positions{0, 1, 2, 3, 4, 5});

  // Sk = 7: neither condition; candidates [1, 6), scores 10*c0 + c1.
  TinyPQ q =
      tinyPQ(7, 0, 1, 2, 1, {{0, 0}, {1, 0}, {0, 1}, {1, 1}, {0, 0}, {1, 1}});
  REQUIRE_FALSE(q.config.fullAttention());
  CHECK(q.config.Lmax() == 3);
  HostOutputs out2 = computeReference(q.config, q.inputs);
  // position = 1 + j: scores 0, 10, 1, 11, 0 at positions 1..5; window {6}.
  CHECK(listRow(out2, q.config) == Positions{2, 4, 6});
}

TEST_CASE("pq scores: sum over sub-vectors of table lookups", "[reference]") {
  TinyPQ p = tinyPQ(8, 1, 1, 2, 1,
                    {{0, 0}, {1, 0}, {0, 1}, {1, 1}, {0, 0}, {1, 1}, {1, 0}});
  RowScores row = referenceScores(p.config, p.inputs.args(), 0, 0);
  CHECK(row.first == 1);
  CHECK(row.values == std::vector<float>{0, 10, 1, 11, 0, 11, 10});
  // Candidates are positions 1..6 (7 is the window); the two 11s win.
  HostOutputs out = computeReference(p.config, p.inputs);
  CHECK(listRow(out, p.config) == Positions{0, 4, 6, 7});
}

TEST_CASE("heavy larger than the candidates: K = candidates, padded rows",
          "[reference]") {
  // pq with init_offset 4 > sink 0: positions 0..3 have no score and are
  // not sinks. Sk 11, window 6: candidates [4, 5), one key; heavy 3.
  std::vector<std::pair<int, int>> codes(7, {0, 1});
  TinyPQ p = tinyPQ(11, 0, 6, 3, 4, codes);
  IndexerConfig &c = p.config;
  REQUIRE_FALSE(c.fullAttention());
  CHECK(c.candidates() == 1);
  CHECK(c.K() == 1);
  CHECK(c.Lmax() == 9);
  CHECK(c.L() == 7);
  HostOutputs out = computeReference(c, p.inputs);
  CHECK(lenOf(out, c) == 7);
  CHECK(listRow(out, c) == Positions{4, 5, 6, 7, 8, 9, 10, -1, -1});
  CHECK(onesOf(weightRow(out, c)) == Positions{4, 5, 6, 7, 8, 9, 10});

  c.weightLayout = WeightLayout::Sparse;
  HostOutputs sparse = computeReference(c, p.inputs);
  CHECK(weightRow(sparse, c) == std::vector<float>{1, 1, 1, 1, 1, 1, 1, 0, 0});
}

TEST_CASE("heavy = 0, window = 0, sink = 0", "[reference]") {
  std::vector<float> scores = {9, 8, 1, 7, 2, 6, 3, 5, 4, 0};
  CHECK(selectFromScores(scoreListConfig(10, 2, 2, 0), scores) ==
        Positions{0, 1, 8, 9});
  CHECK(selectFromScores(scoreListConfig(10, 2, 0, 3), scores) ==
        Positions{0, 1, 3, 5, 7});
  CHECK(selectFromScores(scoreListConfig(10, 0, 2, 3), scores) ==
        Positions{0, 1, 3, 8, 9});
  CHECK(selectFromScores(scoreListConfig(10, 0, 0, 3), scores) ==
        Positions{0, 1, 3});
  // Nothing at all: Lmax = 0, only sparse_len (0) is written.
  IndexerConfig none = scoreListConfig(10, 0, 0, 0);
  CHECK(none.Lmax() == 0);
  HostInputs in = scoreListInputs(none, scores);
  none.weightLayout = WeightLayout::Sparse;
  HostOutputs out = computeReference(none, in);
  CHECK(lenOf(out, none) == 0);
}

TEST_CASE("GQA: query head h reads kv head h / G", "[reference][gqa]") {
  IndexerConfig c = scoreListConfig(8, 0, 0, 2);
  c.B = 2;
  c.H = 4;
  c.Hkv = 2;
  c.validate();
  HostInputs in;
  in.q = HostTensor(DType::F32, {2, 4, 1});
  const float qValues[] = {1, -1, 2, -2, -1, 1, -2, 2};
  std::copy(qValues, qValues + 8, in.q.data<float>());
  in.keys = HostTensor(DType::F32, {2, 2, 8, 1});
  float *keys = in.keys.data<float>();
  for (int b = 0; b < 2; ++b)
    for (int t = 0; t < 8; ++t) {
      keys[(b * 2 + 0) * 8 + t] = static_cast<float>(t);     // rising
      keys[(b * 2 + 1) * 8 + t] = static_cast<float>(7 - t); // falling
    }
  HostOutputs out = computeReference(c, in);
  // b = 0: heads 0, 1 on the rising keys with q = 1, -1; heads 2, 3 on the
  // falling keys with q = 2, -2. A mapping h % Hkv would swap heads 1 and 2.
  CHECK(listRow(out, c, 0, 0) == Positions{6, 7});
  CHECK(listRow(out, c, 0, 1) == Positions{0, 1});
  CHECK(listRow(out, c, 0, 2) == Positions{0, 1});
  CHECK(listRow(out, c, 0, 3) == Positions{6, 7});
  // b = 1: the signs of q flip.
  CHECK(listRow(out, c, 1, 0) == Positions{0, 1});
  CHECK(listRow(out, c, 1, 1) == Positions{6, 7});
  CHECK(listRow(out, c, 1, 2) == Positions{6, 7});
  CHECK(listRow(out, c, 1, 3) == Positions{0, 1});
}

TEST_CASE("weights: dense and sparse, f32 / bf16 / f16 bit patterns",
          "[reference][weights]") {
  IndexerConfig c = scoreListConfig(6, 1, 1, 1);
  HostInputs in = scoreListInputs(c, {0, 1, 5, 2, 0, 0});
  // Attended: 0, 2, 5.
  struct Expected {
    DType dtype;
    uint32_t one;
  };
  for (Expected e :
       {Expected{DType::F32, 0x3F800000u}, Expected{DType::BF16, 0x3F80u},
        Expected{DType::F16, 0x3C00u}}) {
    CAPTURE(dtypeName(e.dtype));
    c.weightDType = e.dtype;
    c.weightLayout = WeightLayout::Dense;
    HostOutputs dense = computeReference(c, in);
    REQUIRE(dense.weights.shape() == std::vector<int64_t>{1, 1, 6});
    std::vector<uint32_t> bits;
    for (int t = 0; t < 6; ++t)
      bits.push_back(e.dtype == DType::F32 ? dense.weights.data<uint32_t>()[t]
                                           : dense.weights.data<uint16_t>()[t]);
    CHECK(bits == std::vector<uint32_t>{e.one, 0, e.one, 0, 0, e.one});

    c.weightLayout = WeightLayout::Sparse;
    HostOutputs sparse = computeReference(c, in);
    REQUIRE(sparse.weights.shape() == std::vector<int64_t>{1, 1, 3});
    for (int i = 0; i < 3; ++i)
      CHECK((e.dtype == DType::F32
                 ? sparse.weights.data<uint32_t>()[i]
                 : sparse.weights.data<uint16_t>()[i]) == e.one);
    CHECK(listRow(sparse, c) == listRow(dense, c));
  }
}

TEST_CASE("every element of every output is written", "[reference]") {
  IndexerConfig c = benchmarkCases().front().config;
  c.B = 2;
  c.H = c.Hkv = 4;
  c.Sk = 2000;
  c.heavy = 300;
  for (WeightLayout layout : {WeightLayout::Dense, WeightLayout::Sparse}) {
    c.weightLayout = layout;
    HostInputs in = generateInputs(c, {.seed = 3});
    HostOutputs out = HostOutputs::allocate(c); // poisoned
    computeReference(c, in.args(), out.args());
    for (const HostTensor *t : {&out.sparseList, &out.sparseLen, &out.weights})
      for (std::size_t i = 0; i < t->nbytes(); ++i)
        if (t->bytes()[i] == std::byte{kPoisonByte} &&
            (i % dtypeSize(t->dtype()) == 0)) {
          // A whole element of poison bytes means it was never written.
          bool whole = true;
          for (std::size_t k = 0; k < dtypeSize(t->dtype()); ++k)
            whole &= t->bytes()[i + k] == std::byte{kPoisonByte};
          REQUIRE_FALSE(whole);
        }
  }
}

TEST_CASE("codebook layouts and code dtypes give the same outputs",
          "[reference][pq]") {
  IndexerConfig base = benchmarkCases().front().config;
  base.H = base.Hkv = 4;
  base.Sk = 3000;
  HostInputs in = generateInputs(base, {.seed = 11});
  HostOutputs expected = computeReference(base, in);
  for (CodebookLayout layout :
       {CodebookLayout::KeyMajor, CodebookLayout::KeyMinor})
    for (DType dtype : {DType::I64, DType::I32, DType::U8}) {
      CAPTURE(codebookLayoutName(layout), dtypeName(dtype));
      IndexerConfig c = base;
      c.pq.codebookLayout = layout;
      c.pq.codebookDType = dtype;
      HostInputs converted;
      converted.q = in.q.clone();
      converted.centroids = in.centroids.clone();
      const TensorSpec spec = tensorSpecs(c)[2];
      REQUIRE(spec.role == TensorRole::Codebook);
      converted.codebook = HostTensor(dtype, spec.shape);
      const int64_t Nq = c.Nq(), Hkv = c.Hkv, M = c.pq.M;
      for (int64_t j = 0; j < Nq; ++j)
        for (int64_t k = 0; k < Hkv; ++k)
          for (int64_t m = 0; m < M; ++m) {
            int64_t code = in.codebook.data<int64_t>()[(j * Hkv + k) * M + m];
            int64_t at = layout == CodebookLayout::KeyMajor
                             ? (j * Hkv + k) * M + m
                             : (k * M + m) * Nq + j;
            if (dtype == DType::I64)
              converted.codebook.data<int64_t>()[at] = code;
            else if (dtype == DType::I32)
              converted.codebook.data<int32_t>()[at] =
                  static_cast<int32_t>(code);
            else
              converted.codebook.data<uint8_t>()[at] =
                  static_cast<uint8_t>(code);
          }
      HostOutputs got = computeReference(c, converted);
      CHECK(std::memcmp(got.sparseList.bytes(), expected.sparseList.bytes(),
                        got.sparseList.nbytes()) == 0);
      CHECK(std::memcmp(got.weights.bytes(), expected.weights.bytes(),
                        got.weights.nbytes()) == 0);
    }
}

TEST_CASE("check_codes rejects a code out of range and writes nothing",
          "[reference][pq]") {
  IndexerConfig c = benchmarkCases().front().config;
  c.H = c.Hkv = 2;
  c.Sk = 1000;
  c.checkCodes = true;
  HostInputs in = generateInputs(c, {.seed = 5, .outOfRangeCodes = 1});
  HostOutputs out = HostOutputs::allocate(c);
  HostOutputs untouched = HostOutputs::allocate(c);
  requireInvalid([&] { computeReference(c, in.args(), out.args()); },
                 {"codebook", "code 64", "outside [0, 64)"});
  CHECK(std::memcmp(out.sparseList.bytes(), untouched.sparseList.bytes(),
                    out.sparseList.nbytes()) == 0);
  CHECK(std::memcmp(out.weights.bytes(), untouched.weights.bytes(),
                    out.weights.nbytes()) == 0);
  CHECK(std::memcmp(out.sparseLen.bytes(), untouched.sparseLen.bytes(),
                    out.sparseLen.nbytes()) == 0);

  // A negative code is reported with its coordinates.
  HostInputs good = generateInputs(c, {.seed = 5});
  good.codebook.data<int64_t>()[((7 * 2) + 1) * 2 + 0] = -3;
  requireInvalid([&] { computeReference(c, good); },
                 {"codebook", "code -3", "[0, 7, 1, 0]"});

  // Unchecked, a bad code keeps its low `bits` bits: C + 5 scores as 5.
  c.checkCodes = false;
  HostInputs masked = generateInputs(c, {.seed = 5});
  masked.codebook.data<int64_t>()[0] = 5;
  RowScores expected = referenceScores(c, masked.args(), 0, 0);
  masked.codebook.data<int64_t>()[0] = 64 + 5;
  RowScores got = referenceScores(c, masked.args(), 0, 0);
  CHECK(got.values == expected.values);
  // An int64 code's high word is xor-ed into its low word first (the GPU
  // kernel keeps both words of its 16-byte code loads live that way):
  // 0x7'00000002 scores as 7 ^ 2 = 5, -1 as 0.
  masked.codebook.data<int64_t>()[0] = (int64_t(7) << 32) | 2;
  CHECK(referenceScores(c, masked.args(), 0, 0).values == expected.values);
  masked.codebook.data<int64_t>()[0] = 0;
  RowScores zero = referenceScores(c, masked.args(), 0, 0);
  masked.codebook.data<int64_t>()[0] = -1;
  CHECK(referenceScores(c, masked.args(), 0, 0).values == zero.values);
}

TEST_CASE("exact scores: float32 sums in order, bf16 products exact",
          "[reference][exact]") {
  IndexerConfig c = findCase("exact-gqa-32k").config;
  c.Sk = 300;
  c.heavy = 20;
  c.sink = c.window = 4;
  HostInputs in = generateInputs(c, {.seed = 9});
  for (int64_t h : {0, 5, 31}) {
    RowScores row = referenceScores(c, in.args(), 0, h);
    REQUIRE(row.values.size() == 300u);
    const int64_t kvh = h / c.G();
    for (int64_t t : {0, 1, 17, 299}) {
      float sum = 0;
      double exact = 0;
      for (int64_t d = 0; d < c.D; ++d) {
        float q = bf16ToFloat(in.q.data<uint16_t>()[h * c.D + d]);
        float k =
            bf16ToFloat(in.keys.data<uint16_t>()[(kvh * c.Sk + t) * c.D + d]);
        sum += q * k;
        exact += static_cast<double>(q) * k;
      }
      CHECK(row.values[t] == c.scale * sum); // bit-identical
      CHECK(row.values[t] ==
            Approx(exact * c.scale).margin(1e-4).epsilon(1e-5));
    }
  }
}

TEST_CASE("reference agrees with a brute-force oracle on random problems",
          "[reference][random]") {
  for (uint64_t trial = 0; trial < 60; ++trial) {
    auto pick = [&](uint64_t stream, int64_t lo, int64_t hi) {
      return lo + static_cast<int64_t>(counterHash(trial, stream, 0) %
                                       static_cast<uint64_t>(hi - lo + 1));
    };
    IndexerConfig c;
    c.score = trial % 2 ? ScoreKind::PQ : ScoreKind::Exact;
    c.B = pick(1, 1, 2);
    c.Hkv = pick(2, 1, 3);
    c.H = c.Hkv * pick(3, 1, 3);
    c.D = 4 * pick(4, 1, 4);
    c.Sk = pick(5, 1, 300);
    c.sink = pick(6, 0, 20);
    c.window = pick(7, 0, 20);
    c.heavy = pick(8, 0, 120);
    if (c.score == ScoreKind::PQ) {
      c.pq.M = pick(9, 1, 2) * 2;
      c.pq.bits = pick(10, 1, 5);
      c.pq.initOffset = std::min(c.Sk, pick(11, 0, 30));
      c.pq.codebookLayout =
          trial % 4 == 1 ? CodebookLayout::KeyMinor : CodebookLayout::KeyMajor;
    } else {
      c.keysDType = trial % 4 == 0 ? DType::BF16 : DType::F16;
      c.qDType = trial % 3 == 0 ? DType::F32 : DType::BF16;
      c.scale = 0.125f;
    }
    c.weightLayout =
        trial % 5 == 0 ? WeightLayout::Sparse : WeightLayout::Dense;
    CAPTURE(trial, c.describe());
    c.validate();
    InputOptions options{.seed = trial, .tieFraction = 0.2};
    if (trial % 3 == 0) {
      options.nanFraction = 0.02;
      options.infFraction = 0.02;
    }
    HostInputs in = generateInputs(c, options);
    HostOutputs out = computeReference(c, in);
    for (int64_t b = 0; b < c.B; ++b)
      for (int64_t h = 0; h < c.H; ++h) {
        // Oracle: sort every candidate by the spec's order, take K.
        Positions expected;
        if (c.fullAttention()) {
          expected.resize(c.Sk);
          std::iota(expected.begin(), expected.end(), 0);
        } else {
          RowScores row = referenceScores(c, in.args(), b, h);
          Positions candidates;
          for (int64_t t = c.candidateBegin(); t < c.candidateEnd(); ++t)
            candidates.push_back(t);
          std::sort(candidates.begin(), candidates.end(),
                    [&](int64_t x, int64_t y) {
                      return ranksAbove(row.values[x - row.first], x,
                                        row.values[y - row.first], y);
                    });
          candidates.resize(std::min<int64_t>(c.heavy, candidates.size()));
          for (int64_t t = 0; t < c.sink; ++t)
            expected.push_back(t);
          expected.insert(expected.end(), candidates.begin(), candidates.end());
          for (int64_t t = c.Sk - c.window; t < c.Sk; ++t)
            expected.push_back(t);
          std::sort(expected.begin(), expected.end());
        }
        const int64_t L = lenOf(out, c, b, h);
        REQUIRE(L == static_cast<int64_t>(expected.size()));
        REQUIRE(L == c.L());
        Positions got = listRow(out, c, b, h);
        for (int64_t i = L; i < c.Lmax(); ++i)
          REQUIRE(got[i] == kSparseListPadding);
        got.resize(L);
        REQUIRE(got == expected);
        if (c.weightLayout == WeightLayout::Dense)
          REQUIRE(onesOf(weightRow(out, c, b, h)) == expected);
      }
  }
}

TEST_CASE("every benchmark case at full size, fast enough for CI",
          "[reference][cases]") {
  for (const BenchmarkCase &benchmark : benchmarkCases()) {
    CAPTURE(benchmark.name);
    const IndexerConfig &c = benchmark.config;
    auto start = std::chrono::steady_clock::now();
    HostInputs in = generateInputs(c, {.seed = 1});
    auto generated = std::chrono::steady_clock::now();
    HostOutputs out = computeReference(c, in);
    auto done = std::chrono::steady_clock::now();
    auto ms = [](auto a, auto b) {
      return std::chrono::duration<double, std::milli>(b - a).count();
    };
    WARN(benchmark.name << ": inputs " << ms(start, generated)
                        << " ms, reference " << ms(generated, done) << " ms");
    REQUIRE_FALSE(c.fullAttention());
    REQUIRE(c.L() == c.Lmax());
    for (int64_t row = 0; row < c.B * c.H; row += 7) {
      REQUIRE(out.sparseLen.data<int64_t>()[row] == c.L());
      const int64_t *list = out.sparseList.data<int64_t>() + row * c.Lmax();
      for (int64_t i = 0; i < c.sink; ++i)
        REQUIRE(list[i] == i);
      for (int64_t i = 1; i < c.Lmax(); ++i)
        REQUIRE(list[i] > list[i - 1]);
      REQUIRE(list[c.Lmax() - 1] == c.Sk - 1);
    }
  }
}
