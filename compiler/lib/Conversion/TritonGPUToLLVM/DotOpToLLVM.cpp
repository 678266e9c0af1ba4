//===- DotOpToLLVM.cpp - tt.dot -------------------------------------------===//
//
// d = a·b + c on [M,K]·[K,N] tiles (or batched [B,M,K]·[B,K,N]), on the
// CUDA cores: a and b are staged row-major through the shared scratch
// buffer (a at offset 0, b after it), then every thread computes the result
// elements its layout gives it as c + Σ_k a[m,k]·b[k,n], one fused
// multiply-add per k in increasing k order, in the accumulator's type.
// Operands are widened to the accumulator type first (fpext for f16/bf16,
// sign extension for int8, exact bit manipulation for fp8), so products of
// narrow floats are exact, as on the tensor cores.
//
// fp32 operands are multiplied in full fp32 whatever inputPrecision says:
// tf32 (and tf32x3, bf16x3, bf16x6) ask for at most this precision, so the
// result is at least as accurate as Triton's tensor-core result.
//
// Per k, a thread loads a[m,k] once per distinct row it holds and b[k,n]
// once per distinct column, then does one FMA per result register (an outer
// product): loads of a are vectors along k, loads of b vectors along n where
// the thread holds contiguous columns.
//
// Where a layout pass marked the op `ttg.mma_sync` and chose a result layout
// that fits (see computeWithMmaSync), f16/bf16 dots run on the tensor cores
// with mma.sync.m16n8k16 from the same staged operands instead. No pass
// does so yet: the CUDA-core path is the one taken.
//
//===----------------------------------------------------------------------===//

#include "Utility.h"

#include "mlir/Transforms/DialectConversion.h"

#include <map>

using namespace mlir;
using namespace mlir::triton;
using namespace mlir::triton::lowering;

namespace {

constexpr unsigned kSharedAddressSpace = 3;
/// Widest shared-memory access, in bytes (ld.shared.v4.b32).
constexpr unsigned kMaxAccessBytes = 16;

FailureOr<ttg::LayoutView> viewOf(Type type) {
  auto tensor = cast<RankedTensorType>(type);
  return ttg::getLayoutView(tensor.getEncoding(), tensor.getShape());
}

int64_t numElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t s : shape)
    n *= s;
  return n;
}

/// Registers of `view` grouped into runs that hold `width` consecutive
/// elements along tensor dimension `dim` (and equal coordinates elsewhere),
/// starting at a multiple of `width`; registers holding the same element as
/// an earlier one are left out. Each run is listed in increasing coordinate
/// order; a run of one register is a scalar access.
struct RegisterRuns {
  unsigned width = 1;
  SmallVector<SmallVector<unsigned>> runs;
};

RegisterRuns groupRuns(const ttg::LayoutView &view, unsigned dim,
                       int64_t extent, unsigned maxWidth) {
  RegisterRuns result;
  // A run starts at a multiple of `width` in every thread only if the
  // thread's base along `dim` is one: width must divide sizePerThread.
  unsigned rootDim = view.keptDims[dim];
  unsigned perThread = view.root.getSizePerThread()[rootDim];
  unsigned width = std::min<int64_t>({maxWidth, perThread, extent});
  while (width > 1 && perThread % width != 0)
    width /= 2;
  result.width = std::max(1u, width);

  std::map<SmallVector<int64_t>, unsigned> byOffsets;
  for (unsigned r = 0; r < view.getNumRegisters(); ++r)
    byOffsets.emplace(view.tensorOffsets(r), r);
  std::map<SmallVector<int64_t>, bool> taken;
  for (auto &[offsets, r] : byOffsets) {
    if (taken.count(offsets))
      continue;
    SmallVector<unsigned> run;
    if (offsets[dim] % result.width == 0) {
      for (unsigned i = 0; i < result.width; ++i) {
        SmallVector<int64_t> next(offsets);
        next[dim] += i;
        auto it = byOffsets.find(next);
        if (it == byOffsets.end() || taken.count(next)) {
          run.clear();
          break;
        }
        run.push_back(it->second);
      }
    }
    if (run.empty())
      run.push_back(r);
    for (unsigned reg : run)
      taken[view.tensorOffsets(reg)] = true;
    result.runs.push_back(std::move(run));
  }
  return result;
}

