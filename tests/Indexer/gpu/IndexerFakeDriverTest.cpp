//===- IndexerFakeDriverTest.cpp - Indexer::run against a fake driver -----===//
//
// Runs with TRITIUM_CUDA_DRIVER pointing at tritium-fake-cuda
// (tests/Runtime/FakeCuda.h): kernels compile to PTX, load and "launch"
// without a GPU, so how run() enqueues its launches -- one graph replay
// per call, a graph recorded once per set of tensor addresses, direct
// launches into a caller's capture or with launchAsGraph off -- is tested
// on every machine. (What the kernels compute is tritium-indexer check's,
// on a GPU.)
//
//===----------------------------------------------------------------------===//

#include "../../Runtime/FakeCuda.h"

#include "tritium/Indexer/DeviceProblem.h"
#include "tritium/Indexer/Indexer.h"
#include "tritium/Indexer/Inputs.h"
#include "tritium/Runtime/Driver.h"

#include <catch2/catch.hpp>

#include <dlfcn.h>

#include <cstdlib>

using namespace tritium;
using namespace tritium::indexer;

namespace {

const FakeHandles &fake() {
  const FakeHandles &f = fakeDriver();
  REQUIRE(f.complete());
  return f;
}

/// A small pq shape of the counts path (two launches).
IndexerConfig smallPQ() {
  IndexerConfig c;
  c.score = ScoreKind::PQ;
  c.B = 1;
  c.H = c.Hkv = 4;
  c.D = 128;
  c.Sk = 6000;
  c.sink = c.window = 64;
  c.heavy = 128;
  c.pq.M = 2;
  c.pq.bits = 6;
  c.pq.initOffset = 64;
  return c;
}

/// A small exact shape: 4 query heads on one kv head, 3 chunks of 2048.
IndexerConfig smallExact() {
  IndexerConfig c;
  c.score = ScoreKind::Exact;
  c.B = 1;
  c.H = 4;
  c.Hkv = 1;
  c.D = 128;
  c.Sk = 6000;
  c.sink = c.window = 64;
  c.heavy = 128;
  c.keysDType = c.qDType = DType::BF16;
  return c;
}

/// A tensor's device address, as a launch's parameter holds it.
std::uint64_t addressOf(const TensorArg &t) {
  return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(t.data));
}

} // namespace

TEST_CASE("run() replays its launches as one graph per set of addresses",
          "[fake][indexer]") {
  const FakeHandles &f = fake();
  Device device = Device::get(0);
  const IndexerConfig c = smallPQ();
  Indexer indexer(c);
  REQUIRE(indexer.plan().launches == 2);
  CHECK(indexer.replaysGraphs());
  HostInputs in = generateInputs(c, {.seed = 1});
  HostOutputs shapes = HostOutputs::allocate(c);
  DeviceProblem a(device, in, shapes), b(device, in, shapes);
  OwnedStream stream(device);

  const FakeStats before = *f.stats();
  indexer.run(a.inputs(), a.outputs(), stream);
  // Recorded (its two launches captured on a stream of the graph's own),
  // then replayed on the caller's stream.
  CHECK(f.stats()->launches == before.launches + 2);
  CHECK(f.lastLaunch()->captured);
  CHECK(f.lastLaunch()->stream != stream.get());
  CHECK(f.stats()->graphLaunches == before.graphLaunches + 1);
  CHECK(f.stats()->lastGraphStream == stream.get());
  CHECK(f.stats()->liveGraphExecs == before.liveGraphExecs + 1);

  // The same addresses: a replay, nothing recorded or launched again.
  indexer.run(a.inputs(), a.outputs(), stream);
  indexer.run(a.inputs(), a.outputs(), nullptr);
  CHECK(f.stats()->launches == before.launches + 2);
  CHECK(f.stats()->graphLaunches == before.graphLaunches + 3);
  CHECK(f.stats()->lastGraphStream == nullptr);
  CHECK(f.stats()->liveGraphExecs == before.liveGraphExecs + 1);

  // Other outputs: a graph of their own; the first set's stays.
  indexer.run(a.inputs(), b.outputs(), stream);
  CHECK(f.stats()->launches == before.launches + 4);
  CHECK(f.stats()->liveGraphExecs == before.liveGraphExecs + 2);
  indexer.run(a.inputs(), a.outputs(), stream);
  CHECK(f.stats()->launches == before.launches + 4);
  CHECK(f.stats()->graphLaunches == before.graphLaunches + 5);

  // A caller capturing its stream gets the launches themselves.
  using BeginFn = int (*)(void *, int);
  using EndFn = int (*)(void *, void **);
  auto begin = reinterpret_cast<BeginFn>(
      dlsym(f.library, "cuStreamBeginCapture_v2"));
  auto end =
      reinterpret_cast<EndFn>(dlsym(f.library, "cuStreamEndCapture"));
  OwnedStream capturing(device);
  REQUIRE(begin(capturing.get(), 0) == 0);
  CHECK(isCapturing(capturing));
  indexer.run(a.inputs(), a.outputs(), capturing);
  void *graph = nullptr;
  REQUIRE(end(capturing.get(), &graph) == 0);
  CHECK(f.stats()->launches == before.launches + 6);
  CHECK(f.lastLaunch()->stream == capturing.get());
  CHECK(f.lastLaunch()->captured);
  CHECK(f.stats()->graphLaunches == before.graphLaunches + 5);
  CHECK(f.stats()->forbiddenDuringCapture == before.forbiddenDuringCapture);
}

