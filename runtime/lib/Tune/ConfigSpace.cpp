//===- ConfigSpace.cpp - Autotuning config spaces read from JSON ----------===//
//
// Parsing is strict on purpose: an unknown field, a duplicated field, a
// float where an integer belongs or a prune expression naming something no
// config defines is almost always a typo that would otherwise silently tune
// the wrong space. Each error names the JSON path of the mistake.
//
//===----------------------------------------------------------------------===//

#include "tritium/Tune/ConfigSpace.h"

#include "ConfigJson.h"

#include "tritium/Runtime/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace tritium::tune {

using detail::failAt;
using detail::fieldPath;
using detail::indexPath;
using nlohmann::json;

std::string formatConstexpr(const ConstexprValue &value) {
  if (const auto *integer = std::get_if<std::int64_t>(&value))
    return std::to_string(*integer);
  if (const auto *boolean = std::get_if<bool>(&value))
    return *boolean ? "true" : "false";
  return json(std::get<std::string>(value)).dump();
}

std::string Config::describe() const {
  std::string text;
  for (const auto &[name, value] : kwargs)
    text += name + "=" + formatConstexpr(value) + ", ";
  text += "num_warps=" + std::to_string(numWarps) +
          ", num_stages=" + std::to_string(numStages);
  if (maxRegisters)
    text += ", maxnreg=" + std::to_string(*maxRegisters);
  return text;
}

std::string describeKey(const KeyValues &key) {
  std::string text;
  for (const auto &[name, value] : key)
    text += (text.empty() ? "" : ", ") + name + "=" + std::to_string(value);
  return text;
}

namespace {

// nlohmann keeps the last of two equal keys without a word; a duplicated
// "num_warps" is a mistake worth reporting. The parser callback sees keys,
// not paths, so this tracks the path of the value being parsed.
class DuplicateKeyFinder {
public:
  bool operator()(int, json::parse_event_t event, json &parsed) {
    switch (event) {
    case json::parse_event_t::object_start:
      frames.emplace_back().isArray = false;
      break;
    case json::parse_event_t::array_start:
      frames.emplace_back().isArray = true;
      break;
    case json::parse_event_t::key: {
      Frame &frame = frames.back();
      frame.key = parsed.get<std::string>();
      if (!frame.keys.insert(frame.key).second && !duplicatePath)
        duplicatePath = currentPath();
      break;
    }
    case json::parse_event_t::object_end:
    case json::parse_event_t::array_end:
      frames.pop_back();
      finishElement();
      break;
    case json::parse_event_t::value:
      finishElement();
      break;
    }
    return true;
  }

  std::optional<std::string> duplicatePath;

private:
  struct Frame {
    bool isArray = false;
    std::size_t index = 0;
    std::string key;
    std::set<std::string> keys;
  };

  void finishElement() {
    if (!frames.empty() && frames.back().isArray)
      ++frames.back().index;
  }

  std::string currentPath() const {
    std::string path;
    for (const Frame &frame : frames)
      path = frame.isArray ? indexPath(path, frame.index)
                           : fieldPath(path, frame.key);
    return path;
  }

