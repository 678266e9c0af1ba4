//===- LoopIterations.cpp - Values of a loop body at other iterations -----===//

#include "LoopIterations.h"

#include "tritium/Dialect/Tritium/IR/Dialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;
using namespace mlir::triton;

namespace mlir::triton::gpu {

bool feedsDotOperand(Value value, Block *body, unsigned depth) {
  if (depth > 8)
    return false;
  for (OpOperand &use : value.getUses()) {
    Operation *user = use.getOwner();
    if (user->getBlock() != body)
      continue;
    if (auto dot = dyn_cast<DotOp>(user)) {
      if (use.getOperandNumber() < 2)
        return true;
      continue;
    }
    if (isa<scf::YieldOp>(user) || user->getNumRegions() != 0)
      continue;
    for (Value result : user->getResults())
      if (feedsDotOperand(result, body, depth + 1))
        return true;
  }
  return false;
}

bool writesMemory(Operation *op) {
  bool writes = false;
  op->walk([&](Operation *nested) {
    auto effects = dyn_cast<MemoryEffectOpInterface>(nested);
    if (!effects) {
      // Unknown ops (calls, say) may write; region holders are walked.
      if (nested->getNumRegions() == 0 && !isa<scf::YieldOp>(nested) &&
          !nested->hasTrait<mlir::OpTrait::IsTerminator>())
        writes = true;
      return;
    }
    SmallVector<MemoryEffects::EffectInstance> instances;
    effects.getEffects(instances);
    for (const MemoryEffects::EffectInstance &instance : instances)
      if (isa<MemoryEffects::Write>(instance.getEffect()) &&
          !isa<tx::L2HintResource>(instance.getResource()))
        writes = true;
  });
  return writes;
}

Value IterationCloner::get(Value value) {
  if (Value known = mapping.lookupOrNull(value))
    return known;
  if (loop.isDefinedOutsideOfLoop(value))
    return value;
  Value result;
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    result = blockArgValue(arg);
  } else {
    Operation *op = value.getDefiningOp();
    IRMapping operands;
    for (Value operand : op->getOperands())
      operands.map(operand, get(operand));
    Operation *clone = builder.clone(*op, operands);
    for (auto [old, cloned] :
         llvm::zip(op->getResults(), clone->getResults()))
      mapping.map(old, cloned);
    result = mapping.lookup(value);
  }
  mapping.map(value, result);
  return result;
}

bool computableEarly(scf::ForOp loop, Value value, DenseSet<Value> &visiting,
                     unsigned depth) {
  if (depth > 64)
    return false;
  if (loop.isDefinedOutsideOfLoop(value))
    return true;
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    if (arg.getOwner() != loop.getBody())
      return false;
    if (arg == loop.getInductionVar())
      return true;
    // A loop-carried value: its next value is what the body yields.
    if (!visiting.insert(value).second)
      return true;
    unsigned index = arg.getArgNumber() - loop.getNumInductionVars();
    Value yielded = loop.getBody()->getTerminator()->getOperand(index);
    return computableEarly(loop, yielded, visiting, depth + 1);
  }
  Operation *op = value.getDefiningOp();
  if (op->getBlock() != loop.getBody() || op->getNumRegions() != 0 ||
      !isPure(op))
    return false;
  return llvm::all_of(op->getOperands(), [&](Value operand) {
    return computableEarly(loop, operand, visiting, depth + 1);
  });
}

Value andCondition(OpBuilder &builder, Location loc, Value mask,
                   Value condition, RankedTensorType pointerType) {
  auto maskType = RankedTensorType::get(
      pointerType.getShape(), builder.getI1Type(), pointerType.getEncoding());
  Value splat = SplatOp::create(builder, loc, maskType, condition);
  if (!mask)
    return splat;
  return arith::AndIOp::create(builder, loc, mask, splat);
}


Value lessThan(OpBuilder &builder, Location loc, scf::ForOp loop, Value lhs,
               Value rhs) {
  return arith::CmpIOp::create(builder, loc,
                               loop.getUnsignedCmp()
                                   ? arith::CmpIPredicate::ult
                                   : arith::CmpIPredicate::slt,
                               lhs, rhs);
}


bool fillsZeros(LoadOp load) {
  Value other = load.getOther();
  if (!other)
    return true;
  if (auto splat = other.getDefiningOp<SplatOp>())
    other = splat.getSrc();
  Attribute value;
  if (!matchPattern(other, m_Constant(&value)))
    return false;
  if (auto dense = dyn_cast<SplatElementsAttr>(value))
    value = dense.getSplatValue<Attribute>();
  if (auto f = dyn_cast<FloatAttr>(value))
    return f.getValue().isPosZero();
  if (auto i = dyn_cast<IntegerAttr>(value))
    return i.getValue().isZero();
  return false;
}

} // namespace mlir::triton::gpu
