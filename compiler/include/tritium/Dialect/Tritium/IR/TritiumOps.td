//===- TritiumOps.td - `tx` operations ---------------------*- tablegen -*-===//

#ifndef TRITIUM_DIALECT_TRITIUM_IR_TRITIUMOPS_TD
#define TRITIUM_DIALECT_TRITIUM_IR_TRITIUMOPS_TD

include "tritium/Dialect/Tritium/IR/TritiumDialect.td"
include "tritium/Dialect/Triton/IR/TritonTypes.td"
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

def TX_GridBarrierOp : TX_Op<"grid_barrier",
    [MemoryEffects<[MemRead, MemWrite]>, AttrSizedOperandSegments]> {
  let summary = "Waits until every program of the grid (or of a group of "
                "its programs) has arrived";
  let description = [{
    A barrier across the whole grid: no thread of any program passes it
    before every thread of every program has reached it, and every write
    made before it, by any program, is visible to every read after it.
    `counter` is an i32 in global memory that only this kernel's grid
    barriers use; it must hold 0 before the kernel's first launch, and
    every barrier leaves its low 31 bits at 0 again (each passage flips
    its top bit), so it never needs resetting between launches.

    Every program must be resident at once, which only a cooperative
    launch guarantees: the runtime launches every kernel that contains
    this op cooperatively (Triton's `launch_cooperative_grid`), and the
    driver refuses grids larger than the device holds at once. Every
    program must reach the op the same number of times, outside divergent
    control flow (the verifier rejects it inside scf.if and scf.while).
    The lowering: a barrier, then thread 0 releases its program's writes
    with one atomic add at GPU scope and spins on an acquire load until the
    last program's add flips the counter's top bit, then a barrier.

    With `arrivals` and `leader`, the barrier waits for a group of the
    grid's programs only: the `arrivals` programs (a value the same in all
    of them) that pass this counter, exactly one of which has `leader`
    true. Groups with counters of their own then wait for their own
    members only (fewer arrivals on each counter), and every program must
    still be resident at once.
  }];
  let arguments = (ins TT_Ptr:$counter, Optional<I32>:$arrivals,
                       Optional<I1>:$leader);
  let assemblyFormat = [{
    $counter (`,` $arrivals^ `,` $leader)? attr-dict `:`
    qualified(type($counter))
  }];
  let hasVerifier = 1;
}

