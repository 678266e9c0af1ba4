//===- KernelBuilder.h - A Triton-like C++ API that builds `tt` IR -*- C++ -*-//
//
// Kernels written in C++ the way they are written in Triton's Python DSL:
//
//   using namespace tritium::builder;
//   KernelBuilder kb("vector_add");
//   Value x = kb.pointerArg("x_ptr", DType::F32, {.divisibility = 16});
//   Value y = kb.pointerArg("y_ptr", DType::F32, {.divisibility = 16});
//   Value out = kb.pointerArg("out_ptr", DType::F32, {.divisibility = 16});
//   Value n = kb.scalarArg("n", DType::I32);
//   constexpr int kBlock = 1024;            // a constexpr: a C++ value
//   Value offs = kb.programId(0) * kBlock + kb.arange(0, kBlock);
//   Value mask = offs < n;
//   store(out + offs, load(x + offs, {.mask = mask}) +
//                         load(y + offs, {.mask = mask}), {.mask = mask});
//   std::string ttir = kb.tritonIR();       // Triton IR text
//
// Constexpr parameters are ordinary C++ values baked into the IR as
// constants, so every combination of them yields different IR: that is the
// specialisation. The printed IR uses the textual forms Triton 3.x prints, so
// `tritiumc`, the runtime and Triton itself accept it.
//
// Values follow Triton's semantics:
//  * Implicit broadcasting: a scalar operand is splatted to the other
//    operand's shape; tensor shapes broadcast as numpy does ([M,1] with [1,N]
//    gives [M,N]; a missing leading dimension is added).
//  * Type promotion as Triton's `computation_type_impl`: a C++ literal
//    (int, float, ...) is "weak" and takes the other operand's type when its
//    kind (bool < integer < float) is not higher; otherwise f64 > f32 > f16
//    > bf16 (f16 with bf16 gives f16, as in Triton; / and % of half types
//    compute in f32); integers promote as C does (wider wins; with equal
//    width, unsigned wins). An int literal is i32 (u32, i64 or u64 when it
//    does not fit), a floating literal f32. docs/builder.md has the details
//    and the few deliberate differences from Triton.
//  * Signedness lives in the DType (U8..U64), not in the IR (signless
//    integers): it selects divsi/divui, remsi/remui, shrsi/shrui, signed or
//    unsigned comparisons, min/max, extsi/extui and sitofp/uitofp.
//  * Integer `/` is integer division truncating toward zero (Triton's `//`
//    lowers to the same arith.divsi); `trueDiv` divides as floats (Triton's
//    `/`). `%` is remsi/remui/remf.
//  * Pointers: `ptr + offsets` is tt.addptr (splatting the pointer to the
//    offsets' shape); `ptr - offsets` adds the negated offsets.
//
// Misuse - mismatched shapes, wrong types, loading through a non-pointer, a
// value of another builder - throws tritium::Error(Kind::InvalidArgument)
// naming the op and the operand shapes and types; the checks run before any op
// is created, so MLIR never asserts. `finish()` verifies the module and throws
// tritium::Error(Kind::Compile) with the diagnostics when it fails.
//
// This header needs no MLIR headers; the functions that hand out MLIR objects
// (KernelBuilder::module, Value::mlirValue, ...) are declared with forward
// declarations, so only callers that use them include MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_BUILDER_KERNELBUILDER_H
#define TRITIUM_BUILDER_KERNELBUILDER_H

#include "tritium/Runtime/Error.h"

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace mlir {
class MLIRContext;
class ModuleOp;
class Value;
template <typename OpTy> class OwningOpRef;
} // namespace mlir

