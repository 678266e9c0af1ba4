//===- Helpers.h - Small hand-made indexer problems for the tests ---------===//
//
// With D = 1, q = 1 and f32 keys, an exact-score problem's scores are the
// key values themselves, so every rule can be tested on scores written out
// by hand. A pq problem with D = M = 2, bits = 1 (C = 2) and q = [1, 1] has
// score(codes c0, c1) = centroid[0][c0] + centroid[1][c1].
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_TESTS_INDEXER_HELPERS_H
#define TRITIUM_TESTS_INDEXER_HELPERS_H

#include "tritium/Indexer/Reference.h"
#include "tritium/Runtime/Error.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <limits>
#include <vector>

namespace tritium::indexer::test {

inline const float kNaN = std::numeric_limits<float>::quiet_NaN();
inline const float kInf = std::numeric_limits<float>::infinity();

/// exact, B = 1, H = Hkv = 1, D = 1, f32 q and keys, scale 1.
inline IndexerConfig scoreListConfig(int64_t Sk, int64_t sink, int64_t window,
                                     int64_t heavy) {
  IndexerConfig c;
  c.score = ScoreKind::Exact;
  c.B = 1;
  c.H = 1;
  c.Hkv = 1;
  c.D = 1;
  c.Sk = Sk;
  c.sink = sink;
  c.window = window;
  c.heavy = heavy;
  c.qDType = DType::F32;
  c.keysDType = DType::F32;
  return c;
}

/// Inputs whose scores are `scores` (one per position), for
/// scoreListConfig-like configs with H = Hkv = 1 and D = 1.
inline HostInputs scoreListInputs(const IndexerConfig &c,
                                  const std::vector<float> &scores) {
  REQUIRE(static_cast<int64_t>(scores.size()) == c.Sk);
  HostInputs in;
  in.q = HostTensor(DType::F32, {1, 1, 1});
  in.q.data<float>()[0] = 1.0f;
  in.keys = HostTensor(DType::F32, {1, 1, c.Sk, 1});
  std::memcpy(in.keys.data<float>(), scores.data(), scores.size() * 4);
  return in;
}

inline std::vector<int64_t> listRow(const HostOutputs &out,
                                    const IndexerConfig &c, int64_t b = 0,
                                    int64_t h = 0) {
  const int64_t *row =
      out.sparseList.data<int64_t>() + (b * c.H + h) * c.Lmax();
  return std::vector<int64_t>(row, row + c.Lmax());
}

inline int64_t lenOf(const HostOutputs &out, const IndexerConfig &c,
                     int64_t b = 0, int64_t h = 0) {
  return out.sparseLen.data<int64_t>()[b * c.H + h];
}

/// Dense f32 weights of one row.
inline std::vector<float> weightRow(const HostOutputs &out,
                                    const IndexerConfig &c, int64_t b = 0,
                                    int64_t h = 0) {
  const int64_t width = c.weightLayout == WeightLayout::Dense ? c.Sk : c.Lmax();
  const float *row = out.weights.data<float>() + (b * c.H + h) * width;
  return std::vector<float>(row, row + width);
}

/// The indices of ones in a dense weight row.
inline std::vector<int64_t> onesOf(const std::vector<float> &weights) {
  std::vector<int64_t> ones;
  for (std::size_t t = 0; t < weights.size(); ++t) {
    REQUIRE((weights[t] == 0.0f || weights[t] == 1.0f));
    if (weights[t] == 1.0f)
      ones.push_back(static_cast<int64_t>(t));
  }
  return ones;
}

/// Runs f, expects a tritium::Error of kind InvalidArgument whose message
/// contains every one of `fragments`.
template <typename F>
void requireInvalid(F &&f, std::initializer_list<const char *> fragments) {
  try {
    f();
    FAIL("no tritium::Error thrown; expected one mentioning "
         << *fragments.begin());
  } catch (const Error &error) {
    INFO("message: " << error.what());
    CHECK(error.kind() == Error::Kind::InvalidArgument);
    for (const char *fragment : fragments)
      CHECK(std::string(error.what()).find(fragment) != std::string::npos);
  }
}

} // namespace tritium::indexer::test

#endif // TRITIUM_TESTS_INDEXER_HELPERS_H
