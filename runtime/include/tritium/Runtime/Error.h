//===- Error.h - The one error type of Tritium's public API -----*- C++ -*-===//
//
// Every public entry point of the runtime, the builder, the tuner and the
// kernels' APIs reports failure by throwing tritium::Error. Its message says
// what went wrong and what to do about it: which kernel, which argument,
// the driver's error name and text.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_RUNTIME_ERROR_H
#define TRITIUM_RUNTIME_ERROR_H

#include <stdexcept>
#include <string>

namespace tritium {

class Error : public std::runtime_error {
public:
  enum class Kind {
    InvalidArgument, ///< A caller's value, shape, dtype or pointer is wrong.
    Compile,         ///< The kernel source was rejected or failed to lower.
    NoDriver,        ///< No CUDA driver (libcuda.so.1) or no device.
    Driver,          ///< A CUDA driver call failed.
    Cache,           ///< The on-disk cache could not be used.
    Io,              ///< A file could not be read or written.
    Unsupported,     ///< Valid, but not supported by this version.
    Internal,        ///< A bug in Tritium.
  };

  Error(Kind kind, const std::string &message)
      : std::runtime_error(message), errorKind(kind) {}

  Kind kind() const { return errorKind; }

private:
  Kind errorKind;
};

} // namespace tritium

#endif // TRITIUM_RUNTIME_ERROR_H
