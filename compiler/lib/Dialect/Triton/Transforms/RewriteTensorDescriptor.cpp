//===- RewriteTensorDescriptor.cpp - Descriptors to tensors of pointers ---===//
//
// Tensor descriptors (`tt.make_tensor_descriptor`, accessed by
// `tt.descriptor_load` / `tt.descriptor_store` at explicit indices) are
// rewritten, as Triton's RewriteTensorDescriptorToPointer does where there
// is no TMA, the way RewriteTensorPointer.cpp rewrites block pointers: a
// 1:N conversion in which a descriptor is 1 + 2 * rank + 1 values (base,
// i64 shape and strides, and an i1 "pad with NaN"), and each access reuses
// the block pointer's address and mask computation (SplitValues.h) with the
// access's indices as offsets, checking every dimension. A gather / scatter
// takes its rows from x_offsets instead of offset + arange; a reduce is a
// masked tt.atomic_rmw of the block.
//
//===----------------------------------------------------------------------===//

#include "SplitValues.h"

#include "tritium/Dialect/Triton/Transforms/Passes.h"

namespace mlir::triton {
#define GEN_PASS_DEF_TRITIUMREWRITETENSORDESCRIPTOR
#include "tritium/Dialect/Triton/Transforms/Passes.h.inc"
} // namespace mlir::triton

using namespace mlir;
using namespace mlir::triton;
using namespace mlir::triton::rewrite;

namespace {

bool isDescriptor(Type type) { return isa<TensorDescType>(type); }

bool touchesDescriptor(Operation *op) { return touches(op, isDescriptor); }

/// Splits `!tt.tensordesc<tensor<S x T>>` into `!tt.ptr<T>` (T signless),
/// 2 * rank i64 values and an i1; every other type is kept.
class DescriptorTypeConverter : public TypeConverter {
public:
  DescriptorTypeConverter() {
    addConversion([](Type type) { return type; });
    addConversion([](TensorDescType type, SmallVectorImpl<Type> &results) {
      RankedTensorType block = type.getSignlessBlockType();
      MLIRContext *context = type.getContext();
      results.push_back(PointerType::get(block.getElementType()));
      results.append(2 * block.getRank(), IntegerType::get(context, 64));
      results.push_back(IntegerType::get(context, 1));
      return success();
    });
  }
};

/// A descriptor as the values it was split into.
struct Descriptor {
  Value base;
  SmallVector<Value> shape, strides;
  Value padNaN;

  static Descriptor fromComponents(ValueRange values) {
    assert(values.size() % 2 == 0 && "not the components of a descriptor");
    unsigned rank = (values.size() - 2) / 2;
    Descriptor result;
    result.base = values.front();
    result.shape.assign(values.begin() + 1, values.begin() + 1 + rank);
    result.strides.assign(values.begin() + 1 + rank,
                          values.begin() + 1 + 2 * rank);
    result.padNaN = values.back();
    return result;
  }

  SmallVector<Value> components() const {
    SmallVector<Value> result{base};
    llvm::append_range(result, shape);
    llvm::append_range(result, strides);
    result.push_back(padNaN);
    return result;
  }

  /// The block at `indices`, as a block pointer BlockAccess understands.
  BlockPointer at(OpBuilder &b, Location loc, ValueRange indices) const {
    BlockPointer pointer{base, shape, strides, {}};
    for (Value index : indices)
      pointer.offsets.push_back(extendToI64(b, loc, index));
    return pointer;
  }
};

/// Every dimension of a descriptor access is bounds-checked.
SmallVector<int32_t> allDims(RankedTensorType block) {
  return llvm::to_vector(llvm::seq<int32_t>(0, block.getRank()));
}

struct MakeTensorDescConversion : public OpConversionPattern<MakeTensorDescOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MakeTensorDescOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Descriptor desc;
    desc.base = adaptor.getBase().front();
    // The i32 shape is compared with i64 indices.
    for (Value size : singleValues(adaptor.getShape()))
      desc.shape.push_back(extendToI64(rewriter, loc, size));
    desc.strides = singleValues(adaptor.getStrides());
    desc.padNaN = arith::ConstantOp::create(
        rewriter, loc,
        rewriter.getBoolAttr(op.getPadding() == PaddingOption::PAD_NAN));
    rewriter.replaceOpWithMultiple(op, {desc.components()});
    return success();
  }
};

