//===- DriverApi.h - The CUDA driver entry points Tritium uses --*- C++ -*-===//
//
// Tritium does not include cuda.h nor link libcuda: it declares the few
// driver types and functions it calls (ABI-stable since CUDA 4-11) and binds
// them with dlopen/dlsym at first use, so the runtime loads on machines
// without a GPU and reports "no CUDA driver" only when a device is needed.
// The `_v2` symbol names are the ones cuda.h's macros select.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_RUNTIME_LIB_DRIVERAPI_H
#define TRITIUM_RUNTIME_LIB_DRIVERAPI_H

#include "tritium/Runtime/Driver.h"

#include <cstddef>
#include <cstdint>
#include <string>

struct CUmod_st;
struct CUfunc_st;
struct CUgraph_st;
struct CUgraphExec_st;

namespace tritium::driver {

using CUresult = int;
using CUdevice = int;
using CUcontext = CUctx_st *;
using CUmodule = CUmod_st *;
using CUfunction = CUfunc_st *;
using CUstream = CUstream_st *;
using CUevent = CUevent_st *;
using CUgraph = CUgraph_st *;
using CUgraphExec = CUgraphExec_st *;
using CUdeviceptr = std::uint64_t; // unsigned long long in cuda.h: same size

constexpr CUresult CUDA_SUCCESS = 0;
constexpr CUresult CUDA_ERROR_NO_DEVICE = 100;
constexpr int CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
constexpr int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
constexpr int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
constexpr int CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97;
constexpr int CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES = 1;
constexpr int CU_FUNC_ATTRIBUTE_NUM_REGS = 4;
constexpr int CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8;
constexpr int CU_JIT_INFO_LOG_BUFFER = 3;
constexpr int CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4;
constexpr int CU_JIT_ERROR_LOG_BUFFER = 5;
constexpr int CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;
constexpr unsigned CU_STREAM_NON_BLOCKING = 1;
constexpr unsigned CU_EVENT_DEFAULT = 0;
constexpr int CU_STREAM_CAPTURE_MODE_GLOBAL = 0;
constexpr int CU_LAUNCH_ATTRIBUTE_COOPERATIVE = 2;
constexpr int CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION = 6;

/// CUlaunchAttribute of cuda.h (CUDA 12.0+): an id, padding to 8 bytes, a
/// 64-byte union of values (the first int is the value of the attributes
/// Tritium sets).
struct CUlaunchAttribute {
  int id;
  char pad[4];
  union alignas(8) {
    char bytes[64];
    int value;
  } value;
};
static_assert(sizeof(CUlaunchAttribute) == 72);

/// CUlaunchConfig of cuda.h.
struct CUlaunchConfig {
  unsigned gridDimX, gridDimY, gridDimZ;
  unsigned blockDimX, blockDimY, blockDimZ;
  unsigned sharedMemBytes;
  CUstream hStream;
  CUlaunchAttribute *attrs;
  unsigned numAttrs;
};
static_assert(sizeof(CUlaunchConfig) == 56);
static_assert(offsetof(CUlaunchConfig, hStream) == 32);
static_assert(offsetof(CUlaunchConfig, attrs) == 40);
static_assert(offsetof(CUlaunchConfig, numAttrs) == 48);
static_assert(offsetof(CUlaunchAttribute, value) == 8);

/// The driver's entry points, bound once per process.
struct Api {
  CUresult (*cuInit)(unsigned);
  CUresult (*cuDriverGetVersion)(int *);
  CUresult (*cuGetErrorName)(CUresult, const char **);
  CUresult (*cuGetErrorString)(CUresult, const char **);
  CUresult (*cuDeviceGetCount)(int *);
  CUresult (*cuDeviceGet)(CUdevice *, int);
  CUresult (*cuDeviceGetName)(char *, int, CUdevice);
  CUresult (*cuDeviceGetAttribute)(int *, int, CUdevice);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*cuCtxGetCurrent)(CUcontext *);
  CUresult (*cuCtxSetCurrent)(CUcontext);
  CUresult (*cuCtxSynchronize)();
  CUresult (*cuModuleLoadDataEx)(CUmodule *, const void *, unsigned, int *,
                                 void **);
  CUresult (*cuModuleUnload)(CUmodule);
  CUresult (*cuModuleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*cuFuncGetAttribute)(int *, int, CUfunction);
  CUresult (*cuFuncSetAttribute)(CUfunction, int, int);
  CUresult (*cuLaunchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned,
                             unsigned, unsigned, unsigned, CUstream, void **,
                             void **);
  CUresult (*cuStreamCreate)(CUstream *, unsigned);
  CUresult (*cuStreamDestroy)(CUstream);
  CUresult (*cuStreamSynchronize)(CUstream);
  CUresult (*cuMemAlloc)(CUdeviceptr *, std::size_t);
  CUresult (*cuMemFree)(CUdeviceptr);
  CUresult (*cuMemcpyHtoD)(CUdeviceptr, const void *, std::size_t);
  CUresult (*cuMemcpyDtoH)(void *, CUdeviceptr, std::size_t);
  CUresult (*cuMemsetD8)(CUdeviceptr, unsigned char, std::size_t);
  CUresult (*cuEventCreate)(CUevent *, unsigned);
  CUresult (*cuEventDestroy)(CUevent);
  CUresult (*cuEventRecord)(CUevent, CUstream);
  CUresult (*cuEventSynchronize)(CUevent);
  CUresult (*cuEventElapsedTime)(float *, CUevent, CUevent);
  // CUDA graphs (CUDA 11.4+); used by tests and tools, null if missing.
  CUresult (*cuStreamBeginCapture)(CUstream, int);
  CUresult (*cuStreamEndCapture)(CUstream, CUgraph *);
  CUresult (*cuGraphInstantiateWithFlags)(CUgraphExec *, CUgraph,
                                          unsigned long long);
  CUresult (*cuGraphLaunch)(CUgraphExec, CUstream);
  CUresult (*cuGraphDestroy)(CUgraph);
  CUresult (*cuGraphExecDestroy)(CUgraphExec);
  CUresult (*cuStreamIsCapturing)(CUstream, int *);
  // Launches with attributes (CUDA 12.0+; programmatic dependent launch),
  // null if missing: such launches then fall back to cuLaunchKernel.
  CUresult (*cuLaunchKernelEx)(const CUlaunchConfig *, CUfunction, void **,
                               void **);
};

/// The bound API; throws Error(NoDriver, "no CUDA driver: ...") when
/// libcuda.so.1 cannot be loaded, lacks an entry point, cuInit fails or no
/// device is present. The outcome of the first call is remembered.
const Api &api();

/// Loads the driver from `library` afresh (not the process-wide one) and
/// returns what api() would throw for it, or "" when it works. For tests.
std::string probeDriver(const std::string &library);

/// "CUDA_ERROR_INVALID_VALUE (invalid argument)"
std::string describeResult(CUresult result);

/// Throws Error(Driver) "<what>: <name> (<text>)" unless `result` is success.
void check(CUresult result, const std::string &what);

/// The primary context of `ordinal` (retained once per process).
CUcontext primaryContext(int ordinal);

/// Makes `context` current on this thread unless it already is.
inline void makeCurrent(const Api &driver, CUcontext context) {
  CUcontext current = nullptr;
  driver.cuCtxGetCurrent(&current);
  if (current != context)
    check(driver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
}

} // namespace tritium::driver

#endif // TRITIUM_RUNTIME_LIB_DRIVERAPI_H
