//===- Utility.cpp - Shared pieces of the ttgir -> LLVM lowering ----------===//

#include "Utility.h"

#include "mlir/IR/BuiltinOps.h"

using namespace mlir;
using namespace mlir::triton;
namespace ttg = mlir::triton::gpu;
using ttg::LayoutView;
using ttg::getNumElementsPerThread;

/// Name of the module's dynamic shared memory buffer.
static constexpr llvm::StringLiteral kSharedMemoryName = "global_smem";
static constexpr unsigned kSharedAddressSpace = 3;

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
    return LLVM::LLVMStructType::getLiteral(
        type.getContext(), SmallVector<Type>(count, element));
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

Value lowering::intConst(OpBuilder &b, Location loc, Type type,
                         int64_t value) {
  return LLVM::ConstantOp::create(b, loc, type,
                                  b.getIntegerAttr(type, value));
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
    laneCoord[d] = LLVM::URemOp::create(b, loc, laneRest, i32Const(b, loc, tpw[d]));
    laneRest = LLVM::UDivOp::create(b, loc, laneRest, i32Const(b, loc, tpw[d]));
    warpCoord[d] = LLVM::URemOp::create(b, loc, warpRest, i32Const(b, loc, wpc[d]));
    warpRest = LLVM::UDivOp::create(b, loc, warpRest, i32Const(b, loc, wpc[d]));
  }
  SmallVector<bool> wraps(rank);
  for (unsigned d = 0; d < rank; ++d) {
    Value thread = LLVM::AddOp::create(
        b, loc, LLVM::MulOp::create(b, loc, warpCoord[d], i32Const(b, loc, tpw[d])),
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

SmallVector<SmallVector<int64_t>>
lowering::threadCoordinates(const LayoutView &view, unsigned lane,
                            unsigned warp) {
  // Mirrors emitCoordinates step by step; the two must agree.
  ArrayRef<unsigned> spt = view.root.getSizePerThread();
  ArrayRef<unsigned> tpw = view.root.getThreadsPerWarp();
  ArrayRef<unsigned> wpc = view.root.getWarpsPerCTA();
  unsigned rank = spt.size();
  SmallVector<int64_t> base(rank);
  SmallVector<bool> wraps(rank);
  for (unsigned d : view.root.getOrder()) {
    int64_t laneCoord = lane % tpw[d], warpCoord = warp % wpc[d];
    lane /= tpw[d];
    warp /= wpc[d];
    base[d] = (warpCoord * tpw[d] + laneCoord) * spt[d];
    wraps[d] = int64_t(spt[d]) * tpw[d] * wpc[d] > view.rootShape[d];
  }
  SmallVector<SmallVector<int64_t>> result;
  for (unsigned r = 0; r < view.getNumRegisters(); ++r) {
    SmallVector<int64_t> coords;
    for (unsigned d : view.keptDims) {
      int64_t c = base[d] + view.registerOffsets[r][d];
      if (wraps[d])
        c &= view.rootShape[d] - 1;
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

void lowering::barrier(OpBuilder &b, Location loc) {
  NVVM::Barrier0Op::create(b, loc);
}

Value lowering::sharedScratch(OpBuilder &b, Location loc, Operation *user,
                              LoweringContext &state, unsigned bytes) {
  state.sharedBytes = std::max(state.sharedBytes, bytes);
  barrier(b, loc);
  auto module = user->getParentOfType<ModuleOp>();
  auto global = module.lookupSymbol<LLVM::GlobalOp>(kSharedMemoryName);
  assert(global && "the pass creates the shared memory buffer up front");
  Value address = LLVM::AddressOfOp::create(b, loc, global);
  return address;
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
  Value base = sharedScratch(b, loc, user, state,
                             numel * storageBytes(elementType));
  auto sharedPtr = LLVM::LLVMPointerType::get(b.getContext(), kSharedAddressSpace);

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
