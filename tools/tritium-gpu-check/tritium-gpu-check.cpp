//===- tritium-gpu-check.cpp - Check and time kernels against Triton ------===//
//
// For each corpus kernel: draw fresh inputs from a seed, launch Triton's own
// PTX (tests/corpus/NAME/NAME.triton.ptx, the reference) and a candidate PTX
// with the same parameter ABI (Tritium's NAME.ptx; Triton's PTX again when
// none is given) through the CUDA driver API, compare every output, then time
// both with CUDA events. One table line per kernel; exit status 1 when any
// kernel FAILs or ERRORs.
//
// Everything the reference needs comes from the launch description
// NAME.json: grid, num_warps, dynamic shared memory, the arguments (those
// with in_ttir=false were specialised away by Triton and are no parameters),
// and Triton 3.6's two trailing scratch pointers.
//
// Each kernel is checked in its own process (see runInChild): a faulting or
// hung kernel then costs one ERROR line, not the rest of the run.
//
// --scale / --sweep run kernels at sizes that fill the GPU instead of the
// corpus sizes (which sit at the launch floor): a scale rule (Scale.cpp)
// grows the tensors, the integer size arguments and the grid together; each
// size is checked against Triton's PTX like the corpus size, then timed with
// the L2 cache flushed before every timed launch, and reported in GB/s.
//
//===----------------------------------------------------------------------===//

#include "GpuCheck.h"

#include <cuda.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <csignal>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <thread>

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace tritium::gpucheck;
using nlohmann::json;

namespace {

//===----------------------------------------------------------------------===//
// Small utilities
//===----------------------------------------------------------------------===//

__attribute__((format(printf, 1, 2))) std::string format(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  va_list copy;
  va_copy(copy, args);
  int size = std::vsnprintf(nullptr, 0, fmt, copy);
  va_end(copy);
  std::string text(size > 0 ? size : 0, '\0');
  std::vsnprintf(text.data(), text.size() + 1, fmt, args);
  va_end(args);
  return text;
}

const double kNaN = std::nan("");

std::string formatNumber(double value, const char *fmt = "%.3g") {
  return std::isnan(value) ? "-" : format(fmt, value);
}

uint64_t splitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

uint64_t fnv1a(const std::string &text) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : text)
    hash = (hash ^ c) * 0x100000001b3ull;
  return hash;
}

double median(std::vector<double> values) {
  if (values.empty())
    return kNaN;
  std::sort(values.begin(), values.end());
  size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid]
                           : 0.5 * (values[mid - 1] + values[mid]);
}

//===----------------------------------------------------------------------===//
// CUDA driver errors
//===----------------------------------------------------------------------===//

std::string cudaErrorText(CUresult code) {
  const char *name = nullptr, *text = nullptr;
  if (cuGetErrorName(code, &name) != CUDA_SUCCESS)
    name = nullptr;
  if (cuGetErrorString(code, &text) != CUDA_SUCCESS)
    text = nullptr;
  return format("%s (%s)",
                name ? name : format("CUresult %d", int(code)).c_str(),
                text ? text : "no description");
}

/// A failed driver call; the message names the step, the call and the error.
class CudaError : public CheckError {
public:
  CudaError(CUresult code, const std::string &step, std::string_view call)
      : CheckError(step + ": " + std::string(call.substr(0, call.find('('))) +
                   " failed: " + cudaErrorText(code)),
        code(code) {}
  CUresult code;
};

/// Called when a launch does not finish in time. The GPU stays busy with the
/// hung kernel, and freeing memory or unloading a module would wait on it
/// forever, so nothing may unwind: the handler reports and exits the process
/// (which is what frees the GPU).
std::function<void(const std::string &)> hangHandler;

#define CU_CHECK(call, step)                                                   \
  do {                                                                         \
    CUresult cuCheckResult = (call);                                           \
    if (cuCheckResult != CUDA_SUCCESS)                                         \
      throw CudaError(cuCheckResult, (step), #call);                           \
  } while (false)

//===----------------------------------------------------------------------===//
// Options
//===----------------------------------------------------------------------===//

struct Options {
  std::string corpusDir = "tests/corpus";
  bool all = false;
  std::vector<std::string> kernels;
  std::string candidateDir;
  std::map<std::string, std::string> candidatePtx; // kernel -> PTX path
  bool requireCandidate = false;
  uint64_t seed = 0;
  unsigned iters = 100, warmup = 10;
  double f32Tolerance = 1e-5;    // relative L2, float32 / float64 outputs
  double halfTolerance = 1e-2;   // relative L2, float16 / bfloat16 outputs
  double atomicTolerance = 1e-4; // floor for float outputs of atomic kernels
  unsigned timeoutMs = 10000;
  bool timing = true;
  std::string jsonPath;
  int device = 0;
  bool listOnly = false;
  bool verbose = false;
  bool fork = true; // one process per kernel (see runInChild)
  unsigned kernelTimeoutSeconds = 120;
  // Scaled sizes: explicit factors (--scale), or factors chosen per kernel
  // so that its tensors hold about these many bytes (--sweep).
  std::vector<uint64_t> scales;
  std::vector<uint64_t> sweepBytes;
  std::string scaleRulesPath;
  std::map<std::string, ScaleRule> scaleRules; // built-in + --scale-rules
  int flushL2 = -1;                            // -1: when sizes are scaled
  bool scaled() const { return !scales.empty() || !sweepBytes.empty(); }
  bool flushes() const { return flushL2 == 1 || (flushL2 == -1 && scaled()); }
};

/// One check to run: a kernel at a scale (1 and no rule: the corpus size).
struct WorkItem {
  std::string name;
  uint64_t scale = 1;
};

void printUsage(FILE *out) {
  std::fprintf(
      out,
      "usage: tritium-gpu-check [options] [KERNEL...]\n"
      "\n"
      "Checks each corpus kernel's candidate PTX against Triton's own PTX on\n"
      "fresh random inputs, then times both. Without a candidate for a "
      "kernel,\n"
      "Triton's PTX is loaded a second time and used as the candidate.\n"
      "\n"
      "  --corpus DIR          corpus root (default tests/corpus)\n"
      "  --all                 every DIR/NAME/NAME.json kernel\n"
      "  KERNEL...             the kernels to check (corpus directory names)\n"
      "  --candidate-dir DIR   candidate PTX: DIR/NAME.ptx or "
      "DIR/NAME/NAME.ptx,\n"
      "                        with NAME.meta.json beside it\n"
      "  --ptx NAME=FILE       candidate PTX for one kernel (repeatable)\n"
      "  --require-candidate   a kernel without a candidate is an ERROR\n"
      "  --seed N              input seed (default: fresh each run, printed)\n"
      "  --iters N             timed launches per kernel (default 100, min "
      "50)\n"
      "  --warmup N            untimed launches first (default 10)\n"
      "  --rtol X              float32 tolerance, relative L2 (default 1e-5)\n"
      "  --rtol-half X         float16/bfloat16 tolerance (default 1e-2)\n"
      "  --rtol-atomic X       float tolerance floor for kernels with atomics\n"
      "                        (default 1e-4: their summation order varies)\n"
      "  --timeout-ms N        per-launch watchdog (default 10000)\n"
      "  --kernel-timeout-s N  limit for one kernel's whole check; its\n"
      "                        process is killed after it (default 120)\n"
      "  --no-fork             check in this process (for debuggers); after\n"
      "                        a fault the remaining kernels are not run\n"
      "  --no-timing           check only\n"
      "  --json FILE           write the results as JSON\n"
      "  --device N            CUDA device ordinal (default 0)\n"
      "  --list                load and cross-check the descriptions and PTX\n"
      "                        signatures only; no GPU needed\n"
      "\n"
      "Sizes that fill the GPU (kernels with a scale rule; others skipped):\n"
      "  --scale K[,K...]      grow each kernel's size extent K times "
      "(tensors,\n"
      "                        integer size arguments and grid together)\n"
      "  --sweep               the corpus size, then sizes of about 32M, 256M\n"
      "                        and 1G bytes of tensors per kernel\n"
      "  --sweep-sizes S[,S..] the sweep's sizes in bytes (suffixes K, M, G)\n"
      "  --scale-rules FILE    add or replace scale rules (JSON, see "
      "Scale.cpp)\n"
      "  --list-scale-rules    print the scale rules and exit\n"
      "  --flush-l2 / --no-flush-l2\n"
      "                        memset a buffer of 4x the L2 size (>= 256 MiB)\n"
      "                        before every timed launch (default: when "
      "scaled)\n"
      "  -v, --verbose         per-output details\n");
}

[[noreturn]] void usageError(const std::string &message) {
  std::fprintf(stderr, "tritium-gpu-check: %s\n", message.c_str());
  printUsage(stderr);
  std::exit(2);
}

std::vector<std::string> splitList(const std::string &text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos)
      comma = text.size();
    if (comma > start)
      items.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

/// "256", or with suffixes "64K", "256M", "1G" (binary units); 0 when the
/// text is not such a number.
uint64_t parseSize(const std::string &text, bool suffixes) {
  char *end = nullptr;
  unsigned long long number = std::strtoull(text.c_str(), &end, 10);
  if (end == text.c_str())
    return 0;
  std::string unit(end);
  if (unit.empty())
    return number;
  if (!suffixes || unit.size() != 1)
    return 0;
  switch (std::toupper(static_cast<unsigned char>(unit[0]))) {
  case 'K':
    return number << 10;
  case 'M':
    return number << 20;
  case 'G':
    return number << 30;
  default:
    return 0;
  }
}

Options parseOptions(int argc, char **argv) {
  Options options;
  bool listScaleRules = false;
  // Fresh per run. Clock and pid rather than std::random_device, whose
  // libstdc++ uses arc4random and so would demand glibc 2.36 on the GPU host.
  options.seed = splitMix64(
      static_cast<uint64_t>(
          std::chrono::system_clock::now().time_since_epoch().count()) ^
      (static_cast<uint64_t>(::getpid()) << 32));
  options.seed %= 1000000000000ull; // short enough to retype
  auto value = [&](int &i) -> std::string {
    if (i + 1 >= argc)
      usageError(std::string(argv[i]) + " needs a value");
    return argv[++i];
  };
  auto number = [&](int &i) -> double {
    std::string text = value(i);
    char *end = nullptr;
    double parsed = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end)
      usageError("not a number: " + text);
    return parsed;
  };
  auto count = [&](int &i) -> uint64_t {
    std::string text = value(i);
    char *end = nullptr;
    unsigned long long parsed = std::strtoull(text.c_str(), &end, 10);
    if (end == text.c_str() || *end)
      usageError("not a non-negative integer: " + text);
    return parsed;
  };
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      printUsage(stdout);
      std::exit(0);
    } else if (arg == "--corpus") {
      options.corpusDir = value(i);
    } else if (arg == "--all") {
      options.all = true;
    } else if (arg == "--candidate-dir") {
      options.candidateDir = value(i);
    } else if (arg == "--ptx") {
      std::string spec = value(i);
      size_t eq = spec.find('=');
      if (eq == std::string::npos || eq == 0)
        usageError("--ptx wants NAME=FILE, got " + spec);
      options.candidatePtx[spec.substr(0, eq)] = spec.substr(eq + 1);
    } else if (arg == "--require-candidate") {
      options.requireCandidate = true;
    } else if (arg == "--seed") {
      options.seed = count(i);
    } else if (arg == "--iters") {
      options.iters = static_cast<unsigned>(count(i));
    } else if (arg == "--warmup") {
      options.warmup = static_cast<unsigned>(count(i));
    } else if (arg == "--rtol") {
      options.f32Tolerance = number(i);
    } else if (arg == "--rtol-half") {
      options.halfTolerance = number(i);
    } else if (arg == "--rtol-atomic") {
      options.atomicTolerance = number(i);
    } else if (arg == "--timeout-ms") {
      options.timeoutMs = static_cast<unsigned>(count(i));
    } else if (arg == "--no-timing") {
      options.timing = false;
    } else if (arg == "--json") {
      options.jsonPath = value(i);
    } else if (arg == "--device") {
      options.device = static_cast<int>(count(i));
    } else if (arg == "--no-fork") {
      options.fork = false;
    } else if (arg == "--kernel-timeout-s") {
      options.kernelTimeoutSeconds = static_cast<unsigned>(count(i));
    } else if (arg == "--list") {
      options.listOnly = true;
    } else if (arg == "--scale") {
      for (const std::string &item : splitList(value(i))) {
        uint64_t factor = parseSize(item, /*suffixes=*/false);
        if (factor == 0)
          usageError("--scale wants positive integers, got " + item);
        options.scales.push_back(factor);
      }
    } else if (arg == "--sweep") {
      if (options.sweepBytes.empty())
        options.sweepBytes = {uint64_t(32) << 20, uint64_t(256) << 20,
                              uint64_t(1) << 30};
    } else if (arg == "--sweep-sizes") {
      options.sweepBytes.clear();
      for (const std::string &item : splitList(value(i))) {
        uint64_t bytes = parseSize(item, /*suffixes=*/true);
        if (bytes == 0)
          usageError("--sweep-sizes wants sizes like 64M, got " + item);
        options.sweepBytes.push_back(bytes);
      }
    } else if (arg == "--scale-rules") {
      options.scaleRulesPath = value(i);
    } else if (arg == "--list-scale-rules") {
      listScaleRules = true;
    } else if (arg == "--flush-l2") {
      options.flushL2 = 1;
    } else if (arg == "--no-flush-l2") {
      options.flushL2 = 0;
    } else if (arg == "-v" || arg == "--verbose") {
      options.verbose = true;
    } else if (!arg.empty() && arg[0] == '-') {
      usageError("unknown option " + arg);
    } else {
      options.kernels.push_back(arg);
    }
  }
  if (options.iters < 50)
    usageError("--iters must be at least 50 (a median of fewer is noise)");
  if (!options.scales.empty() && !options.sweepBytes.empty())
    usageError("--scale and --sweep choose sizes differently: pass one");
  try {
    options.scaleRules = builtinScaleRules();
    if (!options.scaleRulesPath.empty()) {
      auto extra =
          parseScaleRules(parseLenientJson(readFile(options.scaleRulesPath),
                                           options.scaleRulesPath),
                          options.scaleRulesPath);
      for (auto &[kernel, rule] : extra)
        options.scaleRules[kernel] = std::move(rule);
    }
  } catch (const CheckError &error) {
    usageError(error.what());
  }
  if (listScaleRules) {
    for (const auto &[kernel, rule] : options.scaleRules) {
      std::string text;
      for (const auto &[arg, dim] : rule.tensorDims)
        text += " " + arg + "[" + std::to_string(dim) + "]";
      for (const std::string &name : rule.ints)
        text += " " + name;
      for (const ScaleRule::GridDim &grid : rule.grid)
        text += " grid[" + std::to_string(grid.dim) + "]=ceil(E/" +
                (grid.blockName.empty() ? std::to_string(grid.blockValue)
                                        : grid.blockName) +
                ")";
      std::printf("%-22s E:%s\n", kernel.c_str(), text.c_str());
    }
    std::exit(0);
  }
  if (!options.all && options.kernels.empty())
    usageError("name kernels or pass --all");
  return options;
}

