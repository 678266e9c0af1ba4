//===- AxisInfo.cpp - Contiguity, divisibility and constancy --------------===//
//
// A sparse forward data-flow analysis (MLIR's DataFlowSolver) whose lattice
// value is AxisInfo. Every transfer function below is derived from the
// definitions in AxisInfo.h; the comments give the argument where it is not
// obvious, because a claim that is too strong becomes a wrong vector access.
//
// Two facts are used throughout:
//   * All run lengths and divisibilities are powers of two (tensor sizes are,
//     divisibilities are by definition), so gcd is min and "aligned blocks of
//     length L" nest: a block of a shorter run lies inside a block of a longer
//     one.
//   * An aligned block of L consecutive values whose first value is a
//     multiple of L never steps over a multiple of L. In particular it never
//     wraps around (2^w and 2^(w-1) are multiples of L), so comparisons,
//     divisions and sign extensions treat the whole block alike.
//
//===----------------------------------------------------------------------===//

#include "tritium/Analysis/AxisInfo.h"

#include "tritium/Dialect/Triton/IR/Dialect.h"

#include "mlir/Analysis/DataFlow/ConstantPropagationAnalysis.h"
#include "mlir/Analysis/DataFlow/DeadCodeAnalysis.h"
#include "mlir/Analysis/DataFlow/SparseAnalysis.h"
#include "mlir/Analysis/DataFlowFramework.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
#include <numeric>

using namespace mlir;
using namespace mlir::triton;

//===----------------------------------------------------------------------===//
// Arithmetic on run lengths and divisibilities
//===----------------------------------------------------------------------===//

namespace {
using DimVector = AxisInfo::DimVector;
constexpr int64_t kMaxDivisor = AxisInfo::kMaxDivisor;

/// The largest power of two dividing `v` (kMaxDivisor for 0, which every
/// power of two divides).
int64_t pow2Divisor(int64_t v) {
  if (v == 0)
    return kMaxDivisor;
  uint64_t u = static_cast<uint64_t>(v);
  uint64_t low = u & (~u + 1);
  return low > static_cast<uint64_t>(kMaxDivisor) ? kMaxDivisor
                                                  : static_cast<int64_t>(low);
}

/// Product of two powers of two, saturating at kMaxDivisor.
int64_t mulPow2(int64_t a, int64_t b) {
  return a > kMaxDivisor / b ? kMaxDivisor : a * b;
}

int64_t gcd3(int64_t a, int64_t b, int64_t c) {
  return std::gcd(a, std::gcd(b, c));
}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

/// A pointer to a scalar (not a block pointer, whose value is a descriptor).
bool isScalarPointer(Type type) {
  auto ptr = dyn_cast<PointerType>(type);
  return ptr && !isa<RankedTensorType>(ptr.getPointeeType());
}

bool isPointerLike(Type type) {
  return isScalarPointer(getElementTypeOrSelf(type));
}

/// Integers, indices and pointers, scalar or tensor: what the analysis models.
bool isTracked(Type type) {
  Type element = getElementTypeOrSelf(type);
  return isa<IntegerType, IndexType>(element) || isScalarPointer(element);
}

/// Bit width of the elements of an integer-like or pointer-like type.
unsigned getBitWidth(Type type) {
  if (auto intType = dyn_cast<IntegerType>(getElementTypeOrSelf(type)))
    return intType.getWidth();
  return 64; // index and pointers
}

/// Size in bytes of what a pointer (or tensor of pointers) points to. i1 is
/// stored as a byte, as Triton does.
int64_t getPointeeBytes(Type ptrLike) {
  auto ptr = cast<PointerType>(getElementTypeOrSelf(ptrLike));
  Type pointee = ptr.getPointeeType();
  if (isa<PointerType>(pointee))
    return 8;
  unsigned bits = pointee.getIntOrFloatBitWidth();
  return std::max<int64_t>(1, llvm::divideCeil(bits, 8));
}

/// A scalar is analysed as a tensor of shape [1].
DimVector getAnalysisShape(Type type) {
  if (auto tensor = dyn_cast<RankedTensorType>(type))
    return DimVector(tensor.getShape());
  return DimVector{1};
}

/// The constant `v` as a `width`-bit value, in the canonical int64 form:
/// sign-extended, except i1 which is 0 or 1.
int64_t canonicalConstant(const APInt &v) {
  return v.getBitWidth() == 1 ? static_cast<int64_t>(v.getZExtValue())
                              : v.getSExtValue();
}

APInt toAPInt(int64_t v, unsigned width) {
  return APInt(width, static_cast<uint64_t>(v), /*isSigned=*/false,
               /*implicitTrunc=*/true);
}

//===----------------------------------------------------------------------===//
// Facts: a mutable AxisInfo for the transfer functions
//===----------------------------------------------------------------------===//

/// What a transfer function computes, before finalize() clamps it to the
/// result type.
struct Facts {
  DimVector contiguity, divisibility, constancy;
  std::optional<int64_t> constant;
  bool nonNegative = false;

  /// Nothing known, for `rank` dimensions.
  explicit Facts(unsigned rank)
      : contiguity(rank, 1), divisibility(rank, 1), constancy(rank, 1) {}
  explicit Facts(const AxisInfo &info)
      : contiguity(info.getContiguity()), divisibility(info.getDivisibility()),
        constancy(info.getConstancy()), constant(info.getConstantValue()),
        nonNegative(info.isNonNegative()) {}

