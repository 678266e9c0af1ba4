//===- PipelineLoads.cpp - Load a dot's operands one iteration early ------===//
//
// In a K loop, the tiles a tt.dot multiplies come from global memory; loaded
// where the IR loads them, each iteration waits the full memory latency
// before its dot can start. This pass issues the loads of iteration i + 1
// at the top of iteration i and carries the loaded tiles to the next
// iteration in registers (loop-carried values), so that the memory latency
// overlaps the dot of iteration i. Iteration 0's tiles are loaded before the
// loop.
//
// A load is moved only where that cannot change what it reads or whether
// it faults:
//   - it is a tt.load of a tensor of pointers directly in the loop body (not
//     under an scf.if), non-volatile, and its value reaches a tt.dot operand
//     a or b in the same body;
//   - its pointer, mask and `other` are computed, in the body, by side-effect
//     free ops from the induction variable, values defined outside the loop,
//     and loop-carried values whose next value is itself computed that way
//     (pointers advanced by a constant, say), so the next iteration's
//     operands can be computed one iteration early;
//   - nothing in the loop body writes memory (a store could feed the load of
//     a later iteration);
//   - the early load is masked off unless the next iteration exists, so it
//     reads exactly what the original load would have read, and nothing
//     where the original loop would not have run.
//
// With num_stages >= 3, a tensor-core dot (`ttg.mma_sync`) that is the only
// user of shared memory in its loop is marked `ttg.double_buffer`: its
// lowering stages its operands in one of two shared buffers, alternating,
// so that it needs no barrier before its stores (the other buffer is the
// one still being read), and a gpu.barrier before the loop orders it after
// earlier users of shared memory.
//
// Also with num_stages >= 3, a wgmma dot (`ttg.wgmma`) whose operand a is
// such a carried tile, used by nothing else, of a load whose masked-off
// elements are zeros (no `other`, or zero), is marked for asynchronous
// copies: the dot and both loads (iteration 0's before the loop, the next
// iteration's in it) get `ttg.async_group` (an id), the loads
// `ttg.async_ahead` (0 before the loop, 1 in it). The lowering
// (DotOpToLLVM.cpp) then copies the tile from global to shared memory with
// cp.async, straight into the layout wgmma reads, in one of two buffers of
// its own, so that the next tile is in flight while the dot runs and no
// register holds it; where the dot does not lower to wgmma it drops the
// marks and the loads stay loads.
//
// num_stages <= 1 turns the pass off.
//
//===----------------------------------------------------------------------===//

#include "tritium/Dialect/TritonGPU/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "LoopIterations.h"

namespace mlir::triton::gpu {
#define GEN_PASS_DEF_TRITIUMPIPELINELOADS
#include "tritium/Dialect/TritonGPU/Transforms/Passes.h.inc"
} // namespace mlir::triton::gpu

using namespace mlir;
using namespace mlir::triton;
using namespace mlir::triton::gpu;

