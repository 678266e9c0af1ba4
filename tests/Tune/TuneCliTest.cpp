//===- TuneCliTest.cpp - The tritium-tune command line with fake targets --===//

#include "TuneCli.h"
#include "FakeBenchmarker.h"

#include "tritium/Runtime/Error.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace tritium;
using namespace tritium::tune;
using namespace tritium::tune::cli;
using namespace tritium::tune::testing;
using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;
using Catch::Matchers::StartsWith;
namespace fs = std::filesystem;

namespace {

const char *const spaceText = R"json({
  "kernel": "row_sum",
  "key": ["N"],
  "configs": [
    {"kwargs": {"BLOCK": 64}, "num_warps": 2},
    {"kwargs": {"BLOCK": 128}, "num_warps": 4},
    {"kwargs": {"BLOCK": 256}, "num_warps": 4},
    {"kwargs": {"BLOCK": 512}, "num_warps": 8},
    {"kwargs": {"BLOCK": 8192}, "num_warps": 8}
  ],
  "default": 1,
  "prune": {"keep_if": "BLOCK <= N"}
})json";

// The first line of \p text that contains \p needle.
std::string lineWith(const std::string &text, const std::string &needle) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.find(needle) != std::string::npos)
      return line;
  FAIL("no line with " << needle << " in:\n" << text);
  return "";
}

struct Harness {
  Harness() {
    static std::atomic<int> counter{0};
    root = fs::temp_directory_path() /
           ("tritium-tune-cli-test-" + std::to_string(::getpid()) + "-" +
            std::to_string(counter++));
    fs::remove_all(root);
    fs::create_directories(root);
    spaceFile = root / "row_sum.json";
    std::ofstream(spaceFile) << spaceText;
  }
  ~Harness() {
    std::error_code ignored;
    fs::remove_all(root, ignored);
  }

  // A target "row-sum-4k" whose kernel behaves as the fake is told.
  void addTarget(std::string name = "row-sum-4k") {
    context.targets.push_back(TuneTarget{
        name, "row sums of a 4096-wide matrix",
        [this](const TargetOptions &options) {
          lastOptions = options;
          if (!openError.empty())
            throw Error(Error::Kind::NoDriver, openError);
          auto bench = std::make_unique<FakeBenchmarker>();
          bench->behave("BLOCK=64").steadyMicroseconds = 9;
          bench->behave("BLOCK=128").steadyMicroseconds = 6;
          bench->behave("BLOCK=256").steadyMicroseconds = 4;
          bench->behave("BLOCK=256").usage = {1024, 40};
          bench->behave("BLOCK=512").launchError =
              "CUDA_ERROR_OUT_OF_RESOURCES: too many resources requested";
          bench->failEverything = failEverything;
          TuningKey key;
          key.kernelName = "row_sum";
          key.kernelHash = "feedface";
          key.keyValues = {{"N", 4096}};
          key.deviceName = "Fake GPU";
          key.arch = "sm_90a";
          std::vector<TuneSession> sessions;
          sessions.push_back(TuneSession{ConfigSpace::parse(spaceText), key,
                                         std::move(bench)});
          return sessions;
        }});
  }

  int run(std::vector<std::string> args) {
    out.str("");
    err.str("");
    // Short timing budgets: the fake needs no warm-up.
    if (!args.empty() && args[0] != "--space" && args[0] != "--help")
      for (const char *option : {"--warmup-ms=0.01", "--measure-ms=0.1"})
        args.push_back(option);
    return runTuneCli(args, context);
  }

  fs::path root;
  fs::path spaceFile;
  std::ostringstream out, err;
  CliContext context{.targets = {},
                     .targetsNote = "no indexer in this test",
                     .defaultCacheRoot = [this] { return root / "cache"; },
                     .out = out,
                     .err = err,
                     .progressBar = false};
  std::string openError;
  bool failEverything = false;
  TargetOptions lastOptions;
};

} // namespace