  unsigned rank() const { return contiguity.size(); }
};

/// Turns `facts` into the AxisInfo of a value of `type`: runs divide the
/// dimension sizes, divisibilities are powers of two capped by the bit width,
/// and a constant fixes everything else.
AxisInfo finalize(Facts facts, Type type) {
  if (!isTracked(type))
    return AxisInfo::getPessimisticValue(type);
  DimVector shape = getAnalysisShape(type);
  if (facts.rank() != shape.size())
    return AxisInfo::getPessimisticValue(type);

  unsigned width = getBitWidth(type);
  int64_t maxDivisor = int64_t(1) << std::min(width, 62u);
  bool isPointer = isPointerLike(type);
  if (isPointer)
    facts.constant.reset();
  if (facts.constant) {
    int64_t value = canonicalConstant(toAPInt(*facts.constant, width));
    facts.constant = value;
    facts.nonNegative = width > 1 && value >= 0;
    for (unsigned d = 0; d < shape.size(); ++d) {
      facts.contiguity[d] = 1;
      facts.constancy[d] = shape[d];
      facts.divisibility[d] = pow2Divisor(value);
    }
  }
  // An i1 is never used as a signed dividend; keep the flag meaningful only
  // for real integers.
  if (isPointer || width == 1)
    facts.nonNegative = false;
  for (unsigned d = 0; d < shape.size(); ++d) {
    int64_t size = std::max<int64_t>(shape[d], 1);
    facts.contiguity[d] =
        std::gcd(std::max<int64_t>(facts.contiguity[d], 1), size);
    facts.constancy[d] =
        std::gcd(std::max<int64_t>(facts.constancy[d], 1), size);
    facts.divisibility[d] = std::min(
        pow2Divisor(std::max<int64_t>(facts.divisibility[d], 1)), maxDivisor);
  }
  return AxisInfo(std::move(facts.contiguity), std::move(facts.divisibility),
                  std::move(facts.constancy), facts.constant,
                  facts.nonNegative);
}

//===----------------------------------------------------------------------===//
// Derived facts used by several transfer functions
//===----------------------------------------------------------------------===//

/// Divisibility of every element of `x` whose index along `dim` is a multiple
/// of `stride`. `unit` is what one step of a run adds: 1 for integers, the
/// pointee size for pointers (whose divisibility is in bytes).
int64_t divisibilityAtStride(const AxisInfo &x, unsigned dim, int64_t stride,
                             int64_t unit) {
  int64_t run = x.getContiguity(dim);
  int64_t divisibility = x.getDivisibility(dim);
  if (stride % run == 0)
    return divisibility; // every such element starts a run
  // Otherwise the element is a multiple of gcd(stride, run) steps past the
  // start of its run.
  return std::min(divisibility, mulPow2(pow2Divisor(std::gcd(stride, run)),
                                        pow2Divisor(unit)));
}

/// Divisibility of every element, as seen along `dim`.
int64_t elementDivisibility(const AxisInfo &x, unsigned dim, int64_t unit) {
  return divisibilityAtStride(x, dim, 1, unit);
}

/// Divisibility of every element: each dimension gives a valid bound, so the
/// best one is taken.
int64_t everyElementDivisibility(const AxisInfo &x, int64_t unit) {
  int64_t best = 1;
  for (unsigned d = 0; d < x.getRank(); ++d)
    best = std::max(best, elementDivisibility(x, d, unit));
  return best;
}

/// The length L (a power of two, possibly 1) of the aligned blocks along
/// `dim` in which `x` is contiguous and starts at a multiple of L, while
/// `bound` is uniform and a multiple of L. Over such a block, x never steps
/// over a multiple of `bound`: x < bound, x / bound and x % bound behave as on
/// one interval (for non-negative x, or unsigned arithmetic).
int64_t uniformBlock(const AxisInfo &x, const AxisInfo &bound, unsigned dim) {
  return std::min({pow2Divisor(x.getContiguity(dim)), x.getDivisibility(dim),
                   pow2Divisor(bound.getConstancy(dim)),
                   elementDivisibility(bound, dim, 1)});
}

/// `x` with runs shortened so that each starts at a multiple of its length.
/// Such runs never cross a sign or wrap boundary, so they survive sign and
/// zero extension (a run 0x7ffffffe, 0x7fffffff, 0x80000000 does not).
AxisInfo alignRuns(const AxisInfo &x) {
  Facts facts(x);
  for (unsigned d = 0; d < x.getRank(); ++d) {
    int64_t run =
        std::min(pow2Divisor(x.getContiguity(d)), x.getDivisibility(d));
    if (run >= x.getContiguity(d))
      continue;
    facts.divisibility[d] = divisibilityAtStride(x, d, run, 1);
    facts.contiguity[d] = run;
  }
  return AxisInfo(facts.contiguity, facts.divisibility, facts.constancy,
                  facts.constant, facts.nonNegative);
}

/// A scalar's facts seen as the uniform tensor of `shape`.
Facts splatFacts(const AxisInfo &scalar, ArrayRef<int64_t> shape,
                 int64_t unit) {
  Facts facts(shape.size());
  int64_t divisibility = everyElementDivisibility(scalar, unit);
  for (unsigned d = 0; d < shape.size(); ++d) {
    facts.constancy[d] = shape[d];
    facts.divisibility[d] = divisibility;
  }
  facts.constant = scalar.getConstantValue();
  facts.nonNegative = scalar.isNonNegative();
  return facts;
}

/// The facts of `value` as an operand of tensor shape `shape`: a scalar (the
/// condition of a select over tensors) is implicitly splat.
AxisInfo asShape(const AxisInfo &info, Value value, ArrayRef<int64_t> shape) {
  if (isa<RankedTensorType>(value.getType()))
    return info;
  Facts facts = splatFacts(info, shape, 1);
  return AxisInfo(facts.contiguity, facts.divisibility, facts.constancy,
                  facts.constant, facts.nonNegative);
}

/// The hint attributes Triton attaches to arguments (and, for tl.multiple_of
/// / tl.max_contiguous, to ops): a scalar for every dimension, or one value
/// per dimension.
std::optional<DimVector> readHint(Attribute attr, unsigned rank) {
  if (!attr)
    return std::nullopt;
  if (auto integer = dyn_cast<IntegerAttr>(attr))
    return DimVector(rank, integer.getValue().getSExtValue());
  if (auto elements = dyn_cast<DenseIntElementsAttr>(attr)) {
    if (elements.getNumElements() != rank)
      return std::nullopt;
    DimVector values;
    for (const APInt &v : elements)
      values.push_back(v.getSExtValue());
    return values;
  }
  return std::nullopt;
}

/// Raises `facts` to what the hints promise. Both the hint and the computed
/// fact are true, so the stronger one is kept.
void applyHints(Facts &facts, function_ref<Attribute(StringRef)> getAttr) {
  auto apply = [&](StringRef name, DimVector &target) {
    // Aligned runs of length h contain aligned runs of any divisor of h, and
    // a multiple of h is a multiple of its divisors: keep the power-of-two
    // part, which all other facts are.
    if (std::optional<DimVector> hint = readHint(getAttr(name), facts.rank()))
      for (unsigned d = 0; d < facts.rank(); ++d)
        if ((*hint)[d] > 0)
          target[d] = std::max(target[d], pow2Divisor((*hint)[d]));
  };
  apply("tt.contiguity", facts.contiguity);
  apply("tt.divisibility", facts.divisibility);
  apply("tt.constancy", facts.constancy);
}

//===----------------------------------------------------------------------===//
// Constant folding (with APInt, so that wrapping matches the hardware)
//===----------------------------------------------------------------------===//

std::optional<int64_t> foldBinary(Operation *op, int64_t lhs, int64_t rhs,
                                  unsigned width) {
  APInt a = toAPInt(lhs, width), b = toAPInt(rhs, width);
  auto result = [](const APInt &v) -> std::optional<int64_t> {
    return canonicalConstant(v);
  };
  return TypeSwitch<Operation *, std::optional<int64_t>>(op)
      .Case([&](arith::AddIOp) { return result(a + b); })
      .Case([&](arith::SubIOp) { return result(a - b); })
      .Case([&](arith::MulIOp) { return result(a * b); })
      .Case([&](arith::DivSIOp) -> std::optional<int64_t> {
        if (b.isZero() || (a.isMinSignedValue() && b.isAllOnes()))
          return std::nullopt;
        return result(a.sdiv(b));
      })
      .Case([&](arith::DivUIOp) -> std::optional<int64_t> {
        if (b.isZero())
          return std::nullopt;
        return result(a.udiv(b));
      })
      .Case([&](arith::RemSIOp) -> std::optional<int64_t> {
        if (b.isZero())
          return std::nullopt;
        return result(a.srem(b));
      })
      .Case([&](arith::RemUIOp) -> std::optional<int64_t> {
        if (b.isZero())
          return std::nullopt;
        return result(a.urem(b));
      })
      .Case([&](arith::AndIOp) { return result(a & b); })
      .Case([&](arith::OrIOp) { return result(a | b); })
      .Case([&](arith::XOrIOp) { return result(a ^ b); })
      .Case([&](arith::ShLIOp) -> std::optional<int64_t> {
        if (b.uge(width))
          return std::nullopt;
        return result(a.shl(b));
      })
      .Case([&](arith::ShRSIOp) -> std::optional<int64_t> {
        if (b.uge(width))
          return std::nullopt;
        return result(a.ashr(b));
      })
      .Case([&](arith::ShRUIOp) -> std::optional<int64_t> {
        if (b.uge(width))
          return std::nullopt;
        return result(a.lshr(b));
      })
      .Case([&](arith::MaxSIOp) { return result(llvm::APIntOps::smax(a, b)); })
      .Case([&](arith::MinSIOp) { return result(llvm::APIntOps::smin(a, b)); })
      .Case([&](arith::MaxUIOp) { return result(llvm::APIntOps::umax(a, b)); })
      .Case([&](arith::MinUIOp) { return result(llvm::APIntOps::umin(a, b)); })
      .Case([&](arith::CmpIOp cmp) {
        return std::optional<int64_t>(
            arith::applyCmpPredicate(cmp.getPredicate(), a, b) ? 1 : 0);
      })
      .Default([](Operation *) { return std::nullopt; });
}

//===----------------------------------------------------------------------===//
// Transfer functions
//===----------------------------------------------------------------------===//

/// Operands and result types of the op being visited.
struct OpFacts {
  Operation *op;
  ArrayRef<AxisInfo> operands;

