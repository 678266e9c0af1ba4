//===- tritium-bench.cpp - Measures the runtime's overheads ---------------===//
//
//   tritium-bench [--corpus DIR] [--arch sm_90a] [--json] [--kernels a,b]
//                 [--launches N] [--repeats R] [--skip-launch]
//                 [--skip-compile] [--skip-cache] [--check]
//                 [--json-out FILE]
//
// --check first runs the runtime's GPU checks (results, specialisation,
// streams, CUDA graph capture, error messages, a second device) and exits
// non-zero if one fails: the carried binary doubles as the GPU test of the
// runtime, whose Catch2 [gpu] tests need the shared LLVM libraries.
//
// Four measurements, host time only:
//   launch   warm launches of a small kernel (tests/corpus/vector_add with
//            n = 1024, one program): back to back (N launches, then one
//            sync), launch + stream sync per launch, and the bare
//            cuLaunchKernel of the same cubin as the driver's floor. Needs a
//            GPU.
//   compile  cold compile of each corpus kernel, IR text -> cubin (or PTX
//            where no PTX assembler exists), memory and disk caches off; with
//            the time of each stage.
//   disk     disk-cache hit: in-memory cache cleared, a new Kernel object,
//            entry read and checked, cubin loaded, function ready (on a GPU;
//            without one, up to the checked entry).
//   memory   in-memory hit: a new Kernel object for the same IR, ready.
// Prints a table, or JSON with --json. scripts/bench_triton_launch.py
// measures Triton's launch the same way for a same-run comparison.
//
//===----------------------------------------------------------------------===//

#include "DriverApi.h"

#include "tritium/Runtime/Runtime.h"
#include "tritium/Target/Cubin.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APInt.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <time.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

using namespace tritium;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string corpus = "tests/corpus";
  std::string arch;
  std::vector<std::string> kernels;
  int launches = 20000;
  int repeats = 5;
  bool json = false;
  std::string jsonOut; ///< also write the JSON here
  bool check = false;  ///< run the GPU checks first
  bool launch = true, compile = true, cache = true;
};

[[noreturn]] void usage(const char *problem) {
  std::fprintf(stderr,
               "tritium-bench: %s\nusage: tritium-bench [--corpus DIR] "
               "[--arch sm_80|sm_90|sm_90a] [--json] [--kernels a,b,...] "
               "[--launches N] [--repeats R] [--skip-launch] "
               "[--skip-compile] [--skip-cache] [--check] [--json-out FILE]\n",
               problem);
  std::exit(2);
}

Options parseOptions(int argc, char **argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        usage(("missing value after " + arg).c_str());
      return argv[++i];
    };
    if (arg == "--corpus")
      options.corpus = value();
    else if (arg == "--arch")
      options.arch = value();
    else if (arg == "--json")
      options.json = true;
    else if (arg == "--json-out")
      options.jsonOut = value();
    else if (arg == "--check")
      options.check = true;
    else if (arg == "--launches")
      options.launches = std::max(100, std::atoi(value().c_str()));
    else if (arg == "--repeats")
      options.repeats = std::max(1, std::atoi(value().c_str()));
    else if (arg == "--skip-launch")
      options.launch = false;
    else if (arg == "--skip-compile")
      options.compile = false;
    else if (arg == "--skip-cache")
      options.cache = false;
    else if (arg == "--kernels") {
      std::string list = value();
      for (std::size_t start = 0; start <= list.size();) {
        std::size_t end = list.find(',', start);
        if (end == std::string::npos)
          end = list.size();
        if (end > start)
          options.kernels.push_back(list.substr(start, end - start));
        start = end + 1;
      }
    } else
      usage(("unknown option " + arg).c_str());
  }
  return options;
}

double microsecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start)
      .count();
}

