//===- TritiumDialect.td - The `tx` extension dialect ------*- tablegen -*-===//
//
// Tile ops that Triton's `tt` dialect has no words for, usable by any kernel
// next to `tt` ops: for now the thread-block cluster of sm_90 (programs that
// run together and read each other's shared memory).
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_DIALECT_TRITIUM_IR_TRITIUMDIALECT_TD
#define TRITIUM_DIALECT_TRITIUM_IR_TRITIUMDIALECT_TD

include "mlir/IR/OpBase.td"

def Tritium_Dialect : Dialect {
  let name = "tx";
  let cppNamespace = "::mlir::tx";
  let summary = "Tritium's tile-op extensions to the Triton dialect";
  let dependentDialects = ["::mlir::triton::TritonDialect"];
  let usePropertiesForAttributes = 1;
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    /// Attribute of a `tt.func` kernel: its programs run in clusters of this
    /// many consecutive programs along x (an i32, 1-8: the portable sizes).
    /// A cluster's programs are scheduled together, and `tx.cluster_*` ops
    /// exchange data between them through distributed shared memory. The
    /// kernel's grid must be a multiple of it along x.
    static constexpr ::llvm::StringLiteral kClusterSizeAttrName =
        "tx.cluster_size";
    /// The cluster size of `op`'s kernel; 1 without the attribute.
    static int getClusterSize(::mlir::Operation *op);
    static constexpr int kMaxClusterSize = 8;
    /// i32 attribute of a `tt.func` with clusters, 1 (the default) or 2: how
    /// many scratch buffers its `tx.cluster_sum`s take in turn. With one,
    /// each sum passes two cluster barriers (after the writes, and after the
    /// reads, before anyone writes that scratch again); with two, in shared
    /// memory of their own, only the first, and the kernel passes one more
    /// before it returns: a program writes the buffer whose remote reads
    /// ended before every program arrived at the previous sum's barrier.
    static constexpr ::llvm::StringLiteral kClusterSumBuffersAttrName =
        "tx.cluster_sum_buffers";
    /// The cluster-sum buffers of `op`'s kernel; 1 without the attribute.
    static int getClusterSumBuffers(::mlir::Operation *op);
    /// Whether `root` holds a `tx.grid_barrier`: every program of such a
    /// kernel must be resident at once, so it launches cooperatively (its
    /// metadata's `launch_cooperative_grid`).
    static bool needsCooperativeLaunch(::mlir::Operation *root);
    /// Unit attribute of a `tt.store`: the store writes few elements at
    /// data-dependent addresses (a compaction of a sparse selection, most
    /// lanes masked off), so the layout pass writes it in its mask's layout
    /// (its value's without a mask) rather than converting its operands
    /// through shared memory into the pointers' or a narrowed layout, for
    /// sectors no more whole.
    static constexpr ::llvm::StringLiteral kSparseStoreAttrName =
        "tx.sparse_store";
    /// i32 attribute of a `tt.load` (64, 128 or 256): on an L2 miss, L2
    /// fetches this many bytes around each access (PTX `.L2::<N>B`), for
    /// loads whose neighbouring bytes other programs read soon after (rows
    /// shared by several programs, each reading its own slice of them).
    /// A hint: loads the compiler turns into asynchronous copies drop it.
    static constexpr ::llvm::StringLiteral kL2PrefetchAttrName =
        "tx.l2_prefetch";
  }];
}

#endif
