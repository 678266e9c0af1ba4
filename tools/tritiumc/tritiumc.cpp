//===- tritiumc.cpp - Tritium's compiler driver ---------------------------===//
//
//   tritiumc KERNEL.ttir --emit=ttir -o OUT
//   tritiumc KERNEL.mlir --arch=sm_90a --emit=llvm|ptx -o OUT
//
// Reads its input through the shared front door (tritium/Frontend/Load.h), so
// bad input gets a file:line:col diagnostic and a non-zero exit status. The
// input may be Triton IR or, to start the pipeline at a later stage, a module
// in the LLVM + NVVM dialects.
//
//===----------------------------------------------------------------------===//

#include "tritium/Frontend/Load.h"
#include "tritium/InitAll.h"
#include "tritium/Target/PTX.h"

#include "tritium/Dialect/Triton/IR/Dialect.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace llvm;

namespace {
enum class EmitKind { TTIR, LLVM, PTX };

cl::opt<std::string> inputFilename(cl::Positional, cl::desc("<kernel.ttir>"),
                                   cl::init("-"));
cl::opt<std::string> outputFilename("o", cl::desc("Output file"),
                                    cl::value_desc("path"), cl::init("-"));
cl::opt<EmitKind> emitKind(
    "emit", cl::desc("What to write"), cl::init(EmitKind::TTIR),
    cl::values(
        clEnumValN(EmitKind::TTIR, "ttir", "the verified Triton IR, printed back"),
        clEnumValN(EmitKind::LLVM, "llvm", "optimised LLVM IR for NVPTX"),
        clEnumValN(EmitKind::PTX, "ptx", "PTX assembly")));
cl::opt<std::string> archName("arch", cl::desc("sm_80, sm_90 or sm_90a"),
                              cl::init("sm_90a"));
cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimisation level (0-3)"),
                           cl::init(3), cl::Prefix);

int fail(const Twine &message) {
  errs() << "tritiumc: " << message << "\n";
  return 1;
}
} // namespace

int main(int argc, char **argv) {
  InitLLVM initLLVM(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "Tritium kernel compiler\n");

  std::optional<tritium::GpuArch> arch = tritium::parseGpuArch(archName);
  if (!arch)
    return fail("unknown --arch '" + archName +
                "': expected sm_80, sm_90 or sm_90a");

  mlir::DialectRegistry registry;
  tritium::registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();

  std::string error;
  std::unique_ptr<MemoryBuffer> input =
      mlir::openInputFile(inputFilename, &error);
  if (!input)
    return fail(error);
  SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(input), SMLoc());
  mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  mlir::OwningOpRef<mlir::ModuleOp> module =
      tritium::parseModule(sourceMgr, context);
  if (!module)
    return 1;

  bool isTritonIR = !module->getOps<mlir::triton::FuncOp>().empty();
  bool isLLVMDialect = !module->getOps<mlir::LLVM::LLVMFuncOp>().empty();
  if (isTritonIR || !isLLVMDialect) {
    if (failed(tritium::checkTritonKernels(*module)))
      return 1;
    if (emitKind != EmitKind::TTIR) {
      mlir::emitError(module->getLoc())
          << "lowering Triton IR to LLVM is not implemented yet; "
             "--emit=llvm and --emit=ptx take a module in the LLVM dialect";
      return 1;
    }
  } else if (emitKind == EmitKind::TTIR) {
    return fail("--emit=ttir needs Triton IR, but the input is in the LLVM "
                "dialect");
  }

  std::string text;
  raw_string_ostream os(text);
  if (emitKind == EmitKind::TTIR) {
    module->print(os);
  } else {
    tritium::PTXOptions options;
    options.arch = *arch;
    options.optLevel = optLevel;
    LLVMContext llvmContext;
    std::unique_ptr<Module> llvmModule =
        tritium::translateToLLVMIR(*module, llvmContext, options);
    if (!llvmModule)
      return 1;
    if (emitKind == EmitKind::LLVM) {
      llvmModule->print(os, nullptr);
    } else {
      mlir::FailureOr<std::string> ptx =
          tritium::emitPTX(*llvmModule, options, module->getLoc());
      if (failed(ptx))
        return 1;
      os << *ptx;
    }
  }

  std::unique_ptr<ToolOutputFile> output =
      mlir::openOutputFile(outputFilename, &error);
  if (!output)
    return fail(error);
  output->os() << text;
  output->keep();
  return 0;
}
