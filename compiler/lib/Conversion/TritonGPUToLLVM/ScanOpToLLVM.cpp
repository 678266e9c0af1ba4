//===- ScanOpToLLVM.cpp - tt.scan -----------------------------------------===//
//
// An inclusive scan in three levels. Positions along the axis are held, from
// the fastest-varying to the slowest, by a thread's registers
// (sizePerThread), by lanes, by warps, and by repetitions of the CTA tile;
// each level scans the totals of the one below:
//  1. within a thread, over each "chunk" (the sizePerThread consecutive
//     positions of one repetition), sequentially;
//  2. across the lanes along the axis: Hillis-Steele steps on chunk totals
//     with shfl.sync.up, then every element combines in the inclusive total
//     of the previous lane;
//  3. across "blocks" (warps along the axis times repetitions): each block's
//     total goes through shared memory (or a shuffle, when one warp covers the
//     axis) and every element combines in the totals of the blocks before its
//     own.
// The region always runs as combine(earlier, later), so non-commutative
// combiners (linear recurrences) stay right. `reverse` is the forward scan of
// the reversed sequence, as in Triton: the same algorithm over mirrored
// positions (registers in descending order, shfl.sync.down, mirrored lane and
// warp indices). Where a small tensor is replicated over registers, lanes or
// warps, only distinct positions take part and replicas compute the same
// values.
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

SmallVector<Value> shuffleAll(OpBuilder &b, Location loc,
                              ArrayRef<Value> values, Value laneArg,
                              NVVM::ShflKind kind) {
  SmallVector<Value> result;
  for (Value v : values)
    result.push_back(shuffle(b, loc, v, laneArg, kind));
  return result;
}

SmallVector<Value> selectAll(OpBuilder &b, Location loc, Value condition,
                             ArrayRef<Value> ifTrue, ArrayRef<Value> ifFalse) {
  SmallVector<Value> result;
  for (auto [t, f] : llvm::zip(ifTrue, ifFalse))
    result.push_back(LLVM::SelectOp::create(b, loc, condition, t, f));
  return result;
}

/// The sizePerThread consecutive positions along the axis that one thread
/// holds in one repetition of the CTA tile, for one position off the axis.
struct Chunk {
  /// Tensor offsets off the axis (the same in every thread's base).
  SmallVector<int64_t> key;
  /// Repetition index in processing order (mirrored for reverse scans).
  int64_t block = 0;
  /// The registers holding each distinct position, in processing order;
  /// more than one where registers replicate an element.
  SmallVector<SmallVector<unsigned>> registers;
  /// Running values per position, per operand.
  SmallVector<SmallVector<Value>> values;
};

struct ScanOpConversion : public OpConversionPattern<ScanOp> {
  ScanOpConversion(TritiumTypeConverter &converter, LoweringContext &state)
      : OpConversionPattern(converter, &converter.getContext()), state(state) {}

  /// Applies the combine region to (earlier, later), cloning its scalar ops.
  SmallVector<Value> combine(ConversionPatternRewriter &rewriter, ScanOp op,
                             ArrayRef<Value> earlier,
                             ArrayRef<Value> later) const {
    Block &body = op.getCombineOp().front();
    IRMapping mapping;
    unsigned n = earlier.size();
    for (unsigned i = 0; i < n; ++i) {
      mapping.map(body.getArgument(i), earlier[i]);
      mapping.map(body.getArgument(n + i), later[i]);
    }
    for (Operation &inner : body.without_terminator())
      rewriter.clone(inner, mapping);
    SmallVector<Value> result;
    for (Value v : body.getTerminator()->getOperands())
      result.push_back(mapping.lookupOrDefault(v));
    return result;
  }

