//===- tritium-indexer.cpp - Run, check and time the sparse-attention indexer
//=//
//
//   tritium-indexer list
//       the benchmark cases of the spec
//   tritium-indexer plan CASE [--set key=value ...] [--dump-ir DIR]
//       the launch plan (and the kernels' Triton IR)
//   tritium-indexer bench [CASE ...] [--seed N] [--reps N] [--no-check]
//                         [--json FILE] [--plan
//                         chunk=N,select_warps=N,heads=N,...]
//       for each case (default: all): seeded random inputs, one checked run
//       against the CPU reference, then GPU time (the call captured in a CUDA
//       graph and replayed, timed with events, median), wall lat (one call +
//       stream synchronise on the host clock, median of 100; run() replays
//       its launches as a graph), the memory floor at the copy bandwidth
//       measured in the same run, and GPU/floor; beside them the host part
//       of a call and the launches made one by one (host part, wall lat).
//       --plan (also for plan) overrides the planner: chunk, select_warps,
//       merge_warps, heads (per select program), tc (exact scores on the
//       tensor cores, 0/1), stages (1-3, 2-3 with tc), digits (radix digit
//       bits, 8/11), loops (exact score loops), prefetch (0/1), slices (exact
//       key tile slices of D), joint (pq heads selected together, 0/1),
//       fused (the merge in the select launch, 0/1), overlap (the merge
//       launch overlapping the select's, 0/1), cluster (merge
//       programs per row: 1, 2, 4 or 8), chunks (pq: chunks a select
//       program takes in turn, its tables built once), head_loop (exact:
//       the heads selected in a loop, 0/1), pairs (pq: select over the
//       code tuples weighted by their keys, 0/1), counts (pq: count keys
//       per code tuple, then select each row against one threshold, 0/1),
//       emit_chunks (counts: count chunks an emit program writes), slsr
//       (the NVPTX backend's
//       straight-line strength reduction in every kernel, 0/1), sparse,
//       count_maxnreg, count_stages, emit_stages (counts: loops staged in
//       shared memory, 2-8), count_l2_ahead (counts: code tiles asked of
//       L2 ahead of the loads, 0-8), count_l2_fetch (counts: L2 fills of
//       64, 128 or 256 bytes for the code loads; 0 the hardware's),
//       select_cluster (exact, sm_90a: a row group's select programs as
//       one cluster writing the outputs, no merge; 0/1), cluster_buffers
//       (plans with clusters: the cluster sums' scratch buffers, 1 or 2;
//       2 by default), grid_sync (counts: count and emit in one
//       cooperative launch with a grid barrier between, 0/1)
//   tritium-indexer check [--seed N] [--only TEXT[,TEXT...]]
//       the edge shapes of the GPU tests and every case, against the CPU
//       reference (for machines where only the static tools travel);
//       --only runs the checks whose name contains one of the texts
//   tritium-indexer precompile
//       compiles the kernels of every case and edge shape for an H100 into
//       the disk cache (TRITIUM_CACHE_DIR), without a GPU
//   tritium-indexer inputs CASE --out DIR [--seed N] [--set key=value ...]
//       writes the case's seeded inputs as .npy files
//   tritium-indexer run CASE --in DIR --out DIR [--set key=value ...]
//                       [--check] [--cpu]
//       reads DIR/{q,centroids,codebook,keys}.npy (those the score kind
//       uses; their dtypes override the case's), writes
//       OUT/{sparse_list,sparse_len,weight_list}.npy; --check compares
//       with the CPU reference, --cpu computes with it (no GPU needed)
//
// --set overrides a field of the case: score, B, H, Hkv, D, Sk, sink,
// window, heavy, M, bits, init_offset, scale, weight_dtype, weight_layout
// (dense|sparse), codebook_layout (key-major|key-minor), check_codes (0|1).
//
//===----------------------------------------------------------------------===//

#include "tritium/Indexer/DeviceProblem.h"
#include "tritium/Indexer/Indexer.h"
#include "tritium/Indexer/Inputs.h"
#include "tritium/Indexer/Npy.h"
#include "tritium/Indexer/Reference.h"
#include "tritium/Runtime/Runtime.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace tritium;
using namespace tritium::indexer;

