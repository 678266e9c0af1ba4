//===- TritiumOps.td - `tx` operations ---------------------*- tablegen -*-===//

#ifndef TRITIUM_DIALECT_TRITIUM_IR_TRITIUMOPS_TD
#define TRITIUM_DIALECT_TRITIUM_IR_TRITIUMOPS_TD

include "tritium/Dialect/Tritium/IR/TritiumDialect.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class TX_Op<string mnemonic, list<Trait> traits = []>
    : Op<Tritium_Dialect, mnemonic, traits>;

def TX_ClusterRankOp : TX_Op<"cluster_rank", [Pure]> {
  let summary = "This program's rank in its cluster";
  let description = [{
    The rank (0 .. cluster size - 1) of the program among the programs of
    its cluster (`tx.cluster_size` of the kernel): with clusters along x,
    `program_id(0) % cluster size`. 0 in a kernel without clusters.
  }];
  let results = (outs I32:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
}

def TX_ClusterSumOp : TX_Op<"cluster_sum", [SameOperandsAndResultType,
    MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "Element-wise sum of a tensor over the programs of a cluster";
  let description = [{
    Every program of the cluster passes its own value of the tensor; each
    gets the element-wise sum over all of them (integer sums wrap, float
    sums are added in rank order, so every program gets the same bits).
    The exchange goes through distributed shared memory and two cluster
    barriers, so every program of the cluster must reach the op, the same
    number of times, outside divergent control flow (as with a barrier; the
    verifier rejects it inside scf.if and scf.while). The kernel needs
    `tx.cluster_size` and sm_90 or newer (else the lowering reports it);
    helpers that use it are inlined into their kernel. Elements are 32
    bits (i32 or f32).
  }];
  let arguments = (ins AnyRankedTensor:$src);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$src attr-dict `:` type($src)";
  let hasVerifier = 1;
}

#endif
