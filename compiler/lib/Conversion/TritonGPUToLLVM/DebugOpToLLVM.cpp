//===- DebugOpToLLVM.cpp - tt.print, tt.assert ----------------------------===//
//
// tt.print becomes CUDA's device printf (`vprintf(format, argument buffer)`),
// one call per element a thread holds, with Triton's format strings:
//   pid (<x>, <y>, <z>) idx (<i>, <j>, ...)<prefix>[(operand <n>) ]<value>
// As in Triton, every thread prints the elements it holds, so elements of a
// tensor replicated over threads (and scalars) print once per copy.
//
// tt.assert calls `__assertfail(message, file, line, function, charSize)`
// (CUDA's assert) when any element the thread holds is false, with the file
// and line of the op's location, as Triton does.
//
//===----------------------------------------------------------------------===//

#include "Utility.h"

#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

using namespace mlir;
using namespace mlir::triton;
using namespace mlir::triton::lowering;

namespace {

constexpr unsigned kGlobalAddressSpace = 1;

/// A NUL-terminated string constant in global memory, named `<prefix><n>`
/// with the first free n (as Triton names them); returns a generic pointer
/// to its first character.
Value addStringToModule(ConversionPatternRewriter &rewriter, Location loc,
                        Operation *user, StringRef prefix, StringRef content) {
  MLIRContext *context = rewriter.getContext();
  auto module = user->getParentOfType<ModuleOp>();
  std::string name;
  for (unsigned n = 0;; ++n) {
    name = (prefix + Twine(n)).str();
    if (!module.lookupSymbol(name))
      break;
  }
  std::string text = content.str();
  text.push_back('\0');
  auto type =
      LLVM::LLVMArrayType::get(IntegerType::get(context, 8), text.size());
  LLVM::GlobalOp global;
  {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(module.getBody());
    global =
        LLVM::GlobalOp::create(rewriter, UnknownLoc::get(context), type,
                               /*isConstant=*/true, LLVM::Linkage::Internal,
                               name, rewriter.getStringAttr(text),
                               /*alignment=*/1, kGlobalAddressSpace);
  }
  Value address = LLVM::AddressOfOp::create(rewriter, loc, global);
  return LLVM::AddrSpaceCastOp::create(
      rewriter, loc, LLVM::LLVMPointerType::get(context), address);
}

/// The declaration of an external device-runtime function, created once.
LLVM::LLVMFuncOp getOrDeclare(ConversionPatternRewriter &rewriter,
                              Operation *user, StringRef name,
                              LLVM::LLVMFunctionType type) {
  auto module = user->getParentOfType<ModuleOp>();
  if (auto existing = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
    return existing;
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToStart(module.getBody());
  return LLVM::LLVMFuncOp::create(
      rewriter, UnknownLoc::get(rewriter.getContext()), name, type);
}

/// Runs `body` only where `condition` holds; the insertion point ends at the
/// start of the block that continues the original one.
void emitIf(ConversionPatternRewriter &rewriter, Location loc, Value condition,
            function_ref<void(OpBuilder &)> body) {
  Block *current = rewriter.getInsertionBlock();
  Block *rest = rewriter.splitBlock(current, rewriter.getInsertionPoint());
  Block *then = rewriter.createBlock(rest);
  body(rewriter);
  LLVM::BrOp::create(rewriter, loc, ValueRange{}, rest);
  rewriter.setInsertionPointToEnd(current);
  LLVM::CondBrOp::create(rewriter, loc, condition, then, rest);
  rewriter.setInsertionPointToStart(rest);
}

//===----------------------------------------------------------------------===//
// tt.print
//===----------------------------------------------------------------------===//

/// Triton's printf conversion for a value: `%p` for pointers, zero-padded hex
/// of the type's width when `hex`, else `%[width]` + f / i / u / lli / llu.
std::string formatOf(Type type, bool hex, std::optional<int> width,
                     bool isSigned) {
  if (isa<LLVM::LLVMPointerType>(type))
    return "%p";
  unsigned bits = type.getIntOrFloatBitWidth();
  if (hex)
    return "0x%0" + std::to_string(bits / 4) + (bits > 32 ? "ll" : "") + "x";
  std::string format = "%";
  if (width)
    format += std::to_string(*width);
  if (isa<FloatType>(type))
    return format + "f";
  if (bits == 64)
    return format + (isSigned ? "lli" : "llu");
  return format + (isSigned ? "i" : "u");
}

/// The value as vprintf reads it (C's default argument promotions): small
/// integers widen to 32 bits, floats narrower than double to double. Hex
/// prints a float's bits.
Value promoteForPrintf(OpBuilder &b, Location loc, Value value, bool hex,
                       bool isSigned) {
  Type type = value.getType();
  if (isa<LLVM::LLVMPointerType>(type))
    return value;
  unsigned bits = type.getIntOrFloatBitWidth();
  if (hex && isa<FloatType>(type)) {
    value = LLVM::BitcastOp::create(b, loc, b.getIntegerType(bits), value);
    type = value.getType();
  }
  if (isa<IntegerType>(type) && bits < 32) {
    // Hex shows the value's own bits, not a sign extension of them.
    if (isSigned && !hex)
      return LLVM::SExtOp::create(b, loc, b.getI32Type(), value);
    return LLVM::ZExtOp::create(b, loc, b.getI32Type(), value);
  }
  if (isa<FloatType>(type) && bits < 64)
    return LLVM::FPExtOp::create(b, loc, b.getF64Type(), value);
  return value;
}

struct PrintOpConversion : public OpConversionPattern<PrintOp> {
  using OpConversionPattern::OpConversionPattern;

  /// One vprintf call: the arguments go into a buffer laid out as a C
  /// struct of the promoted values, allocated once in the entry block.
  void callPrintf(ConversionPatternRewriter &rewriter, Location loc, PrintOp op,
                  Value format, ArrayRef<Value> args, Value &buffer,
                  Type &bufferType) const {
    MLIRContext *context = rewriter.getContext();
    auto ptrType = LLVM::LLVMPointerType::get(context);
    auto vprintf = getOrDeclare(
        rewriter, op, "vprintf",
        LLVM::LLVMFunctionType::get(rewriter.getI32Type(), {ptrType, ptrType}));
    Value bufferPtr;
    if (args.empty()) {
      bufferPtr = LLVM::ZeroOp::create(rewriter, loc, ptrType);
    } else {
      if (!buffer) {
        SmallVector<Type> fields;
        for (Value arg : args)
          fields.push_back(arg.getType());
        bufferType = LLVM::LLVMStructType::getLiteral(context, fields);
        // In the entry block, so that it is a fixed slot of the frame and
        // not a stack allocation per call.
        OpBuilder::InsertionGuard guard(rewriter);
        rewriter.setInsertionPointToStart(&functionEntryBlock(op));
        Value one = i32Const(rewriter, loc, 1);
        buffer = LLVM::AllocaOp::create(rewriter, loc, ptrType, bufferType, one,
                                        /*alignment=*/0);
      }
      for (auto [i, arg] : llvm::enumerate(args)) {
        Value field =
            LLVM::GEPOp::create(rewriter, loc, ptrType, bufferType, buffer,
                                ArrayRef<LLVM::GEPArg>{0, int32_t(i)});
        LLVM::StoreOp::create(rewriter, loc, arg, field);
      }
      bufferPtr = buffer;
    }
    LLVM::CallOp::create(rewriter, loc, vprintf, ValueRange{format, bufferPtr});
  }

  LogicalResult
  matchAndRewrite(PrintOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type i32 = rewriter.getI32Type();
    std::array<Value, 3> pid = {NVVM::BlockIdXOp::create(rewriter, loc, i32),
                                NVVM::BlockIdYOp::create(rewriter, loc, i32),
                                NVVM::BlockIdZOp::create(rewriter, loc, i32)};
    std::string pidFormat = "pid (%u, %u, %u)";

    if (op.getArgs().empty()) {
      Value format = addStringToModule(rewriter, loc, op, "printfFormat_",
                                       pidFormat + op.getPrefix().str() + "\n");
      Value buffer;
      Type bufferType;
      callPrintf(rewriter, loc, op, format, {pid[0], pid[1], pid[2]}, buffer,
                 bufferType);
      rewriter.eraseOp(op);
      return success();
    }

    ArrayRef<int32_t> isSignedList = op.getIsSigned();
    unsigned numOperands = op.getArgs().size();
    for (unsigned i = 0; i < numOperands; ++i) {
      Value operand = op.getArgs()[i];
      Value converted = adaptor.getArgs()[i];
      bool isSigned = i < isSignedList.size() && isSignedList[i] > 0;
      SmallVector<Value> elements;
      SmallVector<SmallVector<Value>> indices;
      SmallVector<int> widths;
      if (auto tensor = dyn_cast<RankedTensorType>(operand.getType())) {
        FailureOr<ttg::LayoutView> view =
            ttg::getLayoutView(tensor.getEncoding(), tensor.getShape());
        if (failed(view))
          return rewriter.notifyMatchFailure(op, "unsupported layout");
        elements = unpack(rewriter, loc, converted);
        indices = emitCoordinates(rewriter, loc, *view);
        // Indices are padded to the digits of the extent, as Triton does.
        for (int64_t extent : tensor.getShape())
          widths.push_back(
              extent > 0 ? int(std::ceil(std::log10(double(extent)))) : 0);
      } else {
        elements = {converted};
        indices = {{}};
      }

      // vprintf reads at most 32 arguments: past that, indices are cut.
      constexpr unsigned kMaxPrintfOperands = 32;
      unsigned maxRank = kMaxPrintfOperands - pid.size() - 2;
      Value format, buffer;
      Type bufferType;
      for (auto [element, index] : llvm::zip(elements, indices)) {
        std::string text = pidFormat + " idx (";
        SmallVector<Value> args(pid.begin(), pid.end());
        for (auto [dim, coordinate] : llvm::enumerate(index)) {
          if (dim != 0)
            text += ", ";
          if (dim == maxRank) {
            text += "... (truncated)";
            break;
          }
          text += formatOf(coordinate.getType(), /*hex=*/false, widths[dim],
                           /*isSigned=*/false);
          args.push_back(coordinate);
        }
        text += ")";
        text += op.getPrefix();
        if (numOperands > 1)
          text += "(operand " + std::to_string(i) + ") ";
        text +=
            formatOf(element.getType(), op.getHex(), std::nullopt, isSigned);
        args.push_back(
            promoteForPrintf(rewriter, loc, element, op.getHex(), isSigned));
        // The format is the same for every element of the operand.
        if (!format)
          format = addStringToModule(rewriter, loc, op, "printfFormat_",
                                     text + "\n");
        callPrintf(rewriter, loc, op, format, args, buffer, bufferType);
      }
    }
    rewriter.eraseOp(op);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// tt.assert
//===----------------------------------------------------------------------===//

struct AssertOpConversion : public OpConversionPattern<AssertOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(AssertOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    bool isTensor = isa<RankedTensorType>(op.getCondition().getType());
    SmallVector<Value> elements =
        isTensor ? unpack(rewriter, loc, adaptor.getCondition())
                 : SmallVector<Value>{adaptor.getCondition()};
    Value failed;
    for (Value element : elements) {
      Value isFalse =
          LLVM::ICmpOp::create(rewriter, loc, LLVM::ICmpPredicate::eq, element,
                               intConst(rewriter, loc, element.getType(), 0));
      failed = failed
                   ? Value(LLVM::OrOp::create(rewriter, loc, failed, isFalse))
                   : isFalse;
    }

    // The file and line where the user wrote the assert: inside inlined
    // calls the callee's location, under names the named location.
    StringRef file = "unknown", function = "unknown";
    unsigned line = 0;
    Location where = loc;
    while (true) {
      if (auto call = dyn_cast<CallSiteLoc>(where)) {
        where = call.getCallee();
        continue;
      }
      if (auto named = dyn_cast<NameLoc>(where)) {
        where = named.getChildLoc();
        continue;
      }
      break;
    }
    if (auto fileLine = dyn_cast<FileLineColLoc>(where)) {
      file = fileLine.getFilename();
      line = fileLine.getLine();
    }

    MLIRContext *context = rewriter.getContext();
    auto ptrType = LLVM::LLVMPointerType::get(context);
    std::string message = op.getMessage().str();
    emitIf(rewriter, loc, failed, [&](OpBuilder &) {
      // void __assertfail(const char *message, const char *file,
      //                   unsigned line, const char *function,
      //                   size_t charSize)
      auto assertfail = getOrDeclare(
          rewriter, op, "__assertfail",
          LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(context),
                                      {ptrType, ptrType, rewriter.getI32Type(),
                                       ptrType, rewriter.getI64Type()}));
      assertfail.setPassthroughAttr(
          rewriter.getArrayAttr({rewriter.getStringAttr("noreturn")}));
      Value messageStr =
          addStringToModule(rewriter, loc, op, "assertMessage_", message);
      Value fileStr = addStringToModule(rewriter, loc, op, "assertFile_", file);
      Value functionStr =
          addStringToModule(rewriter, loc, op, "assertFunc_", function);
      LLVM::CallOp::create(
          rewriter, loc, assertfail,
          ValueRange{messageStr, fileStr, i32Const(rewriter, loc, line),
                     functionStr,
                     intConst(rewriter, loc, rewriter.getI64Type(), 1)});
    });
    // Threads hold the elements of the next op in other layouts: let every
    // thread finish checking before any goes on (Triton does the same).
    if (isTensor)
      barrier(rewriter, loc);
    rewriter.eraseOp(op);
    return success();
  }
};

} // namespace

void mlir::triton::populateDebugOpToLLVMPatterns(
    TritiumTypeConverter &converter, RewritePatternSet &patterns,
    LoweringContext &state) {
  patterns.add<PrintOpConversion, AssertOpConversion>(converter,
                                                      &converter.getContext());
}
