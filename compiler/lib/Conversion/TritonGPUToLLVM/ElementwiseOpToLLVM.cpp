//===- ElementwiseOpToLLVM.cpp - Per-element ops, splat, range, addptr ----===//
//
// An elementwise op on tensors becomes the same op on each element the
// thread holds; those scalar ops are then lowered by the arith / math /
// libdevice patterns of the same conversion.
//
//===----------------------------------------------------------------------===//

#include "Utility.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::triton;
using namespace mlir::triton::lowering;

namespace {

/// Ops with a dedicated lowering, even though they take and give tensors.
bool hasDedicatedLowering(Operation *op) {
  return isa<SplatOp, MakeRangeOp, AddPtrOp, LoadOp, StoreOp, ExpandDimsOp,
             BroadcastOp, ReduceOp, ScanOp, DotOp, TransOp, ReshapeOp, JoinOp,
             SplitOp, CatOp, GatherOp, HistogramOp, AtomicRMWOp, AtomicCASOp,
             ttg::ConvertLayoutOp, arith::ConstantOp, UnsplatOp,
             ElementwiseInlineAsmOp, PrintOp, AssertOp>(op);
}

struct ElementwiseOnTensors : public ConversionPattern {
  ElementwiseOnTensors(TritiumTypeConverter &converter)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/10,
                          &converter.getContext()) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (op->getNumResults() == 0 || op->getNumRegions() != 0 ||
        hasDedicatedLowering(op))
      return failure();
    StringRef dialect = op->getDialect()->getNamespace();
    if (dialect != "arith" && dialect != "math" && dialect != "tt")
      return failure();
    SmallVector<Type> structTypes;
    for (Type type : op->getResultTypes()) {
      if (!isa<RankedTensorType>(type))
        return failure();
      Type converted = getTypeConverter()->convertType(type);
      if (!converted)
        return failure();
      structTypes.push_back(converted);
    }

    Location loc = op->getLoc();
    SmallVector<SmallVector<Value>> unpacked;
    for (auto [original, converted] : llvm::zip(op->getOperands(), operands))
      unpacked.push_back(isa<RankedTensorType>(original.getType())
                             ? unpack(rewriter, loc, converted)
                             : SmallVector<Value>{converted});
    unsigned count =
        cast<LLVM::LLVMStructType>(structTypes[0]).getBody().size();
    SmallVector<SmallVector<Value>> results(op->getNumResults());
    for (unsigned i = 0; i < count; ++i) {
      OperationState state(loc, op->getName());
      for (const SmallVector<Value> &values : unpacked)
        state.addOperands(values.size() == 1 ? values[0] : values[i]);
      for (Type type : structTypes)
        state.addTypes(cast<LLVM::LLVMStructType>(type).getBody()[0]);
      state.propertiesAttr = op->getPropertiesAsAttribute();
      for (NamedAttribute attr : op->getDiscardableAttrs())
        state.addAttribute(attr.getName(), attr.getValue());
      Operation *scalar = rewriter.create(state);
      for (auto [j, result] : llvm::enumerate(scalar->getResults()))
        results[j].push_back(result);
    }
    SmallVector<Value> packed;
    for (auto [type, values] : llvm::zip(structTypes, results))
      packed.push_back(pack(rewriter, loc, type, values));
    rewriter.replaceOp(op, packed);
    return success();
  }
};

struct SplatOpConversion : public OpConversionPattern<SplatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SplatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type type = getTypeConverter()->convertType(op.getType());
    if (!type)
      return failure();
    unsigned count = cast<LLVM::LLVMStructType>(type).getBody().size();
    SmallVector<Value> elements(count, adaptor.getSrc());
    rewriter.replaceOp(op, pack(rewriter, op.getLoc(), type, elements));
    return success();
  }
};

struct TensorConstantConversion : public OpConversionPattern<arith::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(arith::ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto tensor = dyn_cast<RankedTensorType>(op.getType());
    if (!tensor)
      return failure();
    auto dense = dyn_cast<DenseElementsAttr>(op.getValue());
    if (!dense || !dense.isSplat())
      return rewriter.notifyMatchFailure(op, "only splat tensor constants");
    Type type = getTypeConverter()->convertType(tensor);
    if (!type)
      return failure();
    Type elementType = cast<LLVM::LLVMStructType>(type).getBody()[0];
    Value scalar = LLVM::ConstantOp::create(
        rewriter, op.getLoc(), elementType,
        dense.getSplatValue<TypedAttr>());
    unsigned count = cast<LLVM::LLVMStructType>(type).getBody().size();
    rewriter.replaceOp(op, pack(rewriter, op.getLoc(), type,
                                SmallVector<Value>(count, scalar)));
    return success();
  }
};

