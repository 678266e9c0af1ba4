//===- PruneExpressionTest.cpp - The prune.keep_if expression language ----===//

#include "tritium/Runtime/Error.h"
#include "tritium/Tune/ConfigSpace.h"

#include <catch2/catch.hpp>

#include <map>

using namespace tritium;
using namespace tritium::tune;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

const std::map<std::string, std::int64_t, std::less<>> variables = {
    {"N", 4096}, {"BLOCK", 128}, {"ZERO", 0}, {"num_warps", 4}};

PruneExpression::Value evaluate(const std::string &text) {
  PruneExpression expression = PruneExpression::parse(text, "prune.keep_if");
  return expression.evaluate(
      [](std::string_view name) -> std::optional<std::int64_t> {
        auto it = variables.find(name);
        if (it == variables.end())
          return std::nullopt;
        return it->second;
      });
}

std::int64_t value(const std::string &text) {
  PruneExpression::Value result = evaluate(text);
  INFO(text << ": " << result.error);
  REQUIRE(result.value);
  return *result.value;
}

std::string evaluationError(const std::string &text) {
  PruneExpression::Value result = evaluate(text);
  INFO(text);
  REQUIRE_FALSE(result.value);
  return result.error;
}

std::string syntaxError(const std::string &text) {
  try {
    PruneExpression::parse(text, "prune.keep_if");
  } catch (const Error &error) {
    CHECK(error.kind() == Error::Kind::InvalidArgument);
    return error.what();
  }
  FAIL("accepted: " << text);
  return "";
}

} // namespace

TEST_CASE("arithmetic follows C's precedence and truncation", "[prune]") {
  CHECK(value("2 + 3 * 4") == 14);
  CHECK(value("(2 + 3) * 4") == 20);
  CHECK(value("20 - 4 - 3") == 13); // left associative
  CHECK(value("64 / 4 / 2") == 8);
  CHECK(value("-7 / 2") == -3);
  CHECK(value("-7 % 2") == -1);
  CHECK(value("7 % -2") == 1);
  CHECK(value("- -3") == 3);
  CHECK(value("+5") == 5);
  CHECK(value("N / BLOCK") == 32);
  CHECK(value("N % BLOCK") == 0);
  CHECK(value("BLOCK * num_warps * 32") == 16384);
  CHECK(value("9223372036854775807") == INT64_MAX);
}

TEST_CASE("comparisons and logic give 0 or 1", "[prune]") {
  CHECK(value("BLOCK <= N") == 1);
  CHECK(value("BLOCK > N") == 0);
  CHECK(value("BLOCK >= 128") == 1);
  CHECK(value("BLOCK < 128") == 0);
  CHECK(value("N == 4096") == 1);
  CHECK(value("N != 4096") == 0);
  CHECK(value("!ZERO") == 1);
  CHECK(value("!N") == 0);
  CHECK(value("!!N") == 1);
  CHECK(value("N && BLOCK") == 1);
  CHECK(value("N && ZERO") == 0);
  CHECK(value("ZERO || BLOCK") == 1);
  CHECK(value("ZERO || ZERO") == 0);
  CHECK(value("true && !false") == 1);
  // && binds tighter than ||; comparisons tighter than both.
  CHECK(value("1 || 0 && 0") == 1);
  CHECK(value("N > 1 && BLOCK > 1 || ZERO") == 1);
  CHECK(value("1 + 1 == 2") == 1);
  CHECK(value("1 < 2 == 1") == 1);
}

TEST_CASE("&& and || short circuit", "[prune]") {
  // The guard makes the division safe, as a user would write it.
  CHECK(value("ZERO != 0 && N / ZERO > 2") == 0);
  CHECK(value("ZERO == 0 || N / ZERO > 2") == 1);
  // Unknown names behind a short circuit are not read either.
  CHECK(value("0 && undefined_name") == 0);
}

TEST_CASE("evaluation errors are reported, never trapped", "[prune]") {
  CHECK(evaluationError("N / ZERO") == "division by zero in 4096 / 0");
  CHECK(evaluationError("N % ZERO") == "division by zero in 4096 % 0");
  CHECK(evaluationError("9223372036854775807 + 1") ==
        "overflow in 9223372036854775807 + 1");
  CHECK(evaluationError("-9223372036854775807 - 2") ==
        "overflow in -9223372036854775807 - 2");
  CHECK(evaluationError("N * N * N * N * N * N") ==
        "overflow in 1152921504606846976 * 4096");
  CHECK(evaluationError("(-9223372036854775807 - 1) / -1") ==
        "overflow in -9223372036854775808 / -1");
  CHECK(evaluationError("-(-9223372036854775807 - 1)") ==
        "overflow in -(-9223372036854775808)");
  CHECK(evaluationError("BLOK > 1") == "'BLOK' has no value");
}

