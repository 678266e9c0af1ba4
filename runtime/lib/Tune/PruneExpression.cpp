//===- PruneExpression.cpp - The `prune.keep_if` expression language ------===//
//
// A deliberately tiny language, so a config space file can say which configs
// make sense for which shapes without running any code: 64-bit integers,
// + - * / %, comparisons, && || !, parentheses and identifiers. Division
// truncates toward zero as in C. Parsing is recursive descent with a nesting
// limit (deep parentheses must not overflow the stack); evaluation checks
// every operation for overflow and division by zero and reports, never traps.
//
//===----------------------------------------------------------------------===//

#include "ConfigJson.h"

#include "tritium/Runtime/Error.h"

#include <algorithm>
#include <limits>
#include <set>

namespace tritium::tune {

struct PruneExpression::Node {
  enum class Kind { Integer, Identifier, Unary, Binary };
  Kind kind = Kind::Integer;
  std::int64_t integer = 0;
  std::string name; ///< Identifier name, or the operator's spelling.
  std::unique_ptr<Node> lhs, rhs;
};

namespace {

using Node = PruneExpression::Node;

struct Token {
  enum class Kind { Integer, Identifier, Operator, LParen, RParen, End };
  Kind kind = Kind::End;
  std::string text;
  std::int64_t integer = 0;
  std::size_t column = 1; ///< 1-based.
};

constexpr int maxNesting = 64;
constexpr std::size_t maxLength = 4096;

class Parser {
public:
  Parser(std::string_view text, std::string_view path)
      : text(text), path(path) {
    advance();
  }

  std::unique_ptr<Node> parseWhole() {
    if (current.kind == Token::Kind::End)
      fail(current, "empty expression; write a condition such as "
                    "\"BLOCK_N <= Sk\"");
    auto node = parseOr();
    if (current.kind != Token::Kind::End)
      fail(current, "expected an operator or the end, got " + spell(current) +
                        operatorHint(current));
    return node;
  }

private:
  [[noreturn]] void fail(const Token &at, const std::string &message) {
    detail::failAt(path,
                   "column " + std::to_string(at.column) + ": " + message);
  }

  static std::string spell(const Token &token) {
    if (token.kind == Token::Kind::End)
      return "the end of the expression";
    return "'" + token.text + "'";
  }

  // Python's spellings are the likeliest mistake; say what to write instead.
  static std::string operatorHint(const Token &token) {
    if (token.kind != Token::Kind::Identifier)
      return "";
    if (token.text == "and")
      return " (write && for and)";
    if (token.text == "or")
      return " (write || for or)";
    if (token.text == "not")
      return " (write ! for not)";
    return "";
  }

  void advance() {
    while (position < text.size() &&
           (text[position] == ' ' || text[position] == '\t' ||
            text[position] == '\n' || text[position] == '\r'))
      ++position;
    current = Token();
    current.column = position + 1;
    if (position >= text.size())
      return;

    char c = text[position];
    if (c >= '0' && c <= '9') {
      std::size_t start = position;
      std::int64_t value = 0;
      while (position < text.size() && text[position] >= '0' &&
             text[position] <= '9') {
        int digit = text[position] - '0';
        if (value > (std::numeric_limits<std::int64_t>::max() - digit) / 10) {
          current.text = std::string(text.substr(start, position - start + 1));
          fail(current, "integer literal does not fit in 64 bits");
        }
        value = value * 10 + digit;
        ++position;
      }
      current.kind = Token::Kind::Integer;
      current.integer = value;
      current.text = std::string(text.substr(start, position - start));
      if (position < text.size() &&
          detail::isIdentifier(std::string_view(&text[position], 1))) {
        fail(current, "a number cannot run into a name ('" + current.text +
                          text[position] + "...')");
      }
      return;
    }
    if (detail::isIdentifier(std::string_view(&c, 1))) {
      std::size_t start = position;
      while (position < text.size() &&
             (detail::isIdentifier(std::string_view(&text[position], 1)) ||
              (text[position] >= '0' && text[position] <= '9')))
        ++position;
      current.kind = Token::Kind::Identifier;
      current.text = std::string(text.substr(start, position - start));
      return;
    }
    if (c == '(' || c == ')') {
      current.kind = c == '(' ? Token::Kind::LParen : Token::Kind::RParen;
      current.text = std::string(1, c);
      ++position;
      return;
    }
    static const char *const operators[] = {
        "&&", "||", "==", "!=", "<=", ">=", "<",
        ">",  "+",  "-",  "*",  "/",  "%",  "!"};
    for (const char *op : operators) {
      std::string_view spelling(op);
      if (text.substr(position, spelling.size()) == spelling) {
        current.kind = Token::Kind::Operator;
        current.text = std::string(spelling);
        position += spelling.size();
        return;
      }
    }
    current.text = std::string(1, c);
    std::string hint;
    if (c == '=')
      hint = " (write == to compare)";
    else if (c == '&' || c == '|')
      hint = std::string(" (write ") + c + c + ")";
    fail(current, "unexpected character '" + current.text + "'" + hint);
  }

