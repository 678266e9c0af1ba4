//===- RemoveLayoutConversions.cpp - Rebuild producers in place -----------===//
//
// A layout conversion goes through shared memory with two barriers; building
// the producer directly in the wanted layout costs nothing for constants,
// splats, ranges, expand_dims and broadcasts, and for an op whose only user
// is the conversion it just moves the op into the other layout (unless the op
// narrows its data: converting after it is cheaper).
//
//===----------------------------------------------------------------------===//

#include "tritium/Dialect/TritonGPU/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::triton::gpu {
#define GEN_PASS_DEF_TRITIUMREMOVELAYOUTCONVERSIONS
#include "tritium/Dialect/TritonGPU/Transforms/Passes.h.inc"
} // namespace mlir::triton::gpu

using namespace mlir;
using namespace mlir::triton;
using namespace mlir::triton::gpu;

namespace {

RankedTensorType withLayout(Type type, Attribute layout) {
  auto tensor = cast<RankedTensorType>(type);
  return RankedTensorType::get(tensor.getShape(), tensor.getElementType(),
                               layout);
}

/// Same-shape element-by-element ops whose operands can simply take the new
/// layout too.
bool isMovableElementwise(Operation *op) {
  if (op->getNumResults() != 1 || op->getNumRegions() != 0)
    return false;
  auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!resultType)
    return false;
  for (Type type : op->getOperandTypes())
    if (auto tensor = dyn_cast<RankedTensorType>(type))
      if (tensor.getShape() != resultType.getShape())
        return false;
  if (auto load = dyn_cast<LoadOp>(op))
    return !load.getIsVolatile() && !isa<PointerType>(load.getPtr().getType());
  if (isa<ConvertLayoutOp, UnsplatOp>(op))
    return false;
  return op->getDialect()->getNamespace() != "ttg" && isMemoryEffectFree(op) &&
         (op->hasTrait<::mlir::OpTrait::Elementwise>() || isa<AddPtrOp>(op));
}

/// Whether `op` makes its data narrower (a truncation, say a dot's f32
/// accumulator to f16): the conversion after it moves fewer bytes through
/// shared memory than one before it would.
bool narrows(Operation *op) {
  auto bits = [](Type type) -> unsigned {
    Type element = getElementTypeOrSelf(type);
    return element.isIntOrFloat() ? element.getIntOrFloatBitWidth() : 64;
  };
  unsigned resultBits = bits(op->getResult(0).getType());
  return llvm::any_of(op->getOperandTypes(), [&](Type type) {
    return isa<RankedTensorType>(type) && bits(type) > resultBits;
  });
}

/// Index arithmetic: values computed only from constants, splats and ranges
/// (through elementwise ops, expand_dims and broadcast). Rebuilding them in
/// another layout costs a few integer ops per element, much less than a
/// round trip through shared memory, even when they have other users.
bool isComputedFromCheapValues(Value value, unsigned depth = 0) {
  Operation *op = value.getDefiningOp();
  if (!op || depth > 8)
    return false;
  if (isa<arith::ConstantOp, SplatOp, MakeRangeOp>(op))
    return true;
  if (!isa<ExpandDimsOp, BroadcastOp>(op) && !isMovableElementwise(op))
    return false;
  if (isa<LoadOp>(op))
    return false;
  return llvm::all_of(op->getOperands(), [&](Value operand) {
    return !isa<RankedTensorType>(operand.getType()) ||
           isComputedFromCheapValues(operand, depth + 1);
  });
}

struct RebuildInTargetLayout : public OpRewritePattern<ConvertLayoutOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ConvertLayoutOp convert,
                                PatternRewriter &rewriter) const override {
    Operation *producer = convert.getSrc().getDefiningOp();
    if (!producer)
      return failure();
    auto target = cast<RankedTensorType>(convert.getType());
    Attribute layout = target.getEncoding();
    rewriter.setInsertionPoint(producer);
    Location loc = producer->getLoc();
    auto convertTo = [&](Value value, Attribute newLayout) -> Value {
      return ConvertLayoutOp::create(
          rewriter, loc, withLayout(value.getType(), newLayout), value);
    };

    Value rebuilt;
    if (auto constant = dyn_cast<arith::ConstantOp>(producer)) {
      auto value = cast<DenseElementsAttr>(constant.getValue());
      rebuilt = arith::ConstantOp::create(rewriter, loc, target,
                                          value.reshape(target));
    } else if (auto splat = dyn_cast<SplatOp>(producer)) {
      rebuilt = SplatOp::create(rewriter, loc, target, splat.getSrc());
    } else if (auto range = dyn_cast<MakeRangeOp>(producer)) {
      rebuilt = MakeRangeOp::create(rewriter, loc, target, range.getStart(),
                                    range.getEnd());
    } else if (auto expand = dyn_cast<ExpandDimsOp>(producer)) {
      Value src = convertTo(
          expand.getSrc(),
          SliceEncodingAttr::get(getContext(), expand.getAxis(), layout));
      rebuilt =
          ExpandDimsOp::create(rewriter, loc, target, src, expand.getAxis());
    } else if (auto broadcast = dyn_cast<BroadcastOp>(producer)) {
      rebuilt = BroadcastOp::create(rewriter, loc, target,
                                    convertTo(broadcast.getSrc(), layout));
    } else if (isMovableElementwise(producer) &&
               ((producer->getResult(0).hasOneUse() && !narrows(producer)) ||
                isComputedFromCheapValues(producer->getResult(0)))) {
      IRMapping mapping;
      for (Value operand : producer->getOperands())
        if (isa<RankedTensorType>(operand.getType()))
          mapping.map(operand, convertTo(operand, layout));
      Operation *clone = rewriter.clone(*producer, mapping);
      clone->getResult(0).setType(
          withLayout(producer->getResult(0).getType(), layout));
      rebuilt = clone->getResult(0);
    } else {
      return failure();
    }
    rewriter.replaceOp(convert, rebuilt);
    if (producer->use_empty())
      rewriter.eraseOp(producer);
    return success();
  }
};

struct RemoveLayoutConversions
    : public mlir::triton::gpu::impl::TritiumRemoveLayoutConversionsBase<
          RemoveLayoutConversions> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RebuildInTargetLayout>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
