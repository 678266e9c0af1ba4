//===- Passes.h - Layout passes ---------------------------------*- C++ -*-===//

#ifndef TRITIUM_DIALECT_TRITONGPU_TRANSFORMS_PASSES_H
#define TRITIUM_DIALECT_TRITONGPU_TRANSFORMS_PASSES_H

#include "tritium/Dialect/TritonGPU/IR/Dialect.h"

#include "mlir/Pass/Pass.h"

namespace mlir::triton::gpu {

#define GEN_PASS_DECL
#include "tritium/Dialect/TritonGPU/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tritium/Dialect/TritonGPU/Transforms/Passes.h.inc"

} // namespace mlir::triton::gpu

#endif // TRITIUM_DIALECT_TRITONGPU_TRANSFORMS_PASSES_H