namespace {

//===----------------------------------------------------------------------===//
// The one driver call the runtime does not wrap: a device-to-device copy for
// the bandwidth measurement (loaded the way the runtime loads the driver, so
// the tool links no CUDA library).
//===----------------------------------------------------------------------===//

using CopyAsyncFn = int (*)(DevicePtr, DevicePtr, std::size_t, Stream);

CopyAsyncFn copyAsyncFn() {
  static CopyAsyncFn copy = [] {
    void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
    if (!lib)
      throw Error(Error::Kind::NoDriver, "no CUDA driver: libcuda.so.1");
    void *symbol = dlsym(lib, "cuMemcpyDtoDAsync_v2");
    if (!symbol)
      throw Error(Error::Kind::Driver, "driver lacks cuMemcpyDtoDAsync_v2");
    return reinterpret_cast<CopyAsyncFn>(symbol);
  }();
  return copy;
}

void check(int result, const char *what) {
  if (result != 0)
    throw Error(Error::Kind::Driver, std::string(what) + " failed: CUresult " +
                                         std::to_string(result));
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0 : values[values.size() / 2];
}

/// Median GPU milliseconds of `enqueue` on `stream`, timed with events.
template <typename F>
double eventMedianMs(const Device &device, Stream stream, int reps,
                     F &&enqueue) {
  Event start(device), stop(device);
  std::vector<double> times;
  for (int i = 0; i < reps; ++i) {
    start.record(stream);
    enqueue();
    stop.record(stream);
    stop.synchronize();
    times.push_back(stop.millisecondsSince(start));
  }
  return median(times);
}

/// Copy bandwidth (bytes read + written per second, TB/s) on this card.
double measureCopyBandwidth(const Device &device, Stream stream) {
  const std::size_t bytes = std::size_t(512) << 20;
  DeviceBuffer a(device, bytes), b(device, bytes);
  a.fillBytes(1);
  const CopyAsyncFn copyAsync = copyAsyncFn();
  auto copy = [&] {
    check(copyAsync(b.address(), a.address(), bytes, stream), "copy");
  };
  for (int i = 0; i < 3; ++i)
    copy();
  double ms = eventMedianMs(device, stream, 20, copy);
  return 2.0 * bytes / (ms * 1e-3) / 1e12;
}

//===----------------------------------------------------------------------===//
// Options
//===----------------------------------------------------------------------===//

int64_t parseInt(const std::string &key, const std::string &text) {
  try {
    size_t used = 0;
    long long v = std::stoll(text, &used);
    if (used == text.size())
      return v;
  } catch (...) {
  }
  throw Error(Error::Kind::InvalidArgument,
              "--set " + key + ": not an integer: '" + text + "'");
}

void applySetting(IndexerConfig &c, const std::string &setting) {
  size_t eq = setting.find('=');
  if (eq == std::string::npos)
    throw Error(Error::Kind::InvalidArgument,
                "--set expects key=value, got '" + setting + "'");
  std::string key = setting.substr(0, eq), value = setting.substr(eq + 1);
  if (key == "score") {
    if (value == "pq")
      c.score = ScoreKind::PQ;
    else if (value == "exact")
      c.score = ScoreKind::Exact;
    else
      throw Error(Error::Kind::InvalidArgument,
                  "--set score: 'pq' or 'exact', got '" + value + "'");
  } else if (key == "B")
    c.B = parseInt(key, value);
  else if (key == "H")
    c.H = parseInt(key, value);
  else if (key == "Hkv")
    c.Hkv = parseInt(key, value);
  else if (key == "D")
    c.D = parseInt(key, value);
  else if (key == "Sk")
    c.Sk = parseInt(key, value);
  else if (key == "sink")
    c.sink = parseInt(key, value);
  else if (key == "window")
    c.window = parseInt(key, value);
  else if (key == "heavy")
    c.heavy = parseInt(key, value);
  else if (key == "M")
    c.pq.M = parseInt(key, value);
  else if (key == "bits")
    c.pq.bits = parseInt(key, value);
  else if (key == "init_offset")
    c.pq.initOffset = parseInt(key, value);
  else if (key == "check_codes")
    c.checkCodes = parseInt(key, value) != 0;
  else if (key == "scale")
    c.scale = std::stof(value);
  else if (key == "weight_dtype")
    c.weightDType = parseDType(value);
  else if (key == "q_dtype")
    c.qDType = parseDType(value);
  else if (key == "keys_dtype")
    c.keysDType = parseDType(value);
  else if (key == "codebook_dtype")
    c.pq.codebookDType = parseDType(value);
  else if (key == "weight_layout") {
    if (value != "dense" && value != "sparse")
      throw Error(Error::Kind::InvalidArgument,
                  "--set weight_layout: 'dense' or 'sparse'");
    c.weightLayout =
        value == "dense" ? WeightLayout::Dense : WeightLayout::Sparse;
  } else if (key == "codebook_layout") {
    if (value != "key-major" && value != "key-minor")
      throw Error(Error::Kind::InvalidArgument,
                  "--set codebook_layout: 'key-major' or 'key-minor'");
    c.pq.codebookLayout = value == "key-major" ? CodebookLayout::KeyMajor
                                               : CodebookLayout::KeyMinor;
  } else
    throw Error(Error::Kind::InvalidArgument,
                "--set: unknown key '" + key + "'");
}

struct Args {
  std::string command;
  std::vector<std::string> positional;
  std::vector<std::string> settings;
  std::string inDir, outDir, jsonPath, dumpDir;
  PlanOverrides overrides;
  uint64_t seed = 0;
  int reps = 200;
  bool check = true;
  bool checkRun = false;
  bool cpu = false;
  /// check --only: run the checks whose name contains one of these.
  std::vector<std::string> only;
};

/// Sets the PlanOverrides field that `key` of --plan names.
void applyPlanOverride(PlanOverrides &o, const std::string &key, int64_t v) {
  using Setter = std::function<void(PlanOverrides &, int64_t)>;
  static const std::vector<std::pair<std::string, Setter>> kSetters = {
      {"chunk", [](PlanOverrides &o, int64_t v) { o.chunk = v; }},
      {"select_warps",
       [](PlanOverrides &o, int64_t v) { o.selectWarps = unsigned(v); }},
      {"merge_warps",
       [](PlanOverrides &o, int64_t v) { o.mergeWarps = unsigned(v); }},
      {"heads", [](PlanOverrides &o, int64_t v) { o.headsPerProgram = v; }},
      {"tc", [](PlanOverrides &o, int64_t v) { o.tensorCores = v != 0; }},
      {"stages",
       [](PlanOverrides &o, int64_t v) { o.selectStages = unsigned(v); }},
      {"digits",
       [](PlanOverrides &o, int64_t v) { o.radixDigitBits = int(v); }},
      {"loops", [](PlanOverrides &o, int64_t v) { o.exactScoreLoops = v; }},
      {"prefetch",
       [](PlanOverrides &o, int64_t v) { o.exactPrefetch = v != 0 ? 1 : 0; }},
      {"slices", [](PlanOverrides &o, int64_t v) { o.exactDimSlices = v; }},
      {"joint",
       [](PlanOverrides &o, int64_t v) { o.jointHeadSelect = v != 0 ? 1 : 0; }},
      {"fused",
       [](PlanOverrides &o, int64_t v) { o.fusedMerge = v != 0 ? 1 : 0; }},
      {"overlap",
       [](PlanOverrides &o, int64_t v) { o.overlapMerge = v != 0 ? 1 : 0; }},
      {"cluster", [](PlanOverrides &o, int64_t v) { o.mergeCluster = int(v); }},
      {"chunks", [](PlanOverrides &o, int64_t v) { o.chunksPerProgram = v; }},
      {"head_loop",
       [](PlanOverrides &o, int64_t v) { o.exactHeadLoop = v != 0 ? 1 : 0; }},
      {"pairs",
       [](PlanOverrides &o, int64_t v) { o.pqPairSelect = v != 0 ? 1 : 0; }},
      {"counts",
       [](PlanOverrides &o, int64_t v) { o.pqTupleCounts = v != 0 ? 1 : 0; }},
      {"emit_chunks", [](PlanOverrides &o, int64_t v) { o.emitChunks = v; }},
      {"slsr",
       [](PlanOverrides &o, int64_t v) { o.strengthReduction = v != 0; }},
      {"sparse",
       [](PlanOverrides &o, int64_t v) { o.emitSparseStores = v != 0; }},
      {"count_maxnreg",
       [](PlanOverrides &o, int64_t v) { o.countMaxRegisters = unsigned(v); }},
      {"count_stages",
       [](PlanOverrides &o, int64_t v) { o.countStages = int(v); }},
      {"emit_stages",
       [](PlanOverrides &o, int64_t v) { o.emitStages = int(v); }},
      {"count_l2_ahead",
       [](PlanOverrides &o, int64_t v) { o.countL2Ahead = int(v); }},
      {"count_l2_fetch",
       [](PlanOverrides &o, int64_t v) { o.countL2Fetch = int(v); }},
      {"select_cluster",
       [](PlanOverrides &o, int64_t v) { o.clusterSelect = v != 0 ? 1 : 0; }},
      {"cluster_buffers",
       [](PlanOverrides &o, int64_t v) { o.clusterSumBuffers = int(v); }},
      {"grid_sync",
       [](PlanOverrides &o, int64_t v) { o.gridSync = v != 0 ? 1 : 0; }},
  };
  std::string known;
  for (const auto &[name, set] : kSetters) {
    if (name == key)
      return set(o, v);
    known += (known.empty() ? "" : ", ") + name;
  }
  throw Error(Error::Kind::InvalidArgument,
              "--plan: unknown key '" + key + "' (" + known + ")");
}

/// The items of a comma-separated option value ("a=1,b=2"), empty ones
/// included.
std::vector<std::string> commaSeparated(const std::string &text) {
  std::vector<std::string> items;
  std::stringstream list(text);
  for (std::string item; std::getline(list, item, ',');)
    items.push_back(item);
  return items;
}

Args parseArgs(int argc, char **argv) {
  Args a;
  if (argc < 2)
    throw Error(Error::Kind::InvalidArgument,
                "usage: tritium-indexer list | plan CASE | bench [CASE ...] | "
                "check [--only TEXT,...] | precompile | inputs CASE --out DIR "
                "| run CASE --in DIR --out DIR");
  a.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        throw Error(Error::Kind::InvalidArgument, arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--set")
      a.settings.push_back(value());
    else if (arg == "--in")
      a.inDir = value();
    else if (arg == "--out")
      a.outDir = value();
    else if (arg == "--json")
      a.jsonPath = value();
    else if (arg == "--plan") {
      for (const std::string &item : commaSeparated(value())) {
        size_t eq = item.find('=');
        std::string key = item.substr(0, eq);
        int64_t v =
            parseInt("--plan " + key,
                     eq == std::string::npos ? "" : item.substr(eq + 1));
        applyPlanOverride(a.overrides, key, v);
      }
    } else if (arg == "--dump-ir")
      a.dumpDir = value();
    else if (arg == "--seed")
      a.seed = static_cast<uint64_t>(parseInt("--seed", value()));
    else if (arg == "--reps")
      a.reps = static_cast<int>(parseInt("--reps", value()));
    else if (arg == "--no-check")
      a.check = false;
    else if (arg == "--check")
      a.checkRun = true;
    else if (arg == "--cpu")
      a.cpu = true;
    else if (arg == "--only") {
      for (const std::string &item : commaSeparated(value()))
        if (!item.empty())
          a.only.push_back(item);
    } else if (arg.rfind("--", 0) == 0)
      throw Error(Error::Kind::InvalidArgument, "unknown option " + arg);
    else
      a.positional.push_back(arg);
  }
  return a;
}

IndexerConfig configFor(const std::string &name,
                        const std::vector<std::string> &settings) {
  IndexerConfig c = findCase(name).config;
  for (const std::string &s : settings)
    applySetting(c, s);
  c.validate();
  return c;
}

//===----------------------------------------------------------------------===//
// Commands
//===----------------------------------------------------------------------===//

int commandList() {
  for (const BenchmarkCase &bc : benchmarkCases())
    std::printf("%-18s %s (spec floor %.1f us)\n", std::string(bc.name).c_str(),
                bc.config.describe().c_str(), bc.specFloorUs);
  return 0;
}

int commandPlan(const Args &a) {
  if (a.positional.empty())
    throw Error(Error::Kind::InvalidArgument, "plan: name a case");
  IndexerConfig c = configFor(a.positional[0], a.settings);
  IndexerPlan plan = planIndexer(c, 132, a.overrides);
  std::printf("%s\n%s\n", c.describe().c_str(), plan.describe().c_str());
  if (!a.dumpDir.empty()) {
    std::filesystem::create_directories(a.dumpDir);
    for (const IndexerKernelSource &k : buildIndexerKernels(c, plan)) {
      std::ofstream(a.dumpDir + "/" + k.name + ".ttir") << k.irText;
      std::printf("wrote %s/%s.ttir (%u warps)\n", a.dumpDir.c_str(),
                  k.name.c_str(), k.numWarps);
    }
  }
  return 0;
}

struct BenchRow {
  std::string name;
  std::string checkText;
  double gpuUs = 0, wallUs = 0, floorUs = 0, specFloorUs = 0;
  /// The host's part of a call (run() returning, nothing awaited), and the
  /// host part and wall latency of the launches made one by one (runLaunch,
  /// as run() does without launchAsGraph): where a call's time beyond the
  /// GPU's goes.
  double hostUs = 0, directHostUs = 0, directWallUs = 0;
  /// Whether run() replayed its launches as a graph (Indexer::replaysGraphs;
  /// the one-by-one launches also check the bindings at each launch).
  bool graphReplays = false;
  double compileMs = 0;
  std::vector<double> launchUs;
  std::string plan;
};

int commandBench(const Args &a) {
  std::vector<std::string> names = a.positional;
  if (names.empty())
    for (const BenchmarkCase &bc : benchmarkCases())
      names.emplace_back(bc.name);
  Device device = Device::get(0);
  OwnedStream stream(device);
  double bandwidth = measureCopyBandwidth(device, stream);
  std::printf("device: %s, %d SMs, copy bandwidth %.2f TB/s (read + write)\n",
              device.name().c_str(), device.multiprocessorCount(), bandwidth);
  std::vector<BenchRow> rows;
  bool allOk = true;
  for (const std::string &name : names) {
    IndexerConfig c = configFor(name, a.settings);
    BenchRow row;
    row.name = name;
    row.specFloorUs = findCase(name).specFloorUs;
    row.floorUs = floorMicroseconds(c, bandwidth);
    auto t0 = std::chrono::steady_clock::now();
    IndexerOptions indexerOptions;
    indexerOptions.overrides = a.overrides;
    Indexer indexer(c, indexerOptions);
    row.compileMs = std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - t0)
                        .count();
    row.plan = indexer.plan().describe();
    HostInputs in = generateInputs(c, {.seed = a.seed});
    HostOutputs got = HostOutputs::allocate(c);
    DeviceProblem problem(device, in, got);
    problem.poisonOutputs();
    indexer.run(problem.inputs(), problem.outputs(), stream);
    stream.synchronize();
    if (a.check) {
      HostOutputs ref = computeReference(c, in);
      problem.download(got);
      CompareResult r = compareOutputs(c, in.args(), ref.args(), got.args());
      row.checkText =
          r.ok ? (r.rowsWithNearTieSwaps
                      ? "ok (" + std::to_string(r.rowsWithNearTieSwaps) +
                            " near-tie rows)"
                      : "ok")
               : "FAIL: " + r.firstMismatch;
      allOk = allOk && r.ok;
    } else {
      row.checkText = "not checked";
    }
    IndexerInputs inputs = problem.inputs();
    IndexerOutputs outputs = problem.outputs();
    // GPU time: the call captured in a CUDA graph (run() on a capturing
    // stream launches its kernels into it), replays timed by events.
    {
      const LaunchGraph graph(device, [&](Stream capturing) {
        indexer.run(inputs, outputs, capturing);
      });
      for (int i = 0; i < 20; ++i)
        graph.launch(stream);
      stream.synchronize();
      row.gpuUs = 1e3 * eventMedianMs(device, stream, a.reps,
                                      [&] { graph.launch(stream); });
    }
    // Wall latency: one call from the host, then a synchronise.
    for (int i = 0; i < 20; ++i)
      indexer.run(inputs, outputs, stream);
    stream.synchronize();
    std::vector<double> lat;
    for (int i = 0; i < 100; ++i) {
      auto s = std::chrono::steady_clock::now();
      indexer.run(inputs, outputs, stream);
      stream.synchronize();
      lat.push_back(std::chrono::duration<double, std::micro>(
                        std::chrono::steady_clock::now() - s)
                        .count());
    }
    row.wallUs = median(lat);
    std::vector<double> host;
    for (int i = 0; i < 100; ++i) {
      auto s = std::chrono::steady_clock::now();
      indexer.run(inputs, outputs, stream);
      host.push_back(std::chrono::duration<double, std::micro>(
                         std::chrono::steady_clock::now() - s)
                         .count());
      stream.synchronize();
    }
    row.hostUs = median(host);
    row.graphReplays = indexer.replaysGraphs();
    std::vector<double> directHost, directLat;
    for (int i = 0; i < 100; ++i) {
      auto s = std::chrono::steady_clock::now();
      for (int k = 0; k < indexer.plan().launches; ++k)
        indexer.runLaunch(k, inputs, outputs, stream);
      auto launched = std::chrono::steady_clock::now();
      stream.synchronize();
      auto done = std::chrono::steady_clock::now();
      directHost.push_back(
          std::chrono::duration<double, std::micro>(launched - s).count());
      directLat.push_back(
          std::chrono::duration<double, std::micro>(done - s).count());
    }
    row.directHostUs = median(directHost);
    row.directWallUs = median(directLat);
    // Each launch alone (events around it; launch 1 reads the workspace
    // launch 0 left).
    for (int i = 0; i < indexer.plan().launches; ++i)
      row.launchUs.push_back(1e3 * eventMedianMs(device, stream, 50, [&] {
                               indexer.runLaunch(i, inputs, outputs, stream);
                             }));
    std::string launches;
    for (double us : row.launchUs)
      launches += (launches.empty() ? "" : " + ") + std::to_string(us);
    std::printf("%-18s GPU %8.2f us  wall lat %8.2f us  floor %7.2f us  "
                "ratio %5.2f  build %.0f ms  %s\n  plan: %s\n  launches "
                "alone (events): %s us\n  host part of a call %.2f us (%s); "
                "launched one by one: host part %.2f us, wall lat %.2f us\n",
                name.c_str(), row.gpuUs, row.wallUs, row.floorUs,
                row.gpuUs / row.floorUs, row.compileMs, row.checkText.c_str(),
                row.plan.c_str(), launches.c_str(), row.hostUs,
                row.graphReplays ? "a graph replay" : "direct launches",
                row.directHostUs, row.directWallUs);
    std::fflush(stdout);
    rows.push_back(row);
  }
  std::printf("\n| case | GPU us | wall lat us | floor us | GPU/floor | "
              "check |\n|---|---|---|---|---|---|\n");
  for (const BenchRow &r : rows)
    std::printf("| %s | %.2f | %.2f | %.2f | %.2f | %s |\n", r.name.c_str(),
                r.gpuUs, r.wallUs, r.floorUs, r.gpuUs / r.floorUs,
                r.checkText.c_str());
  if (!a.jsonPath.empty()) {
    std::ofstream json(a.jsonPath);
    json << "{\"device\": \"" << device.name()
         << "\", \"copy_TBps_rw\": " << bandwidth << ", \"cases\": {";
    for (size_t i = 0; i < rows.size(); ++i) {
      const BenchRow &r = rows[i];
      std::string checkText = r.checkText;
      std::replace(checkText.begin(), checkText.end(), '"', '\'');
      std::replace(checkText.begin(), checkText.end(), '\n', ' ');
      json << (i ? ", " : "") << "\"" << r.name
           << "\": {\"gpu_graph_us\": " << r.gpuUs
           << ", \"wall_lat_us\": " << r.wallUs << ", \"host_us\": " << r.hostUs
           << ", \"graph_replays\": " << (r.graphReplays ? "true" : "false")
           << ", \"direct_host_us\": " << r.directHostUs
           << ", \"direct_wall_lat_us\": " << r.directWallUs
           << ", \"floor_us\": " << r.floorUs
           << ", \"spec_floor_us\": " << r.specFloorUs
           << ", \"build_ms\": " << r.compileMs << ", \"launch_us\": [";
      for (size_t k = 0; k < r.launchUs.size(); ++k)
        json << (k ? ", " : "") << r.launchUs[k];
      json << "], \"check\": \"" << checkText << "\", \"plan\": \"" << r.plan
           << "\"}";
    }
    json << "}}\n";
  }
  return allOk ? 0 : 1;
}

