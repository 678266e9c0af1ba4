//===- ClusterOpToLLVM.cpp - Thread-block cluster ops ---------------------===//
//
// tx.cluster_rank and tx.cluster_sum. A cluster's programs run at the same
// time on one GPC and can address each other's shared memory (distributed
// shared memory, sm_90): cluster_sum writes each program's tensor to its own
// scratch, passes a cluster barrier, and every thread adds up the elements
// it holds from the scratch of every program of the cluster.
//
// With one buffer (the scratch every op shares) a second cluster barrier
// follows the reads, so that no program writes the scratch, or exits, while
// others still read it. With two (tx.cluster_sum_buffers = 2), in the
// dedicated area, the sums of a kernel take them in turn, chosen by a parity
// every thread keeps (an alloca that LLVM promotes to a register): a program
// writes the buffer that the sum before the previous one read, and every
// program finished those reads before it arrived at the previous sum's
// barrier, which the writer has passed. Only the exit still needs the
// second barrier: one before each return of the kernel.
//
//===----------------------------------------------------------------------===//

#include "Utility.h"

#include "tritium/Dialect/Tritium/IR/Dialect.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::triton;
using namespace mlir::triton::lowering;

namespace {

/// The cluster size of the kernel around `op`: tx.cluster_size of its
/// tt.func, or, once the function is lowered (patterns run in no fixed
/// order), the x extent of the llvm.func's nvvm.cluster_dim.
int clusterSize(Operation *op) {
  if (auto func = op->getParentOfType<LLVM::LLVMFuncOp>())
    if (auto dims = func->getAttrOfType<DenseI32ArrayAttr>(
            NVVM::NVVMDialect::getClusterDimAttrName()))
      return dims.asArrayRef().empty() ? 1 : dims.asArrayRef()[0];
  return tx::TritiumDialect::getClusterSize(op);
}

struct ClusterRankOpConversion : public OpConversionPattern<tx::ClusterRankOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tx::ClusterRankOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // Without clusters every program is alone in its own. (A kernel with
    // clusters before sm_90 is reported at its function.)
    if (clusterSize(op) == 1)
      rewriter.replaceOp(op, i32Const(rewriter, op.getLoc(), 0));
    else
      rewriter.replaceOpWithNewOp<NVVM::ClusterId>(op, rewriter.getI32Type());
    return success();
  }
};

/// How many consecutive registers of `view` hold consecutive elements in
/// row-major order, 16-byte aligned, in every thread: 4, 2 or 1. Registers
/// advance along the layout's fastest dimension first; where that is the
/// tensor's last dimension and a thread holds runs of 2 or 4 along it
/// (starting at multiples of the run), groups of them are contiguous.
unsigned vectorWidth(const ttg::LayoutView &view, ArrayRef<int64_t> shape) {
  const unsigned rank = view.getRank();
  if (rank == 0)
    return 1;
  const unsigned last = rank - 1;
  unsigned fastest = view.root.getOrder()[0];
  if (view.keptDims[last] != fastest)
    return 1;
  for (unsigned width : {4u, 2u}) {
    if (view.root.getSizePerThread()[fastest] % width != 0 ||
        shape[last] % width != 0 || view.getNumRegisters() % width != 0)
      continue;
    bool contiguous = true;
    for (unsigned r = 0; r < view.getNumRegisters() && contiguous; r += width) {
      SmallVector<int64_t> first = view.tensorOffsets(r);
      contiguous = first[last] % width == 0;
      for (unsigned i = 1; i < width && contiguous; ++i) {
        SmallVector<int64_t> next = view.tensorOffsets(r + i);
        SmallVector<int64_t> expected = first;
        expected[last] += i;
        contiguous = next == expected;
      }
    }
    if (contiguous)
      return width;
  }
  return 1;
}

/// Every thread of every program of the cluster arrives (releasing its
/// earlier shared-memory writes to the cluster) and waits for all others
/// (acquiring theirs).
void clusterBarrier(OpBuilder &b, Location loc) {
  NVVM::ClusterArriveOp::create(b, loc, /*aligned=*/b.getUnitAttr());
  NVVM::ClusterWaitOp::create(b, loc, /*aligned=*/b.getUnitAttr());
}

/// Marks the alloca of a kernel's cluster-sum buffer parity until
/// finishClusterSumBuffers has added the barriers before its returns.
constexpr llvm::StringLiteral kClusterParityAttr = "tritium.cluster_parity";

