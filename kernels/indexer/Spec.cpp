//===- Spec.cpp - Indexer configuration, validation, cases, floors --------===//

#include "tritium/Indexer/Spec.h"

#include "tritium/Runtime/Error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace tritium::indexer {

namespace {

[[noreturn]] void invalid(const std::string &message) {
  throw Error(Error::Kind::InvalidArgument, "indexer: " + message);
}

std::string shapeString(const int64_t *dims, int rank) {
  std::string text = "[";
  for (int i = 0; i < rank; ++i) {
    if (i)
      text += ", ";
    text += std::to_string(dims[i]);
  }
  return text + "]";
}

std::string shapeString(const std::vector<int64_t> &dims) {
  return shapeString(dims.data(), static_cast<int>(dims.size()));
}

// Sizes beyond int32 would overflow the kernels' 32-bit index arithmetic and
// are far beyond any decode-time cache; reject them instead of wrapping.
constexpr int64_t kMaxDim = std::numeric_limits<int32_t>::max();
// Tensors must fit the host's memory in a test; 2^48 elements is a generous
// bound that also keeps every byte count below int64's range.
constexpr int64_t kMaxElements = int64_t(1) << 48;

void requirePositive(const char *field, int64_t value) {
  if (value <= 0)
    invalid(std::string(field) + " must be positive, got " +
            std::to_string(value));
  if (value > kMaxDim)
    invalid(std::string(field) + " must be at most 2^31-1, got " +
            std::to_string(value));
}

void requireNonNegative(const char *field, int64_t value) {
  if (value < 0)
    invalid(std::string(field) + " must be non-negative, got " +
            std::to_string(value));
  if (value > kMaxDim)
    invalid(std::string(field) + " must be at most 2^31-1, got " +
            std::to_string(value));
}

void requireDType(const char *field, DType dtype,
                  std::initializer_list<DType> accepted) {
  for (DType candidate : accepted)
    if (candidate == dtype)
      return;
  std::string names;
  for (DType candidate : accepted)
    names += (names.empty() ? "" : ", ") + std::string(dtypeName(candidate));
  invalid(std::string(field) + " dtype " + std::string(dtypeName(dtype)) +
          " is not supported (accepted: " + names + ")");
}

int64_t product(const std::vector<int64_t> &shape) {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

} // namespace

//===----------------------------------------------------------------------===//
// DType
//===----------------------------------------------------------------------===//

std::size_t dtypeSize(DType dtype) {
  switch (dtype) {
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::F16:
  case DType::BF16:
    return 2;
  case DType::I64:
    return 8;
  case DType::U8:
    return 1;
  }
  return 0;
}

std::string_view dtypeName(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "f32";
  case DType::F16:
    return "f16";
  case DType::BF16:
    return "bf16";
  case DType::I64:
    return "i64";
  case DType::I32:
    return "i32";
  case DType::U8:
    return "u8";
  }
  return "?";
}

DType parseDType(std::string_view name) {
  for (DType dtype :
       {DType::F32, DType::F16, DType::BF16, DType::I64, DType::I32, DType::U8})
    if (dtypeName(dtype) == name)
      return dtype;
  // Also accept the names PyTorch users write.
  if (name == "float32" || name == "float")
    return DType::F32;
  if (name == "float16" || name == "half")
    return DType::F16;
  if (name == "bfloat16")
    return DType::BF16;
  if (name == "int64" || name == "long")
    return DType::I64;
  if (name == "int32" || name == "int")
    return DType::I32;
  if (name == "uint8")
    return DType::U8;
  invalid("unknown dtype '" + std::string(name) +
          "' (accepted: f32, f16, bf16, i64, i32, u8)");
}

std::string_view scoreKindName(ScoreKind kind) {
  return kind == ScoreKind::PQ ? "pq" : "exact";
}

std::string_view codebookLayoutName(CodebookLayout layout) {
  return layout == CodebookLayout::KeyMajor ? "key-major" : "key-minor";
}

//===----------------------------------------------------------------------===//
// IndexerConfig
//===----------------------------------------------------------------------===//

