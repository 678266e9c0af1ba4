//===- Inputs.cpp - Host tensors, float conversions, seeded inputs --------===//

#include "tritium/Indexer/Inputs.h"

#include "tritium/Runtime/Error.h"

#include <bit>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace tritium::indexer {

//===----------------------------------------------------------------------===//
// HostTensor
//===----------------------------------------------------------------------===//

void HostTensor::FreeDeleter::operator()(std::byte *p) const { std::free(p); }

HostTensor::HostTensor(DType dtype, std::vector<int64_t> shape)
    : elementType(dtype), dims(std::move(shape)) {
  int64_t count = 1;
  for (int64_t dim : dims) {
    if (dim < 0)
      throw Error(Error::Kind::InvalidArgument,
                  "indexer: a host tensor cannot have a negative dim (" +
                      std::to_string(dim) + ")");
    count *= dim;
  }
  byteCount = static_cast<std::size_t>(count) * dtypeSize(dtype);
  if (byteCount == 0)
    return;
  // 64-byte alignment (more than the 16 bytes validateBindings asks for)
  // lets vector loads and the .npy data offset agree; aligned_alloc needs a
  // size that is a multiple of the alignment.
  std::size_t rounded = (byteCount + 63) / 64 * 64;
  storage.reset(static_cast<std::byte *>(std::aligned_alloc(64, rounded)));
  if (!storage)
    throw Error(Error::Kind::InvalidArgument, "indexer: cannot allocate " +
                                                  std::to_string(byteCount) +
                                                  " bytes of host memory");
}

HostTensor HostTensor::clone() const {
  HostTensor copy(elementType, dims);
  if (byteCount)
    std::memcpy(copy.bytes(), bytes(), byteCount);
  return copy;
}

int64_t HostTensor::numel() const {
  int64_t count = 1;
  for (int64_t dim : dims)
    count *= dim;
  return count;
}

void HostTensor::fillBytes(unsigned char value) {
  if (byteCount)
    std::memset(bytes(), value, byteCount);
}

TensorArg HostTensor::arg() const {
  return TensorArg::contiguous(const_cast<std::byte *>(bytes()), elementType,
                               dims);
}

IndexerInputs HostInputs::args() const {
  IndexerInputs inputs;
  inputs.q = q.arg();
  inputs.centroids = centroids.arg();
  inputs.codebook = codebook.arg();
  inputs.keys = keys.arg();
  return inputs;
}

HostOutputs HostOutputs::allocate(const IndexerConfig &config) {
  config.validate();
  HostOutputs outputs;
  for (const TensorSpec &spec : tensorSpecs(config)) {
    if (spec.role == TensorRole::SparseList)
      outputs.sparseList = HostTensor(spec.dtype, spec.shape);
    else if (spec.role == TensorRole::SparseLen)
      outputs.sparseLen = HostTensor(spec.dtype, spec.shape);
    else if (spec.role == TensorRole::Weights)
      outputs.weights = HostTensor(spec.dtype, spec.shape);
  }
  outputs.poison();
  return outputs;
}

void HostOutputs::poison() {
  sparseList.fillBytes(kPoisonByte);
  sparseLen.fillBytes(kPoisonByte);
  weights.fillBytes(kPoisonByte);
}

IndexerOutputs HostOutputs::args() const {
  IndexerOutputs outputs;
  outputs.sparseList = sparseList.arg();
  outputs.sparseLen = sparseLen.arg();
  outputs.weights = weights.arg();
  return outputs;
}

//===----------------------------------------------------------------------===//
// Float conversions
//===----------------------------------------------------------------------===//

float bf16ToFloat(uint16_t bits) {
  return std::bit_cast<float>(static_cast<uint32_t>(bits) << 16);
}

