//===- Kernel.h - Compile, cache and launch Triton kernels ------*- C++ -*-===//
//
// A Kernel is one Triton IR kernel ready to be launched from C++:
//
//   tritium::Kernel add = tritium::Kernel::fromFile("vector_add.ttir",
//                                                   {.numWarps = 4});
//   add.launch(tritium::Grid(ceilDiv(n, 1024)), x, y, out, n, stream);
//
// The first launch with a new specialisation of the arguments (Triton 3.6's
// rules, Specialization.h) compiles the kernel -- Triton IR -> TritonGPU IR ->
// LLVM -> PTX -> cubin -- or finds it in the memory or disk cache (Cache.h),
// loads it into the device's primary context and remembers it in the Kernel
// object. Later launches with the same specialisation look it up in a small
// table keyed by the specialisation bits of the argument values: no IR is
// hashed, nothing is allocated, nothing synchronises, so launches may be
// captured into CUDA graphs. compile() and warm() do the first-use work ahead
// of time.
//
// The kernel's parameters follow Triton 3.6's ABI: the IR's arguments minus
// those specialised to constants, then the global and profile scratch
// pointers (null: Tritium's kernels need no scratch memory).
//
// Kernel objects are cheap to copy (they share their compiled variants) and
// safe to launch from several threads at once.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_RUNTIME_KERNEL_H
#define TRITIUM_RUNTIME_KERNEL_H

#include "tritium/Runtime/Args.h"
#include "tritium/Runtime/Driver.h"
#include "tritium/Runtime/Error.h"
#include "tritium/Runtime/Specialization.h"

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace mlir {
class ModuleOp;
} // namespace mlir

namespace tritium {

/// Where a kernel's Triton IR comes from.
struct KernelSource {
  /// Triton IR text (as Triton prints it, or as the kernel builder prints it).
  std::string irText;
  /// Shown in diagnostics: a file name or "<ir>".
  std::string origin = "<ir>";
  /// Constexpr values the IR was built for (builder kernels), name and
  /// value as text. They are part of the cache key and the metadata; the IR
  /// must already have them substituted.
  std::vector<std::pair<std::string, std::string>> constexprs;

  static KernelSource fromIR(std::string irText, std::string origin = "<ir>");
  /// Reads the file now; throws Error(Io) when it cannot.
  static KernelSource fromFile(const std::string &path);
  /// Prints `module` (a module holding tt.func kernels) as IR text.
  static KernelSource fromModule(mlir::ModuleOp module);
};

/// How a kernel is compiled and where it runs.
struct KernelOptions {
  unsigned numWarps = 4;
  unsigned numStages = 3;
  /// The device launches go to (see Kernel::onDevice).
  int device = 0;
  /// Code generation target ("sm_80", "sm_90", "sm_90a"); empty: the
  /// device's own (Device::arch()).
  std::string arch;
  unsigned optLevel = 3;
  /// The NVPTX backend's straight-line strength reduction (PTXOptions):
  /// off, large kernels compile much faster, sometimes into slower code.
  bool strengthReduction = true;
  /// Triton's maxnreg: the most registers a thread may use (PTX .maxnreg;
  /// ptxas spills beyond it), e.g. so that two programs fit an SM; 0: no
  /// limit.
  unsigned maxRegisters = 0;
  /// Which public tt.func to launch when the module holds several.
  std::string kernelName;
  /// Parameters (by name, or "#N" by index) never specialised on their
  /// values, or not on divisibility / alignment (Triton's do_not_specialize
  /// and do_not_specialize_on_alignment).
  std::vector<std::string> doNotSpecialize;
  std::vector<std::string> doNotSpecializeOnAlignment;
  /// Skip the memory and disk caches and compile (TRITIUM_ALWAYS_COMPILE=1
  /// forces it for every kernel).
  bool alwaysCompile = false;
  bool useMemoryCache = true;
  bool useDiskCache = true;
  /// Write every stage of each compilation here (default: TRITIUM_DUMP_DIR).
  std::string dumpDir;
  /// Replace stages with files found here (default: TRITIUM_OVERRIDE_DIR).
  std::string overrideDir;
};

/// Launch metadata of one compiled variant (Triton's field names in JSON).
struct KernelMetadata {
  std::string name; ///< the PTX entry
  std::string arch; ///< "sm_90a"
  unsigned numWarps = 4;
  unsigned numStages = 3;
  unsigned sharedBytes = 0; ///< dynamic shared memory per block
  /// Programs per thread-block cluster along x (the kernel's
  /// tx.cluster_size; 1 without clusters). A launch's grid x extent must be
  /// a multiple of it. JSON: Triton's "cluster_dims".
  unsigned clusterSize = 1;
  /// The kernel has grid barriers (tx.grid_barrier): every launch is
  /// cooperative, so all its programs are resident at once. JSON: Triton's
  /// "launch_cooperative_grid".
  bool cooperative = false;
  std::uint64_t globalScratchSize = 0, globalScratchAlign = 1;
  std::uint64_t profileScratchSize = 0, profileScratchAlign = 1;
  /// The parameters passed at launch, in order, before the two scratch
  /// pointers: the IR parameters not specialised to constants.
  std::vector<ParamType> launchParams;
  /// For each launch parameter, the index of its IR parameter.
  std::vector<unsigned> launchParamSource;
};

/// One compiled specialisation of a kernel.
struct CompiledKernel {
  enum class Origin { Compiled, MemoryCache, DiskCache };

