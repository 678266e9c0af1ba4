//===- Cubin.cpp - PTX -> cubin through nvJitLink or ptxas ----------------===//
//
// nvJitLink is loaded with dlopen and called through the few C functions
// declared below, so neither its header nor its library is needed to build
// Tritium, and a missing library is an error at the moment a cubin is asked
// for, not when the tool starts.
//
//===----------------------------------------------------------------------===//

#include "tritium/Target/Cubin.h"

#include "tritium/Target/PTX.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>

using namespace tritium;

namespace {

//===----------------------------------------------------------------------===//
// nvJitLink's C API, declared here rather than taken from nvJitLink.h
//===----------------------------------------------------------------------===//
//
// The unversioned entry points (nvJitLinkCreate, ...) are exported by the
// CUDA 12 and 13 libraries alike with these signatures; the header's inline
// wrappers call versioned aliases (__nvJitLinkCreate_13_0), which would tie
// us to one release.

using NvJitLinkHandle = struct NvJitLinkOpaque *;
using NvJitLinkResult = int; // nvJitLinkResult; 0 is NVJITLINK_SUCCESS
constexpr NvJitLinkResult kNvJitLinkSuccess = 0;
constexpr NvJitLinkResult kNvJitLinkPtxCompileError = 4;
constexpr int kNvJitLinkInputPtx = 2; // nvJitLinkInputType::NVJITLINK_INPUT_PTX

const char *nvJitLinkResultName(NvJitLinkResult result) {
  static const char *const names[] = {
      "NVJITLINK_SUCCESS",
      "NVJITLINK_ERROR_UNRECOGNIZED_OPTION",
      "NVJITLINK_ERROR_MISSING_ARCH",
      "NVJITLINK_ERROR_INVALID_INPUT",
      "NVJITLINK_ERROR_PTX_COMPILE",
      "NVJITLINK_ERROR_NVVM_COMPILE",
      "NVJITLINK_ERROR_INTERNAL",
      "NVJITLINK_ERROR_THREADPOOL",
      "NVJITLINK_ERROR_UNRECOGNIZED_INPUT",
      "NVJITLINK_ERROR_FINALIZE",
      "NVJITLINK_ERROR_NULL_INPUT",
      "NVJITLINK_ERROR_INCOMPATIBLE_OPTIONS",
      "NVJITLINK_ERROR_INCORRECT_INPUT_TYPE",
      "NVJITLINK_ERROR_ARCH_MISMATCH",
      "NVJITLINK_ERROR_OUTDATED_LIBRARY",
      "NVJITLINK_ERROR_MISSING_FATBIN",
      "NVJITLINK_ERROR_UNRECOGNIZED_ARCH",
      "NVJITLINK_ERROR_UNSUPPORTED_ARCH",
      "NVJITLINK_ERROR_LTO_NOT_ENABLED",
  };
  if (result >= 0 && result < int(std::size(names)))
    return names[result];
  return "unknown nvJitLink error";
}

struct NvJitLinkApi {
  NvJitLinkResult (*create)(NvJitLinkHandle *, uint32_t, const char **);
  NvJitLinkResult (*destroy)(NvJitLinkHandle *);
  NvJitLinkResult (*addData)(NvJitLinkHandle, int, const void *, size_t,
                             const char *);
  NvJitLinkResult (*complete)(NvJitLinkHandle);
  NvJitLinkResult (*getLinkedCubinSize)(NvJitLinkHandle, size_t *);
  NvJitLinkResult (*getLinkedCubin)(NvJitLinkHandle, void *);
  NvJitLinkResult (*getErrorLogSize)(NvJitLinkHandle, size_t *);
  NvJitLinkResult (*getErrorLog)(NvJitLinkHandle, char *);
};

/// The nvJitLink library of this process, loaded on first use and kept
/// loaded: it owns worker threads, and unloading it while they wind down
/// is asking for a crash at exit.
struct NvJitLinkLibrary {
  std::optional<NvJitLinkApi> api; ///< Unset when no library could be used.
  std::string path;                ///< The library that was loaded.
  std::vector<std::string> tried;  ///< "PATH: why not", for error messages.
};

bool envFlag(const char *name) {
  const char *value = std::getenv(name);
  return value && *value && llvm::StringRef(value) != "0";
}

std::optional<std::string> envPath(const char *name) {
  const char *value = std::getenv(name);
  if (!value || !*value)
    return std::nullopt;
  return std::string(value);
}

/// $CUDA_HOME, $CUDA_PATH and /usr/local/cuda, in that order, without
/// repeats.
std::vector<std::string> cudaRoots() {
  std::vector<std::string> roots;
  for (const char *var : {"CUDA_HOME", "CUDA_PATH"})
    if (std::optional<std::string> root = envPath(var))
      roots.push_back(*root);
  roots.push_back("/usr/local/cuda");
  std::vector<std::string> unique;
  for (const std::string &root : roots)
    if (llvm::find(unique, root) == unique.end())
      unique.push_back(root);
  return unique;
}

/// Binds every function ptxToCubin uses; names the first one missing.
std::optional<NvJitLinkApi> bindNvJitLink(void *handle, std::string &missing) {
  NvJitLinkApi api;
  auto bind = [&](auto &slot, const char *name) {
    void *symbol = dlsym(handle, name);
    if (!symbol && missing.empty())
      missing = name;
    slot = reinterpret_cast<std::remove_reference_t<decltype(slot)>>(symbol);
  };
  bind(api.create, "nvJitLinkCreate");
  bind(api.destroy, "nvJitLinkDestroy");
  bind(api.addData, "nvJitLinkAddData");
  bind(api.complete, "nvJitLinkComplete");
  bind(api.getLinkedCubinSize, "nvJitLinkGetLinkedCubinSize");
  bind(api.getLinkedCubin, "nvJitLinkGetLinkedCubin");
  bind(api.getErrorLogSize, "nvJitLinkGetErrorLogSize");
  bind(api.getErrorLog, "nvJitLinkGetErrorLog");
  if (!missing.empty())
    return std::nullopt;
  return api;
}

NvJitLinkLibrary loadNvJitLink() {
  NvJitLinkLibrary library;
  std::vector<std::string> candidates;
  if (std::optional<std::string> explicitPath = envPath("TRITIUM_NVJITLINK")) {
    candidates.push_back(*explicitPath);
  } else {
    for (const std::string &root : cudaRoots())
      for (const char *file : {"libnvJitLink.so.13", "libnvJitLink.so"})
        candidates.push_back(root + "/lib64/" + file);
    // Bare names: the loader's search path (LD_LIBRARY_PATH, ld.so.cache),
    // where a pip-installed nvidia-nvjitlink may have put it.
    candidates.push_back("libnvJitLink.so.13");
    candidates.push_back("libnvJitLink.so");
  }
  for (const std::string &candidate : candidates) {
    bool isPath = candidate.find('/') != std::string::npos;
    if (isPath && !llvm::sys::fs::exists(candidate)) {
      library.tried.push_back(candidate + ": not found");
      continue;
    }
    void *handle = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char *why = dlerror();
      library.tried.push_back(candidate + ": " + (why ? why : "dlopen failed"));
      continue;
    }
    std::string missing;
    std::optional<NvJitLinkApi> api = bindNvJitLink(handle, missing);
    if (!api) {
      library.tried.push_back(candidate + ": has no " + missing);
      dlclose(handle);
      continue;
    }
    library.api = api;
    library.path = candidate;
    return library;
  }
  return library;
}

