//===- ViewOpToLLVM.cpp - Shape ops and layout conversions ----------------===//
//
// expand_dims and broadcast only rename registers: the layout pass gives
// their operand a layout in which this thread already holds the elements.
// Layout conversions and ops that move elements between threads (trans,
// reshape, cat, join, split) go through shared memory.
//
//===----------------------------------------------------------------------===//

#include "Utility.h"

#include "mlir/Transforms/DialectConversion.h"

#include <map>

using namespace mlir;
using namespace mlir::triton;
using namespace mlir::triton::lowering;

namespace {

FailureOr<ttg::LayoutView> viewOf(Type type) {
  auto tensor = cast<RankedTensorType>(type);
  return ttg::getLayoutView(tensor.getEncoding(), tensor.getShape());
}

/// dst register r takes the src register holding the element at
/// `toSource(dst tensor offsets)`; both views must share their root layout.
LogicalResult remapRegisters(
    const ttg::LayoutView &src, const ttg::LayoutView &dst,
    function_ref<SmallVector<int64_t>(ArrayRef<int64_t>)> toSource,
    ArrayRef<Value> srcElements, SmallVectorImpl<Value> &result) {
  if (src.root != dst.root)
    return failure();
  std::map<SmallVector<int64_t>, unsigned> byOffsets;
  for (unsigned r = 0; r < src.getNumRegisters(); ++r)
    byOffsets.emplace(src.tensorOffsets(r), r);
  for (unsigned r = 0; r < dst.getNumRegisters(); ++r) {
    auto it = byOffsets.find(toSource(dst.tensorOffsets(r)));
    if (it == byOffsets.end())
      return failure();
    result.push_back(srcElements[it->second]);
  }
  return success();
}

struct ExpandDimsOpConversion : public OpConversionPattern<ExpandDimsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ExpandDimsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<ttg::LayoutView> src = viewOf(op.getSrc().getType());
    FailureOr<ttg::LayoutView> dst = viewOf(op.getType());
    Type type = getTypeConverter()->convertType(op.getType());
    if (failed(src) || failed(dst) || !type)
      return failure();
    unsigned axis = op.getAxis();
    SmallVector<Value> elements;
    if (failed(remapRegisters(
            *src, *dst,
            [&](ArrayRef<int64_t> offsets) {
              SmallVector<int64_t> s(offsets);
              s.erase(s.begin() + axis);
              return s;
            },
            unpack(rewriter, op.getLoc(), adaptor.getSrc()), elements)))
      return rewriter.notifyMatchFailure(op, "operand is not a slice of the result layout");
    rewriter.replaceOp(op, pack(rewriter, op.getLoc(), type, elements));
    return success();
  }
};

struct BroadcastOpConversion : public OpConversionPattern<BroadcastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BroadcastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<ttg::LayoutView> src = viewOf(op.getSrc().getType());
    FailureOr<ttg::LayoutView> dst = viewOf(op.getType());
    Type type = getTypeConverter()->convertType(op.getType());
    if (failed(src) || failed(dst) || !type)
      return failure();
    ArrayRef<int64_t> srcShape =
        cast<RankedTensorType>(op.getSrc().getType()).getShape();
    SmallVector<Value> elements;
    if (failed(remapRegisters(
            *src, *dst,
            [&](ArrayRef<int64_t> offsets) {
              SmallVector<int64_t> s(offsets);
              for (auto [d, extent] : llvm::enumerate(srcShape))
                if (extent == 1)
                  s[d] = 0;
              return s;
            },
            unpack(rewriter, op.getLoc(), adaptor.getSrc()), elements)))
      return rewriter.notifyMatchFailure(op, "operand layout differs from the result's");
    rewriter.replaceOp(op, pack(rewriter, op.getLoc(), type, elements));
    return success();
  }
};

/// Ops that read the source tensor at `sourceIndex(result coordinates)`
/// (a row-major index into the source) through shared memory.
template <typename SourceOp>
struct ThroughShared : public OpConversionPattern<SourceOp> {
  using IndexFn = std::function<Value(OpBuilder &, Location, ArrayRef<Value>,
                                      SourceOp)>;
  ThroughShared(TritiumTypeConverter &converter, LoweringContext &state,
                IndexFn index)
      : OpConversionPattern<SourceOp>(converter, &converter.getContext()),
        state(state), index(std::move(index)) {}

  LogicalResult
  matchAndRewrite(SourceOp op, typename SourceOp::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value src = op->getOperand(0);
    auto srcType = cast<RankedTensorType>(src.getType());
    FailureOr<ttg::LayoutView> srcView = viewOf(srcType);
    FailureOr<ttg::LayoutView> dstView = viewOf(op->getResult(0).getType());
    Type type = this->getTypeConverter()->convertType(op->getResult(0).getType());
    if (failed(srcView) || failed(dstView) || !type)
      return failure();
    Location loc = op.getLoc();
    Type elementType = cast<LLVM::LLVMStructType>(type).getBody()[0];
    SmallVector<Value> elements = shuffleThroughShared(
        rewriter, loc, op, state,
        unpack(rewriter, loc, adaptor.getOperands()[0]), *srcView,
        srcType.getShape(), *dstView, elementType,
        [&](OpBuilder &b, Location l, ArrayRef<Value> coords) {
          return index(b, l, coords, op);
        });
    rewriter.replaceOp(op, pack(rewriter, loc, type, elements));
    return success();
  }

  LoweringContext &state;
  IndexFn index;
};

} // namespace

void mlir::triton::populateViewOpToLLVMPatterns(TritiumTypeConverter &converter,
                                                RewritePatternSet &patterns,
                                                LoweringContext &state) {
  MLIRContext *context = &converter.getContext();
  patterns.add<ExpandDimsOpConversion, BroadcastOpConversion>(converter,
                                                               context);
  patterns.add<ThroughShared<ttg::ConvertLayoutOp>>(
      converter, state,
      [](OpBuilder &b, Location loc, ArrayRef<Value> coords,
         ttg::ConvertLayoutOp op) {
        return linearize(b, loc, coords, op.getType().getShape());
      });
  patterns.add<ThroughShared<ReshapeOp>>(
      converter, state,
      [](OpBuilder &b, Location loc, ArrayRef<Value> coords, ReshapeOp op) {
        // Row-major order is kept: the same linear index in both shapes.
        return linearize(b, loc, coords,
                         cast<RankedTensorType>(op.getType()).getShape());
      });
  patterns.add<ThroughShared<TransOp>>(
      converter, state,
      [](OpBuilder &b, Location loc, ArrayRef<Value> coords, TransOp op) {
        SmallVector<Value> srcCoords(coords.size());
        for (auto [i, d] : llvm::enumerate(op.getOrder()))
          srcCoords[d] = coords[i];
        return linearize(b, loc, srcCoords,
                         cast<RankedTensorType>(op.getSrc().getType()).getShape());
      });
}