float f16ToFloat(uint16_t bits) {
  uint32_t sign = static_cast<uint32_t>(bits & 0x8000) << 16;
  uint32_t exponent = (bits >> 10) & 0x1F;
  uint32_t mantissa = bits & 0x3FF;
  if (exponent == 0x1F) // inf / NaN (payload kept)
    return std::bit_cast<float>(sign | 0x7F800000 | (mantissa << 13));
  if (exponent == 0) {
    // Zero or subnormal: mantissa * 2^-24, exact in float.
    float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  return std::bit_cast<float>(sign | ((exponent + 112) << 23) |
                              (mantissa << 13));
}

uint16_t floatToBf16(float value) {
  uint32_t bits = std::bit_cast<uint32_t>(value);
  if (std::isnan(value))
    return static_cast<uint16_t>((bits >> 16) | 0x40); // quiet NaN
  uint32_t roundingBias = 0x7FFF + ((bits >> 16) & 1);
  return static_cast<uint16_t>((bits + roundingBias) >> 16);
}

uint16_t floatToF16(float value) {
  uint32_t bits = std::bit_cast<uint32_t>(value);
  uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000);
  uint32_t magnitudeBits = bits & 0x7FFFFFFF;
  if (magnitudeBits > 0x7F800000) // NaN
    return sign | 0x7E00;
  if (magnitudeBits >= 0x477FF000) // rounds to >= 65520: inf
    return sign | 0x7C00;
  float magnitude = std::bit_cast<float>(magnitudeBits);
  if (magnitudeBits < 0x38800000) {
    // Subnormal in f16: a multiple of 2^-24; nearbyint rounds to even.
    auto units = static_cast<uint32_t>(std::nearbyint(magnitude * 16777216.0f));
    return sign | static_cast<uint16_t>(units);
  }
  // Normal: drop 13 mantissa bits with round-to-nearest-even; a carry into
  // the exponent is the correct result.
  uint32_t rebased = magnitudeBits - (112u << 23);
  uint32_t rounded = rebased + 0xFFF + ((rebased >> 13) & 1);
  return sign | static_cast<uint16_t>(rounded >> 13);
}

float loadAsFloat(const void *data, DType dtype, int64_t index) {
  switch (dtype) {
  case DType::F32:
    return static_cast<const float *>(data)[index];
  case DType::BF16:
    return bf16ToFloat(static_cast<const uint16_t *>(data)[index]);
  case DType::F16:
    return f16ToFloat(static_cast<const uint16_t *>(data)[index]);
  default:
    throw Error(Error::Kind::Internal,
                "indexer: loadAsFloat on a non-float dtype " +
                    std::string(dtypeName(dtype)));
  }
}

//===----------------------------------------------------------------------===//
// Seeded generation
//===----------------------------------------------------------------------===//