  const AxisInfo &operand(unsigned i) const { return operands[i]; }
  Type resultType() const { return op->getResult(0).getType(); }
};

bool hasNoSignedWrap(Operation *op) {
  auto flags = dyn_cast<arith::ArithIntegerOverflowFlagsInterface>(op);
  return flags && flags.hasNoSignedWrap();
}

/// a + b, a - b, and tt.addptr (where `a` is the pointer, whose steps are
/// `unit` bytes, and `b` the offset in elements, scaled by `scale` bytes).
Facts addLike(const AxisInfo &a, const AxisInfo &b, bool isSub, int64_t unit,
              int64_t scale) {
  Facts facts(a.getRank());
  for (unsigned d = 0; d < a.getRank(); ++d) {
    // A run plus a uniform block is still a run; a uniform block minus a run
    // counts down, which is not a run.
    int64_t run = std::gcd(a.getContiguity(d), b.getConstancy(d));
    if (!isSub)
      run = std::max(run, std::gcd(a.getConstancy(d), b.getContiguity(d)));
    facts.contiguity[d] = run;
    facts.constancy[d] = std::gcd(a.getConstancy(d), b.getConstancy(d));
    // The first element of a result run is the sum of an element of each
    // operand at the same index.
    facts.divisibility[d] =
        std::min(divisibilityAtStride(a, d, run, unit),
                 mulPow2(divisibilityAtStride(b, d, run, 1), scale));
  }
  return facts;
}

Facts visitAddSub(const OpFacts &f, bool isSub) {
  const AxisInfo &a = f.operand(0), &b = f.operand(1);
  Facts facts = addLike(a, b, isSub, 1, 1);
  // Without signed wrap (nsw) the sum of non-negative values stays so.
  facts.nonNegative =
      !isSub && hasNoSignedWrap(f.op) && a.isNonNegative() && b.isNonNegative();
  return facts;
}

Facts visitMul(const OpFacts &f) {
  const AxisInfo &a = f.operand(0), &b = f.operand(1);
  if (b.getConstantValue() == 1)
    return Facts(a);
  if (a.getConstantValue() == 1)
    return Facts(b);
  Facts facts(a.getRank());
  if (a.getConstantValue() == 0 || b.getConstantValue() == 0) {
    facts.constant = 0;
    return facts;
  }
  for (unsigned d = 0; d < a.getRank(); ++d) {
    facts.constancy[d] = std::gcd(a.getConstancy(d), b.getConstancy(d));
    facts.divisibility[d] =
        mulPow2(elementDivisibility(a, d, 1), elementDivisibility(b, d, 1));
  }
  facts.nonNegative =
      hasNoSignedWrap(f.op) && a.isNonNegative() && b.isNonNegative();
  return facts;
}

/// divsi / divui. Over a block where the dividend runs without crossing a
/// multiple of a uniform divisor, the quotient is uniform. For divsi that
/// needs a non-negative dividend: truncation toward zero puts -4..-1 / 4 in
/// two buckets (-1 and 0), so the argument only holds for x >= 0.
Facts visitDiv(const OpFacts &f, bool isSigned) {
  const AxisInfo &a = f.operand(0), &b = f.operand(1);
  if (b.getConstantValue() == 1)
    return Facts(a);
  Facts facts(a.getRank());
  bool bucketsAligned = !isSigned || a.isNonNegative();
  std::optional<int64_t> divisor = b.getConstantValue();
  for (unsigned d = 0; d < a.getRank(); ++d) {
    facts.constancy[d] = std::gcd(a.getConstancy(d), b.getConstancy(d));
    if (bucketsAligned)
      facts.constancy[d] = std::max(facts.constancy[d], uniformBlock(a, b, d));
    // Dividing by 2^s a multiple of 2^e >= 2^s is exact and leaves 2^(e-s).
    if (divisor && *divisor > 0 && llvm::isPowerOf2_64(*divisor)) {
      int64_t e = elementDivisibility(a, d, 1);
      facts.divisibility[d] = e >= *divisor ? e / *divisor : 1;
    }
  }
  facts.nonNegative =
      isSigned ? a.isNonNegative() && b.isNonNegative() : a.isNonNegative();
  return facts;
}

/// remsi / remui, and andi with a low-bit mask (x & (2^s - 1) is x remui 2^s).
/// Over a block where the dividend runs without crossing a multiple of a
/// uniform divisor, the remainder runs too (x >= 0 needed for remsi: -8..-5
/// rem 4 is 0, -3, -2, -1).
Facts remainderFacts(const AxisInfo &a, const AxisInfo &b,
                     bool bucketsAligned) {
  Facts facts(a.getRank());
  for (unsigned d = 0; d < a.getRank(); ++d) {
    facts.constancy[d] = std::gcd(a.getConstancy(d), b.getConstancy(d));
    int64_t run = bucketsAligned ? uniformBlock(a, b, d) : 1;
    facts.contiguity[d] = run;
    // a rem b = a - q * b.
    facts.divisibility[d] = std::min(divisibilityAtStride(a, d, run, 1),
                                     elementDivisibility(b, d, 1));
  }
  return facts;
}

Facts visitRem(const OpFacts &f, bool isSigned) {
  const AxisInfo &a = f.operand(0), &b = f.operand(1);
  Facts facts = remainderFacts(a, b, !isSigned || a.isNonNegative());
  // The remainder has the sign of the dividend, and an unsigned remainder is
  // below both operands.
  facts.nonNegative =
      isSigned ? a.isNonNegative() : a.isNonNegative() || b.isNonNegative();
  return facts;
}

Facts visitAnd(const OpFacts &f) {
  const AxisInfo &a = f.operand(0), &b = f.operand(1);
  // All ones is -1 in the canonical form, except for i1 where it is 1.
  int64_t allOnes = getBitWidth(f.resultType()) == 1 ? 1 : -1;
  if (b.getConstantValue() == allOnes)
    return Facts(a);
  if (a.getConstantValue() == allOnes)
    return Facts(b);
  if (a.getConstantValue() == 0 || b.getConstantValue() == 0) {
    Facts facts(a.getRank());
    facts.constant = 0;
    return facts;
  }
  bool nonNegative = a.isNonNegative() || b.isNonNegative();
  // x & (2^s - 1) == x remui 2^s.
  for (auto [x, mask] : {std::pair(&a, &b), std::pair(&b, &a)}) {
    std::optional<int64_t> m = mask->getConstantValue();
    if (m && *m > 0 && *m < kMaxDivisor &&
        llvm::isPowerOf2_64(static_cast<uint64_t>(*m) + 1)) {
      AxisInfo modulus(DimVector(a.getRank(), 1),
                       DimVector(a.getRank(), *m + 1),
                       DimVector(mask->getConstancy()), *m + 1, true);
      Facts facts = remainderFacts(*x, modulus, /*bucketsAligned=*/true);
      facts.nonNegative = true;
      return facts;
    }
  }
  Facts facts(a.getRank());
  for (unsigned d = 0; d < a.getRank(); ++d) {
    facts.constancy[d] = std::gcd(a.getConstancy(d), b.getConstancy(d));
    // Each operand's trailing zero bits survive.
    facts.divisibility[d] =
        std::max(elementDivisibility(a, d, 1), elementDivisibility(b, d, 1));
  }
  facts.nonNegative = nonNegative;
  return facts;
}

/// ori, xori: trailing zero bits common to both operands survive.
Facts visitOrXor(const OpFacts &f) {
  const AxisInfo &a = f.operand(0), &b = f.operand(1);
  if (b.getConstantValue() == 0)
    return Facts(a);
  if (a.getConstantValue() == 0)
    return Facts(b);
  Facts facts(a.getRank());
  for (unsigned d = 0; d < a.getRank(); ++d) {
    facts.constancy[d] = std::gcd(a.getConstancy(d), b.getConstancy(d));
    facts.divisibility[d] =
        std::min(elementDivisibility(a, d, 1), elementDivisibility(b, d, 1));
  }
  facts.nonNegative = a.isNonNegative() && b.isNonNegative();
  return facts;
}

Facts visitShl(const OpFacts &f) {
  const AxisInfo &a = f.operand(0), &b = f.operand(1);
  std::optional<int64_t> shift = b.getConstantValue();
  unsigned width = getBitWidth(f.resultType());
  if (shift == 0)
    return Facts(a);
  Facts facts(a.getRank());
  for (unsigned d = 0; d < a.getRank(); ++d) {
    facts.constancy[d] = std::gcd(a.getConstancy(d), b.getConstancy(d));
    facts.divisibility[d] = elementDivisibility(a, d, 1);
    if (shift && *shift > 0 && *shift < width)
      facts.divisibility[d] = mulPow2(
          facts.divisibility[d], int64_t(1) << std::min<int64_t>(*shift, 62));
  }
  return facts;
}

/// shrsi / shrui by s: floor division by 2^s (arithmetic shift rounds toward
/// minus infinity, so unlike divsi the buckets are aligned for any sign).
Facts visitShr(const OpFacts &f, bool isSigned) {
  const AxisInfo &a = f.operand(0), &b = f.operand(1);
  std::optional<int64_t> shift = b.getConstantValue();
  unsigned width = getBitWidth(f.resultType());
  if (shift == 0)
    return Facts(a);
  bool known = shift && *shift > 0 && *shift < width;
  Facts facts(a.getRank());
  for (unsigned d = 0; d < a.getRank(); ++d) {
    facts.constancy[d] = std::gcd(a.getConstancy(d), b.getConstancy(d));
    if (!known)
      continue;
    int64_t bucket = int64_t(1) << std::min<int64_t>(*shift, 62);
    int64_t block = std::min(
        {pow2Divisor(a.getContiguity(d)), a.getDivisibility(d), bucket});
    facts.constancy[d] = std::max(facts.constancy[d], block);
    facts.divisibility[d] =
        std::max<int64_t>(1, elementDivisibility(a, d, 1) / bucket);
  }
  facts.nonNegative = a.isNonNegative() || (!isSigned && known);
  return facts;
}

/// maxsi / minsi / maxui / minui: the result is one of the operands.
Facts visitMinMax(const OpFacts &f) {
  const AxisInfo &a = f.operand(0), &b = f.operand(1);
  Facts facts(a.getRank());
  for (unsigned d = 0; d < a.getRank(); ++d) {
    facts.constancy[d] = std::gcd(a.getConstancy(d), b.getConstancy(d));
    facts.divisibility[d] =
        std::min(elementDivisibility(a, d, 1), elementDivisibility(b, d, 1));
  }
  bool isMaxSigned = isa<arith::MaxSIOp>(f.op);
  bool isMinUnsigned = isa<arith::MinUIOp>(f.op);
  facts.nonNegative = (isMaxSigned || isMinUnsigned)
                          ? a.isNonNegative() || b.isNonNegative()
                          : a.isNonNegative() && b.isNonNegative();
  return facts;
}

/// cmpi. `x < n` (and its negation `x >= n`) only changes where x steps from
/// n - 1 to n; over an aligned block where x runs from a multiple of L and n
/// is a uniform multiple of L, that cannot happen, so the result is uniform.
/// `x <= n` changes between n and n + 1, which the facts cannot place.
Facts visitCmp(const OpFacts &f) {
  auto cmp = cast<arith::CmpIOp>(f.op);
  const AxisInfo &a = f.operand(0), &b = f.operand(1);
  using P = arith::CmpIPredicate;
  P pred = cmp.getPredicate();
  const AxisInfo *runs = nullptr, *bound = nullptr;
  if (llvm::is_contained({P::slt, P::sge, P::ult, P::uge}, pred)) {
    runs = &a;
    bound = &b;
  } else if (llvm::is_contained({P::sgt, P::sle, P::ugt, P::ule}, pred)) {
    runs = &b; // n > x is x < n, n <= x is x >= n
    bound = &a;
  }
  Facts facts(a.getRank());
  for (unsigned d = 0; d < a.getRank(); ++d) {
    facts.constancy[d] = std::gcd(a.getConstancy(d), b.getConstancy(d));
    if (runs)
      facts.constancy[d] =
          std::max(facts.constancy[d], uniformBlock(*runs, *bound, d));
  }
  return facts;
}

Facts visitSelect(const OpFacts &f) {
  Type type = f.resultType();
  DimVector shape = getAnalysisShape(type);
  AxisInfo cond = asShape(f.operand(0), f.op->getOperand(0), shape);
  const AxisInfo &a = f.operand(1), &b = f.operand(2);
  if (std::optional<int64_t> c = cond.getConstantValue())
    return Facts(*c ? a : b);
  int64_t unit = isPointerLike(type) ? getPointeeBytes(type) : 1;
  Facts facts(shape.size());
  for (unsigned d = 0; d < shape.size(); ++d) {
    // Where the condition is uniform over a block and both sides run over
    // it, so does the result.
    int64_t run =
        gcd3(cond.getConstancy(d), a.getContiguity(d), b.getContiguity(d));
    facts.contiguity[d] = run;
    facts.constancy[d] =
        gcd3(cond.getConstancy(d), a.getConstancy(d), b.getConstancy(d));
    facts.divisibility[d] = std::min(divisibilityAtStride(a, d, run, unit),
                                     divisibilityAtStride(b, d, run, unit));
  }
  if (a.getConstantValue() == b.getConstantValue())
    facts.constant = a.getConstantValue();
  facts.nonNegative = a.isNonNegative() && b.isNonNegative();
  return facts;
}

/// extsi, extui, trunci, index_cast, index_castui: integer width changes.
/// Truncation keeps runs (consecutive modulo 2^w stays consecutive modulo
/// 2^w' for w' < w); extension keeps the runs that do not cross a wrap
/// boundary (alignRuns).
Facts visitIntCast(const OpFacts &f, bool isSignExtension) {
  const AxisInfo &a = f.operand(0);
  unsigned from = getBitWidth(f.op->getOperand(0).getType());
  unsigned to = getBitWidth(f.resultType());
  if (to <= from) {
    Facts facts(a);
    if (to < from)
      facts.nonNegative = false;
    return facts; // finalize() truncates the constant and the divisibility
  }
  Facts facts(alignRuns(a));
  if (facts.constant) {
    APInt value = toAPInt(*facts.constant, from);
    facts.constant =
        canonicalConstant(isSignExtension ? value.sext(to) : value.zext(to));
  }
  facts.nonNegative = isSignExtension ? a.isNonNegative() : true;
  return facts;
}

/// int_to_ptr, ptr_to_int, tt.bitcast between integers and pointers. The
/// bits and so byte divisibility and constancy are kept; a run of integers
/// (step 1) is a run of pointers (step = pointee size) only for byte
/// pointees, and vice versa.
Facts visitReinterpret(const OpFacts &f) {
  Type from = f.op->getOperand(0).getType(), to = f.resultType();
  if (!isTracked(from) || !isTracked(to) ||
      getBitWidth(from) != getBitWidth(to))
    return Facts(getAnalysisShape(to).size());
  const AxisInfo &src = f.operand(0);
  Facts facts(src);
  int64_t fromStep = isPointerLike(from) ? getPointeeBytes(from) : 1;
  int64_t toStep = isPointerLike(to) ? getPointeeBytes(to) : 1;
  if (fromStep != toStep) {
    // Without runs every element is a run start.
    for (unsigned d = 0; d < facts.rank(); ++d) {
      facts.contiguity[d] = 1;
      facts.divisibility[d] = elementDivisibility(src, d, fromStep);
    }
  }
  if (isPointerLike(from) || isPointerLike(to))
    facts.nonNegative = false;
  return facts;
}

Facts visitAddPtr(const OpFacts &f) {
  auto addPtr = cast<AddPtrOp>(f.op);
  int64_t bytes = getPointeeBytes(addPtr.getType());
  AxisInfo offset = f.operand(1);
  // The offset is sign-extended to 64 bits before it is scaled.
  if (getBitWidth(addPtr.getOffset().getType()) < 64)
    offset = alignRuns(offset);
  return addLike(f.operand(0), offset, /*isSub=*/false, bytes, bytes);
}

Facts visitMakeRange(MakeRangeOp op) {
  int64_t start = op.getStart(), end = op.getEnd();
  Facts facts(1);
  facts.contiguity[0] = end - start;
  facts.divisibility[0] = pow2Divisor(start);
  facts.nonNegative = start >= 0;
  if (end - start == 1)
    facts.constant = start;
  return facts;
}

Facts visitConstant(arith::ConstantOp op) {
  Type type = op.getType();
  DimVector shape = getAnalysisShape(type);
  Facts facts(shape.size());
  if (auto integer = dyn_cast<IntegerAttr>(op.getValue())) {
    facts.constant = integer.getValue().getSExtValue();
    return facts;
  }
  auto elements = dyn_cast<DenseIntElementsAttr>(op.getValue());
  if (!elements)
    return facts;
  if (elements.isSplat()) {
    facts.constant = elements.getSplatValue<APInt>().getSExtValue();
    return facts;
  }
  // A non-uniform constant: only what holds of every element.
  int64_t divisibility = kMaxDivisor;
  bool nonNegative = true;
  for (const APInt &v : elements) {
    divisibility = std::min(divisibility, pow2Divisor(v.getSExtValue()));
    nonNegative &= !v.isNegative();
  }
  facts.divisibility.assign(shape.size(), divisibility);
  facts.nonNegative = nonNegative;
  return facts;
}

Facts visitBroadcast(BroadcastOp op, const AxisInfo &src) {
  ArrayRef<int64_t> from =
      cast<RankedTensorType>(op.getSrc().getType()).getShape();
  ArrayRef<int64_t> to = cast<RankedTensorType>(op.getType()).getShape();
  Facts facts(src);
  for (unsigned d = 0; d < to.size(); ++d) {
    if (from[d] == to[d])
      continue;
    // A stretched dimension of size 1 repeats one element: every element of
    // the source along d is a run start, so its divisibility carries over.
    facts.contiguity[d] = 1;
    facts.constancy[d] = to[d];
  }
  return facts;
}

Facts visitExpandDims(ExpandDimsOp op, const AxisInfo &src) {
  Type type = op.getType();
  int64_t unit = isPointerLike(type) ? getPointeeBytes(type) : 1;
  Facts facts(src);
  unsigned axis = op.getAxis();
  // Every element starts a run along a new dimension of size 1.
  int64_t divisibility = everyElementDivisibility(src, unit);
  facts.contiguity.insert(facts.contiguity.begin() + axis, 1);
  facts.constancy.insert(facts.constancy.begin() + axis, 1);
  facts.divisibility.insert(facts.divisibility.begin() + axis, divisibility);
  return facts;
}

/// tt.reshape: conservative. Without allow_reorder the elements keep their
/// row-major order, so along the last dimension a block of gcd(run, new last
/// size) elements is consecutive in memory order and inside one source run.
/// Other dimensions keep only what holds of every element.
Facts visitReshape(ReshapeOp op, const AxisInfo &src) {
  Type type = op.getType();
  int64_t unit = isPointerLike(type) ? getPointeeBytes(type) : 1;
  DimVector shape = getAnalysisShape(type);
  Facts facts(shape.size());
  facts.divisibility.assign(shape.size(), everyElementDivisibility(src, unit));
  facts.constant = src.getConstantValue();
  facts.nonNegative = src.isNonNegative();
  if (op.getAllowReorder())
    return facts;
  unsigned srcLast = src.getRank() - 1, last = shape.size() - 1;
  int64_t run = std::gcd(src.getContiguity(srcLast), shape[last]);
  facts.contiguity[last] = run;
  facts.constancy[last] = std::gcd(src.getConstancy(srcLast), shape[last]);
  facts.divisibility[last] = std::max(
      facts.divisibility[last], divisibilityAtStride(src, srcLast, run, unit));
  return facts;
}

Facts visitTrans(TransOp op, const AxisInfo &src) {
  Facts facts(src.getRank());
  ArrayRef<int32_t> order = op.getOrder();
  for (unsigned d = 0; d < order.size(); ++d) {
    facts.contiguity[d] = src.getContiguity(order[d]);
    facts.divisibility[d] = src.getDivisibility(order[d]);
    facts.constancy[d] = src.getConstancy(order[d]);
  }
  facts.constant = src.getConstantValue();
  facts.nonNegative = src.isNonNegative();
  return facts;
}

/// The facts for the single tracked result of `op`, or nullopt for an op the
/// analysis does not model (its results are then unknown).
std::optional<Facts> visitOp(Operation *op, ArrayRef<AxisInfo> operands) {
  OpFacts f{op, operands};
  std::optional<Facts> facts =
      TypeSwitch<Operation *, std::optional<Facts>>(op)
          .Case([&](arith::ConstantOp c) { return visitConstant(c); })
          .Case([&](MakeRangeOp r) { return visitMakeRange(r); })
          .Case<GetProgramIdOp, GetNumProgramsOp>([&](Operation *) {
            Facts facts(1);
            facts.nonNegative = true;
            return facts;
          })
          .Case([&](arith::AddIOp) { return visitAddSub(f, false); })
          .Case([&](arith::SubIOp) { return visitAddSub(f, true); })
          .Case([&](arith::MulIOp) { return visitMul(f); })
          .Case([&](arith::DivSIOp) { return visitDiv(f, true); })
          .Case([&](arith::DivUIOp) { return visitDiv(f, false); })
          .Case([&](arith::RemSIOp) { return visitRem(f, true); })
          .Case([&](arith::RemUIOp) { return visitRem(f, false); })
          .Case([&](arith::AndIOp) { return visitAnd(f); })
          .Case<arith::OrIOp, arith::XOrIOp>(
              [&](Operation *) { return visitOrXor(f); })
          .Case([&](arith::ShLIOp) { return visitShl(f); })
          .Case([&](arith::ShRSIOp) { return visitShr(f, true); })
          .Case([&](arith::ShRUIOp) { return visitShr(f, false); })
          .Case<arith::MaxSIOp, arith::MinSIOp, arith::MaxUIOp, arith::MinUIOp>(
              [&](Operation *) { return visitMinMax(f); })
          .Case([&](arith::CmpIOp) { return visitCmp(f); })
          .Case([&](arith::SelectOp) { return visitSelect(f); })
          .Case<arith::ExtSIOp, arith::IndexCastOp>(
              [&](Operation *) { return visitIntCast(f, true); })
          .Case<arith::ExtUIOp, arith::IndexCastUIOp, arith::TruncIOp>(
              [&](Operation *) { return visitIntCast(f, false); })
          .Case<IntToPtrOp, PtrToIntOp, BitcastOp>(
              [&](Operation *) { return visitReinterpret(f); })
          .Case([&](AddPtrOp) { return visitAddPtr(f); })
          .Case([&](SplatOp s) {
            Type type = s.getType();
            int64_t unit = isPointerLike(type) ? getPointeeBytes(type) : 1;
            return splatFacts(operands[0], getAnalysisShape(type), unit);
          })
          .Case([&](UnsplatOp) { return Facts(operands[0]); })
          .Case([&](BroadcastOp b) { return visitBroadcast(b, operands[0]); })
          .Case([&](ExpandDimsOp e) { return visitExpandDims(e, operands[0]); })
          .Case([&](ReshapeOp r) { return visitReshape(r, operands[0]); })
          .Case([&](TransOp t) { return visitTrans(t, operands[0]); })
          .Default([&](Operation *) -> std::optional<Facts> {
            // After layout assignment the values flow through layout
            // conversions, which move elements between threads but keep
            // every value at its index. Matched by name: this library does
            // not depend on the ttg dialect.
            if (op->getName().getStringRef() == "ttg.convert_layout" &&
                op->getNumOperands() == 1)
              return Facts(operands[0]);
            return std::nullopt;
          });
  if (!facts)
    return std::nullopt;

  // Fold constants of the binary arith ops.
  if (op->getNumOperands() == 2 && op->getDialect() &&
      isa<arith::ArithDialect>(op->getDialect()) && !facts->constant) {
    std::optional<int64_t> lhs = operands[0].getConstantValue();
    std::optional<int64_t> rhs = operands[1].getConstantValue();
    if (lhs && rhs)
      facts->constant =
          foldBinary(op, *lhs, *rhs, getBitWidth(op->getOperand(0).getType()));
  }
  if (auto select = dyn_cast<arith::SelectOp>(op); select && !facts->constant) {
    std::optional<int64_t> c = operands[0].getConstantValue();
    if (c)
      facts->constant = operands[*c ? 1 : 2].getConstantValue();
  }
  return facts;
}

//===----------------------------------------------------------------------===//
// The data-flow analysis
//===----------------------------------------------------------------------===//

class AxisInfoLattice : public dataflow::Lattice<AxisInfo> {
public:
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(AxisInfoLattice)
  using Lattice::Lattice;
};

class AxisInfoDataFlow
    : public dataflow::SparseForwardDataFlowAnalysis<AxisInfoLattice> {
public:
  using SparseForwardDataFlowAnalysis::SparseForwardDataFlowAnalysis;

  LogicalResult visitOperation(Operation *op,
                               ArrayRef<const AxisInfoLattice *> operands,
                               ArrayRef<AxisInfoLattice *> results) override {
    SmallVector<AxisInfo> operandInfos;
    for (const AxisInfoLattice *operand : operands) {
      // Wait until every operand has been reached; the op is visited again
      // when they change.
      if (operand->getValue().isUninitialized())
        return success();
      operandInfos.push_back(operand->getValue());
    }
    Value result = op->getNumResults() == 1 ? op->getResult(0) : Value();
    if (!result || !isTracked(result.getType())) {
      // Not modelled (floats, several results): unknown.
      for (auto [lattice, value] : llvm::zip(results, op->getResults()))
        propagateIfChanged(lattice, lattice->join(AxisInfo::getPessimisticValue(
                                        value.getType())));
      return success();
    }
    Facts facts =
        visitOp(op, operandInfos)
            .value_or(Facts(AxisInfo::getPessimisticValue(result.getType())));
    applyHints(facts,
               [&](StringRef name) { return op->getDiscardableAttr(name); });
    propagateIfChanged(results[0],
                       results[0]->join(finalize(facts, result.getType())));
    return success();
  }

  /// The induction variable of scf.for: lb + k * step, so it is a multiple of
  /// what divides both. The framework handles iter_args and every other
  /// region argument.
  void visitNonControlFlowArguments(Operation *op,
                                    const RegionSuccessor &successor,
                                    ArrayRef<AxisInfoLattice *> argLattices,
                                    unsigned firstIndex) override {
    auto forOp = dyn_cast<scf::ForOp>(op);
    Region *region = successor.getSuccessor();
    if (!forOp || region != &forOp.getRegion())
      return SparseForwardDataFlowAnalysis::visitNonControlFlowArguments(
          op, successor, argLattices, firstIndex);

    Value iv = forOp.getInductionVar();
    // Depend on the bounds from the block itself, so that a change of the
    // bounds re-runs this (the block visit), not the op visit.
    ProgramPoint *point = getProgramPointBefore(&region->front());
    const AxisInfo &lb =
        getLatticeElementFor(point, forOp.getLowerBound())->getValue();
    const AxisInfo &step =
        getLatticeElementFor(point, forOp.getStep())->getValue();
    for (AxisInfoLattice *lattice : argLattices) {
      if (lattice->getAnchor() != iv)
        continue;
      if (lb.isUninitialized() || step.isUninitialized())
        return;
      Facts facts(1);
      facts.divisibility[0] = std::min(elementDivisibility(lb, 0, 1),
                                       elementDivisibility(step, 0, 1));
      // Like MLIR's own range analysis, assume the increment past the last
      // iteration does not wrap.
      facts.nonNegative =
          !forOp.getUnsignedCmp() && lb.isNonNegative() && step.isNonNegative();
      propagateIfChanged(lattice, lattice->join(finalize(facts, iv.getType())));
    }
  }

  /// Function arguments take what their tt.* attributes promise; anything
  /// else reaching the entry state is unknown.
  void setToEntryState(AxisInfoLattice *lattice) override {
    Value value = lattice->getAnchor();
    Type type = value.getType();
    AxisInfo info = AxisInfo::getPessimisticValue(type);
    auto arg = dyn_cast<BlockArgument>(value);
    if (arg && arg.getOwner()->isEntryBlock() && isTracked(type)) {
      if (auto func =
              dyn_cast<FunctionOpInterface>(arg.getOwner()->getParentOp())) {
        unsigned index = arg.getArgNumber();
        Facts facts(info);
        applyHints(facts, [&](StringRef name) {
          return func.getArgAttr(index, name);
        });
        info = finalize(facts, type);
      }
    }
    propagateIfChanged(lattice, lattice->join(info));
  }
};

} // namespace