const NvJitLinkLibrary &nvJitLinkLibrary() {
  static const NvJitLinkLibrary library = loadNvJitLink();
  return library;
}

/// Why nvJitLink will not be used, or nullopt when it will.
std::optional<std::string> nvJitLinkUnavailable() {
  if (envFlag("TRITIUM_DISABLE_NVJITLINK"))
    return std::string("disabled by TRITIUM_DISABLE_NVJITLINK");
  const NvJitLinkLibrary &library = nvJitLinkLibrary();
  if (library.api)
    return std::nullopt;
  return "not loaded (tried " + llvm::join(library.tried, "; ") + ")";
}

//===----------------------------------------------------------------------===//
// ptxas
//===----------------------------------------------------------------------===//

struct PtxasSearch {
  std::string path; ///< Empty when none was found.
  std::vector<std::string> tried;
};

PtxasSearch findPtxas() {
  PtxasSearch search;
  auto usable = [&](const std::string &candidate, llvm::StringRef origin) {
    if (llvm::sys::fs::can_execute(candidate) &&
        !llvm::sys::fs::is_directory(candidate)) {
      search.path = candidate;
      return true;
    }
    search.tried.push_back(origin.str() + candidate +
                           (llvm::sys::fs::exists(candidate)
                                ? ": not executable"
                                : ": not found"));
    return false;
  };
  // An explicit choice is the only one: pointing TRITIUM_PTXAS at a missing
  // file must not silently pick another ptxas.
  if (std::optional<std::string> explicitPath = envPath("TRITIUM_PTXAS")) {
    usable(*explicitPath, "TRITIUM_PTXAS=");
    return search;
  }
  for (const std::string &root : cudaRoots())
    if (usable(root + "/bin/ptxas", ""))
      return search;
  if (llvm::ErrorOr<std::string> onPath =
          llvm::sys::findProgramByName("ptxas")) {
    search.path = *onPath;
    return search;
  }
  search.tried.push_back("ptxas on PATH: not found");
  return search;
}

