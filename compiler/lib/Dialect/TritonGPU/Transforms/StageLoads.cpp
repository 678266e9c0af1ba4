//===- StageLoads.cpp - Stage a loop's loads in shared memory
//--------------===//
//
// A tt.load in a loop waits the whole memory latency where its value is
// first used. Carrying iteration i + 1's tile in registers
// (tritium-pipeline-loads, for dot operands) keeps one tile in flight and
// holds its registers meanwhile. In a loop marked `tt.num_stages` = N, this
// pass keeps N - 1 tiles in flight in shared memory instead:
//
//   tx.async_copy %ptr(0), %mask(0) into 0 {slot, stages = N}  // before the
//   ...                                                         // loop, one
//   tx.async_commit                                             // group per
//   scf.for %i ... {                                            // iteration
//     tx.async_copy %ptr(i + N - 1), %mask(i + N - 1) & (i + N - 1 < ub)
//         into (i + N - 1) % N
//     tx.async_commit
//     ...                       // the body up to the first staged load
//     tx.async_wait {pending = N - 1}   // iteration i's group has landed
//     %x = tx.async_load i % N           // where the tt.load was
//     ...
//   }
//   tx.async_wait {pending = 0}          // nothing in flight after the loop
//
// The copies before the loop then move up their block past ops that write
// no memory (loads, arithmetic, reductions), so that they overlap them;
// a store, an atomic or a barrier stops them.
//
// Each thread copies the elements it would have loaded into buffers of its
// own and reads back only those, so no barrier is needed anywhere (the wait
// is per thread). A stage is overwritten one iteration after it was read,
// by the same thread, whose read has completed by then (its value was used).
//
// A load qualifies as tritium-pipeline-loads' loads do (its pointer and mask
// computable ahead, directly in the body, not volatile), except that it must
// not feed a dot operand (that pass's, with a staging of its own) nor be a
// carried next-iteration load, its masked-off lanes must be zeros (what a
// masked-off copy leaves), and each thread's accesses must be 4 bytes or
// more (cp.async's smallest). Unlike that pass, stores in the loop do not
// stop it: the loop's mark promises, as in Triton, that they do not write
// what later iterations load.
//
//===----------------------------------------------------------------------===//

#include "tritium/Analysis/AxisInfo.h"
#include "tritium/Dialect/Tritium/IR/Dialect.h"
#include "tritium/Dialect/TritonGPU/Transforms/Passes.h"

#include "LoopIterations.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

#include <memory>

namespace mlir::triton::gpu {
#define GEN_PASS_DEF_TRITIUMSTAGELOADS
#include "tritium/Dialect/TritonGPU/Transforms/Passes.h.inc"
} // namespace mlir::triton::gpu

using namespace mlir;
using namespace mlir::triton;
using namespace mlir::triton::gpu;

namespace {

/// Triton's loop attribute (tl.range(num_stages=...)).
constexpr llvm::StringLiteral kNumStagesAttrName = "tt.num_stages";
/// The deepest staging the pass makes.
constexpr int64_t kMaxStages = 16;

/// Bytes an element of `type` takes in memory (pointers: 8).
unsigned storageBytesOf(Type type) {
  if (isa<PointerType>(type))
    return 8;
  return std::max(1u, type.getIntOrFloatBitWidth() / 8);
}

/// Bytes of shared memory that staging `load` `stages` deep takes: each
/// thread's elements, for every thread.
int64_t stagingBytes(LoadOp load, int64_t stages, unsigned numThreads) {
  auto type = cast<RankedTensorType>(load.getType());
  return stages * int64_t(getNumElementsPerThread(type)) *
         int64_t(storageBytesOf(type.getElementType())) * numThreads;
}

/// Whether `load`, directly in `loop`'s body, can be staged (file comment).
bool canStage(scf::ForOp loop, LoadOp load, const AxisInfoAnalysis &axisInfo) {
  auto ptrType = dyn_cast<RankedTensorType>(load.getPtr().getType());
  if (!ptrType || !ptrType.getEncoding() || load.getIsVolatile() ||
      !fillsZeros(load) || feedsDotOperand(load.getResult(), loop.getBody()))
    return false;
  // A load carried to the next iteration (tritium-pipeline-loads' next
  // tile, async-marked or not) is that pass's.
  for (Operation *user : load->getUsers())
    if (isa<scf::YieldOp>(user))
      return false;
  auto type = cast<RankedTensorType>(load.getType());
  unsigned width = getLayoutAccessWidth(axisInfo, load.getPtr(), load.getMask());
  if (width * storageBytesOf(type.getElementType()) < 4)
    return false;
  DenseSet<Value> visiting;
  return llvm::all_of(load->getOperands(), [&](Value operand) {
    return computableEarly(loop, operand, visiting);
  });
}

class LoopStager {
public:
  LoopStager(scf::ForOp loop, int64_t stages, ArrayRef<LoadOp> loads,
             int32_t firstSlot)
      : loop(loop), stages(stages), loads(loads.begin(), loads.end()),
        firstSlot(firstSlot),
        builder(loop) {}

