//===- Dialect.cpp - The `tx` extension dialect ---------------------------===//

#include "tritium/Dialect/Tritium/IR/Dialect.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"

using namespace mlir;
using namespace mlir::tx;

#include "tritium/Dialect/Tritium/IR/TritiumDialect.cpp.inc"

#define GET_OP_CLASSES
#include "tritium/Dialect/Tritium/IR/TritiumOps.cpp.inc"

void TritiumDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "tritium/Dialect/Tritium/IR/TritiumOps.cpp.inc"
      >();
}

int TritiumDialect::getClusterSize(Operation *op) {
  Operation *kernel = op->getParentOfType<triton::FuncOp>();
  if (!kernel)
    kernel = op;
  auto size = kernel->getAttrOfType<IntegerAttr>(kClusterSizeAttrName);
  return size ? static_cast<int>(size.getInt()) : 1;
}

LogicalResult
TritiumDialect::verifyOperationAttribute(Operation *op,
                                         NamedAttribute attribute) {
  if (attribute.getName() != kClusterSizeAttrName)
    return op->emitError("unknown attribute ") << attribute.getName();
  if (!isa<triton::FuncOp>(op))
    return op->emitError() << kClusterSizeAttrName << " belongs on a tt.func";
  auto size = dyn_cast<IntegerAttr>(attribute.getValue());
  if (!size || !size.getType().isInteger(32) || size.getInt() < 1 ||
      size.getInt() > 16)
    return op->emitError() << kClusterSizeAttrName
                           << " must be an i32 from 1 to 16";
  return success();
}

LogicalResult ClusterSumOp::verify() {
  Type element = getSrc().getType().getElementType();
  if (!element.isInteger(32) && !element.isF32())
    return emitOpError("sums i32 or f32 elements, not ") << element;
  return success();
}