namespace tritium::builder {

class KernelBuilder;

/// Element types, Triton's names in brackets. Integers are signless in the
/// IR; the U* types make arithmetic unsigned.
enum class ElementType {
  I1,     ///< tl.int1 (bool)
  I8,     ///< tl.int8
  I16,    ///< tl.int16
  I32,    ///< tl.int32
  I64,    ///< tl.int64
  U8,     ///< tl.uint8
  U16,    ///< tl.uint16
  U32,    ///< tl.uint32
  U64,    ///< tl.uint64
  F16,    ///< tl.float16
  BF16,   ///< tl.bfloat16
  F32,    ///< tl.float32
  F64,    ///< tl.float64
  F8E4M3, ///< tl.float8e4nv
  F8E5M2, ///< tl.float8e5
};
using DType = ElementType;

/// Triton's name of a dtype ("fp32", "int32", "uint8", ...).
std::string_view dtypeName(DType type);
/// Width in bits (1 for I1).
unsigned bitWidth(DType type);
bool isFloat(DType type);
bool isInteger(DType type);  ///< Includes I1.
bool isSigned(DType type);   ///< I8..I64 (not I1, not U*).
bool isUnsigned(DType type); ///< U8..U64 and I1.

/// Tensor shapes; an empty shape is a scalar.
using Shape = std::vector<int64_t>;

/// Shape rendered as "[128, 64]" (or "scalar"), for messages.
std::string shapeToString(const Shape &shape);

/// A value of a kernel under construction: a scalar or a tensor of numbers or
/// of pointers. Cheap to copy. A Value made from a C++ number (implicitly) is
/// a weak literal that takes its type from the operation that uses it.
class Value {
public:
  /// An empty value; using it throws InvalidArgument.
  Value() = default;

  /// A weak literal: `x + 1`, `where(m, x, 0.0)`, `load(p, {.other = 0})`.
  template <typename T>
  requires std::is_arithmetic_v<T>
  Value(T literal) { // NOLINT(google-explicit-constructor): Triton-like code.
    if constexpr (std::is_same_v<T, bool>)
      setLiteral(LiteralKind::Bool, literal ? 1 : 0, 0.0);
    else if constexpr (std::is_floating_point_v<T>)
      setLiteral(LiteralKind::Float, 0, static_cast<double>(literal));
    else if constexpr (std::is_unsigned_v<T>)
      setLiteral(LiteralKind::Unsigned, static_cast<int64_t>(literal), 0.0);
    else
      setLiteral(LiteralKind::Signed, static_cast<int64_t>(literal), 0.0);
  }

  bool isValid() const { return kind != Kind::Empty; }
  /// True for a weak literal not yet given a type by an operation.
  bool isLiteral() const;

  /// The builder this value belongs to (null for literals and empty values).
  KernelBuilder *builder() const { return owner; }

  /// For numbers the element type; for pointers the pointee's.
  DType dtype() const;
  bool isPointer() const;
  bool isTensor() const;
  bool isScalar() const { return !isTensor(); }
  Shape shape() const; ///< Empty for scalars.
  int64_t rank() const { return static_cast<int64_t>(shape().size()); }
  int64_t numel() const;
  /// "tensor<128xf32>", "!tt.ptr<f16>", "i32 literal 3", ... for messages.
  std::string typeString() const;

  /// Names the value in the printed IR (`%offs = ...`), as Triton names SSA
  /// values after Python variables. Returns *this for chaining.
  Value &named(std::string_view name);

  // Convenience forms of the free functions below.
  Value to(DType type) const;                  ///< cast(*this, type)
  Value bitcastTo(DType type) const;           ///< bitcast(*this, type)
  Value expandDims(int axis) const;            ///< expandDims(*this, axis)
  Value broadcastTo(const Shape &shape) const; ///< broadcastTo(*this, shape)
  Value reshape(const Shape &shape) const;     ///< reshape(*this, shape)
  /// `x[:, None]` in Triton: expandDims(1). `row()` is `x[None, :]`.
  Value column() const { return expandDims(1); }
  Value row() const { return expandDims(0); }

