//===- Kernel.cpp - Variants, the caches and the launch path --------------===//
//
// The launch path is the part that must be fast: it classifies each argument
// value (ArgRules.h) into a 128-bit specialisation key, finds the variant in
// the kernel's immutable variant table (an atomic pointer to a small vector;
// a new table replaces it when a variant is added, and old tables live as long
// as the kernel, so readers need no lock), packs the parameters on the stack
// and calls cuLaunchKernel. Everything else -- compiling, the caches, loading
// modules -- happens on the first launch of a specialisation, under the
// kernel's mutex.
//
//===----------------------------------------------------------------------===//

#include "ArgRules.h"
#include "CacheStats.h"
#include "Compiler.h"
#include "DriverApi.h"

#include "BuildId.inc"

#include "tritium/Runtime/Cache.h"
#include "tritium/Runtime/Kernel.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <unordered_map>

using namespace tritium;
using namespace tritium::driver;

namespace {

using Clock = std::chrono::steady_clock;

bool envFlag(const char *name) {
  const char *value = std::getenv(name);
  return value && *value && std::string(value) != "0";
}

std::string envString(const char *name) {
  const char *value = std::getenv(name);
  return value ? value : "";
}

/// The specialisation of every argument, two bits each (up to 64 arguments).
struct SpecKey {
  std::uint64_t low = 0, high = 0;
  bool operator==(const SpecKey &other) const = default;
  void set(unsigned index, ArgSpecialization value) {
    std::uint64_t bits = std::uint64_t(value) << (2 * (index % 32));
    (index < 32 ? low : high) |= bits;
  }
};
constexpr unsigned kMaxParams = 64;

SpecKey keyOf(const Specialization &specialization) {
  SpecKey key;
  for (unsigned i = 0; i < specialization.args.size(); ++i)
    key.set(i, specialization.args[i]);
  return key;
}

/// A compiled kernel loaded into one device's primary context. Shared by
/// every Kernel object that launches the same variant there.
struct LoadedModule {
  CUcontext context = nullptr;
  CUmodule module = nullptr;
  CUfunction function = nullptr;

