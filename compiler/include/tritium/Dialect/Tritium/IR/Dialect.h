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

namespace mlir::tx {
/// What tx.prefetch_l2 "writes": nothing a program can read back, only
/// which lines L2 holds. The effect keeps the hint from being erased as
/// dead (an op that only reads is), and passes that move ops past memory
/// writes may ignore it.
struct L2HintResource : public SideEffects::Resource::Base<L2HintResource> {
  StringRef getName() override { return "<L2Hint>"; }
};
} // namespace mlir::tx

#define GET_OP_CLASSES
#include "tritium/Dialect/Tritium/IR/TritiumOps.h.inc"

#endif // TRITIUM_DIALECT_TRITIUM_IR_DIALECT_H
