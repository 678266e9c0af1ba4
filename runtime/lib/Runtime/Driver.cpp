//===- Driver.cpp - Loading the CUDA driver; devices, streams, memory -----===//

#include "DriverApi.h"

#include "tritium/Runtime/Error.h"

#include <dlfcn.h>

#include <array>
#include <cstdlib>
#include <mutex>
#include <utility>
#include <vector>

using namespace tritium;
using namespace tritium::driver;

namespace {

/// Where the driver is loaded from: libcuda.so.1 through the loader's search
/// path, unless TRITIUM_CUDA_DRIVER names another file (tests point it at the
/// toolkit's stub or at nothing, to exercise the no-driver path).
std::string driverLibraryName() {
  if (const char *path = std::getenv("TRITIUM_CUDA_DRIVER"); path && *path)
    return path;
  return "libcuda.so.1";
}

struct LoadedApi {
  Api table{};
  std::string failure; // empty when loaded
};

template <typename Fn>
bool bind(void *library, const char *symbol, Fn &slot, std::string &failure) {
  slot = reinterpret_cast<Fn>(dlsym(library, symbol));
  if (!slot && failure.empty())
    failure = std::string("the driver lacks ") + symbol;
  return slot != nullptr;
}

LoadedApi loadApi(const std::string &name) {
  LoadedApi loaded;
  std::string &failure = loaded.failure;
  void *library = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char *why = dlerror();
    failure = "cannot load " + name + " (" + (why ? why : "unknown error") +
              "); install the NVIDIA driver or run on a machine with a GPU";
    return loaded;
  }
  Api &t = loaded.table;
  bind(library, "cuInit", t.cuInit, failure);
  bind(library, "cuDriverGetVersion", t.cuDriverGetVersion, failure);
  bind(library, "cuGetErrorName", t.cuGetErrorName, failure);
  bind(library, "cuGetErrorString", t.cuGetErrorString, failure);
  bind(library, "cuDeviceGetCount", t.cuDeviceGetCount, failure);
  bind(library, "cuDeviceGet", t.cuDeviceGet, failure);
  bind(library, "cuDeviceGetName", t.cuDeviceGetName, failure);
  bind(library, "cuDeviceGetAttribute", t.cuDeviceGetAttribute, failure);
  bind(library, "cuDevicePrimaryCtxRetain", t.cuDevicePrimaryCtxRetain,
       failure);
  bind(library, "cuCtxGetCurrent", t.cuCtxGetCurrent, failure);
  bind(library, "cuCtxSetCurrent", t.cuCtxSetCurrent, failure);
  bind(library, "cuCtxSynchronize", t.cuCtxSynchronize, failure);
  bind(library, "cuModuleLoadDataEx", t.cuModuleLoadDataEx, failure);
  bind(library, "cuModuleUnload", t.cuModuleUnload, failure);
  bind(library, "cuModuleGetFunction", t.cuModuleGetFunction, failure);
  bind(library, "cuFuncGetAttribute", t.cuFuncGetAttribute, failure);
  bind(library, "cuFuncSetAttribute", t.cuFuncSetAttribute, failure);
  bind(library, "cuLaunchKernel", t.cuLaunchKernel, failure);
  bind(library, "cuStreamCreate", t.cuStreamCreate, failure);
  bind(library, "cuStreamDestroy_v2", t.cuStreamDestroy, failure);
  bind(library, "cuStreamSynchronize", t.cuStreamSynchronize, failure);
  bind(library, "cuMemAlloc_v2", t.cuMemAlloc, failure);
  bind(library, "cuMemFree_v2", t.cuMemFree, failure);
  bind(library, "cuMemcpyHtoD_v2", t.cuMemcpyHtoD, failure);
  bind(library, "cuMemcpyDtoH_v2", t.cuMemcpyDtoH, failure);
  bind(library, "cuMemsetD8_v2", t.cuMemsetD8, failure);
  bind(library, "cuEventCreate", t.cuEventCreate, failure);
  bind(library, "cuEventDestroy_v2", t.cuEventDestroy, failure);
  bind(library, "cuEventRecord", t.cuEventRecord, failure);
  bind(library, "cuEventSynchronize", t.cuEventSynchronize, failure);
  bind(library, "cuEventElapsedTime", t.cuEventElapsedTime, failure);
  std::string optional; // graph entry points are not required
  bind(library, "cuStreamBeginCapture_v2", t.cuStreamBeginCapture, optional);
  bind(library, "cuStreamEndCapture", t.cuStreamEndCapture, optional);
  bind(library, "cuGraphInstantiateWithFlags", t.cuGraphInstantiateWithFlags,
       optional);
  bind(library, "cuGraphLaunch", t.cuGraphLaunch, optional);
  bind(library, "cuGraphDestroy", t.cuGraphDestroy, optional);
  bind(library, "cuGraphExecDestroy", t.cuGraphExecDestroy, optional);
  bind(library, "cuStreamIsCapturing", t.cuStreamIsCapturing, optional);
  bind(library, "cuLaunchKernelEx", t.cuLaunchKernelEx, optional);
  if (!failure.empty()) {
    failure = name + ": " + failure + " (driver too old?)";
    return loaded;
  }

