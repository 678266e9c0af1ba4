//===- CorpusSpec.cpp - Corpus launch descriptions and PTX signatures -----===//
//
// Reads tests/corpus/NAME/NAME.json (written by tests/corpus/gen_corpus.py)
// into a KernelSpec, and reads the .entry signatures of PTX files, so that a
// mismatch between the description and a kernel's parameter list is reported
// before anything is launched with the wrong arguments.
//
//===----------------------------------------------------------------------===//

#include "GpuCheck.h"

#include <cctype>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <sys/stat.h>

using nlohmann::json;

namespace tritium::gpucheck {

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

namespace {
struct DTypeRow {
  DType type;
  const char *name;
  size_t size;
  bool isFloat;
};
constexpr DTypeRow kDTypes[] = {
    {DType::F32, "float32", 4, true},   {DType::F16, "float16", 2, true},
    {DType::BF16, "bfloat16", 2, true}, {DType::F64, "float64", 8, true},
    {DType::I8, "int8", 1, false},      {DType::U8, "uint8", 1, false},
    {DType::I16, "int16", 2, false},    {DType::I32, "int32", 4, false},
    {DType::I64, "int64", 8, false},    {DType::Bool, "bool", 1, false},
};
const DTypeRow &row(DType type) {
  for (const DTypeRow &r : kDTypes)
    if (r.type == type)
      return r;
  return kDTypes[0];
}
} // namespace

std::optional<DType> parseDType(std::string_view name) {
  for (const DTypeRow &r : kDTypes)
    if (name == r.name)
      return r.type;
  // torch also spells a few of them this way.
  if (name == "float" || name == "fp32")
    return DType::F32;
  if (name == "half" || name == "fp16")
    return DType::F16;
  if (name == "bf16")
    return DType::BF16;
  return std::nullopt;
}
const char *dtypeName(DType type) { return row(type).name; }
size_t dtypeSize(DType type) { return row(type).size; }
bool isFloat(DType type) { return row(type).isFloat; }

const char *roleName(Role role) {
  switch (role) {
  case Role::In:
    return "in";
  case Role::Out:
    return "out";
  case Role::InOut:
    return "inout";
  }
  return "?";
}

size_t KernelSpec::numIRArgs() const {
  size_t count = 0;
  for (const ArgSpec &arg : args)
    count += arg.inIR;
  return count;
}

//===----------------------------------------------------------------------===//
// Files and lenient JSON
//===----------------------------------------------------------------------===//

std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw CheckError("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool fileExists(const std::string &path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

json parseLenientJson(const std::string &text, const std::string &what) {
  // Python's json.dump writes non-finite floats as bare NaN / Infinity /
  // -Infinity, which strict JSON (and nlohmann) rejects. Quote them outside
  // string literals; jsonToDouble turns them back into numbers.
  std::string fixed;
  fixed.reserve(text.size() + 16);
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (inString) {
      fixed += c;
      if (c == '\\' && i + 1 < text.size())
        fixed += text[++i];
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"') {
      inString = true;
      fixed += c;
      continue;
    }
    bool replaced = false;
    for (std::string_view token : {"-Infinity", "Infinity", "NaN"}) {
      if (text.compare(i, token.size(), token) == 0) {
        fixed += '"';
        fixed += token;
        fixed += '"';
        i += token.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced)
      fixed += c;
  }
  try {
    return json::parse(fixed);
  } catch (const json::exception &error) {
    throw CheckError(what + ": invalid JSON: " + error.what());
  }
}

double jsonToDouble(const json &value, const std::string &what) {
  if (value.is_number())
    return value.get<double>();
  if (value.is_boolean())
    return value.get<bool>() ? 1.0 : 0.0;
  if (value.is_string()) {
    const std::string &text = value.get_ref<const std::string &>();
    if (text == "NaN" || text == "nan")
      return std::numeric_limits<double>::quiet_NaN();
    if (text == "Infinity" || text == "inf")
      return std::numeric_limits<double>::infinity();
    if (text == "-Infinity" || text == "-inf")
      return -std::numeric_limits<double>::infinity();
  }
  throw CheckError(what + ": expected a number, got " + value.dump());
}

//===----------------------------------------------------------------------===//
// Launch description
//===----------------------------------------------------------------------===//

namespace {

const json &require(const json &object, const char *key,
                    const std::string &where) {
  if (!object.is_object() || !object.contains(key))
    throw CheckError(where + ": missing \"" + key + "\"");
  return object.at(key);
}

int64_t requireInt(const json &object, const char *key,
                   const std::string &where) {
  const json &value = require(object, key, where);
  if (!value.is_number_integer())
    throw CheckError(where + ": \"" + key +
                     "\" is not an integer: " + value.dump());
  return value.get<int64_t>();
}

/// metadata fields are optional in a hand-written description; default them.
uint64_t optionalUnsigned(const json &object, const char *key,
                          uint64_t fallback) {
  if (!object.is_object() || !object.contains(key) ||
      !object.at(key).is_number_integer())
    return fallback;
  return object.at(key).get<uint64_t>();
}

bool optionalBool(const json &object, const char *key) {
  return object.is_object() && object.contains(key) &&
         object.at(key).is_boolean() && object.at(key).get<bool>();
}

InitSpec parseInit(const json &init, DType dtype, const std::string &where) {
  InitSpec spec;
  spec.kind = require(init, "kind", where).get<std::string>();
  auto number = [&](const char *key, double fallback) {
    return init.contains(key) ? jsonToDouble(init.at(key), where + "." + key)
                              : fallback;
  };
  if (spec.kind == "randn") {
    spec.scale = number("scale", 1.0);
    spec.shift = number("shift", 0.0);
  } else if (spec.kind == "uniform") {
    spec.low = number("low", 0.0);
    spec.high = number("high", 1.0);
  } else if (spec.kind == "randint") {
    spec.intLow = requireInt(init, "low", where);
    spec.intHigh = requireInt(init, "high", where);
    if (spec.intHigh <= spec.intLow)
      throw CheckError(where + ": randint range [" +
                       std::to_string(spec.intLow) + ", " +
                       std::to_string(spec.intHigh) + ") is empty");
  } else if (spec.kind == "full") {
    const json &value = require(init, "value", where);
    spec.fullIsInt = value.is_number_integer();
    if (spec.fullIsInt)
      spec.fullInt = value.get<int64_t>();
    spec.fullValue = jsonToDouble(value, where + ".value");
    if (!spec.fullIsInt && !isFloat(dtype) && std::isfinite(spec.fullValue))
      spec.fullInt = static_cast<int64_t>(spec.fullValue);
  }
  // Unknown kinds ("unknown" is what gen_corpus.py writes for a tensor it did
  // not make through its factories) are reported when the tensor is drawn.
  return spec;
}

} // namespace

KernelSpec loadKernelSpec(const std::string &corpusDir,
                          const std::string &name) {
  KernelSpec spec;
  spec.name = name;
  spec.dir = corpusDir + "/" + name;
  std::string path = spec.dir + "/" + name + ".json";
  json root = parseLenientJson(readFile(path), path);
  const std::string where = name + ".json";

  const json &metadata =
      root.contains("metadata") ? root.at("metadata") : json::object();
  // The symbol is Triton's metadata.name; kernel_fn is the Python name, which
  // is the same for every corpus kernel but need not be.
  if (metadata.contains("name") && metadata.at("name").is_string())
    spec.symbol = metadata.at("name").get<std::string>();
  else if (root.contains("kernel_fn") && root.at("kernel_fn").is_string())
    spec.symbol = root.at("kernel_fn").get<std::string>();
  else
    throw CheckError(where + ": no metadata.name or kernel_fn");

  const json &grid = require(root, "grid", where);
  if (!grid.is_array() || grid.empty() || grid.size() > 3)
    throw CheckError(where + ": grid must be a list of 1 to 3 integers");
  for (size_t d = 0; d < grid.size(); ++d) {
    if (!grid[d].is_number_integer() || grid[d].get<int64_t>() < 1 ||
        grid[d].get<int64_t>() > std::numeric_limits<int32_t>::max())
      throw CheckError(where + ": bad grid " + grid.dump());
    spec.grid[d] = grid[d].get<unsigned>();
  }

  if (root.contains("constexprs") && root.at("constexprs").is_object())
    for (const auto &[key, value] : root.at("constexprs").items())
      if (value.is_number_integer())
        spec.constexprs[key] = value.get<int64_t>();

  spec.numWarps = static_cast<unsigned>(requireInt(root, "num_warps", where));
  uint64_t metaWarps = optionalUnsigned(metadata, "num_warps", spec.numWarps);
  if (metaWarps != spec.numWarps)
    spec.oddities.push_back("num_warps " + std::to_string(spec.numWarps) +
                            " but metadata.num_warps " +
                            std::to_string(metaWarps) +
                            " (the metadata one is used)");
  // Triton compiled the PTX for metadata.num_warps; launch with that.
  spec.numWarps = static_cast<unsigned>(metaWarps);
  if (spec.numWarps == 0 || spec.numWarps > 32)
    throw CheckError(where + ": num_warps " + std::to_string(spec.numWarps));
  if (!metadata.contains("shared"))
    spec.oddities.push_back("no metadata.shared; assuming 0 bytes");
  spec.sharedBytes =
      static_cast<unsigned>(optionalUnsigned(metadata, "shared", 0));
  spec.globalScratchSize = optionalUnsigned(metadata, "global_scratch_size", 0);
  spec.globalScratchAlign =
      optionalUnsigned(metadata, "global_scratch_align", 1);
  spec.profileScratchSize =
      optionalUnsigned(metadata, "profile_scratch_size", 0);
  spec.profileScratchAlign =
      optionalUnsigned(metadata, "profile_scratch_align", 1);
  spec.numCtas =
      static_cast<unsigned>(optionalUnsigned(metadata, "num_ctas", 1));
  spec.cooperativeGrid = optionalBool(metadata, "launch_cooperative_grid");
  spec.programmaticLaunch = optionalBool(metadata, "launch_pdl");

  const json &args = require(root, "args", where);
  if (!args.is_array())
    throw CheckError(where + ": args is not a list");
  for (size_t i = 0; i < args.size(); ++i) {
    const json &entry = args[i];
    ArgSpec arg;
    arg.name =
        require(entry, "name", where + ".args[" + std::to_string(i) + "]")
            .get<std::string>();
    std::string argWhere = where + ": arg '" + arg.name + "'";
    std::string kind = require(entry, "kind", argWhere).get<std::string>();
    std::string dtypeText =
        require(entry, "dtype", argWhere).get<std::string>();
    std::optional<DType> dtype = parseDType(dtypeText);
    if (!dtype)
      throw CheckError(argWhere + ": unknown dtype '" + dtypeText + "'");
    arg.dtype = *dtype;
    std::string role = entry.value("role", std::string("in"));
    if (role == "in")
      arg.role = Role::In;
    else if (role == "out")
      arg.role = Role::Out;
    else if (role == "inout")
      arg.role = Role::InOut;
    else
      throw CheckError(argWhere + ": unknown role '" + role + "'");
    if (entry.contains("in_ttir")) {
      arg.inIR = entry.at("in_ttir").get<bool>();
    } else {
      spec.oddities.push_back("arg '" + arg.name +
                              "' has no in_ttir flag; assumed a parameter");
    }

    if (kind == "tensor") {
      arg.isTensor = true;
      const json &shape = require(entry, "shape", argWhere);
      int64_t numel = 1;
      for (const json &dim : shape) {
        if (!dim.is_number_integer() || dim.get<int64_t>() < 0)
          throw CheckError(argWhere + ": bad shape " + shape.dump());
        arg.shape.push_back(dim.get<int64_t>());
        numel *= dim.get<int64_t>();
      }
      // Allocate the whole storage the strides span, not just numel, so a
      // strided view in a future description cannot read past the buffer.
      int64_t span = numel == 0 ? 0 : 1;
      bool contiguous = true;
      if (entry.contains("strides")) {
        const json &strides = entry.at("strides");
        if (strides.size() != arg.shape.size())
          throw CheckError(argWhere + ": strides and shape differ in rank");
        int64_t expected = 1;
        for (size_t d = arg.shape.size(); d-- > 0;) {
          int64_t stride = strides[d].get<int64_t>();
          if (stride < 0)
            throw CheckError(argWhere + ": negative stride");
          if (arg.shape[d] > 1 && stride != expected)
            contiguous = false;
          if (numel != 0)
            span += (arg.shape[d] - 1) * stride;
          expected *= arg.shape[d];
        }
      }
      if (!contiguous)
        spec.oddities.push_back("tensor '" + arg.name +
                                "' is not contiguous; its whole span is "
                                "drawn and compared");
      arg.numel = std::max(numel, span);
      if (!entry.contains("init"))
        throw CheckError(argWhere + ": tensor without init");
      arg.init = parseInit(entry.at("init"), arg.dtype, argWhere + " init");
      if (!arg.inIR)
        spec.oddities.push_back("tensor '" + arg.name +
                                "' has in_ttir=false; a tensor cannot be "
                                "specialised away");
    } else if (kind == "scalar") {
      if (arg.role != Role::In)
        throw CheckError(argWhere + ": a scalar can only be an input");
      const json &value = require(entry, "value", argWhere);
      if (isFloat(arg.dtype)) {
        arg.scalarIsInt = false;
        arg.floatValue = jsonToDouble(value, argWhere + " value");
      } else if (value.is_boolean()) {
        arg.intValue = value.get<bool>();
      } else if (value.is_number_integer()) {
        arg.intValue = value.get<int64_t>();
      } else {
        throw CheckError(argWhere + ": integer scalar with value " +
                         value.dump());
      }
      // Triton 3.6 specialises integer arguments equal to 1 into constants;
      // anything else marked absent from the IR is a description error.
      if (!arg.inIR && !(arg.scalarIsInt && arg.intValue == 1))
        spec.oddities.push_back("scalar '" + arg.name +
                                "' has in_ttir=false but value " +
                                value.dump() + " (Triton only drops 1)");
      if (arg.dtype == DType::I32 &&
          (arg.intValue < std::numeric_limits<int32_t>::min() ||
           arg.intValue > std::numeric_limits<int32_t>::max()))
        spec.oddities.push_back("scalar '" + arg.name + "' value " +
                                value.dump() + " does not fit int32");
    } else {
      throw CheckError(argWhere + ": unknown kind '" + kind + "'");
    }
    spec.args.push_back(std::move(arg));
  }

  // Cross-check against the TTIR signature gen_corpus.py recorded: the IR
  // arguments, in order, are exactly the kernel's parameters.
  if (root.contains("ttir_signature") && root.at("ttir_signature").is_array()) {
    std::vector<std::string> irNames;
    for (const ArgSpec &arg : spec.args)
      if (arg.inIR)
        irNames.push_back(arg.name);
    std::vector<std::string> sigNames;
    for (const json &param : root.at("ttir_signature"))
      if (param.is_array() && !param.empty() && param[0].is_string())
        sigNames.push_back(param[0].get<std::string>());
    if (irNames != sigNames) {
      std::string text;
      for (const std::string &n : sigNames)
        text += (text.empty() ? "" : ",") + n;
      spec.oddities.push_back("args with in_ttir=true differ from "
                              "ttir_signature [" +
                              text + "]");
    }
  }
  return spec;
}

//===----------------------------------------------------------------------===//
// PTX signatures
//===----------------------------------------------------------------------===//

namespace {

unsigned ptxTypeBytes(std::string_view type) {
  if (type == "pred")
    return 1;
  if (type.size() < 2)
    return 0;
  char kind = type[0];
  if (kind != 'u' && kind != 's' && kind != 'b' && kind != 'f')
    return 0;
  int bits = 0;
  for (char c : type.substr(1)) {
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return 0;
    bits = bits * 10 + (c - '0');
  }
  return bits % 8 == 0 ? bits / 8 : 0;
}

std::vector<std::string> splitTokens(const std::string &text) {
  std::vector<std::string> tokens;
  std::string current;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!current.empty())
        tokens.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty())
    tokens.push_back(std::move(current));
  return tokens;
}

/// Parses ".param .u64 .ptr .global .align 1 name" or
/// ".param .align 8 .b8 name[16]".
PtxParam parseParam(const std::string &text) {
  PtxParam param;
  std::vector<std::string> tokens = splitTokens(text);
  unsigned elementBytes = 0;
  std::string name;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string &token = tokens[i];
    if (token == ".param")
      continue;
    if (token == ".align") {
      ++i; // skip the alignment value
      continue;
    }
    if (token == ".ptr") {
      param.isPointer = true;
      continue;
    }
    if (token[0] == '.') {
      unsigned bytes = ptxTypeBytes(std::string_view(token).substr(1));
      if (bytes != 0) {
        elementBytes = bytes;
        param.type = token.substr(1);
      }
      continue; // state spaces (.global) and the like
    }
    name = token;
  }
  unsigned count = 1;
  size_t bracket = name.find('[');
  if (bracket != std::string::npos)
    count = static_cast<unsigned>(std::stoul(name.substr(bracket + 1)));
  param.bytes = elementBytes * count;
  return param;
}