  /// The underlying MLIR value (include mlir/IR/Value.h to use it). Throws
  /// InvalidArgument for literals and empty values.
  mlir::Value mlirValue() const;

  /// Wraps an MLIR value made by hand at `builder`'s insertion point (an
  /// escape hatch for ops this API lacks). `dtype` overrides the element
  /// type read from the MLIR type, whose integers are taken as signed (pass
  /// U32 for an unsigned i32).
  static Value fromMlir(KernelBuilder &builder, mlir::Value value,
                        std::optional<DType> dtype = std::nullopt);

private:
  friend class KernelBuilder;
  friend struct ValueAccess;
  enum class Kind { Empty, Literal, Ir };
  enum class LiteralKind { Bool, Unsigned, Signed, Float };
  void setLiteral(LiteralKind literalKind, int64_t intValue,
                  double floatValue) {
    kind = Kind::Literal;
    litKind = literalKind;
    litInt = intValue;
    litFloat = floatValue;
  }

  Kind kind = Kind::Empty;
  KernelBuilder *owner = nullptr;
  void *opaque = nullptr; ///< mlir::Value's opaque pointer.
  DType elementType = DType::I32;
  LiteralKind litKind = LiteralKind::Signed;
  int64_t litInt = 0;
  double litFloat = 0.0;
};

using Values = std::vector<Value>;

//===----------------------------------------------------------------------===//
// Options of the memory ops
//===----------------------------------------------------------------------===//

enum class CacheModifier { None, CA, CG, WB, CS, WT, CV };
enum class EvictionPolicy { Normal, EvictFirst, EvictLast };
enum class MemSemantic { Relaxed, Acquire, Release, AcquireRelease };
enum class MemScope { Gpu, Cta, System };
enum class InputPrecision { TF32, TF32x3, IEEE, BF16x3, BF16x6 };
enum class PropagateNan { None, All };

struct LoadOptions {
  Value mask;  ///< i1, broadcast to the pointers' shape; empty: no mask.
  Value other; ///< Value of masked-off lanes (cast to the pointee type).
  CacheModifier cache = CacheModifier::None;
  EvictionPolicy eviction = EvictionPolicy::Normal;
  bool isVolatile = false;
  /// On an L2 miss, L2 fetches this many bytes around each access (64, 128
  /// or 256; 0: the hardware's default), for loads whose neighbouring bytes
  /// other programs read soon after. Printed as the `tx.l2_prefetch`
  /// attribute (PTX `.L2::<N>B`).
  int l2Prefetch = 0;
};

struct StoreOptions {
  Value mask;
  CacheModifier cache = CacheModifier::None;
  EvictionPolicy eviction = EvictionPolicy::Normal;
  /// The store writes few elements at data-dependent addresses (a
  /// compaction of a sparse selection, most lanes masked off). Printed as
  /// the `tx.sparse_store` attribute: the layout pass then writes it in the
  /// mask's layout (the value's without a mask) instead of converting its
  /// operands through shared memory for no better-coalesced writes.
  bool sparse = false;
};

struct AtomicOptions {
  Value mask;
  MemSemantic sem = MemSemantic::AcquireRelease; ///< Triton's default.
  MemScope scope = MemScope::Gpu;
};

/// Hints on a kernel argument, printed as `tt.divisibility` etc.
struct ArgAttrs {
  int divisibility = 0; ///< 0: none. Triton uses 16 for aligned pointers.
  int contiguity = 0;
  int constancy = 0;
};

//===----------------------------------------------------------------------===//
// The builder
//===----------------------------------------------------------------------===//

/// Builds one kernel (`tt.func public @name`) in its own module. Sources of
/// values (arguments, program ids, ranges, constants) and structured control
/// flow are members; operations on values are free functions, which find the
/// builder through their operands.
/// How KernelBuilder::forLoop compiles a loop.
struct LoopOptions {
  /// Triton's `tl.range(..., num_stages=N)` (the loop attribute
  /// `tt.num_stages`): with N >= 2 the loop's loads are copied into shared
  /// memory N - 1 iterations ahead (tritium-stage-loads). It promises that
  /// the loop's stores do not write what a later iteration loads. 0: no
  /// mark.
  int numStages = 0;
};

class KernelBuilder {
public:
  /// Owns a fresh MLIRContext with the tt, arith, math, scf, gpu dialects.
  explicit KernelBuilder(std::string_view kernelName);
  /// Borrows `context` (which must outlive the builder and the module);
  /// the needed dialects are loaded into it.
  KernelBuilder(mlir::MLIRContext &context, std::string_view kernelName);
  ~KernelBuilder();
  KernelBuilder(const KernelBuilder &) = delete;
  KernelBuilder &operator=(const KernelBuilder &) = delete;

