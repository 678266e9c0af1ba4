//===- LoadStoreOpToLLVM.cpp - Global loads and stores --------------------===//
//
// Each group of `width` registers that are contiguous in memory (decided
// before the conversion, from the layout and AxisInfo) becomes one predicated
// PTX ld/st of up to 16 bytes, written as inline assembly so that the mask
// predicates the access itself (no branch) and `other` fills masked lanes.
//
// The staged loads of tritium-stage-loads (tx.async_copy / tx.async_load)
// move the same groups: each thread cp.async-copies its groups into its own
// part of the slot's stage, group g of thread t at ((stage * G + g) * T + t)
// * groupBytes (consecutive threads on consecutive bytes: one shared-memory
// wavefront per 128 bytes of a warp), and reads them back from there.
//
//===----------------------------------------------------------------------===//

#include "Utility.h"

#include "tritium/Dialect/Tritium/IR/Dialect.h"

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
    if (auto prefetch = op->getAttrOfType<IntegerAttr>(
            tx::TritiumDialect::kL2PrefetchAttrName);
        prefetch && !op.getIsVolatile())
      opcode += ".L2::" + std::to_string(prefetch.getInt()) + "B";
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


//===----------------------------------------------------------------------===//
// Staged loads (tx.async_*)
//===----------------------------------------------------------------------===//

/// Where the thread's groups of stage `stage` of `slot` lie: group g at
/// `base` + g * `groupStride` bytes.
struct StagedGroups {
  Value base;
  unsigned groupStride;

  Value address(OpBuilder &b, Location loc, unsigned group) const {
    if (group == 0)
      return base;
    return LLVM::GEPOp::create(
        b, loc, base.getType(), b.getI8Type(), base,
        ArrayRef<LLVM::GEPArg>{int32_t(group * groupStride)});
  }
};

StagedGroups stagedGroups(OpBuilder &b, Location loc,
                          const LoweringContext::StagingSlot &slot, Value stage,
                          unsigned numThreads) {
  Value tid = NVVM::ThreadIdXOp::create(b, loc, b.getI32Type());
  Value offset = LLVM::AddOp::create(
      b, loc,
      LLVM::MulOp::create(b, loc, stage, i32Const(b, loc, slot.stageBytes)),
      LLVM::MulOp::create(b, loc, tid, i32Const(b, loc, slot.groupBytes())));
  auto sharedPtr =
      LLVM::LLVMPointerType::get(b.getContext(), kSharedAddressSpace);
  Value base = LLVM::GEPOp::create(b, loc, sharedPtr, b.getI8Type(),
                                   dedicatedShared(b, loc, slot.offset),
                                   ValueRange{offset});
  return {base, numThreads * slot.groupBytes()};
}

struct AsyncCopyOpConversion : public OpConversionPattern<tx::AsyncCopyOp> {
  AsyncCopyOpConversion(TritiumTypeConverter &converter, LoweringContext &state)
      : OpConversionPattern(converter, &converter.getContext()), state(state) {}