namespace {

uint64_t splitMix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ull;

// Streams: one per tensor and per kind of injected fault, so that changing
// one option never changes the values of another tensor.
enum Stream : uint64_t {
  QStream = 1,
  CentroidStream = 2,
  CodeStream = 3,
  KeyStream = 4,
  TieStream = 5,
  NanStream = 6,
  InfStream = 7,
  BadCodeStream = 8,
};

/// SplitMix64 over a per-(seed, stream) starting state: element i is the
/// (i+1)-th output of that generator, computed directly.
struct CounterRng {
  uint64_t state;
  CounterRng(uint64_t seed, uint64_t stream)
      : state(splitMix64(seed ^ splitMix64(stream * kGolden))) {}
  uint64_t operator()(uint64_t index) const {
    return splitMix64(state + (index + 1) * kGolden);
  }
};

/// Approximately standard normal (Irwin-Hall of four 16-bit uniforms,
/// variance 1). `jitter` (another 64 random bits) fills the gaps between
/// the 2^18 sums so that f32 values are effectively continuous.
float normalish(uint64_t bits, uint64_t jitter) {
  uint64_t sum = (bits & 0xFFFF) + ((bits >> 16) & 0xFFFF) +
                 ((bits >> 32) & 0xFFFF) + (bits >> 48);
  double fraction = static_cast<double>(jitter >> 11) * 0x1.0p-53 * 4.0;
  return static_cast<float>(
      ((static_cast<double>(sum) + fraction) / 65536.0 - 2.0) *
      1.7320508075688772);
}

/// Approximately standard normal from 32 random bits: Irwin-Hall of four
/// 8-bit uniforms (mean 510, standard deviation 147.80), for 16-bit dtypes.
float normalishSmall(uint64_t bits) {
  const uint32_t sum =
      static_cast<uint32_t>((bits & 0xFF) + ((bits >> 8) & 0xFF) +
                            ((bits >> 16) & 0xFF) + ((bits >> 24) & 0xFF));
  return (static_cast<float>(sum) - 510.0f) * (1.0f / 147.80054f);
}

/// True with probability `fraction` for 64 random bits.
bool chance(uint64_t bits, double fraction) {
  if (fraction <= 0)
    return false;
  if (fraction >= 1)
    return true;
  return static_cast<double>(bits >> 11) * 0x1.0p-53 < fraction;
}

void fillNormal(HostTensor &tensor, uint64_t seed, uint64_t stream) {
  CounterRng rng(seed, stream);
  CounterRng jitterRng(seed, stream + 1000);
  int64_t count = tensor.numel();
  switch (tensor.dtype()) {
  case DType::F32: {
    float *out = tensor.data<float>();
    for (int64_t i = 0; i < count; ++i)
      out[i] = normalish(rng(i), jitterRng(i));
    break;
  }
  case DType::BF16:
  case DType::F16: {
    // 16-bit values keep 8 or 11 significant bits, so two values per hash
    // (Irwin-Hall of four 8-bit uniforms each) lose nothing that rounding
    // would keep, and the largest case (268M bf16 keys) is generated fast.
    uint16_t *out = tensor.data<uint16_t>();
    const bool bf16 = tensor.dtype() == DType::BF16;
    for (int64_t pair = 0; pair < (count + 1) / 2; ++pair) {
      const uint64_t bits = rng(pair);
      for (int64_t half = 0; half < 2 && 2 * pair + half < count; ++half) {
        const uint64_t quarter = bits >> (32 * half);
        const float value = normalishSmall(quarter);
        out[2 * pair + half] = bf16 ? floatToBf16(value) : floatToF16(value);
      }
    }
    break;
  }
  default:
    throw Error(Error::Kind::Internal, "indexer: fillNormal on an int dtype");
  }
}

void storeFloat(HostTensor &tensor, int64_t index, float value) {
  switch (tensor.dtype()) {
  case DType::F32:
    tensor.data<float>()[index] = value;
    break;
  case DType::BF16:
    tensor.data<uint16_t>()[index] = floatToBf16(value);
    break;
  case DType::F16:
    tensor.data<uint16_t>()[index] = floatToF16(value);
    break;
  default:
    throw Error(Error::Kind::Internal, "indexer: storeFloat on an int dtype");
  }
}

void storeCode(HostTensor &tensor, int64_t index, int64_t code) {
  switch (tensor.dtype()) {
  case DType::I64:
    tensor.data<int64_t>()[index] = code;
    break;
  case DType::I32:
    tensor.data<int32_t>()[index] = static_cast<int32_t>(code);
    break;
  case DType::U8:
    tensor.data<uint8_t>()[index] = static_cast<uint8_t>(code);
    break;
  default:
    throw Error(Error::Kind::Internal, "indexer: storeCode on a float dtype");
  }
}

/// Replaces a fraction of the elements by NaN and by +-inf.
void injectSpecials(HostTensor &tensor, const InputOptions &options) {
  if (options.nanFraction <= 0 && options.infFraction <= 0)
    return;
  CounterRng nanRng(options.seed, NanStream);
  CounterRng infRng(options.seed, InfStream);
  const float inf = std::numeric_limits<float>::infinity();
  for (int64_t i = 0, e = tensor.numel(); i < e; ++i) {
    if (chance(nanRng(i), options.nanFraction)) {
      storeFloat(tensor, i, std::numeric_limits<float>::quiet_NaN());
      continue;
    }
    uint64_t bits = infRng(i);
    if (chance(bits, options.infFraction))
      storeFloat(tensor, i, (bits & 1) ? -inf : inf);
  }
}

void checkFraction(const char *name, double value) {
  if (!(value >= 0 && value <= 1))
    throw Error(Error::Kind::InvalidArgument, std::string("indexer: ") + name +
                                                  " must be in [0, 1], got " +
                                                  std::to_string(value));
}

} // namespace

