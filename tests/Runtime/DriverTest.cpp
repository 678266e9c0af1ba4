//===- DriverTest.cpp - Loading the CUDA driver; the no-driver path -------===//

#include "DriverApi.h"
#include "TestSupport.h"

#include "tritium/Runtime/Runtime.h"

#include <catch2/catch.hpp>

using namespace tritium;
using namespace tritium::test;

TEST_CASE("a missing driver library is reported, not crashed on", "[driver]") {
  std::string failure = driver::probeDriver("/nonexistent/libcuda.so.1");
  CHECK_THAT(failure, Catch::StartsWith("no CUDA driver: cannot load "
                                        "/nonexistent/libcuda.so.1"));
  CHECK_THAT(failure, Catch::Contains("install the NVIDIA driver"));
}

TEST_CASE("the toolkit's stub driver is reported as no driver", "[driver]") {
  const std::string stub = "/usr/local/cuda/lib64/stubs/libcuda.so";
  if (!fileExists(stub)) {
    WARN("skipped: no CUDA stub driver at " << stub);
    return;
  }
  std::string failure = driver::probeDriver(stub);
  CHECK_THAT(failure, Catch::StartsWith("no CUDA driver: cuInit failed"));
}

TEST_CASE("without a driver every device call throws NoDriver", "[driver]") {
  std::string reason;
  if (driverAvailable(&reason)) {
    WARN("skipped: this machine has a CUDA driver and device");
    return;
  }
  CHECK_THAT(reason, Catch::StartsWith("no CUDA driver: "));
  for (const std::function<void()> &call : std::vector<std::function<void()>>{
           [] { Device::get(0); }, [] { Device::count(); },
           [] { synchronize(nullptr); }}) {
    std::string message = errorMessage(call, Error::Kind::NoDriver);
    CHECK_THAT(message, Catch::StartsWith("no CUDA driver: "));
  }

  // A kernel still parses; launching it needs the device.
  Kernel scale = Kernel::fromIR(scaleKernelIR());
  float *pointer = reinterpret_cast<float *>(std::uintptr_t(0x1000));
  std::string message = errorMessage(
      [&] { scale.launch(Grid(1), pointer, pointer, 16, 1, 2.0f); },
      Error::Kind::NoDriver);
  CHECK_THAT(message, Catch::StartsWith("no CUDA driver: "));
  // Compiling needs a target when there is no device to ask.
  message = errorMessage([&] { scale.compile(Specialization::none(5)); },
                         Error::Kind::NoDriver);
  CHECK_THAT(message, Catch::Contains("KernelOptions::arch"));
  // Argument errors are still found first, without a driver.
  message = errorMessage([&] { scale.launch(Grid(1), pointer, 16); },
                         Error::Kind::InvalidArgument);
  CHECK_THAT(message, Catch::Contains("takes 5 argument(s)"));
}
