//===- PTX.h - LLVM dialect -> LLVM IR -> PTX -------------------*- C++ -*-===//
//
// The last stages of the pipeline: translate a module in the LLVM (+NVVM)
// dialect to LLVM IR, link the CUDA toolkit's libdevice where the module calls
// it, optimise at O3 and emit PTX with LLVM's NVPTX backend.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_TARGET_PTX_H
#define TRITIUM_TARGET_PTX_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <memory>
#include <optional>
#include <string>

namespace llvm {
class LLVMContext;
class Module;
} // namespace llvm

namespace tritium {

/// A CUDA target Tritium generates code for.
struct GpuArch {
  unsigned capability = 90; ///< 80 for sm_80, 90 for sm_90 / sm_90a.
  bool archSpecific = false; ///< The `a` suffix: wgmma and other sm_90a-only
                             ///< instructions may be used.
  std::string name() const; ///< "sm_90a"
};

/// Parses "sm_80", "sm_90", "sm_90a" (also "80", "90", "90a").
std::optional<GpuArch> parseGpuArch(llvm::StringRef text);

struct PTXOptions {
  GpuArch arch;
  unsigned optLevel = 3;
  /// The NVPTX backend's straight-line strength reduction (SLSR). On large
  /// straight-line kernels it is most of code generation's time (75% of it
  /// for the indexer's merges, ~150 ms each on the 2-core machine); without
  /// it ptxas often makes code as fast, sometimes with more spills
  /// (docs/perf-notes.md, "Indexer v18b").
  bool strengthReduction = true;
  /// libdevice.10.bc; empty: $CUDA_HOME/nvvm/libdevice, then /usr/local/cuda.
  std::string libdevicePath;
};

/// Finds libdevice.10.bc as PTXOptions::libdevicePath describes; empty if
/// there is none.
std::string findLibdevice(llvm::StringRef hint = {});

/// Translates `module` (LLVM + NVVM dialects only) to an optimised LLVM module
/// for the NVPTX target. Diagnostics go to the module's context.
std::unique_ptr<llvm::Module> translateToLLVMIR(mlir::ModuleOp module,
                                                llvm::LLVMContext &llvmContext,
                                                const PTXOptions &options);

/// Emits PTX assembly for an LLVM module made by translateToLLVMIR.
mlir::FailureOr<std::string> emitPTX(llvm::Module &module,
                                     const PTXOptions &options,
                                     mlir::Location diagnosticLoc);

} // namespace tritium

#endif // TRITIUM_TARGET_PTX_H
