//===- ElementwiseOpToLLVM.cpp - Per-element ops, splat, range, addptr ----===//
//
// An elementwise op on tensors becomes the same op on each element the
// thread holds; those scalar ops are then lowered by the arith / math /
// libdevice patterns of the same conversion. tt.fp_to_fp converts a
// thread's elements together (FloatConversion.cpp), two at a time where the
// GPU has paired instructions.
//
//===----------------------------------------------------------------------===//

#include "FloatConversion.h"
#include "Utility.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

#include <map>

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
             ElementwiseInlineAsmOp, PrintOp, AssertOp, FpToFpOp>(op);
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

/// The bits of every element of an integer or float dense constant, in
/// row-major order.
SmallVector<APInt> elementBits(DenseElementsAttr dense) {
  if (isa<FloatType>(dense.getElementType()))
    return llvm::map_to_vector(
        dense.getValues<APFloat>(),
        [](const APFloat &v) { return v.bitcastToAPInt(); });
  return llvm::to_vector(dense.getValues<APInt>());
}

/// The scalar of `type` (integer or float) whose bits are `bits`.
Value scalarConstant(OpBuilder &b, Location loc, Type type, const APInt &bits) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return LLVM::ConstantOp::create(
        b, loc, type,
        b.getFloatAttr(type, APFloat(floatType.getFloatSemantics(), bits)));
  return LLVM::ConstantOp::create(b, loc, type, b.getIntegerAttr(type, bits));
}

/// A constant global array (in global memory) of the elements' bits, as
/// integers of their width (i1 as i8); one per distinct constant.
LLVM::GlobalOp getOrCreateConstantArray(ConversionPatternRewriter &rewriter,
                                        Operation *user, ArrayRef<APInt> bits,
                                        IntegerType storage) {
  constexpr unsigned kGlobalAddressSpace = 1;
  auto module = user->getParentOfType<ModuleOp>();
  SmallVector<APInt> stored = llvm::map_to_vector(
      bits, [&](const APInt &v) { return v.zext(storage.getWidth()); });
  auto value = DenseElementsAttr::get(
      RankedTensorType::get({int64_t(bits.size())}, storage), stored);
  for (auto global : module.getOps<LLVM::GlobalOp>())
    if (global.getConstant() && global.getValueAttr() == value)
      return global;
  std::string name;
  for (unsigned n = 0;; ++n) {
    name = ("tritium_constant_" + Twine(n)).str();
    if (!module.lookupSymbol(name))
      break;
  }
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToStart(module.getBody());
  return LLVM::GlobalOp::create(
      rewriter, UnknownLoc::get(rewriter.getContext()),
      LLVM::LLVMArrayType::get(storage, bits.size()), /*isConstant=*/true,
      LLVM::Linkage::Internal, name, value,
      // 16 bytes, so that a thread's consecutive elements may be read with
      // one vector load.
      /*alignment=*/16, kGlobalAddressSpace);
}