/// Corpus kernels are the directories NAME holding NAME/NAME.json; others
/// (shared-triton-ir holds TTIR only) are listed as skipped.
std::vector<std::string> discoverKernels(const std::string &corpusDir,
                                         std::vector<std::string> &skipped) {
  namespace fs = std::filesystem;
  std::vector<std::string> names;
  std::error_code error;
  for (const fs::directory_entry &entry :
       fs::directory_iterator(corpusDir, error)) {
    if (!entry.is_directory())
      continue;
    std::string name = entry.path().filename().string();
    if (fileExists(entry.path().string() + "/" + name + ".json"))
      names.push_back(name);
    else
      skipped.push_back(name);
  }
  if (error)
    throw CheckError("cannot list " + corpusDir + ": " + error.message());
  std::sort(names.begin(), names.end());
  std::sort(skipped.begin(), skipped.end());
  return names;
}

//===----------------------------------------------------------------------===//
// What gets launched
//===----------------------------------------------------------------------===//

/// One compiled kernel and how to launch it.
struct LaunchTarget {
  std::string label; // "triton", "tritium" or "self" (Triton's PTX again)
  std::string ptxPath;
  std::string ptx;
  PtxInfo info;
  std::string symbol;
  unsigned numWarps = 4;
  unsigned sharedBytes = 0;
  uint64_t globalScratchSize = 0, globalScratchAlign = 1;
  uint64_t profileScratchSize = 0, profileScratchAlign = 1;
};

LaunchTarget referenceTarget(const KernelSpec &spec) {
  LaunchTarget target;
  target.label = "triton";
  target.ptxPath = spec.dir + "/" + spec.name + ".triton.ptx";
  target.ptx = readFile(target.ptxPath);
  target.info = parsePtx(target.ptx);
  target.symbol = spec.symbol;
  target.numWarps = spec.numWarps;
  target.sharedBytes = spec.sharedBytes;
  target.globalScratchSize = spec.globalScratchSize;
  target.globalScratchAlign = spec.globalScratchAlign;
  target.profileScratchSize = spec.profileScratchSize;
  target.profileScratchAlign = spec.profileScratchAlign;
  return target;
}

std::optional<std::string> findCandidatePtx(const Options &options,
                                            const std::string &name) {
  if (auto it = options.candidatePtx.find(name);
      it != options.candidatePtx.end())
    return it->second;
  if (!options.candidateDir.empty()) {
    for (std::string path :
         {options.candidateDir + "/" + name + ".ptx",
          options.candidateDir + "/" + name + "/" + name + ".ptx"})
      if (fileExists(path))
        return path;
  }
  return std::nullopt;
}

/// Tritium's candidate: NAME.ptx plus NAME.meta.json ({"name", "num_warps",
/// "shared"}, optionally the scratch sizes). Without the meta file the
/// reference's launch parameters are assumed, and a note says so.
LaunchTarget candidateTarget(const std::string &ptxPath,
                             const LaunchTarget &reference,
                             std::vector<std::string> &notes) {
  LaunchTarget target = reference;
  target.label = "tritium";
  target.ptxPath = ptxPath;
  target.ptx = readFile(ptxPath);
  target.info = parsePtx(target.ptx);
  std::string metaPath = ptxPath;
  if (metaPath.size() > 4 && metaPath.ends_with(".ptx"))
    metaPath.resize(metaPath.size() - 4);
  metaPath += ".meta.json";
  if (!fileExists(metaPath)) {
    notes.push_back("no " + metaPath +
                    ": launched with Triton's name, "
                    "num_warps and shared");
    return target;
  }
  json meta = parseLenientJson(readFile(metaPath), metaPath);
  for (const char *key : {"name", "num_warps", "shared"})
    if (!meta.contains(key))
      throw CheckError(metaPath + ": missing \"" + key + "\"");
  target.symbol = meta.at("name").get<std::string>();
  target.numWarps = meta.at("num_warps").get<unsigned>();
  target.sharedBytes = meta.at("shared").get<unsigned>();
  target.globalScratchSize = meta.value("global_scratch_size", uint64_t(0));
  target.globalScratchAlign = meta.value("global_scratch_align", uint64_t(1));
  target.profileScratchSize = meta.value("profile_scratch_size", uint64_t(0));
  target.profileScratchAlign = meta.value("profile_scratch_align", uint64_t(1));
  return target;
}

