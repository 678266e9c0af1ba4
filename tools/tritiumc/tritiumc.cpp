//===- tritiumc.cpp - Tritium's compiler driver ---------------------------===//
//
//   tritiumc KERNEL.ttir --arch=sm_90a --num-warps=4 \
//            --emit=ttir|ttgir|llvm-mlir|llvm|ptx|cubin -o OUT
//
// Beside OUT (when OUT is a file) it writes OUT's stem + ".json": the
// kernel's launch metadata with Triton's field names (name, num_warps,
// num_stages, shared, arch, ...).
//
// --emit=cubin assembles the PTX with nvJitLink or ptxas, whichever is
// present (tritium/Target/Cubin.h); --cubin-backend picks one.
//
// Reads its input through the shared front door (tritium/Frontend/Load.h), so
// bad input gets a file:line:col diagnostic and a non-zero exit status. The
// input may be Triton IR or, to start the pipeline at a later stage, a module
// in the LLVM + NVVM dialects.
//
//===----------------------------------------------------------------------===//

#include "tritium/Frontend/Load.h"
#include "tritium/InitAll.h"
#include "tritium/Pipeline/Pipeline.h"
#include "tritium/Target/Cubin.h"
#include "tritium/Target/PTX.h"

#include "tritium/Dialect/Tritium/IR/Dialect.h"
#include "tritium/Dialect/Triton/IR/Dialect.h"

#include "tritium/Dialect/TritonGPU/IR/Dialect.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace llvm;

namespace {
enum class EmitKind { TTIR, TTGIR, LLVMMLIR, LLVM, PTX, Cubin };

cl::opt<std::string> inputFilename(cl::Positional, cl::desc("<kernel.ttir>"),
                                   cl::init("-"));
cl::opt<std::string> outputFilename("o", cl::desc("Output file"),
                                    cl::value_desc("path"), cl::init("-"));
cl::opt<EmitKind> emitKind(
    "emit", cl::desc("What to write"), cl::init(EmitKind::TTIR),
    cl::values(
        clEnumValN(EmitKind::TTIR, "ttir",
                   "the verified Triton IR, printed back"),
        clEnumValN(EmitKind::TTGIR, "ttgir", "Triton IR with tensor layouts"),
        clEnumValN(EmitKind::LLVMMLIR, "llvm-mlir",
                   "the LLVM + NVVM dialects, before translation"),
        clEnumValN(EmitKind::LLVM, "llvm", "optimised LLVM IR for NVPTX"),
        clEnumValN(EmitKind::PTX, "ptx", "PTX assembly"),
        clEnumValN(EmitKind::Cubin, "cubin",
                   "a cubin (ELF) assembled from the PTX by nvJitLink or "
                   "ptxas")));
cl::opt<std::string> archName("arch", cl::desc("sm_80, sm_90 or sm_90a"),
                              cl::init("sm_90a"));
cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimisation level (0-3)"),
                           cl::init(3), cl::Prefix);
cl::opt<unsigned> numWarps("num-warps", cl::desc("warps per CTA"), cl::init(4));
cl::opt<unsigned> maxRegisters(
    "maxnreg",
    cl::desc("Triton's maxnreg: the most registers a thread may use (PTX "
             ".maxnreg); 0: no limit"),
    cl::init(0));
cl::opt<bool> strengthReduction(
    "strength-reduction",
    cl::desc("the NVPTX backend's straight-line strength reduction (on by "
             "default; =false makes large kernels' PTX much faster to "
             "generate)"),
    cl::init(true));
cl::opt<unsigned> numStages("num-stages",
                            cl::desc("software pipelining depth (recorded; "
                                     "not used yet)"),
                            cl::init(3));
cl::opt<std::string> cubinBackend(
    "cubin-backend",
    cl::desc("for --emit=cubin: auto (nvJitLink when it loads, else ptxas), "
             "nvjitlink or ptxas"),
    cl::init("auto"));
cl::opt<bool> printCubinBackends(
    "print-cubin-backends",
    cl::desc("say where nvJitLink and ptxas were looked for and found, then "
             "exit"),
    cl::init(false));
cl::opt<bool> writeMetadata("metadata",
                            cl::desc("write the launch metadata JSON beside "
                                     "the output"),
                            cl::init(true));

int fail(const Twine &message) {
  errs() << "tritiumc: " << message << "\n";
  return 1;
}
} // namespace