/// Writes a thread's elements of a tensor row-major at `base` (an element
/// pointer into shared memory), as vectors along the last dimension where
/// the thread holds contiguous elements.
void storeRowMajor(OpBuilder &b, Location loc, Value base, Type memType,
                   ArrayRef<Value> elements, const ttg::LayoutView &view,
                   ArrayRef<int64_t> shape) {
  auto sharedPtr =
      LLVM::LLVMPointerType::get(b.getContext(), kSharedAddressSpace);
  unsigned bytes = storageBytes(memType);
  unsigned last = shape.size() - 1;
  RegisterRuns runs =
      groupRuns(view, last, shape[last], std::max(1u, kMaxAccessBytes / bytes));
  SmallVector<SmallVector<Value>> coords = emitCoordinates(b, loc, view);
  for (ArrayRef<unsigned> run : runs.runs) {
    Value index = linearize(b, loc, coords[run.front()], shape);
    Value address = LLVM::GEPOp::create(b, loc, sharedPtr, memType, base,
                                        ValueRange{index});
    if (run.size() == 1) {
      LLVM::StoreOp::create(b, loc, toStorage(b, loc, elements[run.front()]),
                            address, bytes);
      continue;
    }
    auto vectorType = VectorType::get(run.size(), memType);
    Value vector = LLVM::UndefOp::create(b, loc, vectorType);
    for (auto [i, reg] : llvm::enumerate(run))
      vector = LLVM::InsertElementOp::create(b, loc, vector,
                                             toStorage(b, loc, elements[reg]),
                                             i32Const(b, loc, i));
    LLVM::StoreOp::create(b, loc, vector, address, bytes * run.size());
  }
}

/// Loads `width` consecutive elements at `address` (aligned to their total
/// size), as one vector access where width > 1.
SmallVector<Value> loadRun(OpBuilder &b, Location loc, Value address,
                           Type memType, unsigned width) {
  unsigned bytes = storageBytes(memType);
  if (width == 1)
    return {LLVM::LoadOp::create(b, loc, memType, address, bytes)};
  auto vectorType = VectorType::get(width, memType);
  Value vector =
      LLVM::LoadOp::create(b, loc, vectorType, address, bytes * width);
  SmallVector<Value> result;
  for (unsigned i = 0; i < width; ++i)
    result.push_back(
        LLVM::ExtractElementOp::create(b, loc, vector, i32Const(b, loc, i)));
  return result;
}

/// fp8 (e4m3fn: bias 7, no infinities, S.1111.111 is NaN) to f32, exactly,
/// with integer operations only so that no denormal flushing can interfere.
Value e4m3fnToF32(OpBuilder &b, Location loc, Value bits8) {
  Type i32 = b.getI32Type();
  Value x = LLVM::ZExtOp::create(b, loc, i32, bits8);
  auto c = [&](int64_t v) { return i32Const(b, loc, v); };
  Value sign = LLVM::ShlOp::create(
      b, loc, LLVM::AndOp::create(b, loc, x, c(0x80)), c(24));
  Value magnitude = LLVM::AndOp::create(b, loc, x, c(0x7f));
  Value exponent = LLVM::LShrOp::create(b, loc, magnitude, c(3));
  Value mantissa = LLVM::AndOp::create(b, loc, x, c(0x7));
  // Normal: rebias the exponent (127 - 7) and move the mantissa up.
  Value normal = LLVM::OrOp::create(
      b, loc,
      LLVM::ShlOp::create(b, loc, LLVM::AddOp::create(b, loc, exponent, c(120)),
                          c(23)),
      LLVM::ShlOp::create(b, loc, mantissa, c(20)));
  // Subnormal: mantissa · 2^-9, exact as an f32 normal number (or zero).
  Value subnormalF = LLVM::FMulOp::create(
      b, loc, LLVM::UIToFPOp::create(b, loc, b.getF32Type(), mantissa),
      LLVM::ConstantOp::create(b, loc, b.getF32Type(),
                               b.getF32FloatAttr(1.0f / 512.0f)));
  Value subnormal = LLVM::BitcastOp::create(b, loc, i32, subnormalF);
  Value isSubnormal =
      LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::eq, exponent, c(0));
  Value isNaN =
      LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::eq, magnitude, c(0x7f));
  Value bits = LLVM::SelectOp::create(b, loc, isSubnormal, subnormal, normal);
  bits = LLVM::SelectOp::create(b, loc, isNaN, c(0x7fc00000), bits);
  bits = LLVM::OrOp::create(b, loc, bits, sign);
  return LLVM::BitcastOp::create(b, loc, b.getF32Type(), bits);
}