/// Checks a target's PTX before it is loaded: the entry exists, its
/// parameters match the description, its thread count matches num_warps.
void checkTargetSignature(const LaunchTarget &target, const KernelSpec &spec) {
  const PtxEntry *entry = target.info.findEntry(target.symbol);
  if (!entry) {
    std::string names;
    for (const PtxEntry &e : target.info.entries)
      names += (names.empty() ? "" : ", ") + e.name;
    throw CheckError(target.label + ": no .entry '" + target.symbol + "' in " +
                     target.ptxPath +
                     " (entries: " + (names.empty() ? "none" : names) + ")");
  }
  std::string abi = checkEntryAbi(*entry, spec);
  if (!abi.empty())
    throw CheckError(target.label + ": ABI mismatch: " + abi);
  unsigned threads = target.numWarps * 32;
  if (entry->reqNtid && entry->reqNtid != threads)
    throw CheckError(target.label + format(": .reqntid %u but num_warps %u "
                                           "launches %u threads",
                                           entry->reqNtid, target.numWarps,
                                           threads));
  if (entry->maxNtid && entry->maxNtid < threads)
    throw CheckError(target.label + format(": .maxntid %u < %u threads",
                                           entry->maxNtid, threads));
}

//===----------------------------------------------------------------------===//
// GPU session: the device, its primary context, a spin kernel for timing
//===----------------------------------------------------------------------===//

// Holds the stream busy for a given number of nanoseconds, so the host can
// queue a whole batch of timed launches behind it: the events then measure
// the kernels back to back, not the host's launch latency.
constexpr const char *kSpinPtx = R"(
.version 7.0
.target sm_70
.address_size 64
.visible .entry tritium_gpu_check_spin(.param .u64 duration_ns)
{
  .reg .pred %p<2>;
  .reg .b64 %rd<5>;
  ld.param.u64 %rd1, [duration_ns];
  mov.u64 %rd2, %globaltimer;
  add.u64 %rd3, %rd2, %rd1;
$L_spin:
  mov.u64 %rd4, %globaltimer;
  setp.lt.u64 %p1, %rd4, %rd3;
  @%p1 bra $L_spin;
  ret;
}
)";

class GpuSession {
public:
  GpuSession(int ordinal, unsigned timeoutMs) : timeoutMs(timeoutMs) {
    CU_CHECK(cuInit(0), "init");
    int count = 0;
    CU_CHECK(cuDeviceGetCount(&count), "init");
    if (ordinal >= count)
      throw CheckError(
          format("init: device %d requested, %d present", ordinal, count));
    CU_CHECK(cuDeviceGet(&device, ordinal), "init");
    char name[256] = {};
    CU_CHECK(cuDeviceGetName(name, sizeof(name), device), "init");
    deviceName = name;
    CU_CHECK(cuDriverGetVersion(&driverVersion), "init");
    CU_CHECK(cuDeviceGetAttribute(
                 &smCount, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device),
             "init");
    CU_CHECK(cuDeviceGetAttribute(&ccMajor,
                                  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
                                  device),
             "init");
    CU_CHECK(cuDeviceGetAttribute(&ccMinor,
                                  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
                                  device),
             "init");
    CU_CHECK(cuDeviceGetAttribute(
                 &sharedOptin,
                 CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, device),
             "init");
    CU_CHECK(cuDeviceGetAttribute(&l2Bytes, CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE,
                                  device),
             "init");
    openContext();
  }

  ~GpuSession() {
    if (spinModule)
      cuModuleUnload(spinModule);
    if (context)
      cuDevicePrimaryCtxRelease(device);
  }

  /// Waits for everything queued on the legacy stream, polling so a hung
  /// kernel is reported rather than waited on forever.
  void waitIdle(const std::string &step) const { waitIdle(step, timeoutMs); }
  void waitIdle(const std::string &step, uint64_t limitMs) const {
    auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(limitMs);
    for (;;) {
      CUresult state = cuStreamQuery(nullptr);
      if (state == CUDA_SUCCESS)
        return;
      if (state != CUDA_ERROR_NOT_READY)
        throw CudaError(state, step, "cuStreamQuery");
      if (std::chrono::steady_clock::now() > deadline) {
        std::string what =
            format("%s: not finished after %llu ms (hung "
                   "kernel?)",
                   step.c_str(), static_cast<unsigned long long>(limitMs));
        if (hangHandler)
          hangHandler(what);
        std::fprintf(stderr, "tritium-gpu-check: %s\n", what.c_str());
        std::_Exit(3);
      }
      std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
  }

  void launchSpin(uint64_t nanoseconds) const {
    void *params[] = {&nanoseconds};
    CU_CHECK(cuLaunchKernel(spinFunction, 1, 1, 1, 32, 1, 1, 0, nullptr, params,
                            nullptr),
             "timing: spin kernel");
  }

  CUdevice device = 0;
  CUcontext context = nullptr;
  std::string deviceName;
  int driverVersion = 0, smCount = 0, ccMajor = 0, ccMinor = 0;
  int sharedOptin = 0;
  int l2Bytes = 0;
  unsigned timeoutMs;

private:
  void openContext() {
    CU_CHECK(cuDevicePrimaryCtxRetain(&context, device), "context");
    CU_CHECK(cuCtxSetCurrent(context), "context");
    CU_CHECK(cuModuleLoadData(&spinModule, kSpinPtx), "spin kernel load");
    CU_CHECK(cuModuleGetFunction(&spinFunction, spinModule,
                                 "tritium_gpu_check_spin"),
             "spin kernel load");
  }

  CUmodule spinModule = nullptr;
  CUfunction spinFunction = nullptr;
};

//===----------------------------------------------------------------------===//
// Device resources of one kernel check
//===----------------------------------------------------------------------===//

/// A device allocation with canary guard zones on both sides: a write just
/// past either end of a tensor shows up as a changed guard byte.
class DeviceBuffer {
public:
  static constexpr size_t kGuardBytes = 1024; // keeps data 256-byte aligned
  static constexpr uint8_t kCanary = 0x5c;

  DeviceBuffer() = default;
  DeviceBuffer(size_t bytes, uint64_t align, const std::string &step)
      : dataBytes(bytes), align(std::max<uint64_t>(align, 1)) {
    // cuMemAlloc aligns to 256 bytes; over-allocate for stricter requests.
    size_t slack = this->align > 256 ? this->align : 0;
    totalBytes = dataBytes + 2 * kGuardBytes + slack;
    CU_CHECK(cuMemAlloc(&base, totalBytes), step);
  }
  DeviceBuffer(const DeviceBuffer &) = delete;
  DeviceBuffer &operator=(const DeviceBuffer &) = delete;
  DeviceBuffer(DeviceBuffer &&other) noexcept { *this = std::move(other); }
  DeviceBuffer &operator=(DeviceBuffer &&other) noexcept {
    std::swap(base, other.base);
    std::swap(totalBytes, other.totalBytes);
    std::swap(dataBytes, other.dataBytes);
    std::swap(align, other.align);
    return *this;
  }
  ~DeviceBuffer() {
    if (base)
      cuMemFree(base); // may fail on a broken context; nothing to do then
  }

