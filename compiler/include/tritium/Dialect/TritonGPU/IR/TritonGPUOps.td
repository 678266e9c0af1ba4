//===- TritonGPUOps.td - `ttg` operations -------------------*- tablegen -*-===//

#ifndef TRITIUM_DIALECT_TRITONGPU_IR_TRITONGPUOPS_TD
#define TRITIUM_DIALECT_TRITONGPU_IR_TRITONGPUOPS_TD

include "tritium/Dialect/TritonGPU/IR/TritonGPUAttrs.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def TritonGPU_ConvertLayoutOp : Op<TritonGPU_Dialect, "convert_layout",
    [Pure, SameOperandsAndResultShape, SameOperandsAndResultElementType]> {
  let summary = "Redistribute a tensor over the threads (through shared memory)";
  let arguments = (ins AnyRankedTensor:$src);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$src attr-dict `:` type($src) `->` type($result)";
  let hasFolder = 1;
}

#endif
