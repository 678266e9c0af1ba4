//===- Utility.h - Shared pieces of the ttgir -> LLVM lowering --*- C++ -*-===//

#ifndef TRITIUM_CONVERSION_TRITONGPUTOLLVM_UTILITY_H
#define TRITIUM_CONVERSION_TRITONGPUTOLLVM_UTILITY_H

#include "tritium/Dialect/TritonGPU/IR/Dialect.h"

#include "mlir/Conversion/LLVMCommon/Pattern.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/IR/BuiltinOps.h"

#include "llvm/ADT/DenseSet.h"

#include <map>

namespace mlir::triton {
namespace ttg = ::mlir::triton::gpu;

/// Tensors become LLVM structs of the elements one thread holds (in register
/// order, see ttg::LayoutView); `!tt.ptr<T, A>` becomes `!llvm.ptr<A>`.
class TritiumTypeConverter : public LLVMTypeConverter {
public:
  explicit TritiumTypeConverter(MLIRContext *context);
};

/// Lowering state shared by the patterns of one module.
struct LoweringContext {
  unsigned numWarps = 4;
  unsigned computeCapability = 90;
  /// Bytes of `global_smem` used by ops that address it directly rather
  /// than through sharedScratch (the double-buffered dot). Scratch
  /// acquisitions are sized by assignScratchRegions after the conversion.
  unsigned sharedBytes = 0;
  /// Whether assignScratchRegions may drop redundant pre-barriers and use a
  /// second scratch region (see there).
  bool reuseScratch = true;
  /// Elements per vector access of each tt.load / tt.store (absent: 1),
  /// decided before the conversion from the layout and the AxisInfo analysis.
  llvm::DenseMap<Operation *, unsigned> accessWidth;
  /// Dots whose operand a arrives by asynchronous copies (the loads and the
  /// dot of one `ttg.async_group`, planAsyncOperandCopies): per group, the
  /// offset of its two staging buffers (and their counter) in the dedicated
  /// area, and the bytes of one buffer.
  struct AsyncOperandBuffers {
    unsigned offset = 0, bufferBytes = 0;
  };
  llvm::DenseMap<int64_t, AsyncOperandBuffers> asyncOperandBuffers;
  /// Bytes of shared memory placed after all scratch (dedicatedShared).
  unsigned dedicatedBytes = 0;
  /// Per tx.local_histogram slot: where its bins start in the dedicated
  /// area, how many, and their width (planLocalHistograms).
  struct LocalHistogram {
    unsigned offset = 0;
    int64_t bins = 0;
    unsigned countBits = 32;
  };
  std::map<int32_t, LocalHistogram> localHistograms;
  /// Per tx.async_copy / tx.async_load slot (planStagingSlots): where its
  /// stages start in the dedicated area, the bytes of one stage, and the
  /// elements a thread moves per access.
  struct StagingSlot {
    unsigned offset = 0, stageBytes = 0, width = 1, elementBytes = 1;
    unsigned groupBytes() const { return width * elementBytes; }
  };
  std::map<int32_t, StagingSlot> stagingSlots;
  /// The tx.cluster_sums of kernels with two cluster-sum buffers
  /// (planClusterSumBuffers), and where those buffers lie in the dedicated
  /// area: `clusterSumOffset` and `clusterSumOffset + clusterSumBufferBytes`.
  llvm::DenseSet<Operation *> doubleBufferedSums;
  unsigned clusterSumOffset = 0, clusterSumBufferBytes = 0;
};

namespace lowering {

/// The entry block of the function around `op`: its llvm.func once that is
/// lowered, else its original function (patterns run in no fixed order).
/// Where frame slots (allocas) belong.
Block &functionEntryBlock(Operation *op);

/// The NVVM address space of shared memory.
constexpr unsigned kSharedAddressSpace = 3;

/// Inline PTX with side effects on `operands` (constraints given), no
/// results.
void emitAsm(OpBuilder &b, Location loc, StringRef ptx, ValueRange operands,
             StringRef constraints);

/// Splits a converted tensor value into its per-thread elements.
SmallVector<Value> unpack(OpBuilder &b, Location loc, Value structValue);
/// Packs per-thread elements into the converted type of a tensor.
Value pack(OpBuilder &b, Location loc, Type structType, ValueRange elements);

Value i32Const(OpBuilder &b, Location loc, int64_t value);
Value intConst(OpBuilder &b, Location loc, Type type, int64_t value);

/// The thread's lane id and warp id (within the CTA).
std::pair<Value, Value> laneAndWarpIds(OpBuilder &b, Location loc);

/// For every register of `view`, the tensor coordinates (one i32 per tensor
/// dimension) of the element it holds in this thread.
SmallVector<SmallVector<Value>> emitCoordinates(OpBuilder &b, Location loc,
                                                const ttg::LayoutView &view);

/// The row-major linear index of `coordinates` in `shape`.
Value linearize(OpBuilder &b, Location loc, ArrayRef<Value> coordinates,
                ArrayRef<int64_t> shape);

/// Base of `bytes` (aligned to `alignment`) of scratch in the kernel's
/// dynamic shared memory (addrspace 3), after a barrier so that earlier users
/// of the scratch space are done. The caller writes the scratch, then passes
/// a barrier, then reads it, and is done with it (no access through this
/// base, asynchronous ones included, outlives the op's lowering).
///
/// The base is a marked `llvm.mlir.addressof @global_smem`; after the
/// conversion, assignScratchRegions places it in one of two regions and
/// removes the barrier where it can prove it redundant.
Value sharedScratch(OpBuilder &b, Location loc, Operation *user,
                    LoweringContext &state, unsigned bytes,
                    unsigned alignment = 16);
void barrier(OpBuilder &b, Location loc);

/// Base of `offset` bytes into the kernel's dedicated shared memory: an
/// area after everything scratch uses (assignScratchRegions places it), so
/// that memory that stays in use across other ops' scratch (the buffers of
/// asynchronous copies) never overlaps it. The caller sizes the area
/// (LoweringContext::dedicatedBytes).
Value dedicatedShared(OpBuilder &b, Location loc, unsigned offset);

/// A barrier that only keeps later writes of the next loop iteration (the
/// asynchronous copies into a buffer) from overtaking slower warps' reads:
/// assignScratchRegions drops it where a barrier that stays follows it in
/// its block before any cp.async.
void trailingBarrier(OpBuilder &b, Location loc);

/// Runs once the conversion is done: decides, for every scratch acquisition
/// of sharedScratch, its region (offset 0, or region 1 placed after
/// everything that uses offset 0) and whether it keeps its barrier, and
/// returns the bytes of shared memory the module needs.
unsigned assignScratchRegions(ModuleOp module, const LoweringContext &state);

/// The shared memory one block may use on the target (sm_90: 227 KB,
/// sm_80: 163 KB, other targets 99 KB), scratch and dedicated buffers
/// together.
unsigned maxSharedBytesPerBlock(unsigned computeCapability);

/// shfl.sync of any scalar up to 64 bits (the instruction moves 32).
/// `laneArg` is the lane offset for up/down, the lane mask for bfly, the
/// source lane for idx.
Value shuffle(OpBuilder &b, Location loc, Value value, Value laneArg,
              NVVM::ShflKind kind);

/// Memory element type for shared-memory staging: i1 travels as i8.
Type storageType(Type elementType);
Value toStorage(OpBuilder &b, Location loc, Value value);
Value fromStorage(OpBuilder &b, Location loc, Value value, Type elementType);

/// The element size in bytes of a scalar type as stored in memory.
unsigned storageBytes(Type elementType);

/// Lays a converted tensor out through shared memory: every thread stores
/// its elements at their row-major index, then loads the elements `dstView`
/// gives it, at the indices `sourceIndex` computes from its coordinates.
SmallVector<Value> shuffleThroughShared(
    OpBuilder &b, Location loc, Operation *user, LoweringContext &state,
    ArrayRef<Value> srcElements, const ttg::LayoutView &srcView,
    ArrayRef<int64_t> srcShape, const ttg::LayoutView &dstView,
    Type elementType,
    function_ref<Value(OpBuilder &, Location, ArrayRef<Value>)> sourceIndex);

} // namespace lowering

void populateFuncOpToLLVMPatterns(TritiumTypeConverter &converter,
                                  RewritePatternSet &patterns,
                                  LoweringContext &state);
void populateElementwiseOpToLLVMPatterns(TritiumTypeConverter &converter,
                                         RewritePatternSet &patterns,
                                         LoweringContext &state);
void populateLoadStoreOpToLLVMPatterns(TritiumTypeConverter &converter,
                                       RewritePatternSet &patterns,
                                       LoweringContext &state);
void populateViewOpToLLVMPatterns(TritiumTypeConverter &converter,
                                  RewritePatternSet &patterns,
                                  LoweringContext &state);
void populateReduceOpToLLVMPatterns(TritiumTypeConverter &converter,
                                    RewritePatternSet &patterns,
                                    LoweringContext &state);
void populateScanOpToLLVMPatterns(TritiumTypeConverter &converter,
                                  RewritePatternSet &patterns,
                                  LoweringContext &state);
void populateAtomicOpToLLVMPatterns(TritiumTypeConverter &converter,
                                    RewritePatternSet &patterns,
                                    LoweringContext &state);
void populateDebugOpToLLVMPatterns(TritiumTypeConverter &converter,
                                   RewritePatternSet &patterns,
                                   LoweringContext &state);
/// tx.cluster_rank and tx.cluster_sum (ClusterOpToLLVM.cpp).
void populateClusterOpToLLVMPatterns(TritiumTypeConverter &converter,
                                     RewritePatternSet &patterns,
                                     LoweringContext &state);
/// tx.grid_barrier (GridBarrierOpToLLVM.cpp).
void populateGridBarrierOpToLLVMPatterns(TritiumTypeConverter &converter,
                                         RewritePatternSet &patterns,
                                         LoweringContext &state);
/// Before the conversion: the two buffers, in the dedicated area, of the
/// cluster sums of kernels with tx.cluster_sum_buffers = 2 (each as large as
/// the largest such sum).
void planClusterSumBuffers(ModuleOp module, LoweringContext &state);
/// After the conversion: the cluster barrier before every return of a
/// kernel whose sums took two buffers in turn (its last sum's remote reads
/// end before any program of the cluster exits).
void finishClusterSumBuffers(ModuleOp module);
void populateDotOpToLLVMPatterns(TritiumTypeConverter &converter,
                                 RewritePatternSet &patterns,
                                 LoweringContext &state);
/// Before the conversion: keeps the `ttg.async_group` marks of
/// tritium-pipeline-loads where the dot will run on wgmma and its operand
/// a's loads can be 16-byte cp.async copies into its staging layout
/// (recording their buffers in `state`), and removes them elsewhere.
void planAsyncOperandCopies(ModuleOp module, LoweringContext &state);

/// Places the bins of every tx.local_histogram slot in the dedicated area
/// (first: planAsyncOperandCopies places its buffers after them); reports
/// slots used without an init or initialised twice, and reads that disagree
/// with their init.
LogicalResult planLocalHistograms(ModuleOp module, LoweringContext &state);

/// Places the stages of every tx.async_copy slot in the dedicated area
/// (after the other dedicated buffers) and decides its access width: the
/// narrowest its copies' AxisInfo allows, within cp.async's 4-16 bytes;
/// reports slots whose copies and reads disagree on the tile or its depth.
LogicalResult planStagingSlots(ModuleOp module, LoweringContext &state);
void populateShapeOpToLLVMPatterns(TritiumTypeConverter &converter,
                                   RewritePatternSet &patterns,
                                   LoweringContext &state);

} // namespace mlir::triton

#endif // TRITIUM_CONVERSION_TRITONGPUTOLLVM_UTILITY_H