  if (CUresult result = t.cuInit(0); result != CUDA_SUCCESS) {
    failure = "cuInit failed: " + [&] {
      const char *errorName = nullptr, *errorText = nullptr;
      t.cuGetErrorName(result, &errorName);
      t.cuGetErrorString(result, &errorText);
      return std::string(errorName ? errorName
                                   : "CUDA error " + std::to_string(result)) +
             " (" + (errorText ? errorText : "no description") + ")";
    }();
    return loaded;
  }
  int count = 0;
  if (t.cuDeviceGetCount(&count) != CUDA_SUCCESS || count == 0)
    failure = "the driver found no CUDA device";
  return loaded;
}

const LoadedApi &loadedApi() {
  static const LoadedApi loaded = loadApi(driverLibraryName());
  return loaded;
}

/// Per-device facts read once, and the retained primary context.
struct DeviceState {
  std::once_flag once;
  CUdevice device = 0;
  CUcontext context = nullptr;
  unsigned capability = 0;
  int multiprocessors = 0;
  std::size_t sharedOptin = 0;
  std::string name;
};

constexpr int kMaxDevices = 64;
std::array<DeviceState, kMaxDevices> &deviceStates() {
  static std::array<DeviceState, kMaxDevices> states;
  return states;
}

DeviceState &deviceState(int ordinal) {
  const Api &driver = api();
  int count = 0;
  check(driver.cuDeviceGetCount(&count), "cuDeviceGetCount");
  if (ordinal < 0 || ordinal >= count || ordinal >= kMaxDevices)
    throw Error(Error::Kind::InvalidArgument,
                "CUDA device " + std::to_string(ordinal) +
                    " does not exist: this machine has " +
                    std::to_string(count) + " device(s)");
  DeviceState &state = deviceStates()[ordinal];
  std::call_once(state.once, [&] {
    check(driver.cuDeviceGet(&state.device, ordinal), "cuDeviceGet");
    int major = 0, minor = 0, sms = 0, optin = 0;
    check(
        driver.cuDeviceGetAttribute(
            &major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, state.device),
        "cuDeviceGetAttribute");
    check(
        driver.cuDeviceGetAttribute(
            &minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, state.device),
        "cuDeviceGetAttribute");
    check(driver.cuDeviceGetAttribute(
              &sms, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, state.device),
          "cuDeviceGetAttribute");
    check(driver.cuDeviceGetAttribute(
              &optin, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN,
              state.device),
          "cuDeviceGetAttribute");
    std::array<char, 256> name{};
    check(driver.cuDeviceGetName(name.data(), int(name.size()), state.device),
          "cuDeviceGetName");
    state.name = name.data();
    state.capability = unsigned(major * 10 + minor);
    state.multiprocessors = sms;
    state.sharedOptin = std::size_t(optin);
    check(driver.cuDevicePrimaryCtxRetain(&state.context, state.device),
          "cuDevicePrimaryCtxRetain on device " + std::to_string(ordinal));
  });
  if (!state.context)
    throw Error(Error::Kind::Driver, "CUDA device " + std::to_string(ordinal) +
                                         " failed to initialise earlier");
  return state;
}

} // namespace

