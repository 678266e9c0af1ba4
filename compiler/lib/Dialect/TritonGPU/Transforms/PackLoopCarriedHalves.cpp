//===- PackLoopCarriedHalves.cpp - 16-bit values cross branches in pairs --===//
//
// After the lowering to LLVM, a tensor carried around a loop (the tiles
// tritium-pipeline-loads loads one iteration early, say) is a block argument
// of struct type with one member per element. For f16, bf16 and i16 members,
// LLVM then carries every element in a phi of its own, and each 16-bit value
// takes a whole 32-bit register: twice the registers the data needs, enough
// to make a large matmul spill. This pass makes such block arguments structs
// of i32, two elements per member (the first in the low half), packed at
// every branch to the block and unpacked at its start; LLVM's combiner then
// removes the packing where the values came from (or go to) wider accesses.
//
//===----------------------------------------------------------------------===//

#include "tritium/Dialect/TritonGPU/Transforms/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"

namespace mlir::triton::gpu {
#define GEN_PASS_DEF_TRITIUMPACKLOOPCARRIEDHALVES
#include "tritium/Dialect/TritonGPU/Transforms/Passes.h.inc"
} // namespace mlir::triton::gpu

using namespace mlir;

namespace {

/// The 16-bit member type of a struct of an even number of them, else null.
Type halfMemberType(Type type) {
  auto structType = dyn_cast<LLVM::LLVMStructType>(type);
  if (!structType || structType.isOpaque() || structType.getBody().empty() ||
      structType.getBody().size() % 2 != 0)
    return {};
  Type member = structType.getBody().front();
  if (!(member.isF16() || member.isBF16() || member.isInteger(16)) ||
      !llvm::all_equal(structType.getBody()))
    return {};
  return member;
}

/// struct<2n x T> -> struct<n x i32>.
Value pack(OpBuilder &b, Location loc, Value value, Type member,
           Type packedType) {
  auto pairType = VectorType::get(2, member);
  unsigned n = cast<LLVM::LLVMStructType>(packedType).getBody().size();
  Value result = LLVM::UndefOp::create(b, loc, packedType);
  for (unsigned i = 0; i < n; ++i) {
    Value pair = LLVM::UndefOp::create(b, loc, pairType);
    for (unsigned j = 0; j < 2; ++j) {
      Value element = LLVM::ExtractValueOp::create(b, loc, value, 2 * i + j);
      pair = LLVM::InsertElementOp::create(
          b, loc, pair, element,
          LLVM::ConstantOp::create(b, loc, b.getI32Type(),
                                   b.getI32IntegerAttr(j)));
    }
    Value word = LLVM::BitcastOp::create(b, loc, b.getI32Type(), pair);
    result = LLVM::InsertValueOp::create(b, loc, result, word, i);
  }
  return result;
}

/// struct<n x i32> -> struct<2n x T>.
Value unpack(OpBuilder &b, Location loc, Value value, Type member,
             Type unpackedType) {
  auto pairType = VectorType::get(2, member);
  unsigned n = cast<LLVM::LLVMStructType>(value.getType()).getBody().size();
  Value result = LLVM::UndefOp::create(b, loc, unpackedType);
  for (unsigned i = 0; i < n; ++i) {
    Value word = LLVM::ExtractValueOp::create(b, loc, value, i);
    Value pair = LLVM::BitcastOp::create(b, loc, pairType, word);
    for (unsigned j = 0; j < 2; ++j) {
      Value element = LLVM::ExtractElementOp::create(
          b, loc, pair,
          LLVM::ConstantOp::create(b, loc, b.getI32Type(),
                                   b.getI32IntegerAttr(j)));
      result = LLVM::InsertValueOp::create(b, loc, result, element, 2 * i + j);
    }
  }
  return result;
}

void packBlockArguments(Block &block) {
  // Every predecessor must forward its operands through a branch interface.
  for (Block *pred : block.getPredecessors())
    if (!isa<BranchOpInterface>(pred->getTerminator()))
      return;
  OpBuilder builder(block.getParent()->getContext());
  for (BlockArgument arg : block.getArguments()) {
    Type member = halfMemberType(arg.getType());
    if (!member)
      continue;
    Type unpackedType = arg.getType();
    unsigned words =
        cast<LLVM::LLVMStructType>(unpackedType).getBody().size() / 2;
    Type packedType = LLVM::LLVMStructType::getLiteral(
        builder.getContext(), SmallVector<Type>(words, builder.getI32Type()));
    Location loc = arg.getLoc();

    SmallPtrSet<Block *, 4> seen;
    for (Block *pred : block.getPredecessors()) {
      if (!seen.insert(pred).second)
        continue;
      Operation *terminator = pred->getTerminator();
      auto branch = cast<BranchOpInterface>(terminator);
      for (unsigned s = 0; s < terminator->getNumSuccessors(); ++s) {
        if (terminator->getSuccessor(s) != &block)
          continue;
        SuccessorOperands operands = branch.getSuccessorOperands(s);
        MutableOperandRange forwarded = operands.getMutableForwardedOperands();
        unsigned index =
            arg.getArgNumber() - operands.getProducedOperandCount();
        builder.setInsertionPoint(terminator);
        Value packed = pack(builder, terminator->getLoc(),
                            forwarded[index].get(), member, packedType);
        forwarded[index].set(packed);
      }
    }

    // Every use so far (the packing above included, where the block
    // forwards the argument to itself) wants the unpacked value.
    SmallVector<OpOperand *> uses;
    for (OpOperand &use : arg.getUses())
      uses.push_back(&use);
    arg.setType(packedType);
    builder.setInsertionPointToStart(&block);
    Value unpacked = unpack(builder, loc, arg, member, unpackedType);
    for (OpOperand *use : uses)
      use->set(unpacked);
  }
}

struct PackLoopCarriedHalves
    : public mlir::triton::gpu::impl::TritiumPackLoopCarriedHalvesBase<
          PackLoopCarriedHalves> {
  void runOnOperation() override {
    getOperation().walk([](LLVM::LLVMFuncOp func) {
      for (Block &block : func.getBody())
        if (!block.isEntryBlock())
          packBlockArguments(block);
    });
  }
};

} // namespace
