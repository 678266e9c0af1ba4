//===- tritiumc.cpp - Tritium's compiler driver ---------------------------===//
//
// tritiumc KERNEL.ttir --emit=ttir -o OUT
//
// Reads Triton IR through the shared front door (tritium::loadTritonIR), so
// bad input gets a file:line:col diagnostic and a non-zero exit status.
//
//===----------------------------------------------------------------------===//

#include "tritium/Frontend/Load.h"
#include "tritium/InitAll.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace llvm;

namespace {
enum class EmitKind { TTIR };

cl::opt<std::string> inputFilename(cl::Positional, cl::desc("<kernel.ttir>"),
                                   cl::init("-"));
cl::opt<std::string> outputFilename("o", cl::desc("Output file"),
                                    cl::value_desc("path"), cl::init("-"));
cl::opt<EmitKind> emitKind(
    "emit", cl::desc("What to write"), cl::init(EmitKind::TTIR),
    cl::values(clEnumValN(EmitKind::TTIR, "ttir",
                          "the verified Triton IR, printed back")));
} // namespace

int main(int argc, char **argv) {
  InitLLVM initLLVM(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "Tritium kernel compiler\n");

  mlir::DialectRegistry registry;
  tritium::registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();

  std::string error;
  std::unique_ptr<MemoryBuffer> input =
      mlir::openInputFile(inputFilename, &error);
  if (!input) {
    errs() << "tritiumc: " << error << "\n";
    return 1;
  }
  SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(input), SMLoc());
  mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  mlir::OwningOpRef<mlir::ModuleOp> module =
      tritium::loadTritonIR(sourceMgr, context);
  if (!module)
    return 1;

  std::unique_ptr<ToolOutputFile> output =
      mlir::openOutputFile(outputFilename, &error);
  if (!output) {
    errs() << "tritiumc: " << error << "\n";
    return 1;
  }
  module->print(output->os());
  output->keep();
  return 0;
}