struct MakeRangeOpConversion : public OpConversionPattern<MakeRangeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MakeRangeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto tensor = cast<RankedTensorType>(op.getType());
    FailureOr<ttg::LayoutView> view =
        ttg::getLayoutView(tensor.getEncoding(), tensor.getShape());
    Type type = getTypeConverter()->convertType(tensor);
    if (failed(view) || !type)
      return failure();
    Location loc = op.getLoc();
    Value start = i32Const(rewriter, loc, op.getStartAttr().getInt());
    SmallVector<Value> elements;
    for (const SmallVector<Value> &coords :
         emitCoordinates(rewriter, loc, *view))
      elements.push_back(LLVM::AddOp::create(rewriter, loc, coords[0], start));
    rewriter.replaceOp(op, pack(rewriter, loc, type, elements));
    return success();
  }
};

struct AddPtrOpConversion : public OpConversionPattern<AddPtrOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AddPtrOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto pointee = cast<PointerType>(getElementTypeOrSelf(op.getPtr().getType()))
                       .getPointeeType();
    Type elementType = getTypeConverter()->convertType(pointee);
    Type resultType = getTypeConverter()->convertType(op.getType());
    if (!elementType || !resultType)
      return failure();
    if (!isa<RankedTensorType>(op.getType())) {
      rewriter.replaceOpWithNewOp<LLVM::GEPOp>(op, resultType, elementType,
                                               adaptor.getPtr(),
                                               ValueRange{adaptor.getOffset()});
      return success();
    }
    SmallVector<Value> ptrs = unpack(rewriter, loc, adaptor.getPtr());
    SmallVector<Value> offsets = unpack(rewriter, loc, adaptor.getOffset());
    Type ptrType = cast<LLVM::LLVMStructType>(resultType).getBody()[0];
    SmallVector<Value> results;
    for (auto [ptr, offset] : llvm::zip(ptrs, offsets))
      results.push_back(LLVM::GEPOp::create(rewriter, loc, ptrType, elementType,
                                            ptr, ValueRange{offset}));
    rewriter.replaceOp(op, pack(rewriter, loc, resultType, results));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Scalar forms of the tt elementwise ops
//===----------------------------------------------------------------------===//

template <typename SourceOp, typename TargetOp>
struct OneToOne : public OpConversionPattern<SourceOp> {
  using OpConversionPattern<SourceOp>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SourceOp op, typename SourceOp::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (isa<RankedTensorType>(op->getResult(0).getType()))
      return failure();
    Type type = this->getTypeConverter()->convertType(op->getResult(0).getType());
    rewriter.replaceOpWithNewOp<TargetOp>(op, type, adaptor.getOperands());
    return success();
  }
};

struct FpToFpConversion : public OpConversionPattern<FpToFpOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(FpToFpOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (isa<RankedTensorType>(op.getType()))
      return failure();
    auto src = cast<FloatType>(op.getSrc().getType());
    auto dst = cast<FloatType>(op.getType());
    if (src.getWidth() < 16 || dst.getWidth() < 16)
      return rewriter.notifyMatchFailure(op, "fp8 conversions not lowered yet");
    if (dst.getWidth() > src.getWidth())
      rewriter.replaceOpWithNewOp<LLVM::FPExtOp>(op, dst, adaptor.getSrc());
    else if (op.getRounding() == RoundingMode::RTZ)
      return rewriter.notifyMatchFailure(op, "rtz narrowing not lowered yet");
    else
      rewriter.replaceOpWithNewOp<LLVM::FPTruncOp>(op, dst, adaptor.getSrc());
    return success();
  }
};

