//===- Compiler.cpp - The runtime's compile path --------------------------===//

#include "Compiler.h"

#include "tritium/Frontend/Load.h"
#include "tritium/InitAll.h"
#include "tritium/Pipeline/Pipeline.h"
#include "tritium/Runtime/Error.h"
#include "tritium/Target/Cubin.h"
#include "tritium/Target/PTX.h"

#include "tritium/Dialect/Tritium/IR/Dialect.h"
#include "tritium/Dialect/Triton/IR/Dialect.h"
#include "tritium/Dialect/TritonGPU/IR/Dialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/AsmParser/Parser.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

using namespace mlir;
using tritium::Error;

namespace {

//===----------------------------------------------------------------------===//
// MLIR context pool
//===----------------------------------------------------------------------===//

/// A context with every dialect Tritium reads or lowers to already loaded.
/// Multithreading is off: compilations run in the caller's thread (the
/// runtime is used from processes that fork, and a 2-core machine gains
/// nothing from MLIR's thread pool on one small kernel).
struct PooledContext {
  std::unique_ptr<MLIRContext> context;
  unsigned uses = 0;
};

/// Contexts grow with every uniqued attribute and location they see; after
/// this many compilations a context is dropped and a fresh one made.
constexpr unsigned kMaxContextUses = 256;

class ContextPool {
public:
  PooledContext acquire() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!idle.empty()) {
        PooledContext pooled = std::move(idle.back());
        idle.pop_back();
        return pooled;
      }
    }
    PooledContext pooled;
    pooled.context = std::make_unique<MLIRContext>(
        registry(), MLIRContext::Threading::DISABLED);
    pooled.context->loadAllAvailableDialects();
    return pooled;
  }

  void release(PooledContext pooled) {
    if (++pooled.uses >= kMaxContextUses)
      return;
    std::lock_guard<std::mutex> lock(mutex);
    idle.push_back(std::move(pooled));
  }

private:
  static const DialectRegistry &registry() {
    static const DialectRegistry *instance = [] {
      auto *r = new DialectRegistry();
      tritium::registerAllDialects(*r);
      return r;
    }();
    return *instance;
  }

  std::mutex mutex;
  std::vector<PooledContext> idle;
};

ContextPool &contextPool() {
  // Never destroyed: contexts may still be in use by threads at exit.
  static ContextPool *pool = new ContextPool();
  return *pool;
}

/// Borrows a context for one scope.
class ContextLease {
public:
  ContextLease() : pooled(contextPool().acquire()) {}
  ~ContextLease() { contextPool().release(std::move(pooled)); }
  MLIRContext &get() { return *pooled.context; }

private:
  PooledContext pooled;
};

//===----------------------------------------------------------------------===//
// Diagnostics
//===----------------------------------------------------------------------===//

/// Collects the diagnostics of one compilation as text, with file:line:col
/// and the source line, instead of printing them to stderr.
class DiagnosticCollector {
public:
  DiagnosticCollector(llvm::SourceMgr &sourceMgr, MLIRContext &context)
      : stream(text), handler(sourceMgr, &context, stream) {}
  std::string take() {
    stream.flush();
    std::string result = text;
    text.clear();
    while (!result.empty() && result.back() == '\n')
      result.pop_back();
    return result;
  }

private:
  std::string text;
  llvm::raw_string_ostream stream;
  SourceMgrDiagnosticHandler handler;
};

//===----------------------------------------------------------------------===//
// Signatures
//===----------------------------------------------------------------------===//

std::string argumentName(BlockArgument arg, unsigned index) {
  Location loc = arg.getLoc();
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (auto name = dyn_cast<NameLoc>(inner))
        return name.getName().str();
  return "arg" + std::to_string(index);
}

