//===- Cache.cpp - Checksummed, atomically written cache entries ----------===//

#include "tritium/Runtime/Cache.h"
#include "tritium/Runtime/Error.h"

#include "CacheStats.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/xxhash.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

using namespace tritium;

namespace {

constexpr char kMagic[8] = {'T', 'R', 'I', 'T', 'C', 'A', 'C', 'H'};
constexpr std::uint32_t kFormatVersion = 1;

/// The fixed header at the start of every entry file (little-endian, as
/// written by the x86-64 / aarch64 hosts Tritium runs on).
struct EntryHeader {
  char magic[8];
  std::uint32_t formatVersion;
  std::uint32_t headerSize;
  std::uint64_t metadataSize;
  std::uint64_t payloadSize;
  std::uint64_t checksum; ///< XXH3-64 of metadata then payload
};
static_assert(sizeof(EntryHeader) == 40);

std::uint64_t checksumOf(const std::string &metadata,
                         const std::string &payload) {
  // Hash the two parts as one stream by chaining: cheap and order-sensitive.
  std::uint64_t first = llvm::xxh3_64bits(llvm::StringRef(metadata));
  std::uint64_t second = llvm::xxh3_64bits(llvm::StringRef(payload));
  return first * 0x9E3779B97F4A7C15ull ^ second;
}

bool readWholeFile(const std::string &path, std::string &contents,
                   bool &missing) {
  missing = false;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    missing = errno == ENOENT || errno == ENOTDIR;
    return false;
  }
  struct stat info;
  if (::fstat(fd, &info) != 0) {
    ::close(fd);
    return false;
  }
  contents.resize(std::size_t(info.st_size));
  std::size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = ::read(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    done += std::size_t(n);
  }
  ::close(fd);
  contents.resize(done);
  return true;
}

bool writeAll(int fd, const void *data, std::size_t size) {
  const char *bytes = static_cast<const char *>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, bytes, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    bytes += n;
    size -= std::size_t(n);
  }
  return true;
}

/// mkdir -p; true when the folder exists afterwards.
bool makeDirectories(const std::string &path) {
  if (path.empty())
    return false;
  struct stat info;
  if (::stat(path.c_str(), &info) == 0)
    return S_ISDIR(info.st_mode);
  std::size_t slash = path.find_last_of('/');
  if (slash != std::string::npos && slash > 0)
    makeDirectories(path.substr(0, slash));
  // Another process may create it at the same moment: EEXIST is fine.
  return ::mkdir(path.c_str(), 0755) == 0 || errno == EEXIST;
}

std::atomic<std::uint64_t> memoryHits{0}, diskHits{0}, compiles{0},
    corruptRebuilt{0};

} // namespace

