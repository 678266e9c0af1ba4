//===- TuningStoreTest.cpp - Tuned winners: round trip, corruption, races -===//

#include "tritium/Tune/TuningStore.h"
#include "tritium/Runtime/Error.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <unistd.h>

using namespace tritium;
using namespace tritium::tune;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// A fresh folder per test, removed afterwards.
class TemporaryFolder {
public:
  TemporaryFolder() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() /
           ("tritium-tune-test-" + std::to_string(::getpid()) + "-" +
            std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TemporaryFolder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  fs::path path;
};

const char *const spaceText = R"({
  "key": ["Sk"],
  "configs": [
    {"kwargs": {"BLOCK_N": 64}, "num_warps": 4},
    {"kwargs": {"BLOCK_N": 128}, "num_warps": 8, "num_stages": 4, "maxnreg": 128},
    {"kwargs": {"BLOCK_N": 256}, "num_warps": 8}
  ],
  "default": 0
})";

TuningKey sampleKey() {
  TuningKey key;
  key.kernelName = "indexer_score";
  key.kernelHash = "0123456789abcdef";
  key.keyValues = {{"Sk", 32768}};
  key.deviceName = "NVIDIA H100 80GB HBM3";
  key.arch = "sm_90a";
  return key;
}

// Collects warnings instead of printing them.
struct Warnings {
  std::mutex mutex;
  std::vector<std::string> messages;
  TuningStore::WarningHandler handler() {
    return [this](const std::string &message) {
      std::lock_guard<std::mutex> lock(mutex);
      messages.push_back(message);
    };
  }
};

std::vector<fs::path> filesUnder(const fs::path &folder) {
  std::vector<fs::path> files;
  if (fs::exists(folder))
    for (const auto &entry : fs::directory_iterator(folder))
      files.push_back(entry.path());
  return files;
}

void writeFile(const fs::path &path, const std::string &contents) {
  std::ofstream stream(path, std::ios::binary | std::ios::trunc);
  stream << contents;
}

std::string readFile(const fs::path &path) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

} // namespace

TEST_CASE("a stored winner reads back in a new store", "[store]") {
  TemporaryFolder folder;
  ConfigSpace space = ConfigSpace::parse(spaceText);
  Warnings warnings;
  TuningKey key = sampleKey();

  TuningStore writer(folder.path, warnings.handler());
  CHECK(writer.directory() == folder.path / "tune");
  CHECK_FALSE(writer.find(key));
  CHECK(writer.lookup(key, space) == space.defaultConfig());
  CHECK_FALSE(fs::exists(writer.directory())); // nothing created by reading

  TunedEntry entry;
  entry.winner = space.configs()[1];
  entry.winnerMicroseconds = 7.25;
  entry.defaultMicroseconds = 11.5;
  entry.spaceFingerprint = space.fingerprint();
  writer.store(key, entry);

  TuningStore reader(folder.path, warnings.handler());
  std::optional<TunedEntry> found = reader.find(key);
  REQUIRE(found);
  CHECK(found->winner == space.configs()[1]);
  CHECK(found->winner.maxRegisters == 128);
  CHECK(found->winnerMicroseconds == 7.25);
  CHECK(found->defaultMicroseconds == 11.5);
  CHECK(found->spaceFingerprint == space.fingerprint());
  CHECK(found->tunedAt.size() == 20); // 2026-11-25T17:00:00Z
  CHECK(reader.lookup(key, space) == space.configs()[1]);
  CHECK(warnings.messages.empty());

  // One readable file named after the kernel, no temporary left behind.
  std::vector<fs::path> files = filesUnder(reader.directory());
  REQUIRE(files.size() == 1);
  CHECK(files[0] == reader.entryPath(key));
  CHECK(files[0].filename().string().rfind("indexer_score-", 0) == 0);
  CHECK(files[0].extension() == ".json");
  std::string text = readFile(files[0]);
  CHECK_THAT(text, Contains("\"device\": \"NVIDIA H100 80GB HBM3\""));
  CHECK_THAT(text, Contains("\"tritium_version\": \"" + tritiumVersion()));

  SECTION("every part of the key selects its own entry") {
    std::vector<TuningKey> others(6, key);
    others[0].kernelName = "other_kernel";
    others[1].kernelHash = "fedcba9876543210";
    others[2].keyValues = {{"Sk", 65536}};
    others[3].deviceName = "NVIDIA A100-SXM4-80GB";
    others[4].arch = "sm_90";
    others[5].tritiumVersion = "0.0.1";
    for (const TuningKey &other : others) {
      INFO(other.describe());
      CHECK(reader.entryPath(other) != reader.entryPath(key));
      CHECK_FALSE(reader.find(other));
      CHECK(reader.lookup(other, space) == space.defaultConfig());
    }
    CHECK(warnings.messages.empty());
  }
  SECTION("a later store replaces the entry") {
    entry.winner = space.configs()[2];
    writer.store(key, entry);
    CHECK(reader.lookup(key, space) == space.configs()[2]);
    CHECK(filesUnder(reader.directory()).size() == 1);
  }
  SECTION("a winner the space no longer lists is stale") {
    ConfigSpace edited = ConfigSpace::parse(R"({"key": ["Sk"], "configs": [
        {"kwargs": {"BLOCK_N": 64}, "num_warps": 4}]})");
    CHECK(reader.lookup(key, edited) == edited.defaultConfig());
    REQUIRE(warnings.messages.size() == 1);
    CHECK_THAT(warnings.messages[0],
               Contains("is no longer in its config space; using the default"));
  }
}

