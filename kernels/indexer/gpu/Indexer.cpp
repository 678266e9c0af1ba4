//===- Indexer.cpp - The Indexer: plan once, launch at most twice ---------===//
//
// Construction does everything that may allocate, compile or synchronise:
// planning, building the kernels, compiling and loading them (warm), and the
// workspace. run() only checks the bindings and enqueues launches whose
// argument blocks live on the stack, so it can be captured in a CUDA graph.
//
//===----------------------------------------------------------------------===//

#include "tritium/Indexer/Indexer.h"

#include "tritium/Builder/KernelBuilder.h"
#include "tritium/Indexer/Tuning.h"
#include "tritium/Runtime/Cache.h"
#include "tritium/Runtime/Runtime.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <future>
#include <memory>
#include <mutex>
#include <optional>

namespace tritium::indexer {

namespace {

/// The codebook check: the index of the first code outside [0, C), by an
/// atomic minimum over every program's first bad index.
IndexerKernelSource buildCodeCheck(const IndexerConfig &config, int64_t block) {
  namespace tb = tritium::builder;
  tb::KernelBuilder kb("indexer_check_codes");
  tb::DType codeType = config.pq.codebookDType == DType::I64   ? tb::DType::I64
                       : config.pq.codebookDType == DType::I32 ? tb::DType::I32
                                                               : tb::DType::U8;
  tb::Value codebook =
      kb.pointerArg("codebook", codeType, {.divisibility = 16});
  tb::Value firstBad =
      kb.pointerArg("first_bad", tb::DType::I64, {.divisibility = 16});
  const int64_t count = config.B * config.Nq() * config.Hkv * config.pq.M;
  tb::Value index = kb.programId(0).to(tb::DType::I64) * block +
                    kb.arange(0, block).to(tb::DType::I64);
  tb::Value inRange = index < count;
  tb::Value code = tb::load(codebook + index, {.mask = inRange, .other = 0})
                       .to(tb::DType::I64);
  tb::Value bad = inRange & ((code < 0) | (code >= config.C()));
  tb::Value worst = tb::min(tb::where(bad, index, INT64_MAX));
  tb::atomicMin(firstBad, worst, {.mask = worst < INT64_MAX});
  return {kb.name(), kb.tritonIR(), 4};
}

constexpr int64_t kCheckBlock = 4096;

double millisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - start)
      .count();
}

uint32_t gridDim(int64_t value, const char *what) {
  if (value <= 0 || value > INT32_MAX)
    throw Error(Error::Kind::Unsupported,
                std::string("indexer: the ") + what + " grid would have " +
                    std::to_string(value) + " programs");
  return static_cast<uint32_t>(value);
}

/// The plan of an Indexer: overrides, else the stored tuning winner for the
/// shape on this device, else the space's default (the planner's plan); with
/// tuning on first use, tuned now when nothing is stored (Tuning.h).
PlanChoice choosePlan(const IndexerConfig &config,
                      const IndexerOptions &options, const Device &device,
                      int multiprocessors) {
  bool useTuned = options.useTunedPlan;
  bool tuneNow = options.tuneOnFirstUse;
  if (const char *env = std::getenv("TRITIUM_AUTOTUNE")) {
    if (std::strcmp(env, "1") == 0)
      tuneNow = useTuned = true;
    else if (std::strcmp(env, "0") == 0)
      tuneNow = useTuned = false;
  }
  bool hasOverrides = options.overrides.any();
  std::string arch = options.arch.empty() ? device.arch() : options.arch;
  const bool wgmma = archHasWgmma(arch);
  if (!useTuned || hasOverrides || config.fullAttention())
    return chooseIndexerPlan(config, multiprocessors, options.overrides,
                             nullptr, {}, wgmma);
  tune::TuningKey key =
      indexerTuningKey(config, multiprocessors, device.name(), arch);
  std::filesystem::path cacheRoot;
  try {
    cacheRoot = cacheRootDirectory();
  } catch (const std::exception &) {
    // No cache (no HOME...): nothing can have been stored either.
    return chooseIndexerPlan(config, multiprocessors, {}, nullptr, {}, wgmma);
  }
  tune::TuningStore store(cacheRoot);
  PlanChoice choice =
      chooseIndexerPlan(config, multiprocessors, {}, &store, key, wgmma);
  if (choice.source != PlanSource::Default || !tuneNow)
    return choice;
  IndexerOptions benchOptions = options;
  benchOptions.arch = arch;
  benchOptions.multiprocessors = multiprocessors;
  std::unique_ptr<tune::Benchmarker> benchmarker =
      makeIndexerBenchmarker(config, benchOptions);
  tune::Config winner = tune::lookupOrTune(
      store, key, indexerConfigSpace(config.score), *benchmarker);
  choice.plan =
      planIndexer(config, multiprocessors, planOverridesFor(winner), wgmma);
  choice.config = winner;
  choice.source = PlanSource::Tuned;
  choice.note =
      "tuned " + winner.describe() + " (" + store.entryPath(key).string() + ")";
  return choice;
}

} // namespace

