//===- InitAll.cpp - Register every dialect and pass Tritium uses ---------===//

#include "tritium/InitAll.h"

#include "tritium/Dialect/Triton/IR/Dialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Transforms/Passes.h"

void tritium::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<mlir::triton::TritonDialect, mlir::arith::ArithDialect,
                  mlir::math::MathDialect, mlir::scf::SCFDialect,
                  mlir::cf::ControlFlowDialect, mlir::func::FuncDialect,
                  // tl.debug_barrier prints as gpu.barrier; ub.poison appears
                  // where Triton leaves a value undefined.
                  mlir::gpu::GPUDialect, mlir::ub::UBDialect>();
}

void tritium::registerAllPasses() {
  // Generic cleanups (canonicalize, cse, inline, symbol-dce, ...).
  mlir::registerTransformsPasses();
}
