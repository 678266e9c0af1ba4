//===- AtomicOpToLLVM.cpp - tt.atomic_rmw, tt.atomic_cas, tt.histogram ---===//
//
// Being written: tt.atomic_rmw, tt.atomic_cas, tt.histogram have no lowering yet, so kernels using them fail
// to convert with "failed to legalize operation".
//
//===----------------------------------------------------------------------===//

#include "Utility.h"

using namespace mlir;
using namespace mlir::triton;

void mlir::triton::populateAtomicOpToLLVMPatterns(TritiumTypeConverter &converter,
                                RewritePatternSet &patterns,
                                LoweringContext &state) {}
