//===- PTX.cpp - LLVM dialect -> LLVM IR -> PTX ---------------------------===//

#include "tritium/Target/PTX.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/OptBisect.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Linker/Linker.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Triple.h"

#include <cstdlib>
#include <mutex>

using namespace mlir;

namespace {
constexpr llvm::StringLiteral kTriple = "nvptx64-nvidia-cuda";
// PTX ISA 8.4: new enough for every sm_90a instruction we emit, old enough for
// any CUDA 12.4+ driver to JIT it.
constexpr llvm::StringLiteral kPTXFeatures = "+ptx84";

void initializeNVPTXOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTarget();
    LLVMInitializeNVPTXTargetMC();
    LLVMInitializeNVPTXAsmPrinter();
    // 32-bit pointers for shared, constant and local memory (as Triton
    // sets): shared addresses are 32-bit in PTX, and with 64-bit pointers
    // every shared access paid a cvt.u64 / add.s64 / cvt.u32 round trip
    // (three of the six instructions of a histogram update). The option is
    // read when a TargetMachine computes its data layout.
    auto &options = llvm::cl::getRegisteredOptions();
    auto found = options.find("nvptx-short-ptr");
    if (found != options.end())
      if (auto *shortPointers =
              static_cast<llvm::cl::opt<bool> *>(found->second))
        shortPointers->setValue(true);
  });
}

std::unique_ptr<llvm::TargetMachine>
createTargetMachine(const tritium::GpuArch &arch, unsigned optLevel,
                    std::string &error) {
  initializeNVPTXOnce();
  llvm::Triple triple(kTriple);
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  llvm::TargetOptions options;
  // Fuse a * b + c into fma, as Triton does by default (enable_fp_fusion):
  // kernels then round the way Triton's do.
  options.AllowFPOpFusion = llvm::FPOpFusion::Fast;
  auto level = optLevel >= 3   ? llvm::CodeGenOptLevel::Aggressive
               : optLevel == 0 ? llvm::CodeGenOptLevel::None
                               : llvm::CodeGenOptLevel::Default;
  return std::unique_ptr<llvm::TargetMachine>(
      target->createTargetMachine(triple, arch.name(), kPTXFeatures, options,
                                  std::nullopt, std::nullopt, level));
}

bool callsLibdevice(const llvm::Module &module) {
  for (const llvm::Function &f : module)
    if (f.isDeclaration() && f.getName().starts_with("__nv_"))
      return true;
  return false;
}
} // namespace

std::string tritium::GpuArch::name() const {
  return "sm_" + std::to_string(capability) + (archSpecific ? "a" : "");
}

std::optional<tritium::GpuArch> tritium::parseGpuArch(llvm::StringRef text) {
  text.consume_front("sm_");
  GpuArch arch;
  arch.archSpecific = text.consume_back("a");
  if (text.getAsInteger(10, arch.capability))
    return std::nullopt;
  if (arch.capability != 80 && arch.capability != 90)
    return std::nullopt;
  if (arch.archSpecific && arch.capability != 90)
    return std::nullopt;
  return arch;
}

std::string tritium::findLibdevice(llvm::StringRef hint) {
  llvm::SmallVector<std::string> candidates;
  if (!hint.empty())
    candidates.push_back(hint.str());
  for (const char *var : {"CUDA_HOME", "CUDA_PATH"})
    if (const char *home = std::getenv(var))
      candidates.push_back(std::string(home) +
                           "/nvvm/libdevice/libdevice.10.bc");
  candidates.push_back("/usr/local/cuda/nvvm/libdevice/libdevice.10.bc");
  for (const std::string &path : candidates)
    if (llvm::sys::fs::exists(path))
      return path;
  return {};
}