/// CPU time of the calling thread, in milliseconds: unlike wall time, it
/// does not grow when other processes compete for the cores (nvJitLink runs
/// in this thread; a ptxas subprocess would not be counted).
double threadCpuMilliseconds() {
  timespec now;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

double median(std::vector<double> values) {
  if (values.empty())
    return 0;
  std::sort(values.begin(), values.end());
  std::size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

bool isFile(const std::string &path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

std::vector<std::string> corpusKernels(const Options &options) {
  if (!options.kernels.empty())
    return options.kernels;
  std::vector<std::string> names;
  if (DIR *dir = opendir(options.corpus.c_str())) {
    while (dirent *entry = readdir(dir)) {
      std::string name = entry->d_name;
      if (name[0] != '.' &&
          isFile(options.corpus + "/" + name + "/" + name + ".ttir"))
        names.push_back(name);
    }
    closedir(dir);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string kernelPath(const Options &options, const std::string &name) {
  return options.corpus + "/" + name + "/" + name + ".ttir";
}

/// num_warps from the corpus kernel's launch JSON (4 when absent).
unsigned corpusNumWarps(const Options &options, const std::string &name) {
  std::string path = options.corpus + "/" + name + "/" + name + ".json";
  FILE *file = std::fopen(path.c_str(), "r");
  if (!file)
    return 4;
  std::string text;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, file))
    text.append(buffer, n);
  std::fclose(file);
  std::size_t at = text.find("\"num_warps\"");
  if (at == std::string::npos)
    return 4;
  at = text.find(':', at);
  unsigned warps = unsigned(std::atoi(text.c_str() + at + 1));
  return warps ? warps : 4;
}

/// Argument values that match a signature without being launched: an
/// aligned address for pointers, 3 for integers (neither 1 nor a multiple
/// of 16: no specialisation beyond what the IR says; 3 x the IR's
/// tt.divisibility where it has one), 1.5 for floats.
std::vector<ArgValue> placeholderArgs(const Signature &signature) {
  std::vector<ArgValue> args;
  for (const ParamInfo &param : signature.params) {
    switch (param.type) {
    case ParamType::Pointer:
      args.push_back(ArgValue::pointer(0x7f0000100000));
      break;
    case ParamType::I1:
      args.push_back(true);
      break;
    case ParamType::F16:
      args.push_back(Half{0x3e00});
      break;
    case ParamType::BF16:
      args.push_back(BFloat16{0x3fc0});
      break;
    case ParamType::F32:
      args.push_back(1.5f);
      break;
    case ParamType::F64:
      args.push_back(1.5);
      break;
    default:
      // A multiple of what the IR promises, else plain 3.
      args.push_back(3 * std::max(1u, param.irDivisibility));
      break;
    }
  }
  return args;
}

/// A scratch cache folder, removed at exit.
struct ScratchCache {
  std::string path;
  ScratchCache() {
    char pattern[] = "/tmp/tritium-bench-XXXXXX";
    if (!mkdtemp(pattern))
      usage("cannot create a temporary cache folder");
    path = pattern;
    setenv("TRITIUM_CACHE_DIR", path.c_str(), 1);
  }
  ~ScratchCache() {
    std::string command = "rm -rf '" + path + "'";
    if (std::system(command.c_str()) != 0)
      std::fprintf(stderr, "tritium-bench: could not remove %s\n",
                   path.c_str());
  }
};

//===----------------------------------------------------------------------===//
// Measurements
//===----------------------------------------------------------------------===//

struct LaunchResult {
  double backToBackUs = 0, launchSyncUs = 0, driverFloorUs = 0,
         driverFloorSyncUs = 0;
  // Host time per launch within bursts short enough never to fill the
  // driver's launch queue (~1000 entries): thousands of launches back to back
  // end up waiting for the GPU to drain the queue, which measures the GPU's
  // kernel throughput, not the host's launch cost.
  double burstUs = 0, driverFloorBurstUs = 0;
  int launches = 0;
};

constexpr int kBurstLaunches = 200;

LaunchResult measureLaunch(const Options &options, const Device &device) {
  LaunchResult result;
  result.launches = options.launches;
  const int n = 1024;
  DeviceBuffer x(device, n * 4), y(device, n * 4), out(device, n * 4);
  x.fillBytes(0);
  y.fillBytes(0);
  Kernel add = Kernel::fromFile(kernelPath(options, "vector_add"));
  float *px = x.as<float>(), *py = y.as<float>(), *pout = out.as<float>();
  Grid grid(1);
  add.launch(grid, px, py, pout, n); // first use: compile, load
  device.synchronize();

  std::vector<double> backToBack, launchSync;
  for (int r = 0; r < options.repeats; ++r) {
    Clock::time_point start = Clock::now();
    for (int i = 0; i < options.launches; ++i)
      add.launch(grid, px, py, pout, n);
    backToBack.push_back(microsecondsSince(start) / options.launches);
    device.synchronize();

    int iterations = options.launches / 10;
    start = Clock::now();
    for (int i = 0; i < iterations; ++i) {
      add.launch(grid, px, py, pout, n);
      synchronize(nullptr);
    }
    launchSync.push_back(microsecondsSince(start) / iterations);
  }
  result.backToBackUs = median(backToBack);
  std::vector<double> bursts;
  for (int r = 0; r < options.launches / kBurstLaunches; ++r) {
    Clock::time_point start = Clock::now();
    for (int i = 0; i < kBurstLaunches; ++i)
      add.launch(grid, px, py, pout, n);
    bursts.push_back(microsecondsSince(start) / kBurstLaunches);
    device.synchronize();
  }
  result.burstUs = median(bursts);
  result.launchSyncUs = median(launchSync);

  // The driver's floor: cuLaunchKernel of the same compiled kernel, with the
  // parameter block prepared once.
  auto compiled = add.compile(
      add.specializationFor(std::vector<ArgValue>{px, py, pout, n}));
  const driver::Api &api = driver::api();
  device.makeCurrent();
  driver::CUmodule module = nullptr;
  const void *image = compiled->cubin.empty()
                          ? static_cast<const void *>(compiled->ptx.c_str())
                          : compiled->cubin.data();
  driver::check(api.cuModuleLoadDataEx(&module, image, 0, nullptr, nullptr),
                "cuModuleLoadDataEx");
  driver::CUfunction function = nullptr;
  driver::check(api.cuModuleGetFunction(&function, module,
                                        compiled->metadata.name.c_str()),
                "cuModuleGetFunction");
  PackedArguments packed;
  add.packArguments(*compiled, std::vector<ArgValue>{px, py, pout, n}, packed);
  unsigned threads = 32 * compiled->metadata.numWarps;
  std::vector<double> floor, floorSync;
  for (int r = 0; r < options.repeats; ++r) {
    Clock::time_point start = Clock::now();
    for (int i = 0; i < options.launches; ++i)
      api.cuLaunchKernel(function, 1, 1, 1, threads, 1, 1,
                         compiled->metadata.sharedBytes, nullptr,
                         packed.pointers(), nullptr);
    floor.push_back(microsecondsSince(start) / options.launches);
    device.synchronize();
    int iterations = options.launches / 10;
    start = Clock::now();
    for (int i = 0; i < iterations; ++i) {
      api.cuLaunchKernel(function, 1, 1, 1, threads, 1, 1,
                         compiled->metadata.sharedBytes, nullptr,
                         packed.pointers(), nullptr);
      api.cuStreamSynchronize(nullptr);
    }
    floorSync.push_back(microsecondsSince(start) / iterations);
  }
  result.driverFloorUs = median(floor);
  std::vector<double> floorBursts;
  for (int r = 0; r < options.launches / kBurstLaunches; ++r) {
    Clock::time_point start = Clock::now();
    for (int i = 0; i < kBurstLaunches; ++i)
      api.cuLaunchKernel(function, 1, 1, 1, threads, 1, 1,
                         compiled->metadata.sharedBytes, nullptr,
                         packed.pointers(), nullptr);
    floorBursts.push_back(microsecondsSince(start) / kBurstLaunches);
    device.synchronize();
  }
  result.driverFloorBurstUs = median(floorBursts);
  result.driverFloorSyncUs = median(floorSync);
  api.cuModuleUnload(module);
  return result;
}

struct KernelTimes {
  std::string name;
  double coldMs = 0;      ///< median cold compile (new Kernel + compile)
  double firstColdMs = 0; ///< the first cold compile of this kernel
  double coldCpuMs = 0;   ///< median thread CPU time of a cold compile
  std::map<std::string, double> stageMs; ///< median per stage
  double diskHitUs = 0, memoryHitUs = 0;
  std::size_t ptxBytes = 0, cubinBytes = 0;
  unsigned sharedBytes = 0;
  std::string error;
};

void measureCompile(const Options &options, const std::string &arch,
                    KernelTimes &times) {
  KernelOptions kernelOptions;
  kernelOptions.arch = arch;
  kernelOptions.numWarps = corpusNumWarps(options, times.name);
  kernelOptions.useMemoryCache = false;
  kernelOptions.useDiskCache = false;
  KernelSource source = KernelSource::fromFile(kernelPath(options, times.name));
  std::vector<double> cold, cpu;
  std::map<std::string, std::vector<double>> stages;
  for (int r = 0; r < options.repeats; ++r) {
    double cpuStart = threadCpuMilliseconds();
    Clock::time_point start = Clock::now();
    Kernel kernel(source, kernelOptions);
    auto compiled = kernel.compile(
        kernel.specializationFor(placeholderArgs(kernel.signature())));
    double ms = microsecondsSince(start) / 1000;
    cpu.push_back(threadCpuMilliseconds() - cpuStart);
    if (r == 0)
      times.firstColdMs = ms;
    cold.push_back(ms);
    for (const auto &[stage, stageMs] : compiled->stageMilliseconds)
      stages[stage].push_back(stageMs);
    times.ptxBytes = compiled->ptx.size();
    times.cubinBytes = compiled->cubin.size();
    times.sharedBytes = compiled->metadata.sharedBytes;
  }
  times.coldMs = median(cold);
  times.coldCpuMs = median(cpu);
  for (auto &[stage, values] : stages)
    times.stageMs[stage] = median(values);
}

/// Disk and memory hits: on a GPU up to a loaded function (warm()), without
/// one up to the checked compiled kernel (compile()).
void measureCacheHits(const Options &options, const std::string &arch,
                      bool haveGpu, KernelTimes &times) {
  KernelOptions kernelOptions;
  kernelOptions.arch = arch;
  kernelOptions.numWarps = corpusNumWarps(options, times.name);
  KernelSource source = KernelSource::fromFile(kernelPath(options, times.name));
  std::vector<ArgValue> args;
  auto ready = [&](const Kernel &kernel) {
    if (haveGpu)
      kernel.warm(args);
    else
      kernel.compile(kernel.specializationFor(args));
  };
  {
    Kernel kernel(source, kernelOptions); // populate both caches
    args = placeholderArgs(kernel.signature());
    ready(kernel);
  }
  std::vector<double> disk, memory;
  for (int r = 0; r < options.repeats; ++r) {
    clearMemoryCache();
    Clock::time_point start = Clock::now();
    {
      Kernel kernel(source, kernelOptions);
      ready(kernel);
    }
    disk.push_back(microsecondsSince(start));
    start = Clock::now();
    {
      Kernel kernel(source, kernelOptions);
      ready(kernel);
    }
    memory.push_back(microsecondsSince(start));
  }
  times.diskHitUs = median(disk);
  times.memoryHitUs = median(memory);
}

//===----------------------------------------------------------------------===//
// GPU checks (--check)
//===----------------------------------------------------------------------===//

/// The runtime tests' scale kernel: out[i] = x[i * stride] * alpha.
const char *kScaleIR = R"(module {
  tt.func public @scale(%x_ptr: !tt.ptr<f32> loc("x_ptr"), %out_ptr: !tt.ptr<f32> loc("out_ptr"), %n: i32 loc("n"), %stride: i32 loc("stride"), %alpha: f32 loc("alpha")) {
    %c256_i32 = arith.constant 256 : i32
    %pid = tt.get_program_id x : i32
    %base = arith.muli %pid, %c256_i32 : i32
    %range = tt.make_range {end = 256 : i32, start = 0 : i32} : tensor<256xi32>
    %base_t = tt.splat %base : i32 -> tensor<256xi32>
    %offs = arith.addi %base_t, %range : tensor<256xi32>
    %stride_t = tt.splat %stride : i32 -> tensor<256xi32>
    %strided = arith.muli %offs, %stride_t : tensor<256xi32>
    %n_t = tt.splat %n : i32 -> tensor<256xi32>
    %mask = arith.cmpi slt, %offs, %n_t : tensor<256xi32>
    %x_ptrs = tt.splat %x_ptr : !tt.ptr<f32> -> tensor<256x!tt.ptr<f32>>
    %x_addr = tt.addptr %x_ptrs, %strided : tensor<256x!tt.ptr<f32>>, tensor<256xi32>
    %x = tt.load %x_addr, %mask : tensor<256x!tt.ptr<f32>>
    %alpha_t = tt.splat %alpha : f32 -> tensor<256xf32>
    %y = arith.mulf %x, %alpha_t : tensor<256xf32>
    %out_ptrs = tt.splat %out_ptr : !tt.ptr<f32> -> tensor<256x!tt.ptr<f32>>
    %out_addr = tt.addptr %out_ptrs, %offs : tensor<256x!tt.ptr<f32>>, tensor<256xi32>
    tt.store %out_addr, %y, %mask : tensor<256x!tt.ptr<f32>>
    tt.return
  }
}
)";

struct CheckRun {
  int failures = 0;
  void report(const std::string &name, bool ok, const std::string &detail) {
    std::printf("check %-52s %s%s%s\n", name.c_str(), ok ? "PASS" : "FAIL",
                detail.empty() ? "" : "  ", detail.c_str());
    failures += !ok;
  }
  /// Runs `body` (which returns "" or what went wrong); an exception is a
  /// failure with its message.
  void run(const std::string &name, const std::function<std::string()> &body) {
    try {
      std::string problem = body();
      report(name, problem.empty(), problem);
    } catch (const std::exception &error) {
      report(name, false, std::string("threw: ") + error.what());
    }
  }
};

std::vector<float> sequence(std::size_t n, float start) {
  std::vector<float> values(n);
  for (std::size_t i = 0; i < n; ++i)
    values[i] = start + float(i);
  return values;
}

/// Runs vector_add on `device` and compares; "" when right.
std::string runVectorAdd(const Kernel &add, const Device &device,
                         Stream stream) {
  const int n = 5000;
  DeviceBuffer x(device, n * 4), y(device, n * 4), out(device, n * 4);
  x.upload(sequence(n, 0).data(), n * 4);
  y.upload(sequence(n, 1000).data(), n * 4);
  out.fillBytes(0xff);
  add.launch(Grid((n + 1023) / 1024), x.as<float>(), y.as<float>(),
             out.as<float>(), n, stream);
  if (stream)
    synchronize(stream);
  else
    device.synchronize();
  std::vector<float> result(n);
  out.download(result.data(), n * 4);
  for (int i = 0; i < n; ++i)
    if (result[i] != float(2 * i + 1000))
      return "out[" + std::to_string(i) + "] = " + std::to_string(result[i]);
  return {};
}

/// fp8 conversions on the GPU: every code of f8E4M3FN and f8E5M2 widened to
/// f32 (sm_90: the paired cvt instructions), and 4096 f32 values narrowed
/// to both, to nearest even (cvt ... satfinite) and toward zero (integer
/// code), compared bit for bit with LLVM's APFloat (NaN: any NaN).
const char *kFp8IR = R"(module {
  tt.func public @fp8_check(%codes: !tt.ptr<i8> {tt.divisibility = 16 : i32}, %x: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %up: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %down: !tt.ptr<i8> {tt.divisibility = 16 : i32}) {
    %r = tt.make_range {end = 256 : i32, start = 0 : i32} : tensor<256xi32>
    %c256 = arith.constant dense<256> : tensor<256xi32>
    %r2 = arith.addi %r, %c256 : tensor<256xi32>
    %pc = tt.splat %codes : !tt.ptr<i8> -> tensor<256x!tt.ptr<i8>>
    %pca = tt.addptr %pc, %r : tensor<256x!tt.ptr<i8>>, tensor<256xi32>
    %c = tt.load %pca : tensor<256x!tt.ptr<i8>>
    %c4 = tt.bitcast %c : tensor<256xi8> -> tensor<256xf8E4M3FN>
    %c5 = tt.bitcast %c : tensor<256xi8> -> tensor<256xf8E5M2>
    %u4 = tt.fp_to_fp %c4 : tensor<256xf8E4M3FN> -> tensor<256xf32>
    %u5 = tt.fp_to_fp %c5 : tensor<256xf8E5M2> -> tensor<256xf32>
    %pu = tt.splat %up : !tt.ptr<f32> -> tensor<256x!tt.ptr<f32>>
    %pua = tt.addptr %pu, %r : tensor<256x!tt.ptr<f32>>, tensor<256xi32>
    %pub = tt.addptr %pu, %r2 : tensor<256x!tt.ptr<f32>>, tensor<256xi32>
    tt.store %pua, %u4 : tensor<256x!tt.ptr<f32>>
    tt.store %pub, %u5 : tensor<256x!tt.ptr<f32>>
    %pid = tt.get_program_id x : i32
    %c1024 = arith.constant 1024 : i32
    %base = arith.muli %pid, %c1024 : i32
    %k = tt.make_range {end = 1024 : i32, start = 0 : i32} : tensor<1024xi32>
    %bs = tt.splat %base : i32 -> tensor<1024xi32>
    %i = arith.addi %bs, %k : tensor<1024xi32>
    %px = tt.splat %x : !tt.ptr<f32> -> tensor<1024x!tt.ptr<f32>>
    %pxa = tt.addptr %px, %i : tensor<1024x!tt.ptr<f32>>, tensor<1024xi32>
    %v = tt.load %pxa : tensor<1024x!tt.ptr<f32>>
    %d4 = tt.fp_to_fp %v, rounding = rtne : tensor<1024xf32> -> tensor<1024xf8E4M3FN>
    %d5 = tt.fp_to_fp %v, rounding = rtne : tensor<1024xf32> -> tensor<1024xf8E5M2>
    %z4 = tt.fp_to_fp %v, rounding = rtz : tensor<1024xf32> -> tensor<1024xf8E4M3FN>
    %z5 = tt.fp_to_fp %v, rounding = rtz : tensor<1024xf32> -> tensor<1024xf8E5M2>
    %b4 = tt.bitcast %d4 : tensor<1024xf8E4M3FN> -> tensor<1024xi8>
    %b5 = tt.bitcast %d5 : tensor<1024xf8E5M2> -> tensor<1024xi8>
    %y4 = tt.bitcast %z4 : tensor<1024xf8E4M3FN> -> tensor<1024xi8>
    %y5 = tt.bitcast %z5 : tensor<1024xf8E5M2> -> tensor<1024xi8>
    %n = arith.constant dense<4096> : tensor<1024xi32>
    %i1 = arith.addi %i, %n : tensor<1024xi32>
    %i2 = arith.addi %i1, %n : tensor<1024xi32>
    %i3 = arith.addi %i2, %n : tensor<1024xi32>
    %pd = tt.splat %down : !tt.ptr<i8> -> tensor<1024x!tt.ptr<i8>>
    %pd0 = tt.addptr %pd, %i : tensor<1024x!tt.ptr<i8>>, tensor<1024xi32>
    %pd1 = tt.addptr %pd, %i1 : tensor<1024x!tt.ptr<i8>>, tensor<1024xi32>
    %pd2 = tt.addptr %pd, %i2 : tensor<1024x!tt.ptr<i8>>, tensor<1024xi32>
    %pd3 = tt.addptr %pd, %i3 : tensor<1024x!tt.ptr<i8>>, tensor<1024xi32>
    tt.store %pd0, %b4 : tensor<1024x!tt.ptr<i8>>
    tt.store %pd1, %b5 : tensor<1024x!tt.ptr<i8>>
    tt.store %pd2, %y4 : tensor<1024x!tt.ptr<i8>>
    tt.store %pd3, %y5 : tensor<1024x!tt.ptr<i8>>
    tt.return
  }
})";