//===----------------------------------------------------------------------===//
// AxisInfo
//===----------------------------------------------------------------------===//

AxisInfo::AxisInfo(DimVector contiguity, DimVector divisibility,
                   DimVector constancy, std::optional<int64_t> constantValue,
                   bool nonNegative)
    : contiguity(std::move(contiguity)), divisibility(std::move(divisibility)),
      constancy(std::move(constancy)), constantValue(constantValue),
      nonNegative(nonNegative) {
  assert(this->contiguity.size() == this->divisibility.size() &&
         this->contiguity.size() == this->constancy.size() &&
         "one value per dimension");
}

AxisInfo AxisInfo::getPessimisticValue(Type type) {
  unsigned rank = getAnalysisShape(type).size();
  return AxisInfo(DimVector(rank, 1), DimVector(rank, 1), DimVector(rank, 1));
}

AxisInfo AxisInfo::join(const AxisInfo &lhs, const AxisInfo &rhs) {
  if (lhs.isUninitialized())
    return rhs;
  if (rhs.isUninitialized())
    return lhs;
  if (lhs == rhs)
    return lhs;
  assert(lhs.getRank() == rhs.getRank() && "joining values of different shape");
  // Every fact must hold of either value: the shorter aligned runs, and the
  // divisibility of both at the starts of those runs. The type is not known
  // here, so a run of pointers is taken to step by 1 byte: weaker than the
  // pointee size, hence still true.
  DimVector contiguity, divisibility, constancy;
  for (unsigned d = 0; d < lhs.getRank(); ++d) {
    int64_t run = std::gcd(lhs.contiguity[d], rhs.contiguity[d]);
    contiguity.push_back(run);
    divisibility.push_back(std::min(divisibilityAtStride(lhs, d, run, 1),
                                    divisibilityAtStride(rhs, d, run, 1)));
    constancy.push_back(std::gcd(lhs.constancy[d], rhs.constancy[d]));
  }
  std::optional<int64_t> constant;
  if (lhs.constantValue == rhs.constantValue)
    constant = lhs.constantValue;
  return AxisInfo(std::move(contiguity), std::move(divisibility),
                  std::move(constancy), constant,
                  lhs.nonNegative && rhs.nonNegative);
}

