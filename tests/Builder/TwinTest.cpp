//===- TwinTest.cpp - Builder twins build what Triton built ---------------===//
//
// For every corpus kernel with a builder twin (CorpusTwins.cpp), the ops of
// the twin and of the .ttir Triton printed are compared after the cleanups
// Triton's own ttir stage runs (canonicalize, loop-invariant code motion,
// CSE): the same ops with the same operand and result types, the same number
// of times. Names, locations and the order of independent ops may differ.
//
//===----------------------------------------------------------------------===//

#include "Examples.h"

#include "tritium/Frontend/Load.h"
#include "tritium/InitAll.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <catch2/catch.hpp>

#include <map>

using namespace tritium::builder;

namespace {

using OpHistogram = std::map<std::string, int>;

/// "tt.splat : (i32) -> tensor<1x128xi32>" for every op, counted.
OpHistogram histogramOf(mlir::ModuleOp module) {
  mlir::PassManager pm(module.getContext());
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(mlir::createLoopInvariantCodeMotionPass());
  pm.addPass(mlir::createCSEPass());
  REQUIRE(mlir::succeeded(pm.run(module)));
  OpHistogram histogram;
  module.walk([&](mlir::Operation *op) {
    if (mlir::isa<mlir::ModuleOp>(op))
      return;
    std::string key;
    llvm::raw_string_ostream os(key);
    os << op->getName() << " : (";
    llvm::interleaveComma(op->getOperandTypes(), os);
    os << ") -> (";
    llvm::interleaveComma(op->getResultTypes(), os);
    os << ")";
    ++histogram[key];
  });
  return histogram;
}

std::string describeDifference(const OpHistogram &twin,
                               const OpHistogram &triton) {
  std::string text;
  for (const auto &[key, count] : twin) {
    auto it = triton.find(key);
    int other = it == triton.end() ? 0 : it->second;
    if (other != count)
      text += "  builder " + std::to_string(count) + " vs Triton " +
              std::to_string(other) + ": " + key + "\n";
  }
  for (const auto &[key, count] : triton)
    if (!twin.count(key))
      text +=
          "  builder 0 vs Triton " + std::to_string(count) + ": " + key + "\n";
  return text;
}

} // namespace

TEST_CASE("builder twins of corpus kernels build the ops Triton built",
          "[builder][corpus]") {
  mlir::DialectRegistry registry;
  tritium::registerAllDialects(registry);
  for (const examples::Example &twin : examples::corpusTwins()) {
    DYNAMIC_SECTION(twin.name) {
      mlir::MLIRContext context(registry);
      context.loadAllAvailableDialects();
      KernelBuilder kb(context, twin.name);
      twin.build(kb);
      mlir::OwningOpRef<mlir::ModuleOp> built = kb.takeModule();

      std::string path = std::string(TRITIUM_CORPUS_DIR) + "/" + twin.name +
                         "/" + twin.name + ".ttir";
      auto buffer = llvm::MemoryBuffer::getFile(path);
      REQUIRE(buffer);
      llvm::SourceMgr sourceMgr;
      sourceMgr.AddNewSourceBuffer(std::move(*buffer), {});
      mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context);
      mlir::OwningOpRef<mlir::ModuleOp> triton =
          tritium::loadTritonIR(sourceMgr, context);
      REQUIRE(triton);

      OpHistogram ours = histogramOf(*built), theirs = histogramOf(*triton);
      INFO("differences:\n" << describeDifference(ours, theirs));
      CHECK(ours == theirs);
    }
  }
}
