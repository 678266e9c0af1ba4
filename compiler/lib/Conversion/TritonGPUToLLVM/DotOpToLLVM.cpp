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
// Where the layout pass marked the op `ttg.mma_sync` and chose a result
// layout that fits (see canUseMmaSync), f16/bf16 dots run on the tensor
// cores instead: mma.sync.m16n8k16 with ldmatrix fragments from swizzled
// shared tiles, or, marked `ttg.wgmma` as well (sm_90a), wgmma reading both
// operands from shared memory, staged a part of k at a time so that later
// parts are stored while earlier ones are multiplied. A dot marked
// `ttg.double_buffer` (tritium-pipeline-loads: the only user of shared
// memory in its loop) alternates between two staging buffers and needs no
// barrier before its stores.
//
//===----------------------------------------------------------------------===//

#include "FloatConversion.h"
#include "Utility.h"
#include "tritium/Dialect/Tritium/IR/Dialect.h"

#include "mlir/Transforms/DialectConversion.h"

#include <map>

using namespace mlir;
using namespace mlir::triton;
using namespace mlir::triton::lowering;

namespace {

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

/// Widens an operand element (as held in registers, `value`; its `tt`
/// element type `sourceType`) to the accumulator type.
Value toAccumulator(OpBuilder &b, Location loc, Value value, Type sourceType,
                    Type accType) {
  // fp8 widens exactly with integer operations: e5m2 is the top byte of an
  // f16, e4m3fn is rebuilt from its fields as an f32.
  if (isa<Float8E5M2Type>(sourceType))
    value =
        widenFp8(b, loc, value, cast<FloatType>(sourceType), b.getF16Type());
  else if (isa<Float8E4M3FNType>(sourceType))
    value =
        widenFp8(b, loc, value, cast<FloatType>(sourceType), b.getF32Type());
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

/// The shape part of a StagedDot (what canUseMmaSync and canUseWgmma
/// look at): a's and b's shapes and element types, the accumulator's type
/// and d's layout view.
StagedDot describeDot(RankedTensorType aType, RankedTensorType bType,
                      Type accType, const ttg::LayoutView &dView) {
  StagedDot dot;
  dot.rank = aType.getRank();
  dot.aShape = aType.getShape();
  dot.bShape = bType.getShape();
  dot.K = dot.aShape[dot.rank - 1];
  dot.N = dot.bShape[dot.rank - 1];
  dot.aSource = aType.getElementType();
  dot.bSource = bType.getElementType();
  dot.accType = accType;
  dot.dView = &dView;
  return dot;
}

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
// Tensor cores: mma.sync.m16n8k16 (sm_80+) and wgmma (sm_90a), f16/bf16 -> f32
//===----------------------------------------------------------------------===//
//
// Both instructions give lane l = 4g + t of a warp the accumulator elements
// (row g, cols 2t, 2t+1) and (row g+8, same cols) of each 16x8 tile (for
// wgmma, warp w of the warpgroup holds rows 16w.. of a 64-row block, and
// the 8-column tiles follow each other along N). Neither cares which real
// rows these virtual rows stand for, as long as A's rows are read from the
// same ones. The result layout the layout pass chooses (sizePerThread =
// [1, 2], threadsPerWarp = [8, 4], order = [1, 0]) gives lane 4g + t rows
// base + g of every 8-row group and columns 2t, 2t+1 of every 8-column group
// its warp covers: two of the thread's rows form the instruction's rows g
// and g+8 (a row paired with itself where the thread holds only one: the
// duplicate computes the same value twice), and each 8-column group is one
// n8 tile.
//
// The operands are staged in shared memory as SwizzledTiles. mma.sync reads
// its fragments with ldmatrix: .x4 for A (a 16x16 tile: rows g and g+8, k
// and k+8), .x4.trans for B (two n8 tiles, k and k+8). wgmma reads both
// operands from shared memory through descriptors: the tiles are laid out
// as its swizzled canonical layouts (A K-major, B N-major), A's rows
// permuted so that each warpgroup's 64-row blocks are contiguous.

/// The attributes a layout pass sets on a tt.dot whose result layout it
/// chose for the tensor cores (without them the CUDA-core lowering is
/// kept), and for wgmma in particular (on sm_90a).
constexpr llvm::StringLiteral kMmaSyncAttrName = "ttg.mma_sync";
constexpr llvm::StringLiteral kWgmmaAttrName = "ttg.wgmma";
/// Set by tritium-pipeline-loads on a tensor-core dot that is the only user
/// of shared memory in its loop: it alternates between two staging buffers.
constexpr llvm::StringLiteral kDoubleBufferAttrName = "ttg.double_buffer";

bool canUseMmaSync(DotOp op, const StagedDot &dot, unsigned computeCapability) {
  if (!op->hasAttr(kMmaSyncAttrName) || computeCapability < 80 ||
      dot.rank != 2 || dot.K % 16 != 0 || dot.N < 8 || !dot.accType.isF32())
    return false;
  if (dot.aSource != dot.bSource ||
      !(dot.aSource.isF16() || dot.aSource.isBF16()))
    return false;
  const ttg::LayoutView &view = *dot.dView;
  return view.keptDims.size() == 2 && view.rootShape.size() == 2 &&
         view.root.getSizePerThread() == ArrayRef<unsigned>{1, 2} &&
         view.root.getThreadsPerWarp() == ArrayRef<unsigned>{8, 4} &&
         view.root.getOrder() == ArrayRef<unsigned>{1, 0};
}

/// wgmma needs, besides what mma.sync needs, whole warpgroups on all of N
/// and each warp on 16 rows of every 64-row block (see tensorCoreLayout in
/// AssignLayouts.cpp), and operand rows of at least 32 bytes (a swizzled
/// canonical layout).
bool canUseWgmma(DotOp op, const StagedDot &dot, unsigned computeCapability,
                 unsigned numWarps) {
  if (!op->hasAttr(kWgmmaAttrName) || computeCapability < 90 ||
      !canUseMmaSync(op, dot, computeCapability))
    return false;
  ArrayRef<unsigned> wpc = dot.dView->root.getWarpsPerCTA();
  int64_t M = dot.aShape[0];
  return numWarps % 4 == 0 && wpc[0] == numWarps && wpc[1] == 1 &&
         M % (16 * numWarps) == 0 && dot.N % 16 == 0 &&
         (dot.N <= 256 || dot.N % 256 == 0);
}

/// A tile of 16-bit elements in shared memory, cut along its rows into
/// blocks of at most 64 columns (128 bytes), one after the other; within a
/// block rows follow each other and their 16-byte chunks are permuted:
/// chunk c of row r is stored at chunk c ^ phase(r), phase(r) = (r /
/// perPhase) % maxPhase, where perPhase rows share one 128-byte line.
/// Eight consecutive rows at one chunk column then fall in eight different
/// 16-byte bank groups, so ldmatrix (8 rows x 16 bytes) is free of bank
/// conflicts, and 16-byte stores stay contiguous. phase(r) depends only on
/// r % 8. With 128-, 64- or 32-byte blocks this is exactly wgmma's 128B,
/// 64B or 32B swizzled canonical layout (the hardware XORs address bits
/// [4, 7) with bits [7, 10)), given blocks aligned to 8 rows.
struct SwizzledTile {
  int64_t rows, blockColumns, blockBytes;
  unsigned perPhase, maxPhase;

  SwizzledTile(int64_t rows, int64_t columns)
      : rows(rows), blockColumns(std::min<int64_t>(columns, 64)),
        blockBytes(blockColumns * 2) {
    perPhase = std::max<int64_t>(1, 128 / blockBytes);
    maxPhase = std::min<int64_t>(8, blockBytes / 16);
  }

  /// Bytes from one column block to the next.
  int64_t blockStride() const { return rows * blockBytes; }

  /// phase(r) for a row r with r % 8 == `rowInGroup`.
  Value phase(OpBuilder &b, Location loc, Value rowInGroup) const {
    Value shifted = LLVM::LShrOp::create(
        b, loc, rowInGroup, i32Const(b, loc, llvm::Log2_32(perPhase)));
    return LLVM::AndOp::create(b, loc, shifted, i32Const(b, loc, maxPhase - 1));
  }

  /// Byte offset of element (row, col).
  Value offset(OpBuilder &b, Location loc, Value row, Value col) const {
    auto c = [&](int64_t v) { return i32Const(b, loc, v); };
    Value block = LLVM::UDivOp::create(b, loc, col, c(blockColumns));
    Value inBlock = LLVM::URemOp::create(b, loc, col, c(blockColumns));
    Value chunk = LLVM::LShrOp::create(b, loc, inBlock, c(3));
    Value swizzled = LLVM::XOrOp::create(
        b, loc, chunk, phase(b, loc, LLVM::AndOp::create(b, loc, row, c(7))));
    Value inChunk = LLVM::ShlOp::create(
        b, loc, LLVM::AndOp::create(b, loc, col, c(7)), c(1));
    Value rowStart = LLVM::AddOp::create(
        b, loc, LLVM::MulOp::create(b, loc, block, c(blockStride())),
        LLVM::MulOp::create(b, loc, row, c(blockBytes)));
    return LLVM::AddOp::create(
        b, loc, rowStart,
        LLVM::OrOp::create(b, loc, LLVM::ShlOp::create(b, loc, swizzled, c(4)),
                           inChunk));
  }
};

/// One part of a tile along dimension `dim`: elements whose coordinate
/// there lies in [index * size, (index + 1) * size).
struct TilePart {
  unsigned dim;
  int64_t size, index;
};

/// A store of `vector` (16-bit elements) to `address` that happens only
/// where `predicate` holds.
void storePredicated(OpBuilder &b, Location loc, Value vector, Value address,
                     Value predicate) {
  auto vectorType = cast<VectorType>(vector.getType());
  unsigned bits = vectorType.getNumElements() * 16;
  Type i32 = b.getI32Type();
  SmallVector<Value> operands = {
      LLVM::ZExtOp::create(b, loc, i32, predicate),
      LLVM::PtrToIntOp::create(b, loc, b.getI64Type(), address)};
  std::string data, constraints = "r,l";
  if (bits == 16) {
    operands.push_back(LLVM::BitcastOp::create(
        b, loc, b.getI16Type(),
        LLVM::ExtractElementOp::create(b, loc, vector, i32Const(b, loc, 0))));
    data = "b16 [$1], $2";
    constraints += ",h";
  } else {
    unsigned words = bits / 32;
    Value packed =
        LLVM::BitcastOp::create(b, loc, VectorType::get(words, i32), vector);
    std::string list;
    for (unsigned w = 0; w < words; ++w) {
      operands.push_back(
          LLVM::ExtractElementOp::create(b, loc, packed, i32Const(b, loc, w)));
      list += (w ? ", $" : "$") + std::to_string(2 + w);
      constraints += ",r";
    }
    data = (words == 1 ? std::string("b32 [$1], ")
                       : "v" + std::to_string(words) + ".b32 [$1], ") +
           (words == 1 ? list : "{" + list + "}");
  }
  LLVM::InlineAsmOp::create(
      b, loc, LLVM::LLVMVoidType::get(b.getContext()), operands,
      "{\n.reg .pred p;\nsetp.ne.b32 p, $0, 0;\n@p st.shared." + data + ";\n}",
      constraints, /*has_side_effects=*/true, /*is_align_stack=*/false,
      LLVM::TailCallKind::None, LLVM::AsmDialectAttr(), ArrayAttr());
}

/// Writes a thread's elements of a 2-D 16-bit tile into a SwizzledTile at
/// `base`, as vectors of up to 16 bytes along rows; tensor row r goes to
/// tile row `tileRow(r)` (the identity where null). With `part`, only the
/// elements of that part: where the layout fixes which part each register
/// falls in (the thread's own offset along `part->dim` stays under the
/// part size), the others are left out; otherwise each store is predicated.
void storeSwizzled(OpBuilder &b, Location loc, Value base, Type memType,
                   ArrayRef<Value> elements, const ttg::LayoutView &view,
                   ArrayRef<int64_t> shape, const SwizzledTile &tile,
                   function_ref<Value(Value)> tileRow = nullptr,
                   std::optional<TilePart> part = std::nullopt) {
  auto sharedPtr =
      LLVM::LLVMPointerType::get(b.getContext(), kSharedAddressSpace);
  RegisterRuns runs = groupRuns(view, 1, shape[1], kMaxAccessBytes / 2);
  SmallVector<SmallVector<Value>> coords = emitCoordinates(b, loc, view);
  bool staticPart = false;
  if (part) {
    unsigned rootDim = view.keptDims[part->dim];
    int64_t ctaTile = int64_t(view.root.getSizePerThread()[rootDim]) *
                      view.root.getThreadsPerWarp()[rootDim] *
                      view.root.getWarpsPerCTA()[rootDim];
    staticPart = ctaTile <= shape[part->dim] && part->size % ctaTile == 0;
  }
  for (ArrayRef<unsigned> run : runs.runs) {
    Value predicate;
    if (part && staticPart) {
      int64_t offset = view.tensorOffsets(run.front())[part->dim];
      if (offset / part->size != part->index)
        continue;
    } else if (part) {
      predicate = LLVM::ICmpOp::create(
          b, loc, LLVM::ICmpPredicate::eq,
          LLVM::UDivOp::create(b, loc, coords[run.front()][part->dim],
                               i32Const(b, loc, part->size)),
          i32Const(b, loc, part->index));
    }
    ArrayRef<Value> rc = coords[run.front()];
    Value row = tileRow ? tileRow(rc[0]) : rc[0];
    Value address =
        LLVM::GEPOp::create(b, loc, sharedPtr, b.getI8Type(), base,
                            ValueRange{tile.offset(b, loc, row, rc[1])});
    auto vectorType = VectorType::get(run.size(), memType);
    Value vector = LLVM::UndefOp::create(b, loc, vectorType);
    for (auto [i, reg] : llvm::enumerate(run))
      vector = LLVM::InsertElementOp::create(b, loc, vector, elements[reg],
                                             i32Const(b, loc, i));
    if (predicate)
      storePredicated(b, loc, vector, address, predicate);
    else if (run.size() == 1)
      LLVM::StoreOp::create(b, loc, elements[run.front()], address, 2);
    else
      LLVM::StoreOp::create(b, loc, vector, address, 2 * run.size());
  }
}

/// ldmatrix .x4 (.trans where `transpose`) at `address`: four b32 registers.
std::array<Value, 4> loadMatrixX4(OpBuilder &b, Location loc, Value address,
                                  bool transpose) {
  Type i32 = b.getI32Type();
  auto resultType =
      LLVM::LLVMStructType::getLiteral(b.getContext(), {i32, i32, i32, i32});
  Value loaded = NVVM::LdMatrixOp::create(
      b, loc, resultType, address, 4,
      transpose ? NVVM::MMALayout::col : NVVM::MMALayout::row,
      NVVM::LdStMatrixShapeAttr::get(b.getContext(), 8, 8),
      NVVM::LdStMatrixEltType::B16);
  std::array<Value, 4> result;
  for (unsigned i = 0; i < 4; ++i)
    result[i] = LLVM::ExtractValueOp::create(b, loc, loaded, i);
  return result;
}

/// The thread's accumulator registers as the instructions see them: pairs
/// of distinct rows (the instruction's rows g and g+8) and pairs of
/// distinct columns (2t, 2t+1 of one n8 tile), and the register holding
/// each (row, column).
struct AccumulatorTiles {
  SmallVector<std::pair<int64_t, int64_t>> rowPairs, colPairs;
  std::map<std::pair<int64_t, int64_t>, unsigned> regAt;

  explicit AccumulatorTiles(const StagedDot &dot) {
    const ttg::LayoutView &view = *dot.dView;
    std::map<int64_t, unsigned> rows, cols;
    for (unsigned r = 0; r < view.getNumRegisters(); ++r) {
      if (dot.holder[r] != r)
        continue;
      SmallVector<int64_t> o = view.tensorOffsets(r);
      rows.emplace(o[0], r);
      cols.emplace(o[1], r);
      regAt.emplace(std::make_pair(o[0], o[1]), r);
    }
    rowPairs = pairUp(rows);
    colPairs = pairUp(cols);
  }

  /// c0..c3 of a 16x8 tile: (row g, col 2t), (row g, col 2t+1), (row g+8,
  /// col 2t), (row g+8, col 2t+1).
  std::array<unsigned, 4> tile(unsigned rowPair, unsigned colPair) const {
    auto [r0, r1] = rowPairs[rowPair];
    auto [c0, c1] = colPairs[colPair];
    return {regAt.at({r0, c0}), regAt.at({r0, c1}), regAt.at({r1, c0}),
            regAt.at({r1, c1})};
  }

private:
  static SmallVector<std::pair<int64_t, int64_t>>
  pairUp(const std::map<int64_t, unsigned> &items) {
    SmallVector<int64_t> keys;
    for (auto &[key, r] : items)
      keys.push_back(key);
    if (keys.size() % 2)
      keys.push_back(keys.back());
    SmallVector<std::pair<int64_t, int64_t>> pairs;
    for (unsigned i = 0; i < keys.size(); i += 2)
      pairs.push_back({keys[i], keys[i + 1]});
    return pairs;
  }
};

void computeWithMmaSync(OpBuilder &b, Location loc, const StagedDot &dot,
                        const SwizzledTile &aTile, const SwizzledTile &bTile,
                        SmallVectorImpl<Value> &acc) {
  MLIRContext *context = b.getContext();
  auto sharedPtr = LLVM::LLVMPointerType::get(context, kSharedAddressSpace);
  const ttg::LayoutView &view = *dot.dView;
  Type f32 = b.getF32Type();
  auto c = [&](int64_t v) { return i32Const(b, loc, v); };
  int64_t M = view.rootShape[0], N = dot.N;
  AccumulatorTiles tiles(dot);

  ArrayRef<unsigned> wpc = view.root.getWarpsPerCTA();
  auto [lane, warp] = laneAndWarpIds(b, loc);
  Value warpN = LLVM::URemOp::create(b, loc, warp, c(wpc[1]));
  Value warpM = LLVM::URemOp::create(
      b, loc, LLVM::UDivOp::create(b, loc, warp, c(wpc[1])), c(wpc[0]));
  // ldmatrix: lane l gives the address of row l % 8 of matrix l / 8.
  Value rowInMatrix = LLVM::AndOp::create(b, loc, lane, c(7));
  Value matrix = LLVM::LShrOp::create(b, loc, lane, c(3));
  Value matrixLow = LLVM::AndOp::create(b, loc, matrix, c(1));
  Value matrixHigh = LLVM::LShrOp::create(b, loc, matrix, c(1));
  auto isSet = [&](Value bit) {
    return LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ne, bit, c(0));
  };
  bool rowsWrap = 8 * int64_t(wpc[0]) > M;
  bool colsWrap = 8 * int64_t(wpc[1]) > N;

  // A: matrices 0..3 are (rows g, k..k+7), (rows g+8, k..), (rows g,
  // k+8..), (rows g+8, k+8..). Per row pair, the byte offset of the lane's
  // row; per k step, the lane's chunk in k's column block: (k' / 8 + l /
  // 16) ^ phase with k' = k mod the block width, where k' / 8 is even, so
  // that is (k' / 8) ^ ((l / 16) ^ phase).
  Value aPhase = aTile.phase(b, loc, rowInMatrix);
  Value aChunkBits = LLVM::ShlOp::create(
      b, loc, LLVM::XOrOp::create(b, loc, matrixHigh, aPhase), c(4));
  Value rowBase = LLVM::AddOp::create(
      b, loc, LLVM::MulOp::create(b, loc, warpM, c(8)), rowInMatrix);
  Value secondRow = isSet(matrixLow);
  SmallVector<Value> aRowOffset;
  for (auto [first, second] : tiles.rowPairs) {
    Value row = LLVM::AddOp::create(
        b, loc, rowBase,
        LLVM::SelectOp::create(b, loc, secondRow, c(second), c(first)));
    if (rowsWrap)
      row = LLVM::AndOp::create(b, loc, row, c(M - 1));
    aRowOffset.push_back(LLVM::MulOp::create(b, loc, row, c(aTile.blockBytes)));
  }

  // B: per two column pairs (n8 tiles), matrices 0..3 are (tile 0,
  // k..k+7), (tile 0, k+8..), (tile 1, k..), (tile 1, k+8..), loaded
  // transposed; a tile's 8 columns are one 16-byte chunk of b's rows. The
  // lane's offset is fixed but for k * blockBytes.
  Value bPhase = bTile.phase(b, loc, rowInMatrix);
  Value kRow = LLVM::AddOp::create(
      b, loc, LLVM::MulOp::create(b, loc, matrixLow, c(8)), rowInMatrix);
  Value kRowOffset = LLVM::MulOp::create(b, loc, kRow, c(bTile.blockBytes));
  Value secondTile = isSet(matrixHigh);
  Value colBase = LLVM::MulOp::create(b, loc, warpN, c(8));
  SmallVector<Value> bOffset;
  unsigned numColPairs = tiles.colPairs.size();
  for (unsigned i = 0; i < numColPairs; i += 2) {
    int64_t first = tiles.colPairs[i].first;
    int64_t second = tiles.colPairs[std::min(i + 1, numColPairs - 1)].first;
    Value col = LLVM::AddOp::create(
        b, loc, colBase,
        LLVM::SelectOp::create(b, loc, secondTile, c(second), c(first)));
    if (colsWrap)
      col = LLVM::AndOp::create(b, loc, col, c(N - 1));
    Value block = LLVM::UDivOp::create(b, loc, col, c(bTile.blockColumns));
    Value chunk = LLVM::XOrOp::create(
        b, loc,
        LLVM::LShrOp::create(
            b, loc, LLVM::URemOp::create(b, loc, col, c(bTile.blockColumns)),
            c(3)),
        bPhase);
    bOffset.push_back(LLVM::AddOp::create(
        b, loc,
        LLVM::AddOp::create(
            b, loc, LLVM::MulOp::create(b, loc, block, c(bTile.blockStride())),
            kRowOffset),
        LLVM::ShlOp::create(b, loc, chunk, c(4))));
  }

  std::string type = dot.aSource.isBF16() ? "bf16" : "f16";
  std::string asmString = "mma.sync.aligned.m16n8k16.row.col.f32." + type +
                          "." + type +
                          ".f32 {$0, $1, $2, $3}, {$4, $5, $6, $7}, "
                          "{$8, $9}, {$10, $11, $12, $13};";
  auto resultType =
      LLVM::LLVMStructType::getLiteral(context, SmallVector<Type>(4, f32));
  auto at = [&](Value base, Value offset, int64_t constant) -> Value {
    Value address = LLVM::GEPOp::create(b, loc, sharedPtr, b.getI8Type(), base,
                                        ValueRange{offset});
    if (constant == 0)
      return address;
    return LLVM::GEPOp::create(b, loc, sharedPtr, b.getI8Type(), address,
                               ArrayRef<LLVM::GEPArg>{int32_t(constant)});
  };
  for (int64_t k0 = 0; k0 < dot.K; k0 += 16) {
    int64_t kBlock = k0 / aTile.blockColumns;
    int64_t kInBlock = k0 % aTile.blockColumns;
    Value aChunk =
        LLVM::XOrOp::create(b, loc, aChunkBits, c((kInBlock / 8) << 4));
    SmallVector<std::array<Value, 4>> aFrag;
    for (Value rowOffset : aRowOffset)
      aFrag.push_back(loadMatrixX4(
          b, loc,
          at(dot.aBase, LLVM::AddOp::create(b, loc, rowOffset, aChunk),
             kBlock * aTile.blockStride()),
          /*transpose=*/false));
    SmallVector<std::array<Value, 2>> bFrag;
    for (Value offset : bOffset) {
      std::array<Value, 4> regs =
          loadMatrixX4(b, loc, at(dot.bBase, offset, k0 * bTile.blockBytes),
                       /*transpose=*/true);
      bFrag.push_back({regs[0], regs[1]});
      bFrag.push_back({regs[2], regs[3]});
    }
    for (unsigned ri = 0; ri < tiles.rowPairs.size(); ++ri)
      for (unsigned ci = 0; ci < numColPairs; ++ci) {
        std::array<unsigned, 4> regs = tiles.tile(ri, ci);
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

/// Inline PTX with no operands that must stay where it is.
void emitBarrierAsm(OpBuilder &b, Location loc, StringRef ptx) {
  LLVM::InlineAsmOp::create(
      b, loc, LLVM::LLVMVoidType::get(b.getContext()), ValueRange{}, ptx, "",
      /*has_side_effects=*/true, /*is_align_stack=*/false,
      LLVM::TailCallKind::None, LLVM::AsmDialectAttr(), ArrayAttr());
}

/// Runs `ptx` (which names its f32 registers $0..$n-1, tied to `values`,
/// then `extra` as $n..) with side effects, and returns the registers.
SmallVector<Value> tiedF32Asm(OpBuilder &b, Location loc, StringRef ptx,
                              ArrayRef<Value> values, ArrayRef<Value> extra,
                              StringRef extraConstraints) {
  unsigned n = values.size();
  std::string constraints;
  for (unsigned i = 0; i < n; ++i)
    constraints += "=f,";
  for (unsigned i = 0; i < n; ++i)
    constraints += std::to_string(i) + ",";
  constraints += extraConstraints;
  if (!constraints.empty() && constraints.back() == ',')
    constraints.pop_back();
  SmallVector<Value> operands(values);
  operands.append(extra.begin(), extra.end());
  auto resultType = LLVM::LLVMStructType::getLiteral(
      b.getContext(), SmallVector<Type>(n, b.getF32Type()));
  auto op = LLVM::InlineAsmOp::create(
      b, loc, resultType, operands, ptx, constraints,
      /*has_side_effects=*/true, /*is_align_stack=*/false,
      LLVM::TailCallKind::None, LLVM::AsmDialectAttr(), ArrayAttr());
  SmallVector<Value> result;
  for (unsigned i = 0; i < n; ++i)
    result.push_back(LLVM::ExtractValueOp::create(b, loc, op.getResult(0), i));
  return result;
}

/// The row of the shared A tile that wgmma reads for tensor row r. The
/// result layout (warpsPerCTA = [numWarps, 1]) gives warp w = 4q + w' rows
/// 8w + g + 8 * numWarps * j; warpgroup q computes, for each i, the 64-row
/// block of its rows with j = 2i + h, where wgmma wants warp w' on rows
/// 16w' + 8h + g. Block (q, i) is stored as 64-row block i * Q + q (Q
/// warpgroups).
Value wgmmaTileRow(OpBuilder &b, Location loc, Value row, unsigned numWarps) {
  auto c = [&](int64_t v) { return i32Const(b, loc, v); };
  unsigned warpBits = llvm::Log2_32(numWarps);
  unsigned numGroups = numWarps / 4;
  Value g = LLVM::AndOp::create(b, loc, row, c(7));
  Value w = LLVM::AndOp::create(b, loc, LLVM::LShrOp::create(b, loc, row, c(3)),
                                c(numWarps - 1));
  Value j = LLVM::LShrOp::create(b, loc, row, c(3 + warpBits));
  Value q = LLVM::LShrOp::create(b, loc, w, c(2));
  Value wInGroup = LLVM::AndOp::create(b, loc, w, c(3));
  Value h = LLVM::AndOp::create(b, loc, j, c(1));
  Value i = LLVM::LShrOp::create(b, loc, j, c(1));
  Value block = LLVM::AddOp::create(
      b, loc, LLVM::MulOp::create(b, loc, i, c(numGroups)), q);
  Value inBlock = LLVM::OrOp::create(
      b, loc,
      LLVM::OrOp::create(b, loc, LLVM::ShlOp::create(b, loc, wInGroup, c(4)),
                         LLVM::ShlOp::create(b, loc, h, c(3))),
      g);
  return LLVM::OrOp::create(b, loc, LLVM::ShlOp::create(b, loc, block, c(6)),
                            inBlock);
}

/// The constant part of a wgmma shared-memory descriptor: leading and
/// stride byte offsets, and the swizzle mode of a tile whose column blocks
/// are `blockBytes` wide (128: mode 1, 64: mode 2, 32: mode 3). The start
/// address (bits 0-13, in 16-byte units) is added to it.
uint64_t descriptorBits(int64_t leadingBytes, int64_t strideBytes,
                        int64_t blockBytes) {
  uint64_t mode = blockBytes == 128 ? 1 : blockBytes == 64 ? 2 : 3;
  return (uint64_t(leadingBytes >> 4) & 0x3fff) << 16 |
         (uint64_t(strideBytes >> 4) & 0x3fff) << 32 | mode << 62;
}

/// Issues a warpgroup's wgmmas over the staged operands, a range of k at a
/// time (so that later parts of the operands can be stored while earlier
/// ones are multiplied), and waits for them at the end.
class WgmmaIssuer {
public:
  WgmmaIssuer(OpBuilder &b, Location loc, const StagedDot &dot,
              const SwizzledTile &aTile, const SwizzledTile &bTile,
              unsigned numWarps)
      : b(b), loc(loc), dot(dot), aTile(aTile), bTile(bTile), tiles(dot),
        instrN(std::min<int64_t>(dot.N, 256)), numGroups(numWarps / 4) {
    Type i64 = b.getI64Type();
    // Start addresses in 16-byte units: this warpgroup's first 64-row
    // block of A, and B.
    auto [lane, warp] = laneAndWarpIds(b, loc);
    Value group = LLVM::LShrOp::create(b, loc, warp, i32Const(b, loc, 2));
    auto units = [&](Value address) {
      return LLVM::LShrOp::create(
          b, loc, LLVM::PtrToIntOp::create(b, loc, i64, address), c64(4));
    };
    Value aStart = LLVM::AddOp::create(
        b, loc, units(dot.aBase),
        LLVM::MulOp::create(b, loc, LLVM::ZExtOp::create(b, loc, i64, group),
                            c64(64 * aTile.blockBytes / 16)));
    Value bStart = units(dot.bBase);
    // A is K-major (its leading byte offset is unused within a swizzle
    // block); B is N-major, column blocks of 64 apart by a whole block.
    aDesc = LLVM::AddOp::create(
        b, loc, aStart,
        c64(descriptorBits(16, 8 * aTile.blockBytes, aTile.blockBytes)));
    bDesc = LLVM::AddOp::create(
        b, loc, bStart,
        c64(descriptorBits(bTile.blockStride(), 8 * bTile.blockBytes,
                           bTile.blockBytes)));

    std::string type = dot.aSource.isBF16() ? "bf16" : "f16";
    unsigned numRegs = instrN / 2;
    std::string regList;
    for (unsigned i = 0; i < numRegs; ++i)
      regList += (i ? ", $" : "$") + std::to_string(i);
    ptx = "{\n.reg .pred p;\nsetp.ne.b32 p, $" +
          std::to_string(2 * numRegs + 2) +
          ", 0;\nwgmma.mma_async.sync.aligned.m64n" + std::to_string(instrN) +
          "k16.f32." + type + "." + type + " {" + regList + "}, $" +
          std::to_string(2 * numRegs) + ", $" +
          std::to_string(2 * numRegs + 1) + ", p, 1, 1, 0, 1;\n}";
    accumulate = i32Const(b, loc, 1);
  }

  /// The wgmmas for k in [kBegin, kEnd) (multiples of 16), chaining the
  /// accumulators `acc`, after a fence of the registers they read.
  void issue(int64_t kBegin, int64_t kEnd, SmallVectorImpl<Value> &acc) {
    emitBarrierAsm(b, loc, "wgmma.fence.sync.aligned;");
    unsigned tilesPerInstr = instrN / 8;
    for (unsigned block = 0; block < tiles.rowPairs.size(); ++block) {
      for (int64_t n0 = 0; n0 < dot.N; n0 += instrN) {
        // This instruction's registers: n8 tile j holds four.
        SmallVector<unsigned> regs;
        for (unsigned j = 0; j < tilesPerInstr; ++j)
          for (unsigned reg : tiles.tile(block, n0 / 8 + j))
            regs.push_back(reg);
        SmallVector<Value> values;
        for (unsigned reg : regs)
          values.push_back(acc[reg]);
        for (int64_t k0 = kBegin; k0 < kEnd; k0 += 16) {
          int64_t aOffset = (k0 / aTile.blockColumns) * aTile.blockStride() +
                            block * numGroups * 64 * aTile.blockBytes +
                            (k0 % aTile.blockColumns) * 2;
          int64_t bOffset = (n0 / bTile.blockColumns) * bTile.blockStride() +
                            k0 * bTile.blockBytes;
          Value a = LLVM::AddOp::create(b, loc, aDesc, c64(aOffset / 16));
          Value bd = LLVM::AddOp::create(b, loc, bDesc, c64(bOffset / 16));
          values =
              tiedF32Asm(b, loc, ptx, values, {a, bd, accumulate}, "l,l,r");
        }
        for (auto [reg, value] : llvm::zip(regs, values))
          acc[reg] = value;
      }
    }
  }

  /// Commits the wgmmas and waits until they are done.
  void finish(SmallVectorImpl<Value> &acc) {
    emitBarrierAsm(b, loc, "wgmma.commit_group.sync.aligned;");
    // The results are the registers only once the group completes: they
    // pass through the wait, so nothing reads them earlier.
    SmallVector<unsigned> holders;
    for (unsigned r = 0; r < acc.size(); ++r)
      if (dot.holder[r] == r)
        holders.push_back(r);
    SmallVector<Value> values;
    for (unsigned r : holders)
      values.push_back(acc[r]);
    values =
        tiedF32Asm(b, loc, "wgmma.wait_group.sync.aligned 0;", values, {}, "");
    for (auto [r, value] : llvm::zip(holders, values))
      acc[r] = value;
  }

private:
  Value c64(int64_t v) { return intConst(b, loc, b.getI64Type(), v); }

  OpBuilder &b;
  Location loc;
  const StagedDot &dot;
  const SwizzledTile &aTile, &bTile;
  AccumulatorTiles tiles;
  int64_t instrN;
  unsigned numGroups;
  Value aDesc, bDesc, accumulate;
  std::string ptx;
};

//===----------------------------------------------------------------------===//
// Operand a by asynchronous copies (tritium-pipeline-loads marks)
//===----------------------------------------------------------------------===//
//
// A wgmma dot in a loop whose operand a is the tile a pipelined load brings
// one iteration ahead gets that tile by cp.async straight into its swizzled
// staging layout: no register holds it, and the copy of iteration i + 1 is
// in flight while iteration i's dot runs. Two staging buffers (a, then b,
// as the dot stages them) and a counter live in the dedicated shared memory
// area, so no other op's scratch overlaps them. The load of iteration 0
// (before the loop) copies into buffer `counter & 1`, the load of the next
// iteration (at the top of the body) into `(counter + 1) & 1`, and the dot
// reads `counter & 1`, waits for all but the newest copy group, and
// advances the counter after its first barrier (every thread has read it by
// then; every thread writes the same value). A barrier after the dot's
// wgmmas keeps the next iteration's copies from overwriting the buffer a
// slower warp still reads (a trailingBarrier: dropped after the conversion
// where a later barrier of the loop body already does that).

constexpr llvm::StringLiteral kAsyncGroupAttrName = "ttg.async_group";
constexpr llvm::StringLiteral kAsyncAheadAttrName = "ttg.async_ahead";
/// Bytes of a cp.async copy (the .cg form copies 16).
constexpr unsigned kAsyncCopyBytes = 16;

/// Where a dot stages its operands: a at 0, b at `bOffset`.
struct StagingLayout {
  int64_t bOffset, totalBytes;
  static StagingLayout get(ArrayRef<int64_t> aShape, Type aMem,
                           ArrayRef<int64_t> bShape, Type bMem,
                           bool tensorCores) {
    // b aligned so that vector accesses to it stay aligned (16 bytes) and,
    // on the tensor cores, so that its swizzled blocks (8 rows of up to 128
    // bytes) are aligned as wgmma requires (1024 bytes).
    int64_t bOffset = llvm::alignTo(numElements(aShape) * storageBytes(aMem),
                                    tensorCores ? 1024 : kMaxAccessBytes);
    return {bOffset, bOffset + numElements(bShape) * storageBytes(bMem)};
  }
};

/// Two staging buffers of `bufferBytes` at `buffers`, then an i32 counter:
/// the counter, its address, and buffer (counter + ahead) & 1. (The
/// double-buffered dot and the asynchronous operand copies both alternate
/// this way.)
struct PickedBuffer {
  Value counter, counterAddress, buffer;
};
PickedBuffer pickBuffer(OpBuilder &b, Location loc, Value buffers,
                        int64_t bufferBytes, unsigned ahead) {
  auto sharedPtr =
      LLVM::LLVMPointerType::get(b.getContext(), kSharedAddressSpace);
  auto offsetBy = [&](Value base, int64_t bytes) -> Value {
    return LLVM::GEPOp::create(b, loc, sharedPtr, b.getI8Type(), base,
                               ArrayRef<LLVM::GEPArg>{int32_t(bytes)});
  };
  PickedBuffer picked;
  picked.counterAddress = offsetBy(buffers, 2 * bufferBytes);
  picked.counter =
      LLVM::LoadOp::create(b, loc, b.getI32Type(), picked.counterAddress, 4);
  Value index = picked.counter;
  if (ahead)
    index = LLVM::AddOp::create(b, loc, index, i32Const(b, loc, ahead));
  Value odd = LLVM::ICmpOp::create(
      b, loc, LLVM::ICmpPredicate::ne,
      LLVM::AndOp::create(b, loc, index, i32Const(b, loc, 1)),
      i32Const(b, loc, 0));
  picked.buffer = LLVM::SelectOp::create(
      b, loc, odd, offsetBy(buffers, bufferBytes), buffers);
  return picked;
}

/// The buffer (counter + ahead) & 1 of an asynchronous group.
PickedBuffer pickAsyncBuffer(OpBuilder &b, Location loc,
                             const LoweringContext::AsyncOperandBuffers &group,
                             unsigned ahead) {
  return pickBuffer(b, loc, dedicatedShared(b, loc, group.offset),
                    group.bufferBytes, ahead);
}

/// A marked load of operand a: one 16-byte cp.async per run of 8 elements
/// along k, into the buffer the dot of its iteration reads, then one commit.
/// Its value is never read (the dot reads the buffer).
struct AsyncOperandLoadConversion : public OpConversionPattern<LoadOp> {
  AsyncOperandLoadConversion(TritiumTypeConverter &converter,
                             LoweringContext &state)
      : OpConversionPattern(converter, &converter.getContext(),
                            /*benefit=*/2),
        state(state) {}

  LogicalResult
  matchAndRewrite(LoadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto group = op->getAttrOfType<IntegerAttr>(kAsyncGroupAttrName);
    auto ahead = op->getAttrOfType<IntegerAttr>(kAsyncAheadAttrName);
    if (!group || !ahead)
      return failure();
    auto it = state.asyncOperandBuffers.find(group.getInt());
    if (it == state.asyncOperandBuffers.end())
      return failure();
    auto type = cast<RankedTensorType>(op.getType());
    FailureOr<ttg::LayoutView> view = viewOf(type);
    Type resultType = getTypeConverter()->convertType(type);
    if (failed(view) || !resultType)
      return failure();
    Location loc = op.getLoc();
    SmallVector<Value> ptrs = unpack(rewriter, loc, adaptor.getPtr());
    SmallVector<Value> masks;
    if (adaptor.getMask())
      masks = unpack(rewriter, loc, adaptor.getMask());
    PickedBuffer picked =
        pickAsyncBuffer(rewriter, loc, it->second, ahead.getInt());
    ArrayRef<int64_t> shape = type.getShape();
    SwizzledTile tile(shape[0], shape[1]);
    RegisterRuns runs =
        groupRuns(*view, 1, shape[1],
                  kAsyncCopyBytes / storageBytes(type.getElementType()));
    SmallVector<SmallVector<Value>> coords =
        emitCoordinates(rewriter, loc, *view);
    auto sharedPtr =
        LLVM::LLVMPointerType::get(rewriter.getContext(), kSharedAddressSpace);
    Type i64 = rewriter.getI64Type();
    for (ArrayRef<unsigned> run : runs.runs) {
      ArrayRef<Value> rc = coords[run.front()];
      Value row = wgmmaTileRow(rewriter, loc, rc[0], state.numWarps);
      Value address = LLVM::GEPOp::create(
          rewriter, loc, sharedPtr, rewriter.getI8Type(), picked.buffer,
          ValueRange{tile.offset(rewriter, loc, row, rc[1])});
      // Masked-off pieces copy nothing and fill zeros (source size 0).
      Value size = i32Const(rewriter, loc, kAsyncCopyBytes);
      if (!masks.empty())
        size = LLVM::SelectOp::create(rewriter, loc, masks[run.front()], size,
                                      i32Const(rewriter, loc, 0));
      emitAsm(rewriter, loc,
              "cp.async.cg.shared.global [$0], [$1], " +
                  std::to_string(kAsyncCopyBytes) + ", $2;",
              ValueRange{LLVM::PtrToIntOp::create(rewriter, loc, i64, address),
                         ptrs[run.front()], size},
              "l,l,r");
    }
    emitAsm(rewriter, loc, "cp.async.commit_group;", ValueRange{}, "");
    rewriter.replaceOp(op, LLVM::UndefOp::create(rewriter, loc, resultType));
    return success();
  }

  LoweringContext &state;
};

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

    StagedDot dot = describeDot(aType, bType, structType.getBody()[0], *dView);
    if (!dot.accType.isIntOrFloat())
      return rewriter.notifyMatchFailure(op, "unsupported accumulator type");

    // c has d's type, layout included (the op's verifier): registers
    // correspond one to one.
    SmallVector<Value> acc = unpack(rewriter, loc, adaptor.getC());

    unsigned numRegs = dView->getNumRegisters();
    std::map<SmallVector<int64_t>, unsigned> firstHolder;
    dot.holder.resize(numRegs);
    for (unsigned r = 0; r < numRegs; ++r)
      dot.holder[r] =
          firstHolder.emplace(dView->tensorOffsets(r), r).first->second;
    bool wgmma = canUseWgmma(op, dot, state.computeCapability, state.numWarps);
    bool tensorCores = wgmma || canUseMmaSync(op, dot, state.computeCapability);

    bool doubleBuffer = tensorCores && op->hasAttr(kDoubleBufferAttrName);
    // Operand a copied asynchronously into one of the group's buffers.
    const LoweringContext::AsyncOperandBuffers *asyncA = nullptr;
    if (auto group = op->getAttrOfType<IntegerAttr>(kAsyncGroupAttrName)) {
      auto it = state.asyncOperandBuffers.find(group.getInt());
      if (it != state.asyncOperandBuffers.end()) {
        if (!wgmma)
          return rewriter.notifyMatchFailure(
              op, "asynchronous operand a without wgmma");
        asyncA = &it->second;
        doubleBuffer = false;
      }
    }

    // Stage both operands: a at offset 0, b after it, aligned so that
    // vector accesses to b stay aligned (16 bytes) and, on the tensor
    // cores, so that b's swizzled blocks (8 rows of up to 128 bytes) are
    // aligned as wgmma requires (1024 bytes).
    SmallVector<Value> aElements = unpack(rewriter, loc, adaptor.getA());
    SmallVector<Value> bElements = unpack(rewriter, loc, adaptor.getB());
    dot.aMem = storageType(aElements.front().getType());
    dot.bMem = storageType(bElements.front().getType());
    StagingLayout staging = StagingLayout::get(dot.aShape, dot.aMem, dot.bShape,
                                               dot.bMem, tensorCores);
    int64_t bOffset = staging.bOffset, totalBytes = staging.totalBytes;
    // A double-buffered dot alternates between two such buffers, picked by
    // the parity of a counter after them (any initial value will do). The
    // buffer it writes was last read two dots ago, which every warp has
    // finished before the barrier of the previous dot: no barrier first.
    int64_t bufferBytes = llvm::alignTo(totalBytes, 1024);
    if (doubleBuffer)
      totalBytes = 2 * bufferBytes + 16;
    auto sharedPtr =
        LLVM::LLVMPointerType::get(rewriter.getContext(), kSharedAddressSpace);
    Value scratch;
    Value counter, counterAddress;
    if (asyncA) {
      if (asyncA->bufferBytes != bufferBytes)
        return rewriter.notifyMatchFailure(op, "staging buffer size changed");
      PickedBuffer picked = pickAsyncBuffer(rewriter, loc, *asyncA, 0);
      scratch = picked.buffer;
      counter = picked.counter;
      counterAddress = picked.counterAddress;
    } else if (doubleBuffer) {
      // Not a sharedScratch acquisition: assignScratchRegions sees the
      // direct use of global_smem, keeps the offset-0 extent clear of region
      // 1 and gives the next scratch user its barrier.
      state.sharedBytes = std::max<int64_t>(state.sharedBytes, totalBytes);
      auto module = op->getParentOfType<ModuleOp>();
      auto global = module.lookupSymbol<LLVM::GlobalOp>("global_smem");
      if (!global)
        return rewriter.notifyMatchFailure(op, "no shared memory buffer");
      scratch = LLVM::AddressOfOp::create(rewriter, loc, global);
    } else {
      // The swizzled tiles need their 1024-byte alignment in either region.
      scratch = sharedScratch(rewriter, loc, op, state, totalBytes,
                              tensorCores ? 1024 : kMaxAccessBytes);
    }
    auto offsetBy = [&](Value base, int64_t bytes) -> Value {
      return LLVM::GEPOp::create(rewriter, loc, sharedPtr, rewriter.getI8Type(),
                                 base, ArrayRef<LLVM::GEPArg>{int32_t(bytes)});
    };
    if (doubleBuffer) {
      PickedBuffer picked = pickBuffer(rewriter, loc, scratch, bufferBytes, 0);
      scratch = picked.buffer;
      counter = picked.counter;
      counterAddress = picked.counterAddress;
    }
    dot.aBase = scratch;
    dot.bBase = offsetBy(scratch, bOffset);

    if (tensorCores) {
      SwizzledTile aTile(dot.aShape[0], dot.K), bTile(dot.K, dot.N);
      unsigned numWarps = state.numWarps;
      auto wgmmaRow = [&](Value row) {
        return wgmmaTileRow(rewriter, loc, row, numWarps);
      };
      function_ref<Value(Value)> aRow =
          wgmma ? function_ref<Value(Value)>(wgmmaRow) : nullptr;
      auto advanceCounter = [&] {
        // Every thread has read the counter (before the barrier just
        // passed): advance it, every thread writing the same value.
        if (doubleBuffer || asyncA)
          LLVM::StoreOp::create(rewriter, loc,
                                LLVM::AddOp::create(rewriter, loc, counter,
                                                    i32Const(rewriter, loc, 1)),
                                counterAddress, 4);
      };
      if (wgmma) {
        // Stage k in parts of 32: once a part is stored, its wgmmas run
        // while the next part is stored. wgmma reads shared memory through
        // the async proxy: a proxy fence orders the stores before it.
        // With a copied asynchronously, b is staged whole (one barrier),
        // once every copy group but the newest (the next iteration's) is
        // done.
        int64_t part = dot.K >= 64 && dot.K % 32 == 0 && !asyncA ? 32 : dot.K;
        if (asyncA)
          emitAsm(rewriter, loc, "cp.async.wait_group 1;", ValueRange{}, "");
        WgmmaIssuer issuer(rewriter, loc, dot, aTile, bTile, numWarps);
        for (int64_t k0 = 0; k0 < dot.K; k0 += part) {
          std::optional<TilePart> aPart, bPart;
          if (part != dot.K) {
            aPart = TilePart{1, part, k0 / part};
            bPart = TilePart{0, part, k0 / part};
          }
          if (!asyncA)
            storeSwizzled(rewriter, loc, dot.aBase, dot.aMem, aElements, *aView,
                          dot.aShape, aTile, aRow, aPart);
          storeSwizzled(rewriter, loc, dot.bBase, dot.bMem, bElements, *bView,
                        dot.bShape, bTile, nullptr, bPart);
          emitBarrierAsm(rewriter, loc, "fence.proxy.async.shared::cta;");
          barrier(rewriter, loc);
          if (k0 == 0)
            advanceCounter();
          issuer.issue(k0, k0 + part, acc);
        }
        issuer.finish(acc);
        if (asyncA)
          trailingBarrier(rewriter, loc);
      } else {
        storeSwizzled(rewriter, loc, dot.aBase, dot.aMem, aElements, *aView,
                      dot.aShape, aTile);
        storeSwizzled(rewriter, loc, dot.bBase, dot.bMem, bElements, *bView,
                      dot.bShape, bTile);
        barrier(rewriter, loc);
        advanceCounter();
        computeWithMmaSync(rewriter, loc, dot, aTile, bTile, acc);
      }
    } else {
      storeRowMajor(rewriter, loc, dot.aBase, dot.aMem, aElements, *aView,
                    dot.aShape);
      storeRowMajor(rewriter, loc, dot.bBase, dot.bMem, bElements, *bView,
                    dot.bShape);
      barrier(rewriter, loc);
      dot.dCoords = emitCoordinates(rewriter, loc, *dView);
      computeWithFma(rewriter, loc, dot, acc);
    }
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
  patterns.add<DotOpConversion, AsyncOperandLoadConversion>(converter, state);
}

void mlir::triton::planAsyncOperandCopies(ModuleOp module,
                                          LoweringContext &state) {
  llvm::DenseMap<int64_t, SmallVector<LoadOp>> loads;
  module.walk([&](LoadOp load) {
    if (auto group = load->getAttrOfType<IntegerAttr>(kAsyncGroupAttrName))
      loads[group.getInt()].push_back(load);
  });
  // No marked loads, no group to plan (a dot's mark alone does nothing).
  if (loads.empty())
    return;
  auto unmark = [](Operation *op) {
    op->removeAttr(kAsyncGroupAttrName);
    op->removeAttr(kAsyncAheadAttrName);
  };
  // The two buffers must leave room for the kernel's other shared memory.
  constexpr int64_t kMaxAsyncBytes = 160 * 1024;
  // What the rest of the kernel may take at once, at most: the largest
  // tensor an op that moves elements through scratch holds (conversions,
  // shape ops, reductions, scans, histograms, gathers). Buffers that would
  // not fit beside it under sm_90's 227 KB per block are not reserved (the
  // kernel then stages operand a through registers instead of failing to
  // load).
  constexpr int64_t kSharedPerBlock = 227 * 1024;
  int64_t scratchBound = 0;
  module.walk([&](Operation *op) {
    if (!isa<ttg::ConvertLayoutOp, ReshapeOp, TransOp, JoinOp, CatOp, SplitOp,
             ReduceOp, ScanOp, HistogramOp, tx::WeightedHistogramOp, GatherOp>(
            op))
      return;
    for (Value value : llvm::concat<Value>(op->getOperands(), op->getResults()))
      if (auto tensor = dyn_cast<RankedTensorType>(value.getType()))
        scratchBound =
            std::max(scratchBound, numElements(tensor.getShape()) *
                                       storageBytes(tensor.getElementType()));
  });
  module.walk([&](DotOp op) {
    auto group = op->getAttrOfType<IntegerAttr>(kAsyncGroupAttrName);
    if (!group)
      return;
    SmallVector<LoadOp> members = loads.lookup(group.getInt());
    auto aType = cast<RankedTensorType>(op.getA().getType());
    auto bType = cast<RankedTensorType>(op.getB().getType());
    auto dType = cast<RankedTensorType>(op.getD().getType());
    FailureOr<ttg::LayoutView> aView = viewOf(aType), dView = viewOf(dType);
    // One group per kernel: the buffers are large.
    bool fits = members.size() == 2 && state.asyncOperandBuffers.empty() &&
                aType.getRank() == 2 && succeeded(aView) && succeeded(dView) &&
                storageBytes(aType.getElementType()) == 2;
    if (fits)
      fits = canUseWgmma(
          op, describeDot(aType, bType, dType.getElementType(), *dView),
          state.computeCapability, state.numWarps);
    // Every register of a in a run of 16 bytes along k, each run one
    // aligned, contiguous 16-byte piece of global memory for both loads.
    const unsigned runElements = kAsyncCopyBytes / 2;
    if (fits) {
      RegisterRuns runs =
          groupRuns(*aView, 1, aType.getShape()[1], runElements);
      fits = runs.width == runElements &&
             llvm::all_of(runs.runs,
                          [&](const SmallVector<unsigned> &run) {
                            return run.size() == runElements;
                          }) &&
             aView->root.getOrder()[0] == aView->keptDims[1];
      for (LoadOp load : members)
        fits = fits && load.getType() == aType &&
               state.accessWidth.lookup(load) >= runElements;
    }
    int64_t bufferBytes = 0;
    if (fits) {
      Type bMem = storageType(bType.getElementType());
      bufferBytes = llvm::alignTo(
          StagingLayout::get(aType.getShape(), aType.getElementType(),
                             bType.getShape(), bMem, /*tensorCores=*/true)
              .totalBytes,
          1024);
      // After the local histograms' bins (planLocalHistograms).
      fits = 2 * bufferBytes + 1024 <= kMaxAsyncBytes &&
             int64_t(llvm::alignTo(scratchBound, 1024)) +
                     int64_t(llvm::alignTo(state.dedicatedBytes, 1024)) +
                     2 * bufferBytes + 1024 <=
                 kSharedPerBlock;
    }
    if (!fits) {
      unmark(op);
      for (LoadOp load : members)
        unmark(load);
      return;
    }
    // 1024-aligned, as wgmma's swizzled operands need (the area is).
    state.dedicatedBytes = llvm::alignTo(state.dedicatedBytes, 1024);
    state.asyncOperandBuffers[group.getInt()] = {state.dedicatedBytes,
                                                 unsigned(bufferBytes)};
    // The counter after the two buffers; the next group 1024-aligned.
    state.dedicatedBytes += 2 * bufferBytes + 1024;
  });
  for (auto &[group, members] : loads)
    if (!state.asyncOperandBuffers.count(group))
      for (LoadOp load : members)
        unmark(load);
}