  CUdeviceptr data() const {
    CUdeviceptr start = base + kGuardBytes;
    return (start + align - 1) / align * align;
  }
  size_t size() const { return dataBytes; }
  CUdeviceptr guardStart() const { return data() - kGuardBytes; }
  size_t guardedBytes() const { return dataBytes + 2 * kGuardBytes; }

private:
  CUdeviceptr base = 0;
  size_t totalBytes = 0, dataBytes = 0;
  uint64_t align = 1;
};

/// A loaded PTX module and its kernel function.
struct LoadedKernel {
  CUmodule module = nullptr;
  CUfunction function = nullptr;
  int registers = -1, localBytes = -1, staticShared = -1, maxThreads = -1;
  LoadedKernel() = default;
  LoadedKernel(const LoadedKernel &) = delete;
  LoadedKernel &operator=(const LoadedKernel &) = delete;
  ~LoadedKernel() {
    if (module)
      cuModuleUnload(module);
  }
};

void loadKernel(LoadedKernel &kernel, const LaunchTarget &target,
                const GpuSession &session) {
  const std::string step = target.label + ": load";
  // JIT logs: ptxas's complaints are the most useful part of a load error.
  std::vector<char> errorLog(16384, '\0'), infoLog(16384, '\0');
  CUjit_option keys[] = {
      CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
      CU_JIT_INFO_LOG_BUFFER, CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES};
  void *values[] = {
      errorLog.data(), reinterpret_cast<void *>(uintptr_t(errorLog.size() - 1)),
      infoLog.data(), reinterpret_cast<void *>(uintptr_t(infoLog.size() - 1))};
  CUresult loaded =
      cuModuleLoadDataEx(&kernel.module, target.ptx.c_str(), 4, keys, values);
  if (loaded != CUDA_SUCCESS) {
    kernel.module = nullptr;
    std::string log(errorLog.data());
    std::replace(log.begin(), log.end(), '\n', ' ');
    if (log.size() > 400)
      log = log.substr(0, 400) + "...";
    throw CheckError(step + ": cuModuleLoadDataEx failed: " +
                     cudaErrorText(loaded) + (log.empty() ? "" : ": " + log));
  }
  CU_CHECK(cuModuleGetFunction(&kernel.function, kernel.module,
                               target.symbol.c_str()),
           step + " '" + target.symbol + "'");
  auto attribute = [&](CUfunction_attribute which, int &out) {
    CU_CHECK(cuFuncGetAttribute(&out, which, kernel.function), step);
  };
  attribute(CU_FUNC_ATTRIBUTE_NUM_REGS, kernel.registers);
  attribute(CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES, kernel.localBytes);
  attribute(CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES, kernel.staticShared);
  attribute(CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, kernel.maxThreads);

  unsigned threads = target.numWarps * 32;
  if (kernel.maxThreads < static_cast<int>(threads))
    throw CheckError(step + format(": at most %d threads per block (%d "
                                   "registers), %u needed",
                                   kernel.maxThreads, kernel.registers,
                                   threads));
  uint64_t sharedTotal = uint64_t(target.sharedBytes) + kernel.staticShared;
  if (sharedTotal > uint64_t(session.sharedOptin))
    throw CheckError(step + format(": needs %u dynamic + %d static bytes of "
                                   "shared memory, the device allows %d",
                                   target.sharedBytes, kernel.staticShared,
                                   session.sharedOptin));
  // Above 48 KiB of dynamic shared memory a kernel must opt in.
  if (target.sharedBytes > 48 * 1024)
    CU_CHECK(cuFuncSetAttribute(kernel.function,
                                CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                static_cast<int>(target.sharedBytes)),
             step + " (dynamic shared memory opt-in)");
}

/// The parameter values of one target: the IR arguments, then the two
/// scratch pointers (null when the kernel asks for no scratch).
struct ParamPack {
  std::vector<uint64_t> slots; // each value little-endian in its own slot
  std::vector<void *> pointers;
  DeviceBuffer globalScratch, profileScratch;
};

void buildParams(ParamPack &pack, const LaunchTarget &target,
                 const KernelSpec &spec,
                 const std::vector<DeviceBuffer> &buffers) {
  pack.slots.clear();
  for (size_t i = 0; i < spec.args.size(); ++i) {
    const ArgSpec &arg = spec.args[i];
    if (!arg.inIR)
      continue;
    uint64_t slot = 0;
    if (arg.isTensor) {
      slot = buffers[i].data();
    } else if (!arg.scalarIsInt) {
      if (arg.dtype == DType::F64) {
        std::memcpy(&slot, &arg.floatValue, 8);
      } else if (arg.dtype == DType::F16) {
        uint16_t h = floatToHalf(static_cast<float>(arg.floatValue));
        std::memcpy(&slot, &h, 2);
      } else if (arg.dtype == DType::BF16) {
        uint16_t h = floatToBf16(static_cast<float>(arg.floatValue));
        std::memcpy(&slot, &h, 2);
      } else {
        float f = static_cast<float>(arg.floatValue);
        std::memcpy(&slot, &f, 4);
      }
    } else {
      // Two's complement truncation to the parameter's width is what the
      // driver copies (it reads only the low bytes of the slot).
      std::memcpy(&slot, &arg.intValue, 8);
    }
    pack.slots.push_back(slot);
  }
  // Triton's launcher allocates scratch per program (and per CTA).
  uint64_t programs = spec.numPrograms() * spec.numCtas;
  if (target.globalScratchSize)
    pack.globalScratch = DeviceBuffer(target.globalScratchSize * programs,
                                      target.globalScratchAlign,
                                      target.label + ": global scratch");
  if (target.profileScratchSize)
    pack.profileScratch = DeviceBuffer(target.profileScratchSize * programs,
                                       target.profileScratchAlign,
                                       target.label + ": profile scratch");
  pack.slots.push_back(target.globalScratchSize ? pack.globalScratch.data()
                                                : 0);
  pack.slots.push_back(target.profileScratchSize ? pack.profileScratch.data()
                                                 : 0);
  pack.pointers.clear();
  for (uint64_t &slot : pack.slots)
    pack.pointers.push_back(&slot);
}

void launch(const LoadedKernel &kernel, const LaunchTarget &target,
            const KernelSpec &spec, ParamPack &params,
            const std::string &step) {
  CU_CHECK(cuLaunchKernel(kernel.function, spec.grid[0], spec.grid[1],
                          spec.grid[2], target.numWarps * 32, 1, 1,
                          target.sharedBytes, nullptr, params.pointers.data(),
                          nullptr),
           step);
}

//===----------------------------------------------------------------------===//
// One kernel
//===----------------------------------------------------------------------===//

struct KernelResult {
  std::string name;
  std::string status = "PASS"; // PASS, FAIL, ERROR, NOTRUN (OK: --list)
  std::string reason;
  std::string candidate; // tritium / self / -
  double maxAbsErr = kNaN, worstRelL2 = kNaN;
  double tritonUs = kNaN, tritiumUs = kNaN;
  double tritonMinUs = kNaN, tritiumMinUs = kNaN;
  int refRegisters = -1, candRegisters = -1;
  int refLocalBytes = -1, candLocalBytes = -1;
  std::vector<TensorComparison> outputs;
  std::vector<std::string> notes;
  // The size it ran at: the scale factor (1: the corpus size), the scaled
  // sizes in words, the grid, and the bytes its tensors hold (GB/s).
  uint64_t scale = 1;
  std::string size;
  std::array<unsigned, 3> grid{0, 0, 0};
  uint64_t bytes = 0;
  bool scaled = false; // run under --scale / --sweep

