//===- Ops.cpp - Operations on builder values
//------------------------------===//
//
// The free functions of KernelBuilder.h: arithmetic with Triton's promotion
// and broadcasting, casts, memory, shapes, dot, reductions and scans, and the
// parts of Triton's standard library (argmax, sort, topk, flip) built from
// them the way Triton builds them. Every function checks its operands and
// throws tritium::Error before creating an op, so MLIR never sees an invalid
// builder call.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"
#include "tritium/Dialect/Tritium/IR/Dialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinAttributes.h"

#include "llvm/Support/MathExtras.h"

#include <numeric>

using namespace mlir;
namespace tt = mlir::triton;

namespace tritium::builder {

namespace {

std::string str(std::string_view s) { return std::string(s); }

/// Two operands converted to one type and one shape.
struct Operands {
  KernelBuilder *kb;
  Value lhs, rhs;
  DType type;
  Shape shape;
};

void rejectPointers(std::string_view op, const Value &lhs, const Value &rhs) {
  if (lhs.isPointer() || rhs.isPointer())
    fail(str(op) + ": operands " + lhs.typeString() + " and " +
         rhs.typeString() +
         " include a pointer; only +, - and where take pointers");
}

/// Converts `v` (literal or value) to `type` and broadcasts it to `shape`.
Value conform(KernelBuilder &kb, std::string_view op, const Value &v,
              DType type, const Shape &shape) {
  if (v.isLiteral())
    return materialize(kb, op, v, type, shape);
  return broadcastValue(op, cast(v, type), shape);
}

/// Triton's binary_op_type_checking_impl: promotion, then broadcasting.
Operands prepare(std::string_view op, const Value &lhs, const Value &rhs,
                 bool divOrMod) {
  KernelBuilder &kb = ownerOf(op, {&lhs, &rhs});
  rejectPointers(op, lhs, rhs);
  Shape shape = broadcastShapes(op, lhs.shape(), rhs.shape());
  DType type = promoteTypes(op, lhs, rhs, divOrMod);
  // Check the result shape before any op is made.
  shapedType(op, shape, mlirElementType(&kb.context(), type));
  Operands result{&kb, {}, {}, type, shape};
  result.lhs = conform(kb, op, lhs, type, shape);
  result.rhs = conform(kb, op, rhs, type, shape);
  return result;
}

mlir::Value ir(const Value &v) { return ValueAccess::ir(v); }

Value wrap(KernelBuilder &kb, mlir::Value value, DType type) {
  return ValueAccess::make(kb, value, type);
}

} // namespace

ElementwiseOperands elementwiseOperands(KernelBuilder &kb,
                                        const std::string &what,
                                        const Values &args) {
  ElementwiseOperands operands;
  for (size_t i = 0; i < args.size(); ++i) {
    checkUsable(kb, what, args[i], "argument #" + std::to_string(i));
    if (args[i].isPointer())
      fail(what + ": argument #" + std::to_string(i) + " is a pointer");
    operands.shape = broadcastShapes(what, operands.shape, args[i].shape());
  }
  for (const Value &arg : args) {
    Value v = arg.isLiteral()
                  ? materialize(kb, what, arg, ValueAccess::literalType(arg),
                                operands.shape)
                  : broadcastValue(what, arg, operands.shape);
    operands.values.push_back(ValueAccess::ir(v));
  }
  return operands;
}

namespace {

Type typeLike(KernelBuilder &kb, std::string_view op, const Shape &shape,
              DType type) {
  return shapedType(op, shape, mlirElementType(&kb.context(), type));
}

enum class Arith { Add, Sub, Mul, Div, Rem };

Value arithmetic(std::string_view op, Arith kind, const Value &lhs,
                 const Value &rhs) {
  bool divOrMod = kind == Arith::Div || kind == Arith::Rem;
  Operands o = prepare(op, lhs, rhs, divOrMod);
  KernelBuilder &kb = *o.kb;
  mlir::Value a = ir(o.lhs), b = ir(o.rhs), result;
  if (isFloat(o.type)) {
    switch (kind) {
    case Arith::Add:
      result = create<arith::AddFOp>(kb, a, b);
      break;
    case Arith::Sub:
      result = create<arith::SubFOp>(kb, a, b);
      break;
    case Arith::Mul:
      result = create<arith::MulFOp>(kb, a, b);
      break;
    case Arith::Div:
      result = create<arith::DivFOp>(kb, a, b);
      break;
    case Arith::Rem:
      result = create<arith::RemFOp>(kb, a, b);
      break;
    }
  } else {
    bool unsignedOp = isUnsigned(o.type);
    switch (kind) {
    case Arith::Add:
      result = create<arith::AddIOp>(kb, a, b);
      break;
    case Arith::Sub:
      result = create<arith::SubIOp>(kb, a, b);
      break;
    case Arith::Mul:
      result = create<arith::MulIOp>(kb, a, b);
      break;
    case Arith::Div:
      result = unsignedOp ? create<arith::DivUIOp>(kb, a, b).getResult()
                          : create<arith::DivSIOp>(kb, a, b).getResult();
      break;
    case Arith::Rem:
      result = unsignedOp ? create<arith::RemUIOp>(kb, a, b).getResult()
                          : create<arith::RemSIOp>(kb, a, b).getResult();
      break;
    }
  }
  return wrap(kb, result, o.type);
}

/// ptr + offset (tt.addptr), broadcasting either side.
Value addPointer(std::string_view op, const Value &ptr, const Value &offset,
                 bool negate) {
  KernelBuilder &kb = ownerOf(op, {&ptr, &offset});
  if (offset.isPointer())
    fail(str(op) + ": cannot combine two pointers (" + ptr.typeString() +
         " and " + offset.typeString() + ")");
  if (isFloat(offset.dtype()))
    fail(str(op) + ": a pointer offset must be an integer, got " +
         offset.typeString());
  Shape shape = broadcastShapes(op, ptr.shape(), offset.shape());
  shapedType(op, shape, scalarType(ptr));
  Value off = offset.isLiteral() ? materializeAlone(kb, op, offset) : offset;
  // tt.addptr treats offsets as signed: widen unsigned and bool offsets so
  // that large unsigned values stay positive, as Triton does.
  if (off.dtype() == DType::I1)
    off = cast(off, DType::I32);
  else if (isUnsigned(off.dtype()) && bitWidth(off.dtype()) < 64)
    off = cast(off, DType::I64);
  if (negate)
    off = -off;
  Value p = broadcastValue(op, ptr, shape);
  off = broadcastValue(op, off, shape);
  auto result = create<tt::AddPtrOp>(kb, ir(p).getType(), ir(p), ir(off));
  return wrap(kb, result.getResult(), ptr.dtype());
}

Value compare(std::string_view op, arith::CmpIPredicate signedPred,
              arith::CmpIPredicate unsignedPred, arith::CmpFPredicate floatPred,
              const Value &lhs, const Value &rhs) {
  Operands o = prepare(op, lhs, rhs, false);
  KernelBuilder &kb = *o.kb;
  mlir::Value result;
  if (isFloat(o.type))
    result = create<arith::CmpFOp>(kb, floatPred, ir(o.lhs), ir(o.rhs));
  else
    result = create<arith::CmpIOp>(
        kb, isUnsigned(o.type) ? unsignedPred : signedPred, ir(o.lhs),
        ir(o.rhs));
  return wrap(kb, result, DType::I1);
}

enum class Bitwise { And, Or, Xor, Shl, Shr, ShrLogical };

Value bitwise(std::string_view op, Bitwise kind, const Value &lhs,
              const Value &rhs) {
  ownerOf(op, {&lhs, &rhs});
  rejectPointers(op, lhs, rhs);
  if (isFloat(lhs.dtype()) || isFloat(rhs.dtype()))
    fail(str(op) + ": operands must be integers, got " + lhs.typeString() +
         " and " + rhs.typeString() + " (bitcast floats to integers first)");
  Operands o = prepare(op, lhs, rhs, false);
  KernelBuilder &kb = *o.kb;
  mlir::Value a = ir(o.lhs), b = ir(o.rhs), result;
  switch (kind) {
  case Bitwise::And:
    result = create<arith::AndIOp>(kb, a, b);
    break;
  case Bitwise::Or:
    result = create<arith::OrIOp>(kb, a, b);
    break;
  case Bitwise::Xor:
    result = create<arith::XOrIOp>(kb, a, b);
    break;
  case Bitwise::Shl:
    result = create<arith::ShLIOp>(kb, a, b);
    break;
  case Bitwise::Shr:
    result = isUnsigned(o.type) ? create<arith::ShRUIOp>(kb, a, b).getResult()
                                : create<arith::ShRSIOp>(kb, a, b).getResult();
    break;
  case Bitwise::ShrLogical:
    result = create<arith::ShRUIOp>(kb, a, b);
    break;
  }
  return wrap(kb, result, o.type);
}

/// The single operand of a unary op, materialised; literals are refused
/// (there is no builder to put them in).
Value unaryOperand(std::string_view op, const Value &x) {
  KernelBuilder &kb = ownerOf(op, {&x});
  (void)kb;
  if (x.isPointer())
    fail(str(op) + ": operand is a pointer (" + x.typeString() + ")");
  return x;
}

/// A float operand of a math function: integers become f32.
Value floatOperand(std::string_view op, const Value &x) {
  Value v = unaryOperand(op, x);
  if (!isFloat(v.dtype()))
    v = cast(v, DType::F32);
  return v;
}

template <typename OpTy> Value mathUnary(std::string_view op, const Value &x) {
  Value v = floatOperand(op, x);
  KernelBuilder &kb = *v.builder();
  return wrap(kb, create<OpTy>(kb, ir(v)).getResult(), v.dtype());
}

DType sumType(DType type) {
  if (type == DType::I1)
    return DType::I32;
  if (isInteger(type) && bitWidth(type) < 32)
    return isUnsigned(type) ? DType::U32 : DType::I32;
  return type;
}

int normalizeAxis(std::string_view op, int axis, int64_t rank,
                  bool allowEnd = false) {
  int64_t limit = rank + (allowEnd ? 1 : 0);
  if (axis < -limit || axis >= limit)
    fail(str(op) + ": axis " + std::to_string(axis) +
         " is out of range for a rank-" + std::to_string(rank) + " tensor");
  return axis < 0 ? static_cast<int>(axis + limit) : axis;
}

Value requireTensor(std::string_view op, const Value &x) {
  ownerOf(op, {&x});
  if (!x.isTensor())
    fail(str(op) + ": needs a tensor, got " + x.typeString());
  return x;
}

unsigned log2Exact(std::string_view op, int64_t n) {
  if (n <= 0 || !llvm::isPowerOf2_64(n))
    fail(str(op) + ": size " + std::to_string(n) + " is not a power of two");
  return llvm::Log2_64(n);
}

} // namespace

//===----------------------------------------------------------------------===//
// Operators
//===----------------------------------------------------------------------===//

Value operator+(const Value &lhs, const Value &rhs) {
  ownerOf("+", {&lhs, &rhs});
  if (lhs.isPointer())
    return addPointer("+", lhs, rhs, false);
  if (rhs.isPointer())
    return addPointer("+", rhs, lhs, false);
  return arithmetic("+", Arith::Add, lhs, rhs);
}

Value operator-(const Value &lhs, const Value &rhs) {
  ownerOf("-", {&lhs, &rhs});
  if (lhs.isPointer())
    return addPointer("-", lhs, rhs, true);
  if (rhs.isPointer())
    fail("-: cannot subtract a pointer (" + rhs.typeString() + ") from " +
         lhs.typeString());
  return arithmetic("-", Arith::Sub, lhs, rhs);
}

Value operator*(const Value &lhs, const Value &rhs) {
  return arithmetic("*", Arith::Mul, lhs, rhs);
}
Value operator/(const Value &lhs, const Value &rhs) {
  return arithmetic("/", Arith::Div, lhs, rhs);
}
Value operator%(const Value &lhs, const Value &rhs) {
  return arithmetic("%", Arith::Rem, lhs, rhs);
}
Value operator<<(const Value &lhs, const Value &rhs) {
  return bitwise("<<", Bitwise::Shl, lhs, rhs);
}
Value operator>>(const Value &lhs, const Value &rhs) {
  return bitwise(">>", Bitwise::Shr, lhs, rhs);
}
Value operator&(const Value &lhs, const Value &rhs) {
  return bitwise("&", Bitwise::And, lhs, rhs);
}
Value operator|(const Value &lhs, const Value &rhs) {
  return bitwise("|", Bitwise::Or, lhs, rhs);
}
Value operator^(const Value &lhs, const Value &rhs) {
  return bitwise("^", Bitwise::Xor, lhs, rhs);
}
Value shrLogical(const Value &lhs, const Value &rhs) {
  return bitwise("shrLogical", Bitwise::ShrLogical, lhs, rhs);
}

using IP = arith::CmpIPredicate;
using FP = arith::CmpFPredicate;
Value operator<(const Value &lhs, const Value &rhs) {
  return compare("<", IP::slt, IP::ult, FP::OLT, lhs, rhs);
}
Value operator<=(const Value &lhs, const Value &rhs) {
  return compare("<=", IP::sle, IP::ule, FP::OLE, lhs, rhs);
}
Value operator>(const Value &lhs, const Value &rhs) {
  return compare(">", IP::sgt, IP::ugt, FP::OGT, lhs, rhs);
}
Value operator>=(const Value &lhs, const Value &rhs) {
  return compare(">=", IP::sge, IP::uge, FP::OGE, lhs, rhs);
}
Value operator==(const Value &lhs, const Value &rhs) {
  return compare("==", IP::eq, IP::eq, FP::OEQ, lhs, rhs);
}
Value operator!=(const Value &lhs, const Value &rhs) {
  return compare("!=", IP::ne, IP::ne, FP::UNE, lhs, rhs);
}

Value operator-(const Value &operand) {
  Value x = unaryOperand("unary -", operand);
  // Triton negates as 0 - x (so -0.0 is +0.0 - 0.0), not with negf.
  return arithmetic("unary -", Arith::Sub, Value(0), x);
}

Value operator~(const Value &operand) {
  Value x = unaryOperand("~", operand);
  if (isFloat(x.dtype()))
    fail("~: needs an integer, got " + x.typeString());
  return bitwise("~", Bitwise::Xor, x, Value(-1));
}

Value operator!(const Value &operand) {
  Value x = unaryOperand("!", operand);
  return x == Value(0);
}

Value &operator+=(Value &lhs, const Value &rhs) { return lhs = lhs + rhs; }
Value &operator-=(Value &lhs, const Value &rhs) { return lhs = lhs - rhs; }
Value &operator*=(Value &lhs, const Value &rhs) { return lhs = lhs * rhs; }

Value trueDiv(const Value &lhs, const Value &rhs) {
  const char *op = "trueDiv";
  ownerOf(op, {&lhs, &rhs});
  rejectPointers(op, lhs, rhs);
  Value a = lhs, b = rhs;
  // Triton's truediv: integers divide as f32.
  if (!isFloat(a.dtype()) && !isFloat(b.dtype())) {
    a = a.isLiteral() ? Value(double(ValueAccess::literalInt(a)))
                      : cast(a, DType::F32);
    b = b.isLiteral() ? Value(double(ValueAccess::literalInt(b)))
                      : cast(b, DType::F32);
  }
  return arithmetic(op, Arith::Div, a, b);
}

Value floorDiv(const Value &lhs, const Value &rhs) {
  const char *op = "floorDiv";
  Operands o = prepare(op, lhs, rhs, true);
  if (isFloat(o.type))
    return floor(o.lhs / o.rhs);
  if (isUnsigned(o.type))
    return o.lhs / o.rhs;
  KernelBuilder &kb = *o.kb;
  return wrap(kb, create<arith::FloorDivSIOp>(kb, ir(o.lhs), ir(o.rhs)),
              o.type);
}

Value cdiv(const Value &lhs, const Value &rhs) {
  // Triton's (x + div - 1) // div, with div - 1 folded when div is a C++
  // constant (a constexpr there).
  if (rhs.isLiteral() && !ValueAccess::isFloatLiteral(rhs))
    return (lhs + Value(ValueAccess::literalInt(rhs) - 1)) / rhs;
  return (lhs + rhs - Value(1)) / rhs;
}

Value logicalAnd(const Value &lhs, const Value &rhs) {
  return cast(lhs, DType::I1) & cast(rhs, DType::I1);
}
Value logicalOr(const Value &lhs, const Value &rhs) {
  return cast(lhs, DType::I1) | cast(rhs, DType::I1);
}

//===----------------------------------------------------------------------===//
// Selection, min/max
//===----------------------------------------------------------------------===//

Value where(const Value &cond, const Value &a, const Value &b) {
  const char *op = "where";
  KernelBuilder &kb = ownerOf(op, {&cond, &a, &b});
  Value c = cond;
  if (c.isPointer())
    fail(str(op) + ": the condition is a pointer (" + c.typeString() + ")");
  Value x, y;
  Shape shape =
      broadcastShapes(op, broadcastShapes(op, c.shape(), a.shape()), b.shape());
  if (a.isPointer() || b.isPointer()) {
    if (!a.isPointer() || !b.isPointer() || scalarType(a) != scalarType(b))
      fail(str(op) + ": both values must be pointers of one type, got " +
           a.typeString() + " and " + b.typeString());
    x = broadcastValue(op, a, shape);
    y = broadcastValue(op, b, shape);
  } else {
    DType type = promoteTypes(op, a, b, false);
    shapedType(op, shape, mlirElementType(&kb.context(), type));
    x = conform(kb, op, a, type, shape);
    y = conform(kb, op, b, type, shape);
  }
  c = c.isLiteral() ? materialize(kb, op, c, DType::I1, shape)
                    : broadcastValue(op, cast(c, DType::I1), shape);
  auto select = create<arith::SelectOp>(kb, ir(c), ir(x), ir(y));
  return wrap(kb, select.getResult(), x.dtype());
}

namespace {
Value minMax(std::string_view op, bool isMax, const Value &a, const Value &b,
             PropagateNan nan) {
  Operands o = prepare(op, a, b, false);
  KernelBuilder &kb = *o.kb;
  mlir::Value x = ir(o.lhs), y = ir(o.rhs), result;
  if (isFloat(o.type)) {
    if (nan == PropagateNan::All)
      result = isMax ? create<arith::MaximumFOp>(kb, x, y).getResult()
                     : create<arith::MinimumFOp>(kb, x, y).getResult();
    else
      result = isMax ? create<arith::MaxNumFOp>(kb, x, y).getResult()
                     : create<arith::MinNumFOp>(kb, x, y).getResult();
  } else if (isUnsigned(o.type)) {
    result = isMax ? create<arith::MaxUIOp>(kb, x, y).getResult()
                   : create<arith::MinUIOp>(kb, x, y).getResult();
  } else {
    result = isMax ? create<arith::MaxSIOp>(kb, x, y).getResult()
                   : create<arith::MinSIOp>(kb, x, y).getResult();
  }
  return wrap(kb, result, o.type);
}
} // namespace

Value minimum(const Value &a, const Value &b, PropagateNan nan) {
  return minMax("minimum", false, a, b, nan);
}
Value maximum(const Value &a, const Value &b, PropagateNan nan) {
  return minMax("maximum", true, a, b, nan);
}

Value clamp(const Value &x, const Value &lo, const Value &hi,
            PropagateNan nan) {
  const char *op = "clamp";
  KernelBuilder &kb = ownerOf(op, {&x, &lo, &hi});
  if (x.isLiteral() || !isFloat(x.dtype()))
    return maximum(minimum(x, hi, nan), lo, nan);
  if (x.isPointer() || lo.isPointer() || hi.isPointer())
    fail(str(op) + ": operands are pointers");
  DType type = x.dtype();
  Shape shape = broadcastShapes(op, broadcastShapes(op, x.shape(), lo.shape()),
                                hi.shape());
  Value v = conform(kb, op, x, type, shape);
  Value l = conform(kb, op, lo, type, shape);
  Value h = conform(kb, op, hi, type, shape);
  auto result =
      create<tt::ClampFOp>(kb, ir(v).getType(), ir(v), ir(l), ir(h),
                           nan == PropagateNan::All ? tt::PropagateNan::ALL
                                                    : tt::PropagateNan::NONE);
  return wrap(kb, result.getResult(), type);
}

//===----------------------------------------------------------------------===//
// Math
//===----------------------------------------------------------------------===//

Value exp(const Value &x) { return mathUnary<math::ExpOp>("exp", x); }
Value exp2(const Value &x) { return mathUnary<math::Exp2Op>("exp2", x); }
Value log(const Value &x) { return mathUnary<math::LogOp>("log", x); }
Value log2(const Value &x) { return mathUnary<math::Log2Op>("log2", x); }
Value sqrt(const Value &x) { return mathUnary<math::SqrtOp>("sqrt", x); }
Value rsqrt(const Value &x) { return mathUnary<math::RsqrtOp>("rsqrt", x); }
Value sin(const Value &x) { return mathUnary<math::SinOp>("sin", x); }
Value cos(const Value &x) { return mathUnary<math::CosOp>("cos", x); }
Value tanh(const Value &x) { return mathUnary<math::TanhOp>("tanh", x); }
Value erf(const Value &x) { return mathUnary<math::ErfOp>("erf", x); }
Value floor(const Value &x) { return mathUnary<math::FloorOp>("floor", x); }
Value ceil(const Value &x) { return mathUnary<math::CeilOp>("ceil", x); }
Value sqrtRn(const Value &x) {
  return mathUnary<tt::PreciseSqrtOp>("sqrtRn", x);
}

Value abs(const Value &x) {
  Value v = unaryOperand("abs", x);
  KernelBuilder &kb = *v.builder();
  if (isFloat(v.dtype()))
    return wrap(kb, create<math::AbsFOp>(kb, ir(v)), v.dtype());
  if (isUnsigned(v.dtype()))
    return v; // Unsigned values (and bools) are their own magnitude.
  return wrap(kb, create<math::AbsIOp>(kb, ir(v)), v.dtype());
}

Value fma(const Value &a, const Value &b, const Value &c) {
  const char *op = "fma";
  KernelBuilder &kb = ownerOf(op, {&a, &b, &c});
  rejectPointers(op, a, b);
  rejectPointers(op, c, c);
  // The type of a*b (c follows it); integers compute in f32.
  DType type = a.isLiteral() && b.isLiteral() ? c.dtype()
                                              : promoteTypes(op, a, b, false);
  if (!isFloat(type))
    type = DType::F32;
  Shape shape =
      broadcastShapes(op, broadcastShapes(op, a.shape(), b.shape()), c.shape());
  shapedType(op, shape, mlirElementType(&kb.context(), type));
  Value x = conform(kb, op, a, type, shape);
  Value y = conform(kb, op, b, type, shape);
  Value z = conform(kb, op, c, type, shape);
  return wrap(kb, create<math::FmaOp>(kb, ir(x), ir(y), ir(z)), type);
}

Value divRn(const Value &x, const Value &y) {
  const char *op = "divRn";
  Operands o = prepare(op, x, y, true);
  KernelBuilder &kb = *o.kb;
  Value a = o.lhs, b = o.rhs;
  if (!isFloat(o.type)) {
    a = cast(a, DType::F32);
    b = cast(b, DType::F32);
  }
  return wrap(kb, create<tt::PreciseDivFOp>(kb, ir(a), ir(b)), a.dtype());
}

Value sigmoid(const Value &x) {
  Value v = floatOperand("sigmoid", x);
  return trueDiv(Value(1.0), Value(1.0) + exp(-v));
}

Value umulhi(const Value &x, const Value &y) {
  const char *op = "umulhi";
  ownerOf(op, {&x, &y});
  if (isFloat(x.dtype()) || isFloat(y.dtype()))
    fail(str(op) + ": needs integers, got " + x.typeString() + " and " +
         y.typeString());
  Operands o = prepare(op, x, y, false);
  KernelBuilder &kb = *o.kb;
  return wrap(kb, create<tt::MulhiUIOp>(kb, ir(o.lhs), ir(o.rhs)), o.type);
}

Value externElementwise(std::string_view libName, std::string_view libPath,
                        std::string_view symbol, const Values &args,
                        DType resultType, bool pure) {
  const char *op = "externElementwise";
  if (args.empty())
    fail(str(op) + "(" + str(symbol) + "): needs at least one argument");
  KernelBuilder *owner = nullptr;
  for (const Value &arg : args)
    if (!arg.isLiteral() && arg.isValid())
      owner = arg.builder();
  if (!owner)
    fail(str(op) + "(" + str(symbol) +
         "): at least one argument must be a Value of a KernelBuilder");
  KernelBuilder &kb = *owner;
  ElementwiseOperands operands =
      elementwiseOperands(kb, str(op) + "(" + str(symbol) + ")", args);
  auto result = create<tt::ExternElementwiseOp>(
      kb, typeLike(kb, op, operands.shape, resultType), operands.values,
      llvm::StringRef(libName.data(), libName.size()),
      llvm::StringRef(libPath.data(), libPath.size()),
      llvm::StringRef(symbol.data(), symbol.size()), pure);
  return wrap(kb, result.getResult(), resultType);
}

//===----------------------------------------------------------------------===//
// Casts
//===----------------------------------------------------------------------===//

Value cast(const Value &x, DType type) {
  const char *op = "cast";
  KernelBuilder &kb = ownerOf(op, {&x});
  Value v = x;
  Shape shape = v.shape();
  Type target = typeLike(kb, op, shape, type);
  if (v.isPointer()) {
    if (type == DType::I64)
      return ptrToInt(v);
    if (isInteger(type))
      return cast(ptrToInt(v), type);
    fail(str(op) + ": cannot cast the pointer " + v.typeString() + " to " +
         str(dtypeName(type)));
  }
  DType from = v.dtype();
  if (from == type)
    return v;
  mlir::Value src = ir(v), result;
  if (type == DType::I1) {
    // Triton: x != 0 (une for floats, so NaN is true).
    return v != Value(0);
  }
  if (isInteger(from) && isInteger(type)) {
    unsigned fromWidth = bitWidth(from), toWidth = bitWidth(type);
    if (fromWidth == toWidth)
      return wrap(kb, src, type); // Signedness only.
    if (toWidth > fromWidth)
      result = isUnsigned(from)
                   ? create<arith::ExtUIOp>(kb, target, src).getResult()
                   : create<arith::ExtSIOp>(kb, target, src).getResult();
    else
      result = create<arith::TruncIOp>(kb, target, src);
    return wrap(kb, result, type);
  }
  if (isInteger(from) && isFloat(type)) {
    if (type == DType::F8E4M3 || type == DType::F8E5M2)
      return cast(cast(v, DType::F32), type);
    result = isUnsigned(from)
                 ? create<arith::UIToFPOp>(kb, target, src).getResult()
                 : create<arith::SIToFPOp>(kb, target, src).getResult();
    return wrap(kb, result, type);
  }
  if (isFloat(from) && isInteger(type)) {
    if (from == DType::F8E4M3 || from == DType::F8E5M2)
      return cast(cast(v, DType::F32), type);
    result = isUnsigned(type)
                 ? create<arith::FPToUIOp>(kb, target, src).getResult()
                 : create<arith::FPToSIOp>(kb, target, src).getResult();
    return wrap(kb, result, type);
  }
  // Float to float.
  bool fp8 = from == DType::F8E4M3 || from == DType::F8E5M2 ||
             type == DType::F8E4M3 || type == DType::F8E5M2;
  if (fp8) {
    tt::RoundingModeAttr rounding;
    if (bitWidth(type) < bitWidth(from))
      rounding =
          tt::RoundingModeAttr::get(&kb.context(), tt::RoundingMode::RTNE);
    return wrap(kb, create<tt::FpToFpOp>(kb, target, src, rounding), type);
  }
  // fp16 <-> bf16 goes through fp32, as in Triton.
  if ((from == DType::F16 && type == DType::BF16) ||
      (from == DType::BF16 && type == DType::F16))
    return cast(cast(v, DType::F32), type);
  if (bitWidth(type) > bitWidth(from))
    result = create<arith::ExtFOp>(kb, target, src);
  else
    result = create<arith::TruncFOp>(kb, target, src);
  return wrap(kb, result, type);
}

Value bitcast(const Value &x, DType type) {
  const char *op = "bitcast";
  KernelBuilder &kb = ownerOf(op, {&x});
  if (x.isLiteral())
    fail(str(op) + ": cannot bitcast a literal; make it with kb.constant");
  Shape shape = x.shape();
  if (x.isPointer()) {
    Type target = shapedType(op, shape, pointerType(&kb.context(), type));
    if (x.dtype() == type)
      return x;
    return wrap(kb, create<tt::BitcastOp>(kb, target, ir(x)), type);
  }
  DType from = x.dtype();
  if (bitWidth(from) != bitWidth(type))
    fail(str(op) + ": " + x.typeString() + " has " +
         std::to_string(bitWidth(from)) + "-bit elements but " +
         str(dtypeName(type)) + " has " + std::to_string(bitWidth(type)) +
         " (bitcast keeps the width)");
  if (from == type)
    return x;
  // Also between i32 and u32, where the IR type stays the same: Triton emits
  // the (no-op) tt.bitcast there too.
  Type target = typeLike(kb, op, shape, type);
  return wrap(kb, create<tt::BitcastOp>(kb, target, ir(x)), type);
}

Value ptrToInt(const Value &ptr) {
  const char *op = "ptrToInt";
  KernelBuilder &kb = ownerOf(op, {&ptr});
  if (!ptr.isPointer())
    fail(str(op) + ": needs a pointer, got " + ptr.typeString());
  Type target = typeLike(kb, op, ptr.shape(), DType::I64);
  return wrap(kb, create<tt::PtrToIntOp>(kb, target, ir(ptr)), DType::I64);
}

Value intToPtr(const Value &address, DType pointee) {
  const char *op = "intToPtr";
  KernelBuilder &kb = ownerOf(op, {&address});
  if (address.isPointer() || isFloat(address.dtype()))
    fail(str(op) + ": needs an integer address, got " + address.typeString());
  Value a = cast(address, DType::I64);
  Type target = shapedType(op, a.shape(), pointerType(&kb.context(), pointee));
  return wrap(kb, create<tt::IntToPtrOp>(kb, target, ir(a)), pointee);
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

namespace {
tt::CacheModifier toTT(CacheModifier m) {
  switch (m) {
  case CacheModifier::None:
    return tt::CacheModifier::NONE;
  case CacheModifier::CA:
    return tt::CacheModifier::CA;
  case CacheModifier::CG:
    return tt::CacheModifier::CG;
  case CacheModifier::WB:
    return tt::CacheModifier::WB;
  case CacheModifier::CS:
    return tt::CacheModifier::CS;
  case CacheModifier::WT:
    return tt::CacheModifier::WT;
  case CacheModifier::CV:
    return tt::CacheModifier::CV;
  }
  return tt::CacheModifier::NONE;
}

tt::EvictionPolicy toTT(EvictionPolicy p) {
  switch (p) {
  case EvictionPolicy::Normal:
    return tt::EvictionPolicy::NORMAL;
  case EvictionPolicy::EvictFirst:
    return tt::EvictionPolicy::EVICT_FIRST;
  case EvictionPolicy::EvictLast:
    return tt::EvictionPolicy::EVICT_LAST;
  }
  return tt::EvictionPolicy::NORMAL;
}

tt::MemSemantic toTT(MemSemantic s) {
  switch (s) {
  case MemSemantic::Relaxed:
    return tt::MemSemantic::RELAXED;
  case MemSemantic::Acquire:
    return tt::MemSemantic::ACQUIRE;
  case MemSemantic::Release:
    return tt::MemSemantic::RELEASE;
  case MemSemantic::AcquireRelease:
    return tt::MemSemantic::ACQUIRE_RELEASE;
  }
  return tt::MemSemantic::ACQUIRE_RELEASE;
}

tt::MemSyncScope toTT(MemScope s) {
  switch (s) {
  case MemScope::Gpu:
    return tt::MemSyncScope::GPU;
  case MemScope::Cta:
    return tt::MemSyncScope::CTA;
  case MemScope::System:
    return tt::MemSyncScope::SYSTEM;
  }
  return tt::MemSyncScope::GPU;
}

/// A mask broadcast to `shape`: i1 values only, as Triton requires.
Value conformMask(KernelBuilder &kb, std::string_view op, const Value &mask,
                  const Shape &shape) {
  checkUsable(kb, op, mask, "the mask");
  if (mask.isLiteral()) {
    if (!ValueAccess::literalIsBool(mask))
      fail(str(op) + ": the mask must be boolean, got " + mask.typeString());
    return materialize(kb, op, mask, DType::I1, shape);
  }
  if (mask.isPointer() || mask.dtype() != DType::I1)
    fail(str(op) + ": the mask must be boolean (i1), got " + mask.typeString() +
         " (compare it, e.g. offs < n)");
  return broadcastValue(op, mask, shape);
}

void checkPointer(std::string_view op, const Value &ptr) {
  if (!ptr.isPointer())
    fail(str(op) +
         ": the address must be a pointer or a tensor of pointers, "
         "got " +
         ptr.typeString());
}
} // namespace

Value load(const Value &ptr, const LoadOptions &options) {
  const char *op = "load";
  KernelBuilder &kb = ownerOf(op, {&ptr});
  checkPointer(op, ptr);
  Shape shape = ptr.shape();
  if (options.mask.isValid()) {
    checkUsable(kb, op, options.mask, "the mask");
    shape = broadcastShapes(op, shape, options.mask.shape());
  }
  if (options.other.isValid()) {
    if (!options.mask.isValid())
      fail(str(op) + ": `other` needs a mask (it fills the masked-off lanes)");
    checkUsable(kb, op, options.other, "`other`");
    if (options.other.isPointer())
      fail(str(op) + ": `other` must be a number, got " +
           options.other.typeString());
    shape = broadcastShapes(op, shape, options.other.shape());
  }
  switch (options.cache) {
  case CacheModifier::None:
  case CacheModifier::CA:
  case CacheModifier::CG:
  case CacheModifier::CV:
    break;
  default:
    fail(str(op) + ": cache modifier must be none, .ca, .cg or .cv for loads");
  }
  if (options.l2Prefetch != 0 && options.l2Prefetch != 64 &&
      options.l2Prefetch != 128 && options.l2Prefetch != 256)
    fail(str(op) + ": l2Prefetch must be 0, 64, 128 or 256 (bytes), got " +
         std::to_string(options.l2Prefetch));
  if (options.l2Prefetch && options.isVolatile)
    fail(str(op) + ": a volatile load takes no l2Prefetch");
  DType pointee = ptr.dtype();
  shapedType(op, shape, scalarType(ptr));
  // Triton keeps bools as bytes in memory.
  DType memType = pointee == DType::I1 ? DType::I8 : pointee;
  Value p = broadcastValue(op, ptr, shape);
  if (memType != pointee)
    p = bitcast(p, memType);
  mlir::Value mask, other;
  if (options.mask.isValid())
    mask = ir(conformMask(kb, op, options.mask, shape));
  if (options.other.isValid())
    other = ir(conform(kb, op, options.other, memType, shape));
  Type resultType = typeLike(kb, op, shape, memType);
  auto load = create<tt::LoadOp>(kb, resultType, ir(p), mask, other,
                                 ArrayRef<int32_t>{}, tt::PaddingOptionAttr(),
                                 toTT(options.cache), toTT(options.eviction),
                                 options.isVolatile);
  if (options.l2Prefetch)
    load->setAttr(tx::TritiumDialect::kL2PrefetchAttrName,
                  mlir::IntegerAttr::get(
                      mlir::IntegerType::get(&kb.context(), 32),
                      options.l2Prefetch));
  Value result = wrap(kb, load.getResult(), memType);
  if (memType != pointee)
    result = cast(result, DType::I1);
  return result;
}

void prefetchL2(const Value &ptr, const Value &bytes) {
  const char *op = "prefetchL2";
  KernelBuilder &kb = ownerOf(op, {&ptr, &bytes});
  checkPointer(op, ptr);
  if (ptr.isTensor())
    fail(str(op) +
         ": the range starts at one pointer, got a tensor of "
         "pointers " +
         ptr.typeString());
  // Literals too: a float or bool literal is no byte count either.
  if (bytes.isPointer() || bytes.isTensor() || !isInteger(bytes.dtype()) ||
      bytes.dtype() == DType::I1)
    fail(str(op) + ": the byte count must be a scalar integer, got " +
         bytes.typeString());
  Value size = conform(kb, op, bytes, DType::I64, {});
  create<tx::PrefetchL2Op>(kb, ir(ptr), ir(size));
}

void store(const Value &ptr, const Value &value, const StoreOptions &options) {
  const char *op = "store";
  KernelBuilder &kb = ownerOf(op, {&ptr, &value});
  checkPointer(op, ptr);
  if (value.isPointer())
    fail(str(op) + ": storing pointers is not supported (store ptrToInt)");
  Shape shape = ptr.shape();
  if (!value.isLiteral() && value.isTensor()) {
    Shape joint = broadcastShapes(op, shape, value.shape());
    if (joint != shape)
      fail(str(op) + ": value of shape " + shapeToString(value.shape()) +
           " does not fit the pointers' shape " + shapeToString(shape));
  }
  if (options.mask.isValid()) {
    checkUsable(kb, op, options.mask, "the mask");
    Shape joint = broadcastShapes(op, shape, options.mask.shape());
    if (joint != shape)
      fail(str(op) + ": mask of shape " + shapeToString(options.mask.shape()) +
           " does not fit the pointers' shape " + shapeToString(shape));
  }
  switch (options.cache) {
  case CacheModifier::None:
  case CacheModifier::WB:
  case CacheModifier::CG:
  case CacheModifier::CS:
  case CacheModifier::WT:
    break;
  default:
    fail(str(op) +
         ": cache modifier must be none, .wb, .cg, .cs or .wt for stores");
  }
  DType pointee = ptr.dtype();
  DType memType = pointee == DType::I1 ? DType::I8 : pointee;
  Value p = ptr;
  if (memType != pointee)
    p = bitcast(p, memType);
  Value v = conform(kb, op, value, memType, shape);
  mlir::Value mask;
  if (options.mask.isValid())
    mask = ir(conformMask(kb, op, options.mask, shape));
  auto store = create<tt::StoreOp>(kb, ir(p), ir(v), mask, ArrayRef<int32_t>{},
                                   toTT(options.cache), toTT(options.eviction));
  if (options.sparse)
    store->setAttr(tx::TritiumDialect::kSparseStoreAttrName,
                   mlir::UnitAttr::get(store->getContext()));
}

namespace {
Value atomicRmw(std::string_view op, tt::RMWOp kind, const Value &ptr,
                const Value &value, const Value &mask, MemSemantic sem,
                MemScope scope, std::optional<DType> memTypeOverride = {}) {
  KernelBuilder &kb = ownerOf(op, {&ptr, &value});
  checkPointer(op, ptr);
  if (value.isPointer())
    fail(str(op) + ": the value is a pointer (" + value.typeString() + ")");
  Shape shape = broadcastShapes(op, ptr.shape(), value.shape());
  if (mask.isValid()) {
    checkUsable(kb, op, mask, "the mask");
    shape = broadcastShapes(op, shape, mask.shape());
  }
  DType type = memTypeOverride ? *memTypeOverride : ptr.dtype();
  shapedType(op, shape, scalarType(ptr));
  Value p = broadcastValue(op, ptr, shape);
  if (type != ptr.dtype())
    p = bitcast(p, type);
  Value v = conform(kb, op, value, type, shape);
  // Triton always passes a mask (all true when none is given); so do we, so
  // that the IR is the same.
  mlir::Value m = ir(mask.isValid() ? conformMask(kb, op, mask, shape)
                                    : kb.full(shape, Value(true), DType::I1));
  auto rmw = create<tt::AtomicRMWOp>(kb, ir(v).getType(), kind, ir(p), ir(v), m,
                                     toTT(sem), toTT(scope));
  return wrap(kb, rmw.getResult(), type);
}

/// Triton's float atomic max/min: floats with the sign bit clear order like
/// signed integers, those with it set like unsigned integers in reverse; each
/// lane does the one integer atomic that suits its sign.
Value atomicFloatMinMax(std::string_view op, bool isMax, const Value &ptr,
                        const Value &value, const AtomicOptions &options) {
  KernelBuilder &kb = ownerOf(op, {&ptr, &value});
  DType type = ptr.dtype();
  if (type != DType::F32 && type != DType::F64)
    fail(str(op) + ": floats must be fp32 or fp64, got " +
         str(dtypeName(type)));
  DType intType = type == DType::F32 ? DType::I32 : DType::I64;
  Shape shape = broadcastShapes(op, ptr.shape(), value.shape());
  if (options.mask.isValid()) {
    checkUsable(kb, op, options.mask, "the mask");
    shape = broadcastShapes(op, shape, options.mask.shape());
  }
  shapedType(op, shape, scalarType(ptr));
  Value v = conform(kb, op, value, type, shape);
  Value p = broadcastValue(op, ptr, shape);
  Value mask = options.mask.isValid() ? conformMask(kb, op, options.mask, shape)
                                      : kb.full(shape, Value(true), DType::I1);
  Value bits = bitcast(v, intType);
  Value intPtr = bitcast(p, intType);
  Value negative = shrLogical(bits, int(bitWidth(intType)) - 1) != 0;
  Value positive = negative ^ true;
  Value positiveOld =
      atomicRmw(op, isMax ? tt::RMWOp::MAX : tt::RMWOp::MIN, intPtr, bits,
                mask & positive, options.sem, options.scope);
  Value negativeOld =
      atomicRmw(op, isMax ? tt::RMWOp::UMIN : tt::RMWOp::UMAX, intPtr, bits,
                mask & negative, options.sem, options.scope);
  return bitcast(where(positive, positiveOld, negativeOld), type);
}

Value atomicInteger(std::string_view op, tt::RMWOp kind, const Value &ptr,
                    const Value &value, const AtomicOptions &options) {
  ownerOf(op, {&ptr, &value});
  checkPointer(op, ptr);
  if (isFloat(ptr.dtype()))
    fail(str(op) + ": needs integer pointers, got " + ptr.typeString());
  return atomicRmw(op, kind, ptr, value, options.mask, options.sem,
                   options.scope);
}
} // namespace

Value atomicAdd(const Value &ptr, const Value &value,
                const AtomicOptions &options) {
  const char *op = "atomicAdd";
  ownerOf(op, {&ptr, &value});
  checkPointer(op, ptr);
  return atomicRmw(op, isFloat(ptr.dtype()) ? tt::RMWOp::FADD : tt::RMWOp::ADD,
                   ptr, value, options.mask, options.sem, options.scope);
}

Value atomicMax(const Value &ptr, const Value &value,
                const AtomicOptions &options) {
  const char *op = "atomicMax";
  ownerOf(op, {&ptr, &value});
  checkPointer(op, ptr);
  if (isFloat(ptr.dtype()))
    return atomicFloatMinMax(op, true, ptr, value, options);
  return atomicRmw(op,
                   isUnsigned(ptr.dtype()) ? tt::RMWOp::UMAX : tt::RMWOp::MAX,
                   ptr, value, options.mask, options.sem, options.scope);
}

Value atomicMin(const Value &ptr, const Value &value,
                const AtomicOptions &options) {
  const char *op = "atomicMin";
  ownerOf(op, {&ptr, &value});
  checkPointer(op, ptr);
  if (isFloat(ptr.dtype()))
    return atomicFloatMinMax(op, false, ptr, value, options);
  return atomicRmw(op,
                   isUnsigned(ptr.dtype()) ? tt::RMWOp::UMIN : tt::RMWOp::MIN,
                   ptr, value, options.mask, options.sem, options.scope);
}

Value atomicAnd(const Value &ptr, const Value &value,
                const AtomicOptions &options) {
  return atomicInteger("atomicAnd", tt::RMWOp::AND, ptr, value, options);
}
Value atomicOr(const Value &ptr, const Value &value,
               const AtomicOptions &options) {
  return atomicInteger("atomicOr", tt::RMWOp::OR, ptr, value, options);
}
Value atomicXor(const Value &ptr, const Value &value,
                const AtomicOptions &options) {
  return atomicInteger("atomicXor", tt::RMWOp::XOR, ptr, value, options);
}
Value atomicXchg(const Value &ptr, const Value &value,
                 const AtomicOptions &options) {
  const char *op = "atomicXchg";
  ownerOf(op, {&ptr, &value});
  checkPointer(op, ptr);
  return atomicRmw(op, tt::RMWOp::XCHG, ptr, value, options.mask, options.sem,
                   options.scope);
}

Value atomicCas(const Value &ptr, const Value &compare, const Value &value,
                MemSemantic sem, MemScope scope) {
  const char *op = "atomicCas";
  KernelBuilder &kb = ownerOf(op, {&ptr, &compare, &value});
  checkPointer(op, ptr);
  DType type = ptr.dtype();
  if (bitWidth(type) != 16 && bitWidth(type) != 32 && bitWidth(type) != 64)
    fail(str(op) + ": needs 16-, 32- or 64-bit elements, got " +
         ptr.typeString());
  Shape shape = broadcastShapes(
      op, broadcastShapes(op, ptr.shape(), compare.shape()), value.shape());
  shapedType(op, shape, scalarType(ptr));
  Value p = broadcastValue(op, ptr, shape);
  Value c = conform(kb, op, compare, type, shape);
  Value v = conform(kb, op, value, type, shape);
  auto cas = create<tt::AtomicCASOp>(kb, ir(v).getType(), ir(p), ir(c), ir(v),
                                     toTT(sem), toTT(scope));
  return wrap(kb, cas.getResult(), type);
}

//===----------------------------------------------------------------------===//
// Shapes
//===----------------------------------------------------------------------===//

Value expandDims(const Value &x, int axis) {
  const char *op = "expandDims";
  KernelBuilder &kb = ownerOf(op, {&x});
  if (!x.isTensor())
    fail(str(op) + ": needs a tensor, got " + x.typeString() +
         " (broadcastTo makes a tensor of a scalar)");
  Shape shape = x.shape();
  int a = normalizeAxis(op, axis, static_cast<int64_t>(shape.size()), true);
  shape.insert(shape.begin() + a, 1);
  Type type = shapedType(op, shape, scalarType(x));
  return wrap(kb, create<tt::ExpandDimsOp>(kb, type, ir(x), uint32_t(a)),
              x.dtype());
}

Value broadcastTo(const Value &x, const Shape &shape) {
  const char *op = "broadcastTo";
  ownerOf(op, {&x});
  if (x.isLiteral())
    fail(str(op) + ": cannot broadcast a literal; use kb.full");
  shapedType(op, shape, scalarType(x));
  return broadcastValue(op, x, shape);
}

Value reshape(const Value &x, const Shape &shape, bool canReorder) {
  const char *op = "reshape";
  KernelBuilder &kb = ownerOf(op, {&x});
  requireTensor(op, x);
  int64_t numel = 1;
  for (int64_t size : shape)
    numel *= size;
  if (shape.empty() || numel != x.numel())
    fail(str(op) + ": cannot reshape " + shapeToString(x.shape()) + " (" +
         std::to_string(x.numel()) + " elements) to " + shapeToString(shape));
  if (shape == x.shape())
    return x;
  Type type = shapedType(op, shape, scalarType(x));
  return wrap(kb, create<tt::ReshapeOp>(kb, type, ir(x), canReorder),
              x.dtype());
}

Value ravel(const Value &x) {
  requireTensor("ravel", x);
  return reshape(x, {x.numel()}, true);
}

Value trans(const Value &x, std::vector<int32_t> order) {
  const char *op = "trans";
  KernelBuilder &kb = ownerOf(op, {&x});
  requireTensor(op, x);
  Shape shape = x.shape();
  size_t rank = shape.size();
  if (order.empty())
    for (size_t i = 0; i < rank; ++i)
      order.push_back(static_cast<int32_t>(rank - 1 - i));
  std::vector<int32_t> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  bool isPermutation = sorted.size() == rank;
  for (size_t i = 0; isPermutation && i < rank; ++i)
    isPermutation = sorted[i] == static_cast<int32_t>(i);
  if (!isPermutation)
    fail(str(op) + ": order must be a permutation of 0.." +
         std::to_string(rank - 1) + " for shape " + shapeToString(shape));
  Shape result;
  for (int32_t d : order)
    result.push_back(shape[d]);
  Type type = shapedType(op, result, scalarType(x));
  return wrap(kb, create<tt::TransOp>(kb, type, ir(x), order), x.dtype());
}

Value join(const Value &a, const Value &b) {
  const char *op = "join";
  KernelBuilder &kb = ownerOf(op, {&a, &b});
  if (a.isLiteral() || b.isLiteral() || a.isPointer() != b.isPointer() ||
      scalarType(a) != scalarType(b) || a.shape() != b.shape())
    fail(str(op) + ": needs two values of one type and shape, got " +
         a.typeString() + " and " + b.typeString());
  Value x = a, y = b;
  if (!a.isTensor()) {
    x = broadcastValue(op, a, {1});
    y = broadcastValue(op, b, {1});
    Value joined = join(x, y);
    return reshape(joined, {2});
  }
  Shape shape = a.shape();
  shape.push_back(2);
  Type type = shapedType(op, shape, scalarType(a));
  return wrap(kb, create<tt::JoinOp>(kb, type, ir(x), ir(y)), a.dtype());
}

std::pair<Value, Value> split(const Value &x) {
  const char *op = "split";
  KernelBuilder &kb = ownerOf(op, {&x});
  requireTensor(op, x);
  Shape shape = x.shape();
  if (shape.back() != 2)
    fail(str(op) + ": the last dimension must be 2, got shape " +
         shapeToString(shape));
  shape.pop_back();
  if (shape.empty())
    fail(str(op) + ": splitting a [2] tensor into scalars is not supported; "
                   "reshape to [1, 2] first");
  Type type = shapedType(op, shape, scalarType(x));
  auto s = create<tt::SplitOp>(kb, type, type, ir(x));
  return {wrap(kb, s.getOutLHS(), x.dtype()),
          wrap(kb, s.getOutRHS(), x.dtype())};
}

Value cat(const Value &a, const Value &b) {
  const char *op = "cat";
  KernelBuilder &kb = ownerOf(op, {&a, &b});
  if (a.isLiteral() || b.isLiteral() || !a.isTensor() ||
      ir(a).getType() != ir(b).getType())
    fail(str(op) + ": needs two tensors of one type, got " + a.typeString() +
         " and " + b.typeString());
  Shape shape = a.shape();
  shape[0] *= 2;
  Type type = shapedType(op, shape, scalarType(a));
  return wrap(kb, create<tt::CatOp>(kb, type, ir(a), ir(b)), a.dtype());
}

Value gather(const Value &src, const Value &indices, int axis) {
  const char *op = "gather";
  KernelBuilder &kb = ownerOf(op, {&src, &indices});
  requireTensor(op, src);
  requireTensor(op, indices);
  if (isFloat(indices.dtype()) || indices.isPointer())
    fail(str(op) + ": indices must be integers, got " + indices.typeString());
  Shape s = src.shape(), i = indices.shape();
  if (s.size() != i.size())
    fail(str(op) + ": source " + shapeToString(s) + " and indices " +
         shapeToString(i) + " must have the same rank");
  int a = normalizeAxis(op, axis, static_cast<int64_t>(s.size()));
  for (size_t d = 0; d < s.size(); ++d)
    if (static_cast<int>(d) != a && i[d] != s[d])
      fail(str(op) + ": indices " + shapeToString(i) + " must match source " +
           shapeToString(s) + " in every dimension but axis " +
           std::to_string(a));
  Type type = shapedType(op, i, scalarType(src));
  return wrap(kb,
              create<tt::GatherOp>(kb, type, ir(src), ir(indices), uint32_t(a)),
              src.dtype());
}

//===----------------------------------------------------------------------===//
// Dot
//===----------------------------------------------------------------------===//

Value dot(const Value &a, const Value &b, Value acc, InputPrecision precision,
          int maxNumImpreciseAcc) {
  const char *op = "dot";
  KernelBuilder &kb = ownerOf(op, {&a, &b});
  requireTensor(op, a);
  requireTensor(op, b);
  Shape as = a.shape(), bs = b.shape();
  if (a.isPointer() || b.isPointer())
    fail(str(op) + ": operands are pointers");
  if (as.size() != bs.size() || (as.size() != 2 && as.size() != 3))
    fail(str(op) + ": operands must both be 2-D (or 3-D batched), got " +
         shapeToString(as) + " and " + shapeToString(bs));
  size_t r = as.size();
  if (as[r - 1] != bs[r - 2] || (r == 3 && as[0] != bs[0]))
    fail(str(op) + ": shapes " + shapeToString(as) + " x " + shapeToString(bs) +
         " do not multiply (K " + std::to_string(as[r - 1]) + " vs " +
         std::to_string(bs[r - 2]) + ")");
  if (as[r - 2] < 16 || as[r - 1] < 16 || bs[r - 1] < 16)
    fail(str(op) +
         ": every dimension must be at least 16 (Triton's "
         "minimum), got " +
         shapeToString(as) + " x " + shapeToString(bs));
  DType at = a.dtype(), bt = b.dtype();
  bool fp8 = (at == DType::F8E4M3 || at == DType::F8E5M2) &&
             (bt == DType::F8E4M3 || bt == DType::F8E5M2);
  if (at != bt && !fp8)
    fail(str(op) + ": operand types differ: " + a.typeString() + " and " +
         b.typeString() + " (cast one of them)");
  Shape resultShape = as;
  resultShape[r - 1] = bs[r - 1];
  DType accType = isFloat(at) ? DType::F32 : DType::I32;
  if (!isFloat(at) && bitWidth(at) != 8)
    fail(str(op) + ": integer operands must be int8, got " + a.typeString());
  Value c;
  if (acc.isValid()) {
    checkUsable(kb, op, acc, "the accumulator");
    if (acc.isLiteral()) {
      c = kb.full(resultShape, acc, accType);
    } else {
      if (acc.shape() != resultShape)
        fail(str(op) + ": accumulator shape " + shapeToString(acc.shape()) +
             " must be " + shapeToString(resultShape));
      c = acc;
      accType = acc.dtype();
      if (isFloat(accType) != isFloat(at))
        fail(str(op) + ": accumulator " + acc.typeString() +
             " does not suit operands " + a.typeString());
    }
  } else {
    c = kb.zeros(resultShape, accType);
  }
  auto precisionAttr = [&] {
    switch (precision) {
    case InputPrecision::TF32:
      return tt::InputPrecision::TF32;
    case InputPrecision::TF32x3:
      return tt::InputPrecision::TF32x3;
    case InputPrecision::IEEE:
      return tt::InputPrecision::IEEE;
    case InputPrecision::BF16x3:
      return tt::InputPrecision::BF16x3;
    case InputPrecision::BF16x6:
      return tt::InputPrecision::BF16x6;
    }
    return tt::InputPrecision::IEEE;
  }();
  if (maxNumImpreciseAcc < 0)
    fail(str(op) + ": maxNumImpreciseAcc must not be negative");
  auto d = create<tt::DotOp>(kb, ir(c).getType(), ir(a), ir(b), ir(c),
                             precisionAttr, uint32_t(maxNumImpreciseAcc));
  return wrap(kb, d.getResult(), accType);
}

//===----------------------------------------------------------------------===//
// Reductions and scans
//===----------------------------------------------------------------------===//

void buildCombineRegion(KernelBuilder &kb, std::string_view op, Region &region,
                        const std::vector<DType> &types, const Combine &combine,
                        bool isReduce) {
  MLIRContext *ctx = &kb.context();
  Block *block = new Block();
  region.push_back(block);
  SmallVector<Type> scalarTypes;
  for (DType t : types)
    scalarTypes.push_back(mlirElementType(ctx, t));
  SmallVector<Type> argTypes(scalarTypes);
  argTypes.append(scalarTypes.begin(), scalarTypes.end());
  SmallVector<Location> locs(argTypes.size(), implOf(kb).loc);
  block->addArguments(argTypes, locs);
  InsertionGuard guard(kb, block);
  Values lhs, rhs;
  for (size_t i = 0; i < types.size(); ++i) {
    lhs.push_back(ValueAccess::make(kb, block->getArgument(i), types[i]));
    rhs.push_back(
        ValueAccess::make(kb, block->getArgument(i + types.size()), types[i]));
  }
  Values combined = combine(lhs, rhs);
  if (combined.size() != types.size())
    fail(str(op) + ": the combine function returns " +
         std::to_string(combined.size()) + " values for " +
         std::to_string(types.size()) + " inputs");
  SmallVector<mlir::Value> results;
  for (size_t i = 0; i < combined.size(); ++i) {
    const Value &v = combined[i];
    checkUsable(kb, op, v, "combine result #" + std::to_string(i));
    if (v.isTensor() || v.isPointer())
      fail(str(op) + ": combine result #" + std::to_string(i) +
           " must be a scalar number, got " + v.typeString());
    Value typed = v.isLiteral() ? materialize(kb, op, v, types[i]) : v;
    if (scalarType(typed) != scalarTypes[i])
      fail(str(op) + ": combine result #" + std::to_string(i) + " is " +
           typed.typeString() + " but the input is " +
           str(dtypeName(types[i])) + " (cast it)");
    results.push_back(ir(typed));
  }
  if (isReduce)
    create<tt::ReduceReturnOp>(kb, results);
  else
    create<tt::ScanReturnOp>(kb, results);
}

namespace {
/// Checks the inputs of reduce/scan: tensors of one shape and builder.
KernelBuilder &checkReductionInputs(std::string_view op, const Values &inputs) {
  if (inputs.empty())
    fail(str(op) + ": needs at least one input");
  KernelBuilder *kb = nullptr;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Value &v = inputs[i];
    if (!v.isValid() || v.isLiteral())
      fail(str(op) + ": input #" + std::to_string(i) +
           " must be a tensor, got " + v.typeString());
    if (kb && v.builder() != kb)
      fail(str(op) + ": inputs belong to different kernel builders");
    kb = v.builder();
    checkUsable(*kb, op, v, "input #" + std::to_string(i));
    if (!v.isTensor() || v.isPointer())
      fail(str(op) + ": input #" + std::to_string(i) +
           " must be a tensor of numbers, got " + v.typeString());
    if (v.shape() != inputs[0].shape())
      fail(str(op) + ": inputs have different shapes: " +
           shapeToString(inputs[0].shape()) + " and " +
           shapeToString(v.shape()));
  }
  return *kb;
}
} // namespace

Values reduce(const Values &inputs, std::optional<int> axis,
              const Combine &combine, bool keepDims) {
  const char *op = "reduce";
  KernelBuilder &kb = checkReductionInputs(op, inputs);
  Shape shape = inputs[0].shape();
  if (!axis) {
    // Over everything: flatten (any order will do), reduce axis 0.
    Values flat;
    for (const Value &v : inputs)
      flat.push_back(reshape(v, {v.numel()}, /*canReorder=*/true));
    Values results = reduce(flat, 0, combine, false);
    if (keepDims)
      for (Value &v : results)
        v = broadcastValue(op, v, Shape(shape.size(), 1));
    return results;
  }
  int a = normalizeAxis(op, *axis, static_cast<int64_t>(shape.size()));
  Shape resultShape = shape;
  resultShape.erase(resultShape.begin() + a);
  SmallVector<Type> resultTypes;
  std::vector<DType> types;
  SmallVector<mlir::Value> srcs;
  for (const Value &v : inputs) {
    resultTypes.push_back(shapedType(op, resultShape, scalarType(v)));
    types.push_back(v.dtype());
    srcs.push_back(ir(v));
  }
  auto reduceOp =
      create<tt::ReduceOp>(kb, TypeRange(resultTypes), srcs, uint32_t(a));
  eraseOnError(reduceOp, [&] {
    buildCombineRegion(kb, op, reduceOp.getCombineOp(), types, combine, true);
  });
  Values results;
  for (size_t i = 0; i < inputs.size(); ++i) {
    Value r = wrap(kb, reduceOp.getResult()[i], types[i]);
    if (keepDims)
      r = resultShape.empty() ? broadcastValue(op, r, {1}) : expandDims(r, a);
    results.push_back(r);
  }
  return results;
}

Value sum(const Value &x, std::optional<int> axis, bool keepDims) {
  requireTensor("sum", x);
  Value input = cast(x, sumType(x.dtype()));
  return reduce(
      {input}, axis,
      [](const Values &l, const Values &r) -> Values { return {l[0] + r[0]}; },
      keepDims)[0];
}

namespace {
/// tl.max / tl.min: narrow types are widened first, as Triton does.
Value extremum(std::string_view op, bool isMax, const Value &x,
               std::optional<int> axis, bool keepDims) {
  requireTensor(op, x);
  Value input = x;
  if (bitWidth(x.dtype()) < 32)
    input = cast(x, isFloat(x.dtype()) ? DType::F32 : DType::I32);
  return reduce(
      {input}, axis,
      [isMax](const Values &l, const Values &r) -> Values {
        return {isMax ? maximum(l[0], r[0]) : minimum(l[0], r[0])};
      },
      keepDims)[0];
}

/// Triton's _reduce_with_indices with the tie-break-left combine.
std::pair<Value, Value> extremumWithIndex(std::string_view op, bool isMax,
                                          const Value &x, int axis,
                                          bool keepDims) {
  KernelBuilder &kb = *requireTensor(op, x).builder();
  Shape shape = x.shape();
  int a = normalizeAxis(op, axis, static_cast<int64_t>(shape.size()));
  Value index = kb.arange(0, shape[a]);
  for (int d = 0; d < static_cast<int>(shape.size()); ++d)
    if (d != a)
      index = expandDims(index, d);
  index = broadcastValue(op, index, shape);
  Values results = reduce(
      {x, index}, a,
      [isMax](const Values &l, const Values &r) -> Values {
        // Sequenced like Triton's _argmax_combine, so the IR reads alike.
        Value equal = l[0] == r[0];
        Value tie = equal & (l[1] < r[1]);
        Value better = isMax ? (l[0] > r[0]) : (l[0] < r[0]);
        Value pick = better | tie;
        return {where(pick, l[0], r[0]), where(pick, l[1], r[1])};
      },
      keepDims);
  return {results[0], results[1]};
}
} // namespace

Value max(const Value &x, std::optional<int> axis, bool keepDims) {
  return extremum("max", true, x, axis, keepDims);
}
Value min(const Value &x, std::optional<int> axis, bool keepDims) {
  return extremum("min", false, x, axis, keepDims);
}

Value xorSum(const Value &x, std::optional<int> axis, bool keepDims) {
  requireTensor("xorSum", x);
  if (isFloat(x.dtype()))
    fail("xorSum: needs integers, got " + x.typeString());
  return reduce(
      {x}, axis,
      [](const Values &l, const Values &r) -> Values { return {l[0] ^ r[0]}; },
      keepDims)[0];
}

std::pair<Value, Value> maxWithIndex(const Value &x, int axis, bool keepDims) {
  return extremumWithIndex("maxWithIndex", true, x, axis, keepDims);
}
std::pair<Value, Value> minWithIndex(const Value &x, int axis, bool keepDims) {
  return extremumWithIndex("minWithIndex", false, x, axis, keepDims);
}
Value argmax(const Value &x, int axis, bool keepDims) {
  return extremumWithIndex("argmax", true, x, axis, keepDims).second;
}
Value argmin(const Value &x, int axis, bool keepDims) {
  return extremumWithIndex("argmin", false, x, axis, keepDims).second;
}

Values scan(const Values &inputs, int axis, const Combine &combine,
            bool reverse) {
  const char *op = "scan";
  KernelBuilder &kb = checkReductionInputs(op, inputs);
  Shape shape = inputs[0].shape();
  int a = normalizeAxis(op, axis, static_cast<int64_t>(shape.size()));
  SmallVector<Type> resultTypes;
  std::vector<DType> types;
  SmallVector<mlir::Value> srcs;
  for (const Value &v : inputs) {
    resultTypes.push_back(ir(v).getType());
    types.push_back(v.dtype());
    srcs.push_back(ir(v));
  }
  auto scanOp = create<tt::ScanOp>(kb, TypeRange(resultTypes), srcs,
                                   uint32_t(a), reverse);
  eraseOnError(scanOp, [&] {
    buildCombineRegion(kb, op, scanOp.getCombineOp(), types, combine, false);
  });
  Values results;
  for (size_t i = 0; i < inputs.size(); ++i)
    results.push_back(wrap(kb, scanOp.getResult()[i], types[i]));
  return results;
}

Value cumsum(const Value &x, int axis, bool reverse) {
  requireTensor("cumsum", x);
  Value input = x.dtype() == DType::BF16 ? cast(x, DType::F32) : x;
  input = cast(input, sumType(input.dtype()));
  return scan(
      {input}, axis,
      [](const Values &l, const Values &r) -> Values { return {l[0] + r[0]}; },
      reverse)[0];
}

Value cumprod(const Value &x, int axis, bool reverse) {
  requireTensor("cumprod", x);
  Value input = x.dtype() == DType::BF16 ? cast(x, DType::F32) : x;
  return scan(
      {input}, axis,
      [](const Values &l, const Values &r) -> Values { return {l[0] * r[0]}; },
      reverse)[0];
}

namespace {
/// The checks tt.histogram and tx.weighted_histogram share: a 1-D integer
/// source, a positive number of bins; the mask, if any, made i1 of the
/// source's shape.
mlir::Value checkHistogramOperands(KernelBuilder &kb, const char *op,
                                   const Value &x, int64_t numBins,
                                   const Value &mask) {
  requireTensor(op, x);
  if (x.rank() != 1)
    fail(str(op) + ": needs a 1-D tensor, got shape " +
         shapeToString(x.shape()));
  if (isFloat(x.dtype()) || x.isPointer())
    fail(str(op) + ": needs integers, got " + x.typeString());
  if (numBins <= 0)
    fail(str(op) + ": the number of bins must be positive, got " +
         std::to_string(numBins));
  return mask.isValid() ? ir(conformMask(kb, op, mask, x.shape()))
                        : mlir::Value();
}
} // namespace

Value histogram(const Value &x, int64_t numBins, const Value &mask) {
  const char *op = "histogram";
  KernelBuilder &kb = ownerOf(op, {&x});
  mlir::Value m = checkHistogramOperands(kb, op, x, numBins, mask);
  Type type = typeLike(kb, op, {numBins}, DType::I32);
  return wrap(kb, create<tt::HistogramOp>(kb, type, ir(x), m), DType::I32);
}

Value weightedHistogram(const Value &x, const Value &weights, int64_t numBins,
                        const Value &mask) {
  const char *op = "weightedHistogram";
  KernelBuilder &kb = ownerOf(op, {&x, &weights});
  mlir::Value m = checkHistogramOperands(kb, op, x, numBins, mask);
  checkUsable(kb, op, weights, "the weights");
  if (weights.isPointer() || (!weights.isLiteral() && isFloat(weights.dtype())))
    fail(str(op) + ": the weights must be integers, got " +
         weights.typeString());
  Value w = conform(kb, op, weights, DType::I32, x.shape());
  Type type = typeLike(kb, op, {numBins}, DType::I32);
  return wrap(kb, create<tx::WeightedHistogramOp>(kb, type, ir(x), ir(w), m),
              DType::I32);
}

//===----------------------------------------------------------------------===//
// Sorting (Triton's standard library, on a hypercube of 2s)
//===----------------------------------------------------------------------===//

namespace {
DType signedOfWidth(std::string_view op, unsigned width) {
  switch (width) {
  case 8:
    return DType::I8;
  case 16:
    return DType::I16;
  case 32:
    return DType::I32;
  case 64:
    return DType::I64;
  default:
    fail(str(op) + ": unsupported element width " + std::to_string(width));
  }
}

/// arange(0, 2) reshaped so that dimension `nDims - 1 - j` holds [0, 1].
Value indicator(KernelBuilder &kb, unsigned nDims, unsigned j) {
  Shape shape(nDims, 1);
  shape[nDims - 1 - j] = 2;
  return reshape(kb.arange(0, 2), shape);
}

/// The partner of every element along the i-th innermost dimension, found
/// with an xor reduction (Triton's trick; the xors cancel in codegen).
Value flipAlongMiddle(std::string_view op, const Value &x, unsigned nDims,
                      unsigned i) {
  DType intType = signedOfWidth(op, bitWidth(x.dtype()));
  Value ix = bitcast(x, intType);
  Value iy = ix ^ xorSum(ix, static_cast<int>(nDims - 1 - i), true);
  return bitcast(iy, x.dtype());
}

Value compareAndSwap(std::string_view op, KernelBuilder &kb, const Value &x,
                     const Value &flip, unsigned i) {
  unsigned nDims = log2Exact(op, x.numel());
  Value y = flipAlongMiddle(op, x, nDims, i);
  Value isRight = indicator(kb, nDims, i);
  return where((x > y) != (flip ^ isRight), y, x);
}

/// order: 0 ascending, 1 descending, 2 alternating.
Value bitonicMergeHypercube(std::string_view op, KernelBuilder &kb,
                            const Value &x, unsigned stage, int order) {
  Value flip = order == 2 ? indicator(kb, log2Exact(op, x.numel()), stage)
                          : Value(order);
  Value result = x;
  for (unsigned i = 0; i < stage; ++i)
    result = compareAndSwap(op, kb, result, flip, stage - 1 - i);
  return result;
}

/// Reduction keeping the element type (unlike tl.max's widening), for topk.
Value extremumSameType(const Value &x, int axis, bool isMax) {
  return reduce({x}, axis, [isMax](const Values &l, const Values &r) -> Values {
    return {isMax ? maximum(l[0], r[0]) : minimum(l[0], r[0])};
  })[0];
}

Value sortImpl(std::string_view op, const Value &x, std::optional<int64_t> k,
               bool descending) {
  KernelBuilder &kb = *requireTensor(op, x).builder();
  if (x.isPointer())
    fail(str(op) + ": cannot sort pointers");
  Shape shape = x.shape();
  unsigned logN = log2Exact(op, shape.back());
  unsigned logK = k ? log2Exact(op, *k) : logN;
  if (logK > logN)
    fail(str(op) + ": k = " + std::to_string(*k) +
         " exceeds the dimension's size " + std::to_string(shape.back()));
  unsigned nDims = log2Exact(op, x.numel());
  if (nDims == 0)
    return x;
  Value h = reshape(x, Shape(nDims, 2));
  for (unsigned i = 1; i <= logK; ++i)
    h = bitonicMergeHypercube(op, kb, h, i,
                              i < logN ? 2 : (descending ? 1 : 0));
  for (unsigned i = logK + 1; i <= logN; ++i) {
    int axis =
        static_cast<int>(log2Exact(op, h.numel())) - 1 - static_cast<int>(logK);
    h = extremumSameType(h, axis, descending);
    h = bitonicMergeHypercube(op, kb, h, logK,
                              i < logN ? 2 : (descending ? 1 : 0));
  }
  Shape resultShape(shape.begin(), shape.end() - 1);
  resultShape.push_back(int64_t(1) << logK);
  return reshape(h, resultShape);
}
} // namespace

Value sort(const Value &x, bool descending) {
  return sortImpl("sort", x, std::nullopt, descending);
}

Value topk(const Value &x, int64_t k) {
  return sortImpl("topk", x, k, /*descending=*/true);
}

Value flip(const Value &x, std::optional<int> axis) {
  const char *op = "flip";
  requireTensor(op, x);
  Shape shape = x.shape();
  int a = axis ? normalizeAxis(op, *axis, static_cast<int64_t>(shape.size()))
               : static_cast<int>(shape.size()) - 1;
  unsigned steps = log2Exact(op, shape[a]);
  if (steps == 0)
    return x;
  DType intType =
      signedOfWidth(op, bitWidth(x.dtype()) == 1 ? 8 : bitWidth(x.dtype()));
  Value input = x.dtype() == DType::I1 ? cast(x, DType::I8) : x;
  Shape cube(shape.begin(), shape.begin() + a);
  for (unsigned i = 0; i < steps; ++i)
    cube.push_back(2);
  cube.insert(cube.end(), shape.begin() + a + 1, shape.end());
  Value y = reshape(bitcast(input, intType), cube);
  for (unsigned i = 0; i < steps; ++i)
    y = y ^ xorSum(y, a + static_cast<int>(i), true);
  Value result = bitcast(reshape(y, shape), input.dtype());
  return x.dtype() == DType::I1 ? cast(result, DType::I1) : result;
}

//===----------------------------------------------------------------------===//
// Hints
//===----------------------------------------------------------------------===//

namespace {
Value hint(std::string_view op, const char *attrName, const Value &x,
           const std::vector<int> &values) {
  KernelBuilder &kb = ownerOf(op, {&x});
  if (x.isLiteral())
    fail(str(op) + ": needs a Value, not a literal");
  size_t rank = std::max<size_t>(1, x.shape().size());
  if (values.size() != rank)
    fail(str(op) + ": needs " + std::to_string(rank) +
         " values (one per dimension), got " + std::to_string(values.size()));
  for (int v : values)
    if (v <= 0)
      fail(str(op) + ": values must be positive");
  Operation *def = ir(x).getDefiningOp();
  if (!def)
    fail(str(op) + ": cannot annotate a block argument; hint the kernel "
                   "argument with ArgAttrs instead");
  SmallVector<int32_t> ints(values.begin(), values.end());
  def->setAttr(attrName,
               DenseIntElementsAttr::get(
                   RankedTensorType::get({int64_t(ints.size())},
                                         IntegerType::get(&kb.context(), 32)),
                   ArrayRef<int32_t>(ints)));
  return x;
}
} // namespace

Value multipleOf(const Value &x, std::vector<int> values) {
  return hint("multipleOf", "tt.divisibility", x, values);
}
Value maxContiguous(const Value &x, std::vector<int> values) {
  return hint("maxContiguous", "tt.contiguity", x, values);
}
Value maxConstancy(const Value &x, std::vector<int> values) {
  return hint("maxConstancy", "tt.constancy", x, values);
}

} // namespace tritium::builder