  LogicalResult
  matchAndRewrite(ScanOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto srcType = cast<RankedTensorType>(op.getSrcs()[0].getType());
    for (Value src : op.getSrcs())
      if (cast<RankedTensorType>(src.getType()).getEncoding() !=
          srcType.getEncoding())
        return rewriter.notifyMatchFailure(op, "operands differ in layout");
    FailureOr<ttg::LayoutView> view =
        ttg::getLayoutView(srcType.getEncoding(), srcType.getShape());
    if (failed(view))
      return failure();
    SmallVector<Type> resultTypes;
    for (Type type : op.getResultTypes()) {
      resultTypes.push_back(getTypeConverter()->convertType(type));
      if (!resultTypes.back())
        return failure();
    }

    unsigned axis = op.getAxis();
    unsigned k = view->keptDims[axis];
    bool reverse = op.getReverse();
    ArrayRef<unsigned> spt = view->root.getSizePerThread();
    ArrayRef<unsigned> tpw = view->root.getThreadsPerWarp();
    ArrayRef<unsigned> wpc = view->root.getWarpsPerCTA();
    ArrayRef<unsigned> order = view->root.getOrder();
    int64_t extent = view->rootShape[k];
    int64_t tile = int64_t(spt[k]) * tpw[k] * wpc[k];
    // Distinct lanes and warps along the axis; the rest are replicas.
    int64_t numLanes =
        std::min<int64_t>(tpw[k], std::max<int64_t>(1, extent / spt[k]));
    int64_t numWarps = std::min<int64_t>(
        wpc[k], std::max<int64_t>(1, extent / (int64_t(spt[k]) * tpw[k])));
    int64_t numReps = std::max<int64_t>(1, extent / tile);

    SmallVector<SmallVector<Value>> operands;
    for (Value v : adaptor.getSrcs())
      operands.push_back(unpack(rewriter, loc, v));
    auto registerValues = [&](unsigned r) {
      SmallVector<Value> values;
      for (const SmallVector<Value> &operand : operands)
        values.push_back(operand[r]);
      return values;
    };

    // Group registers into chunks: (key, repetition) -> position -> regs.
    std::map<std::pair<SmallVector<int64_t>, int64_t>,
             std::map<int64_t, SmallVector<unsigned>>>
        grouped;
    for (unsigned r = 0; r < view->getNumRegisters(); ++r) {
      SmallVector<int64_t> key = view->tensorOffsets(r);
      int64_t along = key[axis];
      key.erase(key.begin() + axis);
      grouped[{key, along / tile}][along % tile].push_back(r);
    }
    SmallVector<Chunk> chunks;
    for (auto &[where, positions] : grouped) {
      Chunk chunk;
      chunk.key = where.first;
      chunk.block = reverse ? numReps - 1 - where.second : where.second;
      for (auto &[along, regs] : positions)
        chunk.registers.push_back(regs);
      if (reverse)
        std::reverse(chunk.registers.begin(), chunk.registers.end());
      chunks.push_back(std::move(chunk));
    }

    // 1. Within the thread.
    for (Chunk &chunk : chunks) {
      for (ArrayRef<unsigned> regs : chunk.registers) {
        SmallVector<Value> current = registerValues(regs.front());
        if (!chunk.values.empty())
          current = combine(rewriter, op, chunk.values.back(), current);
        chunk.values.push_back(current);
      }
    }

    // Where this thread sits along the axis, in processing order.
    unsigned laneStride = 1, warpStride = 1;
    for (unsigned d : order) {
      if (d == k)
        break;
      laneStride *= tpw[d];
    }
    for (unsigned d : order) {
      if (d == k)
        break;
      warpStride *= wpc[d];
    }
    auto [lane, warp] = laneAndWarpIds(rewriter, loc);
    // Replica lanes and warps (ids past the distinct count) take the index
    // of the copy they replicate.
    auto logicalIndex = [&](Value id, unsigned stride, int64_t count) {
      if (stride > 1)
        id = LLVM::UDivOp::create(rewriter, loc, id,
                                  i32Const(rewriter, loc, stride));
      Value index = LLVM::URemOp::create(rewriter, loc, id,
                                         i32Const(rewriter, loc, count));
      if (reverse)
        index = LLVM::SubOp::create(rewriter, loc,
                                    i32Const(rewriter, loc, count - 1), index);
      return index;
    };

    // 2. Across lanes.
    Value laneIndex;
    if (numLanes > 1) {
      laneIndex = logicalIndex(lane, laneStride, numLanes);
      NVVM::ShflKind kind = reverse ? NVVM::ShflKind::down : NVVM::ShflKind::up;
      for (Chunk &chunk : chunks) {
        SmallVector<Value> total = chunk.values.back();
        for (int64_t d = 1; d < numLanes; d *= 2) {
          SmallVector<Value> incoming =
              shuffleAll(rewriter, loc, total,
                         i32Const(rewriter, loc, d * laneStride), kind);
          Value has =
              LLVM::ICmpOp::create(rewriter, loc, LLVM::ICmpPredicate::uge,
                                   laneIndex, i32Const(rewriter, loc, d));
          total = selectAll(rewriter, loc, has,
                            combine(rewriter, op, incoming, total), total);
        }
        if (chunk.values.size() > 1) {
          // The previous lane's inclusive total is this lane's prefix.
          SmallVector<Value> prefix = shuffleAll(
              rewriter, loc, total, i32Const(rewriter, loc, laneStride), kind);
          Value has =
              LLVM::ICmpOp::create(rewriter, loc, LLVM::ICmpPredicate::ne,
                                   laneIndex, i32Const(rewriter, loc, 0));
          for (unsigned i = 0; i + 1 < chunk.values.size(); ++i)
            chunk.values[i] =
                selectAll(rewriter, loc, has,
                          combine(rewriter, op, prefix, chunk.values[i]),
                          chunk.values[i]);
        }
        chunk.values.back() = total;
      }
    }

    // 3. Across blocks.
    if (numWarps > 1)
      scanAcrossWarps(rewriter, op, *view, chunks, laneIndex, numLanes,
                      logicalIndex(warp, warpStride, numWarps), numWarps,
                      numReps);
    else if (numReps > 1)
      scanAcrossRepetitions(rewriter, op, chunks, lane, laneStride, numLanes,
                            tpw[k], reverse);

    SmallVector<SmallVector<Value>> results(
        operands.size(), SmallVector<Value>(view->getNumRegisters()));
    for (const Chunk &chunk : chunks)
      for (auto [regs, values] : llvm::zip(chunk.registers, chunk.values))
        for (unsigned r : regs)
          for (auto [j, value] : llvm::enumerate(values))
            results[j][r] = value;
    SmallVector<Value> packed;
    for (auto [type, elements] : llvm::zip(resultTypes, results))
      packed.push_back(pack(rewriter, loc, type, elements));
    rewriter.replaceOp(op, packed);
    return success();
  }

