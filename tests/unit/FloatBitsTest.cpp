//===- FloatBitsTest.cpp - The fp8 bit conversions against APFloat --------===//
//
// tritium/Conversion/FloatBits.h is what the lowering emits as LLVM integer
// ops for fp8 conversions without a GPU instruction. Here the same template
// code runs on the CPU (with LLVM's poison rules for out-of-range shifts,
// so a select that relies on a poisoned arm is caught) and is compared with
// APFloat: every fp8 code widened, and f32 / f64 values narrowed: every f16
// and bf16 value, every fp8 value and its f32 neighbours, the midpoints
// between fp8 values and their neighbours (ties), subnormals, the overflow
// thresholds, infinities, NaNs and random bit patterns.
//
//===----------------------------------------------------------------------===//

#include "tritium/Conversion/FloatBits.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APInt.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace tritium::floatbits;
using llvm::APFloat;
using llvm::APInt;
using llvm::fltSemantics;

namespace {

/// Evaluates the builder calls of FloatBits.h on W-bit integers, tracking
/// LLVM's poison: a shift by W or more is poison, poison flows through
/// arithmetic and comparisons, and a select is poison only if its condition
/// or its chosen operand is.
class CpuBuilder {
public:
  struct Value {
    uint64_t bits = 0;
    bool poison = false;
  };

  explicit CpuBuilder(unsigned width) : w(width) {}
  unsigned width() const { return w; }