int64_t IndexerConfig::C() const {
  return pq.bits >= 1 && pq.bits <= 62 ? int64_t(1) << pq.bits : 0;
}

int64_t IndexerConfig::Nq() const {
  return score == ScoreKind::PQ ? Sk - pq.initOffset : 0;
}

int64_t IndexerConfig::candidateBegin() const {
  return score == ScoreKind::PQ ? std::max(sink, pq.initOffset) : sink;
}

int64_t IndexerConfig::candidateEnd() const {
  return std::max<int64_t>(0, Sk - window);
}

int64_t IndexerConfig::candidates() const {
  return std::max<int64_t>(0, candidateEnd() - candidateBegin());
}

bool IndexerConfig::fullAttention() const {
  if (Sk <= sink + heavy + window)
    return true;
  return score == ScoreKind::PQ && Sk <= heavy + pq.initOffset + 1 + C();
}

int64_t IndexerConfig::K() const {
  return fullAttention() ? 0 : std::min(heavy, candidates());
}

int64_t IndexerConfig::Lmax() const {
  return fullAttention() ? Sk : std::min(Sk, sink + heavy + window);
}

int64_t IndexerConfig::L() const {
  return fullAttention() ? Sk : sink + K() + window;
}

void IndexerConfig::validate() const {
  requirePositive("B", B);
  requirePositive("H", H);
  requirePositive("Hkv", Hkv);
  requirePositive("D", D);
  requirePositive("Sk", Sk);
  requireNonNegative("sink", sink);
  requireNonNegative("window", window);
  requireNonNegative("heavy", heavy);
  if (H % Hkv != 0)
    invalid("H (" + std::to_string(H) + ") must be a multiple of Hkv (" +
            std::to_string(Hkv) + ")");
  requireDType("q", qDType, {DType::F32, DType::BF16, DType::F16});
  requireDType("weight_list", weightDType,
               {DType::F32, DType::BF16, DType::F16});
  if (!std::isfinite(scale))
    invalid("scale must be finite, got " + std::to_string(scale));

  if (score == ScoreKind::PQ) {
    requirePositive("M (pq_group_factor)", pq.M);
    if (pq.bits < 1 || pq.bits > 16)
      invalid("bits (pq_bits) must be in 1..16, got " +
              std::to_string(pq.bits));
    requireNonNegative("init_offset", pq.initOffset);
    if (D % pq.M != 0)
      invalid("D (" + std::to_string(D) + ") must be a multiple of M (" +
              std::to_string(pq.M) + ")");
    if (pq.initOffset > Sk)
      invalid("init_offset (" + std::to_string(pq.initOffset) +
              ") must not exceed Sk (" + std::to_string(Sk) + ")");
    requireDType("codebook", pq.codebookDType,
                 {DType::I64, DType::I32, DType::U8});
    if (pq.codebookDType == DType::U8 && pq.bits > 8)
      invalid("codebook dtype u8 holds at most 8-bit codes, but bits = " +
              std::to_string(pq.bits));
    if (scale != 1.0f)
      invalid("scale applies to exact scores only; pq scores are unscaled "
              "(got scale " +
              std::to_string(scale) + ")");
  } else {
    requireDType("keys", keysDType, {DType::BF16, DType::F16, DType::F32});
  }

  for (const TensorSpec &spec : tensorSpecs(*this)) {
    // Every dim is <= 2^31-1 here, so products of up to 5 dims are checked
    // step by step against the bound without overflowing.
    int64_t count = 1;
    for (int64_t dim : spec.shape) {
      if (dim != 0 && count > kMaxElements / dim)
        invalid(std::string(spec.name) +
                " would have more than 2^48 "
                "elements (shape " +
                shapeString(spec.shape) + ")");
      count *= dim;
    }
  }
}

