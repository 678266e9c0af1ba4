//===- Passes.td - Conversions ------------------------------*- tablegen -*-===//

#ifndef TRITIUM_CONVERSION_PASSES_TD
#define TRITIUM_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def TritiumConvertTritonGPUToLLVM
    : Pass<"tritium-convert-tritongpu-to-llvm", "::mlir::ModuleOp"> {
  let summary = "Lower ttgir (tt ops on laid-out tensors) to the LLVM and NVVM dialects";
  let description = [{
    Each tensor becomes an LLVM struct of the elements its thread holds;
    kernels become `llvm.func`s with `nvvm.kernel`, Triton 3.6's parameter
    list (the IR's arguments, then the global and profile scratch pointers)
    and `nvvm.maxntid`. Shared memory is one dynamic buffer; the bytes needed
    are recorded in the module attribute `ttg.shared`. Ops that need scratch
    alternate between two regions of it where straight-line code lets them
    skip the barrier before their writes (`reuse-scratch`). Expects SCF
    already lowered to CF.
  }];
  let options = [
    Option<"computeCapability", "compute-capability", "unsigned", "90",
           "target SM (80 or 90)">,
    Option<"reuseScratch", "reuse-scratch", "bool", "true",
           "drop scratch barriers that straight-line code makes redundant, "
           "alternating between two scratch regions">,
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::NVVM::NVVMDialect"];
}

#endif