  LogicalResult
  matchAndRewrite(tx::AsyncCopyOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto it = state.stagingSlots.find(op.getSlot());
    if (it == state.stagingSlots.end())
      return rewriter.notifyMatchFailure(op, "slot not planned");
    const LoweringContext::StagingSlot &slot = it->second;
    Location loc = op.getLoc();
    SmallVector<Value> ptrs = unpack(rewriter, loc, adaptor.getPtr());
    SmallVector<Value> masks;
    if (adaptor.getMask())
      masks = unpack(rewriter, loc, adaptor.getMask());
    unsigned numThreads = state.numWarps * ttg::kThreadsPerWarp;
    Type i64 = rewriter.getI64Type();
    unsigned bytes = slot.groupBytes();
    StagedGroups groups =
        stagedGroups(rewriter, loc, slot, adaptor.getStage(), numThreads);
    for (unsigned g = 0; g * slot.width < ptrs.size(); ++g) {
      Value address = groups.address(rewriter, loc, g);
      Value source = ptrs[g * slot.width];
      if (bytes >= 4) {
        // 16-byte copies skip L1 (.cg, as Triton's), smaller ones cannot
        // (.ca). (Both measured on the pq count, v30: neither won overall;
        // through L1 the copies also compete with the stages for it.) A
        // masked-off group is not copied at all (its source may lie past
        // the tensor; the copy is predicated off) but zeroed by a store: no
        // copy into the stage can still be pending (its group was waited
        // for before the stage was read).
        std::string copy =
            std::string("cp.async.") + (bytes == 16 ? "cg" : "ca") +
            ".shared.global [$0], [$1], " + std::to_string(bytes) + ";";
        Value dst = LLVM::PtrToIntOp::create(rewriter, loc, i64, address);
        if (masks.empty()) {
          emitAsm(rewriter, loc, copy, {dst, source}, "l,l");
          continue;
        }
        unsigned words = bytes / 4;
        std::string zeros = words == 1   ? "z"
                            : words == 2 ? "{z, z}"
                                         : "{z, z, z, z}";
        std::string store = std::string("st.shared") +
                            (words == 1 ? "" : ".v" + std::to_string(words)) +
                            ".b32 [$0], " + zeros + ";";
        Value pred = LLVM::ZExtOp::create(rewriter, loc, rewriter.getI32Type(),
                                          masks[g * slot.width]);
        emitAsm(rewriter, loc,
                "{\n\t.reg .pred p;\n\t.reg .b32 z;\n\t"
                "setp.ne.b32 p, $2, 0;\n\tmov.b32 z, 0;\n\t@p " +
                    copy + "\n\t@!p " + store + "\n\t}",
                {dst, source, pred}, "l,l,r");
        continue;
      }
      // 1- or 2-byte groups (accesses the layout or AxisInfo could not
      // widen): a synchronous copy through a register, zero where masked.
      std::string load = bytes == 2 ? "ld.global.b16" : "ld.global.u8";
      std::string store = bytes == 2 ? "st.shared.b16" : "st.shared.u8";
      Value pred = masks.empty() ? Value(LLVM::ConstantOp::create(
                                       rewriter, loc, rewriter.getI1Type(),
                                       rewriter.getBoolAttr(true)))
                                 : masks[g * slot.width];
      emitAsm(
          rewriter, loc,
          "{\n\t.reg .pred p;\n\t.reg .b16 r;\n\t"
          "setp.ne.b32 p, $2, 0;\n\tmov.b16 r, 0;\n\t@p " +
              load + " r, [$1];\n\t" + store + " [$0], r;\n\t}",
          {LLVM::PtrToIntOp::create(rewriter, loc, i64, address), source,
           LLVM::ZExtOp::create(rewriter, loc, rewriter.getI32Type(), pred)},
          "l,l,r");
    }
    rewriter.eraseOp(op);
    return success();
  }

  LoweringContext &state;
};

struct AsyncCommitOpConversion : public OpConversionPattern<tx::AsyncCommitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tx::AsyncCommitOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    emitAsm(rewriter, op.getLoc(), "cp.async.commit_group;", {}, "");
    rewriter.eraseOp(op);
    return success();
  }
};

struct AsyncWaitOpConversion : public OpConversionPattern<tx::AsyncWaitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tx::AsyncWaitOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    emitAsm(rewriter, op.getLoc(),
            "cp.async.wait_group " + std::to_string(op.getPending()) + ";", {},
            "");
    rewriter.eraseOp(op);
    return success();
  }
};

/// tx.prefetch_l2: the range's 16-byte aligned part [lo, hi), lo = ptr
/// rounded up, hi = ptr + bytes rounded down (never past the range).
struct PrefetchL2OpConversion : public OpConversionPattern<tx::PrefetchL2Op> {
  PrefetchL2OpConversion(TritiumTypeConverter &converter,
                         LoweringContext &state)
      : OpConversionPattern(converter, &converter.getContext()), state(state) {}

