//===- FloatBits.h - Float conversions in integer operations ----*- C++ -*-===//
//
// Conversions between the 8-bit float formats and the wider ones, written
// once over an abstract integer builder. The lowering instantiates them with
// a builder that emits LLVM dialect ops (where the GPU has no instruction:
// every fp8 conversion before sm_89, round-toward-zero and the FNUZ formats
// everywhere); the unit tests instantiate them with one that computes on the
// CPU, so the very sequence the GPU runs is checked against APFloat over
// every fp8 code and a dense set of wider values.
//
// Only integer operations are used, so denormal flushing cannot interfere.
//
// A builder `B` provides `B::Value` (a W-bit integer, or a condition) and:
//   width()                        W, the width of every integer value
//   constant(uint64_t)             a W-bit constant (truncated to W bits)
//   add sub and_ or_ shl lshr      W-bit arithmetic; shifts by less than W
//   ctlz(x)                        leading zeros of x (W for zero)
//   eq ne ult                      comparisons, giving a condition
//   and_ or_ on conditions         logical and / or
//   select(c, a, b)                a where c, else b
//   zext(c)                        a condition as a W-bit 0 or 1
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_CONVERSION_FLOATBITS_H
#define TRITIUM_CONVERSION_FLOATBITS_H

#include <cassert>
#include <cstdint>

namespace tritium::floatbits {

/// How a format encodes its special values.
enum class Specials {
  /// All-ones exponent: infinity (zero mantissa) or NaN (f64 ... f16, e5m2).
  IEEE,
  /// No infinity; only S.1111.111 is NaN (f8E4M3FN).
  FN,
  /// No infinity, no negative zero; only 1000_0000 is NaN (the FNUZ types).
  FNUZ,
};

/// A binary floating-point format: sign, exponent, mantissa, from the top.
struct Format {
  unsigned width;
  unsigned exponentBits;
  unsigned mantissaBits;
  int bias;
  Specials specials;