/// The edge shapes of tests/Indexer/gpu (for machines where only the
/// static tools travel): each on fresh seeded inputs, outputs poisoned, run
/// twice, compared with the CPU reference.
std::vector<std::pair<std::string, IndexerConfig>> edgeShapes() {
  std::vector<std::pair<std::string, IndexerConfig>> shapes;
  for (ScoreKind score : {ScoreKind::PQ, ScoreKind::Exact}) {
    IndexerConfig c = score == ScoreKind::PQ ? findCase("seed-pq-32k").config
                                             : findCase("exact-gqa-32k").config;
    c.Sk = 6000;
    c.heavy = 100;
    c.sink = 16;
    c.window = 32;
    if (score == ScoreKind::PQ)
      c.pq.initOffset = 16;
    std::string k(scoreKindName(score));
    shapes.push_back({k + " small", c});
    int64_t threshold = c.sink + c.heavy + c.window;
    if (score == ScoreKind::PQ)
      threshold = std::max(threshold, c.heavy + c.pq.initOffset + 1 + c.C());
    for (int64_t delta : {-1, 0, 1}) {
      IndexerConfig e = c;
      e.Sk = threshold + delta;
      shapes.push_back({k + " Sk=fallback" + std::to_string(delta), e});
    }
    IndexerConfig e = c;
    e.heavy = 0;
    shapes.push_back({k + " heavy=0", e});
    e = c;
    e.window = 0;
    shapes.push_back({k + " window=0", e});
    e = c;
    e.sink = 0;
    if (score == ScoreKind::PQ)
      e.pq.initOffset = 0;
    shapes.push_back({k + " sink=0", e});
    e = c;
    e.B = 3;
    e.H = 5;
    e.Hkv = score == ScoreKind::PQ ? 5 : 1;
    e.Sk = 4099;
    shapes.push_back({k + " B=3 H=5 Sk=4099", e});
    e = c;
    e.Sk = 40000;
    e.heavy = 5000;
    shapes.push_back({k + " heavy=5000 Sk=40000", e});
    e = c;
    e.weightLayout = WeightLayout::Sparse;
    e.weightDType = DType::BF16;
    e.qDType = DType::BF16;
    shapes.push_back({k + " sparse bf16 weights, bf16 q", e});
    e.weightLayout = WeightLayout::Dense;
    e.weightDType = DType::F16;
    shapes.push_back({k + " dense f16 weights", e});
  }
  IndexerConfig c = findCase("seed-pq-32k").config;
  c.Sk = 6000;
  c.heavy = 100;
  c.H = 8;
  c.Hkv = 2;
  c.pq.codebookDType = DType::U8;
  c.pq.codebookLayout = CodebookLayout::KeyMinor;
  c.pq.initOffset = 40;
  shapes.push_back({"pq GQA key-minor u8 init_offset=40", c});
  c = findCase("seed-pq-32k").config;
  c.Sk = 6000;
  c.D = 96;
  c.pq.M = 3;
  c.pq.bits = 4;
  c.pq.codebookDType = DType::I32;
  shapes.push_back({"pq i32 codes D=96 M=3 bits=4", c});
  c = findCase("seed-pq-32k").config;
  c.Sk = 6000;
  c.pq.M = 1;
  shapes.push_back({"pq M=1", c});
  c = findCase("exact-gqa-32k").config;
  c.Sk = 6000;
  c.heavy = 100;
  c.H = 6;
  c.Hkv = 2;
  c.D = 80;
  c.keysDType = DType::F32;
  c.qDType = DType::F16;
  c.scale = 0.125f;
  shapes.push_back({"exact f32 keys f16 q scale G=3 D=80", c});
  return shapes;
}