  Value constant(uint64_t v) const { return {v & mask(), false}; }
  Value add(Value a, Value b) const { return make(a.bits + b.bits, a, b); }
  Value sub(Value a, Value b) const { return make(a.bits - b.bits, a, b); }
  Value and_(Value a, Value b) const { return make(a.bits & b.bits, a, b); }
  Value or_(Value a, Value b) const { return make(a.bits | b.bits, a, b); }
  Value shl(Value a, Value s) const {
    if (s.bits >= w)
      return {0, true};
    return make(a.bits << s.bits, a, s);
  }
  Value lshr(Value a, Value s) const {
    if (s.bits >= w)
      return {0, true};
    return make(a.bits >> s.bits, a, s);
  }
  Value ctlz(Value a) const {
    return {a.bits == 0 ? w : unsigned(std::countl_zero(a.bits)) - (64 - w),
            a.poison};
  }
  Value eq(Value a, Value b) const { return make(a.bits == b.bits, a, b); }
  Value ne(Value a, Value b) const { return make(a.bits != b.bits, a, b); }
  Value ult(Value a, Value b) const { return make(a.bits < b.bits, a, b); }
  Value select(Value c, Value a, Value b) const {
    if (c.poison)
      return {0, true};
    return c.bits ? a : b;
  }
  Value zext(Value c) const { return c; }

private:
  uint64_t mask() const {
    return w == 64 ? ~uint64_t(0) : (uint64_t(1) << w) - 1;
  }
  Value make(uint64_t v, Value a, Value b) const {
    return {v & mask(), a.poison || b.poison};
  }
  unsigned w;
};

struct NamedFormat {
  const char *name;
  Format format;
  const fltSemantics &semantics;
};

const std::vector<NamedFormat> &fp8Formats() {
  static const std::vector<NamedFormat> formats = {
      {"f8E4M3FN", kE4M3FN, APFloat::Float8E4M3FN()},
      {"f8E5M2", kE5M2, APFloat::Float8E5M2()},
      {"f8E4M3FNUZ", kE4M3FNUZ, APFloat::Float8E4M3FNUZ()},
      {"f8E5M2FNUZ", kE5M2FNUZ, APFloat::Float8E5M2FNUZ()},
      {"f8E4M3B11FNUZ", kE4M3B11FNUZ, APFloat::Float8E4M3B11FNUZ()},
  };
  return formats;
}

uint64_t run(CpuBuilder::Value v) {
  REQUIRE_FALSE(v.poison);
  return v.bits;
}

uint64_t cpuWiden(uint64_t code, const Format &src, const Format &dst) {
  CpuBuilder b(dst.width < 32 ? 32 : dst.width);
  return run(widen(b, b.constant(code), src, dst));
}

uint64_t cpuNarrow(uint64_t bits, const Format &src, const Format &dst,
                   Rounding rounding) {
  CpuBuilder b(src.width < 32 ? 32 : src.width);
  return run(narrow(b, b.constant(bits), src, dst, rounding));
}

uint64_t referenceWiden(uint64_t code, const NamedFormat &src,
                        const Format &dst, const fltSemantics &dstSemantics) {
  APFloat value(src.semantics, APInt(src.format.width, code));
  if (value.isNaN())
    return dst.canonicalNaN();
  bool losesInfo = false;
  value.convert(dstSemantics, APFloat::rmNearestTiesToEven, &losesInfo);
  REQUIRE_FALSE(losesInfo);
  return value.bitcastToAPInt().getZExtValue();
}

/// APFloat's rounding, with the saturation the GPU's cvt.satfinite applies.
uint64_t referenceNarrow(uint64_t bits, const Format &src,
                         const fltSemantics &srcSemantics,
                         const NamedFormat &dst, Rounding rounding) {
  APFloat value(srcSemantics, APInt(src.width, bits));
  const Format &format = dst.format;
  if (value.isNaN())
    return format.canonicalNaN();
  uint64_t sign = value.isNegative() ? format.signBit() : 0;
  if (value.isInfinity())
    return sign | (rounding == Rounding::TowardZero &&
                           format.specials == Specials::IEEE
                       ? format.infinity()
                       : format.maxFinite());
  bool losesInfo = false;
  value.convert(dst.semantics,
                rounding == Rounding::NearestEven ? APFloat::rmNearestTiesToEven
                                                  : APFloat::rmTowardZero,
                &losesInfo);
  // Overflow gives infinity, or NaN in formats without one: saturate.
  if (value.isNaN() || value.isInfinity())
    return sign | format.maxFinite();
  return value.bitcastToAPInt().getZExtValue();
}

std::string hex(uint64_t v) {
  char text[32];
  snprintf(text, sizeof text, "0x%llx", (unsigned long long)v);
  return text;
}

uint32_t f32Bits(float f) { return std::bit_cast<uint32_t>(f); }
uint64_t f64Bits(double d) { return std::bit_cast<uint64_t>(d); }

/// f32 values around every fp8 value of `format`: the value, its f32
/// neighbours, and the midpoints to the next value (ties) with theirs;
/// also around the first value past the largest finite one.
void addNeighbourhoods(const NamedFormat &format, std::vector<uint32_t> &out) {
  std::vector<double> values;
  for (uint64_t code = 0; code < 256; ++code) {
    APFloat v(format.semantics, APInt(8, code));
    if (v.isFinite() && !v.isNegative())
      values.push_back(v.convertToDouble());
  }
  std::sort(values.begin(), values.end());
  double ulp = values.back() - values[values.size() - 2];
  values.push_back(values.back() + ulp); // beyond the largest finite value
  values.push_back(values.back() + ulp);
  for (size_t i = 0; i < values.size(); ++i) {
    std::vector<double> centres = {values[i]};
    if (i + 1 < values.size())
      centres.push_back((values[i] + values[i + 1]) / 2);
    for (double centre : centres) {
      uint32_t bits = f32Bits(float(centre));
      REQUIRE(double(std::bit_cast<float>(bits)) == centre);
      for (int64_t d = -2; d <= 2; ++d) {
        int64_t neighbour = int64_t(bits) + d;
        if (neighbour < 0)
          continue;
        out.push_back(uint32_t(neighbour));
        out.push_back(uint32_t(neighbour) | 0x80000000u);
      }
    }
  }
}

std::vector<uint32_t> f32Inputs() {
  std::vector<uint32_t> inputs;
  // Every f16 and bf16 value, as f32.
  for (uint32_t h = 0; h < 0x10000; ++h) {
    APFloat v(APFloat::IEEEhalf(), APInt(16, h));
    bool losesInfo;
    v.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &losesInfo);
    inputs.push_back(uint32_t(v.bitcastToAPInt().getZExtValue()));
    inputs.push_back(h << 16);
  }
  for (const NamedFormat &format : fp8Formats())
    addNeighbourhoods(format, inputs);
  // Zeros, f32 subnormals, the largest finite, infinities, NaNs.
  for (uint32_t bits :
       {0x00000000u, 0x00000001u, 0x00400000u, 0x007fffffu, 0x00800000u,
        0x7f7fffffu, 0x7f800000u, 0x7f800001u, 0x7fc00000u, 0x7fffffffu}) {
    inputs.push_back(bits);
    inputs.push_back(bits | 0x80000000u);
  }
  std::mt19937 random(1234);
  for (int i = 0; i < 300000; ++i)
    inputs.push_back(uint32_t(random()));
  return inputs;
}

} // namespace

