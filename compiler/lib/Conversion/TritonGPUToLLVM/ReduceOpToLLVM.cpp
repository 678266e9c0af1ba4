//===- ReduceOpToLLVM.cpp - tt.reduce -------------------------------------===//
//
// Three levels, each combining with the op's own region: the registers a
// thread holds along the axis, then lanes (butterfly shuffles, so every lane
// ends with the result), then warps (through shared memory). Only distinct
// elements are combined: where a small tensor is replicated over registers,
// lanes or warps, the copies are left out.
//
//===----------------------------------------------------------------------===//

#include "Utility.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/DialectConversion.h"

#include <map>

using namespace mlir;
using namespace mlir::triton;
using namespace mlir::triton::lowering;

namespace {

/// Butterfly shuffle: the value of the lane whose id differs by `mask`.
Value shuffleXor(OpBuilder &b, Location loc, Value value, unsigned mask) {
  return shuffle(b, loc, value, i32Const(b, loc, mask), NVVM::ShflKind::bfly);
}

struct ReduceOpConversion : public OpConversionPattern<ReduceOp> {
  ReduceOpConversion(TritiumTypeConverter &converter, LoweringContext &state)
      : OpConversionPattern(converter, &converter.getContext()), state(state) {}

  /// Applies the combine region to (acc, cur), cloning its scalar ops.
  SmallVector<Value> combine(ConversionPatternRewriter &rewriter, ReduceOp op,
                             ArrayRef<Value> acc, ArrayRef<Value> cur) const {
    Block &body = op.getCombineOp().front();
    IRMapping mapping;
    unsigned n = acc.size();
    for (unsigned i = 0; i < n; ++i) {
      mapping.map(body.getArgument(i), acc[i]);
      mapping.map(body.getArgument(n + i), cur[i]);
    }
    for (Operation &inner : body.without_terminator())
      rewriter.clone(inner, mapping);
    SmallVector<Value> result;
    for (Value v : body.getTerminator()->getOperands())
      result.push_back(mapping.lookupOrDefault(v));
    return result;
  }

