//===- Reference.h - CPU reference of the indexer and its checker -*- C++ -*-=//
//
// computeReference is the spec (../shared/spec/indexer.md) in plain C++:
// scores in float32, the heavy set as the K best candidates with ties toward
// the lower position and NaN below every number, the full-attention
// fallback, and every element of every output written. It is exact and
// deterministic: a kernel that computes every score bit-identically must
// match it byte for byte.
//
// A GPU kernel may sum a score in another order and differ in its last bits,
// which can swap keys whose scores are (nearly) tied at the K-th place.
// compareOutputs therefore accepts a candidate whose heavy set differs from
// the reference's only among keys whose reference scores lie within a
// tolerance of the K-th score; lengths, the sink and window parts, the
// padding and the weights must be identical.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_INDEXER_REFERENCE_H
#define TRITIUM_INDEXER_REFERENCE_H

#include "tritium/Indexer/Inputs.h"
#include "tritium/Indexer/Spec.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tritium::indexer {

/// Value of the sparse_list entries after the first L of a row.
inline constexpr int64_t kSparseListPadding = -1;

/// Writes sparse_list, sparse_len and weights for `inputs` (host memory).
/// Calls validateBindings first, so a bad input throws tritium::Error before
/// any output is written; with config.checkCodes, out-of-range codes throw
/// too (naming the first one). Outputs must be host memory.
void computeReference(const IndexerConfig &config, const IndexerInputs &inputs,
                      const IndexerOutputs &outputs);
/// Convenience: allocates the outputs.
HostOutputs computeReference(const IndexerConfig &config,
                             const HostInputs &inputs);

/// Scores of one (b, h) row: values[i] is the score of position first + i,
/// for first = init_offset (pq) or 0 (exact) up to Sk - 1. Summation order:
/// pq: per sub-vector m, sum over d = 0 .. Dm-1 of q*centroid (each product
/// rounded to float, then added), then the M terms added for m = 0 .. M-1;
/// exact: sum over d = 0 .. D-1 of q*key the same way, then times scale.
/// (For bf16 / f16 inputs every product is exact in float, so this equals
/// fused multiply-add accumulation in the same order.)
struct RowScores {
  int64_t first = 0;
  std::vector<float> values;
};
RowScores referenceScores(const IndexerConfig &config,
                          const IndexerInputs &inputs, int64_t b, int64_t h);

/// Rank order of the spec: true if a score `a` at position `posA` ranks above
/// `b` at `posB`. NaN (any payload) below every number; -0 == +0; equal
/// values rank by lower position.
bool ranksAbove(float a, int64_t posA, float b, int64_t posB);
/// The order-preserving 32-bit key of a score: larger key = higher rank
/// (NaN -> 0, -0 -> key of +0). The heavy set is the K largest
/// (key << 32 | (0xFFFFFFFF - position)).
uint32_t orderedScoreKey(float score);

struct CompareOptions {
  /// A key may be swapped in or out of the heavy set when its reference
  /// score s satisfies |s - kth| <= absTolerance + relTolerance * rowScale,
  /// rowScale = the largest finite |score| among the row's candidates.
  double relTolerance = 1e-5;
  double absTolerance = 0.0;
};

struct CompareResult {
  bool ok = true;
  /// Empty when ok; otherwise the first mismatch, precisely: which output,
  /// row (b, h), index or position, expected and found values, and for a
  /// heavy-set difference the scores involved and the tolerance.
  std::string firstMismatch;
  /// Rows accepted although their heavy sets differ (near-ties swapped).
  int64_t rowsWithNearTieSwaps = 0;
  /// Positions swapped in those rows (counted on the candidate's side).
  int64_t swappedPositions = 0;
};

/// Compares a candidate's outputs (host memory) with the reference outputs
/// computed from the same inputs: sparse_len identical; every sparse_list
/// row strictly ascending in its first L entries with the padding value
/// after them; sink and window parts identical; heavy sets equal up to
/// near-ties as described above; weights identical byte for byte (dense:
/// 1 exactly at the candidate's own attended positions too). Scores are
/// recomputed only for rows whose sets differ.
CompareResult compareOutputs(const IndexerConfig &config,
                             const IndexerInputs &inputs,
                             const IndexerOutputs &reference,
                             const IndexerOutputs &candidate,
                             const CompareOptions &options = {});

} // namespace tritium::indexer

#endif // TRITIUM_INDEXER_REFERENCE_H
