//===- Dialect.cpp - The `tt` dialect -------------------------------------===//

#include "tritium/Dialect/Triton/IR/Dialect.h"

#include "mlir/IR/DialectImplementation.h"
#include "mlir/Transforms/InliningUtils.h"

using namespace mlir;
using namespace mlir::triton;

#include "tritium/Dialect/Triton/IR/TritonDialect.cpp.inc"

namespace {
/// Device functions are inlined into kernels before lowering.
struct TritonInlinerInterface : public DialectInlinerInterface {
  using DialectInlinerInterface::DialectInlinerInterface;
  bool isLegalToInline(Operation *, Operation *, bool) const final {
    return true;
  }
  bool isLegalToInline(Region *, Region *, bool, IRMapping &) const final {
    return true;
  }
  bool isLegalToInline(Operation *, Region *, bool, IRMapping &) const final {
    return true;
  }
  void handleTerminator(Operation *op, ValueRange valuesToRepl) const final {
    auto returnOp = dyn_cast<ReturnOp>(op);
    if (!returnOp)
      return;
    for (auto [from, to] : llvm::zip(valuesToRepl, returnOp.getOperands()))
      from.replaceAllUsesWith(to);
  }
};
} // namespace

void TritonDialect::initialize() {
  registerTypes();
  addOperations<
#define GET_OP_LIST
#include "tritium/Dialect/Triton/IR/TritonOps.cpp.inc"
      >();
  addInterfaces<TritonInlinerInterface>();
}

/// The specialisation hints Triton attaches to kernel arguments: each is a
/// positive integer (a power of two for divisibility).
LogicalResult TritonDialect::verifyRegionArgAttribute(Operation *op,
                                                      unsigned regionIndex,
                                                      unsigned argIndex,
                                                      NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  if (name != "tt.divisibility" && name != "tt.contiguity" &&
      name != "tt.constancy")
    return success();
  auto check = [&](Attribute value) -> LogicalResult {
    auto intAttr = dyn_cast<IntegerAttr>(value);
    if (!intAttr || intAttr.getValue().getSExtValue() < 1)
      return op->emitError() << "argument #" << argIndex << ": '" << name
                             << "' must be a positive integer";
    if (name == "tt.divisibility" && !llvm::isPowerOf2_64(intAttr.getInt()))
      return op->emitError() << "argument #" << argIndex << ": '" << name
                             << "' must be a power of two";
    return success();
  };
  // Tensor arguments carry one value per dimension.
  if (auto elements = dyn_cast<DenseIntElementsAttr>(attr.getValue())) {
    for (APInt v : elements)
      if (failed(check(IntegerAttr::get(IntegerType::get(op->getContext(), 32),
                                        v.getSExtValue()))))
        return failure();
    return success();
  }
  return check(attr.getValue());
}