struct DescriptorLoadConversion : public OpConversionPattern<DescriptorLoadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DescriptorLoadOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType block = op.getDesc().getType().getSignlessBlockType();
    Descriptor desc = Descriptor::fromComponents(adaptor.getDesc());
    BlockPointer pointer =
        desc.at(rewriter, loc, singleValues(adaptor.getIndices()));
    BlockAccess access(rewriter, loc, pointer, block);
    Value ptrs = access.pointers();
    Value mask = access.mask(allDims(block));
    // Zero, or NaN where the descriptor says so (known only at run time
    // once the descriptor went through a loop; usually folded).
    Value other = paddingValue(rewriter, loc, block, PaddingOption::PAD_ZERO);
    if (isa<FloatType>(block.getElementType()))
      other = arith::SelectOp::create(
          rewriter, loc, desc.padNaN,
          paddingValue(rewriter, loc, block, PaddingOption::PAD_NAN), other);
    Value load = LoadOp::create(rewriter, loc, block, ptrs, mask, other,
                                ArrayRef<int32_t>{}, PaddingOptionAttr(),
                                op.getCache(), op.getEvict(),
                                /*isVolatile=*/false);
    load.getDefiningOp()->setDiscardableAttrs(
        op->getDiscardableAttrDictionary());
    // A rank-reducing load drops leading dimensions of size 1.
    if (load.getType() != op.getType())
      load = ReshapeOp::create(rewriter, loc, op.getType(), load);
    rewriter.replaceOp(op, load);
    return success();
  }
};

struct DescriptorStoreConversion
    : public OpConversionPattern<DescriptorStoreOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DescriptorStoreOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType block = op.getDesc().getType().getSignlessBlockType();
    Descriptor desc = Descriptor::fromComponents(adaptor.getDesc());
    BlockPointer pointer =
        desc.at(rewriter, loc, singleValues(adaptor.getIndices()));
    BlockAccess access(rewriter, loc, pointer, block);
    Value ptrs = access.pointers();
    Value mask = access.mask(allDims(block));
    Value value = adaptor.getSrc().front();
    if (value.getType() != block)
      value = ReshapeOp::create(rewriter, loc, block, value);
    auto store =
        StoreOp::create(rewriter, loc, ptrs, value, mask, ArrayRef<int32_t>{},
                        CacheModifier::NONE, EvictionPolicy::NORMAL);
    store->setDiscardableAttrs(op->getDiscardableAttrDictionary());
    rewriter.eraseOp(op);
    return success();
  }
};

/// The pointers and mask of a gather or scatter: rows `xOffsets` (i32 tensor
/// of N), columns y_offset + arange(BLOCK_Y), over an N x BLOCK_Y `block`.
std::pair<Value, Value> gatherAccess(OpBuilder &b, Location loc,
                                     const Descriptor &desc,
                                     RankedTensorType block, Value xOffsets,
                                     Value yOffset) {
  // Offset 0 of the rows is unused: `xOffsets` gives them.
  Value zero = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0));
  BlockPointer pointer{desc.base,
                       desc.shape,
                       desc.strides,
                       {zero, extendToI64(b, loc, yOffset)}};
  BlockAccess access(b, loc, pointer, block, xOffsets);
  return {access.pointers(), access.mask(allDims(block))};
}

/// The N x BLOCK_Y block of a gather or scatter, in the descriptor's signless
/// element type.
RankedTensorType gatherBlock(TensorDescType descType, Type accessType) {
  return cast<RankedTensorType>(accessType)
      .clone(descType.getSignlessBlockType().getElementType());
}

