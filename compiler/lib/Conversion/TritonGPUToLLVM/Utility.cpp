//===- Utility.cpp - Shared pieces of the ttgir -> LLVM lowering ----------===//

#include "Utility.h"

#include "mlir/IR/BuiltinOps.h"

using namespace mlir;
using namespace mlir::triton;
namespace ttg = mlir::triton::gpu;
using ttg::getNumElementsPerThread;
using ttg::LayoutView;

/// Name of the module's dynamic shared memory buffer.
static constexpr llvm::StringLiteral kSharedMemoryName = "global_smem";

TritiumTypeConverter::TritiumTypeConverter(MLIRContext *context)
    : LLVMTypeConverter(context) {
  addConversion([context](PointerType type) -> Type {
    return LLVM::LLVMPointerType::get(context, type.getAddressSpace());
  });
  addConversion([this](RankedTensorType type) -> std::optional<Type> {
    if (!type.getEncoding())
      return std::nullopt;
    unsigned count = getNumElementsPerThread(type);
    if (count == 0)
      return std::nullopt;
    Type element = convertType(type.getElementType());
    if (!element)
      return std::nullopt;
    return LLVM::LLVMStructType::getLiteral(type.getContext(),
                                            SmallVector<Type>(count, element));
  });
}

SmallVector<Value> lowering::unpack(OpBuilder &b, Location loc,
                                    Value structValue) {
  auto type = cast<LLVM::LLVMStructType>(structValue.getType());
  SmallVector<Value> elements;
  for (unsigned i = 0, e = type.getBody().size(); i < e; ++i)
    elements.push_back(LLVM::ExtractValueOp::create(b, loc, structValue, i));
  return elements;
}

Value lowering::pack(OpBuilder &b, Location loc, Type structType,
                     ValueRange elements) {
  Value result = LLVM::UndefOp::create(b, loc, structType);
  for (auto [i, element] : llvm::enumerate(elements))
    result = LLVM::InsertValueOp::create(b, loc, result, element, i);
  return result;
}

Value lowering::intConst(OpBuilder &b, Location loc, Type type, int64_t value) {
  return LLVM::ConstantOp::create(b, loc, type, b.getIntegerAttr(type, value));
}

Value lowering::i32Const(OpBuilder &b, Location loc, int64_t value) {
  return intConst(b, loc, b.getI32Type(), value);
}

std::pair<Value, Value> lowering::laneAndWarpIds(OpBuilder &b, Location loc) {
  Value tid = NVVM::ThreadIdXOp::create(b, loc, b.getI32Type());
  Value lane = LLVM::AndOp::create(b, loc, tid, i32Const(b, loc, 31));
  Value warp = LLVM::LShrOp::create(b, loc, tid, i32Const(b, loc, 5));
  return {lane, warp};
}

SmallVector<SmallVector<Value>>
lowering::emitCoordinates(OpBuilder &b, Location loc, const LayoutView &view) {
  // LayoutView::threadCoordinates mirrors this at compile time.
  ArrayRef<unsigned> spt = view.root.getSizePerThread();
  ArrayRef<unsigned> tpw = view.root.getThreadsPerWarp();
  ArrayRef<unsigned> wpc = view.root.getWarpsPerCTA();
  ArrayRef<unsigned> order = view.root.getOrder();
  unsigned rank = spt.size();

  auto [lane, warp] = laneAndWarpIds(b, loc);
  // Decompose lane and warp ids along `order`, fastest dimension first.
  SmallVector<Value> base(rank);
  Value laneRest = lane, warpRest = warp;
  SmallVector<Value> laneCoord(rank), warpCoord(rank);
  for (unsigned d : order) {
    laneCoord[d] =
        LLVM::URemOp::create(b, loc, laneRest, i32Const(b, loc, tpw[d]));
    laneRest = LLVM::UDivOp::create(b, loc, laneRest, i32Const(b, loc, tpw[d]));
    warpCoord[d] =
        LLVM::URemOp::create(b, loc, warpRest, i32Const(b, loc, wpc[d]));
    warpRest = LLVM::UDivOp::create(b, loc, warpRest, i32Const(b, loc, wpc[d]));
  }
  SmallVector<bool> wraps(rank);
  for (unsigned d = 0; d < rank; ++d) {
    Value thread = LLVM::AddOp::create(
        b, loc,
        LLVM::MulOp::create(b, loc, warpCoord[d], i32Const(b, loc, tpw[d])),
        laneCoord[d]);
    base[d] = LLVM::MulOp::create(b, loc, thread, i32Const(b, loc, spt[d]));
    wraps[d] = int64_t(spt[d]) * tpw[d] * wpc[d] > view.rootShape[d];
  }

  SmallVector<SmallVector<Value>> result;
  for (unsigned r = 0; r < view.getNumRegisters(); ++r) {
    SmallVector<Value> coords;
    for (unsigned d : view.keptDims) {
      Value c = LLVM::AddOp::create(
          b, loc, base[d], i32Const(b, loc, view.registerOffsets[r][d]));
      if (wraps[d])
        c = LLVM::AndOp::create(b, loc, c,
                                i32Const(b, loc, view.rootShape[d] - 1));
      coords.push_back(c);
    }
    result.push_back(std::move(coords));
  }
  return result;
}