  std::string cacheKey; ///< 64 hex digits
  Specialization specialization;
  KernelMetadata metadata;
  std::string ptx;
  /// The cubin; empty when neither nvJitLink nor ptxas was available, in
  /// which case the driver JIT-compiles `ptx` when the kernel is loaded.
  std::string cubin;
  Origin origin = Origin::Compiled;
  /// Host time of the compilation (or of the cache lookup), milliseconds.
  double milliseconds = 0;
  /// For a compilation: the host time of each stage in milliseconds
  /// ("parse", "ttgir", "llvm-mlir", "llvm", "ptx", "cubin").
  std::vector<std::pair<std::string, double>> stageMilliseconds;

  /// The metadata as JSON (Triton's field names, plus Tritium's own).
  std::string metadataJson() const;
};

/// The parameter block of one launch, as cuLaunchKernel takes it: one
/// pointer per parameter, each to the parameter's bytes.
class PackedArguments {
public:
  static constexpr unsigned kInlineParams = 32;

  void **pointers() { return pointerArray; }
  unsigned count() const { return numParams; }
  /// The bytes of parameter `index` (little-endian, paramTypeSize wide).
  const void *data(unsigned index) const { return pointerArray[index]; }

  void reset(unsigned numParameters);
  std::uint64_t &slot(unsigned index) { return slots[index]; }

private:
  std::array<std::uint64_t, kInlineParams> inlineSlots{};
  std::array<void *, kInlineParams> inlinePointers{};
  std::vector<std::uint64_t> heapSlots;
  std::vector<void *> heapPointers;
  std::uint64_t *slots = inlineSlots.data();
  void **pointerArray = inlinePointers.data();
  unsigned numParams = 0;
};

/// How one launch relates to the work before it on its stream.
struct LaunchOptions {
  /// Programmatic dependent launch (sm_90+, CUDA 12+): the kernel may start
  /// while the previous kernel on the stream is still running, once every
  /// program of that kernel has run griddepcontrol.launch_dependents (or
  /// exited). The kernel must run griddepcontrol.wait before it touches
  /// anything the previous kernel writes. Where the driver has no
  /// cuLaunchKernelEx (before CUDA 12), the launch is an ordinary one (the
  /// wait then returns at once); a driver that refuses the launch raises
  /// Error(Driver) as for any launch.
  bool overlapPrevious = false;
};

class Kernel {
public:
  Kernel(KernelSource source, KernelOptions options = {});
  /// Parses `irText` now; throws Error(Compile) with the diagnostics when it
  /// is not a valid Triton IR kernel.
  static Kernel fromIR(std::string irText, KernelOptions options = {});
  static Kernel fromFile(const std::string &path, KernelOptions options = {});

