//===- main.cpp - tritium-tune: tune config spaces, store the winners -----===//
//
// The command line lives in TuneCli.cpp; this file supplies what it cannot
// know by itself: the targets this build can tune and the cache root.
//
// Adding targets: builtinTargets() below is the one place. The indexer's
// benchmark cases (kernels/indexer, Spec.h benchmarkCases()) are there, one
// TuneTarget per case name ("seed-pq-32k", ...). The indexer's two launches
// share their knobs (the chunk sizes both), so a case is tuned as one unit:
// one TuneSession whose configs are PlanOverrides (kernels/indexer/tuning),
// timed as Indexer::run() on the case's seeded inputs.
//
//===----------------------------------------------------------------------===//

#include "TuneCli.h"

#include "tritium/Runtime/Error.h"

#include <iostream>
#include <unistd.h>

#ifdef TRITIUM_TUNE_HAVE_RUNTIME
#include "tritium/Runtime/Cache.h"
#endif
#ifdef TRITIUM_TUNE_HAVE_INDEXER
#include "tritium/Indexer/Tuning.h"
#include "tritium/Runtime/Runtime.h"
#endif

using namespace tritium::tune::cli;

namespace {

std::vector<TuneTarget> builtinTargets() {
  std::vector<TuneTarget> targets;
#ifdef TRITIUM_TUNE_HAVE_INDEXER
  namespace ix = tritium::indexer;
  for (const ix::BenchmarkCase &benchmark : ix::benchmarkCases()) {
    ix::IndexerConfig config = benchmark.config;
    targets.push_back(TuneTarget{
        .name = std::string(benchmark.name),
        .description =
            "indexer plan (chunk, warps of each launch; pq: heads, emit "
            "chunks, prefetch): " +
            config.describe(),
        .open = [config](const TargetOptions &options) {
          tritium::Device device = tritium::Device::get(options.device);
          ix::IndexerOptions indexerOptions;
          indexerOptions.device = options.device;
          indexerOptions.arch =
              options.arch.empty() ? device.arch() : options.arch;
          indexerOptions.multiprocessors = device.multiprocessorCount();
          int sms = indexerOptions.multiprocessors;
          std::vector<TuneSession> sessions;
          sessions.push_back(TuneSession{
              .space = ix::indexerConfigSpace(config.score),
              .key = ix::indexerTuningKey(config, sms, device.name(),
                                          indexerOptions.arch),
              .benchmarker = ix::makeIndexerBenchmarker(config, indexerOptions),
              .describeConfig = [config, sms](const tritium::tune::Config &c) {
                return ix::describeIndexerConfig(config, sms, c);
              }});
          return sessions;
        }});
  }
#endif
  return targets;
}

std::filesystem::path cacheRoot() {
#ifdef TRITIUM_TUNE_HAVE_RUNTIME
  return tritium::cacheRootDirectory();
#else
  throw tritium::Error(tritium::Error::Kind::Unsupported,
                       "this tritium-tune was built without the runtime; "
                       "pass --cache-dir DIR");
#endif
}

} // namespace

int main(int argc, char **argv) {
  CliContext context{.targets = builtinTargets(),
                     .targetsNote = "the indexer's benchmark cases need a "
                                    "build with the runtime and the indexer",
                     .defaultCacheRoot = cacheRoot,
                     .out = std::cout,
                     .err = std::cerr,
                     .progressBar = ::isatty(STDERR_FILENO) != 0};
  std::vector<std::string> args(argv + 1, argv + argc);
  return runTuneCli(args, context);
}