Value lowering::linearize(OpBuilder &b, Location loc,
                          ArrayRef<Value> coordinates,
                          ArrayRef<int64_t> shape) {
  Value index = i32Const(b, loc, 0);
  for (auto [c, extent] : llvm::zip(coordinates, shape)) {
    index = LLVM::MulOp::create(b, loc, index, i32Const(b, loc, extent));
    index = LLVM::AddOp::create(b, loc, index, c);
  }
  return index;
}

Block &lowering::functionEntryBlock(Operation *op) {
  if (auto func = op->getParentOfType<LLVM::LLVMFuncOp>())
    return func.getBody().front();
  return op->getParentOfType<FunctionOpInterface>().getFunctionBody().front();
}

void lowering::barrier(OpBuilder &b, Location loc) {
  NVVM::Barrier0Op::create(b, loc);
}

/// Discardable attributes that mark the `llvm.mlir.addressof` of each
/// scratch acquisition (its size and alignment) until assignScratchRegions
/// has placed it.
static constexpr llvm::StringLiteral kScratchBytesAttr =
    "tritium.scratch_bytes";
static constexpr llvm::StringLiteral kScratchAlignAttr =
    "tritium.scratch_align";

Value lowering::sharedScratch(OpBuilder &b, Location loc, Operation *user,
                              LoweringContext &state, unsigned bytes,
                              unsigned alignment) {
  // Emitted in its conservative form, barrier included: whether the barrier
  // is needed depends on what precedes the op in the final LLVM blocks,
  // which only assignScratchRegions sees whole (patterns run in an order of
  // their own and may be rolled back).
  barrier(b, loc);
  auto module = user->getParentOfType<ModuleOp>();
  auto global = module.lookupSymbol<LLVM::GlobalOp>(kSharedMemoryName);
  assert(global && "the pass creates the shared memory buffer up front");
  auto address = LLVM::AddressOfOp::create(b, loc, global);
  address->setAttr(kScratchBytesAttr, b.getI32IntegerAttr(bytes));
  address->setAttr(kScratchAlignAttr,
                   b.getI32IntegerAttr(std::max(alignment, 16u)));
  return address;
}

/// Marks a barrier of trailingBarrier.
constexpr llvm::StringLiteral kTrailingBarrierAttr = "tritium.trailing_barrier";

void lowering::trailingBarrier(OpBuilder &b, Location loc) {
  NVVM::Barrier0Op::create(b, loc)->setAttr(kTrailingBarrierAttr,
                                            b.getUnitAttr());
}

/// Marks an address of global_smem as `value` bytes into the dedicated area.
constexpr llvm::StringLiteral kDedicatedOffsetAttr = "tritium.dedicated_offset";

Value lowering::dedicatedShared(OpBuilder &b, Location loc, unsigned offset) {
  auto module =
      b.getInsertionBlock()->getParentOp()->getParentOfType<ModuleOp>();
  auto global = module.lookupSymbol<LLVM::GlobalOp>(kSharedMemoryName);
  assert(global && "the pass creates the shared memory buffer up front");
  auto address = LLVM::AddressOfOp::create(b, loc, global);
  address->setAttr(kDedicatedOffsetAttr, b.getI32IntegerAttr(offset));
  return address;
}

