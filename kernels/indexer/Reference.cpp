//===- Reference.cpp - CPU reference of the indexer and its checker -------===//
//
// Built with -ffp-contract=off (see CMakeLists.txt): every product is rounded
// to float before it is added, on every host, whatever -march says, so the
// reference is the same bits everywhere.
//
//===----------------------------------------------------------------------===//

#include "tritium/Indexer/Reference.h"

#include "tritium/Runtime/Error.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

namespace tritium::indexer {

namespace {

[[noreturn]] void invalid(const std::string &message) {
  throw Error(Error::Kind::InvalidArgument, "indexer: " + message);
}

std::string formatScore(double value) {
  char text[40];
  std::snprintf(text, sizeof(text), "%.9g", value);
  return text;
}

std::string hexBits(uint32_t bits) {
  char text[16];
  std::snprintf(text, sizeof(text), "0x%X", bits);
  return text;
}

std::string rowName(int64_t b, int64_t h) {
  return "(b=" + std::to_string(b) + ", h=" + std::to_string(h) + ")";
}

//===----------------------------------------------------------------------===//
// Codes
//===----------------------------------------------------------------------===//

/// Flat index of code (b, j, kvh, m) in the configured layout.
int64_t codeIndex(const IndexerConfig &c, int64_t b, int64_t j, int64_t kvh,
                  int64_t m) {
  if (c.pq.codebookLayout == CodebookLayout::KeyMajor)
    return ((b * c.Nq() + j) * c.Hkv + kvh) * c.pq.M + m;
  return ((b * c.Hkv + kvh) * c.pq.M + m) * c.Nq() + j;
}

/// The table index of a code: the code where it is in [0, C). Unchecked
/// codes outside it (unspecified by the spec; docs/indexer.md) keep their low
/// `bits` bits, int64 codes after xor-ing their high 32-bit word into the
/// low one (what the GPU kernel computes: it keeps both words of its code
/// loads live).
int64_t pqTableIndex(int64_t code, DType dtype, int64_t C) {
  if (dtype == DType::I64) {
    uint64_t bits = static_cast<uint64_t>(code);
    code = static_cast<int64_t>((bits ^ (bits >> 32)) & 0xffffffffu);
  }
  return code & (C - 1);
}

int64_t loadCode(const void *data, DType dtype, int64_t index) {
  switch (dtype) {
  case DType::I64:
    return static_cast<const int64_t *>(data)[index];
  case DType::I32:
    return static_cast<const int32_t *>(data)[index];
  case DType::U8:
    return static_cast<const uint8_t *>(data)[index];
  default:
    throw Error(Error::Kind::Internal, "indexer: codes of a float dtype");
  }
}

/// With checkCodes, the first code outside [0, C) is reported by its
/// coordinates; nothing has been written yet.
void checkCodes(const IndexerConfig &c, const IndexerInputs &inputs) {
  const int64_t C = c.C();
  const int64_t count = inputs.codebook.numel();
  for (int64_t i = 0; i < count; ++i) {
    int64_t code = loadCode(inputs.codebook.data, c.pq.codebookDType, i);
    if (code >= 0 && code < C)
      continue;
    // Decompose the flat index into the layout's coordinates.
    std::string where;
    int64_t rest = i;
    const TensorArg &arg = inputs.codebook;
    for (int d = arg.rank - 1; d >= 0; --d) {
      where = std::to_string(rest % arg.shape[d]) +
              (where.empty() ? "" : ", ") + where;
      rest /= arg.shape[d];
    }
    invalid("codebook: code " + std::to_string(code) + " at [" + where +
            "] is outside [0, " + std::to_string(C) + ") (" +
            std::string(codebookLayoutName(c.pq.codebookLayout)) + " layout)");
  }
}

//===----------------------------------------------------------------------===//
// Scores
//===----------------------------------------------------------------------===//

/// Scores of quantised keys j in [jBegin, jEnd) for query head h, written to
/// out[0 .. jEnd-jBegin).
void pqScores(const IndexerConfig &c, const IndexerInputs &inputs, int64_t b,
              int64_t h, int64_t jBegin, int64_t jEnd, float *out) {
  const int64_t M = c.pq.M, C = c.C(), Dm = c.Dm(), kvh = c.kvHeadOf(h);
  // The asymmetric-distance table: table[m][code] = q_m . centroid[m][code].
  std::vector<float> qRow(c.D);
  for (int64_t d = 0; d < c.D; ++d)
    qRow[d] = loadAsFloat(inputs.q.data, c.qDType, (b * c.H + h) * c.D + d);
  const float *centroids = static_cast<const float *>(inputs.centroids.data) +
                           (b * c.Hkv + kvh) * M * C * Dm;
  std::vector<float> table(M * C);
  for (int64_t m = 0; m < M; ++m)
    for (int64_t code = 0; code < C; ++code) {
      const float *centroid = centroids + (m * C + code) * Dm;
      float sum = 0.0f;
      for (int64_t d = 0; d < Dm; ++d)
        sum += qRow[m * Dm + d] * centroid[d];
      table[m * C + code] = sum;
    }
  for (int64_t j = jBegin; j < jEnd; ++j) {
    float sum = 0.0f;
    for (int64_t m = 0; m < M; ++m) {
      int64_t code = loadCode(inputs.codebook.data, c.pq.codebookDType,
                              codeIndex(c, b, j, kvh, m));
      sum += table[m * C + pqTableIndex(code, c.pq.codebookDType, C)];
    }
    out[j - jBegin] = sum;
  }
}

/// Scores of positions [begin, end) for the G query heads of kv head `kvh`,
/// written to out[g * (end - begin) + i]. Each kv head's keys are read once
/// for all its query heads, as the spec asks of the kernels; blocks of keys
/// are converted to float and transposed so that independent per-key sums
/// run side by side (each still summed in order d = 0 .. D-1).
void exactScores(const IndexerConfig &c, const IndexerInputs &inputs, int64_t b,
                 int64_t kvh, int64_t begin, int64_t end, float *out) {
  const int64_t D = c.D, G = c.G(), count = end - begin;
  std::vector<float> q(G * D);
  for (int64_t g = 0; g < G; ++g)
    for (int64_t d = 0; d < D; ++d)
      q[g * D + d] =
          loadAsFloat(inputs.q.data, c.qDType, (b * c.H + kvh * G + g) * D + d);

  constexpr int64_t kBlock = 16;
  std::vector<float> block(D * kBlock);
  const int64_t keyBase = (b * c.Hkv + kvh) * c.Sk * D;
  const void *keys = inputs.keys.data;
  for (int64_t t0 = begin; t0 < end; t0 += kBlock) {
    const int64_t n = std::min(kBlock, end - t0);
    for (int64_t k = 0; k < kBlock; ++k) {
      const int64_t row = keyBase + (t0 + std::min(k, n - 1)) * D;
      switch (c.keysDType) {
      case DType::BF16: {
        const uint16_t *src = static_cast<const uint16_t *>(keys) + row;
        for (int64_t d = 0; d < D; ++d)
          block[d * kBlock + k] = bf16ToFloat(src[d]);
        break;
      }
      case DType::F16: {
        const uint16_t *src = static_cast<const uint16_t *>(keys) + row;
        for (int64_t d = 0; d < D; ++d)
          block[d * kBlock + k] = f16ToFloat(src[d]);
        break;
      }
      default: {
        const float *src = static_cast<const float *>(keys) + row;
        for (int64_t d = 0; d < D; ++d)
          block[d * kBlock + k] = src[d];
        break;
      }
      }
    }
    for (int64_t g = 0; g < G; ++g) {
      float sums[kBlock] = {};
      const float *qg = q.data() + g * D;
      for (int64_t d = 0; d < D; ++d) {
        const float qd = qg[d];
        const float *column = block.data() + d * kBlock;
        for (int64_t k = 0; k < kBlock; ++k)
          sums[k] += qd * column[k];
      }
      for (int64_t k = 0; k < n; ++k)
        out[g * count + (t0 - begin) + k] = c.scale * sums[k];
    }
  }
}

//===----------------------------------------------------------------------===//
// Selection and output rows
//===----------------------------------------------------------------------===//

/// Positions of the K best of `scores` (score i at position begin + i),
/// ascending.
void selectHeavy(const float *scores, int64_t count, int64_t begin, int64_t K,
                 std::vector<uint64_t> &scratch, std::vector<int64_t> &heavy) {
  heavy.clear();
  if (K <= 0)
    return;
  scratch.resize(count);
  for (int64_t i = 0; i < count; ++i)
    scratch[i] = (static_cast<uint64_t>(orderedScoreKey(scores[i])) << 32) |
                 (0xFFFFFFFFull - static_cast<uint64_t>(i));
  if (K < count)
    std::nth_element(scratch.begin(), scratch.begin() + (K - 1), scratch.end(),
                     std::greater<>());
  for (int64_t i = 0; i < K; ++i)
    heavy.push_back(begin + static_cast<int64_t>(0xFFFFFFFFull -
                                                 (scratch[i] & 0xFFFFFFFFull)));
  std::sort(heavy.begin(), heavy.end());
}

/// The bit pattern of 1 in the weight dtype (0 is all-zero bits in all).
uint32_t oneBits(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return 0x3F800000u;
  case DType::BF16:
    return 0x3F80u;
  default:
    return 0x3C00u; // F16
  }
}

void storeWeight(void *data, DType dtype, int64_t index, bool one) {
  uint32_t bits = one ? oneBits(dtype) : 0;
  if (dtype == DType::F32)
    static_cast<uint32_t *>(data)[index] = bits;
  else
    static_cast<uint16_t *>(data)[index] = static_cast<uint16_t>(bits);
}

uint32_t loadWeightBits(const void *data, DType dtype, int64_t index) {
  if (dtype == DType::F32)
    return static_cast<const uint32_t *>(data)[index];
  return static_cast<const uint16_t *>(data)[index];
}

/// Writes one row of every output from its attended positions (ascending).
void writeRow(const IndexerConfig &c, const IndexerOutputs &outputs, int64_t b,
              int64_t h, const std::vector<int64_t> &attended) {
  const int64_t row = b * c.H + h, Lmax = c.Lmax();
  const int64_t L = static_cast<int64_t>(attended.size());
  int64_t *list = static_cast<int64_t *>(outputs.sparseList.data) + row * Lmax;
  std::copy(attended.begin(), attended.end(), list);
  std::fill(list + L, list + Lmax, kSparseListPadding);
  static_cast<int64_t *>(outputs.sparseLen.data)[row] = L;
  if (c.weightLayout == WeightLayout::Dense) {
    const int64_t base = row * c.Sk;
    for (int64_t t = 0; t < c.Sk; ++t)
      storeWeight(outputs.weights.data, c.weightDType, base + t, false);
    for (int64_t position : attended)
      storeWeight(outputs.weights.data, c.weightDType, base + position, true);
  } else {
    const int64_t base = row * Lmax;
    for (int64_t i = 0; i < Lmax; ++i)
      storeWeight(outputs.weights.data, c.weightDType, base + i, i < L);
  }
}

/// sink ∪ heavy ∪ window, ascending (heavy lies strictly between the two).
void attendedPositions(const IndexerConfig &c,
                       const std::vector<int64_t> &heavy,
                       std::vector<int64_t> &attended) {
  attended.clear();
  if (c.fullAttention()) {
    for (int64_t t = 0; t < c.Sk; ++t)
      attended.push_back(t);
    return;
  }
  for (int64_t t = 0; t < c.sink; ++t)
    attended.push_back(t);
  attended.insert(attended.end(), heavy.begin(), heavy.end());
  for (int64_t t = c.Sk - c.window; t < c.Sk; ++t)
    attended.push_back(t);
}

bool withinTolerance(float score, float kth, double tolerance) {
  if (std::isnan(score) || std::isnan(kth))
    return std::isnan(score) && std::isnan(kth);
  if (score == kth)
    return true;
  return std::fabs(static_cast<double>(score) - kth) <= tolerance;
}

} // namespace

