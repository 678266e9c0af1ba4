//===- Tuner.h - Pick the fastest config for some shapes --------*- C++ -*-===//
//
// The tuner does what Triton's autotuner does when a new key is seen:
// prune, compile every remaining config (here in parallel, on all cores),
// drop the configs that fail to compile, exceed the space's resource caps or
// fail to launch (each with its reason), time the rest and keep the config
// with the lowest median time.
//
// It measures through the abstract Benchmarker: the runtime implements it on
// the GPU (CUDA events, the L2 flushed by writing a buffer larger than L2
// before each timed run, written arguments restored), the tests implement it
// on the CPU, so the selection logic runs without a GPU.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_TUNE_TUNER_H
#define TRITIUM_TUNE_TUNER_H

#include "tritium/Tune/ConfigSpace.h"
#include "tritium/Tune/TuningStore.h"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tritium::tune {

/// What the tuner asks of one Benchmarker::time call.
struct TimingRequest {
  int warmupRuns = 1; ///< Launches before the timed ones, not measured.
  int timedRuns = 10; ///< Launches to time, one sample each.
  /// Flush L2 before each timed run (write a buffer larger than L2), so every
  /// run starts cold as the kernel will in a real step.
  bool flushL2 = true;
  /// Arguments to zero before each run (the space's reset_to_zero) and to
  /// restore to their original contents before each run (restore_value):
  /// the ones the kernel writes and also reads.
  std::vector<std::string> resetToZero;
  std::vector<std::string> restoreValue;
};

/// Compiles and times configs of one kernel for one set of key values.
class Benchmarker {
public:
  virtual ~Benchmarker();

  /// Compiles \p config and reports its resource usage. Called from several
  /// threads at once (for different configs), so it must be thread-safe.
  /// Throws tritium::Error (or any std::exception) when the config does not
  /// compile; the message becomes the config's reason in the tuner's table.
  virtual ResourceUsage compile(const Config &config) = 0;

  /// Launches the compiled \p config request.warmupRuns times untimed, then
  /// request.timedRuns times, each timed alone (CUDA events) after the L2
  /// flush and the resets/restores the request names, and returns each timed
  /// run's duration in microseconds. Called from one thread, one config at a
  /// time, only for configs that compiled. Throws when a launch fails (out
  /// of resources, ...); an Error of kind NoDriver stops the whole tuning.
  virtual std::vector<double> time(const Config &config,
                                   const TimingRequest &request) = 0;
};

/// What happened to one config.
enum class ConfigStatus {
  Timed,           ///< Compiled, launched and timed.
  Pruned,          ///< prune.keep_if is false (or cannot be evaluated).
  CompileFailed,   ///< The compiler rejected it.
  OverResourceCap, ///< Compiled, over prune.max_shared_bytes/max_registers.
  LaunchFailed,    ///< Compiled, but a launch failed (out of resources...).
};

/// "timed", "pruned", "compile failed", "over cap", "launch failed".
const char *statusName(ConfigStatus status);

struct ConfigResult {
  Config config;
  bool isDefault = false; ///< The space's default config.
  ConfigStatus status = ConfigStatus::Pruned;
  std::string reason;                      ///< Why it was dropped, when it was.
  std::optional<ResourceUsage> usage;      ///< When it compiled.
  double compileMilliseconds = 0;          ///< Wall time of its compile.
  std::vector<double> samplesMicroseconds; ///< The timed runs, as measured.
  double medianMicroseconds = 0;           ///< When timed.
  double minMicroseconds = 0;              ///< When timed.
};

struct TuningResult {
  KeyValues key;
  /// One per config of the space in file order, then the default when it is
  /// not one of them.
  std::vector<ConfigResult> configs;
  std::optional<std::size_t> winner;        ///< Index of the fastest.
  std::optional<std::size_t> defaultResult; ///< Index of the default.

  /// Default's median / winner's median, when both were timed.
  std::optional<double> speedupOverDefault() const;

  /// The entry to store: the winner, its and the default's medians. Throws
  /// tritium::Error (InvalidArgument) when no config could be timed.
  TunedEntry toEntry(const ConfigSpace &space) const;
};

/// Where the tuner is; passed to TunerOptions::onProgress.
struct TuneProgress {
  enum class Phase { Compile, Time } phase = Phase::Compile;
  std::size_t done = 0;                   ///< Configs finished in this phase.
  std::size_t total = 0;                  ///< Configs this phase handles.
  const ConfigResult *finished = nullptr; ///< The one just finished.
};

struct TunerOptions {
  /// Threads compiling configs; 0 means one per core.
  unsigned compileThreads = 0;
  /// Timing budget per config, as Triton's do_bench: a short estimate, then
  /// about warmupMilliseconds of untimed and measureMilliseconds of timed
  /// runs, within [minTimedRuns, maxTimedRuns] timed runs.
  double warmupMilliseconds = 25;
  double measureMilliseconds = 100;
  int estimateRuns = 5;
  int minTimedRuns = 10;
  int maxTimedRuns = 1000;
  bool flushL2 = true;
  /// Called after each config of each phase, from one thread at a time.
  std::function<void(const TuneProgress &)> onProgress;
};

class Tuner {
public:
  Tuner(const ConfigSpace &space, Benchmarker &benchmarker,
        TunerOptions options = {});

  /// Tunes for \p key (checked against the space's key). Never throws for a
  /// config that fails; throws tritium::Error when \p key does not match the
  /// space, or when the benchmarker reports no driver.
  TuningResult tune(const KeyValues &key);

private:
  void compileAll(TuningResult &result);
  void timeAll(TuningResult &result);
  TimingRequest requestFor(int warmupRuns, int timedRuns) const;

  const ConfigSpace &space;
  Benchmarker &benchmarker;
  TunerOptions options;
};

/// Tuning on first use (off by default in the runtime): the stored winner
/// for \p key when there is one, else tunes now, stores the winner and
/// returns it; falls back to the space's default when no config could be
/// timed (and stores nothing). A store that cannot be written is warned
/// about through \p store's handler, not thrown.
Config lookupOrTune(const TuningStore &store, const TuningKey &key,
                    const ConfigSpace &space, Benchmarker &benchmarker,
                    TunerOptions options = {});

} // namespace tritium::tune

#endif // TRITIUM_TUNE_TUNER_H
