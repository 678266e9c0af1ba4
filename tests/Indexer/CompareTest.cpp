//===- CompareTest.cpp - The checker that GPU results are held to ---------===//

#include "Helpers.h"

using namespace tritium;
using namespace tritium::indexer;
using namespace tritium::indexer::test;

namespace {

struct Problem {
  IndexerConfig config;
  HostInputs inputs;
  HostOutputs reference;

  HostOutputs copyOfReference() const {
    HostOutputs copy;
    copy.sparseList = reference.sparseList.clone();
    copy.sparseLen = reference.sparseLen.clone();
    copy.weights = reference.weights.clone();
    return copy;
  }
  CompareResult compare(const HostOutputs &candidate,
                        CompareOptions options = {}) const {
    return compareOutputs(config, inputs.args(), reference.args(),
                          candidate.args(), options);
  }
};

/// Scores 0..9 by hand: sink 1, window 1, heavy 3. Positions 4 and 5 score
/// 5.0 and 5.00001 (a near-tie at the K-th place); 7 scores 8, 8 scores 9.
Problem nearTie(WeightLayout layout = WeightLayout::Dense) {
  Problem p;
  p.config = scoreListConfig(10, 1, 1, 3);
  p.config.weightLayout = layout;
  p.inputs =
      scoreListInputs(p.config, {0, 1, 2, 3, 5.00001f, 5.0f, 4, 8, 9, 0});
  p.reference = computeReference(p.config, p.inputs);
  REQUIRE(listRow(p.reference, p.config) ==
          std::vector<int64_t>{0, 4, 7, 8, 9});
  return p;
}

void setRow(HostOutputs &out, const IndexerConfig &c,
            const std::vector<int64_t> &list) {
  std::copy(list.begin(), list.end(), out.sparseList.data<int64_t>());
  if (c.weightLayout == WeightLayout::Dense) {
    float *w = out.weights.data<float>();
    std::fill(w, w + c.Sk, 0.0f);
    for (int64_t p : list)
      if (p >= 0)
        w[p] = 1.0f;
  }
}

void requireMismatch(const CompareResult &result,
                     std::initializer_list<const char *> fragments) {
  INFO("mismatch: " << result.firstMismatch);
  REQUIRE_FALSE(result.ok);
  for (const char *fragment : fragments)
    CHECK(result.firstMismatch.find(fragment) != std::string::npos);
}

} // namespace

TEST_CASE("identical outputs compare equal", "[compare]") {
  Problem p = nearTie();
  CompareResult result = p.compare(p.copyOfReference());
  CHECK(result.ok);
  CHECK(result.firstMismatch.empty());
  CHECK(result.rowsWithNearTieSwaps == 0);
}

TEST_CASE("a near-tie swapped at the K-th place is accepted", "[compare]") {
  Problem p = nearTie();
  HostOutputs candidate = p.copyOfReference();
  setRow(candidate, p.config, {0, 5, 7, 8, 9});
  CompareResult result = p.compare(candidate); // tolerance 1e-5 * 9
  INFO(result.firstMismatch);
  CHECK(result.ok);
  CHECK(result.rowsWithNearTieSwaps == 1);
  CHECK(result.swappedPositions == 1);
  // With a tolerance below the gap it is a mismatch, reported precisely.
  CompareOptions strict;
  strict.relTolerance = 1e-7;
  requireMismatch(p.compare(candidate, strict),
                  {"row (b=0, h=0)", "heavy position 5", "reference score 5",
                   "in the candidate's set but not in the reference's",
                   "K-th score 5.00001", "K = 3"});
}

