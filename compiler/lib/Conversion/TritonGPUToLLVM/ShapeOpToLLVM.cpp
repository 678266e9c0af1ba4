//===- ShapeOpToLLVM.cpp - tt.cat, tt.join, tt.split, tt.gather, tt.unsplat ---===//
//
// Being written: tt.cat, tt.join, tt.split, tt.gather, tt.unsplat have no lowering yet, so kernels using them fail
// to convert with "failed to legalize operation".
//
//===----------------------------------------------------------------------===//

#include "Utility.h"

using namespace mlir;
using namespace mlir::triton;

void mlir::triton::populateShapeOpToLLVMPatterns(TritiumTypeConverter &converter,
                                RewritePatternSet &patterns,
                                LoweringContext &state) {}