TEST_CASE("usage errors exit 2 with the usage", "[cli]") {
  Harness harness;
  CHECK(harness.run({"--help"}) == 0);
  CHECK_THAT(harness.out.str(), StartsWith("usage:"));

  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{}, "nothing to do"},
      {{"--bogus"}, "unknown option '--bogus'"},
      {{"--space"}, "--space needs a value"},
      {{"--json=yes", "x"}, "--json takes no value"},
      {{"--shape", "N=4"}, "--shape goes with --space"},
      {{"--space", "f.json", "--shape", "N"}, "--shape: expected NAME=VALUE"},
      {{"--space", "f.json", "--shape", "N=four"},
       "--shape N: expected an integer, got 'four'"},
      {{"t", "--threads", "0"}, "--threads: expected between 1 and 1024"},
      {{"t", "--measure-ms", "-1"},
       "--measure-ms: expected a positive number of milliseconds"},
      {{"t", "--space", "f.json"}, "give either targets, --space FILE or"},
  };
  for (const auto &[args, message] : cases) {
    std::ostringstream joined;
    for (const std::string &arg : args)
      joined << arg << " ";
    INFO(joined.str());
    std::ostringstream out, err;
    CliContext context{.out = out, .err = err};
    CHECK(runTuneCli(args, context) == 2);
    CHECK_THAT(err.str(), StartsWith("tritium-tune: " + message));
    CHECK_THAT(err.str(), Contains("usage:"));
  }
}

TEST_CASE("--space checks a config space without a GPU", "[cli]") {
  Harness harness;
  std::string file = harness.spaceFile.string();

  SECTION("valid, no shapes") {
    CHECK(harness.run({"--space", file}) == 0);
    CHECK_THAT(harness.out.str(),
               StartsWith(file + ": valid, 5 configs, key (N), default "
                                 "BLOCK=128, num_warps=4, num_stages=3\n"));
    CHECK_THAT(harness.out.str(), Contains("give --shape NAME=VALUE"));
  }
  SECTION("with the key's values: what the prune rule keeps") {
    CHECK(harness.run({"--space=" + file, "--shape", "N=200"}) == 0);
    std::string out = harness.out.str();
    CHECK_THAT(lineWith(out, "BLOCK=64,"), EndsWith(" kept"));
    CHECK_THAT(lineWith(out, "(default)"),
               StartsWith("BLOCK=128, num_warps=4, num_stages=3 (default)"));
    CHECK_THAT(lineWith(out, "(default)"), EndsWith(" kept"));
    CHECK_THAT(out, Contains("pruned: prune.keep_if is false with "
                             "BLOCK=256, N=200"));
    CHECK_THAT(out, Contains("2 of 5 configs would be compiled and timed"));
  }
  SECTION("as JSON") {
    CHECK(harness.run({"--space", file, "--shape", "N=300", "--json"}) == 0);
    auto document = nlohmann::json::parse(harness.out.str());
    CHECK(document["valid"] == true);
    CHECK(document["kernel"] == "row_sum");
    CHECK(document["key_values"]["N"] == 300);
    CHECK(document["configs"].size() == 5);
    CHECK(document["configs"][2]["kept"] == true);
    CHECK(document["configs"][3]["kept"] == false);
    CHECK(document["configs"][1]["is_default"] == true);
    CHECK(document["fingerprint"].get<std::string>().size() == 16);
  }
  SECTION("invalid: the JSON path of the mistake, exit 1") {
    std::ofstream(harness.spaceFile)
        << R"({"key": ["N"], "configs": [{"num_warps": 6}]})";
    CHECK(harness.run({"--space", file}) == 1);
    CHECK(harness.err.str() ==
          "tritium-tune: error: " + file +
              ": configs[0].num_warps: expected a power of two between 1 and "
              "32, got 6\n");
  }
  SECTION("a key value missing or not in the key") {
    CHECK(harness.run({"--space", file, "--shape", "M=3"}) == 1);
    CHECK_THAT(harness.err.str(),
               Contains("no value for key argument 'N' of kernel 'row_sum'"));
    CHECK(harness.run({"--space", file, "--shape", "N=3", "--shape", "M=3"}) ==
          1);
    CHECK_THAT(harness.err.str(),
               Contains("--shape M: not in the config space's key"));
  }
  SECTION("a missing file") {
    CHECK(harness.run({"--space", file + ".missing"}) == 1);
    CHECK_THAT(harness.err.str(), Contains("cannot read config space"));
  }
}

