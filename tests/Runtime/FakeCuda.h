//===- FakeCuda.h - A fake CUDA driver for testing the launch path -*- C++ -*-//
//
// tritium-fake-cuda is a shared library exporting the driver entry points the
// runtime binds (cuInit, cuModuleLoadDataEx, cuLaunchKernel, ...), with two
// devices of capability 9.0, host memory as device memory and kernels that
// never run. The runtime loads it through TRITIUM_CUDA_DRIVER, so the whole
// launch path -- device selection, module loading, shared-memory opt-in,
// parameter packing, the warm-path table, graph capture -- is tested on
// machines without a GPU. Tests read what the "driver" saw through the
// functions below (found with dlsym on the same library).
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_TESTS_RUNTIME_FAKECUDA_H
#define TRITIUM_TESTS_RUNTIME_FAKECUDA_H

#include <cstdint>
#include <cstdlib>

#include <dlfcn.h>

struct FakeLaunch {
  const char *function = nullptr; ///< the kernel's name
  void *context = nullptr;        ///< the context current at launch
  unsigned grid[3] = {0, 0, 0};
  unsigned block[3] = {0, 0, 0};
  unsigned sharedBytes = 0;
  void *stream = nullptr;
  int numParams = -1; ///< from the PTX entry's parameter list
  std::uint64_t params[64] = {};
  bool captured = false; ///< launched while its stream was capturing
  /// Launched by cuLaunchKernelEx with programmatic stream serialisation.
  bool overlapPrevious = false;
  /// Launched by cuLaunchKernelEx as a cooperative grid (refused with
  /// CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE above 132 programs).
  bool cooperative = false;
};

struct FakeStats {
  int launches = 0;
  int moduleLoads = 0;
  int moduleUnloads = 0;
  /// Calls that are illegal during stream capture (alloc, sync, module
  /// loading) made while a stream was capturing.
  int forbiddenDuringCapture = 0;
  int setAttributeCalls = 0;
  int lastAttribute = -1, lastAttributeValue = -1;
  /// cuGraphLaunch calls, the stream of the last, and graph executables
  /// instantiated and not yet destroyed.
  int graphLaunches = 0;
  void *lastGraphStream = nullptr;
  int liveGraphExecs = 0;
};

extern "C" {
using FakeLastLaunchFn = const FakeLaunch *(*)();
using FakeStatsFn = const FakeStats *(*)();
using FakeResetFn = void (*)();
/// The next cuLaunchKernel / cuModuleLoadDataEx returns `code` (with
/// `log` in the JIT error log).
using FakeFailNextFn = void (*)(const char *call, int code, const char *log);
}

/// The fake's functions, found in the library TRITIUM_CUDA_DRIVER names
/// (null members where it is unset or lacks them; tests REQUIRE them).
struct FakeHandles {
  void *library = nullptr;
  FakeLastLaunchFn lastLaunch = nullptr;
  FakeStatsFn stats = nullptr;
  FakeResetFn reset = nullptr;
  FakeFailNextFn failNext = nullptr;
  /// The library opened and every function found.
  bool complete() const {
    return library && lastLaunch && stats && reset && failNext;
  }
};

/// Opened once per process.
inline const FakeHandles &fakeDriver() {
  static const FakeHandles handles = [] {
    FakeHandles f;
    const char *path = std::getenv("TRITIUM_CUDA_DRIVER");
    if (!path || !(f.library = dlopen(path, RTLD_NOW)))
      return f;
    f.lastLaunch = reinterpret_cast<FakeLastLaunchFn>(
        dlsym(f.library, "tritiumFakeLastLaunch"));
    f.stats =
        reinterpret_cast<FakeStatsFn>(dlsym(f.library, "tritiumFakeStats"));
    f.reset =
        reinterpret_cast<FakeResetFn>(dlsym(f.library, "tritiumFakeReset"));
    f.failNext = reinterpret_cast<FakeFailNextFn>(
        dlsym(f.library, "tritiumFakeFailNext"));
    return f;
  }();
  return handles;
}

#endif // TRITIUM_TESTS_RUNTIME_FAKECUDA_H
