//===- InitAll.cpp - Register every dialect and pass Tritium uses ---------===//

#include "tritium/InitAll.h"

#include "tritium/Analysis/Passes.h"
#include "tritium/Conversion/Passes.h"
#include "tritium/Dialect/Tritium/IR/Dialect.h"
#include "tritium/Dialect/Triton/IR/Dialect.h"
#include "tritium/Dialect/Triton/Transforms/Passes.h"
#include "tritium/Dialect/TritonGPU/IR/Dialect.h"
#include "tritium/Dialect/TritonGPU/Transforms/Passes.h"
#include "tritium/Pipeline/Pipeline.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"

void tritium::registerAllDialects(mlir::DialectRegistry &registry) {
  registry
      .insert<mlir::triton::TritonDialect, mlir::triton::gpu::TritonGPUDialect,
              // Tritium's own tile ops (tx.cluster_sum, ...).
              mlir::tx::TritiumDialect, mlir::arith::ArithDialect,
              mlir::math::MathDialect, mlir::scf::SCFDialect,
              mlir::cf::ControlFlowDialect, mlir::func::FuncDialect,
              // tl.debug_barrier prints as gpu.barrier; ub.poison appears
              // where Triton leaves a value undefined.
              mlir::gpu::GPUDialect, mlir::ub::UBDialect,
              // The lowered stages, and their translation to LLVM IR.
              mlir::LLVM::LLVMDialect, mlir::NVVM::NVVMDialect>();
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerLLVMDialectTranslation(registry);
  mlir::registerNVVMDialectTranslation(registry);
}

void tritium::registerAllPasses() {
  // Generic cleanups (canonicalize, cse, inline, symbol-dce, ...).
  mlir::registerTransformsPasses();
  mlir::triton::registerTritiumAnalysisPasses();
  mlir::triton::registerTritiumTritonPasses();
  mlir::triton::gpu::registerTritiumLayoutPasses();
  mlir::triton::registerTritiumConversionPasses();
  tritium::registerPipelines();
}
