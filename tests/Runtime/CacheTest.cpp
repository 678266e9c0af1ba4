//===- CacheTest.cpp - The disk cache: format, damage, concurrency --------===//

#include "TestSupport.h"

#include "tritium/Runtime/Runtime.h"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

using namespace tritium;
using namespace tritium::test;

namespace {
CacheEntry sampleEntry(int salt = 0) {
  CacheEntry entry;
  entry.metadataJson =
      "{\"name\": \"k\", \"salt\": " + std::to_string(salt) + "}";
  entry.payload = std::string(10000 + salt, char('a' + salt % 26));
  entry.payload[17] = '\0'; // binary payloads keep their NUL bytes
  return entry;
}
const std::string kKey = cacheKeyOf("some kernel");
} // namespace

TEST_CASE("the cache root follows TRITIUM_CACHE_DIR, then XDG_CACHE_HOME",
          "[cache]") {
  {
    ScopedEnv dir("TRITIUM_CACHE_DIR", "/somewhere/tritium-cache");
    CHECK(cacheRootDirectory() == "/somewhere/tritium-cache");
    CHECK(DiskCache::named("cubin").directory() ==
          "/somewhere/tritium-cache/cubin");
  }
  ScopedEnv noDir("TRITIUM_CACHE_DIR", "");
  {
    ScopedEnv xdg("XDG_CACHE_HOME", "/xdg");
    CHECK(cacheRootDirectory() == "/xdg/tritium");
  }
  {
    // Relative: ignored, as the XDG base directory spec says.
    ScopedEnv xdg("XDG_CACHE_HOME", "relative/cache");
    ScopedEnv home("HOME", "/home/someone");
    CHECK(cacheRootDirectory() == "/home/someone/.cache/tritium");
  }
  ScopedEnv noXdg("XDG_CACHE_HOME", "");
  ScopedEnv home("HOME", "/home/someone");
  CHECK(cacheRootDirectory() == "/home/someone/.cache/tritium");
}