TEST_CASE("--list-targets", "[cli]") {
  Harness harness;
  CHECK(harness.run({"--list-targets"}) == 0);
  CHECK(harness.out.str() ==
        "no targets in this build: no indexer in this test\n");
  harness.addTarget();
  CHECK(harness.run({"--list-targets"}) == 0);
  CHECK_THAT(harness.out.str(),
             Contains("row-sum-4k  row sums of a 4096-wide matrix"));
  CHECK(harness.run({"--list-targets", "--json"}) == 0);
  auto document = nlohmann::json::parse(harness.out.str());
  CHECK(document["targets"][0]["name"] == "row-sum-4k");
}

TEST_CASE("tuning a target prints every config and stores the winner",
          "[cli]") {
  Harness harness;
  harness.addTarget();
  CHECK(harness.run({"row-sum-4k", "--device", "1", "--arch", "sm_90a"}) == 0);
  CHECK(harness.lastOptions.device == 1);
  CHECK(harness.lastOptions.arch == "sm_90a");
  std::string out = harness.out.str();
  INFO(out);

  CHECK_THAT(out, StartsWith("row-sum-4k: row_sum [N=4096] on Fake GPU "
                             "(sm_90a)\n"));
  // Fastest first, the winner marked; dropped configs last with reasons.
  std::size_t winner = out.find("*  BLOCK=256, num_warps=4, num_stages=3");
  std::size_t second =
      out.find("BLOCK=128, num_warps=4, num_stages=3 (default)");
  std::size_t third = out.find("BLOCK=64, num_warps=2");
  std::size_t failed = out.find("BLOCK=512");
  std::size_t pruned = out.find("BLOCK=8192");
  REQUIRE(winner != std::string::npos);
  CHECK(winner < second);
  CHECK(second < third);
  CHECK(third < failed);
  CHECK(failed < pruned);
  CHECK_THAT(out, Contains("timed"));
  CHECK_THAT(out, Contains("4.00"));
  CHECK_THAT(out, Contains("1.50x"));
  CHECK_THAT(out, Contains("40 regs, 1024 B smem"));
  CHECK_THAT(out, Contains("launch failed"));
  CHECK_THAT(out, Contains("CUDA_ERROR_OUT_OF_RESOURCES"));
  std::string prunedLine = lineWith(out, "BLOCK=8192");
  CHECK_THAT(prunedLine, Contains("  pruned  "));
  CHECK_THAT(prunedLine,
             Contains("prune.keep_if is false with BLOCK=8192, N=4096"));
  CHECK_THAT(out, Contains("winner: BLOCK=256, num_warps=4, num_stages=3, "
                           "4.00 us, 1.50x over the default (6.00 us)"));
  // The closing summary: default against winner, one row per kernel.
  std::size_t summary = out.find("default vs tuned");
  REQUIRE(summary != std::string::npos);
  std::string summaryLine = lineWith(out.substr(summary), "row-sum-4k");
  CHECK_THAT(summaryLine, Contains(" 6.00 ") && Contains(" 4.00 ") &&
                              Contains(" 1.50x  BLOCK=256, num_warps=4"));

  fs::path tuneFolder = harness.root / "cache" / "tune";
  REQUIRE(fs::exists(tuneFolder));
  std::vector<fs::path> files;
  for (const auto &entry : fs::directory_iterator(tuneFolder))
    files.push_back(entry.path());
  REQUIRE(files.size() == 1);
  CHECK_THAT(out, Contains("stored: " + files[0].string()));

  // The runtime's lookup now finds the winner.
  TuningStore store(harness.root / "cache");
  TuningKey key;
  key.kernelName = "row_sum";
  key.kernelHash = "feedface";
  key.keyValues = {{"N", 4096}};
  key.deviceName = "Fake GPU";
  key.arch = "sm_90a";
  ConfigSpace space = ConfigSpace::parse(spaceText);
  CHECK(store.lookup(key, space) == space.configs()[2]);

  // Without a terminal, one line per phase on stderr.
  CHECK_THAT(harness.err.str(), StartsWith("row-sum-4k: compiled 4 configs"));
}