std::string archName(const GpuArch &arch) {
  // Spelled out here rather than GpuArch::name(), which lives with the MLIR
  // parts of this library: callers of ptxToCubin need only LLVM Support.
  return "sm_" + std::to_string(arch.capability) +
         (arch.archSpecific ? "a" : "");
}

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// The outcome of one backend: a cubin, or why not. `retryable` marks
/// failures of the tool itself (an old library, an internal error) after
/// which the other backend is worth trying; a PTX error is not one.
struct Attempt {
  std::optional<Cubin> cubin;
  std::string error;
  bool retryable = false;
};

Attempt runNvJitLink(llvm::StringRef ptx, const GpuArch &arch,
                     const CubinOptions &options) {
  const NvJitLinkLibrary &library = nvJitLinkLibrary();
  const NvJitLinkApi &api = *library.api;
  Attempt attempt;
  std::string archOption = "-arch=" + archName(arch);
  std::string optOption = options.optLevel == 0 ? "-O0" : "-O3";
  const char *linkOptions[] = {archOption.c_str(), optOption.c_str()};

  NvJitLinkHandle handle = nullptr;
  NvJitLinkResult result = api.create(&handle, 2, linkOptions);
  if (result != kNvJitLinkSuccess) {
    attempt.error = "nvJitLink (" + library.path + "): nvJitLinkCreate with " +
                    archOption + " failed: " + nvJitLinkResultName(result);
    attempt.retryable = true;
    return attempt;
  }
  auto failure = [&](llvm::StringRef step, NvJitLinkResult code) {
    std::string log;
    size_t logSize = 0;
    if (api.getErrorLogSize(handle, &logSize) == kNvJitLinkSuccess &&
        logSize > 1) {
      log.resize(logSize);
      if (api.getErrorLog(handle, log.data()) != kNvJitLinkSuccess)
        log.clear();
      while (!log.empty() && (log.back() == '\0' || log.back() == '\n'))
        log.pop_back();
    }
    attempt.error = "nvJitLink (" + library.path + ") " + step.str() +
                    " failed for " + archName(arch) + ": " +
                    nvJitLinkResultName(code) + (log.empty() ? "" : "\n" + log);
    attempt.retryable = code != kNvJitLinkPtxCompileError;
  };

  // A copy, so the text handed over is NUL-terminated whatever `ptx` is.
  std::string text = ptx.str();
  result = api.addData(handle, kNvJitLinkInputPtx, text.c_str(), text.size(),
                       "tritium.ptx");
  if (result != kNvJitLinkSuccess) {
    failure("nvJitLinkAddData", result);
  } else if ((result = api.complete(handle)) != kNvJitLinkSuccess) {
    failure("nvJitLinkComplete", result);
  } else {
    size_t size = 0;
    result = api.getLinkedCubinSize(handle, &size);
    Cubin cubin;
    cubin.image.resize(size);
    if (result == kNvJitLinkSuccess)
      result = api.getLinkedCubin(handle, cubin.image.data());
    if (result != kNvJitLinkSuccess) {
      failure("nvJitLinkGetLinkedCubin", result);
    } else {
      cubin.backend = CubinBackend::NvJitLink;
      cubin.path = library.path;
      attempt.cubin = std::move(cubin);
    }
  }
  api.destroy(&handle);
  return attempt;
}

