//===- CompileTest.cpp - Builder kernels compile to PTX -------------------===//
//
// Every example kernel goes through what the JIT will do with it: its Triton
// IR text is parsed by the front door (as tritiumc reads a .ttir), lowered by
// the one pipeline and emitted as PTX; the module itself also compiles when
// the builder works in a context the caller owns (the runtime's path).
//
//===----------------------------------------------------------------------===//

#include "Examples.h"

#include "tritium/Dialect/Triton/IR/Dialect.h"
#include "tritium/Frontend/Load.h"
#include "tritium/InitAll.h"
#include "tritium/Pipeline/Pipeline.h"
#include "tritium/Target/PTX.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <catch2/catch.hpp>

using namespace tritium::builder;

namespace {

std::unique_ptr<mlir::MLIRContext> makeFullContext() {
  mlir::DialectRegistry registry;
  tritium::registerAllDialects(registry);
  auto context = std::make_unique<mlir::MLIRContext>(registry);
  context->loadAllAvailableDialects();
  return context;
}

/// Lowers `module` to PTX for `arch`; returns the PTX, or the diagnostics
/// prefixed with "FAILED: ".
std::string compileToPTX(mlir::ModuleOp module, const std::string &arch) {
  std::string diagnostics;
  mlir::ScopedDiagnosticHandler handler(module.getContext(),
                                        [&](mlir::Diagnostic &diag) {
                                          diagnostics += diag.str() + "\n";
                                          return mlir::success();
                                        });
  tritium::PipelineOptions pipelineOptions;
  pipelineOptions.numWarps = 4;
  std::optional<tritium::GpuArch> gpuArch = tritium::parseGpuArch(arch);
  REQUIRE(gpuArch);
  pipelineOptions.computeCapability = gpuArch->capability;
  mlir::PassManager pm(module.getContext());
  tritium::buildTTIRToTTGIRPipeline(pm, pipelineOptions);
  tritium::buildTTGIRToLLVMPipeline(pm, pipelineOptions);
  if (mlir::failed(pm.run(module)))
    return "FAILED: " + diagnostics;
  tritium::PTXOptions options;
  options.arch = *gpuArch;
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      tritium::translateToLLVMIR(module, llvmContext, options);
  if (!llvmModule)
    return "FAILED: " + diagnostics;
  mlir::FailureOr<std::string> ptx =
      tritium::emitPTX(*llvmModule, options, module.getLoc());
  if (mlir::failed(ptx))
    return "FAILED: " + diagnostics;
  return *ptx;
}

bool haveLibdevice() { return !tritium::findLibdevice().empty(); }

} // namespace

TEST_CASE("every example's Triton IR parses and compiles to PTX",
          "[builder][compile]") {
  if (!haveLibdevice()) {
    WARN("skipped: libdevice.10.bc not found (no CUDA toolkit)");
    return;
  }
  std::vector<examples::Example> kernels = examples::allExamples();
  for (const examples::Example &twin : examples::corpusTwins())
    kernels.push_back({"twin_" + twin.name, twin.build});
  for (const examples::Example &example : kernels) {
    for (const char *arch : {"sm_80", "sm_90a"}) {
      DYNAMIC_SECTION(example.name << " for " << arch) {
        KernelBuilder kb(example.name);
        example.build(kb);
        std::string ttir = kb.tritonIR(/*withLocations=*/true);

        auto context = makeFullContext();
        llvm::SourceMgr sourceMgr;
        sourceMgr.AddNewSourceBuffer(
            llvm::MemoryBuffer::getMemBufferCopy(ttir, example.name), {});
        std::string diagnostics;
        mlir::SourceMgrDiagnosticHandler handler(sourceMgr, context.get());
        mlir::OwningOpRef<mlir::ModuleOp> module =
            tritium::loadTritonIR(sourceMgr, *context);
        INFO(ttir);
        REQUIRE(module);
        std::string ptx = compileToPTX(*module, arch);
        INFO(ptx.substr(0, 4000));
        CHECK(ptx.rfind("FAILED", 0) == std::string::npos);
        CHECK(ptx.find(".entry " + example.name) != std::string::npos);
      }
    }
  }
}

TEST_CASE("a builder in the caller's context hands over a module that "
          "compiles",
          "[builder][compile]") {
  if (!haveLibdevice()) {
    WARN("skipped: libdevice.10.bc not found (no CUDA toolkit)");
    return;
  }
  auto context = makeFullContext();
  const examples::Example &example = examples::allExamples().front();
  KernelBuilder kb(*context, example.name);
  example.build(kb);
  mlir::OwningOpRef<mlir::ModuleOp> module = kb.takeModule();
  REQUIRE(module);
  std::string ptx = compileToPTX(*module, "sm_90a");
  CHECK(ptx.find(".entry vector_add") != std::string::npos);
  CHECK(ptx.find("ld.global") != std::string::npos);
}

