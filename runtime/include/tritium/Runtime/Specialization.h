//===- Specialization.h - Kernel signatures and Triton's specialisation -*- C++
//-*-===//
//
// Triton compiles one variant of a kernel per *specialisation* of its
// arguments, and so does Tritium, with Triton 3.6's rules:
//   * an integer argument equal to 1 becomes the constant 1: it is removed
//     from the kernel's parameter list and its uses see `arith.constant 1`;
//   * an integer argument divisible by 16 is marked `tt.divisibility = 16`;
//   * a pointer argument aligned to 16 bytes is marked `tt.divisibility = 16`;
//   * bools and floats are never specialised.
// A parameter may opt out (KernelOptions::doNotSpecialize, like Triton's
// do_not_specialize) or opt out of the divisibility part only
// (doNotSpecializeOnAlignment). Arguments the IR already marks with
// `tt.divisibility` are taken as the IR says: the runtime checks that the
// values passed satisfy it (a misaligned pointer is an InvalidArgument error)
// and does not specialise them further.
//
// The specialisation, together with num_warps, num_stages, the constexpr
// values of builder kernels, the IR and the target, forms the cache key.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_RUNTIME_SPECIALIZATION_H
#define TRITIUM_RUNTIME_SPECIALIZATION_H

#include "tritium/Runtime/Args.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace tritium {

/// One parameter of a kernel as its Triton IR declares it.
struct ParamInfo {
  /// The argument's name: its name location in Triton's output
  /// (`loc("x_ptr")`), else "arg<N>".
  std::string name;
  ParamType type = ParamType::I32;
  /// The type as the IR prints it: "!tt.ptr<f32>", "i32".
  std::string typeText;
  /// `tt.divisibility` already on the argument in the IR (0: none).
  unsigned irDivisibility = 0;
  /// May be specialised on its value (== 1, divisible by 16, aligned).
  bool specializeValue = true;
  /// May be specialised on divisibility / alignment.
  bool specializeAlignment = true;
};

/// The kernel's name and its IR parameters, in order.
struct Signature {
  std::string kernelName;
  std::vector<ParamInfo> params;

  /// Index of the parameter called `name`, or -1.
  int find(const std::string &name) const;
};

/// What one argument's value was specialised on.
enum class ArgSpecialization : std::uint8_t {
  None = 0,        ///< nothing known beyond the type
  Divisible16 = 1, ///< integer divisible by 16, or pointer aligned to 16 bytes
  EqualsOne = 2,   ///< integer equal to 1: a constant, no longer a parameter
};

/// The specialisation of every IR parameter of one launch.
struct Specialization {
  std::vector<ArgSpecialization> args;

  /// Triton's notation, one field per parameter: "D" (divisible by 16),
  /// "1" (the constant 1), "" (nothing); joined with ','.
  std::string str() const;
  /// Parses str()'s notation; nullopt-like empty result on malformed text is
  /// reported by throwing Error(InvalidArgument).
  static Specialization parse(const std::string &text);
  /// No specialisation for `numParams` parameters.
  static Specialization none(std::size_t numParams);

  bool operator==(const Specialization &other) const = default;
};

/// Checks `args` against `signature` (count and type of each, naming the
/// argument on a mismatch, and values against the IR's own tt.divisibility)
/// and returns their specialisation under Triton 3.6's rules. Throws
/// Error(InvalidArgument).
Specialization specialize(const Signature &signature,
                          std::span<const ArgValue> args);

} // namespace tritium

#endif // TRITIUM_RUNTIME_SPECIALIZATION_H