  void run() {
    Location loc = loop.getLoc();

    // Iterations 0 .. N - 2 before the loop: iteration j's values from
    // iteration j - 1's (the first from the loop's initial values).
    builder.setInsertionPoint(loop);
    Operation *lastBefore = loop->getPrevNode();
    std::vector<std::unique_ptr<IterationCloner>> before;
    for (int64_t j = 0; j + 1 < stages; ++j) {
      Value iv = ivAt(loop.getLowerBound(), j);
      before.push_back(
          followingIteration(j ? before.back().get() : nullptr, iv));
      Value runs = lessThan(builder, loc, loop, iv, loop.getUpperBound());
      copyAll(*before.back(), runs, stageConstant(j));
    }

    hoistPrologue(lastBefore);

    // In the body: iteration i + N - 1's copies first thing.
    builder.setInsertionPointToStart(loop.getBody());
    Value iv = loop.getInductionVar();
    std::vector<std::unique_ptr<IterationCloner>> ahead;
    ahead.push_back(std::make_unique<IterationCloner>(
        loop, builder, [](BlockArgument arg) -> Value { return arg; }));
    Value lastIV = iv;
    for (int64_t d = 1; d < stages; ++d) {
      lastIV = ivAt(iv, d);
      ahead.push_back(followingIteration(ahead.back().get(), lastIV));
    }
    Value exists = lessThan(builder, loc, loop, lastIV, loop.getUpperBound());
    Value iteration = iterationNumber(iv);
    copyAll(*ahead.back(), exists,
            stageOf(arith::AddIOp::create(
                builder, loc, iteration,
                arith::ConstantIntOp::create(builder, loc,
                                             builder.getI32Type(),
                                             stages - 1))));
    Value stage = stageOf(iteration);

    // Iteration i's tiles where its loads were, after one wait.
    builder.setInsertionPoint(loads.front());
    tx::AsyncWaitOp::create(builder, loc, stages - 1);
    for (size_t index = 0; index < loads.size(); ++index) {
      LoadOp load = loads[index];
      builder.setInsertionPoint(load);
      Value staged = tx::AsyncLoadOp::create(
          builder, load.getLoc(), load.getType(), stage,
          firstSlot + int32_t(index), stages);
      load.getResult().replaceAllUsesWith(staged);
      load->erase();
    }

    // The masked-off copies past the last iteration still write their
    // stages: none may land after the loop (a later run of it reuses them).
    builder.setInsertionPointAfter(loop);
    tx::AsyncWaitOp::create(builder, loc, 0);
  }

private:
  /// Computes values of the iteration after `previous`'s (with no
  /// `previous`, of the loop's first: its initial values), whose induction
  /// variable is `iv`.
  std::unique_ptr<IterationCloner> followingIteration(IterationCloner *previous,
                                                      Value iv) {
    Operation *yield = loop.getBody()->getTerminator();
    unsigned numIVs = loop.getNumInductionVars();
    return std::make_unique<IterationCloner>(
        loop, builder, [=, this](BlockArgument arg) -> Value {
          if (arg == loop.getInductionVar())
            return iv;
          unsigned index = arg.getArgNumber() - numIVs;
          if (!previous)
            return loop.getInitArgs()[index];
          return previous->get(yield->getOperand(index));
        });
  }

  /// Moves the ops made before the loop (those after `lastBefore`) up
  /// their block, past ops that write no memory and define none of their
  /// operands (loads, arithmetic, reductions: the copies then overlap
  /// them), stopping at anything that may write memory or synchronise
  /// (a store, an atomic, a barrier, a region that holds one), which a
  /// copy must not overtake.
  void hoistPrologue(Operation *lastBefore) {
    Block *block = loop->getBlock();
    Operation *first = lastBefore ? lastBefore->getNextNode() : &block->front();
    SmallVector<Operation *> prologue;
    DenseSet<Operation *> definers;
    for (Operation *op = first; op != loop.getOperation();
         op = op->getNextNode()) {
      prologue.push_back(op);
      for (Value operand : op->getOperands())
        if (Operation *definer = operand.getDefiningOp())
          definers.insert(definer);
    }
    if (prologue.empty())
      return;
    Operation *target = first;
    while (Operation *previous = target->getPrevNode()) {
      if (definers.contains(previous) || writesMemory(previous))
        break;
      target = previous;
    }
    if (target == first)
      return;
    for (Operation *op : prologue)
      op->moveBefore(target);
  }

  /// `base` + `count` steps, in the induction variable's type.
  Value ivAt(Value base, int64_t count) {
    if (count == 0)
      return base;
    Location loc = loop.getLoc();
    Value n = arith::ConstantOp::create(
        builder, loc, builder.getIntegerAttr(base.getType(), count));
    Value offset = arith::MulIOp::create(builder, loc, loop.getStep(), n);
    return arith::AddIOp::create(builder, loc, base, offset);
  }

