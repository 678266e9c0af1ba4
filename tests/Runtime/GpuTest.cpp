//===- GpuTest.cpp - Launching on a real GPU (skipped without one) --------===//
//
// Tagged [gpu]: each test checks for a driver and device first and, where
// there is none, prints why it skipped and passes.
//
//===----------------------------------------------------------------------===//

#include "DriverApi.h"
#include "TestSupport.h"

#include "tritium/Runtime/Runtime.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>

using namespace tritium;
using namespace tritium::test;

namespace {
bool gpuPresent() {
  std::string reason;
  if (driverAvailable(&reason))
    return true;
  WARN("skipped: " << reason);
  return false;
}

std::vector<float> iota(std::size_t n, float start) {
  std::vector<float> values(n);
  std::iota(values.begin(), values.end(), start);
  return values;
}

struct VectorAddFixture {
  static constexpr int n = 5000;
  Device device = Device::get(0);
  DeviceBuffer x{device, n * sizeof(float)}, y{device, n * sizeof(float)},
      out{device, n * sizeof(float)};
  VectorAddFixture() {
    x.upload(iota(n, 0).data(), n * sizeof(float));
    y.upload(iota(n, 1000).data(), n * sizeof(float));
    out.fillBytes(0xff);
  }
  void checkOutput() {
    std::vector<float> result(n);
    out.download(result.data(), n * sizeof(float));
    int wrong = 0;
    for (int i = 0; i < n; ++i)
      wrong += result[i] != float(i) + float(i + 1000);
    CHECK(wrong == 0);
  }
};
} // namespace

TEST_CASE("devices report their target", "[gpu]") {
  if (!gpuPresent())
    return;
  REQUIRE(Device::count() >= 1);
  Device device = Device::get(0);
  INFO(device.name());
  CHECK(device.computeCapability() >= 80);
  CHECK(device.arch().rfind("sm_", 0) == 0);
  if (device.computeCapability() == 90)
    CHECK(device.arch() == "sm_90a");
  CHECK(device.context() != nullptr);
  std::string message =
      errorMessage([] { Device::get(1000); }, Error::Kind::InvalidArgument);
  CHECK_THAT(message, Catch::Contains("device 1000 does not exist"));
}

TEST_CASE("vector_add runs; warm launches compile and hash nothing", "[gpu]") {
  if (!gpuPresent())
    return;
  TempDir dir;
  ScopedEnv cacheDir("TRITIUM_CACHE_DIR", dir.path());
  VectorAddFixture data;
  Kernel add = Kernel::fromFile(corpusPath("vector_add"));
  resetCacheStats();
  Grid grid((data.n + 1023) / 1024);
  add.launch(grid, data.x.as<float>(), data.y.as<float>(), data.out.as<float>(),
             data.n);
  data.device.synchronize();
  data.checkOutput();
  CHECK(add.loadedVariantCount() == 1);
  CacheStats afterFirst = cacheStats();

  for (int i = 0; i < 100; ++i)
    add.launch(grid, data.x.as<float>(), data.y.as<float>(),
               data.out.as<float>(), data.n);
  data.device.synchronize();
  CacheStats afterWarm = cacheStats();
  CHECK(afterWarm.compiles == afterFirst.compiles);
  CHECK(afterWarm.memoryHits == afterFirst.memoryHits);
  CHECK(afterWarm.diskHits == afterFirst.diskHits);
  CHECK(add.loadedVariantCount() == 1);

  // n == 1 is another specialisation: a second variant.
  add.launch(Grid(1), data.x.as<float>(), data.y.as<float>(),
             data.out.as<float>(), 1);
  data.device.synchronize();
  CHECK(add.loadedVariantCount() == 2);
}

TEST_CASE("specialised constants and scalars reach the kernel", "[gpu]") {
  if (!gpuPresent())
    return;
  Device device = Device::get(0);
  const int n = 1000;
  DeviceBuffer x(device, 2 * n * sizeof(float)), out(device, n * sizeof(float));
  x.upload(iota(2 * n, 0).data(), 2 * n * sizeof(float));
  Kernel scale = Kernel::fromIR(scaleKernelIR());
  for (int stride : {1, 2}) { // stride 1 becomes a constant
    out.fillBytes(0);
    scale.launch(Grid((n + 255) / 256), x.as<float>(), out.as<float>(), n,
                 stride, 0.5f);
    device.synchronize();
    std::vector<float> result(n);
    out.download(result.data(), n * sizeof(float));
    int wrong = 0;
    for (int i = 0; i < n; ++i)
      wrong += result[i] != 0.5f * float(i * stride);
    CHECK(wrong == 0);
  }
  CHECK(scale.loadedVariantCount() == 2);
}

