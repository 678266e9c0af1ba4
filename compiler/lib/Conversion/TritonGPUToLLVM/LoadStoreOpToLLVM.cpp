//===- LoadStoreOpToLLVM.cpp - Global loads and stores --------------------===//
//
// Each group of `width` registers that are contiguous in memory (decided
// before the conversion, from the layout and AxisInfo) becomes one predicated
// PTX ld/st of up to 16 bytes, written as inline assembly so that the mask
// predicates the access itself (no branch) and `other` fills masked lanes.
//
//===----------------------------------------------------------------------===//

#include "Utility.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::triton;
using namespace mlir::triton::lowering;

namespace {

/// How `count` elements of `elementBytes` travel through PTX registers.
struct WordPlan {
  unsigned wordBits;  ///< 8, 16 or 32 (8: bytes loaded into 16-bit regs)
  unsigned numWords;
  static WordPlan get(unsigned count, unsigned elementBytes) {
    unsigned bytes = count * elementBytes;
    if (bytes >= 4)
      return {32, bytes / 4};
    return {bytes * 8, 1};
  }
  StringRef constraint() const { return wordBits == 32 ? "r" : "h"; }
  StringRef ptxType() const {
    return wordBits == 32 ? "b32" : wordBits == 16 ? "b16" : "u8";
  }
  Type registerType(MLIRContext *context) const {
    return IntegerType::get(context, wordBits == 32 ? 32 : 16);
  }
};

std::string cacheSuffix(CacheModifier cache, bool isLoad) {
  switch (cache) {
  case CacheModifier::CA:
    return isLoad ? ".ca" : "";
  case CacheModifier::CG:
    return ".cg";
  case CacheModifier::CS:
    return ".cs";
  case CacheModifier::CV:
    return isLoad ? ".cv" : "";
  case CacheModifier::WB:
    return isLoad ? "" : ".wb";
  case CacheModifier::WT:
    return isLoad ? "" : ".wt";
  case CacheModifier::NONE:
    return "";
  }
  return "";
}

std::string evictionSuffix(EvictionPolicy policy) {
  switch (policy) {
  case EvictionPolicy::EVICT_FIRST:
    return ".L1::evict_first";
  case EvictionPolicy::EVICT_LAST:
    return ".L1::evict_last";
  case EvictionPolicy::NORMAL:
    return "";
  }
  return "";
}

/// Packs `elements` (of one scalar type) into `plan.numWords` registers.
SmallVector<Value> toWords(OpBuilder &b, Location loc, ArrayRef<Value> elements,
                           const WordPlan &plan) {
  MLIRContext *context = b.getContext();
  SmallVector<Value> stored;
  for (Value e : elements) {
    Value s = toStorage(b, loc, e);
    if (isa<LLVM::LLVMPointerType>(s.getType()))
      s = LLVM::PtrToIntOp::create(b, loc, b.getI64Type(), s);
    stored.push_back(s);
  }
  Type elementType = stored[0].getType();
  unsigned elementBits = elementType.getIntOrFloatBitWidth();
  Type regType = plan.registerType(context);
  if (plan.wordBits < 32) {
    // One element, one 8- or 16-bit word.
    Value bits = LLVM::BitcastOp::create(b, loc, b.getIntegerType(elementBits),
                                         stored[0]);
    if (elementBits < 16)
      bits = LLVM::ZExtOp::create(b, loc, regType, bits);
    return {bits};
  }
  auto vecType = VectorType::get({int64_t(stored.size())}, elementType);
  Value vec = LLVM::UndefOp::create(b, loc, vecType);
  for (auto [i, e] : llvm::enumerate(stored))
    vec = LLVM::InsertElementOp::create(b, loc, vec, e, i32Const(b, loc, i));
  auto wordsType = VectorType::get({int64_t(plan.numWords)}, regType);
  Value words = LLVM::BitcastOp::create(b, loc, wordsType, vec);
  SmallVector<Value> result;
  for (unsigned i = 0; i < plan.numWords; ++i)
    result.push_back(
        LLVM::ExtractElementOp::create(b, loc, words, i32Const(b, loc, i)));
  return result;
}

/// The inverse of toWords.
SmallVector<Value> fromWords(OpBuilder &b, Location loc, ArrayRef<Value> words,
                             unsigned count, Type elementType,
                             const WordPlan &plan) {
  bool isPointer = isa<LLVM::LLVMPointerType>(elementType);
  Type memType = isPointer ? b.getI64Type() : storageType(elementType);
  unsigned memBits = memType.getIntOrFloatBitWidth();
  SmallVector<Value> raw;
  if (plan.wordBits < 32) {
    Value bits = words[0];
    if (memBits < 16)
      bits = LLVM::TruncOp::create(b, loc, b.getIntegerType(memBits), bits);
    raw.push_back(LLVM::BitcastOp::create(b, loc, memType, bits));
  } else {
    auto wordsType = VectorType::get({int64_t(plan.numWords)}, b.getI32Type());
    Value vec = LLVM::UndefOp::create(b, loc, wordsType);
    for (auto [i, w] : llvm::enumerate(words))
      vec = LLVM::InsertElementOp::create(b, loc, vec, w, i32Const(b, loc, i));
    auto elementsType = VectorType::get({int64_t(count)}, memType);
    Value elements = LLVM::BitcastOp::create(b, loc, elementsType, vec);
    for (unsigned i = 0; i < count; ++i)
      raw.push_back(LLVM::ExtractElementOp::create(b, loc, elements,
                                                   i32Const(b, loc, i)));
  }
  SmallVector<Value> result;
  for (Value r : raw)
    result.push_back(isPointer ? Value(LLVM::IntToPtrOp::create(b, loc, elementType, r))
                               : fromStorage(b, loc, r, elementType));
  return result;
}

unsigned elementBytes(Type elementType) { return storageBytes(elementType); }

/// A vector access moves whole 32-bit words; narrower groups go one element
/// at a time.
unsigned usableWidth(unsigned width, size_t numElements, unsigned bytes) {
  if (width == 0 || numElements % width != 0)
    return 1;
  if (width > 1 && width * bytes < 4)
    return 1;
  return width;
}

struct LoadOpConversion : public OpConversionPattern<LoadOp> {
  LoadOpConversion(TritiumTypeConverter &converter, LoweringContext &state)
      : OpConversionPattern(converter, &converter.getContext()), state(state) {}

