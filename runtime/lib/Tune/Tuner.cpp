//===- Tuner.cpp - Pick the fastest config of a space for some shapes -----===//

#include "tritium/Tune/Tuner.h"

#include "tritium/Runtime/Error.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>

namespace tritium::tune {

Benchmarker::~Benchmarker() = default;

const char *statusName(ConfigStatus status) {
  switch (status) {
  case ConfigStatus::Timed:
    return "timed";
  case ConfigStatus::Pruned:
    return "pruned";
  case ConfigStatus::CompileFailed:
    return "compile failed";
  case ConfigStatus::OverResourceCap:
    return "over cap";
  case ConfigStatus::LaunchFailed:
    return "launch failed";
  }
  return "unknown";
}

namespace {

double median(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  std::size_t middle = samples.size() / 2;
  if (samples.size() % 2 == 1)
    return samples[middle];
  return (samples[middle - 1] + samples[middle]) / 2;
}

// The message of whatever a benchmarker threw, for the config's reason.
// A missing driver is not a property of one config: it stops the tuning.
std::string describeFailure(std::exception_ptr failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const Error &error) {
    if (error.kind() == Error::Kind::NoDriver)
      throw;
    return error.what();
  } catch (const std::exception &error) {
    return error.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

// Checks what a benchmarker measured before trusting it; a bad sample would
// otherwise pick a wrong winner silently.
std::optional<std::string> checkSamples(const std::vector<double> &samples,
                                        int expected) {
  if (samples.size() != static_cast<std::size_t>(expected))
    return "the benchmarker returned " + std::to_string(samples.size()) +
           " samples for " + std::to_string(expected) + " timed runs";
  for (double sample : samples)
    if (!std::isfinite(sample) || sample < 0)
      return "the benchmarker returned an invalid time (" +
             std::to_string(sample) + " us)";
  return std::nullopt;
}

} // namespace

std::optional<double> TuningResult::speedupOverDefault() const {
  if (!winner || !defaultResult)
    return std::nullopt;
  const ConfigResult &best = configs[*winner];
  const ConfigResult &fallback = configs[*defaultResult];
  if (fallback.status != ConfigStatus::Timed || best.medianMicroseconds <= 0)
    return std::nullopt;
  return fallback.medianMicroseconds / best.medianMicroseconds;
}

TunedEntry TuningResult::toEntry(const ConfigSpace &space) const {
  if (!winner)
    throw Error(Error::Kind::InvalidArgument,
                "no config of the space could be timed for [" +
                    describeKey(key) +
                    "], so there is no winner to store; the reasons are in "
                    "the tuner's table");
  TunedEntry entry;
  entry.winner = configs[*winner].config;
  entry.winnerMicroseconds = configs[*winner].medianMicroseconds;
  if (defaultResult && configs[*defaultResult].status == ConfigStatus::Timed)
    entry.defaultMicroseconds = configs[*defaultResult].medianMicroseconds;
  entry.spaceFingerprint = space.fingerprint();
  return entry;
}

Tuner::Tuner(const ConfigSpace &space, Benchmarker &benchmarker,
             TunerOptions options)
    : space(space), benchmarker(benchmarker), options(std::move(options)) {}

TuningResult Tuner::tune(const KeyValues &key) {
  space.checkKeyValues(key);

  TuningResult result;
  result.key = key;
  for (const Config &config : space.configs())
    result.configs.emplace_back().config = config;
  if (auto index = space.defaultIndex()) {
    result.defaultResult = *index;
  } else {
    result.configs.emplace_back().config = space.defaultConfig();
    result.defaultResult = result.configs.size() - 1;
  }
  result.configs[*result.defaultResult].isDefault = true;

  for (ConfigResult &entry : result.configs) {
    PruneVerdict verdict = space.checkBeforeCompile(entry.config, key);
    if (!verdict.keep) {
      entry.status = ConfigStatus::Pruned;
      entry.reason = verdict.reason;
    } else {
      // Provisional: compileAll decides.
      entry.status = ConfigStatus::CompileFailed;
    }
  }

  compileAll(result);
  timeAll(result);

  // Lowest median wins; on a tie the earlier config (the file's order is the
  // author's preference).
  for (std::size_t i = 0; i < result.configs.size(); ++i) {
    const ConfigResult &candidate = result.configs[i];
    if (candidate.status != ConfigStatus::Timed)
      continue;
    if (!result.winner || candidate.medianMicroseconds <
                              result.configs[*result.winner].medianMicroseconds)
      result.winner = i;
  }
  return result;
}

void Tuner::compileAll(TuningResult &result) {
  std::vector<std::size_t> pending;
  for (std::size_t i = 0; i < result.configs.size(); ++i)
    if (result.configs[i].status != ConfigStatus::Pruned)
      pending.push_back(i);
  if (pending.empty())
    return;

  unsigned threads = options.compileThreads;
  if (threads == 0)
    threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<unsigned>(threads, pending.size());

  std::atomic<std::size_t> next{0};
  std::mutex progressMutex;
  std::size_t done = 0;
  std::exception_ptr stopTuning;
  std::atomic<bool> stopping{false};

  auto worker = [&] {
    for (std::size_t slot = next++; slot < pending.size() && !stopping;
         slot = next++) {
      ConfigResult &entry = result.configs[pending[slot]];
      auto start = std::chrono::steady_clock::now();
      try {
        entry.usage = benchmarker.compile(entry.config);
        PruneVerdict verdict = space.checkAfterCompile(*entry.usage);
        entry.status =
            verdict.keep ? ConfigStatus::Timed : ConfigStatus::OverResourceCap;
        entry.reason = verdict.reason;
      } catch (...) {
        entry.status = ConfigStatus::CompileFailed;
        try {
          entry.reason = describeFailure(std::current_exception());
        } catch (...) {
          std::lock_guard<std::mutex> lock(progressMutex);
          if (!stopTuning)
            stopTuning = std::current_exception();
          stopping = true;
          entry.reason = "not compiled: no CUDA driver";
        }
      }
      entry.compileMilliseconds = std::chrono::duration<double, std::milli>(
                                      std::chrono::steady_clock::now() - start)
                                      .count();

      std::lock_guard<std::mutex> lock(progressMutex);
      ++done;
      if (options.onProgress)
        options.onProgress(TuneProgress{TuneProgress::Phase::Compile, done,
                                        pending.size(), &entry});
    }
  };

  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i)
    pool.emplace_back(worker);
  worker(); // The calling thread works too rather than waiting idle.
  for (std::thread &thread : pool)
    thread.join();
  if (stopTuning)
    std::rethrow_exception(stopTuning);
}

TimingRequest Tuner::requestFor(int warmupRuns, int timedRuns) const {
  TimingRequest request;
  request.warmupRuns = warmupRuns;
  request.timedRuns = timedRuns;
  request.flushL2 = options.flushL2;
  request.resetToZero = space.resetToZero();
  request.restoreValue = space.restoreValue();
  return request;
}

void Tuner::timeAll(TuningResult &result) {
  std::vector<std::size_t> compiled;
  for (std::size_t i = 0; i < result.configs.size(); ++i)
    if (result.configs[i].status == ConfigStatus::Timed)
      compiled.push_back(i);

  auto clampRuns = [](double runs, int low, int high) {
    if (!std::isfinite(runs))
      return high;
    return static_cast<int>(
        std::clamp(std::ceil(runs), double(low), double(std::max(low, high))));
  };

  std::size_t done = 0;
  for (std::size_t index : compiled) {
    ConfigResult &entry = result.configs[index];
    try {
      // A short run first, as Triton's do_bench does, to size the real one
      // to the time budget: fast kernels get many samples, slow ones enough.
      int estimateRuns = std::max(1, options.estimateRuns);
      std::vector<double> estimate =
          benchmarker.time(entry.config, requestFor(1, estimateRuns));
      if (auto problem = checkSamples(estimate, estimateRuns))
        throw Error(Error::Kind::Internal, *problem);
      double perRunMicroseconds = std::max(median(estimate), 0.001);

      int warmupRuns =
          clampRuns(options.warmupMilliseconds * 1000 / perRunMicroseconds, 1,
                    options.maxTimedRuns);
      int timedRuns =
          clampRuns(options.measureMilliseconds * 1000 / perRunMicroseconds,
                    options.minTimedRuns, options.maxTimedRuns);
      std::vector<double> samples =
          benchmarker.time(entry.config, requestFor(warmupRuns, timedRuns));
      if (auto problem = checkSamples(samples, timedRuns))
        throw Error(Error::Kind::Internal, *problem);

      entry.medianMicroseconds = median(samples);
      entry.minMicroseconds = *std::min_element(samples.begin(), samples.end());
      entry.samplesMicroseconds = std::move(samples);
    } catch (...) {
      entry.status = ConfigStatus::LaunchFailed;
      entry.reason = describeFailure(std::current_exception());
    }
    ++done;
    if (options.onProgress)
      options.onProgress(TuneProgress{TuneProgress::Phase::Time, done,
                                      compiled.size(), &entry});
  }
}

Config lookupOrTune(const TuningStore &store, const TuningKey &key,
                    const ConfigSpace &space, Benchmarker &benchmarker,
                    TunerOptions options) {
  if (store.find(key))
    return store.lookup(key, space);
  TuningResult result =
      Tuner(space, benchmarker, std::move(options)).tune(key.keyValues);
  if (!result.winner) {
    store.warn("no config could be timed for " + key.describe() +
               "; using the default config");
    return space.defaultConfig();
  }
  try {
    store.store(key, result.toEntry(space));
  } catch (const Error &error) {
    store.warn(std::string("the tuned winner was not saved: ") + error.what());
  }
  return result.configs[*result.winner].config;
}

} // namespace tritium::tune
