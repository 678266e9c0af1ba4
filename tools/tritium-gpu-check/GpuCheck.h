//===- GpuCheck.h - Shared pieces of tritium-gpu-check ----------*- C++ -*-===//
//
// tritium-gpu-check runs a corpus kernel twice on the GPU -- Triton's own PTX
// (the reference) and a candidate PTX with the same parameter ABI -- on fresh
// random inputs, compares every output and times both. This header holds the
// host-only parts (corpus launch descriptions, PTX signature parsing, host
// tensors, comparison) so they stay apart from the CUDA driver code.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_TOOLS_GPUCHECK_GPUCHECK_H
#define TRITIUM_TOOLS_GPUCHECK_GPUCHECK_H

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tritium::gpucheck {

/// Anything that stops the check of one kernel (bad launch description, ABI
/// mismatch, CUDA error). The message says which step failed and why.
class CheckError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

enum class DType { F32, F16, BF16, F64, I8, U8, I16, I32, I64, Bool };

/// Maps torch's dtype names ("float32", "bfloat16", "int64", "bool", ...).
std::optional<DType> parseDType(std::string_view name);
const char *dtypeName(DType type);
size_t dtypeSize(DType type);
bool isFloat(DType type);

enum class Role { In, Out, InOut };
const char *roleName(Role role);

//===----------------------------------------------------------------------===//
// Launch description (tests/corpus/NAME/NAME.json)
//===----------------------------------------------------------------------===//

/// How gen_corpus.py made a tensor; the harness draws fresh values the same
/// way.
struct InitSpec {
  std::string kind; // randn, randn_abs, uniform, randint, zeros, ones, full
  double scale = 1.0, shift = 0.0; // randn: x * scale + shift
  double low = 0.0, high = 1.0;    // uniform: [low, high)
  int64_t intLow = 0, intHigh = 1; // randint: [low, high)
  double fullValue = 0.0;          // full, as a float (may be +-inf or NaN)
  int64_t fullInt = 0;             // full, exact when the JSON gave an integer
  bool fullIsInt = false;
};

struct ArgSpec {
  std::string name;
  bool isTensor = false;
  DType dtype = DType::I32;
  Role role = Role::In;
  /// False when Triton specialised the argument away (an integer equal to 1):
  /// it is then no kernel parameter at all.
  bool inIR = true;
  std::vector<int64_t> shape; // tensors
  int64_t numel = 0;          // tensors
  InitSpec init;              // tensors
  bool scalarIsInt = true;    // scalars
  int64_t intValue = 0;
  double floatValue = 0.0;
};

struct KernelSpec {
  std::string name;   // corpus directory name
  std::string dir;    // tests/corpus/NAME
  std::string symbol; // metadata.name: the PTX entry to launch
  std::array<unsigned, 3> grid{1, 1, 1};
  unsigned numWarps = 4;
  unsigned sharedBytes = 0; // dynamic shared memory the kernel needs
  uint64_t globalScratchSize = 0, globalScratchAlign = 1;
  uint64_t profileScratchSize = 0, profileScratchAlign = 1;
  unsigned numCtas = 1;
  bool cooperativeGrid = false, programmaticLaunch = false;
  std::vector<ArgSpec> args;
  /// Integer constexprs (BLOCK, BLOCK_S, ...): the grid rules of a scale
  /// rule divide by them.
  std::map<std::string, int64_t> constexprs;
  /// Things about the description that look wrong but do not stop the run.
  std::vector<std::string> oddities;
  /// Set by applyScale: the factor, and the scaled sizes in words
  /// ("n=5120000", "in_ptr[0]=65536").
  uint64_t scale = 1;
  std::string sizeText;

  size_t numIRArgs() const;
  uint64_t numPrograms() const { return uint64_t(grid[0]) * grid[1] * grid[2]; }
};

/// Parses JSON as Python's json module writes it: bare NaN, Infinity and
/// -Infinity are accepted (atomic_rmw.json has -Infinity) and kept as the
/// strings "NaN", "Infinity", "-Infinity"; read numbers with jsonToDouble.
nlohmann::json parseLenientJson(const std::string &text,
                                const std::string &what);
double jsonToDouble(const nlohmann::json &value, const std::string &what);

std::string readFile(const std::string &path);
bool fileExists(const std::string &path);

/// Loads and validates tests/corpus/NAME/NAME.json. Throws CheckError.
KernelSpec loadKernelSpec(const std::string &corpusDir,
                          const std::string &name);

//===----------------------------------------------------------------------===//
// Scaled sizes (--scale, --sweep)
//===----------------------------------------------------------------------===//
//
// The corpus sizes run at the launch floor. A scale rule says how one kernel
// grows with its runtime sizes: one extent E (a length, a row count, a
// sequence length) that some tensor dimensions, some integer arguments and
// some grid dimensions follow. Scaling by k multiplies E by k in every listed
// tensor dimension (strides stay contiguous) and every listed integer
// argument, and recomputes each listed grid dimension as ceil(E / block),
// block being a constexpr's name or a number. Block sizes, strides that are
// arguments (row lengths) and everything unlisted stay. loadScaleRule checks
// the rule against the corpus description first: the listed dimensions and
// integers all equal E, and each grid dimension equals ceil(E / block).

struct ScaleRule {
  std::string kernel;
  std::string extentName; // how the size is named in reports ("rows")
  std::vector<std::pair<std::string, unsigned>> tensorDims; // (arg, dim)
  std::vector<std::string> ints;                            // scalar args
  struct GridDim {
    unsigned dim = 0;
    std::string blockName; // a constexpr, or empty for blockValue
    int64_t blockValue = 1;
  };
  std::vector<GridDim> grid;
};

/// The built-in rules (vector_add, softmax_rows, layernorm_fwd, gqa_scores
/// and a few more), replaced or extended by a JSON file of the same form:
///   {"KERNEL": {"tensors": {"ARG": DIM, ...}, "ints": ["ARG", ...],
///               "grid": {"DIM": "CONSTEXPR" | NUMBER, ...},
///               "extent": "NAME"}, ...}
/// ("ints", "grid" and "extent", the size's name in reports, are optional).
std::map<std::string, ScaleRule> builtinScaleRules();
std::map<std::string, ScaleRule> parseScaleRules(const nlohmann::json &rules,
                                                 const std::string &where);

/// Bytes a kernel moves at least: every input tensor read once, every output
/// written once (inout: both).
uint64_t tensorTraffic(const KernelSpec &spec);

/// Scales \p spec by \p factor following \p rule. Throws CheckError when
/// the rule does not fit the description, or when a scaled size leaves
/// int32 (integer arguments, grid x, elements of a tensor the kernel may
/// index with 32-bit offsets) or grid y/z's 65535.
void applyScale(KernelSpec &spec, const ScaleRule &rule, uint64_t factor);

//===----------------------------------------------------------------------===//
// PTX signatures
//===----------------------------------------------------------------------===//

struct PtxParam {
  std::string type; // u32, u64, f32, b8, ...
  unsigned bytes = 0;
  bool isPointer = false; // ".ptr" qualifier
};

struct PtxEntry {
  std::string name;
  std::vector<PtxParam> params;
  unsigned reqNtid = 0, maxNtid = 0; // product of the directive's dims; 0: none
};

struct PtxInfo {
  std::string version, target;
  std::vector<PtxEntry> entries;
  bool usesPrintf = false, usesAssert = false, usesAtomics = false;

  const PtxEntry *findEntry(const std::string &name) const;
};

PtxInfo parsePtx(const std::string &ptx);

/// Checks an entry's parameters against the IR arguments followed by Triton
/// 3.6's two trailing scratch pointers. Returns an empty string when they
/// match, else what differs.
std::string checkEntryAbi(const PtxEntry &entry, const KernelSpec &spec);

//===----------------------------------------------------------------------===//
// Host tensors and comparison
//===----------------------------------------------------------------------===//

struct HostTensor {
  DType dtype = DType::F32;
  int64_t numel = 0;
  std::vector<uint8_t> bytes;
};

/// Draws a fresh tensor for \p arg following its init. Throws CheckError on
/// an init kind this harness does not know.
HostTensor makeHostTensor(const ArgSpec &arg, std::mt19937_64 &rng);
/// Whether makeHostTensor knows how to draw an init of this kind.
bool knownInitKind(const std::string &kind);
double elementAsDouble(const HostTensor &tensor, int64_t index);

uint16_t floatToHalf(float value);
float halfToFloat(uint16_t bits);
uint16_t floatToBf16(float value);
float bf16ToFloat(uint16_t bits);

struct TensorComparison {
  std::string name;
  DType dtype = DType::F32;
  int64_t numel = 0;
  double tolerance = 0.0;
  double maxAbsErr = 0.0;
  double relL2Err = 0.0;
  double maxAbsRef = 0.0;
  int64_t mismatches =
      0; // ints: unequal elements; floats: NaN/inf disagreements
  int64_t firstBad = -1;
  double firstRef = 0.0, firstCand = 0.0;
  bool passed = true;
  std::string detail; // why it failed, empty when it passed
};

/// Compares \p cand against \p ref. Floats pass when NaN and infinity
/// positions agree, the relative L2 error of the finite part is within
/// \p tolerance, and no element is off by more than 10 * tolerance * max|ref|
/// (so one wild element cannot hide inside a large tensor's norm). Integers
/// and bools must be equal.
TensorComparison compareTensors(const std::string &name, const HostTensor &ref,
                                const HostTensor &cand, double tolerance);

} // namespace tritium::gpucheck

#endif // TRITIUM_TOOLS_GPUCHECK_GPUCHECK_H
