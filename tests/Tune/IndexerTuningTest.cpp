//===- IndexerTuningTest.cpp - The indexer's spaces and tuned plans, on CPU
//===//
//
// The shipped config spaces of the indexer (kernels/indexer/tuning) and the
// plan selection an Indexer runs at construction (chooseIndexerPlan): a
// stored winner becomes the plan, the planner's plan stands when nothing
// usable is stored. No GPU: planning and building the kernels' IR need none.
//
//===----------------------------------------------------------------------===//

#include "tritium/Indexer/Tuning.h"
#include "tritium/Runtime/Error.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace tritium;
using namespace tritium::indexer;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

constexpr int kSMs = 132; // H100 SXM

class TemporaryFolder {
public:
  TemporaryFolder() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() /
           ("tritium-indexer-tuning-test-" + std::to_string(::getpid()) + "-" +
            std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TemporaryFolder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  fs::path path;
};

std::string readFile(const fs::path &file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// A config of the exact space's knobs.
tune::Config indexerConfig(int64_t chunk, int64_t selectWarps,
                           int64_t mergeWarps) {
  tune::Config config;
  config.kwargs = {{"CHUNK", chunk},
                   {"SELECT_WARPS", selectWarps},
                   {"MERGE_WARPS", mergeWarps}};
  config.numStages = 1;
  return config;
}

/// A config of the pq space's knobs (those of the counts path added).
tune::Config pqConfig(int64_t chunk, int64_t selectWarps, int64_t mergeWarps,
                      int64_t heads = 0, int64_t emitChunks = 0,
                      int64_t prefetch = -1) {
  tune::Config config = indexerConfig(chunk, selectWarps, mergeWarps);
  config.kwargs["HEADS"] = heads;
  config.kwargs["EMIT_CHUNKS"] = emitChunks;
  config.kwargs["PREFETCH"] = prefetch;
  return config;
}

void storeWinner(const tune::TuningStore &store, const tune::TuningKey &key,
                 const tune::Config &winner, ScoreKind kind) {
  tune::TunedEntry entry;
  entry.winner = winner;
  entry.winnerMicroseconds = 20.0;
  entry.defaultMicroseconds = 30.0;
  entry.spaceFingerprint = indexerConfigSpace(kind).fingerprint();
  store.store(key, entry);
}

bool samePlan(const IndexerPlan &a, const IndexerPlan &b) {
  return a.describe() == b.describe() && a.chunk == b.chunk &&
         a.selectWarps == b.selectWarps && a.mergeWarps == b.mergeWarps;
}

} // namespace

TEST_CASE("the shipped indexer spaces are the files, valid, keyed on the "
          "shape, with the planner's plan as default",
          "[indexer-tuning]") {
  for (ScoreKind kind : {ScoreKind::PQ, ScoreKind::Exact}) {
    std::string name = indexerTuningName(kind);
    INFO(name);
    // The embedded text is the file's (a stale build would tune another
    // space than the one in the tree).
    fs::path file = fs::path(TRITIUM_SOURCE_DIR) / "kernels/indexer/tuning" /
                    (name + ".json");
    CHECK(indexerConfigSpaceJson(kind) == readFile(file));
    tune::ConfigSpace fromFile = tune::ConfigSpace::load(file);
    const tune::ConfigSpace &space = indexerConfigSpace(kind);
    CHECK(space.fingerprint() == fromFile.fingerprint());
    CHECK(space.kernelName() == name);
    CHECK(space.key() ==
          std::vector<std::string>{"B", "H", "Hkv", "D", "Sk", "heavy"});
    CHECK(space.defaultIndex() == std::optional<std::size_t>(0));
    CHECK(space.defaultConfig() ==
          (kind == ScoreKind::PQ ? pqConfig(0, 0, 0) : indexerConfig(0, 0, 0)));
    // Every config is a plan override (the mapping throws otherwise).
    for (const tune::Config &config : space.configs())
      CHECK_NOTHROW(planOverridesFor(config));
  }
}

TEST_CASE("every config the prune rule keeps plans and builds for every "
          "benchmark case; the default is the planner's plan",
          "[indexer-tuning]") {
  for (const BenchmarkCase &benchmark : benchmarkCases()) {
    INFO(benchmark.name);
    const IndexerConfig &config = benchmark.config;
    const tune::ConfigSpace &space = indexerConfigSpace(config.score);
    tune::KeyValues key = indexerKeyValues(config);
    CHECK_NOTHROW(space.checkKeyValues(key));
    IndexerPlan planner = planIndexer(config, kSMs);
    CHECK(samePlan(
        planIndexer(config, kSMs, planOverridesFor(space.defaultConfig())),
        planner));
    std::size_t kept = 0;
    for (const tune::Config &tuneConfig : space.configs()) {
      if (!space.checkBeforeCompile(tuneConfig, key).keep)
        continue;
      ++kept;
      INFO(tuneConfig.describe());
      IndexerPlan plan =
          planIndexer(config, kSMs, planOverridesFor(tuneConfig));
      auto chunk = std::get<std::int64_t>(tuneConfig.kwargs.at("CHUNK"));
      if (chunk)
        CHECK(plan.chunk == chunk);
      CHECK(plan.launches == 2);
    }
    // More than the default alone is left to time on every case.
    CHECK(kept > 5);
  }
  // Building the kernels (the costly part of planning) for one config each.
  const IndexerConfig &seed = findCase("seed-pq-32k").config;
  CHECK(
      buildIndexerKernels(
          seed, planIndexer(seed, kSMs, planOverridesFor(pqConfig(4096, 4, 8))))
          .size() == 2);
}

TEST_CASE("plan configs that are not the indexer's are refused",
          "[indexer-tuning]") {
  tune::Config unknown = indexerConfig(2048, 8, 8);
  unknown.kwargs["BLOCK"] = std::int64_t(64);
  CHECK_THROWS_WITH(planOverridesFor(unknown),
                    Contains("BLOCK is not a knob of the indexer's plan"));
  tune::Config text = indexerConfig(2048, 8, 8);
  text.kwargs["CHUNK"] = std::string("big");
  CHECK_THROWS_WITH(planOverridesFor(text),
                    Contains("CHUNK must be an integer"));
  PlanOverrides overrides = planOverridesFor(indexerConfig(4096, 4, 16));
  CHECK(overrides.chunk == 4096);
  CHECK(overrides.selectWarps == 4);
  CHECK(overrides.mergeWarps == 16);

  // The counts path's knobs; PREFETCH alone has three states.
  overrides = planOverridesFor(pqConfig(8192, 0, 0, 1, 2, 0));
  CHECK(overrides.headsPerProgram == 1);
  CHECK(overrides.emitChunks == 2);
  CHECK(overrides.exactPrefetch == 0);
  CHECK(planOverridesFor(pqConfig(0, 0, 0)).exactPrefetch == -1);
  CHECK_FALSE(planOverridesFor(pqConfig(0, 0, 0)).any());
  CHECK(planOverridesFor(pqConfig(32768, 0, 0)).chunk == 32768);
  CHECK_THROWS_WITH(planOverridesFor(pqConfig(0, 0, 0, 0, 0, 2)),
                    Contains("PREFETCH is out of range (-1 .. 1)"));
  CHECK_THROWS_WITH(planOverridesFor(pqConfig(0, 0, 0, 0, -1)),
                    Contains("EMIT_CHUNKS is out of range (0 .. 32768)"));
  // L2_AHEAD: the count's tiles asked of L2 ahead, -1 (or absent) for the
  // planner's.
  tune::Config ahead = pqConfig(0, 0, 0);
  CHECK(planOverridesFor(ahead).countL2Ahead == -1);
  ahead.kwargs["L2_AHEAD"] = std::int64_t(2);
  CHECK(planOverridesFor(ahead).countL2Ahead == 2);
  CHECK(planOverridesFor(ahead).any());
  ahead.kwargs["L2_AHEAD"] = std::int64_t(-1);
  CHECK_FALSE(planOverridesFor(ahead).any());
  ahead.kwargs["L2_AHEAD"] = std::int64_t(9);
  CHECK_THROWS_WITH(planOverridesFor(ahead),
                    Contains("L2_AHEAD is out of range (-1 .. 8)"));
  // L2_FETCH: the count's L2 fill size, -1 (or absent) for the planner's.
  tune::Config fetch = pqConfig(0, 0, 0);
  CHECK(planOverridesFor(fetch).countL2Fetch == -1);
  fetch.kwargs["L2_FETCH"] = std::int64_t(256);
  CHECK(planOverridesFor(fetch).countL2Fetch == 256);
  fetch.kwargs["L2_FETCH"] = std::int64_t(0);
  CHECK(planOverridesFor(fetch).countL2Fetch == 0);
  CHECK(planOverridesFor(fetch).any());
  fetch.kwargs["L2_FETCH"] = std::int64_t(100);
  CHECK_THROWS_WITH(planOverridesFor(fetch),
                    Contains("L2_FETCH is not -1, 0, 64, 128 or 256"));
}

TEST_CASE("the tuning key names the kind, the shape, the device and the "
          "kernels' IR",
          "[indexer-tuning]") {
  const IndexerConfig &seed = findCase("seed-pq-32k").config;
  tune::TuningKey key =
      indexerTuningKey(seed, kSMs, "NVIDIA H100 80GB HBM3", "sm_90a");
  CHECK(key.kernelName == "indexer_pq");
  CHECK(key.kernelHash.size() == 16);
  CHECK(key.keyValues == indexerKeyValues(seed));
  CHECK(key.deviceName == "NVIDIA H100 80GB HBM3");
  CHECK(key.arch == "sm_90a");
  CHECK(key.tritiumVersion == tune::tritiumVersion());
  // Deterministic; a size outside the key (sink) still changes the hash.
  CHECK(indexerTuningKey(seed, kSMs, key.deviceName, key.arch) == key);
  IndexerConfig otherSink = seed;
  otherSink.sink = 64;
  CHECK(
      indexerTuningKey(otherSink, kSMs, key.deviceName, key.arch).kernelHash !=
      key.kernelHash);
  CHECK(indexerTuningKey(findCase("exact-gqa-32k").config, kSMs, key.deviceName,
                         key.arch)
            .kernelName == "indexer_exact");
}

TEST_CASE("the Indexer's plan: the stored winner for its key, else the "
          "default",
          "[indexer-tuning]") {
  TemporaryFolder folder;
  std::vector<std::string> warnings;
  tune::TuningStore store(folder.path, [&](const std::string &message) {
    warnings.push_back(message);
  });
  const IndexerConfig &config = findCase("seed-pq-32k").config;
  tune::TuningKey key =
      indexerTuningKey(config, kSMs, "NVIDIA H100 80GB HBM3", "sm_90a");
  IndexerPlan planner = planIndexer(config, kSMs);

  SECTION("nothing stored: the default, which is the planner's plan") {
    PlanChoice choice = chooseIndexerPlan(config, kSMs, {}, &store, key);
    CHECK(choice.source == PlanSource::Default);
    CHECK(samePlan(choice.plan, planner));
    CHECK(warnings.empty());
  }

  SECTION("a stored winner is the plan") {
    storeWinner(store, key, pqConfig(4096, 4, 8), config.score);
    PlanChoice choice = chooseIndexerPlan(config, kSMs, {}, &store, key);
    CHECK(choice.source == PlanSource::Stored);
    CHECK(choice.plan.chunk == 4096);
    CHECK(choice.plan.selectWarps == 4);
    CHECK(choice.plan.mergeWarps == 8);
    CHECK(choice.config == pqConfig(4096, 4, 8));
    CHECK_THAT(choice.note, Contains("stored winner"));
    CHECK(warnings.empty());

    // 0 in a winner still means the planner's choice for that knob.
    storeWinner(store, key, pqConfig(8192, 0, 0), config.score);
    choice = chooseIndexerPlan(config, kSMs, {}, &store, key);
    CHECK(choice.plan.chunk == 8192);
    CHECK(choice.plan.selectWarps ==
          planIndexer(config, kSMs, {.chunk = 8192}).selectWarps);

    // Explicit overrides win over the store; no store: the planner.
    choice = chooseIndexerPlan(config, kSMs, {.chunk = 1024}, &store, key);
    CHECK(choice.source == PlanSource::Overrides);
    CHECK(choice.plan.chunk == 1024);
    choice = chooseIndexerPlan(config, kSMs, {}, nullptr, key);
    CHECK(choice.source == PlanSource::Planner);
    CHECK(samePlan(choice.plan, planner));
  }

  SECTION("a winner stored for another device, arch, version or shape is "
          "not used") {
    tune::TuningKey other = key;
    other.deviceName = "NVIDIA H200";
    storeWinner(store, other, pqConfig(4096, 4, 8), config.score);
    other = key;
    other.arch = "sm_80";
    storeWinner(store, other, pqConfig(4096, 4, 8), config.score);
    other = key;
    other.tritiumVersion = "0.0.1";
    storeWinner(store, other, pqConfig(4096, 4, 8), config.score);
    IndexerConfig b8 = findCase("pq-b8-32k").config;
    storeWinner(store, indexerTuningKey(b8, kSMs, key.deviceName, key.arch),
                pqConfig(4096, 4, 8), config.score);
    PlanChoice choice = chooseIndexerPlan(config, kSMs, {}, &store, key);
    CHECK(choice.source == PlanSource::Default);
    CHECK(samePlan(choice.plan, planner));
  }

  SECTION("a corrupt entry is ignored with a warning") {
    fs::create_directories(store.entryPath(key).parent_path());
    for (const char *garbage :
         {"", "{", "not json at all", "{\"format\": \"tritium-tuning-entry\"}",
          "[1, 2, 3]"}) {
      INFO(garbage);
      std::ofstream(store.entryPath(key), std::ios::trunc) << garbage;
      warnings.clear();
      PlanChoice choice = chooseIndexerPlan(config, kSMs, {}, &store, key);
      CHECK(choice.source == PlanSource::Default);
      CHECK(samePlan(choice.plan, planner));
      CHECK(!warnings.empty());
    }
  }

  SECTION("a winner the space no longer lists is stale: the default") {
    // Within the plan's limits, but not a config of the shipped space.
    storeWinner(store, key, pqConfig(512, 2, 2), config.score);
    PlanChoice choice = chooseIndexerPlan(config, kSMs, {}, &store, key);
    CHECK(choice.source == PlanSource::Default);
    CHECK(samePlan(choice.plan, planner));
    REQUIRE(!warnings.empty());
  }
}

TEST_CASE("the tables say what plan a config resolves to", "[indexer-tuning]") {
  const IndexerConfig &config = findCase("seed-pq-32k").config;
  IndexerPlan planner = planIndexer(config, kSMs);
  std::string text = describeIndexerConfig(config, kSMs, pqConfig(0, 0, 0));
  CHECK_THAT(text, Contains("CHUNK=0, SELECT_WARPS=0, MERGE_WARPS=0, HEADS=0, "
                            "EMIT_CHUNKS=0, PREFETCH=-1 -> count chunk " +
                            std::to_string(planner.chunk) + ", 2 head(s)"));
  CHECK_THAT(describeIndexerConfig(config, kSMs, pqConfig(4096, 4, 8, 1, 2, 0)),
             Contains("-> count chunk 4096, 1 head(s), 4 warps; emit 2 "
                      "chunk(s), 8 warps; prefetch count off, emit off"));
  // The select + merge path (more than 4096 code tuples).
  IndexerConfig wide = config;
  wide.pq.bits = 8;
  CHECK_THAT(describeIndexerConfig(wide, kSMs, pqConfig(4096, 4, 8)),
             Contains("-> chunk 4096, select 4 warps, merge 8 warps"));
}
