//===- Dialect.h - The `tt` dialect -----------------------------*- C++ -*-===//
//
// Tritium's Triton-compatible tile dialect: types, enums, ops and the helpers
// their type constraints use.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_DIALECT_TRITON_IR_DIALECT_H
#define TRITIUM_DIALECT_TRITON_IR_DIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "tritium/Dialect/Triton/IR/TritonDialect.h.inc"
#include "tritium/Dialect/Triton/IR/TritonEnums.h.inc"

#define GET_TYPEDEF_CLASSES
#include "tritium/Dialect/Triton/IR/TritonTypes.h.inc"

namespace mlir::triton {

/// The memory the `tt` ops read and write, for side-effect modelling.
struct GlobalMemory : public SideEffects::Resource::Base<GlobalMemory> {
  StringRef getName() final { return "<GlobalMemory>"; }
};

/// The largest number of elements Triton allows in one tensor.
constexpr int64_t kMaxTensorNumElements = 1 << 20;

/// `!tt.ptr<T>` -> T; `tensor<S x !tt.ptr<T>>` -> `tensor<S x T>`;
/// `!tt.ptr<tensor<S x T>>` (a block pointer) -> `tensor<S x T>`.
/// Any other type is returned unchanged, so that verifiers report the mismatch.
Type getPointeeType(Type type);

/// i1 with the shape of `type`: `tensor<S x i1>` for a tensor, else i1.
Type getI1SameShape(Type type);

/// A pointer to `type`'s element type, with `type`'s shape.
Type getPointerTypeSameShape(Type type);

/// The scalar pointer a block pointer type is built from:
/// `!tt.ptr<tensor<S x T>, A>` -> `!tt.ptr<T, A>`.
Type getBlockBasePointerType(Type blockPointerType);

namespace OpTrait {
/// Every tensor an op consumes or produces has a power-of-two number of
/// elements, at most kMaxTensorNumElements.
LogicalResult verifyTensorSize(Operation *op);

template <typename ConcreteType>
class TensorSizeTrait
    : public mlir::OpTrait::TraitBase<ConcreteType, TensorSizeTrait> {
public:
  static LogicalResult verifyTrait(Operation *op) {
    return verifyTensorSize(op);
  }
};
} // namespace OpTrait

} // namespace mlir::triton

#define GET_OP_CLASSES
#include "tritium/Dialect/Triton/IR/TritonOps.h.inc"

#endif // TRITIUM_DIALECT_TRITON_IR_DIALECT_H