/// Removes a directory tree when it goes out of scope.
struct TempDirectory {
  llvm::SmallString<128> path;
  ~TempDirectory() {
    if (!path.empty())
      (void)llvm::sys::fs::remove_directories(path);
  }
};

Attempt runPtxas(const std::string &ptxas, llvm::StringRef ptx,
                 const GpuArch &arch, const CubinOptions &options) {
  Attempt attempt;
  attempt.retryable = true;
  auto fail = [&](const llvm::Twine &why) {
    attempt.error = ("ptxas (" + ptxas + "): " + why).str();
    return attempt;
  };

  TempDirectory dir;
  llvm::SmallString<128> model;
  llvm::sys::path::system_temp_directory(/*erasedOnReboot=*/true, model);
  llvm::sys::path::append(model, "tritium-ptxas-%%%%%%%%");
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory(model, dir.path))
    return fail("cannot create a temporary directory from " + model + ": " +
                ec.message());
  auto inDir = [&](llvm::StringRef file) {
    llvm::SmallString<128> path(dir.path);
    llvm::sys::path::append(path, file);
    return std::string(path);
  };
  std::string ptxPath = inDir("kernel.ptx"), cubinPath = inDir("kernel.cubin"),
              logPath = inDir("ptxas.log");
  {
    std::error_code ec;
    llvm::raw_fd_ostream out(ptxPath, ec);
    if (ec)
      return fail("cannot write " + ptxPath + ": " + ec.message());
    out << ptx;
    out.close();
    if (out.has_error())
      return fail("cannot write " + ptxPath + ": " + out.error().message());
  }

  std::string archOption = "-arch=" + archName(arch);
  std::string optOption = "-O" + std::to_string(std::min(options.optLevel, 3u));
  llvm::SmallVector<llvm::StringRef> args = {
      ptxas, archOption, optOption, "--output-file", cubinPath, ptxPath};
  std::optional<llvm::StringRef> redirects[] = {
      llvm::StringRef(""), llvm::StringRef(logPath), llvm::StringRef(logPath)};
  std::string execError;
  bool executionFailed = false;
  int status = llvm::sys::ExecuteAndWait(ptxas, args, std::nullopt, redirects,
                                         /*SecondsToWait=*/600,
                                         /*MemoryLimit=*/0, &execError,
                                         &executionFailed);
  std::string log;
  if (auto buffer = llvm::MemoryBuffer::getFile(logPath))
    log = llvm::StringRef((*buffer)->getBuffer()).rtrim().str();
  if (executionFailed)
    return fail("cannot run it: " + execError);
  if (status != 0) {
    attempt.retryable = false; // ptxas ran and rejected the PTX
    return fail((status < 0 ? "stopped: " + execError
                            : "exited with status " + std::to_string(status)) +
                " for " + archName(arch) + (log.empty() ? "" : "\n" + log));
  }
  auto image = llvm::MemoryBuffer::getFile(cubinPath, /*IsText=*/false,
                                           /*RequiresNullTerminator=*/false);
  if (!image)
    return fail("wrote no " + cubinPath + ": " + image.getError().message());
  Cubin cubin;
  cubin.image.assign((*image)->getBufferStart(), (*image)->getBufferEnd());
  cubin.backend = CubinBackend::Ptxas;
  cubin.path = ptxas;
  if (!log.empty())
    cubin.notes = "ptxas: " + log;
  attempt.cubin = std::move(cubin);
  return attempt;
}

} // namespace

