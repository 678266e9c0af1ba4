//===- SplitValues.h - Block pointers and descriptors as components -*- C++
//-*-===//
//
// What the two rewrites of Triton's structured memory accesses share
// (RewriteTensorPointer.cpp: block pointers; RewriteTensorDescriptor.cpp:
// tensor descriptors): a value split into its components by a 1:N dialect
// conversion, the addresses and bounds masks of one access through a block
// of them, and the conversion that carries split values through select,
// poison and the structural SCF ops.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_DIALECT_TRITON_TRANSFORMS_SPLITVALUES_H
#define TRITIUM_DIALECT_TRITON_TRANSFORMS_SPLITVALUES_H

#include "tritium/Dialect/Triton/IR/Dialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/SmallBitVector.h"

namespace mlir::triton::rewrite {

/// The block (tensor) type a block pointer points to, else null.
inline RankedTensorType getBlockType(Type type) {
  auto pointer = dyn_cast<PointerType>(type);
  return pointer ? dyn_cast<RankedTensorType>(pointer.getPointeeType())
                 : RankedTensorType();
}

/// Whether `op` takes or gives a value of a type `isSplit` accepts (a type
/// the rewrite splits into components).
inline bool touches(Operation *op, bool (*isSplit)(Type)) {
  return llvm::any_of(op->getOperandTypes(), isSplit) ||
         llvm::any_of(op->getResultTypes(), isSplit);
}

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
inline SmallVector<Value> singleValues(ArrayRef<ValueRange> operands) {
  return llvm::map_to_vector(operands,
                             [](ValueRange values) { return values.front(); });
}

inline Value extendToI64(OpBuilder &b, Location loc, Value value) {
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

/// The value a masked-off element of a padded load takes, else null.
inline Value paddingValue(OpBuilder &b, Location loc, RankedTensorType block,
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
inline bool carriesSplitValues(Operation *op) {
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

} // namespace mlir::triton::rewrite

#endif // TRITIUM_DIALECT_TRITON_TRANSFORMS_SPLITVALUES_H