/// Widens an operand element (as held in registers, `value`; its `tt`
/// element type `sourceType`) to the accumulator type.
Value toAccumulator(OpBuilder &b, Location loc, Value value, Type sourceType,
                    Type accType) {
  if (isa<Float8E5M2Type>(sourceType)) {
    // e5m2 is the top byte of an f16.
    Value bits16 = LLVM::ShlOp::create(
        b, loc, LLVM::ZExtOp::create(b, loc, b.getI16Type(), value),
        intConst(b, loc, b.getI16Type(), 8));
    value = LLVM::BitcastOp::create(b, loc, b.getF16Type(), bits16);
  } else if (isa<Float8E4M3FNType>(sourceType)) {
    value = e4m3fnToF32(b, loc, value);
  }
  Type type = value.getType();
  if (type == accType)
    return value;
  if (isa<FloatType>(accType)) {
    unsigned from = type.getIntOrFloatBitWidth();
    unsigned to = accType.getIntOrFloatBitWidth();
    if (from == to) // bf16 <-> f16: through f32, which holds both exactly.
      value = LLVM::FPExtOp::create(b, loc, b.getF32Type(), value);
    if (from < to)
      return LLVM::FPExtOp::create(b, loc, accType, value);
    return LLVM::FPTruncOp::create(b, loc, accType, value);
  }
  // Triton's integer dot is on signed int8.
  if (type.getIntOrFloatBitWidth() < accType.getIntOrFloatBitWidth())
    return LLVM::SExtOp::create(b, loc, accType, value);
  return LLVM::TruncOp::create(b, loc, accType, value);
}

bool isSupportedOperand(Type type) {
  return type.isF16() || type.isBF16() || type.isF32() || type.isF64() ||
         type.isInteger(8) || type.isInteger(16) || type.isInteger(32) ||
         isa<Float8E5M2Type, Float8E4M3FNType>(type);
}

/// What both strategies start from: the operands staged row-major in shared
/// memory, and this thread's result registers.
struct StagedDot {
  unsigned rank;
  ArrayRef<int64_t> aShape, bShape;
  int64_t K, N;
  Type aSource, bSource; // `tt` element types of a and b
  Type aMem, bMem;       // their types in registers and shared memory
  Type accType;
  Value aBase, bBase; // element pointers to a[0...] and b[0...]
  const ttg::LayoutView *dView;
  SmallVector<SmallVector<Value>> dCoords;
  /// holder[r]: the first register holding the same element as register r;
  /// only holders are computed, the others copy them at the end.
  SmallVector<unsigned> holder;
};