  ~LoadedModule() {
    // Errors are ignored: at process exit the driver may already be gone.
    if (module && driverAvailable()) {
      CUcontext current = nullptr;
      const Api &driver = api();
      driver.cuCtxGetCurrent(&current);
      if (current != context)
        driver.cuCtxSetCurrent(context);
      driver.cuModuleUnload(module);
      if (current != context)
        driver.cuCtxSetCurrent(current);
    }
  }
};

/// What the launch path needs of one variant on one device.
struct Variant {
  std::shared_ptr<const CompiledKernel> compiled;
  std::shared_ptr<LoadedModule> loaded;
  CUfunction function = nullptr;
  CUcontext context = nullptr;
  unsigned blockThreads = 128;
  unsigned sharedBytes = 0;
  unsigned clusterSize = 1;
  bool cooperative = false;
  unsigned numLaunchParams = 0;
  std::vector<ParamType> launchTypes;
  std::vector<unsigned> launchSource;
};

/// An immutable snapshot of a kernel's variants.
struct VariantTable {
  struct Entry {
    int device;
    SpecKey key;
    const Variant *variant;
  };
  std::vector<Entry> entries;
};

/// The process-wide caches: compiled variants by cache key, and modules
/// loaded per (device, cache key).
struct MemoryCache {
  std::mutex mutex;
  std::unordered_map<std::string, std::shared_ptr<const CompiledKernel>>
      compiled;
  std::map<std::pair<int, std::string>, std::shared_ptr<LoadedModule>> loaded;
  /// One lock per key being compiled, so that threads asking for the same
  /// variant at once compile it once.
  std::unordered_map<std::string, std::shared_ptr<std::mutex>> compiling;
  /// Signatures by source digest and kernel name, so that a new Kernel
  /// object for known IR does not parse it.
  std::unordered_map<std::string, Signature> signatures;
};

MemoryCache &memoryCache() {
  // Never destroyed: modules must not be unloaded after the driver has shut
  // down at process exit.
  static MemoryCache *cache = new MemoryCache();
  return *cache;
}

void warnOnce(const std::string &message) {
  static std::once_flag once;
  std::call_once(once, [&] {
    std::fprintf(stderr, "tritium: warning: %s\n", message.c_str());
  });
}

//===----------------------------------------------------------------------===//
// Metadata JSON
//===----------------------------------------------------------------------===//

llvm::json::Object metadataObject(const CompiledKernel &kernel) {
  const KernelMetadata &meta = kernel.metadata;
  llvm::json::Array params, sources;
  for (ParamType type : meta.launchParams)
    params.push_back(paramTypeName(type));
  for (unsigned source : meta.launchParamSource)
    sources.push_back(int64_t(source));
  std::string capability = meta.arch.substr(3); // "90a"
  return llvm::json::Object{
      {"name", meta.name},
      {"num_warps", int64_t(meta.numWarps)},
      {"num_stages", int64_t(meta.numStages)},
      {"num_ctas", 1},
      {"cluster_dims", llvm::json::Array{int64_t(meta.clusterSize), 1, 1}},
      {"launch_cooperative_grid", meta.cooperative},
      {"shared", int64_t(meta.sharedBytes)},
      {"arch", "sm" + capability},
      {"target", meta.arch},
      {"warp_size", 32},
      {"global_scratch_size", int64_t(meta.globalScratchSize)},
      {"global_scratch_align", int64_t(meta.globalScratchAlign)},
      {"profile_scratch_size", int64_t(meta.profileScratchSize)},
      {"profile_scratch_align", int64_t(meta.profileScratchAlign)},
      {"backend_name", "cuda"},
      {"compiler", "tritium"},
      {"tritium_version", versionString()},
      {"cache_key", kernel.cacheKey},
      {"specialization", kernel.specialization.str()},
      {"launch_params", std::move(params)},
      {"launch_param_source", std::move(sources)},
      {"ptx_bytes", int64_t(kernel.ptx.size())},
      {"cubin_bytes", int64_t(kernel.cubin.size())},
  };
}

std::optional<ParamType> parseParamType(llvm::StringRef name) {
  for (ParamType type :
       {ParamType::Pointer, ParamType::I1, ParamType::I8, ParamType::I16,
        ParamType::I32, ParamType::I64, ParamType::F16, ParamType::BF16,
        ParamType::F32, ParamType::F64})
    if (name == paramTypeName(type))
      return type;
  return std::nullopt;
}

/// Rebuilds a CompiledKernel from a disk entry; false when the entry's
/// metadata does not make sense (treated as corrupt).
bool fromCacheEntry(const CacheEntry &entry, CompiledKernel &kernel,
                    std::string &why) {
  llvm::Expected<llvm::json::Value> parsed =
      llvm::json::parse(entry.metadataJson);
  if (!parsed) {
    why = "metadata is not JSON: " + llvm::toString(parsed.takeError());
    return false;
  }
  const llvm::json::Object *object = parsed->getAsObject();
  if (!object) {
    why = "metadata is not a JSON object";
    return false;
  }
  auto integer = [&](llvm::StringRef field) {
    return object->getInteger(field).value_or(0);
  };
  KernelMetadata &meta = kernel.metadata;
  meta.name = object->getString("name").value_or("").str();
  meta.arch = object->getString("target").value_or("").str();
  meta.numWarps = unsigned(integer("num_warps"));
  meta.numStages = unsigned(integer("num_stages"));
  meta.sharedBytes = unsigned(integer("shared"));
  meta.clusterSize = 1;
  if (const llvm::json::Array *cluster = object->getArray("cluster_dims"))
    if (!cluster->empty())
      meta.clusterSize = unsigned((*cluster)[0].getAsInteger().value_or(1));
  meta.cooperative =
      object->getBoolean("launch_cooperative_grid").value_or(false);
  if (meta.clusterSize == 0) {
    why = "metadata has a cluster of no programs";
    return false;
  }
  meta.globalScratchSize = std::uint64_t(integer("global_scratch_size"));
  meta.globalScratchAlign = std::uint64_t(integer("global_scratch_align"));
  meta.profileScratchSize = std::uint64_t(integer("profile_scratch_size"));
  meta.profileScratchAlign = std::uint64_t(integer("profile_scratch_align"));
  const llvm::json::Array *params = object->getArray("launch_params");
  const llvm::json::Array *sources = object->getArray("launch_param_source");
  if (meta.name.empty() || meta.numWarps == 0 || !params || !sources ||
      params->size() != sources->size()) {
    why = "metadata lacks the kernel name, num_warps or parameters";
    return false;
  }
  for (const llvm::json::Value &param : *params) {
    std::optional<ParamType> type =
        parseParamType(param.getAsString().value_or(""));
    if (!type) {
      why = "metadata names an unknown parameter type";
      return false;
    }
    meta.launchParams.push_back(*type);
  }
  for (const llvm::json::Value &source : *sources)
    meta.launchParamSource.push_back(
        unsigned(source.getAsInteger().value_or(0)));
  std::uint64_t ptxBytes = std::uint64_t(integer("ptx_bytes"));
  if (ptxBytes > entry.payload.size()) {
    why = "payload shorter than its PTX";
    return false;
  }
  kernel.ptx = entry.payload.substr(0, ptxBytes);
  kernel.cubin = entry.payload.substr(ptxBytes);
  kernel.specialization = Specialization::parse(
      object->getString("specialization").value_or("").str());
  return true;
}

/// A digest of the kernel source. XXH3-128 rather than SHA-256: it runs at
/// memory speed, and a 100 KB IR is hashed again by every new Kernel
/// object, including on cache hits. (The cache key itself is SHA-256 of a
/// short text holding this digest.)
std::string sourceDigestOf(const KernelSource &source) {
  llvm::XXH128_hash_t hash = llvm::xxh3_128bits(llvm::ArrayRef(
      reinterpret_cast<const std::uint8_t *>(source.irText.data()),
      source.irText.size()));
  char text[40];
  std::snprintf(text, sizeof text, "%016llx%016llx",
                static_cast<unsigned long long>(hash.high64),
                static_cast<unsigned long long>(hash.low64));
  std::string digest = text;
  for (const auto &[name, value] : source.constexprs)
    digest += " " + name + "=" + value;
  return digest;
}

//===----------------------------------------------------------------------===//
// Signatures, cached
//===----------------------------------------------------------------------===//

std::string signatureJson(const Signature &signature) {
  llvm::json::Array params;
  for (const ParamInfo &param : signature.params)
    params.push_back(
        llvm::json::Object{{"name", param.name},
                           {"type", paramTypeName(param.type)},
                           {"type_text", param.typeText},
                           {"divisibility", int64_t(param.irDivisibility)}});
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::json::Value(llvm::json::Object{{"kernel", signature.kernelName},
                                             {"params", std::move(params)}});
  return text;
}

std::optional<Signature> signatureFromJson(const std::string &text) {
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(text);
  if (!parsed) {
    llvm::consumeError(parsed.takeError());
    return std::nullopt;
  }
  const llvm::json::Object *object = parsed->getAsObject();
  const llvm::json::Array *params =
      object ? object->getArray("params") : nullptr;
  if (!params)
    return std::nullopt;
  Signature signature;
  signature.kernelName = object->getString("kernel").value_or("").str();
  for (const llvm::json::Value &value : *params) {
    const llvm::json::Object *param = value.getAsObject();
    if (!param)
      return std::nullopt;
    std::optional<ParamType> type =
        parseParamType(param->getString("type").value_or(""));
    if (!type)
      return std::nullopt;
    ParamInfo info;
    info.name = param->getString("name").value_or("").str();
    info.type = *type;
    info.typeText = param->getString("type_text").value_or("").str();
    info.irDivisibility =
        unsigned(param->getInteger("divisibility").value_or(0));
    signature.params.push_back(std::move(info));
  }
  if (signature.kernelName.empty())
    return std::nullopt;
  return signature;
}

/// The kernel's signature: from memory, from the disk cache, or by parsing
/// the IR (and then remembered in both). Parsing is the one step of a cache
/// hit that grows with the kernel, so hits skip it.
Signature obtainSignature(const KernelSource &source, const std::string &digest,
                          const std::string &kernelName, bool useMemory,
                          bool useDisk) {
  const std::string memoryKey = digest + "\n" + kernelName;
  MemoryCache &memory = memoryCache();
  if (useMemory) {
    std::lock_guard<std::mutex> lock(memory.mutex);
    auto found = memory.signatures.find(memoryKey);
    if (found != memory.signatures.end())
      return found->second;
  }
  const std::string diskKey = cacheKeyOf("tritium kernel signature\n" +
                                         versionString() + "\n" + memoryKey);
  DiskCache disk = DiskCache::named("cubin");
  std::optional<Signature> signature;
  if (useDisk) {
    CacheEntry entry;
    if (disk.load(diskKey, entry) == DiskCache::LoadStatus::Hit)
      signature = signatureFromJson(entry.metadataJson);
  }
  if (!signature) {
    signature = detail::readSignature(source.irText, source.origin, kernelName);
    if (useDisk) {
      try {
        disk.store(diskKey, CacheEntry{signatureJson(*signature), ""});
      } catch (const Error &) {
        // Reported when the compiled kernel cannot be stored either.
      }
    }
  }
  if (useMemory) {
    std::lock_guard<std::mutex> lock(memory.mutex);
    memory.signatures[memoryKey] = *signature;
  }
  return *signature;
}

} // namespace