  constexpr uint64_t signBit() const { return uint64_t(1) << (width - 1); }
  constexpr uint64_t magnitudeMask() const { return signBit() - 1; }
  constexpr uint64_t mantissaMask() const {
    return (uint64_t(1) << mantissaBits) - 1;
  }
  constexpr uint64_t exponentOnes() const {
    return (uint64_t(1) << exponentBits) - 1;
  }
  /// Magnitude bits of infinity (IEEE formats only).
  constexpr uint64_t infinity() const { return exponentOnes() << mantissaBits; }
  /// Magnitude bits of the largest finite value.
  constexpr uint64_t maxFinite() const {
    switch (specials) {
    case Specials::IEEE:
      return infinity() - 1;
    case Specials::FN:
      return magnitudeMask() - 1;
    case Specials::FNUZ:
      return magnitudeMask();
    }
    return 0;
  }
  /// The NaN a conversion produces: positive with every magnitude bit set
  /// (what the GPU's cvt gives), or 1000_0000 in FNUZ formats (their only
  /// NaN).
  constexpr uint64_t canonicalNaN() const {
    return specials == Specials::FNUZ ? signBit() : magnitudeMask();
  }
  /// Unbiased exponents of the smallest normal and the largest finite value.
  constexpr int minExponent() const { return 1 - bias; }
  constexpr int maxExponent() const {
    return int(exponentOnes()) - (specials == Specials::IEEE ? 1 : 0) - bias;
  }
};

inline constexpr Format kF64{64, 11, 52, 1023, Specials::IEEE};
inline constexpr Format kF32{32, 8, 23, 127, Specials::IEEE};
inline constexpr Format kF16{16, 5, 10, 15, Specials::IEEE};
inline constexpr Format kBF16{16, 8, 7, 127, Specials::IEEE};
inline constexpr Format kE4M3FN{8, 4, 3, 7, Specials::FN};
inline constexpr Format kE5M2{8, 5, 2, 15, Specials::IEEE};
inline constexpr Format kE4M3FNUZ{8, 4, 3, 8, Specials::FNUZ};
inline constexpr Format kE5M2FNUZ{8, 5, 2, 16, Specials::FNUZ};
inline constexpr Format kE4M3B11FNUZ{8, 4, 3, 11, Specials::FNUZ};

enum class Rounding { NearestEven, TowardZero };

/// Whether every value of `src` is a normal (or zero, infinite, NaN) value
/// of `dst`: what `widen` needs.
constexpr bool widensExactly(const Format &src, const Format &dst) {
  int smallestSubnormal = src.minExponent() - int(src.mantissaBits);
  return dst.specials == Specials::IEEE &&
         dst.mantissaBits >= src.mantissaBits &&
         smallestSubnormal >= dst.minExponent() &&
         src.maxExponent() <= dst.maxExponent();
}

/// Whether `narrow` handles `src` -> `dst`: src is IEEE with more mantissa
/// bits, and every source subnormal is below dst's smallest normal.
constexpr bool narrowsDirectly(const Format &src, const Format &dst) {
  return src.specials == Specials::IEEE &&
         src.mantissaBits > dst.mantissaBits &&
         src.bias + dst.minExponent() >= 1 && src.mantissaBits + 2 < src.width;
}

/// The `dst` bits of the `src` value whose bits are `x` (zero-extended to
/// the builder's width, at least dst.width). Exact (see widensExactly); NaN
/// becomes dst's canonical NaN.
template <typename B>
typename B::Value widen(B &b, typename B::Value x, const Format &src,
                        const Format &dst) {
  assert(widensExactly(src, dst) && b.width() >= dst.width);
  using V = typename B::Value;
  auto c = [&](uint64_t v) { return b.constant(v); };
  V magnitude = b.and_(x, c(src.magnitudeMask()));
  V negative = b.ne(b.and_(x, c(src.signBit())), c(0));
  V exponent = b.lshr(magnitude, c(src.mantissaBits));
  V mantissa = b.and_(x, c(src.mantissaMask()));

  // Normal: the fields move up together; then rebias the exponent.
  uint64_t rebias = uint64_t(int64_t(dst.bias - src.bias)) << dst.mantissaBits;
  V normal = b.add(b.shl(magnitude, c(dst.mantissaBits - src.mantissaBits)),
                   c(rebias));
  // Subnormal: mantissa * 2^(minExponent - mantissaBits), normal in dst,
  // with the exponent of its top bit p. (`| 1` keeps ctlz's operand nonzero
  // where the mantissa is zero and this value is not used.)
  V top = b.sub(c(b.width() - 1), b.ctlz(b.or_(mantissa, c(1))));
  int64_t lowest = int64_t(dst.bias) + src.minExponent() - src.mantissaBits;
  V subnormal =
      b.or_(b.shl(b.add(top, c(uint64_t(lowest))), c(dst.mantissaBits)),
            b.and_(b.shl(mantissa, b.sub(c(dst.mantissaBits), top)),
                   c(dst.mantissaMask())));
  V result = b.select(b.eq(exponent, c(0)),
                      b.select(b.eq(mantissa, c(0)), c(0), subnormal), normal);

  V isNaN;
  switch (src.specials) {
  case Specials::IEEE:
    isNaN = b.ult(c(src.infinity()), magnitude);
    result =
        b.select(b.eq(magnitude, c(src.infinity())), c(dst.infinity()), result);
    break;
  case Specials::FN:
    isNaN = b.eq(magnitude, c(src.magnitudeMask()));
    break;
  case Specials::FNUZ:
    isNaN = b.eq(x, c(src.signBit()));
    break;
  }
  result = b.or_(result, b.select(negative, c(dst.signBit()), c(0)));
  return b.select(isNaN, c(dst.canonicalNaN()), result);
}

/// Whether `src` is the top bits of `dst` (e5m2 of f16): same exponent
/// field and bias, IEEE specials, only a shorter mantissa.
constexpr bool isTopOf(const Format &src, const Format &dst) {
  return src.specials == Specials::IEEE && dst.specials == Specials::IEEE &&
         src.exponentBits == dst.exponentBits && src.bias == dst.bias &&
         dst.width - src.width == dst.mantissaBits - src.mantissaBits;
}

/// widen for a `src` that is the top bits of `dst` (see isTopOf): a shift,
/// subnormals included; NaN becomes dst's canonical NaN.
template <typename B>
typename B::Value widenByShift(B &b, typename B::Value x, const Format &src,
                               const Format &dst) {
  assert(isTopOf(src, dst) && b.width() >= dst.width);
  auto c = [&](uint64_t v) { return b.constant(v); };
  typename B::Value bits = b.shl(x, c(dst.width - src.width));
  return b.select(
      b.ult(c(dst.infinity()), b.and_(bits, c(dst.magnitudeMask()))),
      c(dst.canonicalNaN()), bits);
}

/// The `dst` bits of the `src` value whose bits are `x` (zero-extended to
/// the builder's width), rounded to nearest even or toward zero.
///
/// As the GPU's cvt.rn.satfinite: a magnitude beyond dst's largest finite
/// value becomes that value (infinities too, when rounding to nearest;
/// rounding toward zero keeps them where dst has infinities, as IEEE does);
/// NaN becomes dst's canonical NaN; a zero keeps its sign, except in FNUZ
/// formats, which have no negative zero.
template <typename B>
typename B::Value narrow(B &b, typename B::Value x, const Format &src,
                         const Format &dst, Rounding rounding) {
  assert(narrowsDirectly(src, dst) && b.width() >= src.width);
  using V = typename B::Value;
  auto c = [&](uint64_t v) { return b.constant(v); };
  const unsigned step = src.mantissaBits - dst.mantissaBits;
  // src's biased exponent of dst's smallest normal value.
  const uint64_t normalStart = uint64_t(src.bias + dst.minExponent());

  V magnitude = b.and_(x, c(src.magnitudeMask()));
  V negative = b.ne(b.and_(x, c(src.signBit())), c(0));
  V exponent = b.lshr(magnitude, c(src.mantissaBits));
  V isNaN = b.ult(c(src.infinity()), magnitude);
  V isInfinite = b.eq(magnitude, c(src.infinity()));

  // In dst's normal range, the rebiased magnitude shifted right by `step` is
  // the dst code, before rounding. (Larger values give codes beyond dst's
  // largest, saturated below.)
  V normalOperand =
      b.sub(magnitude, c(uint64_t(src.bias - dst.bias) << src.mantissaBits));
  // Below it, the significand with its leading bit shifted by one more per
  // exponent step below; a source subnormal is exponent 1 without the
  // leading bit. The significand has mantissaBits + 1 bits, so shifting by
  // mantissaBits + 2 already gives zero however it rounds: the shift stops
  // there.
  V zeroExponent = b.eq(exponent, c(0));
  V significand =
      b.or_(b.and_(magnitude, c(src.mantissaMask())),
            b.select(zeroExponent, c(0), c(uint64_t(1) << src.mantissaBits)));
  V below = b.sub(c(normalStart), b.select(zeroExponent, c(1), exponent));
  const uint64_t maxBelow = src.mantissaBits + 2 - step;
  V subnormalShift =
      b.add(c(step), b.select(b.ult(below, c(maxBelow)), below, c(maxBelow)));
  V isSubnormal = b.ult(exponent, c(normalStart));
  V operand = b.select(isSubnormal, significand, normalOperand);
  V shift = b.select(isSubnormal, subnormalShift, c(step));

  V code = b.lshr(operand, shift);
  if (rounding == Rounding::NearestEven) {
    V remainder = b.and_(operand, b.sub(b.shl(c(1), shift), c(1)));
    V half = b.shl(c(1), b.sub(shift, c(1)));
    V odd = b.ne(b.and_(code, c(1)), c(0));
    V up = b.or_(b.ult(half, remainder), b.and_(b.eq(remainder, half), odd));
    // A carry out of the mantissa moves to the next binade, as it should.
    code = b.add(code, b.zext(up));
  }
  code = b.select(b.ult(c(dst.maxFinite()), code), c(dst.maxFinite()), code);
  if (rounding == Rounding::TowardZero && dst.specials == Specials::IEEE)
    code = b.select(isInfinite, c(dst.infinity()), code);

  V signed_ = negative;
  if (dst.specials == Specials::FNUZ)
    signed_ = b.and_(negative, b.ne(code, c(0)));
  code = b.or_(code, b.select(signed_, c(dst.signBit()), c(0)));
  return b.select(isNaN, c(dst.canonicalNaN()), code);
}

} // namespace tritium::floatbits

#endif // TRITIUM_CONVERSION_FLOATBITS_H
