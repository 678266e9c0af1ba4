//===- Compiler.h - The runtime's compile path (internal) -------*- C++ -*-===//
//
// Triton IR text -> (specialised) Triton IR -> TritonGPU IR -> LLVM + NVVM
// dialects -> LLVM IR -> PTX -> cubin, the same stages tritiumc runs, with
// every stage dumpable and replaceable (TRITIUM_DUMP_DIR,
// TRITIUM_OVERRIDE_DIR). MLIR contexts are pooled and reused across
// compilations: creating one and loading its dialects costs more than
// compiling a small kernel.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_RUNTIME_LIB_COMPILER_H
#define TRITIUM_RUNTIME_LIB_COMPILER_H

#include "tritium/Runtime/Kernel.h"
#include "tritium/Runtime/Specialization.h"

#include <string>
#include <vector>

namespace tritium::detail {

/// Parses `irText`, checks it holds a launchable kernel and returns the
/// kernel's signature. `kernelName` picks one of several public tt.funcs.
/// Throws Error(Compile) with the diagnostics (file:line:col).
Signature readSignature(const std::string &irText, const std::string &origin,
                        const std::string &kernelName);

struct CompileJob {
  const std::string *irText = nullptr;
  std::string origin;
  std::string kernelName; ///< the kernel (already resolved)
  /// Its signature (before specialisation), for the launch parameters.
  const Signature *signature = nullptr;
  Specialization specialization;
  std::string arch; ///< "sm_90a"
  unsigned numWarps = 4;
  unsigned numStages = 3;
  unsigned optLevel = 3;
  bool strengthReduction = true; ///< PTXOptions::strengthReduction
  unsigned maxRegisters = 0;     ///< PipelineOptions::maxRegisters
  /// Stage files are written to / read from <dir>/<variantTag>/<kernel>.<ext>
  /// (overrides also from <overrideDir>/<kernel>.<ext>). Empty: none.
  std::string dumpDir;
  std::string overrideDir;
  std::string variantTag;
  /// Assemble the PTX to a cubin when a backend (nvJitLink, ptxas) is
  /// available; otherwise the driver JIT-compiles the PTX at load.
  bool wantCubin = true;
};

struct CompileOutput {
  std::string ptx;
  std::string cubin;
  KernelMetadata metadata;
  /// Stages replaced from the override folder ("ptx", ...), for the metadata.
  std::vector<std::string> overridden;
  /// Per-stage host time in milliseconds: parse, ttgir, llvm-mlir, llvm,
  /// ptx, cubin (for profiling the compile time).
  std::vector<std::pair<std::string, double>> stageMilliseconds;
};

/// Compiles one variant. Throws Error(Compile) naming the kernel, the target
/// and the stage that failed, with the diagnostics.
CompileOutput compileKernel(const CompileJob &job);

/// The file extension of each stage in dump and override folders.
inline constexpr const char *kStageExtensions[][2] = {
    {"ttir", "ttir"}, {"ttgir", "ttgir"}, {"llvm-mlir", "llvm.mlir"},
    {"llvm", "ll"},   {"ptx", "ptx"},     {"cubin", "cubin"}};

/// Whether a PTX -> cubin backend (nvJitLink, ptxas) is available here.
bool haveCubinCompiler();

} // namespace tritium::detail

#endif // TRITIUM_RUNTIME_LIB_COMPILER_H
