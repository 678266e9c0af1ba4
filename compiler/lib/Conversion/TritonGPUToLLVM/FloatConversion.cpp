//===- FloatConversion.cpp - Conversions between float types -------------===//
//
// Widening to f16/bf16/f32/f64 is fpext, except from fp8. Narrowing to
// f16/bf16/f32 is fptrunc when rounding to nearest, and the rz forms of cvt
// when rounding toward zero (cvt.rz.f16x2.f32 / cvt.rz.bf16x2.f32 take two
// values; f64 goes through cvt.rz.f32.f64 first: rounding toward zero
// twice is rounding toward zero once).
//
// fp8 has instructions only from sm_89 and only for f8E4M3FN and f8E5M2,
// rounding to nearest: cvt.rn.f16x2.e4m3x2 (and e5m2x2) widen two values to
// f16, cvt.rn.satfinite.e4m3x2.f32 / .f16x2 narrow two. As Triton, bf16 is
// narrowed through f32 and fp8 widened to bf16 / f32 through f16, all
// exactly. Everything else is FloatBits.h's integer code, which rounds and
// saturates as those instructions do (NaN to 0x7f too): the FNUZ formats,
// rounding toward zero, all fp8 before sm_89, fp8 <-> fp8 (exactly to f32,
// then rounded once) and f64 -> fp8 (rounded once, from the f64 bits: the
// f32 instruction after an f64 -> f32 rounding could round twice).
//
//===----------------------------------------------------------------------===//

#include "FloatConversion.h"

#include "tritium/Conversion/FloatBits.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::triton;
using namespace mlir::triton::lowering;
namespace fb = tritium::floatbits;

namespace {

/// FloatBits.h's builder interface, emitting LLVM integer ops of one width.
class LLVMBits {
public:
  using Value = mlir::Value;

  LLVMBits(OpBuilder &b, Location loc, unsigned width)
      : b(b), loc(loc), type(b.getIntegerType(width)) {}

  unsigned width() const { return type.getWidth(); }
  Value constant(uint64_t v) {
    if (width() < 64)
      v &= (uint64_t(1) << width()) - 1;
    return LLVM::ConstantOp::create(b, loc, type,
                                    b.getIntegerAttr(type, APInt(width(), v)));
  }
  Value add(Value x, Value y) { return LLVM::AddOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return LLVM::SubOp::create(b, loc, x, y); }
  Value and_(Value x, Value y) { return LLVM::AndOp::create(b, loc, x, y); }
  Value or_(Value x, Value y) { return LLVM::OrOp::create(b, loc, x, y); }
  Value shl(Value x, Value s) { return LLVM::ShlOp::create(b, loc, x, s); }
  Value lshr(Value x, Value s) { return LLVM::LShrOp::create(b, loc, x, s); }
  Value ctlz(Value x) {
    return LLVM::CountLeadingZerosOp::create(b, loc, type, x,
                                             /*is_zero_poison=*/false);
  }
  Value eq(Value x, Value y) { return icmp(LLVM::ICmpPredicate::eq, x, y); }
  Value ne(Value x, Value y) { return icmp(LLVM::ICmpPredicate::ne, x, y); }
  Value ult(Value x, Value y) { return icmp(LLVM::ICmpPredicate::ult, x, y); }
  Value select(Value c, Value x, Value y) {
    return LLVM::SelectOp::create(b, loc, c, x, y);
  }
  Value zext(Value c) { return LLVM::ZExtOp::create(b, loc, type, c); }