struct DescriptorGatherConversion
    : public OpConversionPattern<DescriptorGatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DescriptorGatherOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType block = gatherBlock(op.getDesc().getType(), op.getType());
    Descriptor desc = Descriptor::fromComponents(adaptor.getDesc());
    auto [ptrs, mask] =
        gatherAccess(rewriter, loc, desc, block, adaptor.getXOffsets().front(),
                     adaptor.getYOffset().front());
    Value other = paddingValue(rewriter, loc, block, PaddingOption::PAD_ZERO);
    if (isa<FloatType>(block.getElementType()))
      other = arith::SelectOp::create(
          rewriter, loc, desc.padNaN,
          paddingValue(rewriter, loc, block, PaddingOption::PAD_NAN), other);
    Value load = LoadOp::create(rewriter, loc, block, ptrs, mask, other,
                                ArrayRef<int32_t>{}, PaddingOptionAttr(),
                                CacheModifier::NONE, EvictionPolicy::NORMAL,
                                /*isVolatile=*/false);
    load.getDefiningOp()->setDiscardableAttrs(
        op->getDiscardableAttrDictionary());
    rewriter.replaceOp(op, load);
    return success();
  }
};

struct DescriptorScatterConversion
    : public OpConversionPattern<DescriptorScatterOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DescriptorScatterOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value value = adaptor.getSrc().front();
    RankedTensorType block =
        gatherBlock(op.getDesc().getType(), value.getType());
    Descriptor desc = Descriptor::fromComponents(adaptor.getDesc());
    auto [ptrs, mask] =
        gatherAccess(rewriter, loc, desc, block, adaptor.getXOffsets().front(),
                     adaptor.getYOffset().front());
    auto store =
        StoreOp::create(rewriter, loc, ptrs, value, mask, ArrayRef<int32_t>{},
                        CacheModifier::NONE, EvictionPolicy::NORMAL);
    store->setDiscardableAttrs(op->getDiscardableAttrDictionary());
    rewriter.eraseOp(op);
    return success();
  }
};

/// The tt.atomic_rmw a descriptor reduce of `kind` on `elementType` (as the
/// descriptor declares it, so with its signedness) is, if there is one.
/// Float min/max (no tt.atomic_rmw; Triton emulates them with a CAS loop)
/// and inc/dec (wrap-around counters) have none.
std::optional<RMWOp> getReduceRMWOp(DescriptorReduceKind kind,
                                    Type elementType) {
  bool isFloat = isa<FloatType>(elementType);
  bool isUnsigned = elementType.isUnsignedInteger();
  switch (kind) {
  case DescriptorReduceKind::ADD:
    return isFloat ? RMWOp::FADD : RMWOp::ADD;
  case DescriptorReduceKind::MIN:
    if (isFloat)
      return std::nullopt;
    return isUnsigned ? RMWOp::UMIN : RMWOp::MIN;
  case DescriptorReduceKind::MAX:
    if (isFloat)
      return std::nullopt;
    return isUnsigned ? RMWOp::UMAX : RMWOp::MAX;
  case DescriptorReduceKind::AND:
    return isFloat ? std::nullopt : std::optional(RMWOp::AND);
  case DescriptorReduceKind::OR:
    return isFloat ? std::nullopt : std::optional(RMWOp::OR);
  case DescriptorReduceKind::XOR:
    return isFloat ? std::nullopt : std::optional(RMWOp::XOR);
  case DescriptorReduceKind::INC:
  case DescriptorReduceKind::DEC:
    return std::nullopt;
  }
  return std::nullopt;
}

struct DescriptorReduceConversion
    : public OpConversionPattern<DescriptorReduceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DescriptorReduceOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    TensorDescType descType = op.getDesc().getType();
    std::optional<RMWOp> rmw =
        getReduceRMWOp(op.getKind(), descType.getBlockType().getElementType());
    if (!rmw)
      return failure(); // Reported by checkDescriptorsSupported.
    RankedTensorType block = descType.getSignlessBlockType();
    Descriptor desc = Descriptor::fromComponents(adaptor.getDesc());
    BlockPointer pointer =
        desc.at(rewriter, loc, singleValues(adaptor.getIndices()));
    BlockAccess access(rewriter, loc, pointer, block);
    Value ptrs = access.pointers();
    Value mask = access.mask(allDims(block));
    Value value = adaptor.getSrc().front();
    if (value.getType() != block)
      value = ReshapeOp::create(rewriter, loc, block, value);
    // Each element is its own atomic, as tl.atomic_add's default (acq_rel,
    // gpu); the old values are not wanted.
    auto atomic =
        AtomicRMWOp::create(rewriter, loc, block, *rmw, ptrs, value, mask,
                            MemSemantic::ACQUIRE_RELEASE, MemSyncScope::GPU);
    atomic->setDiscardableAttrs(op->getDiscardableAttrDictionary());
    rewriter.eraseOp(op);
    return success();
  }
};