/// Compiles every case's and edge shape's kernels into the disk cache
/// (TRITIUM_CACHE_DIR) for an H100 (sm_90a, 132 SMs), without a GPU.
int commandPrecompile() {
  IndexerOptions options;
  options.arch = "sm_90a";
  options.multiprocessors = 132;
  std::vector<std::pair<std::string, IndexerConfig>> all = edgeShapes();
  for (const BenchmarkCase &bc : benchmarkCases())
    all.push_back({std::string(bc.name), bc.config});
  for (const auto &[name, c] : all) {
    std::vector<double> ms = precompileIndexer(c, options);
    std::printf("%-40s", name.c_str());
    for (double m : ms)
      std::printf(" %.0f ms", m);
    std::printf("\n");
  }
  return 0;
}

/// Compiles the kernels of every (configuration, overrides) pair for
/// `device` on all the host's cores at once, into the process's memory
/// cache (and the disk cache where it is on). A pair that fails to plan or
/// compile is left to its check, which reports it.
void precompileAll(
    const std::vector<std::pair<IndexerConfig, PlanOverrides>> &pairs,
    const Device &device) {
  if (pairs.empty())
    return;
  IndexerOptions base;
  base.arch = device.arch();
  base.multiprocessors = device.multiprocessorCount();
  std::atomic<size_t> next{0};
  const unsigned threads =
      std::clamp(std::thread::hardware_concurrency(), 1u, 32u);
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t)
    workers.emplace_back([&] {
      for (size_t i = next++; i < pairs.size(); i = next++) {
        try {
          IndexerOptions options = base;
          options.overrides = pairs[i].second;
          precompileIndexer(pairs[i].first, options);
        } catch (const std::exception &) {
        }
      }
    });
  for (std::thread &worker : workers)
    worker.join();
  std::printf(
      "kernels of the checks (%zu) compiled on %u threads in %.1f s\n",
      pairs.size(), threads,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count());
  std::fflush(stdout);
}

