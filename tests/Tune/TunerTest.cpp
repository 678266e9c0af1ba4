//===- TunerTest.cpp - The tuner's selection logic, fake benchmarker -----===//
//
// The fake benchmarker stands in for the GPU: each config is told how to
// behave (fail to compile, use so many registers, fail to launch, take these
// times), so what the tuner keeps, drops and picks can be checked exactly.
//
//===----------------------------------------------------------------------===//

#include "FakeBenchmarker.h"

#include "tritium/Runtime/Error.h"
#include "tritium/Tune/Tuner.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <unistd.h>

using namespace tritium;
using namespace tritium::tune;
using namespace tritium::tune::testing;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

const char *const spaceText = R"({
  "key": ["N"],
  "configs": [
    {"kwargs": {"BLOCK": 32}, "num_warps": 2},
    {"kwargs": {"BLOCK": 64}, "num_warps": 4},
    {"kwargs": {"BLOCK": 128}, "num_warps": 4},
    {"kwargs": {"BLOCK": 256}, "num_warps": 8},
    {"kwargs": {"BLOCK": 512}, "num_warps": 8},
    {"kwargs": {"BLOCK": 1024}, "num_warps": 8},
    {"kwargs": {"BLOCK": 2048}, "num_warps": 16}
  ],
  "default": 1,
  "prune": {"keep_if": "BLOCK <= N", "max_shared_bytes": 65536}
})";

std::string block(std::int64_t size) { return "BLOCK=" + std::to_string(size); }

TunerOptions quickOptions() {
  TunerOptions options;
  options.warmupMilliseconds = 0.1;
  options.measureMilliseconds = 1;
  options.minTimedRuns = 5;
  options.maxTimedRuns = 50;
  return options;
}

const ConfigResult &resultFor(const TuningResult &result,
                              std::int64_t blockSize) {
  for (const ConfigResult &entry : result.configs)
    if (std::get<std::int64_t>(entry.config.kwargs.at("BLOCK")) == blockSize)
      return entry;
  FAIL("no result for BLOCK=" << blockSize);
  return result.configs.front();
}

} // namespace

TEST_CASE("failing configs are dropped with their reasons", "[tuner]") {
  ConfigSpace space = ConfigSpace::parse(spaceText);
  FakeBenchmarker bench;
  bench.behave(block(32)).compileError =
      "tt.dot: no lowering for f8E4M3 operands (at kernel.ttir:12:5)";
  bench.behave(block(64)).steadyMicroseconds = 20;
  bench.behave(block(128)).steadyMicroseconds = 12;
  bench.behave(block(256)).usage = {98304, 64}; // over the 64 KiB cap
  bench.behave(block(512)).launchError =
      "cuLaunchKernel: CUDA_ERROR_OUT_OF_RESOURCES: too many resources "
      "requested for launch";
  bench.behave(block(1024)).steadyMicroseconds = 15;

  TuningResult result = Tuner(space, bench, quickOptions()).tune({{"N", 1024}});
  REQUIRE(result.configs.size() == 7);

  const ConfigResult &notCompiled = resultFor(result, 32);
  CHECK(notCompiled.status == ConfigStatus::CompileFailed);
  CHECK(notCompiled.reason ==
        "tt.dot: no lowering for f8E4M3 operands (at kernel.ttir:12:5)");
  CHECK_FALSE(notCompiled.usage);

  const ConfigResult &overCap = resultFor(result, 256);
  CHECK(overCap.status == ConfigStatus::OverResourceCap);
  CHECK(overCap.reason == "uses 98304 bytes of shared memory, over "
                          "prune.max_shared_bytes = 65536");
  REQUIRE(overCap.usage);
  CHECK(overCap.usage->sharedBytes == 98304);

  const ConfigResult &notLaunched = resultFor(result, 512);
  CHECK(notLaunched.status == ConfigStatus::LaunchFailed);
  CHECK_THAT(notLaunched.reason, Contains("CUDA_ERROR_OUT_OF_RESOURCES"));

  const ConfigResult &pruned = resultFor(result, 2048);
  CHECK(pruned.status == ConfigStatus::Pruned);
  CHECK(pruned.reason == "prune.keep_if is false with BLOCK=2048, N=1024");

  // Pruned configs are never compiled; failed compiles and over-cap ones are
  // never launched.
  CHECK_FALSE(bench.wasCompiled(block(2048)));
  CHECK(bench.wasCompiled(block(32)));
  CHECK_FALSE(bench.wasTimed(block(32)));
  CHECK_FALSE(bench.wasTimed(block(256)));
  CHECK_FALSE(bench.wasTimed(block(2048)));

  REQUIRE(result.winner);
  CHECK(result.configs[*result.winner].config == space.configs()[2]);
  CHECK(resultFor(result, 128).medianMicroseconds == Approx(12));
  REQUIRE(result.defaultResult);
  CHECK(*result.defaultResult == 1);
  CHECK(result.configs[1].isDefault);
  CHECK(result.speedupOverDefault() == Approx(20.0 / 12.0));

  TunedEntry entry = result.toEntry(space);
  CHECK(entry.winner == space.configs()[2]);
  CHECK(entry.winnerMicroseconds == Approx(12));
  CHECK(entry.defaultMicroseconds == Approx(20));
  CHECK(entry.spaceFingerprint == space.fingerprint());
}