/// 4096 f32 values that exercise narrowing to fp8: every value of both
/// formats, its f32 neighbours, the midpoints between neighbouring values
/// (ties) and theirs, the overflow region, infinities, NaN, and a random
/// fill.
std::vector<float> fp8Probes() {
  std::vector<float> probes;
  for (const llvm::fltSemantics *sem :
       {&llvm::APFloat::Float8E4M3FN(), &llvm::APFloat::Float8E5M2()}) {
    std::vector<float> values;
    for (unsigned code = 0; code < 128; ++code) {
      llvm::APFloat v(*sem, llvm::APInt(8, code));
      if (v.isFinite())
        values.push_back(v.convertToFloat());
    }
    for (size_t i = 0; i + 1 < values.size(); ++i) {
      float mid = 0.5f * (values[i] + values[i + 1]);
      for (float v : {values[i], mid, std::nextafter(mid, 0.0f),
                      std::nextafter(mid, 1e30f)})
        for (float sign : {1.0f, -1.0f})
          probes.push_back(sign * v);
    }
    float largest = values.back();
    for (float v :
         {largest * 1.0625f, largest * 1.1f, largest * 1.2f, largest * 4.0f})
      probes.push_back(v), probes.push_back(-v);
  }
  for (float v : {INFINITY, -INFINITY, NAN, 1e-30f, -1e-30f, 1e30f})
    probes.push_back(v);
  uint32_t state = 12345;
  while (probes.size() < 4096) {
    state = state * 1664525u + 1013904223u;
    float v = float(int32_t(state)) / float(1u << 31) * 600.0f;
    probes.push_back(v);
  }
  probes.resize(4096);
  return probes;
}