TEST_CASE("a key far from the K-th score is a mismatch", "[compare]") {
  Problem p = nearTie();
  HostOutputs candidate = p.copyOfReference();
  setRow(candidate, p.config, {0, 3, 7, 8, 9}); // 3 scores 3, K-th is 5.00001
  requireMismatch(p.compare(candidate),
                  {"heavy position 3", "reference score 3", "not within",
                   "K-th score 5.00001"});
  // Dropping the best key (8 scores 9 > K-th + tolerance) is caught from
  // the reference's side.
  setRow(candidate, p.config, {0, 4, 5, 7, 9});
  requireMismatch(p.compare(candidate),
                  {"heavy position 8", "in the reference's set but not in "
                                       "the candidate's"});
}

TEST_CASE("lengths, order, padding, sink and window must be exact",
          "[compare]") {
  Problem p = nearTie();
  {
    HostOutputs c = p.copyOfReference();
    c.sparseLen.data<int64_t>()[0] = 4;
    requireMismatch(p.compare(c), {"sparse_len[b=0, h=0]: expected 5, got 4"});
  }
  {
    HostOutputs c = p.copyOfReference();
    setRow(c, p.config, {0, 7, 4, 8, 9});
    requireMismatch(p.compare(c),
                    {"sparse_list[b=0, h=0, 2] = 4", "strictly ascending"});
  }
  {
    HostOutputs c = p.copyOfReference();
    setRow(c, p.config, {0, 4, 7, 7, 9});
    requireMismatch(p.compare(c), {"strictly ascending"});
  }
  {
    HostOutputs c = p.copyOfReference();
    c.sparseList.data<int64_t>()[4] = 10;
    requireMismatch(p.compare(c), {"= 10 is outside [0, Sk = 10)"});
  }
  {
    // Sink position 0 replaced by another heavy key.
    HostOutputs c = p.copyOfReference();
    setRow(c, p.config, {4, 5, 7, 8, 9});
    requireMismatch(p.compare(c), {"0 sink positions, expected all 1"});
  }
  {
    // Window position 9 missing.
    HostOutputs c = p.copyOfReference();
    setRow(c, p.config, {0, 4, 5, 7, 8});
    requireMismatch(p.compare(c), {"0 window positions, expected all 1"});
  }
}

TEST_CASE("padding after L must be the padding value", "[compare]") {
  // pq with K < heavy leaves padding (see the reference test).
  IndexerConfig c = findCase("seed-pq-32k").config;
  c.H = c.Hkv = 2;
  c.Sk = 400;
  c.sink = 0;
  c.window = 250;
  c.heavy = 30;
  c.pq.initOffset = 128; // candidates [128, 150): 22 < 30
  REQUIRE_FALSE(c.fullAttention());
  REQUIRE(c.K() == 22);
  REQUIRE(c.L() < c.Lmax());
  Problem p;
  p.config = c;
  p.inputs = generateInputs(c, {.seed = 2});
  p.reference = computeReference(c, p.inputs);
  CHECK(p.compare(p.copyOfReference()).ok);
  HostOutputs bad = p.copyOfReference();
  bad.sparseList.data<int64_t>()[c.Lmax() + c.L()] = 0; // row (0, 1)
  requireMismatch(p.compare(bad), {"sparse_list[b=0, h=1, 272] = 0",
                                   "padding value -1", "L = 272"});
  // A position without a score (before init_offset, not a sink) is invalid.
  HostOutputs gap = p.copyOfReference();
  gap.sparseList.data<int64_t>()[0] = 5;
  requireMismatch(p.compare(gap), {"= 5 is neither a sink, a window nor a "
                                   "heavy-candidate position",
                                   "[128, 150)"});
}

