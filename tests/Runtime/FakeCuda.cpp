//===- FakeCuda.cpp - A fake CUDA driver for testing the launch path ------===//

#include "FakeCuda.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

namespace {

using CUresult = int;
constexpr CUresult kSuccess = 0, kInvalidValue = 1, kInvalidContext = 201,
                   kNotFound = 500, kCooperativeLaunchTooLarge = 720,
                   kCaptureUnsupported = 900;
constexpr int kDevices = 2;

struct FakeContext {
  int device;
};
FakeContext contexts[kDevices] = {{0}, {1}};
thread_local FakeContext *current = nullptr;

struct FakeModule {
  FakeContext *context;
  std::string image;
  std::vector<std::string> names;
};
struct FakeFunction {
  FakeModule *module;
  std::string name;
  int numParams;
};
struct FakeStream {
  bool capturing = false;
};

std::mutex mutex;
FakeLaunch lastLaunch;
FakeStats stats;
std::atomic<int> capturingStreams{0};
std::string failCall, failLog;
int failCode = 0;

bool shouldFail(const char *call, CUresult &code, std::string *log = nullptr) {
  std::lock_guard<std::mutex> lock(mutex);
  if (failCall != call)
    return false;
  code = failCode;
  if (log)
    *log = failLog;
  failCall.clear();
  return true;
}

void noteForbidden() {
  if (capturingStreams.load() > 0) {
    std::lock_guard<std::mutex> lock(mutex);
    ++stats.forbiddenDuringCapture;
  }
}

/// Parameter count of `.entry name(` in PTX text; -1 when not PTX.
int ptxParamCount(const std::string &ptx, const std::string &name) {
  std::size_t entry = ptx.find(".entry " + name + "(");
  if (entry == std::string::npos)
    return -1;
  std::size_t end = ptx.find(')', entry);
  int count = 0;
  for (std::size_t at = ptx.find(".param", entry); at < end;
       at = ptx.find(".param", at + 1))
    ++count;
  return count;
}

} // namespace

