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

def TritiumRewriteTensorDescriptor
    : Pass<"tritium-rewrite-tensor-descriptor", "::mlir::ModuleOp"> {
  let summary = "Rewrite tensor descriptors into tensors of pointers and masks";
  let description = [{
    As Triton's RewriteTensorDescriptorToPointer does for targets without TMA:
    a descriptor (`tt.make_tensor_descriptor`) becomes its components -- the
    base pointer, the i64 shape and strides of each dimension, and an i1 that
    says whether padding is NaN -- and every `tt.descriptor_load` /
    `tt.descriptor_store` a `tt.load` / `tt.store` of the tensor of pointers
    `base + sum_d (index_d + arange(size_d)) * stride_d`, masked to
    `0 <= index < shape` on every dimension; masked-off loaded elements are
    zero, or NaN where the descriptor says so. Descriptors carried through
    scf.for, scf.if and scf.while are split into their components. Gathers,
    scatters, reductions (not lowered yet) and descriptors reaching any other
    op (a function argument, a call) are reported as errors at the op.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect"];
}

#endif // TRITIUM_DIALECT_TRITON_TRANSFORMS_PASSES_TD
