//===- ConfigSpaceTest.cpp - Config space parsing, validation, keys -------===//
//
// Every validation error is checked for the JSON path of the mistake and
// for the words that say how to fix it, since that message is all a user
// editing a config space gets.
//
//===----------------------------------------------------------------------===//

#include "tritium/Tune/ConfigSpace.h"
#include "tritium/Runtime/Error.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <unistd.h>

using namespace tritium;
using namespace tritium::tune;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

const char *const fullSpace = R"json({
  "$schema": "../docs/schemas/config-space.schema.json",
  "description": "score kernel",
  "kernel": "indexer_score",
  "key": ["Sk", "B"],
  "configs": [
    {"kwargs": {"BLOCK_N": 64, "SPLIT": true, "MODE": "pq"}, "num_warps": 4, "num_stages": 2},
    {"kwargs": {"BLOCK_N": 128, "SPLIT": false, "MODE": "pq"}, "num_warps": 8, "num_stages": 3, "maxnreg": 128},
    {"kwargs": {"BLOCK_N": 256, "SPLIT": false, "MODE": "pq"}, "num_warps": 8}
  ],
  "default": 1,
  "prune": {"keep_if": "BLOCK_N <= Sk && (SPLIT || B > 1)", "max_shared_bytes": 101376, "max_registers": 255},
  "reset_to_zero": ["out_len"],
  "restore_value": ["out"]
})json";

// Parses a space that must be rejected; returns the error's message.
std::string rejection(const std::string &text, std::string_view source = {}) {
  try {
    ConfigSpace::parse(text, source);
  } catch (const Error &error) {
    CHECK(error.kind() == Error::Kind::InvalidArgument);
    return error.what();
  }
  FAIL("accepted: " << text);
  return "";
}

// A space with one config whose body is \p config.
std::string withConfig(const std::string &config) {
  return R"({"key": ["N"], "configs": [)" + config + "]}";
}

} // namespace

TEST_CASE("a full config space parses with every field", "[config-space]") {
  ConfigSpace space = ConfigSpace::parse(fullSpace);
  CHECK(space.kernelName() == "indexer_score");
  CHECK(space.key() == std::vector<std::string>{"Sk", "B"});
  REQUIRE(space.configs().size() == 3);

  const Config &first = space.configs()[0];
  CHECK(std::get<std::int64_t>(first.kwargs.at("BLOCK_N")) == 64);
  CHECK(std::get<bool>(first.kwargs.at("SPLIT")) == true);
  CHECK(std::get<std::string>(first.kwargs.at("MODE")) == "pq");
  CHECK(first.numWarps == 4);
  CHECK(first.numStages == 2);
  CHECK_FALSE(first.maxRegisters);
  CHECK(space.configs()[1].maxRegisters == 128);
  // Triton's defaults where a config leaves them out.
  CHECK(space.configs()[2].numStages == 3);

  CHECK(space.defaultIndex() == 1u);
  CHECK(space.defaultConfig() == space.configs()[1]);
  REQUIRE(space.keepIf());
  CHECK(space.keepIf()->text() == "BLOCK_N <= Sk && (SPLIT || B > 1)");
  CHECK(space.maxSharedBytes() == 101376);
  CHECK(space.maxRegisters() == 255);
  CHECK(space.resetToZero() == std::vector<std::string>{"out_len"});
  CHECK(space.restoreValue() == std::vector<std::string>{"out"});

  CHECK(first.describe() ==
        "BLOCK_N=64, MODE=\"pq\", SPLIT=true, num_warps=4, num_stages=2");
  CHECK(space.configs()[1].describe() ==
        "BLOCK_N=128, MODE=\"pq\", SPLIT=false, num_warps=8, num_stages=3, "
        "maxnreg=128");
}