//===----------------------------------------------------------------------===//
// Scratch regions
//===----------------------------------------------------------------------===//
//
// Every op that needs scratch writes it, passes a barrier, reads it. With one
// region, the next such op must pass another barrier before its writes, lest
// they overwrite what slower warps still read. With two regions, an op can
// write the region the previous op did not use: whoever read that region
// before did so before the previous op's barrier, which every thread has
// passed. For straight-line chains of small shared-memory ops (radix select:
// histogram, cumsum, reductions) that halves the barriers.
//
// The decision is made on the final LLVM IR, one block at a time, in program
// order, so it is independent of the order in which patterns ran:
//  - a region is *dirty* when some thread may still access it, or may have
//    accessed it with no barrier since;
//  - an acquisition's accesses are the ops that use its address (through
//    address arithmetic: GEPs, selects, ptrtoint...; loads, stores and inline
//    asm end the chain); the region stays busy up to the last one in the
//    block, or to the end of the block where its address leaves the block;
//  - a barrier makes every region clean that is not busy past it;
//  - an acquisition takes a clean region and drops its barrier; with none,
//    it keeps the barrier (which cleans whatever is not busy) and takes
//    region 0 where that is clean, as before;
//  - at the start of a block anything may have happened: both regions are
//    dirty; except in the entry block of a kernel, where shared memory is
//    fresh and the first user needs no barrier;
//  - ops that reach global_smem other than through sharedScratch (the
//    double-buffered dot) and calls make both regions dirty and busy up to
//    their last access;
//  - other programs of a cluster read a tx.cluster_sum's region (nvvm.mapa
//    of its address, which counts as an access here) only between the op's
//    two cluster barriers, and the second one waits for every program: so
//    no remote read is pending when a later op takes the region, even with
//    its CTA barrier dropped (a cluster barrier is not counted as one here,
//    which only keeps barriers that are not needed); sums with two buffers
//    take theirs in the dedicated area, not here.
// Region 1 starts after the largest extent used at offset 0, so the two never
// overlap. It must not cost occupancy: the plan is kept only if the kernel's
// shared memory still allows as many blocks per SM as with one region (or as
// the threads allow). Failing that, only small acquisitions (histograms,
// reductions, scans: up to 4 KB) may take region 1, and failing that, none.

namespace {

/// The largest acquisition that may take region 1 where letting any take it
/// would cost occupancy.
constexpr unsigned kSmallScratchBytes = 4 * 1024;

/// What limits the blocks an SM holds, as far as shared memory goes.
struct SharedMemoryLimits {
  unsigned perSM, perBlock, maxThreads, maxBlocks;
  /// Each block also takes 1 KB of the SM's shared memory for the system.
  static constexpr unsigned kReservedPerBlock = 1024;

  static SharedMemoryLimits get(unsigned computeCapability) {
    if (computeCapability >= 90)
      return {228 * 1024, 227 * 1024, 2048, 32};
    if (computeCapability == 80 || computeCapability == 87)
      return {164 * 1024, 163 * 1024, 2048, 32};
    // sm_86, sm_89 and the rest: the smallest of the family.
    return {100 * 1024, 99 * 1024, 1536, 16};
  }

  unsigned blocksFor(unsigned bytes) const {
    return std::min(maxBlocks, perSM / (bytes + kReservedPerBlock));
  }

  /// Whether `bytes` of shared memory per block allow as many blocks per SM
  /// as `oneRegionBytes` do, or as many as the threads allow.
  bool costsNoOccupancy(unsigned bytes, unsigned oneRegionBytes,
                        unsigned numWarps) const {
    if (bytes > perBlock)
      return false;
    unsigned byThreads =
        std::min(maxBlocks, maxThreads / (ttg::kThreadsPerWarp * numWarps));
    return blocksFor(bytes) >= std::min(byThreads, blocksFor(oneRegionBytes));
  }
};

/// One acquisition and what assignScratchRegions decided for it.
struct ScratchUse {
  LLVM::AddressOfOp address;
  NVVM::Barrier0Op barrier; ///< the barrier emitted with it, if still there
  unsigned bytes = 0;
  unsigned alignment = 16;
  unsigned region = 0;
  bool keepBarrier = true;
};

bool isSharedMemory(LLVM::AddressOfOp address) {
  return address.getGlobalName() == kSharedMemoryName;
}

bool isScratchAcquisition(Operation *op) {
  auto address = dyn_cast_or_null<LLVM::AddressOfOp>(op);
  return address && isSharedMemory(address) &&
         address->hasAttr(kScratchBytesAttr);
}

/// Plans the acquisitions of one block (see above).
class BlockPlanner {
public:
  BlockPlanner(Block &block, bool freshEntry, unsigned secondRegionMaxBytes)
      : block(block), secondRegionMaxBytes(secondRegionMaxBytes) {
    for (Operation &op : block)
      position[&op] = end++;
    dirty[0] = dirty[1] = !freshEntry;
  }