uint64_t counterHash(uint64_t seed, uint64_t stream, uint64_t index) {
  return CounterRng(seed, stream)(index);
}

HostInputs generateInputs(const IndexerConfig &config,
                          const InputOptions &options) {
  config.validate();
  checkFraction("tieFraction", options.tieFraction);
  checkFraction("nanFraction", options.nanFraction);
  checkFraction("infFraction", options.infFraction);
  if (options.outOfRangeCodes < 0)
    throw Error(Error::Kind::InvalidArgument,
                "indexer: outOfRangeCodes must be non-negative");

  HostInputs inputs;
  for (const TensorSpec &spec : tensorSpecs(config)) {
    if (spec.isOutput)
      continue;
    HostTensor tensor(spec.dtype, spec.shape);
    switch (spec.role) {
    case TensorRole::Q:
      fillNormal(tensor, options.seed, QStream);
      inputs.q = std::move(tensor);
      break;
    case TensorRole::Centroids:
      fillNormal(tensor, options.seed, CentroidStream);
      injectSpecials(tensor, options);
      inputs.centroids = std::move(tensor);
      break;
    case TensorRole::Codebook: {
      CounterRng rng(options.seed, CodeStream);
      int shift = 64 - static_cast<int>(config.pq.bits);
      for (int64_t i = 0, e = tensor.numel(); i < e; ++i)
        storeCode(tensor, i, static_cast<int64_t>(rng(i) >> shift));
      // C itself is out of range; u8 cannot hold it when bits == 8 (every
      // u8 value is then a valid code), so nothing is injected there.
      if (!(spec.dtype == DType::U8 && config.C() > 255)) {
        CounterRng badRng(options.seed, BadCodeStream);
        for (int64_t n = 0; n < options.outOfRangeCodes; ++n)
          storeCode(tensor, static_cast<int64_t>(badRng(n) % tensor.numel()),
                    config.C());
      }
      inputs.codebook = std::move(tensor);
      break;
    }
    case TensorRole::Keys: {
      fillNormal(tensor, options.seed, KeyStream);
      if (options.tieFraction > 0) {
        // Copy whole key vectors from earlier keys of the same (b, kv head):
        // equal vectors give bit-identical scores in any summation order.
        CounterRng tieRng(options.seed, TieStream);
        std::size_t rowBytes = config.D * dtypeSize(spec.dtype);
        for (int64_t row = 0; row < config.B * config.Hkv; ++row) {
          std::byte *base = tensor.bytes() + row * config.Sk * rowBytes;
          for (int64_t t = 1; t < config.Sk; ++t) {
            uint64_t bits = tieRng(row * config.Sk + t);
            if (!chance(bits, options.tieFraction))
              continue;
            int64_t source = static_cast<int64_t>(splitMix64(bits) % t);
            std::memcpy(base + t * rowBytes, base + source * rowBytes,
                        rowBytes);
          }
        }
      }
      injectSpecials(tensor, options);
      inputs.keys = std::move(tensor);
      break;
    }
    default:
      break;
    }
  }
  return inputs;
}

} // namespace tritium::indexer