/// The fp8 bits `x` narrows to: APFloat's rounding, results beyond the
/// largest finite value (and infinities, to nearest) saturated as cvt's
/// `satfinite` does; NaN: any NaN (checked by the caller).
uint8_t expectedFp8(float x, const llvm::fltSemantics &sem, bool towardZero) {
  llvm::APFloat v(x);
  bool losesInfo = false;
  v.convert(sem,
            towardZero ? llvm::APFloat::rmTowardZero
                       : llvm::APFloat::rmNearestTiesToEven,
            &losesInfo);
  if (v.isNaN() || (v.isInfinity() && !towardZero))
    v = llvm::APFloat::getLargest(sem, std::signbit(x));
  return uint8_t(v.bitcastToAPInt().getZExtValue());
}

bool isFp8NaN(uint8_t bits, const llvm::fltSemantics &sem) {
  return llvm::APFloat(sem, llvm::APInt(8, bits)).isNaN();
}

std::string runFp8Check(const Device &device) {
  Kernel kernel = Kernel::fromIR(kFp8IR);
  std::vector<uint8_t> codes(256);
  for (unsigned i = 0; i < 256; ++i)
    codes[i] = uint8_t(i);
  std::vector<float> probes = fp8Probes();
  DeviceBuffer codesBuffer(device, 256), x(device, 4096 * 4),
      up(device, 512 * 4), down(device, 4 * 4096);
  codesBuffer.upload(codes.data(), 256);
  x.upload(probes.data(), 4096 * 4);
  up.fillBytes(0xff);
  down.fillBytes(0xaa);
  kernel.launch(Grid(4), codesBuffer.as<int8_t>(), x.as<float>(),
                up.as<float>(), down.as<int8_t>());
  device.synchronize();
  std::vector<float> widened(512);
  std::vector<uint8_t> narrowed(4 * 4096);
  up.download(widened.data(), 512 * 4);
  down.download(narrowed.data(), 4 * 4096);
  const llvm::fltSemantics *formats[2] = {&llvm::APFloat::Float8E4M3FN(),
                                          &llvm::APFloat::Float8E5M2()};
  const char *names[2] = {"f8E4M3FN", "f8E5M2"};
  char text[160];
  for (int f = 0; f < 2; ++f)
    for (unsigned code = 0; code < 256; ++code) {
      llvm::APFloat v(*formats[f], llvm::APInt(8, code));
      float got = widened[f * 256 + code];
      bool ok = v.isNaN() ? std::isnan(got)
                          : std::bit_cast<uint32_t>(got) ==
                                std::bit_cast<uint32_t>(v.convertToFloat());
      if (!ok) {
        std::snprintf(text, sizeof text, "%s code 0x%02x widened to %a",
                      names[f], code, double(got));
        return text;
      }
    }
  for (int towardZero = 0; towardZero < 2; ++towardZero)
    for (int f = 0; f < 2; ++f)
      for (int i = 0; i < 4096; ++i) {
        uint8_t got = narrowed[(towardZero * 2 + f) * 4096 + i];
        float x = probes[i];
        bool ok = std::isnan(x)
                      ? isFp8NaN(got, *formats[f])
                      : got == expectedFp8(x, *formats[f], towardZero);
        if (!ok) {
          std::snprintf(text, sizeof text,
                        "%a narrowed to %s (%s): got 0x%02x, expected 0x%02x",
                        double(x), names[f], towardZero ? "rtz" : "rtne", got,
                        expectedFp8(x, *formats[f], towardZero));
          return text;
        }
      }
  return {};
}

