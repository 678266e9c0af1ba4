//===- RuntimeBenchmarker.h - The tuner's benchmarker on a GPU -*- C++ -*-===//
//
// Compiles configs with the runtime and times them with CUDA events, the way
// Triton's do_bench does for its autotuner:
//
//  - compile(): the target's prepare function builds the kernel for the
//    config (constexprs substituted, num_warps / num_stages / maxnreg in its
//    options) and compiles it through the runtime's caches; no GPU needed.
//  - time(): for each run, zero the buffers the space's reset_to_zero names,
//    put back the original contents of those restore_value names (saved from
//    the first time() call), write a buffer larger than any L2 (256 MiB by
//    default; H100's L2 is 50 MB) so the run starts cold, then record an
//    event, launch, record an event; each sample is the time between the two
//    events. Everything goes to the device's default stream, so the resets
//    and the flush are ordered before the launch without extra syncs.
//
// Lives in its own library, TritiumTuneRuntime, so TritiumTune stays free of
// the runtime (which uses config spaces itself).
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_TUNE_RUNTIMEBENCHMARKER_H
#define TRITIUM_TUNE_RUNTIMEBENCHMARKER_H

#include "tritium/Runtime/Args.h"
#include "tritium/Runtime/Driver.h"
#include "tritium/Runtime/Kernel.h"
#include "tritium/Tune/Tuner.h"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace tritium::tune {

/// One config made ready to run: what its kernels use and how to launch it.
struct PreparedRun {
  ResourceUsage usage;
  /// Enqueues one run (one or more launches) on \p stream; must not
  /// synchronise.
  std::function<void(Stream stream)> launch;
};

/// The common case: one kernel launched on one grid. Compiles \p kernel for
/// the specialisation of \p args and target \p arch (empty: the options' or
/// the device's), so compile errors surface here, off the timing path.
PreparedRun prepareKernelLaunch(const Kernel &kernel, const Grid &grid,
                                std::vector<ArgValue> args,
                                const std::string &arch = {});

/// The KernelOptions a config asks for, on top of \p base: num_warps and
/// num_stages (its constexprs go into the kernel's IR, which the target
/// builds). maxnreg needs runtime support not there yet: a config setting it
/// is refused with an Unsupported error rather than silently ignored.
KernelOptions kernelOptionsFor(const Config &config, KernelOptions base = {});

struct RuntimeBenchmarkerOptions {
  int device = 0;
  /// Bytes written between timed runs to evict L2; more than any L2.
  std::size_t flushBytes = std::size_t(256) << 20;
  /// The buffers reset_to_zero and restore_value may name, by argument
  /// name. Not owned; they must outlive the benchmarker.
  std::map<std::string, DeviceBuffer *> buffers;
};

class RuntimeBenchmarker : public Benchmarker {
public:
  /// Builds and compiles the run for one config; called from several
  /// threads at once. Throws (tritium::Error) when the config does not
  /// compile.
  using Prepare = std::function<PreparedRun(const Config &)>;

  explicit RuntimeBenchmarker(Prepare prepare,
                              RuntimeBenchmarkerOptions options = {});
  ~RuntimeBenchmarker() override;

  ResourceUsage compile(const Config &config) override;
  std::vector<double> time(const Config &config,
                           const TimingRequest &request) override;

private:
  DeviceBuffer &buffer(const std::string &name, const char *listName) const;
  void resetInputs(const TimingRequest &request);

  Prepare prepare;
  RuntimeBenchmarkerOptions options;
  std::mutex preparedMutex;
  std::map<std::string, PreparedRun> prepared; ///< By Config::describe().
  std::optional<DeviceBuffer> flushBuffer;
  std::map<std::string, std::vector<unsigned char>> originals;
  unsigned flushValue = 0;
};

} // namespace tritium::tune

#endif // TRITIUM_TUNE_RUNTIMEBENCHMARKER_H