std::unique_ptr<llvm::Module>
tritium::translateToLLVMIR(ModuleOp module, llvm::LLVMContext &llvmContext,
                           const PTXOptions &options) {
  Location loc = module.getLoc();
  std::unique_ptr<llvm::Module> llvmModule =
      mlir::translateModuleToLLVMIR(module, llvmContext, "tritium");
  if (!llvmModule) {
    emitError(loc) << "cannot translate the module to LLVM IR";
    return nullptr;
  }

  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(options.arch, options.optLevel, error);
  if (!machine) {
    emitError(loc) << "NVPTX target unavailable: " << error;
    return nullptr;
  }
  llvmModule->setTargetTriple(llvm::Triple(kTriple));
  llvmModule->setDataLayout(machine->createDataLayout());

  if (callsLibdevice(*llvmModule)) {
    std::string path = findLibdevice(options.libdevicePath);
    if (path.empty()) {
      emitError(loc) << "the kernel calls libdevice (__nv_*) functions, but "
                        "libdevice.10.bc was not found; set CUDA_HOME";
      return nullptr;
    }
    auto buffer = llvm::MemoryBuffer::getFile(path);
    if (!buffer) {
      emitError(loc) << "cannot read " << path << ": "
                     << buffer.getError().message();
      return nullptr;
    }
    // Read lazily: the linker then materialises only the functions the
    // kernel calls, instead of parsing all of libdevice (~20 ms warm, ~80 ms
    // cold, measured on the 2-core machine) for every kernel.
    auto libdevice =
        llvm::getOwningLazyBitcodeModule(std::move(*buffer), llvmContext);
    if (!libdevice) {
      emitError(loc) << "cannot parse " << path << ": "
                     << llvm::toString(libdevice.takeError());
      return nullptr;
    }
    (*libdevice)->setTargetTriple(llvm::Triple(kTriple));
    (*libdevice)->setDataLayout(llvmModule->getDataLayout());
    if (llvm::Linker::linkModules(*llvmModule, std::move(*libdevice),
                                  llvm::Linker::Flags::LinkOnlyNeeded)) {
      emitError(loc) << "linking libdevice failed";
      return nullptr;
    }
    // Denormals are flushed as Triton does by default (enable_reflect_ftz).
    llvmModule->addModuleFlag(llvm::Module::Override, "nvvm-reflect-ftz", 1);
    // Only the kernels are entry points; libdevice's bodies may be dropped.
    for (llvm::Function &f : *llvmModule)
      if (!f.isDeclaration() && f.getName().starts_with("__nv_"))
        f.setLinkage(llvm::GlobalValue::InternalLinkage);
  }

  if (llvm::verifyModule(*llvmModule, &llvm::errs())) {
    emitError(loc) << "the translated LLVM IR does not verify";
    return nullptr;
  }

  if (options.optLevel > 0) {
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PassBuilder builder(machine.get());
    builder.registerModuleAnalyses(mam);
    builder.registerCGSCCAnalyses(cgam);
    builder.registerFunctionAnalyses(fam);
    builder.registerLoopAnalyses(lam);
    builder.crossRegisterProxies(lam, fam, cgam, mam);
    llvm::OptimizationLevel level = options.optLevel >= 3
                                        ? llvm::OptimizationLevel::O3
                                        : llvm::OptimizationLevel::O2;
    builder.buildPerModuleDefaultPipeline(level).run(*llvmModule, mam);
  }
  return llvmModule;
}

namespace {
/// Turns off the NVPTX backend's straight-line strength reduction, which the
/// backend adds whenever it optimises (there is no option for it). The
/// legacy pass manager asks the context's gate before each function pass,
/// by the pass's argument name.
class WithoutStrengthReduction : public llvm::OptPassGate {
public:
  bool isEnabled() const override { return true; }
  bool shouldRunPass(llvm::StringRef passName, llvm::StringRef) const override {
    return passName != "slsr";
  }
};
} // namespace

FailureOr<std::string> tritium::emitPTX(llvm::Module &module,
                                        const PTXOptions &options,
                                        Location diagnosticLoc) {
  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(options.arch, options.optLevel, error);
  if (!machine)
    return emitError(diagnosticLoc) << "NVPTX target unavailable: " << error;
  std::string ptx;
  {
    llvm::raw_string_ostream os(ptx);
    llvm::buffer_ostream stream(os);
    llvm::legacy::PassManager passes;
    if (machine->addPassesToEmitFile(passes, stream, nullptr,
                                     llvm::CodeGenFileType::AssemblyFile))
      return emitError(diagnosticLoc) << "the NVPTX backend cannot emit PTX";
    WithoutStrengthReduction gate;
    llvm::OptPassGate &previous = module.getContext().getOptPassGate();
    if (!options.strengthReduction)
      module.getContext().setOptPassGate(gate);
    passes.run(module);
    module.getContext().setOptPassGate(previous);
  }
  return ptx;
}
