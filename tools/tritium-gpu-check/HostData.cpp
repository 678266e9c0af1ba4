//===- HostData.cpp - Random inputs, half conversions, comparison ---------===//
//
// Inputs are drawn on the host from a seeded generator, the way
// gen_corpus.py's factories drew them with torch (fp32 values, then a cast to
// the tensor's dtype), so the kernels see the same distributions but never the
// same numbers twice unless --seed repeats them.
//
//===----------------------------------------------------------------------===//

#include "GpuCheck.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <numbers>
#include <thread>

namespace tritium::gpucheck {

//===----------------------------------------------------------------------===//
// Half-precision conversions (round to nearest even, as torch's .to() does)
//===----------------------------------------------------------------------===//

uint16_t floatToHalf(float value) {
  uint32_t bits = std::bit_cast<uint32_t>(value);
  uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  uint32_t magnitude = bits & 0x7fffffffu;
  if (magnitude >= 0x7f800000u) // inf or NaN (keep NaN quiet)
    return sign | (magnitude > 0x7f800000u ? 0x7e00u : 0x7c00u);
  if (magnitude >= 0x477ff000u) // >= 65520 rounds to infinity
    return sign | 0x7c00u;
  if (magnitude < 0x38800000u) {
    // Below 2^-14: a half subnormal (or zero). Scaling by 2^24 is exact and
    // nearbyint rounds half to even in the default rounding mode.
    float scaled = std::fabs(value) * 16777216.0f;
    return sign | static_cast<uint16_t>(std::nearbyint(scaled));
  }
  uint32_t exponent = (magnitude >> 23) - 127 + 15;
  uint32_t mantissa = magnitude & 0x7fffffu;
  uint32_t half = (exponent << 10) | (mantissa >> 13);
  uint32_t rest = mantissa & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (half & 1u)))
    ++half; // a carry into the exponent is the correct rounding
  return sign | static_cast<uint16_t>(half);
}

float halfToFloat(uint16_t bits) {
  uint32_t sign = uint32_t(bits & 0x8000u) << 16;
  uint32_t exponent = (bits >> 10) & 0x1fu;
  uint32_t mantissa = bits & 0x3ffu;
  if (exponent == 0) {
    float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  if (exponent == 31)
    return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));
  return std::bit_cast<float>(sign | ((exponent + 112) << 23) |
                              (mantissa << 13));
}

uint16_t floatToBf16(float value) {
  uint32_t bits = std::bit_cast<uint32_t>(value);
  if ((bits & 0x7fffffffu) > 0x7f800000u)
    return static_cast<uint16_t>((bits >> 16) | 0x40u); // quiet NaN
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>(bits >> 16);
}

float bf16ToFloat(uint16_t bits) {
  return std::bit_cast<float>(uint32_t(bits) << 16);
}

//===----------------------------------------------------------------------===//
// Drawing inputs
//===----------------------------------------------------------------------===//