TEST_CASE("key descriptions name every part", "[store]") {
  CHECK(sampleKey().describe() ==
        "indexer_score (0123456789abcdef) [Sk=32768] on NVIDIA H100 80GB "
        "HBM3 sm_90a, Tritium " +
            tritiumVersion());
}

TEST_CASE("corrupt entries are ignored with a warning", "[store]") {
  TemporaryFolder folder;
  ConfigSpace space = ConfigSpace::parse(spaceText);
  Warnings warnings;
  TuningStore store(folder.path, warnings.handler());
  TuningKey key = sampleKey();

  TunedEntry entry;
  entry.winner = space.configs()[2];
  store.store(key, entry);
  fs::path path = store.entryPath(key);
  std::string good = readFile(path);

  TuningKey otherKey = key;
  otherKey.keyValues = {{"Sk", 1024}};
  store.store(otherKey, entry);
  std::string otherKeysEntry = readFile(store.entryPath(otherKey));

  std::string badWinner = good;
  auto warps = badWinner.find("\"num_warps\": 8");
  REQUIRE(warps != std::string::npos);
  badWinner.replace(warps, 14, "\"num_warps\": 3");

  std::string wrongFormat = good;
  wrongFormat.replace(wrongFormat.find("tritium-tuning-entry"), 20,
                      "something-else-entry");

  std::string futureVersion = good;
  futureVersion.replace(futureVersion.find("\"format_version\": 1"), 19,
                        "\"format_version\": 9");

  const std::vector<std::pair<std::string, std::string>> corruptions = {
      {"empty", ""},
      {"truncated", good.substr(0, good.size() / 2)},
      {"binary", std::string("\x00\xff\x13\x37garbage", 11)},
      {"not an object", "[1, 2, 3]"},
      {"another format", wrongFormat},
      {"another format version", futureVersion},
      {"a winner that does not validate", badWinner},
      {"another key's entry", otherKeysEntry},
      {"wrong types", R"({"format": "tritium-tuning-entry", "format_version":
                          1, "key": {"kernel": 5}})"},
      {"format of the wrong type", R"({"format": 7})"},
  };
  for (const auto &[what, contents] : corruptions) {
    INFO(what);
    warnings.messages.clear();
    writeFile(path, contents);
    std::optional<TunedEntry> found;
    CHECK_NOTHROW(found = store.find(key));
    CHECK_FALSE(found);
    CHECK(store.lookup(key, space) == space.defaultConfig());
    REQUIRE(warnings.messages.size() >= 1);
    CHECK_THAT(warnings.messages[0], Contains(path.string()));
    CHECK_THAT(warnings.messages[0], Contains("ignoring tuning entry"));
  }

  SECTION("a folder where the entry should be") {
    fs::remove(path);
    fs::create_directories(path / "inner");
    warnings.messages.clear();
    CHECK_FALSE(store.find(key));
    CHECK(warnings.messages.size() == 1);
    fs::remove_all(path);
  }

  // Tuning again repairs the entry.
  warnings.messages.clear();
  store.store(key, entry);
  REQUIRE(store.find(key));
  CHECK(store.find(key)->winner == space.configs()[2]);
  CHECK(warnings.messages.empty());
}