int main(int argc, char **argv) {
  InitLLVM initLLVM(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "Tritium kernel compiler\n");

  if (printCubinBackends) {
    outs() << tritium::describeCubinBackends();
    return 0;
  }
  tritium::CubinOptions cubinOptions;
  cubinOptions.optLevel = optLevel;
  if (cubinBackend != "auto") {
    cubinOptions.backend = tritium::parseCubinBackend(cubinBackend);
    if (!cubinOptions.backend)
      return fail("unknown --cubin-backend '" + cubinBackend +
                  "': expected auto, nvjitlink or ptxas");
  }

  std::optional<tritium::GpuArch> arch = tritium::parseGpuArch(archName);
  if (!arch)
    return fail("unknown --arch '" + archName +
                "': expected sm_80, sm_90 or sm_90a");

  if (emitKind == EmitKind::Cubin && outputFilename == "-" &&
      sys::Process::StandardOutIsDisplayed())
    return fail("--emit=cubin writes a binary file: name it with -o");

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
  if (!isTritonIR && isLLVMDialect && emitKind <= EmitKind::LLVMMLIR)
    return fail("--emit=ttir/ttgir/llvm-mlir need Triton IR, but the input "
                "is already in the LLVM dialect");
  if (isTritonIR || !isLLVMDialect) {
    if (failed(tritium::checkTritonKernels(*module)))
      return 1;
  }
  // The kernel's name, for the metadata: the public tt.func.
  std::string kernelName;
  for (auto func : module->getOps<mlir::triton::FuncOp>())
    if (func.isPublic())
      kernelName = func.getName().str();

  // Grid barriers make every launch cooperative (the runtime's metadata).
  const bool cooperative =
      mlir::tx::TritiumDialect::needsCooperativeLaunch(*module);

  std::string text;
  raw_string_ostream os(text);
  StringRef usedCubinBackend; // set by --emit=cubin
  if (isTritonIR && emitKind != EmitKind::TTIR) {
    tritium::PipelineOptions pipelineOptions;
    pipelineOptions.numWarps = numWarps;
    pipelineOptions.numStages = numStages;
    pipelineOptions.maxRegisters = maxRegisters;
    pipelineOptions.computeCapability = arch->capability;
    pipelineOptions.archSpecific = arch->archSpecific;
    mlir::PassManager pm(&context);
    tritium::buildTTIRToTTGIRPipeline(pm, pipelineOptions);
    if (emitKind != EmitKind::TTGIR)
      tritium::buildTTGIRToLLVMPipeline(pm, pipelineOptions);
    if (failed(pm.run(*module)))
      return 1;
  }
  unsigned sharedBytes = 0;
  if (auto shared = (*module)->getAttrOfType<mlir::IntegerAttr>(
          mlir::triton::gpu::TritonGPUDialect::kSharedAttrName))
    sharedBytes = shared.getInt();

  if (emitKind <= EmitKind::LLVMMLIR) {
    module->print(os);
  } else {
    tritium::PTXOptions options;
    options.arch = *arch;
    options.optLevel = optLevel;
    options.strengthReduction = strengthReduction;
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
      if (emitKind == EmitKind::PTX) {
        os << *ptx;
      } else {
        Expected<tritium::Cubin> cubin =
            tritium::ptxToCubin(*ptx, *arch, cubinOptions);
        if (!cubin)
          return fail(toString(cubin.takeError()));
        if (!cubin->notes.empty())
          errs() << "tritiumc: note: " << cubin->notes << "\n";
        usedCubinBackend = tritium::cubinBackendName(cubin->backend);
        os.write(cubin->image.data(), cubin->image.size());
      }
    }
  }

  if (writeMetadata && outputFilename != "-" && emitKind >= EmitKind::LLVM) {
    SmallString<256> metaPath(outputFilename);
    sys::path::replace_extension(metaPath, "json");
    json::Object meta{
        {"name", kernelName},
        {"num_warps", int64_t(numWarps)},
        {"num_stages", int64_t(numStages)},
        {"num_ctas", 1},
        {"shared", int64_t(sharedBytes)},
        {"arch", "sm" + std::to_string(arch->capability) +
                     (arch->archSpecific ? "a" : "")},
        {"target", arch->name()},
        {"warp_size", 32},
        {"global_scratch_size", 0},
        {"global_scratch_align", 1},
        {"profile_scratch_size", 0},
        {"profile_scratch_align", 1},
        {"backend_name", "cuda"},
        {"compiler", "tritium"},
        {"launch_cooperative_grid", cooperative},
    };
    if (!usedCubinBackend.empty())
      meta["cubin_backend"] = usedCubinBackend;
    std::unique_ptr<ToolOutputFile> metaFile =
        mlir::openOutputFile(metaPath, &error);
    if (!metaFile)
      return fail(error);
    metaFile->os() << formatv("{0:2}", json::Value(std::move(meta))) << "\n";
    metaFile->keep();
  }

  std::unique_ptr<ToolOutputFile> output =
      mlir::openOutputFile(outputFilename, &error);
  if (!output)
    return fail(error);
  output->os() << text;
  output->keep();
  return 0;
}