namespace {

double uniform01(std::mt19937_64 &rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53; // [0, 1)
}

/// Standard normal pairs by Box-Muller; the second of each pair is kept.
class NormalSource {
public:
  explicit NormalSource(std::mt19937_64 &rng) : rng(rng) {}
  double next() {
    if (haveSpare) {
      haveSpare = false;
      return spare;
    }
    double u1 = 1.0 - uniform01(rng); // (0, 1]: log stays finite
    double u2 = uniform01(rng);
    double radius = std::sqrt(-2.0 * std::log(u1));
    double angle = 2.0 * std::numbers::pi * u2;
    spare = radius * std::sin(angle);
    haveSpare = true;
    return radius * std::cos(angle);
  }

private:
  std::mt19937_64 &rng;
  double spare = 0.0;
  bool haveSpare = false;
};

int64_t uniformInt(std::mt19937_64 &rng, int64_t low, int64_t high) {
  // Rejection sampling over [low, high) so no value is favoured.
  uint64_t range = static_cast<uint64_t>(high) - static_cast<uint64_t>(low);
  uint64_t limit = std::numeric_limits<uint64_t>::max() -
                   std::numeric_limits<uint64_t>::max() % range;
  uint64_t draw;
  do
    draw = rng();
  while (draw >= limit);
  return static_cast<int64_t>(static_cast<uint64_t>(low) + draw % range);
}

void storeFloat(HostTensor &tensor, int64_t index, double value) {
  uint8_t *at = tensor.bytes.data() + index * dtypeSize(tensor.dtype);
  auto store = [&](auto v) { std::memcpy(at, &v, sizeof(v)); };
  switch (tensor.dtype) {
  case DType::F32:
    return store(static_cast<float>(value));
  case DType::F16:
    return store(floatToHalf(static_cast<float>(value)));
  case DType::BF16:
    return store(floatToBf16(static_cast<float>(value)));
  case DType::F64:
    return store(value);
  default:
    break;
  }
  // A float init into an integer tensor truncates, as torch's .to() does.
  int64_t integer = std::isfinite(value) ? static_cast<int64_t>(value) : 0;
  switch (tensor.dtype) {
  case DType::I8:
    return store(static_cast<int8_t>(integer));
  case DType::U8:
    return store(static_cast<uint8_t>(integer));
  case DType::Bool:
    return store(static_cast<uint8_t>(value != 0.0));
  case DType::I16:
    return store(static_cast<int16_t>(integer));
  case DType::I32:
    return store(static_cast<int32_t>(integer));
  case DType::I64:
    return store(integer);
  default:
    return;
  }
}

void storeInt(HostTensor &tensor, int64_t index, int64_t value) {
  if (isFloat(tensor.dtype))
    return storeFloat(tensor, index, static_cast<double>(value));
  uint8_t *at = tensor.bytes.data() + index * dtypeSize(tensor.dtype);
  auto store = [&](auto v) { std::memcpy(at, &v, sizeof(v)); };
  switch (tensor.dtype) {
  case DType::I8:
    return store(static_cast<int8_t>(value));
  case DType::U8:
    return store(static_cast<uint8_t>(value));
  case DType::Bool:
    return store(static_cast<uint8_t>(value != 0));
  case DType::I16:
    return store(static_cast<int16_t>(value));
  case DType::I32:
    return store(static_cast<int32_t>(value));
  case DType::I64:
    return store(value);
  default:
    return;
  }
}

} // namespace

bool knownInitKind(const std::string &kind) {
  for (const char *known :
       {"randn", "randn_abs", "uniform", "randint", "zeros", "ones", "full"})
    if (kind == known)
      return true;
  return false;
}

namespace {

/// Draws elements [begin, end) of \p tensor from \p rng following \p init.
void fillRange(HostTensor &tensor, const InitSpec &init, std::mt19937_64 &rng,
               int64_t begin, int64_t end) {
  NormalSource normal(rng);
  // torch draws randn/rand in float32 and scales in float32 before the cast.
  if (init.kind == "randn") {
    for (int64_t i = begin; i < end; ++i)
      storeFloat(tensor, i,
                 static_cast<float>(normal.next()) *
                         static_cast<float>(init.scale) +
                     static_cast<float>(init.shift));
  } else if (init.kind == "randn_abs") {
    for (int64_t i = begin; i < end; ++i)
      storeFloat(tensor, i, std::fabs(static_cast<float>(normal.next())));
  } else if (init.kind == "uniform") {
    for (int64_t i = begin; i < end; ++i)
      storeFloat(tensor, i,
                 static_cast<float>(uniform01(rng)) *
                         static_cast<float>(init.high - init.low) +
                     static_cast<float>(init.low));
  } else if (init.kind == "randint") {
    for (int64_t i = begin; i < end; ++i)
      storeInt(tensor, i, uniformInt(rng, init.intLow, init.intHigh));
  } else if (init.kind == "zeros") {
    // bytes are already zero
  } else if (init.kind == "ones") {
    for (int64_t i = begin; i < end; ++i)
      storeInt(tensor, i, 1);
  } else if (init.kind == "full") {
    for (int64_t i = begin; i < end; ++i) {
      if (init.fullIsInt && !isFloat(tensor.dtype))
        storeInt(tensor, i, init.fullInt);
      else
        storeFloat(tensor, i, init.fullValue);
    }
  }
}

// Tensors of the scaled sizes (--scale, --sweep) hold hundreds of millions of
// elements; one Box-Muller stream takes seconds for them. Above this size
// the tensor is drawn in chunks, each from its own stream seeded from the
// tensor's, on all cores; below it the draw is the single stream of earlier
// versions, so a seed gives the corpus-size inputs it always gave.
constexpr int64_t kParallelDrawThreshold = int64_t(1) << 22;
constexpr int64_t kDrawChunk = int64_t(1) << 20;

} // namespace