TEST_CASE("the default is the first config unless named", "[config-space]") {
  SECTION("absent") {
    ConfigSpace space = ConfigSpace::parse(
        R"({"key": [], "configs": [{"num_warps": 2}, {"num_warps": 4}]})");
    CHECK(space.defaultIndex() == 0u);
    CHECK(space.defaultConfig().numWarps == 2);
  }
  SECTION("an object equal to a listed config") {
    ConfigSpace space = ConfigSpace::parse(
        R"({"key": [], "configs": [{"num_warps": 2}, {"num_warps": 4}],
            "default": {"num_warps": 4, "num_stages": 3}})");
    CHECK(space.defaultIndex() == 1u);
  }
  SECTION("an object of its own") {
    ConfigSpace space = ConfigSpace::parse(
        R"({"key": [], "configs": [{"num_warps": 2}],
            "default": {"num_warps": 16, "kwargs": {"X": 1}}})");
    CHECK_FALSE(space.defaultIndex());
    CHECK(space.defaultConfig().numWarps == 16);
    CHECK(std::get<std::int64_t>(space.defaultConfig().kwargs.at("X")) == 1);
  }
}

TEST_CASE("the fingerprint follows the meaning, not the formatting",
          "[config-space]") {
  std::string compact =
      R"({"key":["N"],"configs":[{"kwargs":{"B":64},"num_warps":4}]})";
  std::string spaced = R"({
    "description": "comments do not change what is tuned",
    "configs": [ { "num_warps": 4, "kwargs": { "B": 64 } } ],
    "key": [ "N" ]
  })";
  std::string changed =
      R"({"key":["N"],"configs":[{"kwargs":{"B":128},"num_warps":4}]})";
  std::string fingerprint = ConfigSpace::parse(compact).fingerprint();
  CHECK(fingerprint.size() == 16);
  CHECK(ConfigSpace::parse(spaced).fingerprint() == fingerprint);
  CHECK(ConfigSpace::parse(changed).fingerprint() != fingerprint);
}

TEST_CASE("invalid JSON is reported with its line and column",
          "[config-space][validation]") {
  CHECK_THAT(rejection(""), StartsWith("line 1, column 1: invalid JSON: "));
  CHECK_THAT(rejection("{\"key\": [],\n  \"configs\": [}\n"),
             StartsWith("line 2, column 15: invalid JSON: "));
  CHECK_THAT(rejection("{\"key\": [] \"configs\": []}"),
             Contains("invalid JSON"));
  CHECK_THAT(rejection("\x01\x02\xff garbage"), Contains("invalid JSON"));
  CHECK_THAT(rejection("{\"key\": [], \"configs\": [{\"num_warps\": 1e400}]}"),
             StartsWith("invalid JSON: number overflow"));
  CHECK_THAT(rejection("{\"key\": [\"\xff\xfe\"], \"configs\": [{}]}"),
             Contains("invalid JSON"));
  CHECK_THAT(rejection("{\"key\": [],", "space.json"),
             StartsWith("space.json: line 1, column 12: invalid JSON"));
}