KernelOptions indexerKernelOptions(const IndexerKernelSource &source,
                                   const IndexerOptions &options) {
  KernelOptions kernelOptions;
  kernelOptions.numWarps = source.numWarps;
  kernelOptions.numStages = source.numStages;
  kernelOptions.device = options.device;
  kernelOptions.arch = options.arch;
  kernelOptions.strengthReduction = source.strengthReduction;
  kernelOptions.maxRegisters = source.maxRegisters;
  return kernelOptions;
}

std::shared_ptr<const CompiledKernel>
compileIndexerKernel(const Kernel &kernel, const std::string &arch) {
  std::string text;
  for (size_t i = 0; i < kernel.signature().params.size(); ++i)
    text += i ? ",D" : "D";
  return kernel.compile(Specialization::parse(text), arch);
}

struct Indexer::Impl {
  IndexerConfig config;
  IndexerOptions options;
  IndexerPlan plan;
  std::vector<IndexerKernelSource> sources;
  std::vector<Kernel> kernels;
  std::vector<double> compileMs;
  std::string planSource;
  Device device = Device::get(0);
  DeviceBuffer workspace;
  // checkCodes only.
  std::optional<Kernel> checkKernel;
  mutable DeviceBuffer firstBad;
  // launchAsGraph: the launches recorded per set of tensor addresses (the
  // first kMaxGraphs sets seen; later sets launch directly, so a rotation
  // over more sets than that never records and drops graphs on every
  // call). The mutex also serialises replays: the driver wants calls on
  // one graph executable serialised.
  using Addresses = std::array<const void *, 7>;
  mutable std::mutex graphsMutex;
  mutable std::vector<std::pair<Addresses, std::unique_ptr<LaunchGraph>>>
      graphs;
  static constexpr size_t kMaxGraphs = 128;
  // Set when the driver failed to record a graph: every later call
  // launches directly (the replay is a speed-up, never a reason to fail).
  mutable std::atomic<bool> graphsFailed{false};

  Impl(const IndexerConfig &config, const IndexerOptions &options)
      : config(config), options(options),
        device((config.validate(), Device::get(options.device))) {}
};

