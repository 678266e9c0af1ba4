//===- FloatConversion.h - Conversions between float types -----*- C++ -*-===//
//
// tt.fp_to_fp's lowering, and the exact fp8 widening the FMA dot uses.
// Values are as the type converter gives them: fp8 as i8, the others as
// LLVM floats.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_CONVERSION_TRITONGPUTOLLVM_FLOATCONVERSION_H
#define TRITIUM_CONVERSION_TRITONGPUTOLLVM_FLOATCONVERSION_H

#include "Utility.h"

#include <optional>

namespace mlir::triton::lowering {

/// Converts `values` of float type `src` to float type `dst` (any of
/// TT_Float), as tt.fp_to_fp does:
///  - widening is exact (fp8 NaN becomes the canonical NaN);
///  - narrowing rounds as `rounding` says (to nearest even where absent);
///    to fp8, magnitudes beyond the largest finite value become it, as
///    cvt.rn.satfinite does (rounding toward zero keeps e5m2 infinities),
///    and NaN becomes 0x7f (0x80 in the FNUZ formats, their only NaN).
/// From sm_89, conversions between f8E4M3FN / f8E5M2 and f16 / bf16 / f32
/// that round to nearest use the paired cvt instructions, two values at a
/// time (an odd one out paired with itself); the others, and every fp8
/// conversion before sm_89, are integer bit manipulation
/// (tritium/Conversion/FloatBits.h) that rounds and saturates as those
/// instructions do.
SmallVector<Value> convertFloats(OpBuilder &b, Location loc,
                                 ArrayRef<Value> values, FloatType src,
                                 FloatType dst,
                                 std::optional<RoundingMode> rounding,
                                 unsigned computeCapability);

/// The fp8 `value` (i8 bits of `src`) as the wider float type `dst`, exactly,
/// with integer operations.
Value widenFp8(OpBuilder &b, Location loc, Value value, FloatType src,
               FloatType dst);

} // namespace mlir::triton::lowering

#endif // TRITIUM_CONVERSION_TRITONGPUTOLLVM_FLOATCONVERSION_H
