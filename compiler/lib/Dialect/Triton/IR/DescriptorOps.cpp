//===- DescriptorOps.cpp - Tensor descriptor type and ops of `tt` ---------===//
//
// Verifiers of `!tt.tensordesc` and the ops that make and access one, with
// Triton 3.6's rules, so that IR Triton accepts is accepted here too.
//
//===----------------------------------------------------------------------===//

#include "tritium/Dialect/Triton/IR/Dialect.h"

using namespace mlir;
using namespace mlir::triton;

RankedTensorType TensorDescType::getSignlessBlockType() const {
  RankedTensorType block = getBlockType();
  auto integer = dyn_cast<IntegerType>(block.getElementType());
  if (!integer || integer.isSignless())
    return block;
  return block.clone(IntegerType::get(getContext(), integer.getWidth()));
}

LogicalResult MakeTensorDescOp::verify() {
  RankedTensorType block = getResult().getType().getSignlessBlockType();
  int64_t rank = block.getRank();
  if (static_cast<int64_t>(getShape().size()) != rank)
    return emitOpError() << "expects " << rank
                         << " shape and stride values for a rank-" << rank
                         << " block, got " << getShape().size();
  Type element = cast<PointerType>(getBase().getType()).getPointeeType();
  if (element != block.getElementType())
    return emitOpError() << "base points to " << element
                         << " but the block holds " << block.getElementType();
  if (getPadding() == PaddingOption::PAD_NAN &&
      !isa<FloatType>(block.getElementType()))
    return emitOpError() << "padding = nan needs a floating-point block, got "
                         << block.getElementType();
  return success();
}

/// The loaded or stored tensor is the block, or the block without leading
/// dimensions of size 1 (Triton's rank-reducing access); one index per
/// dimension of the block.
static LogicalResult verifyDescriptorAccess(Operation *op, TensorDescType desc,
                                            Type tensorType,
                                            size_t numIndices) {
  RankedTensorType block = desc.getSignlessBlockType();
  if (numIndices != static_cast<size_t>(block.getRank()))
    return op->emitOpError()
           << "expects " << block.getRank() << " indices for a rank-"
           << block.getRank() << " block, got " << numIndices;
  auto tensor = cast<RankedTensorType>(tensorType);
  ArrayRef<int64_t> blockShape = block.getShape();
  if (blockShape.size() > static_cast<size_t>(tensor.getRank())) {
    size_t dropped = blockShape.size() - tensor.getRank();
    if (llvm::any_of(blockShape.take_front(dropped),
                     [](int64_t size) { return size != 1; }))
      return op->emitOpError()
             << "may drop only leading dimensions of size 1 of the block "
             << block;
    blockShape = blockShape.drop_front(dropped);
  }
  if (blockShape != tensor.getShape() ||
      block.getElementType() != tensor.getElementType())
    return op->emitOpError()
           << "tensor " << tensor << " does not match the descriptor block "
           << desc.getBlockType();
  return success();
}

LogicalResult DescriptorLoadOp::verify() {
  return verifyDescriptorAccess(*this, getDesc().getType(), getType(),
                                getIndices().size());
}

LogicalResult DescriptorStoreOp::verify() {
  return verifyDescriptorAccess(*this, getDesc().getType(), getSrc().getType(),
                                getIndices().size());
}

LogicalResult DescriptorReduceOp::verify() {
  return verifyDescriptorAccess(*this, getDesc().getType(), getSrc().getType(),
                                getIndices().size());
}
