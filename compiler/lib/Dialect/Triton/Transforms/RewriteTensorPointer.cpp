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
//
// Tensor descriptors (`tt.make_tensor_descriptor`, accessed by
// `tt.descriptor_load` / `tt.descriptor_store` at explicit indices) are
// rewritten the same way by a second pass, as Triton's
// RewriteTensorDescriptorToPointer does where there is no TMA: a descriptor
// is 1 + 2 * rank + 1 values (base, i64 shape and strides, and an i1 "pad
// with NaN"), and each access reuses the block pointer's address and mask
// computation with the access's indices as offsets, checking every dimension.
// A gather / scatter takes its rows from x_offsets instead of offset + arange;
// a reduce is a masked tt.atomic_rmw of the block.
//
//===----------------------------------------------------------------------===//

#include "tritium/Dialect/Triton/Transforms/Passes.h"

#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/SmallBitVector.h"

namespace mlir::triton {
#define GEN_PASS_DEF_TRITIUMREWRITETENSORPOINTER
#define GEN_PASS_DEF_TRITIUMREWRITETENSORDESCRIPTOR
#include "tritium/Dialect/Triton/Transforms/Passes.h.inc"
} // namespace mlir::triton

using namespace mlir;
using namespace mlir::triton;

namespace {

/// The block (tensor) type a block pointer points to, else null.
RankedTensorType getBlockType(Type type) {
  auto pointer = dyn_cast<PointerType>(type);
  return pointer ? dyn_cast<RankedTensorType>(pointer.getPointeeType())
                 : RankedTensorType();
}

bool isBlockPointer(Type type) { return static_cast<bool>(getBlockType(type)); }

/// Whether `op` takes or gives a value of a type `isSplit` accepts (a type
/// the rewrite splits into components).
bool touches(Operation *op, bool (*isSplit)(Type)) {
  return llvm::any_of(op->getOperandTypes(), isSplit) ||
         llvm::any_of(op->getResultTypes(), isSplit);
}

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

/// A block pointer as the values it was split into.
struct BlockPointer {
  Value base;
  SmallVector<Value> shape, strides, offsets;

  static BlockPointer fromComponents(ValueRange values) {
    assert(values.size() % 3 == 1 && "not the components of a block pointer");
    unsigned rank = values.size() / 3;
    BlockPointer result;
    result.base = values.front();
    result.shape.assign(values.begin() + 1, values.begin() + 1 + rank);
    result.strides.assign(values.begin() + 1 + rank,
                          values.begin() + 1 + 2 * rank);
    result.offsets.assign(values.begin() + 1 + 2 * rank, values.end());
    return result;
  }

  SmallVector<Value> components() const {
    SmallVector<Value> result{base};
    llvm::append_range(result, shape);
    llvm::append_range(result, strides);
    llvm::append_range(result, offsets);
    return result;
  }
};

/// The only value of each operand of a 1:N adaptor whose operands keep their
/// type.
SmallVector<Value> singleValues(ArrayRef<ValueRange> operands) {
  return llvm::map_to_vector(operands,
                             [](ValueRange values) { return values.front(); });
}

Value extendToI64(OpBuilder &b, Location loc, Value value) {
  Type i64 = b.getI64Type();
  if (value.getType() == i64)
    return value;
  return arith::ExtSIOp::create(b, loc, i64, value);
}

/// The pointers, and the conditions of boundaryCheck, of one access through
/// a block pointer.
class BlockAccess {
public:
  /// `rows`, when given (an i32 tensor of the block's first dimension), are
  /// the element indices along dimension 0 instead of offset_0 + arange: the
  /// rows of a descriptor gather or scatter.
  BlockAccess(OpBuilder &b, Location loc, const BlockPointer &pointer,
              RankedTensorType block, Value rows = {})
      : b(b), loc(loc), pointer(pointer), block(block), rows(rows) {
    for (unsigned d = 0; d < block.getRank(); ++d)
      indices.push_back(buildIndices(d));
  }

  /// base + sum_d index_d * stride_d, as a tensor of pointers of the block's
  /// shape.
  Value pointers() {
    Value sum;
    for (unsigned d = 0; d < block.getRank(); ++d) {
      Value term = arith::MulIOp::create(
          b, loc, indices[d], splat(pointer.strides[d], indices[d].getType()));
      term = broadcastToBlock(term);
      sum = sum ? arith::AddIOp::create(b, loc, sum, term).getResult() : term;
    }
    auto pointerTensor =
        RankedTensorType::get(block.getShape(), pointer.base.getType());
    return AddPtrOp::create(b, loc, pointerTensor,
                            splat(pointer.base, pointerTensor), sum);
  }

  /// `0 <= index_d < shape_d` for every d in `dims`, broadcast to the block;
  /// null when `dims` is empty.
  Value mask(ArrayRef<int32_t> dims) {
    Value result;
    llvm::SmallBitVector seen(block.getRank());
    for (int32_t d : dims) {
      if (seen.test(d))
        continue;
      seen.set(d);
      auto type = cast<RankedTensorType>(indices[d].getType());
      Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(type));
      Value lower = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                          indices[d], zero);
      Value upper =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, indices[d],
                                splat(pointer.shape[d], type));
      Value inBounds =
          broadcastToBlock(arith::AndIOp::create(b, loc, lower, upper));
      result = result
                   ? arith::AndIOp::create(b, loc, result, inBounds).getResult()
                   : inBounds;
    }
    return result;
  }

