//===- Cache.h - Tritium's on-disk and in-memory caches ---------*- C++ -*-===//
//
// Compiled kernels are cached in memory (per process) and on disk, under
//
//   $TRITIUM_CACHE_DIR            when set, else
//   $XDG_CACHE_HOME/tritium       when XDG_CACHE_HOME is set, else
//   $HOME/.cache/tritium
//
// with one folder per user of the cache: <root>/cubin/ for compiled kernels
// (this runtime), <root>/tune/ for autotuning results.
//
// Every entry is one file <folder>/<key[0:2]>/<key>.bin (key: 64 hex digits)
// holding a fixed header (magic "TRITCACH", format version, sizes, an XXH3-64
// checksum of everything after the header), a metadata JSON text and a binary
// payload. Writes go to a temporary file in the same folder, are flushed and
// renamed over the entry, so readers see an old entry, a new one or none,
// never half of one; two processes writing the same key both succeed. A
// truncated or corrupt entry is reported as such by DiskCache::load, and the
// runtime then rebuilds and rewrites it.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_RUNTIME_CACHE_H
#define TRITIUM_RUNTIME_CACHE_H

#include <cstdint>
#include <optional>
#include <string>

namespace tritium {

/// The cache root, as described above (not created by this call).
std::string cacheRootDirectory();

/// One cache entry: a metadata JSON text and an opaque payload.
struct CacheEntry {
  std::string metadataJson;
  std::string payload;
};

/// A folder of checksummed entries keyed by 64-hex-digit keys. Thread-safe and
/// process-safe (see above). Never throws on a bad entry: load() says what it
/// found.
class DiskCache {
public:
  enum class LoadStatus {
    Hit,     ///< entry read and its checksum matched
    Miss,    ///< no entry
    Corrupt, ///< an entry exists but is truncated, damaged or of another
             ///< format version; the caller should rebuild and store()
  };

  /// `directory` is created on first store().
  explicit DiskCache(std::string directory);

  /// The cache folder `<cacheRootDirectory()>/<name>` ("cubin", "tune").
  static DiskCache named(const std::string &name);

  const std::string &directory() const { return folder; }
  /// The file an entry with this key lives in.
  std::string pathFor(const std::string &key) const;

  LoadStatus load(const std::string &key, CacheEntry &entry,
                  std::string *why = nullptr) const;
  /// Writes atomically; throws Error(Cache) when the folder cannot be written.
  void store(const std::string &key, const CacheEntry &entry) const;
  /// Removes the entry if present (best effort).
  void remove(const std::string &key) const;

private:
  std::string folder;
};

/// A key for DiskCache: SHA-256 of the given text, as 64 hex digits.
std::string cacheKeyOf(const std::string &text);

/// Counters of the runtime's compiled-kernel cache since the process started
/// (or since resetCacheStats()).
struct CacheStats {
  std::uint64_t memoryHits = 0;
  std::uint64_t diskHits = 0;
  std::uint64_t compiles = 0;
  std::uint64_t corruptEntriesRebuilt = 0;
};
CacheStats cacheStats();
void resetCacheStats();

/// Drops every compiled kernel kept in memory by the runtime (variants
/// already bound to Kernel objects stay with them). The next first launch
/// of a new Kernel object reads the disk cache again. For tests and
/// benchmarks.
void clearMemoryCache();

} // namespace tritium

#endif // TRITIUM_RUNTIME_CACHE_H