HostTensor makeHostTensor(const ArgSpec &arg, std::mt19937_64 &rng) {
  HostTensor tensor;
  tensor.dtype = arg.dtype;
  tensor.numel = arg.numel;
  if (!knownInitKind(arg.init.kind))
    throw CheckError("tensor '" + arg.name + "': unknown init kind '" +
                     arg.init.kind + "'");
  tensor.bytes.assign(static_cast<size_t>(arg.numel) * dtypeSize(arg.dtype), 0);
  if (arg.init.kind == "zeros")
    return tensor;
  if (tensor.numel < kParallelDrawThreshold) {
    fillRange(tensor, arg.init, rng, 0, tensor.numel);
    return tensor;
  }
  uint64_t base = rng();
  int64_t chunks = (tensor.numel + kDrawChunk - 1) / kDrawChunk;
  std::atomic<int64_t> nextChunk{0};
  auto worker = [&] {
    for (int64_t chunk; (chunk = nextChunk.fetch_add(1)) < chunks;) {
      std::mt19937_64 chunkRng(
          base ^ (0x9e3779b97f4a7c15ull * static_cast<uint64_t>(chunk + 1)));
      fillRange(tensor, arg.init, chunkRng, chunk * kDrawChunk,
                std::min(tensor.numel, (chunk + 1) * kDrawChunk));
    }
  };
  unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, 32u);
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t)
    pool.emplace_back(worker);
  worker();
  for (std::thread &thread : pool)
    thread.join();
  return tensor;
}

double elementAsDouble(const HostTensor &tensor, int64_t index) {
  const uint8_t *at = tensor.bytes.data() + index * dtypeSize(tensor.dtype);
  auto load = [&](auto v) {
    std::memcpy(&v, at, sizeof(v));
    return v;
  };
  switch (tensor.dtype) {
  case DType::F32:
    return load(float());
  case DType::F16:
    return halfToFloat(load(uint16_t()));
  case DType::BF16:
    return bf16ToFloat(load(uint16_t()));
  case DType::F64:
    return load(double());
  case DType::I8:
    return load(int8_t());
  case DType::U8:
  case DType::Bool:
    return load(uint8_t());
  case DType::I16:
    return load(int16_t());
  case DType::I32:
    return load(int32_t());
  case DType::I64:
    return static_cast<double>(load(int64_t()));
  }
  return 0.0;
}

//===----------------------------------------------------------------------===//
// Comparison
//===----------------------------------------------------------------------===//

namespace {

int64_t elementAsInt(const HostTensor &tensor, int64_t index) {
  const uint8_t *at = tensor.bytes.data() + index * dtypeSize(tensor.dtype);
  switch (tensor.dtype) {
  case DType::I64: {
    int64_t v;
    std::memcpy(&v, at, sizeof(v));
    return v;
  }
  default:
    return static_cast<int64_t>(elementAsDouble(tensor, index));
  }
}

std::string formatValue(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.9g", value);
  return text;
}

} // namespace

