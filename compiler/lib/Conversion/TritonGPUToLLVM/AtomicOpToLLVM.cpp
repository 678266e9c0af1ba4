//===- AtomicOpToLLVM.cpp - tt.atomic_rmw, tt.atomic_cas, tt.histogram ----===//
//
// Global atomics become one PTX `atom.global.<sem>.<scope>.<op>.<type>` per
// element, as inline assembly so that the mask predicates the instruction
// itself (lanes that do not run it read 0, as in Triton). Where PTX has no
// such instruction (bf16 add before sm_90, 8/16-bit integers), the LLVM
// dialect's atomicrmw / cmpxchg under a branch lets the NVPTX backend emulate
// it with a compare-and-swap loop.
//
// An atomic acts exactly once per element: where a layout replicates a small
// tensor over registers, lanes or warps (or every thread holds a scalar),
// only the owner of each element, its copy with the smallest unwrapped
// coordinates, performs it. The old values are then broadcast to the other
// copies through shared memory when the result is used.
//
// tt.histogram counts into bins in shared memory with predicated
// `red.shared.add`, again once per distinct element, and reads the bins back
// in the result's layout.
//
//===----------------------------------------------------------------------===//

#include "Utility.h"
#include "tritium/Dialect/Tritium/IR/Dialect.h"

#include "mlir/Transforms/DialectConversion.h"

#include <map>

using namespace mlir;
using namespace mlir::triton;
using namespace mlir::triton::lowering;

namespace {

//===----------------------------------------------------------------------===//
// Which copy of an element acts
//===----------------------------------------------------------------------===//

/// The copies of a tensor's elements that this thread is responsible for.
struct Owners {
  /// For every register, the first register of this thread that holds the
  /// same element (itself for the first copy).
  SmallVector<unsigned> firstCopy;
  /// For every first-copy register: an i1 that is true where this thread
  /// owns the element; null where every thread holding it owns it.
  SmallVector<Value> isOwner;
  /// Whether some element is held by several threads.
  bool acrossThreads = false;
};

/// Thread t holds, in register r, the element at (base_t + offset_r) mod
/// shape along every root dimension (see ttg::LayoutView). Over all threads
/// and registers, base_t + offset_r covers [0, max(shape, tile)) exactly once
/// per dimension, so the copy whose unwrapped coordinate base_t + offset_r is
/// still inside the shape is the one and only owner of each element.
Owners computeOwners(OpBuilder &b, Location loc, const ttg::LayoutView &view) {
  ArrayRef<unsigned> spt = view.root.getSizePerThread();
  ArrayRef<unsigned> tpw = view.root.getThreadsPerWarp();
  ArrayRef<unsigned> wpc = view.root.getWarpsPerCTA();
  ArrayRef<unsigned> order = view.root.getOrder();
  unsigned rank = spt.size();

  Owners owners;
  // Dimensions along which other threads hold copies of this thread's
  // elements: the layout's tile is larger than the tensor and more than one
  // thread lies along them.
  SmallVector<bool> replicated(rank, false);
  for (unsigned d = 0; d < rank; ++d) {
    int64_t tile = int64_t(spt[d]) * tpw[d] * wpc[d];
    replicated[d] = tile > view.rootShape[d] && tpw[d] * wpc[d] > 1;
    owners.acrossThreads |= replicated[d];
  }

  SmallVector<Value> base(rank);
  if (owners.acrossThreads) {
    auto [lane, warp] = laneAndWarpIds(b, loc);
    Value laneRest = lane, warpRest = warp;
    for (unsigned d : order) {
      Value laneCoord =
          LLVM::URemOp::create(b, loc, laneRest, i32Const(b, loc, tpw[d]));
      laneRest =
          LLVM::UDivOp::create(b, loc, laneRest, i32Const(b, loc, tpw[d]));
      Value warpCoord =
          LLVM::URemOp::create(b, loc, warpRest, i32Const(b, loc, wpc[d]));
      warpRest =
          LLVM::UDivOp::create(b, loc, warpRest, i32Const(b, loc, wpc[d]));
      if (!replicated[d])
        continue;
      Value thread = LLVM::AddOp::create(
          b, loc,
          LLVM::MulOp::create(b, loc, warpCoord, i32Const(b, loc, tpw[d])),
          laneCoord);
      base[d] = LLVM::MulOp::create(b, loc, thread, i32Const(b, loc, spt[d]));
    }
  }

  std::map<SmallVector<int64_t>, unsigned> seen;
  for (unsigned r = 0; r < view.getNumRegisters(); ++r) {
    auto [it, inserted] = seen.try_emplace(view.normalizedOffsets(r), r);
    owners.firstCopy.push_back(it->second);
    Value owner;
    if (inserted) {
      for (unsigned d = 0; d < rank; ++d) {
        if (!replicated[d])
          continue;
        // A first copy's offset lies inside the shape, so the bound is > 0.
        int64_t bound = view.rootShape[d] - view.registerOffsets[r][d];
        assert(bound > 0 && "first copies have in-range offsets");
        Value inside = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ult,
                                            base[d], i32Const(b, loc, bound));
        owner =
            owner ? Value(LLVM::AndOp::create(b, loc, owner, inside)) : inside;
      }
    }
    owners.isOwner.push_back(owner);
  }
  return owners;
}

