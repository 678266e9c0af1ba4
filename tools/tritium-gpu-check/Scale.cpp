//===- Scale.cpp - Corpus kernels at sizes that fill the GPU --------------===//
//
// The scale rules of GpuCheck.h: which tensor dimensions, integer arguments
// and grid dimensions follow a kernel's one growing extent. A rule is checked
// against the corpus description before it is used, so a rule that does not
// describe the kernel (a wrong dimension, a grid that does not follow the
// extent) is an error rather than a launch with inconsistent sizes.
//
//===----------------------------------------------------------------------===//

#include "GpuCheck.h"

#include <limits>

using nlohmann::json;

namespace tritium::gpucheck {

namespace {

// The rules for the kernels issue 3 measures (vector add, softmax, layernorm,
// the GQA score kernel of ../shared/triton-ir, which is the corpus'
// gqa_scores) and some more memory-bound ones. Row kernels (one program per
// row, the row length a constexpr-bounded argument) grow in rows; 1-D
// kernels in n; gqa_scores in the sequence length S.
constexpr const char *kBuiltinRules = R"json({
  "vector_add":          {"tensors": {"x_ptr": 0, "y_ptr": 0, "out_ptr": 0},
                          "ints": ["n"], "grid": {"0": "BLOCK"}},
  "softmax_rows":        {"tensors": {"in_ptr": 0, "out_ptr": 0},
                          "extent": "rows", "grid": {"0": 1}},
  "layernorm_fwd":       {"tensors": {"x_ptr": 0, "y_ptr": 0},
                          "extent": "rows", "grid": {"0": 1}},
  "gqa_scores":          {"tensors": {"k_ptr": 2, "out_ptr": 2},
                          "ints": ["S"], "grid": {"0": "BLOCK_S"}},
  "online_softmax":      {"tensors": {"x_ptr": 0, "out_ptr": 0},
                          "extent": "rows", "grid": {"0": 1}},
  "fused_bias_act_gelu": {"tensors": {"x_ptr": 0, "out_ptr": 0},
                          "extent": "rows", "grid": {"0": 1}},
  "eltwise_f16":         {"tensors": {"x_ptr": 0, "y_ptr": 0, "out16_ptr": 0,
                                      "out32_ptr": 0},
                          "ints": ["n"], "grid": {"0": "BLOCK"}},
  "silu_mul_bf16":       {"tensors": {"gate_ptr": 0, "up_ptr": 0, "out_ptr": 0,
                                      "sum_ptr": 0},
                          "ints": ["n"], "grid": {"0": "BLOCK"}},
  "eltwise_math_f32":    {"tensors": {"x_ptr": 0, "y_ptr": 0, "out_ptr": 1},
                          "ints": ["n"], "grid": {"0": "BLOCK"}},
  "row_reduce":          {"tensors": {"x_ptr": 0, "sum_ptr": 0, "max_ptr": 0,
                                      "min_ptr": 0, "absmax_ptr": 0,
                                      "npos_ptr": 0, "xor_ptr": 0},
                          "ints": ["n_rows"], "grid": {"0": "BLOCK_R"}}
})json";

const ArgSpec *findArg(const KernelSpec &spec, const std::string &name) {
  for (const ArgSpec &arg : spec.args)
    if (arg.name == name)
      return &arg;
  return nullptr;
}

ArgSpec *findArg(KernelSpec &spec, const std::string &name) {
  return const_cast<ArgSpec *>(
      findArg(static_cast<const KernelSpec &>(spec), name));
}

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

int64_t product(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

} // namespace

std::map<std::string, ScaleRule> parseScaleRules(const json &rules,
                                                 const std::string &where) {
  if (!rules.is_object())
    throw CheckError(where + ": scale rules must be an object of kernels");
  std::map<std::string, ScaleRule> parsed;
  for (const auto &[kernel, body] : rules.items()) {
    std::string at = where + ": " + kernel;
    if (!body.is_object() || !body.contains("tensors") ||
        !body.at("tensors").is_object() || body.at("tensors").empty())
      throw CheckError(at + ": needs \"tensors\": {ARG: DIM, ...}");
    ScaleRule rule;
    rule.kernel = kernel;
    if (body.contains("extent"))
      rule.extentName = body.at("extent").get<std::string>();
    for (const auto &[arg, dim] : body.at("tensors").items()) {
      if (!dim.is_number_unsigned())
        throw CheckError(at + ": tensor '" + arg + "' needs a dimension index");
      rule.tensorDims.emplace_back(arg, dim.get<unsigned>());
    }
    if (body.contains("ints")) {
      if (!body.at("ints").is_array())
        throw CheckError(at + ": \"ints\" must be a list of argument names");
      for (const json &name : body.at("ints"))
        rule.ints.push_back(name.get<std::string>());
    }
    if (body.contains("grid")) {
      if (!body.at("grid").is_object())
        throw CheckError(at + ": \"grid\" must map dimensions to blocks");
      for (const auto &[dimText, block] : body.at("grid").items()) {
        ScaleRule::GridDim grid;
        if (dimText != "0" && dimText != "1" && dimText != "2")
          throw CheckError(at + ": grid dimension '" + dimText + "'");
        grid.dim = static_cast<unsigned>(dimText[0] - '0');
        if (block.is_string())
          grid.blockName = block.get<std::string>();
        else if (block.is_number_integer() && block.get<int64_t>() > 0)
          grid.blockValue = block.get<int64_t>();
        else
          throw CheckError(at + ": grid block must be a constexpr name or a "
                                "positive number");
        rule.grid.push_back(grid);
      }
    }
    parsed[kernel] = std::move(rule);
  }
  return parsed;
}