TEST_CASE("with launchAsGraph off, run() launches each kernel itself",
          "[fake][indexer]") {
  const FakeHandles &f = fake();
  Device device = Device::get(0);
  const IndexerConfig c = smallPQ();
  IndexerOptions options;
  options.launchAsGraph = false;
  Indexer indexer(c, options);
  CHECK_FALSE(indexer.replaysGraphs());
  HostInputs in = generateInputs(c, {.seed = 2});
  DeviceProblem problem(device, in, HostOutputs::allocate(c));
  OwnedStream stream(device);
  const FakeStats before = *f.stats();
  indexer.run(problem.inputs(), problem.outputs(), stream);
  indexer.run(problem.inputs(), problem.outputs(), stream);
  CHECK(f.stats()->launches == before.launches + 4);
  CHECK(f.stats()->graphLaunches == before.graphLaunches);
  CHECK(f.lastLaunch()->stream == stream.get());
  CHECK_FALSE(f.lastLaunch()->captured);
}

TEST_CASE("run() records graphs for the first 128 sets of addresses, then "
          "launches directly",
          "[fake][indexer]") {
  const FakeHandles &f = fake();
  Device device = Device::get(0);
  const IndexerConfig c = smallPQ();
  Indexer indexer(c);
  HostInputs in = generateInputs(c, {.seed = 3});
  HostOutputs shapes = HostOutputs::allocate(c);
  DeviceProblem problem(device, in, shapes);
  // Sets of outputs at other addresses: the weights of set k in one large
  // buffer, 256 bytes apart in alignment.
  const std::size_t stride = (shapes.weights.nbytes() + 255) / 256 * 256;
  constexpr int kSets = 130;
  DeviceBuffer weights(device, stride * kSets);
  auto outputsOf = [&](int set) {
    IndexerOutputs out = problem.outputs();
    out.weights = TensorArg::contiguous(
        reinterpret_cast<void *>(
            static_cast<std::uintptr_t>(weights.address() + set * stride)),
        shapes.weights.dtype(), shapes.weights.shape());
    return out;
  };
  OwnedStream stream(device);
  const FakeStats before = *f.stats();
  for (int set = 0; set < 128; ++set)
    indexer.run(problem.inputs(), outputsOf(set), stream);
  CHECK(f.stats()->liveGraphExecs == before.liveGraphExecs + 128);
  CHECK(f.stats()->graphLaunches == before.graphLaunches + 128);
  const int launches = f.stats()->launches;
  // Sets beyond the first 128: direct launches, nothing recorded or
  // dropped; the recorded sets still replay.
  indexer.run(problem.inputs(), outputsOf(128), stream);
  indexer.run(problem.inputs(), outputsOf(129), stream);
  CHECK(f.stats()->launches == launches + 4);
  CHECK_FALSE(f.lastLaunch()->captured);
  CHECK(f.stats()->liveGraphExecs == before.liveGraphExecs + 128);
  indexer.run(problem.inputs(), outputsOf(0), stream);
  CHECK(f.stats()->launches == launches + 4);
  CHECK(f.stats()->graphLaunches == before.graphLaunches + 129);
}

