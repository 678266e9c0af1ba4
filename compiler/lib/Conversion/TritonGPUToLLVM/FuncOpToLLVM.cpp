//===- FuncOpToLLVM.cpp - Kernels, returns, program ids -------------------===//

#include "Utility.h"

#include "tritium/Dialect/Tritium/IR/Dialect.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::triton;

namespace {

/// A public tt.func is a kernel: `nvvm.kernel`, at most numWarps * 32
/// threads, clusters where `tx.cluster_size` asks, and Triton 3.6's
/// parameter list (the IR's arguments, then the
/// global and profile scratch pointers), so that Tritium's PTX can stand in
/// for Triton's.
struct FuncOpConversion : public OpConversionPattern<FuncOp> {
  FuncOpConversion(TritiumTypeConverter &converter, LoweringContext &state)
      : OpConversionPattern(converter, &converter.getContext()), state(state) {}

  LogicalResult
  matchAndRewrite(FuncOp func, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FunctionType type = func.getFunctionType();
    TypeConverter::SignatureConversion signature(type.getNumInputs());
    for (auto [i, input] : llvm::enumerate(type.getInputs())) {
      Type converted = getTypeConverter()->convertType(input);
      if (!converted)
        return rewriter.notifyMatchFailure(func, "argument type not lowerable");
      signature.addInputs(i, converted);
    }
    bool isKernel = func.isPublic();
    auto globalPtr = LLVM::LLVMPointerType::get(rewriter.getContext(), 1);
    if (isKernel)
      signature.addInputs({globalPtr, globalPtr});

    Type resultType = LLVM::LLVMVoidType::get(rewriter.getContext());
    if (type.getNumResults() == 1)
      resultType = getTypeConverter()->convertType(type.getResult(0));
    else if (type.getNumResults() > 1)
      return rewriter.notifyMatchFailure(
          func, "device functions return at most one value (inline them)");
    auto llvmType = LLVM::LLVMFunctionType::get(
        resultType, signature.getConvertedTypes());
    auto newFunc = LLVM::LLVMFuncOp::create(rewriter, func.getLoc(),
                                            func.getName(), llvmType);
    if (isKernel) {
      newFunc->setAttr(NVVM::NVVMDialect::getKernelFuncAttrName(),
                       rewriter.getUnitAttr());
      // reqntid, as Triton: the launch must use exactly this block size.
      newFunc->setAttr(NVVM::NVVMDialect::getReqntidAttrName(),
                       rewriter.getDenseI32ArrayAttr(
                           ArrayRef<int32_t>{int32_t(state.numWarps * ttg::kThreadsPerWarp), 1, 1}));
      // Triton's maxnreg: a register budget per thread (.maxnreg), so that
      // more programs fit an SM; ptxas spills what does not fit.
      if (auto module = func->getParentOfType<ModuleOp>())
        if (auto maxRegisters = module->getAttrOfType<IntegerAttr>(
                ttg::TritonGPUDialect::kMaxRegistersAttrName))
          newFunc->setAttr(
              NVVM::NVVMDialect::getMaxnregAttrName(),
              rewriter.getI32IntegerAttr(int32_t(maxRegisters.getInt())));
      // Clusters along x, fixed at compile time (.reqnctapercluster): an
      // ordinary launch then runs the grid in clusters of this size.
      int clusterSize = tx::TritiumDialect::getClusterSize(func);
      if (clusterSize > 1) {
        if (state.computeCapability < 90)
          return func.emitError()
                 << tx::TritiumDialect::kClusterSizeAttrName
                 << " needs sm_90 or newer (thread-block clusters), not sm_"
                 << state.computeCapability;
        newFunc->setAttr(NVVM::NVVMDialect::getClusterDimAttrName(),
                         rewriter.getDenseI32ArrayAttr(
                             ArrayRef<int32_t>{clusterSize, 1, 1}));
      }
    } else {
      newFunc.setLinkage(LLVM::Linkage::Internal);
    }
    rewriter.inlineRegionBefore(func.getBody(), newFunc.getBody(),
                                newFunc.end());
    if (failed(rewriter.convertRegionTypes(&newFunc.getBody(),
                                           *getTypeConverter(), &signature)))
      return failure();
    rewriter.eraseOp(func);
    return success();
  }

  LoweringContext &state;
};

struct ReturnOpConversion : public OpConversionPattern<ReturnOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReturnOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<LLVM::ReturnOp>(op, adaptor.getOperands());
    return success();
  }
};

template <typename SourceOp, typename X, typename Y, typename Z>
struct GridQueryConversion : public OpConversionPattern<SourceOp> {
  using OpConversionPattern<SourceOp>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SourceOp op, typename SourceOp::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type i32 = rewriter.getI32Type();
    Value value;
    switch (op.getAxis()) {
    case ProgramIDDim::X:
      value = X::create(rewriter, op.getLoc(), i32);
      break;
    case ProgramIDDim::Y:
      value = Y::create(rewriter, op.getLoc(), i32);
      break;
    case ProgramIDDim::Z:
      value = Z::create(rewriter, op.getLoc(), i32);
      break;
    }
    rewriter.replaceOp(op, value);
    return success();
  }
};

} // namespace

void mlir::triton::populateFuncOpToLLVMPatterns(TritiumTypeConverter &converter,
                                                RewritePatternSet &patterns,
                                                LoweringContext &state) {
  patterns.add<FuncOpConversion>(converter, state);
  patterns.add<ReturnOpConversion>(converter, &converter.getContext());
  patterns.add<GridQueryConversion<GetProgramIdOp, NVVM::BlockIdXOp,
                                   NVVM::BlockIdYOp, NVVM::BlockIdZOp>,
               GridQueryConversion<GetNumProgramsOp, NVVM::GridDimXOp,
                                   NVVM::GridDimYOp, NVVM::GridDimZOp>>(
      converter, &converter.getContext());
}