/// The CUDA-core strategy: per k, one load per distinct row of a and per
/// run of columns of b, then one FMA (or integer multiply-add) per result.
void computeWithFma(OpBuilder &b, Location loc, const StagedDot &dot,
                    SmallVectorImpl<Value> &acc) {
  auto sharedPtr =
      LLVM::LLVMPointerType::get(b.getContext(), kSharedAddressSpace);
  const ttg::LayoutView &dView = *dot.dView;
  unsigned rank = dot.rank, numRegs = dView.getNumRegisters();
  auto rowKey = [&](unsigned r) {
    SmallVector<int64_t> o = dView.tensorOffsets(r);
    o.pop_back(); // (batch, m)
    return o;
  };
  auto colKey = [&](unsigned r) {
    SmallVector<int64_t> o = dView.tensorOffsets(r);
    o.erase(o.end() - 2); // (batch, n)
    return o;
  };

  // Row pointers into a (to element (batch, m, 0)).
  std::map<SmallVector<int64_t>, unsigned> rowIndex;
  SmallVector<Value> rowPtrs;
  SmallVector<unsigned> rowOf(numRegs);
  for (unsigned r = 0; r < numRegs; ++r) {
    if (dot.holder[r] != r)
      continue;
    auto [it, inserted] = rowIndex.emplace(rowKey(r), rowPtrs.size());
    rowOf[r] = it->second;
    if (!inserted)
      continue;
    SmallVector<Value> coords(dot.dCoords[r].begin(), dot.dCoords[r].end() - 1);
    coords.push_back(i32Const(b, loc, 0));
    Value index = linearize(b, loc, coords, dot.aShape);
    rowPtrs.push_back(LLVM::GEPOp::create(b, loc, sharedPtr, dot.aMem,
                                          dot.aBase, ValueRange{index}));
  }

  // Column pointers into b (to element (batch, 0, n) of a run's first
  // column): one per run of colWidth contiguous columns the thread holds,
  // aligned so that the run is one vector access, else one per column.
  // A run starts at a multiple of colWidth in every thread only if the
  // thread's base column is one: colWidth must divide sizePerThread.
  unsigned bBytes = storageBytes(dot.bMem);
  unsigned nRootDim = dView.keptDims[rank - 1];
  unsigned nPerThread = dView.root.getSizePerThread()[nRootDim];
  unsigned colWidth = std::min<int64_t>(
      {int64_t(std::max(1u, kMaxAccessBytes / bBytes)), nPerThread, dot.N});
  while (colWidth > 1 && nPerThread % colWidth != 0)
    colWidth /= 2;
  colWidth = std::max(1u, colWidth);
  std::map<SmallVector<int64_t>, unsigned> colHolder;
  for (unsigned r = 0; r < numRegs; ++r)
    if (dot.holder[r] == r)
      colHolder.emplace(colKey(r), r);
  struct ColRun {
    Value ptr;
    unsigned width;
  };
  SmallVector<ColRun> colRuns;
  // Column key -> (run, position in the run).
  std::map<SmallVector<int64_t>, std::pair<unsigned, unsigned>> colSlot;
  for (auto &[key, r] : colHolder) {
    if (colSlot.count(key))
      continue;
    unsigned width = key.back() % colWidth == 0 ? colWidth : 1;
    for (unsigned i = 1; width > 1 && i < colWidth; ++i) {
      SmallVector<int64_t> next(key);
      next.back() += i;
      if (!colHolder.count(next) || colSlot.count(next))
        width = 1;
    }
    SmallVector<Value> coords(dot.dCoords[r]);
    coords[rank - 2] = i32Const(b, loc, 0);
    Value index = linearize(b, loc, coords, dot.bShape);
    Value ptr = LLVM::GEPOp::create(b, loc, sharedPtr, dot.bMem, dot.bBase,
                                    ValueRange{index});
    for (unsigned i = 0; i < width; ++i) {
      SmallVector<int64_t> next(key);
      next.back() += i;
      colSlot[next] = {colRuns.size(), i};
    }
    colRuns.push_back({ptr, width});
  }
  SmallVector<std::pair<unsigned, unsigned>> colOf(numRegs);
  for (unsigned r = 0; r < numRegs; ++r)
    if (dot.holder[r] == r)
      colOf[r] = colSlot.at(colKey(r));

  // a is read along k, contiguous in its row: vectors of up to 16 bytes.
  unsigned kWidth = std::min<int64_t>(
      dot.K, std::max(1u, kMaxAccessBytes / storageBytes(dot.aMem)));
  bool isFloat = isa<FloatType>(dot.accType);
  SmallVector<SmallVector<Value>> aRaw(rowPtrs.size());
  for (int64_t k = 0; k < dot.K; ++k) {
    if (k % kWidth == 0)
      for (auto [row, ptr] : llvm::enumerate(rowPtrs)) {
        Value address = LLVM::GEPOp::create(b, loc, sharedPtr, dot.aMem, ptr,
                                            ArrayRef<LLVM::GEPArg>{int32_t(k)});
        aRaw[row] = loadRun(b, loc, address, dot.aMem, kWidth);
      }
    SmallVector<Value> aK;
    for (unsigned row = 0; row < rowPtrs.size(); ++row)
      aK.push_back(toAccumulator(b, loc, aRaw[row][k % kWidth], dot.aSource,
                                 dot.accType));
    SmallVector<SmallVector<Value>> bK;
    for (const ColRun &run : colRuns) {
      Value address =
          LLVM::GEPOp::create(b, loc, sharedPtr, dot.bMem, run.ptr,
                              ArrayRef<LLVM::GEPArg>{int32_t(k * dot.N)});
      bK.emplace_back();
      for (Value v : loadRun(b, loc, address, dot.bMem, run.width))
        bK.back().push_back(toAccumulator(b, loc, v, dot.bSource, dot.accType));
    }
    // k outermost: each result element accumulates in increasing k.
    for (unsigned r = 0; r < numRegs; ++r) {
      if (dot.holder[r] != r)
        continue;
      auto [run, position] = colOf[r];
      Value x = aK[rowOf[r]], y = bK[run][position];
      if (isFloat)
        acc[r] = LLVM::FMAOp::create(b, loc, x, y, acc[r]);
      else
        acc[r] = LLVM::AddOp::create(b, loc, acc[r],
                                     LLVM::MulOp::create(b, loc, x, y));
    }
  }
}

