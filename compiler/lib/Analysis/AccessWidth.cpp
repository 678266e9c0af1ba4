//===- AccessWidth.cpp - Vector width of a distributed memory access ------===//

#include "tritium/Analysis/AxisInfo.h"
#include "tritium/Dialect/TritonGPU/IR/Dialect.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::triton;

unsigned mlir::triton::getLayoutAccessWidth(const AxisInfoAnalysis &axisInfo,
                                            Value ptr, Value mask) {
  auto tensor = dyn_cast<RankedTensorType>(ptr.getType());
  if (!tensor)
    return 1;
  FailureOr<gpu::LayoutView> view =
      gpu::getLayoutView(tensor.getEncoding(), tensor.getShape());
  if (failed(view))
    return 1;
  unsigned fastest = view->root.getOrder()[0];
  auto it = llvm::find(view->keptDims, fastest);
  if (it == view->keptDims.end())
    return 1;
  unsigned dim = it - view->keptDims.begin();
  unsigned perThread = view->root.getSizePerThread()[fastest];
  int64_t extent = view->rootShape[fastest];
  unsigned width = axisInfo.getVectorWidth(ptr, mask, dim);
  return std::max<int64_t>(1, std::min<int64_t>({width, perThread, extent}));
}
