//===- GridBarrierOpToLLVM.cpp - tx.grid_barrier -------------------------===//
//
// A barrier across every program of a (cooperatively launched) grid, or of
// a group of its programs, the algorithm of CUDA's cooperative groups: each
// program's thread 0 adds to one i32 counter after a program barrier, the
// leader (program 0 of the grid) adds 2^31 - (n - 1) and the n - 1 others 1
// each, so the counter's top bit flips exactly when the
// last of them arrives, whatever the order, and its low 31 bits are 0 again
// afterwards (no reset between barriers or launches). Thread 0 spins on an
// acquire load until it sees the flip; a second program barrier then lets
// its program go on. The add is a release and the load an acquire at GPU
// scope (with acq_rel fences around them, as __threadfence does in the
// CUDA original), so every program's writes before the barrier are visible
// to every program's reads after it.
//
//===----------------------------------------------------------------------===//

#include "Utility.h"

#include "tritium/Dialect/Tritium/IR/Dialect.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::triton;
using namespace mlir::triton::lowering;

namespace {

struct GridBarrierOpConversion : public OpConversionPattern<tx::GridBarrierOp> {
  GridBarrierOpConversion(TritiumTypeConverter &converter,
                          LoweringContext &state)
      : OpConversionPattern(converter, &converter.getContext()), state(state) {}

  LogicalResult
  matchAndRewrite(tx::GridBarrierOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    // ld.acquire / atom.release need sm_70; Tritium targets sm_80 and later.
    if (state.computeCapability < 70)
      return op.emitOpError("needs sm_70 or later (acquire and release "
                            "operations), the target is sm_")
             << state.computeCapability;
    Type i32 = rewriter.getI32Type();
    auto product = [&](Value a, Value b) {
      return LLVM::MulOp::create(rewriter, loc, a, b);
    };
    // The programs that pass this counter, and the one that adds the
    // large number: the whole grid and program (0, 0, 0), or the op's
    // group.
    Value programs = adaptor.getArrivals();
    Value firstProgram = adaptor.getLeader();
    if (!programs) {
      programs = product(product(NVVM::GridDimXOp::create(rewriter, loc, i32),
                                 NVVM::GridDimYOp::create(rewriter, loc, i32)),
                         NVVM::GridDimZOp::create(rewriter, loc, i32));
      firstProgram = LLVM::ICmpOp::create(
          rewriter, loc, LLVM::ICmpPredicate::eq,
          LLVM::OrOp::create(
              rewriter, loc,
              LLVM::OrOp::create(rewriter, loc,
                                 NVVM::BlockIdXOp::create(rewriter, loc, i32),
                                 NVVM::BlockIdYOp::create(rewriter, loc, i32)),
              NVVM::BlockIdZOp::create(rewriter, loc, i32)),
          i32Const(rewriter, loc, 0));
    }
    // The leader: 2^31 - (n - 1) (mod 2^32); the others: 1.
    Value firstAdd = LLVM::SubOp::create(
        rewriter, loc, i32Const(rewriter, loc, int64_t(1) << 31),
        LLVM::SubOp::create(rewriter, loc, programs,
                            i32Const(rewriter, loc, 1)));
    Value add = LLVM::SelectOp::create(rewriter, loc, firstProgram, firstAdd,
                                       i32Const(rewriter, loc, 1));
    Value tid = NVVM::ThreadIdXOp::create(rewriter, loc, i32);
    barrier(rewriter, loc);
    // Labels are local to the braces, so the block may appear many times.
    Value counter = LLVM::PtrToIntOp::create(
        rewriter, loc, rewriter.getI64Type(), adaptor.getCounter());
    emitAsm(rewriter, loc,
            "{\n\t"
            ".reg .pred other, flipped;\n\t"
            ".reg .b32 arrived, now;\n\t"
            "setp.ne.u32 other, $1, 0;\n\t"
            "@other bra GRID_BARRIER_DONE;\n\t"
            "fence.acq_rel.gpu;\n\t"
            "atom.add.release.gpu.global.u32 arrived, [$0], $2;\n"
            "GRID_BARRIER_WAIT:\n\t"
            "ld.acquire.gpu.global.u32 now, [$0];\n\t"
            "xor.b32 now, now, arrived;\n\t"
            "setp.lt.s32 flipped, now, 0;\n\t"
            "@!flipped bra GRID_BARRIER_WAIT;\n\t"
            "fence.acq_rel.gpu;\n"
            "GRID_BARRIER_DONE:\n\t"
            "}",
            {counter, tid, add}, "l,r,r,~{memory}");
    barrier(rewriter, loc);
    rewriter.eraseOp(op);
    return success();
  }

  LoweringContext &state;
};

} // namespace

void mlir::triton::populateGridBarrierOpToLLVMPatterns(
    TritiumTypeConverter &converter, RewritePatternSet &patterns,
    LoweringContext &state) {
  patterns.add<GridBarrierOpConversion>(converter, state);
}
