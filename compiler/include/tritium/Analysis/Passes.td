//===- Passes.td - Passes that expose Tritium's analyses ----*- tablegen -*-===//
//
// Test passes print what an analysis concluded, so that lit tests can check
// it with --verify-diagnostics.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_ANALYSIS_PASSES_TD
#define TRITIUM_ANALYSIS_PASSES_TD

include "mlir/Pass/PassBase.td"

def TestAxisInfo : Pass<"tritium-test-axis-info", "::mlir::ModuleOp"> {
  let summary = "Print the AxisInfo of every integer and pointer value";
  let description = [{
    Runs AxisInfoAnalysis and emits, for every op result of integer, index or
    pointer type (scalar or tensor), a remark

      contiguity = [..], divisibility = [..], constancy = [..],
      constant_value = <none>|N

    (one value per dimension; pointer divisibility is in bytes). Block
    arguments of nested regions (loop induction variables, iter_args) are
    reported on the op that owns the region as "region #R argument #A: ...".
    For every tt.load and tt.store of a tensor of pointers it also emits
    "vector width = N", the result of AxisInfoAnalysis::getVectorWidth for the
    pointer and the mask along the last dimension, and, where the pointers
    are most contiguous along another dimension D, "vector width along dim
    D = N" too.
  }];
  let dependentDialects = ["::mlir::triton::TritonDialect"];
}

#endif // TRITIUM_ANALYSIS_PASSES_TD
