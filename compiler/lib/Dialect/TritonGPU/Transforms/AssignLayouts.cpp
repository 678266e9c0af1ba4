//===- AssignLayouts.cpp - Give every tensor a distributed layout ---------===//
//
// ttir -> ttgir. Layouts flow forward from the values that carry real data
// (loads, block arguments, reductions); splats, constants and ranges adopt
// their users' layouts later (tritium-remove-layout-conversions). Operations
// with structural requirements (expand_dims, broadcast, reductions, stores,
// loop-carried values) get `ttg.convert_layout` on operands that disagree.
//
// Dots that the tensor cores can compute (f16/bf16 operands, f32
// accumulator, K a multiple of 16) get the result layout mma.sync's
// fragments give (see DotOpToLLVM.cpp) and the `ttg.mma_sync` attribute; a
// loop that carries such a dot's result carries it in that layout, so the
// accumulator never changes layout inside the loop.
//
// Small histograms (tt.histogram, tx.weighted_histogram) whose bins are
// scanned or reduced are replicated in every warp, so that those scans and
// reductions need no shared memory.
//
// A loop value that starts as a splat or constant (the zero accumulator of
// `acc += tl.sum(x, 1)`) and is only combined element by element with data
// inside the loop is carried in the layout that data gives it, decided after
// the loop body: the initial value is rebuilt in that layout once, instead of
// every iteration converting the data to the constant's default layout.
//
//===----------------------------------------------------------------------===//

#include "tritium/Analysis/AxisInfo.h"
#include "tritium/Dialect/Tritium/IR/Dialect.h"
#include "tritium/Dialect/TritonGPU/Transforms/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/BitVector.h"

namespace mlir::triton::gpu {
#define GEN_PASS_DEF_TRITIUMASSIGNLAYOUTS
#include "tritium/Dialect/TritonGPU/Transforms/Passes.h.inc"
} // namespace mlir::triton::gpu

using namespace mlir;
using namespace mlir::triton;
using namespace mlir::triton::gpu;