  const std::string &name() const;
  mlir::MLIRContext &context();

  // --- Arguments (in order; all before the first op is built) ----------
  /// `%name: !tt.ptr<T>` with optional hints.
  Value pointerArg(std::string_view name, DType pointee, ArgAttrs attrs = {});
  /// `%name: T`, a scalar argument.
  Value scalarArg(std::string_view name, DType type, ArgAttrs attrs = {});

  // --- Program position -------------------------------------------------
  Value programId(int axis);   ///< tt.get_program_id, i32.
  Value numPrograms(int axis); ///< tt.get_num_programs, i32.

  // --- Constants and ranges ---------------------------------------------
  /// tt.make_range: i32 tensor [start, end); end - start a power of two.
  Value arange(int64_t start, int64_t end);
  /// A scalar constant of `type`.
  Value constant(Value literal, DType type);
  /// A tensor of `shape` filled with `value` (a literal or a scalar Value,
  /// cast to `type`).
  Value full(const Shape &shape, Value value, DType type);
  Value zeros(const Shape &shape, DType type);
  Value zerosLike(const Value &like);
  Value fullLike(const Value &like, Value value);

  // --- Control flow ------------------------------------------------------
  using LoopBody =
      std::function<Values(const Value &inductionVar, const Values &carried)>;
  /// scf.for from `lower` to `upper` (exclusive) by `step` (i32 unless a
  /// bound is i64) carrying `inits`; `body` returns the next carried values,
  /// of the same types and shapes (literals are cast). Returns the final
  /// carried values.
  Values forLoop(Value lower, Value upper, Value step, const Values &inits,
                 const LoopBody &body, const LoopOptions &options = {});
  /// A loop that carries nothing.
  void forLoop(Value lower, Value upper, Value step,
               const std::function<void(const Value &inductionVar)> &body,
               const LoopOptions &options = {});

  /// scf.if with results: both branches return values of the same types
  /// and shapes. `cond` is a scalar i1 (or anything compared != 0).
  Values ifThenElse(Value cond, const std::function<Values()> &thenBody,
                    const std::function<Values()> &elseBody);
  /// scf.if without results and without an else branch.
  void ifThen(Value cond, const std::function<void()> &thenBody);

  /// scf.while: before each iteration `cond(carried)` gives a scalar i1; if
  /// true, `body(carried)` gives the next carried values. Returns the final
  /// carried values.
  Values whileLoop(const Values &inits,
                   const std::function<Value(const Values &carried)> &cond,
                   const std::function<Values(const Values &carried)> &body);

  // --- Synchronisation and debugging -------------------------------------
  void debugBarrier(); ///< tl.debug_barrier(): gpu.barrier.
  /// tl.inline_asm_elementwise with pack = 1: `asm` once per element of the
  /// arguments' broadcast shape (once where there are none or all are
  /// scalars), operands $1.. the arguments' elements, $0 the result's.
  Value inlineAsmElementwise(std::string_view asmText,
                             std::string_view constraints, const Values &args,
                             DType resultType, bool pure = true);
  /// Programmatic dependent launch (Triton's gdc_wait and
  /// gdc_launch_dependents): wait until the kernels this one may overlap
  /// (LaunchOptions::overlapPrevious) have finished and their writes are
  /// visible; let the next kernel on the stream start early. PTX for sm_90
  /// and later only (ptxas rejects it for older targets).
  void gridDependencyWait();
  void launchDependents();

