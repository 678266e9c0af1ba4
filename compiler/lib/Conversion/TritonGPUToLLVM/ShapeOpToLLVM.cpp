//===- ShapeOpToLLVM.cpp - cat, join, split, gather, unsplat -------------===//
//
// cat, join, split and gather move elements between threads: the sources are
// written to the scratch buffer at row-major slots (each distinct element
// once per thread), and after a barrier every thread reads the slots its
// result registers name. The slot arithmetic encodes each op's semantics:
//  - cat: Triton lets cat reorder elements, and its own order (that the
//    corpus compares against) is a layout artefact; TritonCatOrder below
//    reproduces it for 1-D cats, others concatenate in row-major order;
//  - join: result[..., 0] = lhs, result[..., 1] = rhs;
//  - split: the inverse of join;
//  - gather: result[i...] = src[i... with indices[i...] along `axis`]; the
//    indices have the result's layout, so register r of both pairs up.
// unsplat needs no data movement: every register of every thread holds the
// single element of a one-element tensor.
//
//===----------------------------------------------------------------------===//

#include "Utility.h"

#include "mlir/Transforms/DialectConversion.h"

#include <set>

using namespace mlir;
using namespace mlir::triton;
using namespace mlir::triton::lowering;

namespace {

using SlotFn = function_ref<Value(OpBuilder &, Location, ArrayRef<Value>)>;

FailureOr<ttg::LayoutView> viewOf(Type type) {
  auto tensor = cast<RankedTensorType>(type);
  return ttg::getLayoutView(tensor.getEncoding(), tensor.getShape());
}

int64_t numElements(Type type) {
  return cast<RankedTensorType>(type).getNumElements();
}

ArrayRef<int64_t> shapeOf(Type type) {
  return cast<RankedTensorType>(type).getShape();
}

Value slotAddress(OpBuilder &b, Location loc, Value base, Type elementType,
                  Value slot) {
  auto sharedPtr =
      LLVM::LLVMPointerType::get(b.getContext(), kSharedAddressSpace);
  return LLVM::GEPOp::create(b, loc, sharedPtr, storageType(elementType), base,
                             ValueRange{slot});
}

/// Writes the elements of a tensor laid out by `view` to the slots
/// `slotOf(coordinates)` names; registers replicating an element are written
/// once.
void storeElements(OpBuilder &b, Location loc, Value base, Type elementType,
                   ArrayRef<Value> elements, const ttg::LayoutView &view,
                   SlotFn slotOf) {
  SmallVector<SmallVector<Value>> coords = emitCoordinates(b, loc, view);
  std::set<SmallVector<int64_t>> written;
  for (unsigned r = 0; r < view.getNumRegisters(); ++r) {
    if (!written.insert(view.tensorOffsets(r)).second)
      continue;
    Value address =
        slotAddress(b, loc, base, elementType, slotOf(b, loc, coords[r]));
    LLVM::StoreOp::create(b, loc, toStorage(b, loc, elements[r]), address);
  }
}

/// Reads, for every register of a tensor laid out by `view`, the slot
/// `slotOf(coordinates, register)` names; registers replicating an element
/// share the load of the first.
SmallVector<Value> loadElements(
    OpBuilder &b, Location loc, Value base, Type elementType,
    const ttg::LayoutView &view,
    function_ref<Value(OpBuilder &, Location, ArrayRef<Value>, unsigned)>
        slotOf) {
  SmallVector<SmallVector<Value>> coords = emitCoordinates(b, loc, view);
  std::map<SmallVector<int64_t>, Value> loaded;
  SmallVector<Value> result;
  for (unsigned r = 0; r < view.getNumRegisters(); ++r) {
    Value &value = loaded[view.tensorOffsets(r)];
    if (!value) {
      Value address =
          slotAddress(b, loc, base, elementType, slotOf(b, loc, coords[r], r));
      Type memType = storageType(elementType);
      value = fromStorage(
          b, loc, LLVM::LoadOp::create(b, loc, memType, address), elementType);
    }
    result.push_back(value);
  }
  return result;
}

Type elementTypeOf(Type structType) {
  return cast<LLVM::LLVMStructType>(structType).getBody()[0];
}

Value addConst(OpBuilder &b, Location loc, Value value, int64_t c) {
  if (c == 0)
    return value;
  return LLVM::AddOp::create(b, loc, value, i32Const(b, loc, c));
}

Value mulConst(OpBuilder &b, Location loc, Value value, int64_t c) {
  if (c == 1)
    return value;
  return LLVM::MulOp::create(b, loc, value, i32Const(b, loc, c));
}

/// The element order Triton 3.x gives tt.cat (which may reorder): its
/// lowering concatenates each thread's registers, lhs's then rhs's. The
/// operands of a 1-D cat are then in Triton's default layout (one element per
/// thread and register: thread t, register i holds element t + T * i for T
/// threads) and the result in the layout its store is coalesced to (up to 16
/// bytes per thread: element e sits in thread (e / v) mod T, register
/// (e / (v * T)) * v + e mod v). Result element e therefore holds the source
/// element at slot t + T * i, lhs's slots first. Reproducing this makes the
/// stored result match Triton's element for element; where the shapes do not
/// fit that pattern, the result is the plain concatenation.
struct TritonCatOrder {
  int64_t threads = 0;
  int64_t vector = 0;