namespace {

RankedTensorType withLayout(Type type, Attribute layout) {
  auto tensor = cast<RankedTensorType>(type);
  return RankedTensorType::get(tensor.getShape(), tensor.getElementType(),
                               layout);
}

Attribute layoutOf(Value value) {
  if (auto tensor = dyn_cast<RankedTensorType>(value.getType()))
    return tensor.getEncoding();
  return {};
}

/// Values that are as cheap to rebuild in any layout as to convert.
bool isCheapToRebuild(Value value) {
  Operation *op = value.getDefiningOp();
  return op && isa<SplatOp, MakeRangeOp, arith::ConstantOp>(op);
}

/// The attributes that ask the lowering for tensor cores (DotOpToLLVM.cpp):
/// mma.sync, and on sm_90a wgmma as well where the layout fits it.
constexpr llvm::StringLiteral kMmaSyncAttrName = "ttg.mma_sync";
constexpr llvm::StringLiteral kWgmmaAttrName = "ttg.wgmma";

/// How a dot runs on the tensor cores.
struct TensorCoreChoice {
  BlockedEncodingAttr layout; ///< null: not on the tensor cores
  bool wgmma = false;
};

/// The result layout of a dot computed on the tensor cores, or null where
/// they cannot compute it. Both mma.sync.m16n8k16 and wgmma give lane
/// 4g + t the accumulator elements (row g, cols 2t, 2t+1) and (row g+8,
/// same cols) of each 16 x 8 tile; a thread of the blocked layout
/// sizePerThread = [1, 2], threadsPerWarp = [8, 4] holds rows g of every
/// 8-row group and columns 2t, 2t+1 of every 8-column group its warp
/// covers, so the lowering can pair them up (DotOpToLLVM.cpp).
///
/// wgmma (a warpgroup of 4 warps computes 64 rows x all of N) needs every
/// warp on all of N and 16 rows per warp per 64-row block: warpsPerCTA =
/// [numWarps, 1] and M a multiple of 16 * numWarps. Otherwise warps split
/// the tile as Triton's mma v2 heuristic does (along M while M per warp is
/// at least N per warp, in units of the instruction's 16x8 tile).
TensorCoreChoice tensorCoreLayout(DotOp dot, unsigned numWarps,
                                  bool targetHasWgmma) {
  auto aType = cast<RankedTensorType>(dot.getA().getType());
  auto bType = cast<RankedTensorType>(dot.getB().getType());
  auto dType = cast<RankedTensorType>(dot.getD().getType());
  if (dType.getRank() != 2 || !dType.getElementType().isF32())
    return {};
  Type operand = aType.getElementType();
  if (operand != bType.getElementType() ||
      !(operand.isF16() || operand.isBF16()))
    return {};
  int64_t M = dType.getShape()[0], N = dType.getShape()[1];
  int64_t K = aType.getShape()[1];
  if (K % 16 != 0 || M < 16 || N < 8)
    return {};
  MLIRContext *context = dot.getContext();
  if (targetHasWgmma && numWarps % 4 == 0 && M % (16 * numWarps) == 0 &&
      N % 8 == 0)
    return {BlockedEncodingAttr::get(context, {1, 2}, {8, 4}, {numWarps, 1},
                                     {1, 0}),
            /*wgmma=*/true};
  SmallVector<unsigned> warps = {1, 1};
  while (warps[0] * warps[1] < numWarps) {
    if (M / 16 / warps[0] >= N / 16 / warps[1] && warps[0] < M / 16)
      warps[0] *= 2;
    else
      warps[1] *= 2;
  }
  return {BlockedEncodingAttr::get(context, {1, 2}, {8, 4}, warps, {1, 0}),
          /*wgmma=*/false};
}

/// The layout a loop should carry `yielded` in: that of the tensor-core dot
/// producing it (directly, or through the results of inner loops that carry
/// it), else null.
Attribute carriedDotLayout(Value yielded, unsigned numWarps, bool wgmma) {
  Operation *producer = yielded.getDefiningOp();
  if (auto dot = dyn_cast_or_null<DotOp>(producer))
    return tensorCoreLayout(dot, numWarps, wgmma).layout;
  if (auto inner = dyn_cast_or_null<scf::ForOp>(producer)) {
    unsigned index = cast<OpResult>(yielded).getResultNumber();
    return carriedDotLayout(inner.getBody()->getTerminator()->getOperand(index),
                            numWarps, wgmma);
  }
  return {};
}

bool isElementwiseLike(Operation *op);

/// Index and mask arithmetic: values computed from constants, splats and
/// ranges only (through elementwise ops, expand_dims, broadcast and layout
/// conversions).
/// tritium-remove-layout-conversions rebuilds them in whatever layout their
/// users need, so they should not decide a layout.
bool isComputedFromCheapValues(Value value, unsigned depth = 0) {
  Operation *op = value.getDefiningOp();
  if (!op || depth > 8)
    return false;
  if (isCheapToRebuild(value))
    return true;
  // Conversions that fixOperands placed (on operands it made agree).
  if (isa<ConvertLayoutOp>(op))
    return isComputedFromCheapValues(op->getOperand(0), depth + 1);
  if (isa<LoadOp>(op) || op->getNumRegions() != 0 || op->getNumResults() != 1 ||
      !(isa<ExpandDimsOp, BroadcastOp>(op) || isElementwiseLike(op)))
    return false;
  return llvm::all_of(op->getOperands(), [&](Value operand) {
    return !isa<RankedTensorType>(operand.getType()) ||
           isComputedFromCheapValues(operand, depth + 1);
  });
}

/// Ops whose tensor operands and results all have one shape and are
/// combined element by element (so they share one layout).
bool isElementwiseLike(Operation *op) {
  if (isa<ExpandDimsOp, BroadcastOp, ReduceOp, ScanOp, DotOp, TransOp,
          ReshapeOp, JoinOp, SplitOp, CatOp, GatherOp, HistogramOp,
          tx::WeightedHistogramOp, SplatOp, MakeRangeOp, ConvertLayoutOp,
          UnsplatOp>(op))
    return false;
  if (isa<scf::ForOp, scf::IfOp, scf::WhileOp, scf::YieldOp, scf::ConditionOp>(
          op))
    return false;
  return true;
}

/// Whether loop-carried `arg` (starting from `init`) may take its layout from
/// the loop body: its initial value is cheap to rebuild in any layout, and
/// inside the body it only meets data element by element (every user an
/// elementwise-like op of its shape in the loop's own block, with another
/// operand of that shape carrying real data, whose layout the user then
/// inherits).
bool carriesBodyLayout(Value init, BlockArgument arg) {
  if (!isCheapToRebuild(init) || arg.use_empty())
    return false;
  auto shape = cast<RankedTensorType>(arg.getType()).getShape();
  return llvm::all_of(arg.getUsers(), [&](Operation *user) {
    if (user->getBlock() != arg.getOwner() || !isElementwiseLike(user) ||
        user->getNumResults() != 1)
      return false;
    auto result = dyn_cast<RankedTensorType>(user->getResult(0).getType());
    if (!result || result.getShape() != shape)
      return false;
    return llvm::any_of(user->getOperands(), [&](Value operand) {
      auto tensor = dyn_cast<RankedTensorType>(operand.getType());
      return operand != arg && tensor && tensor.getShape() == shape &&
             !isComputedFromCheapValues(operand);
    });
  });
}

/// Whether a store of `type` in its own layout is already coalesced: every
/// thread writes runs of v consecutive elements (v at most `maxVector`, the
/// width its addresses allow, and the runs aligned to v), lane l of a warp
/// the run right after lane l - 1's, so each warp instruction writes 32 * v
/// consecutive elements, and no element is held twice (a replicated store
/// would write it several times).
bool isCoalescedStoreLayout(RankedTensorType type, unsigned maxVector,
                            unsigned numWarps) {
  FailureOr<LayoutView> view =
      getLayoutView(type.getEncoding(), type.getShape());
  if (failed(view))
    return false;
  int64_t numel = type.getNumElements();
  unsigned registers = view->getNumRegisters();
  unsigned threads = numWarps * kThreadsPerWarp;
  if (int64_t(registers) * threads != numel)
    return false;
  // The row-major index of every (thread, register) element.
  SmallVector<SmallVector<int64_t>> index(threads);
  llvm::BitVector held(numel);
  for (unsigned t = 0; t < threads; ++t) {
    index[t] = view->threadElements(t % kThreadsPerWarp, t / kThreadsPerWarp);
    for (int64_t linear : index[t]) {
      if (linear < 0 || linear >= numel || held.test(linear))
        return false;
      held.set(linear);
    }
  }
  auto coalescedWith = [&](unsigned v) {
    if (registers % v != 0)
      return false;
    for (unsigned t = 0; t < threads; ++t)
      for (unsigned g = 0; g < registers; g += v) {
        int64_t first = index[t][g];
        if (first % v != 0 || first != index[t - t % kThreadsPerWarp][g] +
                                           int64_t(t % kThreadsPerWarp) * v)
          return false;
        for (unsigned j = 1; j < v; ++j)
          if (index[t][g + j] != first + j)
            return false;
      }
    return true;
  };
  for (unsigned v =
           llvm::bit_floor(std::max(1u, std::min(maxVector, registers)));
       v >= 1; v /= 2)
    if (coalescedWith(v))
      return true;
  return false;
}

struct AssignLayouts
    : public mlir::triton::gpu::impl::TritiumAssignLayoutsBase<AssignLayouts> {
  using TritiumAssignLayoutsBase::TritiumAssignLayoutsBase;

  /// Per tensor store, the widest vector (in elements) its addresses and mask
  /// allow along the last dimension (AxisInfo).
  llvm::DenseMap<Operation *, unsigned> storeVectorWidths;

  /// The default layout gives each thread 16 bytes along the last dimension
  /// (of the pointee, for pointers), so that accesses can be 128 bits wide.
  Attribute defaultLayout(Type type) {
    auto tensor = cast<RankedTensorType>(type);
    Type element = tensor.getElementType();
    if (auto ptr = dyn_cast<PointerType>(element))
      element = ptr.getPointeeType();
    unsigned bits =
        element.isIntOrFloat() ? element.getIntOrFloatBitWidth() : 32;
    unsigned maxVector = std::max(1u, 128 / std::max(bits, 8u));
    return getDefaultBlockedEncoding(&getContext(), tensor.getShape(), numWarps,
                                     maxVector);
  }

  /// The layout an elementwise-like op's results take: that of its first
  /// tensor operand carrying real data (rather than index or mask
  /// arithmetic, rebuilt anywhere for free), else of its first operand not
  /// simply a splat, constant or range, else the default for the shape.
  Attribute inheritedLayout(Operation *op, Type resultType) {
    Attribute fallback;
    for (Value operand : op->getOperands()) {
      auto tensor = dyn_cast<RankedTensorType>(operand.getType());
      if (!tensor || !tensor.getEncoding() ||
          tensor.getShape() != cast<RankedTensorType>(resultType).getShape())
        continue;
      if (isCheapToRebuild(operand))
        continue;
      if (!isComputedFromCheapValues(operand))
        return tensor.getEncoding();
      if (!fallback)
        fallback = tensor.getEncoding();
    }
    if (fallback)
      return fallback;
    // Cheap operands would be rebuilt anyway: pick the default instead of
    // whatever layout they happened to get.
    return defaultLayout(resultType);
  }

  /// A histogram whose bins feed scans or reductions (radix select: counts,
  /// cumulative counts, the first bin past a threshold) and that a warp can
  /// hold whole (at most 16 bins per lane) is replicated in every warp:
  /// numBins / 32 consecutive bins per lane, all warps alike. Scans and
  /// reductions over the bins then stay within the warp (registers and
  /// shuffles: ScanOpToLLVM and ReduceOpToLLVM leave replica warps out),
  /// where the default layout spreads the bins over the warps and every scan
  /// or reduction of them goes through shared memory, between barriers.
  /// Bins that are only stored keep the default layout, which stores them
  /// without replicas.
  Attribute histogramLayout(Value histogram, RankedTensorType type) {
    int64_t numBins = type.getShape()[0];
    int64_t lanes = kThreadsPerWarp;
    if (numBins % lanes != 0 || numBins > lanes * 16 ||
        !feedsScanOrReduce(histogram))
      return defaultLayout(type);
    return BlockedEncodingAttr::get(&getContext(), {unsigned(numBins / lanes)},
                                    {unsigned(lanes)}, {numWarps}, {0});
  }

  /// Whether a scan or reduction uses `value`, directly or through
  /// elementwise ops of its shape.
  static bool feedsScanOrReduce(Value value, unsigned depth = 0) {
    if (depth > 4)
      return false;
    auto shape = cast<RankedTensorType>(value.getType()).getShape();
    for (Operation *user : value.getUsers()) {
      if (isa<ScanOp, ReduceOp>(user))
        return true;
      if (!isElementwiseLike(user) || user->getNumResults() != 1)
        continue;
      auto result = dyn_cast<RankedTensorType>(user->getResult(0).getType());
      if (result && result.getShape() == shape &&
          feedsScanOrReduce(user->getResult(0), depth + 1))
        return true;
    }
    return false;
  }

  /// A dot's result layout: mma.sync's where the tensor cores can compute
  /// it (marking the op for the lowering), else the default.
  Attribute dotLayout(DotOp dot) {
    TensorCoreChoice choice = tensorCoreLayout(dot, numWarps, wgmma);
    if (!choice.layout)
      return defaultLayout(dot.getD().getType());
    dot->setAttr(kMmaSyncAttrName, UnitAttr::get(&getContext()));
    if (choice.wgmma)
      dot->setAttr(kWgmmaAttrName, UnitAttr::get(&getContext()));
    return choice.layout;
  }

  void setResultType(OpResult result, Attribute layout) {
    Type newType = withLayout(result.getType(), layout);
    result.setType(newType);
    if (auto constant = dyn_cast<arith::ConstantOp>(result.getOwner())) {
      auto value = cast<DenseElementsAttr>(constant.getValue());
      constant.setValueAttr(value.reshape(cast<ShapedType>(newType)));
    }
  }

  void assignResults(Operation *op) {
    if (auto forOp = dyn_cast<scf::ForOp>(op)) {
      Operation *yield = forOp.getBody()->getTerminator();
      for (auto [index, arg, result] :
           llvm::enumerate(forOp.getRegionIterArgs(), forOp.getResults())) {
        OpOperand &init = forOp.getInitArgsMutable()[index];
        if (!isa<RankedTensorType>(init.get().getType()))
          continue;
        // A tensor-core accumulator stays in its layout across iterations:
        // the initial value is converted once, before the loop.
        if (Attribute layout =
                carriedDotLayout(yield->getOperand(index), numWarps, wgmma))
          require(init, withLayout(init.get().getType(), layout));
        else if (carriesBodyLayout(init.get(), arg))
          continue; // Decided by finishLoop, after the body.
        arg.setType(init.get().getType());
        result.setType(init.get().getType());
      }
      return;
    }
    if (auto whileOp = dyn_cast<scf::WhileOp>(op)) {
      for (auto [init, arg] :
           llvm::zip(whileOp.getInits(), whileOp.getBeforeArguments()))
        if (isa<RankedTensorType>(init.getType()))
          arg.setType(init.getType());
      for (auto [arg, result] :
           llvm::zip(whileOp.getAfterArguments(), whileOp.getResults()))
        if (isa<RankedTensorType>(result.getType())) {
          Type type =
              withLayout(result.getType(), defaultLayout(result.getType()));
          arg.setType(type);
          result.setType(type);
        }
      return;
    }
    for (OpResult result : op->getResults()) {
      auto tensor = dyn_cast<RankedTensorType>(result.getType());
      if (!tensor || tensor.getEncoding())
        continue;
      Attribute layout;
      if (auto reduce = dyn_cast<ReduceOp>(op))
        layout = SliceEncodingAttr::get(&getContext(), reduce.getAxis(),
                                        layoutOf(reduce.getSrcs()[0]));
      else if (auto scan = dyn_cast<ScanOp>(op))
        layout = layoutOf(scan.getSrcs()[0]);
      else if (auto dot = dyn_cast<DotOp>(op))
        layout = dotLayout(dot);
      else if (isa<HistogramOp, tx::WeightedHistogramOp>(op))
        layout = histogramLayout(result, tensor);
      else if (auto addPtr = dyn_cast<AddPtrOp>(op))
        // Addresses are laid out for the access they feed (16 bytes of the
        // pointee per thread), not after their integer offsets; pointers
        // carried from earlier addresses keep their layout.
        layout = isa<RankedTensorType>(addPtr.getPtr().getType()) &&
                         !isCheapToRebuild(addPtr.getPtr())
                     ? layoutOf(addPtr.getPtr())
                     : defaultLayout(tensor);
      else if (isElementwiseLike(op))
        layout = inheritedLayout(op, tensor);
      else
        layout = defaultLayout(tensor);
      setResultType(result, layout);
    }
  }

  /// Loop values left without a layout by assignResults (carriesBodyLayout)
  /// take the layout of what the body yields for them; their initial values
  /// are converted once, before the loop, and rebuilt there in
  /// that layout by tritium-remove-layout-conversions.
  void finishLoop(scf::ForOp forOp) {
    Operation *yield = forOp.getBody()->getTerminator();
    for (auto [index, arg, result] :
         llvm::enumerate(forOp.getRegionIterArgs(), forOp.getResults())) {
      auto tensor = dyn_cast<RankedTensorType>(arg.getType());
      if (!tensor || tensor.getEncoding())
        continue;
      Attribute layout = layoutOf(yield->getOperand(index));
      if (!layout)
        layout = layoutOf(forOp.getInitArgs()[index]);
      if (!layout)
        layout = defaultLayout(tensor);
      require(forOp.getInitArgsMutable()[index], withLayout(tensor, layout));
      arg.setType(withLayout(tensor, layout));
      result.setType(withLayout(tensor, layout));
    }
  }

  /// Makes `operand` have `type`, through a convert_layout placed before
  /// its user.
  void require(OpOperand &operand, Type type) {
    if (operand.get().getType() == type)
      return;
    OpBuilder builder(operand.getOwner());
    auto convert = ConvertLayoutOp::create(builder, operand.get().getLoc(),
                                           type, operand.get());
    operand.set(convert);
  }

  void fixOperands(Operation *op) {
    if (auto yield = dyn_cast<scf::YieldOp>(op)) {
      Operation *parent = op->getParentOp();
      TypeRange expected;
      if (isa<scf::ForOp, scf::IfOp>(parent))
        expected = parent->getResultTypes();
      else if (auto whileOp = dyn_cast<scf::WhileOp>(parent))
        expected = whileOp.getBeforeBody()->getArgumentTypes();
      for (auto [operand, type] : llvm::zip(op->getOpOperands(), expected))
        require(operand, type);
      return;
    }
    if (auto condition = dyn_cast<scf::ConditionOp>(op)) {
      auto whileOp = cast<scf::WhileOp>(op->getParentOp());
      for (auto [operand, type] :
           llvm::zip(condition.getArgsMutable(),
                     whileOp.getAfterBody()->getArgumentTypes()))
        require(operand, type);
      return;
    }
    if (auto expand = dyn_cast<ExpandDimsOp>(op)) {
      require(expand.getSrcMutable(),
              withLayout(expand.getSrc().getType(),
                         SliceEncodingAttr::get(&getContext(), expand.getAxis(),
                                                layoutOf(expand.getResult()))));
      return;
    }
    if (auto broadcast = dyn_cast<BroadcastOp>(op)) {
      require(broadcast.getSrcMutable(),
              withLayout(broadcast.getSrc().getType(),
                         layoutOf(broadcast.getResult())));
      return;
    }
    if (auto gather = dyn_cast<GatherOp>(op)) {
      // Each thread reads the source element its own index names.
      require(gather.getIndicesMutable(),
              withLayout(gather.getIndices().getType(),
                         layoutOf(gather.getResult())));
      return;
    }
    if (auto dot = dyn_cast<DotOp>(op)) {
      // The accumulator has the result's type, layout included; a and b may
      // come in any layout (the lowering stages them in shared memory).
      require(dot.getCMutable(), dot.getD().getType());
      return;
    }
    // A histogram reads each lane's bin, mask (and weight) together: the
    // mask of a tt.histogram must have its source's type, layout included.
    if (isa<ReduceOp, ScanOp, HistogramOp, tx::WeightedHistogramOp>(op)) {
      Attribute layout = layoutOf(op->getOperand(0));
      for (OpOperand &operand : op->getOpOperands())
        require(operand, withLayout(operand.get().getType(), layout));
      return;
    }
    Attribute layout;
    if (auto store = dyn_cast<StoreOp>(op)) {
      layout = sparseStoreLayout(store);
      if (!layout)
        layout = coalescedValueLayout(store);
      if (!layout)
        layout = narrowedStoreLayout(store);
    }
    if (!isElementwiseLike(op))
      return;
    // Elementwise-like: every tensor operand of the common shape takes the
    // layout of the result (or, for a store, of the pointers, unless a
    // store layout was chosen above).
    if (!layout && op->getNumResults() > 0)
      layout = layoutOf(op->getResult(0));
    else if (!layout && !op->getOperands().empty())
      layout = layoutOf(op->getOperand(0));
    if (!layout)
      return;
    for (OpOperand &operand : op->getOpOperands())
      if (isa<RankedTensorType>(operand.get().getType()))
        require(operand, withLayout(operand.get().getType(), layout));
  }

  /// A store of data (not index arithmetic) through addresses that are
  /// index arithmetic takes the data's layout where that layout is already
  /// coalesced (isCoalescedStoreLayout): the addresses and mask are rebuilt
  /// in it, where converting the data to the addresses' 16 bytes a thread
  /// would go through shared memory, with its barriers, for wider stores of
  /// the same sectors. (The indexer's count stored each tile's 2048 tuple
  /// ids, one a thread a key, in 16-byte vectors after such a conversion:
  /// two barriers a head a tile in its hot loop.) Null where it does not
  /// apply.
  Attribute coalescedValueLayout(StoreOp store) {
    auto it = storeVectorWidths.find(store);
    Value value = store.getValue();
    auto valueType = dyn_cast<RankedTensorType>(value.getType());
    if (it == storeVectorWidths.end() || !valueType ||
        !valueType.getEncoding() || isComputedFromCheapValues(value) ||
        layoutOf(store.getPtr()) == valueType.getEncoding() ||
        !isComputedFromCheapValues(store.getPtr()))
      return {};
    if (Value mask = store.getMask())
      if (!isComputedFromCheapValues(mask) &&
          layoutOf(mask) != valueType.getEncoding())
        return {};
    if (!isCoalescedStoreLayout(valueType, it->second, numWarps))
      return {};
    return valueType.getEncoding();
  }

  /// A store the kernel marked sparse (`tx.sparse_store`: few elements at
  /// data-dependent addresses, most lanes masked off) takes the layout of
  /// its mask, the selection that makes it sparse, or without one of its
  /// value: no layout gives its warp instructions consecutive addresses, so
  /// it is written where its selection was computed instead of converting
  /// addresses, values and mask through shared memory (barriers included)
  /// into the pointers' 16 bytes a thread or a narrower layout. (The
  /// indexer's pq emit, ~6% of lanes writing: 1-4 µs a launch with v24's
  /// unconditional variant of this, which made the exact merges' dense
  /// compactions 2-5 µs slower.) Null for other stores.
  Attribute sparseStoreLayout(StoreOp store) {
    if (!store->hasAttr(tx::TritiumDialect::kSparseStoreAttrName))
      return {};
    Value source = store.getMask() ? store.getMask() : store.getValue();
    auto type = dyn_cast<RankedTensorType>(source.getType());
    return type ? type.getEncoding() : Attribute();
  }

  /// A store whose addresses allow narrower vectors than the default layout's
  /// 16 bytes per thread is given a layout of exactly that width, so that a
  /// warp's store instruction writes consecutive addresses (Triton's
  /// coalescing does the same). With 16 bytes per thread but only scalar
  /// stores possible, each warp instruction would write 2 or 4 bytes of every
  /// 16 and every sector would be written 8 or 4 times (layernorm at full
  /// size ran 1.5x behind Triton that way). Loads are left alone: L1 absorbs
  /// the repeated sectors of a load, while stores go to L2 each time. Null
  /// where the pointers' layout is no wider than that.
  Attribute narrowedStoreLayout(StoreOp store) {
    auto it = storeVectorWidths.find(store);
    auto ptrType = dyn_cast<RankedTensorType>(store.getPtr().getType());
    if (it == storeVectorWidths.end() || !ptrType)
      return {};
    auto blocked = dyn_cast_or_null<BlockedEncodingAttr>(ptrType.getEncoding());
    unsigned rank = ptrType.getRank();
    if (!blocked || blocked.getOrder()[0] != rank - 1 ||
        blocked.getSizePerThread()[rank - 1] <= it->second)
      return {};
    return getDefaultBlockedEncoding(&getContext(), ptrType.getShape(),
                                     numWarps, it->second);
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    {
      // Before any type changes: the analysis must see unchanged IR.
      AxisInfoAnalysis axisInfo(module);
      module.walk([&](StoreOp store) {
        if (isa<RankedTensorType>(store.getPtr().getType()))
          storeVectorWidths[store] =
              axisInfo.getVectorWidth(store.getPtr(), store.getMask());
      });
    }
    module->setAttr(
        TritonGPUDialect::kNumWarpsAttrName,
        IntegerAttr::get(IntegerType::get(&getContext(), 32), numWarps));
    if (maxRegisters)
      module->setAttr(
          TritonGPUDialect::kMaxRegistersAttrName,
          IntegerAttr::get(IntegerType::get(&getContext(), 32), maxRegisters));
    module.walk([&](Operation *op, const WalkStage &stage) {
      if (stage.isBeforeAllRegions())
        assignResults(op);
      if (stage.isAfterAllRegions())
        if (auto forOp = dyn_cast<scf::ForOp>(op))
          finishLoop(forOp);
    });
    module.walk([&](Operation *op) { fixOperands(op); });
  }
};

} // namespace
