//===- ArgRules.h - Checking, specialising and packing one argument -*- C++
//-*-===//
//
// The per-argument rules shared by the launch path (Kernel.cpp, which must be
// fast and allocation-free) and the public specialize() (which also builds
// the error messages): whether a value fits a parameter type, what Triton 3.6
// would specialise it on, and its bytes in the parameter block.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_RUNTIME_LIB_ARGRULES_H
#define TRITIUM_RUNTIME_LIB_ARGRULES_H

#include "tritium/Runtime/Args.h"
#include "tritium/Runtime/Specialization.h"

#include <cstdint>
#include <cstring>
#include <string>

namespace tritium::detail {

/// Whether `value` may be passed for a parameter of type `type`; when not,
/// `why` (if given) says what was expected.
bool fits(ParamType type, const ArgValue &value, std::string *why = nullptr);

/// The specialisation of a value that fits `param` (Triton 3.6's rules, see
/// Specialization.h). Returns false when the value breaks the IR's own
/// tt.divisibility.
inline bool classify(const ParamInfo &param, const ArgValue &value,
                     ArgSpecialization &result) {
  result = ArgSpecialization::None;
  std::uint64_t bits = value.bits();
  if (param.irDivisibility > 1) {
    // The IR already promises divisibility: hold the caller to it.
    return bits % param.irDivisibility == 0;
  }
  if (!param.specializeValue)
    return true;
  switch (param.type) {
  case ParamType::Pointer:
    if (param.specializeAlignment && (bits & 15) == 0)
      result = ArgSpecialization::Divisible16;
    return true;
  case ParamType::I8:
  case ParamType::I16:
  case ParamType::I32:
  case ParamType::I64:
    if (bits == 1)
      result = ArgSpecialization::EqualsOne;
    else if (param.specializeAlignment && (bits & 15) == 0)
      result = ArgSpecialization::Divisible16;
    return true;
  default:
    return true;
  }
}

std::uint16_t floatToHalfBits(float value);
std::uint16_t floatToBFloat16Bits(float value);

/// The value's bytes as a parameter of `type` (little-endian in the low
/// bytes of the result). The value must fit (see fits()).
inline std::uint64_t packValue(ParamType type, const ArgValue &value) {
  switch (type) {
  case ParamType::F32: {
    float f = value.asFloat();
    std::uint32_t out;
    std::memcpy(&out, &f, 4);
    return out;
  }
  case ParamType::F64: {
    double d = value.asDouble();
    std::uint64_t out;
    std::memcpy(&out, &d, 8);
    return out;
  }
  case ParamType::F16:
    if (value.kind() == ArgValue::Kind::Half)
      return value.bits();
    return floatToHalfBits(value.asFloat());
  case ParamType::BF16:
    if (value.kind() == ArgValue::Kind::BFloat16)
      return value.bits();
    return floatToBFloat16Bits(value.asFloat());
  case ParamType::I1:
    return value.bits() != 0;
  default:
    return value.bits();
  }
}

} // namespace tritium::detail

#endif // TRITIUM_RUNTIME_LIB_ARGRULES_H
