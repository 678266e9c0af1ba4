//===- ConfigJson.h - JSON form of configs, shared by the tuning files
//-----===//
//
// Internal to TritiumTune: the config space parser and the tuning store both
// read configs from JSON and write them back, with the same validation and
// the same JSON paths in their error messages.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_LIB_TUNE_CONFIGJSON_H
#define TRITIUM_LIB_TUNE_CONFIGJSON_H

#include "tritium/Tune/ConfigSpace.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace tritium::tune::detail {

/// Throws tritium::Error (InvalidArgument) with "<path>: <message>".
[[noreturn]] void failAt(std::string_view path, const std::string &message);

/// `path.field`, or `path["odd name"]` when the field is not an identifier.
std::string fieldPath(std::string_view path, std::string_view field);
/// `path[index]`.
std::string indexPath(std::string_view path, std::size_t index);

/// A value as the user wrote it, shortened for error messages.
std::string describeJson(const nlohmann::json &value);

/// Whether \p name is a C identifier (the names expressions can read).
bool isIdentifier(std::string_view name);

/// Reads an integer (not a float, not a bool); fails with the path.
std::int64_t readInteger(const nlohmann::json &value, std::string_view path);

/// Fails at the first field of \p object not in \p allowed.
void rejectUnknownFields(const nlohmann::json &object, std::string_view path,
                         std::initializer_list<std::string_view> allowed);

/// Reads one config object (`kwargs`, `num_warps`, `num_stages`, `maxnreg`).
Config configFromJson(const nlohmann::json &value, std::string_view path);

/// The inverse of configFromJson; maxnreg only when set.
nlohmann::json configToJson(const Config &config);

/// 64-bit FNV-1a of \p bytes as 16 lowercase hex digits: stable across
/// processes, builds and machines (std::hash is not).
std::string stableHash(std::string_view bytes);

} // namespace tritium::tune::detail

#endif // TRITIUM_LIB_TUNE_CONFIGJSON_H
