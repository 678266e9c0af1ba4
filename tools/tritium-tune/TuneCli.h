//===- TuneCli.h - The tritium-tune command line, testable core -*- C++ -*-===//
//
// tritium-tune tunes "targets": named things that know their kernels, their
// config spaces, their shapes and how to run them on the GPU. The command
// line core is independent of where targets come from, so the tests drive
// it with fake targets on the CPU and the tool's main() plugs in the real
// ones.
//
// Hookup point for new targets (see main.cpp, builtinTargets()): the
// indexer's benchmark cases ("seed-pq-32k", "exact-gqa-128k", ...) register
// one TuneTarget per case, whose open() builds a TuneSession per kernel of
// the case (the fused score + top-K kernel, the index generation kernel):
// its shipped config space, the TuningKey (kernel name and IR hash, the
// case's key values, the device) and a Benchmarker that launches the kernel
// on the case's seeded inputs.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_TOOLS_TRITIUM_TUNE_TUNECLI_H
#define TRITIUM_TOOLS_TRITIUM_TUNE_TUNECLI_H

#include "tritium/Tune/ConfigSpace.h"
#include "tritium/Tune/Tuner.h"
#include "tritium/Tune/TuningStore.h"

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace tritium::tune::cli {

/// One kernel of a target, ready to tune.
struct TuneSession {
  ConfigSpace space;
  TuningKey key;
  std::unique_ptr<Benchmarker> benchmarker;
  /// How the tables name a config; empty: Config::describe(). (The
  /// indexer's say what plan a config resolves to.)
  std::function<std::string(const Config &)> describeConfig;
};

/// What the command line passes to a target when opening it.
struct TargetOptions {
  int device = 0;   ///< CUDA device ordinal (--device).
  std::string arch; ///< Code generation target (--arch); empty: the device's.
};

/// Something tritium-tune can tune by name.
struct TuneTarget {
  std::string name;        ///< "seed-pq-32k"
  std::string description; ///< One line for --list-targets.
  /// Prepares one session per kernel. Throws tritium::Error when the target
  /// cannot run here (no driver, no device), with the reason.
  std::function<std::vector<TuneSession>(const TargetOptions &)> open;
};

/// Everything the command line needs from its surroundings.
struct CliContext {
  std::vector<TuneTarget> targets;
  /// Said when a name is not a known target (e.g. why the indexer's cases
  /// are missing from this build).
  std::string targetsNote;
  /// The cache root when --cache-dir is not given: the runtime's
  /// tritium::cacheRootDirectory() in the tool.
  std::function<std::filesystem::path()> defaultCacheRoot;
  std::ostream &out;
  std::ostream &err;
  /// Draw a progress bar on err (when it is a terminal); else one line per
  /// phase.
  bool progressBar = false;
};

/// Runs `tritium-tune ARGS...` (args without the program name). Returns the
/// exit status: 0 done, 1 a failure (invalid space, nothing could be timed,
/// a target that cannot run), 2 a usage error.
int runTuneCli(const std::vector<std::string> &args, CliContext &context);

/// The usage text.
std::string usageText();

} // namespace tritium::tune::cli

#endif // TRITIUM_TOOLS_TRITIUM_TUNE_TUNECLI_H