/// Product of the numbers after a ".reqntid"/".maxntid" directive.
unsigned parseThreadDirective(const std::string &header,
                              const char *directive) {
  size_t at = header.find(directive);
  if (at == std::string::npos)
    return 0;
  at += std::string_view(directive).size();
  unsigned product = 1;
  bool any = false;
  while (at < header.size()) {
    while (at < header.size() &&
           (header[at] == ' ' || header[at] == '\t' || header[at] == ','))
      ++at;
    if (at >= header.size() ||
        !std::isdigit(static_cast<unsigned char>(header[at])))
      break;
    unsigned value = 0;
    while (at < header.size() &&
           std::isdigit(static_cast<unsigned char>(header[at])))
      value = value * 10 + (header[at++] - '0');
    product *= value;
    any = true;
  }
  return any ? product : 0;
}

bool hasInstruction(const std::string &ptx, std::string_view opcode) {
  // "red." also occurs inside ".shared."; require a token start before it.
  for (size_t at = ptx.find(opcode); at != std::string::npos;
       at = ptx.find(opcode, at + 1))
    if (at == 0 || std::isspace(static_cast<unsigned char>(ptx[at - 1])))
      return true;
  return false;
}

std::string directiveValue(const std::string &ptx, const char *directive) {
  size_t at = ptx.find(directive);
  if (at == std::string::npos)
    return "";
  std::vector<std::string> tokens =
      splitTokens(ptx.substr(at, ptx.find('\n', at) - at));
  return tokens.size() > 1 ? tokens[1] : "";
}

} // namespace

