//===- AccumulateHistograms.cpp - A loop's histograms in shared memory ----===//
//
// A loop that sums every iteration's histogram into a value it carries,
//
//   %r = scf.for ... iter_args(%acc = <zeros>) {
//     %h = tt.histogram %x, %mask
//     %next = arith.addi %acc, %h
//     scf.yield %next
//   }
//
// reads the bins back into registers every iteration: the lowering zeroes
// bins in shared memory, passes a barrier, adds, passes another, reads them,
// and a third barrier comes where the next op wants the same scratch. (The
// indexer's pq count loop had two such histograms, 6 of its 7 barriers a
// tile, and carried 16 registers of counts a histogram.) Here the bins stay
// in shared memory of their own for the whole loop:
//
//   tx.local_histogram_init {slot, bins, count_bits}      // before the loop
//   tx.local_histogram_add %x, %mask {slot}               // no barrier
//   %r = tx.local_histogram_read {slot}                   // after the loop
//
// and the loop carries %acc unchanged (the canonicalizer drops it).
//
// Conditions, so that the rewrite is exact: the initial value is a zero
// constant; in the body %acc's only user is that addi, the histogram's only
// user too, and the sum's only user the loop's yield, at %acc's position;
// the histogram and the addi are in the loop's own block (not under a
// condition of the body). Tile programs branch on scalars, uniformly, so
// the barriers of the init and the read are reached by every thread.
//
//===----------------------------------------------------------------------===//

#include "tritium/Dialect/Tritium/IR/Dialect.h"
#include "tritium/Dialect/TritonGPU/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"

namespace mlir::triton::gpu {
#define GEN_PASS_DEF_TRITIUMACCUMULATEHISTOGRAMS
#include "tritium/Dialect/TritonGPU/Transforms/Passes.h.inc"
} // namespace mlir::triton::gpu

using namespace mlir;
using namespace mlir::triton;

namespace {

/// Shared memory all of a kernel's local histograms may take (their bins are
/// never reused between loops): 4 histograms of 4096 32-bit bins.
constexpr int64_t kMaxSlotBytes = 64 * 1024;

/// The histogram that `sum` (the value yielded for `acc`) adds to `acc`,
/// where the rewrite applies; else null.
HistogramOp summedHistogram(BlockArgument acc, Value sum) {
  auto add = sum.getDefiningOp<arith::AddIOp>();
  if (!add || !add->hasOneUse() || add->getBlock() != acc.getOwner() ||
      !acc.hasOneUse())
    return {};
  Value other;
  if (add.getLhs() == acc)
    other = add.getRhs();
  else if (add.getRhs() == acc)
    other = add.getLhs();
  auto histogram = other ? other.getDefiningOp<HistogramOp>() : HistogramOp();
  if (!histogram || !histogram->hasOneUse() ||
      histogram->getBlock() != acc.getOwner() ||
      histogram.getType() != acc.getType())
    return {};
  return histogram;
}

struct AccumulateHistograms
    : public mlir::triton::gpu::impl::TritiumAccumulateHistogramsBase<
          AccumulateHistograms> {
  void runOnOperation() override {
    // After any slots the IR already has.
    int64_t nextSlot = 0;
    int64_t slotBytes = 0;
    getOperation().walk([&](tx::LocalHistogramInitOp init) {
      nextSlot = std::max<int64_t>(nextSlot, int64_t(init.getSlot()) + 1);
      slotBytes += init.getBinBytes();
    });
    getOperation().walk([&](scf::ForOp loop) {
      Operation *yield = loop.getBody()->getTerminator();
      Operation *lastRead = loop; // the reads in the loop values' order
      for (auto [index, acc] : llvm::enumerate(loop.getRegionIterArgs())) {
        if (!matchPattern(loop.getInitArgs()[index], m_Zero()))
          continue;
        HistogramOp histogram = summedHistogram(acc, yield->getOperand(index));
        if (!histogram)
          continue;
        auto countType = cast<RankedTensorType>(histogram.getType());
        unsigned countBits = countType.getElementType().getIntOrFloatBitWidth();
        int64_t bytes = countType.getShape()[0] * (countBits / 8);
        // 32- and 64-bit counts (red.shared.add); the slots' bins live side
        // by side for the whole kernel, so they stay within a budget that
        // leaves the rest of shared memory to the kernel's other ops.
        if ((countBits != 32 && countBits != 64) ||
            slotBytes + bytes > kMaxSlotBytes ||
            nextSlot > std::numeric_limits<int32_t>::max())
          continue;
        slotBytes += bytes;
        int32_t slot = int32_t(nextSlot++);
        OpBuilder builder(loop);
        tx::LocalHistogramInitOp::create(builder, histogram.getLoc(), slot,
                                         countType.getShape()[0], countBits);

        builder.setInsertionPoint(histogram);
        tx::LocalHistogramAddOp::create(builder, histogram.getLoc(),
                                        histogram.getSrc(), histogram.getMask(),
                                        slot);
        Operation *add = yield->getOperand(index).getDefiningOp();
        yield->setOperand(index, acc);
        add->erase();
        histogram->erase();

        builder.setInsertionPointAfter(lastRead);
        auto read = tx::LocalHistogramReadOp::create(builder, loop.getLoc(),
                                                     countType, slot);
        loop.getResult(index).replaceAllUsesWith(read.getResult());
        lastRead = read;
      }
    });
  }
};

} // namespace