TEST_CASE("each mistake names its JSON path", "[config-space][validation]") {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> cases = {
      // The top level.
      {"[]", "(top level): expected a config space object"},
      {R"({"key": [], "configs": [{}], "confgs": []})",
       "confgs: unknown field; expected one of $schema, description, kernel, "
       "key, configs, default, prune, reset_to_zero, restore_value"},
      {R"({"key": [], "configs": [{}], "kernel": 3})",
       "kernel: expected a string, got 3"},
      {R"({"key": [], "configs": [{}], "description": ["x"]})",
       "description: expected a string, got an array [\"x\"]"},
      {R"({"key": [], "configs": [{}], "key": ["N"]})",
       "key: field given twice"},
      // key.
      {R"({"configs": [{}]})", "key: required"},
      {R"({"key": "N", "configs": [{}]})",
       "key: expected an array of argument names, got the string \"N\""},
      {R"({"key": ["N", 3], "configs": [{}]})",
       "key[1]: expected an argument name (a string), got 3"},
      {R"({"key": ["N", "N"], "configs": [{}]})",
       "key[1]: 'N' is listed twice"},
      {R"({"key": ["a b"], "configs": [{}]})",
       "key[0]: 'a b' is not an identifier"},
      {R"({"key": ["num_warps"], "configs": [{}]})",
       "key[0]: 'num_warps' is a launch option, not a kernel argument"},
      // configs.
      {R"({"key": []})", "configs: required"},
      {R"({"key": [], "configs": []})",
       "configs: expected a non-empty array of configs, got an array []"},
      {R"({"key": [], "configs": {}})",
       "configs: expected a non-empty array of configs, got an object {}"},
      {withConfig("4"), "configs[0]: expected a config object"},
      {withConfig(R"({"num_ctas": 2})"),
       "configs[0].num_ctas: unknown field; expected one of kwargs, "
       "num_warps, num_stages, maxnreg"},
      {R"({"key": [], "configs": [{"num_warps": 1}, {"num_warps": 2},
           {"num_warps": 4}, {"num_warps": 3}]})",
       "configs[3].num_warps: expected a power of two between 1 and 32, got 3"},
      {withConfig(R"({"num_warps": 64})"),
       "configs[0].num_warps: expected a power of two between 1 and 32, got "
       "64"},
      {withConfig(R"({"num_warps": 0})"),
       "configs[0].num_warps: expected a power of two"},
      {withConfig(R"({"num_warps": -4})"),
       "configs[0].num_warps: expected a power of two"},
      {withConfig(R"({"num_warps": 4.0})"),
       "configs[0].num_warps: expected a power of two between 1 and 32, got "
       "4.0"},
      {withConfig(R"({"num_warps": "4"})"),
       "configs[0].num_warps: expected a power of two between 1 and 32, got "
       "the string \"4\""},
      {withConfig(R"({"num_warps": true})"),
       "configs[0].num_warps: expected a power of two"},
      {withConfig(R"({"num_stages": 0})"),
       "configs[0].num_stages: expected an integer between 1 and 16, got 0"},
      {withConfig(R"({"num_stages": 2.5})"),
       "configs[0].num_stages: expected an integer between 1 and 16, got 2.5"},
      {withConfig(R"({"maxnreg": 8})"),
       "configs[0].maxnreg: expected registers per thread between 16 and "
       "255, got 8"},
      {withConfig(R"({"maxnreg": 256})"), "configs[0].maxnreg: expected"},
      {withConfig(R"({"kwargs": [1]})"),
       "configs[0].kwargs: expected an object of constexpr values"},
      {withConfig(R"({"kwargs": {"BLOCK": 1.5}})"),
       "configs[0].kwargs.BLOCK: expected an integer, a boolean or a string, "
       "got 1.5"},
      {withConfig(R"({"kwargs": {"BLOCK": null}})"),
       "configs[0].kwargs.BLOCK: expected an integer, a boolean or a string, "
       "got null"},
      {withConfig(R"({"kwargs": {"BLOCK": 18446744073709551615}})"),
       "configs[0].kwargs.BLOCK: integer 18446744073709551615 does not fit "
       "in 64 bits"},
      {withConfig(R"({"kwargs": {"BLOCK N": 1}})"),
       "configs[0].kwargs[\"BLOCK N\"]: constexpr names must be identifiers"},
      {withConfig(R"({"kwargs": {"num_warps": 4}})"),
       "configs[0].kwargs.num_warps: 'num_warps' is reserved"},
      {withConfig(R"({"kwargs": {"N": 4}})"),
       "configs[0].kwargs.N: 'N' is a key argument; a constexpr cannot share "
       "its name"},
      {withConfig(R"({"num_warps": 4, "num_warps": 8})"),
       "configs[0].num_warps: field given twice"},
      {R"({"key": [], "configs": [{"kwargs": {"A": 1}}, {"num_warps": 2},
           {"kwargs": {"A": 1}, "num_warps": 4, "num_stages": 3}]})",
       "configs[2]: same config as configs[0]"},
      // default.
      {R"({"key": [], "configs": [{}, {"num_warps": 8}], "default": 5})",
       "default: index 5 is out of range; configs has 2 entries"},
      {R"({"key": [], "configs": [{}], "default": -1})",
       "default: index -1 is out of range"},
      {R"({"key": [], "configs": [{}], "default": "fast"})",
       "default: expected an index into configs or a config object, got the "
       "string \"fast\""},
      {R"({"key": [], "configs": [{}], "default": {"num_warps": 5}})",
       "default.num_warps: expected a power of two"},
      {R"({"key": ["N"], "configs": [{}], "default": {"kwargs": {"N": 1}}})",
       "default.kwargs.N: 'N' is a key argument"},
      // prune.
      {R"({"key": [], "configs": [{}], "prune": "N > 1"})",
       "prune: expected an object with keep_if, max_shared_bytes and/or "
       "max_registers"},
      {R"({"key": [], "configs": [{}], "prune": {"max_smem": 1}})",
       "prune.max_smem: unknown field; expected one of keep_if, "
       "max_shared_bytes, max_registers"},
      {R"({"key": [], "configs": [{}], "prune": {"keep_if": true}})",
       "prune.keep_if: expected an expression (a string), got true"},
      {R"({"key": ["N"], "configs": [{}], "prune": {"keep_if": "N >= (2 *"}})",
       "prune.keep_if: column 10: expected an operand"},
      {R"({"key": ["N"], "configs": [{"kwargs": {"BLOCK": 1}}],
           "prune": {"keep_if": "BLOK <= N"}})",
       "prune.keep_if: unknown name 'BLOK'; the expression can read N, "
       "BLOCK, num_warps and num_stages"},
      {R"({"key": ["N"], "configs": [{"kwargs": {"BLOCK": 1}}, {"num_warps": 8}],
           "prune": {"keep_if": "BLOCK <= N"}})",
       "prune.keep_if: 'BLOCK' is not a constexpr of configs[1]; give every "
       "config a value for it"},
      {R"({"key": ["N"], "configs": [{"kwargs": {"BLOCK": 1}}],
           "default": {"num_warps": 8}, "prune": {"keep_if": "BLOCK <= N"}})",
       "prune.keep_if: 'BLOCK' is not a constexpr of default"},
      {R"({"key": [], "configs": [{"kwargs": {"MODE": "pq"}}],
           "prune": {"keep_if": "MODE == 1"}})",
       "prune.keep_if: 'MODE' is a string in configs[0]; expressions read "
       "integers and booleans only"},
      {R"({"key": [], "configs": [{}], "prune": {"max_shared_bytes": 0}})",
       "prune.max_shared_bytes: expected a number of bytes between 1 and"},
      {R"({"key": [], "configs": [{}], "prune": {"max_registers": 300}})",
       "prune.max_registers: expected registers per thread between 1 and "
       "255, got 300"},
      // reset_to_zero / restore_value.
      {R"({"key": [], "configs": [{}], "reset_to_zero": "out"})",
       "reset_to_zero: expected an array of argument names"},
      {R"({"key": [], "configs": [{}], "restore_value": ["out", 1]})",
       "restore_value[1]: expected an argument name (a string), got 1"},
      {R"({"key": [], "configs": [{}], "restore_value": ["out", "out"]})",
       "restore_value[1]: 'out' is listed twice"},
  };
  for (const Case &c : cases) {
    INFO(c.text);
    std::string message = rejection(c.text);
    CHECK_THAT(message, StartsWith(c.message));
  }
}