struct ClampFConversion : public OpConversionPattern<ClampFOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ClampFOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (isa<RankedTensorType>(op.getType()))
      return failure();
    Location loc = op.getLoc();
    Value result;
    if (op.getPropagateNan() == PropagateNan::ALL) {
      result = LLVM::MaximumOp::create(rewriter, loc, adaptor.getX(), adaptor.getMin());
      result = LLVM::MinimumOp::create(rewriter, loc, result, adaptor.getMax());
    } else {
      result = LLVM::MaxNumOp::create(rewriter, loc, adaptor.getX(), adaptor.getMin());
      result = LLVM::MinNumOp::create(rewriter, loc, result, adaptor.getMax());
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct MulhiUIConversion : public OpConversionPattern<MulhiUIOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MulhiUIOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (isa<RankedTensorType>(op.getType()))
      return failure();
    Location loc = op.getLoc();
    auto type = cast<IntegerType>(op.getType());
    auto wide = rewriter.getIntegerType(type.getWidth() * 2);
    Value x = LLVM::ZExtOp::create(rewriter, loc, wide, adaptor.getX());
    Value y = LLVM::ZExtOp::create(rewriter, loc, wide, adaptor.getY());
    Value product = LLVM::MulOp::create(rewriter, loc, x, y);
    Value high = LLVM::LShrOp::create(
        rewriter, loc, product, intConst(rewriter, loc, wide, type.getWidth()));
    rewriter.replaceOpWithNewOp<LLVM::TruncOp>(op, type, high);
    return success();
  }
};

struct ExternElementwiseConversion
    : public OpConversionPattern<ExternElementwiseOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ExternElementwiseOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (isa<RankedTensorType>(op.getType()))
      return failure();
    auto module = op->getParentOfType<ModuleOp>();
    Type resultType = getTypeConverter()->convertType(op.getType());
    SmallVector<Type> argTypes(adaptor.getOperands().getTypes());
    auto calleeType = LLVM::LLVMFunctionType::get(resultType, argTypes);
    auto callee = module.lookupSymbol<LLVM::LLVMFuncOp>(op.getSymbol());
    if (!callee) {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(module.getBody());
      callee = LLVM::LLVMFuncOp::create(rewriter, op.getLoc(), op.getSymbol(),
                                        calleeType);
    }
    rewriter.replaceOpWithNewOp<LLVM::CallOp>(op, callee, adaptor.getOperands());
    return success();
  }
};

/// exp and exp2 of f32 use the SFU's ex2.approx, as Triton does: exp(x) =
/// 2^(x * log2(e)). (f64 and the other types go to libdevice.)
template <typename MathOp>
struct FastExp2Conversion : public OpConversionPattern<MathOp> {
  FastExp2Conversion(TritiumTypeConverter &converter, MLIRContext *context)
      : OpConversionPattern<MathOp>(converter, context, /*benefit=*/10) {}
  LogicalResult
  matchAndRewrite(MathOp op, typename MathOp::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!op.getType().isF32())
      return failure();
    Location loc = op.getLoc();
    Value x = adaptor.getOperand();
    if (std::is_same_v<MathOp, math::ExpOp>) {
      Value log2e = LLVM::ConstantOp::create(
          rewriter, loc, rewriter.getF32Type(),
          rewriter.getF32FloatAttr(1.4426950408889634f));
      x = LLVM::FMulOp::create(rewriter, loc, x, log2e);
    }
    auto ex2 = LLVM::InlineAsmOp::create(
        rewriter, loc, rewriter.getF32Type(), ValueRange{x},
        "ex2.approx.f32 $0, $1;", "=f,f", /*has_side_effects=*/false,
        /*is_align_stack=*/false, LLVM::TailCallKind::None,
        LLVM::AsmDialectAttr(), ArrayAttr());
    rewriter.replaceOp(op, ex2.getResult(0));
    return success();
  }
};

} // namespace

void mlir::triton::populateElementwiseOpToLLVMPatterns(
    TritiumTypeConverter &converter, RewritePatternSet &patterns,
    LoweringContext &state) {
  MLIRContext *context = &converter.getContext();
  patterns.add<ElementwiseOnTensors>(converter);
  patterns.add<FastExp2Conversion<math::ExpOp>, FastExp2Conversion<math::Exp2Op>>(
      converter, context);
  patterns.add<SplatOpConversion, TensorConstantConversion,
               MakeRangeOpConversion, AddPtrOpConversion, FpToFpConversion,
               ClampFConversion, MulhiUIConversion, ExternElementwiseConversion,
               OneToOne<BitcastOp, LLVM::BitcastOp>,
               OneToOne<IntToPtrOp, LLVM::IntToPtrOp>,
               OneToOne<PtrToIntOp, LLVM::PtrToIntOp>,
               OneToOne<PreciseSqrtOp, LLVM::SqrtOp>,
               OneToOne<PreciseDivFOp, LLVM::FDivOp>>(converter, context);
}