Indexer::Indexer(const IndexerConfig &config, const IndexerOptions &options)
    : impl(std::make_unique<Impl>(config, options)) {
  Impl &s = *impl;
  int sms = options.multiprocessors > 0 ? options.multiprocessors
                                        : s.device.multiprocessorCount();
  PlanChoice choice = choosePlan(config, options, s.device, sms);
  s.plan = choice.plan;
  s.planSource = choice.note;
  s.sources = buildIndexerKernels(config, s.plan);
  s.workspace = DeviceBuffer(
      s.device,
      static_cast<std::size_t>(std::max<int64_t>(s.plan.workspaceBytes, 256)));
  // The fused merge's arrival counters start at zero; each call's last
  // program of a row group sets its counter back to zero. So does the grid
  // barrier's counter (each barrier leaves its low bits at zero). (Nothing
  // else in the workspace is read before a launch writes it.)
  if (s.plan.fusedMerge || s.plan.pqGridSync || s.plan.selectGridSync)
    s.workspace.fillBytes(0);

  // Every argument is a 16-byte aligned pointer (validateBindings insists),
  // so the all-aligned-pointers variant is the one run() uses. The kernels
  // compile on threads of their own (a cold construction waits for the
  // slowest kernel, not the sum of all); warm() then finds each variant
  // compiled and loads it.
  for (const IndexerKernelSource &source : s.sources)
    s.kernels.emplace_back(KernelSource::fromIR(source.irText, source.name),
                           indexerKernelOptions(source, options));
  s.compileMs.assign(s.kernels.size(), 0.0);
  {
    std::vector<std::future<void>> compiles;
    for (size_t i = 0; i < s.kernels.size(); ++i)
      compiles.push_back(std::async(std::launch::async, [&, i] {
        auto start = std::chrono::steady_clock::now();
        compileIndexerKernel(s.kernels[i], options.arch);
        s.compileMs[i] = millisecondsSince(start);
      }));
    for (std::future<void> &compile : compiles)
      compile.get(); // rethrows a kernel's compile error
  }
  for (size_t i = 0; i < s.kernels.size(); ++i) {
    const Kernel &kernel = s.kernels[i];
    std::vector<ArgValue> args(kernel.signature().params.size(),
                               ArgValue::pointer(s.workspace.address()));
    auto start = std::chrono::steady_clock::now();
    kernel.warm(args);
    s.compileMs[i] += millisecondsSince(start);
  }
  if (config.score == ScoreKind::PQ && config.checkCodes &&
      !s.plan.fullAttention) {
    IndexerKernelSource check = buildCodeCheck(config, kCheckBlock);
    KernelOptions kernelOptions;
    kernelOptions.numWarps = check.numWarps;
    kernelOptions.device = options.device;
    kernelOptions.arch = options.arch;
    s.checkKernel.emplace(KernelSource::fromIR(check.irText, check.name),
                          kernelOptions);
    s.firstBad = DeviceBuffer(s.device, 16);
    std::vector<ArgValue> args(2, ArgValue::pointer(s.firstBad.address()));
    s.checkKernel->warm(args);
  }
}

std::vector<double> precompileIndexer(const IndexerConfig &config,
                                      const IndexerOptions &options) {
  if (options.arch.empty() || options.multiprocessors <= 0)
    throw Error(Error::Kind::InvalidArgument,
                "precompileIndexer: name the target arch and the "
                "multiprocessor count of the device it is for");
  IndexerPlan plan = planIndexer(config, options.multiprocessors,
                                 options.overrides, archHasWgmma(options.arch));
  std::vector<double> milliseconds;
  for (const IndexerKernelSource &source : buildIndexerKernels(config, plan)) {
    Kernel kernel(KernelSource::fromIR(source.irText, source.name),
                  indexerKernelOptions(source, options));
    auto start = std::chrono::steady_clock::now();
    compileIndexerKernel(kernel, options.arch);
    milliseconds.push_back(millisecondsSince(start));
  }
  return milliseconds;
}

Indexer::~Indexer() = default;
Indexer::Indexer(Indexer &&) noexcept = default;
Indexer &Indexer::operator=(Indexer &&) noexcept = default;

const IndexerConfig &Indexer::config() const { return impl->config; }
const IndexerPlan &Indexer::plan() const { return impl->plan; }
const std::vector<IndexerKernelSource> &Indexer::kernels() const {
  return impl->sources;
}
const std::vector<double> &Indexer::compileMilliseconds() const {
  return impl->compileMs;
}
const std::string &Indexer::planSource() const { return impl->planSource; }