TEST_CASE("syntax errors name the column and suggest the fix", "[prune]") {
  CHECK(syntaxError("") == "prune.keep_if: column 1: empty expression; write "
                           "a condition such as \"BLOCK_N <= Sk\"");
  CHECK(syntaxError("   ") == "prune.keep_if: column 4: empty expression; "
                              "write a condition such as \"BLOCK_N <= Sk\"");
  CHECK(syntaxError("N +") == "prune.keep_if: column 4: expected an operand "
                              "(a number, a name or '('), got the end of the "
                              "expression");
  CHECK(syntaxError("(N > 1") == "prune.keep_if: column 7: expected ')' to "
                                 "close the '(' at column 1, got the end of "
                                 "the expression");
  CHECK(syntaxError("N > 1)") == "prune.keep_if: column 6: expected an "
                                 "operator or the end, got ')'");
  CHECK(syntaxError("N = 1") == "prune.keep_if: column 3: unexpected "
                                "character '=' (write == to compare)");
  CHECK(syntaxError("N & 1") == "prune.keep_if: column 3: unexpected "
                                "character '&' (write &&)");
  CHECK(syntaxError("N | 1") == "prune.keep_if: column 3: unexpected "
                                "character '|' (write ||)");
  CHECK(syntaxError("N > 1 and N < 8") == "prune.keep_if: column 7: expected "
                                          "an operator or the end, got 'and' "
                                          "(write && for and)");
  CHECK(syntaxError("not N") == "prune.keep_if: column 1: expected an operand, "
                                "got 'not' (write ! for not)");
  CHECK(syntaxError("N > 1 or") == "prune.keep_if: column 7: expected an "
                                   "operator or the end, got 'or' (write || "
                                   "for or)");
  CHECK(syntaxError("N # 2") ==
        "prune.keep_if: column 3: unexpected character '#'");
  CHECK(syntaxError("N ** 2") == "prune.keep_if: column 4: expected an "
                                 "operand (a number, a name or '('), got '*'");
  CHECK(syntaxError("2N") == "prune.keep_if: column 1: a number cannot run "
                             "into a name ('2N...')");
  CHECK(syntaxError("99999999999999999999") ==
        "prune.keep_if: column 1: integer literal does not fit in 64 bits");
  CHECK(syntaxError("N > 1.5") ==
        "prune.keep_if: column 6: unexpected character '.'");
  CHECK(syntaxError("N > 'x'") ==
        "prune.keep_if: column 5: unexpected character '''");
}

TEST_CASE("deep or long expressions are refused, not a stack overflow",
          "[prune]") {
  std::string nested =
      std::string(100000, '(') + "1" + std::string(100000, ')');
  CHECK_THAT(syntaxError(nested.substr(0, 4000)),
             StartsWith("prune.keep_if: column 65: parentheses nested more "
                        "than 64 levels deep"));
  CHECK_THAT(syntaxError(std::string(3000, '!') + "1"),
             StartsWith("prune.keep_if: column 65: nested more than 64 "
                        "levels deep"));
  CHECK_THAT(syntaxError(nested),
             Contains("expression longer than 4096 characters"));

  // Within the limits a long chain is fine.
  std::string chain = "1";
  for (int i = 0; i < 1000; ++i)
    chain += "+1";
  CHECK(value(chain) == 1001);
  std::string exactlyDeep = std::string(64, '(') + "7" + std::string(64, ')');
  CHECK(value(exactlyDeep) == 7);
}

TEST_CASE("identifiers are listed once, sorted", "[prune]") {
  PruneExpression expression = PruneExpression::parse(
      "N > BLOCK && N % BLOCK == 0 || num_warps > 2 && true", "p");
  CHECK(expression.identifiers() ==
        std::vector<std::string>{"BLOCK", "N", "num_warps"});
  CHECK(expression.text() ==
        "N > BLOCK && N % BLOCK == 0 || num_warps > 2 && true");

  PruneExpression copy = expression;
  CHECK(copy.identifiers() == expression.identifiers());
  PruneExpression moved = std::move(copy);
  CHECK(moved.text() == expression.text());
  auto lookup = [](std::string_view) -> std::optional<std::int64_t> {
    return 3;
  };
  CHECK(moved.evaluate(lookup).value == 1); // 3 > 2 && true
}