TEST_CASE("weights are compared bit for bit", "[compare]") {
  {
    Problem p = nearTie();
    HostOutputs c = p.copyOfReference();
    c.weights.data<float>()[3] = 1.0f;
    requireMismatch(p.compare(c), {"weight_list[b=0, h=0, 3]: expected 0",
                                   "got bits 0x3F800000"});
    c.weights.data<float>()[3] = -0.0f; // -0 is not the 0 the spec writes
    requireMismatch(p.compare(c),
                    {"weight_list[b=0, h=0, 3]", "got bits 0x80000000"});
  }
  {
    // After an accepted near-tie swap, dense weights must follow the
    // candidate's own list.
    Problem p = nearTie();
    HostOutputs c = p.copyOfReference();
    c.sparseList.data<int64_t>()[1] = 5; // list swapped, weights not
    requireMismatch(p.compare(c), {"weight_list[b=0, h=0, 4]: expected 0"});
  }
  {
    Problem p = nearTie(WeightLayout::Sparse);
    HostOutputs c = p.copyOfReference();
    c.weights.data<float>()[4] = 0.5f;
    requireMismatch(p.compare(c), {"weight_list[b=0, h=0, 4] (sparse)",
                                   "expected bits 0x3F800000"});
  }
}

TEST_CASE("NaN and inf at the K-th place", "[compare]") {
  // K-th score NaN: NaN keys are interchangeable with each other only.
  IndexerConfig c = scoreListConfig(8, 0, 0, 3);
  Problem p;
  p.config = c;
  p.inputs = scoreListInputs(c, {kNaN, 7, kNaN, 6, -kInf, kNaN, -kInf, kNaN});
  p.reference = computeReference(c, p.inputs);
  // Numbers are 7, 6, -inf, -inf: heavy 3 takes 1, 3, 4 (tie at -inf ->
  // lower position).
  REQUIRE(listRow(p.reference, c) == std::vector<int64_t>{1, 3, 4});
  HostOutputs swapped = p.copyOfReference();
  setRow(swapped, c, {1, 3, 6});
  CHECK(p.compare(swapped).ok); // equal -inf scores: a tie
  HostOutputs nan = p.copyOfReference();
  setRow(nan, c, {1, 3, 5});
  requireMismatch(p.compare(nan), {"heavy position 5", "reference score nan"});

  p.config.heavy = 5; // one NaN comes in: the lowest position, 0
  p.reference = computeReference(p.config, p.inputs);
  REQUIRE(listRow(p.reference, p.config) ==
          std::vector<int64_t>{0, 1, 3, 4, 6});
  HostOutputs otherNaN = p.copyOfReference();
  setRow(otherNaN, p.config, {1, 3, 4, 6, 7});
  CHECK(p.compare(otherNaN).ok); // NaN for NaN
}

TEST_CASE("random problems with many ties compare equal to themselves and "
          "catch corrupted rows",
          "[compare]") {
  IndexerConfig c = findCase("exact-gqa-32k").config;
  c.B = 2;
  c.Sk = 3000;
  c.heavy = 200;
  Problem p;
  p.config = c;
  p.inputs = generateInputs(c, {.seed = 4, .tieFraction = 0.3});
  p.reference = computeReference(c, p.inputs);
  CHECK(p.compare(p.copyOfReference()).ok);
  // Replace one heavy key of row (1, 17) by the worst candidate.
  HostOutputs bad = p.copyOfReference();
  RowScores row = referenceScores(c, p.inputs.args(), 1, 17);
  int64_t worst = c.candidateBegin();
  for (int64_t t = c.candidateBegin(); t < c.candidateEnd(); ++t)
    if (ranksAbove(row.values[worst], worst, row.values[t], t))
      worst = t;
  int64_t *list = bad.sparseList.data<int64_t>() + (1 * c.H + 17) * c.Lmax();
  float *weights = bad.weights.data<float>() + (1 * c.H + 17) * c.Sk;
  // Drop the first heavy entry (index sink) and insert `worst` in order.
  std::vector<int64_t> entries(list, list + c.L());
  weights[entries[c.sink]] = 0;
  entries.erase(entries.begin() + c.sink);
  entries.insert(std::lower_bound(entries.begin(), entries.end(), worst),
                 worst);
  weights[worst] = 1;
  std::copy(entries.begin(), entries.end(), list);
  requireMismatch(
      p.compare(bad),
      {"row (b=1, h=17)", ("heavy position " + std::to_string(worst)).c_str()});
}