//===----------------------------------------------------------------------===//
// Tensor cores: mma.sync.m16n8k16 (sm_80+), f16/bf16 -> f32
//===----------------------------------------------------------------------===//
//
// mma.sync needs, per warp, a 16x8 tile of the result whose lane
// l = 4g + t holds (row g, cols 2t, 2t+1) and (row g+8, same cols). The
// instruction does not care which real rows and columns these virtual ones
// stand for, as long as A's fragment rows and B's fragment columns are read
// from the same ones. A blocked result layout with threadsPerWarp = [8, 4]
// and order = [1, 0] has row = f(g) and column = f(t) for every register,
// so any two of the thread's rows and any two of its columns form such a
// tile: fragments are then read from the staged operands at those rows and
// columns (a row, or a column, paired with itself where the thread holds an
// odd number of them: the duplicate computes the same value twice).

/// The attribute a layout pass sets on a tt.dot whose result layout it chose
/// for mma.sync; without it the CUDA-core lowering is kept.
constexpr llvm::StringLiteral kMmaSyncAttrName = "ttg.mma_sync";

bool canUseMmaSync(DotOp op, const StagedDot &dot, unsigned computeCapability) {
  if (!op->hasAttr(kMmaSyncAttrName) || computeCapability < 80 ||
      dot.rank != 2 || dot.K % 16 != 0 || !dot.accType.isF32())
    return false;
  if (dot.aSource != dot.bSource ||
      !(dot.aSource.isF16() || dot.aSource.isBF16()))
    return false;
  const ttg::LayoutView &view = *dot.dView;
  return view.keptDims.size() == 2 && view.rootShape.size() == 2 &&
         view.root.getThreadsPerWarp() == ArrayRef<unsigned>{8, 4} &&
         view.root.getOrder() == ArrayRef<unsigned>{1, 0};
}

/// Two 16-bit values packed into the .b32 register an mma fragment takes,
/// the first in the low half.
Value packHalves(OpBuilder &b, Location loc, Value lo, Value hi) {
  Type i32 = b.getI32Type(), i16 = b.getI16Type();
  auto bits = [&](Value v) {
    return LLVM::ZExtOp::create(b, loc, i32,
                                LLVM::BitcastOp::create(b, loc, i16, v));
  };
  return LLVM::OrOp::create(
      b, loc, bits(lo),
      LLVM::ShlOp::create(b, loc, bits(hi), i32Const(b, loc, 16)));
}

