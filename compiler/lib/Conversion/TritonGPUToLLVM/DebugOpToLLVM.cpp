//===- DebugOpToLLVM.cpp - tt.print, tt.assert ------------------------===//
//
// Being written: tt.print, tt.assert have no lowering yet, so kernels using them fail
// to convert with "failed to legalize operation".
//
//===----------------------------------------------------------------------===//

#include "Utility.h"

using namespace mlir;
using namespace mlir::triton;

void mlir::triton::populateDebugOpToLLVMPatterns(TritiumTypeConverter &converter,
                                RewritePatternSet &patterns,
                                LoweringContext &state) {}