TEST_CASE("cache keys are SHA-256 hex digests", "[cache]") {
  CHECK(cacheKeyOf("") ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(cacheKeyOf("a") != cacheKeyOf("b"));
}

TEST_CASE("entries round-trip; missing entries miss", "[cache]") {
  TempDir dir;
  DiskCache cache(dir.path() + "/cubin");
  CacheEntry entry;
  CHECK(cache.load(kKey, entry) == DiskCache::LoadStatus::Miss);
  cache.store(kKey, sampleEntry());
  REQUIRE(cache.load(kKey, entry) == DiskCache::LoadStatus::Hit);
  CHECK(entry.metadataJson == sampleEntry().metadataJson);
  CHECK(entry.payload == sampleEntry().payload);
  CHECK(cache.pathFor(kKey) ==
        dir.path() + "/cubin/" + kKey.substr(0, 2) + "/" + kKey + ".bin");
  // No temporary files are left behind.
  CHECK(listFiles(dir.path()).size() == 1);
  cache.remove(kKey);
  CHECK(cache.load(kKey, entry) == DiskCache::LoadStatus::Miss);
}

TEST_CASE("truncated, damaged and foreign entries are reported corrupt",
          "[cache]") {
  TempDir dir;
  DiskCache cache(dir.path());
  cache.store(kKey, sampleEntry());
  const std::string path = cache.pathFor(kKey);
  const std::string good = readFile(path);
  CacheEntry entry;
  std::string why;

  SECTION("truncated payload") {
    writeFile(path, good.substr(0, good.size() - 100));
    CHECK(cache.load(kKey, entry, &why) == DiskCache::LoadStatus::Corrupt);
    CHECK_THAT(why, Catch::Contains("truncated"));
  }
  SECTION("truncated header") {
    writeFile(path, good.substr(0, 20));
    CHECK(cache.load(kKey, entry, &why) == DiskCache::LoadStatus::Corrupt);
    CHECK_THAT(why, Catch::Contains("truncated header"));
  }
  SECTION("empty file") {
    writeFile(path, "");
    CHECK(cache.load(kKey, entry, &why) == DiskCache::LoadStatus::Corrupt);
  }
  SECTION("one flipped byte in the payload") {
    std::string damaged = good;
    damaged[damaged.size() / 2] ^= 0x40;
    writeFile(path, damaged);
    CHECK(cache.load(kKey, entry, &why) == DiskCache::LoadStatus::Corrupt);
    CHECK_THAT(why, Catch::Contains("checksum"));
  }
  SECTION("one flipped byte in the metadata") {
    std::string damaged = good;
    damaged[45] ^= 0x01;
    writeFile(path, damaged);
    CHECK(cache.load(kKey, entry, &why) == DiskCache::LoadStatus::Corrupt);
  }
  SECTION("not a cache entry") {
    writeFile(path, std::string(200, 'x'));
    CHECK(cache.load(kKey, entry, &why) == DiskCache::LoadStatus::Corrupt);
    CHECK_THAT(why, Catch::Contains("magic"));
  }
  SECTION("extra bytes at the end") {
    writeFile(path, good + "junk");
    CHECK(cache.load(kKey, entry, &why) == DiskCache::LoadStatus::Corrupt);
  }
  SECTION("rewriting repairs it") {
    writeFile(path, good.substr(0, 50));
    cache.store(kKey, sampleEntry());
    CHECK(cache.load(kKey, entry) == DiskCache::LoadStatus::Hit);
  }
}

TEST_CASE("an unwritable cache folder is a Cache error naming it", "[cache]") {
  TempDir dir;
  writeFile(dir.path() + "/file", "x");
  DiskCache cache(dir.path() + "/file/sub");
  std::string message = errorMessage([&] { cache.store(kKey, sampleEntry()); },
                                     Error::Kind::Cache);
  CHECK_THAT(message, Catch::Contains(dir.path() + "/file/sub"));
}

TEST_CASE("threads storing and loading one key all see whole entries",
          "[cache]") {
  TempDir dir;
  DiskCache cache(dir.path());
  std::atomic<int> failures{0}, hits{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        try {
          cache.store(kKey, sampleEntry());
        } catch (...) {
          ++failures;
        }
        CacheEntry entry;
        DiskCache::LoadStatus status = cache.load(kKey, entry);
        if (status == DiskCache::LoadStatus::Hit &&
            entry.payload == sampleEntry().payload)
          ++hits;
        else
          ++failures;
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  CHECK(failures == 0);
  CHECK(hits == 400);
  CHECK(listFiles(dir.path()).size() == 1);
}

TEST_CASE("processes storing and loading one key all see whole entries",
          "[cache]") {
  TempDir dir;
  DiskCache cache(dir.path());
  // Fork all children first, then wait for all: they run at once.
  std::vector<int> pids;
  for (int p = 0; p < 6; ++p) {
    pid_t pid = fork();
    if (pid == 0) {
      int bad = 0;
      for (int i = 0; i < 100; ++i) {
        try {
          cache.store(kKey, sampleEntry());
          CacheEntry entry;
          if (cache.load(kKey, entry) != DiskCache::LoadStatus::Hit ||
              entry.payload != sampleEntry().payload)
            ++bad;
        } catch (...) {
          ++bad;
        }
      }
      _exit(bad == 0 ? 0 : 1);
    }
    pids.push_back(pid);
  }
  for (int pid : pids) {
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  CacheEntry entry;
  CHECK(cache.load(kKey, entry) == DiskCache::LoadStatus::Hit);
  CHECK(listFiles(dir.path()).size() == 1);
}

//===----------------------------------------------------------------------===//
// The runtime's use of the cache (compiles without a GPU)
//===----------------------------------------------------------------------===//

namespace {
KernelOptions cpuOptions() {
  KernelOptions options;
  options.arch = "sm_90a";
  return options;
}
} // namespace

TEST_CASE("the runtime compiles once, then hits memory, then disk",
          "[cache][compile]") {
  TempDir dir;
  ScopedEnv cacheDir("TRITIUM_CACHE_DIR", dir.path());
  ScopedEnv noAlways("TRITIUM_ALWAYS_COMPILE", "0");
  clearMemoryCache();
  resetCacheStats();
  Kernel scale(KernelSource::fromIR(scaleKernelIR()), cpuOptions());
  Specialization spec = Specialization::parse("D,D,,1,");

  auto first = scale.compile(spec);
  CHECK(first->origin == CompiledKernel::Origin::Compiled);
  CHECK(cacheStats().compiles == 1);
  CHECK(fileExists(DiskCache::named("cubin").pathFor(first->cacheKey)));

  auto second = scale.compile(spec);
  CHECK(second.get() == first.get());
  CHECK(cacheStats().memoryHits == 1);

  clearMemoryCache();
  Kernel again(KernelSource::fromIR(scaleKernelIR()), cpuOptions());
  auto third = again.compile(spec);
  CHECK(third->origin == CompiledKernel::Origin::DiskCache);
  CHECK(third->ptx == first->ptx);
  CHECK(third->cubin == first->cubin);
  CHECK(third->metadata.launchParams == first->metadata.launchParams);
  CHECK(third->metadata.launchParamSource == first->metadata.launchParamSource);
  CHECK(cacheStats().diskHits == 1);
  CHECK(cacheStats().compiles == 1);

  // Another specialisation, warp count, target or code generation option
  // is another entry.
  CHECK(scale.compile(Specialization::parse("D,D,D,,"))->cacheKey !=
        first->cacheKey);
  KernelOptions eight = cpuOptions();
  eight.numWarps = 8;
  CHECK(Kernel(KernelSource::fromIR(scaleKernelIR()), eight)
            .compile(spec)
            ->cacheKey != first->cacheKey);
  CHECK(scale.compile(spec, "sm_80")->cacheKey != first->cacheKey);
  // So is code generated without strength reduction (other PTX).
  KernelOptions plain = cpuOptions();
  plain.strengthReduction = false;
  CHECK(Kernel(KernelSource::fromIR(scaleKernelIR()), plain)
            .compile(spec)
            ->cacheKey != first->cacheKey);
  CHECK(cacheStats().compiles == 5);
}

TEST_CASE("a corrupt or truncated entry is rebuilt and rewritten",
          "[cache][compile]") {
  TempDir dir;
  ScopedEnv cacheDir("TRITIUM_CACHE_DIR", dir.path());
  clearMemoryCache();
  Kernel scale(KernelSource::fromIR(scaleKernelIR()), cpuOptions());
  Specialization spec = Specialization::parse("D,D,,,");
  auto original = scale.compile(spec);
  std::string path = DiskCache::named("cubin").pathFor(original->cacheKey);
  std::string good = readFile(path);

  for (std::string damaged :
       {good.substr(0, good.size() / 2), std::string(), good + "x", [&] {
          std::string flipped = good;
          flipped[flipped.size() - 10] ^= 0x10;
          return flipped;
        }()}) {
    writeFile(path, damaged);
    clearMemoryCache();
    resetCacheStats();
    auto rebuilt = scale.compile(spec);
    CHECK(rebuilt->origin == CompiledKernel::Origin::Compiled);
    CHECK(rebuilt->ptx == original->ptx);
    CHECK(cacheStats().corruptEntriesRebuilt == 1);
    CHECK(cacheStats().compiles == 1);
    CHECK(readFile(path) == good);
  }
}

TEST_CASE("TRITIUM_ALWAYS_COMPILE and the cache switches bypass the caches",
          "[cache][compile]") {
  TempDir dir;
  ScopedEnv cacheDir("TRITIUM_CACHE_DIR", dir.path());
  clearMemoryCache();
  Specialization spec = Specialization::parse("D,D,,,");
  Kernel(KernelSource::fromIR(scaleKernelIR()), cpuOptions()).compile(spec);
  resetCacheStats();
  {
    ScopedEnv always("TRITIUM_ALWAYS_COMPILE", "1");
    Kernel kernel(KernelSource::fromIR(scaleKernelIR()), cpuOptions());
    CHECK(kernel.compile(spec)->origin == CompiledKernel::Origin::Compiled);
    CHECK(kernel.compile(spec)->origin == CompiledKernel::Origin::Compiled);
    CHECK(cacheStats().compiles == 2);
  }
  KernelOptions noCaches = cpuOptions();
  noCaches.useMemoryCache = false;
  noCaches.useDiskCache = false;
  TempDir empty;
  ScopedEnv otherDir("TRITIUM_CACHE_DIR", empty.path());
  Kernel(KernelSource::fromIR(scaleKernelIR()), noCaches).compile(spec);
  CHECK(cacheStats().compiles == 3);
  CHECK(listFiles(empty.path()).empty());
}

TEST_CASE("threads compiling the same kernel at once all succeed",
          "[cache][compile]") {
  TempDir dir;
  ScopedEnv cacheDir("TRITIUM_CACHE_DIR", dir.path());
  clearMemoryCache();
  resetCacheStats();
  Kernel scale(KernelSource::fromIR(scaleKernelIR()), cpuOptions());
  std::vector<std::thread> threads;
  std::vector<std::string> ptx(6);
  std::atomic<int> failures{0};
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([&, t] {
      try {
        // Two specialisations, three threads each.
        ptx[t] =
            scale.compile(Specialization::parse(t % 2 ? "D,D,,," : ",,,,"))
                ->ptx;
      } catch (const std::exception &error) {
        ++failures;
        WARN(error.what());
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  CHECK(failures == 0);
  CHECK(cacheStats().compiles == 2); // one per specialisation
  for (int t = 2; t < 6; ++t)
    CHECK(ptx[t] == ptx[t % 2]);
}

TEST_CASE("processes compiling the same kernel at once all succeed",
          "[cache][compile]") {
  TempDir dir;
  ScopedEnv cacheDir("TRITIUM_CACHE_DIR", dir.path());
  clearMemoryCache();
  std::vector<pid_t> pids;
  for (int p = 0; p < 4; ++p) {
    pid_t pid = fork();
    if (pid == 0) {
      int status = 0;
      try {
        Kernel scale(KernelSource::fromIR(scaleKernelIR()), cpuOptions());
        auto compiled = scale.compile(Specialization::parse("D,D,D,,"));
        status = compiled->ptx.find(".entry scale") == std::string::npos;
      } catch (const std::exception &error) {
        fprintf(stderr, "child: %s\n", error.what());
        status = 1;
      }
      _exit(status);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  // One compiled entry (and the signature entry), which this process now
  // reads.
  resetCacheStats();
  Kernel scale(KernelSource::fromIR(scaleKernelIR()), cpuOptions());
  CHECK(scale.compile(Specialization::parse("D,D,D,,"))->origin ==
        CompiledKernel::Origin::DiskCache);
  std::vector<std::string> files = listFiles(dir.path());
  CHECK(files.size() == 2);
}