  void fail(const std::string &why) {
    if (status == "PASS")
      status = "FAIL";
    reason += (reason.empty() ? "" : "; ") + why;
  }
};

/// What one correctness launch left in device memory.
struct LaunchOutcome {
  std::vector<HostTensor> tensors; // per argument (empty for scalars)
  std::vector<std::string> guardHits;
};

/// Restores inputs, poisons outputs, launches once, reads everything back.
LaunchOutcome runOnce(const GpuSession &session, const KernelSpec &spec,
                      const std::vector<HostTensor> &inputs,
                      const std::vector<DeviceBuffer> &buffers,
                      const LoadedKernel &kernel, const LaunchTarget &target,
                      ParamPack &params) {
  const std::string &who = target.label;
  for (size_t i = 0; i < spec.args.size(); ++i) {
    if (!spec.args[i].isTensor)
      continue;
    const DeviceBuffer &buffer = buffers[i];
    CU_CHECK(cuMemsetD8(buffer.guardStart(), DeviceBuffer::kCanary,
                        buffer.guardedBytes()),
             who + ": guard fill");
    if (buffer.size() == 0)
      continue;
    if (spec.args[i].role == Role::Out)
      // 0xFF bytes: NaN in every float type, -1 in the integers. Nothing the
      // kernel forgets to write can then pass for a computed value.
      CU_CHECK(cuMemsetD8(buffer.data(), 0xff, buffer.size()),
               who + ": poison outputs");
    else
      CU_CHECK(
          cuMemcpyHtoD(buffer.data(), inputs[i].bytes.data(), buffer.size()),
          who + ": copy inputs");
  }
  session.waitIdle(who + ": prepare buffers");
  launch(kernel, target, spec, params, who + ": launch");
  session.waitIdle(who + ": run");

  LaunchOutcome outcome;
  outcome.tensors.resize(spec.args.size());
  std::vector<uint8_t> staging;
  for (size_t i = 0; i < spec.args.size(); ++i) {
    if (!spec.args[i].isTensor)
      continue;
    const DeviceBuffer &buffer = buffers[i];
    staging.resize(buffer.guardedBytes());
    CU_CHECK(cuMemcpyDtoH(staging.data(), buffer.guardStart(), staging.size()),
             who + ": copy back");
    HostTensor &tensor = outcome.tensors[i];
    tensor.dtype = spec.args[i].dtype;
    tensor.numel = spec.args[i].numel;
    const uint8_t *dataStart = staging.data() + DeviceBuffer::kGuardBytes;
    tensor.bytes.assign(dataStart, dataStart + buffer.size());
    size_t before = 0, after = 0;
    for (size_t b = 0; b < DeviceBuffer::kGuardBytes; ++b) {
      before += staging[b] != DeviceBuffer::kCanary;
      after += dataStart[buffer.size() + b] != DeviceBuffer::kCanary;
    }
    if (before || after)
      outcome.guardHits.push_back(
          format("'%s' (%zu bytes changed before it, %zu after it)",
                 spec.args[i].name.c_str(), before, after));
  }
  return outcome;
}

/// Elements of a float tensor that still hold the 0xFF poison, and NaNs the
/// kernel produced itself.
std::pair<int64_t, int64_t> countPoisonAndNaN(const HostTensor &tensor) {
  int64_t poison = 0, nans = 0;
  size_t width = dtypeSize(tensor.dtype);
  for (int64_t i = 0; i < tensor.numel; ++i) {
    const uint8_t *at = tensor.bytes.data() + i * width;
    bool allOnes =
        std::all_of(at, at + width, [](uint8_t b) { return b == 0xff; });
    if (allOnes)
      ++poison;
    else if (std::isnan(elementAsDouble(tensor, i)))
      ++nans;
  }
  return {poison, nans};
}

/// Times reference and candidate interleaved (A B A B ...), each launch
/// between its own pair of events, in batches queued behind a spin kernel.
void timeKernels(const GpuSession &session, const KernelSpec &spec,
                 const LaunchTarget *targets[2], const LoadedKernel *kernels[2],
                 ParamPack *params[2], const Options &options,
                 KernelResult &result) {
  // With --flush-l2, every timed launch starts with a cold L2: a memset of a
  // buffer several times the L2's size runs before it, outside its events.
  DeviceBuffer flush;
  uint32_t flushValue = 0;
  if (options.flushes()) {
    size_t bytes = std::max<size_t>(size_t(4) * session.l2Bytes, 256u << 20);
    flush = DeviceBuffer(bytes, 256, "timing: L2 flush buffer");
  }
  auto flushL2 = [&] {
    if (flush.size())
      CU_CHECK(cuMemsetD32Async(flush.data(), ++flushValue, flush.size() / 4,
                                nullptr),
               "timing: L2 flush");
  };
  // The watchdog is per launch; a batch of launches gets a limit scaled
  // from the warm-up's pace, so a slow kernel is not taken for a hung one
  // and a hang during timing is still caught in reasonable time.
  auto warmupStart = std::chrono::steady_clock::now();
  for (unsigned i = 0; i < options.warmup; ++i)
    for (int t = 0; t < 2; ++t)
      launch(*kernels[t], *targets[t], spec, *params[t],
             "timing: warm-up launch");
  session.waitIdle("timing: warm-up", uint64_t(session.timeoutMs) *
                                          std::max(1u, 2 * options.warmup));
  double msPerLaunch = std::chrono::duration<double, std::milli>(
                           std::chrono::steady_clock::now() - warmupStart)
                           .count() /
                       std::max(1u, 2 * options.warmup);

  constexpr unsigned kBatch = 64;
  std::vector<CUevent> events(4 * kBatch, nullptr);
  struct EventGuard {
    std::vector<CUevent> &events;
    ~EventGuard() {
      for (CUevent e : events)
        if (e)
          cuEventDestroy(e);
    }
  } guard{events};
  for (CUevent &e : events)
    CU_CHECK(cuEventCreate(&e, CU_EVENT_DEFAULT), "timing: event create");

  std::vector<double> times[2];
  uint64_t spinNs = 2'000'000; // grows if the host needs longer to queue
  for (unsigned done = 0; done < options.iters;) {
    unsigned count = std::min(kBatch, options.iters - done);
    session.launchSpin(spinNs);
    auto queueStart = std::chrono::steady_clock::now();
    for (unsigned i = 0; i < count; ++i) {
      for (int t = 0; t < 2; ++t) {
        CUevent start = events[4 * i + 2 * t], stop = events[4 * i + 2 * t + 1];
        flushL2();
        CU_CHECK(cuEventRecord(start, nullptr), "timing: event record");
        launch(*kernels[t], *targets[t], spec, *params[t], "timing: launch");
        CU_CHECK(cuEventRecord(stop, nullptr), "timing: event record");
      }
    }
    uint64_t queueNs = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::steady_clock::now() - queueStart)
                           .count();
    session.waitIdle("timing: run",
                     session.timeoutMs + spinNs / 1'000'000 +
                         static_cast<uint64_t>(20.0 * msPerLaunch * 2 * count));
    for (unsigned i = 0; i < count; ++i) {
      for (int t = 0; t < 2; ++t) {
        float ms = 0.0f;
        CU_CHECK(cuEventElapsedTime(&ms, events[4 * i + 2 * t],
                                    events[4 * i + 2 * t + 1]),
                 "timing: elapsed time");
        times[t].push_back(ms * 1000.0);
      }
    }
    // If queueing outran the spin, the launches of this batch may have
    // waited on the host; keep it but give the next batch more room.
    if (queueNs > spinNs / 2)
      spinNs = std::min<uint64_t>(4 * queueNs, 200'000'000);
    done += count;
  }
  result.tritonUs = median(times[0]);
  result.tritiumUs = median(times[1]);
  result.tritonMinUs = *std::min_element(times[0].begin(), times[0].end());
  result.tritiumMinUs = *std::min_element(times[1].begin(), times[1].end());
}

double toleranceFor(DType dtype, bool atomics, const Options &options) {
  double tolerance = (dtype == DType::F16 || dtype == DType::BF16)
                         ? options.halfTolerance
                         : options.f32Tolerance;
  return atomics ? std::max(tolerance, options.atomicTolerance) : tolerance;
}

/// The corpus description of \p item's kernel, scaled as it asks (with
/// --scale / --sweep the rule is applied even at scale 1: it checks the rule
/// and names the size). Fills in what the result reports of the size.
KernelSpec loadScaledSpec(const WorkItem &item, const Options &options,
                          KernelResult &result) {
  result.scale = item.scale;
  result.scaled = options.scaled();
  KernelSpec spec = loadKernelSpec(options.corpusDir, item.name);
  if (options.scaled()) {
    auto rule = options.scaleRules.find(item.name);
    if (rule == options.scaleRules.end())
      throw CheckError("no scale rule for " + item.name);
    applyScale(spec, rule->second, item.scale);
  }
  result.scale = spec.scale;
  result.size = spec.sizeText;
  result.grid = spec.grid;
  result.bytes = tensorTraffic(spec);
  return spec;
}

KernelResult checkKernel(const GpuSession &session, const WorkItem &item,
                         const Options &options) {
  const std::string &name = item.name;
  KernelResult result;
  result.name = name;
  try {
    KernelSpec spec = loadScaledSpec(item, options, result);
    for (const std::string &odd : spec.oddities)
      result.notes.push_back("corpus: " + odd);
    if (spec.numCtas != 1 || spec.cooperativeGrid || spec.programmaticLaunch)
      throw CheckError(format("launch needs num_ctas=%u cooperative=%d pdl=%d, "
                              "which this harness does not do",
                              spec.numCtas, spec.cooperativeGrid,
                              spec.programmaticLaunch));
    if (spec.grid[1] > 65535 || spec.grid[2] > 65535)
      throw CheckError("grid y/z above 65535");

    LaunchTarget reference = referenceTarget(spec);
    checkTargetSignature(reference, spec);
    LaunchTarget candidate;
    if (std::optional<std::string> path = findCandidatePtx(options, name)) {
      candidate = candidateTarget(*path, reference, result.notes);
      checkTargetSignature(candidate, spec);
    } else if (options.requireCandidate) {
      throw CheckError("no candidate PTX");
    } else {
      candidate = reference;
      candidate.label = "self";
    }
    result.candidate = candidate.label;
    bool printKernel = reference.info.usesPrintf || reference.info.usesAssert;
    bool atomics = reference.info.usesAtomics;

    // Fresh inputs: the kernel's own stream of the run's seed, so one
    // kernel's data does not depend on which others were selected.
    std::mt19937_64 rng(splitMix64(options.seed ^ fnv1a(name)));
    std::vector<HostTensor> inputs(spec.args.size());
    std::vector<DeviceBuffer> buffers(spec.args.size());
    for (size_t i = 0; i < spec.args.size(); ++i) {
      const ArgSpec &arg = spec.args[i];
      if (!arg.isTensor)
        continue;
      inputs[i] = makeHostTensor(arg, rng);
      buffers[i] =
          DeviceBuffer(inputs[i].bytes.size(), 16, "alloc '" + arg.name + "'");
    }

    LoadedKernel refKernel, candKernel;
    loadKernel(refKernel, reference, session);
    loadKernel(candKernel, candidate, session);
    result.refRegisters = refKernel.registers;
    result.refLocalBytes = refKernel.localBytes;
    result.candRegisters = candKernel.registers;
    result.candLocalBytes = candKernel.localBytes;
    ParamPack refParams, candParams;
    buildParams(refParams, reference, spec, buffers);
    buildParams(candParams, candidate, spec, buffers);

    LaunchOutcome refOut = runOnce(session, spec, inputs, buffers, refKernel,
                                   reference, refParams);
    LaunchOutcome candOut = runOnce(session, spec, inputs, buffers, candKernel,
                                    candidate, candParams);

    // Corpus sanity, from the reference's behaviour.
    for (const std::string &hit : refOut.guardHits)
      result.notes.push_back("corpus: the reference wrote outside " + hit +
                             ": the described shape is too small");
    for (size_t i = 0; i < spec.args.size(); ++i) {
      const ArgSpec &arg = spec.args[i];
      if (!arg.isTensor)
        continue;
      bool refWroteInput =
          arg.role == Role::In && refOut.tensors[i].bytes != inputs[i].bytes;
      bool candWroteInput =
          arg.role == Role::In && candOut.tensors[i].bytes != inputs[i].bytes;
      if (refWroteInput)
        result.notes.push_back("corpus: '" + arg.name +
                               "' has role in, but the reference writes it; "
                               "compared as an output");
      else if (candWroteInput)
        result.fail("candidate wrote to input '" + arg.name + "'");
      if (arg.role == Role::In && !refWroteInput)
        continue;
      if (arg.role == Role::Out && isFloat(arg.dtype)) {
        auto [poison, nans] = countPoisonAndNaN(refOut.tensors[i]);
        if (poison)
          result.notes.push_back(format(
              "the reference left %lld of %lld elements of '%s' unwritten",
              static_cast<long long>(poison), static_cast<long long>(arg.numel),
              arg.name.c_str()));
        if (nans)
          result.notes.push_back(
              format("the reference computed %lld NaN in '%s'",
                     static_cast<long long>(nans), arg.name.c_str()));
      }
      TensorComparison comparison =
          compareTensors(arg.name, refOut.tensors[i], candOut.tensors[i],
                         toleranceFor(arg.dtype, atomics, options));
      if (!comparison.passed) {
        if (printKernel)
          result.notes.push_back("output differs (" + comparison.detail +
                                 "), not failed: print/assert kernel");
        else
          result.fail(comparison.detail);
      }
      result.outputs.push_back(std::move(comparison));
    }
    for (const std::string &hit : candOut.guardHits) {
      bool refToo = std::find(refOut.guardHits.begin(), refOut.guardHits.end(),
                              hit) != refOut.guardHits.end();
      if (!refToo)
        result.fail("candidate wrote outside " + hit);
    }
    for (const TensorComparison &c : result.outputs) {
      result.maxAbsErr = std::isnan(result.maxAbsErr)
                             ? c.maxAbsErr
                             : std::max(result.maxAbsErr, c.maxAbsErr);
      if (isFloat(c.dtype))
        result.worstRelL2 = std::isnan(result.worstRelL2)
                                ? c.relL2Err
                                : std::max(result.worstRelL2, c.relL2Err);
    }
    bool floatOutputs =
        std::any_of(result.outputs.begin(), result.outputs.end(),
                    [](const TensorComparison &c) { return isFloat(c.dtype); });
    if (atomics && floatOutputs)
      result.notes.push_back("atomics: float outputs compared within " +
                             formatNumber(options.atomicTolerance));
    if (printKernel)
      result.notes.push_back(reference.info.usesPrintf
                                 ? "device_print kernel: output not failed"
                                 : "device_assert kernel: output not failed");

    if (options.timing) {
      const LaunchTarget *targets[2] = {&reference, &candidate};
      const LoadedKernel *kernels[2] = {&refKernel, &candKernel};
      ParamPack *params[2] = {&refParams, &candParams};
      timeKernels(session, spec, targets, kernels, params, options, result);
    }
  } catch (const CheckError &error) {
    result.status = "ERROR";
    result.reason = error.what();
  } catch (const std::exception &error) {
    result.status = "ERROR";
    result.reason = std::string("unexpected: ") + error.what();
  }
  return result;
}