const Api &tritium::driver::api() {
  const LoadedApi &loaded = loadedApi();
  if (!loaded.failure.empty())
    throw Error(Error::Kind::NoDriver, "no CUDA driver: " + loaded.failure);
  return loaded.table;
}

std::string tritium::driver::describeResult(CUresult result) {
  const LoadedApi &loaded = loadedApi();
  const char *name = nullptr, *text = nullptr;
  if (loaded.table.cuGetErrorName) {
    loaded.table.cuGetErrorName(result, &name);
    loaded.table.cuGetErrorString(result, &text);
  }
  return std::string(name ? name : "CUDA error " + std::to_string(result)) +
         " (" + (text ? text : "no description") + ")";
}

void tritium::driver::check(CUresult result, const std::string &what) {
  if (result != CUDA_SUCCESS)
    throw Error(Error::Kind::Driver, what + ": " + describeResult(result));
}

std::string tritium::driver::probeDriver(const std::string &library) {
  LoadedApi loaded = loadApi(library);
  return loaded.failure.empty() ? "" : "no CUDA driver: " + loaded.failure;
}

CUcontext tritium::driver::primaryContext(int ordinal) {
  return deviceState(ordinal).context;
}

bool tritium::driverAvailable(std::string *reason) {
  const LoadedApi &loaded = loadedApi();
  if (reason)
    *reason = loaded.failure.empty() ? "" : "no CUDA driver: " + loaded.failure;
  return loaded.failure.empty();
}

//===----------------------------------------------------------------------===//
// Device
//===----------------------------------------------------------------------===//

int Device::count() {
  int count = 0;
  check(api().cuDeviceGetCount(&count), "cuDeviceGetCount");
  return count;
}

Device Device::get(int ordinal) {
  deviceState(ordinal);
  return Device(ordinal);
}

std::string Device::name() const { return deviceState(deviceOrdinal).name; }

unsigned Device::computeCapability() const {
  return deviceState(deviceOrdinal).capability;
}

std::string Device::arch() const {
  unsigned capability = computeCapability();
  // Triton compiles for sm_90a on Hopper, so wgmma may be used.
  if (capability == 90)
    return "sm_90a";
  // A cubin for sm_80 runs on every 8.x GPU (8.6, 8.7, 8.9), which Tritium
  // has no separate target for.
  if (capability > 80 && capability < 90)
    return "sm_80";
  return "sm_" + std::to_string(capability);
}

std::size_t Device::maxSharedMemoryPerBlockOptin() const {
  return deviceState(deviceOrdinal).sharedOptin;
}

int Device::multiprocessorCount() const {
  return deviceState(deviceOrdinal).multiprocessors;
}

CUctx_st *Device::context() const { return deviceState(deviceOrdinal).context; }

void Device::makeCurrent() const { driver::makeCurrent(api(), context()); }

void Device::synchronize() const {
  makeCurrent();
  check(api().cuCtxSynchronize(), "cuCtxSynchronize");
}

void tritium::synchronize(Stream stream) {
  check(api().cuStreamSynchronize(stream), "cuStreamSynchronize");
}

//===----------------------------------------------------------------------===//
// OwnedStream, DeviceBuffer, Event
//===----------------------------------------------------------------------===//

OwnedStream::OwnedStream(const Device &device) {
  device.makeCurrent();
  check(api().cuStreamCreate(&handle, CU_STREAM_NON_BLOCKING),
        "cuStreamCreate");
}