int runChecks(const Options &options) {
  CheckRun checks;
  Device device = Device::get(0);
  Kernel add = Kernel::fromFile(kernelPath(options, "vector_add"));
  checks.run("vector_add (first launch: compile, load)",
             [&] { return runVectorAdd(add, device, nullptr); });
  checks.run("vector_add warm: no compile, no cache lookup", [&] {
    CacheStats before = cacheStats();
    std::string problem = runVectorAdd(add, device, nullptr);
    CacheStats after = cacheStats();
    if (problem.empty() && (after.compiles != before.compiles ||
                            after.memoryHits != before.memoryHits ||
                            after.diskHits != before.diskHits))
      problem = "the warm launch compiled or looked up a cache";
    return problem;
  });
  checks.run("vector_add on a non-blocking stream", [&] {
    OwnedStream stream(device);
    return runVectorAdd(add, device, stream);
  });
  checks.run(
      "scale: stride 1 specialised to a constant, 2 not", [&]() -> std::string {
        Kernel scale = Kernel::fromIR(kScaleIR);
        const int n = 1000;
        DeviceBuffer x(device, 2 * n * 4), out(device, n * 4);
        x.upload(sequence(2 * n, 0).data(), 2 * n * 4);
        for (int stride : {1, 2}) {
          out.fillBytes(0);
          scale.launch(Grid((n + 255) / 256), x.as<float>(), out.as<float>(), n,
                       stride, 0.5f);
          device.synchronize();
          std::vector<float> result(n);
          out.download(result.data(), n * 4);
          for (int i = 0; i < n; ++i)
            if (result[i] != 0.5f * float(i * stride))
              return "stride " + std::to_string(stride) + ": out[" +
                     std::to_string(i) + "] = " + std::to_string(result[i]);
        }
        if (scale.loadedVariantCount() != 2)
          return "expected 2 variants";
        return {};
      });
  checks.run("CUDA graph capture of warm launches", [&]() -> std::string {
    const driver::Api &api = driver::api();
    if (!api.cuStreamBeginCapture || !api.cuGraphInstantiateWithFlags)
      return "the driver lacks the graph API";
    const int n = 5000;
    OwnedStream stream(device);
    DeviceBuffer x(device, n * 4), y(device, n * 4), out(device, n * 4);
    x.upload(sequence(n, 0).data(), n * 4);
    y.upload(sequence(n, 1000).data(), n * 4);
    out.fillBytes(0);
    std::vector<ArgValue> args{x.as<float>(), y.as<float>(), out.as<float>(),
                               n};
    add.warm(args);
    driver::check(api.cuStreamBeginCapture(
                      stream.get(), driver::CU_STREAM_CAPTURE_MODE_GLOBAL),
                  "cuStreamBeginCapture");
    for (int i = 0; i < 3; ++i)
      add.launch(Grid((n + 1023) / 1024), args, stream.get());
    driver::CUgraph graph = nullptr;
    driver::check(api.cuStreamEndCapture(stream.get(), &graph),
                  "cuStreamEndCapture");
    driver::CUgraphExec exec = nullptr;
    driver::check(api.cuGraphInstantiateWithFlags(&exec, graph, 0),
                  "cuGraphInstantiateWithFlags");
    std::vector<float> result(n);
    out.download(result.data(), n * 4);
    if (result[10] != 0.0f)
      return "the captured launches ran during capture";
    driver::check(api.cuGraphLaunch(exec, stream.get()), "cuGraphLaunch");
    stream.synchronize();
    out.download(result.data(), n * 4);
    api.cuGraphExecDestroy(exec);
    api.cuGraphDestroy(graph);
    for (int i = 0; i < n; ++i)
      if (result[i] != float(2 * i + 1000))
        return "after the graph: out[" + std::to_string(i) +
               "] = " + std::to_string(result[i]);
    return {};
  });
  checks.run("argument errors name the argument", [&]() -> std::string {
    float *pointer = reinterpret_cast<float *>(std::uintptr_t(0x1000));
    try {
      add.launch(Grid(1), pointer, pointer, pointer, 2.0f);
    } catch (const Error &error) {
      std::string message = error.what();
      if (error.kind() == Error::Kind::InvalidArgument &&
          message.find("argument 3 'n'") != std::string::npos)
        return {};
      return "unexpected message: " + message;
    }
    return "no error";
  });
  checks.run("driver errors carry name, text and kernel", [&]() -> std::string {
    DeviceBuffer x(device, 4096);
    try {
      add.launch(Grid(1, 1u << 20, 1), x.as<float>(), x.as<float>(),
                 x.as<float>(), 1000);
    } catch (const Error &error) {
      std::string message = error.what();
      if (error.kind() == Error::Kind::Driver &&
          message.find("kernel 'vector_add'") != std::string::npos &&
          message.find("CUDA_ERROR_") != std::string::npos)
        return {};
      return "unexpected message: " + message;
    }
    return "no error";
  });
  checks.run("fp8 conversions bit-exact against APFloat",
             [&] { return runFp8Check(device); });
  if (Device::count() > 1)
    checks.run("vector_add on device 1", [&] {
      return runVectorAdd(add.onDevice(1), Device::get(1), nullptr);
    });
  else
    std::printf("check %-52s SKIP  one device only\n",
                "vector_add on device 1");
  std::printf("checks: %d failed\n\n", checks.failures);
  return checks.failures;
}