TEST_CASE("errors from a file name the file first",
          "[config-space][validation]") {
  CHECK_THAT(rejection(withConfig(R"({"num_warps": 3})"), "space.json"),
             StartsWith("space.json: configs[0].num_warps: expected a power "
                        "of two between 1 and 32, got 3"));

  std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("tritium-space-" + std::to_string(::getpid()) + ".json");
  { std::ofstream(path) << fullSpace; }
  ConfigSpace space = ConfigSpace::load(path);
  CHECK(space.configs().size() == 3);
  { std::ofstream(path) << withConfig(R"({"num_stages": 99})"); }
  try {
    ConfigSpace::load(path);
    FAIL("accepted");
  } catch (const Error &error) {
    CHECK(error.kind() == Error::Kind::InvalidArgument);
    CHECK_THAT(error.what(),
               StartsWith(path.string() + ": configs[0].num_stages: "));
  }
  std::filesystem::remove(path);

  try {
    ConfigSpace::load(path);
    FAIL("loaded a missing file");
  } catch (const Error &error) {
    CHECK(error.kind() == Error::Kind::Io);
    CHECK_THAT(error.what(), Contains(path.string()));
    CHECK_THAT(error.what(), Contains("No such file"));
  }
}

TEST_CASE("key values come from the kernel's arguments by name",
          "[config-space][key]") {
  ConfigSpace space = ConfigSpace::parse(fullSpace);

  std::vector<ArgumentValue> arguments = {{"q", std::nullopt},
                                          {"B", 2},
                                          {"out", std::nullopt},
                                          {"Sk", 32768},
                                          {"H", 16}};
  KeyValues key = selectKeyValues(space, arguments, "indexer_score");
  CHECK(key == KeyValues{{"Sk", 32768}, {"B", 2}});
  CHECK(describeKey(key) == "Sk=32768, B=2");
  CHECK_NOTHROW(space.checkKeyValues(key));

  SECTION("a key naming no argument") {
    arguments.erase(arguments.begin() + 3);
    try {
      selectKeyValues(space, arguments, "indexer_score");
      FAIL("selected");
    } catch (const Error &error) {
      CHECK(error.kind() == Error::Kind::InvalidArgument);
      CHECK_THAT(error.what(),
                 Contains("the config space's key names 'Sk', but kernel "
                          "'indexer_score' has no argument of that name (its "
                          "arguments: q, B, out, H)"));
    }
  }
  SECTION("a key naming a pointer") {
    arguments[3].intValue.reset();
    CHECK_THROWS_WITH(selectKeyValues(space, arguments, "indexer_score"),
                      Contains("key argument 'Sk' of kernel 'indexer_score' "
                               "is not an integer"));
  }
  SECTION("from name=value pairs") {
    std::map<std::string, std::int64_t> values = {
        {"B", 1}, {"Sk", 4096}, {"unused", 7}};
    CHECK(selectKeyValues(space, values) == KeyValues{{"Sk", 4096}, {"B", 1}});
    values.erase("B");
    CHECK_THROWS_WITH(selectKeyValues(space, values),
                      Contains("no value for key argument 'B'; the config "
                               "space's key is (Sk, B)"));
  }
  SECTION("values for another key are refused") {
    CHECK_THROWS_WITH(space.checkKeyValues({{"B", 2}, {"Sk", 1}}),
                      Contains("key values (B=2, Sk=1) do not match the "
                               "config space's key (Sk, B)"));
    CHECK_THROWS_AS(space.checkKeyValues({{"Sk", 1}}), Error);
  }
}