TEST_CASE("fp8 codes widen exactly", "[floatbits]") {
  struct Target {
    const char *name;
    Format format;
    const fltSemantics &semantics;
  };
  const Target targets[] = {{"f16", kF16, APFloat::IEEEhalf()},
                            {"bf16", kBF16, APFloat::BFloat()},
                            {"f32", kF32, APFloat::IEEEsingle()},
                            {"f64", kF64, APFloat::IEEEdouble()}};
  for (const NamedFormat &src : fp8Formats())
    for (const Target &dst : targets) {
      if (!widensExactly(src.format, dst.format)) {
        // Only e5m2's and e5m2fnuz's subnormals fall below f16's normals.
        CHECK(std::string(src.name).starts_with("f8E5M2"));
        CHECK(std::string(dst.name) == "f16");
        continue;
      }
      for (uint64_t code = 0; code < 256; ++code) {
        INFO(src.name << " " << hex(code) << " -> " << dst.name);
        CHECK(hex(cpuWiden(code, src.format, dst.format)) ==
              hex(referenceWiden(code, src, dst.format, dst.semantics)));
      }
    }
}

TEST_CASE("e5m2 widens to f16 by a shift", "[floatbits]") {
  REQUIRE(isTopOf(kE5M2, kF16));
  REQUIRE_FALSE(isTopOf(kE5M2FNUZ, kF16));
  const NamedFormat &e5m2 = fp8Formats()[1];
  for (uint64_t code = 0; code < 256; ++code) {
    CpuBuilder b(32);
    INFO("f8E5M2 " << hex(code));
    CHECK(hex(run(widenByShift(b, b.constant(code), kE5M2, kF16))) ==
          hex(referenceWiden(code, e5m2, kF16, APFloat::IEEEhalf())));
  }
}

/// Narrows every input (bits of `src`) to each fp8 format, rounding to
/// nearest even and toward zero, against APFloat; each (format, rounding)
/// must match on every input, and its first five mismatches are reported.
template <typename Bits>
void checkNarrowsToFp8(const std::vector<Bits> &inputs, const Format &src,
                       const fltSemantics &semantics, const char *srcName) {
  for (const NamedFormat &dst : fp8Formats())
    for (Rounding rounding : {Rounding::NearestEven, Rounding::TowardZero}) {
      REQUIRE(narrowsDirectly(src, dst.format));
      size_t mismatches = 0;
      for (Bits bits : inputs) {
        uint64_t got = cpuNarrow(bits, src, dst.format, rounding);
        uint64_t want = referenceNarrow(bits, src, semantics, dst, rounding);
        if (got != want && ++mismatches <= 5) {
          INFO(
              dst.name << (rounding == Rounding::NearestEven ? " rtne" : " rtz")
                       << " " << srcName << " " << hex(bits) << ": got "
                       << hex(got) << ", want " << hex(want));
          CHECK(got == want);
        }
      }
      CHECK(mismatches == 0);
    }
}

TEST_CASE("f32 narrows to fp8 as cvt.satfinite rounds", "[floatbits]") {
  checkNarrowsToFp8(f32Inputs(), kF32, APFloat::IEEEsingle(), "f32");
}