//===----------------------------------------------------------------------===//
// Report
//===----------------------------------------------------------------------===//

std::string cubinBackendText() {
  std::optional<CubinBackend> backend = cubinBackendAvailable();
  return backend ? cubinBackendName(*backend).str()
                 : "none (the driver JIT-compiles PTX at load)";
}

const char *kStages[] = {"parse", "ttgir", "llvm-mlir", "llvm", "ptx", "cubin"};

void printTable(const std::string &device, const std::string &arch,
                const LaunchResult *launch, const std::string &launchSkip,
                const std::vector<KernelTimes> &kernels, bool compiled,
                bool cached) {
  std::printf("tritium-bench: %s, target %s, %s\n", device.c_str(),
              arch.c_str(), versionString().c_str());
  std::printf("PTX -> cubin: %s\n", cubinBackendText().c_str());
  if (launch) {
    std::printf("\nwarm launch, host time per launch (vector_add, 1 program, "
                "median of repeats)\n");
    std::printf("  %-34s %8.2f us\n", "tritium, bursts of 200 (host)",
                launch->burstUs);
    std::printf("  %-34s %8.2f us\n", "cuLaunchKernel, bursts (floor)",
                launch->driverFloorBurstUs);
    std::printf("  %-34s %8.2f us\n", "tritium back to back",
                launch->backToBackUs);
    std::printf("  %-34s %8.2f us\n", "tritium launch + sync",
                launch->launchSyncUs);
    std::printf("  %-34s %8.2f us\n", "cuLaunchKernel back to back (floor)",
                launch->driverFloorUs);
    std::printf("  %-34s %8.2f us\n", "cuLaunchKernel + sync (floor)",
                launch->driverFloorSyncUs);
    std::printf("  %-34s %8.2f us\n", "tritium overhead over the floor",
                launch->backToBackUs - launch->driverFloorUs);
  } else {
    std::printf("\nwarm launch: skipped (%s)\n", launchSkip.c_str());
  }
  if (!compiled && !cached)
    return;
  std::printf("\n%-24s", "kernel");
  if (compiled) {
    std::printf(" %9s %9s %9s", "cold ms", "cpu ms", "first ms");
    for (const char *stage : kStages)
      std::printf(" %9s", stage);
  }
  if (cached)
    std::printf(" %9s %9s", "disk us", "mem us");
  std::printf("\n");
  std::vector<double> cold, cpu, disk, memory;
  for (const KernelTimes &k : kernels) {
    if (!k.error.empty()) {
      std::printf("%-24s ERROR %s\n", k.name.c_str(), k.error.c_str());
      continue;
    }
    std::printf("%-24s", k.name.c_str());
    if (compiled)
      std::printf(" %9.1f %9.1f %9.1f", k.coldMs, k.coldCpuMs, k.firstColdMs);
    if (compiled)
      for (const char *stage : kStages) {
        auto found = k.stageMs.find(stage);
        std::printf(" %9.1f", found == k.stageMs.end() ? 0.0 : found->second);
      }
    if (cached)
      std::printf(" %9.0f %9.0f", k.diskHitUs, k.memoryHitUs);
    std::printf("\n");
    cold.push_back(k.coldMs);
    cpu.push_back(k.coldCpuMs);
    disk.push_back(k.diskHitUs);
    memory.push_back(k.memoryHitUs);
  }
  if (!cold.empty()) {
    std::printf("%-24s", "MEDIAN");
    if (compiled) {
      std::printf(" %9.1f %9.1f %9s", median(cold), median(cpu), "");
      for (std::size_t i = 0; i < std::size(kStages); ++i)
        std::printf(" %9s", "");
    }
    if (cached)
      std::printf(" %9.0f %9.0f", median(disk), median(memory));
    std::printf("\n");
    if (compiled)
      std::printf("%-24s %9.1f\n", "MAX",
                  *std::max_element(cold.begin(), cold.end()));
  }
}