/// A tensor constant. Each thread needs the elements its registers hold
/// under the tensor's layout. A register that holds elements of one value in
/// every thread (a splat, a value repeated along the dimensions spread over
/// lanes and warps) is an immediate; the others are loaded from a constant
/// array of all the elements, at the row-major index of the element.
struct TensorConstantConversion : public OpConversionPattern<arith::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(arith::ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto tensor = dyn_cast<RankedTensorType>(op.getType());
    if (!tensor)
      return failure();
    auto dense = dyn_cast<DenseElementsAttr>(op.getValue());
    if (!dense)
      return rewriter.notifyMatchFailure(op, "only dense tensor constants");
    Type type = getTypeConverter()->convertType(tensor);
    if (!type)
      return failure();
    Location loc = op.getLoc();
    Type elementType = cast<LLVM::LLVMStructType>(type).getBody()[0];
    unsigned count = cast<LLVM::LLVMStructType>(type).getBody().size();
    if (dense.isSplat()) {
      Value scalar = LLVM::ConstantOp::create(rewriter, loc, elementType,
                                              dense.getSplatValue<TypedAttr>());
      rewriter.replaceOp(
          op, pack(rewriter, loc, type, SmallVector<Value>(count, scalar)));
      return success();
    }
    if (!isa<IntegerType, FloatType>(dense.getElementType()))
      return rewriter.notifyMatchFailure(
          op, "only integer or float non-splat tensor constants");
    FailureOr<ttg::LayoutView> view =
        ttg::getLayoutView(tensor.getEncoding(), tensor.getShape());
    if (failed(view))
      return failure();

    // Which element each register holds in thread 0, and whether every
    // thread's element there has the same value.
    SmallVector<APInt> bits = elementBits(dense);
    unsigned numWarps = 1;
    for (unsigned w : view->root.getWarpsPerCTA())
      numWarps *= w;
    SmallVector<int64_t> firstElement(count);
    SmallVector<bool> uniform(count, true);
    for (unsigned warp = 0; warp < numWarps; ++warp)
      for (unsigned lane = 0; lane < ttg::kThreadsPerWarp; ++lane)
        for (auto [r, index] :
             llvm::enumerate(view->threadElements(lane, warp))) {
          if (warp == 0 && lane == 0)
            firstElement[r] = index;
          else if (bits[index] != bits[firstElement[r]])
            uniform[r] = false;
        }

    auto storage = rewriter.getIntegerType(
        std::max(8u, elementType.getIntOrFloatBitWidth()));
    SmallVector<SmallVector<Value>> coords;
    Value array;
    // Registers with equal normalized offsets hold the same element.
    std::map<SmallVector<int64_t>, Value> loaded;
    SmallVector<Value> elements;
    for (unsigned r = 0; r < count; ++r) {
      if (uniform[r]) {
        elements.push_back(
            scalarConstant(rewriter, loc, elementType, bits[firstElement[r]]));
        continue;
      }
      Value &element = loaded[view->normalizedOffsets(r)];
      if (!element) {
        if (!array) {
          array = LLVM::AddressOfOp::create(
              rewriter, loc,
              getOrCreateConstantArray(rewriter, op, bits, storage));
          coords = emitCoordinates(rewriter, loc, *view);
        }
        Value address = LLVM::GEPOp::create(
            rewriter, loc, array.getType(), storage, array,
            ValueRange{linearize(rewriter, loc, coords[r], tensor.getShape())});
        Value raw = LLVM::LoadOp::create(
            rewriter, loc, storage, address, storageBytes(storage),
            /*isVolatile=*/false, /*isNonTemporal=*/false,
            /*isInvariant=*/true);
        if (isa<FloatType>(elementType))
          element = LLVM::BitcastOp::create(rewriter, loc, elementType, raw);
        else if (elementType != storage)
          element = LLVM::TruncOp::create(rewriter, loc, elementType, raw);
        else
          element = raw;
      }
      elements.push_back(element);
    }
    rewriter.replaceOp(op, pack(rewriter, loc, type, elements));
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

/// tt.fp_to_fp on a scalar or on every element a thread holds (see
/// convertFloats: the fp8 instructions convert two elements at a time).
struct FpToFpConversion : public OpConversionPattern<FpToFpOp> {
  FpToFpConversion(TritiumTypeConverter &converter, MLIRContext *context,
                   const LoweringContext &state)
      : OpConversionPattern(converter, context), state(state) {}

  LogicalResult
  matchAndRewrite(FpToFpOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type resultType = getTypeConverter()->convertType(op.getType());
    if (!resultType)
      return failure();
    Location loc = op.getLoc();
    bool tensor = isa<RankedTensorType>(op.getType());
    SmallVector<Value> values = tensor ? unpack(rewriter, loc, adaptor.getSrc())
                                       : SmallVector<Value>{adaptor.getSrc()};
    SmallVector<Value> converted = convertFloats(
        rewriter, loc, values,
        cast<FloatType>(getElementTypeOrSelf(op.getSrc().getType())),
        cast<FloatType>(getElementTypeOrSelf(op.getType())), op.getRounding(),
        state.computeCapability);
    rewriter.replaceOp(op, tensor ? pack(rewriter, loc, resultType, converted)
                                  : converted.front());
    return success();
  }

private:
  const LoweringContext &state;
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

/// tt.elementwise_inline_asm with one element per asm instance
/// (packed_element = 1): the asm once per element this thread holds (once
/// for scalars), its operands the elements of the arguments at that
/// register (a scalar argument for every element), its results the
/// elements of the results. Impure asm keeps its side effects (Triton's
/// gdc_wait / gdc_launch_dependents are such asm with no arguments).
struct ElementwiseInlineAsmConversion
    : public OpConversionPattern<ElementwiseInlineAsmOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ElementwiseInlineAsmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (op.getPackedElement() != 1)
      return op.emitOpError("packed_element > 1 is not supported yet (each "
                            "asm instance gets one element)");
    Location loc = op.getLoc();
    SmallVector<Type> convertedTypes;
    for (Type type : op.getResultTypes()) {
      Type converted = getTypeConverter()->convertType(type);
      if (!converted)
        return failure();
      convertedTypes.push_back(converted);
    }
    bool tensors = llvm::any_of(op.getResultTypes(), [](Type type) {
      return isa<RankedTensorType>(type);
    });
    // Scalar element types of the results, and how many elements each
    // thread holds.
    SmallVector<Type> elementTypes;
    unsigned count = 1;
    for (Type type : convertedTypes) {
      if (auto structType = dyn_cast<LLVM::LLVMStructType>(type)) {
        elementTypes.push_back(structType.getBody()[0]);
        count = structType.getBody().size();
      } else {
        elementTypes.push_back(type);
      }
    }
    SmallVector<SmallVector<Value>> arguments;
    for (auto [original, converted] :
         llvm::zip(op.getArgs(), adaptor.getArgs())) {
      if (!isa<RankedTensorType>(original.getType())) {
        arguments.push_back({converted});
        continue;
      }
      arguments.push_back(unpack(rewriter, loc, converted));
      // Tensor arguments and results share a layout (the layout pass gives
      // elementwise ops their operands' layout): one element a register.
      if (arguments.back().size() != count)
        return op.emitOpError("an argument's layout holds ")
               << arguments.back().size() << " elements a thread, the results' "
               << count;
    }
    Type asmResultType;
    if (elementTypes.size() == 1)
      asmResultType = elementTypes[0];
    else if (!elementTypes.empty())
      asmResultType =
          LLVM::LLVMStructType::getLiteral(rewriter.getContext(), elementTypes);
    SmallVector<SmallVector<Value>> results(elementTypes.size());
    for (unsigned i = 0; i < count; ++i) {
      SmallVector<Value> operands;
      for (const SmallVector<Value> &values : arguments)
        operands.push_back(values.size() == 1 ? values[0] : values[i]);
      auto inlineAsm = LLVM::InlineAsmOp::create(
          rewriter, loc, asmResultType ? TypeRange{asmResultType} : TypeRange{},
          operands, op.getAsmString(), op.getConstraints(),
          /*has_side_effects=*/!op.getPure(), /*is_align_stack=*/false,
          LLVM::TailCallKind::None, LLVM::AsmDialectAttr(), ArrayAttr());
      for (unsigned j = 0; j < elementTypes.size(); ++j)
        results[j].push_back(
            elementTypes.size() == 1
                ? inlineAsm.getResult(0)
                : Value(LLVM::ExtractValueOp::create(
                      rewriter, loc, inlineAsm.getResult(0), j)));
    }
    SmallVector<Value> replacements;
    for (auto [type, values] : llvm::zip(convertedTypes, results))
      replacements.push_back(tensors ? pack(rewriter, loc, type, values)
                                     : values[0]);
    rewriter.replaceOp(op, replacements);
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
  patterns.add<FpToFpConversion>(converter, context, state);
  patterns
      .add<SplatOpConversion, TensorConstantConversion, MakeRangeOpConversion,
           AddPtrOpConversion, ClampFConversion, ElementwiseInlineAsmConversion,
           MulhiUIConversion, ExternElementwiseConversion,
           OneToOne<BitcastOp, LLVM::BitcastOp>,
           OneToOne<IntToPtrOp, LLVM::IntToPtrOp>,
           OneToOne<PtrToIntOp, LLVM::PtrToIntOp>,
           OneToOne<PreciseSqrtOp, LLVM::SqrtOp>,
           OneToOne<PreciseDivFOp, LLVM::FDivOp>>(converter, context);
}