void computeWithMmaSync(OpBuilder &b, Location loc, const StagedDot &dot,
                        SmallVectorImpl<Value> &acc) {
  MLIRContext *context = b.getContext();
  auto sharedPtr = LLVM::LLVMPointerType::get(context, kSharedAddressSpace);
  const ttg::LayoutView &view = *dot.dView;
  Type i32 = b.getI32Type(), f32 = b.getF32Type();
  unsigned numRegs = view.getNumRegisters();

  // The thread's distinct rows and columns (static offsets), each with the
  // register holding it at the other coordinate's first offset.
  std::map<int64_t, unsigned> rowReg, colReg;
  std::map<std::pair<int64_t, int64_t>, unsigned> regAt;
  for (unsigned r = 0; r < numRegs; ++r) {
    if (dot.holder[r] != r)
      continue;
    SmallVector<int64_t> o = view.tensorOffsets(r);
    rowReg.emplace(o[0], r);
    colReg.emplace(o[1], r);
    regAt.emplace(std::make_pair(o[0], o[1]), r);
  }
  auto pairUp = [](const std::map<int64_t, unsigned> &items) {
    SmallVector<int64_t> keys;
    for (auto &[key, r] : items)
      keys.push_back(key);
    if (keys.size() % 2)
      keys.push_back(keys.back());
    SmallVector<std::pair<int64_t, int64_t>> pairs;
    for (unsigned i = 0; i < keys.size(); i += 2)
      pairs.push_back({keys[i], keys[i + 1]});
    return pairs;
  };
  SmallVector<std::pair<int64_t, int64_t>> rowPairs = pairUp(rowReg);
  SmallVector<std::pair<int64_t, int64_t>> colPairs = pairUp(colReg);

  auto [lane, warp] = laneAndWarpIds(b, loc);
  Value g = LLVM::LShrOp::create(b, loc, lane, i32Const(b, loc, 2));
  Value t = LLVM::AndOp::create(b, loc, lane, i32Const(b, loc, 3));
  Value twoT = LLVM::ShlOp::create(b, loc, t, i32Const(b, loc, 1));

  // A fragments read the thread's own rows: pointers to a[row, 2t].
  std::map<int64_t, Value> aRowPtr;
  for (auto &[offset, r] : rowReg) {
    Value index = LLVM::AddOp::create(
        b, loc,
        LLVM::MulOp::create(b, loc, dot.dCoords[r][0], i32Const(b, loc, dot.K)),
        twoT);
    aRowPtr[offset] = LLVM::GEPOp::create(b, loc, sharedPtr, dot.aMem,
                                          dot.aBase, ValueRange{index});
  }

  // B fragments read virtual column g, which is real column offset
  // pair[g & 1] of lane 4 * (g >> 1): its base column is that of a thread
  // with t = g >> 1 in this warp. Pointers to b[2t, column].
  ArrayRef<unsigned> spt = view.root.getSizePerThread();
  ArrayRef<unsigned> wpc = view.root.getWarpsPerCTA();
  int64_t N = dot.N;
  bool wraps = int64_t(spt[1]) * 4 * wpc[1] > N;
  Value warpN = LLVM::URemOp::create(b, loc, warp, i32Const(b, loc, wpc[1]));
  Value baseN = LLVM::MulOp::create(
      b, loc,
      LLVM::AddOp::create(
          b, loc, LLVM::MulOp::create(b, loc, warpN, i32Const(b, loc, 4)),
          LLVM::LShrOp::create(b, loc, g, i32Const(b, loc, 1))),
      i32Const(b, loc, spt[1]));
  Value odd = LLVM::ICmpOp::create(
      b, loc, LLVM::ICmpPredicate::ne,
      LLVM::AndOp::create(b, loc, g, i32Const(b, loc, 1)), i32Const(b, loc, 0));
  SmallVector<Value> bColPtr;
  for (auto [first, second] : colPairs) {
    auto column = [&](int64_t offset) -> Value {
      Value c = LLVM::AddOp::create(b, loc, baseN, i32Const(b, loc, offset));
      if (wraps)
        c = LLVM::AndOp::create(b, loc, c, i32Const(b, loc, N - 1));
      return c;
    };
    Value col =
        LLVM::SelectOp::create(b, loc, odd, column(second), column(first));
    Value index = LLVM::AddOp::create(
        b, loc, LLVM::MulOp::create(b, loc, twoT, i32Const(b, loc, N)), col);
    bColPtr.push_back(LLVM::GEPOp::create(b, loc, sharedPtr, dot.bMem,
                                          dot.bBase, ValueRange{index}));
  }

  std::string type = dot.aSource.isBF16() ? "bf16" : "f16";
  std::string asmString = "mma.sync.aligned.m16n8k16.row.col.f32." + type +
                          "." + type +
                          ".f32 {$0, $1, $2, $3}, {$4, $5, $6, $7}, "
                          "{$8, $9}, {$10, $11, $12, $13};";
  auto resultType =
      LLVM::LLVMStructType::getLiteral(context, SmallVector<Type>(4, f32));
  auto loadI32 = [&](Value ptr, int64_t offset) -> Value {
    Value address =
        LLVM::GEPOp::create(b, loc, sharedPtr, dot.aMem, ptr,
                            ArrayRef<LLVM::GEPArg>{int32_t(offset)});
    return LLVM::LoadOp::create(b, loc, i32, address, 4);
  };
  auto loadB = [&](Value ptr, int64_t k) -> Value {
    Value address = LLVM::GEPOp::create(b, loc, sharedPtr, dot.bMem, ptr,
                                        ArrayRef<LLVM::GEPArg>{int32_t(k * N)});
    return LLVM::LoadOp::create(b, loc, dot.bMem, address, 2);
  };
  for (int64_t k0 = 0; k0 < dot.K; k0 += 16) {
    // a0..a3: (row g, k 2t..2t+1), (row g+8, ...), (row g, k 2t+8..),
    // (row g+8, k 2t+8..); b0, b1: (k 2t..2t+1), (k 2t+8..2t+9).
    SmallVector<std::array<Value, 4>> aFrag;
    for (auto [first, second] : rowPairs)
      aFrag.push_back(
          {loadI32(aRowPtr[first], k0), loadI32(aRowPtr[second], k0),
           loadI32(aRowPtr[first], k0 + 8), loadI32(aRowPtr[second], k0 + 8)});
    SmallVector<std::array<Value, 2>> bFrag;
    for (Value ptr : bColPtr)
      bFrag.push_back(
          {packHalves(b, loc, loadB(ptr, k0), loadB(ptr, k0 + 1)),
           packHalves(b, loc, loadB(ptr, k0 + 8), loadB(ptr, k0 + 9))});
    for (auto [ri, rows] : llvm::enumerate(rowPairs))
      for (auto [ci, cols] : llvm::enumerate(colPairs)) {
        // c0..c3: (row g, col 2t), (row g, col 2t+1), (row g+8, col 2t),
        // (row g+8, col 2t+1).
        std::array<unsigned, 4> regs = {regAt.at({rows.first, cols.first}),
                                        regAt.at({rows.first, cols.second}),
                                        regAt.at({rows.second, cols.first}),
                                        regAt.at({rows.second, cols.second})};
        SmallVector<Value> operands(aFrag[ri].begin(), aFrag[ri].end());
        operands.append(bFrag[ci].begin(), bFrag[ci].end());
        for (unsigned reg : regs)
          operands.push_back(acc[reg]);
        auto mma = LLVM::InlineAsmOp::create(
            b, loc, resultType, operands, asmString,
            "=f,=f,=f,=f,r,r,r,r,r,r,0,1,2,3", /*has_side_effects=*/false,
            /*is_align_stack=*/false, LLVM::TailCallKind::None,
            LLVM::AsmDialectAttr(), ArrayAttr());
        for (auto [i, reg] : llvm::enumerate(regs))
          acc[reg] = LLVM::ExtractValueOp::create(b, loc, mma.getResult(0), i);
      }
  }
}