llvm::json::Value toJson(const std::string &device, const std::string &arch,
                         const LaunchResult *launch,
                         const std::vector<KernelTimes> &kernels) {
  llvm::json::Array rows;
  for (const KernelTimes &k : kernels) {
    llvm::json::Object stages;
    for (const auto &[stage, ms] : k.stageMs)
      stages[stage] = ms;
    rows.push_back(llvm::json::Object{{"name", k.name},
                                      {"cold_compile_ms", k.coldMs},
                                      {"first_cold_compile_ms", k.firstColdMs},
                                      {"cold_compile_cpu_ms", k.coldCpuMs},
                                      {"stages_ms", std::move(stages)},
                                      {"disk_hit_us", k.diskHitUs},
                                      {"memory_hit_us", k.memoryHitUs},
                                      {"ptx_bytes", int64_t(k.ptxBytes)},
                                      {"cubin_bytes", int64_t(k.cubinBytes)},
                                      {"shared_bytes", int64_t(k.sharedBytes)},
                                      {"error", k.error}});
  }
  llvm::json::Object result{{"device", device},
                            {"arch", arch},
                            {"cubin_backend", cubinBackendText()},
                            {"version", versionString()},
                            {"kernels", std::move(rows)}};
  if (launch)
    result["launch"] = llvm::json::Object{
        {"kernel", "vector_add"},
        {"launches", launch->launches},
        {"back_to_back_us", launch->backToBackUs},
        {"burst_us", launch->burstUs},
        {"driver_floor_burst_us", launch->driverFloorBurstUs},
        {"launch_sync_us", launch->launchSyncUs},
        {"driver_floor_us", launch->driverFloorUs},
        {"driver_floor_sync_us", launch->driverFloorSyncUs}};
  return result;
}

} // namespace