//===----------------------------------------------------------------------===//
// Kernel::Impl
//===----------------------------------------------------------------------===//

struct Kernel::Impl {
  KernelSource source;
  KernelOptions options;
  Signature signature;
  /// Digest of the IR and constexprs, computed once: the warm path and the
  /// cache keys of later variants never hash the IR again.
  std::string sourceDigest;
  bool cachesBypassed = false; ///< dumps or overrides are active

  std::atomic<const VariantTable *> table{nullptr};
  std::mutex mutex; ///< guards everything below and variant creation
  std::vector<std::unique_ptr<VariantTable>> tables;
  std::vector<std::unique_ptr<Variant>> variants;

  std::string cacheKeyFor(const Specialization &specialization,
                          const std::string &arch) const;
  std::string resolveArch(const std::string &arch, int device) const;
  std::shared_ptr<const CompiledKernel>
  obtain(const Specialization &specialization, const std::string &arch);
  std::shared_ptr<const CompiledKernel>
  compileNow(const Specialization &specialization, const std::string &arch,
             const std::string &key);
  const Variant *find(int device, SpecKey key) const {
    const VariantTable *current = table.load(std::memory_order_acquire);
    if (!current)
      return nullptr;
    for (const VariantTable::Entry &entry : current->entries)
      if (entry.device == device && entry.key == key)
        return entry.variant;
    return nullptr;
  }
  const Variant &load(int device, const Specialization &specialization);
  [[noreturn]] void rejectArguments(std::span<const ArgValue> args) const;
};