  LogicalResult
  matchAndRewrite(LoadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (isa<PointerType>(op.getPtr().getType()) &&
        isa<RankedTensorType>(cast<PointerType>(op.getPtr().getType()).getPointeeType()))
      return rewriter.notifyMatchFailure(op, "block pointers not lowered yet");
    Location loc = op.getLoc();
    bool isTensor = isa<RankedTensorType>(op.getType());
    Type resultType = getTypeConverter()->convertType(op.getType());
    if (!resultType)
      return failure();
    Type elementType =
        isTensor ? cast<LLVM::LLVMStructType>(resultType).getBody()[0] : resultType;
    auto elements = [&](Value v) {
      return isTensor ? unpack(rewriter, loc, v) : SmallVector<Value>{v};
    };
    SmallVector<Value> ptrs = elements(adaptor.getPtr());
    SmallVector<Value> masks, others;
    if (adaptor.getMask())
      masks = elements(adaptor.getMask());
    if (adaptor.getOther())
      others = elements(adaptor.getOther());
    unsigned width = state.accessWidth.lookup(op);
    width = usableWidth(width, ptrs.size(), elementBytes(elementType));
    WordPlan plan = WordPlan::get(width, elementBytes(elementType));

    std::string opcode = op.getIsVolatile() ? "ld.volatile.global" : "ld.global";
    if (!op.getIsVolatile())
      opcode += cacheSuffix(op.getCache(), true) + evictionSuffix(op.getEvict());
    if (plan.numWords > 1)
      opcode += ".v" + std::to_string(plan.numWords);
    opcode += "." + plan.ptxType().str();

    SmallVector<Value> results;
    for (unsigned g = 0; g < ptrs.size(); g += width) {
      // Operands: outputs $0..$n-1, then [pred], addr, [other words].
      unsigned n = plan.numWords;
      std::string asmText, constraints;
      SmallVector<Value> operands;
      for (unsigned i = 0; i < n; ++i)
        constraints += (i ? ",=" : "=") + plan.constraint().str();
      unsigned next = n;
      std::string pred;
      if (!masks.empty()) {
        pred = "@$" + std::to_string(next++) + " ";
        operands.push_back(masks[g]);
        constraints += ",b";
      }
      unsigned addrIndex = next++;
      operands.push_back(ptrs[g]);
      constraints += ",l";
      if (!others.empty()) {
        SmallVector<Value> otherWords = toWords(
            rewriter, loc, ArrayRef<Value>(others).slice(g, width), plan);
        for (unsigned i = 0; i < n; ++i) {
          asmText += "mov.b" + std::to_string(plan.wordBits == 32 ? 32 : 16) +
                     " $" + std::to_string(i) + ", $" +
                     std::to_string(next++) + ";\n\t";
          operands.push_back(otherWords[i]);
          constraints += "," + plan.constraint().str();
        }
      }
      asmText += pred + opcode + " ";
      if (n > 1) {
        asmText += "{";
        for (unsigned i = 0; i < n; ++i)
          asmText += (i ? ", $" : "$") + std::to_string(i);
        asmText += "}";
      } else {
        asmText += "$0";
      }
      asmText += ", [ $" + std::to_string(addrIndex) + " + 0 ];";

      Type regType = plan.registerType(rewriter.getContext());
      Type asmResult = n == 1 ? regType
                              : LLVM::LLVMStructType::getLiteral(
                                    rewriter.getContext(),
                                    SmallVector<Type>(n, regType));
      auto inlineAsm = LLVM::InlineAsmOp::create(
          rewriter, loc, asmResult, operands, asmText, constraints,
          /*has_side_effects=*/op.getIsVolatile(), /*is_align_stack=*/false,
          LLVM::TailCallKind::None, LLVM::AsmDialectAttr(), ArrayAttr());
      SmallVector<Value> words =
          n == 1 ? SmallVector<Value>{inlineAsm.getResult(0)}
                 : unpack(rewriter, loc, inlineAsm.getResult(0));
      llvm::append_range(results, fromWords(rewriter, loc, words, width,
                                            elementType, plan));
    }
    rewriter.replaceOp(op, isTensor ? pack(rewriter, loc, resultType, results)
                                    : results[0]);
    return success();
  }