  std::vector<Frame> frames;
};

json parseDocument(std::string_view text) {
  DuplicateKeyFinder finder;
  json document;
  try {
    document = json::parse(
        text.begin(), text.end(),
        [&finder](int depth, json::parse_event_t event, json &parsed) {
          return finder(depth, event, parsed);
        });
  } catch (const json::parse_error &error) {
    // Report line:column, which editors jump to, and nlohmann's reason
    // without its exception-id prefix.
    std::size_t line = 1, column = 1;
    std::size_t end =
        std::min<std::size_t>(error.byte ? error.byte - 1 : 0, text.size());
    for (std::size_t i = 0; i < end; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    std::string reason = error.what();
    if (auto colon = reason.find(": "); colon != std::string::npos)
      reason = reason.substr(colon + 2);
    throw Error(Error::Kind::InvalidArgument,
                "line " + std::to_string(line) + ", column " +
                    std::to_string(column) + ": invalid JSON: " + reason);
  } catch (const json::exception &error) {
    // Not a syntax error but still the parser's: a number out of range
    // ("1e400"). No position comes with it.
    std::string reason = error.what();
    if (auto bracket = reason.find("] "); bracket != std::string::npos)
      reason = reason.substr(bracket + 2);
    throw Error(Error::Kind::InvalidArgument, "invalid JSON: " + reason);
  }
  if (finder.duplicatePath)
    failAt(*finder.duplicatePath,
           "field given twice; JSON keeps only one of them, so remove the "
           "other");
  return document;
}

// Reads a list of kernel argument names (key, reset_to_zero, restore_value).
std::vector<std::string> readArgumentNames(const json &value,
                                           std::string_view path) {
  if (!value.is_array())
    failAt(path, "expected an array of argument names, got " +
                     detail::describeJson(value));
  std::vector<std::string> names;
  for (std::size_t i = 0; i < value.size(); ++i) {
    std::string elementPath = indexPath(path, i);
    const json &element = value[i];
    if (!element.is_string())
      failAt(elementPath, "expected an argument name (a string), got " +
                              detail::describeJson(element));
    std::string name = element.get<std::string>();
    if (!detail::isIdentifier(name))
      failAt(elementPath, "'" + name +
                              "' is not an identifier; argument "
                              "names are [A-Za-z_][A-Za-z0-9_]*");
    if (std::find(names.begin(), names.end(), name) != names.end())
      failAt(elementPath, "'" + name + "' is listed twice");
    names.push_back(name);
  }
  return names;
}

std::int64_t readPositive(const json &value, std::string_view path,
                          std::int64_t maximum, std::string_view unit) {
  std::int64_t number =
      value.is_number_integer() ? detail::readInteger(value, path) : 0;
  if (number < 1 || number > maximum)
    failAt(path, "expected " + std::string(unit) + " between 1 and " +
                     std::to_string(maximum) + ", got " +
                     detail::describeJson(value));
  return number;
}

} // namespace

ConfigSpace ConfigSpace::parse(std::string_view jsonText,
                               std::string_view sourceName) {
  try {
    json document = parseDocument(jsonText);
    ConfigSpace space;

    if (!document.is_object())
      failAt("", "expected a config space object {\"key\": [...], "
                 "\"configs\": [...]}, got " +
                     detail::describeJson(document));
    detail::rejectUnknownFields(document, "",
                                {"$schema", "description", "kernel", "key",
                                 "configs", "default", "prune", "reset_to_zero",
                                 "restore_value"});

    for (const char *textField : {"$schema", "description", "kernel"})
      if (auto it = document.find(textField);
          it != document.end() && !it->is_string())
        failAt(textField,
               "expected a string, got " + detail::describeJson(*it));
    if (auto it = document.find("kernel"); it != document.end())
      space.kernel = it->get<std::string>();

    auto keyIt = document.find("key");
    if (keyIt == document.end())
      failAt("key", "required: list the arguments whose values select a "
                    "tuning entry (e.g. [\"Sk\"]), or [] to tune once for "
                    "every shape");
    space.keyNames = readArgumentNames(*keyIt, "key");
    for (std::size_t i = 0; i < space.keyNames.size(); ++i)
      if (space.keyNames[i] == "num_warps" || space.keyNames[i] == "num_stages")
        failAt(indexPath("key", i), "'" + space.keyNames[i] +
                                        "' is a launch option, not a kernel "
                                        "argument");

    auto configsIt = document.find("configs");
    if (configsIt == document.end())
      failAt("configs", "required: the configs to try");
    if (!configsIt->is_array() || configsIt->empty())
      failAt("configs", "expected a non-empty array of configs, got " +
                            detail::describeJson(*configsIt));

    auto checkAgainstKey = [&](const Config &config, const std::string &path) {
      for (const auto &[name, value] : config.kwargs)
        if (std::find(space.keyNames.begin(), space.keyNames.end(), name) !=
            space.keyNames.end())
          failAt(fieldPath(fieldPath(path, "kwargs"), name),
                 "'" + name +
                     "' is a key argument; a constexpr cannot share its name");
    };

    for (std::size_t i = 0; i < configsIt->size(); ++i) {
      std::string path = indexPath("configs", i);
      Config config = detail::configFromJson((*configsIt)[i], path);
      checkAgainstKey(config, path);
      auto same =
          std::find(space.candidates.begin(), space.candidates.end(), config);
      if (same != space.candidates.end())
        failAt(path, "same config as " +
                         indexPath("configs", same - space.candidates.begin()));
      space.candidates.push_back(std::move(config));
    }

    if (auto it = document.find("default"); it == document.end()) {
      space.fallback = space.candidates.front();
      space.fallbackIndex = 0;
    } else if (it->is_number_integer()) {
      std::int64_t index = detail::readInteger(*it, "default");
      if (index < 0 ||
          index >= static_cast<std::int64_t>(space.candidates.size()))
        failAt("default", "index " + std::to_string(index) +
                              " is out of range; configs has " +
                              std::to_string(space.candidates.size()) +
                              " entries");
      space.fallbackIndex = static_cast<std::size_t>(index);
      space.fallback = space.candidates[*space.fallbackIndex];
    } else if (it->is_object()) {
      space.fallback = detail::configFromJson(*it, "default");
      checkAgainstKey(space.fallback, "default");
      auto same = std::find(space.candidates.begin(), space.candidates.end(),
                            space.fallback);
      if (same != space.candidates.end())
        space.fallbackIndex = same - space.candidates.begin();
    } else {
      failAt("default", "expected an index into configs or a config object, "
                        "got " +
                            detail::describeJson(*it));
    }

    if (auto it = document.find("prune"); it != document.end()) {
      if (!it->is_object())
        failAt("prune", "expected an object with keep_if, max_shared_bytes "
                        "and/or max_registers, got " +
                            detail::describeJson(*it));
      detail::rejectUnknownFields(
          *it, "prune", {"keep_if", "max_shared_bytes", "max_registers"});
      if (auto keepIf = it->find("keep_if"); keepIf != it->end()) {
        if (!keepIf->is_string())
          failAt("prune.keep_if", "expected an expression (a string), got " +
                                      detail::describeJson(*keepIf));
        space.keepIfExpr =
            PruneExpression::parse(keepIf->get<std::string>(), "prune.keep_if");
        space.checkExpressionNames();
      }
      if (auto cap = it->find("max_shared_bytes"); cap != it->end())
        space.sharedCap =
            readPositive(*cap, "prune.max_shared_bytes", std::int64_t(1) << 40,
                         "a number of bytes");
      if (auto cap = it->find("max_registers"); cap != it->end())
        space.registerCap = readPositive(*cap, "prune.max_registers", 255,
                                         "registers per thread");
    }

    if (auto it = document.find("reset_to_zero"); it != document.end())
      space.zeroed = readArgumentNames(*it, "reset_to_zero");
    if (auto it = document.find("restore_value"); it != document.end())
      space.restored = readArgumentNames(*it, "restore_value");

    space.canonicalText = space.canonicalJson();
    return space;
  } catch (const Error &error) {
    if (sourceName.empty())
      throw;
    throw Error(error.kind(), std::string(sourceName) + ": " + error.what());
  }
}

void ConfigSpace::checkExpressionNames() const {
  std::vector<std::pair<const Config *, std::string>> everyConfig;
  for (std::size_t i = 0; i < candidates.size(); ++i)
    everyConfig.emplace_back(&candidates[i], indexPath("configs", i));
  if (!fallbackIndex)
    everyConfig.emplace_back(&fallback, "default");

  for (const std::string &name : keepIfExpr->identifiers()) {
    if (name == "num_warps" || name == "num_stages" ||
        std::find(keyNames.begin(), keyNames.end(), name) != keyNames.end())
      continue;
    bool anyDefines = std::any_of(
        everyConfig.begin(), everyConfig.end(),
        [&](const auto &entry) { return entry.first->kwargs.count(name); });
    if (!anyDefines) {
      std::string known;
      for (const std::string &key : keyNames)
        known += key + ", ";
      for (const auto &[kwarg, value] : candidates.front().kwargs)
        known += kwarg + ", ";
      failAt("prune.keep_if", "unknown name '" + name +
                                  "'; the expression can read " + known +
                                  "num_warps and num_stages");
    }
    for (const auto &[config, path] : everyConfig) {
      auto it = config->kwargs.find(name);
      if (it == config->kwargs.end())
        failAt("prune.keep_if", "'" + name + "' is not a constexpr of " + path +
                                    "; give every config a value for it");
      if (std::holds_alternative<std::string>(it->second))
        failAt("prune.keep_if", "'" + name + "' is a string in " + path +
                                    "; expressions read integers and "
                                    "booleans only");
    }
  }
}

std::string ConfigSpace::canonicalJson() const {
  json configsJson = json::array();
  for (const Config &config : candidates)
    configsJson.push_back(detail::configToJson(config));
  json prune = json::object();
  if (keepIfExpr)
    prune["keep_if"] = keepIfExpr->text();
  if (sharedCap)
    prune["max_shared_bytes"] = *sharedCap;
  if (registerCap)
    prune["max_registers"] = *registerCap;
  json canonical = {{"key", keyNames},
                    {"configs", configsJson},
                    {"default", detail::configToJson(fallback)},
                    {"prune", prune},
                    {"reset_to_zero", zeroed},
                    {"restore_value", restored}};
  return canonical.dump();
}

ConfigSpace ConfigSpace::load(const std::filesystem::path &file) {
  std::ifstream stream(file, std::ios::binary);
  if (!stream)
    throw Error(Error::Kind::Io, "cannot read config space " + file.string() +
                                     ": " + std::strerror(errno));
  std::ostringstream text;
  text << stream.rdbuf();
  if (stream.bad())
    throw Error(Error::Kind::Io,
                "cannot read config space " + file.string() + ": read error");
  return parse(text.str(), file.string());
}

std::string ConfigSpace::fingerprint() const {
  return detail::stableHash(canonicalText);
}

PruneVerdict ConfigSpace::checkBeforeCompile(const Config &config,
                                             const KeyValues &key) const {
  if (!keepIfExpr)
    return {};
  auto lookup = [&](std::string_view name) -> std::optional<std::int64_t> {
    for (const auto &[keyName, value] : key)
      if (keyName == name)
        return value;
    if (name == "num_warps")
      return config.numWarps;
    if (name == "num_stages")
      return config.numStages;
    auto it = config.kwargs.find(std::string(name));
    if (it == config.kwargs.end())
      return std::nullopt;
    if (const auto *integer = std::get_if<std::int64_t>(&it->second))
      return *integer;
    if (const auto *boolean = std::get_if<bool>(&it->second))
      return *boolean ? 1 : 0;
    return std::nullopt;
  };
  PruneExpression::Value result = keepIfExpr->evaluate(lookup);

  // Say which values made the expression false, so a surprising prune can
  // be understood from the tuner's table alone.
  std::string values;
  for (const std::string &name : keepIfExpr->identifiers()) {
    auto value = lookup(name);
    values += (values.empty() ? "" : ", ") + name + "=" +
              (value ? std::to_string(*value) : std::string("?"));
  }
  if (!values.empty())
    values = " with " + values;

  if (!result.value)
    return {false,
            "prune.keep_if cannot be evaluated" + values + ": " + result.error};
  if (*result.value == 0)
    return {false, "prune.keep_if is false" + values};
  return {};
}

PruneVerdict ConfigSpace::checkAfterCompile(const ResourceUsage &usage) const {
  if (sharedCap && usage.sharedBytes > *sharedCap)
    return {false, "uses " + std::to_string(usage.sharedBytes) +
                       " bytes of shared memory, over prune.max_shared_bytes "
                       "= " +
                       std::to_string(*sharedCap)};
  if (registerCap && usage.registers && *usage.registers > *registerCap)
    return {false, "uses " + std::to_string(*usage.registers) +
                       " registers per thread, over prune.max_registers = " +
                       std::to_string(*registerCap)};
  return {};
}

void ConfigSpace::checkKeyValues(const KeyValues &key) const {
  std::string expected;
  for (const std::string &name : keyNames)
    expected += (expected.empty() ? "" : ", ") + name;
  bool matches = key.size() == keyNames.size();
  for (std::size_t i = 0; matches && i < key.size(); ++i)
    matches = key[i].first == keyNames[i];
  if (!matches)
    throw Error(Error::Kind::InvalidArgument,
                "key values (" + describeKey(key) +
                    ") do not match the config space's key (" + expected +
                    "); give one value per key argument, in that order");
}

KeyValues selectKeyValues(const ConfigSpace &space,
                          const std::vector<ArgumentValue> &arguments,
                          std::string_view kernelName) {
  std::string kernel = kernelName.empty()
                           ? "the kernel"
                           : "kernel '" + std::string(kernelName) + "'";
  KeyValues key;
  for (const std::string &name : space.key()) {
    auto it = std::find_if(
        arguments.begin(), arguments.end(),
        [&](const ArgumentValue &argument) { return argument.name == name; });
    if (it == arguments.end()) {
      std::string names;
      for (const ArgumentValue &argument : arguments)
        names += (names.empty() ? "" : ", ") + argument.name;
      throw Error(Error::Kind::InvalidArgument,
                  "the config space's key names '" + name + "', but " + kernel +
                      " has no argument of that name (its arguments: " +
                      (names.empty() ? "none" : names) +
                      "); fix `key` in the config space");
    }
    if (!it->intValue)
      throw Error(Error::Kind::InvalidArgument,
                  "key argument '" + name + "' of " + kernel +
                      " is not an integer; key arguments select tuning "
                      "entries by value, so name sizes or lengths in `key`");
    key.emplace_back(name, *it->intValue);
  }
  return key;
}

KeyValues selectKeyValues(const ConfigSpace &space,
                          const std::map<std::string, std::int64_t> &values,
                          std::string_view kernelName) {
  KeyValues key;
  for (const std::string &name : space.key()) {
    auto it = values.find(name);
    if (it == values.end()) {
      std::string expected;
      for (const std::string &keyName : space.key())
        expected += (expected.empty() ? "" : ", ") + keyName;
      throw Error(Error::Kind::InvalidArgument,
                  "no value for key argument '" + name + "'" +
                      (kernelName.empty()
                           ? std::string()
                           : " of kernel '" + std::string(kernelName) + "'") +
                      "; the config space's key is (" + expected + ")");
    }
    key.emplace_back(name, it->second);
  }
  return key;
}

} // namespace tritium::tune
