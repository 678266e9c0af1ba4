//===- FakeBenchmarker.h - A CPU stand-in for the GPU benchmarker ---------===//
//
// Each config is told how to behave: fail to compile, report a resource
// usage, fail to launch, or return given times. The fake also records what
// the tuner asked of it (timing requests, concurrency), so the tests can
// check the tuner's side of the Benchmarker contract.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_TESTS_TUNE_FAKEBENCHMARKER_H
#define TRITIUM_TESTS_TUNE_FAKEBENCHMARKER_H

#include "tritium/Runtime/Error.h"
#include "tritium/Tune/Tuner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

namespace tritium::tune::testing {

struct Behaviour {
  std::string compileError; ///< Non-empty: compile throws this.
  Error::Kind compileKind = Error::Kind::Compile;
  ResourceUsage usage;
  std::string launchError; ///< Non-empty: time throws this.
  Error::Kind launchKind = Error::Kind::Driver;
  double steadyMicroseconds = 10; ///< Every sample, unless pattern is set.
  std::vector<double> pattern;    ///< Samples cycle through these.
  bool dropOneSample = false;     ///< Return one sample too few.

  // What happened.
  int compiles = 0;
  std::vector<TimingRequest> requests;
};

class FakeBenchmarker : public Benchmarker {
public:
  /// The behaviour of the configs whose describe() holds every ", "
  /// separated part of \p name ("BLOCK=64", "BLOCK=64, num_warps=4").
  Behaviour &behave(const std::string &name) {
    std::lock_guard<std::mutex> lock(mutex);
    return behaviours[name];
  }

  bool wasCompiled(const std::string &name) { return behave(name).compiles; }
  bool wasTimed(const std::string &name) {
    return !behave(name).requests.empty();
  }
  int maxConcurrentCompiles() const { return maxCompiling; }
  int maxConcurrentTimings() const { return maxTiming; }
  std::size_t totalCalls() const { return calls; }

  std::chrono::milliseconds compileSleep{0};
  bool failEverything = false;

  ResourceUsage compile(const Config &config) override {
    Behaviour *behaviour;
    {
      std::lock_guard<std::mutex> lock(mutex);
      ++calls;
      behaviour = &find(config);
      ++behaviour->compiles;
      maxCompiling = std::max(maxCompiling, ++compiling);
    }
    std::this_thread::sleep_for(compileSleep);
    std::lock_guard<std::mutex> lock(mutex);
    --compiling;
    if (failEverything)
      throw Error(Error::Kind::Compile, "everything fails");
    if (!behaviour->compileError.empty())
      throw Error(behaviour->compileKind, behaviour->compileError);
    return behaviour->usage;
  }

  std::vector<double> time(const Config &config,
                           const TimingRequest &request) override {
    // Counted outside the lock, so overlapping calls would be seen.
    int inFlight = ++timing;
    struct Leave {
      std::atomic<int> &counter;
      ~Leave() { --counter; }
    } leave{timing};
    std::this_thread::sleep_for(std::chrono::microseconds(200));

    std::lock_guard<std::mutex> lock(mutex);
    ++calls;
    maxTiming = std::max(maxTiming, inFlight);
    Behaviour &behaviour = find(config);
    behaviour.requests.push_back(request);
    if (!behaviour.launchError.empty())
      throw Error(behaviour.launchKind, behaviour.launchError);
    std::vector<double> samples;
    for (int i = 0; i < request.timedRuns; ++i)
      samples.push_back(behaviour.pattern.empty()
                            ? behaviour.steadyMicroseconds
                            : behaviour.pattern[i % behaviour.pattern.size()]);
    if (behaviour.dropOneSample)
      samples.pop_back();
    return samples;
  }

private:
  static std::set<std::string> parts(const std::string &text) {
    std::set<std::string> result;
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t end = text.find(", ", start);
      if (end == std::string::npos)
        end = text.size();
      result.insert(text.substr(start, end - start));
      start = end + 2;
    }
    return result;
  }

  // Called with the mutex held.
  Behaviour &find(const Config &config) {
    std::set<std::string> described = parts(config.describe());
    for (auto &[name, behaviour] : behaviours) {
      std::set<std::string> wanted = parts(name);
      if (std::includes(described.begin(), described.end(), wanted.begin(),
                        wanted.end()))
        return behaviour;
    }
    return behaviours[config.describe()];
  }

  std::mutex mutex;
  std::map<std::string, Behaviour> behaviours;
  int compiling = 0;
  std::atomic<int> timing{0};
  int maxCompiling = 0, maxTiming = 0;
  std::size_t calls = 0;
};

} // namespace tritium::tune::testing

#endif // TRITIUM_TESTS_TUNE_FAKEBENCHMARKER_H
