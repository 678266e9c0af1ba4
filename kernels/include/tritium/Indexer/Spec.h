//===- Spec.h - Configuration of the sparse-attention indexer ---*- C++ -*-===//
//
// The indexer of ../shared/spec/indexer.md picks, per (batch, query head),
// the keys a decode step attends: `sink` leading keys, `window` trailing keys
// and the `heavy` best-scoring keys between them. This header holds what is
// fixed once per Indexer: the score function, the sizes, the dtypes and
// layouts, the quantities derived from them, the validation of all of it, the
// description of tensors bound at each call (TensorArg) and their checks, and
// the benchmark cases of the spec with their memory-traffic floors.
//
// Nothing here depends on CUDA, LLVM or MLIR; the CPU reference, the tests,
// the CLI and the GPU Indexer all share it. docs/indexer.md describes every
// choice made where the spec is silent.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_INDEXER_SPEC_H
#define TRITIUM_INDEXER_SPEC_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace tritium::indexer {

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

/// Element types of the indexer's tensors. BF16 and F16 are carried as their
/// raw 16-bit patterns (uint16_t) on the host.
enum class DType { F32, F16, BF16, I64, I32, U8 };

/// Bytes per element.
std::size_t dtypeSize(DType dtype);
/// "f32", "f16", "bf16", "i64", "i32", "u8".
std::string_view dtypeName(DType dtype);
/// Inverse of dtypeName; throws tritium::Error(InvalidArgument) naming the
/// accepted names.
DType parseDType(std::string_view name);

//===----------------------------------------------------------------------===//
// Configuration
//===----------------------------------------------------------------------===//

enum class ScoreKind {
  /// Product-quantised scores (PQCache): q, centroids, codebook.
  PQ,
  /// Exact dot products (OracleTopK): q, keys.
  Exact,
};
std::string_view scoreKindName(ScoreKind kind); // "pq", "exact"

/// How the PQ codebook is laid out in memory (the dims listed outer to
/// inner, row-major, contiguous; j = 0 .. Nq-1 is the quantised key index,
/// its position is init_offset + j).
enum class CodebookLayout {
  /// [B, Nq, Hkv, M]: PQCache's own layout and the default. One key's codes
  /// for every kv head and sub-vector are contiguous.
  KeyMajor,
  /// [B, Hkv, M, Nq]: key index innermost ("key-minor"), so one (b, kv head,
  /// sub-vector) row of codes is contiguous; the compact option, usually
  /// with uint8 (bits <= 8) or int32 codes.
  KeyMinor,
};
std::string_view codebookLayoutName(CodebookLayout layout); // "key-major"...

/// Shape of the weights output.
enum class WeightLayout {
  /// weight_list [B, H, Sk]: 1 at attended positions, 0 elsewhere (default).
  Dense,
  /// weight_list [B, H, L_max]: 1 in the first L entries of each row, 0 in
  /// the padding after them.
  Sparse,
};

/// Parameters of the `pq` score function (ignored for `exact`).
struct PQParams {
  int64_t M = 2;    ///< sub-vectors per head (pq_group_factor); D % M == 0
  int64_t bits = 6; ///< C = 2^bits centroids per sub-vector; 1..16
  int64_t initOffset = 0; ///< leading positions that are not quantised
  DType codebookDType = DType::I64; ///< I64 (default), I32 or U8 (bits <= 8)
  CodebookLayout codebookLayout = CodebookLayout::KeyMajor;
};

/// Everything fixed once per Indexer. Sizes are int64 so that a negative
/// value reaches validate() and is reported instead of wrapping around.
struct IndexerConfig {
  ScoreKind score = ScoreKind::PQ;
  int64_t B = 1;   ///< batch
  int64_t H = 1;   ///< query heads (one query vector each: decode, sq = 1)
  int64_t Hkv = 1; ///< kv heads; H % Hkv == 0; head h reads kv head h / G
  int64_t D = 1;   ///< head dimension
  int64_t Sk = 1;  ///< keys in the cache, positions 0 .. Sk-1
  int64_t sink = 0;
  int64_t window = 0;
  int64_t heavy = 0;
  PQParams pq;