TEST_CASE("launch errors name the kernel and the argument", "[gpu]") {
  if (!gpuPresent())
    return;
  VectorAddFixture data;
  Kernel add = Kernel::fromFile(corpusPath("vector_add"));
  std::string message = errorMessage(
      [&] { add.launch(Grid(1), data.x.as<float>(), data.y.as<float>(), 5); },
      Error::Kind::InvalidArgument);
  CHECK_THAT(message, Catch::Contains("kernel 'vector_add' takes 4"));
  message = errorMessage(
      [&] {
        add.launch(Grid(1), data.x.as<float>(), data.y.as<float>(),
                   data.out.as<float>(), 2.0f);
      },
      Error::Kind::InvalidArgument);
  CHECK_THAT(message, Catch::Contains("argument 3 'n'"));
  // A grid the driver refuses: its error name and text, and the kernel.
  message = errorMessage(
      [&] {
        add.launch(Grid(1, 1u << 20, 1), data.x.as<float>(), data.y.as<float>(),
                   data.out.as<float>(), data.n);
      },
      Error::Kind::Driver);
  CHECK_THAT(message, Catch::Contains("kernel 'vector_add'"));
  CHECK_THAT(message, Catch::Contains("CUDA_ERROR_INVALID_VALUE"));
}

TEST_CASE("launches on a stream and inside CUDA graph capture", "[gpu]") {
  if (!gpuPresent())
    return;
  VectorAddFixture data;
  Kernel add = Kernel::fromFile(corpusPath("vector_add"));
  OwnedStream stream(data.device);
  Grid grid((data.n + 1023) / 1024);
  std::vector<ArgValue> args{data.x.as<float>(), data.y.as<float>(),
                             data.out.as<float>(), data.n};
  add.warm(args);
  add.launch(grid, args, stream);
  stream.synchronize();
  data.checkOutput();

  const driver::Api &api = driver::api();
  if (!api.cuStreamBeginCapture || !api.cuGraphInstantiateWithFlags) {
    WARN("graph capture skipped: the driver lacks the graph API");
    return;
  }
  data.out.fillBytes(0);
  driver::check(api.cuStreamBeginCapture(stream.get(),
                                         driver::CU_STREAM_CAPTURE_MODE_GLOBAL),
                "cuStreamBeginCapture");
  for (int i = 0; i < 3; ++i)
    add.launch(grid, data.x.as<float>(), data.y.as<float>(),
               data.out.as<float>(), data.n, stream.get());
  driver::CUgraph graph = nullptr;
  driver::check(api.cuStreamEndCapture(stream.get(), &graph),
                "cuStreamEndCapture");
  driver::CUgraphExec exec = nullptr;
  driver::check(api.cuGraphInstantiateWithFlags(&exec, graph, 0),
                "cuGraphInstantiateWithFlags");
  std::vector<float> before(data.n);
  data.out.download(before.data(), data.n * sizeof(float));
  CHECK(before[10] == 0.0f); // captured, not run
  driver::check(api.cuGraphLaunch(exec, stream.get()), "cuGraphLaunch");
  stream.synchronize();
  data.checkOutput();
  api.cuGraphExecDestroy(exec);
  api.cuGraphDestroy(graph);
}

TEST_CASE("a second device runs its own variant", "[gpu]") {
  if (!gpuPresent())
    return;
  if (Device::count() < 2) {
    WARN("skipped: one CUDA device only");
    return;
  }
  Device second = Device::get(1);
  const int n = 5000;
  DeviceBuffer x(second, n * 4), y(second, n * 4), out(second, n * 4);
  x.upload(iota(n, 0).data(), n * 4);
  y.upload(iota(n, 1).data(), n * 4);
  Kernel add = Kernel::fromFile(corpusPath("vector_add")).onDevice(1);
  add.launch(Grid((n + 1023) / 1024), x.as<float>(), y.as<float>(),
             out.as<float>(), n);
  second.synchronize();
  std::vector<float> result(n);
  out.download(result.data(), n * 4);
  CHECK(result[4999] == 4999.0f + 5000.0f);
}