TEST_CASE("f64 narrows to fp8 in one rounding", "[floatbits]") {
  // The f32 inputs as f64, and their f64 neighbours: a value just off a tie
  // must not be rounded to the tie first.
  std::vector<uint64_t> inputs;
  for (uint32_t bits : f32Inputs()) {
    uint64_t wide = f64Bits(double(std::bit_cast<float>(bits)));
    for (int64_t d = -1; d <= 1; ++d)
      inputs.push_back(uint64_t(int64_t(wide) + d));
  }
  std::mt19937_64 random(5678);
  for (int i = 0; i < 100000; ++i)
    inputs.push_back(random());
  for (uint64_t bits :
       {uint64_t(1), uint64_t(0x7fefffffffffffff), uint64_t(0x7ff0000000000000),
        f64Bits(1e300), f64Bits(1e-300)}) {
    inputs.push_back(bits);
    inputs.push_back(bits | (uint64_t(1) << 63));
  }
  checkNarrowsToFp8(inputs, kF64, APFloat::IEEEdouble(), "f64");
}

TEST_CASE("f16 narrows to fp8 directly where the ranges allow", "[floatbits]") {
  for (const NamedFormat &dst : fp8Formats()) {
    if (!narrowsDirectly(kF16, dst.format)) {
      // f16's subnormals reach into e5m2fnuz's normals: through f32.
      CHECK(std::string(dst.name) == "f8E5M2FNUZ");
      continue;
    }
    for (Rounding rounding : {Rounding::NearestEven, Rounding::TowardZero})
      for (uint64_t bits = 0; bits < 0x10000; ++bits) {
        uint64_t got = cpuNarrow(bits, kF16, dst.format, rounding);
        uint64_t want =
            referenceNarrow(bits, kF16, APFloat::IEEEhalf(), dst, rounding);
        if (got != want) {
          INFO(dst.name << " f16 " << hex(bits));
          REQUIRE(hex(got) == hex(want));
        }
      }
  }
}

TEST_CASE("saturation and specials follow cvt.rn.satfinite", "[floatbits]") {
  auto e4m3 = [](float f, Rounding r = Rounding::NearestEven) {
    return cpuNarrow(f32Bits(f), kF32, kE4M3FN, r);
  };
  auto e5m2 = [](float f, Rounding r = Rounding::NearestEven) {
    return cpuNarrow(f32Bits(f), kF32, kE5M2, r);
  };
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  CHECK(e4m3(448.0f) == 0x7e);
  CHECK(e4m3(464.0f) == 0x7e); // a tie, to the even 448
  CHECK(e4m3(1e6f) == 0x7e);
  CHECK(e4m3(-inf) == 0xfe);
  CHECK(e4m3(nan) == 0x7f);
  CHECK(e4m3(-nan) == 0x7f);
  CHECK(e4m3(-0.0f) == 0x80);
  CHECK(e4m3(0x1p-10f) == 0x00); // half the smallest subnormal: to even
  CHECK(e4m3(0x1.000002p-10f) == 0x01);
  CHECK(e5m2(inf) == 0x7b);
  CHECK(e5m2(inf, Rounding::TowardZero) == 0x7c);
  CHECK(e5m2(1e6f, Rounding::TowardZero) == 0x7b);
  CHECK(e5m2(nan) == 0x7f);
  CHECK(e5m2(1.75f, Rounding::TowardZero) == 0x3f);
  CHECK(e5m2(1.875f, Rounding::TowardZero) == 0x3f);
  CHECK(e5m2(1.875f) == 0x40); // a tie, to the even 2.0
  // FNUZ: no negative zero (1000_0000 is NaN).
  CHECK(cpuNarrow(f32Bits(-0.0f), kF32, kE4M3FNUZ, Rounding::NearestEven) ==
        0x00);
  CHECK(cpuNarrow(f32Bits(nan), kF32, kE5M2FNUZ, Rounding::NearestEven) ==
        0x80);
  CHECK(cpuWiden(0x80, kE4M3FNUZ, kF32) == 0x7fffffff);
  CHECK(cpuWiden(0xff, kE4M3FN, kF16) == 0x7fff);
}
