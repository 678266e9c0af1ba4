//===- Dialect.cpp - The `ttg` layout dialect -----------------------------===//

#include "tritium/Dialect/TritonGPU/IR/Dialect.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::triton::gpu;

#include "tritium/Dialect/TritonGPU/IR/TritonGPUDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "tritium/Dialect/TritonGPU/IR/TritonGPUAttrs.cpp.inc"

#define GET_OP_CLASSES
#include "tritium/Dialect/TritonGPU/IR/TritonGPUOps.cpp.inc"

void TritonGPUDialect::initialize() {
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "tritium/Dialect/TritonGPU/IR/TritonGPUOps.cpp.inc"
      >();
}

void TritonGPUDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "tritium/Dialect/TritonGPU/IR/TritonGPUAttrs.cpp.inc"
      >();
}

int TritonGPUDialect::getNumWarps(ModuleOp module) {
  if (auto attr = module->getAttrOfType<IntegerAttr>(kNumWarpsAttrName))
    return attr.getInt();
  return 4;
}

//===----------------------------------------------------------------------===//
// Encodings
//===----------------------------------------------------------------------===//

LogicalResult BlockedEncodingAttr::verify(
    function_ref<InFlightDiagnostic()> emitError,
    ArrayRef<unsigned> sizePerThread, ArrayRef<unsigned> threadsPerWarp,
    ArrayRef<unsigned> warpsPerCTA, ArrayRef<unsigned> order) {
  size_t rank = sizePerThread.size();
  if (rank == 0 || threadsPerWarp.size() != rank ||
      warpsPerCTA.size() != rank || order.size() != rank)
    return emitError() << "blocked layout: all four lists need one entry per "
                          "dimension";
  unsigned lanes = 1;
  for (unsigned t : threadsPerWarp)
    lanes *= t;
  if (lanes != kThreadsPerWarp)
    return emitError() << "blocked layout: threadsPerWarp must multiply to "
                       << kThreadsPerWarp << ", got " << lanes;
  SmallVector<bool> seen(rank, false);
  for (unsigned d : order) {
    if (d >= rank || seen[d])
      return emitError() << "blocked layout: order must be a permutation";
    seen[d] = true;
  }
  for (size_t d = 0; d < rank; ++d)
    if (!llvm::isPowerOf2_32(sizePerThread[d]) ||
        !llvm::isPowerOf2_32(threadsPerWarp[d]) ||
        !llvm::isPowerOf2_32(warpsPerCTA[d]))
      return emitError() << "blocked layout: sizes must be powers of two";
  return success();
}

LogicalResult
SliceEncodingAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                          unsigned dim, Attribute parent) {
  if (!isa<BlockedEncodingAttr, SliceEncodingAttr>(parent))
    return emitError() << "slice layout: the parent must be a blocked or "
                          "slice layout";
  return success();
}

OpFoldResult ConvertLayoutOp::fold(FoldAdaptor) {
  if (getSrc().getType() == getResult().getType())
    return getSrc();
  // convert(convert(x)) == convert(x)
  if (auto inner = getSrc().getDefiningOp<ConvertLayoutOp>()) {
    if (inner.getSrc().getType() == getResult().getType())
      return inner.getSrc();
    getSrcMutable().assign(inner.getSrc());
    return getResult();
  }
  return {};
}

//===----------------------------------------------------------------------===//
// Layout arithmetic
//===----------------------------------------------------------------------===//

SmallVector<int64_t> LayoutView::normalizedOffsets(unsigned r) const {
  SmallVector<int64_t> result(registerOffsets[r]);
  for (auto [d, value] : llvm::enumerate(result))
    value %= rootShape[d];
  return result;
}

SmallVector<int64_t> LayoutView::tensorOffsets(unsigned r) const {
  SmallVector<int64_t> all = normalizedOffsets(r);
  SmallVector<int64_t> result;
  for (unsigned d : keptDims)
    result.push_back(all[d]);
  return result;
}

SmallVector<SmallVector<int64_t>>
LayoutView::threadCoordinates(unsigned lane, unsigned warp) const {
  // Mirrors the lowering's emitCoordinates step by step; the two must agree.
  ArrayRef<unsigned> spt = root.getSizePerThread();
  ArrayRef<unsigned> tpw = root.getThreadsPerWarp();
  ArrayRef<unsigned> wpc = root.getWarpsPerCTA();
  unsigned rank = spt.size();
  SmallVector<int64_t> base(rank);
  SmallVector<bool> wraps(rank);
  for (unsigned d : root.getOrder()) {
    int64_t laneCoord = lane % tpw[d], warpCoord = warp % wpc[d];
    lane /= tpw[d];
    warp /= wpc[d];
    base[d] = (warpCoord * tpw[d] + laneCoord) * spt[d];
    wraps[d] = int64_t(spt[d]) * tpw[d] * wpc[d] > rootShape[d];
  }
  SmallVector<SmallVector<int64_t>> result;
  for (unsigned r = 0; r < getNumRegisters(); ++r) {
    SmallVector<int64_t> coords;
    for (unsigned d : keptDims) {
      int64_t c = base[d] + registerOffsets[r][d];
      if (wraps[d])
        c &= rootShape[d] - 1;
      coords.push_back(c);
    }
    result.push_back(std::move(coords));
  }
  return result;
}

