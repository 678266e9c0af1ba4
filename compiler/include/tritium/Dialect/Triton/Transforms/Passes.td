//===- Passes.td - Passes on Triton IR (tt) -----------------*- tablegen -*-===//
//
// Rewrites within the `tt` dialect that run before layouts are assigned.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_DIALECT_TRITON_TRANSFORMS_PASSES_TD
#define TRITIUM_DIALECT_TRITON_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def TritiumRewriteTensorPointer
    : Pass<"tritium-rewrite-tensor-pointer", "::mlir::ModuleOp"> {
  let summary = "Rewrite block pointers into tensors of pointers and masks";
  let description = [{
    As Triton's RewriteTensorPointer: a block pointer (`tt.make_tensor_ptr`,
    moved by `tt.advance`) becomes its components -- the base pointer, then
    the i64 shape, strides and offsets of each dimension -- and every
    `tt.load` / `tt.store` through one a load / store of the tensor of
    pointers `base + sum_d (offset_d + arange(size_d)) * stride_d`. Dimensions
    listed in `boundaryCheck` are masked to `0 <= index < shape`; a load's
    `padding` becomes its `other` (zero or NaN). The `order` attribute only
    describes the memory layout and is dropped.

    Block pointers carried through scf.for, scf.if and scf.while (and chosen
    by arith.select, or left undefined by ub.poison) are split into their
    components; the canonicalizer then drops loop-carried components that
    never change. A block pointer that reaches any other op (a call, a
    function argument) is reported as an error at that op.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect"];
}

#endif // TRITIUM_DIALECT_TRITON_TRANSFORMS_PASSES_TD