def TX_WeightedHistogramOp : TX_Op<"weighted_histogram", [Pure]> {
  let summary = "Sums integer weights into unit-width bins from 0";
  let description = [{
    `result[b]` is the sum of `weights[i]` over the lanes `i` whose
    `src[i] == b` (integer sums wrap); values outside [0, number of bins)
    and lanes whose optional `mask` is false add nothing. With all weights
    1 it is `tt.histogram`. `src`, `weights` and `mask` are 1-D of one
    shape; the weights have the result's element type (i32 or i64).

    What it is for: a selection over a few distinct values that each stand
    for many elements (a radix select over the 4096 code pairs of a
    product-quantised score, each weighted by how many keys carry it)
    histograms the values once instead of every element.
  }];
  let arguments = (ins AnyRankedTensor:$src, AnyRankedTensor:$weights,
                       Optional<AnyRankedTensor>:$mask);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $src `,` $weights (`,` $mask^)? attr-dict `:` type($src) `,` type($weights)
    (`,` type($mask)^)? `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Histograms kept in shared memory across a loop
//===----------------------------------------------------------------------===//
//
// `acc = acc + tt.histogram(x)` in a loop reads the bins back into registers
// every iteration (zero the bins, barrier, add, barrier, read: three
// barriers an iteration where several share scratch). These three ops keep
// the bins in shared memory of their own instead: cleared once, added to by
// every iteration with no barrier (shared-memory adds commute), read once.
// tritium-accumulate-histograms rewrites the loop form into them.

def TX_LocalHistogramInitOp : TX_Op<"local_histogram_init",
    [MemoryEffects<[MemWrite]>]> {
  let summary = "Zeroes the shared-memory bins of histogram `slot`";
  let description = [{
    Histogram `slot` has `bins` counts of `count_bits` (32 or 64) bits in
    shared memory of its own (no other op uses it). Every thread of the
    program must reach this op (it ends with a barrier), before any
    `tx.local_histogram_add` or `tx.local_histogram_read` of the slot.
  }];
  let arguments = (ins ConfinedAttr<I32Attr, [IntNonNegative]>:$slot,
                       ConfinedAttr<I64Attr, [IntPositive]>:$bins,
                       ConfinedAttr<I32Attr, [IntIsOneOf<[32, 64]>]>:$count_bits);
  let assemblyFormat = "attr-dict";
  let extraClassDeclaration = [{
    /// The bytes of shared memory the slot's bins take.
    int64_t getBinBytes() { return getBins() * (getCountBits() / 8); }
  }];
}

def TX_LocalHistogramAddOp : TX_Op<"local_histogram_add",
    [MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "Counts a tensor's values into the bins of histogram `slot`";
  let description = [{
    Adds 1 to bin `src[i]` of histogram `slot` for every lane `i` whose
    value lies in [0, bins) and whose optional `mask` is true, as
    `tt.histogram` counts. No barrier: adds from any number of these ops
    may overlap; a `tx.local_histogram_read` waits for them all.
  }];
  let arguments = (ins AnyRankedTensor:$src, Optional<AnyRankedTensor>:$mask,
                       ConfinedAttr<I32Attr, [IntNonNegative]>:$slot);
  let assemblyFormat = [{
    $src (`,` $mask^)? attr-dict `:` type($src) (`,` type($mask)^)?
  }];
  let hasVerifier = 1;
}

def TX_LocalHistogramReadOp : TX_Op<"local_histogram_read",
    [MemoryEffects<[MemRead]>]> {
  let summary = "The counts of histogram `slot`";
  let description = [{
    Waits for every thread's earlier adds (a barrier: every thread must
    reach it) and returns the bins of histogram `slot` as a 1-D tensor of
    its `bins` counts (i32 or i64, as its init says).
  }];
  let arguments = (ins ConfinedAttr<I32Attr, [IntNonNegative]>:$slot);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Loads staged in shared memory, several loop iterations ahead
//===----------------------------------------------------------------------===//
//
// A loop's tt.load waits the whole memory latency where its value is first
// used; loading iteration i + 1's tile into registers during iteration i
// keeps one tile in flight and holds its registers. These ops keep several
// tiles in flight without registers: each thread copies (cp.async) the
// elements a tt.load would give it into its own part of a staging buffer,
// `stages` tiles deep, and later reads back exactly those elements. No
// thread reads what another copied, so no barrier orders them: a thread
// waits for its own copies only. tritium-stage-loads rewrites the loads of
// a loop marked `tt.num_stages` into them.

def TX_AsyncCopyOp : TX_Op<"async_copy",
    [MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "Starts copying a tile of loads into a stage of a staging slot";
  let description = [{
    Starts asynchronous copies, into stage `stage` (0 .. stages - 1) of
    staging slot `slot`, of the elements `tt.load %ptr, %mask` would give
    each thread; lanes whose mask is false copy nothing and read back as
    zeros. The copies belong to the next `tx.async_commit` group. Every
    copy and load of a slot has the same tensor shape, layout and element
    type and the same `stages` (the slot holds that many tiles).
  }];
  let arguments = (ins AnyRankedTensor:$ptr, Optional<AnyRankedTensor>:$mask,
                       I32:$stage,
                       ConfinedAttr<I32Attr, [IntNonNegative]>:$slot,
                       ConfinedAttr<I32Attr, [IntPositive]>:$stages);
  let assemblyFormat = [{
    $ptr (`,` $mask^)? `into` $stage attr-dict `:` type($ptr)
    (`,` type($mask)^)?
  }];
  let hasVerifier = 1;
}

def TX_AsyncCommitOp : TX_Op<"async_commit",
    [MemoryEffects<[MemWrite]>]> {
  let summary = "Closes a group of this thread's tx.async_copy copies";
  let description = [{
    The copies the thread started since its last commit form one group;
    `tx.async_wait` counts groups.
  }];
  let assemblyFormat = "attr-dict";
}

def TX_AsyncWaitOp : TX_Op<"async_wait",
    [MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "Waits until at most `pending` of this thread's groups remain";
  let description = [{
    Waits for this thread's committed copy groups until at most the
    `pending` most recent ones are still in flight. No barrier: it orders
    the thread's own copies before its own `tx.async_load`s.
  }];
  let arguments = (ins ConfinedAttr<I32Attr, [IntNonNegative]>:$pending);
  let assemblyFormat = "attr-dict";
}

def TX_AsyncLoadOp : TX_Op<"async_load", [MemoryEffects<[MemRead]>]> {
  let summary = "Reads back a stage of a staging slot";
  let description = [{
    The tile the `tx.async_copy` into stage `stage` of slot `slot` copied:
    each thread reads the elements it copied, so a `tx.async_wait` that
    covers that copy must come first. The result has the shape, layout and
    element type of the slot's loads.
  }];
  let arguments = (ins I32:$stage,
                       ConfinedAttr<I32Attr, [IntNonNegative]>:$slot,
                       ConfinedAttr<I32Attr, [IntPositive]>:$stages);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$stage attr-dict `:` type($result)";
}

def TX_L2Hint : Resource<"::mlir::tx::L2HintResource">;

def TX_PrefetchL2Op : TX_Op<"prefetch_l2",
    [MemoryEffects<[MemRead, MemWrite<TX_L2Hint>]>]> {
  let summary = "Asks for a range of global memory to be brought into L2";
  let description = [{
    A hint, issued once by the program (not by each thread): the bytes
    [`ptr`, `ptr` + `bytes`) of global memory start moving into the L2
    cache, so that the loads that read them later wait less and more bytes
    are in flight than the program's registers could hold. It changes no
    value and writes no memory. Only the range's 16-byte aligned part is
    fetched; `bytes` <= 0 fetches nothing. The range must lie inside one
    allocation, as a load's addresses must. Its only write is to the
    `<L2Hint>` resource, which nothing reads: it is never dead code, and
    Tritium's loop passes (tritium-pipeline-loads, tritium-stage-loads)
    move loads and copies past it; MLIR's generic passes (CSE, LICM) see
    a write and keep loads on their side of it.

    sm_90 and later: one `cp.async.bulk.prefetch.L2` of the whole range.
    sm_80: each thread prefetches one of the range's 128-byte lines, so
    only its first (threads of the program) lines are fetched.
  }];
  let arguments = (ins TT_Ptr:$ptr, AnyTypeOf<[I32, I64]>:$bytes);
  let assemblyFormat = "$ptr `,` $bytes attr-dict `:` qualified(type($ptr)) `,` type($bytes)";
}

#endif