TensorComparison compareTensors(const std::string &name, const HostTensor &ref,
                                const HostTensor &cand, double tolerance) {
  TensorComparison result;
  result.name = name;
  result.dtype = ref.dtype;
  result.numel = ref.numel;
  result.tolerance = isFloat(ref.dtype) ? tolerance : 0.0;

  auto noteFirst = [&](int64_t i, double r, double c) {
    if (result.firstBad < 0) {
      result.firstBad = i;
      result.firstRef = r;
      result.firstCand = c;
    }
  };

  if (!isFloat(ref.dtype)) {
    for (int64_t i = 0; i < ref.numel; ++i) {
      int64_t r = elementAsInt(ref, i), c = elementAsInt(cand, i);
      if (r == c)
        continue;
      ++result.mismatches;
      result.maxAbsErr =
          std::max(result.maxAbsErr,
                   std::fabs(static_cast<double>(r) - static_cast<double>(c)));
      noteFirst(i, static_cast<double>(r), static_cast<double>(c));
    }
    if (result.mismatches != 0) {
      result.passed = false;
      result.detail = "'" + name + "' " + std::to_string(result.mismatches) +
                      " of " + std::to_string(ref.numel) + " differ (first [" +
                      std::to_string(result.firstBad) + "]: ref " +
                      formatValue(result.firstRef) + " cand " +
                      formatValue(result.firstCand) + ")";
    }
    return result;
  }

  double sumSqDiff = 0.0, sumSqRef = 0.0;
  int64_t worst = -1;
  double worstRef = 0.0, worstCand = 0.0;
  for (int64_t i = 0; i < ref.numel; ++i) {
    double r = elementAsDouble(ref, i), c = elementAsDouble(cand, i);
    if (!std::isfinite(r) || !std::isfinite(c)) {
      // NaN must meet NaN, and an infinity the same infinity.
      bool same = (std::isnan(r) && std::isnan(c)) || r == c;
      if (!same) {
        ++result.mismatches;
        noteFirst(i, r, c);
      }
      continue;
    }
    double diff = std::fabs(r - c);
    if (worst < 0 || diff > result.maxAbsErr) {
      result.maxAbsErr = diff;
      worst = i;
      worstRef = r;
      worstCand = c;
    }
    result.maxAbsRef = std::max(result.maxAbsRef, std::fabs(r));
    sumSqDiff += diff * diff;
    sumSqRef += r * r;
  }
  if (sumSqRef > 0.0)
    result.relL2Err = std::sqrt(sumSqDiff / sumSqRef);
  else
    result.relL2Err =
        sumSqDiff > 0.0 ? std::numeric_limits<double>::infinity() : 0.0;

  char text[256];
  if (result.mismatches != 0) {
    result.passed = false;
    std::snprintf(text, sizeof(text),
                  "'%s' NaN/inf disagree at %lld of %lld (first [%lld]: ref "
                  "%s cand %s)",
                  name.c_str(), static_cast<long long>(result.mismatches),
                  static_cast<long long>(ref.numel),
                  static_cast<long long>(result.firstBad),
                  formatValue(result.firstRef).c_str(),
                  formatValue(result.firstCand).c_str());
    result.detail = text;
  } else if (result.relL2Err > tolerance) {
    result.passed = false;
    std::snprintf(text, sizeof(text),
                  "'%s' rel L2 %.3g > %.3g (max abs %.3g at [%lld]: ref %s "
                  "cand %s)",
                  name.c_str(), result.relL2Err, tolerance, result.maxAbsErr,
                  static_cast<long long>(worst), formatValue(worstRef).c_str(),
                  formatValue(worstCand).c_str());
    result.detail = text;
  } else if (result.maxAbsErr > 10.0 * tolerance * result.maxAbsRef) {
    result.passed = false;
    std::snprintf(text, sizeof(text),
                  "'%s' max abs %.3g > 10*tol*max|ref| = %.3g at [%lld]: ref "
                  "%s cand %s",
                  name.c_str(), result.maxAbsErr,
                  10.0 * tolerance * result.maxAbsRef,
                  static_cast<long long>(worst), formatValue(worstRef).c_str(),
                  formatValue(worstCand).c_str());
    result.detail = text;
  }
  return result;
}

} // namespace tritium::gpucheck