TEST_CASE("pruning before and after compiling", "[config-space][prune]") {
  ConfigSpace space = ConfigSpace::parse(fullSpace);
  const auto &configs = space.configs();

  // BLOCK_N <= Sk && (SPLIT || B > 1)
  PruneVerdict verdict =
      space.checkBeforeCompile(configs[0], {{"Sk", 64}, {"B", 1}});
  CHECK(verdict.keep);
  verdict = space.checkBeforeCompile(configs[1], {{"Sk", 64}, {"B", 1}});
  CHECK_FALSE(verdict.keep);
  CHECK(verdict.reason ==
        "prune.keep_if is false with B=1, BLOCK_N=128, SPLIT=0, Sk=64");
  CHECK(space.checkBeforeCompile(configs[1], {{"Sk", 128}, {"B", 2}}).keep);
  CHECK_FALSE(
      space.checkBeforeCompile(configs[1], {{"Sk", 128}, {"B", 1}}).keep);

  CHECK(space.checkAfterCompile({101376, 255}).keep);
  verdict = space.checkAfterCompile({101377, 32});
  CHECK_FALSE(verdict.keep);
  CHECK(verdict.reason == "uses 101377 bytes of shared memory, over "
                          "prune.max_shared_bytes = 101376");
  verdict = space.checkAfterCompile({0, 256});
  CHECK(verdict.reason ==
        "uses 256 registers per thread, over prune.max_registers = 255");

  SECTION("an expression that cannot be evaluated prunes with the reason") {
    ConfigSpace divides = ConfigSpace::parse(
        R"({"key": ["N"], "configs": [{"kwargs": {"SPLITS": 0}}],
            "prune": {"keep_if": "N / SPLITS > 64 && num_warps * 32 <= N"}})");
    verdict = divides.checkBeforeCompile(divides.configs()[0], {{"N", 4096}});
    CHECK_FALSE(verdict.keep);
    CHECK(verdict.reason ==
          "prune.keep_if cannot be evaluated with N=4096, SPLITS=0, "
          "num_warps=4: division by zero in 4096 / 0");
  }
  SECTION("no rule keeps everything") {
    ConfigSpace open = ConfigSpace::parse(R"({"key": [], "configs": [{}]})");
    CHECK(open.checkBeforeCompile(open.configs()[0], {}).keep);
    CHECK(open.checkAfterCompile({1 << 30, 255}).keep);
  }
}

