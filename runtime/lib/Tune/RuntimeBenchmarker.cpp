//===- RuntimeBenchmarker.cpp - The tuner's benchmarker on the GPU --------===//

#include "tritium/Tune/RuntimeBenchmarker.h"

#include "tritium/Runtime/Error.h"

#include <span>

namespace tritium::tune {

PreparedRun prepareKernelLaunch(const Kernel &kernel, const Grid &grid,
                                std::vector<ArgValue> args,
                                const std::string &arch) {
  Specialization specialization = kernel.specializationFor(
      std::span<const ArgValue>(args.data(), args.size()));
  std::shared_ptr<const CompiledKernel> compiled =
      kernel.compile(specialization, arch);

  PreparedRun run;
  run.usage.sharedBytes = compiled->metadata.sharedBytes;
  // The runtime does not report registers per thread yet; the space's
  // max_registers cap is then not applied (ResourceUsage::registers).
  run.launch = [kernel, grid, args = std::move(args)](Stream stream) {
    kernel.launch(grid, std::span<const ArgValue>(args.data(), args.size()),
                  stream);
  };
  return run;
}

KernelOptions kernelOptionsFor(const Config &config, KernelOptions base) {
  base.numWarps = static_cast<unsigned>(config.numWarps);
  base.numStages = static_cast<unsigned>(config.numStages);
  base.maxRegisters =
      config.maxRegisters ? static_cast<unsigned>(*config.maxRegisters) : 0;
  return base;
}

RuntimeBenchmarker::RuntimeBenchmarker(Prepare prepare,
                                       RuntimeBenchmarkerOptions options)
    : prepare(std::move(prepare)), options(std::move(options)) {}

RuntimeBenchmarker::~RuntimeBenchmarker() = default;

ResourceUsage RuntimeBenchmarker::compile(const Config &config) {
  PreparedRun run = prepare(config);
  if (!run.launch)
    throw Error(Error::Kind::Internal,
                "the target prepared no launch for " + config.describe());
  ResourceUsage usage = run.usage;
  std::lock_guard<std::mutex> lock(preparedMutex);
  prepared[config.describe()] = std::move(run);
  return usage;
}

DeviceBuffer &RuntimeBenchmarker::buffer(const std::string &name,
                                         const char *listName) const {
  auto it = options.buffers.find(name);
  if (it == options.buffers.end() || !it->second) {
    std::string known;
    for (const auto &[bufferName, pointer] : options.buffers)
      known += (known.empty() ? "" : ", ") + bufferName;
    throw Error(Error::Kind::InvalidArgument,
                std::string("the config space's ") + listName + " names '" +
                    name + "', which is not a buffer this target gives (" +
                    (known.empty() ? "none" : known) + ")");
  }
  return *it->second;
}

// Puts the kernel's written inputs back as they were, so each run computes
// the same thing (an accumulating kernel would otherwise time different
// work, or overflow, run after run).
void RuntimeBenchmarker::resetInputs(const TimingRequest &request) {
  for (const std::string &name : request.resetToZero)
    buffer(name, "reset_to_zero").fillBytes(0);
  for (const std::string &name : request.restoreValue) {
    DeviceBuffer &device = buffer(name, "restore_value");
    auto [it, first] = originals.try_emplace(name);
    if (first) {
      it->second.resize(device.size());
      device.download(it->second.data(), it->second.size());
    } else {
      device.upload(it->second.data(), it->second.size());
    }
  }
}

std::vector<double> RuntimeBenchmarker::time(const Config &config,
                                             const TimingRequest &request) {
  PreparedRun *run;
  {
    std::lock_guard<std::mutex> lock(preparedMutex);
    auto it = prepared.find(config.describe());
    if (it == prepared.end())
      throw Error(Error::Kind::Internal,
                  "time() before compile() for " + config.describe());
    run = &it->second;
  }

  // Name mistakes are the space's, not the GPU's: report them first.
  for (const std::string &name : request.resetToZero)
    buffer(name, "reset_to_zero");
  for (const std::string &name : request.restoreValue)
    buffer(name, "restore_value");

  Device device = Device::get(options.device);
  device.makeCurrent();
  Stream stream = nullptr; // the default stream: ordered after the memsets
  if (request.flushL2 && !flushBuffer)
    flushBuffer.emplace(device, options.flushBytes);

  for (int i = 0; i < request.warmupRuns; ++i) {
    resetInputs(request);
    run->launch(stream);
  }

  Event start(device), end(device);
  std::vector<double> samples;
  samples.reserve(request.timedRuns);
  for (int i = 0; i < request.timedRuns; ++i) {
    resetInputs(request);
    if (request.flushL2)
      flushBuffer->fillBytes(static_cast<unsigned char>(++flushValue));
    start.record(stream);
    run->launch(stream);
    end.record(stream);
    end.synchronize();
    samples.push_back(double(end.millisecondsSince(start)) * 1000.0);
  }
  device.synchronize();
  return samples;
}

} // namespace tritium::tune