std::string IndexerConfig::describe() const {
  std::ostringstream text;
  text << scoreKindName(score) << " B=" << B << " H=" << H << " Hkv=" << Hkv
       << " D=" << D << " Sk=" << Sk << " sink=" << sink << " window=" << window
       << " heavy=" << heavy;
  if (score == ScoreKind::PQ)
    text << " M=" << pq.M << " bits=" << pq.bits
         << " init_offset=" << pq.initOffset
         << " codebook=" << dtypeName(pq.codebookDType) << "/"
         << codebookLayoutName(pq.codebookLayout);
  else
    text << " keys=" << dtypeName(keysDType) << " scale=" << scale;
  text << " q=" << dtypeName(qDType) << " weights=" << dtypeName(weightDType)
       << (weightLayout == WeightLayout::Dense ? "/dense" : "/sparse");
  if (checkCodes)
    text << " check_codes";
  return text.str();
}

//===----------------------------------------------------------------------===//
// TensorArg and binding checks
//===----------------------------------------------------------------------===//

TensorArg TensorArg::contiguous(void *data, DType dtype,
                                std::initializer_list<int64_t> shape) {
  return contiguous(data, dtype, std::vector<int64_t>(shape));
}

TensorArg TensorArg::contiguous(void *data, DType dtype,
                                const std::vector<int64_t> &shape) {
  if (shape.size() > kMaxRank)
    invalid("a tensor of rank " + std::to_string(shape.size()) +
            " exceeds the supported rank " + std::to_string(kMaxRank));
  TensorArg arg;
  arg.data = data;
  arg.dtype = dtype;
  arg.rank = static_cast<int>(shape.size());
  int64_t stride = 1;
  for (int i = arg.rank - 1; i >= 0; --i) {
    arg.shape[i] = shape[i];
    arg.strides[i] = stride;
    stride *= shape[i];
  }
  return arg;
}

TensorArg TensorArg::strided(void *data, DType dtype,
                             const std::vector<int64_t> &shape,
                             const std::vector<int64_t> &strides) {
  if (strides.size() != shape.size())
    invalid("shape has " + std::to_string(shape.size()) + " dims but strides " +
            std::to_string(strides.size()));
  TensorArg arg = contiguous(data, dtype, shape);
  for (int i = 0; i < arg.rank; ++i)
    arg.strides[i] = strides[i];
  return arg;
}

int64_t TensorArg::numel() const {
  int64_t count = 1;
  for (int i = 0; i < rank; ++i)
    count *= shape[i];
  return count;
}

bool TensorArg::isContiguous() const {
  int64_t expected = 1;
  for (int i = rank - 1; i >= 0; --i) {
    // A dim of extent 1 may carry any stride (PyTorch does that).
    if (shape[i] != 1 && strides[i] != expected)
      return false;
    expected *= shape[i];
  }
  return true;
}

std::vector<int64_t> TensorArg::shapeVector() const {
  return std::vector<int64_t>(shape.begin(), shape.begin() + rank);
}

std::string_view tensorRoleName(TensorRole role) {
  switch (role) {
  case TensorRole::Q:
    return "q";
  case TensorRole::Centroids:
    return "centroids";
  case TensorRole::Codebook:
    return "codebook";
  case TensorRole::Keys:
    return "keys";
  case TensorRole::SparseList:
    return "sparse_list";
  case TensorRole::SparseLen:
    return "sparse_len";
  case TensorRole::Weights:
    return "weight_list";
  }
  return "?";
}

int64_t TensorSpec::numel() const { return product(shape); }

std::vector<TensorSpec> tensorSpecs(const IndexerConfig &c) {
  auto make = [](TensorRole role, DType dtype, std::vector<int64_t> shape,
                 bool isOutput) {
    return TensorSpec{role, tensorRoleName(role), dtype, std::move(shape),
                      isOutput};
  };
  std::vector<TensorSpec> specs;
  specs.push_back(make(TensorRole::Q, c.qDType, {c.B, c.H, c.D}, false));
  if (c.score == ScoreKind::PQ) {
    specs.push_back(make(TensorRole::Centroids, DType::F32,
                         {c.B, c.Hkv, c.pq.M, c.C(), c.Dm()}, false));
    std::vector<int64_t> codebookShape =
        c.pq.codebookLayout == CodebookLayout::KeyMajor
            ? std::vector<int64_t>{c.B, c.Nq(), c.Hkv, c.pq.M}
            : std::vector<int64_t>{c.B, c.Hkv, c.pq.M, c.Nq()};
    specs.push_back(make(TensorRole::Codebook, c.pq.codebookDType,
                         std::move(codebookShape), false));
  } else {
    specs.push_back(
        make(TensorRole::Keys, c.keysDType, {c.B, c.Hkv, c.Sk, c.D}, false));
  }
  specs.push_back(
      make(TensorRole::SparseList, DType::I64, {c.B, c.H, c.Lmax()}, true));
  specs.push_back(make(TensorRole::SparseLen, DType::I64, {c.B, c.H}, true));
  specs.push_back(
      make(TensorRole::Weights, c.weightDType,
           {c.B, c.H, c.weightLayout == WeightLayout::Dense ? c.Sk : c.Lmax()},
           true));
  return specs;
}