/// --list: loads every description and cross-checks its PTX, no GPU needed.
KernelResult listKernel(const WorkItem &item, const Options &options) {
  const std::string &name = item.name;
  KernelResult result;
  result.name = name;
  try {
    KernelSpec spec = loadScaledSpec(item, options, result);
    for (const std::string &odd : spec.oddities)
      result.notes.push_back("corpus: " + odd);
    LaunchTarget reference = referenceTarget(spec);
    checkTargetSignature(reference, spec);
    if (std::optional<std::string> path = findCandidatePtx(options, name)) {
      LaunchTarget candidate = candidateTarget(*path, reference, result.notes);
      checkTargetSignature(candidate, spec);
      result.candidate = "tritium";
    } else {
      result.candidate = options.requireCandidate ? "-" : "self";
    }
    std::string args;
    for (const ArgSpec &arg : spec.args) {
      if (!arg.inIR)
        continue;
      args += (args.empty() ? "" : " ") + arg.name + ":" +
              (arg.isTensor ? std::string(roleName(arg.role)) + "/" : "") +
              dtypeName(arg.dtype);
    }
    result.reason = format("grid %ux%ux%u warps %u shared %u %s", spec.grid[0],
                           spec.grid[1], spec.grid[2], spec.numWarps,
                           spec.sharedBytes, args.c_str());
    if (result.scaled)
      result.reason = format("scale %llu: %s, %.1f MB; ",
                             static_cast<unsigned long long>(spec.scale),
                             spec.sizeText.c_str(), result.bytes / 1e6) +
                      result.reason;
    for (const ArgSpec &arg : spec.args)
      if (arg.isTensor && !knownInitKind(arg.init.kind))
        throw CheckError("tensor '" + arg.name + "': unknown init kind '" +
                         arg.init.kind + "'");
    result.status = "OK";
  } catch (const CheckError &error) {
    result.status = "ERROR";
    result.reason = error.what();
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Report
//===----------------------------------------------------------------------===//

double gbPerSecond(uint64_t bytes, double us) {
  return bytes && us > 0 ? bytes / (us * 1e3) : kNaN;
}

/// The table of scaled runs: one line per kernel and size, with the bytes
/// its tensors hold and both kernels' bandwidth.
void printSweepTable(FILE *out, const std::vector<KernelResult> &results,
                     bool verbose) {
  std::fprintf(
      out, "%-20s %6s %-18s %-14s %9s %10s %10s %9s %9s %6s %-6s %-7s %s\n",
      "kernel", "scale", "size", "grid", "MB", "triton_us", "tritium_us",
      "triton", "tritium", "ratio", "status", "cand", "reason / notes");
  std::fprintf(out, "%-20s %6s %-18s %-14s %9s %10s %10s %9s %9s\n", "", "", "",
               "", "", "(median)", "(median)", "GB/s", "GB/s");
  for (const KernelResult &r : results) {
    std::string grid =
        r.grid[0] ? format("%ux%ux%u", r.grid[0], r.grid[1], r.grid[2]) : "-";
    std::fprintf(
        out, "%-20s %6llu %-18s %-14s %9s %10s %10s %9s %9s %6s %-6s %-7s %s\n",
        r.name.c_str(), static_cast<unsigned long long>(r.scale),
        r.size.empty() ? "-" : r.size.c_str(), grid.c_str(),
        r.bytes ? format("%.1f", r.bytes / 1e6).c_str() : "-",
        formatNumber(r.tritonUs, "%.2f").c_str(),
        formatNumber(r.tritiumUs, "%.2f").c_str(),
        formatNumber(gbPerSecond(r.bytes, r.tritonUs), "%.0f").c_str(),
        formatNumber(gbPerSecond(r.bytes, r.tritiumUs), "%.0f").c_str(),
        formatNumber(r.tritiumUs / r.tritonUs, "%.3f").c_str(),
        r.status.c_str(), r.candidate.empty() ? "-" : r.candidate.c_str(),
        r.reason.c_str());
    if (r.candLocalBytes > std::max(r.refLocalBytes, 0))
      std::fprintf(out,
                   "%-20s   note: candidate uses %d bytes of local memory per "
                   "thread, Triton %d (spills?)\n",
                   "", r.candLocalBytes, r.refLocalBytes);
    for (const std::string &note : r.notes)
      std::fprintf(out, "%-20s   note: %s\n", "", note.c_str());
    if (verbose)
      for (const TensorComparison &c : r.outputs)
        std::fprintf(out, "%-20s   out %-12s rel_l2 %-10s max_abs %-10s\n", "",
                     c.name.c_str(), formatNumber(c.relL2Err).c_str(),
                     formatNumber(c.maxAbsErr).c_str());
  }
}

void printTable(FILE *out, const std::vector<KernelResult> &results,
                bool verbose) {
  if (std::any_of(results.begin(), results.end(),
                  [](const KernelResult &r) { return r.scaled; }))
    return printSweepTable(out, results, verbose);
  std::fprintf(out, "%-24s %-6s %-7s %10s %10s %10s %10s %6s %9s  %s\n",
               "kernel", "status", "cand", "max_err", "rel_l2", "triton_us",
               "tritium_us", "ratio", "regs", "reason / notes");
  for (const KernelResult &r : results) {
    double ratio = r.tritiumUs / r.tritonUs;
    std::string regs = r.refRegisters < 0
                           ? "-"
                           : format("%d/%d", r.refRegisters, r.candRegisters);
    std::fprintf(
        out, "%-24s %-6s %-7s %10s %10s %10s %10s %6s %9s  %s\n",
        r.name.c_str(), r.status.c_str(),
        r.candidate.empty() ? "-" : r.candidate.c_str(),
        formatNumber(r.maxAbsErr).c_str(), formatNumber(r.worstRelL2).c_str(),
        formatNumber(r.tritonUs, "%.2f").c_str(),
        formatNumber(r.tritiumUs, "%.2f").c_str(),
        formatNumber(ratio, "%.2f").c_str(), regs.c_str(), r.reason.c_str());
    if (r.candLocalBytes > std::max(r.refLocalBytes, 0))
      std::fprintf(out,
                   "%-24s   note: candidate uses %d bytes of local "
                   "memory per thread, Triton %d (spills?)\n",
                   "", r.candLocalBytes, r.refLocalBytes);
    for (const std::string &note : r.notes)
      std::fprintf(out, "%-24s   note: %s\n", "", note.c_str());
    if (verbose)
      for (const TensorComparison &c : r.outputs)
        std::fprintf(
            out,
            "%-24s   out %-12s %-8s n=%-8lld max_abs %-10s "
            "rel_l2 %-10s tol %-8s mismatches %lld\n",
            "", c.name.c_str(), dtypeName(c.dtype),
            static_cast<long long>(c.numel), formatNumber(c.maxAbsErr).c_str(),
            formatNumber(c.relL2Err).c_str(), formatNumber(c.tolerance).c_str(),
            static_cast<long long>(c.mismatches));
  }
}

json nullable(double value) { return std::isnan(value) ? json() : json(value); }

double fromNullable(const json &value) {
  return value.is_number() ? value.get<double>() : kNaN;
}

json resultToJson(const KernelResult &r) {
  json row;
  row["name"] = r.name;
  row["status"] = r.status;
  row["reason"] = r.reason;
  row["candidate"] = r.candidate;
  row["max_abs_err"] = nullable(r.maxAbsErr);
  row["rel_l2_err"] = nullable(r.worstRelL2);
  row["triton_us"] = nullable(r.tritonUs);
  row["tritium_us"] = nullable(r.tritiumUs);
  row["triton_min_us"] = nullable(r.tritonMinUs);
  row["tritium_min_us"] = nullable(r.tritiumMinUs);
  row["ratio"] = nullable(r.tritiumUs / r.tritonUs);
  row["triton_registers"] = r.refRegisters;
  row["tritium_registers"] = r.candRegisters;
  row["triton_local_bytes"] = r.refLocalBytes;
  row["tritium_local_bytes"] = r.candLocalBytes;
  row["notes"] = r.notes;
  row["scaled"] = r.scaled;
  row["scale"] = r.scale;
  row["size"] = r.size;
  row["grid"] = r.grid;
  row["bytes"] = r.bytes;
  row["triton_gbps"] = nullable(gbPerSecond(r.bytes, r.tritonUs));
  row["tritium_gbps"] = nullable(gbPerSecond(r.bytes, r.tritiumUs));
  json outputs = json::array();
  for (const TensorComparison &c : r.outputs)
    outputs.push_back({{"name", c.name},
                       {"dtype", dtypeName(c.dtype)},
                       {"numel", c.numel},
                       {"tolerance", c.tolerance},
                       {"max_abs_err", nullable(c.maxAbsErr)},
                       {"rel_l2_err", nullable(c.relL2Err)},
                       {"mismatches", c.mismatches},
                       {"passed", c.passed},
                       {"detail", c.detail}});
  row["outputs"] = outputs;
  return row;
}

KernelResult resultFromJson(const json &row) {
  KernelResult r;
  r.name = row.value("name", std::string());
  r.status = row.value("status", std::string("ERROR"));
  r.reason = row.value("reason", std::string());
  r.candidate = row.value("candidate", std::string());
  r.maxAbsErr = fromNullable(row.value("max_abs_err", json()));
  r.worstRelL2 = fromNullable(row.value("rel_l2_err", json()));
  r.tritonUs = fromNullable(row.value("triton_us", json()));
  r.tritiumUs = fromNullable(row.value("tritium_us", json()));
  r.tritonMinUs = fromNullable(row.value("triton_min_us", json()));
  r.tritiumMinUs = fromNullable(row.value("tritium_min_us", json()));
  r.refRegisters = row.value("triton_registers", -1);
  r.candRegisters = row.value("tritium_registers", -1);
  r.refLocalBytes = row.value("triton_local_bytes", -1);
  r.candLocalBytes = row.value("tritium_local_bytes", -1);
  r.notes = row.value("notes", std::vector<std::string>());
  r.scaled = row.value("scaled", false);
  r.scale = row.value("scale", uint64_t(1));
  r.size = row.value("size", std::string());
  r.grid = row.value("grid", std::array<unsigned, 3>{0, 0, 0});
  r.bytes = row.value("bytes", uint64_t(0));
  for (const json &o : row.value("outputs", json::array())) {
    TensorComparison c;
    c.name = o.value("name", std::string());
    c.dtype = parseDType(o.value("dtype", std::string("float32")))
                  .value_or(DType::F32);
    c.numel = o.value("numel", int64_t(0));
    c.tolerance = o.value("tolerance", 0.0);
    c.maxAbsErr = fromNullable(o.value("max_abs_err", json()));
    c.relL2Err = fromNullable(o.value("rel_l2_err", json()));
    c.mismatches = o.value("mismatches", int64_t(0));
    c.passed = o.value("passed", false);
    c.detail = o.value("detail", std::string());
    r.outputs.push_back(std::move(c));
  }
  return r;
}

struct DeviceInfo {
  std::string name;
  int ccMajor = 0, ccMinor = 0, smCount = 0, driverVersion = 0;
};

DeviceInfo deviceInfo(const GpuSession &session) {
  return {session.deviceName, session.ccMajor, session.ccMinor, session.smCount,
          session.driverVersion};
}

json deviceToJson(const DeviceInfo &d) {
  return {{"name", d.name},
          {"cc_major", d.ccMajor},
          {"cc_minor", d.ccMinor},
          {"sm_count", d.smCount},
          {"driver_version", d.driverVersion}};
}

DeviceInfo deviceFromJson(const json &j) {
  DeviceInfo d;
  d.name = j.value("name", std::string("?"));
  d.ccMajor = j.value("cc_major", 0);
  d.ccMinor = j.value("cc_minor", 0);
  d.smCount = j.value("sm_count", 0);
  d.driverVersion = j.value("driver_version", 0);
  return d;
}

void writeJson(const std::string &path, const Options &options,
               const DeviceInfo *device,
               const std::vector<KernelResult> &results,
               const std::vector<std::string> &skipped) {
  json root;
  root["tool"] = "tritium-gpu-check";
  root["seed"] = options.seed;
  root["iters"] = options.iters;
  root["warmup"] = options.warmup;
  root["tolerance"] = {{"float32", options.f32Tolerance},
                       {"half", options.halfTolerance},
                       {"atomic", options.atomicTolerance}};
  if (device) {
    root["device"] = device->name;
    root["compute_capability"] =
        format("%d.%d", device->ccMajor, device->ccMinor);
    root["driver_version"] = device->driverVersion;
  }
  root["skipped"] = skipped;
  root["scaled"] = options.scaled();
  root["l2_flushed"] = options.flushes();
  json rows = json::array();
  for (const KernelResult &r : results)
    rows.push_back(resultToJson(r));
  root["kernels"] = rows;
  std::ofstream out(path);
  out << root.dump(1) << "\n";
  if (!out)
    std::fprintf(stderr, "tritium-gpu-check: cannot write %s\n", path.c_str());
}

int summarize(const std::vector<KernelResult> &results) {
  int pass = 0, fail = 0, error = 0, other = 0;
  for (const KernelResult &r : results) {
    if (r.status == "PASS" || r.status == "OK")
      ++pass;
    else if (r.status == "FAIL")
      ++fail;
    else if (r.status == "ERROR")
      ++error;
    else
      ++other;
  }
  std::printf("\n%d kernels: %d pass, %d fail, %d error%s\n",
              static_cast<int>(results.size()), pass, fail, error,
              other ? format(", %d not run", other).c_str() : "");
  return fail || error || other ? 1 : 0;
}

//===----------------------------------------------------------------------===//
// One process per kernel
//===----------------------------------------------------------------------===//
//
// A fault in a kernel (illegal address, trap, failed assert) leaves the CUDA
// context unusable, and the driver gives no way back short of a new process
// (cuDevicePrimaryCtxReset, then cuDevicePrimaryCtxRetain returned the same
// CUDA_ERROR_ILLEGAL_ADDRESS: seen on an H100, driver 580.159). A hung kernel
// can only be stopped by ending its process. So each kernel is checked in a
// forked child that initialises CUDA itself and sends its result back as
// JSON through a pipe; the parent never touches CUDA. The child's stdout
// goes to a temporary file, so device printf cannot break up the table.

void writeAll(int fd, const std::string &text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    done += static_cast<size_t>(n);
  }
}

[[noreturn]] void finishChild(int fd, const json &payload, int code) {
  writeAll(fd, payload.dump());
  ::close(fd);
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(code); // no atexit handlers: the CUDA state is the driver's
}

[[noreturn]] void childProbe(const Options &options, int fd) {
  try {
    GpuSession session(options.device, options.timeoutMs);
    finishChild(fd, {{"device", deviceToJson(deviceInfo(session))}}, 0);
  } catch (const CheckError &error) {
    finishChild(fd, {{"error", error.what()}}, 2);
  }
}

/// A result for a check that could not report itself.
KernelResult errorResult(const WorkItem &item, const Options &options,
                         const std::string &status, const std::string &why) {
  KernelResult result;
  result.name = item.name;
  result.scale = item.scale;
  result.scaled = options.scaled();
  result.status = status;
  result.reason = why;
  return result;
}

[[noreturn]] void childCheck(const WorkItem &item, const Options &options,
                             int fd) {
  hangHandler = [&](const std::string &what) {
    KernelResult hung = errorResult(item, options, "ERROR", what);
    finishChild(fd, {{"result", resultToJson(hung)}}, 3);
  };
  KernelResult result;
  {
    std::unique_ptr<GpuSession> session;
    try {
      session = std::make_unique<GpuSession>(options.device, options.timeoutMs);
    } catch (const CheckError &error) {
      result = errorResult(item, options, "ERROR", error.what());
    }
    if (session)
      result = checkKernel(*session, item, options);
  } // releasing the context flushes device printf into the captured stdout
  finishChild(fd, {{"result", resultToJson(result)}}, 0);
}

struct ChildOutcome {
  json payload;
  std::string failure; // why no payload came back
  std::string printed; // the child's stdout (device printf)
};

ChildOutcome runInChild(const std::function<void(int)> &body,
                        unsigned limitSeconds) {
  ChildOutcome outcome;
  std::fflush(stdout);
  std::fflush(stderr);
  int fds[2];
  if (::pipe(fds) != 0) {
    outcome.failure = std::string("pipe: ") + std::strerror(errno);
    return outcome;
  }
  FILE *capture = std::tmpfile();
  pid_t pid = ::fork();
  if (pid < 0) {
    outcome.failure = std::string("fork: ") + std::strerror(errno);
    ::close(fds[0]);
    ::close(fds[1]);
    if (capture)
      std::fclose(capture);
    return outcome;
  }
  if (pid == 0) {
    ::close(fds[0]);
    if (capture)
      ::dup2(::fileno(capture), STDOUT_FILENO);
    body(fds[1]);
    std::_Exit(0);
  }
  ::close(fds[1]);
  std::string data;
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(limitSeconds);
  bool killed = false;
  for (;;) {
    pollfd waitFor{fds[0], POLLIN, 0};
    int ready = ::poll(&waitFor, 1, 200);
    if (ready > 0) {
      char buffer[65536];
      ssize_t n = ::read(fds[0], buffer, sizeof(buffer));
      if (n > 0) {
        data.append(buffer, static_cast<size_t>(n));
        continue;
      }
      if (n == 0 || errno != EINTR)
        break;
    } else if (ready < 0 && errno != EINTR) {
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      killed = true;
      break;
    }
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (capture) {
    std::rewind(capture);
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof(buffer), capture)) > 0)
      outcome.printed.append(buffer, n);
    std::fclose(capture);
  }
  if (killed) {
    outcome.failure = format("check process killed after %u s", limitSeconds);
  } else if (data.empty()) {
    outcome.failure =
        WIFSIGNALED(status)
            ? format("check process died of signal %d (%s)", WTERMSIG(status),
                     strsignal(WTERMSIG(status)))
            : format("check process exited with status %d and no result",
                     WEXITSTATUS(status));
  } else {
    try {
      outcome.payload = json::parse(data);
    } catch (const json::exception &error) {
      outcome.failure =
          std::string("unreadable result from the check process: ") +
          error.what();
    }
  }
  return outcome;
}