TEST_CASE("inline asm and the grid dependency controls compile",
          "[builder][compile]") {
  if (!haveLibdevice()) {
    WARN("skipped: libdevice.10.bc not found (no CUDA toolkit)");
    return;
  }
  auto context = makeFullContext();
  KernelBuilder kb(*context, "overlapped_copy");
  Value in = kb.pointerArg("in", DType::I32, {.divisibility = 16});
  Value out = kb.pointerArg("out", DType::I32, {.divisibility = 16});
  // Let the next kernel start, wait for the previous one, then read.
  kb.launchDependents();
  kb.gridDependencyWait();
  Value i = kb.arange(0, 256);
  Value x = load(in + i);
  Value y = kb.inlineAsmElementwise("add.s32 $0, $1, $2;", "=r,r,r", {x, 7},
                                    DType::I32);
  store(out + i, y);
  std::string ttir = kb.tritonIR();
  CHECK(ttir.find("tt.elementwise_inline_asm \"griddepcontrol.wait; // "
                  "dummy $0\" {constraints = \"=r\", packed_element = 1 : "
                  "i32, pure = false} -> i32") != std::string::npos);
  CHECK(ttir.find("tt.elementwise_inline_asm \"add.s32 $0, $1, $2;\"") !=
        std::string::npos);
  mlir::OwningOpRef<mlir::ModuleOp> module = kb.takeModule();
  REQUIRE(module);
  std::string ptx = compileToPTX(*module, "sm_90a");
  INFO(ptx.substr(0, 4000));
  // The launch_dependents before the wait, both before the first load.
  size_t launch = ptx.find("griddepcontrol.launch_dependents;");
  size_t wait = ptx.find("griddepcontrol.wait;");
  REQUIRE(launch != std::string::npos);
  REQUIRE(wait != std::string::npos);
  CHECK(launch < wait);
  CHECK(wait < ptx.find("ld.global"));
  CHECK(ptx.find("add.s32") != std::string::npos);
}

TEST_CASE("a cluster histogram compiles to distributed shared memory",
          "[builder][compile]") {
  if (!haveLibdevice()) {
    WARN("skipped: libdevice.10.bc not found (no CUDA toolkit)");
    return;
  }
  auto context = makeFullContext();
  KernelBuilder kb(*context, "cluster_histogram");
  Value keys = kb.pointerArg("keys", DType::I32, {.divisibility = 16});
  Value out = kb.pointerArg("out", DType::I32, {.divisibility = 16});
  // 4 programs a cluster, each histograms its 1024 keys; every program gets
  // the cluster's histogram; rank 0 stores it.
  kb.setClusterSize(4);
  Value rank = kb.clusterRank();
  Value i = kb.programId(0) * 1024 + kb.arange(0, 1024);
  Value total = kb.clusterSum(histogram(load(keys + i), 256));
  Value bins = kb.arange(0, 256);
  store(out + (kb.programId(0) / 4) * 256 + bins, total, {.mask = rank == 0});
  std::string ttir = kb.tritonIR();
  CHECK(ttir.find("tx.cluster_size = 4 : i32") != std::string::npos);
  CHECK(ttir.find("tx.cluster_sum") != std::string::npos);
  mlir::OwningOpRef<mlir::ModuleOp> module = kb.takeModule();
  REQUIRE(module);
  std::string ptx = compileToPTX(*module, "sm_90a");
  INFO(ptx.substr(0, 4000));
  CHECK(ptx.find(".reqnctapercluster 4, 1, 1") != std::string::npos);
  CHECK(ptx.find("%cluster_ctarank") != std::string::npos);
  CHECK(ptx.find("barrier.cluster.arrive.aligned") != std::string::npos);
  CHECK(ptx.find("ld.shared::cluster") != std::string::npos);
}

TEST_CASE("a weighted histogram compiles to shared-memory adds of the weights",
          "[builder][compile]") {
  if (!haveLibdevice()) {
    WARN("skipped: libdevice.10.bc not found (no CUDA toolkit)");
    return;
  }
  auto context = makeFullContext();
  KernelBuilder kb(*context, "weighted_histogram");
  Value keys = kb.pointerArg("keys", DType::I32, {.divisibility = 16});
  Value counts = kb.pointerArg("counts", DType::I32, {.divisibility = 16});
  Value out = kb.pointerArg("out", DType::I32, {.divisibility = 16});
  // 1024 values, each standing for counts[i] elements, into 256 bins; the
  // weights a tensor or a literal (broadcast to the source's shape).
  Value i = kb.arange(0, 1024);
  Value v = load(keys + i);
  Value h = weightedHistogram(v, load(counts + i), 256, v >= 0);
  Value ones = weightedHistogram(v, 1, 256);
  Value bins = kb.arange(0, 256);
  store(out + bins, h);
  store(out + 256 + bins, ones);
  std::string ttir = kb.tritonIR();
  CHECK(ttir.find("tx.weighted_histogram") != std::string::npos);
  mlir::OwningOpRef<mlir::ModuleOp> module = kb.takeModule();
  REQUIRE(module);
  std::string ptx = compileToPTX(*module, "sm_90a");
  INFO(ptx.substr(0, 4000));
  CHECK(ptx.find("red.shared.add.u32") != std::string::npos);
  // Bad operands are the builder's errors, before any IR is made.
  KernelBuilder bad(*context, "bad_weighted_histogram");
  Value x = bad.arange(0, 64);
  CHECK_THROWS_WITH(weightedHistogram(x, x.to(DType::F32), 16),
                    Catch::Contains("the weights must be integers"));
  CHECK_THROWS_WITH(weightedHistogram(x.to(DType::F32), x, 16),
                    Catch::Contains("needs integers"));
  CHECK_THROWS_WITH(weightedHistogram(x, x, 0),
                    Catch::Contains("the number of bins must be positive"));
}