  LogicalResult
  matchAndRewrite(tx::PrefetchL2Op op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type i64 = rewriter.getI64Type();
    auto constant = [&](int64_t value) {
      return intConst(rewriter, loc, i64, value);
    };
    Value address =
        LLVM::PtrToIntOp::create(rewriter, loc, i64, adaptor.getPtr());
    Value bytes = adaptor.getBytes();
    if (bytes.getType() != i64)
      bytes = LLVM::SExtOp::create(rewriter, loc, i64, bytes);
    Value alignMask = constant(~int64_t(15));
    Value lo = LLVM::AndOp::create(
        rewriter, loc,
        LLVM::AddOp::create(rewriter, loc, address, constant(15)), alignMask);
    Value hi = LLVM::AndOp::create(
        rewriter, loc, LLVM::AddOp::create(rewriter, loc, address, bytes),
        alignMask);
    Value tid = NVVM::ThreadIdXOp::create(rewriter, loc, rewriter.getI32Type());
    if (state.computeCapability >= 90) {
      // One thread issues the whole range (at most 2^32 - 16 bytes, the
      // instruction's size operand).
      Value size = LLVM::SubOp::create(rewriter, loc, hi, lo);
      Value nonEmpty = LLVM::ICmpOp::create(
          rewriter, loc, LLVM::ICmpPredicate::sgt, size, constant(0));
      size = LLVM::UMinOp::create(rewriter, loc, size, constant(0xFFFFFFF0));
      Value issue = LLVM::AndOp::create(
          rewriter, loc, nonEmpty,
          LLVM::ICmpOp::create(rewriter, loc, LLVM::ICmpPredicate::eq, tid,
                               i32Const(rewriter, loc, 0)));
      emitAsm(
          rewriter, loc,
          "{\n\t.reg .pred p;\n\tsetp.ne.b32 p, $2, 0;\n\t"
          "@p cp.async.bulk.prefetch.L2.global [$0], $1;\n\t}",
          {lo,
           LLVM::TruncOp::create(rewriter, loc, rewriter.getI32Type(), size),
           LLVM::ZExtOp::create(rewriter, loc, rewriter.getI32Type(), issue)},
          "l,r,r");
    } else {
      // No bulk prefetch before sm_90: thread t prefetches the range's
      // 128-byte line t (counted from the line holding lo), through an
      // address inside the range (lo itself for the first line).
      Value line = LLVM::AddOp::create(
          rewriter, loc,
          LLVM::AndOp::create(rewriter, loc, lo, constant(~int64_t(127))),
          LLVM::MulOp::create(rewriter, loc,
                              LLVM::ZExtOp::create(rewriter, loc, i64, tid),
                              constant(128)));
      Value issue = LLVM::ICmpOp::create(rewriter, loc,
                                         LLVM::ICmpPredicate::slt, line, hi);
      Value inside = LLVM::SMaxOp::create(rewriter, loc, line, lo);
      emitAsm(rewriter, loc,
              "{\n\t.reg .pred p;\n\tsetp.ne.b32 p, $1, 0;\n\t"
              "@p prefetch.global.L2 [$0];\n\t}",
              {inside, LLVM::ZExtOp::create(rewriter, loc,
                                            rewriter.getI32Type(), issue)},
              "l,r");
    }
    rewriter.eraseOp(op);
    return success();
  }

  LoweringContext &state;
};

struct AsyncLoadOpConversion : public OpConversionPattern<tx::AsyncLoadOp> {
  AsyncLoadOpConversion(TritiumTypeConverter &converter, LoweringContext &state)
      : OpConversionPattern(converter, &converter.getContext()), state(state) {}

  LogicalResult
  matchAndRewrite(tx::AsyncLoadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto it = state.stagingSlots.find(op.getSlot());
    Type resultType = getTypeConverter()->convertType(op.getType());
    if (it == state.stagingSlots.end() || !resultType)
      return rewriter.notifyMatchFailure(op, "slot not planned");
    const LoweringContext::StagingSlot &slot = it->second;
    Location loc = op.getLoc();
    Type elementType = cast<LLVM::LLVMStructType>(resultType).getBody()[0];
    unsigned count = ttg::getNumElementsPerThread(op.getType());
    WordPlan plan = WordPlan::get(slot.width, elementBytes(elementType));
    Type regType = plan.registerType(rewriter.getContext());
    Type memType = plan.wordBits == 8 ? rewriter.getI8Type() : regType;
    Type loadType = plan.numWords > 1
                        ? Type(VectorType::get({int64_t(plan.numWords)}, regType))
                        : memType;
    unsigned numThreads = state.numWarps * ttg::kThreadsPerWarp;
    SmallVector<Value> results;
    StagedGroups groups =
        stagedGroups(rewriter, loc, slot, adaptor.getStage(), numThreads);
    for (unsigned g = 0; g * slot.width < count; ++g) {
      Value address = groups.address(rewriter, loc, g);
      Value loaded = LLVM::LoadOp::create(rewriter, loc, loadType, address,
                                          slot.groupBytes());
      SmallVector<Value> words;
      if (plan.numWords > 1) {
        for (unsigned i = 0; i < plan.numWords; ++i)
          words.push_back(LLVM::ExtractElementOp::create(
              rewriter, loc, loaded, i32Const(rewriter, loc, i)));
      } else {
        if (memType != regType)
          loaded = LLVM::ZExtOp::create(rewriter, loc, regType, loaded);
        words.push_back(loaded);
      }
      llvm::append_range(results, fromWords(rewriter, loc, words, slot.width,
                                            elementType, plan));
    }
    rewriter.replaceOp(op, pack(rewriter, loc, resultType, results));
    return success();
  }