TEST_CASE("the documented example is a valid space", "[config-space]") {
  ConfigSpace space =
      ConfigSpace::load(std::string(TRITIUM_SOURCE_DIR) +
                        "/docs/schemas/config-space.example.json");
  CHECK(space.kernelName() == "softmax_rows");
  REQUIRE(space.configs().size() == 5);
  CHECK(space.defaultIndex() == 2u);
  CHECK(space.restoreValue() == std::vector<std::string>{"output"});

  std::vector<bool> kept;
  for (const Config &config : space.configs())
    kept.push_back(space.checkBeforeCompile(config, {{"N", 2048}}).keep);
  CHECK(kept == std::vector<bool>{false, false, true, true, false});
}

TEST_CASE("damaged files are rejected cleanly, never crash",
          "[config-space][validation]") {
  // Every byte-level damage of a valid file either still parses or throws
  // tritium::Error: no other exception, no crash (run under sanitizers).
  std::string original = fullSpace;
  std::mt19937 random(20261125);
  const std::string alphabet = "{}[]\":,0123456789-+.eE tfnaluAZ_()<=>!&|\\";
  int accepted = 0, rejected = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text = original;
    int edits = 1 + random() % 4;
    for (int e = 0; e < edits; ++e) {
      std::size_t at = random() % text.size();
      switch (random() % 4) {
      case 0:
        text[at] = alphabet[random() % alphabet.size()];
        break;
      case 1:
        text.erase(at, 1 + random() % 8);
        break;
      case 2:
        text.insert(at, 1, alphabet[random() % alphabet.size()]);
        break;
      default:
        text.resize(at); // truncated
        break;
      }
      if (text.empty())
        break;
    }
    try {
      ConfigSpace::parse(text, "damaged.json");
      ++accepted;
    } catch (const Error &error) {
      CHECK(error.kind() == Error::Kind::InvalidArgument);
      ++rejected;
    }
  }
  CHECK(rejected > 2000);
  INFO("accepted " << accepted);
}