/// A note on what a kernel printed: how much, and its first line.
std::optional<std::string> printedNote(const std::string &printed) {
  if (printed.empty())
    return std::nullopt;
  size_t lines = std::count(printed.begin(), printed.end(), '\n');
  std::string first = printed.substr(0, printed.find('\n'));
  if (first.size() > 80)
    first = first.substr(0, 80) + "...";
  return format("device printf: %zu lines over all launches, first: \"%s\"",
                lines, first.c_str());
}

/// The checks to run: every kernel at the corpus size, or with --scale /
/// --sweep every kernel that has a scale rule at each of its sizes. Kernels
/// left out are added to \p skipped with the reason.
std::vector<WorkItem>
planWork(const std::vector<std::string> &names, const Options &options,
         std::vector<std::pair<std::string, std::string>> &skipped) {
  std::vector<WorkItem> items;
  for (const std::string &name : names) {
    if (!options.scaled()) {
      items.push_back({name, 1});
      continue;
    }
    auto rule = options.scaleRules.find(name);
    if (rule == options.scaleRules.end()) {
      skipped.emplace_back(name, "no scale rule (--list-scale-rules)");
      continue;
    }
    std::vector<uint64_t> factors = options.scales;
    if (factors.empty()) {
      // --sweep: the corpus size, then the factors that bring the kernel's
      // tensors nearest each requested size.
      uint64_t base = 0;
      try {
        KernelSpec spec = loadKernelSpec(options.corpusDir, name);
        applyScale(spec, rule->second, 1);
        base = tensorTraffic(spec);
      } catch (const CheckError &) {
        // Reported by the check of the corpus size below.
      }
      factors.push_back(1);
      for (uint64_t bytes : options.sweepBytes)
        if (base)
          factors.push_back(std::max<uint64_t>(
              1, static_cast<uint64_t>(std::llround(double(bytes) / base))));
    }
    std::sort(factors.begin(), factors.end());
    factors.erase(std::unique(factors.begin(), factors.end()), factors.end());
    for (uint64_t factor : factors)
      items.push_back({name, factor});
  }
  return items;
}

