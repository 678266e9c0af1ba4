//===- Pipeline.cpp - Tritium's pass pipeline, defined once ---------------===//

#include "tritium/Pipeline/Pipeline.h"

#include "tritium/Conversion/Passes.h"
#include "tritium/Dialect/Triton/Transforms/Passes.h"
#include "tritium/Dialect/TritonGPU/Transforms/Passes.h"

#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void tritium::buildTTIRToTTGIRPipeline(OpPassManager &pm,
                                       const PipelineOptions &options) {
  pm.addPass(createInlinerPass());
  pm.addPass(createSymbolDCEPass());
  // After inlining, so that block pointers passed to device functions are
  // rewritten too; before the canonicalizer, which then drops the
  // loop-carried block pointer components that never change.
  pm.addPass(triton::createTritiumRewriteTensorPointer());
  // Tensor descriptors the same way (no TMA lowering yet).
  pm.addPass(triton::createTritiumRewriteTensorDescriptor());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  triton::gpu::TritiumAssignLayoutsOptions layouts;
  layouts.numWarps = options.numWarps;
  layouts.wgmma = options.computeCapability == 90 && options.archSpecific;
  layouts.maxRegisters = options.maxRegisters;
  pm.addPass(triton::gpu::createTritiumAssignLayouts(layouts));
  pm.addPass(triton::gpu::createTritiumRemoveLayoutConversions());
  triton::gpu::TritiumPipelineLoadsOptions pipelining;
  pipelining.numStages = options.numStages;
  pm.addPass(triton::gpu::createTritiumPipelineLoads(pipelining));
  // After it: the loads it carries to the next iteration are its own.
  pm.addPass(triton::gpu::createTritiumStageLoads());
  // After the load pipelining, which only moves loads of loops that write
  // no memory (the local histogram adds write shared memory).
  pm.addPass(triton::gpu::createTritiumAccumulateHistograms());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void tritium::buildTTGIRToLLVMPipeline(OpPassManager &pm,
                                       const PipelineOptions &options) {
  pm.addPass(createSCFToControlFlowPass());
  triton::TritiumConvertTritonGPUToLLVMOptions lowering;
  lowering.computeCapability = options.computeCapability;
  pm.addPass(triton::createTritiumConvertTritonGPUToLLVM(lowering));
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(triton::gpu::createTritiumPackLoopCarriedHalves());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

namespace {
struct PipelineCLOptions : public PassPipelineOptions<PipelineCLOptions> {
  Option<unsigned> numWarps{*this, "num-warps", llvm::cl::init(4)};
  Option<unsigned> computeCapability{*this, "compute-capability",
                                     llvm::cl::init(90)};
  Option<bool> archSpecific{*this, "arch-specific", llvm::cl::init(false)};
  Option<unsigned> maxRegisters{*this, "max-registers", llvm::cl::init(0)};
  tritium::PipelineOptions get() const {
    tritium::PipelineOptions options;
    options.numWarps = numWarps;
    options.computeCapability = computeCapability;
    options.archSpecific = archSpecific;
    options.maxRegisters = maxRegisters;
    return options;
  }
};
} // namespace

void tritium::registerPipelines() {
  PassPipelineRegistration<PipelineCLOptions>(
      "tritium-ttir-to-ttgir", "Triton IR to laid-out ttgir",
      [](OpPassManager &pm, const PipelineCLOptions &o) {
        buildTTIRToTTGIRPipeline(pm, o.get());
      });
  PassPipelineRegistration<PipelineCLOptions>(
      "tritium-ttgir-to-llvm", "ttgir to the LLVM and NVVM dialects",
      [](OpPassManager &pm, const PipelineCLOptions &o) {
        buildTTGIRToLLVMPipeline(pm, o.get());
      });
  PassPipelineRegistration<PipelineCLOptions>(
      "tritium-ttir-to-llvm", "Triton IR to the LLVM and NVVM dialects",
      [](OpPassManager &pm, const PipelineCLOptions &o) {
        buildTTIRToTTGIRPipeline(pm, o.get());
        buildTTGIRToLLVMPipeline(pm, o.get());
      });
}
