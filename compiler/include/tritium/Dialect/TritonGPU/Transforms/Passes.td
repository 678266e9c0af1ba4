//===- Passes.td - Layout passes ----------------------------*- tablegen -*-===//

#ifndef TRITIUM_DIALECT_TRITONGPU_TRANSFORMS_PASSES_TD
#define TRITIUM_DIALECT_TRITONGPU_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def TritiumAssignLayouts : Pass<"tritium-assign-layouts", "::mlir::ModuleOp"> {
  let summary = "Give every tensor a distributed layout (ttir -> ttgir)";
  let description = [{
    Results take the layout of their first operand that is not a splat,
    constant or range (so layouts flow from loads through the computation), or
    the default blocked layout of their shape; reductions produce slices of
    their operand's layout. Where an operand's layout differs from what its
    user needs, a `ttg.convert_layout` is inserted; the
    `tritium-remove-layout-conversions` pass removes most of them.
  }];
  let options = [
    Option<"numWarps", "num-warps", "unsigned", "4", "warps per CTA">,
    Option<"wgmma", "wgmma", "bool", "false",
           "the target has wgmma (sm_90a): dots that fit it use it">,
    Option<"maxRegisters", "max-registers", "unsigned", "0",
           "Triton's maxnreg: recorded as the module's ttg.maxnreg (the "
           "lowering's .maxnreg); 0 keeps the module's own, if any">,
  ];
  let dependentDialects = ["::mlir::triton::gpu::TritonGPUDialect"];
}

def TritiumRemoveLayoutConversions
    : Pass<"tritium-remove-layout-conversions", "::mlir::ModuleOp"> {
  let summary = "Rematerialise cheap producers in the layout their users need";
  let description = [{
    A `ttg.convert_layout` whose operand comes from a constant, splat,
    make_range, expand_dims or broadcast (or from an elementwise op, addptr or
    load used only there) is replaced by a copy of the producer built directly
    in the target layout, recursively, so no data moves through shared memory.
  }];
  let dependentDialects = ["::mlir::triton::gpu::TritonGPUDialect"];
}

def TritiumPipelineLoads : Pass<"tritium-pipeline-loads", "::mlir::ModuleOp"> {
  let summary = "Issue the loads of a dot's operands one loop iteration early";
  let description = [{
    In scf.for loops whose body writes no memory, tt.loads of tensors of
    pointers that feed a tt.dot's a or b are issued for iteration i + 1 at
    the top of iteration i (masked off past the last iteration) and carried
    to it in registers; iteration 0's are issued before the loop. With
    num_stages >= 3, a tensor-core dot that is its loop's only user of
    shared memory is marked `ttg.double_buffer` (two alternating staging
    buffers, one barrier fewer per iteration).
  }];
  let options = [
    Option<"numStages", "num-stages", "unsigned", "3",
           "software pipelining depth (<= 1: off)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::gpu::GPUDialect"];
}

def TritiumStageLoads : Pass<"tritium-stage-loads", "::mlir::ModuleOp"> {
  let summary = "Stage a loop's loads in shared memory, stages - 1 iterations ahead";
  let description = [{
    In an scf.for marked `tt.num_stages` = N >= 2 (Triton's
    `tl.range(..., num_stages=N)`), each tt.load of a tensor of pointers
    directly in the body whose masked-off lanes are zeros, whose pointer and
    mask can be computed ahead (from the induction variable, values defined
    outside the loop and loop-carried values advanced by such ops), that
    feeds no tt.dot operand (tritium-pipeline-loads has those) and whose
    accesses are at least 4 bytes becomes `tx.async_copy` of iteration
    i + N - 1 at the top of iteration i (iterations 0 .. N - 2 before the
    loop, moved up past ops that write no memory) and `tx.async_load`
    where the load was, after one `tx.async_wait`.
    Each thread stages the elements it would have loaded in N buffers of
    its own: no barrier, no registers held for the tiles in flight.

    As with Triton's pipeliner, the mark is the kernel's promise that the
    loop's own stores do not write what a later iteration's loads read.
    Loads whose buffers would take more than `max-bytes` of shared memory
    (with those of every loop staged before them in the module) stay loads;
    so do the loads of a loop marked with more than 16 stages (a warning).
  }];
  let options = [
    Option<"maxBytes", "max-bytes", "int64_t", "160 * 1024",
           "shared memory the staging buffers of the module may take">,
  ];
  let dependentDialects = ["::mlir::tx::TritiumDialect",
                           "::mlir::arith::ArithDialect"];
}

def TritiumAccumulateHistograms
    : Pass<"tritium-accumulate-histograms", "::mlir::ModuleOp"> {
  let summary = "Keep a loop's summed histograms in shared memory";
  let description = [{
    An scf.for value that starts at zero and is only ever replaced by
    itself plus a `tt.histogram` of the iteration (`acc = acc +
    tt.histogram(x, mask)`) becomes a histogram of its own in shared
    memory: `tx.local_histogram_init` before the loop,
    `tx.local_histogram_add` in place of the histogram (no barrier), and
    `tx.local_histogram_read` for the loop's result. The lowering of the
    loop form zeroed, added and read back the bins every iteration, with
    two or three barriers.
  }];
  let dependentDialects = ["::mlir::tx::TritiumDialect"];
}

def TritiumPackLoopCarriedHalves
    : Pass<"tritium-pack-loop-carried-halves", "::mlir::ModuleOp"> {
  let summary = "Carry 16-bit struct members across branches two per i32";
  let description = [{
    On the LLVM dialect: block arguments that are structs of an even number
    of f16, bf16 or i16 members become structs of i32 (two members each,
    the first in the low half), so that LLVM gives each pair one register
    rather than each element one.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif
