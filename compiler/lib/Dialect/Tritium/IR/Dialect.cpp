//===- Dialect.cpp - The `tx` extension dialect ---------------------------===//

#include "tritium/Dialect/Tritium/IR/Dialect.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Transforms/InliningUtils.h"

using namespace mlir;
using namespace mlir::tx;

#include "tritium/Dialect/Tritium/IR/TritiumDialect.cpp.inc"

#define GET_OP_CLASSES
#include "tritium/Dialect/Tritium/IR/TritiumOps.cpp.inc"

namespace {
/// Helpers that use tx ops inline into their kernels like any tt code (a
/// cluster op needs its kernel's tx.cluster_size, which a helper lacks).
struct TritiumInlinerInterface : public DialectInlinerInterface {
  using DialectInlinerInterface::DialectInlinerInterface;
  bool isLegalToInline(Operation *, Region *, bool, IRMapping &) const final {
    return true;
  }
};
} // namespace

void TritiumDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "tritium/Dialect/Tritium/IR/TritiumOps.cpp.inc"
      >();
  addInterfaces<TritiumInlinerInterface>();
}

/// The integer attribute `name` of `op`'s kernel (its tt.func, or `op`
/// itself outside one), or 1 without it.
static int kernelAttrOrOne(Operation *op, StringRef name) {
  Operation *kernel = op->getParentOfType<triton::FuncOp>();
  if (!kernel)
    kernel = op;
  auto value = kernel->getAttrOfType<IntegerAttr>(name);
  return value ? static_cast<int>(value.getInt()) : 1;
}

int TritiumDialect::getClusterSize(Operation *op) {
  return kernelAttrOrOne(op, kClusterSizeAttrName);
}

int TritiumDialect::getClusterSumBuffers(Operation *op) {
  return kernelAttrOrOne(op, kClusterSumBuffersAttrName);
}

bool TritiumDialect::needsCooperativeLaunch(Operation *root) {
  return root->walk([](GridBarrierOp) { return WalkResult::interrupt(); })
      .wasInterrupted();
}

LogicalResult
TritiumDialect::verifyOperationAttribute(Operation *op,
                                         NamedAttribute attribute) {
  if (attribute.getName() == kSparseStoreAttrName) {
    if (!isa<triton::StoreOp>(op))
      return op->emitError()
             << kSparseStoreAttrName << " belongs on a tt.store";
    if (!isa<UnitAttr>(attribute.getValue()))
      return op->emitError() << kSparseStoreAttrName << " is a unit attribute";
    return success();
  }
  if (attribute.getName() == kL2PrefetchAttrName) {
    if (!isa<triton::LoadOp>(op))
      return op->emitError() << kL2PrefetchAttrName << " belongs on a tt.load";
    auto bytes = dyn_cast<IntegerAttr>(attribute.getValue());
    if (!bytes || !bytes.getType().isInteger(32) ||
        !llvm::is_contained({64, 128, 256}, bytes.getInt()))
      return op->emitError()
             << kL2PrefetchAttrName << " must be an i32 of 64, 128 or 256";
    return success();
  }
  if (attribute.getName() == kClusterSumBuffersAttrName) {
    if (!isa<triton::FuncOp>(op))
      return op->emitError()
             << kClusterSumBuffersAttrName << " belongs on a tt.func";
    auto buffers = dyn_cast<IntegerAttr>(attribute.getValue());
    if (!buffers || !buffers.getType().isInteger(32) ||
        (buffers.getInt() != 1 && buffers.getInt() != 2))
      return op->emitError()
             << kClusterSumBuffersAttrName << " must be an i32, 1 or 2";
    return success();
  }
  if (attribute.getName() != kClusterSizeAttrName)
    return op->emitError("unknown attribute ") << attribute.getName();
  if (!isa<triton::FuncOp>(op))
    return op->emitError() << kClusterSizeAttrName << " belongs on a tt.func";
  auto size = dyn_cast<IntegerAttr>(attribute.getValue());
  if (!size || !size.getType().isInteger(32) || size.getInt() < 1 ||
      size.getInt() > kMaxClusterSize)
    return op->emitError() << kClusterSizeAttrName
                           << " must be an i32 from 1 to " << kMaxClusterSize
                           << " (the portable cluster sizes)";
  return success();
}

