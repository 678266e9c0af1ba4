//===- Ops.cpp - `tt` operations: verifiers and custom forms -------------===//
//
// Verifiers report malformed ops at the op's own location with a message that
// names the operand and the expected shape or type.
//
//===----------------------------------------------------------------------===//

#include "tritium/Dialect/Triton/IR/Dialect.h"

#include "mlir/Interfaces/FunctionImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallBitVector.h"

using namespace mlir;
using namespace mlir::triton;

#include "tritium/Dialect/Triton/IR/TritonEnums.cpp.inc"

#define GET_OP_CLASSES
#include "tritium/Dialect/Triton/IR/TritonOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Shared checks
//===----------------------------------------------------------------------===//

LogicalResult mlir::triton::OpTrait::verifyTensorSize(Operation *op) {
  auto check = [&](Type type) -> LogicalResult {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor)
      return success();
    if (!tensor.hasStaticShape())
      return op->emitOpError() << "tensors must have a static shape, got "
                               << type;
    int64_t numElements = tensor.getNumElements();
    if (numElements > kMaxTensorNumElements)
      return op->emitOpError()
             << "tensor of " << numElements << " elements exceeds the limit of "
             << kMaxTensorNumElements << ": " << type;
    if (!llvm::isPowerOf2_64(numElements))
      return op->emitOpError()
             << "tensor must have a power-of-two number of elements, got "
             << numElements << ": " << type;
    return success();
  };
  for (Type type : op->getOperandTypes())
    if (failed(check(type)))
      return failure();
  for (Type type : op->getResultTypes())
    if (failed(check(type)))
      return failure();
  return success();
}

static ArrayRef<int64_t> shapeOf(Type type) {
  if (auto tensor = dyn_cast<RankedTensorType>(type))
    return tensor.getShape();
  return {};
}

static std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s = "[";
  llvm::raw_string_ostream os(s);
  llvm::interleave(shape, os, ", ");
  os << "]";
  return s;
}

//===----------------------------------------------------------------------===//
// Casts
//===----------------------------------------------------------------------===//

static unsigned scalarBitWidth(Type type) {
  type = getElementTypeOrSelf(type);
  if (isa<PointerType>(type))
    return 64;
  return type.getIntOrFloatBitWidth();
}

LogicalResult BitcastOp::verify() {
  if (scalarBitWidth(getSrc().getType()) !=
      scalarBitWidth(getResult().getType()))
    return emitOpError() << "cannot bitcast " << getSrc().getType() << " to "
                         << getResult().getType()
                         << ": the element widths differ";
  return success();
}

LogicalResult FpToFpOp::verify() {
  unsigned srcWidth = scalarBitWidth(getSrc().getType());
  unsigned dstWidth = scalarBitWidth(getResult().getType());
  if (dstWidth < srcWidth && !getRounding())
    return emitOpError() << "a narrowing conversion from "
                         << getSrc().getType() << " to "
                         << getResult().getType()
                         << " needs a rounding mode (rtne or rtz)";
  return success();
}

//===----------------------------------------------------------------------===//
// Pointers
//===----------------------------------------------------------------------===//

static RankedTensorType blockType(Type blockPointerType) {
  return cast<RankedTensorType>(
      cast<PointerType>(blockPointerType).getPointeeType());
}

LogicalResult AdvanceOp::verify() {
  int64_t rank = blockType(getPtr().getType()).getRank();
  if (static_cast<int64_t>(getOffsets().size()) != rank)
    return emitOpError() << "expects one offset per block dimension (" << rank
                         << "), got " << getOffsets().size();
  return success();
}

