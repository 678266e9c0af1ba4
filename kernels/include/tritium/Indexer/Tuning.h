//===- Tuning.h - Tuned plans for the indexer -------------------*- C++ -*-===//
//
// The indexer's tunable knobs are its PlanOverrides: the chunk of candidate
// positions each select program owns and the warps of the select and merge
// launches. Their config spaces ship as JSON (kernels/indexer/tuning/
// indexer_pq.json, indexer_exact.json, embedded in the library at build
// time) with the kwargs CHUNK, SELECT_WARPS and MERGE_WARPS, 0 meaning "the
// planner's own choice"; config 0, the default, is the planner's plan.
//
// `tritium-tune seed-pq-32k` (any benchmark case) times every config and
// stores the winner under <cache root>/tune/; an Indexer built without
// overrides then looks the winner up for its shape, device, arch and Tritium
// version (chooseIndexerPlan) and falls back to the planner's plan when
// nothing usable is stored. docs/autotuning.md describes it.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_INDEXER_TUNING_H
#define TRITIUM_INDEXER_TUNING_H

#include "tritium/Indexer/Indexer.h"
#include "tritium/Tune/Tuner.h"
#include "tritium/Tune/TuningStore.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace tritium::indexer {

/// "indexer_pq" or "indexer_exact": the kernel name tuning entries use.
std::string indexerTuningName(ScoreKind kind);

/// The shipped config space of a score kind, as embedded at build time.
const tune::ConfigSpace &indexerConfigSpace(ScoreKind kind);
/// Its JSON text (for tests and `tritium-tune --space`).
std::string_view indexerConfigSpaceJson(ScoreKind kind);

/// The values of the spaces' key: B, H, Hkv, D, Sk, heavy.
tune::KeyValues indexerKeyValues(const IndexerConfig &config);

/// The PlanOverrides a config of an indexer space stands for. Throws
/// tritium::Error(InvalidArgument) for a config that is not one (an unknown
/// or non-integer kwarg, a value out of range).
PlanOverrides planOverridesFor(const tune::Config &config);

/// The tuning key of `config` on a device: the kind's kernel name, a hash of
/// the Triton IR of the planner's kernels for this shape and SM count (an
/// edited kernel is tuned anew), the key values, the device name and arch,
/// and the Tritium version. Builds the kernels' IR; needs no GPU.
tune::TuningKey indexerTuningKey(const IndexerConfig &config,
                                 int multiprocessors,
                                 const std::string &deviceName,
                                 const std::string &arch);

/// Where an Indexer's plan came from.
enum class PlanSource {
  Overrides, ///< IndexerOptions::overrides (experiments, the tuner itself).
  Planner,   ///< The planner's own: tuned plans off, or full attention.
  Default,   ///< Tuned plans on, nothing usable stored: the space's default.
  Stored,    ///< The winner tritium-tune (or a first use) stored.
  Tuned,     ///< Tuned just now (tuning on first use).
};
/// "overrides", "planner", "default", "stored", "tuned".
const char *planSourceName(PlanSource source);

struct PlanChoice {
  IndexerPlan plan;
  PlanSource source = PlanSource::Planner;
  /// The config of the space the plan came from (Default, Stored, Tuned).
  tune::Config config;
  /// One line for logs: "stored winner CHUNK=4096, ... (path)".
  std::string note;
};

/// The plan-selection step of the Indexer's construction, without a GPU:
/// explicit overrides win; else, with a store, the stored winner for `key`
/// when it is still a config of the space and plans cleanly for `config`
/// (otherwise a warning through the store, and the default); else the
/// space's default (the planner's plan). A corrupt or foreign entry is
/// ignored with a warning, never thrown. `targetHasWgmma` as for
/// planIndexer.
PlanChoice chooseIndexerPlan(const IndexerConfig &config, int multiprocessors,
                             const PlanOverrides &overrides,
                             const tune::TuningStore *store,
                             const tune::TuningKey &key,
                             bool targetHasWgmma = true);

/// A benchmarker for the tuner: seeded inputs (generateInputs with `seed`)
/// and outputs on `options.device`, and per config an Indexer with that
/// config's overrides (tuned plans off), its kernels compiled in compile()
/// (thread-safe; through the runtime's caches), timed by run() on the
/// default stream. Needs a GPU; throws tritium::Error(NoDriver) without one.
std::unique_ptr<tune::Benchmarker>
makeIndexerBenchmarker(const IndexerConfig &config,
                       const IndexerOptions &options, std::uint64_t seed = 1);

/// "CHUNK=2048, SELECT_WARPS=0, MERGE_WARPS=0 -> chunk 2048, select 8 warps,
/// merge 4 warps": a config of the space and the plan it resolves to for
/// `config` on `multiprocessors` SMs (for tables).
std::string describeIndexerConfig(const IndexerConfig &config,
                                  int multiprocessors,
                                  const tune::Config &tuneConfig);

} // namespace tritium::indexer

#endif // TRITIUM_INDEXER_TUNING_H