void Indexer::run(const IndexerInputs &inputs, const IndexerOutputs &outputs,
                  Stream stream) const {
  validateBindings(impl->config, inputs, outputs);
  checkCodesIfAsked(inputs, stream);
  Impl &s = *impl;
  // Two launches cost the host two driver calls of ~3.5 µs each; a graph
  // replay one (v33: wall latency GPU + 6.8-7.6 µs directly, + 2.8-4.5
  // replayed, H100 host). A caller capturing its stream gets the launches
  // themselves in its graph.
  if (replaysGraphs() && !isCapturing(stream)) {
    // The tensors the score kind reads (the others may hold anything).
    const bool pq = s.config.score == ScoreKind::PQ;
    const Impl::Addresses key{inputs.q.data,
                              pq ? inputs.centroids.data : nullptr,
                              pq ? inputs.codebook.data : nullptr,
                              pq ? nullptr : inputs.keys.data,
                              outputs.sparseList.data,
                              outputs.sparseLen.data,
                              outputs.weights.data};
    // Under the lock: replays the set's graph, or launches directly where
    // the cache is full; false where the set has no graph yet and there is
    // room for one.
    auto replayOrLaunch = [&]() {
      for (const auto &[addresses, graph] : s.graphs)
        if (addresses == key) {
          graph->launch(stream);
          return true;
        }
      if (s.graphs.size() < Impl::kMaxGraphs)
        return false;
      launchEach(inputs, outputs, stream);
      return true;
    };
    {
      std::lock_guard<std::mutex> lock(s.graphsMutex);
      if (replayOrLaunch())
        return;
    }
    // Recorded outside the lock (tens of µs, once per set of addresses).
    std::unique_ptr<LaunchGraph> recorded;
    try {
      recorded = std::make_unique<LaunchGraph>(s.device, [&](Stream recording) {
        launchEach(inputs, outputs, recording);
      });
    } catch (const Error &error) {
      // The driver would not record (a launch's own error, if any, comes
      // back from the direct launches below).
      if (error.kind() != Error::Kind::Driver &&
          error.kind() != Error::Kind::Unsupported)
        throw;
      s.graphsFailed = true;
      return launchEach(inputs, outputs, stream);
    }
    std::lock_guard<std::mutex> lock(s.graphsMutex);
    // Another thread may have recorded the same set meanwhile.
    if (replayOrLaunch())
      return;
    recorded->launch(stream);
    s.graphs.emplace_back(key, std::move(recorded));
    return;
  }
  launchEach(inputs, outputs, stream);
}

bool Indexer::replaysGraphs() const {
  const Impl &s = *impl;
  // One cooperative launch replays too: cuLaunchKernelEx costs the host
  // more than a replay.
  return s.options.launchAsGraph &&
         (s.plan.launches > 1 || s.plan.pqGridSync || s.plan.selectGridSync) &&
         !s.graphsFailed && LaunchGraph::supported();
}

void Indexer::launchEach(const IndexerInputs &inputs,
                         const IndexerOutputs &outputs, Stream stream) const {
  for (int i = 0; i < impl->plan.launches; ++i)
    launch(i, inputs, outputs, stream);
}

void Indexer::runLaunch(int index, const IndexerInputs &inputs,
                        const IndexerOutputs &outputs, Stream stream) const {
  if (index < 0 || index >= impl->plan.launches)
    throw Error(Error::Kind::InvalidArgument,
                "Indexer::runLaunch: launch " + std::to_string(index) + " of " +
                    std::to_string(impl->plan.launches));
  validateBindings(impl->config, inputs, outputs);
  launch(index, inputs, outputs, stream);
}

void Indexer::checkCodesIfAsked(const IndexerInputs &inputs,
                                Stream stream) const {
  const Impl &s = *impl;
  if (!s.checkKernel)
    return;
  const IndexerConfig &c = s.config;
  // Synchronous by nature: the answer decides whether to launch at all.
  int64_t none = INT64_MAX;
  s.firstBad.upload(&none, sizeof(none));
  std::array<ArgValue, 2> args{
      ArgValue::pointer(reinterpret_cast<std::uintptr_t>(inputs.codebook.data)),
      ArgValue::pointer(s.firstBad.address())};
  int64_t count = c.B * c.Nq() * c.Hkv * c.pq.M;
  s.checkKernel->launch(
      Grid(gridDim((count + kCheckBlock - 1) / kCheckBlock, "code check")),
      std::span<const ArgValue>(args), stream);
  synchronize(stream);
  int64_t firstBad = 0;
  s.firstBad.download(&firstBad, sizeof(firstBad));
  if (firstBad != INT64_MAX)
    throw Error(Error::Kind::InvalidArgument,
                "codebook: code out of range [0, " + std::to_string(c.C()) +
                    ") at flat index " + std::to_string(firstBad) +
                    " (checkCodes is on)");
}