LogicalResult MakeTensorPtrOp::verify() {
  int64_t rank = blockType(getResult().getType()).getRank();
  if (static_cast<int64_t>(getShape().size()) != rank)
    return emitOpError() << "expects " << rank
                         << " shape, stride and offset values for a rank-"
                         << rank << " block, got " << getShape().size();
  ArrayRef<int32_t> order = getOrder();
  if (static_cast<int64_t>(order.size()) != rank)
    return emitOpError() << "order must list " << rank << " dimensions, got "
                         << order.size();
  llvm::SmallBitVector seen(rank);
  for (int32_t d : order) {
    if (d < 0 || d >= rank || seen.test(d))
      return emitOpError() << "order must be a permutation of 0.." << rank - 1;
    seen.set(d);
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Loads and stores
//===----------------------------------------------------------------------===//

/// Block pointers take boundaryCheck (dimension indices) and padding; plain
/// pointers take a mask instead.
static LogicalResult verifyAccess(Operation *op, Type ptrType, Value mask,
                                  ArrayRef<int32_t> boundaryCheck,
                                  bool hasPadding) {
  auto ptr = dyn_cast<PointerType>(ptrType);
  bool isBlock = ptr && isa<RankedTensorType>(ptr.getPointeeType());
  if (isBlock) {
    if (mask)
      return op->emitOpError()
             << "a block pointer access takes boundaryCheck, not a mask";
    int64_t rank = blockType(ptrType).getRank();
    for (int32_t d : boundaryCheck)
      if (d < 0 || d >= rank)
        return op->emitOpError() << "boundaryCheck dimension " << d
                                 << " is out of range for a rank-" << rank
                                 << " block";
    return success();
  }
  if (!boundaryCheck.empty() || hasPadding)
    return op->emitOpError()
           << "boundaryCheck and padding apply only to block pointers";
  return success();
}

LogicalResult LoadOp::verify() {
  if (getOther() && !getMask())
    return emitOpError() << "'other' needs a mask";
  return verifyAccess(*this, getPtr().getType(), getMask(), getBoundaryCheck(),
                      getPadding().has_value());
}

void LoadOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  effects.emplace_back(MemoryEffects::Read::get(), &getPtrMutable(),
                       GlobalMemory::get());
  // A volatile load must neither be removed nor merged with another.
  if (getIsVolatile())
    effects.emplace_back(MemoryEffects::Write::get(), GlobalMemory::get());
}

LogicalResult StoreOp::verify() {
  return verifyAccess(*this, getPtr().getType(), getMask(), getBoundaryCheck(),
                      /*hasPadding=*/false);
}

//===----------------------------------------------------------------------===//
// Shape manipulation
//===----------------------------------------------------------------------===//

LogicalResult SplatOp::verify() {
  if (isa<RankedTensorType>(getSrc().getType()))
    return emitOpError() << "splats a scalar, got " << getSrc().getType();
  return success();
}

LogicalResult UnsplatOp::verify() {
  if (cast<RankedTensorType>(getSrc().getType()).getNumElements() != 1)
    return emitOpError() << "needs a tensor of one element, got "
                         << getSrc().getType();
  if (isa<RankedTensorType>(getResult().getType()))
    return emitOpError() << "produces a scalar";
  return success();
}

LogicalResult ExpandDimsOp::verify() {
  auto src = cast<RankedTensorType>(getSrc().getType());
  auto result = cast<RankedTensorType>(getResult().getType());
  int64_t axis = getAxis();
  if (axis < 0 || axis > src.getRank())
    return emitOpError() << "axis " << axis << " is out of range for a rank-"
                         << src.getRank() << " tensor";
  SmallVector<int64_t> expected(src.getShape());
  expected.insert(expected.begin() + axis, 1);
  if (result.getShape() != ArrayRef<int64_t>(expected))
    return emitOpError() << "result shape must be " << shapeString(expected)
                         << ", got " << shapeString(result.getShape());
  return success();
}

LogicalResult ReshapeOp::verify() {
  auto src = cast<RankedTensorType>(getSrc().getType());
  auto result = cast<RankedTensorType>(getResult().getType());
  if (src.getNumElements() != result.getNumElements())
    return emitOpError() << "cannot reshape " << src.getNumElements()
                         << " elements into " << result.getNumElements();
  return success();
}

LogicalResult BroadcastOp::verify() {
  auto src = cast<RankedTensorType>(getSrc().getType());
  auto result = cast<RankedTensorType>(getResult().getType());
  if (src.getRank() != result.getRank())
    return emitOpError() << "source and result ranks differ (" << src.getRank()
                         << " vs " << result.getRank() << ")";
  for (auto [i, from, to] :
       llvm::enumerate(src.getShape(), result.getShape())) {
    if (from != to && from != 1)
      return emitOpError() << "dimension " << i << " of size " << from
                           << " cannot broadcast to " << to
                           << " (only size-1 dimensions stretch)";
  }
  return success();
}

LogicalResult CatOp::verify() {
  auto lhs = cast<RankedTensorType>(getLhs().getType());
  auto result = cast<RankedTensorType>(getResult().getType());
  if (result.getNumElements() != 2 * lhs.getNumElements())
    return emitOpError() << "result must hold both operands' "
                         << 2 * lhs.getNumElements() << " elements, got "
                         << result.getNumElements();
  return success();
}

LogicalResult JoinOp::verify() {
  auto lhs = cast<RankedTensorType>(getLhs().getType());
  SmallVector<int64_t> expected(lhs.getShape());
  expected.push_back(2);
  ArrayRef<int64_t> got = shapeOf(getResult().getType());
  if (got != ArrayRef<int64_t>(expected))
    return emitOpError() << "result shape must be " << shapeString(expected)
                         << ", got " << shapeString(got);
  return success();
}

LogicalResult SplitOp::verify() {
  auto src = cast<RankedTensorType>(getSrc().getType());
  if (src.getRank() < 1 || src.getShape().back() != 2)
    return emitOpError() << "source's last dimension must have size 2, got "
                         << src;
  ArrayRef<int64_t> expected = src.getShape().drop_back();
  ArrayRef<int64_t> got = shapeOf(getOutLHS().getType());
  if (got != expected)
    return emitOpError() << "result shape must be " << shapeString(expected)
                         << ", got " << shapeString(got);
  return success();
}

LogicalResult TransOp::verify() {
  auto src = cast<RankedTensorType>(getSrc().getType());
  ArrayRef<int32_t> order = getOrder();
  int64_t rank = src.getRank();
  if (static_cast<int64_t>(order.size()) != rank)
    return emitOpError() << "order must list " << rank << " dimensions, got "
                         << order.size();
  llvm::SmallBitVector seen(rank);
  SmallVector<int64_t> expected;
  for (int32_t d : order) {
    if (d < 0 || d >= rank || seen.test(d))
      return emitOpError() << "order must be a permutation of 0.." << rank - 1;
    seen.set(d);
    expected.push_back(src.getDimSize(d));
  }
  ArrayRef<int64_t> got = shapeOf(getResult().getType());
  if (got != ArrayRef<int64_t>(expected))
    return emitOpError() << "result shape must be " << shapeString(expected)
                         << ", got " << shapeString(got);
  return success();
}

LogicalResult GatherOp::verify() {
  auto src = cast<RankedTensorType>(getSrc().getType());
  auto indices = cast<RankedTensorType>(getIndices().getType());
  auto result = cast<RankedTensorType>(getResult().getType());
  int64_t axis = getAxis();
  if (src.getRank() != indices.getRank())
    return emitOpError() << "source and indices must have the same rank";
  if (axis < 0 || axis >= src.getRank())
    return emitOpError() << "axis " << axis << " is out of range for a rank-"
                         << src.getRank() << " tensor";
  if (result.getShape() != indices.getShape())
    return emitOpError() << "result shape must equal the indices' shape "
                         << shapeString(indices.getShape());
  if (result.getElementType() != src.getElementType())
    return emitOpError() << "result element type must be the source's, "
                         << src.getElementType();
  for (int64_t d = 0; d < src.getRank(); ++d)
    if (d != axis && indices.getDimSize(d) > src.getDimSize(d))
      return emitOpError() << "indices dimension " << d << " ("
                           << indices.getDimSize(d)
                           << ") exceeds the source's (" << src.getDimSize(d)
                           << ")";
  return success();
}

LogicalResult MakeRangeOp::verify() {
  int64_t start = getStartAttr().getInt();
  int64_t end = getEndAttr().getInt();
  auto result = cast<RankedTensorType>(getResult().getType());
  if (start >= end)
    return emitOpError() << "start (" << start << ") must be less than end ("
                         << end << ")";
  if (result.getRank() != 1)
    return emitOpError() << "produces a 1-D tensor, got " << result;
  if (result.getDimSize(0) != end - start)
    return emitOpError() << "result has " << result.getDimSize(0)
                         << " elements, but the range [" << start << ", "
                         << end << ") has " << end - start;
  return success();
}

//===----------------------------------------------------------------------===//
// Dot, reduce, scan, histogram
//===----------------------------------------------------------------------===//

LogicalResult DotOp::verify() {
  auto a = cast<RankedTensorType>(getA().getType());
  auto b = cast<RankedTensorType>(getB().getType());
  auto d = cast<RankedTensorType>(getD().getType());
  int64_t rank = a.getRank();
  if (rank != 2 && rank != 3)
    return emitOpError() << "operands must be 2-D, or 3-D for a batched dot";
  if (b.getRank() != rank || d.getRank() != rank)
    return emitOpError() << "a, b and the accumulator must have one rank";
  int64_t m = a.getDimSize(rank - 2), k = a.getDimSize(rank - 1);
  int64_t kb = b.getDimSize(rank - 2), n = b.getDimSize(rank - 1);
  if (k != kb)
    return emitOpError() << "a is " << shapeString(a.getShape()) << " and b is "
                         << shapeString(b.getShape())
                         << ": their K dimensions differ";
  if (d.getDimSize(rank - 2) != m || d.getDimSize(rank - 1) != n)
    return emitOpError() << "accumulator must be " << m << "x" << n << ", got "
                         << shapeString(d.getShape());
  if (rank == 3 && (a.getDimSize(0) != b.getDimSize(0) ||
                    a.getDimSize(0) != d.getDimSize(0)))
    return emitOpError() << "batch dimensions differ";
  bool aFloat = isa<FloatType>(a.getElementType());
  if (aFloat != isa<FloatType>(b.getElementType()))
    return emitOpError() << "a and b must both be floating-point or integer";
  return success();
}

/// The combining region of reduce and scan: 2·N scalar arguments whose types
/// are the element types of the N inputs (twice), ending in a terminator that
/// yields N values of those types.
static LogicalResult verifyCombineRegion(Operation *op, Region &region,
                                         ValueRange srcs) {
  Block &block = region.front();
  size_t n = srcs.size();
  if (block.getNumArguments() != 2 * n)
    return op->emitOpError() << "combine region must take " << 2 * n
                             << " arguments, got " << block.getNumArguments();
  for (size_t i = 0; i < 2 * n; ++i) {
    Type expected = getElementTypeOrSelf(srcs[i % n].getType());
    if (block.getArgument(i).getType() != expected)
      return op->emitOpError()
             << "combine region argument #" << i << " must be " << expected
             << ", got " << block.getArgument(i).getType();
  }
  Operation *terminator = block.getTerminator();
  if (terminator->getNumOperands() != n)
    return terminator->emitOpError() << "must yield " << n << " values";
  for (size_t i = 0; i < n; ++i)
    if (terminator->getOperand(i).getType() !=
        getElementTypeOrSelf(srcs[i].getType()))
      return terminator->emitOpError()
             << "value #" << i << " must be "
             << getElementTypeOrSelf(srcs[i].getType());
  return success();
}

static LogicalResult verifyAxis(Operation *op, ValueRange srcs, int64_t axis) {
  if (srcs.empty())
    return op->emitOpError() << "needs at least one input";
  int64_t rank = cast<RankedTensorType>(srcs[0].getType()).getRank();
  if (axis < 0 || axis >= rank)
    return op->emitOpError() << "axis " << axis << " is out of range for a rank-"
                             << rank << " tensor";
  return success();
}

LogicalResult ReduceOp::verify() {
  if (failed(verifyAxis(*this, getSrcs(), getAxis())))
    return failure();
  if (getResult().size() != getSrcs().size())
    return emitOpError() << "must produce one result per input";
  // Shapes and element types only: the layout pass gives the result a slice
  // of the operand's layout.
  for (auto [src, result] : llvm::zip(getSrcs(), getResult())) {
    auto srcType = cast<RankedTensorType>(src.getType());
    SmallVector<int64_t> shape(srcType.getShape());
    shape.erase(shape.begin() + getAxis());
    Type resultType = result.getType();
    bool matches =
        shape.empty()
            ? resultType == srcType.getElementType()
            : (isa<RankedTensorType>(resultType) &&
               shapeOf(resultType) == ArrayRef<int64_t>(shape) &&
               getElementTypeOrSelf(resultType) == srcType.getElementType());
    if (!matches) {
      Type expected = shape.empty()
                          ? srcType.getElementType()
                          : Type(RankedTensorType::get(
                                shape, srcType.getElementType()));
      return emitOpError() << "result must be " << expected << ", got "
                           << resultType;
    }
  }
  return success();
}

LogicalResult ReduceOp::verifyRegions() {
  return verifyCombineRegion(*this, getCombineOp(), getSrcs());
}

LogicalResult ScanOp::verify() {
  if (failed(verifyAxis(*this, getSrcs(), getAxis())))
    return failure();
  if (getResult().size() != getSrcs().size())
    return emitOpError() << "must produce one result per input";
  for (auto [src, result] : llvm::zip(getSrcs(), getResult()))
    if (src.getType() != result.getType())
      return emitOpError() << "result must have its input's type "
                           << src.getType();
  return success();
}

LogicalResult ScanOp::verifyRegions() {
  return verifyCombineRegion(*this, getCombineOp(), getSrcs());
}

LogicalResult HistogramOp::verify() {
  auto src = cast<RankedTensorType>(getSrc().getType());
  auto result = cast<RankedTensorType>(getResult().getType());
  if (src.getRank() != 1 || result.getRank() != 1)
    return emitOpError() << "takes and produces 1-D tensors";
  if (getMask() && shapeOf(getMask().getType()) != src.getShape())
    return emitOpError() << "mask must have the source's shape";
  return success();
}

//===----------------------------------------------------------------------===//
// External code, debugging
//===----------------------------------------------------------------------===//

void ExternElementwiseOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  if (getPure())
    return;
  effects.emplace_back(MemoryEffects::Write::get(), GlobalMemory::get());
  effects.emplace_back(MemoryEffects::Read::get(), GlobalMemory::get());
}

void ElementwiseInlineAsmOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  if (getPure())
    return;
  effects.emplace_back(MemoryEffects::Write::get(), GlobalMemory::get());
  effects.emplace_back(MemoryEffects::Read::get(), GlobalMemory::get());
}

LogicalResult PrintOp::verify() {
  if (getIsSigned().size() != getArgs().size())
    return emitOpError() << "isSigned must have one entry per argument ("
                         << getArgs().size() << "), got "
                         << getIsSigned().size();
  return success();
}

//===----------------------------------------------------------------------===//
// Functions
//===----------------------------------------------------------------------===//

void FuncOp::build(OpBuilder &builder, OperationState &state, StringRef name,
                   FunctionType type) {
  state.addAttribute(SymbolTable::getSymbolAttrName(),
                     builder.getStringAttr(name));
  state.addAttribute(getFunctionTypeAttrName(state.name), TypeAttr::get(type));
  state.addRegion();
}

ParseResult FuncOp::parse(OpAsmParser &parser, OperationState &result) {
  auto buildFuncType =
      [](Builder &builder, ArrayRef<Type> argTypes, ArrayRef<Type> results,
         function_interface_impl::VariadicFlag,
         std::string &) { return builder.getFunctionType(argTypes, results); };
  return function_interface_impl::parseFunctionOp(
      parser, result, /*allowVariadic=*/false,
      getFunctionTypeAttrName(result.name), buildFuncType,
      getArgAttrsAttrName(result.name), getResAttrsAttrName(result.name));
}