int commandCheck(const Args &a) {
  Device device = Device::get(0);
  int failures = 0, count = 0;
  // --only: the checks whose name contains one of its texts (a device
  // call's time may not hold all of them).
  auto selected = [&](const std::string &name) {
    return a.only.empty() ||
           std::any_of(a.only.begin(), a.only.end(), [&](const std::string &t) {
             return name.find(t) != std::string::npos;
           });
  };
  // The checks run twice: first only collecting the Indexers they build
  // (`collecting`), whose kernels then compile on every core of the host at
  // once, so that each Indexer of the second pass finds them in the
  // process's cache (session 21 on an H100 host: the whole check took
  // over 200 s with the kernels compiled one by one, 72 s with them all
  // cached).
  bool collecting = false;
  std::vector<std::pair<IndexerConfig, PlanOverrides>> toCompile;
  // Reports one check: `body` returns "" where every output matched, else
  // what did not; an exception is a failure too.
  auto report = [&](const std::string &name,
                    const std::function<std::string()> &body) {
    if (collecting || !selected(name))
      return;
    ++count;
    std::string verdict;
    try {
      verdict = body();
      if (verdict.empty())
        verdict = "ok";
    } catch (const std::exception &e) {
      verdict = std::string("FAIL: ") + e.what();
    }
    if (verdict != "ok")
      ++failures;
    std::printf("%-40s %s\n", name.c_str(), verdict.c_str());
    std::fflush(stdout);
  };
  // One call on poisoned outputs, against the reference: "" or the first
  // mismatch.
  auto runOnce = [&](const Indexer &indexer, const IndexerConfig &c,
                     const HostInputs &in, const HostOutputs &ref,
                     HostOutputs &got, DeviceProblem &problem) {
    problem.poisonOutputs();
    indexer.run(problem.inputs(), problem.outputs());
    device.synchronize();
    problem.download(got);
    CompareResult r = compareOutputs(c, in.args(), ref.args(), got.args());
    return r.ok ? std::string() : "FAIL: " + r.firstMismatch;
  };
  auto one = [&](const std::string &name, const IndexerConfig &c,
                 InputOptions options, PlanOverrides overrides = {},
                 bool launchAsGraph = true) {
    if (collecting) {
      if (selected(name))
        toCompile.push_back({c, overrides});
      return;
    }
    report(name, [&] {
      IndexerOptions indexerOptions;
      indexerOptions.overrides = overrides;
      indexerOptions.launchAsGraph = launchAsGraph;
      Indexer indexer(c, indexerOptions);
      HostInputs in = generateInputs(c, options);
      HostOutputs ref = computeReference(c, in);
      HostOutputs got = HostOutputs::allocate(c);
      DeviceProblem problem(device, in, got);
      std::string mismatch;
      for (int repeat = 0; repeat < 2 && mismatch.empty(); ++repeat)
        mismatch = runOnce(indexer, c, in, ref, got, problem);
      return mismatch;
    });
  };
  auto allChecks = [&] {
    for (const auto &[name, c] : edgeShapes())
      one(name, c, {.seed = a.seed + 1});
    // Ties, NaN and inf: the hard inputs of a top-K.
    auto hardInputs = [](uint64_t seed) {
      return InputOptions{.seed = seed,
                          .tieFraction = 0.3,
                          .nanFraction = 0.01,
                          .infFraction = 0.01};
    };
    auto tiesShape = [](ScoreKind score) {
      return edgeShapes()[score == ScoreKind::PQ ? 0 : 11].second;
    };
    for (ScoreKind score : {ScoreKind::PQ, ScoreKind::Exact})
      one(std::string(scoreKindName(score)) + " ties+NaN+inf", tiesShape(score),
          hardInputs(a.seed + 2));
    // run() launching each kernel itself (launchAsGraph off; every other run
    // here replays its launches as a graph): the hard inputs and every case.
    for (ScoreKind score : {ScoreKind::PQ, ScoreKind::Exact})
      one(std::string(scoreKindName(score)) + " ties+NaN+inf direct launches",
          tiesShape(score), hardInputs(a.seed + 35), {}, false);
    for (const BenchmarkCase &bc : benchmarkCases())
      one(std::string(bc.name) + " direct launches", bc.config,
          {.seed = a.seed + 36}, {}, false);
    // One Indexer over two sets of buffers in turn (a graph recorded for
    // each, then replayed): each call's outputs against its own reference.
    for (ScoreKind score : {ScoreKind::PQ, ScoreKind::Exact})
      report(
          std::string(scoreKindName(score)) + " two buffer sets in turn", [&] {
            const IndexerConfig c = tiesShape(score);
            Indexer indexer(c);
            std::vector<HostInputs> in;
            std::vector<HostOutputs> ref, got;
            std::vector<std::unique_ptr<DeviceProblem>> problems;
            for (int set = 0; set < 2; ++set) {
              in.push_back(generateInputs(c, {.seed = a.seed + 37 + set}));
              ref.push_back(computeReference(c, in.back()));
              got.push_back(HostOutputs::allocate(c));
              problems.push_back(std::make_unique<DeviceProblem>(
                  device, in.back(), got.back()));
            }
            for (int set : {0, 1, 0, 1})
              if (std::string mismatch = runOnce(indexer, c, in[set], ref[set],
                                                 got[set], *problems[set]);
                  !mismatch.empty())
                return "(set " + std::to_string(set) + ") " + mismatch;
            return std::string();
          });
    for (const BenchmarkCase &bc : benchmarkCases())
      one(std::string(bc.name), bc.config, {.seed = a.seed + 3});
    // Select programs scoring other numbers of heads (the plan's other
    // shapes): pq 2 or 4 adjacent heads (every pq case), exact 1, 2 or all G
    // query heads of a kv head (exact-gqa-32k).
    auto headsRuns = [&](ScoreKind score, std::initializer_list<int64_t> counts,
                         uint64_t seed) {
      const IndexerConfig ties = tiesShape(score);
      for (int64_t heads : counts) {
        PlanOverrides overrides;
        overrides.headsPerProgram = heads;
        std::string suffix = " heads=" + std::to_string(heads);
        if (score == ScoreKind::PQ || ties.G() % heads == 0)
          one(std::string(scoreKindName(score)) + " ties+NaN+inf" + suffix,
              ties, hardInputs(seed), overrides);
        for (const BenchmarkCase &bc : benchmarkCases())
          if (bc.config.score == score &&
              (score == ScoreKind::PQ ||
               bc.name == std::string_view("exact-gqa-32k")))
            one(std::string(bc.name) + suffix, bc.config, {.seed = seed + 1},
                overrides);
      }
    };
    headsRuns(ScoreKind::PQ, {2, 4}, a.seed + 4);
    // pq select programs taking 1, 2 or all of their row group's chunks in
    // turn (those the planner does not choose).
    for (const BenchmarkCase &bc : benchmarkCases()) {
      if (bc.config.score != ScoreKind::PQ)
        continue;
      const IndexerPlan plan = planIndexer(bc.config, 132);
      for (int64_t chunks : {int64_t(1), int64_t(2), plan.splits})
        if (chunks != plan.chunksPerProgram && plan.splits % chunks == 0)
          one(std::string(bc.name) + " chunks=" + std::to_string(chunks),
              bc.config, {.seed = a.seed + 5},
              PlanOverrides{.chunksPerProgram = chunks});
    }
    headsRuns(ScoreKind::Exact, {1, 2, 4}, a.seed + 6);
    // exact heads selected in a loop (--plan head_loop): the hard inputs with
    // it on, every exact case the other way from its plan.
    one("exact ties+NaN+inf head_loop=1", tiesShape(ScoreKind::Exact),
        hardInputs(a.seed + 11), PlanOverrides{.exactHeadLoop = 1});
    for (const BenchmarkCase &bc : benchmarkCases())
      if (bc.config.score == ScoreKind::Exact) {
        const bool looped = planIndexer(bc.config, 132).exactHeadLoop;
        one(std::string(bc.name) + (looped ? " head_loop=0" : " head_loop=1"),
            bc.config, {.seed = a.seed + 12},
            PlanOverrides{.exactHeadLoop = looped ? 0 : 1});
      }
    // pq options both ways: every pq edge shape and the hard inputs with
    // `key` set to `edgeValue`, every pq case the other way from its plan.
    auto pqBothWays = [&](const std::string &key, int edgeValue,
                          bool IndexerPlan::*planned, int PlanOverrides::*field,
                          uint64_t seed) {
      PlanOverrides edge;
      edge.*field = edgeValue;
      const std::string edgeSuffix =
          " " + key + "=" + std::to_string(edgeValue);
      one("pq ties+NaN+inf" + edgeSuffix, tiesShape(ScoreKind::PQ),
          hardInputs(seed), edge);
      for (const auto &[name, shape] : edgeShapes())
        if (shape.score == ScoreKind::PQ)
          one(name + edgeSuffix, shape, {.seed = seed + 1}, edge);
      for (const BenchmarkCase &bc : benchmarkCases())
        if (bc.config.score == ScoreKind::PQ) {
          const bool on = planIndexer(bc.config, 132).*planned;
          PlanOverrides flipped;
          flipped.*field = on ? 0 : 1;
          one(std::string(bc.name) + " " + key + (on ? "=0" : "=1"), bc.config,
              {.seed = seed + 2}, flipped);
        }
    };
    // pq selects over the code tuples (--plan pairs) on, and pq by tuple
    // counts (--plan counts, the planner's default for pq) off: the select
    // and merge.
    pqBothWays("pairs", 1, &IndexerPlan::pqPairSelect,
               &PlanOverrides::pqPairSelect, a.seed + 13);
    pqBothWays("counts", 0, &IndexerPlan::pqTupleCounts,
               &PlanOverrides::pqTupleCounts, a.seed + 16);
    // pq-128k's select over the keys (its select-and-merge plan selects over
    // the tuples, and neither run above turns both off).
    one("pq-128k counts=0 pairs=0", findCase("pq-128k").config,
        {.seed = a.seed + 20},
        PlanOverrides{.pqPairSelect = 0, .pqTupleCounts = 0});
    // pq by tuple counts with emit programs of several count chunks (--plan
    // emit_chunks): the hard inputs (a row of 2 chunks, one emit program), a
    // row of 3 chunks (the second emit program's second chunk past the row),
    // every pq case with half its chunk and 2 chunks an emit program.
    {
      const PlanOverrides pairOfChunks{.chunk = 4096, .emitChunks = 2};
      one("pq ties+NaN+inf emit_chunks=2", tiesShape(ScoreKind::PQ),
          hardInputs(a.seed + 21), pairOfChunks);
      IndexerConfig threeChunks = tiesShape(ScoreKind::PQ);
      threeChunks.Sk = 10000;
      one("pq 3 chunks emit_chunks=2", threeChunks, {.seed = a.seed + 22},
          pairOfChunks);
      for (const BenchmarkCase &bc : benchmarkCases())
        if (bc.config.score == ScoreKind::PQ)
          one(std::string(bc.name) + " emit_chunks=2", bc.config,
              {.seed = a.seed + 23},
              PlanOverrides{.chunk = planIndexer(bc.config, 132).chunk / 2,
                            .emitChunks = 2});
    }
    // The staged loops (tt.num_stages, tritium-stage-loads), both forced: the
    // count's code tiles (off by default) and the emit's tuple indices (the
    // default only where the emit has no register prefetch), on every pq
    // edge shape, the hard inputs and every pq case.
    {
      const PlanOverrides staged{.countStages = 3, .emitStages = 2};
      const std::string suffix = " count_stages=3 emit_stages=2";
      one("pq ties+NaN+inf" + suffix, tiesShape(ScoreKind::PQ),
          hardInputs(a.seed + 24), staged);
      for (const auto &[name, shape] : edgeShapes())
        if (shape.score == ScoreKind::PQ)
          one(name + suffix, shape, {.seed = a.seed + 25}, staged);
      for (const BenchmarkCase &bc : benchmarkCases())
        if (bc.config.score == ScoreKind::PQ)
          one(std::string(bc.name) + suffix, bc.config, {.seed = a.seed + 26},
              staged);
    }
    // The count's tiles asked of L2 ahead (tx.prefetch_l2; a hint: the
    // results must not change): every key-major pq edge shape with heavy
    // positions (the option's domain), the hard inputs and every pq case.
    {
      const PlanOverrides ahead{.countL2Ahead = 3};
      const std::string suffix = " count_l2_ahead=3";
      one("pq ties+NaN+inf" + suffix, tiesShape(ScoreKind::PQ),
          hardInputs(a.seed + 27), ahead);
      for (const auto &[name, shape] : edgeShapes())
        if (shape.score == ScoreKind::PQ && shape.heavy > 0 &&
            shape.pq.codebookLayout == CodebookLayout::KeyMajor)
          one(name + suffix, shape, {.seed = a.seed + 28}, ahead);
      for (const BenchmarkCase &bc : benchmarkCases())
        if (bc.config.score == ScoreKind::PQ)
          one(std::string(bc.name) + suffix, bc.config, {.seed = a.seed + 29},
              ahead);
    }
    // The count's code loads with L2 fills of 256 bytes (a hint: the
    // results must not change): the hard inputs and every pq case.
    {
      const PlanOverrides fetch{.countL2Fetch = 256};
      const std::string suffix = " count_l2_fetch=256";
      one("pq ties+NaN+inf" + suffix, tiesShape(ScoreKind::PQ),
          hardInputs(a.seed + 33), fetch);
      for (const BenchmarkCase &bc : benchmarkCases())
        if (bc.config.score == ScoreKind::PQ)
          one(std::string(bc.name) + suffix, bc.config, {.seed = a.seed + 34},
              fetch);
    }
    // Count and emit in one cooperative launch with a grid barrier between
    // (grid_sync=1, off by default): the hard inputs, every pq edge shape
    // and case it fits (as many emit programs as count programs, one an SM
    // at most), replayed as a graph and launched directly; every check runs
    // twice, so the barrier's counter is reused as it is between calls.
    {
      const PlanOverrides sync{.gridSync = 1};
      auto fits = [&](const IndexerConfig &c) {
        try {
          return planIndexer(c, device.multiprocessorCount(), sync).pqGridSync;
        } catch (const Error &) {
          return false;
        }
      };
      for (bool graph : {true, false}) {
        const std::string suffix =
            graph ? " grid_sync=1" : " grid_sync=1 direct launches";
        if (fits(tiesShape(ScoreKind::PQ)))
          one("pq ties+NaN+inf" + suffix, tiesShape(ScoreKind::PQ),
              hardInputs(a.seed + 39), sync, graph);
        for (const BenchmarkCase &bc : benchmarkCases())
          if (fits(bc.config))
            one(std::string(bc.name) + suffix, bc.config, {.seed = a.seed + 40},
                sync, graph);
      }
      for (const auto &[name, shape] : edgeShapes())
        if (fits(shape))
          one(name + " grid_sync=1", shape, {.seed = a.seed + 41}, sync);
    }
    // The merge options the planner leaves off: fused into the select launch,
    // and (sm_90a) the merge launch overlapping the select's; and the merge
    // of one program per row (cluster=1, where the planner clusters rows of
    // 2-8 tiles) or in clusters of 8 (most programs with no or few slots,
    // ties spread over them). The hard inputs and every case.
    std::vector<std::pair<std::string, PlanOverrides>> mergeVariants;
    mergeVariants.push_back({" fused=1", PlanOverrides{.fusedMerge = 1}});
    if (archHasWgmma(device.arch())) {
      mergeVariants.push_back({" overlap=1", PlanOverrides{.overlapMerge = 1}});
      mergeVariants.push_back({" cluster=1", PlanOverrides{.mergeCluster = 1}});
      mergeVariants.push_back({" cluster=8", PlanOverrides{.mergeCluster = 8}});
      mergeVariants.push_back(
          {" cluster=8 cluster_buffers=1",
           PlanOverrides{.mergeCluster = 8, .clusterSumBuffers = 1}});
      // Rows of 3 merge tiles (49152 slots): a cluster of 4, one program
      // without slots.
      IndexerConfig threeTiles = findCase("exact-gqa-128k").config;
      threeTiles.Sk = 196608;
      one("exact rows of 3 merge tiles", threeTiles, {.seed = a.seed + 10}, {});
    }
    for (const auto &[suffix, overrides] : mergeVariants) {
      for (ScoreKind score : {ScoreKind::PQ, ScoreKind::Exact})
        one(std::string(scoreKindName(score)) + " ties+NaN+inf" + suffix,
            tiesShape(score), hardInputs(a.seed + 8), overrides);
      for (const BenchmarkCase &bc : benchmarkCases())
        one(std::string(bc.name) + suffix, bc.config, {.seed = a.seed + 9},
            overrides);
    }
    // exact selects as clusters writing the outputs (sm_90a): the hard
    // inputs, every exact edge shape the option fits (one chunk a row, no
    // cluster, among them) and every exact case.
    // With joint=1 the heads of a program are selected together; with
    // cluster_buffers=1 the sums share the scratch (two barriers a sum).
    if (archHasWgmma(device.arch())) {
      for (const auto &[suffix, cluster] :
           {std::pair{std::string(" select_cluster=1"),
                      PlanOverrides{.clusterSelect = 1}},
            std::pair{std::string(" select_cluster=1 joint=1"),
                      PlanOverrides{.jointHeadSelect = 1, .clusterSelect = 1}},
            std::pair{
                std::string(" select_cluster=1 cluster_buffers=1"),
                PlanOverrides{.clusterSelect = 1, .clusterSumBuffers = 1}},
            // The same selects exchanging through global memory and group
            // barriers (one cooperative launch, no cluster).
            std::pair{std::string(" grid_sync=1"),
                      PlanOverrides{.gridSync = 1}},
            std::pair{std::string(" grid_sync=1 joint=1"),
                      PlanOverrides{.jointHeadSelect = 1, .gridSync = 1}}}) {
        auto fits = [&](const IndexerConfig &c) {
          try {
            planIndexer(c, device.multiprocessorCount(), cluster);
            return true;
          } catch (const Error &) {
            return false;
          }
        };
        if (fits(tiesShape(ScoreKind::Exact)))
          one("exact ties+NaN+inf" + suffix, tiesShape(ScoreKind::Exact),
              hardInputs(a.seed + 37), cluster);
        for (const auto &[name, shape] : edgeShapes())
          if (shape.score == ScoreKind::Exact && fits(shape))
            one(name + suffix, shape, {.seed = a.seed + 38}, cluster);
        for (const BenchmarkCase &bc : benchmarkCases())
          if (bc.config.score == ScoreKind::Exact && fits(bc.config))
            one(std::string(bc.name) + suffix, bc.config, {.seed = a.seed + 39},
                cluster);
      }
    }
  };
  collecting = true;
  allChecks();
  collecting = false;
  precompileAll(toCompile, device);
  allChecks();
  // Bad input: an error naming the argument, outputs untouched.
  if (const char *name = "bad input: wrong sparse_list shape"; selected(name)) {
    ++count;
    IndexerConfig c = edgeShapes()[0].second;
    Indexer indexer(c);
    HostInputs in = generateInputs(c, {.seed = a.seed});
    HostOutputs got = HostOutputs::allocate(c);
    DeviceProblem problem(device, in, got);
    problem.poisonOutputs();
    IndexerOutputs wrong = problem.outputs();
    wrong.sparseList.shape[2] -= 1;
    std::string message;
    try {
      indexer.run(problem.inputs(), wrong);
    } catch (const Error &e) {
      message = e.what();
    }
    device.synchronize();
    problem.download(got);
    bool untouched = true;
    for (int64_t i = 0; i < got.sparseLen.numel(); ++i)
      untouched = untouched && got.sparseLen.data<int64_t>()[i] == -1;
    bool ok = message.find("sparse_list") != std::string::npos && untouched;
    failures += ok ? 0 : 1;
    std::printf("%-40s %s (%s)\n", name, ok ? "ok" : "FAIL", message.c_str());
  }
  std::printf("%d passed, %d failed\n", count - failures, failures);
  if (count == 0) {
    std::printf("no check's name contains what --only names\n");
    return 1;
  }
  return failures ? 1 : 0;
}

