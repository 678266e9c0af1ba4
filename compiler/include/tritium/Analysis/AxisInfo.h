//===- AxisInfo.h - Contiguity, divisibility and constancy ------*- C++ -*-===//
//
// What the lowering needs to know about integer and pointer values to emit
// wide (up to 128-bit) loads and stores: per dimension, how long the runs of
// consecutive values are, how aligned the first value of each run is, and how
// long the runs of equal values are.
//
// Conventions (AxisInfo.cpp derives each transfer function from them):
//   * A scalar is treated as a tensor of shape [1], so every AxisInfo has
//     rank >= 1.
//   * Runs are aligned: contiguity[d] = c means that along dimension d the
//     tensor splits into blocks of c elements starting at indices that are
//     multiples of c, and within a block each element is the previous one plus
//     one. Constancy is the same with "equal to the previous one". Both always
//     divide the size of the dimension.
//   * divisibility[d] = p (a power of two) means that every element whose
//     index along d is a multiple of contiguity[d] -- the first element of
//     every run -- is a multiple of p. Where contiguity[d] is 1 that is every
//     element.
//   * Pointers: contiguity and constancy count elements (consecutive means
//     "the next element", i.e. the address plus the pointee size), while
//     divisibility is of the address, in bytes. That is what
//     `tt.divisibility = 16` on a pointer argument means in Triton IR (the
//     address is 16-byte aligned), and it is the quantity a vector access
//     needs: a 16-byte access needs a 16-byte aligned address whatever the
//     element type.
//   * Integers are w-bit values that wrap; divisibility is capped at
//     2^min(w, 62), and a divisibility of 2^w states that the value is zero.
//     Every rule holds under wrapping, with two assumptions, both shared with
//     Triton: the tt.* hints are true, and an scf.for induction variable does
//     not wrap (as MLIR's integer range analysis assumes). The remsi / divsi
//     run rules need a dividend known to be non-negative (program ids,
//     ranges, nsw arithmetic on them); Triton assumes it, this analysis
//     proves it or leaves the runs out (tl.multiple_of / max_contiguous hints
//     restore them).
//
// The tests/unit/AxisInfoTest.cpp soundness test evaluates random programs on
// concrete inputs and checks every claim.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_ANALYSIS_AXISINFO_H
#define TRITIUM_ANALYSIS_AXISINFO_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <memory>
#include <optional>

namespace mlir::triton {

/// The facts the analysis tracks for one value. A default-constructed
/// AxisInfo is "uninitialized" (rank 0): nothing has been computed yet; it is
/// the bottom of the lattice and the identity of join().
class AxisInfo {
public:
  using DimVector = llvm::SmallVector<int64_t, 4>;

  /// The largest divisibility ever recorded, whatever the bit width.
  static constexpr int64_t kMaxDivisor = int64_t(1) << 62;

  AxisInfo() = default;
  AxisInfo(DimVector contiguity, DimVector divisibility, DimVector constancy,
           std::optional<int64_t> constantValue = std::nullopt,
           bool nonNegative = false);

  /// Nothing known about a value of `type`: every run has length 1 and every
  /// divisibility is 1.
  static AxisInfo getPessimisticValue(Type type);

  /// What holds of a value that is either `lhs` or `rhs` (control-flow merge).
  static AxisInfo join(const AxisInfo &lhs, const AxisInfo &rhs);

  bool isUninitialized() const { return contiguity.empty(); }
  unsigned getRank() const { return contiguity.size(); }

  int64_t getContiguity(unsigned dim) const { return contiguity[dim]; }
  int64_t getDivisibility(unsigned dim) const { return divisibility[dim]; }
  int64_t getConstancy(unsigned dim) const { return constancy[dim]; }
  llvm::ArrayRef<int64_t> getContiguity() const { return contiguity; }
  llvm::ArrayRef<int64_t> getDivisibility() const { return divisibility; }
  llvm::ArrayRef<int64_t> getConstancy() const { return constancy; }

  /// Set when every element of the value is this integer (sign-extended from
  /// the value's width; i1 true is 1). Never set for pointers.
  std::optional<int64_t> getConstantValue() const { return constantValue; }

  /// Every element is known to be >= 0 when read as a signed integer. Used
  /// only to make the remsi / divsi rules sound; not printed.
  bool isNonNegative() const { return nonNegative; }

  bool operator==(const AxisInfo &other) const;
  bool operator!=(const AxisInfo &other) const { return !(*this == other); }