int main(int argc, char **argv) {
  Options options = parseOptions(argc, argv);
  if (!isFile(kernelPath(options, "vector_add")))
    usage(("no corpus at " + options.corpus +
           " (run from the repository root or pass --corpus)")
              .c_str());
  ScratchCache scratch;

  std::string reason;
  bool haveGpu = driverAvailable(&reason);
  std::string deviceName = "no GPU (" + reason + ")";
  std::string arch = options.arch;
  int failedChecks = 0;
  try {
    if (haveGpu) {
      Device device = Device::get(0);
      deviceName = device.name();
      if (arch.empty())
        arch = device.arch();
    }
    if (arch.empty())
      arch = "sm_90a";

    if (options.check) {
      if (haveGpu)
        failedChecks = runChecks(options);
      else
        std::printf("checks: skipped (%s)\n\n", reason.c_str());
    }
    LaunchResult launch;
    bool launched = false;
    if (options.launch && haveGpu) {
      launch = measureLaunch(options, Device::get(0));
      launched = true;
    }
    std::vector<KernelTimes> kernels;
    if (options.compile || options.cache) {
      for (const std::string &name : corpusKernels(options)) {
        KernelTimes times;
        times.name = name;
        try {
          if (options.compile)
            measureCompile(options, arch, times);
          if (options.cache)
            measureCacheHits(options, arch, haveGpu, times);
        } catch (const Error &error) {
          times.error = error.what();
          std::size_t newline = times.error.find('\n');
          if (newline != std::string::npos)
            times.error.resize(newline);
        }
        kernels.push_back(std::move(times));
      }
    }
    llvm::json::Value json =
        toJson(deviceName, arch, launched ? &launch : nullptr, kernels);
    if (!options.jsonOut.empty()) {
      std::error_code error;
      llvm::raw_fd_ostream out(options.jsonOut, error);
      if (error)
        usage(("cannot write " + options.jsonOut).c_str());
      out << llvm::formatv("{0:2}", json) << "\n";
    }
    if (options.json) {
      llvm::outs() << llvm::formatv("{0:2}", json) << "\n";
    } else {
      printTable(deviceName, arch, launched ? &launch : nullptr,
                 options.launch ? reason : "--skip-launch", kernels,
                 options.compile, options.cache);
    }
  } catch (const Error &error) {
    std::fprintf(stderr, "tritium-bench: %s\n", error.what());
    return 1;
  }
  return failedChecks == 0 ? 0 : 1;
}