private:
  /// offset_d + arange(size_d) in i64, with every other dimension of size 1.
  Value buildIndices(unsigned d) {
    int64_t size = block.getShape()[d];
    auto i64Type = RankedTensorType::get({size}, b.getI64Type());
    Value index;
    if (d == 0 && rows) {
      index = arith::ExtSIOp::create(b, loc, i64Type, rows);
    } else {
      auto range = MakeRangeOp::create(
          b, loc, RankedTensorType::get({size}, b.getI32Type()), uint32_t(0),
          uint32_t(size));
      index =
          arith::AddIOp::create(b, loc, splat(pointer.offsets[d], i64Type),
                                arith::ExtSIOp::create(b, loc, i64Type, range));
    }
    // Insert the dimensions before d, then those after it.
    SmallVector<int64_t> shape{size};
    for (unsigned axis = 0; axis < block.getRank(); ++axis) {
      if (axis == d)
        continue;
      shape.insert(shape.begin() + axis, 1);
      index = ExpandDimsOp::create(
          b, loc, RankedTensorType::get(shape, b.getI64Type()), index, axis);
    }
    return index;
  }

  Value splat(Value scalar, Type tensorType) {
    auto tensor = cast<RankedTensorType>(tensorType);
    return SplatOp::create(
        b, loc, RankedTensorType::get(tensor.getShape(), scalar.getType()),
        scalar);
  }

  Value broadcastToBlock(Value value) {
    auto type = cast<RankedTensorType>(value.getType());
    if (type.getShape() == block.getShape())
      return value;
    return BroadcastOp::create(
        b, loc, RankedTensorType::get(block.getShape(), type.getElementType()),
        value);
  }

  OpBuilder &b;
  Location loc;
  const BlockPointer &pointer;
  RankedTensorType block;
  Value rows;
  /// Per dimension d, the element indices along d (offset_d + arange) as an
  /// i64 tensor of the block's rank, of size 1 except along d.
  SmallVector<Value> indices;
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

/// The value a masked-off element of a padded load takes, else null.
Value paddingValue(OpBuilder &b, Location loc, RankedTensorType block,
                   std::optional<PaddingOption> padding) {
  if (!padding)
    return {};
  if (*padding == PaddingOption::PAD_ZERO)
    return arith::ConstantOp::create(b, loc, b.getZeroAttr(block));
  auto floatType = cast<FloatType>(block.getElementType());
  return arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(block,
                             APFloat::getNaN(floatType.getFloatSemantics())));
}

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

/// A split value (block pointer or descriptor, as `isSplit` says) chosen by
/// a scalar condition: choose each component.
template <bool (*isSplit)(Type)>
struct SplitSelectConversion : public OpConversionPattern<arith::SelectOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(arith::SelectOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isSplit(op.getType()))
      return failure();
    SmallVector<Value> chosen;
    for (auto [t, f] :
         llvm::zip_equal(adaptor.getTrueValue(), adaptor.getFalseValue()))
      chosen.push_back(arith::SelectOp::create(
          rewriter, op.getLoc(), adaptor.getCondition().front(), t, f));
    rewriter.replaceOpWithMultiple(op, {chosen});
    return success();
  }
};

/// An undefined split value (a variable Triton leaves unset on one path):
/// undefined components.
template <bool (*isSplit)(Type)>
struct SplitPoisonConversion : public OpConversionPattern<ub::PoisonOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ub::PoisonOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    SmallVector<Type> types;
    if (!isSplit(op.getType()) ||
        failed(getTypeConverter()->convertType(op.getType(), types)))
      return failure();
    SmallVector<Value> components;
    for (Type type : types)
      components.push_back(ub::PoisonOp::create(rewriter, op.getLoc(), type));
    rewriter.replaceOpWithMultiple(op, {components});
    return success();
  }
};

/// Ops that convertSplitValues carries a split value through whatever it
/// is: poison, an i1 select, and the structural SCF ops.
bool carriesSplitValues(Operation *op) {
  if (isa<ub::PoisonOp, scf::ForOp, scf::IfOp, scf::WhileOp, scf::YieldOp,
          scf::ConditionOp>(op))
    return true;
  auto select = dyn_cast<arith::SelectOp>(op);
  return select && select.getCondition().getType().isInteger(1);
}

/// Runs a 1:N conversion that splits the values `converter` splits:
/// `patterns` plus select / poison of such values and the structural SCF
/// conversions; whatever neither takes nor gives a split value stays.
template <bool (*isSplit)(Type)>
LogicalResult convertSplitValues(ModuleOp module,
                                 const TypeConverter &converter,
                                 RewritePatternSet &&patterns) {
  MLIRContext *context = module.getContext();
  patterns.add<SplitSelectConversion<isSplit>, SplitPoisonConversion<isSplit>>(
      converter, context);
  ConversionTarget target(*context);
  target.markUnknownOpDynamicallyLegal(
      [&](Operation *op) { return converter.isLegal(op); });
  scf::populateSCFStructuralTypeConversionsAndLegality(converter, patterns,
                                                       target);
  return applyPartialConversion(module, target, std::move(patterns));
}

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

//===----------------------------------------------------------------------===//
// Tensor descriptors
//===----------------------------------------------------------------------===//

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