bool AxisInfo::operator==(const AxisInfo &other) const {
  return contiguity == other.contiguity && divisibility == other.divisibility &&
         constancy == other.constancy && constantValue == other.constantValue &&
         nonNegative == other.nonNegative;
}

void AxisInfo::print(raw_ostream &os) const {
  if (isUninitialized()) {
    os << "<uninitialized>";
    return;
  }
  auto printList = [&](StringRef name, ArrayRef<int64_t> values) {
    os << name << " = [";
    llvm::interleaveComma(values, os);
    os << "]";
  };
  printList("contiguity", contiguity);
  os << ", ";
  printList("divisibility", divisibility);
  os << ", ";
  printList("constancy", constancy);
  os << ", constant_value = ";
  if (constantValue)
    os << *constantValue;
  else
    os << "<none>";
}

//===----------------------------------------------------------------------===//
// AxisInfoAnalysis
//===----------------------------------------------------------------------===//

namespace {
std::unique_ptr<DataFlowSolver> runSolver(Operation *top) {
  // Each function is analysed on its own, so its arguments take their
  // attributes and calls are opaque; the analysis does not chase callers.
  auto solver = std::make_unique<DataFlowSolver>(
      DataFlowConfig().setInterprocedural(false));
  // The framework needs block liveness; dead code analysis in turn needs
  // constant propagation to decide branches.
  solver->load<dataflow::DeadCodeAnalysis>();
  solver->load<dataflow::SparseConstantPropagation>();
  solver->load<AxisInfoDataFlow>();
  if (failed(solver->initializeAndRun(top)))
    return nullptr;
  return solver;
}
} // namespace

