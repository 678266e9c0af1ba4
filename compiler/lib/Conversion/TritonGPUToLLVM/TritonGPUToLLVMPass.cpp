//===- TritonGPUToLLVMPass.cpp - The ttgir -> LLVM conversion driver ------===//

#include "Utility.h"

#include "tritium/Analysis/AxisInfo.h"
#include "tritium/Conversion/Passes.h"
#include "tritium/Dialect/Tritium/IR/Dialect.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::triton {
#define GEN_PASS_DEF_TRITIUMCONVERTTRITONGPUTOLLVM
#include "tritium/Conversion/Passes.h.inc"
} // namespace mlir::triton

using namespace mlir;
using namespace mlir::triton;

namespace {

/// gpu.barrier (tl.debug_barrier) is a CTA barrier.
struct GpuBarrierConversion : public OpConversionPattern<mlir::gpu::BarrierOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(mlir::gpu::BarrierOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<NVVM::Barrier0Op>(op);
    return success();
  }
};

/// The number of elements each load/store moves per access: registers that
/// are consecutive along the layout's fastest dimension, as many as AxisInfo
/// proves contiguous, aligned and equally masked (at most 16 bytes).
void decideAccessWidths(ModuleOp module, LoweringContext &state) {
  AxisInfoAnalysis axisInfo(module);
  module.walk([&](Operation *op) {
    Value ptr, mask;
    if (auto load = dyn_cast<LoadOp>(op)) {
      ptr = load.getPtr();
      mask = load.getMask();
    } else if (auto store = dyn_cast<StoreOp>(op)) {
      ptr = store.getPtr();
      mask = store.getMask();
    } else if (auto copy = dyn_cast<tx::AsyncCopyOp>(op)) {
      ptr = copy.getPtr();
      mask = copy.getMask();
    } else {
      return;
    }
    if (!isa<RankedTensorType>(ptr.getType()))
      return;
    unsigned width = getLayoutAccessWidth(axisInfo, ptr, mask);
    if (width > 1)
      state.accessWidth[op] = width;
  });
}

/// Whether `op` may access memory: anything but effect-free LLVM and NVVM
/// ops without regions. Inline assembly counts, whatever its flags (a
/// non-volatile ld.global has no side effects in the LLVM dialect), and so
/// do calls.
bool touchesMemory(Operation &op) {
  if (op.getNumRegions() != 0 || isa<LLVM::InlineAsmOp, LLVM::CallOp>(op))
    return true;
  StringRef dialect = op.getDialect() ? op.getDialect()->getNamespace() : "";
  return (dialect != "llvm" && dialect != "nvvm") || !isMemoryEffectFree(&op);
}

/// Drops a barrier that follows another in its block with nothing between
/// them that touches memory (adjacent tx.local_histogram inits and reads,
/// each with its own barriers): the second orders nothing the first did not.
void dropRepeatedBarriers(ModuleOp module) {
  SmallVector<NVVM::Barrier0Op> repeated;
  module.walk([&](Block *block) {
    bool afterBarrier = false;
    for (Operation &op : *block) {
      if (isa<NVVM::Barrier0Op>(op)) {
        if (afterBarrier)
          repeated.push_back(cast<NVVM::Barrier0Op>(op));
        afterBarrier = true;
      } else if (touchesMemory(op)) {
        afterBarrier = false;
      }
    }
  });
  for (NVVM::Barrier0Op barrier : repeated)
    barrier.erase();
}

struct ConvertTritonGPUToLLVM
    : public mlir::triton::impl::TritiumConvertTritonGPUToLLVMBase<
          ConvertTritonGPUToLLVM> {
  using TritiumConvertTritonGPUToLLVMBase::TritiumConvertTritonGPUToLLVMBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    LoweringContext state;
    state.numWarps = ttg::TritonGPUDialect::getNumWarps(module);
    state.computeCapability = computeCapability;
    state.reuseScratch = reuseScratch;

    // One dynamic shared memory buffer serves every op that needs scratch.
    OpBuilder builder(module.getBodyRegion());
    LLVM::GlobalOp::create(
        builder, module.getLoc(),
        LLVM::LLVMArrayType::get(IntegerType::get(context, 8), 0),
        /*isConstant=*/false, LLVM::Linkage::External, "global_smem",
        Attribute(), /*alignment=*/16, /*addrSpace=*/3);

    decideAccessWidths(module, state);
    if (failed(planLocalHistograms(module, state)))
      return signalPassFailure();
    planAsyncOperandCopies(module, state);
    if (failed(planStagingSlots(module, state)))
      return signalPassFailure();
    planClusterSumBuffers(module, state);

    TritiumTypeConverter converter(context);
    RewritePatternSet patterns(context);
    populateFuncOpToLLVMPatterns(converter, patterns, state);
    populateElementwiseOpToLLVMPatterns(converter, patterns, state);
    populateLoadStoreOpToLLVMPatterns(converter, patterns, state);
    populateViewOpToLLVMPatterns(converter, patterns, state);
    populateReduceOpToLLVMPatterns(converter, patterns, state);
    populateScanOpToLLVMPatterns(converter, patterns, state);
    populateAtomicOpToLLVMPatterns(converter, patterns, state);
    populateClusterOpToLLVMPatterns(converter, patterns, state);
    populateGridBarrierOpToLLVMPatterns(converter, patterns, state);
    populateDebugOpToLLVMPatterns(converter, patterns, state);
    populateDotOpToLLVMPatterns(converter, patterns, state);
    populateShapeOpToLLVMPatterns(converter, patterns, state);
    patterns.add<GpuBarrierConversion>(converter, context);
    // Math on scalars: libdevice first (accurate, as Triton's defaults),
    // plain LLVM intrinsics for what libdevice does not cover.
    populateLibDeviceConversionPatterns(converter, patterns, /*benefit=*/5);
    populateMathToLLVMConversionPatterns(converter, patterns);
    arith::populateArithToLLVMConversionPatterns(converter, patterns);
    cf::populateControlFlowToLLVMConversionPatterns(converter, patterns);

    ConversionTarget target(*context);
    target.addLegalDialect<LLVM::LLVMDialect, NVVM::NVVMDialect>();
    target.addLegalOp<ModuleOp>();
    if (failed(applyFullConversion(module, target, std::move(patterns))))
      return signalPassFailure();
    finishClusterSumBuffers(module);
    // Only the whole lowered module shows which scratch barriers are
    // redundant and how large the scratch regions are.
    unsigned sharedBytes = lowering::assignScratchRegions(module, state);
    // Each kind of buffer checks its own size; only the total shows a
    // kernel whose scratch and dedicated buffers do not fit together,
    // which the driver would otherwise refuse at load time.
    unsigned limit = lowering::maxSharedBytesPerBlock(computeCapability);
    if (sharedBytes > limit) {
      // At the module's location, without the lowered module attached.
      mlir::emitError(module.getLoc(), "the kernel needs ")
          << sharedBytes << " bytes of shared memory (" << state.dedicatedBytes
          << " of them for staged loads, local histograms and dot operand "
             "buffers, the rest scratch), more than the "
          << limit << " a block may use on sm_" << unsigned(computeCapability)
          << "; use fewer stages, smaller tiles or fewer warps";
      return signalPassFailure();
    }
    dropRepeatedBarriers(module);
    module->setAttr(ttg::TritonGPUDialect::kSharedAttrName,
                    builder.getI32IntegerAttr(sharedBytes));
  }
};

} // namespace
