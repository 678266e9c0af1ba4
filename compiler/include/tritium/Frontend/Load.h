//===- Load.h - Read Triton IR into a verified module -----------*- C++ -*-===//
//
// The one entry point every Tritium front door (tritiumc, the JIT) uses to
// read Triton IR text, so they accept and reject exactly the same inputs.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_FRONTEND_LOAD_H
#define TRITIUM_FRONTEND_LOAD_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace tritium {

/// Parses and verifies the main buffer of `sourceMgr` as MLIR of any stage
/// Tritium reads (Triton IR, or the LLVM + NVVM dialects). An empty or blank
/// buffer is an error. Null on any error, reported as a diagnostic.
mlir::OwningOpRef<mlir::ModuleOp> parseModule(llvm::SourceMgr &sourceMgr,
                                              mlir::MLIRContext &context);

/// Checks that `module` holds at least one kernel (a public tt.func with a
/// body) and that no kernel returns values.
mlir::LogicalResult checkTritonKernels(mlir::ModuleOp module);

/// Parses the main buffer of `sourceMgr` as Triton IR, verifies it and checks
/// that it holds at least one kernel (a public tt.func without results).
/// Problems are reported as diagnostics at their file:line:col through the
/// context's diagnostic handler; the result is null on any error.
mlir::OwningOpRef<mlir::ModuleOp> loadTritonIR(llvm::SourceMgr &sourceMgr,
                                               mlir::MLIRContext &context);

} // namespace tritium

#endif // TRITIUM_FRONTEND_LOAD_H
