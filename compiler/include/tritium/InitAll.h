//===- InitAll.h - Register every dialect and pass Tritium uses -*- C++ -*-===//
//
// One place that lists what the tools, the JIT and the tests load, so they all
// accept the same IR and run the same passes.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_INITALL_H
#define TRITIUM_INITALL_H

#include "mlir/IR/DialectRegistry.h"

namespace tritium {

/// The dialects of Triton IR: `tt` with upstream arith, math, scf, cf, func,
/// gpu (barriers) and ub.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Tritium's passes and the upstream passes its pipelines use.
void registerAllPasses();

} // namespace tritium

#endif // TRITIUM_INITALL_H