std::string Kernel::Impl::cacheKeyFor(const Specialization &specialization,
                                      const std::string &arch) const {
  std::string text = "tritium compiled kernel\n";
  text += versionString() + "\n";
  text += "source " + sourceDigest + "\n";
  text += "kernel " + signature.kernelName + "\n";
  text += "specialization " + specialization.str() + "\n";
  text += "num_warps " + std::to_string(options.numWarps) + "\n";
  text += "num_stages " + std::to_string(options.numStages) + "\n";
  text += "opt_level " + std::to_string(options.optLevel) + "\n";
  if (!options.strengthReduction)
    text += "no_strength_reduction\n";
  if (options.maxRegisters)
    text += "maxnreg " + std::to_string(options.maxRegisters) + "\n";
  text += "arch " + arch + "\n";
  return cacheKeyOf(text);
}

std::string Kernel::Impl::resolveArch(const std::string &arch,
                                      int device) const {
  if (!arch.empty())
    return arch;
  if (!options.arch.empty())
    return options.arch;
  std::string why;
  if (!driverAvailable(&why))
    throw Error(Error::Kind::NoDriver,
                why + " -- and no target was given to compile kernel '" +
                    signature.kernelName +
                    "' for (set KernelOptions::arch, e.g. \"sm_90a\")");
  return Device::get(device).arch();
}

std::shared_ptr<const CompiledKernel>
Kernel::Impl::compileNow(const Specialization &specialization,
                         const std::string &arch, const std::string &key) {
  Clock::time_point start = Clock::now();
  detail::CompileJob job;
  job.irText = &source.irText;
  job.origin = source.origin;
  job.kernelName = signature.kernelName;
  job.signature = &signature;
  job.specialization = specialization;
  job.arch = arch;
  job.numWarps = options.numWarps;
  job.numStages = options.numStages;
  job.optLevel = options.optLevel;
  job.strengthReduction = options.strengthReduction;
  job.maxRegisters = options.maxRegisters;
  job.dumpDir = options.dumpDir;
  job.overrideDir = options.overrideDir;
  job.variantTag = signature.kernelName + "-" + key.substr(0, 16);
  detail::CompileOutput output = detail::compileKernel(job);

  auto compiled = std::make_shared<CompiledKernel>();
  compiled->cacheKey = key;
  compiled->specialization = specialization;
  compiled->metadata = std::move(output.metadata);
  compiled->ptx = std::move(output.ptx);
  compiled->cubin = std::move(output.cubin);
  compiled->stageMilliseconds = std::move(output.stageMilliseconds);
  compiled->origin = CompiledKernel::Origin::Compiled;
  compiled->milliseconds =
      std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  detail::countCacheEvent(detail::CacheEvent::Compile);
  if (!options.dumpDir.empty()) {
    std::ofstream json(options.dumpDir + "/" + job.variantTag + "/" +
                       signature.kernelName + ".json");
    json << compiled->metadataJson() << "\n";
  }
  return compiled;
}