  /// One warp along the axis, several repetitions: every lane reads the
  /// repetition totals from the last lane and folds those before its own.
  void scanAcrossRepetitions(ConversionPatternRewriter &rewriter, ScanOp op,
                             SmallVector<Chunk> &chunks, Value lane,
                             unsigned laneStride, int64_t numLanes,
                             unsigned lanesAlongAxis, bool reverse) const {
    Location loc = op.getLoc();
    Value lastLane;
    if (numLanes > 1) {
      // Keep the lane's coordinates off the axis; set the axis field to the
      // last lane in processing order (replica lanes hold the same totals).
      int64_t fieldMask = int64_t(lanesAlongAxis - 1) * laneStride;
      int64_t last = reverse ? 0 : (numLanes - 1) * laneStride;
      lastLane = LLVM::OrOp::create(
          rewriter, loc,
          LLVM::AndOp::create(rewriter, loc, lane,
                              i32Const(rewriter, loc, ~fieldMask)),
          i32Const(rewriter, loc, last));
    }
    std::map<SmallVector<int64_t>, std::map<int64_t, unsigned>> byKey;
    SmallVector<SmallVector<Value>> totals;
    for (auto [i, chunk] : llvm::enumerate(chunks)) {
      byKey[chunk.key][chunk.block] = i;
      totals.push_back(numLanes > 1
                           ? shuffleAll(rewriter, loc, chunk.values.back(),
                                        lastLane, NVVM::ShflKind::idx)
                           : chunk.values.back());
    }
    for (auto &[key, blocks] : byKey) {
      SmallVector<Value> prefix;
      for (auto [block, i] : blocks) {
        if (!prefix.empty())
          for (SmallVector<Value> &values : chunks[i].values)
            values = combine(rewriter, op, prefix, values);
        prefix = prefix.empty() ? totals[i]
                                : combine(rewriter, op, prefix, totals[i]);
      }
    }
  }