llvm::StringRef tritium::cubinBackendName(CubinBackend backend) {
  switch (backend) {
  case CubinBackend::NvJitLink:
    return "nvjitlink";
  case CubinBackend::Ptxas:
    return "ptxas";
  }
  return "unknown";
}

std::optional<CubinBackend> tritium::parseCubinBackend(llvm::StringRef name) {
  if (name == "nvjitlink")
    return CubinBackend::NvJitLink;
  if (name == "ptxas")
    return CubinBackend::Ptxas;
  return std::nullopt;
}

std::optional<CubinBackend> tritium::cubinBackendAvailable() {
  if (!nvJitLinkUnavailable())
    return CubinBackend::NvJitLink;
  if (!findPtxas().path.empty())
    return CubinBackend::Ptxas;
  return std::nullopt;
}

std::string tritium::describeCubinBackends() {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (std::optional<std::string> why = nvJitLinkUnavailable())
    os << "nvjitlink: " << *why << "\n";
  else
    os << "nvjitlink: " << nvJitLinkLibrary().path << "\n";
  PtxasSearch ptxas = findPtxas();
  if (ptxas.path.empty())
    os << "ptxas: not found (tried " << llvm::join(ptxas.tried, "; ") << ")\n";
  else
    os << "ptxas: " << ptxas.path << "\n";
  return text;
}

llvm::Expected<Cubin> tritium::ptxToCubin(llvm::StringRef ptx,
                                          const GpuArch &arch,
                                          const CubinOptions &options) {
  bool wantNvJitLink =
      !options.backend || *options.backend == CubinBackend::NvJitLink;
  bool wantPtxas = !options.backend || *options.backend == CubinBackend::Ptxas;

  std::vector<std::string> failures;
  if (wantNvJitLink) {
    if (std::optional<std::string> why = nvJitLinkUnavailable()) {
      failures.push_back("nvJitLink " + *why);
    } else {
      Attempt attempt = runNvJitLink(ptx, arch, options);
      if (attempt.cubin)
        return std::move(*attempt.cubin);
      failures.push_back(attempt.error);
      // ptxas would reject bad PTX with the same messages.
      if (!attempt.retryable)
        wantPtxas = false;
    }
  }
  if (wantPtxas) {
    PtxasSearch ptxas = findPtxas();
    if (ptxas.path.empty()) {
      failures.push_back("ptxas not found (tried " +
                         llvm::join(ptxas.tried, "; ") + ")");
    } else {
      Attempt attempt = runPtxas(ptxas.path, ptx, arch, options);
      if (attempt.cubin) {
        // ptxas stood in for an nvJitLink that loaded but failed: say so.
        for (const std::string &failure : failures)
          if (failure.rfind("nvJitLink (", 0) == 0)
            attempt.cubin->notes =
                "used ptxas after " + failure +
                (attempt.cubin->notes.empty() ? ""
                                              : "\n" + attempt.cubin->notes);
        return std::move(*attempt.cubin);
      }
      failures.push_back(attempt.error);
    }
  }
  std::string message = "cannot assemble PTX into a cubin for " +
                        archName(arch) + ":\n  " + llvm::join(failures, "\n  ");
  bool nothingAvailable = llvm::all_of(failures, [](const std::string &f) {
    return f.rfind("nvJitLink not", 0) == 0 ||
           f.rfind("nvJitLink disabled", 0) == 0 ||
           f.rfind("ptxas not found", 0) == 0;
  });
  if (nothingAvailable)
    message += "\ninstall the CUDA toolkit (or set CUDA_HOME to it), or point "
               "TRITIUM_PTXAS at a ptxas or TRITIUM_NVJITLINK at a "
               "libnvJitLink.so";
  return makeError(message);
}