  /// `value` (a float, or fp8 as i8) as zero-extended bits of this width.
  Value bitsOf(Value value) {
    Type t = value.getType();
    if (!isa<IntegerType>(t))
      value = LLVM::BitcastOp::create(
          b, loc, b.getIntegerType(t.getIntOrFloatBitWidth()), value);
    if (value.getType() != type)
      value = LLVM::ZExtOp::create(b, loc, type, value);
    return value;
  }
  /// The low bits of `bits` as a value of tt float type `dst`.
  Value valueOf(Value bits, FloatType dst) {
    unsigned w = dst.getWidth();
    if (w < width())
      bits = LLVM::TruncOp::create(b, loc, b.getIntegerType(w), bits);
    if (w == 8)
      return bits;
    return LLVM::BitcastOp::create(b, loc, dst, bits);
  }

private:
  Value icmp(LLVM::ICmpPredicate p, Value x, Value y) {
    return LLVM::ICmpOp::create(b, loc, p, x, y);
  }
  OpBuilder &b;
  Location loc;
  IntegerType type;
};

fb::Format formatOf(FloatType type) {
  return TypeSwitch<Type, fb::Format>(type)
      .Case<Float8E4M3FNType>([](auto) { return fb::kE4M3FN; })
      .Case<Float8E5M2Type>([](auto) { return fb::kE5M2; })
      .Case<Float8E4M3FNUZType>([](auto) { return fb::kE4M3FNUZ; })
      .Case<Float8E5M2FNUZType>([](auto) { return fb::kE5M2FNUZ; })
      .Case<Float8E4M3B11FNUZType>([](auto) { return fb::kE4M3B11FNUZ; })
      .Case<Float16Type>([](auto) { return fb::kF16; })
      .Case<BFloat16Type>([](auto) { return fb::kBF16; })
      .Case<Float32Type>([](auto) { return fb::kF32; })
      .Case<Float64Type>([](auto) { return fb::kF64; })
      .Default([](Type type) -> fb::Format {
        llvm_unreachable("not a tt float type");
      });
}

/// fp8 -> float (exactly), with integer operations.
Value widenInSoftware(OpBuilder &b, Location loc, Value value, FloatType src,
                      FloatType dst) {
  fb::Format from = formatOf(src), to = formatOf(dst);
  if (fb::isTopOf(from, to)) {
    LLVMBits bits(b, loc, 32);
    return bits.valueOf(fb::widenByShift(bits, bits.bitsOf(value), from, to),
                        dst);
  }
  if (!fb::widensExactly(from, to)) {
    // Below dst's normals (f8E5M2FNUZ -> f16): exactly to f32 first, then a
    // truncation that does not round.
    Value wide = widenInSoftware(b, loc, value, src, b.getF32Type());
    return LLVM::FPTruncOp::create(b, loc, dst, wide);
  }
  LLVMBits bits(b, loc, std::max(32u, to.width));
  return bits.valueOf(fb::widen(bits, bits.bitsOf(value), from, to), dst);
}

/// float -> fp8, rounding once, with integer operations.
Value narrowInSoftware(OpBuilder &b, Location loc, Value value, FloatType src,
                       FloatType dst, fb::Rounding rounding) {
  FloatType f32 = b.getF32Type();
  // f16 and bf16 widen exactly to f32, and fp8 too: FloatBits' narrowing
  // starts from f32 or f64.
  if (src.getWidth() == 8)
    value = widenInSoftware(b, loc, value, src, f32);
  else if (src.getWidth() == 16)
    value = LLVM::FPExtOp::create(b, loc, f32, value);
  if (src.getWidth() < 32)
    src = f32;
  fb::Format from = formatOf(src), to = formatOf(dst);
  assert(fb::narrowsDirectly(from, to));
  LLVMBits bits(b, loc, from.width);
  return bits.valueOf(fb::narrow(bits, bits.bitsOf(value), from, to, rounding),
                      dst);
}

bool hasFp8Cvt(unsigned computeCapability, FloatType type) {
  return computeCapability >= 89 && isa<Float8E4M3FNType, Float8E5M2Type>(type);
}

Value vectorOf(OpBuilder &b, Location loc, Value x0, Value x1) {
  auto type = VectorType::get(2, x0.getType());
  Value vector = LLVM::UndefOp::create(b, loc, type);
  vector =
      LLVM::InsertElementOp::create(b, loc, vector, x0, i32Const(b, loc, 0));
  return LLVM::InsertElementOp::create(b, loc, vector, x1, i32Const(b, loc, 1));
}

std::pair<Value, Value> elementsOf(OpBuilder &b, Location loc, Value vector) {
  return {LLVM::ExtractElementOp::create(b, loc, vector, i32Const(b, loc, 0)),
          LLVM::ExtractElementOp::create(b, loc, vector, i32Const(b, loc, 1))};
}

/// `convert` (two values in, their results out, in order) over `values`,
/// two at a time; an odd one out is paired with itself.
SmallVector<Value>
inPairs(ArrayRef<Value> values,
        function_ref<std::pair<Value, Value>(Value, Value)> convert) {
  SmallVector<Value> results;
  for (size_t i = 0; i < values.size(); i += 2) {
    bool single = i + 1 == values.size();
    auto [r0, r1] = convert(values[i], values[single ? i : i + 1]);
    results.push_back(r0);
    if (!single)
      results.push_back(r1);
  }
  return results;
}

} // namespace