std::string itemLabel(const WorkItem &item, const Options &options) {
  return options.scaled() ? format("%s x%llu", item.name.c_str(),
                                   static_cast<unsigned long long>(item.scale))
                          : item.name;
}

void printSkipped(
    const std::vector<std::pair<std::string, std::string>> &skipped) {
  for (const auto &[name, why] : skipped)
    std::printf("skipped %s: %s\n", name.c_str(), why.c_str());
}

std::vector<std::string>
skippedNames(const std::vector<std::pair<std::string, std::string>> &skipped) {
  std::vector<std::string> names;
  for (const auto &entry : skipped)
    names.push_back(entry.first);
  return names;
}

} // namespace

int main(int argc, char **argv) {
  Options options = parseOptions(argc, argv);
  std::vector<std::pair<std::string, std::string>> skipped;
  std::vector<std::string> names = options.kernels;
  if (options.all) {
    try {
      std::vector<std::string> noDescription;
      names = discoverKernels(options.corpusDir, noDescription);
      for (const std::string &name : noDescription)
        skipped.emplace_back(name, "no " + name + ".json");
    } catch (const CheckError &error) {
      std::fprintf(stderr, "tritium-gpu-check: %s\n", error.what());
      return 2;
    }
  }
  std::vector<WorkItem> items = planWork(names, options, skipped);

  std::vector<KernelResult> results;
  if (options.listOnly) {
    for (const WorkItem &item : items)
      results.push_back(listKernel(item, options));
    printTable(stdout, results, options.verbose);
    printSkipped(skipped);
    if (!options.jsonPath.empty())
      writeJson(options.jsonPath, options, nullptr, results,
                skippedNames(skipped));
    return summarize(results);
  }

  // The device, from a probe process (or from this one with --no-fork).
  DeviceInfo device;
  std::unique_ptr<GpuSession> session;
  try {
    if (options.fork) {
      ChildOutcome probe =
          runInChild([&](int fd) { childProbe(options, fd); }, 120);
      if (!probe.failure.empty())
        throw CheckError("device probe: " + probe.failure);
      if (probe.payload.contains("error"))
        throw CheckError(probe.payload["error"].get<std::string>());
      device = deviceFromJson(probe.payload["device"]);
    } else {
      session = std::make_unique<GpuSession>(options.device, options.timeoutMs);
      device = deviceInfo(*session);
    }
  } catch (const CheckError &error) {
    std::fprintf(stderr, "tritium-gpu-check: %s\n", error.what());
    return 2;
  }
  std::printf("tritium-gpu-check: %s (sm_%d%d, %d SMs), driver %d.%d, seed "
              "%" PRIu64 " (repeat with --seed %" PRIu64 "), %u timed "
              "launches after %u warm-up\n",
              device.name.c_str(), device.ccMajor, device.ccMinor,
              device.smCount, device.driverVersion / 1000,
              device.driverVersion % 1000 / 10, options.seed, options.seed,
              options.iters, options.warmup);
  std::printf("tolerances (relative L2): float32 %g, float16/bfloat16 %g, "
              "floats of atomic kernels >= %g; integers exact. ratio = "
              "tritium_us / triton_us; cand 'self' = Triton's PTX loaded "
              "again\n",
              options.f32Tolerance, options.halfTolerance,
              options.atomicTolerance);
  if (options.scaled())
    std::printf("scaled sizes: MB = bytes of the kernel's tensors (inputs "
                "read once, outputs written once); GB/s = those bytes / "
                "median time%s\n",
                options.flushes() ? "; L2 flushed (memset of 4x its size, "
                                    ">= 256 MiB) before every timed launch"
                                  : "; L2 not flushed");
  std::fflush(stdout);

  std::optional<std::string> brokenContext; // --no-fork only
  for (size_t k = 0; k < items.size(); ++k) {
    const WorkItem &item = items[k];
    std::string label = itemLabel(item, options);
    std::fprintf(stderr, "[%zu/%zu] %s\n", k + 1, items.size(), label.c_str());
    KernelResult result;
    if (options.fork) {
      ChildOutcome outcome =
          runInChild([&](int fd) { childCheck(item, options, fd); },
                     options.kernelTimeoutSeconds);
      if (!outcome.failure.empty())
        result = errorResult(item, options, "ERROR", outcome.failure);
      else
        result = resultFromJson(outcome.payload.value("result", json()));
      if (std::optional<std::string> note = printedNote(outcome.printed))
        result.notes.push_back(*note);
    } else if (brokenContext) {
      result = errorResult(
          item, options, "NOTRUN",
          "the CUDA context is unusable after " + *brokenContext +
              " (without --no-fork each kernel has its own process)");
    } else {
      hangHandler = [&](const std::string &what) {
        // A hung kernel keeps the GPU, and unwinding would wait on it.
        results.push_back(errorResult(item, options, "ERROR", what));
        for (size_t rest = k + 1; rest < items.size(); ++rest)
          results.push_back(errorResult(items[rest], options, "NOTRUN",
                                        "stopped after a hung kernel"));
        std::printf("\n");
        printTable(stdout, results, options.verbose);
        if (!options.jsonPath.empty())
          writeJson(options.jsonPath, options, &device, results,
                    skippedNames(skipped));
        summarize(results);
        std::fflush(stdout);
        std::_Exit(3);
      };
      result = checkKernel(*session, item, options);
      CUresult state = cuCtxSynchronize();
      if (state != CUDA_SUCCESS)
        brokenContext = cudaErrorText(state);
    }
    std::fprintf(stderr, "[%zu/%zu] %s %s %s\n", k + 1, items.size(),
                 label.c_str(), result.status.c_str(), result.reason.c_str());
    results.push_back(std::move(result));
  }

  std::printf("\n");
  printTable(stdout, results, options.verbose);
  printSkipped(skipped);
  if (!options.jsonPath.empty())
    writeJson(options.jsonPath, options, &device, results,
              skippedNames(skipped));
  return summarize(results);
}
