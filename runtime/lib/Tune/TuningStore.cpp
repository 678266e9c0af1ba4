//===- TuningStore.cpp - Tuned winners persisted under the cache root -----===//

#include "tritium/Tune/TuningStore.h"

#include "ConfigJson.h"

#include "tritium/Runtime/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <thread>
#include <unistd.h>

#ifndef TRITIUM_VERSION_STRING
#error "TRITIUM_VERSION_STRING must be defined by the build"
#endif

namespace tritium::tune {

using nlohmann::json;

namespace {

constexpr const char *entryFormat = "tritium-tuning-entry";
constexpr int entryFormatVersion = 1;

// Keeps file names portable and readable; the hash beside it makes them
// unique.
std::string fileNameStem(const std::string &kernelName) {
  std::string stem;
  for (char c : kernelName.substr(0, 64)) {
    bool portable = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    stem += portable ? c : '_';
  }
  return stem.empty() ? std::string("kernel") : stem;
}

json keyToJson(const TuningKey &key) {
  json keyValues = json::array();
  for (const auto &[name, value] : key.keyValues)
    keyValues.push_back(json::array({name, value}));
  return {{"kernel", key.kernelName}, {"kernel_hash", key.kernelHash},
          {"key_values", keyValues},  {"device", key.deviceName},
          {"arch", key.arch},         {"tritium_version", key.tritiumVersion}};
}

// Reads the key back; any shape mismatch throws (the caller treats the file
// as corrupt).
TuningKey keyFromJson(const json &value) {
  TuningKey key;
  key.kernelName = value.at("kernel").get<std::string>();
  key.kernelHash = value.at("kernel_hash").get<std::string>();
  for (const json &pair : value.at("key_values")) {
    if (!pair.is_array() || pair.size() != 2)
      throw std::runtime_error("key_values: expected [name, value] pairs");
    key.keyValues.emplace_back(pair.at(0).get<std::string>(),
                               pair.at(1).get<std::int64_t>());
  }
  key.deviceName = value.at("device").get<std::string>();
  key.arch = value.at("arch").get<std::string>();
  key.tritiumVersion = value.at("tritium_version").get<std::string>();
  return key;
}

std::optional<double> optionalNumber(const json &entry, const char *field) {
  auto it = entry.find(field);
  if (it == entry.end() || it->is_null())
    return std::nullopt;
  return it->get<double>();
}

std::string utcNow() {
  std::time_t now =
      std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string systemError(const std::string &what, const std::string &path) {
  return what + " " + path + ": " + std::strerror(errno);
}

// Writes \p contents to \p destination so that readers see either the old
// file or the whole new one: a uniquely named temporary in the same folder,
// flushed to disk, then renamed over the destination (rename is atomic
// within a file system).
void writeAtomically(const std::filesystem::path &destination,
                     const std::string &contents) {
  static std::atomic<unsigned> counter{0};
  std::ostringstream suffix;
  suffix << ".tmp-" << ::getpid() << "-"
         << std::hash<std::thread::id>()(std::this_thread::get_id()) << "-"
         << counter++;
  std::string temporary = destination.string() + suffix.str();

  int fd =
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    throw Error(Error::Kind::Cache,
                systemError("cannot create tuning entry", temporary) +
                    "; set TRITIUM_CACHE_DIR to a writable folder");
  std::size_t written = 0;
  while (written < contents.size()) {
    ssize_t result =
        ::write(fd, contents.data() + written, contents.size() - written);
    if (result < 0 && errno == EINTR)
      continue;
    if (result <= 0) {
      std::string message = systemError("cannot write tuning entry", temporary);
      ::close(fd);
      ::unlink(temporary.c_str());
      throw Error(Error::Kind::Cache, message);
    }
    written += static_cast<std::size_t>(result);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    std::string message = systemError("cannot flush tuning entry", temporary);
    ::unlink(temporary.c_str());
    throw Error(Error::Kind::Cache, message);
  }
  if (::rename(temporary.c_str(), destination.c_str()) != 0) {
    std::string message =
        systemError("cannot rename tuning entry onto", destination.string());
    ::unlink(temporary.c_str());
    throw Error(Error::Kind::Cache, message);
  }
}

} // namespace

std::string tritiumVersion() { return TRITIUM_VERSION_STRING; }

std::string TuningKey::describe() const {
  std::string text = kernelName;
  if (!kernelHash.empty())
    text += " (" + kernelHash.substr(0, 16) + ")";
  text += " [" + describeKey(keyValues) + "] on " + deviceName + " " + arch +
          ", Tritium " + tritiumVersion;
  return text;
}

TuningStore::TuningStore(std::filesystem::path cacheRoot,
                         WarningHandler onWarning)
    : tuneDirectory(std::move(cacheRoot) / "tune"),
      warningHandler(std::move(onWarning)) {}

void TuningStore::warn(const std::string &message) const {
  if (warningHandler)
    warningHandler(message);
  else
    std::cerr << "tritium: warning: " << message << "\n";
}

std::filesystem::path TuningStore::entryPath(const TuningKey &key) const {
  return tuneDirectory / (fileNameStem(key.kernelName) + "-" +
                          detail::stableHash(keyToJson(key).dump()) + ".json");
}

std::optional<TunedEntry> TuningStore::find(const TuningKey &key) const {
  std::filesystem::path path = entryPath(key);
  std::error_code error;
  if (!std::filesystem::exists(path, error))
    return std::nullopt;

  auto ignore = [&](const std::string &reason) -> std::optional<TunedEntry> {
    warn("ignoring tuning entry " + path.string() + " (" + reason +
         "); the default config is used until it is tuned again "
         "(tritium-tune rewrites it, or delete the file)");
    return std::nullopt;
  };

  std::ifstream stream(path, std::ios::binary);
  if (!stream)
    return ignore(std::string("unreadable: ") + std::strerror(errno));
  std::ostringstream text;
  text << stream.rdbuf();

  try {
    json document = json::parse(text.str());
    if (!document.is_object() || document.value("format", "") != entryFormat)
      return ignore("not a Tritium tuning entry");
    if (document.at("format_version").get<int>() != entryFormatVersion)
      return ignore("format version " + document.at("format_version").dump() +
                    ", expected " + std::to_string(entryFormatVersion));
    if (keyFromJson(document.at("key")) != key)
      return ignore("it holds the entry of another key");

    TunedEntry entry;
    entry.winner = detail::configFromJson(document.at("winner"), "winner");
    entry.winnerMicroseconds = optionalNumber(document, "winner_us");
    entry.defaultMicroseconds = optionalNumber(document, "default_us");
    entry.spaceFingerprint = document.value("space_fingerprint", "");
    entry.tunedAt = document.value("tuned_at", "");
    return entry;
  } catch (const std::exception &failure) {
    // json::exception (truncated or hand-edited file) or tritium::Error (a
    // winner that no longer validates): both mean "not usable".
    return ignore(std::string("corrupt: ") + failure.what());
  }
}

Config TuningStore::lookup(const TuningKey &key,
                           const ConfigSpace &space) const {
  std::optional<TunedEntry> entry = find(key);
  if (!entry)
    return space.defaultConfig();
  const auto &configs = space.configs();
  bool listed =
      entry->winner == space.defaultConfig() ||
      std::find(configs.begin(), configs.end(), entry->winner) != configs.end();
  if (!listed) {
    warn("the tuned winner for " + key.describe() + " (" +
         entry->winner.describe() +
         ") is no longer in its config space; using the default until it "
         "is tuned again");
    return space.defaultConfig();
  }
  return entry->winner;
}

void TuningStore::store(const TuningKey &key, TunedEntry entry) const {
  if (entry.tunedAt.empty())
    entry.tunedAt = utcNow();
  json document = {{"format", entryFormat},
                   {"format_version", entryFormatVersion},
                   {"key", keyToJson(key)},
                   {"winner", detail::configToJson(entry.winner)},
                   {"space_fingerprint", entry.spaceFingerprint},
                   {"tuned_at", entry.tunedAt}};
  if (entry.winnerMicroseconds)
    document["winner_us"] = *entry.winnerMicroseconds;
  if (entry.defaultMicroseconds)
    document["default_us"] = *entry.defaultMicroseconds;

  std::error_code error;
  std::filesystem::create_directories(tuneDirectory, error);
  if (error)
    throw Error(Error::Kind::Cache,
                "cannot create the tuning folder " + tuneDirectory.string() +
                    ": " + error.message() +
                    "; set TRITIUM_CACHE_DIR to a writable folder");
  writeAtomically(entryPath(key), document.dump(2) + "\n");
}

} // namespace tritium::tune