  void run(SmallVectorImpl<ScratchUse> &uses) {
    for (Operation &op : block) {
      unsigned here = position[&op];
      if (isa<NVVM::Barrier0Op>(op)) {
        // An acquisition's own barrier is decided with the acquisition.
        if (!isScratchAcquisition(op.getNextNode()))
          passBarrier(here);
        continue;
      }
      if (auto address = dyn_cast<LLVM::AddressOfOp>(op)) {
        // The dedicated area overlaps no scratch.
        if (!isSharedMemory(address) || address->hasAttr(kDedicatedOffsetAttr))
          continue;
        if (address->hasAttr(kScratchBytesAttr))
          uses.push_back(acquire(address, here));
        else
          occupyBoth(lastAccess(address));
        continue;
      }
      if (isa<LLVM::CallOp>(op))
        occupyBoth(here);
    }
  }

private:
  /// Position of the last op in this block that accesses memory through
  /// `address` (`end` when the address leaves the block).
  unsigned lastAccess(Operation *root) {
    unsigned last = position.lookup(root);
    SmallVector<Operation *> worklist{root};
    llvm::SmallPtrSet<Operation *, 16> visited{root};
    while (!worklist.empty()) {
      Operation *op = worklist.pop_back_val();
      for (Operation *user : op->getUsers()) {
        auto it = position.find(user);
        if (it == position.end() ||
            user->hasTrait<::mlir::OpTrait::IsTerminator>())
          return end;
        last = std::max(last, it->second);
        // An address stored to memory could be used anywhere.
        if (auto store = dyn_cast<LLVM::StoreOp>(user)) {
          if (store.getValue().getDefiningOp() == op)
            return end;
          continue;
        }
        // Asynchronous copies and wgmma go on reading (or writing) shared
        // memory until their wait.
        if (auto asmOp = dyn_cast<LLVM::InlineAsmOp>(user)) {
          if (isAsynchronous(asmOp))
            last = std::max(last, nextWait(asmOp));
          continue;
        }
        // Loads produce data, not addresses.
        if (isa<LLVM::LoadOp>(user))
          continue;
        if (visited.insert(user).second)
          worklist.push_back(user);
      }
    }
    return last;
  }

  static bool isAsynchronous(LLVM::InlineAsmOp asmOp) {
    StringRef text = asmOp.getAsmString();
    return text.contains("mma_async") || text.contains("cp.async");
  }

  /// Position of the first wait for asynchronous operations after `asmOp`
  /// (`end` if the block has none).
  unsigned nextWait(LLVM::InlineAsmOp asmOp) {
    for (Operation *op = asmOp->getNextNode(); op; op = op->getNextNode())
      if (auto wait = dyn_cast<LLVM::InlineAsmOp>(op))
        if (wait.getAsmString().contains("wait_group"))
          return position.lookup(op);
    return end;
  }

  /// A barrier at `here`: regions nobody uses past it are clean.
  void passBarrier(unsigned here) {
    for (unsigned region = 0; region < 2; ++region)
      if (busyUntil[region] <= here)
        dirty[region] = false;
  }

  void occupyBoth(unsigned until) {
    for (unsigned region = 0; region < 2; ++region) {
      dirty[region] = true;
      busyUntil[region] = std::max(busyUntil[region], until);
    }
  }

  /// Picks a clean region for `bytes` of scratch: 0 if it can, else 1 if
  /// allowed.
  std::optional<unsigned> cleanRegion(unsigned bytes) const {
    if (!dirty[0])
      return 0;
    if (bytes <= secondRegionMaxBytes && !dirty[1])
      return 1;
    return std::nullopt;
  }

