//===- Args.cpp - Argument values, their checks and their bytes -----------===//

#include "ArgRules.h"

#include "tritium/Runtime/Error.h"

#include <bit>
#include <cinttypes>
#include <cstdio>

using namespace tritium;

const char *tritium::paramTypeName(ParamType type) {
  switch (type) {
  case ParamType::Pointer:
    return "ptr";
  case ParamType::I1:
    return "i1";
  case ParamType::I8:
    return "i8";
  case ParamType::I16:
    return "i16";
  case ParamType::I32:
    return "i32";
  case ParamType::I64:
    return "i64";
  case ParamType::F16:
    return "f16";
  case ParamType::BF16:
    return "bf16";
  case ParamType::F32:
    return "f32";
  case ParamType::F64:
    return "f64";
  }
  return "?";
}

unsigned tritium::paramTypeSize(ParamType type) {
  switch (type) {
  case ParamType::Pointer:
  case ParamType::I64:
  case ParamType::F64:
    return 8;
  case ParamType::I32:
  case ParamType::F32:
    return 4;
  case ParamType::I16:
  case ParamType::F16:
  case ParamType::BF16:
    return 2;
  case ParamType::I1:
  case ParamType::I8:
    return 1;
  }
  return 8;
}

void ArgValue::storeFloat(float value) {
  raw = std::bit_cast<std::uint32_t>(value);
}

void ArgValue::storeDouble(double value) {
  raw = std::bit_cast<std::uint64_t>(value);
}

namespace {
float halfBitsToFloat(std::uint16_t h) {
  std::uint32_t sign = std::uint32_t(h & 0x8000) << 16;
  std::uint32_t exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  std::uint32_t bits;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else { // subnormal: normalise
      int shift = 0;
      while (!(mantissa & 0x400)) {
        mantissa <<= 1;
        ++shift;
      }
      mantissa &= 0x3ff;
      bits = sign | std::uint32_t(127 - 15 - shift + 1) << 23 | mantissa << 13;
    }
  } else if (exponent == 31) {
    bits = sign | 0x7f800000u | mantissa << 13;
  } else {
    bits = sign | (exponent + 127 - 15) << 23 | mantissa << 13;
  }
  return std::bit_cast<float>(bits);
}
} // namespace

float ArgValue::asFloat() const {
  switch (valueKind) {
  case Kind::Float:
    return std::bit_cast<float>(std::uint32_t(raw));
  case Kind::Double:
    return float(std::bit_cast<double>(raw));
  case Kind::Half:
    return halfBitsToFloat(std::uint16_t(raw));
  case Kind::BFloat16:
    return std::bit_cast<float>(std::uint32_t(raw) << 16);
  case Kind::Signed:
    return float(std::int64_t(raw));
  default:
    return float(raw);
  }
}

double ArgValue::asDouble() const {
  if (valueKind == Kind::Double)
    return std::bit_cast<double>(raw);
  if (valueKind == Kind::Signed)
    return double(std::int64_t(raw));
  if (valueKind == Kind::Unsigned || valueKind == Kind::Pointer ||
      valueKind == Kind::Bool)
    return double(raw);
  return double(asFloat());
}

std::string ArgValue::describe() const {
  char text[64];
  switch (valueKind) {
  case Kind::Pointer:
    std::snprintf(text, sizeof text, "pointer 0x%" PRIx64, raw);
    break;
  case Kind::Bool:
    return raw ? "bool true" : "bool false";
  case Kind::Signed:
    std::snprintf(text, sizeof text, "int %" PRId64, std::int64_t(raw));
    break;
  case Kind::Unsigned:
    std::snprintf(text, sizeof text, "unsigned %" PRIu64, raw);
    break;
  case Kind::Float:
    std::snprintf(text, sizeof text, "float %g", double(asFloat()));
    break;
  case Kind::Double:
    std::snprintf(text, sizeof text, "double %g", asDouble());
    break;
  case Kind::Half:
    std::snprintf(text, sizeof text, "half %g", double(asFloat()));
    break;
  case Kind::BFloat16:
    std::snprintf(text, sizeof text, "bfloat16 %g", double(asFloat()));
    break;
  }
  return text;
}

