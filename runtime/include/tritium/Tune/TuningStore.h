//===- TuningStore.h - Tuned winners kept under the cache root -*- C++ -*-===//
//
// The tuner's results outlive the process: one small JSON file per tuning
// key under <cache root>/tune/, beside the runtime's cubins in
// <cache root>/cubin/. A key is everything that can change which config is
// fastest: the kernel (name and IR hash), the values of the space's key
// arguments, the device, its arch and the Tritium version.
//
// Files are written atomically (a temporary file renamed over the entry), so
// concurrent writers, threads or processes, leave one complete entry. A
// file that cannot be parsed, or that holds another key, is ignored with a
// warning and treated as absent: a broken cache must never break a launch.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_TUNE_TUNINGSTORE_H
#define TRITIUM_TUNE_TUNINGSTORE_H

#include "tritium/Tune/ConfigSpace.h"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace tritium::tune {

/// The version of Tritium that tunes and reads the entries ("0.1.0").
std::string tritiumVersion();

/// Everything that selects one tuned winner.
struct TuningKey {
  std::string kernelName;
  /// A hash of the kernel's IR (or of its builder's output), so an edited
  /// kernel is tuned anew rather than given a stale winner.
  std::string kernelHash;
  KeyValues keyValues;
  std::string deviceName; ///< As the driver names it: "NVIDIA H100 80GB HBM3".
  std::string arch;       ///< "sm_90a".
  std::string tritiumVersion = tune::tritiumVersion();

  /// "kernel_name (hash) [Sk=32768] on NVIDIA H100 80GB HBM3 sm_90a, Tritium
  /// 0.1.0".
  std::string describe() const;

  friend bool operator==(const TuningKey &, const TuningKey &) = default;
};

/// What the tuner keeps for one key.
struct TunedEntry {
  Config winner;
  std::optional<double> winnerMicroseconds;  ///< Median time of the winner.
  std::optional<double> defaultMicroseconds; ///< Median time of the default.
  std::string spaceFingerprint; ///< ConfigSpace::fingerprint() when tuned.
  std::string tunedAt;          ///< UTC, ISO 8601; filled in by store().
};

class TuningStore {
public:
  /// Receives each warning (a corrupt entry, a stale winner); by default
  /// they go to stderr as "tritium: warning: ...".
  using WarningHandler = std::function<void(const std::string &)>;

  /// A store under \p cacheRoot (entries in \p cacheRoot / "tune"). Creates
  /// nothing until the first store(). The cache root shared with the
  /// runtime's cubins is tritium::cacheRootDirectory() (Runtime/Cache.h:
  /// $TRITIUM_CACHE_DIR, else $XDG_CACHE_HOME/tritium, else
  /// $HOME/.cache/tritium); TritiumTune takes it as an argument rather than
  /// calling it, so that the runtime can use config spaces without a
  /// dependency cycle.
  explicit TuningStore(std::filesystem::path cacheRoot,
                       WarningHandler onWarning = nullptr);

  /// The folder holding the entries: <cache root>/tune.
  const std::filesystem::path &directory() const { return tuneDirectory; }

  /// Where the entry for \p key lives (whether or not it exists).
  std::filesystem::path entryPath(const TuningKey &key) const;

  /// The stored entry for \p key; nullopt when there is none, or when the
  /// file is unreadable, corrupt or holds another key (with a warning).
  /// Never throws for anything found on disk.
  std::optional<TunedEntry> find(const TuningKey &key) const;

  /// The config to launch with for \p key: the stored winner when it is
  /// still a config of \p space (a winner the space no longer lists is
  /// stale: warned about, not used), else the space's default. Reads the
  /// disk on each call; callers that launch often keep the result.
  Config lookup(const TuningKey &key, const ConfigSpace &space) const;

  /// Records \p entry for \p key, replacing any earlier one atomically;
  /// fills in tunedAt when empty. Throws tritium::Error (Cache) with the
  /// path and the system's reason when the entry cannot be written.
  void store(const TuningKey &key, TunedEntry entry) const;

  /// Passes \p message to the warning handler.
  void warn(const std::string &message) const;

private:
  std::filesystem::path tuneDirectory;
  WarningHandler warningHandler;
};

} // namespace tritium::tune

#endif // TRITIUM_TUNE_TUNINGSTORE_H