  static std::optional<TritonCatOrder> get(CatOp op, unsigned numWarps) {
    auto lhs = cast<RankedTensorType>(op.getLhs().getType());
    if (lhs.getRank() != 1)
      return std::nullopt;
    int64_t threads = int64_t(ttg::kThreadsPerWarp) * numWarps;
    int64_t count = lhs.getNumElements();
    if (count < threads || count % threads != 0)
      return std::nullopt;
    Type element = lhs.getElementType();
    unsigned bits = isa<PointerType>(element)
                        ? 64
                        : std::max(8u, element.getIntOrFloatBitWidth());
    int64_t vector = std::max<int64_t>(
        1, std::min<int64_t>(128 / bits, 2 * count / threads));
    return TritonCatOrder{threads, vector};
  }

  Value sourceSlot(OpBuilder &b, Location loc, Value index) const {
    Value lane = LLVM::URemOp::create(b, loc, index, i32Const(b, loc, vector));
    Value thread = LLVM::URemOp::create(
        b, loc, LLVM::UDivOp::create(b, loc, index, i32Const(b, loc, vector)),
        i32Const(b, loc, threads));
    Value rep =
        LLVM::UDivOp::create(b, loc, index, i32Const(b, loc, vector * threads));
    Value reg =
        LLVM::AddOp::create(b, loc, mulConst(b, loc, rep, vector), lane);
    return LLVM::AddOp::create(b, loc, thread, mulConst(b, loc, reg, threads));
  }
};

/// The base class of the shared-memory patterns: result types and views.
template <typename SourceOp>
struct ThroughScratch : public OpConversionPattern<SourceOp> {
  ThroughScratch(TritiumTypeConverter &converter, LoweringContext &state)
      : OpConversionPattern<SourceOp>(converter, &converter.getContext()),
        state(state) {}

  LoweringContext &state;
};

struct CatOpConversion : public ThroughScratch<CatOp> {
  using ThroughScratch::ThroughScratch;

