//===- Internal.h - Shared state of the kernel builder's sources -*- C++
//-*-===//
//
// The builder's private state and the helpers both KernelBuilder.cpp (values,
// arguments, control flow, printing) and Ops.cpp (operations on values) use:
// conversions between DType and MLIR types, literal materialisation, Triton's
// type promotion and broadcasting, and the checks that turn misuse into
// tritium::Error before any MLIR builder could assert.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_LIB_BUILDER_INTERNAL_H
#define TRITIUM_LIB_BUILDER_INTERNAL_H

#include "tritium/Builder/KernelBuilder.h"
#include "tritium/Dialect/Triton/IR/Dialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>

namespace tritium::builder {

struct KernelBuilder::Impl {
  std::unique_ptr<mlir::MLIRContext> ownedContext;
  mlir::MLIRContext *context = nullptr;
  std::string kernelName;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  mlir::ModuleOp moduleOp; ///< Stays valid after takeModule() for checks.
  mlir::triton::FuncOp func;
  mlir::OpBuilder builder;
  mlir::Location loc;
  bool finished = false;
  bool taken = false;
  /// Nesting depth of region bodies being built by lambdas (for, if, while,
  /// reduce, scan); values made inside must not escape them.
  int regionDepth = 0;

  explicit Impl(mlir::MLIRContext *ctx)
      : context(ctx), builder(ctx), loc(mlir::UnknownLoc::get(ctx)) {}
};

/// Constructs and inspects Values (their fields are private).
struct ValueAccess {
  static Value make(KernelBuilder &kb, mlir::Value value, DType dtype);
  static mlir::Value ir(const Value &value) {
    return mlir::Value::getFromOpaquePointer(value.opaque);
  }
  static bool isLiteral(const Value &v) {
    return v.kind == Value::Kind::Literal;
  }
  static bool isFloatLiteral(const Value &v) {
    return v.kind == Value::Kind::Literal &&
           v.litKind == Value::LiteralKind::Float;
  }
  static int64_t literalInt(const Value &v) { return v.litInt; }
  static double literalFloat(const Value &v) { return v.litFloat; }
  static bool literalIsUnsigned(const Value &v) {
    return v.litKind == Value::LiteralKind::Unsigned;
  }
  static bool literalIsBool(const Value &v) {
    return v.litKind == Value::LiteralKind::Bool;
  }
  /// The type a literal takes on its own (Triton's to_tensor of a Python
  /// number): bool i1; ints i32, u32, i64 or u64 by range; floats f32.
  static DType literalType(const Value &v);
};

[[noreturn]] void fail(const std::string &message);
[[noreturn]] void failUnsupported(const std::string &message);

/// The builder that owns the operands (all must agree; literals have none).
/// Throws when there is none or when operands come from two builders.
KernelBuilder &ownerOf(std::string_view op,
                       std::initializer_list<const Value *> operands);
KernelBuilder::Impl &implOf(KernelBuilder &kb);

/// Throws if `v` is empty, or finished/foreign to `kb`.
void checkUsable(KernelBuilder &kb, std::string_view op, const Value &v,
                 std::string_view what);

mlir::Type mlirElementType(mlir::MLIRContext *ctx, DType type);
DType dtypeOf(mlir::Type elementType); ///< Integers as signed.
mlir::Type pointerType(mlir::MLIRContext *ctx, DType pointee);

/// A ranked tensor type, or the element type itself for an empty shape.
/// Throws if the shape is not a Triton shape (power-of-two sizes within the
/// element limit).
mlir::Type shapedType(std::string_view op, const Shape &shape,
                      mlir::Type element);

/// The scalar MLIR type of a value (pointer or number).
mlir::Type scalarType(const Value &v);

/// A constant of `type` and `shape` holding a literal's value (or a given
/// number). Checks that an integer fits the type's width.
Value materialize(KernelBuilder &kb, std::string_view op, const Value &literal,
                  DType type, const Shape &shape = {});

/// Turns literals into typed scalars (their own type); leaves others alone.
Value materializeAlone(KernelBuilder &kb, std::string_view op, const Value &v);

/// Triton's computation_type_impl for a binary op, with weak literals.
DType promoteTypes(std::string_view op, const Value &lhs, const Value &rhs,
                   bool divOrMod);

/// Numpy-style broadcast shape of two shapes; throws naming `op`.
Shape broadcastShapes(std::string_view op, const Shape &lhs, const Shape &rhs);

/// Splat / expand leading dims / broadcast `v` to `shape` (which must be
/// reachable from v's shape).
Value broadcastValue(std::string_view op, const Value &v, const Shape &shape);

/// The operands of an elementwise op on several arguments (extern calls,
/// inline asm): each checked (usable, not a pointer), literals typed on
/// their own, all broadcast to their common shape. `what` names the op in
/// errors.
struct ElementwiseOperands {
  Shape shape;
  llvm::SmallVector<mlir::Value> values;
};
ElementwiseOperands elementwiseOperands(KernelBuilder &kb,
                                        const std::string &what,
                                        const Values &args);

/// Creates `OpTy` at the builder's insertion point.
template <typename OpTy, typename... Args>
OpTy create(KernelBuilder &kb, Args &&...args) {
  KernelBuilder::Impl &impl = implOf(kb);
  return OpTy::create(impl.builder, impl.loc, std::forward<Args>(args)...);
}

/// RAII: builds into `block` (at its end) and restores the insertion point.
class InsertionGuard {
public:
  InsertionGuard(KernelBuilder &kb, mlir::Block *block);
  ~InsertionGuard();

private:
  KernelBuilder::Impl &impl;
  mlir::OpBuilder::InsertPoint saved;
};

/// Runs `build` (which fills `op`'s regions through user callbacks); if it
/// throws, erases `op` so that the kernel stays well formed, and rethrows.
template <typename F> void eraseOnError(mlir::Operation *op, F &&build) {
  try {
    build();
  } catch (...) {
    op->erase();
    throw;
  }
}

/// Builds the scalar combine region of a tt.reduce / tt.scan.
void buildCombineRegion(KernelBuilder &kb, std::string_view op,
                        mlir::Region &region, const std::vector<DType> &types,
                        const Combine &combine, bool isReduce);

} // namespace tritium::builder

#endif // TRITIUM_LIB_BUILDER_INTERNAL_H