namespace {

const TensorArg &boundArg(TensorRole role, const IndexerInputs &inputs,
                          const IndexerOutputs &outputs) {
  switch (role) {
  case TensorRole::Q:
    return inputs.q;
  case TensorRole::Centroids:
    return inputs.centroids;
  case TensorRole::Codebook:
    return inputs.codebook;
  case TensorRole::Keys:
    return inputs.keys;
  case TensorRole::SparseList:
    return outputs.sparseList;
  case TensorRole::SparseLen:
    return outputs.sparseLen;
  case TensorRole::Weights:
    return outputs.weights;
  }
  return inputs.q;
}

bool shapeMatches(const TensorSpec &spec, const TensorArg &arg) {
  std::vector<int64_t> got = arg.shapeVector();
  if (got == spec.shape)
    return true;
  // q may carry the decode query-length dim of 1: [B, H, 1, D].
  return spec.role == TensorRole::Q && got.size() == 4 && got[2] == 1 &&
         got[0] == spec.shape[0] && got[1] == spec.shape[1] &&
         got[3] == spec.shape[2];
}

} // namespace

void validateBindings(const IndexerConfig &config, const IndexerInputs &inputs,
                      const IndexerOutputs &outputs) {
  config.validate();
  std::vector<TensorSpec> specs = tensorSpecs(config);
  for (const TensorSpec &spec : specs) {
    const TensorArg &arg = boundArg(spec.role, inputs, outputs);
    std::string name(spec.name);
    if (arg.rank < 0 || arg.rank > TensorArg::kMaxRank)
      invalid(name + ": rank " + std::to_string(arg.rank) + " is invalid");
    if (arg.dtype != spec.dtype)
      invalid(name + ": expected dtype " + std::string(dtypeName(spec.dtype)) +
              ", got " + std::string(dtypeName(arg.dtype)));
    if (!shapeMatches(spec, arg))
      invalid(name + ": expected shape " + shapeString(spec.shape) + ", got " +
              shapeString(arg.shape.data(), arg.rank));
    if (!arg.isContiguous())
      invalid(name + ": must be contiguous (row-major), got strides " +
              shapeString(arg.strides.data(), arg.rank) + " for shape " +
              shapeString(arg.shape.data(), arg.rank));
    // A tensor without elements is never dereferenced; PyTorch may give it
    // a null pointer.
    if (arg.numel() == 0)
      continue;
    if (arg.data == nullptr)
      invalid(name + ": data pointer is null");
    auto address = reinterpret_cast<std::uintptr_t>(arg.data);
    if (address % 16 != 0)
      invalid(name + ": data pointer " + std::to_string(address) +
              " is not 16-byte aligned (address % 16 = " +
              std::to_string(address % 16) + ")");
  }
  // An output sharing memory with any other tensor would be read after it is
  // written (inputs) or written twice (outputs).
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (!specs[i].isOutput)
      continue;
    const TensorArg &out = boundArg(specs[i].role, inputs, outputs);
    if (specs[i].numel() == 0)
      continue;
    auto outBegin = reinterpret_cast<std::uintptr_t>(out.data);
    std::uintptr_t outEnd = outBegin + specs[i].nbytes();
    for (std::size_t j = 0; j < specs.size(); ++j) {
      if (j == i)
        continue;
      const TensorArg &other = boundArg(specs[j].role, inputs, outputs);
      if (specs[j].numel() == 0)
        continue;
      auto otherBegin = reinterpret_cast<std::uintptr_t>(other.data);
      std::uintptr_t otherEnd = otherBegin + specs[j].nbytes();
      if (outBegin < otherEnd && otherBegin < outEnd)
        invalid(std::string(specs[i].name) + ": overlaps the memory of " +
                std::string(specs[j].name));
    }
  }
}

