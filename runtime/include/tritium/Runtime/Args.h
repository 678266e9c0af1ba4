//===- Args.h - Kernel argument values and launch grids ---------*- C++ -*-===//
//
// A kernel's arguments are passed as ArgValue: a tagged scalar that remembers
// what the caller passed (a pointer, a signed or unsigned integer, a float, a
// bool). The runtime checks each value against the parameter's type in the IR
// before launching and names the argument when they do not fit, then packs it
// the way the kernel's PTX parameter list expects.
//
// ArgValue converts implicitly from the values a caller naturally has:
// T* (a device pointer), DevicePtr via ArgValue::pointer(), any integer type,
// float, double, bool, and Half / BFloat16 bit patterns.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_RUNTIME_ARGS_H
#define TRITIUM_RUNTIME_ARGS_H

#include <cstdint>
#include <string>
#include <type_traits>

namespace tritium {

/// The type of a kernel parameter as the Triton IR declares it.
enum class ParamType : std::uint8_t {
  Pointer, ///< !tt.ptr<T> (any pointee, global address space)
  I1,
  I8,
  I16,
  I32,
  I64,
  F16,
  BF16,
  F32,
  F64,
};

/// "ptr", "i1", "i32", "f32" ... (as in Triton IR; pointers print their
/// pointee elsewhere).
const char *paramTypeName(ParamType type);
/// Size in bytes of the parameter in the PTX parameter list (i1 is one byte).
unsigned paramTypeSize(ParamType type);

/// A 16-bit IEEE half value, as its bit pattern.
struct Half {
  std::uint16_t bits = 0;
};
/// A bfloat16 value, as its bit pattern.
struct BFloat16 {
  std::uint16_t bits = 0;
};

/// One argument value of a launch.
class ArgValue {
public:
  enum class Kind : std::uint8_t {
    Pointer,  ///< a device address
    Bool,     ///< bool
    Signed,   ///< a signed integer of any width
    Unsigned, ///< an unsigned integer of any width
    Float,    ///< float
    Double,   ///< double
    Half,     ///< Half bit pattern
    BFloat16, ///< BFloat16 bit pattern
  };

  ArgValue() = default;
  template <typename T>
  ArgValue(T *devicePointer)
      : valueKind(Kind::Pointer),
        raw(static_cast<std::uint64_t>(
            reinterpret_cast<std::uintptr_t>(devicePointer))) {}
  ArgValue(std::nullptr_t) : valueKind(Kind::Pointer), raw(0) {}
  ArgValue(bool value) : valueKind(Kind::Bool), raw(value ? 1 : 0) {}
  template <typename T,
            std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>,
                             int> = 0>
  ArgValue(T value)
      : valueKind(std::is_signed_v<T> ? Kind::Signed : Kind::Unsigned),
        raw(std::is_signed_v<T>
                ? static_cast<std::uint64_t>(static_cast<std::int64_t>(value))
                : static_cast<std::uint64_t>(value)) {}
  ArgValue(float value) : valueKind(Kind::Float) { storeFloat(value); }
  ArgValue(double value) : valueKind(Kind::Double) { storeDouble(value); }
  ArgValue(Half value) : valueKind(Kind::Half), raw(value.bits) {}
  ArgValue(BFloat16 value) : valueKind(Kind::BFloat16), raw(value.bits) {}

  /// A device address given as a number (a CUdeviceptr).
  static ArgValue pointer(std::uint64_t address) {
    ArgValue value;
    value.valueKind = Kind::Pointer;
    value.raw = address;
    return value;
  }

  Kind kind() const { return valueKind; }
  /// The 64 raw bits: the address, the integer (sign-extended when Signed),
  /// the float's or double's bit pattern, the half's bits.
  std::uint64_t bits() const { return raw; }
  std::int64_t asSigned() const { return static_cast<std::int64_t>(raw); }
  float asFloat() const;
  double asDouble() const;
  bool isInteger() const {
    return valueKind == Kind::Signed || valueKind == Kind::Unsigned;
  }

  /// "pointer 0x7f...", "int 42", "float 1.5" -- for error messages.
  std::string describe() const;

private:
  void storeFloat(float value);
  void storeDouble(double value);

  Kind valueKind = Kind::Signed;
  std::uint64_t raw = 0;
};

/// A launch grid: the number of programs (CTAs) along x, y and z, as Triton's
/// grid tuple.
struct Grid {
  std::uint32_t x = 1, y = 1, z = 1;
  Grid() = default;
  Grid(std::uint32_t x, std::uint32_t y = 1, std::uint32_t z = 1)
      : x(x), y(y), z(z) {}
};

} // namespace tritium

#endif // TRITIUM_RUNTIME_ARGS_H