  // --- Thread-block clusters (Tritium's `tx` dialect; sm_90 and later) ---
  /// Runs the kernel's programs in clusters of `programs` consecutive
  /// programs along x (1-8, the portable sizes; the grid's x extent must be
  /// a multiple, which Kernel::launch checks): the programs of a cluster are
  /// scheduled together and clusterSum exchanges data between them. Sets
  /// tx.cluster_size.
  void setClusterSize(int programs);
  /// How many scratch buffers the kernel's clusterSums take in turn, 1 (the
  /// default: the shared scratch, two cluster barriers a sum) or 2 (shared
  /// memory of their own, each as large as the largest sum: one cluster
  /// barrier a sum and one before the kernel returns). Sets
  /// tx.cluster_sum_buffers.
  void setClusterSumBuffers(int buffers);
  /// This program's rank in its cluster (program_id(0) % cluster size; 0
  /// without clusters), i32.
  Value clusterRank();
  /// The element-wise sum of a 32-bit tensor (i32 or f32) over the programs
  /// of the cluster, the same in each. Needs setClusterSize(n > 1) first.
  /// Every program of the cluster must reach it, like a barrier: not inside
  /// ifThen / ifThenElse / whileLoop (rejected), and forLoop bounds the same
  /// in every program.
  Value clusterSum(const Value &x);
  /// tx.grid_barrier: no program goes on until every program of the grid
  /// has arrived, and every write before it is visible to every read after
  /// it. `counter` is a scalar pointer to an i32 in global memory that only
  /// this kernel's barriers use, 0 before its first launch (it needs no
  /// reset after). Every program must reach it, like clusterSum (not inside
  /// ifThen / ifThenElse / whileLoop), and the runtime launches the kernel
  /// cooperatively: the grid must fit on the device at once.
  void gridBarrier(const Value &counter);
  /// The same for a group of the grid's programs: the `arrivals` programs
  /// (an i32, the same in each) that pass `counter`, exactly one of which
  /// passes `leader` true. Groups with counters of their own wait for
  /// their own members only; all programs must still be resident at once.
  void gridBarrier(const Value &counter, const Value &arrivals,
                   const Value &leader);
  /// tt.print (device_print) of the values with a prefix.
  void print(std::string_view prefix, const Values &values, bool hex = false);
  /// tt.assert: `cond` (scalar or tensor of i1) must hold.
  void deviceAssert(Value cond, std::string_view message);

  // --- Result --------------------------------------------------------------
  /// Ends the kernel (adds tt.return), verifies it and returns the module,
  /// still owned by the builder. Throws Error(Kind::Compile) with the
  /// verifier's diagnostics. Idempotent; building more after it throws.
  mlir::ModuleOp finish();
  /// finish(), then gives the module away (the context must outlive it).
  mlir::OwningOpRef<mlir::ModuleOp> takeModule();
  /// finish(), then the Triton IR text. Locations (`loc(...)`) are printed
  /// only when asked; named values print under their names either way.
  std::string tritonIR(bool withLocations = false);