/// A scalar is held by every thread; thread 0 owns it.
Owners scalarOwners(OpBuilder &b, Location loc) {
  Owners owners;
  owners.firstCopy = {0};
  Value tid = NVVM::ThreadIdXOp::create(b, loc, b.getI32Type());
  owners.isOwner = {LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::eq, tid,
                                         i32Const(b, loc, 0))};
  owners.acrossThreads = true;
  return owners;
}

Value andOrNull(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  if (!lhs)
    return rhs;
  if (!rhs)
    return lhs;
  return LLVM::AndOp::create(b, loc, lhs, rhs);
}

/// Gives every copy of each element the value its owner computed: owners
/// write to the element's slot in shared memory, everyone reads back. Copies
/// that do not own their element write to a spare slot past the end instead,
/// which keeps the stores unpredicated.
SmallVector<Value> broadcastFromOwners(OpBuilder &b, Location loc,
                                       Operation *op, LoweringContext &state,
                                       ArrayRef<Value> values,
                                       const Owners &owners,
                                       const ttg::LayoutView *view,
                                       ArrayRef<int64_t> shape) {
  Type elementType = values[0].getType();
  Type memType = storageType(elementType);
  int64_t numel = 1;
  for (int64_t s : shape)
    numel *= s;
  Value base =
      sharedScratch(b, loc, op, state, (numel + 1) * storageBytes(elementType));
  auto sharedPtr =
      LLVM::LLVMPointerType::get(b.getContext(), kSharedAddressSpace);
  SmallVector<Value> slots;
  if (view) {
    for (const SmallVector<Value> &coords : emitCoordinates(b, loc, *view))
      slots.push_back(linearize(b, loc, coords, shape));
  } else {
    slots.push_back(i32Const(b, loc, 0));
  }
  auto address = [&](Value index) {
    return LLVM::GEPOp::create(b, loc, sharedPtr, memType, base,
                               ValueRange{index});
  };
  for (unsigned r = 0; r < values.size(); ++r) {
    if (owners.firstCopy[r] != r)
      continue;
    Value slot = slots[r];
    if (Value owner = owners.isOwner[r])
      slot =
          LLVM::SelectOp::create(b, loc, owner, slot, i32Const(b, loc, numel));
    LLVM::StoreOp::create(b, loc, toStorage(b, loc, values[r]), address(slot));
  }
  barrier(b, loc);
  SmallVector<Value> result;
  for (Value slot : slots) {
    Value loaded = LLVM::LoadOp::create(b, loc, memType, address(slot));
    result.push_back(fromStorage(b, loc, loaded, elementType));
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Emitting one atomic
//===----------------------------------------------------------------------===//

unsigned bitWidth(Type type) {
  if (isa<LLVM::LLVMPointerType>(type))
    return 64;
  return type.getIntOrFloatBitWidth();
}

/// The PTX register class of a value of `bits` bits.
StringRef registerConstraint(unsigned bits) {
  return bits == 16 ? "h" : bits == 32 ? "r" : "l";
}

/// Reinterprets a value as the integer PTX registers carry.
Value toBits(OpBuilder &b, Location loc, Value value) {
  Type type = value.getType();
  if (isa<LLVM::LLVMPointerType>(type))
    return LLVM::PtrToIntOp::create(b, loc, b.getI64Type(), value);
  if (isa<IntegerType>(type))
    return value;
  return LLVM::BitcastOp::create(b, loc, b.getIntegerType(bitWidth(type)),
                                 value);
}

Value fromBits(OpBuilder &b, Location loc, Value bits, Type type) {
  if (isa<LLVM::LLVMPointerType>(type))
    return LLVM::IntToPtrOp::create(b, loc, type, bits);
  if (isa<IntegerType>(type))
    return bits;
  return LLVM::BitcastOp::create(b, loc, type, bits);
}

/// `atom.global.<sem>.<scope>.<operation> $0, [$1], $2[, $3]` on PTX
/// registers, predicated on `pred` where given; lanes that skip it read 0.
Value emitAtomAsm(OpBuilder &b, Location loc, StringRef operation,
                  StringRef sem, StringRef scope, Type type, Value ptr,
                  ArrayRef<Value> operands, Value pred) {
  unsigned bits = bitWidth(type);
  std::string reg = registerConstraint(bits).str();
  std::string constraints = "=" + reg + ",l";
  SmallVector<Value> asmOperands{ptr};
  std::string args = "$0, [ $1 + 0 ]";
  for (Value operand : operands) {
    asmOperands.push_back(toBits(b, loc, operand));
    constraints += "," + reg;
    args += ", $" + std::to_string(asmOperands.size());
  }
  std::string guard;
  if (pred) {
    asmOperands.push_back(pred);
    constraints += ",b";
    guard = "@$" + std::to_string(asmOperands.size()) + " ";
  }
  // The atomic orders other memory accesses: keep LLVM from moving them
  // across it.
  constraints += ",~{memory}";
  std::string text = "mov.b" + std::to_string(bits) + " $0, 0;\n\t" + guard +
                     "atom.global." + sem.str() + "." + scope.str() + "." +
                     operation.str() + " " + args + ";";
  auto inlineAsm = LLVM::InlineAsmOp::create(
      b, loc, b.getIntegerType(bits), asmOperands, text, constraints,
      /*has_side_effects=*/true, /*is_align_stack=*/false,
      LLVM::TailCallKind::None, LLVM::AsmDialectAttr(), ArrayAttr());
  return fromBits(b, loc, inlineAsm.getResult(0), type);
}

/// The `<op>.<type>` of the PTX atom that performs `kind` on `type` for
/// compute capability `cc`, or nothing where PTX has none.
std::optional<std::string> nativeRMW(RMWOp kind, Type type, unsigned cc) {
  unsigned bits = bitWidth(type);
  bool isFloat = isa<FloatType>(type);
  bool wide = bits == 32 || bits == 64;
  std::string width = std::to_string(bits);
  switch (kind) {
  case RMWOp::AND:
  case RMWOp::OR:
  case RMWOp::XOR:
    if (isFloat || !wide)
      return std::nullopt;
    return stringifyRMWOp(kind).str() + ".b" + width;
  case RMWOp::ADD:
  case RMWOp::FADD:
    if (!isFloat)
      return wide ? std::optional<std::string>("add.u" + width) : std::nullopt;
    if (type.isF32() || type.isF64())
      return "add.f" + width;
    if (type.isF16())
      return std::string("add.noftz.f16");
    if (type.isBF16() && cc >= 90)
      return std::string("add.noftz.bf16");
    return std::nullopt;
  case RMWOp::MAX:
  case RMWOp::MIN:
    if (isFloat || !wide)
      return std::nullopt;
    return stringifyRMWOp(kind).str() + ".s" + width;
  case RMWOp::UMAX:
    if (isFloat || !wide)
      return std::nullopt;
    return "max.u" + width;
  case RMWOp::UMIN:
    if (isFloat || !wide)
      return std::nullopt;
    return "min.u" + width;
  case RMWOp::XCHG:
    if (!wide)
      return std::nullopt;
    return "exch.b" + width;
  }
  return std::nullopt;
}

LLVM::AtomicBinOp llvmBinOp(RMWOp kind, Type type) {
  bool isFloat = isa<FloatType>(type);
  switch (kind) {
  case RMWOp::AND:
    return LLVM::AtomicBinOp::_and;
  case RMWOp::OR:
    return LLVM::AtomicBinOp::_or;
  case RMWOp::XOR:
    return LLVM::AtomicBinOp::_xor;
  case RMWOp::ADD:
  case RMWOp::FADD:
    return isFloat ? LLVM::AtomicBinOp::fadd : LLVM::AtomicBinOp::add;
  case RMWOp::MAX:
    return LLVM::AtomicBinOp::max;
  case RMWOp::MIN:
    return LLVM::AtomicBinOp::min;
  case RMWOp::UMAX:
    return LLVM::AtomicBinOp::umax;
  case RMWOp::UMIN:
    return LLVM::AtomicBinOp::umin;
  case RMWOp::XCHG:
    return LLVM::AtomicBinOp::xchg;
  }
  llvm_unreachable("unknown RMW kind");
}

LLVM::AtomicOrdering llvmOrdering(MemSemantic sem) {
  switch (sem) {
  case MemSemantic::RELAXED:
    return LLVM::AtomicOrdering::monotonic;
  case MemSemantic::ACQUIRE:
    return LLVM::AtomicOrdering::acquire;
  case MemSemantic::RELEASE:
    return LLVM::AtomicOrdering::release;
  case MemSemantic::ACQUIRE_RELEASE:
    return LLVM::AtomicOrdering::acq_rel;
  }
  llvm_unreachable("unknown memory semantic");
}

/// The failure ordering of a cmpxchg: no release part.
LLVM::AtomicOrdering llvmFailureOrdering(MemSemantic sem) {
  return sem == MemSemantic::ACQUIRE || sem == MemSemantic::ACQUIRE_RELEASE
             ? LLVM::AtomicOrdering::acquire
             : LLVM::AtomicOrdering::monotonic;
}

/// NVPTX's names for the PTX scopes (the empty scope is the system).
StringRef llvmSyncScope(MemSyncScope scope) {
  switch (scope) {
  case MemSyncScope::CTA:
    return "block";
  case MemSyncScope::GPU:
    return "device";
  case MemSyncScope::SYSTEM:
    return "";
  }
  return "";
}

/// Runs `body` only where `condition` holds (null: everywhere); returns its
/// value there and `otherwise` elsewhere. The insertion point ends after the
/// join, where the rest of the original block now lives.
Value emitGuarded(ConversionPatternRewriter &rewriter, Location loc,
                  Value condition, Value otherwise,
                  function_ref<Value(OpBuilder &)> body) {
  if (!condition)
    return body(rewriter);
  Block *current = rewriter.getInsertionBlock();
  Block *rest = rewriter.splitBlock(current, rewriter.getInsertionPoint());
  Block *join = rewriter.createBlock(rest, {otherwise.getType()}, {loc});
  rewriter.mergeBlocks(rest, join);
  Block *then = rewriter.createBlock(join);
  rewriter.setInsertionPointToEnd(then);
  Value value = body(rewriter);
  LLVM::BrOp::create(rewriter, loc, ValueRange{value}, join);
  rewriter.setInsertionPointToEnd(current);
  LLVM::CondBrOp::create(rewriter, loc, condition, then, ValueRange{}, join,
                         ValueRange{otherwise});
  rewriter.setInsertionPointToStart(join);
  return join->getArgument(0);
}

Value zeroOf(OpBuilder &b, Location loc, Type type) {
  if (isa<LLVM::LLVMPointerType>(type))
    return LLVM::ZeroOp::create(b, loc, type);
  return LLVM::ConstantOp::create(b, loc, type, b.getZeroAttr(type));
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

/// What the atomic patterns share: the elements of the operands, the owners
/// of each element, and the final broadcast.
template <typename OpTy>
struct AtomicConversionBase : public OpConversionPattern<OpTy> {
  AtomicConversionBase(TritiumTypeConverter &converter, LoweringContext &state)
      : OpConversionPattern<OpTy>(converter, &converter.getContext()),
        state(state) {}

  SmallVector<Value> elements(OpBuilder &b, Location loc, Value v,
                              bool isTensor) const {
    return isTensor ? unpack(b, loc, v) : SmallVector<Value>{v};
  }

  /// Performs `atomic` once per element owned by this thread (with its
  /// optional mask), then gives every copy its owner's old value.
  LogicalResult
  lower(OpTy op, ConversionPatternRewriter &rewriter, ArrayRef<Value> masks,
        function_ref<Value(ConversionPatternRewriter &, unsigned, Value)>
            atomic) const {
    Location loc = op.getLoc();
    auto tensor = dyn_cast<RankedTensorType>(op.getType());
    std::optional<ttg::LayoutView> view;
    Owners owners;
    if (tensor) {
      FailureOr<ttg::LayoutView> v =
          ttg::getLayoutView(tensor.getEncoding(), tensor.getShape());
      if (failed(v))
        return rewriter.notifyMatchFailure(op, "unsupported layout");
      view = *v;
      owners = computeOwners(rewriter, loc, *view);
    } else {
      owners = scalarOwners(rewriter, loc);
    }
    SmallVector<Value> results(owners.firstCopy.size());
    for (unsigned r = 0; r < results.size(); ++r) {
      if (owners.firstCopy[r] != r) {
        results[r] = results[owners.firstCopy[r]];
        continue;
      }
      Value pred = andOrNull(rewriter, loc, masks.empty() ? Value() : masks[r],
                             owners.isOwner[r]);
      results[r] = atomic(rewriter, r, pred);
    }
    if (!op.getResult().use_empty() && owners.acrossThreads) {
      SmallVector<int64_t> shape = tensor
                                       ? SmallVector<int64_t>(tensor.getShape())
                                       : SmallVector<int64_t>{1};
      results = broadcastFromOwners(rewriter, loc, op, state, results, owners,
                                    view ? &*view : nullptr, shape);
    }
    if (!tensor) {
      rewriter.replaceOp(op, results[0]);
      return success();
    }
    Type structType = this->getTypeConverter()->convertType(tensor);
    rewriter.replaceOp(op, pack(rewriter, loc, structType, results));
    return success();
  }

  LoweringContext &state;
};

struct AtomicRMWOpConversion : public AtomicConversionBase<AtomicRMWOp> {
  using AtomicConversionBase::AtomicConversionBase;

  LogicalResult
  matchAndRewrite(AtomicRMWOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    bool isTensor = isa<RankedTensorType>(op.getType());
    SmallVector<Value> ptrs =
        elements(rewriter, loc, adaptor.getPtr(), isTensor);
    SmallVector<Value> vals =
        elements(rewriter, loc, adaptor.getVal(), isTensor);
    SmallVector<Value> masks;
    if (adaptor.getMask())
      masks = elements(rewriter, loc, adaptor.getMask(), isTensor);
    Type type = vals[0].getType();
    if (!isa<IntegerType, FloatType, LLVM::LLVMPointerType>(type))
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    RMWOp kind = op.getAtomicRmwOp();
    if (isa<LLVM::LLVMPointerType>(type) && kind != RMWOp::XCHG)
      return rewriter.notifyMatchFailure(op, "only exch works on pointers");
    std::optional<std::string> native =
        nativeRMW(kind, type, state.computeCapability);
    StringRef sem = stringifyMemSemantic(op.getSem());
    StringRef scope = stringifyMemSyncScope(op.getScope());

    return lower(op, rewriter, masks,
                 [&](ConversionPatternRewriter &b, unsigned r, Value pred) {
                   if (native)
                     return emitAtomAsm(b, loc, *native, sem, scope, type,
                                        ptrs[r], {vals[r]}, pred);
                   return emitGuarded(
                       b, loc, pred, zeroOf(b, loc, type), [&](OpBuilder &g) {
                         return Value(LLVM::AtomicRMWOp::create(
                             g, loc, llvmBinOp(kind, type), ptrs[r], vals[r],
                             llvmOrdering(op.getSem()),
                             llvmSyncScope(op.getScope()), bitWidth(type) / 8));
                       });
                 });
  }
};

struct AtomicCASOpConversion : public AtomicConversionBase<AtomicCASOp> {
  using AtomicConversionBase::AtomicConversionBase;

  LogicalResult
  matchAndRewrite(AtomicCASOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    bool isTensor = isa<RankedTensorType>(op.getType());
    SmallVector<Value> ptrs =
        elements(rewriter, loc, adaptor.getPtr(), isTensor);
    SmallVector<Value> cmps =
        elements(rewriter, loc, adaptor.getCmp(), isTensor);
    SmallVector<Value> vals =
        elements(rewriter, loc, adaptor.getVal(), isTensor);
    Type type = vals[0].getType();
    if (!isa<IntegerType, FloatType, LLVM::LLVMPointerType>(type))
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    unsigned bits = bitWidth(type);
    // atom.cas.b16 needs sm_70, which every supported target has.
    bool native = bits == 16 || bits == 32 || bits == 64;
    StringRef sem = stringifyMemSemantic(op.getSem());
    StringRef scope = stringifyMemSyncScope(op.getScope());
    std::string operation = "cas.b" + std::to_string(bits);

    return lower(op, rewriter, {},
                 [&](ConversionPatternRewriter &b, unsigned r, Value pred) {
                   if (native)
                     return emitAtomAsm(b, loc, operation, sem, scope, type,
                                        ptrs[r], {cmps[r], vals[r]}, pred);
                   // cmpxchg wants integers; narrow ones the backend widens.
                   return emitGuarded(
                       b, loc, pred, zeroOf(b, loc, type), [&](OpBuilder &g) {
                         auto cas = LLVM::AtomicCmpXchgOp::create(
                             g, loc, ptrs[r], toBits(g, loc, cmps[r]),
                             toBits(g, loc, vals[r]), llvmOrdering(op.getSem()),
                             llvmFailureOrdering(op.getSem()),
                             llvmSyncScope(op.getScope()), bits / 8);
                         Value old =
                             LLVM::ExtractValueOp::create(g, loc, cas, 0);
                         return fromBits(g, loc, old, type);
                       });
                 });
  }
};

//===----------------------------------------------------------------------===//
// Histograms
//===----------------------------------------------------------------------===//

/// Zeroes `numBins` counts of `countBits` bits from `base` (shared memory):
/// 16 bytes a store where every thread has whole 16-byte pieces (4096 bins
/// of 8 warps: 4 stores a thread instead of 16); otherwise a bin a store,
/// and with fewer bins than threads several threads clear the same bin,
/// which is harmless.
void zeroBins(OpBuilder &b, Location loc, Value base, int64_t numBins,
              unsigned countBits, unsigned numThreads) {
  auto sharedPtr =
      LLVM::LLVMPointerType::get(b.getContext(), kSharedAddressSpace);
  Type countType = b.getIntegerType(countBits);
  Value tid = NVVM::ThreadIdXOp::create(b, loc, b.getI32Type());
  const int64_t binsPerPiece = 128 / countBits;
  if (numBins % (numThreads * binsPerPiece) == 0) {
    auto pieceType = VectorType::get(binsPerPiece, countType);
    Value zeros = LLVM::ZeroOp::create(b, loc, pieceType);
    Value first =
        LLVM::MulOp::create(b, loc, tid, i32Const(b, loc, binsPerPiece));
    for (int64_t k = 0, e = numBins / (numThreads * binsPerPiece); k < e; ++k) {
      Value bin = LLVM::AddOp::create(
          b, loc, first, i32Const(b, loc, k * numThreads * binsPerPiece));
      Value address = LLVM::GEPOp::create(b, loc, sharedPtr, countType, base,
                                          ValueRange{bin});
      LLVM::StoreOp::create(b, loc, zeros, address, /*alignment=*/16);
    }
    return;
  }
  Value zero = intConst(b, loc, countType, 0);
  for (int64_t k = 0, e = llvm::divideCeil(numBins, numThreads); k < e; ++k) {
    Value bin = LLVM::URemOp::create(
        b, loc,
        LLVM::AddOp::create(b, loc, tid, i32Const(b, loc, k * numThreads)),
        i32Const(b, loc, numBins));
    Value address = LLVM::GEPOp::create(b, loc, sharedPtr, countType, base,
                                        ValueRange{bin});
    LLVM::StoreOp::create(b, loc, zero, address);
  }
}

/// Adds 1 (or the lane's weight, where `weights` is not empty) to bin
/// `values[r]` from `base`, with a predicated `red.shared.add`, once per
/// distinct element of the source (its view `srcView`), where the value lies
/// in [0, numBins) and the mask (if any) is true.
void addToBins(OpBuilder &b, Location loc, Value base,
               const ttg::LayoutView &srcView, ArrayRef<Value> values,
               ArrayRef<Value> masks, ArrayRef<Value> weights, int64_t numBins,
               unsigned countBits) {
  auto sharedPtr =
      LLVM::LLVMPointerType::get(b.getContext(), kSharedAddressSpace);
  Type countType = b.getIntegerType(countBits);
  const bool weighted = !weights.empty();
  Owners owners = computeOwners(b, loc, srcView);
  Type i64 = b.getI64Type();
  std::string text = "@$0 red.shared.add.u" + std::to_string(countBits) +
                     (weighted ? " [ $1 + 0 ], $2;" : " [ $1 + 0 ], 1;");
  std::string constraints =
      weighted ? (countBits == 64 ? "b,r,l,~{memory}" : "b,r,r,~{memory}")
               : "b,r,~{memory}";
  for (unsigned r = 0; r < values.size(); ++r) {
    if (owners.firstCopy[r] != r)
      continue;
    Value value = values[r];
    if (cast<IntegerType>(value.getType()).getWidth() < 64)
      value = LLVM::SExtOp::create(b, loc, i64, value);
    // Unsigned, so negative values fall outside too.
    Value counted = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ult,
                                         value, intConst(b, loc, i64, numBins));
    counted = andOrNull(b, loc, counted, masks.empty() ? Value() : masks[r]);
    counted = andOrNull(b, loc, counted, owners.isOwner[r]);
    Value bin = LLVM::TruncOp::create(b, loc, b.getI32Type(), value);
    Value address = LLVM::GEPOp::create(b, loc, sharedPtr, countType, base,
                                        ValueRange{bin});
    // Shared-window addresses fit 32 bits.
    Value address32 = LLVM::PtrToIntOp::create(b, loc, b.getI32Type(), address);
    SmallVector<Value> operands{counted, address32};
    if (weighted)
      operands.push_back(weights[r]);
    LLVM::InlineAsmOp::create(b, loc, TypeRange(), operands, text, constraints,
                              /*has_side_effects=*/true,
                              /*is_align_stack=*/false,
                              LLVM::TailCallKind::None, LLVM::AsmDialectAttr(),
                              ArrayAttr());
  }
}

/// The bins from `base` in the layout of `resultView`.
SmallVector<Value> readBins(OpBuilder &b, Location loc, Value base,
                            const ttg::LayoutView &resultView,
                            unsigned countBits) {
  auto sharedPtr =
      LLVM::LLVMPointerType::get(b.getContext(), kSharedAddressSpace);
  Type countType = b.getIntegerType(countBits);
  SmallVector<Value> counts;
  for (const SmallVector<Value> &coords : emitCoordinates(b, loc, resultView)) {
    Value address = LLVM::GEPOp::create(b, loc, sharedPtr, countType, base,
                                        ValueRange{coords[0]});
    counts.push_back(LLVM::LoadOp::create(b, loc, countType, address));
  }
  return counts;
}

/// Counts through bins in shared memory: zero them, add 1 (tt.histogram) or
/// the lane's weight (tx.weighted_histogram) per distinct counted element
/// with a predicated `red.shared.add`, read them back in the result's
/// layout.
template <typename HistogramLikeOp>
struct HistogramOpConversion : public OpConversionPattern<HistogramLikeOp> {
  using OpAdaptor = typename HistogramLikeOp::Adaptor;
  static constexpr bool kWeighted =
      std::is_same_v<HistogramLikeOp, tx::WeightedHistogramOp>;

  HistogramOpConversion(TritiumTypeConverter &converter, LoweringContext &state)
      : OpConversionPattern<HistogramLikeOp>(converter,
                                             &converter.getContext()),
        state(state) {}

  LogicalResult
  matchAndRewrite(HistogramLikeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType srcType = op.getSrc().getType();
    RankedTensorType resultType = op.getResult().getType();
    FailureOr<ttg::LayoutView> srcView =
        ttg::getLayoutView(srcType.getEncoding(), srcType.getShape());
    FailureOr<ttg::LayoutView> resultView =
        ttg::getLayoutView(resultType.getEncoding(), resultType.getShape());
    Type structType = this->getTypeConverter()->convertType(resultType);
    if (failed(srcView) || failed(resultView) || !structType)
      return rewriter.notifyMatchFailure(op, "unsupported layout");
    auto countType = dyn_cast<IntegerType>(resultType.getElementType());
    if (!countType ||
        (countType.getWidth() != 32 && countType.getWidth() != 64))
      return rewriter.notifyMatchFailure(op, "counts are i32 or i64");
    int64_t numBins = resultType.getShape()[0];
    unsigned countBits = countType.getWidth();

    SmallVector<Value> values = unpack(rewriter, loc, adaptor.getSrc());
    // The verifier gives the mask the source's layout.
    SmallVector<Value> masks;
    if (adaptor.getMask())
      masks = unpack(rewriter, loc, adaptor.getMask());
    // The weights share the source's layout (tritium-assign-layouts).
    SmallVector<Value> weights;
    if constexpr (kWeighted)
      weights = unpack(rewriter, loc, adaptor.getWeights());

    Value base =
        sharedScratch(rewriter, loc, op, state, numBins * (countBits / 8));
    zeroBins(rewriter, loc, base, numBins, countBits,
             state.numWarps * ttg::kThreadsPerWarp);
    barrier(rewriter, loc);
    addToBins(rewriter, loc, base, *srcView, values, masks, weights, numBins,
              countBits);
    barrier(rewriter, loc);
    rewriter.replaceOp(
        op, pack(rewriter, loc, structType,
                 readBins(rewriter, loc, base, *resultView, countBits)));
    return success();
  }

  LoweringContext &state;
};

/// tx.local_histogram_*: the bins of a slot live in the dedicated area
/// (planLocalHistograms), which no scratch overlaps. The init zeroes them
/// between two barriers (the first for reads of an earlier pass, should
/// the loop it precedes run again), the adds pass none, the read waits
/// for every thread's adds.
template <typename LocalHistogramOp>
struct LocalHistogramConversion : public OpConversionPattern<LocalHistogramOp> {
  LocalHistogramConversion(TritiumTypeConverter &converter,
                           LoweringContext &state)
      : OpConversionPattern<LocalHistogramOp>(converter,
                                              &converter.getContext()),
        state(state) {}

  /// The op's slot as planned, or null.
  const LoweringContext::LocalHistogram *slotOf(LocalHistogramOp op) const {
    auto it = state.localHistograms.find(op.getSlot());
    return it == state.localHistograms.end() ? nullptr : &it->second;
  }

  LoweringContext &state;
};

struct LocalHistogramInitOpConversion
    : public LocalHistogramConversion<tx::LocalHistogramInitOp> {
  using LocalHistogramConversion::LocalHistogramConversion;

  LogicalResult
  matchAndRewrite(tx::LocalHistogramInitOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    const LoweringContext::LocalHistogram *slot = slotOf(op);
    if (!slot)
      return rewriter.notifyMatchFailure(op, "slot not planned");
    Location loc = op.getLoc();
    barrier(rewriter, loc);
    zeroBins(rewriter, loc, dedicatedShared(rewriter, loc, slot->offset),
             slot->bins, slot->countBits,
             state.numWarps * ttg::kThreadsPerWarp);
    barrier(rewriter, loc);
    rewriter.eraseOp(op);
    return success();
  }
};

struct LocalHistogramAddOpConversion
    : public LocalHistogramConversion<tx::LocalHistogramAddOp> {
  using LocalHistogramConversion::LocalHistogramConversion;

  LogicalResult
  matchAndRewrite(tx::LocalHistogramAddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    const LoweringContext::LocalHistogram *slot = slotOf(op);
    RankedTensorType srcType = op.getSrc().getType();
    FailureOr<ttg::LayoutView> srcView =
        ttg::getLayoutView(srcType.getEncoding(), srcType.getShape());
    if (!slot || failed(srcView))
      return rewriter.notifyMatchFailure(op, "slot not planned or layout");
    Location loc = op.getLoc();
    SmallVector<Value> masks;
    if (adaptor.getMask())
      masks = unpack(rewriter, loc, adaptor.getMask());
    addToBins(rewriter, loc, dedicatedShared(rewriter, loc, slot->offset),
              *srcView, unpack(rewriter, loc, adaptor.getSrc()), masks, {},
              slot->bins, slot->countBits);
    rewriter.eraseOp(op);
    return success();
  }
};

struct LocalHistogramReadOpConversion
    : public LocalHistogramConversion<tx::LocalHistogramReadOp> {
  using LocalHistogramConversion::LocalHistogramConversion;

  LogicalResult
  matchAndRewrite(tx::LocalHistogramReadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    const LoweringContext::LocalHistogram *slot = slotOf(op);
    RankedTensorType resultType = op.getResult().getType();
    FailureOr<ttg::LayoutView> resultView =
        ttg::getLayoutView(resultType.getEncoding(), resultType.getShape());
    Type structType = getTypeConverter()->convertType(resultType);
    if (!slot || failed(resultView) || !structType)
      return rewriter.notifyMatchFailure(op, "slot not planned or layout");
    Location loc = op.getLoc();
    barrier(rewriter, loc);
    Value base = dedicatedShared(rewriter, loc, slot->offset);
    rewriter.replaceOp(
        op, pack(rewriter, loc, structType,
                 readBins(rewriter, loc, base, *resultView, slot->countBits)));
    return success();
  }
};

} // namespace

void mlir::triton::populateAtomicOpToLLVMPatterns(
    TritiumTypeConverter &converter, RewritePatternSet &patterns,
    LoweringContext &state) {
  patterns.add<AtomicRMWOpConversion, AtomicCASOpConversion,
               HistogramOpConversion<HistogramOp>,
               HistogramOpConversion<tx::WeightedHistogramOp>,
               LocalHistogramInitOpConversion, LocalHistogramAddOpConversion,
               LocalHistogramReadOpConversion>(converter, state);
}

LogicalResult mlir::triton::planLocalHistograms(ModuleOp module,
                                                LoweringContext &state) {
  // Each slot's bins 16-byte aligned in the dedicated area, in slot order.
  std::map<int32_t, tx::LocalHistogramInitOp> inits;
  WalkResult walk = module.walk([&](tx::LocalHistogramInitOp init) {
    if (!inits.emplace(init.getSlot(), init).second)
      return init.emitOpError("slot ")
                 << init.getSlot() << " is initialised twice",
             WalkResult::interrupt();
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  // What a block may take on any target (sm_90's 227 KB).
  constexpr int64_t kMaxDedicatedBytes = 227 * 1024;
  for (auto &[slot, init] : inits) {
    int64_t offset = llvm::alignTo(state.dedicatedBytes, 16);
    int64_t end = offset + init.getBinBytes();
    if (end > kMaxDedicatedBytes)
      return init.emitOpError("needs ")
             << end << " bytes of shared memory with the kernel's other "
             << "dedicated buffers; at most " << kMaxDedicatedBytes << " fit";
    state.localHistograms[slot] = {unsigned(offset), int64_t(init.getBins()),
                                   init.getCountBits()};
    state.dedicatedBytes = unsigned(end);
  }
  // Every add and read names a slot that was initialised, and a read has its
  // init's bins and count width.
  walk = module.walk([&](Operation *op) {
    std::optional<int32_t> slot;
    if (auto add = dyn_cast<tx::LocalHistogramAddOp>(op))
      slot = add.getSlot();
    auto read = dyn_cast<tx::LocalHistogramReadOp>(op);
    if (read)
      slot = read.getSlot();
    if (!slot)
      return WalkResult::advance();
    auto it = state.localHistograms.find(*slot);
    if (it == state.localHistograms.end())
      return op->emitOpError("slot ") << *slot << " has no init",
             WalkResult::interrupt();
    if (read) {
      RankedTensorType type = read.getResult().getType();
      if (type.getShape()[0] != it->second.bins ||
          type.getElementType().getIntOrFloatBitWidth() != it->second.countBits)
        return read.emitOpError("reads ")
                   << type << " from a slot of " << it->second.bins
                   << " bins of " << it->second.countBits << " bits",
               WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}
