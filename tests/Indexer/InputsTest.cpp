//===- InputsTest.cpp - Seeded inputs and float conversions ---------------===//

#include "Helpers.h"

#include <bit>
#include <cmath>

using namespace tritium;
using namespace tritium::indexer;
using namespace tritium::indexer::test;

namespace {

bool sameBytes(const HostTensor &a, const HostTensor &b) {
  return a.dtype() == b.dtype() && a.shape() == b.shape() &&
         std::memcmp(a.bytes(), b.bytes(), a.nbytes()) == 0;
}

IndexerConfig smallPQ() {
  IndexerConfig c = findCase("seed-pq-32k").config;
  c.B = 2;
  c.H = c.Hkv = 4;
  c.Sk = 5000;
  return c;
}

IndexerConfig smallExact() {
  IndexerConfig c = findCase("exact-gqa-32k").config;
  c.Sk = 5000;
  return c;
}

} // namespace

TEST_CASE("inputs are a pure function of the seed", "[inputs]") {
  for (IndexerConfig c : {smallPQ(), smallExact()}) {
    CAPTURE(c.describe());
    HostInputs a = generateInputs(c, {.seed = 42});
    HostInputs b = generateInputs(c, {.seed = 42});
    HostInputs other = generateInputs(c, {.seed = 43});
    CHECK(sameBytes(a.q, b.q));
    CHECK_FALSE(sameBytes(a.q, other.q));
    if (c.score == ScoreKind::PQ) {
      CHECK(sameBytes(a.centroids, b.centroids));
      CHECK(sameBytes(a.codebook, b.codebook));
      CHECK_FALSE(sameBytes(a.codebook, other.codebook));
      CHECK(a.keys.empty());
    } else {
      CHECK(sameBytes(a.keys, b.keys));
      CHECK_FALSE(sameBytes(a.keys, other.keys));
      CHECK(a.codebook.empty());
    }
  }
  // Fixed values, so that a change of the generator is noticed (the CLI
  // and GPU checks of earlier runs used these).
  CHECK(counterHash(0, 0, 0) == counterHash(0, 0, 0));
  CHECK(counterHash(0, 1, 0) != counterHash(0, 2, 0));
  CHECK(counterHash(1, 1, 0) != counterHash(2, 1, 0));
  CHECK(counterHash(7, 3, 11) != counterHash(7, 3, 12));
}

TEST_CASE("generated values have the documented distribution", "[inputs]") {
  IndexerConfig c = smallPQ();
  HostInputs in = generateInputs(c, {.seed = 1});
  // Codes uniform in [0, C).
  std::vector<int64_t> histogram(c.C(), 0);
  const int64_t count = in.codebook.numel();
  for (int64_t i = 0; i < count; ++i) {
    int64_t code = in.codebook.data<int64_t>()[i];
    REQUIRE(code >= 0);
    REQUIRE(code < c.C());
    ++histogram[code];
  }
  for (int64_t n : histogram)
    CHECK(std::abs(n - count / c.C()) < count / c.C() / 5);
  // Centroids approximately standard normal and effectively continuous.
  double sum = 0, squares = 0;
  const int64_t n = in.centroids.numel();
  for (int64_t i = 0; i < n; ++i) {
    double v = in.centroids.data<float>()[i];
    REQUIRE(std::fabs(v) < 3.5);
    sum += v;
    squares += v * v;
  }
  CHECK(std::fabs(sum / n) < 0.02);
  CHECK(squares / n == Approx(1.0).epsilon(0.03));
  std::vector<float> sorted(in.centroids.data<float>(),
                            in.centroids.data<float>() + n);
  std::sort(sorted.begin(), sorted.end());
  CHECK(std::unique(sorted.begin(), sorted.end()) - sorted.begin() > n * 0.99);
}

TEST_CASE("injected ties, NaN, inf and bad codes", "[inputs]") {
  IndexerConfig e = smallExact();
  HostInputs ties = generateInputs(e, {.seed = 3, .tieFraction = 0.5});
  // About half of the key vectors equal an earlier one of their kv head.
  int64_t copies = 0;
  const std::size_t row = e.D * 2;
  for (int64_t t = 1; t < 200; ++t)
    for (int64_t s = 0; s < t; ++s)
      if (std::memcmp(ties.keys.bytes() + t * row, ties.keys.bytes() + s * row,
                      row) == 0) {
        ++copies;
        break;
      }
  CHECK(copies > 70);
  CHECK(copies < 130);
  // Equal key vectors give equal scores.
  RowScores scores = referenceScores(e, ties.args(), 0, 0);
  for (int64_t t = 1; t < 200; ++t)
    for (int64_t s = 0; s < t; ++s)
      if (std::memcmp(ties.keys.bytes() + t * row, ties.keys.bytes() + s * row,
                      row) == 0)
        CHECK(std::bit_cast<uint32_t>(scores.values[t]) ==
              std::bit_cast<uint32_t>(scores.values[s]));

  HostInputs specials = generateInputs(
      e, {.seed = 3, .nanFraction = 0.001, .infFraction = 0.001});
  int64_t nans = 0, infs = 0;
  for (int64_t i = 0; i < specials.keys.numel(); ++i) {
    float v = bf16ToFloat(specials.keys.data<uint16_t>()[i]);
    nans += std::isnan(v);
    infs += std::isinf(v);
  }
  const double expected = 0.001 * specials.keys.numel();
  CHECK(nans == Approx(expected).epsilon(0.1));
  CHECK(infs == Approx(expected).epsilon(0.1));
  RowScores special = referenceScores(e, specials.args(), 0, 0);
  int64_t nanScores = 0, infScores = 0;
  for (float s : special.values) {
    nanScores += std::isnan(s);
    infScores += std::isinf(s);
  }
  CHECK(nanScores > 0);
  CHECK(infScores > 0);

  IndexerConfig p = smallPQ();
  HostInputs bad = generateInputs(p, {.seed = 3, .outOfRangeCodes = 3});
  int64_t outOfRange = 0;
  for (int64_t i = 0; i < bad.codebook.numel(); ++i)
    outOfRange += bad.codebook.data<int64_t>()[i] >= p.C();
  CHECK(outOfRange == 3);
  HostInputs pqSpecials = generateInputs(p, {.seed = 3, .nanFraction = 0.01});
  int64_t centroidNaNs = 0;
  for (int64_t i = 0; i < pqSpecials.centroids.numel(); ++i)
    centroidNaNs += std::isnan(pqSpecials.centroids.data<float>()[i]);
  CHECK(centroidNaNs > 0);

  requireInvalid([&] { generateInputs(p, {.seed = 1, .tieFraction = 2}); },
                 {"tieFraction must be in [0, 1]"});
  requireInvalid([&] { generateInputs(p, {.seed = 1, .nanFraction = -1}); },
                 {"nanFraction"});
}