TEST_CASE("the median picks the winner, not the mean or the minimum",
          "[tuner]") {
  ConfigSpace space = ConfigSpace::parse(R"({"key": [], "configs": [
      {"kwargs": {"BLOCK": 1}}, {"kwargs": {"BLOCK": 2}},
      {"kwargs": {"BLOCK": 3}}]})");
  FakeBenchmarker bench;
  // One lucky run: the lowest minimum, but typically 10 us.
  bench.behave(block(1)).pattern = {10, 10, 1, 10, 10};
  // Outliers (another process on the GPU): the worst mean, typically 9 us.
  bench.behave(block(2)).pattern = {9, 9, 500, 9, 9, 400, 9};
  // Steady at 9.5 us: best mean among the typical, but a slower median.
  bench.behave(block(3)).pattern = {9.5};

  TuningResult result = Tuner(space, bench, quickOptions()).tune({});
  REQUIRE(result.winner);
  CHECK(*result.winner == 1);
  CHECK(result.configs[1].medianMicroseconds == Approx(9));
  CHECK(result.configs[0].minMicroseconds == Approx(1));
  CHECK(result.configs[0].medianMicroseconds == Approx(10));
  for (const ConfigResult &entry : result.configs)
    CHECK(entry.samplesMicroseconds.size() >= 5);
}

TEST_CASE("equal medians keep the earlier config", "[tuner]") {
  ConfigSpace space = ConfigSpace::parse(R"({"key": [], "configs": [
      {"num_warps": 1}, {"num_warps": 2}, {"num_warps": 4}], "default": 2})");
  FakeBenchmarker bench;
  bench.behave("num_warps=1").steadyMicroseconds = 8;
  bench.behave("num_warps=2").steadyMicroseconds = 5;
  bench.behave("num_warps=4").steadyMicroseconds = 5;
  TuningResult result = Tuner(space, bench, quickOptions()).tune({});
  REQUIRE(result.winner);
  CHECK(*result.winner == 1);
  CHECK(result.speedupOverDefault() == Approx(1.0));
}

TEST_CASE("a default outside the configs is timed too", "[tuner]") {
  ConfigSpace space = ConfigSpace::parse(R"({"key": ["N"], "configs": [
      {"kwargs": {"BLOCK": 64}}, {"kwargs": {"BLOCK": 128}}],
      "default": {"kwargs": {"BLOCK": 16}, "num_warps": 1}})");
  FakeBenchmarker bench;
  bench.behave(block(16)).steadyMicroseconds = 30;
  bench.behave(block(64)).steadyMicroseconds = 10;
  bench.behave(block(128)).steadyMicroseconds = 12;
  TuningResult result = Tuner(space, bench, quickOptions()).tune({{"N", 4}});
  REQUIRE(result.configs.size() == 3);
  CHECK(result.defaultResult == 2u);
  CHECK(result.configs[2].isDefault);
  CHECK(result.configs[2].config == space.defaultConfig());
  CHECK(result.winner == 0u);
  CHECK(result.speedupOverDefault() == Approx(3.0));
}

