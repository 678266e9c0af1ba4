//===- Dialect.h - The `ttg` layout dialect ---------------------*- C++ -*-===//
//
// Layout encodings and the static half of the layout arithmetic: which
// elements a thread holds, as a thread-dependent base plus a per-register
// offset. The lowering to LLVM adds the thread-dependent half.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_DIALECT_TRITONGPU_IR_DIALECT_H
#define TRITIUM_DIALECT_TRITONGPU_IR_DIALECT_H

#include "tritium/Dialect/Triton/IR/Dialect.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"

#include "tritium/Dialect/TritonGPU/IR/TritonGPUDialect.h.inc"

#define GET_ATTRDEF_CLASSES
#include "tritium/Dialect/TritonGPU/IR/TritonGPUAttrs.h.inc"

#define GET_OP_CLASSES
#include "tritium/Dialect/TritonGPU/IR/TritonGPUOps.h.inc"

namespace mlir::triton::gpu {

constexpr unsigned kThreadsPerWarp = 32;

/// A distributed layout (blocked, or slices of a blocked layout) applied to a
/// tensor shape, described in terms of its root blocked layout:
/// the tensor's dimensions are the root's `keptDims`; the root's other
/// dimensions were sliced away and have extent 1.
///
/// Thread t holds, in register r, the element whose root coordinate along
/// dimension d is (base_t[d] + registerOffsets[r][d]) mod rootShape[d], where
/// base_t[d] = (warpCoord[d] * threadsPerWarp[d] + laneCoord[d]) *
/// sizePerThread[d] and lane/warp coordinates decompose the lane and warp ids
/// along `order`. Sliced dimensions always have coordinate 0.
struct LayoutView {
  BlockedEncodingAttr root;
  SmallVector<int64_t> rootShape;
  SmallVector<unsigned> keptDims;
  /// Static offset of each register along every root dimension, not yet
  /// reduced modulo rootShape. Registers advance along order[0] first.
  SmallVector<SmallVector<int64_t>> registerOffsets;

  unsigned getNumRegisters() const { return registerOffsets.size(); }
  unsigned getRank() const { return keptDims.size(); }
  /// The offset of register r reduced modulo the root shape: two registers
  /// with equal normalized offsets hold the same element in every thread.
  SmallVector<int64_t> normalizedOffsets(unsigned r) const;
  /// normalizedOffsets restricted to the tensor's own dimensions.
  SmallVector<int64_t> tensorOffsets(unsigned r) const;
  /// For every register, the tensor coordinates of the element it holds in
  /// thread `lane` of warp `warp`: what the lowering's emitCoordinates
  /// computes at run time, at compile time.
  SmallVector<SmallVector<int64_t>> threadCoordinates(unsigned lane,
                                                      unsigned warp) const;
  /// threadCoordinates as row-major indices into the tensor.
  SmallVector<int64_t> threadElements(unsigned lane, unsigned warp) const;
};

/// Builds the view of `layout` over `shape`; fails on encodings the lowering
/// does not know.
FailureOr<LayoutView> getLayoutView(Attribute layout, ArrayRef<int64_t> shape);

/// The number of elements each thread holds of a tensor of this type.
unsigned getNumElementsPerThread(RankedTensorType type);

/// The default blocked layout Tritium gives a tensor shape: up to
/// `maxVector` contiguous elements per thread along the last dimension,
/// lanes along the last dimensions first, warps along the first dimensions.
BlockedEncodingAttr getDefaultBlockedEncoding(MLIRContext *context,
                                              ArrayRef<int64_t> shape,
                                              unsigned numWarps,
                                              unsigned maxVector = 4);

} // namespace mlir::triton::gpu

#endif // TRITIUM_DIALECT_TRITONGPU_IR_DIALECT_H
