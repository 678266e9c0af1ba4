//===- ParseFuzzer.cpp - libFuzzer target for the Triton IR front door ----===//
//
// Feeds arbitrary bytes to tritium::loadTritonIR, the parser + verifier every
// Tritium front door uses. Any crash, hang or sanitizer report is a bug; a
// diagnostic is the expected outcome for bad input. Inputs that found bugs
// are kept under tests/fuzz/regressions and replayed by lit.
//
//===----------------------------------------------------------------------===//

#include "tritium/Frontend/Load.h"
#include "tritium/InitAll.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // One context for the whole run: building it per input would dominate.
  static mlir::MLIRContext *context = [] {
    mlir::DialectRegistry registry;
    tritium::registerAllDialects(registry);
    auto *ctx = new mlir::MLIRContext(registry,
                                      mlir::MLIRContext::Threading::DISABLED);
    ctx->loadAllAvailableDialects();
    return ctx;
  }();

  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(
          llvm::StringRef(reinterpret_cast<const char *>(data), size),
          "fuzz.ttir"),
      llvm::SMLoc());
  // Swallow diagnostics: they are the expected result, not output to check.
  mlir::ScopedDiagnosticHandler quiet(context, [](mlir::Diagnostic &) {
    return mlir::success();
  });
  (void)tritium::loadTritonIR(sourceMgr, *context);
  return 0;
}