OwnedStream::~OwnedStream() {
  if (handle)
    api().cuStreamDestroy(handle);
}

OwnedStream::OwnedStream(OwnedStream &&other) noexcept
    : handle(std::exchange(other.handle, nullptr)) {}

OwnedStream &OwnedStream::operator=(OwnedStream &&other) noexcept {
  if (this != &other) {
    if (handle)
      api().cuStreamDestroy(handle);
    handle = std::exchange(other.handle, nullptr);
  }
  return *this;
}

void OwnedStream::synchronize() const { tritium::synchronize(handle); }

bool tritium::isCapturing(Stream stream) {
  const driver::Api &driver = api();
  if (!driver.cuStreamIsCapturing)
    return false;
  int status = 0; // CU_STREAM_CAPTURE_STATUS_NONE
  // A stream the driver will not answer for (the legacy stream while
  // another captures, say) counts as capturing: callers then launch
  // directly, and such a launch reports the driver's error itself.
  if (driver.cuStreamIsCapturing(stream, &status) != CUDA_SUCCESS)
    return true;
  return status != 0;
}

bool LaunchGraph::supported() {
  const driver::Api &driver = api();
  return driver.cuStreamBeginCapture && driver.cuStreamEndCapture &&
         driver.cuGraphInstantiateWithFlags && driver.cuGraphLaunch &&
         driver.cuGraphDestroy && driver.cuGraphExecDestroy;
}

LaunchGraph::LaunchGraph(const Device &device,
                         const std::function<void(Stream)> &enqueue) {
  if (!supported())
    throw Error(Error::Kind::Unsupported,
                "LaunchGraph: the CUDA driver has no graph entry points "
                "(CUDA 11.4 or newer needed)");
  const driver::Api &driver = api();
  OwnedStream recording(device);
  // Relaxed capture: whatever other threads do meanwhile is not this
  // capture's business (the enqueued launches make no unsafe calls).
  constexpr int kCaptureModeRelaxed = 2;
  check(driver.cuStreamBeginCapture(recording.get(), kCaptureModeRelaxed),
        "cuStreamBeginCapture");
  CUgraph recorded = nullptr;
  try {
    enqueue(recording.get());
  } catch (...) {
    // End the capture (discarding what it holds) before the stream goes.
    if (driver.cuStreamEndCapture(recording.get(), &recorded) == CUDA_SUCCESS &&
        recorded)
      driver.cuGraphDestroy(recorded);
    throw;
  }
  check(driver.cuStreamEndCapture(recording.get(), &recorded),
        "cuStreamEndCapture");
  graph = recorded;
  CUgraphExec instance = nullptr;
  if (CUresult result =
          driver.cuGraphInstantiateWithFlags(&instance, recorded, 0);
      result != CUDA_SUCCESS) {
    driver.cuGraphDestroy(recorded);
    graph = nullptr;
    check(result, "cuGraphInstantiateWithFlags");
  }
  exec = instance;
  deviceOrdinal = device.ordinal();
}

LaunchGraph::~LaunchGraph() { release(); }

void LaunchGraph::release() noexcept {
  if (!graph && !exec)
    return;
  // From a destructor or a noexcept move: a driver already shut down (a
  // static object destroyed at exit) must not end the process.
  try {
    const driver::Api &driver = api();
    driver::makeCurrent(driver, primaryContext(deviceOrdinal));
    if (exec)
      driver.cuGraphExecDestroy(static_cast<CUgraphExec>(exec));
    if (graph)
      driver.cuGraphDestroy(static_cast<CUgraph>(graph));
  } catch (...) {
  }
  exec = graph = nullptr;
}

LaunchGraph::LaunchGraph(LaunchGraph &&other) noexcept
    : graph(std::exchange(other.graph, nullptr)),
      exec(std::exchange(other.exec, nullptr)),
      deviceOrdinal(other.deviceOrdinal) {}