extern "C" {

#define EXPORT __attribute__((visibility("default")))

EXPORT CUresult cuInit(unsigned) { return kSuccess; }
EXPORT CUresult cuDriverGetVersion(int *version) {
  *version = 13000;
  return kSuccess;
}
EXPORT CUresult cuGetErrorName(CUresult code, const char **name) {
  switch (code) {
  case kSuccess:
    *name = "CUDA_SUCCESS";
    return kSuccess;
  case kInvalidValue:
    *name = "CUDA_ERROR_INVALID_VALUE";
    return kSuccess;
  case 218:
    *name = "CUDA_ERROR_INVALID_PTX";
    return kSuccess;
  case kNotFound:
    *name = "CUDA_ERROR_NOT_FOUND";
    return kSuccess;
  case kCooperativeLaunchTooLarge:
    *name = "CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE";
    return kSuccess;
  case kCaptureUnsupported:
    *name = "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED";
    return kSuccess;
  default:
    *name = nullptr;
    return kInvalidValue;
  }
}
EXPORT CUresult cuGetErrorString(CUresult code, const char **text) {
  switch (code) {
  case kInvalidValue:
    *text = "invalid argument";
    return kSuccess;
  case 218:
    *text = "a PTX JIT compilation failed";
    return kSuccess;
  case kNotFound:
    *text = "named symbol not found";
    return kSuccess;
  default:
    *text = "fake driver error";
    return kSuccess;
  }
}
EXPORT CUresult cuDeviceGetCount(int *count) {
  *count = kDevices;
  return kSuccess;
}
EXPORT CUresult cuDeviceGet(int *device, int ordinal) {
  if (ordinal < 0 || ordinal >= kDevices)
    return kInvalidValue;
  *device = ordinal;
  return kSuccess;
}
EXPORT CUresult cuDeviceGetName(char *name, int length, int device) {
  std::snprintf(name, std::size_t(length), "Tritium fake GPU %d", device);
  return kSuccess;
}
EXPORT CUresult cuDeviceGetAttribute(int *value, int attribute, int) {
  switch (attribute) {
  case 75:
    *value = 9;
    return kSuccess; // capability major
  case 76:
    *value = 0;
    return kSuccess; // capability minor
  case 16:
    *value = 132;
    return kSuccess; // SMs
  case 97:
    *value = 232448;
    return kSuccess; // shared optin (H100)
  default:
    *value = 0;
    return kSuccess;
  }
}
EXPORT CUresult cuDevicePrimaryCtxRetain(void **context, int device) {
  *context = &contexts[device];
  return kSuccess;
}
EXPORT CUresult cuCtxGetCurrent(void **context) {
  *context = current;
  return kSuccess;
}
EXPORT CUresult cuCtxSetCurrent(void *context) {
  current = static_cast<FakeContext *>(context);
  return kSuccess;
}
EXPORT CUresult cuCtxSynchronize() {
  noteForbidden();
  return current ? kSuccess : kInvalidContext;
}
EXPORT CUresult cuModuleLoadDataEx(void **module, const void *image,
                                   unsigned numOptions, int *options,
                                   void **values) {
  noteForbidden();
  if (!current)
    return kInvalidContext;
  CUresult code;
  std::string log;
  if (shouldFail("cuModuleLoadDataEx", code, &log)) {
    for (unsigned i = 0; i < numOptions; ++i)
      if (options[i] == 5) // CU_JIT_ERROR_LOG_BUFFER
        std::strcpy(static_cast<char *>(values[i]), log.c_str());
    return code;
  }
  auto *loaded = new FakeModule{current, {}, {}};
  const char *bytes = static_cast<const char *>(image);
  // A cubin is an ELF (of unknown size here: only its kind is kept); PTX
  // is NUL-terminated text.
  loaded->image = std::memcmp(bytes,
                              "\x7f"
                              "ELF",
                              4) == 0
                      ? std::string("\x7f"
                                    "ELF")
                      : std::string(bytes);
  std::lock_guard<std::mutex> lock(mutex);
  ++stats.moduleLoads;
  *module = loaded;
  return kSuccess;
}
EXPORT CUresult cuModuleUnload(void *module) {
  std::lock_guard<std::mutex> lock(mutex);
  ++stats.moduleUnloads;
  delete static_cast<FakeModule *>(module);
  return kSuccess;
}
EXPORT CUresult cuModuleGetFunction(void **function, void *module,
                                    const char *name) {
  auto *loaded = static_cast<FakeModule *>(module);
  bool isCubin = loaded->image.rfind("\x7f"
                                     "ELF",
                                     0) == 0;
  int params = ptxParamCount(loaded->image, name);
  if (params < 0 && !isCubin)
    return kNotFound;
  *function = new FakeFunction{loaded, name, params};
  return kSuccess;
}
EXPORT CUresult cuFuncGetAttribute(int *value, int attribute, void *) {
  *value = attribute == 1 ? 0 : 0; // no static shared memory
  return kSuccess;
}
EXPORT CUresult cuFuncSetAttribute(void *, int attribute, int value) {
  std::lock_guard<std::mutex> lock(mutex);
  ++stats.setAttributeCalls;
  stats.lastAttribute = attribute;
  stats.lastAttributeValue = value;
  return kSuccess;
}
static CUresult recordLaunch(const char *entry, void *function, unsigned gx,
                             unsigned gy, unsigned gz, unsigned bx, unsigned by,
                             unsigned bz, unsigned shared, void *stream,
                             void **params, bool overlapPrevious,
                             bool cooperative = false) {
  auto *fn = static_cast<FakeFunction *>(function);
  if (current != fn->module->context)
    return kInvalidContext;
  CUresult code;
  if (shouldFail(entry, code))
    return code;
  if (gy > 65535 || gz > 65535 || bx * by * bz > 1024)
    return kInvalidValue;
  // Cooperative grids must be resident at once: here one program an SM.
  if (cooperative && std::uint64_t(gx) * gy * gz > 132)
    return kCooperativeLaunchTooLarge;
  FakeLaunch launch;
  launch.function = fn->name.c_str();
  launch.context = current;
  launch.grid[0] = gx;
  launch.grid[1] = gy;
  launch.grid[2] = gz;
  launch.block[0] = bx;
  launch.block[1] = by;
  launch.block[2] = bz;
  launch.sharedBytes = shared;
  launch.stream = stream;
  launch.numParams = fn->numParams;
  for (int i = 0; i < fn->numParams && i < 64; ++i)
    std::memcpy(&launch.params[i], params[i], 8);
  launch.captured = stream && static_cast<FakeStream *>(stream)->capturing;
  launch.overlapPrevious = overlapPrevious;
  launch.cooperative = cooperative;
  std::lock_guard<std::mutex> lock(mutex);
  lastLaunch = launch;
  ++stats.launches;
  return kSuccess;
}

EXPORT CUresult cuLaunchKernel(void *function, unsigned gx, unsigned gy,
                               unsigned gz, unsigned bx, unsigned by,
                               unsigned bz, unsigned shared, void *stream,
                               void **params, void ** /*extra*/) {
  return recordLaunch("cuLaunchKernel", function, gx, gy, gz, bx, by, bz,
                      shared, stream, params, false);
}

// The layouts of cuda.h's CUlaunchAttribute and CUlaunchConfig.
struct FakeLaunchAttribute {
  int id;
  char pad[4];
  union alignas(8) {
    char bytes[64];
    int value;
  } value;
};
struct FakeLaunchConfig {
  unsigned gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY, blockDimZ;
  unsigned sharedMemBytes;
  void *hStream;
  FakeLaunchAttribute *attrs;
  unsigned numAttrs;
};

EXPORT CUresult cuLaunchKernelEx(const FakeLaunchConfig *config, void *function,
                                 void **params, void ** /*extra*/) {
  bool overlap = false, cooperative = false;
  for (unsigned i = 0; i < config->numAttrs; ++i) {
    if (config->attrs[i].id == 6) // programmatic stream serialisation
      overlap = config->attrs[i].value.value != 0;
    else if (config->attrs[i].id == 2) // cooperative
      cooperative = config->attrs[i].value.value != 0;
    else
      return kInvalidValue;
  }
  return recordLaunch(
      "cuLaunchKernelEx", function, config->gridDimX, config->gridDimY,
      config->gridDimZ, config->blockDimX, config->blockDimY, config->blockDimZ,
      config->sharedMemBytes, config->hStream, params, overlap, cooperative);
}
EXPORT CUresult cuStreamCreate(void **stream, unsigned) {
  *stream = new FakeStream();
  return kSuccess;
}
EXPORT CUresult cuStreamDestroy_v2(void *stream) {
  delete static_cast<FakeStream *>(stream);
  return kSuccess;
}
EXPORT CUresult cuStreamSynchronize(void *) {
  noteForbidden();
  return kSuccess;
}
EXPORT CUresult cuMemAlloc_v2(std::uint64_t *pointer, std::size_t bytes) {
  noteForbidden();
  *pointer = reinterpret_cast<std::uint64_t>(
      std::aligned_alloc(256, (bytes + 255) / 256 * 256));
  return kSuccess;
}
EXPORT CUresult cuMemFree_v2(std::uint64_t pointer) {
  noteForbidden();
  std::free(reinterpret_cast<void *>(pointer));
  return kSuccess;
}
EXPORT CUresult cuMemcpyHtoD_v2(std::uint64_t to, const void *from,
                                std::size_t bytes) {
  std::memcpy(reinterpret_cast<void *>(to), from, bytes);
  return kSuccess;
}
EXPORT CUresult cuMemcpyDtoH_v2(void *to, std::uint64_t from,
                                std::size_t bytes) {
  std::memcpy(to, reinterpret_cast<void *>(from), bytes);
  return kSuccess;
}
EXPORT CUresult cuMemsetD8_v2(std::uint64_t to, unsigned char value,
                              std::size_t bytes) {
  std::memset(reinterpret_cast<void *>(to), value, bytes);
  return kSuccess;
}
EXPORT CUresult cuEventCreate(void **event, unsigned) {
  *event = new int(0);
  return kSuccess;
}
EXPORT CUresult cuEventDestroy_v2(void *event) {
  delete static_cast<int *>(event);
  return kSuccess;
}
EXPORT CUresult cuEventRecord(void *, void *) { return kSuccess; }
EXPORT CUresult cuEventSynchronize(void *) { return kSuccess; }
EXPORT CUresult cuEventElapsedTime(float *ms, void *, void *) {
  *ms = 0.001f;
  return kSuccess;
}
EXPORT CUresult cuStreamBeginCapture_v2(void *stream, int) {
  if (!stream)
    return kCaptureUnsupported;
  static_cast<FakeStream *>(stream)->capturing = true;
  ++capturingStreams;
  return kSuccess;
}
EXPORT CUresult cuStreamEndCapture(void *stream, void **graph) {
  static_cast<FakeStream *>(stream)->capturing = false;
  --capturingStreams;
  *graph = new int(1);
  return kSuccess;
}
EXPORT CUresult cuStreamIsCapturing(void *stream, int *status) {
  *status = stream && static_cast<FakeStream *>(stream)->capturing ? 1 : 0;
  return kSuccess;
}
EXPORT CUresult cuGraphInstantiateWithFlags(void **exec, void *,
                                            unsigned long long) {
  *exec = new int(2);
  ++stats.liveGraphExecs;
  return kSuccess;
}
EXPORT CUresult cuGraphLaunch(void *, void *stream) {
  ++stats.graphLaunches;
  stats.lastGraphStream = stream;
  return kSuccess;
}
EXPORT CUresult cuGraphDestroy(void *graph) {
  delete static_cast<int *>(graph);
  return kSuccess;
}
EXPORT CUresult cuGraphExecDestroy(void *exec) {
  delete static_cast<int *>(exec);
  --stats.liveGraphExecs;
  return kSuccess;
}

// What the tests read.
EXPORT const FakeLaunch *tritiumFakeLastLaunch() { return &lastLaunch; }
EXPORT const FakeStats *tritiumFakeStats() { return &stats; }
EXPORT void tritiumFakeReset() {
  std::lock_guard<std::mutex> lock(mutex);
  stats = FakeStats();
  lastLaunch = FakeLaunch();
}
EXPORT void tritiumFakeFailNext(const char *call, int code, const char *log) {
  std::lock_guard<std::mutex> lock(mutex);
  failCall = call;
  failCode = code;
  failLog = log ? log : "";
}

} // extern "C"