  LogicalResult
  matchAndRewrite(CatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    FailureOr<ttg::LayoutView> lhsView = viewOf(op.getLhs().getType());
    FailureOr<ttg::LayoutView> rhsView = viewOf(op.getRhs().getType());
    FailureOr<ttg::LayoutView> dstView = viewOf(op.getType());
    Type type = getTypeConverter()->convertType(op.getType());
    if (failed(lhsView) || failed(rhsView) || failed(dstView) || !type)
      return failure();
    Type elementType = elementTypeOf(type);
    ArrayRef<int64_t> lhsShape = shapeOf(op.getLhs().getType());
    ArrayRef<int64_t> rhsShape = shapeOf(op.getRhs().getType());
    ArrayRef<int64_t> dstShape = shapeOf(op.getType());
    int64_t lhsCount = numElements(op.getLhs().getType());
    Value base =
        sharedScratch(rewriter, loc, op, state,
                      numElements(op.getType()) * storageBytes(elementType));
    storeElements(rewriter, loc, base, elementType,
                  unpack(rewriter, loc, adaptor.getLhs()), *lhsView,
                  [&](OpBuilder &b, Location l, ArrayRef<Value> c) {
                    return linearize(b, l, c, lhsShape);
                  });
    storeElements(rewriter, loc, base, elementType,
                  unpack(rewriter, loc, adaptor.getRhs()), *rhsView,
                  [&](OpBuilder &b, Location l, ArrayRef<Value> c) {
                    return addConst(b, l, linearize(b, l, c, rhsShape),
                                    lhsCount);
                  });
    barrier(rewriter, loc);
    std::optional<TritonCatOrder> triton =
        TritonCatOrder::get(op, state.numWarps);
    SmallVector<Value> elements = loadElements(
        rewriter, loc, base, elementType, *dstView,
        [&](OpBuilder &b, Location l, ArrayRef<Value> c, unsigned) {
          return triton ? triton->sourceSlot(b, l, c[0])
                        : linearize(b, l, c, dstShape);
        });
    rewriter.replaceOp(op, pack(rewriter, loc, type, elements));
    return success();
  }
};

struct JoinOpConversion : public ThroughScratch<JoinOp> {
  using ThroughScratch::ThroughScratch;

  LogicalResult
  matchAndRewrite(JoinOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    FailureOr<ttg::LayoutView> lhsView = viewOf(op.getLhs().getType());
    FailureOr<ttg::LayoutView> rhsView = viewOf(op.getRhs().getType());
    FailureOr<ttg::LayoutView> dstView = viewOf(op.getType());
    Type type = getTypeConverter()->convertType(op.getType());
    if (failed(lhsView) || failed(rhsView) || failed(dstView) || !type)
      return failure();
    Type elementType = elementTypeOf(type);
    ArrayRef<int64_t> srcShape = shapeOf(op.getLhs().getType());
    ArrayRef<int64_t> dstShape = shapeOf(op.getType());
    Value base =
        sharedScratch(rewriter, loc, op, state,
                      numElements(op.getType()) * storageBytes(elementType));
    // The slots are the result's row-major indices: 2 * i + half.
    const ttg::LayoutView *views[] = {&*lhsView, &*rhsView};
    Value values[] = {adaptor.getLhs(), adaptor.getRhs()};
    for (int64_t half = 0; half < 2; ++half)
      storeElements(
          rewriter, loc, base, elementType, unpack(rewriter, loc, values[half]),
          *views[half], [&](OpBuilder &b, Location l, ArrayRef<Value> c) {
            return addConst(
                b, l, mulConst(b, l, linearize(b, l, c, srcShape), 2), half);
          });
    barrier(rewriter, loc);
    SmallVector<Value> elements =
        loadElements(rewriter, loc, base, elementType, *dstView,
                     [&](OpBuilder &b, Location l, ArrayRef<Value> c,
                         unsigned) { return linearize(b, l, c, dstShape); });
    rewriter.replaceOp(op, pack(rewriter, loc, type, elements));
    return success();
  }
};

struct SplitOpConversion : public ThroughScratch<SplitOp> {
  using ThroughScratch::ThroughScratch;

