//===- Dialect.h - The `tx` extension dialect -------------------*- C++ -*-===//
//
// Tile ops beyond Triton's `tt` dialect (TritiumDialect.td).
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_DIALECT_TRITIUM_IR_DIALECT_H
#define TRITIUM_DIALECT_TRITIUM_IR_DIALECT_H

#include "tritium/Dialect/Triton/IR/Dialect.h"

#include "mlir/IR/Dialect.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "tritium/Dialect/Tritium/IR/TritiumDialect.h.inc"

#define GET_OP_CLASSES
#include "tritium/Dialect/Tritium/IR/TritiumOps.h.inc"

#endif // TRITIUM_DIALECT_TRITIUM_IR_DIALECT_H