  /// "contiguity = [..], divisibility = [..], constancy = [..],
  /// constant_value = <none>|N", the form the test pass prints.
  void print(llvm::raw_ostream &os) const;

private:
  DimVector contiguity;
  DimVector divisibility;
  DimVector constancy;
  std::optional<int64_t> constantValue;
  bool nonNegative = false;
};

inline llvm::raw_ostream &operator<<(llvm::raw_ostream &os,
                                     const AxisInfo &info) {
  info.print(os);
  return os;
}

/// Runs the analysis over every function nested in `root` (each function on
/// its own: arguments are seeded from their tt.divisibility / tt.contiguity /
/// tt.constancy attributes, call results are unknown) and answers queries.
/// The IR must not change while the analysis is alive.
class AxisInfoAnalysis {
public:
  explicit AxisInfoAnalysis(Operation *root);
  ~AxisInfoAnalysis();
  AxisInfoAnalysis(AxisInfoAnalysis &&) noexcept;
  AxisInfoAnalysis &operator=(AxisInfoAnalysis &&) noexcept;

  /// The facts about `value`. Values of other types (floats, block pointers)
  /// and values in unreachable code get the pessimistic AxisInfo of their
  /// type.
  AxisInfo lookup(Value value) const;

  /// The dimensions of a tensor of pointers from the one along which it is
  /// most contiguous to the least (ties go to the more minor dimension), i.e.
  /// the order in which a coalescing layout should make them vary fastest
  /// (Triton's `order`). For a row-major access that is rank-1 first; for a
  /// transposed one (`k[:, None] + cols[None, :] * stride`) it is 0 first.
  /// {0} for a scalar.
  llvm::SmallVector<unsigned> getAccessOrder(Value ptr) const;

  /// Contiguity of a tensor of pointers along `dim`, or along the last
  /// (row-major fastest-varying) dimension when `dim` is omitted. 1 for a
  /// scalar.
  unsigned getContiguity(Value ptr) const;
  unsigned getContiguity(Value ptr, unsigned dim) const;

  /// Alignment of the run starts of a tensor of pointers along `dim` (default:
  /// the last), in elements: the byte divisibility over the pointee size, at
  /// least 1. 1 for a scalar.
  unsigned getAlignment(Value ptr) const;
  unsigned getAlignment(Value ptr, unsigned dim) const;

  /// Constancy of a mask along `dim` (default: the last). 1 for a scalar (a
  /// scalar mask goes with a scalar pointer).
  unsigned getMaskConstancy(Value mask) const;
  unsigned getMaskConstancy(Value mask, unsigned dim) const;

  /// The number of elements (a power of two) one thread can access along
  /// `dim` (default: the last dimension) of the tensor of pointers `ptr`
  /// with a single aligned vector access of at most 16 bytes: the minimum of
  /// the contiguity, the alignment in elements, 16 bytes over the pointee
  /// size, and -- when `mask` is given -- the mask's constancy along `dim`,
  /// since a vector access is done whole or not at all. The thread's
  /// elements must start at a multiple of the width along `dim` (as they do
  /// in a blocked layout whose size per thread there is a multiple of it).
  /// 1 for scalars and block pointers.
  ///
  /// A lowering with a fixed row-major layout uses the default; one that
  /// picks a layout per access uses getAccessOrder(ptr)[0].
  unsigned getVectorWidth(Value ptr, Value mask = Value()) const;
  unsigned getVectorWidth(Value ptr, Value mask, unsigned dim) const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl;
};

/// The vector width of getVectorWidth, from the facts alone: `ptrInfo` of a
/// tensor of pointers whose pointee is `elementBytes` wide, along `dim`, and
/// optionally the facts about its (tensor) mask. Exposed for the lowering and
/// the tests.
unsigned computeVectorWidth(const AxisInfo &ptrInfo, unsigned elementBytes,
                            unsigned dim, const AxisInfo *maskInfo = nullptr);

/// Elements per vector access of `ptr`, a tensor of pointers in a
/// distributed layout, under `mask`: the registers consecutive along the
/// layout's fastest dimension that `axisInfo` proves contiguous, aligned and
/// equally masked (at most 16 bytes); 1 where there are none, or the layout
/// is not one the lowering knows.
unsigned getLayoutAccessWidth(const AxisInfoAnalysis &axisInfo, Value ptr,
                              Value mask);

} // namespace mlir::triton

#endif // TRITIUM_ANALYSIS_AXISINFO_H