void Indexer::launch(int index, const IndexerInputs &inputs,
                     const IndexerOutputs &outputs, Stream stream) const {
  const Impl &s = *impl;
  const IndexerConfig &c = s.config;
  const int64_t rows = c.B * c.H;
  auto ptr = [](const TensorArg &t) {
    return ArgValue::pointer(reinterpret_cast<std::uintptr_t>(t.data));
  };

  if (s.plan.fullAttention) {
    std::array<ArgValue, 3> args{ptr(outputs.sparseList),
                                 ptr(outputs.sparseLen), ptr(outputs.weights)};
    s.kernels[0].launch(Grid(gridDim(rows, "fallback"),
                             gridDim((c.Sk + 1023) / 1024, "fallback")),
                        std::span<const ArgValue>(args), stream);
    return;
  }
  if (index == 0 && s.plan.clusterSelect) {
    // A cluster a row group, its programs (one a chunk) along x; the
    // outputs written by the select itself.
    // A grid-exchange select also takes its exchange workspace.
    std::array<ArgValue, 6> args{
        ptr(inputs.q),          ptr(inputs.keys),
        ptr(outputs.weights),   ptr(outputs.sparseList),
        ptr(outputs.sparseLen), ArgValue::pointer(s.workspace.address())};
    const std::size_t count = s.plan.selectGridSync ? 6 : 5;
    s.kernels[0].launch(Grid(gridDim(s.plan.splits, "select"),
                             gridDim(s.plan.rowGroups, "select")),
                        std::span<const ArgValue>(args.data(), count), stream);
    return;
  }
  const ArgValue candKey = ArgValue::pointer(s.workspace.address());
  const ArgValue candPos = ArgValue::pointer(
      s.workspace.address() + static_cast<DevicePtr>(s.plan.positionsOffset));
  if (index == 0) {
    Grid selectGrid(gridDim(s.plan.rowGroups, "select"),
                    gridDim(s.plan.selectPrograms(), "select"));
    // The score inputs, the dense weights and the candidate arrays; with
    // the merge fused, also its outputs and the arrival counters.
    std::array<ArgValue, 9> args;
    std::size_t count = 0;
    args[count++] = ptr(inputs.q);
    if (c.score == ScoreKind::PQ) {
      args[count++] = ptr(inputs.centroids);
      args[count++] = ptr(inputs.codebook);
    } else {
      args[count++] = ptr(inputs.keys);
    }
    args[count++] = ptr(outputs.weights);
    args[count++] = candKey;
    args[count++] = candPos;
    if (s.plan.fusedMerge || s.plan.pqGridSync) {
      args[count++] = ptr(outputs.sparseList);
      args[count++] = ptr(outputs.sparseLen);
      args[count++] =
          ArgValue::pointer(s.workspace.address() +
                            static_cast<DevicePtr>(s.plan.countersOffset));
    }
    s.kernels[0].launch(selectGrid,
                        std::span<const ArgValue>(args.data(), count), stream);
    return;
  }
  std::array<ArgValue, 5> mergeArgs{candKey, candPos, ptr(outputs.sparseList),
                                    ptr(outputs.sparseLen),
                                    ptr(outputs.weights)};
  s.kernels[1].launch(Grid(gridDim(rows * s.plan.mergePrograms(), "merge")),
                      std::span<const ArgValue>(mergeArgs), stream,
                      LaunchOptions{.overlapPrevious = s.plan.overlapMerge});
}

} // namespace tritium::indexer