  LogicalResult
  matchAndRewrite(ReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto srcType = cast<RankedTensorType>(op.getSrcs()[0].getType());
    FailureOr<ttg::LayoutView> view =
        ttg::getLayoutView(srcType.getEncoding(), srcType.getShape());
    if (failed(view))
      return failure();
    unsigned axis = op.getAxis();
    unsigned k = view->keptDims[axis];
    unsigned n = op.getSrcs().size();
    ArrayRef<unsigned> spt = view->root.getSizePerThread();
    ArrayRef<unsigned> tpw = view->root.getThreadsPerWarp();
    ArrayRef<unsigned> wpc = view->root.getWarpsPerCTA();
    ArrayRef<unsigned> order = view->root.getOrder();
    int64_t extent = view->rootShape[k];

    SmallVector<SmallVector<Value>> operands;
    for (Value v : adaptor.getSrcs())
      operands.push_back(unpack(rewriter, loc, v));

    // 1. Within the thread: group registers by their coordinates off the
    //    axis; fold the distinct ones along the axis in increasing order.
    std::map<SmallVector<int64_t>, std::map<int64_t, unsigned>> groups;
    for (unsigned r = 0; r < view->getNumRegisters(); ++r) {
      SmallVector<int64_t> key = view->tensorOffsets(r);
      int64_t along = key[axis];
      key.erase(key.begin() + axis);
      groups[key].emplace(along, r); // keeps the first of duplicates
    }
    SmallVector<SmallVector<int64_t>> keys;
    SmallVector<SmallVector<Value>> accs;
    SmallVector<unsigned> representative;
    for (auto &[key, members] : groups) {
      SmallVector<Value> acc;
      for (auto [along, r] : members) {
        SmallVector<Value> cur;
        for (unsigned j = 0; j < n; ++j)
          cur.push_back(operands[j][r]);
        acc = acc.empty() ? cur : combine(rewriter, op, acc, cur);
      }
      keys.push_back(key);
      accs.push_back(acc);
      representative.push_back(members.begin()->second);
    }

    // 2. Across lanes holding distinct positions along the axis.
    unsigned laneStride = 1;
    for (unsigned d : order) {
      if (d == k)
        break;
      laneStride *= tpw[d];
    }
    int64_t distinctLanes =
        std::min<int64_t>(tpw[k], std::max<int64_t>(1, extent / spt[k]));
    for (int64_t m = 1; m < distinctLanes; m *= 2)
      for (SmallVector<Value> &acc : accs) {
        SmallVector<Value> other;
        for (Value v : acc)
          other.push_back(shuffleXor(rewriter, loc, v, m * laneStride));
        acc = combine(rewriter, op, acc, other);
      }

    // 3. Across warps, through shared memory: slot [warp along axis][result
    //    element] per operand.
    int64_t distinctWarps = std::min<int64_t>(
        wpc[k], std::max<int64_t>(1, extent / (int64_t(spt[k]) * tpw[k])));
    if (distinctWarps > 1) {
      SmallVector<int64_t> resultShape(srcType.getShape());
      resultShape.erase(resultShape.begin() + axis);
      int64_t resultNumel = 1;
      for (int64_t s : resultShape)
        resultNumel *= s;
      SmallVector<unsigned> regionOffset;
      unsigned total = 0;
      for (unsigned j = 0; j < n; ++j) {
        regionOffset.push_back(total);
        unsigned bytes = storageBytes(accs[0][j].getType());
        total += llvm::alignTo(distinctWarps * resultNumel * bytes, 16);
      }
      Value base = sharedScratch(rewriter, loc, op, state, total);
      auto sharedPtr = LLVM::LLVMPointerType::get(rewriter.getContext(), 3);
      auto [lane, warp] = laneAndWarpIds(rewriter, loc);
      (void)lane;
      Value warpRest = warp, warpAlong;
      for (unsigned d : order) {
        Value c = LLVM::URemOp::create(rewriter, loc, warpRest,
                                       i32Const(rewriter, loc, wpc[d]));
        warpRest = LLVM::UDivOp::create(rewriter, loc, warpRest,
                                        i32Const(rewriter, loc, wpc[d]));
        if (d == k)
          warpAlong = c;
      }
      // Replica warps write the same values to the same slots.
      Value slot = LLVM::URemOp::create(rewriter, loc, warpAlong,
                                        i32Const(rewriter, loc, distinctWarps));
      SmallVector<SmallVector<Value>> coords =
          emitCoordinates(rewriter, loc, *view);
      SmallVector<Value> resultIndex;
      for (unsigned g = 0; g < accs.size(); ++g) {
        SmallVector<Value> c(coords[representative[g]]);
        c.erase(c.begin() + axis);
        resultIndex.push_back(linearize(rewriter, loc, c, resultShape));
      }
      auto address = [&](unsigned j, Value warpSlot, Value index) {
        Type memType = storageType(accs[0][j].getType());
        Value region = LLVM::GEPOp::create(
            rewriter, loc, sharedPtr, rewriter.getI8Type(), base,
            ArrayRef<LLVM::GEPArg>{int32_t(regionOffset[j])});
        Value flat = LLVM::AddOp::create(
            rewriter, loc,
            LLVM::MulOp::create(rewriter, loc, warpSlot,
                                i32Const(rewriter, loc, resultNumel)),
            index);
        return LLVM::GEPOp::create(rewriter, loc, sharedPtr, memType, region,
                                   ValueRange{flat});
      };
      for (unsigned g = 0; g < accs.size(); ++g)
        for (unsigned j = 0; j < n; ++j)
          LLVM::StoreOp::create(rewriter, loc,
                                toStorage(rewriter, loc, accs[g][j]),
                                address(j, slot, resultIndex[g]));
      barrier(rewriter, loc);
      for (unsigned g = 0; g < accs.size(); ++g) {
        SmallVector<Value> acc;
        for (int64_t w = 0; w < distinctWarps; ++w) {
          SmallVector<Value> cur;
          for (unsigned j = 0; j < n; ++j) {
            Type type = accs[g][j].getType();
            Value loaded = LLVM::LoadOp::create(
                rewriter, loc, storageType(type),
                address(j, i32Const(rewriter, loc, w), resultIndex[g]));
            cur.push_back(fromStorage(rewriter, loc, loaded, type));
          }
          acc = acc.empty() ? cur : combine(rewriter, op, acc, cur);
        }
        accs[g] = acc;
      }
    }

    // Results: a scalar, or the slice layout's registers.
    SmallVector<Value> results;
    for (unsigned j = 0; j < n; ++j) {
      Type resultType = op.getResult()[j].getType();
      auto tensor = dyn_cast<RankedTensorType>(resultType);
      if (!tensor) {
        results.push_back(accs[0][j]);
        continue;
      }
      FailureOr<ttg::LayoutView> resultView =
          ttg::getLayoutView(tensor.getEncoding(), tensor.getShape());
      Type structType = getTypeConverter()->convertType(tensor);
      if (failed(resultView) || !structType)
        return failure();
      SmallVector<Value> elements;
      for (unsigned r = 0; r < resultView->getNumRegisters(); ++r) {
        auto it = llvm::find(keys, resultView->tensorOffsets(r));
        if (it == keys.end())
          return rewriter.notifyMatchFailure(op, "result layout is not the slice of the operand's");
        elements.push_back(accs[it - keys.begin()][j]);
      }
      results.push_back(pack(rewriter, loc, structType, elements));
    }
    rewriter.replaceOp(op, results);
    return success();
  }

  LoweringContext &state;
};

} // namespace

void mlir::triton::populateReduceOpToLLVMPatterns(
    TritiumTypeConverter &converter, RewritePatternSet &patterns,
    LoweringContext &state) {
  patterns.add<ReduceOpConversion>(converter, state);
}