std::optional<tritium::ParamType> paramTypeOf(Type type) {
  using tritium::ParamType;
  if (auto pointer = dyn_cast<triton::PointerType>(type)) {
    // Kernels take global pointers to scalars; block pointers are made
    // inside the kernel.
    if (pointer.getAddressSpace() != 1 ||
        isa<RankedTensorType>(pointer.getPointeeType()))
      return std::nullopt;
    return ParamType::Pointer;
  }
  if (auto integer = dyn_cast<IntegerType>(type)) {
    switch (integer.getWidth()) {
    case 1:
      return ParamType::I1;
    case 8:
      return ParamType::I8;
    case 16:
      return ParamType::I16;
    case 32:
      return ParamType::I32;
    case 64:
      return ParamType::I64;
    default:
      return std::nullopt;
    }
  }
  if (type.isF16())
    return ParamType::F16;
  if (type.isBF16())
    return ParamType::BF16;
  if (type.isF32())
    return ParamType::F32;
  if (type.isF64())
    return ParamType::F64;
  return std::nullopt;
}

std::string printType(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  type.print(os);
  return text;
}

/// The kernel to launch: the public tt.func with a body named `name`, or the
/// only one when `name` is empty.
triton::FuncOp findKernel(ModuleOp module, const std::string &name,
                          const std::string &origin) {
  std::vector<triton::FuncOp> kernels;
  for (auto func : module.getOps<triton::FuncOp>())
    if (func.isPublic() && !func.isExternal())
      kernels.push_back(func);
  std::string names;
  for (auto func : kernels)
    names += (names.empty() ? "" : ", ") + func.getName().str();
  if (!name.empty()) {
    for (auto func : kernels)
      if (func.getName() == name)
        return func;
    throw Error(Error::Kind::InvalidArgument, origin + ": no kernel named '" +
                                                  name +
                                                  "' (kernels: " + names + ")");
  }
  if (kernels.size() > 1)
    throw Error(Error::Kind::InvalidArgument,
                origin + " holds several kernels (" + names +
                    "); choose one with KernelOptions::kernelName");
  return kernels.front();
}

tritium::Signature signatureOf(triton::FuncOp func) {
  tritium::Signature signature;
  signature.kernelName = func.getName().str();
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    BlockArgument arg = func.getArgument(i);
    tritium::ParamInfo param;
    param.name = argumentName(arg, i);
    param.typeText = printType(arg.getType());
    std::optional<tritium::ParamType> type = paramTypeOf(arg.getType());
    if (!type)
      throw Error(Error::Kind::Unsupported,
                  "kernel '" + signature.kernelName + "': argument " +
                      std::to_string(i) + " '" + param.name + "' has type " +
                      param.typeText +
                      ", which the runtime cannot pass (supported: global "
                      "!tt.ptr<scalar>, i1..i64, f16, bf16, f32, f64)");
    param.type = *type;
    if (auto divisibility =
            func.getArgAttrOfType<IntegerAttr>(i, "tt.divisibility"))
      param.irDivisibility = unsigned(divisibility.getInt());
    signature.params.push_back(std::move(param));
  }
  return signature;
}

/// Parses and checks Triton IR; throws Error(Compile) with the diagnostics.
OwningOpRef<ModuleOp> loadOrThrow(const std::string &irText,
                                  const std::string &origin,
                                  MLIRContext &context,
                                  const std::string &what) {
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBuffer(irText, origin,
                                       /*RequiresNullTerminator=*/false),
      llvm::SMLoc());
  DiagnosticCollector diagnostics(sourceMgr, context);
  OwningOpRef<ModuleOp> module = tritium::loadTritonIR(sourceMgr, context);
  if (!module)
    throw Error(Error::Kind::Compile,
                what + " is not a valid Triton IR kernel:\n" +
                    diagnostics.take());
  return module;
}

//===----------------------------------------------------------------------===//
// Specialisation in the IR
//===----------------------------------------------------------------------===//