const PtxEntry *PtxInfo::findEntry(const std::string &name) const {
  for (const PtxEntry &entry : entries)
    if (entry.name == name)
      return &entry;
  return nullptr;
}

PtxInfo parsePtx(const std::string &ptx) {
  PtxInfo info;
  info.version = directiveValue(ptx, ".version");
  info.target = directiveValue(ptx, ".target");
  info.usesPrintf = ptx.find("vprintf") != std::string::npos;
  info.usesAssert = ptx.find("__assertfail") != std::string::npos;
  info.usesAtomics =
      hasInstruction(ptx, "atom.") || hasInstruction(ptx, "red.");
  for (size_t at = ptx.find(".entry"); at != std::string::npos;
       at = ptx.find(".entry", at + 1)) {
    size_t open = ptx.find('(', at);
    size_t body = ptx.find('{', at);
    if (open == std::string::npos || body == std::string::npos)
      break;
    PtxEntry entry;
    std::vector<std::string> nameTokens =
        splitTokens(ptx.substr(at + 6, std::min(open, body) - at - 6));
    if (nameTokens.empty())
      continue;
    entry.name = nameTokens[0];
    size_t close = open < body ? ptx.find(')', open) : std::string::npos;
    if (close != std::string::npos) {
      std::string list = ptx.substr(open + 1, close - open - 1);
      std::stringstream items(list);
      std::string item;
      while (std::getline(items, item, ','))
        if (item.find(".param") != std::string::npos)
          entry.params.push_back(parseParam(item));
    }
    std::string header =
        ptx.substr(close == std::string::npos ? at : close,
                   body - (close == std::string::npos ? at : close));
    entry.reqNtid = parseThreadDirective(header, ".reqntid");
    entry.maxNtid = parseThreadDirective(header, ".maxntid");
    info.entries.push_back(std::move(entry));
  }
  return info;
}