  ScratchUse acquire(LLVM::AddressOfOp address, unsigned here) {
    ScratchUse use;
    use.address = address;
    use.barrier = dyn_cast_or_null<NVVM::Barrier0Op>(address->getPrevNode());
    use.bytes = cast<IntegerAttr>(address->getAttr(kScratchBytesAttr)).getInt();
    use.alignment =
        cast<IntegerAttr>(address->getAttr(kScratchAlignAttr)).getInt();
    std::optional<unsigned> region = cleanRegion(use.bytes);
    if (region) {
      use.keepBarrier = false;
    } else {
      // With the barrier (right before the acquisition); where both regions
      // stay busy past it, region 0 as when there was only one.
      passBarrier(here);
      region = cleanRegion(use.bytes).value_or(0);
    }
    use.region = *region;
    dirty[use.region] = true;
    busyUntil[use.region] =
        std::max(busyUntil[use.region], lastAccess(address));
    return use;
  }

  Block &block;
  /// The largest acquisition that may take region 1 (0: none may).
  unsigned secondRegionMaxBytes;
  llvm::DenseMap<Operation *, unsigned> position;
  unsigned end = 0;
  bool dirty[2] = {true, true};
  unsigned busyUntil[2] = {0, 0};
};

/// Plans every block of the module.
SmallVector<ScratchUse> planScratch(ModuleOp module, bool reuse,
                                    unsigned secondRegionMaxBytes) {
  SmallVector<ScratchUse> uses;
  module.walk([&](LLVM::LLVMFuncOp func) {
    bool isKernel = func->hasAttr(NVVM::NVVMDialect::getKernelFuncAttrName());
    for (Block &block : func.getBody()) {
      if (!reuse) {
        // Every acquisition keeps its barrier and region 0.
        for (Operation &op : block)
          if (isScratchAcquisition(&op)) {
            ScratchUse use;
            use.address = cast<LLVM::AddressOfOp>(op);
            use.barrier = dyn_cast_or_null<NVVM::Barrier0Op>(op.getPrevNode());
            use.bytes =
                cast<IntegerAttr>(op.getAttr(kScratchBytesAttr)).getInt();
            uses.push_back(use);
          }
        continue;
      }
      BlockPlanner(block, isKernel && block.isEntryBlock(),
                   secondRegionMaxBytes)
          .run(uses);
    }
  });
  return uses;
}

} // namespace

unsigned lowering::maxSharedBytesPerBlock(unsigned computeCapability) {
  return SharedMemoryLimits::get(computeCapability).perBlock;
}

/// Drops each trailing barrier that a barrier which stays follows in its
/// block before any cp.async (every warp passing that one has finished the
/// reads the trailing barrier waited for). A barrier right before a scratch
/// acquisition may still be dropped by the planning, so it does not count.
static void dropRedundantTrailingBarriers(ModuleOp module) {
  SmallVector<NVVM::Barrier0Op> redundant;
  module.walk([&](NVVM::Barrier0Op trailing) {
    if (!trailing->hasAttr(kTrailingBarrierAttr))
      return;
    trailing->removeAttr(kTrailingBarrierAttr);
    for (Operation *op = trailing->getNextNode(); op; op = op->getNextNode()) {
      if (auto asmOp = dyn_cast<LLVM::InlineAsmOp>(op))
        if (asmOp.getAsmString().contains("cp.async"))
          return;
      if (isa<NVVM::Barrier0Op>(op) &&
          !isScratchAcquisition(op->getNextNode())) {
        redundant.push_back(trailing);
        return;
      }
    }
  });
  for (NVVM::Barrier0Op barrier : redundant)
    barrier.erase();
}