/// Marks arguments `tt.divisibility = 16` and replaces those equal to 1 with
/// the constant, removing them from the signature as Triton does.
void applySpecialization(triton::FuncOp func,
                         const tritium::Specialization &specialization) {
  if (specialization.args.size() != func.getNumArguments())
    throw Error(Error::Kind::InvalidArgument,
                "specialisation '" + specialization.str() + "' has " +
                    std::to_string(specialization.args.size()) +
                    " field(s), kernel '" + func.getName().str() + "' has " +
                    std::to_string(func.getNumArguments()) + " argument(s)");
  OpBuilder builder(func.getContext());
  builder.setInsertionPointToStart(&func.getBody().front());
  llvm::BitVector erase(func.getNumArguments());
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    BlockArgument arg = func.getArgument(i);
    switch (specialization.args[i]) {
    case tritium::ArgSpecialization::None:
      break;
    case tritium::ArgSpecialization::Divisible16:
      func.setArgAttr(i, "tt.divisibility", builder.getI32IntegerAttr(16));
      break;
    case tritium::ArgSpecialization::EqualsOne: {
      auto type = dyn_cast<IntegerType>(arg.getType());
      if (!type || type.getWidth() == 1)
        throw Error(Error::Kind::InvalidArgument,
                    "specialisation '1' for argument " + std::to_string(i) +
                        " of kernel '" + func.getName().str() +
                        "', which is not an integer wider than i1");
      Value one = arith::ConstantOp::create(builder, arg.getLoc(),
                                            builder.getIntegerAttr(type, 1));
      arg.replaceAllUsesWith(one);
      erase.set(i);
      break;
    }
    }
  }
  if (erase.any() && failed(func.eraseArguments(erase)))
    throw Error(Error::Kind::Internal, "cannot remove the arguments "
                                       "specialised to 1 from kernel '" +
                                           func.getName().str() + "'");
}

//===----------------------------------------------------------------------===//
// Dumps and overrides
//===----------------------------------------------------------------------===//

const char *extensionOf(const std::string &stage) {
  for (const auto &entry : tritium::detail::kStageExtensions)
    if (stage == entry[0])
      return entry[1];
  return "txt";
}

bool readFile(const std::string &path, std::string &contents) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  contents = buffer.str();
  return true;
}

class StageFiles {
public:
  explicit StageFiles(const tritium::detail::CompileJob &job) : job(job) {
    if (!job.dumpDir.empty()) {
      dumpFolder = job.dumpDir + "/" + job.variantTag;
      if (llvm::sys::fs::create_directories(dumpFolder))
        throw Error(Error::Kind::Io,
                    "cannot create the dump folder " + dumpFolder);
    }
  }

  void dump(const std::string &stage, const std::string &contents) const {
    if (dumpFolder.empty())
      return;
    std::string path = fileIn(dumpFolder, stage);
    std::ofstream out(path, std::ios::binary);
    out.write(contents.data(), std::streamsize(contents.size()));
    if (!out)
      throw Error(Error::Kind::Io, "cannot write the dump " + path);
  }

  /// The override of `stage`, if the override folder has one.
  std::optional<std::string> override(const std::string &stage,
                                      std::vector<std::string> &used) const {
    if (job.overrideDir.empty())
      return std::nullopt;
    for (const std::string &folder :
         {job.overrideDir + "/" + job.variantTag, job.overrideDir}) {
      std::string contents;
      if (readFile(fileIn(folder, stage), contents)) {
        used.push_back(stage);
        return contents;
      }
    }
    return std::nullopt;
  }

  std::string fileIn(const std::string &folder,
                     const std::string &stage) const {
    return folder + "/" + job.kernelName + "." + extensionOf(stage);
  }

private:
  const tritium::detail::CompileJob &job;
  std::string dumpFolder;
};

std::string printModule(ModuleOp module) {
  std::string text;
  llvm::raw_string_ostream os(text);
  OpPrintingFlags flags;
  flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
  // SSA names from name locations (%x_ptr), as Triton prints its IR.
  flags.printNameLocAsPrefix(true);
  module.print(os, flags);
  return text;
}

/// Assembles PTX to a cubin through nvJitLink or ptxas (Target/Cubin.h).
/// Returns an empty string when neither is available: the driver then
/// JIT-compiles the PTX when the kernel is loaded. Bad PTX is an error.
std::string assembleCubin(const std::string &ptx, const tritium::GpuArch &arch,
                          const std::string &what) {
  if (!tritium::cubinBackendAvailable())
    return {};
  llvm::Expected<tritium::Cubin> cubin = tritium::ptxToCubin(ptx, arch);
  if (!cubin)
    throw Error(Error::Kind::Compile, "compiling " + what +
                                          " failed at cubin:\n" +
                                          llvm::toString(cubin.takeError()));
  return std::string(cubin->image.begin(), cubin->image.end());
}