  bool atOperator(std::initializer_list<std::string_view> spellings) const {
    if (current.kind != Token::Kind::Operator)
      return false;
    return std::find(spellings.begin(), spellings.end(), current.text) !=
           spellings.end();
  }

  static std::unique_ptr<Node> makeBinary(std::string op,
                                          std::unique_ptr<Node> lhs,
                                          std::unique_ptr<Node> rhs) {
    auto node = std::make_unique<Node>();
    node->kind = Node::Kind::Binary;
    node->name = std::move(op);
    node->lhs = std::move(lhs);
    node->rhs = std::move(rhs);
    return node;
  }

  // One precedence level: operand (op operand)*, left associative.
  template <typename Next>
  std::unique_ptr<Node>
  parseLevel(std::initializer_list<std::string_view> spellings, Next next) {
    auto lhs = (this->*next)();
    while (atOperator(spellings)) {
      std::string op = current.text;
      advance();
      lhs = makeBinary(op, std::move(lhs), (this->*next)());
    }
    return lhs;
  }

  std::unique_ptr<Node> parseOr() {
    return parseLevel({"||"}, &Parser::parseAnd);
  }
  std::unique_ptr<Node> parseAnd() {
    return parseLevel({"&&"}, &Parser::parseEquality);
  }
  std::unique_ptr<Node> parseEquality() {
    return parseLevel({"==", "!="}, &Parser::parseRelational);
  }
  std::unique_ptr<Node> parseRelational() {
    return parseLevel({"<", "<=", ">", ">="}, &Parser::parseAdditive);
  }
  std::unique_ptr<Node> parseAdditive() {
    return parseLevel({"+", "-"}, &Parser::parseMultiplicative);
  }
  std::unique_ptr<Node> parseMultiplicative() {
    return parseLevel({"*", "/", "%"}, &Parser::parseUnary);
  }

  std::unique_ptr<Node> parseUnary() {
    if (atOperator({"!", "-", "+"})) {
      Token op = current;
      if (++depth > maxNesting)
        fail(op,
             "nested more than " + std::to_string(maxNesting) + " levels deep");
      advance();
      auto operand = parseUnary();
      --depth;
      if (op.text == "+")
        return operand;
      auto node = std::make_unique<Node>();
      node->kind = Node::Kind::Unary;
      node->name = op.text;
      node->lhs = std::move(operand);
      return node;
    }
    return parsePrimary();
  }

  std::unique_ptr<Node> parsePrimary() {
    Token token = current;
    switch (token.kind) {
    case Token::Kind::Integer: {
      advance();
      auto node = std::make_unique<Node>();
      node->integer = token.integer;
      return node;
    }
    case Token::Kind::Identifier: {
      if (token.text == "and" || token.text == "or" || token.text == "not")
        fail(token,
             "expected an operand, got " + spell(token) + operatorHint(token));
      advance();
      auto node = std::make_unique<Node>();
      if (token.text == "true" || token.text == "false") {
        node->integer = token.text == "true";
        return node;
      }
      node->kind = Node::Kind::Identifier;
      node->name = token.text;
      return node;
    }
    case Token::Kind::LParen: {
      if (++depth > maxNesting)
        fail(token, "parentheses nested more than " +
                        std::to_string(maxNesting) + " levels deep");
      advance();
      auto inner = parseOr();
      if (current.kind != Token::Kind::RParen)
        fail(current, "expected ')' to close the '(' at column " +
                          std::to_string(token.column) + ", got " +
                          spell(current) + operatorHint(current));
      advance();
      --depth;
      return inner;
    }
    default:
      fail(token, "expected an operand (a number, a name or '('), got " +
                      spell(token));
    }
  }

