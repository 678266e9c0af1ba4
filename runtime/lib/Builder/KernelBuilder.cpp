//===- KernelBuilder.cpp - Values, arguments, control flow, printing ------===//
//
// The parts of the builder that are not operations on values: DType <-> MLIR
// types, literal materialisation, Triton's promotion and broadcasting rules,
// the kernel's arguments, structured control flow (scf.for / if / while) and
// the finished module, verified and printed as Triton IR.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

#include "tritium/Dialect/Tritium/IR/Dialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <limits>

using namespace mlir;
namespace tt = mlir::triton;

namespace tritium::builder {

//===----------------------------------------------------------------------===//
// DTypes
//===----------------------------------------------------------------------===//

std::string_view dtypeName(DType type) {
  switch (type) {
  case DType::I1:
    return "int1";
  case DType::I8:
    return "int8";
  case DType::I16:
    return "int16";
  case DType::I32:
    return "int32";
  case DType::I64:
    return "int64";
  case DType::U8:
    return "uint8";
  case DType::U16:
    return "uint16";
  case DType::U32:
    return "uint32";
  case DType::U64:
    return "uint64";
  case DType::F16:
    return "fp16";
  case DType::BF16:
    return "bf16";
  case DType::F32:
    return "fp32";
  case DType::F64:
    return "fp64";
  case DType::F8E4M3:
    return "fp8e4nv";
  case DType::F8E5M2:
    return "fp8e5";
  }
  return "?";
}

unsigned bitWidth(DType type) {
  switch (type) {
  case DType::I1:
    return 1;
  case DType::I8:
  case DType::U8:
  case DType::F8E4M3:
  case DType::F8E5M2:
    return 8;
  case DType::I16:
  case DType::U16:
  case DType::F16:
  case DType::BF16:
    return 16;
  case DType::I32:
  case DType::U32:
  case DType::F32:
    return 32;
  case DType::I64:
  case DType::U64:
  case DType::F64:
    return 64;
  }
  return 0;
}

bool isFloat(DType type) {
  switch (type) {
  case DType::F16:
  case DType::BF16:
  case DType::F32:
  case DType::F64:
  case DType::F8E4M3:
  case DType::F8E5M2:
    return true;
  default:
    return false;
  }
}

bool isInteger(DType type) { return !isFloat(type); }

bool isSigned(DType type) {
  switch (type) {
  case DType::I8:
  case DType::I16:
  case DType::I32:
  case DType::I64:
    return true;
  default:
    return false;
  }
}

bool isUnsigned(DType type) {
  switch (type) {
  case DType::I1:
  case DType::U8:
  case DType::U16:
  case DType::U32:
  case DType::U64:
    return true;
  default:
    return false;
  }
}

std::string shapeToString(const Shape &shape) {
  if (shape.empty())
    return "scalar";
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

//===----------------------------------------------------------------------===//
// Errors and ownership
//===----------------------------------------------------------------------===//

void fail(const std::string &message) {
  throw Error(Error::Kind::InvalidArgument, "kernel builder: " + message);
}

void failUnsupported(const std::string &message) {
  throw Error(Error::Kind::Unsupported, "kernel builder: " + message);
}

KernelBuilder::Impl &implOf(KernelBuilder &kb) { return kb.impl(); }

void checkUsable(KernelBuilder &kb, std::string_view op, const Value &v,
                 std::string_view what) {
  if (!v.isValid())
    fail(std::string(op) + ": " + std::string(what) +
         " is an empty Value (default-constructed)");
  if (v.isLiteral())
    return;
  if (v.builder() != &kb)
    fail(std::string(op) + ": " + std::string(what) +
         " belongs to another kernel builder");
  if (implOf(kb).finished)
    fail(std::string(op) + ": kernel '" + kb.name() +
         "' is already finished; no more ops can be added");
}

KernelBuilder &ownerOf(std::string_view op,
                       std::initializer_list<const Value *> operands) {
  KernelBuilder *owner = nullptr;
  for (const Value *v : operands) {
    if (!v->isValid())
      fail(std::string(op) + ": an operand is an empty Value");
    if (v->isLiteral())
      continue;
    if (owner && v->builder() != owner)
      fail(std::string(op) + ": operands belong to different kernel builders");
    owner = v->builder();
  }
  if (!owner)
    fail(std::string(op) +
         ": every operand is a C++ literal; at least one must be a Value of a "
         "KernelBuilder (use kb.constant(value, dtype) to make one)");
  if (implOf(*owner).finished)
    fail(std::string(op) + ": kernel '" + owner->name() +
         "' is already finished; no more ops can be added");
  return *owner;
}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

Type mlirElementType(MLIRContext *ctx, DType type) {
  switch (type) {
  case DType::I1:
  case DType::I8:
  case DType::I16:
  case DType::I32:
  case DType::I64:
  case DType::U8:
  case DType::U16:
  case DType::U32:
  case DType::U64:
    return IntegerType::get(ctx, bitWidth(type));
  case DType::F16:
    return Float16Type::get(ctx);
  case DType::BF16:
    return BFloat16Type::get(ctx);
  case DType::F32:
    return Float32Type::get(ctx);
  case DType::F64:
    return Float64Type::get(ctx);
  case DType::F8E4M3:
    return Float8E4M3FNType::get(ctx);
  case DType::F8E5M2:
    return Float8E5M2Type::get(ctx);
  }
  return {};
}

DType dtypeOf(Type type) {
  if (auto pointer = dyn_cast<tt::PointerType>(type))
    return dtypeOf(pointer.getPointeeType());
  if (auto integer = dyn_cast<IntegerType>(type)) {
    switch (integer.getWidth()) {
    case 1:
      return DType::I1;
    case 8:
      return DType::I8;
    case 16:
      return DType::I16;
    case 32:
      return DType::I32;
    case 64:
      return DType::I64;
    default:
      break;
    }
  }
  if (isa<Float16Type>(type))
    return DType::F16;
  if (isa<BFloat16Type>(type))
    return DType::BF16;
  if (isa<Float32Type>(type))
    return DType::F32;
  if (isa<Float64Type>(type))
    return DType::F64;
  if (isa<Float8E4M3FNType>(type))
    return DType::F8E4M3;
  if (isa<Float8E5M2Type>(type))
    return DType::F8E5M2;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  failUnsupported("element type " + text + " has no DType");
}

Type pointerType(MLIRContext *ctx, DType pointee) {
  return tt::PointerType::get(mlirElementType(ctx, pointee), 1);
}

Type shapedType(std::string_view op, const Shape &shape, Type element) {
  if (shape.empty())
    return element;
  int64_t numel = 1;
  for (int64_t size : shape) {
    if (size <= 0 || !llvm::isPowerOf2_64(size))
      fail(std::string(op) + ": tensor shape " + shapeToString(shape) +
           " has a dimension that is not a power of two (Triton requires "
           "power-of-two block sizes)");
    numel *= size;
    if (numel > tt::kMaxTensorNumElements)
      fail(std::string(op) + ": tensor shape " + shapeToString(shape) +
           " exceeds Triton's limit of " +
           std::to_string(tt::kMaxTensorNumElements) + " elements");
  }
  return RankedTensorType::get(shape, element);
}

Type scalarType(const Value &v) {
  return getElementTypeOrSelf(ValueAccess::ir(v).getType());
}

//===----------------------------------------------------------------------===//
// Value
//===----------------------------------------------------------------------===//

Value ValueAccess::make(KernelBuilder &kb, mlir::Value value, DType dtype) {
  Value v;
  v.kind = Value::Kind::Ir;
  v.owner = &kb;
  v.opaque = value.getAsOpaquePointer();
  v.elementType = dtype;
  return v;
}

DType ValueAccess::literalType(const Value &v) {
  switch (v.litKind) {
  case Value::LiteralKind::Bool:
    return DType::I1;
  case Value::LiteralKind::Float:
    return DType::F32;
  case Value::LiteralKind::Unsigned: {
    auto value = static_cast<uint64_t>(v.litInt);
    if (value <= uint64_t(std::numeric_limits<int32_t>::max()))
      return DType::I32;
    if (value <= uint64_t(std::numeric_limits<uint32_t>::max()))
      return DType::U32;
    if (value <= uint64_t(std::numeric_limits<int64_t>::max()))
      return DType::I64;
    return DType::U64;
  }
  case Value::LiteralKind::Signed:
    if (v.litInt >= std::numeric_limits<int32_t>::min() &&
        v.litInt <= std::numeric_limits<int32_t>::max())
      return DType::I32;
    if (v.litInt >= 0 &&
        v.litInt <= int64_t(std::numeric_limits<uint32_t>::max()))
      return DType::U32;
    return DType::I64;
  }
  return DType::I32;
}

bool Value::isLiteral() const { return kind == Kind::Literal; }

DType Value::dtype() const {
  if (kind == Kind::Literal)
    return ValueAccess::literalType(*this);
  if (kind == Kind::Empty)
    fail("dtype(): empty Value");
  return elementType;
}

bool Value::isPointer() const {
  return kind == Kind::Ir && isa<tt::PointerType>(scalarType(*this));
}

bool Value::isTensor() const {
  return kind == Kind::Ir &&
         isa<RankedTensorType>(ValueAccess::ir(*this).getType());
}

Shape Value::shape() const {
  if (kind != Kind::Ir)
    return {};
  if (auto tensor =
          dyn_cast<RankedTensorType>(ValueAccess::ir(*this).getType()))
    return Shape(tensor.getShape().begin(), tensor.getShape().end());
  return {};
}

int64_t Value::numel() const {
  int64_t n = 1;
  for (int64_t size : shape())
    n *= size;
  return n;
}

std::string Value::typeString() const {
  switch (kind) {
  case Kind::Empty:
    return "<empty Value>";
  case Kind::Literal:
    if (litKind == LiteralKind::Float)
      return "float literal " + std::to_string(litFloat);
    if (litKind == LiteralKind::Bool)
      return litInt ? "bool literal true" : "bool literal false";
    if (litKind == LiteralKind::Unsigned)
      return "int literal " + std::to_string(static_cast<uint64_t>(litInt));
    return "int literal " + std::to_string(litInt);
  case Kind::Ir:
    break;
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  os << ValueAccess::ir(*this).getType();
  if (isUnsigned(elementType) && elementType != DType::I1)
    os << " (" << dtypeName(elementType) << ")";
  return text;
}

Value &Value::named(std::string_view name) {
  if (kind != Kind::Ir)
    return *this;
  mlir::Value value = ValueAccess::ir(*this);
  MLIRContext *ctx = value.getContext();
  auto nameAttr =
      StringAttr::get(ctx, llvm::StringRef(name.data(), name.size()));
  if (Operation *op = value.getDefiningOp()) {
    // Block arguments of region ops keep their own names.
    op->setLoc(NameLoc::get(nameAttr, op->getLoc()));
  } else {
    auto arg = cast<BlockArgument>(value);
    arg.setLoc(NameLoc::get(nameAttr, arg.getLoc()));
  }
  return *this;
}

Value Value::to(DType type) const { return cast(*this, type); }
Value Value::bitcastTo(DType type) const { return bitcast(*this, type); }
Value Value::expandDims(int axis) const {
  return builder::expandDims(*this, axis);
}
Value Value::broadcastTo(const Shape &shape) const {
  return builder::broadcastTo(*this, shape);
}
Value Value::reshape(const Shape &shape) const {
  return builder::reshape(*this, shape);
}

mlir::Value Value::mlirValue() const {
  if (kind != Kind::Ir)
    fail("mlirValue(): " + typeString() + " has no MLIR value");
  return ValueAccess::ir(*this);
}

Value Value::fromMlir(KernelBuilder &builder, mlir::Value value,
                      std::optional<DType> dtype) {
  if (!value)
    fail("fromMlir: null mlir::Value");
  if (value.getContext() != &builder.context())
    fail("fromMlir: the value belongs to another MLIRContext");
  DType type = dtype ? *dtype : dtypeOf(getElementTypeOrSelf(value.getType()));
  if (mlirElementType(value.getContext(), type) !=
      (isa<tt::PointerType>(getElementTypeOrSelf(value.getType()))
           ? cast<tt::PointerType>(getElementTypeOrSelf(value.getType()))
                 .getPointeeType()
           : getElementTypeOrSelf(value.getType())))
    fail("fromMlir: dtype " + std::string(dtypeName(type)) +
         " does not match the value's element type");
  return ValueAccess::make(builder, value, type);
}

//===----------------------------------------------------------------------===//
// Literals, promotion, broadcasting
//===----------------------------------------------------------------------===//

namespace {
/// Whether an integer literal's value is representable in `width` bits as a
/// signed or an unsigned number (its bit pattern is then kept).
bool fitsWidth(const Value &literal, unsigned width) {
  if (width >= 64)
    return true;
  if (ValueAccess::literalIsUnsigned(literal))
    return static_cast<uint64_t>(ValueAccess::literalInt(literal)) <
           (uint64_t(1) << width);
  int64_t value = ValueAccess::literalInt(literal);
  if (width == 1)
    return value == 0 || value == 1;
  return value >= -(int64_t(1) << (width - 1)) && value < (int64_t(1) << width);
}

TypedAttr literalAttr(MLIRContext *ctx, std::string_view op,
                      const Value &literal, DType type) {
  Type element = mlirElementType(ctx, type);
  if (isFloat(type)) {
    double value = ValueAccess::isFloatLiteral(literal)
                       ? ValueAccess::literalFloat(literal)
                   : ValueAccess::literalIsUnsigned(literal)
                       ? double(uint64_t(ValueAccess::literalInt(literal)))
                       : double(ValueAccess::literalInt(literal));
    return FloatAttr::get(element, value);
  }
  if (ValueAccess::isFloatLiteral(literal))
    fail(std::string(op) + ": " + literal.typeString() + " cannot be used as " +
         std::string(dtypeName(type)) + " (cast it first)");
  if (!fitsWidth(literal, bitWidth(type)))
    fail(std::string(op) + ": " + literal.typeString() + " does not fit " +
         std::string(dtypeName(type)));
  unsigned width = bitWidth(type);
  llvm::APInt bits(64, static_cast<uint64_t>(ValueAccess::literalInt(literal)));
  return IntegerAttr::get(element, bits.trunc(width));
}

enum class Kind { Bool = 0, Integral = 1, Floating = 2 };
Kind kindOf(DType t) {
  if (t == DType::I1)
    return Kind::Bool;
  return isFloat(t) ? Kind::Floating : Kind::Integral;
}

bool isFp8(DType t) { return t == DType::F8E4M3 || t == DType::F8E5M2; }

/// Signedness as Triton sees it: int1 is a signed type there.
bool tritonSigned(DType t) { return !isUnsigned(t) || t == DType::I1; }

DType integerPromote(DType a, DType b) {
  unsigned aw = bitWidth(a), bw = bitWidth(b);
  bool as = tritonSigned(a), bs = tritonSigned(b);
  if (as == bs)
    return aw > bw ? a : b;
  if (!as)
    return aw >= bw ? a : b;
  return bw >= aw ? b : a;
}
} // namespace

Value materialize(KernelBuilder &kb, std::string_view op, const Value &literal,
                  DType type, const Shape &shape) {
  MLIRContext *ctx = &kb.context();
  TypedAttr scalar = literalAttr(ctx, op, literal, type);
  TypedAttr attr = scalar;
  if (!shape.empty()) {
    auto tensorType = cast<RankedTensorType>(
        shapedType(op, shape, mlirElementType(ctx, type)));
    attr = DenseElementsAttr::get(tensorType, cast<Attribute>(scalar));
  }
  auto constant = create<arith::ConstantOp>(kb, attr);
  return ValueAccess::make(kb, constant.getResult(), type);
}

Value materializeAlone(KernelBuilder &kb, std::string_view op, const Value &v) {
  if (!v.isLiteral())
    return v;
  return materialize(kb, op, v, ValueAccess::literalType(v));
}

DType promoteTypes(std::string_view op, const Value &lhs, const Value &rhs,
                   bool divOrMod) {
  DType a = lhs.dtype(), b = rhs.dtype();
  bool aWeak = lhs.isLiteral(), bWeak = rhs.isLiteral();
  // A literal whose kind is not higher than the other operand's takes the
  // other operand's type (Triton's rule 0, PyTorch-like).
  if (aWeak != bWeak) {
    DType scalar = aWeak ? a : b, other = aWeak ? b : a;
    if (static_cast<int>(kindOf(scalar)) <= static_cast<int>(kindOf(other))) {
      if (divOrMod && (other == DType::F16 || other == DType::BF16))
        return DType::F32;
      return other;
    }
  }
  if (a == DType::F64 || b == DType::F64)
    return DType::F64;
  if (a == DType::F32 || b == DType::F32)
    return DType::F32;
  if (a == DType::F16 || b == DType::F16)
    return divOrMod ? DType::F32 : DType::F16;
  if (a == DType::BF16 || b == DType::BF16) {
    if (divOrMod)
      return DType::F32;
    return a == b ? DType::BF16 : DType::F32;
  }
  if (isFp8(a) && isFp8(b))
    return a == b ? a : DType::F16;
  if (isFp8(a) || isFp8(b))
    fail(std::string(op) + ": cannot combine " + lhs.typeString() + " and " +
         rhs.typeString());
  if (divOrMod && a != DType::I1 && b != DType::I1 &&
      isUnsigned(a) != isUnsigned(b))
    fail(std::string(op) + ": cannot divide " + lhs.typeString() + " and " +
         rhs.typeString() +
         " of different signedness (cast one of them first)");
  return integerPromote(a, b);
}

Shape broadcastShapes(std::string_view op, const Shape &lhs, const Shape &rhs) {
  if (lhs.empty())
    return rhs;
  if (rhs.empty())
    return lhs;
  size_t rank = std::max(lhs.size(), rhs.size());
  Shape result(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t l = i + lhs.size() >= rank ? lhs[i + lhs.size() - rank] : 1;
    int64_t r = i + rhs.size() >= rank ? rhs[i + rhs.size() - rank] : 1;
    if (l != r && l != 1 && r != 1)
      fail(std::string(op) + ": shapes " + shapeToString(lhs) + " and " +
           shapeToString(rhs) + " do not broadcast (dimension " +
           std::to_string(i) + ": " + std::to_string(l) + " vs " +
           std::to_string(r) + ")");
    result[i] = std::max(l, r);
  }
  return result;
}

Value broadcastValue(std::string_view op, const Value &v, const Shape &shape) {
  KernelBuilder &kb = *v.builder();
  Shape from = v.shape();
  if (from == shape)
    return v;
  mlir::Value value = ValueAccess::ir(v);
  Type element = getElementTypeOrSelf(value.getType());
  if (from.empty()) {
    auto splat = create<tt::SplatOp>(kb, shapedType(op, shape, element), value);
    return ValueAccess::make(kb, splat.getResult(), v.dtype());
  }
  if (from.size() > shape.size())
    fail(std::string(op) + ": cannot broadcast shape " + shapeToString(from) +
         " to the lower-rank shape " + shapeToString(shape));
  Value current = v;
  // Missing leading dimensions become dimensions of size 1, as in Triton.
  while (current.shape().size() < shape.size())
    current = expandDims(current, 0);
  from = current.shape();
  for (size_t i = 0; i < shape.size(); ++i)
    if (from[i] != shape[i] && from[i] != 1)
      fail(std::string(op) + ": cannot broadcast shape " +
           shapeToString(v.shape()) + " to " + shapeToString(shape));
  if (from == shape)
    return current;
  auto broadcast = create<tt::BroadcastOp>(kb, shapedType(op, shape, element),
                                           ValueAccess::ir(current));
  return ValueAccess::make(kb, broadcast.getResult(), v.dtype());
}

//===----------------------------------------------------------------------===//
// InsertionGuard
//===----------------------------------------------------------------------===//

InsertionGuard::InsertionGuard(KernelBuilder &kb, Block *block)
    : impl(implOf(kb)), saved(impl.builder.saveInsertionPoint()) {
  impl.builder.setInsertionPointToEnd(block);
  ++impl.regionDepth;
}

InsertionGuard::~InsertionGuard() {
  --impl.regionDepth;
  impl.builder.restoreInsertionPoint(saved);
}

//===----------------------------------------------------------------------===//
// KernelBuilder
//===----------------------------------------------------------------------===//

namespace {
void loadDialects(MLIRContext &context) {
  context.getOrLoadDialect<tt::TritonDialect>();
  context.getOrLoadDialect<arith::ArithDialect>();
  context.getOrLoadDialect<math::MathDialect>();
  context.getOrLoadDialect<scf::SCFDialect>();
  context.getOrLoadDialect<cf::ControlFlowDialect>();
  context.getOrLoadDialect<gpu::GPUDialect>();
  context.getOrLoadDialect<tx::TritiumDialect>();
}

void initialize(KernelBuilder::Impl &impl, std::string_view kernelName) {
  if (kernelName.empty())
    fail("a kernel needs a name");
  for (char c : kernelName)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
          c == '.'))
      fail("kernel name '" + std::string(kernelName) +
           "' must be an identifier (letters, digits, '_', '$', '.')");
  impl.kernelName = std::string(kernelName);
  loadDialects(*impl.context);
  impl.module = ModuleOp::create(impl.loc);
  impl.moduleOp = *impl.module;
  impl.builder.setInsertionPointToEnd(impl.moduleOp.getBody());
  impl.func = tt::FuncOp::create(impl.builder, impl.loc, impl.kernelName,
                                 impl.builder.getFunctionType({}, {}));
  // Spelled out (setPublic() would drop the attribute, public being the
  // default) so that the kernel prints as Triton prints it: `tt.func public`.
  impl.func->setAttr(SymbolTable::getVisibilityAttrName(),
                     impl.builder.getStringAttr("public"));
  // Triton marks every kernel this way; keeping it makes the text identical.
  impl.func->setAttr("noinline", impl.builder.getBoolAttr(false));
  Block *entry = new Block();
  impl.func.getBody().push_back(entry);
  impl.builder.setInsertionPointToEnd(entry);
}
} // namespace

KernelBuilder::KernelBuilder(std::string_view kernelName) {
  auto owned = std::make_unique<MLIRContext>();
  MLIRContext *ctx = owned.get();
  state = std::make_unique<Impl>(ctx);
  state->ownedContext = std::move(owned);
  initialize(*state, kernelName);
}

KernelBuilder::KernelBuilder(MLIRContext &context, std::string_view kernelName)
    : state(std::make_unique<Impl>(&context)) {
  initialize(*state, kernelName);
}

KernelBuilder::~KernelBuilder() {
  // The module goes before the context it lives in.
  if (state)
    state->module = nullptr;
}

const std::string &KernelBuilder::name() const { return state->kernelName; }
MLIRContext &KernelBuilder::context() { return *state->context; }

namespace {
void checkOpen(KernelBuilder::Impl &impl, std::string_view what) {
  if (impl.finished)
    fail(std::string(what) + ": kernel '" + impl.kernelName +
         "' is already finished");
}

/// Ops every program of a set must reach together (a cluster's or a grid's
/// barriers): not under a condition or a while loop, whose outcome may
/// differ between programs (the tx verifier's rule).
void checkReachedByAll(KernelBuilder::Impl &impl, std::string_view what,
                       std::string_view programs) {
  for (mlir::Operation *parent =
           impl.builder.getInsertionBlock()->getParentOp();
       parent && parent != impl.func.getOperation();
       parent = parent->getParentOp())
    if (isa<scf::IfOp, scf::WhileOp>(parent))
      fail(std::string(what) + ": every program of the " +
           std::string(programs) +
           " must reach it, so not inside ifThen, ifThenElse or whileLoop");
}

Value addArgument(KernelBuilder &kb, std::string_view what,
                  std::string_view name, Type type, DType dtype,
                  const ArgAttrs &attrs) {
  KernelBuilder::Impl &impl = implOf(kb);
  checkOpen(impl, what);
  if (impl.regionDepth > 0)
    fail(std::string(what) + "('" + std::string(name) +
         "'): arguments cannot be added inside a loop, branch or combine "
         "function");
  Builder &b = impl.builder;
  SmallVector<NamedAttribute> namedAttrs;
  auto hint = [&](const char *attrName, int value) {
    if (value < 0)
      fail(std::string(what) + "('" + std::string(name) + "'): " + attrName +
           " must be positive");
    if (value > 0)
      namedAttrs.push_back(
          b.getNamedAttr(attrName, b.getI32IntegerAttr(value)));
  };
  hint("tt.divisibility", attrs.divisibility);
  hint("tt.contiguity", attrs.contiguity);
  hint("tt.constancy", attrs.constancy);
  unsigned index = impl.func.getNumArguments();
  Location argLoc = impl.loc;
  if (!name.empty())
    argLoc = NameLoc::get(
        b.getStringAttr(llvm::StringRef(name.data(), name.size())), impl.loc);
  if (failed(impl.func.insertArgument(index, type,
                                      b.getDictionaryAttr(namedAttrs), argLoc)))
    fail(std::string(what) + "('" + std::string(name) +
         "'): could not add the argument");
  return ValueAccess::make(kb, impl.func.getArgument(index), dtype);
}
} // namespace

Value KernelBuilder::pointerArg(std::string_view name, DType pointee,
                                ArgAttrs attrs) {
  return addArgument(*this, "pointerArg", name,
                     pointerType(state->context, pointee), pointee, attrs);
}

Value KernelBuilder::scalarArg(std::string_view name, DType type,
                               ArgAttrs attrs) {
  return addArgument(*this, "scalarArg", name,
                     mlirElementType(state->context, type), type, attrs);
}

Value KernelBuilder::programId(int axis) {
  checkOpen(*state, "programId");
  if (axis < 0 || axis > 2)
    fail("programId: axis must be 0, 1 or 2, got " + std::to_string(axis));
  auto op = create<tt::GetProgramIdOp>(
      *this, state->builder.getI32Type(),
      tt::ProgramIDDimAttr::get(state->context,
                                static_cast<tt::ProgramIDDim>(axis)));
  return ValueAccess::make(*this, op.getResult(), DType::I32);
}

Value KernelBuilder::numPrograms(int axis) {
  checkOpen(*state, "numPrograms");
  if (axis < 0 || axis > 2)
    fail("numPrograms: axis must be 0, 1 or 2, got " + std::to_string(axis));
  auto op = create<tt::GetNumProgramsOp>(
      *this, state->builder.getI32Type(),
      tt::ProgramIDDimAttr::get(state->context,
                                static_cast<tt::ProgramIDDim>(axis)));
  return ValueAccess::make(*this, op.getResult(), DType::I32);
}

Value KernelBuilder::arange(int64_t start, int64_t end) {
  checkOpen(*state, "arange");
  if (start < 0 || end > std::numeric_limits<int32_t>::max() || start >= end)
    fail("arange(" + std::to_string(start) + ", " + std::to_string(end) +
         "): needs 0 <= start < end < 2^31");
  if (!llvm::isPowerOf2_64(end - start))
    fail("arange(" + std::to_string(start) + ", " + std::to_string(end) +
         "): the length " + std::to_string(end - start) +
         " must be a power of two");
  auto type = shapedType("arange", {end - start}, state->builder.getI32Type());
  auto op = create<tt::MakeRangeOp>(*this, type, static_cast<int32_t>(start),
                                    static_cast<int32_t>(end));
  return ValueAccess::make(*this, op.getResult(), DType::I32);
}

Value KernelBuilder::constant(Value literal, DType type) {
  return full({}, std::move(literal), type);
}

Value KernelBuilder::full(const Shape &shape, Value value, DType type) {
  checkOpen(*state, "full");
  checkUsable(*this, "full", value, "the fill value");
  if (value.isLiteral())
    return materialize(*this, "full", value, type, shape);
  if (value.isTensor())
    fail("full: the fill value must be a scalar, got " + value.typeString());
  Value scalar = cast(value, type);
  if (shape.empty())
    return scalar;
  return broadcastValue("full", scalar, shape);
}

Value KernelBuilder::zeros(const Shape &shape, DType type) {
  return full(shape, Value(0), type);
}

Value KernelBuilder::zerosLike(const Value &like) {
  checkUsable(*this, "zerosLike", like, "the model");
  return full(like.shape(), Value(0), like.dtype());
}

Value KernelBuilder::fullLike(const Value &like, Value value) {
  checkUsable(*this, "fullLike", like, "the model");
  return full(like.shape(), std::move(value), like.dtype());
}

//===----------------------------------------------------------------------===//
// Control flow
//===----------------------------------------------------------------------===//

namespace {
/// Makes `v` a value of exactly `type` (and `dtype`) for a yield: literals
/// are materialised, scalars splatted to a tensor type. Anything else that
/// differs is the caller's mistake.
Value conformTo(KernelBuilder &kb, std::string_view op, std::string_view what,
                const Value &v, Type type, DType dtype) {
  checkUsable(kb, op, v, what);
  Shape shape;
  if (auto tensor = dyn_cast<RankedTensorType>(type))
    shape.assign(tensor.getShape().begin(), tensor.getShape().end());
  if (v.isLiteral()) {
    if (isa<tt::PointerType>(getElementTypeOrSelf(type)))
      fail(std::string(op) + ": " + std::string(what) + " is a " +
           v.typeString() + " but must be a pointer");
    return materialize(kb, op, v, dtype, shape);
  }
  Value result = v;
  if (result.isScalar() && !shape.empty() &&
      scalarType(result) == getElementTypeOrSelf(type))
    result = broadcastValue(op, result, shape);
  if (ValueAccess::ir(result).getType() != type) {
    std::string expected;
    llvm::raw_string_ostream os(expected);
    os << type;
    fail(std::string(op) + ": " + std::string(what) + " has type " +
         v.typeString() + " but must be " + expected +
         " (cast it, or give the initial value that type)");
  }
  return ValueAccess::make(kb, ValueAccess::ir(result), dtype);
}

SmallVector<mlir::Value> irValues(const Values &values) {
  SmallVector<mlir::Value> result;
  for (const Value &v : values)
    result.push_back(ValueAccess::ir(v));
  return result;
}

Value asCondition(KernelBuilder &kb, std::string_view op, const Value &cond) {
  checkUsable(kb, op, cond, "the condition");
  Value c = materializeAlone(kb, op, cond);
  if (c.isTensor())
    fail(std::string(op) + ": the condition must be a scalar, got " +
         c.typeString() + " (reduce it first)");
  if (c.isPointer())
    fail(std::string(op) + ": the condition is a pointer");
  if (c.dtype() != DType::I1)
    c = cast(c, DType::I1);
  return c;
}

/// Loop-carried values: literals take their own type, so `0.0f` carries an
/// f32 and `0` an i32.
Values prepareInits(KernelBuilder &kb, std::string_view op,
                    const Values &inits) {
  Values result;
  for (size_t i = 0; i < inits.size(); ++i) {
    checkUsable(kb, op, inits[i], "initial value #" + std::to_string(i));
    result.push_back(materializeAlone(kb, op, inits[i]));
  }
  return result;
}

Values yieldValues(KernelBuilder &kb, std::string_view op,
                   const Values &yielded, const Values &model) {
  if (yielded.size() != model.size())
    fail(std::string(op) + ": the body returns " +
         std::to_string(yielded.size()) + " values but " +
         std::to_string(model.size()) + " are carried");
  Values result;
  for (size_t i = 0; i < yielded.size(); ++i)
    result.push_back(conformTo(kb, op, "carried value #" + std::to_string(i),
                               yielded[i], ValueAccess::ir(model[i]).getType(),
                               model[i].dtype()));
  return result;
}
} // namespace

Values KernelBuilder::forLoop(Value lower, Value upper, Value step,
                              const Values &inits, const LoopBody &body,
                              const LoopOptions &options) {
  checkOpen(*state, "forLoop");
  const char *op = "forLoop";
  for (const Value *bound : {&lower, &upper, &step}) {
    checkUsable(*this, op, *bound, "a bound");
    if (bound->isTensor() || bound->isPointer() || isFloat(bound->dtype()) ||
        bound->dtype() == DType::I1)
      fail(std::string(op) + ": bounds and step must be scalar integers, got " +
           bound->typeString());
  }
  // i32 unless a bound is 64-bit, as Triton's range().
  DType indexType = DType::I32;
  for (const Value *bound : {&lower, &upper, &step})
    if (!bound->isLiteral() && bitWidth(bound->dtype()) == 64)
      indexType = DType::I64;
    else if (bound->isLiteral() && bitWidth(bound->dtype()) == 64)
      indexType = DType::I64;
  auto toIndex = [&](const Value &bound) {
    return bound.isLiteral() ? materialize(*this, op, bound, indexType)
                             : cast(bound, indexType);
  };
  Value lo = toIndex(lower), hi = toIndex(upper), st = toIndex(step);
  if (options.numStages < 0)
    fail(std::string(op) + ": numStages must be >= 0, got " +
         std::to_string(options.numStages));
  Values carried = prepareInits(*this, op, inits);
  auto loop =
      create<scf::ForOp>(*this, ValueAccess::ir(lo), ValueAccess::ir(hi),
                         ValueAccess::ir(st), irValues(carried));
  if (options.numStages > 0)
    loop->setAttr("tt.num_stages",
                  IntegerAttr::get(IntegerType::get(loop.getContext(), 32),
                                   options.numStages));
  Block *block = loop.getBody();
  if (!block->empty())
    block->getTerminator()->erase();
  eraseOnError(loop, [&] {
    InsertionGuard guard(*this, block);
    Value iv = ValueAccess::make(*this, loop.getInductionVar(), indexType);
    Values args;
    for (size_t i = 0; i < carried.size(); ++i)
      args.push_back(ValueAccess::make(*this, loop.getRegionIterArgs()[i],
                                       carried[i].dtype()));
    Values next = yieldValues(*this, op, body(iv, args), carried);
    create<scf::YieldOp>(*this, irValues(next));
  });
  Values results;
  for (size_t i = 0; i < carried.size(); ++i)
    results.push_back(
        ValueAccess::make(*this, loop.getResult(i), carried[i].dtype()));
  return results;
}

void KernelBuilder::forLoop(
    Value lower, Value upper, Value step,
    const std::function<void(const Value &inductionVar)> &body,
    const LoopOptions &options) {
  forLoop(
      std::move(lower), std::move(upper), std::move(step), {},
      [&](const Value &iv, const Values &) -> Values {
        body(iv);
        return {};
      },
      options);
}

Values KernelBuilder::ifThenElse(Value cond,
                                 const std::function<Values()> &thenBody,
                                 const std::function<Values()> &elseBody) {
  checkOpen(*state, "ifThenElse");
  const char *op = "ifThenElse";
  Value c = asCondition(*this, op, cond);
  // Build both branches in a result-less scf.if first: the result types are
  // only known once the branches have been built.
  auto draft = create<scf::IfOp>(*this, TypeRange{}, ValueAccess::ir(c),
                                 /*addThenBlock=*/true, /*addElseBlock=*/true);
  Values thenValues, elseValues;
  std::vector<Type> types;
  std::vector<DType> dtypes;
  eraseOnError(draft, [&] {
    {
      InsertionGuard guard(*this, draft.thenBlock());
      thenValues = thenBody();
      for (size_t i = 0; i < thenValues.size(); ++i)
        checkUsable(*this, op, thenValues[i],
                    "then-result #" + std::to_string(i));
    }
    {
      InsertionGuard guard(*this, draft.elseBlock());
      elseValues = elseBody();
      for (size_t i = 0; i < elseValues.size(); ++i)
        checkUsable(*this, op, elseValues[i],
                    "else-result #" + std::to_string(i));
    }
    if (thenValues.size() != elseValues.size())
      fail(std::string(op) + ": the then branch returns " +
           std::to_string(thenValues.size()) + " values, the else branch " +
           std::to_string(elseValues.size()));
    // The type of each result: the non-literal side's (literals adapt).
    for (size_t i = 0; i < thenValues.size(); ++i) {
      const Value &t = thenValues[i], &e = elseValues[i];
      const Value &model = t.isLiteral() ? e : t;
      if (model.isLiteral()) {
        DType type = promoteTypes(op, t, e, false);
        types.push_back(mlirElementType(state->context, type));
        dtypes.push_back(type);
        continue;
      }
      Shape shape = broadcastShapes(op, t.shape(), e.shape());
      types.push_back(shapedType(op, shape, scalarType(model)));
      dtypes.push_back(model.dtype());
    }
    {
      InsertionGuard guard(*this, draft.thenBlock());
      Values yielded;
      for (size_t i = 0; i < thenValues.size(); ++i)
        yielded.push_back(conformTo(*this, op,
                                    "then-result #" + std::to_string(i),
                                    thenValues[i], types[i], dtypes[i]));
      create<scf::YieldOp>(*this, irValues(yielded));
    }
    {
      InsertionGuard guard(*this, draft.elseBlock());
      Values yielded;
      for (size_t i = 0; i < elseValues.size(); ++i)
        yielded.push_back(conformTo(*this, op,
                                    "else-result #" + std::to_string(i),
                                    elseValues[i], types[i], dtypes[i]));
      create<scf::YieldOp>(*this, irValues(yielded));
    }
  });
  if (types.empty())
    return {};
  auto final = create<scf::IfOp>(*this, TypeRange(types), ValueAccess::ir(c),
                                 /*addThenBlock=*/false,
                                 /*addElseBlock=*/false);
  final.getThenRegion().takeBody(draft.getThenRegion());
  final.getElseRegion().takeBody(draft.getElseRegion());
  draft.erase();
  Values results;
  for (size_t i = 0; i < types.size(); ++i)
    results.push_back(ValueAccess::make(*this, final.getResult(i), dtypes[i]));
  return results;
}

void KernelBuilder::ifThen(Value cond, const std::function<void()> &thenBody) {
  checkOpen(*state, "ifThen");
  Value c = asCondition(*this, "ifThen", cond);
  auto ifOp = create<scf::IfOp>(*this, TypeRange{}, ValueAccess::ir(c),
                                /*addThenBlock=*/true, /*addElseBlock=*/false);
  eraseOnError(ifOp, [&] {
    InsertionGuard guard(*this, ifOp.thenBlock());
    thenBody();
    create<scf::YieldOp>(*this, ValueRange{});
  });
}

Values
KernelBuilder::whileLoop(const Values &inits,
                         const std::function<Value(const Values &)> &cond,
                         const std::function<Values(const Values &)> &body) {
  checkOpen(*state, "whileLoop");
  const char *op = "whileLoop";
  Values carried = prepareInits(*this, op, inits);
  SmallVector<Type> types;
  SmallVector<Location> locs;
  for (const Value &v : carried) {
    types.push_back(ValueAccess::ir(v).getType());
    locs.push_back(ValueAccess::ir(v).getLoc());
  }
  auto loop = create<scf::WhileOp>(*this, TypeRange(types),
                                   ValueRange(irValues(carried)));
  Block *before = new Block();
  loop.getBefore().push_back(before);
  before->addArguments(types, locs);
  Block *after = new Block();
  loop.getAfter().push_back(after);
  after->addArguments(types, locs);
  auto argsOf = [&](Block *block) {
    Values args;
    for (size_t i = 0; i < carried.size(); ++i)
      args.push_back(
          ValueAccess::make(*this, block->getArgument(i), carried[i].dtype()));
    return args;
  };
  eraseOnError(loop, [&] {
    {
      InsertionGuard guard(*this, before);
      Values args = argsOf(before);
      Value c = asCondition(*this, op, cond(args));
      create<scf::ConditionOp>(*this, ValueAccess::ir(c),
                               ValueRange(irValues(args)));
    }
    InsertionGuard guard(*this, after);
    Values next = yieldValues(*this, op, body(argsOf(after)), carried);
    create<scf::YieldOp>(*this, irValues(next));
  });
  Values results;
  for (size_t i = 0; i < carried.size(); ++i)
    results.push_back(
        ValueAccess::make(*this, loop.getResult(i), carried[i].dtype()));
  return results;
}

void KernelBuilder::debugBarrier() {
  checkOpen(*state, "debugBarrier");
  create<gpu::BarrierOp>(*this);
}

Value KernelBuilder::inlineAsmElementwise(std::string_view asmText,
                                          std::string_view constraints,
                                          const Values &args, DType resultType,
                                          bool pure) {
  const char *op = "inlineAsmElementwise";
  checkOpen(*state, op);
  ElementwiseOperands operands = elementwiseOperands(*this, op, args);
  mlir::Type type =
      shapedType(op, operands.shape, mlirElementType(&context(), resultType));
  auto result = create<tt::ElementwiseInlineAsmOp>(
      *this, mlir::TypeRange{type},
      llvm::StringRef(asmText.data(), asmText.size()),
      llvm::StringRef(constraints.data(), constraints.size()), pure,
      /*packed_element=*/1, operands.values);
  return ValueAccess::make(*this, result.getResult()[0], resultType);
}

void KernelBuilder::gridDependencyWait() {
  inlineAsmElementwise("griddepcontrol.wait; // dummy $0", "=r", {}, DType::I32,
                       /*pure=*/false);
}

void KernelBuilder::launchDependents() {
  inlineAsmElementwise("griddepcontrol.launch_dependents; // dummy $0", "=r",
                       {}, DType::I32, /*pure=*/false);
}

void KernelBuilder::setClusterSize(int programs) {
  checkOpen(*state, "setClusterSize");
  if (programs < 1 || programs > tx::TritiumDialect::kMaxClusterSize)
    fail("setClusterSize: a cluster has 1 to " +
         std::to_string(tx::TritiumDialect::kMaxClusterSize) +
         " programs (the portable sizes), got " + std::to_string(programs));
  state->func->setAttr(tx::TritiumDialect::kClusterSizeAttrName,
                       state->builder.getI32IntegerAttr(programs));
}

void KernelBuilder::setClusterSumBuffers(int buffers) {
  checkOpen(*state, "setClusterSumBuffers");
  if (buffers != 1 && buffers != 2)
    fail("setClusterSumBuffers: 1 or 2 buffers, got " +
         std::to_string(buffers));
  state->func->setAttr(tx::TritiumDialect::kClusterSumBuffersAttrName,
                       state->builder.getI32IntegerAttr(buffers));
}

Value KernelBuilder::clusterRank() {
  checkOpen(*state, "clusterRank");
  auto op = create<tx::ClusterRankOp>(*this, state->builder.getI32Type());
  return ValueAccess::make(*this, op.getResult(), DType::I32);
}

Value KernelBuilder::clusterSum(const Value &x) {
  checkOpen(*state, "clusterSum");
  checkUsable(*this, "clusterSum", x, "its argument");
  if (!x.isTensor() || (x.dtype() != DType::I32 && x.dtype() != DType::F32))
    fail("clusterSum: needs a tensor of i32 or f32, got " + x.typeString());
  if (tx::TritiumDialect::getClusterSize(state->func) < 2)
    fail("clusterSum: call setClusterSize(n > 1) first (without clusters "
         "there is nothing to sum over)");
  checkReachedByAll(*state, "clusterSum", "cluster");
  Value v = materializeAlone(*this, "clusterSum", x);
  auto op = create<tx::ClusterSumOp>(*this, ValueAccess::ir(v));
  return ValueAccess::make(*this, op.getResult(), x.dtype());
}

void KernelBuilder::gridBarrier(const Value &counter) {
  gridBarrierOf(counter, nullptr, nullptr);
}

void KernelBuilder::gridBarrier(const Value &counter, const Value &arrivals,
                                const Value &leader) {
  gridBarrierOf(counter, &arrivals, &leader);
}

void KernelBuilder::gridBarrierOf(const Value &counter, const Value *arrivals,
                                  const Value *leader) {
  const char *op = "gridBarrier";
  checkOpen(*state, op);
  checkUsable(*this, op, counter, "its counter");
  if (!counter.isPointer() || counter.isTensor() ||
      counter.dtype() != DType::I32)
    fail("gridBarrier: the counter is a scalar pointer to i32, got " +
         counter.typeString());
  checkReachedByAll(*state, op, "grid");
  Value pointer = materializeAlone(*this, op, counter);
  mlir::Value arrivalsIR, leaderIR;
  if (arrivals) {
    checkUsable(*this, op, *arrivals, "its arrivals");
    checkUsable(*this, op, *leader, "its leader");
    if (arrivals->isTensor() || arrivals->isPointer() || leader->isTensor() ||
        leader->isPointer() || leader->dtype() != DType::I1)
      fail("gridBarrier: a group's arrivals are a scalar integer and its "
           "leader a scalar i1, got " +
           arrivals->typeString() + " and " + leader->typeString());
    arrivalsIR = ValueAccess::ir(arrivals->to(DType::I32));
    leaderIR = ValueAccess::ir(materializeAlone(*this, op, *leader));
  }
  create<tx::GridBarrierOp>(*this, ValueAccess::ir(pointer), arrivalsIR,
                            leaderIR);
}

void KernelBuilder::print(std::string_view prefix, const Values &values,
                          bool hex) {
  checkOpen(*state, "print");
  SmallVector<mlir::Value> args;
  SmallVector<int32_t> isSignedFlags;
  for (size_t i = 0; i < values.size(); ++i) {
    checkUsable(*this, "print", values[i], "argument #" + std::to_string(i));
    Value v = materializeAlone(*this, "print", values[i]);
    args.push_back(ValueAccess::ir(v));
    isSignedFlags.push_back(isSigned(v.dtype()) ? 1 : 0);
  }
  create<tt::PrintOp>(*this,
                      state->builder.getStringAttr(
                          llvm::StringRef(prefix.data(), prefix.size())),
                      state->builder.getBoolAttr(hex), args,
                      state->builder.getDenseI32ArrayAttr(isSignedFlags));
}

void KernelBuilder::deviceAssert(Value cond, std::string_view message) {
  checkOpen(*state, "deviceAssert");
  checkUsable(*this, "deviceAssert", cond, "the condition");
  Value c = materializeAlone(*this, "deviceAssert", cond);
  if (c.isPointer())
    fail("deviceAssert: the condition is a pointer");
  if (c.dtype() != DType::I1)
    c = cast(c, DType::I1);
  create<tt::AssertOp>(*this, ValueAccess::ir(c),
                       llvm::StringRef(message.data(), message.size()));
}

//===----------------------------------------------------------------------===//
// The finished kernel
//===----------------------------------------------------------------------===//

ModuleOp KernelBuilder::finish() {
  if (state->taken)
    fail("finish: the module of kernel '" + state->kernelName +
         "' was already taken");
  if (state->finished)
    return state->moduleOp;
  if (state->regionDepth > 0)
    fail("finish: called inside a loop, branch or combine function");
  Block &entry = state->func.getBody().front();
  state->builder.setInsertionPointToEnd(&entry);
  tt::ReturnOp::create(state->builder, state->loc);
  state->finished = true;

  std::string diagnostics;
  {
    ScopedDiagnosticHandler handler(state->context, [&](Diagnostic &diag) {
      if (!diagnostics.empty())
        diagnostics += "\n";
      llvm::raw_string_ostream os(diagnostics);
      os << diag;
      for (const Diagnostic &note : diag.getNotes())
        os << "\n  note: " << note;
      return success();
    });
    if (succeeded(verify(state->moduleOp)))
      return state->moduleOp;
  }
  throw Error(Error::Kind::Compile, "kernel builder: kernel '" +
                                        state->kernelName +
                                        "' does not verify: " + diagnostics);
}

OwningOpRef<ModuleOp> KernelBuilder::takeModule() {
  finish();
  state->taken = true;
  return std::move(state->module);
}

std::string KernelBuilder::tritonIR(bool withLocations) {
  ModuleOp module = finish();
  OpPrintingFlags flags;
  flags.enableDebugInfo(withLocations, /*prettyForm=*/false);
  flags.printNameLocAsPrefix(true);
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os, flags);
  return text;
}

} // namespace tritium::builder