std::shared_ptr<const CompiledKernel>
Kernel::Impl::obtain(const Specialization &specialization,
                     const std::string &arch) {
  Clock::time_point start = Clock::now();
  const std::string key = cacheKeyFor(specialization, arch);
  const bool alwaysCompile = options.alwaysCompile || cachesBypassed;
  const bool useMemory = options.useMemoryCache && !alwaysCompile;
  const bool readDisk = options.useDiskCache && !alwaysCompile;
  // Overridden stages never go to the disk cache: they are experiments.
  const bool writeDisk = options.useDiskCache && !cachesBypassed;
  MemoryCache &memory = memoryCache();

  std::shared_ptr<std::mutex> keyLock;
  {
    std::lock_guard<std::mutex> lock(memory.mutex);
    if (useMemory) {
      auto found = memory.compiled.find(key);
      if (found != memory.compiled.end()) {
        detail::countCacheEvent(detail::CacheEvent::MemoryHit);
        return found->second;
      }
    }
    std::shared_ptr<std::mutex> &slot = memory.compiling[key];
    if (!slot)
      slot = std::make_shared<std::mutex>();
    keyLock = slot;
  }
  std::lock_guard<std::mutex> compileLock(*keyLock);
  if (useMemory) {
    // Another thread may have finished the same variant meanwhile.
    std::lock_guard<std::mutex> lock(memory.mutex);
    auto found = memory.compiled.find(key);
    if (found != memory.compiled.end()) {
      detail::countCacheEvent(detail::CacheEvent::MemoryHit);
      return found->second;
    }
  }

  std::shared_ptr<const CompiledKernel> result;
  DiskCache disk = DiskCache::named("cubin");
  if (readDisk) {
    CacheEntry entry;
    std::string why;
    DiskCache::LoadStatus status = disk.load(key, entry, &why);
    if (status == DiskCache::LoadStatus::Hit) {
      auto compiled = std::make_shared<CompiledKernel>();
      if (fromCacheEntry(entry, *compiled, why) &&
          compiled->specialization == specialization) {
        compiled->cacheKey = key;
        compiled->origin = CompiledKernel::Origin::DiskCache;
        compiled->milliseconds =
            std::chrono::duration<double, std::milli>(Clock::now() - start)
                .count();
        detail::countCacheEvent(detail::CacheEvent::DiskHit);
        result = compiled;
      } else {
        status = DiskCache::LoadStatus::Corrupt;
      }
    }
    if (status == DiskCache::LoadStatus::Corrupt)
      detail::countCacheEvent(detail::CacheEvent::CorruptRebuilt);
  }
  if (!result) {
    result = compileNow(specialization, arch, key);
    if (writeDisk) {
      CacheEntry entry;
      entry.metadataJson = result->metadataJson();
      entry.payload = result->ptx + result->cubin;
      try {
        disk.store(key, entry);
      } catch (const Error &error) {
        // A read-only or full cache folder costs speed, not correctness.
        warnOnce(std::string(error.what()) +
                 " (kernels still run; they are recompiled in each process)");
      }
    }
  }
  {
    std::lock_guard<std::mutex> lock(memory.mutex);
    if (options.useMemoryCache)
      memory.compiled[key] = result;
    memory.compiling.erase(key);
  }
  return result;
}

