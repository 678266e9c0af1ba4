//===- Pipeline.h - Tritium's pass pipeline, defined once -------*- C++ -*-===//
//
// tritiumc, the JIT and the tests all build their pass managers here, so they
// run the same passes in the same order. The stages can also be run from
// tritium-opt as named pipelines: tritium-ttir-to-ttgir,
// tritium-ttgir-to-llvm and tritium-ttir-to-llvm.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_PIPELINE_PIPELINE_H
#define TRITIUM_PIPELINE_PIPELINE_H

#include "mlir/Pass/PassManager.h"

namespace tritium {

struct PipelineOptions {
  unsigned numWarps = 4;
  unsigned numStages = 3;
  unsigned computeCapability = 90;
  /// The `a` target (sm_90a): dots may use wgmma.
  bool archSpecific = false;
  /// Triton's maxnreg: the most registers a thread may use (PTX
  /// `.maxnreg`; ptxas spills beyond it); 0: no limit.
  unsigned maxRegisters = 0;
};

/// Inline device functions, clean up, and give every tensor a layout.
void buildTTIRToTTGIRPipeline(mlir::OpPassManager &pm,
                              const PipelineOptions &options);

/// Lower ttgir to the LLVM and NVVM dialects.
void buildTTGIRToLLVMPipeline(mlir::OpPassManager &pm,
                              const PipelineOptions &options);

/// Registers the stages as named pipelines for tritium-opt.
void registerPipelines();

} // namespace tritium

#endif // TRITIUM_PIPELINE_PIPELINE_H