//===----------------------------------------------------------------------===//
// Floors and benchmark cases
//===----------------------------------------------------------------------===//

int64_t minimumBytes(const IndexerConfig &config) {
  int64_t bytes = 0;
  for (const TensorSpec &spec : tensorSpecs(config))
    bytes += spec.nbytes();
  return bytes;
}

int64_t dominantInputBytes(const IndexerConfig &config) {
  TensorRole dominant =
      config.score == ScoreKind::PQ ? TensorRole::Codebook : TensorRole::Keys;
  for (const TensorSpec &spec : tensorSpecs(config))
    if (spec.role == dominant)
      return spec.nbytes();
  return 0;
}

double floorMicroseconds(const IndexerConfig &config, double bandwidthTBps) {
  if (!(bandwidthTBps > 0))
    invalid("bandwidth must be positive, got " + std::to_string(bandwidthTBps) +
            " TB/s");
  return static_cast<double>(minimumBytes(config)) / (bandwidthTBps * 1e12) *
         1e6;
}

namespace {

IndexerConfig pqCase(int64_t B, int64_t Sk, int64_t heavy) {
  IndexerConfig c;
  c.score = ScoreKind::PQ;
  c.B = B;
  c.H = 32;
  c.Hkv = 32;
  c.D = 128;
  c.Sk = Sk;
  c.sink = 128;
  c.window = 128;
  c.heavy = heavy;
  c.pq.M = 2;
  c.pq.bits = 6;
  c.pq.initOffset = 128;
  c.pq.codebookDType = DType::I64;
  c.pq.codebookLayout = CodebookLayout::KeyMajor;
  c.qDType = DType::F32;
  c.weightDType = DType::F32;
  c.weightLayout = WeightLayout::Dense;
  return c;
}

IndexerConfig exactCase(int64_t B, int64_t Sk, int64_t heavy) {
  IndexerConfig c;
  c.score = ScoreKind::Exact;
  c.B = B;
  c.H = 32;
  c.Hkv = 8;
  c.D = 128;
  c.Sk = Sk;
  c.sink = 128;
  c.window = 128;
  c.heavy = heavy;
  c.qDType = DType::BF16;
  c.keysDType = DType::BF16;
  // The comparison pipelines (shared/bench) scale by 1/sqrt(D).
  c.scale = static_cast<float>(1.0 / std::sqrt(128.0));
  c.weightDType = DType::F32;
  c.weightLayout = WeightLayout::Dense;
  return c;
}

} // namespace

const std::vector<BenchmarkCase> &benchmarkCases() {
  static const std::vector<BenchmarkCase> cases = {
      {"seed-pq-32k", pqCase(1, 32000, 128), 7.4},
      {"pq-128k", pqCase(1, 128000, 2048), 28.5},
      {"pq-b8-32k", pqCase(8, 32000, 128), 58.8},
      {"exact-gqa-32k", exactCase(1, 32768, 2048), 22.6},
      {"exact-gqa-128k", exactCase(1, 131072, 4096), 90.5},
      {"exact-gqa-b8-32k", exactCase(8, 32768, 2048), 181},
  };
  return cases;
}

const BenchmarkCase &findCase(std::string_view name) {
  std::string known;
  for (const BenchmarkCase &benchmark : benchmarkCases()) {
    if (benchmark.name == name)
      return benchmark;
    known += (known.empty() ? "" : ", ") + std::string(benchmark.name);
  }
  invalid("unknown benchmark case '" + std::string(name) +
          "' (known: " + known + ")");
}

} // namespace tritium::indexer