using Clock = std::chrono::steady_clock;
double millisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start)
      .count();
}

} // namespace

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

tritium::Signature
tritium::detail::readSignature(const std::string &irText,
                               const std::string &origin,
                               const std::string &kernelName) {
  ContextLease lease;
  OwningOpRef<ModuleOp> module =
      loadOrThrow(irText, origin, lease.get(), origin);
  return signatureOf(findKernel(*module, kernelName, origin));
}

tritium::detail::CompileOutput
tritium::detail::compileKernel(const CompileJob &job) {
  CompileOutput output;
  const std::string what = "kernel '" + job.kernelName + "' (" + job.origin +
                           ") for " + job.arch + " [" +
                           job.specialization.str() + "]";
  std::optional<GpuArch> arch = parseGpuArch(job.arch);
  if (!arch)
    throw Error(Error::Kind::Unsupported,
                "cannot compile " + what + ": unknown target '" + job.arch +
                    "' (Tritium generates code for sm_80, sm_90 and sm_90a)");
  StageFiles files(job);
  ContextLease lease;
  MLIRContext &context = lease.get();

  // Every diagnostic of the stages below lands here; each failure reports
  // what was collected.
  llvm::SourceMgr sourceMgr;
  DiagnosticCollector diagnostics(sourceMgr, context);
  auto fail = [&](const std::string &stage) -> Error {
    std::string details = diagnostics.take();
    return Error(Error::Kind::Compile,
                 "compiling " + what + " failed at " + stage +
                     (details.empty() ? "" : ":\n") + details);
  };

  // Stage 1: Triton IR, specialised.
  Clock::time_point start = Clock::now();
  OwningOpRef<ModuleOp> module;
  if (std::optional<std::string> text =
          files.override("ttir", output.overridden)) {
    module = loadOrThrow(*text, files.fileIn(job.overrideDir, "ttir"), context,
                         "the ttir override");
  } else {
    module = loadOrThrow(*job.irText, job.origin, context, job.origin);
    applySpecialization(findKernel(*module, job.kernelName, job.origin),
                        job.specialization);
  }
  files.dump("ttir", printModule(*module));
  output.stageMilliseconds.emplace_back("parse", millisecondsSince(start));

  auto replaceModule = [&](const std::string &stage) {
    if (std::optional<std::string> text =
            files.override(stage, output.overridden)) {
      llvm::SourceMgr overrideSource;
      overrideSource.AddNewSourceBuffer(
          llvm::MemoryBuffer::getMemBufferCopy(
              *text, files.fileIn(job.overrideDir, stage)),
          llvm::SMLoc());
      OwningOpRef<ModuleOp> replacement = parseModule(overrideSource, context);
      if (!replacement)
        throw fail("the " + stage + " override");
      module = std::move(replacement);
    }
  };

  PipelineOptions pipelineOptions;
  pipelineOptions.numWarps = job.numWarps;
  pipelineOptions.numStages = job.numStages;
  pipelineOptions.maxRegisters = job.maxRegisters;
  pipelineOptions.computeCapability = arch->capability;
  // sm_90a: wgmma and other arch-specific instructions may be used.
  pipelineOptions.archSpecific = arch->archSpecific;

  // Stage 2: TritonGPU IR.
  start = Clock::now();
  {
    PassManager pm(&context);
    buildTTIRToTTGIRPipeline(pm, pipelineOptions);
    if (failed(pm.run(*module)))
      throw fail("ttgir");
  }
  replaceModule("ttgir");
  files.dump("ttgir", printModule(*module));
  output.stageMilliseconds.emplace_back("ttgir", millisecondsSince(start));

  // Grid barriers need every program resident: a cooperative launch.
  const bool cooperative = tx::TritiumDialect::needsCooperativeLaunch(*module);

  // Stage 3: LLVM + NVVM dialects.
  start = Clock::now();
  {
    PassManager pm(&context);
    buildTTGIRToLLVMPipeline(pm, pipelineOptions);
    if (failed(pm.run(*module)))
      throw fail("llvm-mlir");
  }
  replaceModule("llvm-mlir");
  files.dump("llvm-mlir", printModule(*module));
  output.stageMilliseconds.emplace_back("llvm-mlir", millisecondsSince(start));

  unsigned sharedBytes = 0;
  if (auto shared = (*module)->getAttrOfType<IntegerAttr>(
          triton::gpu::TritonGPUDialect::kSharedAttrName))
    sharedBytes = unsigned(shared.getInt());
  // Clusters (tx.cluster_size), as the lowered kernel declares them.
  unsigned clusterSize = 1;
  if (auto kernel = (*module).lookupSymbol<LLVM::LLVMFuncOp>(job.kernelName))
    if (auto dims = kernel->getAttrOfType<DenseI32ArrayAttr>(
            NVVM::NVVMDialect::getClusterDimAttrName()))
      if (!dims.asArrayRef().empty())
        clusterSize = unsigned(dims.asArrayRef()[0]);

  // Stage 4: LLVM IR (libdevice linked, O3).
  start = Clock::now();
  PTXOptions ptxOptions;
  ptxOptions.arch = *arch;
  ptxOptions.optLevel = job.optLevel;
  ptxOptions.strengthReduction = job.strengthReduction;
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule;
  if (std::optional<std::string> text =
          files.override("llvm", output.overridden)) {
    llvm::SMDiagnostic error;
    llvmModule = llvm::parseAssemblyString(*text, error, llvmContext);
    if (!llvmModule) {
      std::string message;
      llvm::raw_string_ostream os(message);
      error.print(files.fileIn(job.overrideDir, "llvm").c_str(), os);
      throw Error(Error::Kind::Compile,
                  "compiling " + what +
                      ": the llvm override does not parse:\n" + message);
    }
  } else {
    llvmModule = translateToLLVMIR(*module, llvmContext, ptxOptions);
    if (!llvmModule)
      throw fail("llvm");
  }
  {
    std::string text;
    llvm::raw_string_ostream os(text);
    llvmModule->print(os, nullptr);
    files.dump("llvm", text);
  }
  output.stageMilliseconds.emplace_back("llvm", millisecondsSince(start));

  // Stage 5: PTX.
  start = Clock::now();
  if (std::optional<std::string> text =
          files.override("ptx", output.overridden)) {
    output.ptx = std::move(*text);
  } else {
    FailureOr<std::string> ptx =
        emitPTX(*llvmModule, ptxOptions, module->getLoc());
    if (failed(ptx))
      throw fail("ptx");
    output.ptx = std::move(*ptx);
  }
  files.dump("ptx", output.ptx);
  output.stageMilliseconds.emplace_back("ptx", millisecondsSince(start));

  // Stage 6: cubin (when a PTX assembler is available).
  start = Clock::now();
  if (std::optional<std::string> bytes =
          files.override("cubin", output.overridden)) {
    output.cubin = std::move(*bytes);
  } else if (job.wantCubin) {
    output.cubin = assembleCubin(output.ptx, *arch, what);
  }
  if (!output.cubin.empty())
    files.dump("cubin", output.cubin);
  output.stageMilliseconds.emplace_back("cubin", millisecondsSince(start));

  KernelMetadata &meta = output.metadata;
  meta.name = job.kernelName;
  meta.arch = arch->name();
  meta.numWarps = job.numWarps;
  meta.numStages = job.numStages;
  meta.sharedBytes = sharedBytes;
  meta.clusterSize = clusterSize;
  meta.cooperative = cooperative;
  if (job.signature) {
    for (unsigned i = 0; i < job.signature->params.size(); ++i) {
      if (job.specialization.args[i] == ArgSpecialization::EqualsOne)
        continue;
      meta.launchParams.push_back(job.signature->params[i].type);
      meta.launchParamSource.push_back(i);
    }
  }
  return output;
}

bool tritium::detail::haveCubinCompiler() {
  return tritium::cubinBackendAvailable().has_value();
}