  struct Impl;
  Impl &impl() { return *state; }

private:
  void gridBarrierOf(const Value &counter, const Value *arrivals,
                     const Value *leader);
  std::unique_ptr<Impl> state;
};

//===----------------------------------------------------------------------===//
// Operations on values (builder taken from the operands)
//===----------------------------------------------------------------------===//

// Arithmetic, bitwise and comparison operators, with broadcasting and
// promotion. Comparisons give i1; on floats they are ordered (olt, ole, ...)
// except != which is une, as in Triton.
Value operator+(const Value &lhs, const Value &rhs);
Value operator-(const Value &lhs, const Value &rhs);
Value operator*(const Value &lhs, const Value &rhs);
Value operator/(const Value &lhs, const Value &rhs);
Value operator%(const Value &lhs, const Value &rhs);
Value operator<<(const Value &lhs, const Value &rhs);
Value operator>>(const Value &lhs, const Value &rhs); ///< Arithmetic if signed.
Value operator&(const Value &lhs, const Value &rhs);
Value operator|(const Value &lhs, const Value &rhs);
Value operator^(const Value &lhs, const Value &rhs);
Value operator<(const Value &lhs, const Value &rhs);
Value operator<=(const Value &lhs, const Value &rhs);
Value operator>(const Value &lhs, const Value &rhs);
Value operator>=(const Value &lhs, const Value &rhs);
Value operator==(const Value &lhs, const Value &rhs);
Value operator!=(const Value &lhs, const Value &rhs);
Value operator-(const Value &operand);
Value operator~(const Value &operand); ///< Bitwise not of integers.
Value operator!(const Value &operand); ///< Logical not: operand == 0.
Value &operator+=(Value &lhs, const Value &rhs);
Value &operator-=(Value &lhs, const Value &rhs);
Value &operator*=(Value &lhs, const Value &rhs);

/// Float division after promoting integers to f32 (Triton's `/`).
Value trueDiv(const Value &lhs, const Value &rhs);
/// Integer division rounding toward negative infinity (Python's `//` on
/// numbers; note that Triton's own `//` truncates like operator/).
Value floorDiv(const Value &lhs, const Value &rhs);
/// ceil(lhs / rhs) for non-negative integers: (lhs + rhs - 1) / rhs.
Value cdiv(const Value &lhs, const Value &rhs);
/// Logical right shift whatever the signedness (arith.shrui).
Value shrLogical(const Value &lhs, const Value &rhs);
/// Logical and/or of i1 values (same as & and | on i1).
Value logicalAnd(const Value &lhs, const Value &rhs);
Value logicalOr(const Value &lhs, const Value &rhs);

/// `cond ? a : b` element by element (arith.select), broadcasting all three.
Value where(const Value &cond, const Value &a, const Value &b);
/// tl.minimum / tl.maximum: minsi/minui for integers; for floats minnumf
/// (PropagateNan::None) or minimumf (PropagateNan::All).
Value minimum(const Value &a, const Value &b,
              PropagateNan nan = PropagateNan::None);
Value maximum(const Value &a, const Value &b,
              PropagateNan nan = PropagateNan::None);
/// tl.clamp for floats (tt.clampf); for integers max(min(x, hi), lo).
Value clamp(const Value &x, const Value &lo, const Value &hi,
            PropagateNan nan = PropagateNan::None);

// Math (floats; integers are promoted to f32 first, as Triton does).
Value exp(const Value &x);
Value exp2(const Value &x);
Value log(const Value &x);
Value log2(const Value &x);
Value sqrt(const Value &x);
Value sqrtRn(const Value &x); ///< tt.precise_sqrt.
Value rsqrt(const Value &x);
Value abs(const Value &x); ///< Also integers (math.absi).
Value sin(const Value &x);
Value cos(const Value &x);
Value tanh(const Value &x);
Value erf(const Value &x);
Value floor(const Value &x);
Value ceil(const Value &x);
Value fma(const Value &a, const Value &b, const Value &c);
Value divRn(const Value &x, const Value &y); ///< tt.precise_divf.
Value sigmoid(const Value &x); ///< 1 / (1 + exp(-x)), as tl.sigmoid.
Value umulhi(const Value &x, const Value &y); ///< tt.mulhiui.
/// tt.extern_elementwise: a device-library call, e.g.
/// externElementwise("", "", "__nv_expm1f", {x}, DType::F32).
Value externElementwise(std::string_view libName, std::string_view libPath,
                        std::string_view symbol, const Values &args,
                        DType resultType, bool pure = true);

// Casts.
/// tl.cast: int<->int (extsi/extui by source signedness, trunci), int->float
/// (sitofp/uitofp), float->int (fptosi/fptoui), float<->float (extf/truncf;
/// fp8 through tt.fp_to_fp), to I1 (!= 0), pointers to/from I64
/// (tt.ptr_to_int / tt.int_to_ptr). Same type: returns the value.
Value cast(const Value &x, DType type);
/// Reinterprets the bits (tt.bitcast); the widths must agree. Between
/// integers of one width (i32 <-> u32) the IR type stays (the op is a no-op,
/// as in Triton) and the signedness changes. On a pointer, changes the
/// pointee type.
Value bitcast(const Value &x, DType type);
/// Pointer <-> integer casts of a pointer (tensor) value.
Value ptrToInt(const Value &ptr);
Value intToPtr(const Value &address, DType pointee);

// Memory.
/// tt.load through a pointer or a tensor of pointers. The mask and other are
/// broadcast to the pointers' shape; other is cast to the pointee type.
Value load(const Value &ptr, const LoadOptions &options = {});
void store(const Value &ptr, const Value &value,
           const StoreOptions &options = {});
/// tx.prefetch_l2: a hint that the `bytes` bytes of global memory from the
/// scalar pointer `ptr` will be read soon. Issued once by the program; the
/// range starts moving into L2 (sm_90: one bulk prefetch; sm_80: one
/// 128-byte line a thread), so later loads of it wait less. Only the
/// range's 16-byte aligned part is fetched, nothing where bytes <= 0; the
/// range must lie inside one allocation, like a load's addresses.
void prefetchL2(const Value &ptr, const Value &bytes);
/// tt.atomic_rmw; each returns the old values. As in Triton, a missing
/// mask becomes an all-true one. atomicAdd on floats is fadd; atomicMax/Min
/// on unsigned integers use umax/umin. On f32/f64, max/min use Triton's
/// sign-split trick (a signed atomic for lanes with the sign bit clear, an
/// unsigned one for the others).
Value atomicAdd(const Value &ptr, const Value &value,
                const AtomicOptions &options = {});
Value atomicMax(const Value &ptr, const Value &value,
                const AtomicOptions &options = {});
Value atomicMin(const Value &ptr, const Value &value,
                const AtomicOptions &options = {});
Value atomicAnd(const Value &ptr, const Value &value,
                const AtomicOptions &options = {});
Value atomicOr(const Value &ptr, const Value &value,
               const AtomicOptions &options = {});
Value atomicXor(const Value &ptr, const Value &value,
                const AtomicOptions &options = {});
Value atomicXchg(const Value &ptr, const Value &value,
                 const AtomicOptions &options = {});
/// tt.atomic_cas (no mask, as in Triton).
Value atomicCas(const Value &ptr, const Value &compare, const Value &value,
                MemSemantic sem = MemSemantic::AcquireRelease,
                MemScope scope = MemScope::Gpu);

// Shapes.
Value expandDims(const Value &x,
                 int axis); ///< Negative axes count from the end.
Value broadcastTo(const Value &x, const Shape &shape);
/// tt.reshape; `canReorder` lets the compiler permute elements (Triton's
/// can_reorder, for reductions whose order does not matter).
Value reshape(const Value &x, const Shape &shape, bool canReorder = false);
/// tt.trans; an empty order reverses the dimensions (2-D: transpose).
Value trans(const Value &x, std::vector<int32_t> order = {});
Value join(const Value &a, const Value &b);    ///< New minor dimension of 2.
std::pair<Value, Value> split(const Value &x); ///< Minor dimension of 2.
Value cat(const Value &a, const Value &b);     ///< tt.cat (may reorder).
Value ravel(const Value &x);                   ///< reshape to 1-D.
/// tt.gather: out[i][j] = src[idx[i][j]][j] for axis 0 (etc.); idx an integer
/// tensor of src's rank.
Value gather(const Value &src, const Value &indices, int axis);

// Contraction.
/// tt.dot: a [M,K] x b [K,N] + acc [M,N] (or batched [B,M,K]). Without acc,
/// the accumulator is zeros of f32 (i32 for integer operands).
Value dot(const Value &a, const Value &b, Value acc = {},
          InputPrecision precision = InputPrecision::TF32,
          int maxNumImpreciseAcc = 0);

// Reductions. `axis` empty: over all elements (a scalar). keepDims keeps
// the reduced dimension with size 1.
using Combine = std::function<Values(const Values &lhs, const Values &rhs)>;
/// tt.reduce of several tensors of one shape with a combining function on
/// scalars (lhs: the accumulators, rhs: the new elements).
Values reduce(const Values &inputs, std::optional<int> axis,
              const Combine &combine, bool keepDims = false);
/// tl.sum: integers narrower than 32 bits sum as i32/u32, as in Triton.
Value sum(const Value &x, std::optional<int> axis = std::nullopt,
          bool keepDims = false);
Value max(const Value &x, std::optional<int> axis = std::nullopt,
          bool keepDims = false);
Value min(const Value &x, std::optional<int> axis = std::nullopt,
          bool keepDims = false);
Value xorSum(const Value &x, std::optional<int> axis = std::nullopt,
             bool keepDims = false);
/// The value and its index (i32) together; ties go to the smallest index,
/// as Triton's tie_break_left.
std::pair<Value, Value> maxWithIndex(const Value &x, int axis,
                                     bool keepDims = false);
std::pair<Value, Value> minWithIndex(const Value &x, int axis,
                                     bool keepDims = false);
Value argmax(const Value &x, int axis, bool keepDims = false);
Value argmin(const Value &x, int axis, bool keepDims = false);

// Scans (inclusive).
Values scan(const Values &inputs, int axis, const Combine &combine,
            bool reverse = false);
/// tl.cumsum (same sum dtype rules as sum) and tl.cumprod.
Value cumsum(const Value &x, int axis = 0, bool reverse = false);
Value cumprod(const Value &x, int axis = 0, bool reverse = false);

/// tt.histogram of a 1-D integer tensor into `numBins` bins (i32 counts);
/// values outside [0, numBins) and masked-off lanes are not counted.
Value histogram(const Value &x, int64_t numBins, const Value &mask = {});
/// tx.weighted_histogram: bin b gets the sum of `weights` (i32, converted
/// and broadcast to x's shape) over the lanes whose x is b; values outside
/// [0, numBins) and masked-off lanes add nothing. For selections over a few
/// distinct values each standing for many elements.
Value weightedHistogram(const Value &x, const Value &weights, int64_t numBins,
                        const Value &mask = {});

// Sorting (Triton's standard library, built from reshapes, reductions and
// xor as Triton does it).
/// tl.sort along the last dimension (power-of-two length).
Value sort(const Value &x, bool descending = false);
/// tl.topk: the k largest along the last dimension, sorted descending.
Value topk(const Value &x, int64_t k);
/// tl.flip along `axis` (default: the last dimension).
Value flip(const Value &x, std::optional<int> axis = std::nullopt);

// Compiler hints (tl.multiple_of / max_contiguous / max_constancy): set
// `tt.divisibility` / `tt.contiguity` / `tt.constancy` on the op that made x.
Value multipleOf(const Value &x, std::vector<int> values);
Value maxContiguous(const Value &x, std::vector<int> values);
Value maxConstancy(const Value &x, std::vector<int> values);

} // namespace tritium::builder

#endif // TRITIUM_BUILDER_KERNELBUILDER_H