unsigned lowering::assignScratchRegions(ModuleOp module,
                                        const LoweringContext &state) {
  dropRedundantTrailingBarriers(module);
  auto extents = [&](ArrayRef<ScratchUse> uses) {
    unsigned first = state.sharedBytes, second = 0, alignment = 16;
    for (const ScratchUse &use : uses) {
      if (use.region == 0) {
        first = std::max(first, use.bytes);
      } else {
        second = std::max(second, use.bytes);
        alignment = std::max(alignment, use.alignment);
      }
    }
    // Past every offset-0 byte (at least one, however empty region 0 is).
    unsigned offset = llvm::alignTo(std::max(first, 1u), alignment);
    return std::make_tuple(offset, second ? offset + second : first);
  };
  // Region 1 for any acquisition, else for small ones, else for none: the
  // first plan that costs no occupancy.
  auto limits = SharedMemoryLimits::get(state.computeCapability);
  SmallVector<ScratchUse> uses;
  unsigned offset = 0, total = 0;
  // With the dedicated area after the scratch (see below).
  auto withDedicated = [&](unsigned bytes) {
    return state.dedicatedBytes
               ? unsigned(llvm::alignTo(std::max(bytes, 1u), 1024)) +
                     state.dedicatedBytes
               : bytes;
  };
  for (unsigned maxBytes : {~0u, kSmallScratchBytes, 0u}) {
    uses = planScratch(module, state.reuseScratch, maxBytes);
    std::tie(offset, total) = extents(uses);
    unsigned oneRegion = state.sharedBytes;
    for (const ScratchUse &use : uses)
      oneRegion = std::max(oneRegion, use.bytes);
    if (maxBytes == 0 ||
        limits.costsNoOccupancy(withDedicated(total), withDedicated(oneRegion),
                                state.numWarps))
      break;
  }

  // The dedicated area after everything else, 1024-byte aligned (wgmma's
  // swizzled tiles).
  if (state.dedicatedBytes) {
    unsigned base = llvm::alignTo(std::max(total, 1u), 1024);
    module.walk([&](LLVM::AddressOfOp address) {
      auto offset = address->getAttrOfType<IntegerAttr>(kDedicatedOffsetAttr);
      if (!offset)
        return;
      address->removeAttr(kDedicatedOffsetAttr);
      OpBuilder b(address);
      b.setInsertionPointAfter(address);
      auto sharedPtr =
          LLVM::LLVMPointerType::get(b.getContext(), kSharedAddressSpace);
      Value result = address.getResult();
      auto shifted = LLVM::GEPOp::create(
          b, address.getLoc(), sharedPtr, b.getI8Type(), result,
          ArrayRef<LLVM::GEPArg>{int32_t(base + offset.getInt())});
      result.replaceAllUsesExcept(shifted, shifted);
    });
    total = base + state.dedicatedBytes;
  }
  for (ScratchUse &use : uses) {
    OpBuilder b(use.address);
    Location loc = use.address.getLoc();
    if (use.keepBarrier && !use.barrier)
      barrier(b, loc);
    else if (!use.keepBarrier && use.barrier)
      use.barrier.erase();
    use.address->removeAttr(kScratchBytesAttr);
    use.address->removeAttr(kScratchAlignAttr);
    if (use.region == 1) {
      b.setInsertionPointAfter(use.address);
      auto sharedPtr =
          LLVM::LLVMPointerType::get(b.getContext(), kSharedAddressSpace);
      Value base = use.address.getResult();
      auto shifted =
          LLVM::GEPOp::create(b, loc, sharedPtr, b.getI8Type(), base,
                              ArrayRef<LLVM::GEPArg>{int32_t(offset)});
      base.replaceAllUsesExcept(shifted, shifted);
    }
  }
  return total;
}

Type lowering::storageType(Type elementType) {
  if (elementType.isInteger(1))
    return IntegerType::get(elementType.getContext(), 8);
  return elementType;
}

unsigned lowering::storageBytes(Type elementType) {
  if (isa<LLVM::LLVMPointerType>(elementType))
    return 8;
  return std::max(1u, storageType(elementType).getIntOrFloatBitWidth() / 8);
}

Value lowering::toStorage(OpBuilder &b, Location loc, Value value) {
  if (value.getType().isInteger(1))
    return LLVM::ZExtOp::create(b, loc, b.getI8Type(), value);
  return value;
}

Value lowering::fromStorage(OpBuilder &b, Location loc, Value value,
                            Type elementType) {
  if (elementType.isInteger(1))
    return LLVM::TruncOp::create(b, loc, elementType, value);
  return value;
}