/// The kernel's cluster-sum parity cell (an i32 that starts at 0), created
/// at the start of its entry block by the first sum that asks for it.
Value clusterParityCell(ConversionPatternRewriter &rewriter, Location loc,
                        Operation *op) {
  Block &entry = functionEntryBlock(op);
  for (Operation &candidate : entry)
    if (isa<LLVM::AllocaOp>(candidate) && candidate.hasAttr(kClusterParityAttr))
      return candidate.getResult(0);
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToStart(&entry);
  Value one = i32Const(rewriter, loc, 1);
  auto cell = LLVM::AllocaOp::create(
      rewriter, loc, LLVM::LLVMPointerType::get(rewriter.getContext()),
      rewriter.getI32Type(), one, /*alignment=*/4);
  cell->setAttr(kClusterParityAttr, rewriter.getUnitAttr());
  LLVM::StoreOp::create(rewriter, loc, i32Const(rewriter, loc, 0), cell);
  return cell;
}

struct ClusterSumOpConversion : public OpConversionPattern<tx::ClusterSumOp> {
  ClusterSumOpConversion(TritiumTypeConverter &converter,
                         LoweringContext &state)
      : OpConversionPattern(converter, &converter.getContext()), state(state) {}

  LogicalResult
  matchAndRewrite(tx::ClusterSumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getSrc().getType();
    FailureOr<ttg::LayoutView> view =
        ttg::getLayoutView(type.getEncoding(), type.getShape());
    Type structType = getTypeConverter()->convertType(type);
    if (failed(view) || !structType)
      return rewriter.notifyMatchFailure(op, "unsupported layout");
    // Without tx.cluster_size the op would silently be the identity: a
    // kernel that sums over a cluster must say how large it is. (Before
    // sm_90 the kernel's attribute is reported at its function.)
    const int programs = clusterSize(op);
    if (programs == 1)
      return op.emitOpError()
             << "needs its kernel's "
             << tx::TritiumDialect::kClusterSizeAttrName
             << " (> 1) (in a kernel function; helpers that use it are "
                "inlined into theirs)";
    SmallVector<Value> values = unpack(rewriter, loc, adaptor.getSrc());

    MLIRContext *context = rewriter.getContext();
    Type elementType = type.getElementType();
    auto sharedPtr = LLVM::LLVMPointerType::get(context, kSharedAddressSpace);
    auto clusterPtr = LLVM::LLVMPointerType::get(
        context, static_cast<unsigned>(NVVM::NVVMMemorySpace::SharedCluster));
    int64_t numElements = type.getNumElements();
    const bool doubleBuffered = state.doubleBufferedSums.contains(op);
    Value base;
    if (doubleBuffered) {
      // This sum's buffer, and the other one for the next sum.
      Value cell = clusterParityCell(rewriter, loc, op);
      Value parity =
          LLVM::LoadOp::create(rewriter, loc, rewriter.getI32Type(), cell, 4);
      LLVM::StoreOp::create(rewriter, loc,
                            LLVM::XOrOp::create(rewriter, loc, parity,
                                                i32Const(rewriter, loc, 1)),
                            cell);
      Value offset = LLVM::MulOp::create(
          rewriter, loc, parity,
          i32Const(rewriter, loc, state.clusterSumBufferBytes));
      base = LLVM::GEPOp::create(
          rewriter, loc, sharedPtr, rewriter.getI8Type(),
          dedicatedShared(rewriter, loc, state.clusterSumOffset),
          ValueRange{offset});
    } else {
      base = sharedScratch(rewriter, loc, op, state, numElements * 4);
    }

    // Each thread writes the elements it holds at their row-major index
    // (threads holding the same element write the same value), `width`
    // consecutive elements at a time where its registers hold runs of them:
    // a warp's remote reads are then 16-byte pieces of one contiguous span
    // (4-byte reads of a run layout conflicted in the banks and took four
    // times the requests).
    const unsigned width = vectorWidth(*view, type.getShape());
    auto vectorType = VectorType::get({width}, elementType);
    SmallVector<SmallVector<Value>> coordinates =
        emitCoordinates(rewriter, loc, *view);
    SmallVector<Value> addresses;
    for (unsigned r = 0; r < values.size(); r += width) {
      Value index = linearize(rewriter, loc, coordinates[r], type.getShape());
      Value address = LLVM::GEPOp::create(rewriter, loc, sharedPtr, elementType,
                                          base, ValueRange{index});
      Value run = values[r];
      if (width > 1) {
        run = LLVM::PoisonOp::create(rewriter, loc, vectorType);
        for (unsigned i = 0; i < width; ++i)
          run = LLVM::InsertElementOp::create(rewriter, loc, run, values[r + i],
                                              i32Const(rewriter, loc, i));
      }
      LLVM::StoreOp::create(rewriter, loc, run, address, width * 4);
      addresses.push_back(address);
    }
    clusterBarrier(rewriter, loc);

    // Add the elements from every program of the cluster. Float sums add
    // in rank order, so that every program gets the same bits; integer
    // sums start at the program's own rank (read locally), so that the
    // programs do not all read rank 0's shared memory first.
    const bool isFloat = isa<FloatType>(elementType);
    Value ownRank =
        NVVM::ClusterId::create(rewriter, loc, rewriter.getI32Type());
    SmallVector<Value> sums;
    for (Value address : addresses) {
      SmallVector<Value> sum(width);
      for (int step = 0; step < programs; ++step) {
        Value from = address;
        if (isFloat || step > 0) {
          Value rank = i32Const(rewriter, loc, step);
          if (!isFloat)
            rank = LLVM::URemOp::create(
                rewriter, loc,
                LLVM::AddOp::create(rewriter, loc, ownRank, rank),
                i32Const(rewriter, loc, programs));
          from = NVVM::MapaOp::create(rewriter, loc, clusterPtr, address, rank);
        }
        Value run = LLVM::LoadOp::create(
            rewriter, loc, width > 1 ? Type(vectorType) : elementType, from,
            width * 4);
        for (unsigned i = 0; i < width; ++i) {
          Value element =
              width > 1 ? LLVM::ExtractElementOp::create(
                              rewriter, loc, run, i32Const(rewriter, loc, i))
                              .getResult()
                        : run;
          sum[i] = !sum[i] ? element
                   : isFloat
                       ? LLVM::FAddOp::create(rewriter, loc, sum[i], element)
                             .getResult()
                       : LLVM::AddOp::create(rewriter, loc, sum[i], element)
                             .getResult();
        }
      }
      sums.append(sum.begin(), sum.end());
    }
    // No program may leave (or write this scratch again) while others
    // still read it. (With two buffers the next sum writes the other one,
    // and the kernel's returns pass this barrier.)
    if (!doubleBuffered)
      clusterBarrier(rewriter, loc);
    rewriter.replaceOp(op, pack(rewriter, loc, structType, sums));
    return success();
  }

