//===- Passes.h - Passes on Triton IR (tt) ----------------------*- C++ -*-===//

#ifndef TRITIUM_DIALECT_TRITON_TRANSFORMS_PASSES_H
#define TRITIUM_DIALECT_TRITON_TRANSFORMS_PASSES_H

#include "tritium/Dialect/Triton/IR/Dialect.h"

#include "mlir/Pass/Pass.h"

namespace mlir::triton {

#define GEN_PASS_DECL
#include "tritium/Dialect/Triton/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tritium/Dialect/Triton/Transforms/Passes.h.inc"

} // namespace mlir::triton

#endif // TRITIUM_DIALECT_TRITON_TRANSFORMS_PASSES_H