  std::string_view text;
  std::string_view path;
  std::size_t position = 0;
  int depth = 0;
  Token current;
};

void collectIdentifiers(const Node &node, std::set<std::string> &names) {
  if (node.kind == Node::Kind::Identifier)
    names.insert(node.name);
  if (node.lhs)
    collectIdentifiers(*node.lhs, names);
  if (node.rhs)
    collectIdentifiers(*node.rhs, names);
}

using Value = PruneExpression::Value;

Value failure(std::string message) { return Value{std::nullopt, message}; }

Value evaluateNode(const Node &node, const PruneExpression::Lookup &lookup) {
  switch (node.kind) {
  case Node::Kind::Integer:
    return Value{node.integer, {}};
  case Node::Kind::Identifier: {
    if (auto value = lookup(node.name))
      return Value{*value, {}};
    return failure("'" + node.name + "' has no value");
  }
  case Node::Kind::Unary: {
    Value operand = evaluateNode(*node.lhs, lookup);
    if (!operand.value)
      return operand;
    if (node.name == "!")
      return Value{*operand.value == 0, {}};
    if (*operand.value == std::numeric_limits<std::int64_t>::min())
      return failure("overflow in -(" + std::to_string(*operand.value) + ")");
    return Value{-*operand.value, {}};
  }
  case Node::Kind::Binary:
    break;
  }

  const std::string &op = node.name;
  Value lhs = evaluateNode(*node.lhs, lookup);
  if (!lhs.value)
    return lhs;
  // Short circuit, so `BLOCK != 0 && N / BLOCK > 2` is safe to write.
  if (op == "&&" && *lhs.value == 0)
    return Value{0, {}};
  if (op == "||" && *lhs.value != 0)
    return Value{1, {}};
  Value rhs = evaluateNode(*node.rhs, lookup);
  if (!rhs.value)
    return rhs;
  std::int64_t a = *lhs.value, b = *rhs.value, result = 0;
  auto spelled = [&] {
    return std::to_string(a) + " " + op + " " + std::to_string(b);
  };

  if (op == "&&" || op == "||")
    return Value{b != 0, {}};
  if (op == "==")
    return Value{a == b, {}};
  if (op == "!=")
    return Value{a != b, {}};
  if (op == "<")
    return Value{a < b, {}};
  if (op == "<=")
    return Value{a <= b, {}};
  if (op == ">")
    return Value{a > b, {}};
  if (op == ">=")
    return Value{a >= b, {}};
  if (op == "+" && !__builtin_add_overflow(a, b, &result))
    return Value{result, {}};
  if (op == "-" && !__builtin_sub_overflow(a, b, &result))
    return Value{result, {}};
  if (op == "*" && !__builtin_mul_overflow(a, b, &result))
    return Value{result, {}};
  if (op == "/" || op == "%") {
    if (b == 0)
      return failure("division by zero in " + spelled());
    if (a == std::numeric_limits<std::int64_t>::min() && b == -1)
      return failure("overflow in " + spelled());
    return Value{op == "/" ? a / b : a % b, {}};
  }
  return failure("overflow in " + spelled());
}

} // namespace

PruneExpression PruneExpression::parse(std::string_view text,
                                       std::string_view path) {
  // Operator chains build trees as deep as they are long, and evaluation
  // recurses over them: bound the length so no file can exhaust the stack.
  if (text.size() > maxLength)
    detail::failAt(path, "expression longer than " + std::to_string(maxLength) +
                             " characters");
  PruneExpression expression;
  expression.source = std::string(text);
  Parser parser(expression.source, path);
  expression.root = parser.parseWhole();
  return expression;
}

PruneExpression::PruneExpression(PruneExpression &&) noexcept = default;
PruneExpression &
PruneExpression::operator=(PruneExpression &&) noexcept = default;
PruneExpression::~PruneExpression() = default;

// The tree is immutable once parsed; reparsing the accepted text is the
// simplest correct deep copy.
PruneExpression::PruneExpression(const PruneExpression &other)
    : source(other.source) {
  if (other.root)
    root = parse(other.source, "").root;
}

PruneExpression &PruneExpression::operator=(const PruneExpression &other) {
  if (this != &other)
    *this = PruneExpression(other);
  return *this;
}

std::vector<std::string> PruneExpression::identifiers() const {
  std::set<std::string> names;
  if (root)
    collectIdentifiers(*root, names);
  return {names.begin(), names.end()};
}

PruneExpression::Value PruneExpression::evaluate(const Lookup &lookup) const {
  if (!root)
    return failure("empty expression");
  return evaluateNode(*root, lookup);
}

} // namespace tritium::tune