  /// (iv - lower) / step, as i32.
  Value iterationNumber(Value iv) {
    Location loc = loop.getLoc();
    Value distance =
        arith::SubIOp::create(builder, loc, iv, loop.getLowerBound());
    Value number =
        loop.getUnsignedCmp()
            ? Value(arith::DivUIOp::create(builder, loc, distance,
                                           loop.getStep()))
            : Value(arith::DivSIOp::create(builder, loc, distance,
                                           loop.getStep()));
    return toI32(number);
  }

  Value toI32(Value value) {
    Type i32 = builder.getI32Type();
    Location loc = loop.getLoc();
    if (value.getType() == i32)
      return value;
    if (value.getType().isIndex())
      return arith::IndexCastOp::create(builder, loc, i32, value);
    if (value.getType().getIntOrFloatBitWidth() > 32)
      return arith::TruncIOp::create(builder, loc, i32, value);
    if (loop.getUnsignedCmp())
      return arith::ExtUIOp::create(builder, loc, i32, value);
    return arith::ExtSIOp::create(builder, loc, i32, value);
  }

  Value stageConstant(int64_t stage) {
    return arith::ConstantIntOp::create(builder, loop.getLoc(),
                                        builder.getI32Type(), stage);
  }

  /// `iteration` % N (iteration numbers are never negative).
  Value stageOf(Value iteration) {
    return arith::RemUIOp::create(builder, loop.getLoc(), iteration,
                                  stageConstant(stages));
  }

  /// Every load's copy of the iteration `cloner` computes, masked by
  /// `condition`, into `stage`; then one commit.
  void copyAll(IterationCloner &cloner, Value condition, Value stage) {
    for (size_t index = 0; index < loads.size(); ++index) {
      LoadOp load = loads[index];
      Value ptr = cloner.get(load.getPtr());
      Value mask = load.getMask() ? cloner.get(load.getMask()) : Value();
      mask = andCondition(builder, load.getLoc(), mask, condition,
                          cast<RankedTensorType>(ptr.getType()));
      tx::AsyncCopyOp::create(builder, load.getLoc(), ptr, mask, stage,
                              firstSlot + int32_t(index), stages);
    }
    tx::AsyncCommitOp::create(builder, loop.getLoc());
  }

  scf::ForOp loop;
  int64_t stages;
  SmallVector<LoadOp> loads;
  int32_t firstSlot;
  OpBuilder builder;
};

struct StageLoads
    : public mlir::triton::gpu::impl::TritiumStageLoadsBase<StageLoads> {
  using TritiumStageLoadsBase::TritiumStageLoadsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    int32_t nextSlot = 0;
    module.walk([&](Operation *op) {
      if (auto copy = dyn_cast<tx::AsyncCopyOp>(op))
        nextSlot = std::max<int32_t>(nextSlot, copy.getSlot() + 1);
      if (auto read = dyn_cast<tx::AsyncLoadOp>(op))
        nextSlot = std::max<int32_t>(nextSlot, read.getSlot() + 1);
    });
    SmallVector<scf::ForOp> loops;
    module.walk([&](scf::ForOp loop) {
      auto stages = loop->getAttrOfType<IntegerAttr>(kNumStagesAttrName);
      if (!stages || stages.getInt() < 2)
        return;
      // Each stage is a tile of every staged load in shared memory: more
      // than a few cannot fit.
      if (stages.getInt() > kMaxStages) {
        loop.emitWarning("tt.num_stages = ")
            << stages.getInt() << " is more than " << kMaxStages
            << " stages; the loop's loads stay loads";
        return;
      }
      loops.push_back(loop);
    });
    // Most kernels mark no loop: no analysis for them.
    if (loops.empty())
      return;
    unsigned numThreads =
        TritonGPUDialect::getNumWarps(module) * kThreadsPerWarp;
    AxisInfoAnalysis axisInfo(module);
    // One budget for the module: every loop's slots are placed side by
    // side in the dedicated shared memory.
    int64_t bytes = 0;
    for (scf::ForOp loop : loops) {
      int64_t stages = loop->getAttrOfType<IntegerAttr>(kNumStagesAttrName)
                           .getInt();
      SmallVector<LoadOp> loads;
      for (Operation &op : *loop.getBody()) {
        auto load = dyn_cast<LoadOp>(op);
        if (!load || !canStage(loop, load, axisInfo))
          continue;
        int64_t loadBytes = stagingBytes(load, stages, numThreads);
        if (bytes + loadBytes > maxBytes)
          continue;
        bytes += loadBytes;
        loads.push_back(load);
      }
      if (loads.empty())
        continue;
      LoopStager(loop, stages, loads, nextSlot).run();
      nextSlot += int32_t(loads.size());
    }
  }
};

} // namespace