SmallVector<Value> lowering::convertFloats(OpBuilder &b, Location loc,
                                           ArrayRef<Value> values,
                                           FloatType src, FloatType dst,
                                           std::optional<RoundingMode> rounding,
                                           unsigned computeCapability) {
  if (src == dst)
    return SmallVector<Value>(values);
  bool towardZero = rounding == RoundingMode::RTZ;
  MLIRContext *context = b.getContext();
  FloatType f16 = b.getF16Type(), f32 = b.getF32Type();
  fb::Rounding bitsRounding =
      towardZero ? fb::Rounding::TowardZero : fb::Rounding::NearestEven;
  auto map = [&](ArrayRef<Value> in, function_ref<Value(Value)> f) {
    return llvm::map_to_vector(in, [&](Value v) { return f(v); });
  };
  auto extend = [&](Type to) {
    return [&b, loc, to](Value v) -> Value {
      return LLVM::FPExtOp::create(b, loc, to, v);
    };
  };
  unsigned srcWidth = src.getWidth(), dstWidth = dst.getWidth();

  if (srcWidth == 8) {
    if (dstWidth == 8) // exactly to f32, then rounded once
      return map(values, [&](Value v) {
        return narrowInSoftware(b, loc, widenInSoftware(b, loc, v, src, f32),
                                f32, dst, bitsRounding);
      });
    if (!hasFp8Cvt(computeCapability, src))
      return map(values,
                 [&](Value v) { return widenInSoftware(b, loc, v, src, dst); });
    SmallVector<Value> halves = inPairs(values, [&](Value x0, Value x1) {
      Value pair = NVVM::ConvertF8x2ToF16x2Op::create(
          b, loc, VectorType::get(2, f16), vectorOf(b, loc, x0, x1),
          b.getBoolAttr(false), TypeAttr::get(src));
      return elementsOf(b, loc, pair);
    });
    if (dst == f16)
      return halves;
    SmallVector<Value> wide = map(halves, extend(dstWidth == 64 ? dst : f32));
    if (dst.isBF16()) // every fp8 value is a bf16: this does not round
      return map(wide, [&](Value v) -> Value {
        return LLVM::FPTruncOp::create(b, loc, dst, v);
      });
    return wide;
  }

  if (dstWidth == 8) {
    if (towardZero || srcWidth == 64 || !hasFp8Cvt(computeCapability, dst))
      return map(values, [&](Value v) {
        return narrowInSoftware(b, loc, v, src, dst, bitsRounding);
      });
    auto bytes = VectorType::get(2, b.getI8Type());
    if (src.isF16())
      return inPairs(values, [&](Value x0, Value x1) {
        Value pair = NVVM::ConvertF16x2ToF8x2Op::create(
            b, loc, bytes, vectorOf(b, loc, x0, x1), b.getBoolAttr(false),
            TypeAttr::get(dst));
        return elementsOf(b, loc, pair);
      });
    SmallVector<Value> wide =
        src.isBF16() ? map(values, extend(f32)) : SmallVector<Value>(values);
    return inPairs(wide, [&](Value x0, Value x1) {
      // The first operand goes to the high byte.
      Value pair = NVVM::ConvertF32x2ToF8x2Op::create(
          b, loc, bytes, x1, x0,
          NVVM::FPRoundingModeAttr::get(context, NVVM::FPRoundingMode::RN),
          NVVM::SaturationModeAttr::get(context,
                                        NVVM::SaturationMode::SATFINITE),
          b.getBoolAttr(false), TypeAttr::get(dst));
      return elementsOf(b, loc, pair);
    });
  }

  if (dstWidth > srcWidth)
    return map(values, extend(dst));
  SmallVector<Value> narrowed(values);
  if (dstWidth == srcWidth) { // f16 <-> bf16, through f32 (exact for both)
    narrowed = map(values, extend(f32));
    src = f32;
  }
  if (!towardZero)
    return map(narrowed, [&](Value v) -> Value {
      return LLVM::FPTruncOp::create(b, loc, dst, v);
    });
  if (src.isF64()) {
    narrowed = map(narrowed, [&](Value v) -> Value {
      return LLVM::CallIntrinsicOp::create(b, loc, f32,
                                           b.getStringAttr("llvm.nvvm.d2f.rz"),
                                           ValueRange{v})
          .getResult(0);
    });
    if (dst == f32)
      return narrowed;
  }
  auto rz = NVVM::FPRoundingModeAttr::get(context, NVVM::FPRoundingMode::RZ);
  auto pairType = VectorType::get(2, dst);
  return inPairs(narrowed, [&](Value x0, Value x1) {
    // src_hi (x1) goes to the high half, element 1.
    Value pair = dst.isF16()
                     ? NVVM::ConvertF32x2ToF16x2Op::create(b, loc, pairType, x1,
                                                           x0, Value(), rz)
                           .getResult()
                     : NVVM::ConvertF32x2ToBF16x2Op::create(b, loc, pairType,
                                                            x1, x0, Value(), rz)
                           .getResult();
    return elementsOf(b, loc, pair);
  });
}

Value lowering::widenFp8(OpBuilder &b, Location loc, Value value, FloatType src,
                         FloatType dst) {
  return widenInSoftware(b, loc, value, src, dst);
}