struct AxisInfoAnalysis::Impl {
  /// One solver per function (or one for the root when it holds none).
  llvm::DenseMap<Operation *, std::unique_ptr<DataFlowSolver>> solvers;
  Operation *root;
};

AxisInfoAnalysis::AxisInfoAnalysis(Operation *root)
    : impl(std::make_unique<Impl>()) {
  impl->root = root;
  SmallVector<Operation *> functions;
  if (isa<FunctionOpInterface>(root)) {
    functions.push_back(root);
  } else {
    root->walk<WalkOrder::PreOrder>([&](FunctionOpInterface func) {
      functions.push_back(func);
      return WalkResult::skip();
    });
  }
  if (functions.empty())
    functions.push_back(root);
  for (Operation *function : functions)
    if (std::unique_ptr<DataFlowSolver> solver = runSolver(function))
      impl->solvers[function] = std::move(solver);
}

AxisInfoAnalysis::~AxisInfoAnalysis() = default;
AxisInfoAnalysis::AxisInfoAnalysis(AxisInfoAnalysis &&) noexcept = default;
AxisInfoAnalysis &
AxisInfoAnalysis::operator=(AxisInfoAnalysis &&) noexcept = default;

AxisInfo AxisInfoAnalysis::lookup(Value value) const {
  AxisInfo pessimistic = AxisInfo::getPessimisticValue(value.getType());
  if (!isTracked(value.getType()))
    return pessimistic;
  Operation *scope = isa<BlockArgument>(value)
                         ? cast<BlockArgument>(value).getOwner()->getParentOp()
                         : value.getDefiningOp();
  for (; scope; scope = scope->getParentOp()) {
    auto it = impl->solvers.find(scope);
    if (it == impl->solvers.end())
      continue;
    const auto *lattice = it->second->lookupState<AxisInfoLattice>(value);
    if (!lattice || lattice->getValue().isUninitialized())
      return pessimistic; // unreachable code
    return lattice->getValue();
  }
  return pessimistic;
}