std::map<std::string, ScaleRule> builtinScaleRules() {
  return parseScaleRules(json::parse(kBuiltinRules), "built-in scale rules");
}

uint64_t tensorTraffic(const KernelSpec &spec) {
  uint64_t bytes = 0;
  for (const ArgSpec &arg : spec.args)
    if (arg.isTensor)
      bytes += uint64_t(arg.numel) * dtypeSize(arg.dtype) *
               (arg.role == Role::InOut ? 2 : 1);
  return bytes;
}

void applyScale(KernelSpec &spec, const ScaleRule &rule, uint64_t factor) {
  const std::string where = "scale rule for " + spec.name;
  if (factor == 0)
    throw CheckError(where + ": scale 0");

  // The extent, from the first listed tensor; everything listed must agree.
  int64_t extent = -1;
  for (const auto &[name, dim] : rule.tensorDims) {
    const ArgSpec *arg = findArg(spec, name);
    if (!arg || !arg->isTensor)
      throw CheckError(where + ": no tensor argument '" + name + "'");
    if (dim >= arg->shape.size())
      throw CheckError(where + ": '" + name + "' has no dimension " +
                       std::to_string(dim));
    if (arg->numel != product(arg->shape))
      throw CheckError(where + ": '" + name +
                       "' is not contiguous; scaling it is not supported");
    int64_t size = arg->shape[dim];
    if (extent < 0)
      extent = size;
    else if (size != extent)
      throw CheckError(where + ": '" + name + "'[" + std::to_string(dim) +
                       "] is " + std::to_string(size) + ", not the extent " +
                       std::to_string(extent));
  }
  for (const std::string &name : rule.ints) {
    const ArgSpec *arg = findArg(spec, name);
    if (!arg || arg->isTensor || !arg->scalarIsInt)
      throw CheckError(where + ": no integer argument '" + name + "'");
    if (arg->intValue != extent)
      throw CheckError(where + ": '" + name + "' is " +
                       std::to_string(arg->intValue) + ", not the extent " +
                       std::to_string(extent));
    if (!arg->inIR)
      throw CheckError(where + ": '" + name +
                       "' was specialised away (equal to 1); it cannot grow");
  }
  auto blockOf = [&](const ScaleRule::GridDim &grid) {
    if (grid.blockName.empty())
      return grid.blockValue;
    auto it = spec.constexprs.find(grid.blockName);
    if (it == spec.constexprs.end() || it->second <= 0)
      throw CheckError(where + ": no positive integer constexpr '" +
                       grid.blockName + "'");
    return it->second;
  };
  for (const ScaleRule::GridDim &grid : rule.grid) {
    int64_t expected = ceilDiv(extent, blockOf(grid));
    if (spec.grid[grid.dim] != expected)
      throw CheckError(
          where + ": grid[" + std::to_string(grid.dim) + "] is " +
          std::to_string(spec.grid[grid.dim]) +
          ", not ceil(extent / block) = " + std::to_string(expected));
  }

  constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
  if (extent > 0 && uint64_t(extent) > uint64_t(kInt32Max) / factor)
    throw CheckError(where + ": extent " + std::to_string(extent) + " x " +
                     std::to_string(factor) + " leaves int32");
  int64_t scaled = extent * static_cast<int64_t>(factor);
  for (const auto &[name, dim] : rule.tensorDims) {
    ArgSpec &arg = *findArg(spec, name);
    arg.shape[dim] = scaled;
    arg.numel = product(arg.shape);
    // The corpus kernels compute most offsets in int32.
    if (arg.numel > kInt32Max)
      throw CheckError(where + ": '" + name + "' would hold " +
                       std::to_string(arg.numel) +
                       " elements, past int32 offsets");
  }
  for (const std::string &name : rule.ints) {
    ArgSpec &arg = *findArg(spec, name);
    arg.intValue = scaled;
    if (arg.dtype == DType::I32 && scaled > kInt32Max)
      throw CheckError(where + ": '" + name + "' leaves int32");
  }
  for (const ScaleRule::GridDim &grid : rule.grid) {
    int64_t programs = ceilDiv(scaled, blockOf(grid));
    int64_t limit = grid.dim == 0 ? kInt32Max : 65535;
    if (programs > limit)
      throw CheckError(where + ": grid[" + std::to_string(grid.dim) +
                       "] would be " + std::to_string(programs));
    spec.grid[grid.dim] = static_cast<unsigned>(programs);
  }

  spec.scale = factor;
  std::string text;
  if (!rule.extentName.empty()) {
    text = rule.extentName + "=" + std::to_string(scaled);
  } else if (!rule.ints.empty()) {
    for (const std::string &name : rule.ints)
      text += (text.empty() ? "" : " ") + name + "=" + std::to_string(scaled);
  } else {
    text = rule.tensorDims.front().first + "[" +
           std::to_string(rule.tensorDims.front().second) +
           "]=" + std::to_string(scaled);
  }
  spec.sizeText = text;
}

} // namespace tritium::gpucheck