SmallVector<int64_t> LayoutView::threadElements(unsigned lane,
                                                unsigned warp) const {
  SmallVector<int64_t> result;
  for (ArrayRef<int64_t> coords : threadCoordinates(lane, warp)) {
    int64_t index = 0;
    for (auto [c, d] : llvm::zip_equal(coords, keptDims))
      index = index * rootShape[d] + c;
    result.push_back(index);
  }
  return result;
}

FailureOr<LayoutView> mlir::triton::gpu::getLayoutView(Attribute layout,
                                                       ArrayRef<int64_t> shape) {
  // Walk down to the root blocked layout, recording which root dimensions
  // the slices removed.
  SmallVector<unsigned> slicedDims; // each in its parent's numbering, outermost first
  Attribute current = layout;
  while (auto slice = dyn_cast_or_null<SliceEncodingAttr>(current)) {
    slicedDims.push_back(slice.getDim());
    current = slice.getParent();
  }
  auto root = dyn_cast_or_null<BlockedEncodingAttr>(current);
  if (!root)
    return failure();
  unsigned rank = root.getSizePerThread().size();
  if (shape.size() + slicedDims.size() != rank)
    return failure();

  // Rebuild the root shape: re-insert the sliced dimensions (extent 1), the
  // outermost slice first, since each slice numbers dimensions in its parent.
  LayoutView view;
  view.root = root;
  SmallVector<int64_t> rootShape(shape);
  SmallVector<bool> isSliced(shape.size(), false);
  for (unsigned dim : slicedDims) {
    rootShape.insert(rootShape.begin() + dim, 1);
    isSliced.insert(isSliced.begin() + dim, true);
  }
  view.rootShape = rootShape;
  for (unsigned d = 0; d < rank; ++d)
    if (!isSliced[d])
      view.keptDims.push_back(d);

  ArrayRef<unsigned> spt = root.getSizePerThread();
  ArrayRef<unsigned> tpw = root.getThreadsPerWarp();
  ArrayRef<unsigned> wpc = root.getWarpsPerCTA();
  ArrayRef<unsigned> order = root.getOrder();
  SmallVector<int64_t> tile(rank), extent(rank);
  for (unsigned d = 0; d < rank; ++d) {
    tile[d] = int64_t(spt[d]) * tpw[d] * wpc[d];
    int64_t reps = std::max<int64_t>(1, rootShape[d] / tile[d]);
    extent[d] = isSliced[d] ? 1 : spt[d] * reps;
  }
  // Enumerate local indices with order[0] fastest.
  int64_t count = 1;
  for (int64_t e : extent)
    count *= e;
  for (int64_t flat = 0; flat < count; ++flat) {
    SmallVector<int64_t> offsets(rank, 0);
    int64_t rest = flat;
    for (unsigned d : order) {
      int64_t local = rest % extent[d];
      rest /= extent[d];
      offsets[d] = (local / spt[d]) * tile[d] + local % spt[d];
    }
    view.registerOffsets.push_back(std::move(offsets));
  }
  return view;
}

unsigned mlir::triton::gpu::getNumElementsPerThread(RankedTensorType type) {
  FailureOr<LayoutView> view =
      getLayoutView(type.getEncoding(), type.getShape());
  return succeeded(view) ? view->getNumRegisters() : 0;
}

BlockedEncodingAttr mlir::triton::gpu::getDefaultBlockedEncoding(
    MLIRContext *context, ArrayRef<int64_t> shape, unsigned numWarps,
    unsigned maxVector) {
  unsigned rank = shape.size();
  SmallVector<unsigned> spt(rank, 1), tpw(rank, 1), wpc(rank, 1), order(rank);
  for (unsigned i = 0; i < rank; ++i)
    order[i] = rank - 1 - i;
  int64_t numel = 1;
  for (int64_t s : shape)
    numel *= s;
  unsigned threads = kThreadsPerWarp * numWarps;
  // Vectors only while every thread still gets work.
  int64_t vector = std::max<int64_t>(1, std::min<int64_t>(maxVector, numel / threads));
  spt[rank - 1] = std::min<int64_t>(vector, shape[rank - 1]);

  // Lanes go to the fastest dimensions first, then warps to the slowest
  // dimensions first; what is left over repeats along the fastest dimension.
  unsigned lanesLeft = kThreadsPerWarp;
  SmallVector<int64_t> remaining(shape);
  remaining[rank - 1] = std::max<int64_t>(1, remaining[rank - 1] / spt[rank - 1]);
  for (unsigned d : order) {
    unsigned take = std::min<int64_t>(lanesLeft, remaining[d]);
    take = std::max(1u, take);
    tpw[d] = take;
    lanesLeft /= take;
    remaining[d] = std::max<int64_t>(1, remaining[d] / take);
  }
  tpw[order[0]] *= lanesLeft; // a small tensor: lanes replicate
  unsigned warpsLeft = numWarps;
  for (unsigned d = 0; d < rank && warpsLeft > 1; ++d) {
    unsigned take = std::min<int64_t>(warpsLeft, remaining[d]);
    take = std::max(1u, take);
    wpc[d] = take;
    warpsLeft /= take;
    remaining[d] = std::max<int64_t>(1, remaining[d] / take);
  }
  wpc[order[0]] *= warpsLeft;
  return BlockedEncodingAttr::get(context, spt, tpw, wpc, order);
}
