//===- Inputs.h - Host tensors and seeded random indexer inputs -*- C++ -*-===//
//
// HostTensor owns a contiguous host buffer with a dtype and a shape.
// generateInputs fills every input a configuration reads from a seed,
// deterministically and independently of the machine: element i of a tensor
// is a pure function of (seed, tensor, i) (a counter-based hash), so tests,
// the CLI and the GPU checks all see the same data for the same seed, and the
// largest benchmark case is generated in well under a second.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_INDEXER_INPUTS_H
#define TRITIUM_INDEXER_INPUTS_H

#include "tritium/Indexer/Spec.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace tritium::indexer {

/// A contiguous, 64-byte aligned host buffer with a dtype and a shape.
/// Move-only (buffers of the large cases are hundreds of MB).
class HostTensor {
public:
  HostTensor() = default;
  /// Allocates numel * dtypeSize bytes, uninitialised.
  HostTensor(DType dtype, std::vector<int64_t> shape);

  HostTensor(HostTensor &&) noexcept = default;
  HostTensor &operator=(HostTensor &&) noexcept = default;
  HostTensor clone() const;

  DType dtype() const { return elementType; }
  const std::vector<int64_t> &shape() const { return dims; }
  int64_t numel() const;
  std::size_t nbytes() const { return byteCount; }
  bool empty() const { return byteCount == 0 && dims.empty(); }

  std::byte *bytes() { return storage.get(); }
  const std::byte *bytes() const { return storage.get(); }
  /// Typed access; T must have the dtype's size (uint16_t for bf16 / f16).
  template <typename T> T *data() { return reinterpret_cast<T *>(bytes()); }
  template <typename T> const T *data() const {
    return reinterpret_cast<const T *>(bytes());
  }

  /// Fills every byte with `value`.
  void fillBytes(unsigned char value);
  /// Describes this buffer for validateBindings / the reference / run().
  TensorArg arg() const;

private:
  struct FreeDeleter {
    void operator()(std::byte *p) const;
  };
  DType elementType = DType::F32;
  std::vector<int64_t> dims;
  std::size_t byteCount = 0;
  std::unique_ptr<std::byte[], FreeDeleter> storage;
};

/// The inputs a configuration reads; the others stay empty.
struct HostInputs {
  HostTensor q, centroids, codebook, keys;
  IndexerInputs args() const;
};

/// The byte outputs are poisoned with: 0xA5A5... is no valid position,
/// length, padding (-1) or weight (0 or 1) in any dtype.
inline constexpr unsigned char kPoisonByte = 0xA5;

/// Buffers for every output of a configuration.
struct HostOutputs {
  HostTensor sparseList, sparseLen, weights;
  /// Allocated with the configuration's shapes and dtypes, poisoned.
  static HostOutputs allocate(const IndexerConfig &config);
  /// Fills every output with kPoisonByte, so that a stale or unwritten
  /// element cannot pass a comparison.
  void poison();
  IndexerOutputs args() const;
};

/// How to generate inputs. Values of q, centroids and keys are approximately
/// standard normal (Irwin-Hall sums of four uniforms, so |x| < 3.47), then
/// rounded to their dtype: f32 element i from hash i of its stream (four
/// 16-bit uniforms, plus a second hash filling the gaps); bf16 / f16
/// elements 2p and 2p+1 from the two halves of hash p (four 8-bit uniforms
/// each). Codes: the top `bits` bits of hash i, uniform in [0, C). The
/// generator is part of the contract: results of earlier runs stay
/// reproducible only while it is unchanged.
struct InputOptions {
  uint64_t seed = 0;
  /// exact: this fraction of keys copies the vector of an earlier key, so
  /// their scores tie exactly (pq has ties by construction: at most C^M
  /// distinct scores per head).
  double tieFraction = 0.0;
  /// Fraction of elements of the keys (exact) or of the centroids (pq) set
  /// to NaN, resp. to +inf or -inf (sign at random): the scores they feed
  /// become NaN or +-inf.
  double nanFraction = 0.0;
  double infFraction = 0.0;
  /// pq: this many codes (at random places) are set to C (out of range), to
  /// exercise checkCodes.
  int64_t outOfRangeCodes = 0;
};

/// Deterministic inputs for `config` (validated first).
HostInputs generateInputs(const IndexerConfig &config,
                          const InputOptions &options = {});

/// The hash behind generateInputs: a uniformly distributed 64-bit value for
/// (seed, stream, index) (SplitMix64 finaliser over a combined counter).
uint64_t counterHash(uint64_t seed, uint64_t stream, uint64_t index);

//===----------------------------------------------------------------------===//
// Float conversions (host side, exact where the format allows)
//===----------------------------------------------------------------------===//

float bf16ToFloat(uint16_t bits);
float f16ToFloat(uint16_t bits);
/// Round to nearest even; NaN stays NaN.
uint16_t floatToBf16(float value);
uint16_t floatToF16(float value);
/// Element i of a float tensor (F32, F16 or BF16) as float.
float loadAsFloat(const void *data, DType dtype, int64_t index);

} // namespace tritium::indexer

#endif // TRITIUM_INDEXER_INPUTS_H
