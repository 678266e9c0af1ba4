//===- RuntimeBenchmarkerTest.cpp - Tuning through the runtime ------------===//
//
// Compiling configs needs no GPU and runs everywhere. Tests tagged [gpu]
// time kernels on the GPU; without a driver or device they print why they
// skipped and pass.
//
//===----------------------------------------------------------------------===//

#include "tritium/Tune/RuntimeBenchmarker.h"
#include "tritium/Runtime/Error.h"
#include "tritium/Runtime/Kernel.h"
#include "tritium/Tune/Tuner.h"

#include <catch2/catch.hpp>

#include <numeric>

using namespace tritium;
using namespace tritium::tune;
using Catch::Matchers::Contains;

namespace {

const std::string vectorAddFile =
    std::string(TRITIUM_CORPUS_DIR) + "/vector_add/vector_add.ttir";

// The corpus kernel has BLOCK baked in (1024): what varies here is what a
// Triton IR kernel can vary, num_warps and num_stages.
const char *const vectorAddSpace = R"json({
  "kernel": "vector_add",
  "key": ["n"],
  "configs": [
    {"num_warps": 1, "num_stages": 1},
    {"num_warps": 2, "num_stages": 1},
    {"num_warps": 4, "num_stages": 1},
    {"num_warps": 8, "num_stages": 1}
  ],
  "default": 2,
  "restore_value": ["out_ptr"]
})json";

constexpr std::uint32_t block = 1024;

// A prepare function for vector_add on the given addresses.
RuntimeBenchmarker::Prepare prepareVectorAdd(std::vector<ArgValue> args,
                                             std::int32_t n,
                                             std::string arch = {}) {
  return [args, n, arch](const Config &config) {
    KernelOptions base;
    base.useDiskCache = false; // tests leave the user's cache alone
    Kernel kernel =
        Kernel::fromFile(vectorAddFile, kernelOptionsFor(config, base));
    Grid grid((static_cast<std::uint32_t>(n) + block - 1) / block);
    return prepareKernelLaunch(kernel, grid, args, arch);
  };
}

bool gpuPresent() {
  std::string reason;
  if (driverAvailable(&reason))
    return true;
  WARN("skipped: " << reason);
  return false;
}

} // namespace

TEST_CASE("a config's launch options", "[runtime-benchmarker]") {
  Config config;
  config.numWarps = 8;
  config.numStages = 2;
  KernelOptions base;
  base.arch = "sm_80";
  KernelOptions options = kernelOptionsFor(config, base);
  CHECK(options.numWarps == 8);
  CHECK(options.numStages == 2);
  CHECK(options.arch == "sm_80");

  CHECK(options.maxRegisters == 0);

  config.maxRegisters = 128;
  CHECK(kernelOptionsFor(config, base).maxRegisters == 128);
}

TEST_CASE("configs compile without a GPU", "[runtime-benchmarker]") {
  ConfigSpace space = ConfigSpace::parse(vectorAddSpace);
  // Addresses are only looked at for their alignment when compiling.
  std::vector<ArgValue> args = {
      ArgValue::pointer(0x100000), ArgValue::pointer(0x200000),
      ArgValue::pointer(0x300000), std::int32_t(5000)};
  RuntimeBenchmarker bench(prepareVectorAdd(args, 5000, "sm_90a"));
  for (const Config &config : space.configs()) {
    INFO(config.describe());
    ResourceUsage usage = bench.compile(config);
    CHECK(usage.sharedBytes >= 0);
    CHECK_FALSE(usage.registers);
  }

  SECTION("time() needs a compiled config") {
    Config unknown;
    unknown.numWarps = 16;
    CHECK_THROWS_WITH(bench.time(unknown, TimingRequest{}),
                      Contains("time() before compile()"));
  }
  SECTION("restore_value must name a buffer the target gives") {
    TimingRequest request;
    request.restoreValue = {"out_ptr"};
    try {
      bench.time(space.configs()[0], request);
      FAIL("timed with an unknown buffer");
    } catch (const Error &error) {
      CHECK(error.kind() == Error::Kind::InvalidArgument);
      CHECK_THAT(error.what(),
                 Contains("restore_value names 'out_ptr', which is not a "
                          "buffer this target gives (none)"));
    }
  }
  SECTION("a config that does not compile is dropped with the compiler's "
          "words") {
    RuntimeBenchmarker broken([](const Config &config) {
      KernelOptions base;
      base.useDiskCache = false;
      Kernel kernel =
          Kernel::fromIR("tt.func @broken(", kernelOptionsFor(config, base));
      return prepareKernelLaunch(kernel, Grid(1), {});
    });
    TunerOptions options;
    options.compileThreads = 2;
    ConfigSpace one = ConfigSpace::parse(R"({"key": [], "configs": [{}]})");
    TuningResult result = Tuner(one, broken, options).tune({});
    REQUIRE(result.configs.size() == 1);
    CHECK(result.configs[0].status == ConfigStatus::CompileFailed);
    CHECK_FALSE(result.configs[0].reason.empty());
    CHECK_FALSE(result.winner);
  }
}