  LoweringContext &state;
};

struct StoreOpConversion : public OpConversionPattern<StoreOp> {
  StoreOpConversion(TritiumTypeConverter &converter, LoweringContext &state)
      : OpConversionPattern(converter, &converter.getContext()), state(state) {}

  LogicalResult
  matchAndRewrite(StoreOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type ptrType = op.getPtr().getType();
    if (isa<PointerType>(ptrType) &&
        isa<RankedTensorType>(cast<PointerType>(ptrType).getPointeeType()))
      return rewriter.notifyMatchFailure(op, "block pointers not lowered yet");
    Location loc = op.getLoc();
    bool isTensor = isa<RankedTensorType>(op.getValue().getType());
    auto elements = [&](Value v) {
      return isTensor ? unpack(rewriter, loc, v) : SmallVector<Value>{v};
    };
    SmallVector<Value> ptrs = elements(adaptor.getPtr());
    SmallVector<Value> values = elements(adaptor.getValue());
    SmallVector<Value> masks;
    if (adaptor.getMask())
      masks = elements(adaptor.getMask());
    Type elementType = values[0].getType();
    unsigned width = state.accessWidth.lookup(op);
    width = usableWidth(width, ptrs.size(), elementBytes(elementType));
    WordPlan plan = WordPlan::get(width, elementBytes(elementType));
    std::string opcode = "st.global" + cacheSuffix(op.getCache(), false) +
                         evictionSuffix(op.getEvict());
    if (plan.numWords > 1)
      opcode += ".v" + std::to_string(plan.numWords);
    opcode += "." + plan.ptxType().str();

    for (unsigned g = 0; g < ptrs.size(); g += width) {
      unsigned n = plan.numWords;
      SmallVector<Value> operands = toWords(
          rewriter, loc, ArrayRef<Value>(values).slice(g, width), plan);
      std::string constraints;
      for (unsigned i = 0; i < n; ++i)
        constraints += (i ? "," : "") + plan.constraint().str();
      unsigned next = n;
      std::string pred;
      if (!masks.empty()) {
        pred = "@$" + std::to_string(next++) + " ";
        operands.push_back(masks[g]);
        constraints += ",b";
      }
      unsigned addrIndex = next++;
      operands.push_back(ptrs[g]);
      constraints += ",l";
      std::string asmText = pred + opcode + " [ $" + std::to_string(addrIndex) +
                            " + 0 ], ";
      if (n > 1) {
        asmText += "{";
        for (unsigned i = 0; i < n; ++i)
          asmText += (i ? ", $" : "$") + std::to_string(i);
        asmText += "}";
      } else {
        asmText += "$0";
      }
      asmText += ";";
      LLVM::InlineAsmOp::create(
          rewriter, loc, TypeRange(), operands, asmText, constraints,
          /*has_side_effects=*/true, /*is_align_stack=*/false,
          LLVM::TailCallKind::None, LLVM::AsmDialectAttr(), ArrayAttr());
    }
    rewriter.eraseOp(op);
    return success();
  }

  LoweringContext &state;
};

} // namespace

void mlir::triton::populateLoadStoreOpToLLVMPatterns(
    TritiumTypeConverter &converter, RewritePatternSet &patterns,
    LoweringContext &state) {
  patterns.add<LoadOpConversion, StoreOpConversion>(converter, state);
}