//===----------------------------------------------------------------------===//
// Public entry points
//===----------------------------------------------------------------------===//

uint32_t orderedScoreKey(float score) {
  if (std::isnan(score))
    return 0;
  if (score == 0.0f)
    score = 0.0f; // -0 ranks as +0
  uint32_t bits = std::bit_cast<uint32_t>(score);
  // Negative floats order reversed by their bits; flipping them all and
  // setting the sign bit of positives gives one increasing unsigned order.
  // -inf maps to 0x007FFFFF > 0, so NaN's 0 stays below every number.
  return (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
}

bool ranksAbove(float a, int64_t posA, float b, int64_t posB) {
  uint32_t keyA = orderedScoreKey(a), keyB = orderedScoreKey(b);
  if (keyA != keyB)
    return keyA > keyB;
  return posA < posB;
}

RowScores referenceScores(const IndexerConfig &c, const IndexerInputs &inputs,
                          int64_t b, int64_t h) {
  c.validate();
  if (b < 0 || b >= c.B || h < 0 || h >= c.H)
    invalid("referenceScores: row " + rowName(b, h) + " is outside B=" +
            std::to_string(c.B) + ", H=" + std::to_string(c.H));
  RowScores row;
  if (c.score == ScoreKind::PQ) {
    row.first = c.pq.initOffset;
    row.values.resize(c.Nq());
    pqScores(c, inputs, b, h, 0, c.Nq(), row.values.data());
  } else {
    const int64_t G = c.G(), g = h % G;
    std::vector<float> all(G * c.Sk);
    exactScores(c, inputs, b, c.kvHeadOf(h), 0, c.Sk, all.data());
    row.first = 0;
    row.values.assign(all.begin() + g * c.Sk, all.begin() + (g + 1) * c.Sk);
  }
  return row;
}

void computeReference(const IndexerConfig &c, const IndexerInputs &inputs,
                      const IndexerOutputs &outputs) {
  validateBindings(c, inputs, outputs);
  if (c.score == ScoreKind::PQ && c.checkCodes)
    checkCodes(c, inputs);

  const bool full = c.fullAttention();
  const int64_t begin = c.candidateBegin(), K = c.K();
  const int64_t count = full ? 0 : c.candidates();
  const int64_t G = c.G();
  std::vector<float> scores;
  std::vector<uint64_t> scratch;
  std::vector<int64_t> heavy, attended;
  for (int64_t b = 0; b < c.B; ++b) {
    for (int64_t kvh = 0; kvh < c.Hkv; ++kvh) {
      // Scores only matter when some heavy key is to be chosen.
      const bool scored = !full && K > 0;
      if (scored && c.score == ScoreKind::Exact) {
        scores.resize(G * count);
        exactScores(c, inputs, b, kvh, begin, begin + count, scores.data());
      }
      for (int64_t g = 0; g < G; ++g) {
        const int64_t h = kvh * G + g;
        const float *rowScores = nullptr;
        if (scored && c.score == ScoreKind::PQ) {
          scores.resize(count);
          const int64_t jBegin = begin - c.pq.initOffset;
          pqScores(c, inputs, b, h, jBegin, jBegin + count, scores.data());
          rowScores = scores.data();
        } else if (scored) {
          rowScores = scores.data() + g * count;
        }
        heavy.clear();
        if (scored)
          selectHeavy(rowScores, count, begin, K, scratch, heavy);
        attendedPositions(c, heavy, attended);
        writeRow(c, outputs, b, h, attended);
      }
    }
  }
}

HostOutputs computeReference(const IndexerConfig &config,
                             const HostInputs &inputs) {
  HostOutputs outputs = HostOutputs::allocate(config);
  computeReference(config, inputs.args(), outputs.args());
  return outputs;
}

//===----------------------------------------------------------------------===//
// Comparison
//===----------------------------------------------------------------------===//

namespace {

/// Compares one row's heavy sets, which differ; returns the mismatch text
/// or "" when every difference is a near-tie at the K-th score.
std::string compareHeavySets(const IndexerConfig &c,
                             const IndexerInputs &inputs, int64_t b, int64_t h,
                             const std::vector<int64_t> &refHeavy,
                             const std::vector<int64_t> &candHeavy,
                             const CompareOptions &options, int64_t &swapped) {
  RowScores row = referenceScores(c, inputs, b, h);
  auto scoreAt = [&](int64_t position) {
    return row.values[position - row.first];
  };
  // The K-th score: the lowest-ranked member of the reference's heavy set.
  int64_t kthPosition = refHeavy.front();
  for (int64_t position : refHeavy)
    if (ranksAbove(scoreAt(kthPosition), kthPosition, scoreAt(position),
                   position))
      kthPosition = position;
  const float kth = scoreAt(kthPosition);
  double rowScale = 0;
  for (int64_t t = c.candidateBegin(); t < c.candidateEnd(); ++t) {
    float s = scoreAt(t);
    if (std::isfinite(s))
      rowScale = std::max(rowScale, std::fabs(static_cast<double>(s)));
  }
  const double tolerance =
      options.absTolerance + options.relTolerance * rowScale;

  std::vector<int64_t> onlyCand, onlyRef;
  std::set_difference(candHeavy.begin(), candHeavy.end(), refHeavy.begin(),
                      refHeavy.end(), std::back_inserter(onlyCand));
  std::set_difference(refHeavy.begin(), refHeavy.end(), candHeavy.begin(),
                      candHeavy.end(), std::back_inserter(onlyRef));
  auto describe = [&](int64_t position, const char *where) {
    return "row " + rowName(b, h) + ": heavy position " +
           std::to_string(position) + " (reference score " +
           formatScore(scoreAt(position)) + ") is " + where +
           ", and its score is not within " + formatScore(tolerance) +
           " of the K-th score " + formatScore(kth) + " (position " +
           std::to_string(kthPosition) +
           ", K = " + std::to_string(refHeavy.size()) + ")";
  };
  for (int64_t position : onlyCand)
    if (!withinTolerance(scoreAt(position), kth, tolerance))
      return describe(position,
                      "in the candidate's set but not in the reference's");
  for (int64_t position : onlyRef)
    if (!withinTolerance(scoreAt(position), kth, tolerance))
      return describe(position,
                      "in the reference's set but not in the candidate's");
  swapped += static_cast<int64_t>(onlyCand.size());
  return "";
}

/// Checks one candidate row's list, then splits it into its heavy part;
/// returns the mismatch text or "".
std::string checkCandidateRow(const IndexerConfig &c, const int64_t *list,
                              int64_t L, int64_t b, int64_t h,
                              std::vector<int64_t> &heavy) {
  heavy.clear();
  const std::string entry =
      "sparse_list[b=" + std::to_string(b) + ", h=" + std::to_string(h) + ", ";
  for (int64_t i = L; i < c.Lmax(); ++i)
    if (list[i] != kSparseListPadding)
      return entry + std::to_string(i) + "] = " + std::to_string(list[i]) +
             ": expected the padding value " +
             std::to_string(kSparseListPadding) +
             " after the first L = " + std::to_string(L) + " entries";
  for (int64_t i = 0; i < L; ++i) {
    if (list[i] < 0 || list[i] >= c.Sk)
      return entry + std::to_string(i) + "] = " + std::to_string(list[i]) +
             " is outside [0, Sk = " + std::to_string(c.Sk) + ")";
    if (i > 0 && list[i] <= list[i - 1])
      return entry + std::to_string(i) + "] = " + std::to_string(list[i]) +
             " does not follow " + std::to_string(list[i - 1]) +
             " (rows must be strictly ascending)";
  }
  if (c.fullAttention())
    return ""; // L == Sk ascending distinct in-range entries: all positions
  int64_t sinkCount = 0, windowCount = 0;
  for (int64_t i = 0; i < L; ++i) {
    const int64_t position = list[i];
    if (position < c.sink) {
      ++sinkCount;
    } else if (position >= c.Sk - c.window) {
      ++windowCount;
    } else if (position >= c.candidateBegin() && position < c.candidateEnd()) {
      heavy.push_back(position);
    } else {
      return entry + std::to_string(i) + "] = " + std::to_string(position) +
             " is neither a sink, a window nor a heavy-candidate position "
             "(candidates are [" +
             std::to_string(c.candidateBegin()) + ", " +
             std::to_string(c.candidateEnd()) + "))";
    }
  }
  if (sinkCount != c.sink)
    return "row " + rowName(b, h) + ": " + std::to_string(sinkCount) +
           " sink positions, expected all " + std::to_string(c.sink);
  if (windowCount != c.window)
    return "row " + rowName(b, h) + ": " + std::to_string(windowCount) +
           " window positions, expected all " + std::to_string(c.window);
  return "";
}

} // namespace

CompareResult compareOutputs(const IndexerConfig &c,
                             const IndexerInputs &inputs,
                             const IndexerOutputs &reference,
                             const IndexerOutputs &candidate,
                             const CompareOptions &options) {
  validateBindings(c, inputs, reference);
  validateBindings(c, inputs, candidate);
  CompareResult result;
  auto fail = [&](std::string message) {
    result.ok = false;
    result.firstMismatch = std::move(message);
    return result;
  };
  const int64_t Lmax = c.Lmax();
  const auto *refLen = static_cast<const int64_t *>(reference.sparseLen.data);
  const auto *candLen = static_cast<const int64_t *>(candidate.sparseLen.data);
  std::vector<int64_t> candHeavy, refHeavy;
  for (int64_t b = 0; b < c.B; ++b) {
    for (int64_t h = 0; h < c.H; ++h) {
      const int64_t row = b * c.H + h;
      if (candLen[row] != refLen[row])
        return fail("sparse_len[b=" + std::to_string(b) +
                    ", h=" + std::to_string(h) + "]: expected " +
                    std::to_string(refLen[row]) + ", got " +
                    std::to_string(candLen[row]));
      const int64_t L = refLen[row];
      const int64_t *refList =
          static_cast<const int64_t *>(reference.sparseList.data) + row * Lmax;
      const int64_t *candList =
          static_cast<const int64_t *>(candidate.sparseList.data) + row * Lmax;
      std::string problem = checkCandidateRow(c, candList, L, b, h, candHeavy);
      if (!problem.empty())
        return fail(problem);
      if (!std::equal(refList, refList + L, candList)) {
        // Only the heavy parts can differ now (sink and window are complete
        // in both, and the reference is correct by construction).
        refHeavy.clear();
        for (int64_t i = 0; i < L; ++i)
          if (refList[i] >= c.candidateBegin() && refList[i] < c.candidateEnd())
            refHeavy.push_back(refList[i]);
        problem = compareHeavySets(c, inputs, b, h, refHeavy, candHeavy,
                                   options, result.swappedPositions);
        if (!problem.empty())
          return fail(problem);
        ++result.rowsWithNearTieSwaps;
      }

      // Weights: byte-identical encodings of 1 and +0, placed by the
      // candidate's own list (equal to the reference's when the sets are).
      const DType wt = c.weightDType;
      const uint32_t one = oneBits(wt);
      if (c.weightLayout == WeightLayout::Dense) {
        const int64_t base = row * c.Sk;
        int64_t next = 0; // index into candList of the next attended position
        for (int64_t t = 0; t < c.Sk; ++t) {
          const bool attended = next < L && candList[next] == t;
          if (attended)
            ++next;
          const uint32_t bits =
              loadWeightBits(candidate.weights.data, wt, base + t);
          if (bits != (attended ? one : 0u))
            return fail("weight_list[b=" + std::to_string(b) +
                        ", h=" + std::to_string(h) + ", " + std::to_string(t) +
                        "]: expected " + (attended ? "1" : "0") + " (bits " +
                        hexBits(attended ? one : 0u) + "), got bits " +
                        hexBits(bits) + " (dtype " +
                        std::string(dtypeName(wt)) + ")");
        }
      } else {
        const int64_t base = row * Lmax;
        for (int64_t i = 0; i < Lmax; ++i) {
          const uint32_t bits =
              loadWeightBits(candidate.weights.data, wt, base + i);
          const uint32_t expected =
              loadWeightBits(reference.weights.data, wt, base + i);
          if (bits != expected)
            return fail("weight_list[b=" + std::to_string(b) +
                        ", h=" + std::to_string(h) + ", " + std::to_string(i) +
                        "] (sparse): expected bits " + hexBits(expected) +
                        ", got bits " + hexBits(bits));
        }
      }
    }
  }
  return result;
}

} // namespace tritium::indexer