  LogicalResult
  matchAndRewrite(SplitOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    FailureOr<ttg::LayoutView> srcView = viewOf(op.getSrc().getType());
    if (failed(srcView))
      return failure();
    ArrayRef<int64_t> srcShape = shapeOf(op.getSrc().getType());
    ArrayRef<int64_t> dstShape = shapeOf(op.getOutLHS().getType());
    Type elementType;
    SmallVector<Type> types;
    SmallVector<ttg::LayoutView> views;
    for (Value result : op.getResults()) {
      FailureOr<ttg::LayoutView> view = viewOf(result.getType());
      Type type = getTypeConverter()->convertType(result.getType());
      if (failed(view) || !type)
        return failure();
      views.push_back(*view);
      types.push_back(type);
      elementType = elementTypeOf(type);
    }
    Value base = sharedScratch(rewriter, loc, op, state,
                               numElements(op.getSrc().getType()) *
                                   storageBytes(elementType));
    storeElements(rewriter, loc, base, elementType,
                  unpack(rewriter, loc, adaptor.getSrc()), *srcView,
                  [&](OpBuilder &b, Location l, ArrayRef<Value> c) {
                    return linearize(b, l, c, srcShape);
                  });
    barrier(rewriter, loc);
    SmallVector<Value> results;
    for (int64_t half = 0; half < 2; ++half) {
      SmallVector<Value> elements = loadElements(
          rewriter, loc, base, elementType, views[half],
          [&](OpBuilder &b, Location l, ArrayRef<Value> c, unsigned) {
            return addConst(
                b, l, mulConst(b, l, linearize(b, l, c, dstShape), 2), half);
          });
      results.push_back(pack(rewriter, loc, types[half], elements));
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

struct GatherOpConversion : public ThroughScratch<GatherOp> {
  using ThroughScratch::ThroughScratch;

  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto indicesType = cast<RankedTensorType>(op.getIndices().getType());
    if (indicesType.getEncoding() !=
        cast<RankedTensorType>(op.getType()).getEncoding())
      return rewriter.notifyMatchFailure(op,
                                         "indices and result need one layout");
    FailureOr<ttg::LayoutView> srcView = viewOf(op.getSrc().getType());
    FailureOr<ttg::LayoutView> dstView = viewOf(op.getType());
    Type type = getTypeConverter()->convertType(op.getType());
    if (failed(srcView) || failed(dstView) || !type)
      return failure();
    Type elementType = elementTypeOf(type);
    unsigned axis = op.getAxis();
    ArrayRef<int64_t> srcShape = shapeOf(op.getSrc().getType());
    SmallVector<Value> indices = unpack(rewriter, loc, adaptor.getIndices());
    Value base = sharedScratch(rewriter, loc, op, state,
                               numElements(op.getSrc().getType()) *
                                   storageBytes(elementType));
    storeElements(rewriter, loc, base, elementType,
                  unpack(rewriter, loc, adaptor.getSrc()), *srcView,
                  [&](OpBuilder &b, Location l, ArrayRef<Value> c) {
                    return linearize(b, l, c, srcShape);
                  });
    barrier(rewriter, loc);
    Type i32 = rewriter.getI32Type();
    SmallVector<Value> elements = loadElements(
        rewriter, loc, base, elementType, *dstView,
        [&](OpBuilder &b, Location l, ArrayRef<Value> c, unsigned r) {
          Value index = indices[r];
          unsigned bits = index.getType().getIntOrFloatBitWidth();
          if (bits > 32)
            index = LLVM::TruncOp::create(b, l, i32, index);
          else if (bits < 32)
            index = LLVM::SExtOp::create(b, l, i32, index);
          // Out-of-range indices are undefined in Triton; wrapping them
          // (extents are powers of two) keeps the read inside the buffer.
          index = LLVM::AndOp::create(b, l, index,
                                      i32Const(b, l, srcShape[axis] - 1));
          SmallVector<Value> srcCoords(c);
          srcCoords[axis] = index;
          return linearize(b, l, srcCoords, srcShape);
        });
    rewriter.replaceOp(op, pack(rewriter, loc, type, elements));
    return success();
  }
};

struct UnsplatOpConversion : public OpConversionPattern<UnsplatOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(UnsplatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // A one-element tensor: every register is a copy of that element.
    rewriter.replaceOp(op, LLVM::ExtractValueOp::create(rewriter, op.getLoc(),
                                                        adaptor.getSrc(), 0));
    return success();
  }
};

} // namespace

void mlir::triton::populateShapeOpToLLVMPatterns(
    TritiumTypeConverter &converter, RewritePatternSet &patterns,
    LoweringContext &state) {
  patterns.add<CatOpConversion, JoinOpConversion, SplitOpConversion,
               GatherOpConversion>(converter, state);
  patterns.add<UnsplatOpConversion>(converter, &converter.getContext());
}
