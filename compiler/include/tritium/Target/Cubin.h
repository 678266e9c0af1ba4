//===- Cubin.h - PTX -> cubin through nvJitLink or ptxas --------*- C++ -*-===//
//
// The last step of the pipeline, shared by tritiumc and the JIT: assemble PTX
// into a cubin (an ELF the CUDA driver loads without JIT-compiling).
//
// Two backends, tried in this order:
//  1. nvJitLink, loaded at run time with dlopen (libnvJitLink.so.13 or
//     libnvJitLink.so from $CUDA_HOME/lib64, /usr/local/cuda/lib64, then the
//     loader's search path): in-process, no temporary files.
//  2. ptxas from the CUDA toolkit, run as a subprocess in a temporary
//     directory ($TRITIUM_PTXAS, $CUDA_HOME/bin, /usr/local/cuda/bin, PATH).
// Nothing links against libnvJitLink or libcuda at build time, so the tools
// start on machines that have neither; asking for a cubin there is an error
// that names every place looked at.
//
// Environment:
//   TRITIUM_DISABLE_NVJITLINK=1  never use nvJitLink
//   TRITIUM_NVJITLINK=PATH       the only nvJitLink library to try
//   TRITIUM_PTXAS=PATH           the only ptxas to try
//
// This header needs neither MLIR nor the CUDA headers, and the functions it
// declares use only LLVM Support, so the runtime can call them without
// pulling in the rest of the compiler.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_TARGET_CUBIN_H
#define TRITIUM_TARGET_CUBIN_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace tritium {

struct GpuArch; // tritium/Target/PTX.h

enum class CubinBackend { NvJitLink, Ptxas };

/// "nvjitlink" or "ptxas", as the metadata JSON and --cubin-backend spell it.
llvm::StringRef cubinBackendName(CubinBackend backend);
std::optional<CubinBackend> parseCubinBackend(llvm::StringRef name);

struct CubinOptions {
  /// Use only this backend. Unset: nvJitLink when it loads, else ptxas.
  std::optional<CubinBackend> backend;
  /// ptxas optimisation level (-O); nvJitLink accepts only 0 and 3, so any
  /// level above 0 is passed to it as 3.
  unsigned optLevel = 3;
};

struct Cubin {
  std::vector<char> image; ///< The ELF file, as the driver loads it.
  CubinBackend backend = CubinBackend::NvJitLink; ///< Which backend made it.
  std::string path; ///< The library or executable that made it.
  /// Anything worth telling the user although the cubin was made (e.g. that
  /// nvJitLink failed and ptxas was used instead). Empty most of the time.
  std::string notes;
};

/// The backend ptxToCubin would use with default options now, or nullopt
/// when neither is available. Loads nvJitLink if it was not loaded yet.
std::optional<CubinBackend> cubinBackendAvailable();

/// Where each backend was looked for and what was found, one line each
/// (the text an error about a missing backend carries).
std::string describeCubinBackends();

/// Assembles \p ptx (one module, text) for \p arch. The error names the
/// backend, the tool's path and its log (ptxas's messages for bad PTX), or,
/// when no backend is available, every place that was looked at.
llvm::Expected<Cubin> ptxToCubin(llvm::StringRef ptx, const GpuArch &arch,
                                 const CubinOptions &options = {});

} // namespace tritium

#endif // TRITIUM_TARGET_CUBIN_H