namespace {
/// The rank of the tensor `value`, 0 for a scalar.
unsigned getTensorRank(Value value) {
  auto tensor = dyn_cast<RankedTensorType>(value.getType());
  return tensor ? tensor.getRank() : 0;
}
} // namespace

SmallVector<unsigned> AxisInfoAnalysis::getAccessOrder(Value ptr) const {
  unsigned rank = getTensorRank(ptr);
  if (rank == 0)
    return {0};
  AxisInfo info = lookup(ptr);
  SmallVector<unsigned> order;
  for (unsigned d = rank; d-- > 0;)
    order.push_back(d);
  // Stable, so equally contiguous dimensions stay minor-first.
  llvm::stable_sort(order, [&](unsigned a, unsigned b) {
    return info.getContiguity(a) > info.getContiguity(b);
  });
  return order;
}

unsigned AxisInfoAnalysis::getContiguity(Value ptr) const {
  unsigned rank = getTensorRank(ptr);
  return rank == 0 ? 1 : getContiguity(ptr, rank - 1);
}

unsigned AxisInfoAnalysis::getContiguity(Value ptr, unsigned dim) const {
  if (dim >= getTensorRank(ptr))
    return 1;
  return lookup(ptr).getContiguity(dim);
}

unsigned AxisInfoAnalysis::getAlignment(Value ptr) const {
  unsigned rank = getTensorRank(ptr);
  return rank == 0 ? 1 : getAlignment(ptr, rank - 1);
}