/// Reports, at the op, every use of descriptors the rewrite does not handle;
/// `found` tells whether there is any descriptor at all.
LogicalResult checkDescriptorsSupported(ModuleOp module, bool &found) {
  bool ok = true;
  found = false;
  module.walk([&](Operation *op) {
    if (auto func = dyn_cast<FunctionOpInterface>(op)) {
      if (llvm::any_of(func.getArgumentTypes(), isDescriptor) ||
          llvm::any_of(func.getResultTypes(), isDescriptor)) {
        op->emitError() << "tensor descriptors as function arguments or "
                           "results are not supported (build them in the "
                           "kernel with tl.make_tensor_descriptor)";
        ok = false;
      }
      return;
    }
    if (!touchesDescriptor(op))
      return;
    found = true;
    if (auto reduce = dyn_cast<DescriptorReduceOp>(op)) {
      Type element = reduce.getDesc().getType().getBlockType().getElementType();
      if (!getReduceRMWOp(reduce.getKind(), element)) {
        op->emitError() << "'tt.descriptor_reduce' "
                        << stringifyDescriptorReduceKind(reduce.getKind())
                        << " of " << element
                        << " has no atomic read-modify-write to lower to";
        ok = false;
      }
      return;
    }
    if (isa<DescriptorGatherOp, DescriptorScatterOp>(op)) {
      // The gather shape: rows x_offsets (N) of a 1 x BLOCK_Y descriptor
      // block, as N x BLOCK_Y.
      auto gather = dyn_cast<DescriptorGatherOp>(op);
      auto scatter = dyn_cast<DescriptorScatterOp>(op);
      RankedTensorType descBlock =
          (gather ? gather.getDesc() : scatter.getDesc())
              .getType()
              .getBlockType();
      auto rows = cast<RankedTensorType>(
          (gather ? gather.getXOffsets() : scatter.getXOffsets()).getType());
      auto data = cast<RankedTensorType>(gather ? gather.getType()
                                                : scatter.getSrc().getType());
      if (descBlock.getRank() != 2 || rows.getRank() != 1 ||
          data.getRank() != 2 || data.getShape()[0] != rows.getShape()[0] ||
          data.getShape()[1] != descBlock.getShape()[1] ||
          data.getElementType() != descBlock.getElementType()) {
        op->emitError() << "'" << op->getName()
                        << "' expects a 2-D descriptor, 1-D x_offsets of N "
                           "rows and N x BLOCK_Y data of its element type";
        ok = false;
      }
      return;
    }
    if (isa<MakeTensorDescOp, DescriptorLoadOp, DescriptorStoreOp>(op) ||
        carriesSplitValues(op))
      return;
    op->emitError() << "tensor descriptors reaching '" << op->getName()
                    << "' are not supported";
    ok = false;
  });
  return success(ok);
}

struct RewriteTensorDescriptor
    : public mlir::triton::impl::TritiumRewriteTensorDescriptorBase<
          RewriteTensorDescriptor> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    bool found;
    if (failed(checkDescriptorsSupported(module, found)))
      return signalPassFailure();
    if (!found)
      return markAllAnalysesPreserved();

    DescriptorTypeConverter converter;
    RewritePatternSet patterns(context);
    patterns.add<MakeTensorDescConversion, DescriptorLoadConversion,
                 DescriptorStoreConversion, DescriptorGatherConversion,
                 DescriptorScatterConversion, DescriptorReduceConversion>(
        converter, context);
    if (failed(convertSplitValues<isDescriptor>(module, converter,
                                                std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