TEST_CASE("without a GPU the tuner stops at the first timing",
          "[runtime-benchmarker]") {
  std::string reason;
  if (driverAvailable(&reason))
    return; // covered by the [gpu] test
  ConfigSpace space = ConfigSpace::parse(vectorAddSpace);
  std::vector<ArgValue> args = {
      ArgValue::pointer(0x100000), ArgValue::pointer(0x200000),
      ArgValue::pointer(0x300000), std::int32_t(5000)};
  RuntimeBenchmarker bench(prepareVectorAdd(args, 5000, "sm_90a"));
  ConfigSpace noRestore = ConfigSpace::parse(R"({"key": ["n"], "configs": [
      {"num_warps": 2}, {"num_warps": 4}]})");
  try {
    Tuner(noRestore, bench).tune({{"n", 5000}});
    FAIL("tuned without a GPU");
  } catch (const Error &error) {
    CHECK(error.kind() == Error::Kind::NoDriver);
  }
}

TEST_CASE("tuning vector_add on the GPU", "[gpu]") {
  if (!gpuPresent())
    return;
  constexpr std::int32_t n = 1 << 24;
  Device device = Device::get(0);
  DeviceBuffer x(device, n * sizeof(float)), y(device, n * sizeof(float)),
      out(device, n * sizeof(float));
  std::vector<float> values(n);
  std::iota(values.begin(), values.end(), 0.0f);
  x.upload(values.data(), values.size() * sizeof(float));
  y.upload(values.data(), values.size() * sizeof(float));
  out.fillBytes(0);

  ConfigSpace space = ConfigSpace::parse(vectorAddSpace);
  RuntimeBenchmarkerOptions options;
  options.buffers["out_ptr"] = &out;
  RuntimeBenchmarker bench(
      prepareVectorAdd({x.as<float>(), y.as<float>(), out.as<float>(), n}, n),
      options);
  TunerOptions tunerOptions;
  tunerOptions.warmupMilliseconds = 5;
  tunerOptions.measureMilliseconds = 20;
  TuningResult result = Tuner(space, bench, tunerOptions).tune({{"n", n}});

  for (const ConfigResult &entry : result.configs) {
    INFO(entry.config.describe() << ": " << entry.reason);
    CHECK(entry.status == ConfigStatus::Timed);
    CHECK(entry.medianMicroseconds > 0);
    // 3 x 64 MiB moved: no config can beat ~3.3 TB/s.
    CHECK(entry.medianMicroseconds > 3.0 * n * sizeof(float) / 3.3e6);
    WARN(entry.config.describe()
         << ": median " << entry.medianMicroseconds << " us over "
         << entry.samplesMicroseconds.size() << " runs");
  }
  REQUIRE(result.winner);

  // restore_value put back the poisoned-zero output before every run; the
  // last run's result is still the sum.
  std::vector<float> sums(n);
  out.download(sums.data(), sums.size() * sizeof(float));
  int wrong = 0;
  for (std::int32_t i = 0; i < n; ++i)
    wrong += sums[i] != 2.0f * float(i);
  CHECK(wrong == 0);
}
