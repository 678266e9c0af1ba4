//===- ClusterOpToLLVM.cpp - Thread-block cluster ops ---------------------===//
//
// tx.cluster_rank and tx.cluster_sum. A cluster's programs run at the same
// time on one GPC and can address each other's shared memory (distributed
// shared memory, sm_90): cluster_sum writes each program's tensor to its own
// scratch, passes a cluster barrier, and every thread adds up the elements
// it holds from the scratch of every program of the cluster.
//
//===----------------------------------------------------------------------===//

#include "Utility.h"

#include "tritium/Dialect/Tritium/IR/Dialect.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::triton;
using namespace mlir::triton::lowering;

namespace {

constexpr unsigned kSharedAddressSpace = 3;

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

/// Checks what a cluster op needs of its target.
LogicalResult checkTarget(Operation *op, const LoweringContext &state) {
  if (state.computeCapability < 90)
    return op->emitError() << "needs sm_90 or newer (thread-block clusters), "
                              "not sm_"
                           << state.computeCapability;
  return success();
}

struct ClusterRankOpConversion : public OpConversionPattern<tx::ClusterRankOp> {
  ClusterRankOpConversion(TritiumTypeConverter &converter,
                          LoweringContext &state)
      : OpConversionPattern(converter, &converter.getContext()), state(state) {}

  LogicalResult
  matchAndRewrite(tx::ClusterRankOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (clusterSize(op) == 1) {
      // No clusters: every program is alone in its own.
      rewriter.replaceOp(op, i32Const(rewriter, op.getLoc(), 0));
      return success();
    }
    if (failed(checkTarget(op, state)))
      return failure();
    rewriter.replaceOpWithNewOp<NVVM::ClusterId>(op, rewriter.getI32Type());
    return success();
  }

  LoweringContext &state;
};

/// Every thread of every program of the cluster arrives (releasing its
/// earlier shared-memory writes to the cluster) and waits for all others
/// (acquiring theirs).
void clusterBarrier(OpBuilder &b, Location loc) {
  NVVM::ClusterArriveOp::create(b, loc, /*aligned=*/b.getUnitAttr());
  NVVM::ClusterWaitOp::create(b, loc, /*aligned=*/b.getUnitAttr());
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
    SmallVector<Value> values = unpack(rewriter, loc, adaptor.getSrc());
    int programs = clusterSize(op);
    if (programs == 1) {
      // A cluster of one: the sum is the program's own tensor.
      rewriter.replaceOp(op, adaptor.getSrc());
      return success();
    }
    if (failed(checkTarget(op, state)))
      return failure();

    MLIRContext *context = rewriter.getContext();
    Type elementType = type.getElementType();
    auto sharedPtr = LLVM::LLVMPointerType::get(context, kSharedAddressSpace);
    auto clusterPtr = LLVM::LLVMPointerType::get(
        context, static_cast<unsigned>(NVVM::NVVMMemorySpace::SharedCluster));
    int64_t numElements = type.getNumElements();
    Value base = sharedScratch(rewriter, loc, op, state, numElements * 4);

    // Each thread writes the elements it holds at their row-major index
    // (threads holding the same element write the same value).
    SmallVector<Value> addresses;
    for (auto [coords, value] :
         llvm::zip(emitCoordinates(rewriter, loc, *view), values)) {
      Value index = linearize(rewriter, loc, coords, type.getShape());
      Value address = LLVM::GEPOp::create(rewriter, loc, sharedPtr, elementType,
                                          base, ValueRange{index});
      LLVM::StoreOp::create(rewriter, loc, value, address);
      addresses.push_back(address);
    }
    clusterBarrier(rewriter, loc);

    // Add the element from every program of the cluster, in rank order, so
    // that float sums come out the same everywhere.
    SmallVector<Value> sums;
    for (Value address : addresses) {
      Value sum;
      for (int rank = 0; rank < programs; ++rank) {
        Value remote = NVVM::MapaOp::create(rewriter, loc, clusterPtr, address,
                                            i32Const(rewriter, loc, rank));
        Value element =
            LLVM::LoadOp::create(rewriter, loc, elementType, remote);
        sum =
            !sum ? element
            : isa<FloatType>(elementType)
                ? LLVM::FAddOp::create(rewriter, loc, sum, element).getResult()
                : LLVM::AddOp::create(rewriter, loc, sum, element).getResult();
      }
      sums.push_back(sum);
    }
    // No program may leave (or write this scratch again) while others
    // still read it.
    clusterBarrier(rewriter, loc);
    rewriter.replaceOp(op, pack(rewriter, loc, structType, sums));
    return success();
  }

  LoweringContext &state;
};

} // namespace

void mlir::triton::populateClusterOpToLLVMPatterns(
    TritiumTypeConverter &converter, RewritePatternSet &patterns,
    LoweringContext &state) {
  patterns.add<ClusterRankOpConversion, ClusterSumOpConversion>(converter,
                                                                state);
}