namespace {

/// A copy of `load` with the operands `cloner` gives, masked by `condition`.
Value cloneLoad(OpBuilder &builder, LoadOp load, IterationCloner &cloner,
                Value condition) {
  IRMapping operands;
  for (Value operand : load->getOperands())
    operands.map(operand, cloner.get(operand));
  Value mask = andCondition(builder, load.getLoc(),
                            operands.lookupOrNull(load.getMask()), condition,
                            cast<RankedTensorType>(load.getPtr().getType()));
  auto clone = cast<LoadOp>(builder.clone(*load, operands));
  clone.getMaskMutable().assign(mask);
  return clone.getResult();
}

void pipelineLoop(scf::ForOp loop) {
  Block *body = loop.getBody();
  if (writesMemory(loop))
    return;
  SmallVector<LoadOp> loads;
  for (Operation &op : *body) {
    auto load = dyn_cast<LoadOp>(op);
    if (!load || load.getIsVolatile() ||
        !isa<RankedTensorType>(load.getPtr().getType()) ||
        !feedsDotOperand(load.getResult(), body))
      continue;
    DenseSet<Value> visiting;
    if (llvm::all_of(load->getOperands(), [&](Value operand) {
          return computableEarly(loop, operand, visiting);
        }))
      loads.push_back(load);
  }
  if (loads.empty())
    return;

  // Iteration 0's tiles, before the loop, masked off if it does not run.
  OpBuilder builder(loop);
  Location loc = loop.getLoc();
  unsigned numIVs = loop.getNumInductionVars();
  IterationCloner first(loop, builder, [&](BlockArgument arg) -> Value {
    if (arg == loop.getInductionVar())
      return loop.getLowerBound();
    return loop.getInitArgs()[arg.getArgNumber() - numIVs];
  });
  Value runs =
      lessThan(builder, loc, loop, loop.getLowerBound(), loop.getUpperBound());
  SmallVector<Value> firstTiles;
  for (LoadOp load : loads)
    firstTiles.push_back(cloneLoad(builder, load, first, runs));

  // The loop carries one tile per load; the body loads the next ones first
  // thing and yields them.
  IRRewriter rewriter(loop.getContext());
  auto newLoop = cast<scf::ForOp>(*loop.replaceWithAdditionalYields(
      rewriter, firstTiles, /*replaceInitOperandUsesInLoop=*/false,
      [&](OpBuilder &, Location, ArrayRef<BlockArgument>) {
        // Placeholders of the right types; the next tiles replace them.
        return SmallVector<Value>(firstTiles);
      }));
  body = newLoop.getBody();
  unsigned numCarried = newLoop.getNumRegionIterArgs() - loads.size();
  auto yield = cast<scf::YieldOp>(body->getTerminator());

  builder.setInsertionPointToStart(body);
  Value iv = newLoop.getInductionVar();
  Value nextIV = arith::AddIOp::create(builder, loc, iv, newLoop.getStep());
  Value hasNext =
      lessThan(builder, loc, newLoop, nextIV, newLoop.getUpperBound());
  IterationCloner current(newLoop, builder,
                          [](BlockArgument arg) -> Value { return arg; });
  IterationCloner next(newLoop, builder, [&](BlockArgument arg) -> Value {
    if (arg == newLoop.getInductionVar())
      return nextIV;
    return current.get(yield.getOperand(arg.getArgNumber() - numIVs));
  });
  for (auto [i, load] : llvm::enumerate(loads)) {
    Value nextTile = cloneLoad(builder, load, next, hasNext);
    yield->setOperand(numCarried + i, nextTile);
    load.getResult().replaceAllUsesWith(
        newLoop.getRegionIterArgs()[numCarried + i]);
  }
  for (LoadOp load : loads)
    load->erase();
}

/// Ops that lower without shared memory.
bool runsWithoutSharedMemory(Operation *op) {
  Dialect *dialect = op->getDialect();
  StringRef ns = dialect ? dialect->getNamespace() : "";
  if ((ns == "arith" || ns == "math") && op->getNumRegions() == 0)
    return true;
  if (auto load = dyn_cast<LoadOp>(op))
    return isa<RankedTensorType>(load.getPtr().getType());
  return isa<AddPtrOp, SplatOp, ExpandDimsOp, BroadcastOp, MakeRangeOp,
             BitcastOp, IntToPtrOp, PtrToIntOp, FpToFpOp, ClampFOp,
             PreciseSqrtOp, PreciseDivFOp, MulhiUIOp, ExternElementwiseOp,
             GetProgramIdOp, GetNumProgramsOp, scf::YieldOp>(op);
}

constexpr llvm::StringLiteral kMmaSyncAttrName = "ttg.mma_sync";
constexpr llvm::StringLiteral kDoubleBufferAttrName = "ttg.double_buffer";

/// Marks a tensor-core dot that is the only user of shared memory in its
/// loop `ttg.double_buffer` (see the file comment), with a barrier before
/// the loop for whatever used shared memory earlier.
void doubleBufferDot(scf::ForOp loop) {
  DotOp dot;
  for (Operation &op : *loop.getBody()) {
    if (auto candidate = dyn_cast<DotOp>(op)) {
      if (dot)
        return; // two dots would share the buffers
      dot = candidate;
      continue;
    }
    if (!runsWithoutSharedMemory(&op))
      return;
  }
  if (!dot || !dot->hasAttr(kMmaSyncAttrName))
    return;
  dot->setAttr(kDoubleBufferAttrName, UnitAttr::get(loop.getContext()));
  OpBuilder builder(loop);
  mlir::gpu::BarrierOp::create(builder, loop.getLoc());
}

constexpr llvm::StringLiteral kWgmmaAttrName = "ttg.wgmma";
constexpr llvm::StringLiteral kAsyncGroupAttrName = "ttg.async_group";
constexpr llvm::StringLiteral kAsyncAheadAttrName = "ttg.async_ahead";

/// Marks the wgmma dots of `loop` whose operand a is a carried tile of
/// pipelineLoop for asynchronous copies (see the file comment).
void markAsyncOperandA(scf::ForOp loop, int64_t &nextGroup) {
  Block *body = loop.getBody();
  auto yield = cast<scf::YieldOp>(body->getTerminator());
  unsigned numIVs = loop.getNumInductionVars();
  for (Operation &op : *body) {
    auto dot = dyn_cast<DotOp>(op);
    if (!dot || !dot->hasAttr(kWgmmaAttrName))
      continue;
    auto arg = dyn_cast<BlockArgument>(dot.getA());
    if (!arg || arg.getOwner() != body || !arg.hasOneUse() ||
        arg.getArgNumber() < numIVs)
      continue;
    unsigned index = arg.getArgNumber() - numIVs;
    auto next = yield.getOperand(index).getDefiningOp<LoadOp>();
    auto first = loop.getInitArgs()[index].getDefiningOp<LoadOp>();
    if (!next || !first || !next->hasOneUse() || !first->hasOneUse() ||
        !fillsZeros(next) || !fillsZeros(first) ||
        cast<RankedTensorType>(next.getType()).getElementTypeBitWidth() != 16)
      continue;
    Builder builder(loop.getContext());
    IntegerAttr group = builder.getI64IntegerAttr(nextGroup++);
    dot->setAttr(kAsyncGroupAttrName, group);
    for (auto [load, ahead] : {std::pair{first, 0}, std::pair{next, 1}}) {
      load->setAttr(kAsyncGroupAttrName, group);
      load->setAttr(kAsyncAheadAttrName, builder.getI32IntegerAttr(ahead));
    }
  }
}

struct PipelineLoads
    : public mlir::triton::gpu::impl::TritiumPipelineLoadsBase<PipelineLoads> {
  using TritiumPipelineLoadsBase::TritiumPipelineLoadsBase;

  void runOnOperation() override {
    if (numStages <= 1)
      return;
    SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops)
      pipelineLoop(loop);
    if (numStages >= 3) {
      loops.clear();
      getOperation().walk([&](scf::ForOp loop) { loops.push_back(loop); });
      int64_t nextGroup = 0;
      for (scf::ForOp loop : loops) {
        markAsyncOperandA(loop, nextGroup);
        doubleBufferDot(loop);
      }
    }
  }
};

} // namespace