TEST_CASE("when nothing can be timed there is no winner", "[tuner]") {
  ConfigSpace space = ConfigSpace::parse(R"({"key": [], "configs": [
      {"num_warps": 1}, {"num_warps": 2}]})");
  FakeBenchmarker bench;
  bench.behave("num_warps=1").compileError = "ptxas: out of registers";
  bench.behave("num_warps=2").launchError =
      "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES";
  TuningResult result = Tuner(space, bench, quickOptions()).tune({});
  CHECK_FALSE(result.winner);
  CHECK_FALSE(result.speedupOverDefault());
  CHECK_THROWS_WITH(result.toEntry(space),
                    Contains("no config of the space could be timed"));
}

TEST_CASE("a missing driver stops the tuning", "[tuner]") {
  ConfigSpace space = ConfigSpace::parse(R"({"key": [], "configs": [
      {"num_warps": 1}, {"num_warps": 2}]})");
  SECTION("while compiling") {
    FakeBenchmarker bench;
    bench.behave("num_warps=1").compileKind = Error::Kind::NoDriver;
    bench.behave("num_warps=1").compileError = "no CUDA driver";
    try {
      Tuner(space, bench, quickOptions()).tune({});
      FAIL("tuned without a driver");
    } catch (const Error &error) {
      CHECK(error.kind() == Error::Kind::NoDriver);
    }
  }
  SECTION("while timing") {
    FakeBenchmarker bench;
    bench.behave("num_warps=2").launchKind = Error::Kind::NoDriver;
    bench.behave("num_warps=2").launchError = "no CUDA driver";
    CHECK_THROWS_AS(Tuner(space, bench, quickOptions()).tune({}), Error);
  }
}

TEST_CASE("a benchmarker's bad samples are not trusted", "[tuner]") {
  ConfigSpace space = ConfigSpace::parse(R"({"key": [], "configs": [
      {"num_warps": 1}, {"num_warps": 2}, {"num_warps": 4}]})");
  FakeBenchmarker bench;
  bench.behave("num_warps=1").dropOneSample = true;
  bench.behave("num_warps=2").pattern = {3, -1};
  bench.behave("num_warps=4").steadyMicroseconds = 50;
  TuningResult result = Tuner(space, bench, quickOptions()).tune({});
  CHECK(result.configs[0].status == ConfigStatus::LaunchFailed);
  CHECK_THAT(result.configs[0].reason, Contains("samples for"));
  CHECK(result.configs[1].status == ConfigStatus::LaunchFailed);
  CHECK_THAT(result.configs[1].reason, Contains("invalid time"));
  CHECK(result.winner == 2u);
}

TEST_CASE("the key must match the space", "[tuner]") {
  ConfigSpace space = ConfigSpace::parse(spaceText);
  FakeBenchmarker bench;
  CHECK_THROWS_WITH(Tuner(space, bench).tune({{"M", 4}}),
                    Contains("do not match the config space's key (N)"));
}

TEST_CASE("configs compile in parallel, time one at a time", "[tuner]") {
  std::string configs;
  for (int i = 0; i < 8; ++i)
    configs += std::string(i ? ", " : "") +
               "{\"kwargs\": {\"BLOCK\": " + std::to_string(1 << i) + "}}";
  ConfigSpace space =
      ConfigSpace::parse("{\"key\": [], \"configs\": [" + configs + "]}");
  FakeBenchmarker bench;
  bench.compileSleep = std::chrono::milliseconds(30);
  TunerOptions options = quickOptions();
  options.compileThreads = 4;

  std::vector<TuneProgress> progress;
  options.onProgress = [&](const TuneProgress &step) {
    progress.push_back(step);
  };
  TuningResult result = Tuner(space, bench, options).tune({});
  CHECK(bench.maxConcurrentCompiles() > 1);
  CHECK(bench.maxConcurrentCompiles() <= 4);
  CHECK(bench.maxConcurrentTimings() == 1);
  for (const ConfigResult &entry : result.configs)
    CHECK(entry.compileMilliseconds >= 25);

  REQUIRE(progress.size() == 16);
  for (std::size_t i = 0; i < 8; ++i) {
    CHECK(progress[i].phase == TuneProgress::Phase::Compile);
    CHECK(progress[i].done == i + 1);
    CHECK(progress[i].total == 8);
    CHECK(progress[i].finished != nullptr);
    CHECK(progress[8 + i].phase == TuneProgress::Phase::Time);
    CHECK(progress[8 + i].done == i + 1);
    CHECK(progress[8 + i].finished == &result.configs[i]);
  }
}

