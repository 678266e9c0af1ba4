//===- Passes.h - Passes that expose Tritium's analyses ---------*- C++ -*-===//

#ifndef TRITIUM_ANALYSIS_PASSES_H
#define TRITIUM_ANALYSIS_PASSES_H

#include "tritium/Dialect/Triton/IR/Dialect.h"

#include "mlir/Pass/Pass.h"

namespace mlir::triton {

#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "tritium/Analysis/Passes.h.inc"

} // namespace mlir::triton

#endif // TRITIUM_ANALYSIS_PASSES_H