TEST_CASE("an exact cluster select is one launch of a row group's chunks "
          "along x, writing the outputs",
          "[fake][indexer]") {
  const FakeHandles &f = fake();
  Device device = Device::get(0);
  REQUIRE(device.arch() == "sm_90a");
  const IndexerConfig c = smallExact();
  IndexerOptions options;
  options.overrides.clusterSelect = 1;
  Indexer indexer(c, options);
  const IndexerPlan &plan = indexer.plan();
  REQUIRE(plan.clusterSelect);
  REQUIRE(plan.launches == 1);
  REQUIRE(plan.splits == 3); // a cluster of 3 programs: 3 chunks of 2048
  CHECK_FALSE(indexer.replaysGraphs()); // one launch: nothing to merge
  HostInputs in = generateInputs(c, {.seed = 4});
  DeviceProblem problem(device, in, HostOutputs::allocate(c));
  OwnedStream stream(device);
  const FakeStats before = *f.stats();
  const IndexerInputs inputs = problem.inputs();
  const IndexerOutputs outputs = problem.outputs();
  indexer.run(inputs, outputs, stream);
  CHECK(f.stats()->launches == before.launches + 1);
  CHECK(f.stats()->graphLaunches == before.graphLaunches);
  const FakeLaunch &launch = *f.lastLaunch();
  CHECK(std::string(launch.function) == "indexer_exact_select");
  CHECK(launch.grid[0] == plan.splits);
  CHECK(launch.grid[1] == plan.rowGroups);
  CHECK(launch.grid[2] == 1);
  // q, keys, weights, sparse_list, sparse_len (no workspace), then the two
  // scratch pointers of Triton's kernel ABI.
  REQUIRE(launch.numParams == 7);
  CHECK(launch.params[0] == addressOf(inputs.q));
  CHECK(launch.params[1] == addressOf(inputs.keys));
  CHECK(launch.params[2] == addressOf(outputs.weights));
  CHECK(launch.params[3] == addressOf(outputs.sparseList));
  CHECK(launch.params[4] == addressOf(outputs.sparseLen));
}

TEST_CASE("grid_sync plans are one cooperative launch, recorded into a "
          "graph once and replayed",
          "[fake][indexer]") {
  const FakeHandles &f = fake();
  Device device = Device::get(0);
  for (const IndexerConfig &c : {smallPQ(), smallExact()}) {
    DYNAMIC_SECTION(scoreKindName(c.score)) {
      IndexerOptions options;
      options.overrides.gridSync = 1;
      Indexer indexer(c, options);
      const IndexerPlan &plan = indexer.plan();
      REQUIRE(plan.launches == 1);
      CHECK((c.score == ScoreKind::PQ ? plan.pqGridSync : plan.selectGridSync));
      CHECK(indexer.replaysGraphs());
      HostInputs in = generateInputs(c, {.seed = 5});
      DeviceProblem problem(device, in, HostOutputs::allocate(c));
      OwnedStream stream(device);
      const FakeStats before = *f.stats();
      const IndexerInputs inputs = problem.inputs();
      const IndexerOutputs outputs = problem.outputs();
      indexer.run(inputs, outputs, stream);
      indexer.run(inputs, outputs, stream);
      // Recorded once (the cooperative launch captured), replayed twice.
      CHECK(f.stats()->launches == before.launches + 1);
      CHECK(f.stats()->graphLaunches == before.graphLaunches + 2);
      const FakeLaunch &launch = *f.lastLaunch();
      CHECK(launch.cooperative);
      CHECK(launch.captured);
      CHECK(launch.grid[0] * launch.grid[1] * launch.grid[2] ==
            plan.rowGroups * plan.splits);
      if (c.score == ScoreKind::PQ) {
        CHECK(std::string(launch.function) == "indexer_pq_count_emit");
        // q, centroids, codebook, weights, counts, tuple ids, sparse_list,
        // sparse_len, counters, then the two scratch pointers.
        REQUIRE(launch.numParams == 11);
        CHECK(launch.params[6] == addressOf(outputs.sparseList));
        CHECK(launch.params[7] == addressOf(outputs.sparseLen));
        CHECK(launch.params[8] ==
              launch.params[4] + std::uint64_t(plan.countersOffset));
      } else {
        CHECK(std::string(launch.function) == "indexer_exact_select");
        // q, keys, weights, sparse_list, sparse_len, exchange, scratch.
        REQUIRE(launch.numParams == 8);
        CHECK(launch.params[3] == addressOf(outputs.sparseList));
        CHECK(launch.params[5] != 0);
      }
    }
  }
}