  /// Several warps along the axis: block totals through shared memory, one
  /// slot per (position off the axis, repetition, warp), in processing order.
  void scanAcrossWarps(ConversionPatternRewriter &rewriter, ScanOp op,
                       const ttg::LayoutView &view, SmallVector<Chunk> &chunks,
                       Value laneIndex, int64_t numLanes, Value warpIndex,
                       int64_t numWarps, int64_t numReps) const {
    Location loc = op.getLoc();
    unsigned axis = op.getAxis();
    auto srcType = cast<RankedTensorType>(op.getSrcs()[0].getType());
    SmallVector<int64_t> keyShape(srcType.getShape());
    int64_t extent = keyShape[axis];
    keyShape.erase(keyShape.begin() + axis);
    int64_t numBlocks = numWarps * numReps;
    int64_t numSlots = srcType.getNumElements() / extent * numBlocks;
    // Lanes other than the last of each warp write their (partial) totals to
    // one extra slot that nobody reads, so that no store needs a branch.
    int64_t discardSlot = numSlots;

    SmallVector<Type> types;
    for (Value v : chunks.front().values.back())
      types.push_back(v.getType());
    SmallVector<unsigned> regionOffset;
    unsigned bytes = 0;
    for (Type type : types) {
      regionOffset.push_back(bytes);
      bytes += llvm::alignTo((numSlots + 1) * storageBytes(type), 16);
    }
    Value base = sharedScratch(rewriter, loc, op, state, bytes);
    auto sharedPtr =
        LLVM::LLVMPointerType::get(rewriter.getContext(), kSharedAddressSpace);
    auto address = [&](unsigned j, Value slot) -> Value {
      Value region = LLVM::GEPOp::create(
          rewriter, loc, sharedPtr, rewriter.getI8Type(), base,
          ArrayRef<LLVM::GEPArg>{int32_t(regionOffset[j])});
      return LLVM::GEPOp::create(rewriter, loc, sharedPtr,
                                 storageType(types[j]), region,
                                 ValueRange{slot});
    };
    auto add = [&](Value a, int64_t c) -> Value {
      return LLVM::AddOp::create(rewriter, loc, a, i32Const(rewriter, loc, c));
    };
    auto mul = [&](Value a, int64_t c) -> Value {
      return LLVM::MulOp::create(rewriter, loc, a, i32Const(rewriter, loc, c));
    };

    // The first slot of each chunk's position off the axis.
    SmallVector<SmallVector<Value>> coords =
        emitCoordinates(rewriter, loc, view);
    std::map<SmallVector<int64_t>, Value> keySlot;
    for (const Chunk &chunk : chunks) {
      Value &slot = keySlot[chunk.key];
      if (slot)
        continue;
      SmallVector<Value> c(coords[chunk.registers.front().front()]);
      c.erase(c.begin() + axis);
      slot = mul(linearize(rewriter, loc, c, keyShape), numBlocks);
    }

    Value isLastLane;
    if (numLanes > 1)
      isLastLane = LLVM::ICmpOp::create(rewriter, loc, LLVM::ICmpPredicate::eq,
                                        laneIndex,
                                        i32Const(rewriter, loc, numLanes - 1));
    for (const Chunk &chunk : chunks) {
      Value slot = LLVM::AddOp::create(rewriter, loc, keySlot[chunk.key],
                                       add(warpIndex, chunk.block * numWarps));
      if (isLastLane)
        slot = LLVM::SelectOp::create(rewriter, loc, isLastLane, slot,
                                      i32Const(rewriter, loc, discardSlot));
      for (auto [j, value] : llvm::enumerate(chunk.values.back()))
        LLVM::StoreOp::create(rewriter, loc, toStorage(rewriter, loc, value),
                              address(j, slot));
    }
    barrier(rewriter, loc);

    // Every chunk folds the totals of the blocks before its own: all warps of
    // earlier repetitions, and the warps before this one in its repetition.
    std::map<std::pair<SmallVector<int64_t>, int64_t>, SmallVector<Value>>
        loaded;
    auto total = [&](const Chunk &chunk, int64_t block) -> ArrayRef<Value> {
      SmallVector<Value> &values = loaded[{chunk.key, block}];
      if (values.empty()) {
        Value slot = add(keySlot[chunk.key], block);
        for (auto [j, type] : llvm::enumerate(types)) {
          Value v = LLVM::LoadOp::create(rewriter, loc, storageType(type),
                                         address(j, slot));
          values.push_back(fromStorage(rewriter, loc, v, type));
        }
      }
      return values;
    };
    std::map<SmallVector<int64_t>, std::map<int64_t, unsigned>> byKey;
    for (auto [i, chunk] : llvm::enumerate(chunks))
      byKey[chunk.key][chunk.block] = i;
    for (auto &[key, blocks] : byKey) {
      // The fold of every block of the repetitions done so far.
      SmallVector<Value> earlierReps;
      for (auto [rep, i] : blocks) {
        Chunk &chunk = chunks[i];
        int64_t first = rep * numWarps;
        // This repetition's warps before this one: a run-time choice.
        SmallVector<Value> prefix =
            rep == 0 ? SmallVector<Value>(total(chunk, 0)) : earlierReps;
        for (int64_t w = rep == 0 ? 1 : 0; w + 1 < numWarps; ++w) {
          Value included =
              LLVM::ICmpOp::create(rewriter, loc, LLVM::ICmpPredicate::ugt,
                                   warpIndex, i32Const(rewriter, loc, w));
          prefix = selectAll(
              rewriter, loc, included,
              combine(rewriter, op, prefix, total(chunk, first + w)), prefix);
        }
        // Only the first warp of the first repetition has nothing before it.
        Value hasPrefix;
        if (rep == 0)
          hasPrefix =
              LLVM::ICmpOp::create(rewriter, loc, LLVM::ICmpPredicate::ne,
                                   warpIndex, i32Const(rewriter, loc, 0));
        for (SmallVector<Value> &values : chunk.values) {
          SmallVector<Value> combined = combine(rewriter, op, prefix, values);
          values = hasPrefix
                       ? selectAll(rewriter, loc, hasPrefix, combined, values)
                       : combined;
        }
        for (int64_t w = 0; w < numWarps; ++w)
          earlierReps =
              earlierReps.empty()
                  ? SmallVector<Value>(total(chunk, first + w))
                  : combine(rewriter, op, earlierReps, total(chunk, first + w));
      }
    }
  }

  LoweringContext &state;
};

} // namespace

void mlir::triton::populateScanOpToLLVMPatterns(TritiumTypeConverter &converter,
                                                RewritePatternSet &patterns,
                                                LoweringContext &state) {
  patterns.add<ScanOpConversion>(converter, state);
}
