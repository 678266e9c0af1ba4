//===- Passes.h - Conversions -----------------------------------*- C++ -*-===//

#ifndef TRITIUM_CONVERSION_PASSES_H
#define TRITIUM_CONVERSION_PASSES_H

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Pass/Pass.h"

namespace mlir::triton {

#define GEN_PASS_DECL
#include "tritium/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tritium/Conversion/Passes.h.inc"

} // namespace mlir::triton

#endif // TRITIUM_CONVERSION_PASSES_H