void FuncOp::print(OpAsmPrinter &printer) {
  function_interface_impl::printFunctionOp(
      printer, *this, /*isVariadic=*/false, getFunctionTypeAttrName(),
      getArgAttrsAttrName(), getResAttrsAttrName());
}

LogicalResult CallOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  auto callee = symbolTable.lookupNearestSymbolFrom<FuncOp>(*this,
                                                           getCalleeAttr());
  if (!callee)
    return emitOpError() << "'" << getCallee()
                         << "' does not name a tt.func in this module";
  FunctionType type = callee.getFunctionType();
  if (type.getNumInputs() != getNumOperands())
    return emitOpError() << "passes " << getNumOperands() << " arguments to '"
                         << getCallee() << "', which takes "
                         << type.getNumInputs();
  for (unsigned i = 0; i < type.getNumInputs(); ++i)
    if (getOperand(i).getType() != type.getInput(i))
      return emitOpError() << "argument #" << i << " is "
                           << getOperand(i).getType() << ", but '"
                           << getCallee() << "' takes " << type.getInput(i);
  if (type.getNumResults() != getNumResults())
    return emitOpError() << "expects " << getNumResults()
                         << " results, but '" << getCallee() << "' returns "
                         << type.getNumResults();
  for (unsigned i = 0; i < type.getNumResults(); ++i)
    if (getResult(i).getType() != type.getResult(i))
      return emitOpError() << "result #" << i << " is "
                           << getResult(i).getType() << ", but '"
                           << getCallee() << "' returns " << type.getResult(i);
  return success();
}

LogicalResult ReturnOp::verify() {
  auto function = cast<FuncOp>((*this)->getParentOp());
  ArrayRef<Type> results = function.getFunctionType().getResults();
  if (getNumOperands() != results.size())
    return emitOpError() << "returns " << getNumOperands()
                         << " values, but the function '" << function.getName()
                         << "' returns " << results.size();
  for (unsigned i = 0; i < results.size(); ++i)
    if (getOperand(i).getType() != results[i])
      return emitOpError() << "value #" << i << " is "
                           << getOperand(i).getType()
                           << ", but the function returns " << results[i];
  return success();
}
