//===- Load.cpp - Read Triton IR into a verified module -------------------===//

#include "tritium/Frontend/Load.h"

#include "tritium/Dialect/Triton/IR/Dialect.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

OwningOpRef<ModuleOp> tritium::parseModule(llvm::SourceMgr &sourceMgr,
                                           MLIRContext &context) {
  const llvm::MemoryBuffer *buffer =
      sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
  Location fileLoc =
      FileLineColLoc::get(&context, buffer->getBufferIdentifier(), 1, 1);

  // MLIR would read an empty buffer as an empty module; as a kernel source it
  // is a mistake (a failed dump, a wrong path), so say so.
  if (buffer->getBuffer().trim().empty()) {
    emitError(fileLoc) << "the input is empty: expected Triton IR holding a "
                          "tt.func kernel";
    return nullptr;
  }

  ParserConfig config(&context, /*verifyAfterParse=*/true);
  return parseSourceFile<ModuleOp>(sourceMgr, config);
}

LogicalResult tritium::checkTritonKernels(ModuleOp module) {
  bool hasKernel = false;
  for (auto func : module.getOps<triton::FuncOp>()) {
    if (!func.isPublic() || func.isExternal())
      continue;
    if (func.getFunctionType().getNumResults() != 0) {
      func.emitError() << "kernel '" << func.getName()
                       << "' must not return values; make it private if it "
                          "is a device function";
      return failure();
    }
    hasKernel = true;
  }
  if (!hasKernel)
    return emitError(module.getLoc())
           << "no kernel found: expected a public tt.func with a body";
  return success();
}

OwningOpRef<ModuleOp> tritium::loadTritonIR(llvm::SourceMgr &sourceMgr,
                                            MLIRContext &context) {
  OwningOpRef<ModuleOp> module = parseModule(sourceMgr, context);
  if (!module || failed(checkTritonKernels(*module)))
    return nullptr;
  return module;
}