const Variant &Kernel::Impl::load(int device,
                                  const Specialization &specialization) {
  std::lock_guard<std::mutex> lock(mutex);
  SpecKey key = keyOf(specialization);
  if (const Variant *existing = find(device, key))
    return *existing;

  const Api &driver = api();
  Device gpu = Device::get(device);
  std::shared_ptr<const CompiledKernel> compiled =
      obtain(specialization, resolveArch({}, device));
  const KernelMetadata &meta = compiled->metadata;
  const std::string what = "kernel '" + meta.name + "' [" +
                           specialization.str() + "] on device " +
                           std::to_string(device);
  if (meta.globalScratchSize > 0 || meta.profileScratchSize > 0)
    throw Error(Error::Kind::Unsupported,
                what + " needs scratch memory, which the runtime does not "
                       "allocate yet");
  if (meta.sharedBytes > gpu.maxSharedMemoryPerBlockOptin())
    throw Error(Error::Kind::InvalidArgument,
                what + " needs " + std::to_string(meta.sharedBytes) +
                    " bytes of shared memory; " + gpu.name() +
                    " allows at most " +
                    std::to_string(gpu.maxSharedMemoryPerBlockOptin()) +
                    " per block (use fewer warps or smaller tiles)");

  // One module per (device, variant) in the process.
  std::shared_ptr<LoadedModule> loaded;
  {
    MemoryCache &memory = memoryCache();
    std::lock_guard<std::mutex> cacheLock(memory.mutex);
    auto found = memory.loaded.find({device, compiled->cacheKey});
    if (found != memory.loaded.end())
      loaded = found->second;
  }
  if (!loaded) {
    loaded = std::make_shared<LoadedModule>();
    loaded->context = gpu.context();
    makeCurrent(driver, loaded->context);
    // With a cubin the driver loads the ELF; otherwise it JIT-compiles the
    // PTX (text, NUL-terminated).
    const void *image = compiled->cubin.empty()
                            ? static_cast<const void *>(compiled->ptx.c_str())
                            : static_cast<const void *>(compiled->cubin.data());
    char errorLog[8192] = {0};
    int options[] = {CU_JIT_ERROR_LOG_BUFFER,
                     CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
    void *values[] = {
        errorLog, reinterpret_cast<void *>(std::uintptr_t(sizeof errorLog))};
    CUresult result =
        driver.cuModuleLoadDataEx(&loaded->module, image, 2, options, values);
    if (result != CUDA_SUCCESS)
      throw Error(Error::Kind::Driver,
                  "loading " + what + " (" +
                      (compiled->cubin.empty() ? "PTX, JIT-compiled by the "
                                                 "driver"
                                               : "cubin") +
                      ") failed: " + describeResult(result) +
                      (errorLog[0] ? std::string("\n") + errorLog : ""));
    check(driver.cuModuleGetFunction(&loaded->function, loaded->module,
                                     meta.name.c_str()),
          "cuModuleGetFunction(" + meta.name + ") for " + what);
    // Dynamic shared memory beyond 48 KB must be opted in per function.
    constexpr unsigned kDefaultSharedLimit = 48 * 1024;
    if (meta.sharedBytes > kDefaultSharedLimit) {
      int staticShared = 0;
      check(driver.cuFuncGetAttribute(&staticShared,
                                      CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES,
                                      loaded->function),
            "cuFuncGetAttribute for " + what);
      check(driver.cuFuncSetAttribute(
                loaded->function,
                CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                int(gpu.maxSharedMemoryPerBlockOptin()) - staticShared),
            "opting " + what + " in to " + std::to_string(meta.sharedBytes) +
                " bytes of dynamic shared memory");
    }
    MemoryCache &memory = memoryCache();
    std::lock_guard<std::mutex> cacheLock(memory.mutex);
    memory.loaded[{device, compiled->cacheKey}] = loaded;
  }

  auto variant = std::make_unique<Variant>();
  variant->compiled = compiled;
  variant->loaded = loaded;
  variant->function = loaded->function;
  variant->context = loaded->context;
  variant->blockThreads = 32 * meta.numWarps;
  variant->sharedBytes = meta.sharedBytes;
  variant->clusterSize = meta.clusterSize;
  variant->cooperative = meta.cooperative;
  variant->launchTypes = meta.launchParams;
  variant->launchSource = meta.launchParamSource;
  variant->numLaunchParams = unsigned(meta.launchParams.size());
  for (unsigned source : variant->launchSource)
    if (source >= signature.params.size())
      throw Error(Error::Kind::Cache,
                  what +
                      ": the cached metadata does not match the kernel's "
                      "signature (delete " +
                      DiskCache::named("cubin").pathFor(compiled->cacheKey) +
                      ")");

  // Publish a new table; the old one stays alive for concurrent readers.
  auto next = std::make_unique<VariantTable>();
  if (const VariantTable *current = table.load(std::memory_order_acquire))
    *next = *current;
  next->entries.push_back({device, key, variant.get()});
  variants.push_back(std::move(variant));
  table.store(next.get(), std::memory_order_release);
  tables.push_back(std::move(next));
  return *variants.back();
}

void Kernel::Impl::rejectArguments(std::span<const ArgValue> args) const {
  specialize(signature, args); // throws the detailed message
  throw Error(Error::Kind::Internal,
              "kernel '" + signature.kernelName +
                  "': arguments rejected by the launch path but accepted by "
                  "specialize()");
}

//===----------------------------------------------------------------------===//
// KernelSource, CompiledKernel, PackedArguments
//===----------------------------------------------------------------------===//

KernelSource KernelSource::fromIR(std::string irText, std::string origin) {
  KernelSource source;
  source.irText = std::move(irText);
  source.origin = std::move(origin);
  return source;
}

KernelSource KernelSource::fromFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw Error(Error::Kind::Io, "cannot read kernel source " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return fromIR(text.str(), path);
}

KernelSource KernelSource::fromModule(mlir::ModuleOp module) {
  std::string text;
  llvm::raw_string_ostream os(text);
  mlir::OpPrintingFlags flags;
  flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
  // SSA names from name locations (%x_ptr), as Triton prints its IR.
  flags.printNameLocAsPrefix(true);
  module.print(os, flags);
  return fromIR(std::move(text), "<builder>");
}

std::string CompiledKernel::metadataJson() const {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", llvm::json::Value(metadataObject(*this)));
  return text;
}

void PackedArguments::reset(unsigned numParameters) {
  numParams = numParameters;
  if (numParameters <= kInlineParams) {
    slots = inlineSlots.data();
    pointerArray = inlinePointers.data();
  } else {
    heapSlots.assign(numParameters, 0);
    heapPointers.assign(numParameters, nullptr);
    slots = heapSlots.data();
    pointerArray = heapPointers.data();
  }
  for (unsigned i = 0; i < numParameters; ++i) {
    slots[i] = 0;
    pointerArray[i] = &slots[i];
  }
}

//===----------------------------------------------------------------------===//
// Kernel
//===----------------------------------------------------------------------===//

Kernel::Kernel(KernelSource source, KernelOptions options)
    : impl(std::make_shared<Impl>()), deviceOrdinal(options.device) {
  Impl &k = *impl;
  if (options.numWarps == 0 || (options.numWarps & (options.numWarps - 1)) ||
      options.numWarps > 32)
    throw Error(Error::Kind::InvalidArgument,
                "num_warps must be a power of two from 1 to 32, not " +
                    std::to_string(options.numWarps));
  if (options.dumpDir.empty())
    options.dumpDir = envString("TRITIUM_DUMP_DIR");
  if (options.overrideDir.empty())
    options.overrideDir = envString("TRITIUM_OVERRIDE_DIR");
  options.alwaysCompile |= envFlag("TRITIUM_ALWAYS_COMPILE");
  k.cachesBypassed = !options.dumpDir.empty() || !options.overrideDir.empty();
  k.sourceDigest = sourceDigestOf(source);
  const bool useCaches = !options.alwaysCompile && !k.cachesBypassed;
  k.signature = obtainSignature(source, k.sourceDigest, options.kernelName,
                                useCaches && options.useMemoryCache,
                                useCaches && options.useDiskCache);
  if (k.signature.params.size() > kMaxParams)
    throw Error(Error::Kind::Unsupported,
                "kernel '" + k.signature.kernelName + "' has " +
                    std::to_string(k.signature.params.size()) +
                    " arguments; the runtime launches at most " +
                    std::to_string(kMaxParams));
  auto resolve = [&](const std::string &name) -> ParamInfo & {
    int index = -1;
    if (!name.empty() && name[0] == '#')
      index = std::atoi(name.c_str() + 1);
    else
      index = k.signature.find(name);
    if (index < 0 || index >= int(k.signature.params.size()))
      throw Error(Error::Kind::InvalidArgument,
                  "kernel '" + k.signature.kernelName + "' has no argument '" +
                      name + "' (named in doNotSpecialize...)");
    return k.signature.params[index];
  };
  for (const std::string &name : options.doNotSpecialize)
    resolve(name).specializeValue = false;
  for (const std::string &name : options.doNotSpecializeOnAlignment)
    resolve(name).specializeAlignment = false;

  k.source = std::move(source);
  k.options = std::move(options);
}

Kernel::Kernel(std::shared_ptr<Impl> impl, int device)
    : impl(std::move(impl)), deviceOrdinal(device) {}

Kernel Kernel::fromIR(std::string irText, KernelOptions options) {
  return Kernel(KernelSource::fromIR(std::move(irText)), std::move(options));
}

Kernel Kernel::fromFile(const std::string &path, KernelOptions options) {
  return Kernel(KernelSource::fromFile(path), std::move(options));
}

const std::string &Kernel::name() const { return impl->signature.kernelName; }
const Signature &Kernel::signature() const { return impl->signature; }
const KernelOptions &Kernel::options() const { return impl->options; }

Kernel Kernel::onDevice(int ordinal) const { return Kernel(impl, ordinal); }

std::shared_ptr<const CompiledKernel>
Kernel::compile(const Specialization &specialization,
                const std::string &arch) const {
  if (specialization.args.size() != impl->signature.params.size())
    throw Error(Error::Kind::InvalidArgument,
                "kernel '" + name() + "' has " +
                    std::to_string(impl->signature.params.size()) +
                    " argument(s); specialisation '" + specialization.str() +
                    "' has " + std::to_string(specialization.args.size()));
  return impl->obtain(specialization, impl->resolveArch(arch, deviceOrdinal));
}

Specialization Kernel::specializationFor(std::span<const ArgValue> args) const {
  return specialize(impl->signature, args);
}

void Kernel::warm(std::span<const ArgValue> args) const {
  impl->load(deviceOrdinal, specialize(impl->signature, args));
}

std::size_t Kernel::loadedVariantCount() const {
  const VariantTable *table = impl->table.load(std::memory_order_acquire);
  return table ? table->entries.size() : 0;
}

void Kernel::packArguments(const CompiledKernel &variant,
                           std::span<const ArgValue> args,
                           PackedArguments &packed) const {
  Specialization specialization = specialize(impl->signature, args);
  if (!(specialization == variant.specialization))
    throw Error(Error::Kind::InvalidArgument,
                "kernel '" + name() + "': the arguments specialise as [" +
                    specialization.str() + "], the variant was compiled for [" +
                    variant.specialization.str() + "]");
  const KernelMetadata &meta = variant.metadata;
  unsigned count = unsigned(meta.launchParams.size());
  packed.reset(count + 2); // + global and profile scratch pointers (null)
  for (unsigned i = 0; i < count; ++i)
    packed.slot(i) = detail::packValue(meta.launchParams[i],
                                       args[meta.launchParamSource[i]]);
}

void Kernel::launch(const Grid &grid, std::span<const ArgValue> args,
                    Stream stream, const LaunchOptions &options) const {
  Impl &k = *impl;
  const std::vector<ParamInfo> &params = k.signature.params;
  if (args.size() != params.size())
    k.rejectArguments(args);
  SpecKey key;
  for (unsigned i = 0; i < params.size(); ++i) {
    ArgSpecialization value;
    if (!detail::fits(params[i].type, args[i]) ||
        !detail::classify(params[i], args[i], value))
      k.rejectArguments(args);
    key.set(i, value);
  }
  const Variant *variant = k.find(deviceOrdinal, key);
  if (!variant)
    variant = &k.load(deviceOrdinal, specialize(k.signature, args));

  // Triton launches nothing for an empty grid.
  if (grid.x == 0 || grid.y == 0 || grid.z == 0)
    return;
  if (grid.x % variant->clusterSize != 0)
    throw Error(
        Error::Kind::InvalidArgument,
        "launching kernel '" + k.signature.kernelName +
            "': its programs "
            "run in clusters of " +
            std::to_string(variant->clusterSize) +
            " along x (tx.cluster_size), so the grid's x extent must be a "
            "multiple of " +
            std::to_string(variant->clusterSize) + ", not " +
            std::to_string(grid.x));

  PackedArguments packed;
  packed.reset(variant->numLaunchParams + 2);
  for (unsigned i = 0; i < variant->numLaunchParams; ++i)
    packed.slot(i) = detail::packValue(variant->launchTypes[i],
                                       args[variant->launchSource[i]]);

  const Api &driver = api();
  makeCurrent(driver, variant->context);
  CUresult result;
  // A kernel with grid barriers launches cooperatively (all its programs
  // resident at once, or the driver refuses the launch); that needs
  // cuLaunchKernelEx (CUDA 12+), as programmatic dependent launch does.
  if (variant->cooperative && !driver.cuLaunchKernelEx)
    throw Error(Error::Kind::Unsupported,
                "launching kernel '" + k.signature.kernelName +
                    "': it has grid barriers (tx.grid_barrier), which need a "
                    "cooperative launch through cuLaunchKernelEx (CUDA 12 or "
                    "later); this driver has none");
  if ((options.overlapPrevious || variant->cooperative) &&
      driver.cuLaunchKernelEx) {
    std::array<CUlaunchAttribute, 2> attributes{};
    unsigned count = 0;
    if (options.overlapPrevious) {
      attributes[count].id =
          CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION;
      attributes[count++].value.value = 1;
    }
    if (variant->cooperative) {
      attributes[count].id = CU_LAUNCH_ATTRIBUTE_COOPERATIVE;
      attributes[count++].value.value = 1;
    }
    CUlaunchConfig config{};
    config.gridDimX = grid.x;
    config.gridDimY = grid.y;
    config.gridDimZ = grid.z;
    config.blockDimX = variant->blockThreads;
    config.blockDimY = 1;
    config.blockDimZ = 1;
    config.sharedMemBytes = variant->sharedBytes;
    config.hStream = stream;
    config.attrs = attributes.data();
    config.numAttrs = count;
    result = driver.cuLaunchKernelEx(&config, variant->function,
                                     packed.pointers(), nullptr);
  } else {
    result = driver.cuLaunchKernel(
        variant->function, grid.x, grid.y, grid.z, variant->blockThreads, 1, 1,
        variant->sharedBytes, stream, packed.pointers(), nullptr);
  }
  if (result != CUDA_SUCCESS)
    throw Error(Error::Kind::Driver,
                "launching kernel '" + k.signature.kernelName + "' [" +
                    variant->compiled->specialization.str() + "] on grid (" +
                    std::to_string(grid.x) + ", " + std::to_string(grid.y) +
                    ", " + std::to_string(grid.z) + ") on device " +
                    std::to_string(deviceOrdinal) + ": " +
                    describeResult(result) +
                    (variant->cooperative
                         ? " (a cooperative launch: every program must be "
                           "resident at once)"
                         : ""));
}

//===----------------------------------------------------------------------===//
// Versions and the memory cache
//===----------------------------------------------------------------------===//

std::string tritium::versionString() {
  return std::string("tritium ") + TRITIUM_VERSION_STRING + " (build " +
         TRITIUM_BUILD_ID + "), LLVM " + LLVM_VERSION_STRING;
}

void tritium::clearMemoryCache() {
  MemoryCache &memory = memoryCache();
  std::lock_guard<std::mutex> lock(memory.mutex);
  memory.compiled.clear();
  memory.loaded.clear();
  memory.signatures.clear();
}
