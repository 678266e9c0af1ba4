//===- RewriteTensorPointer.cpp - Block pointers to tensors of pointers ---===//
//
// Block pointers (`tt.make_tensor_ptr`, moved by `tt.advance`, accessed by
// `tt.load` / `tt.store` with boundaryCheck and padding) are rewritten, as
// Triton's RewriteTensorPointer pass does, into what the rest of the pipeline
// already handles: a block pointer becomes its components, and each access
// through it a load or store of a tensor of pointers with a mask.
//
// The rewrite is a 1:N dialect conversion: one block pointer value becomes
// 1 + 3 * rank values (the base pointer, then the i64 shape, strides and
// offsets of every dimension). The upstream SCF structural patterns then
// split block pointers carried through scf.for, scf.if and scf.while without
// any code of ours; the canonicalizer later removes the loop-carried
// components that never change (base, shape, strides), leaving the offsets.
// Tensor descriptors are rewritten the same way (RewriteTensorDescriptor.cpp,
// with the pieces both share in SplitValues.h).
//
//===----------------------------------------------------------------------===//

#include "SplitValues.h"

#include "tritium/Dialect/Triton/Transforms/Passes.h"

namespace mlir::triton {
#define GEN_PASS_DEF_TRITIUMREWRITETENSORPOINTER
#include "tritium/Dialect/Triton/Transforms/Passes.h.inc"
} // namespace mlir::triton

using namespace mlir;
using namespace mlir::triton;
using namespace mlir::triton::rewrite;

namespace {

bool isBlockPointer(Type type) { return static_cast<bool>(getBlockType(type)); }

bool touchesBlockPointer(Operation *op) { return touches(op, isBlockPointer); }

/// Splits `!tt.ptr<tensor<S x T>>` into `!tt.ptr<T>` and 3 * rank i64 values;
/// every other type is kept.
class BlockPointerTypeConverter : public TypeConverter {
public:
  BlockPointerTypeConverter() {
    addConversion([](Type type) { return type; });
    addConversion(
        [](PointerType type,
           SmallVectorImpl<Type> &results) -> std::optional<LogicalResult> {
          RankedTensorType block = getBlockType(type);
          if (!block)
            return std::nullopt;
          results.push_back(getBlockBasePointerType(type));
          results.append(3 * block.getRank(),
                         IntegerType::get(type.getContext(), 64));
          return success();
        });
  }
};

struct MakeTensorPtrConversion : public OpConversionPattern<MakeTensorPtrOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MakeTensorPtrOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    BlockPointer pointer;
    pointer.base = adaptor.getBase().front();
    pointer.shape = singleValues(adaptor.getShape());
    pointer.strides = singleValues(adaptor.getStrides());
    // Offsets are kept in i64, as the shape they are compared with.
    for (Value offset : singleValues(adaptor.getOffsets()))
      pointer.offsets.push_back(extendToI64(rewriter, op.getLoc(), offset));
    rewriter.replaceOpWithMultiple(op, {pointer.components()});
    return success();
  }
};

struct AdvanceConversion : public OpConversionPattern<AdvanceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AdvanceOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    BlockPointer pointer = BlockPointer::fromComponents(adaptor.getPtr());
    for (auto [offset, delta] :
         llvm::zip_equal(pointer.offsets, singleValues(adaptor.getOffsets())))
      offset = arith::AddIOp::create(rewriter, op.getLoc(), offset,
                                     extendToI64(rewriter, op.getLoc(), delta));
    rewriter.replaceOpWithMultiple(op, {pointer.components()});
    return success();
  }
};

struct LoadConversion : public OpConversionPattern<LoadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LoadOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType block = getBlockType(op.getPtr().getType());
    if (!block)
      return failure();
    Location loc = op.getLoc();
    BlockPointer pointer = BlockPointer::fromComponents(adaptor.getPtr());
    BlockAccess access(rewriter, loc, pointer, block);
    Value ptrs = access.pointers();
    Value mask = access.mask(op.getBoundaryCheck());
    // `other` needs a mask; without boundary checks nothing is padded.
    Value other =
        mask ? paddingValue(rewriter, loc, block, op.getPadding()) : Value();
    auto load = LoadOp::create(
        rewriter, loc, op.getType(), ptrs, mask, other, ArrayRef<int32_t>{},
        PaddingOptionAttr(), op.getCache(), op.getEvict(), op.getIsVolatile());
    load->setDiscardableAttrs(op->getDiscardableAttrDictionary());
    rewriter.replaceOp(op, load);
    return success();
  }
};

struct StoreConversion : public OpConversionPattern<StoreOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(StoreOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType block = getBlockType(op.getPtr().getType());
    if (!block)
      return failure();
    Location loc = op.getLoc();
    BlockPointer pointer = BlockPointer::fromComponents(adaptor.getPtr());
    BlockAccess access(rewriter, loc, pointer, block);
    Value ptrs = access.pointers();
    Value mask = access.mask(op.getBoundaryCheck());
    auto store =
        StoreOp::create(rewriter, loc, ptrs, adaptor.getValue().front(), mask,
                        ArrayRef<int32_t>{}, op.getCache(), op.getEvict());
    store->setDiscardableAttrs(op->getDiscardableAttrDictionary());
    rewriter.eraseOp(op);
    return success();
  }
};

/// Reports, at the op, every use of block pointers the conversion does not
/// handle, so that no block pointer reaches the layout passes; `found` tells
/// whether there is any block pointer at all.
LogicalResult checkSupported(ModuleOp module, bool &found) {
  bool ok = true;
  found = false;
  module.walk([&](Operation *op) {
    if (auto func = dyn_cast<FunctionOpInterface>(op)) {
      if (llvm::any_of(func.getArgumentTypes(), isBlockPointer) ||
          llvm::any_of(func.getResultTypes(), isBlockPointer)) {
        op->emitError() << "block pointers as function arguments or results "
                           "are not supported (the function must be inlined)";
        ok = false;
      }
      return;
    }
    if (auto load = dyn_cast<LoadOp>(op)) {
      RankedTensorType block = getBlockType(load.getPtr().getType());
      if (block && load.getPadding() == PaddingOption::PAD_NAN &&
          !isa<FloatType>(block.getElementType())) {
        op->emitError() << "padding = nan needs a floating-point block, got "
                        << block.getElementType();
        ok = false;
      }
    }
    if (!touchesBlockPointer(op))
      return;
    found = true;
    if (isa<MakeTensorPtrOp, AdvanceOp, LoadOp, StoreOp>(op) ||
        carriesSplitValues(op))
      return;
    op->emitError() << "block pointers reaching '" << op->getName()
                    << "' are not supported";
    ok = false;
  });
  return success(ok);
}

struct RewriteTensorPointer
    : public mlir::triton::impl::TritiumRewriteTensorPointerBase<
          RewriteTensorPointer> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    bool found;
    if (failed(checkSupported(module, found)))
      return signalPassFailure();
    if (!found)
      return markAllAnalysesPreserved();

    BlockPointerTypeConverter converter;
    RewritePatternSet patterns(context);
    patterns.add<MakeTensorPtrConversion, AdvanceConversion, LoadConversion,
                 StoreConversion>(converter, context);
    if (failed(convertSplitValues<isBlockPointer>(module, converter,
                                                  std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