LaunchGraph &LaunchGraph::operator=(LaunchGraph &&other) noexcept {
  if (this != &other) {
    release();
    graph = std::exchange(other.graph, nullptr);
    exec = std::exchange(other.exec, nullptr);
    deviceOrdinal = other.deviceOrdinal;
  }
  return *this;
}

void LaunchGraph::launch(Stream stream) const {
  const driver::Api &driver = api();
  driver::makeCurrent(driver, primaryContext(deviceOrdinal));
  check(driver.cuGraphLaunch(static_cast<CUgraphExec>(exec), stream),
        "cuGraphLaunch");
}

DeviceBuffer::DeviceBuffer(const Device &device, std::size_t size)
    : bytes(size), deviceOrdinal(device.ordinal()) {
  device.makeCurrent();
  check(api().cuMemAlloc(&pointer, size == 0 ? 1 : size),
        "cuMemAlloc of " + std::to_string(size) + " bytes");
}

DeviceBuffer::~DeviceBuffer() {
  if (pointer) {
    driver::makeCurrent(api(), primaryContext(deviceOrdinal));
    api().cuMemFree(pointer);
  }
}

DeviceBuffer::DeviceBuffer(DeviceBuffer &&other) noexcept
    : pointer(std::exchange(other.pointer, 0)),
      bytes(std::exchange(other.bytes, 0)), deviceOrdinal(other.deviceOrdinal) {
}

DeviceBuffer &DeviceBuffer::operator=(DeviceBuffer &&other) noexcept {
  if (this != &other) {
    DeviceBuffer old(std::move(*this));
    pointer = std::exchange(other.pointer, 0);
    bytes = std::exchange(other.bytes, 0);
    deviceOrdinal = other.deviceOrdinal;
  }
  return *this;
}

void DeviceBuffer::upload(const void *host, std::size_t count) {
  if (count > bytes)
    throw Error(Error::Kind::InvalidArgument,
                "upload of " + std::to_string(count) + " bytes into a " +
                    std::to_string(bytes) + "-byte device buffer");
  driver::makeCurrent(api(), primaryContext(deviceOrdinal));
  check(api().cuMemcpyHtoD(pointer, host, count), "cuMemcpyHtoD");
}

void DeviceBuffer::download(void *host, std::size_t count) const {
  if (count > bytes)
    throw Error(Error::Kind::InvalidArgument,
                "download of " + std::to_string(count) + " bytes from a " +
                    std::to_string(bytes) + "-byte device buffer");
  driver::makeCurrent(api(), primaryContext(deviceOrdinal));
  check(api().cuMemcpyDtoH(host, pointer, count), "cuMemcpyDtoH");
}

void DeviceBuffer::fillBytes(unsigned char value) {
  driver::makeCurrent(api(), primaryContext(deviceOrdinal));
  check(api().cuMemsetD8(pointer, value, bytes), "cuMemsetD8");
  // cuMemsetD8 on device memory returns before the fill is done, on the
  // legacy default stream, which non-blocking streams do not wait for:
  // finish it here, as the header promises a synchronous fill.
  check(api().cuCtxSynchronize(), "cuCtxSynchronize after cuMemsetD8");
}

Event::Event(const Device &device) {
  device.makeCurrent();
  check(api().cuEventCreate(&handle, CU_EVENT_DEFAULT), "cuEventCreate");
}

Event::~Event() {
  if (handle)
    api().cuEventDestroy(handle);
}

void Event::record(Stream stream) {
  check(api().cuEventRecord(handle, stream), "cuEventRecord");
}

void Event::synchronize() const {
  check(api().cuEventSynchronize(handle), "cuEventSynchronize");
}

float Event::millisecondsSince(const Event &start) const {
  float ms = 0;
  check(api().cuEventElapsedTime(&ms, start.handle, handle),
        "cuEventElapsedTime");
  return ms;
}