/// The first scf.if or scf.while around `op` inside its function: control
/// flow whose outcome may differ between programs. (scf.for with uniform
/// bounds is the caller's promise, as for a barrier.)
static Operation *divergentParent(Operation *op) {
  for (Operation *parent = op->getParentOp(); parent;
       parent = parent->getParentOp()) {
    if (isa<triton::FuncOp>(parent))
      return nullptr;
    if (isa<scf::IfOp, scf::WhileOp>(parent))
      return parent;
  }
  return nullptr;
}

LogicalResult ClusterSumOp::verify() {
  Type element = getSrc().getType().getElementType();
  if (!element.isInteger(32) && !element.isF32())
    return emitOpError("sums i32 or f32 elements, not ") << element;
  // Every program of the cluster must reach the op (its cluster barriers
  // wait for all of them).
  if (Operation *parent = divergentParent(*this))
    return emitOpError("must be reached by every program of the cluster: "
                       "not inside ")
           << parent->getName();
  return success();
}

LogicalResult GridBarrierOp::verify() {
  auto pointer = cast<triton::PointerType>(getCounter().getType());
  if (!pointer.getPointeeType().isInteger(32))
    return emitOpError("counts arrivals in an i32, not ")
           << pointer.getPointeeType();
  if (pointer.getAddressSpace() != 1)
    return emitOpError("needs its counter in global memory (address space "
                       "1), not address space ")
           << pointer.getAddressSpace();
  if (bool(getArrivals()) != bool(getLeader()))
    return emitOpError("takes both a group's arrivals and its leader, or "
                       "neither (the whole grid)");
  // Every program must reach it, or the others wait forever.
  if (Operation *parent = divergentParent(*this))
    return emitOpError("must be reached by every program of the grid: not "
                       "inside ")
           << parent->getName();
  return success();
}

LogicalResult WeightedHistogramOp::verify() {
  auto src = cast<RankedTensorType>(getSrc().getType());
  auto weights = cast<RankedTensorType>(getWeights().getType());
  auto result = cast<RankedTensorType>(getResult().getType());
  if (src.getRank() != 1 || result.getRank() != 1)
    return emitOpError("takes and produces 1-D tensors");
  if (!src.getElementType().isInteger())
    return emitOpError("bins (src) are integers, not ") << src.getElementType();
  Type count = result.getElementType();
  if (!count.isInteger(32) && !count.isInteger(64))
    return emitOpError("sums into i32 or i64 bins, not ") << count;
  if (weights.getShape() != src.getShape() || weights.getElementType() != count)
    return emitOpError("weights must have the source's shape and the "
                       "result's element type, got ")
           << weights;
  if (getMask()) {
    auto mask = cast<RankedTensorType>(getMask().getType());
    if (mask.getShape() != src.getShape() ||
        !mask.getElementType().isInteger(1))
      return emitOpError("mask must be i1 of the source's shape, got ") << mask;
  }
  return success();
}

/// An optional `mask` is i1 of `like`'s shape and layout (`whose` names
/// `like` in the message).
static LogicalResult verifyMaskLike(Operation *op, Value mask,
                                    RankedTensorType like, StringRef whose) {
  if (!mask)
    return success();
  auto type = cast<RankedTensorType>(mask.getType());
  if (type.getShape() != like.getShape() ||
      !type.getElementType().isInteger(1) ||
      type.getEncoding() != like.getEncoding())
    return op->emitOpError("mask must be i1 of the ")
           << whose << " shape and layout, got " << type;
  return success();
}

LogicalResult LocalHistogramAddOp::verify() {
  auto src = cast<RankedTensorType>(getSrc().getType());
  if (src.getRank() != 1 || !src.getElementType().isInteger())
    return emitOpError("counts a 1-D tensor of integers, not ") << src;
  return verifyMaskLike(*this, getMask(), src, "source's");
}

LogicalResult AsyncCopyOp::verify() {
  auto ptr = cast<RankedTensorType>(getPtr().getType());
  if (!isa<triton::PointerType>(ptr.getElementType()))
    return emitOpError("copies through a tensor of pointers, not ") << ptr;
  return verifyMaskLike(*this, getMask(), ptr, "pointers'");
}

LogicalResult LocalHistogramReadOp::verify() {
  auto result = cast<RankedTensorType>(getResult().getType());
  Type count = result.getElementType();
  if (result.getRank() != 1 || !(count.isInteger(32) || count.isInteger(64)))
    return emitOpError("returns a 1-D tensor of i32 or i64 counts, not ")
           << result;
  return success();
}