/// Writes the seeded inputs of a case as .npy files (bf16 as int16 bit
/// patterns), for `run --in` and for PyTorch programs.
int commandInputs(const Args &a) {
  if (a.positional.empty() || a.outDir.empty())
    throw Error(Error::Kind::InvalidArgument,
                "inputs: tritium-indexer inputs CASE --out DIR [--seed N]");
  IndexerConfig c = configFor(a.positional[0], a.settings);
  HostInputs in = generateInputs(c, {.seed = a.seed});
  std::filesystem::create_directories(a.outDir);
  writeNpy(a.outDir + "/q.npy", in.q);
  if (c.score == ScoreKind::PQ) {
    writeNpy(a.outDir + "/centroids.npy", in.centroids);
    writeNpy(a.outDir + "/codebook.npy", in.codebook);
  } else {
    writeNpy(a.outDir + "/keys.npy", in.keys);
  }
  std::printf("%s\nwrote the inputs to %s\n", c.describe().c_str(),
              a.outDir.c_str());
  return 0;
}

int commandRun(const Args &a) {
  if (a.positional.empty() || a.inDir.empty() || a.outDir.empty())
    throw Error(Error::Kind::InvalidArgument,
                "run: tritium-indexer run CASE --in DIR --out DIR");
  IndexerConfig c = findCase(a.positional[0]).config;
  for (const std::string &s : a.settings)
    applySetting(c, s);
  // The files' dtypes are the call's dtypes.
  HostInputs in;
  auto read = [&](const char *name) {
    return readNpy(a.inDir + "/" + name + ".npy");
  };
  in.q = read("q");
  c.qDType = in.q.dtype();
  if (c.score == ScoreKind::PQ) {
    in.centroids = read("centroids");
    in.codebook = read("codebook");
    c.pq.codebookDType = in.codebook.dtype();
  } else {
    in.keys = read("keys");
    c.keysDType = in.keys.dtype();
  }
  // q may come as [B, H, 1, D]: the spec's decode shape.
  if (in.q.shape().size() == 4 && in.q.shape()[2] == 1) {
    HostTensor q(in.q.dtype(),
                 {in.q.shape()[0], in.q.shape()[1], in.q.shape()[3]});
    std::memcpy(q.bytes(), in.q.bytes(), in.q.nbytes());
    in.q = std::move(q);
  }
  c.validate();
  HostOutputs out = HostOutputs::allocate(c);
  if (a.cpu) {
    // The CPU reference computes the outputs: no GPU needed.
    computeReference(c, in.args(), out.args());
  } else {
    Device device = Device::get(0);
    Indexer indexer(c);
    DeviceProblem problem(device, in, out);
    problem.poisonOutputs();
    indexer.run(problem.inputs(), problem.outputs());
    device.synchronize();
    problem.download(out);
  }
  std::filesystem::create_directories(a.outDir);
  writeNpy(a.outDir + "/sparse_list.npy", out.sparseList);
  writeNpy(a.outDir + "/sparse_len.npy", out.sparseLen);
  writeNpy(a.outDir + "/weight_list.npy", out.weights);
  std::printf("%s\nwrote %s/{sparse_list,sparse_len,weight_list}.npy\n",
              c.describe().c_str(), a.outDir.c_str());
  if (a.checkRun) {
    HostOutputs ref = computeReference(c, in);
    CompareResult r = compareOutputs(c, in.args(), ref.args(), out.args());
    std::printf("check against the CPU reference: %s\n",
                r.ok ? "ok" : ("FAIL: " + r.firstMismatch).c_str());
    return r.ok ? 0 : 1;
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  try {
    Args a = parseArgs(argc, argv);
    if (a.command == "list")
      return commandList();
    if (a.command == "plan")
      return commandPlan(a);
    if (a.command == "bench")
      return commandBench(a);
    if (a.command == "run")
      return commandRun(a);
    if (a.command == "check")
      return commandCheck(a);
    if (a.command == "precompile")
      return commandPrecompile();
    if (a.command == "inputs")
      return commandInputs(a);
    throw Error(Error::Kind::InvalidArgument,
                "unknown command '" + a.command +
                    "' (list, plan, bench, check, precompile, inputs, run)");
  } catch (const Error &e) {
    std::fprintf(stderr, "tritium-indexer: error: %s\n", e.what());
    return e.kind() == Error::Kind::InvalidArgument ? 2 : 1;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "tritium-indexer: error: %s\n", e.what());
    return 1;
  }
}
