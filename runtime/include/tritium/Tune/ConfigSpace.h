//===- ConfigSpace.h - Autotuning config spaces read from JSON --*- C++ -*-===//
//
// A config space is what Triton's @triton.autotune decorator holds: a list of
// configs (constexpr values, num_warps, num_stages, optionally maxnreg), the
// `key` arguments whose values select a tuning entry, an optional pruning rule
// and the config to use when nothing has been tuned. Tritium reads it from a
// JSON file (docs/autotuning.md, docs/schemas/config-space.schema.json) so
// that spaces ship beside kernels and can be edited without recompiling.
//
// Every mistake in a file is reported as a tritium::Error of kind
// InvalidArgument whose message starts with the JSON path of the mistake,
// e.g. `configs[3].num_warps: expected a power of two between 1 and 32, got
// 3`, so the file can be fixed without guessing.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_TUNE_CONFIGSPACE_H
#define TRITIUM_TUNE_CONFIGSPACE_H

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace tritium::tune {

/// The value of one constexpr kernel parameter (a Triton `tl.constexpr`).
using ConstexprValue = std::variant<std::int64_t, bool, std::string>;

/// Prints an int as digits, a bool as true/false, a string quoted.
std::string formatConstexpr(const ConstexprValue &value);

/// One point of a config space: what Triton's `triton.Config` holds.
struct Config {
  /// Constexpr values by parameter name; ordered so that printing and
  /// hashing are deterministic.
  std::map<std::string, ConstexprValue> kwargs;
  int numWarps = 4;
  int numStages = 3;
  /// Upper bound on registers per thread passed to ptxas (Triton's maxnreg).
  std::optional<int> maxRegisters;

  /// "BLOCK_N=64, SPLIT=true, num_warps=4, num_stages=3[, maxnreg=128]".
  std::string describe() const;

  friend bool operator==(const Config &, const Config &) = default;
};

/// The values of a space's key arguments, in the order the space's `key`
/// lists them. Key arguments are integers (sizes, strides, lengths).
using KeyValues = std::vector<std::pair<std::string, std::int64_t>>;

/// "B=1, Sk=32768"; empty text for an empty key.
std::string describeKey(const KeyValues &key);

/// What the compiler reports about a compiled config, checked against the
/// space's resource caps.
struct ResourceUsage {
  std::int64_t sharedBytes = 0; ///< Static + dynamic shared memory.
  /// Registers per thread; nullopt where the compiler path does not report
  /// them, in which case prune.max_registers cannot be applied.
  std::optional<std::int64_t> registers;
};

/// A parsed `prune.keep_if` expression: integers, + - * / %, comparisons,
/// && || !, parentheses and identifiers naming constexprs, key arguments,
/// num_warps and num_stages. Evaluation never throws: a division by zero or
/// an overflow is reported as a reason.
class PruneExpression {
public:
  /// Parses \p text; on a syntax error throws tritium::Error
  /// (InvalidArgument) whose message is `<path>: <what>`, with the column.
  static PruneExpression parse(std::string_view text, std::string_view path);

  PruneExpression(PruneExpression &&) noexcept;
  PruneExpression &operator=(PruneExpression &&) noexcept;
  PruneExpression(const PruneExpression &);
  PruneExpression &operator=(const PruneExpression &);
  ~PruneExpression();

  /// The expression as written.
  const std::string &text() const { return source; }

  /// Every identifier the expression reads, sorted, without duplicates.
  std::vector<std::string> identifiers() const;

  /// The result of evaluating the expression: its integer value (non-zero
  /// means true), or why it could not be evaluated.
  struct Value {
    std::optional<std::int64_t> value;
    std::string error; ///< Set when value is empty.
  };

  /// Gives an identifier's value, nullopt for an unknown one.
  using Lookup = std::function<std::optional<std::int64_t>(std::string_view)>;

  /// Evaluates the expression; unknown identifiers, divisions by zero and
  /// overflows come back as errors.
  Value evaluate(const Lookup &lookup) const;

  struct Node;

private:
  PruneExpression() = default;

  std::string source;
  std::unique_ptr<Node> root;
};

/// Why a config is not timed for some key values, when it is not.
struct PruneVerdict {
  bool keep = true;
  std::string reason; ///< Set when keep is false.
};

/// A config space, validated.
class ConfigSpace {
public:
  /// Parses the JSON text of a config space. \p sourceName (a file name)
  /// prefixes syntax errors; validation errors start with the JSON path.
  /// Throws tritium::Error (InvalidArgument) on any mistake.
  static ConfigSpace parse(std::string_view jsonText,
                           std::string_view sourceName = "<config space>");

  /// Reads and parses \p file; errors are prefixed with the file name.
  /// Throws tritium::Error (Io when unreadable, else InvalidArgument).
  static ConfigSpace load(const std::filesystem::path &file);

  /// The kernel the space was written for (`kernel`), empty when not named.
  const std::string &kernelName() const { return kernel; }

  /// The configs to try, in file order.
  const std::vector<Config> &configs() const { return candidates; }

  /// The config used when nothing has been tuned (`default`, else the first
  /// config).
  const Config &defaultConfig() const { return fallback; }

  /// Index of the default config in configs(), or nullopt when `default`
  /// is a config object that is not one of them.
  std::optional<std::size_t> defaultIndex() const { return fallbackIndex; }

  /// The names of the arguments whose values select a tuning entry.
  const std::vector<std::string> &key() const { return keyNames; }

  /// Arguments the tuner must zero before each timed run (Triton's
  /// reset_to_zero) and restore after each run (restore_value): the ones the
  /// kernel writes and also reads, or accumulates into.
  const std::vector<std::string> &resetToZero() const { return zeroed; }
  const std::vector<std::string> &restoreValue() const { return restored; }

  /// The `prune` rule.
  const std::optional<PruneExpression> &keepIf() const { return keepIfExpr; }
  std::optional<std::int64_t> maxSharedBytes() const { return sharedCap; }
  std::optional<std::int64_t> maxRegisters() const { return registerCap; }

  /// Whether \p config is tried for \p key: `prune.keep_if` evaluated with
  /// the config's constexprs, num_warps, num_stages and the key values.
  PruneVerdict checkBeforeCompile(const Config &config,
                                  const KeyValues &key) const;

  /// Whether a compiled config fits the space's resource caps.
  PruneVerdict checkAfterCompile(const ResourceUsage &usage) const;

  /// Checks that \p key names exactly the space's key arguments, in order.
  /// Throws tritium::Error (InvalidArgument) naming the missing or extra one.
  void checkKeyValues(const KeyValues &key) const;

  /// A 16-hex-digit fingerprint of the space's meaning (configs, key,
  /// prune rule, default), recorded beside tuned winners so a changed space
  /// can be told apart from the one that was tuned.
  std::string fingerprint() const;

private:
  ConfigSpace() = default;
  void checkExpressionNames() const;
  std::string canonicalJson() const;

  std::string kernel;
  std::vector<Config> candidates;
  Config fallback;
  std::optional<std::size_t> fallbackIndex;
  std::vector<std::string> keyNames;
  std::vector<std::string> zeroed;
  std::vector<std::string> restored;
  std::optional<PruneExpression> keepIfExpr;
  std::optional<std::int64_t> sharedCap;
  std::optional<std::int64_t> registerCap;
  std::string canonicalText;
};

/// One kernel argument as the key selection sees it: its name and, for an
/// integer argument, its value (nullopt for pointers, tensors, floats).
struct ArgumentValue {
  std::string name;
  std::optional<std::int64_t> intValue;
};

/// Resolves the space's key names against a kernel's arguments and returns
/// their values in key order. Throws tritium::Error (InvalidArgument) when a
/// key names no argument of the kernel, or one that is not an integer.
KeyValues selectKeyValues(const ConfigSpace &space,
                          const std::vector<ArgumentValue> &arguments,
                          std::string_view kernelName = {});

/// The same from name=value pairs (the `--shape` options of tritium-tune);
/// values not named in the key are ignored.
KeyValues selectKeyValues(const ConfigSpace &space,
                          const std::map<std::string, std::int64_t> &values,
                          std::string_view kernelName = {});

} // namespace tritium::tune

#endif // TRITIUM_TUNE_CONFIGSPACE_H