  LoweringContext &state;
};

} // namespace

LogicalResult mlir::triton::planStagingSlots(ModuleOp module,
                                             LoweringContext &state) {
  // Per slot: its pointers' type and depth, and the narrowest access any
  // of its copies can make (every copy and read of a slot groups elements
  // alike).
  struct SlotUse {
    RankedTensorType ptrType;
    int32_t stages = 0;
    unsigned width = 0;
  };
  std::map<int32_t, SlotUse> uses;
  WalkResult walk = module.walk([&](tx::AsyncCopyOp copy) {
    auto ptrType = cast<RankedTensorType>(copy.getPtr().getType());
    SlotUse &use = uses[copy.getSlot()];
    if (!use.ptrType) {
      use = {ptrType, copy.getStages(), 0};
    } else if (use.ptrType != ptrType || use.stages != copy.getStages()) {
      copy.emitOpError("copies ")
          << ptrType << " into slot " << copy.getSlot() << " of "
          << use.ptrType << ", " << use.stages << " stages";
      return WalkResult::interrupt();
    }
    unsigned width = std::max(1u, state.accessWidth.lookup(copy));
    use.width = use.width ? std::min(use.width, width) : width;
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  walk = module.walk([&](tx::AsyncLoadOp read) {
    auto it = uses.find(read.getSlot());
    if (it == uses.end()) {
      read.emitOpError("reads slot ") << read.getSlot() << ", which no "
                                      << "tx.async_copy fills";
      return WalkResult::interrupt();
    }
    RankedTensorType ptrType = it->second.ptrType;
    RankedTensorType type = read.getType();
    auto pointee = cast<PointerType>(ptrType.getElementType()).getPointeeType();
    if (type.getShape() != ptrType.getShape() ||
        type.getEncoding() != ptrType.getEncoding() ||
        type.getElementType() != pointee ||
        read.getStages() != it->second.stages) {
      read.emitOpError("reads ")
          << type << " from slot " << read.getSlot() << " of " << ptrType
          << ", " << it->second.stages << " stages";
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  constexpr int64_t kMaxDedicatedBytes = 227 * 1024;
  unsigned numThreads = state.numWarps * ttg::kThreadsPerWarp;
  for (auto &[id, use] : uses) {
    auto pointee =
        cast<PointerType>(use.ptrType.getElementType()).getPointeeType();
    unsigned bytes = isa<PointerType>(pointee)
                         ? 8
                         : storageBytes(pointee);
    unsigned count = ttg::getNumElementsPerThread(use.ptrType);
    unsigned width = use.width;
    // cp.async copies 4, 8 or 16 bytes; the groups must tile the elements.
    while (width > 1 && (count % width != 0 || width * bytes > 16 ||
                         (width * bytes < 4)))
      width /= 2;
    LoweringContext::StagingSlot slot;
    slot.width = width;
    slot.elementBytes = bytes;
    slot.stageBytes = count * bytes * numThreads;
    int64_t offset = llvm::alignTo(state.dedicatedBytes, 16);
    int64_t end = offset + int64_t(use.stages) * slot.stageBytes;
    if (end > kMaxDedicatedBytes) {
      module.emitError("staging slot ")
          << id << " needs " << end << " bytes of shared memory with the "
          << "kernel's other dedicated buffers; at most " << kMaxDedicatedBytes
          << " fit";
      return failure();
    }
    slot.offset = unsigned(offset);
    state.stagingSlots[id] = slot;
    state.dedicatedBytes = unsigned(end);
  }
  return success();
}

void mlir::triton::populateLoadStoreOpToLLVMPatterns(
    TritiumTypeConverter &converter, RewritePatternSet &patterns,
    LoweringContext &state) {
  patterns.add<LoadOpConversion, StoreOpConversion, AsyncCopyOpConversion,
               AsyncLoadOpConversion, PrefetchL2OpConversion>(converter, state);
  patterns.add<AsyncCommitOpConversion, AsyncWaitOpConversion>(
      converter, &converter.getContext());
}
