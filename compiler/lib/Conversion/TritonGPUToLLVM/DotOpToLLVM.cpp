//===- DotOpToLLVM.cpp - tt.dot ---------------------------------------===//
//
// Being written: tt.dot have no lowering yet, so kernels using them fail
// to convert with "failed to legalize operation".
//
//===----------------------------------------------------------------------===//

#include "Utility.h"

using namespace mlir;
using namespace mlir::triton;

void mlir::triton::populateDotOpToLLVMPatterns(TritiumTypeConverter &converter,
                                RewritePatternSet &patterns,
                                LoweringContext &state) {}