TEST_CASE("runs are sized to the time budget", "[tuner]") {
  ConfigSpace space = ConfigSpace::parse(R"({"key": [], "configs": [
      {"num_warps": 1}, {"num_warps": 2}, {"num_warps": 4}],
      "reset_to_zero": ["lengths"], "restore_value": ["scores"]})");
  FakeBenchmarker bench;
  bench.behave("num_warps=1").steadyMicroseconds = 2;     // fast
  bench.behave("num_warps=2").steadyMicroseconds = 2000;  // 2 ms
  bench.behave("num_warps=4").steadyMicroseconds = 50000; // 50 ms
  TunerOptions options;
  options.warmupMilliseconds = 25;
  options.measureMilliseconds = 100;
  options.minTimedRuns = 10;
  options.maxTimedRuns = 1000;
  options.estimateRuns = 5;
  options.flushL2 = true;
  Tuner(space, bench, options).tune({});

  auto requests = [&](const std::string &name) {
    return bench.behave(name).requests;
  };
  // First a 5-run estimate, then the sized run.
  REQUIRE(requests("num_warps=1").size() == 2);
  CHECK(requests("num_warps=1")[0].timedRuns == 5);
  CHECK(requests("num_warps=1")[1].timedRuns == 1000); // capped
  CHECK(requests("num_warps=1")[1].warmupRuns == 1000);
  CHECK(requests("num_warps=2")[1].timedRuns == 50);
  CHECK(requests("num_warps=2")[1].warmupRuns == 13);
  CHECK(requests("num_warps=4")[1].timedRuns == 10); // at least the minimum
  CHECK(requests("num_warps=4")[1].warmupRuns == 1);
  for (const TimingRequest &request : requests("num_warps=2")) {
    CHECK(request.flushL2);
    CHECK(request.resetToZero == std::vector<std::string>{"lengths"});
    CHECK(request.restoreValue == std::vector<std::string>{"scores"});
  }
}

TEST_CASE("tuning on first use stores the winner once", "[tuner][store]") {
  fs::path root = fs::temp_directory_path() /
                  ("tritium-tuner-test-" + std::to_string(::getpid()));
  fs::remove_all(root);
  ConfigSpace space = ConfigSpace::parse(spaceText);
  std::vector<std::string> warnings;
  TuningStore store(
      root, [&](const std::string &message) { warnings.push_back(message); });
  TuningKey key;
  key.kernelName = "vector_add";
  key.kernelHash = "abc";
  key.keyValues = {{"N", 100000}};
  key.deviceName = "fake";
  key.arch = "sm_90a";

  FakeBenchmarker bench;
  bench.behave(block(512)).steadyMicroseconds = 3;
  for (int size : {32, 64, 128, 256, 1024, 2048})
    bench.behave(block(size)).steadyMicroseconds = 4 + size / 1024.0;

  Config first = lookupOrTune(store, key, space, bench, quickOptions());
  CHECK(first == space.configs()[4]);
  std::size_t callsAfterTuning = bench.totalCalls();
  CHECK(callsAfterTuning > 0);

  Config second = lookupOrTune(store, key, space, bench, quickOptions());
  CHECK(second == first);
  CHECK(bench.totalCalls() == callsAfterTuning);
  CHECK(store.lookup(key, space) == first);
  REQUIRE(store.find(key));
  CHECK(store.find(key)->winnerMicroseconds == Approx(3));
  CHECK(store.find(key)->defaultMicroseconds == Approx(4 + 64 / 1024.0));
  CHECK(warnings.empty());

  SECTION("nothing timed: the default, nothing stored") {
    TuningKey other = key;
    other.keyValues = {{"N", 7}};
    FakeBenchmarker failing;
    failing.failEverything = true;
    CHECK(lookupOrTune(store, other, space, failing, quickOptions()) ==
          space.defaultConfig());
    CHECK_FALSE(store.find(other));
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings[0], Contains("no config could be timed"));
  }
  fs::remove_all(root);
}