  LoweringContext &state;
};

} // namespace

void mlir::triton::planClusterSumBuffers(ModuleOp module,
                                         LoweringContext &state) {
  int64_t largest = 0;
  module.walk([&](tx::ClusterSumOp op) {
    if (tx::TritiumDialect::getClusterSumBuffers(op) != 2 ||
        tx::TritiumDialect::getClusterSize(op) < 2)
      return;
    state.doubleBufferedSums.insert(op);
    largest = std::max(largest, op.getSrc().getType().getNumElements() * 4);
  });
  if (state.doubleBufferedSums.empty())
    return;
  // 16-byte aligned for the sums' vector accesses. The pass checks the
  // kernel's total shared memory against the target's limit.
  state.clusterSumOffset = llvm::alignTo(state.dedicatedBytes, 16);
  state.clusterSumBufferBytes = llvm::alignTo(largest, 16);
  state.dedicatedBytes =
      state.clusterSumOffset + 2 * state.clusterSumBufferBytes;
}

void mlir::triton::finishClusterSumBuffers(ModuleOp module) {
  module.walk([](LLVM::LLVMFuncOp func) {
    if (func.getBody().empty())
      return;
    Operation *cell = nullptr;
    for (Operation &op : func.getBody().front())
      if (isa<LLVM::AllocaOp>(op) && op.hasAttr(kClusterParityAttr))
        cell = &op;
    if (!cell)
      return;
    cell->removeAttr(kClusterParityAttr);
    func.walk([](LLVM::ReturnOp ret) {
      OpBuilder builder(ret);
      clusterBarrier(builder, ret.getLoc());
    });
  });
}

void mlir::triton::populateClusterOpToLLVMPatterns(
    TritiumTypeConverter &converter, RewritePatternSet &patterns,
    LoweringContext &state) {
  patterns.add<ClusterRankOpConversion>(converter, &converter.getContext());
  patterns.add<ClusterSumOpConversion>(converter, state);
}
