//===- Driver.h - CUDA devices, streams and memory, loaded at run time -*- C++
//-*-===//
//
// Tritium talks to the GPU through the CUDA driver API, which it loads with
// dlopen("libcuda.so.1") the first time a device is needed. Nothing links
// against libcuda, so a program using Tritium starts on a machine without a
// GPU and only the calls that need one throw
// tritium::Error(Kind::NoDriver, "no CUDA driver: ...").
//
// Each Device is the *primary context* of one GPU (the context the CUDA
// runtime and PyTorch use too), so memory and streams made by other libraries
// in the same process work with Tritium's kernels. Several devices may be used
// in one process.
//
// The handle types are the driver's own (CUstream is `CUstream_st *`, also
// cudaStream_t), so a stream made with cuda.h or the CUDA runtime can be
// passed wherever a tritium::Stream is expected.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_RUNTIME_DRIVER_H
#define TRITIUM_RUNTIME_DRIVER_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

// The driver's opaque handle types, declared exactly as cuda.h declares them,
// so that both headers may be included in one translation unit.
struct CUstream_st;
struct CUctx_st;
struct CUevent_st;

namespace tritium {

/// A CUDA stream (CUstream / cudaStream_t). Null is the default stream of the
/// device's primary context.
using Stream = CUstream_st *;

/// A device address (CUdeviceptr).
using DevicePtr = std::uint64_t;

/// True when libcuda.so.1 loads, cuInit succeeds and at least one device is
/// present. Otherwise false, with the reason in `*reason` (the message a
/// NoDriver error would carry). Never throws.
bool driverAvailable(std::string *reason = nullptr);

/// One GPU, through its primary context (retained on first use and kept for
/// the life of the process). Cheap to copy.
class Device {
public:
  /// The number of CUDA devices; throws Error(NoDriver) without a driver.
  static int count();
  /// Device `ordinal` (0-based). Throws Error(NoDriver) without a driver or
  /// device, Error(InvalidArgument) for an ordinal out of range.
  static Device get(int ordinal = 0);

  int ordinal() const { return deviceOrdinal; }
  /// "NVIDIA H100 80GB HBM3"
  std::string name() const;
  /// 80 for sm_80, 90 for sm_90 ...
  unsigned computeCapability() const;
  /// The code generation target Tritium uses for this device: "sm_80",
  /// "sm_90a" (capability 9.0 gets the arch-specific target, as Triton does;
  /// 8.x GPUs get sm_80, whose cubins they run).
  std::string arch() const;
  /// Largest dynamic shared memory a block may opt in to, in bytes.
  std::size_t maxSharedMemoryPerBlockOptin() const;
  int multiprocessorCount() const;

  /// The primary context (CUcontext).
  CUctx_st *context() const;
  /// Makes the primary context current on the calling thread (cheap when it
  /// already is).
  void makeCurrent() const;
  /// Waits for all work on the device.
  void synchronize() const;

private:
  explicit Device(int ordinal) : deviceOrdinal(ordinal) {}
  int deviceOrdinal = 0;
};

/// Waits for all work queued on `stream`.
void synchronize(Stream stream);

/// A stream owned by Tritium (created non-blocking on `device`).
class OwnedStream {
public:
  explicit OwnedStream(const Device &device);
  ~OwnedStream();
  OwnedStream(OwnedStream &&other) noexcept;
  OwnedStream &operator=(OwnedStream &&other) noexcept;
  OwnedStream(const OwnedStream &) = delete;
  OwnedStream &operator=(const OwnedStream &) = delete;

  Stream get() const { return handle; }
  operator Stream() const { return handle; }
  void synchronize() const;

private:
  Stream handle = nullptr;
};

/// Whether `stream` is being captured into a CUDA graph now: false where
/// the driver has no graphs, true where it will not answer for the stream.
bool isCapturing(Stream stream);

/// A fixed sequence of launches recorded once into a CUDA graph and replayed
/// with one cuGraphLaunch: a replay costs the host one driver call instead
/// of one per launch, and the GPU starts the launches back to back. The
/// arguments (pointers included) are those of the recording; record again
/// for others.
class LaunchGraph {
public:
  /// Whether the driver has the graph entry points (CUDA 11.4+).
  static bool supported();
  /// Records what `enqueue` enqueues on the stream it is handed (a stream
  /// of the recording's own, captured; nothing runs). Throws
  /// Error(Unsupported) where the driver has no graphs, Error(Driver) where
  /// the capture fails, and rethrows what `enqueue` throws.
  LaunchGraph(const Device &device, const std::function<void(Stream)> &enqueue);
  ~LaunchGraph();
  LaunchGraph(LaunchGraph &&other) noexcept;
  LaunchGraph &operator=(LaunchGraph &&other) noexcept;
  LaunchGraph(const LaunchGraph &) = delete;
  LaunchGraph &operator=(const LaunchGraph &) = delete;

  /// Enqueues the recorded launches on `stream`, after what is queued there
  /// and after earlier replays of this graph.
  void launch(Stream stream) const;

private:
  void release() noexcept;
  void *graph = nullptr; ///< CUgraph
  void *exec = nullptr;  ///< CUgraphExec
  int deviceOrdinal = 0;
};

/// Device memory owned by Tritium (cuMemAlloc on the device's primary
/// context). For tests, tools and simple programs; kernels take any device
/// pointer, whoever allocated it.
class DeviceBuffer {
public:
  DeviceBuffer() = default;
  DeviceBuffer(const Device &device, std::size_t bytes);
  ~DeviceBuffer();
  DeviceBuffer(DeviceBuffer &&other) noexcept;
  DeviceBuffer &operator=(DeviceBuffer &&other) noexcept;
  DeviceBuffer(const DeviceBuffer &) = delete;
  DeviceBuffer &operator=(const DeviceBuffer &) = delete;

  DevicePtr address() const { return pointer; }
  std::size_t size() const { return bytes; }
  /// The address as a typed pointer, to pass as a kernel argument.
  template <typename T> T *as() const {
    return reinterpret_cast<T *>(static_cast<std::uintptr_t>(pointer));
  }

  /// Synchronous copies and fill (whole buffer unless `count` is given).
  void upload(const void *host, std::size_t count);
  void download(void *host, std::size_t count) const;
  void fillBytes(unsigned char value);

private:
  DevicePtr pointer = 0;
  std::size_t bytes = 0;
  int deviceOrdinal = 0;
};

/// A CUDA event for timing GPU work.
class Event {
public:
  explicit Event(const Device &device);
  ~Event();
  Event(const Event &) = delete;
  Event &operator=(const Event &) = delete;

  void record(Stream stream = nullptr);
  void synchronize() const;
  /// Milliseconds from `start` to this event (both recorded and complete).
  float millisecondsSince(const Event &start) const;

private:
  CUevent_st *handle = nullptr;
};

} // namespace tritium

#endif // TRITIUM_RUNTIME_DRIVER_H
