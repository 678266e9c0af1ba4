//===- ConfigJson.cpp - JSON form of configs, shared by the tuning files --===//

#include "ConfigJson.h"

#include "tritium/Runtime/Error.h"

#include <limits>

namespace tritium::tune::detail {

using nlohmann::json;

void failAt(std::string_view path, const std::string &message) {
  std::string text(path.empty() ? std::string_view("(top level)") : path);
  throw Error(Error::Kind::InvalidArgument, text + ": " + message);
}

bool isIdentifier(std::string_view name) {
  if (name.empty())
    return false;
  auto isStart = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  };
  if (!isStart(name.front()))
    return false;
  for (char c : name)
    if (!isStart(c) && !(c >= '0' && c <= '9'))
      return false;
  return true;
}

std::string fieldPath(std::string_view path, std::string_view field) {
  std::string result(path);
  if (isIdentifier(field)) {
    if (!result.empty())
      result += '.';
    result += field;
  } else {
    result += '[';
    result += json(std::string(field)).dump();
    result += ']';
  }
  return result;
}

std::string indexPath(std::string_view path, std::size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

std::string describeJson(const json &value) {
  std::string text = value.dump();
  constexpr std::size_t maxLength = 60;
  if (text.size() > maxLength)
    text = text.substr(0, maxLength - 3) + "...";
  switch (value.type()) {
  case json::value_t::object:
    return "an object " + text;
  case json::value_t::array:
    return "an array " + text;
  case json::value_t::string:
    return "the string " + text;
  case json::value_t::null:
    return "null";
  default:
    return text;
  }
}

std::int64_t readInteger(const json &value, std::string_view path) {
  if (value.is_number_integer() && !value.is_number_unsigned())
    return value.get<std::int64_t>();
  if (value.is_number_unsigned()) {
    auto number = value.get<std::uint64_t>();
    if (number <=
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return static_cast<std::int64_t>(number);
    failAt(path, "integer " + value.dump() + " does not fit in 64 bits");
  }
  failAt(path, "expected an integer, got " + describeJson(value));
}

void rejectUnknownFields(const json &object, std::string_view path,
                         std::initializer_list<std::string_view> allowed) {
  for (const auto &[name, value] : object.items()) {
    bool known = false;
    for (std::string_view candidate : allowed)
      known = known || candidate == name;
    if (known)
      continue;
    std::string list;
    for (std::string_view candidate : allowed)
      list += (list.empty() ? "" : ", ") + std::string(candidate);
    failAt(fieldPath(path, name), "unknown field; expected one of " + list);
  }
}

static bool isPowerOfTwo(std::int64_t value) {
  return value > 0 && (value & (value - 1)) == 0;
}

// Names an expression or the launch reads besides the constexprs; a constexpr
// of the same name would be ambiguous.
static bool isReservedName(std::string_view name) {
  return name == "num_warps" || name == "num_stages" || name == "maxnreg" ||
         name == "true" || name == "false";
}

Config configFromJson(const json &value, std::string_view path) {
  if (!value.is_object())
    failAt(path, "expected a config object {\"kwargs\": {...}, \"num_warps\": "
                 "N, \"num_stages\": N}, got " +
                     describeJson(value));
  rejectUnknownFields(value, path,
                      {"kwargs", "num_warps", "num_stages", "maxnreg"});

  Config config;
  if (auto it = value.find("kwargs"); it != value.end()) {
    std::string kwargsPath = fieldPath(path, "kwargs");
    if (!it->is_object())
      failAt(kwargsPath, "expected an object of constexpr values, got " +
                             describeJson(*it));
    for (const auto &[name, constant] : it->items()) {
      std::string valuePath = fieldPath(kwargsPath, name);
      if (!isIdentifier(name))
        failAt(valuePath, "constexpr names must be identifiers "
                          "([A-Za-z_][A-Za-z0-9_]*)");
      if (isReservedName(name))
        failAt(valuePath, "'" + name +
                              "' is reserved (a launch option or a literal), "
                              "not a constexpr name; set num_warps, "
                              "num_stages and maxnreg beside kwargs");
      if (constant.is_boolean())
        config.kwargs[name] = constant.get<bool>();
      else if (constant.is_string())
        config.kwargs[name] = constant.get<std::string>();
      else if (constant.is_number_integer())
        config.kwargs[name] = readInteger(constant, valuePath);
      else
        failAt(valuePath, "expected an integer, a boolean or a string, got " +
                              describeJson(constant));
    }
  }

  if (auto it = value.find("num_warps"); it != value.end()) {
    std::string warpsPath = fieldPath(path, "num_warps");
    std::int64_t warps =
        it->is_number_integer() ? readInteger(*it, warpsPath) : 0;
    if (!isPowerOfTwo(warps) || warps > 32)
      failAt(warpsPath, "expected a power of two between 1 and 32, got " +
                            describeJson(*it));
    config.numWarps = static_cast<int>(warps);
  }

  if (auto it = value.find("num_stages"); it != value.end()) {
    std::string stagesPath = fieldPath(path, "num_stages");
    std::int64_t stages =
        it->is_number_integer() ? readInteger(*it, stagesPath) : 0;
    if (stages < 1 || stages > 16)
      failAt(stagesPath,
             "expected an integer between 1 and 16, got " + describeJson(*it));
    config.numStages = static_cast<int>(stages);
  }

  if (auto it = value.find("maxnreg"); it != value.end()) {
    std::string registersPath = fieldPath(path, "maxnreg");
    std::int64_t registers =
        it->is_number_integer() ? readInteger(*it, registersPath) : 0;
    // ptxas accepts 16..255 registers per thread; fewer cannot hold a kernel.
    if (registers < 16 || registers > 255)
      failAt(registersPath, "expected registers per thread between 16 and "
                            "255, got " +
                                describeJson(*it));
    config.maxRegisters = static_cast<int>(registers);
  }
  return config;
}

json configToJson(const Config &config) {
  json kwargs = json::object();
  for (const auto &[name, value] : config.kwargs)
    std::visit([&, &name = name](const auto &v) { kwargs[name] = v; }, value);
  json result = {{"kwargs", kwargs},
                 {"num_warps", config.numWarps},
                 {"num_stages", config.numStages}};
  if (config.maxRegisters)
    result["maxnreg"] = *config.maxRegisters;
  return result;
}

std::string stableHash(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char byte : bytes) {
    hash ^= byte;
    hash *= 0x100000001b3ull;
  }
  static const char digits[] = "0123456789abcdef";
  std::string text(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4)
    text[i] = digits[hash & 0xf];
  return text;
}

} // namespace tritium::tune::detail