  DType qDType = DType::F32;     ///< F32, BF16 or F16
  DType keysDType = DType::BF16; ///< exact only: BF16, F16 or F32
  /// exact only: s = scale * dot(q, k). Must be finite; must stay 1 for pq,
  /// whose scores are unscaled (a value there would be silently ignored).
  float scale = 1.0f;
  DType weightDType = DType::F32; ///< F32, BF16 or F16
  WeightLayout weightLayout = WeightLayout::Dense;
  /// pq only: scan the codebook for codes outside [0, C) and reject the call
  /// (costs a pass over the codebook). Without it such codes give
  /// unspecified scores (the reference uses code & (C-1)).
  bool checkCodes = false;

  //--- Derived quantities (meaningful once validate() has passed) ----------

  int64_t G() const { return H / Hkv; }   ///< query heads per kv head
  int64_t C() const;                      ///< 2^bits (pq)
  int64_t Dm() const { return D / pq.M; } ///< dims per sub-vector (pq)
  int64_t Nq() const;                     ///< Sk - init_offset (pq), else 0
  int64_t kvHeadOf(int64_t h) const { return h / G(); }

  /// First position that can be a heavy candidate: `sink` for exact,
  /// max(sink, init_offset) for pq (positions before init_offset have no
  /// score). Candidates are [candidateBegin, candidateEnd).
  int64_t candidateBegin() const;
  /// Sk - window (clamped to >= 0).
  int64_t candidateEnd() const;
  /// Number of heavy candidates (0 if the range is empty).
  int64_t candidates() const;
  /// Whether every position is attended: Sk <= sink + heavy + window, or
  /// for pq also Sk <= heavy + init_offset + 1 + C (PQCache's threshold).
  bool fullAttention() const;
  /// K = min(heavy, candidates()); 0 under the full-attention fallback.
  int64_t K() const;
  /// Width of sparse_list (and of sparse weights): min(Sk, sink + heavy +
  /// window); Sk when the fallback applies (the pq threshold can trigger it
  /// with Sk > sink + heavy + window, and all Sk positions must fit).
  int64_t Lmax() const;
  /// sparse_len of every row (the same for all rows): Sk under the fallback,
  /// else sink + K + window. Entries [L, Lmax) of a row are padding.
  int64_t L() const;

  /// Throws tritium::Error(InvalidArgument) naming the offending field for
  /// every bad value: sizes not positive (B, H, Hkv, D, Sk, M, bits) or
  /// negative (sink, window, heavy, init_offset), sizes above 2^31-1,
  /// H % Hkv != 0, D % M != 0, init_offset > Sk, bits outside 1..16 or above
  /// 8 with uint8 codes, unsupported dtypes for q / keys / codebook /
  /// weights, a non-finite scale, a scale other than 1 for pq, tensors over
  /// 2^48 elements.
  void validate() const;

  /// One line: "pq B=1 H=32 Hkv=32 D=128 Sk=32000 sink=128 ...".
  std::string describe() const;
};

//===----------------------------------------------------------------------===//
// Tensors bound at each call
//===----------------------------------------------------------------------===//

/// A tensor as the caller holds it (host or device memory; nothing here
/// dereferences `data`). Shape and strides are in elements, PyTorch style;
/// at most kMaxRank dims, so that describing a call allocates nothing.
struct TensorArg {
  static constexpr int kMaxRank = 6;

  void *data = nullptr;
  DType dtype = DType::F32;
  int rank = 0;
  std::array<int64_t, kMaxRank> shape{};
  std::array<int64_t, kMaxRank> strides{};

  /// A contiguous (row-major) tensor.
  static TensorArg contiguous(void *data, DType dtype,
                              std::initializer_list<int64_t> shape);
  static TensorArg contiguous(void *data, DType dtype,
                              const std::vector<int64_t> &shape);
  /// Explicit strides (elements), e.g. from torch.Tensor.stride().
  static TensorArg strided(void *data, DType dtype,
                           const std::vector<int64_t> &shape,
                           const std::vector<int64_t> &strides);