TEST_CASE("bf16 and f16 conversions", "[inputs]") {
  CHECK(floatToBf16(1.0f) == 0x3F80);
  CHECK(floatToBf16(-2.0f) == 0xC000);
  CHECK(bf16ToFloat(0x3F80) == 1.0f);
  // Round to nearest even: 1 + 2^-8 is halfway between 1 and 1 + 2^-7.
  CHECK(floatToBf16(1.0f + 0x1.0p-8f) == 0x3F80);
  CHECK(floatToBf16(1.0f + 0x1.0p-8f + 0x1.0p-20f) == 0x3F81);
  CHECK(floatToBf16(1.0f + 3 * 0x1.0p-8f) == 0x3F82);
  CHECK(std::isnan(bf16ToFloat(floatToBf16(kNaN))));
  CHECK(bf16ToFloat(floatToBf16(kInf)) == kInf);
  CHECK(bf16ToFloat(floatToBf16(3.4e38f)) == kInf); // rounds past the max

  CHECK(floatToF16(1.0f) == 0x3C00);
  CHECK(floatToF16(-2.0f) == 0xC000);
  CHECK(floatToF16(65504.0f) == 0x7BFF);
  CHECK(floatToF16(65519.0f) == 0x7BFF);
  CHECK(floatToF16(65520.0f) == 0x7C00); // halfway to 65536: to even = inf
  CHECK(floatToF16(0x1.0p-24f) == 0x0001);
  CHECK(floatToF16(0x1.0p-25f) == 0x0000); // halfway: to even
  CHECK(floatToF16(0x1.8p-25f) == 0x0001);
  CHECK(floatToF16(0x1.0p-14f) == 0x0400);
  CHECK(floatToF16(1.0f + 0x1.0p-11f) == 0x3C00);
  CHECK(floatToF16(1.0f + 3 * 0x1.0p-11f) == 0x3C02);
  CHECK(floatToF16(kInf) == 0x7C00);
  CHECK(floatToF16(-kInf) == 0xFC00);
  CHECK(std::isnan(f16ToFloat(floatToF16(kNaN))));
  CHECK(f16ToFloat(0x0001) == 0x1.0p-24f);
  CHECK(f16ToFloat(0x7BFF) == 65504.0f);
  CHECK(f16ToFloat(0xFC00) == -kInf);
  CHECK(std::signbit(f16ToFloat(0x8000)));
  // Every f16 value survives a round trip through float.
  for (uint32_t bits = 0; bits < 0x10000; ++bits) {
    float v = f16ToFloat(static_cast<uint16_t>(bits));
    if (!std::isnan(v))
      REQUIRE(floatToF16(v) == bits);
  }
  for (uint32_t bits = 0; bits < 0x10000; ++bits) {
    float v = bf16ToFloat(static_cast<uint16_t>(bits));
    if (!std::isnan(v))
      REQUIRE(floatToBf16(v) == bits);
  }
}

TEST_CASE("host tensors and outputs", "[inputs]") {
  HostTensor t(DType::I32, {3, 4});
  CHECK(t.numel() == 12);
  CHECK(t.nbytes() == 48);
  CHECK(reinterpret_cast<std::uintptr_t>(t.bytes()) % 64 == 0);
  TensorArg arg = t.arg();
  CHECK(arg.rank == 2);
  CHECK(arg.strides[0] == 4);
  CHECK(arg.isContiguous());
  requireInvalid([] { HostTensor(DType::F32, {2, -1}); }, {"negative dim"});

  IndexerConfig c = smallPQ();
  HostOutputs out = HostOutputs::allocate(c);
  CHECK(out.sparseList.shape() == std::vector<int64_t>{2, 4, 384});
  CHECK(out.sparseLen.shape() == std::vector<int64_t>{2, 4});
  CHECK(out.weights.shape() == std::vector<int64_t>{2, 4, 5000});
  CHECK(out.weights.dtype() == DType::F32);
  CHECK(out.sparseList.data<int64_t>()[0] != kSparseListPadding); // poison
  CHECK(std::isnan(out.weights.data<float>()[0]) == false);
  CHECK(out.weights.data<float>()[0] != 0.0f);
  CHECK(out.weights.data<float>()[0] != 1.0f);
}