struct DotOpConversion : public OpConversionPattern<DotOp> {
  DotOpConversion(TritiumTypeConverter &converter, LoweringContext &state)
      : OpConversionPattern(converter, &converter.getContext()), state(state) {}

  LogicalResult
  matchAndRewrite(DotOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto aType = cast<RankedTensorType>(op.getA().getType());
    auto bType = cast<RankedTensorType>(op.getB().getType());
    auto dType = cast<RankedTensorType>(op.getD().getType());
    unsigned rank = dType.getRank();
    if (rank != 2 && rank != 3)
      return rewriter.notifyMatchFailure(op, "only 2-D and batched 3-D dots");
    if (!isSupportedOperand(aType.getElementType()) ||
        !isSupportedOperand(bType.getElementType()))
      return rewriter.notifyMatchFailure(op, "unsupported operand type");
    FailureOr<ttg::LayoutView> aView = viewOf(aType), bView = viewOf(bType),
                               dView = viewOf(dType);
    auto structType = dyn_cast_or_null<LLVM::LLVMStructType>(
        getTypeConverter()->convertType(dType));
    if (failed(aView) || failed(bView) || failed(dView) || !structType)
      return failure();

    StagedDot dot;
    dot.rank = rank;
    dot.aShape = aType.getShape();
    dot.bShape = bType.getShape();
    dot.K = dot.aShape[rank - 1];
    dot.N = dot.bShape[rank - 1];
    dot.aSource = aType.getElementType();
    dot.bSource = bType.getElementType();
    dot.accType = structType.getBody()[0];
    dot.dView = &*dView;
    if (!dot.accType.isIntOrFloat())
      return rewriter.notifyMatchFailure(op, "unsupported accumulator type");

    // c has d's type, layout included (the op's verifier): registers
    // correspond one to one.
    SmallVector<Value> acc = unpack(rewriter, loc, adaptor.getC());

    // Stage both operands: a at offset 0, b after it, 16-byte aligned so
    // that vector accesses to b stay aligned.
    SmallVector<Value> aElements = unpack(rewriter, loc, adaptor.getA());
    SmallVector<Value> bElements = unpack(rewriter, loc, adaptor.getB());
    dot.aMem = storageType(aElements.front().getType());
    dot.bMem = storageType(bElements.front().getType());
    int64_t bOffset = llvm::alignTo(
        numElements(dot.aShape) * storageBytes(dot.aMem), kMaxAccessBytes);
    int64_t totalBytes =
        bOffset + numElements(dot.bShape) * storageBytes(dot.bMem);
    Value scratch = sharedScratch(rewriter, loc, op, state, totalBytes);
    auto sharedPtr =
        LLVM::LLVMPointerType::get(rewriter.getContext(), kSharedAddressSpace);
    dot.aBase = scratch;
    dot.bBase =
        LLVM::GEPOp::create(rewriter, loc, sharedPtr, rewriter.getI8Type(),
                            scratch, ArrayRef<LLVM::GEPArg>{int32_t(bOffset)});
    storeRowMajor(rewriter, loc, dot.aBase, dot.aMem, aElements, *aView,
                  dot.aShape);
    storeRowMajor(rewriter, loc, dot.bBase, dot.bMem, bElements, *bView,
                  dot.bShape);
    barrier(rewriter, loc);

    dot.dCoords = emitCoordinates(rewriter, loc, *dView);
    unsigned numRegs = dView->getNumRegisters();
    std::map<SmallVector<int64_t>, unsigned> firstHolder;
    dot.holder.resize(numRegs);
    for (unsigned r = 0; r < numRegs; ++r)
      dot.holder[r] =
          firstHolder.emplace(dView->tensorOffsets(r), r).first->second;

    if (canUseMmaSync(op, dot, state.computeCapability))
      computeWithMmaSync(rewriter, loc, dot, acc);
    else
      computeWithFma(rewriter, loc, dot, acc);
    for (unsigned r = 0; r < numRegs; ++r)
      acc[r] = acc[dot.holder[r]];
    rewriter.replaceOp(op, pack(rewriter, loc, structType, acc));
    return success();
  }

  LoweringContext &state;
};

} // namespace

void mlir::triton::populateDotOpToLLVMPatterns(TritiumTypeConverter &converter,
                                               RewritePatternSet &patterns,
                                               LoweringContext &state) {
  patterns.add<DotOpConversion>(converter, state);
}