std::uint16_t detail::floatToHalfBits(float value) {
  std::uint32_t bits = std::bit_cast<std::uint32_t>(value);
  std::uint32_t sign = (bits >> 16) & 0x8000;
  std::uint32_t absBits = bits & 0x7fffffff;
  if (absBits >= 0x7f800000) // inf or NaN (keep NaN quiet)
    return std::uint16_t(sign | 0x7c00 | (absBits > 0x7f800000 ? 0x200 : 0));
  if (absBits >= 0x477ff000) // rounds to >= 65520: overflow to inf
    return std::uint16_t(sign | 0x7c00);
  if (absBits < 0x38800000) { // subnormal half (or zero)
    if (absBits < 0x33000000)
      return std::uint16_t(sign);
    std::uint32_t mantissa = (absBits & 0x7fffff) | 0x800000;
    int shift = 126 - int(absBits >> 23); // 14..24
    std::uint32_t half = mantissa >> shift;
    std::uint32_t rest = mantissa & ((1u << shift) - 1);
    std::uint32_t midpoint = 1u << (shift - 1);
    if (rest > midpoint || (rest == midpoint && (half & 1)))
      ++half;
    return std::uint16_t(sign | half);
  }
  // Normal: rebias and round to nearest even on the dropped 13 bits.
  std::uint32_t half = ((absBits >> 13) - ((127 - 15) << 10));
  std::uint32_t rest = absBits & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1)))
    ++half;
  return std::uint16_t(sign | half);
}

std::uint16_t detail::floatToBFloat16Bits(float value) {
  std::uint32_t bits = std::bit_cast<std::uint32_t>(value);
  if ((bits & 0x7fffffff) > 0x7f800000) // NaN stays a quiet NaN
    return std::uint16_t((bits >> 16) | 0x40);
  std::uint32_t roundingBias = 0x7fff + ((bits >> 16) & 1);
  return std::uint16_t((bits + roundingBias) >> 16);
}

bool detail::fits(ParamType type, const ArgValue &value, std::string *why) {
  using Kind = ArgValue::Kind;
  auto expected = [&](const char *what) {
    if (why)
      *why = what;
    return false;
  };
  switch (type) {
  case ParamType::Pointer:
    return value.kind() == Kind::Pointer ? true : expected("a device pointer");
  case ParamType::I1:
    if (value.kind() == Kind::Bool ||
        (value.isInteger() && (value.bits() == 0 || value.bits() == 1)))
      return true;
    return expected("a bool (i1)");
  case ParamType::I8:
  case ParamType::I16:
  case ParamType::I32:
  case ParamType::I64: {
    if (!value.isInteger())
      return expected(type == ParamType::I8    ? "an integer (i8)"
                      : type == ParamType::I16 ? "an integer (i16)"
                      : type == ParamType::I32 ? "an integer (i32)"
                                               : "an integer (i64)");
    unsigned width = paramTypeSize(type) * 8;
    if (width == 64)
      return true;
    // Signed values must fit the signed range; unsigned ones the unsigned
    // range (Triton's u32 / u64 arguments share the signless type).
    bool ok = value.kind() == Kind::Signed
                  ? value.asSigned() >= -(std::int64_t(1) << (width - 1)) &&
                        value.asSigned() < (std::int64_t(1) << width)
                  : value.bits() < (std::uint64_t(1) << width);
    if (ok)
      return true;
    if (why)
      *why = "an integer that fits in i" + std::to_string(width);
    return false;
  }
  case ParamType::F16:
    if (value.kind() == Kind::Half || value.kind() == Kind::Float ||
        value.kind() == Kind::Double)
      return true;
    return expected("a float (f16)");
  case ParamType::BF16:
    if (value.kind() == Kind::BFloat16 || value.kind() == Kind::Float ||
        value.kind() == Kind::Double)
      return true;
    return expected("a float (bf16)");
  case ParamType::F32:
  case ParamType::F64:
    if (value.kind() == Kind::Float || value.kind() == Kind::Double)
      return true;
    return expected(type == ParamType::F32 ? "a float (f32)"
                                           : "a double (f64)");
  }
  return expected("a supported value");
}
