//===- LoopIterations.h - Values of a loop body at other iterations -------===//
//
// What the load pipelining passes (tritium-pipeline-loads,
// tritium-stage-loads) share: whether a load's operands can be computed for
// a later iteration, and how to compute them there.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_LIB_DIALECT_TRITONGPU_TRANSFORMS_LOOPITERATIONS_H
#define TRITIUM_LIB_DIALECT_TRITONGPU_TRANSFORMS_LOOPITERATIONS_H

#include "tritium/Dialect/Triton/IR/Dialect.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

#include <functional>

namespace mlir::triton::gpu {

/// Whether `value` (a load's result) reaches operand a or b of a tt.dot in
/// `body`, through ops of the body.
bool feedsDotOperand(Value value, Block *body, unsigned depth = 0);

/// Whether `op` or anything nested in it may write memory (ops without
/// memory effect information count as writing; tx.prefetch_l2's write
/// to the L2 hint resource does not).
bool writesMemory(Operation *op);

/// Rebuilds values of the loop body as they are at another iteration, at
/// the builder's insertion point: body ops are cloned (side-effect free ops
/// only), values from outside the loop are used as they are, and the block
/// arguments (induction variable, loop-carried values) are given by
/// `blockArgValue`.
class IterationCloner {
public:
  IterationCloner(scf::ForOp loop, OpBuilder &builder,
                  std::function<Value(BlockArgument)> blockArgValue)
      : loop(loop), builder(builder), blockArgValue(std::move(blockArgValue)) {}

  Value get(Value value);

private:
  scf::ForOp loop;
  OpBuilder &builder;
  std::function<Value(BlockArgument)> blockArgValue;
  IRMapping mapping;
};

/// Whether `value` of `loop`'s body can be computed for a later iteration
/// ahead of it: from pure ops of the body (no memory effects and safe to
/// run where the iteration does not exist: no division that could trap or
/// be undefined past the loop's end; not nested), the
/// induction variable, values defined outside the loop, and loop-carried
/// values whose next value is itself computable that way (pointers advanced
/// by a constant, say). `visiting` breaks cycles through loop-carried
/// values.
bool computableEarly(scf::ForOp loop, Value value, DenseSet<Value> &visiting,
                     unsigned depth = 0);

/// `mask` (or all-true where null) and `condition`, as an i1 tensor of
/// `pointerType`'s shape and layout.
Value andCondition(OpBuilder &builder, Location loc, Value mask,
                   Value condition, RankedTensorType pointerType);

/// lhs < rhs in the loop's signedness.
Value lessThan(OpBuilder &builder, Location loc, scf::ForOp loop, Value lhs,
               Value rhs);

/// Whether `load`'s masked-off elements are zeros (no `other`, or a zero
/// constant).
bool fillsZeros(LoadOp load);

} // namespace mlir::triton::gpu

#endif // TRITIUM_LIB_DIALECT_TRITONGPU_TRANSFORMS_LOOPITERATIONS_H