TEST_CASE("an unwritable cache is an actionable error", "[store]") {
  TemporaryFolder folder;
  // A regular file where the cache root should be: no permission trick, so
  // this holds even when the tests run as root.
  fs::path blocker = folder.path / "not-a-folder";
  writeFile(blocker, "x");
  TuningStore store(blocker, [](const std::string &) {});
  TunedEntry entry;
  try {
    store.store(sampleKey(), entry);
    FAIL("stored under a file");
  } catch (const Error &error) {
    CHECK(error.kind() == Error::Kind::Cache);
    CHECK_THAT(error.what(), Contains(blocker.string()));
    CHECK_THAT(error.what(), Contains("set TRITIUM_CACHE_DIR"));
  }
  // Reading from it is not an error: nothing is tuned there.
  CHECK_FALSE(store.find(sampleKey()));
}

TEST_CASE("concurrent writers and readers see whole entries", "[store]") {
  TemporaryFolder folder;
  ConfigSpace space = ConfigSpace::parse(spaceText);
  Warnings warnings;
  TuningKey key = sampleKey();

  constexpr int writers = 8;
  constexpr int storesPerWriter = 40;
  std::atomic<bool> writing{true};
  std::atomic<int> entriesRead{0};
  std::atomic<int> wrongEntries{0};

  std::vector<std::thread> threads;
  for (int writer = 0; writer < writers; ++writer) {
    threads.emplace_back([&, writer] {
      // Each writer has its own store object, as separate processes would.
      TuningStore store(folder.path, warnings.handler());
      for (int i = 0; i < storesPerWriter; ++i) {
        TunedEntry entry;
        entry.winner = space.configs()[(writer + i) % 3];
        entry.winnerMicroseconds = writer * 1000 + i;
        store.store(key, entry);
      }
    });
  }
  std::vector<std::thread> readers;
  for (int reader = 0; reader < 2; ++reader) {
    readers.emplace_back([&] {
      TuningStore store(folder.path, warnings.handler());
      while (writing) {
        if (std::optional<TunedEntry> entry = store.find(key)) {
          ++entriesRead;
          // The winner and its time were written together.
          int written = static_cast<int>(*entry->winnerMicroseconds);
          if (entry->winner !=
              space.configs()[(written / 1000 + written % 1000) % 3])
            ++wrongEntries;
        }
      }
    });
  }
  for (std::thread &thread : threads)
    thread.join();
  writing = false;
  for (std::thread &thread : readers)
    thread.join();

  CHECK(warnings.messages.empty());
  CHECK(wrongEntries == 0);
  TuningStore store(folder.path, warnings.handler());
  REQUIRE(store.find(key));
  std::vector<fs::path> files = filesUnder(store.directory());
  REQUIRE(files.size() == 1); // no temporary files left
  CHECK(files[0] == store.entryPath(key));
  INFO("entries read while writing: " << entriesRead.load());
}