std::string checkEntryAbi(const PtxEntry &entry, const KernelSpec &spec) {
  std::vector<std::pair<std::string, unsigned>> expected;
  for (const ArgSpec &arg : spec.args) {
    if (!arg.inIR)
      continue;
    unsigned bytes =
        arg.isTensor ? 8 : static_cast<unsigned>(dtypeSize(arg.dtype));
    expected.emplace_back(arg.name, bytes);
  }
  expected.emplace_back("<global scratch>", 8);
  expected.emplace_back("<profile scratch>", 8);
  if (entry.params.size() != expected.size())
    return "entry '" + entry.name + "' has " +
           std::to_string(entry.params.size()) + " parameters, expected " +
           std::to_string(expected.size()) + " (" +
           std::to_string(spec.numIRArgs()) +
           " IR arguments + 2 Triton scratch pointers)";
  for (size_t i = 0; i < expected.size(); ++i) {
    const PtxParam &param = entry.params[i];
    // A Triton i1 scalar travels as a wider integer; only a size smaller
    // than the value or a pointer-sized mismatch would misplace the rest.
    bool fits =
        param.bytes == expected[i].second ||
        (expected[i].second == 1 && param.bytes <= 4 && param.bytes > 0);
    if (!fits)
      return "parameter " + std::to_string(i) + " ('" + expected[i].first +
             "') is ." + param.type + " (" + std::to_string(param.bytes) +
             " bytes), expected " + std::to_string(expected[i].second) +
             " bytes";
  }
  return "";
}

} // namespace tritium::gpucheck