std::string tritium::cacheRootDirectory() {
  if (const char *dir = std::getenv("TRITIUM_CACHE_DIR"); dir && *dir)
    return dir;
  // The XDG base directory spec: a relative XDG_CACHE_HOME is invalid and
  // must be ignored (it would put the cache under whatever directory the
  // process happens to run in).
  if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/')
    return std::string(xdg) + "/tritium";
  if (const char *home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.cache/tritium";
  return "/tmp/tritium-cache-" + std::to_string(::getuid());
}

std::string tritium::cacheKeyOf(const std::string &text) {
  std::array<std::uint8_t, 32> digest = llvm::SHA256::hash(llvm::ArrayRef(
      reinterpret_cast<const std::uint8_t *>(text.data()), text.size()));
  return llvm::toHex(digest, /*LowerCase=*/true);
}

DiskCache::DiskCache(std::string directory) : folder(std::move(directory)) {}

DiskCache DiskCache::named(const std::string &name) {
  return DiskCache(cacheRootDirectory() + "/" + name);
}

std::string DiskCache::pathFor(const std::string &key) const {
  return folder + "/" + key.substr(0, 2) + "/" + key + ".bin";
}

DiskCache::LoadStatus DiskCache::load(const std::string &key, CacheEntry &entry,
                                      std::string *why) const {
  auto corrupt = [&](const std::string &reason) {
    if (why)
      *why = pathFor(key) + ": " + reason;
    return LoadStatus::Corrupt;
  };
  std::string contents;
  bool missing = false;
  if (!readWholeFile(pathFor(key), contents, missing)) {
    if (missing)
      return LoadStatus::Miss;
    return corrupt(std::string("cannot read: ") + std::strerror(errno));
  }
  EntryHeader header;
  if (contents.size() < sizeof header)
    return corrupt("truncated header (" + std::to_string(contents.size()) +
                   " bytes)");
  std::memcpy(&header, contents.data(), sizeof header);
  if (std::memcmp(header.magic, kMagic, sizeof kMagic) != 0)
    return corrupt("not a Tritium cache entry (bad magic)");
  if (header.formatVersion != kFormatVersion ||
      header.headerSize != sizeof header)
    return corrupt("entry format version " +
                   std::to_string(header.formatVersion) + ", expected " +
                   std::to_string(kFormatVersion));
  std::uint64_t expectedSize =
      sizeof header + header.metadataSize + header.payloadSize;
  if (header.metadataSize > contents.size() ||
      header.payloadSize > contents.size() || expectedSize != contents.size())
    return corrupt("size " + std::to_string(contents.size()) +
                   " bytes, the header says " + std::to_string(expectedSize) +
                   " (truncated?)");
  entry.metadataJson = contents.substr(sizeof header, header.metadataSize);
  entry.payload =
      contents.substr(sizeof header + header.metadataSize, header.payloadSize);
  if (checksumOf(entry.metadataJson, entry.payload) != header.checksum)
    return corrupt("checksum mismatch (damaged entry)");
  return LoadStatus::Hit;
}

void DiskCache::store(const std::string &key, const CacheEntry &entry) const {
  std::string path = pathFor(key);
  std::string dir = path.substr(0, path.find_last_of('/'));
  if (!makeDirectories(dir))
    throw Error(Error::Kind::Cache,
                "cannot create cache folder " + dir + ": " +
                    std::strerror(errno) +
                    " (set TRITIUM_CACHE_DIR to a writable folder)");
  // A name no other writer uses: process id, thread and a counter.
  static std::atomic<std::uint64_t> counter{0};
  std::string temporary =
      path + ".tmp." + std::to_string(::getpid()) + "." +
      std::to_string(std::hash<std::thread::id>()(std::this_thread::get_id()) %
                     1000000) +
      "." + std::to_string(counter++);
  int fd =
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    throw Error(Error::Kind::Cache, "cannot write cache entry " + temporary +
                                        ": " + std::strerror(errno));
  EntryHeader header{};
  std::memcpy(header.magic, kMagic, sizeof kMagic);
  header.formatVersion = kFormatVersion;
  header.headerSize = sizeof header;
  header.metadataSize = entry.metadataJson.size();
  header.payloadSize = entry.payload.size();
  header.checksum = checksumOf(entry.metadataJson, entry.payload);
  bool ok =
      writeAll(fd, &header, sizeof header) &&
      writeAll(fd, entry.metadataJson.data(), entry.metadataJson.size()) &&
      writeAll(fd, entry.payload.data(), entry.payload.size());
  int savedErrno = errno;
  ok = (::close(fd) == 0) && ok;
  // rename() replaces the entry atomically: readers see the old file or the
  // new one. Concurrent writers of one key write identical contents, so
  // whichever rename lands last is as good as the other.
  if (!ok || ::rename(temporary.c_str(), path.c_str()) != 0) {
    if (ok)
      savedErrno = errno;
    ::unlink(temporary.c_str());
    throw Error(Error::Kind::Cache, "cannot write cache entry " + path + ": " +
                                        std::strerror(savedErrno));
  }
}

void DiskCache::remove(const std::string &key) const {
  ::unlink(pathFor(key).c_str());
}

CacheStats tritium::cacheStats() {
  CacheStats stats;
  stats.memoryHits = memoryHits.load();
  stats.diskHits = diskHits.load();
  stats.compiles = compiles.load();
  stats.corruptEntriesRebuilt = corruptRebuilt.load();
  return stats;
}

void tritium::resetCacheStats() {
  memoryHits = 0;
  diskHits = 0;
  compiles = 0;
  corruptRebuilt = 0;
}

void tritium::detail::countCacheEvent(CacheEvent event) {
  switch (event) {
  case CacheEvent::MemoryHit:
    ++memoryHits;
    break;
  case CacheEvent::DiskHit:
    ++diskHits;
    break;
  case CacheEvent::Compile:
    ++compiles;
    break;
  case CacheEvent::CorruptRebuilt:
    ++corruptRebuilt;
    break;
  }
}
