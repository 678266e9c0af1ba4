//===- InitAll.cpp - Register every dialect and pass Tritium uses ---------===//

#include "tritium/InitAll.h"

#include "tritium/Dialect/Triton/IR/Dialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Transforms/Passes.h"

void tritium::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<mlir::triton::TritonDialect, mlir::arith::ArithDialect,
                  mlir::math::MathDialect, mlir::scf::SCFDialect,
                  mlir::cf::ControlFlowDialect, mlir::func::FuncDialect>();
}

void tritium::registerAllPasses() {
  // Generic cleanups (canonicalize, cse, inline, symbol-dce, ...).
  mlir::registerTransformsPasses();
}