TEST_CASE("tuning progress on stderr", "[cli]") {
  Harness harness;
  harness.addTarget();
  SECTION("log lines when stderr is not a terminal") {
    // No bar, but the phase lines are written when progress is on and the
    // harness says stderr is not a terminal.
    CHECK(harness.run({"row-sum-4k", "--no-store"}) == 0);
    std::string err = harness.err.str();
    CHECK_THAT(err, Contains("row-sum-4k: compiled 4 configs in "));
    CHECK_THAT(err, Contains("row-sum-4k: timed 4 configs in "));
    CHECK_THAT(err, Contains("(1 dropped)"));
  }
  SECTION("a bar on a terminal") {
    harness.context.progressBar = true;
    CHECK(harness.run({"row-sum-4k", "--no-store"}) == 0);
    std::string err = harness.err.str();
    CHECK_THAT(err, Contains("\rrow-sum-4k compiling [#######"));
    CHECK_THAT(err, Contains("] 4/4"));
    CHECK_THAT(err, Contains("\rrow-sum-4k timing ["));
  }
  SECTION("none with --no-progress") {
    CHECK(harness.run({"row-sum-4k", "--no-store", "--no-progress"}) == 0);
    CHECK(harness.err.str() == "");
  }
}

TEST_CASE("tuning as JSON", "[cli]") {
  Harness harness;
  harness.addTarget();
  CHECK(harness.run({"row-sum-4k", "--json", "--no-progress"}) == 0);
  auto document = nlohmann::json::parse(harness.out.str());
  CHECK(document["tritium_version"] == tritiumVersion());
  REQUIRE(document["results"].size() == 1);
  auto result = document["results"][0];
  CHECK(result["target"] == "row-sum-4k");
  CHECK(result["kernel"] == "row_sum");
  CHECK(result["key"]["N"] == 4096);
  CHECK(result["device"] == "Fake GPU");
  CHECK(result["winner"]["kwargs"]["BLOCK"] == 256);
  CHECK(result["winner_us"] == Approx(4));
  CHECK(result["default_us"] == Approx(6));
  CHECK(result["speedup_over_default"] == Approx(1.5));
  CHECK(result["stored"].is_string());
  REQUIRE(result["configs"].size() == 5);
  CHECK(result["configs"][2]["status"] == "timed");
  CHECK(result["configs"][2]["registers"] == 40);
  CHECK(result["configs"][2]["runs"].get<int>() >= 10);
  CHECK(result["configs"][3]["status"] == "launch failed");
  CHECK_THAT(result["configs"][3]["reason"].get<std::string>(),
             Contains("OUT_OF_RESOURCES"));
  CHECK(result["configs"][4]["status"] == "pruned");
  CHECK(result["configs"][1]["is_default"] == true);
}

TEST_CASE("tuning failures exit 1 with the reason", "[cli]") {
  Harness harness;
  harness.addTarget();

  SECTION("an unknown target, before anything is tuned") {
    CHECK(harness.run({"row-sum-4k", "seed-pq-32k"}) == 1);
    CHECK(harness.err.str() ==
          "tritium-tune: error: unknown target 'seed-pq-32k'; known: "
          "row-sum-4k (no indexer in this test)\n");
    CHECK(harness.out.str() == "");
  }
  SECTION("a target that cannot run here") {
    harness.openError = "no CUDA driver (libcuda.so.1 not found)";
    CHECK(harness.run({"row-sum-4k"}) == 1);
    CHECK(harness.err.str() == "tritium-tune: error: no CUDA driver "
                               "(libcuda.so.1 not found)\n");
  }
  SECTION("nothing could be timed: table, no winner, nothing stored") {
    harness.failEverything = true;
    CHECK(harness.run({"row-sum-4k", "--no-progress"}) == 1);
    CHECK_THAT(harness.out.str(), Contains("compile failed"));
    CHECK_THAT(harness.out.str(), Contains("everything fails"));
    CHECK_THAT(harness.out.str(),
               Contains("no config could be timed; the default (BLOCK=128, "
                        "num_warps=4, num_stages=3) stays in use"));
    CHECK_FALSE(fs::exists(harness.root / "cache" / "tune"));
  }
  SECTION("--no-store writes nothing") {
    CHECK(harness.run({"row-sum-4k", "--no-store", "--no-progress"}) == 0);
    CHECK_THAT(harness.out.str(), !Contains("stored:"));
    CHECK_FALSE(fs::exists(harness.root / "cache"));
  }
}