SmallVector<Value> lowering::shuffleThroughShared(
    OpBuilder &b, Location loc, Operation *user, LoweringContext &state,
    ArrayRef<Value> srcElements, const LayoutView &srcView,
    ArrayRef<int64_t> srcShape, const LayoutView &dstView, Type elementType,
    function_ref<Value(OpBuilder &, Location, ArrayRef<Value>)> sourceIndex) {
  int64_t numel = 1;
  for (int64_t s : srcShape)
    numel *= s;
  Type memType = storageType(elementType);
  Value base =
      sharedScratch(b, loc, user, state, numel * storageBytes(elementType));
  auto sharedPtr =
      LLVM::LLVMPointerType::get(b.getContext(), kSharedAddressSpace);

  SmallVector<SmallVector<Value>> srcCoords = emitCoordinates(b, loc, srcView);
  for (auto [value, coords] : llvm::zip(srcElements, srcCoords)) {
    Value index = linearize(b, loc, coords, srcShape);
    Value address = LLVM::GEPOp::create(b, loc, sharedPtr, memType, base,
                                        ValueRange{index});
    LLVM::StoreOp::create(b, loc, toStorage(b, loc, value), address);
  }
  barrier(b, loc);
  SmallVector<Value> result;
  for (const SmallVector<Value> &coords : emitCoordinates(b, loc, dstView)) {
    Value index = sourceIndex(b, loc, coords);
    Value address = LLVM::GEPOp::create(b, loc, sharedPtr, memType, base,
                                        ValueRange{index});
    Value loaded = LLVM::LoadOp::create(b, loc, memType, address);
    result.push_back(fromStorage(b, loc, loaded, elementType));
  }
  return result;
}

/// shfl.sync of any scalar up to 64 bits (the instruction moves 32).
/// `laneArg` is the lane offset for up/down, the source lane for idx.
Value lowering::shuffle(OpBuilder &b, Location loc, Value value, Value laneArg,
                        NVVM::ShflKind kind) {
  Type type = value.getType();
  Type i32 = b.getI32Type();
  // For shfl.up the clamp operand is the lowest lane (0); for down and idx
  // the highest (31).
  int64_t clamp = kind == NVVM::ShflKind::up ? 0 : 0x1f;
  auto shfl = [&](Value v32) -> Value {
    return NVVM::ShflOp::create(b, loc, i32, i32Const(b, loc, -1), v32, laneArg,
                                i32Const(b, loc, clamp), kind, UnitAttr());
  };
  bool isPointer = isa<LLVM::LLVMPointerType>(type);
  unsigned bits = isPointer ? 64 : type.getIntOrFloatBitWidth();
  Type intType = b.getIntegerType(bits);
  Value asInt = isPointer
                    ? Value(LLVM::PtrToIntOp::create(b, loc, intType, value))
                : isa<IntegerType>(type)
                    ? value
                    : Value(LLVM::BitcastOp::create(b, loc, intType, value));
  Value shuffled;
  if (bits == 64) {
    Value lo = LLVM::TruncOp::create(b, loc, i32, asInt);
    Value hi = LLVM::TruncOp::create(
        b, loc, i32,
        LLVM::LShrOp::create(b, loc, asInt, intConst(b, loc, intType, 32)));
    Value lo2 = LLVM::ZExtOp::create(b, loc, intType, shfl(lo));
    Value hi2 = LLVM::ZExtOp::create(b, loc, intType, shfl(hi));
    shuffled = LLVM::OrOp::create(
        b, loc, lo2,
        LLVM::ShlOp::create(b, loc, hi2, intConst(b, loc, intType, 32)));
  } else if (bits == 32) {
    shuffled = shfl(asInt);
  } else {
    Value wide = LLVM::ZExtOp::create(b, loc, i32, asInt);
    shuffled = LLVM::TruncOp::create(b, loc, intType, shfl(wide));
  }
  if (isPointer)
    return LLVM::IntToPtrOp::create(b, loc, type, shuffled);
  if (isa<IntegerType>(type))
    return shuffled;
  return LLVM::BitcastOp::create(b, loc, type, shuffled);
}

void lowering::emitAsm(OpBuilder &b, Location loc, StringRef ptx,
                       ValueRange operands, StringRef constraints) {
  LLVM::InlineAsmOp::create(
      b, loc, LLVM::LLVMVoidType::get(b.getContext()), operands, ptx,
      constraints, /*has_side_effects=*/true, /*is_align_stack=*/false,
      LLVM::TailCallKind::None, LLVM::AsmDialectAttr(), ArrayAttr());
}
