//===- Types.cpp - `tt` types and type helpers ----------------------------===//

#include "tritium/Dialect/Triton/IR/Dialect.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::triton;

#define GET_TYPEDEF_CLASSES
#include "tritium/Dialect/Triton/IR/TritonTypes.cpp.inc"

void TritonDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "tritium/Dialect/Triton/IR/TritonTypes.cpp.inc"
      >();
}

/// The address space Triton leaves unprinted: global memory.
static constexpr int kGlobalAddressSpace = 1;

// !tt.ptr<T> or !tt.ptr<T, addressSpace>
Type PointerType::parse(AsmParser &parser) {
  Type pointee;
  int addressSpace = kGlobalAddressSpace;
  if (parser.parseLess() || parser.parseType(pointee))
    return {};
  if (succeeded(parser.parseOptionalComma()) &&
      parser.parseInteger(addressSpace))
    return {};
  if (parser.parseGreater())
    return {};
  return parser.getChecked<PointerType>(pointee.getContext(), pointee,
                                        addressSpace);
}

void PointerType::print(AsmPrinter &printer) const {
  printer << "<" << getPointeeType();
  if (getAddressSpace() != kGlobalAddressSpace)
    printer << ", " << getAddressSpace();
  printer << ">";
}

LogicalResult
PointerType::verify(function_ref<InFlightDiagnostic()> emitError, Type pointee,
                    int addressSpace) {
  if (addressSpace < 0)
    return emitError() << "pointer address space must be non-negative, got "
                       << addressSpace;
  if (isa<PointerType>(pointee) || pointee.isIntOrIndexOrFloat())
    return success();
  if (auto tensor = dyn_cast<RankedTensorType>(pointee)) {
    if (tensor.getElementType().isIntOrFloat())
      return success();
    return emitError() << "a block pointer's tensor must hold integers or "
                          "floats, got "
                       << pointee;
  }
  return emitError() << "cannot point to " << pointee;
}

Type mlir::triton::getPointeeType(Type type) {
  if (auto tensor = dyn_cast<RankedTensorType>(type)) {
    if (auto ptr = dyn_cast<PointerType>(tensor.getElementType()))
      return tensor.clone(ptr.getPointeeType());
    return type;
  }
  if (auto ptr = dyn_cast<PointerType>(type))
    return ptr.getPointeeType();
  return type;
}

Type mlir::triton::getI1SameShape(Type type) {
  auto i1 = IntegerType::get(type.getContext(), 1);
  if (auto tensor = dyn_cast<RankedTensorType>(type))
    return tensor.clone(i1);
  return i1;
}

Type mlir::triton::getPointerTypeSameShape(Type type) {
  if (auto tensor = dyn_cast<RankedTensorType>(type))
    return tensor.clone(PointerType::get(tensor.getElementType()));
  return PointerType::get(type);
}

Type mlir::triton::getBlockBasePointerType(Type blockPointerType) {
  auto ptr = dyn_cast<PointerType>(blockPointerType);
  if (!ptr)
    return blockPointerType;
  auto tensor = dyn_cast<RankedTensorType>(ptr.getPointeeType());
  if (!tensor)
    return blockPointerType;
  return PointerType::get(tensor.getElementType(), ptr.getAddressSpace());
}