unsigned AxisInfoAnalysis::getAlignment(Value ptr, unsigned dim) const {
  if (dim >= getTensorRank(ptr) || !isPointerLike(ptr.getType()))
    return 1;
  int64_t bytes = getPointeeBytes(ptr.getType());
  return std::max<int64_t>(1, lookup(ptr).getDivisibility(dim) / bytes);
}

unsigned AxisInfoAnalysis::getMaskConstancy(Value mask) const {
  unsigned rank = getTensorRank(mask);
  return rank == 0 ? 1 : getMaskConstancy(mask, rank - 1);
}

unsigned AxisInfoAnalysis::getMaskConstancy(Value mask, unsigned dim) const {
  if (dim >= getTensorRank(mask))
    return 1;
  return lookup(mask).getConstancy(dim);
}

unsigned AxisInfoAnalysis::getVectorWidth(Value ptr, Value mask) const {
  unsigned rank = getTensorRank(ptr);
  return rank == 0 ? 1 : getVectorWidth(ptr, mask, rank - 1);
}

unsigned AxisInfoAnalysis::getVectorWidth(Value ptr, Value mask,
                                          unsigned dim) const {
  Type type = ptr.getType();
  if (dim >= getTensorRank(ptr) || !isPointerLike(type))
    return 1;
  AxisInfo maskInfo;
  if (mask && getTensorRank(mask) == getTensorRank(ptr))
    maskInfo = lookup(mask);
  return computeVectorWidth(lookup(ptr), getPointeeBytes(type), dim,
                            maskInfo.isUninitialized() ? nullptr : &maskInfo);
}

unsigned mlir::triton::computeVectorWidth(const AxisInfo &ptrInfo,
                                          unsigned elementBytes, unsigned dim,
                                          const AxisInfo *maskInfo) {
  if (ptrInfo.isUninitialized() || elementBytes == 0 ||
      dim >= ptrInfo.getRank())
    return 1;
  constexpr int64_t kMaxVectorBytes = 16;
  // Each thread's chunk starts at a multiple of the width inside one run, so
  // it is as aligned as the run start if the width divides the alignment.
  int64_t alignment =
      std::max<int64_t>(1, ptrInfo.getDivisibility(dim) / elementBytes);
  int64_t width =
      std::min({ptrInfo.getContiguity(dim), alignment,
                std::max<int64_t>(1, kMaxVectorBytes / elementBytes)});
  if (maskInfo && !maskInfo->isUninitialized() && dim < maskInfo->getRank())
    width = std::min(width, maskInfo->getConstancy(dim));
  return static_cast<unsigned>(llvm::bit_floor(static_cast<uint64_t>(width)));
}