  int64_t numel() const;
  std::size_t nbytes() const { return numel() * dtypeSize(dtype); }
  bool isContiguous() const;
  std::vector<int64_t> shapeVector() const;
};

/// Inputs of one call. pq reads q, centroids and codebook; exact reads q and
/// keys; the tensors a score kind does not read are ignored (may be empty).
struct IndexerInputs {
  TensorArg q;         ///< [B, H, D] (or [B, H, 1, D]), qDType
  TensorArg centroids; ///< pq: [B, Hkv, M, C, Dm] f32
  TensorArg codebook;  ///< pq: see CodebookLayout, pq.codebookDType
  TensorArg keys;      ///< exact: [B, Hkv, Sk, D], keysDType
};

/// Outputs of one call; every element is written on every call.
struct IndexerOutputs {
  TensorArg sparseList; ///< [B, H, Lmax] i64
  TensorArg sparseLen;  ///< [B, H] i64
  TensorArg weights;    ///< [B, H, Sk] (dense) or [B, H, Lmax] (sparse)
};

/// The tensors of one call, in a fixed order; names are the spec's.
enum class TensorRole {
  Q,
  Centroids,
  Codebook,
  Keys,
  SparseList,
  SparseLen,
  Weights
};
/// "q", "centroids", "codebook", "keys", "sparse_list", "sparse_len",
/// "weight_list".
std::string_view tensorRoleName(TensorRole role);

/// What a configuration expects of one tensor.
struct TensorSpec {
  TensorRole role;
  std::string_view name;
  DType dtype;
  std::vector<int64_t> shape;
  bool isOutput;
  int64_t numel() const;
  int64_t nbytes() const { return numel() * dtypeSize(dtype); }
};

/// The tensors this configuration reads and writes (inputs first, in
/// TensorRole order; unused roles left out). q's shape is [B, H, D].
std::vector<TensorSpec> tensorSpecs(const IndexerConfig &config);

/// Checks every bound tensor the configuration uses, before anything runs:
/// non-null data, the configured dtype, the expected shape, contiguous
/// strides, 16-byte aligned data, and no output overlapping another tensor.
/// Throws tritium::Error(InvalidArgument) whose message names the argument
/// ("sparse_list: expected shape [1, 32, 384], got [1, 32, 383]"). Calls
/// config.validate() first.
void validateBindings(const IndexerConfig &config, const IndexerInputs &inputs,
                      const IndexerOutputs &outputs);

//===----------------------------------------------------------------------===//
// Memory-traffic floor and benchmark cases
//===----------------------------------------------------------------------===//

/// Copy bandwidth (bytes read + written per second, in TB/s) that
/// ../shared/spec/performance.md measured on its H100 80GB HBM3: 2.94-2.96.
/// Always pass the bandwidth measured in the same run when reporting.
inline constexpr double kSpecCopyBandwidthTBps = 2.95;

/// Fewest bytes a call must move: each input the configuration reads, read
/// once, and each output written once (sparse_list, sparse_len, weights).
int64_t minimumBytes(const IndexerConfig &config);
/// Only the bytes of the dominant input: the codebook (pq) or the keys
/// (exact). performance.md's exact-case floors count only these.
int64_t dominantInputBytes(const IndexerConfig &config);
/// minimumBytes / bandwidth, in microseconds.
double floorMicroseconds(const IndexerConfig &config,
                         double bandwidthTBps = kSpecCopyBandwidthTBps);

/// One row of the spec's benchmark table.
struct BenchmarkCase {
  std::string_view name;
  IndexerConfig config;
  /// The floor printed in the spec (µs), for reference only: see
  /// docs/indexer.md for how it was counted.
  double specFloorUs;
};

/// Every case of the spec, in the spec's order: seed-pq-32k, pq-128k,
/// pq-b8-32k, exact-gqa-32k, exact-gqa-128k, exact-gqa-b8-32k.
const std::vector<BenchmarkCase> &benchmarkCases();
/// The case of that name; throws tritium::Error(InvalidArgument) listing the
/// known names otherwise.
const BenchmarkCase &findCase(std::string_view name);

} // namespace tritium::indexer

#endif // TRITIUM_INDEXER_SPEC_H
