//===- TestAxisInfoPass.cpp - Print AxisInfo as remarks -------------------===//
//
// tritium-test-axis-info: the lit-testable face of AxisInfoAnalysis. Every
// integer and pointer value gets a remark at the op that defines it (block
// arguments at the op owning their region), and every load and store of a
// tensor of pointers gets the vector width the lowering would use.
//
//===----------------------------------------------------------------------===//

#include "tritium/Analysis/AxisInfo.h"
#include "tritium/Analysis/Passes.h"

#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

namespace mlir::triton {
#define GEN_PASS_DEF_TESTAXISINFO
#include "tritium/Analysis/Passes.h.inc"
} // namespace mlir::triton

using namespace mlir;
using namespace mlir::triton;

namespace {

bool isReported(Type type) {
  Type element = getElementTypeOrSelf(type);
  if (auto ptr = dyn_cast<PointerType>(element))
    return !isa<RankedTensorType>(ptr.getPointeeType());
  return isa<IntegerType, IndexType>(element);
}

std::string toString(const AxisInfo &info) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << info;
  return text;
}

class TestAxisInfoPass
    : public mlir::triton::impl::TestAxisInfoBase<TestAxisInfoPass> {
public:
  void runOnOperation() override {
    AxisInfoAnalysis analysis(getOperation());
    getOperation()->walk<WalkOrder::PreOrder>([&](Operation *op) {
      reportBlockArguments(analysis, op);
      for (Value result : op->getResults())
        if (isReported(result.getType()))
          op->emitRemark() << toString(analysis.lookup(result));
      if (auto load = dyn_cast<LoadOp>(op))
        reportVectorWidth(analysis, op, load.getPtr(), load.getMask());
      else if (auto store = dyn_cast<StoreOp>(op))
        reportVectorWidth(analysis, op, store.getPtr(), store.getMask());
    });
  }

private:
  /// Arguments of the blocks of `op`'s regions, except a function's own
  /// arguments (the seeds, which the tests see through their uses).
  static void reportBlockArguments(const AxisInfoAnalysis &analysis,
                                   Operation *op) {
    bool isFunction = isa<FunctionOpInterface>(op);
    for (Region &region : op->getRegions()) {
      for (auto [blockIndex, block] : llvm::enumerate(region)) {
        if (isFunction && block.isEntryBlock())
          continue;
        for (BlockArgument arg : block.getArguments()) {
          if (!isReported(arg.getType()))
            continue;
          InFlightDiagnostic remark = op->emitRemark();
          remark << "region #" << region.getRegionNumber();
          if (blockIndex != 0)
            remark << " block #" << blockIndex;
          remark << " argument #" << arg.getArgNumber() << ": "
                 << toString(analysis.lookup(arg));
        }
      }
    }
  }

  static void reportVectorWidth(const AxisInfoAnalysis &analysis, Operation *op,
                                Value ptr, Value mask) {
    if (!isa<RankedTensorType>(ptr.getType()) || !isReported(ptr.getType()))
      return;
    op->emitRemark() << "vector width = " << analysis.getVectorWidth(ptr, mask);
    // An access contiguous along another dimension (a transposed tile): what
    // a layout ordered by getAccessOrder would get.
    unsigned rank = cast<RankedTensorType>(ptr.getType()).getRank();
    unsigned fastest = analysis.getAccessOrder(ptr).front();
    if (fastest != rank - 1)
      op->emitRemark() << "vector width along dim " << fastest << " = "
                       << analysis.getVectorWidth(ptr, mask, fastest);
  }
};

} // namespace