  const std::string &name() const;
  const Signature &signature() const;
  const KernelOptions &options() const;

  /// The same kernel (sharing its compiled variants) launching on device
  /// `ordinal`.
  Kernel onDevice(int ordinal) const;

  /// Compiles (or finds in the caches) the variant for `specialization` and
  /// target `arch` ("sm_90a"; empty: the options' or the device's). Needs no
  /// GPU. Throws Error(Compile).
  std::shared_ptr<const CompiledKernel>
  compile(const Specialization &specialization,
          const std::string &arch = {}) const;
  /// The specialisation `args` would launch (checks them; see specialize()).
  Specialization specializationFor(std::span<const ArgValue> args) const;
  /// Does all first-launch work for these argument values on the kernel's
  /// device (compile, load, shared-memory opt-in), so that a later launch
  /// with the same specialisation is warm.
  void warm(std::span<const ArgValue> args) const;

  /// Launches on `stream` (null: the default stream of the device's primary
  /// context). Throws Error(InvalidArgument) naming the argument when the
  /// values do not match the signature, Error(Driver) when the driver
  /// refuses.
  void launch(const Grid &grid, std::span<const ArgValue> args,
              Stream stream = nullptr, const LaunchOptions &options = {}) const;

  /// launch(grid, arg0, arg1, ..., [stream]): the arguments in order,
  /// optionally followed by a Stream.
  template <typename... Ts>
  requires(!(std::is_convertible_v<Ts, std::span<const ArgValue>> ||
             ...)) void launch(const Grid &grid, Ts &&...argsThenStream) const {
    constexpr std::size_t count = sizeof...(Ts);
    if constexpr (count > 0 &&
                  std::is_same_v<std::decay_t<std::tuple_element_t<
                                     count - 1, std::tuple<Ts...>>>,
                                 Stream>) {
      auto all = std::forward_as_tuple(argsThenStream...);
      launchPacked(grid, all, std::make_index_sequence<count - 1>(),
                   std::get<count - 1>(all));
    } else {
      std::array<ArgValue, count> values{ArgValue(argsThenStream)...};
      launch(grid, std::span<const ArgValue>(values.data(), count), nullptr);
    }
  }

  /// Packs `args` for the variant compiled for `specialization`: what
  /// launch() passes to cuLaunchKernel (the two scratch pointers included).
  /// Throws Error(InvalidArgument) as launch() does.
  void packArguments(const CompiledKernel &variant,
                     std::span<const ArgValue> args,
                     PackedArguments &packed) const;

  /// Number of variants loaded into this kernel's table (all devices).
  std::size_t loadedVariantCount() const;

  struct Impl;

private:
  template <typename Tuple, std::size_t... I>
  void launchPacked(const Grid &grid, Tuple &all, std::index_sequence<I...>,
                    Stream stream) const {
    std::array<ArgValue, sizeof...(I)> values{ArgValue(std::get<I>(all))...};
    launch(grid, std::span<const ArgValue>(values.data(), values.size()),
           stream);
  }

  Kernel(std::shared_ptr<Impl> impl, int device);

  std::shared_ptr<Impl> impl;
  int deviceOrdinal = 0;
};

/// The Tritium version and the LLVM version it was built with, as they enter
/// the cache key: "tritium 0.1.0 (<source hash>), LLVM 22.x".
std::string versionString();

} // namespace tritium

#endif // TRITIUM_RUNTIME_KERNEL_H
