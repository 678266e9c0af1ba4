//===- AxisInfoTest.cpp - C++ checks of the AxisInfo analysis -------------===//
//
// Besides the query API, this checks that the analysis is sound: random
// straight-line programs over the modelled ops are evaluated on concrete
// inputs (including values near the wrap-around points), and every claimed
// contiguity, divisibility, constancy and constant must hold of the computed
// values. A claim that is too strong would become a wrong vector access.
//
//===----------------------------------------------------------------------===//

#include "tritium/Analysis/AxisInfo.h"
#include "tritium/Dialect/Triton/IR/Dialect.h"
#include "tritium/InitAll.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/TypeSwitch.h"

#include <catch2/catch.hpp>

#include <map>
#include <random>

using namespace mlir;
using namespace mlir::triton;

namespace {
std::unique_ptr<MLIRContext> makeContext() {
  DialectRegistry registry;
  tritium::registerAllDialects(registry);
  auto context = std::make_unique<MLIRContext>(registry);
  context->loadAllAvailableDialects();
  return context;
}

/// The value defined by the op whose result has the given attribute marker
/// (`{name = "x"}`), so tests can find values by name.
Value findNamed(ModuleOp module, StringRef name) {
  Value found;
  module.walk([&](Operation *op) {
    auto attr = op->getAttrOfType<StringAttr>("name");
    if (attr && attr.getValue() == name)
      found = op->getResult(0);
  });
  return found;
}
} // namespace

TEST_CASE("join keeps only what holds of both values", "[axisinfo]") {
  // A run of 128 starting at 0 joined with a uniform zero: neither runs nor
  // uniformity survive, and the run's odd elements make divisibility 1.
  AxisInfo range({128}, {AxisInfo::kMaxDivisor}, {1});
  AxisInfo zero({1}, {AxisInfo::kMaxDivisor}, {128}, 0);
  AxisInfo joined = AxisInfo::join(range, zero);
  CHECK(joined.getContiguity(0) == 1);
  CHECK(joined.getDivisibility(0) == 1);
  CHECK(joined.getConstancy(0) == 1);
  CHECK(!joined.getConstantValue());

  AxisInfo runs16({16}, {64}, {1});
  AxisInfo runs64({64}, {256}, {1});
  AxisInfo both = AxisInfo::join(runs16, runs64);
  CHECK(both.getContiguity(0) == 16);
  // Runs of 16 inside runs of 64 starting at a multiple of 256 start at
  // multiples of 16.
  CHECK(both.getDivisibility(0) == 16);

  CHECK(AxisInfo::join(AxisInfo(), runs16) == runs16);
  CHECK(AxisInfo::join(runs16, AxisInfo()) == runs16);
}

TEST_CASE("vector width from the facts", "[axisinfo]") {
  AxisInfo ptr({1, 128}, {16, 16}, {1, 1});
  CHECK(computeVectorWidth(ptr, 4, 1) == 4);  // 4 x fp32
  CHECK(computeVectorWidth(ptr, 2, 1) == 8);  // 8 x fp16
  CHECK(computeVectorWidth(ptr, 1, 1) == 16); // 16 x i8
  CHECK(computeVectorWidth(ptr, 8, 1) == 2);  // 2 x fp64
  CHECK(computeVectorWidth(ptr, 4, 0) == 1);  // not contiguous along dim 0
  AxisInfo lessAligned({1, 128}, {8, 8}, {1, 1});
  CHECK(computeVectorWidth(lessAligned, 4, 1) == 2);
  AxisInfo shortRuns({1, 2}, {16, 16}, {1, 1});
  CHECK(computeVectorWidth(shortRuns, 4, 1) == 2);
  AxisInfo mask({1, 1}, {1, 1}, {1, 1});
  CHECK(computeVectorWidth(ptr, 4, 1, &mask) == 1);
  AxisInfo uniformMask({1, 1}, {1, 1}, {4, 16});
  CHECK(computeVectorWidth(ptr, 4, 1, &uniformMask) == 4);
}

TEST_CASE("query API on a kernel", "[axisinfo]") {
  auto context = makeContext();
  const char *source = R"(
    tt.func public @k(%p: !tt.ptr<f16> {tt.divisibility = 16 : i32},
                      %s: i32 {tt.divisibility = 16 : i32},
                      %f: f32, %bp: !tt.ptr<tensor<16x16xf16>>) {
      %r = tt.make_range {end = 16 : i32, start = 0 : i32} : tensor<16xi32>
      %rows = tt.expand_dims %r {axis = 1 : i32} : tensor<16xi32> -> tensor<16x1xi32>
      %cols = tt.expand_dims %r {axis = 0 : i32} : tensor<16xi32> -> tensor<1x16xi32>
      %ss = tt.splat %s : i32 -> tensor<1x16xi32>
      %cs = arith.muli %cols, %ss : tensor<1x16xi32>
      %rb = tt.broadcast %rows : tensor<16x1xi32> -> tensor<16x16xi32>
      %cb = tt.broadcast %cs : tensor<1x16xi32> -> tensor<16x16xi32>
      %off = arith.addi %rb, %cb : tensor<16x16xi32>
      %ps = tt.splat %p : !tt.ptr<f16> -> tensor<16x16x!tt.ptr<f16>>
      %ptr = tt.addptr %ps, %off {name = "transposed"} : tensor<16x16x!tt.ptr<f16>>, tensor<16x16xi32>
      %fs = tt.splat %f {name = "float"} : f32 -> tensor<16xf32>
      %scalar = tt.addptr %p, %s {name = "scalar"} : !tt.ptr<f16>, i32
      tt.return
    })";
  auto module = parseSourceString<ModuleOp>(source, context.get());
  REQUIRE(module);
  AxisInfoAnalysis analysis(*module);

  Value transposed = findNamed(*module, "transposed");
  REQUIRE(transposed);
  CHECK(analysis.getAccessOrder(transposed) == SmallVector<unsigned>{0, 1});
  CHECK(analysis.getContiguity(transposed) == 1);
  CHECK(analysis.getContiguity(transposed, 0) == 16);
  CHECK(analysis.getAlignment(transposed, 0) == 8);
  CHECK(analysis.getVectorWidth(transposed) == 1);
  CHECK(analysis.getVectorWidth(transposed, Value(), 0) == 8);

  // Floats are not modelled: pessimistic, of the right rank.
  AxisInfo floats = analysis.lookup(findNamed(*module, "float"));
  CHECK(floats.getRank() == 1);
  CHECK(floats.getContiguity(0) == 1);

  Value scalar = findNamed(*module, "scalar");
  CHECK(analysis.lookup(scalar).getDivisibility(0) == 16);
  CHECK(analysis.getVectorWidth(scalar) == 1);
  CHECK(analysis.getAccessOrder(scalar) == SmallVector<unsigned>{0});

  // A block pointer is a descriptor, not an address.
  auto func = *module->getOps<FuncOp>().begin();
  Value blockPtr = func.getArgument(3);
  CHECK(analysis.getVectorWidth(blockPtr) == 1);
  CHECK(analysis.lookup(blockPtr).getDivisibility(0) == 1);
}

//===----------------------------------------------------------------------===//
// Soundness against concrete evaluation
//===----------------------------------------------------------------------===//

namespace {

/// A concrete value: elements in row-major order, each in the canonical form
/// of the analysis (sign-extended, i1 as 0/1). Poison where the program had
/// undefined behaviour (division by zero, nsw overflow, oversized shifts).
struct Concrete {
  SmallVector<int64_t> shape;
  std::vector<int64_t> data;
  unsigned width = 32;
  bool poison = false;
};

int64_t canon(const APInt &v) {
  return v.getBitWidth() == 1 ? static_cast<int64_t>(v.getZExtValue())
                              : v.getSExtValue();
}

APInt toAP(int64_t v, unsigned width) {
  return APInt(width, static_cast<uint64_t>(v), false, /*implicitTrunc=*/true);
}

unsigned widthOf(Type type) {
  if (auto intType = dyn_cast<IntegerType>(getElementTypeOrSelf(type)))
    return intType.getWidth();
  return 64;
}

SmallVector<int64_t> shapeOf(Type type) {
  if (auto tensor = dyn_cast<RankedTensorType>(type))
    return SmallVector<int64_t>(tensor.getShape());
  return {1};
}

int64_t pointeeBytes(Type type) {
  auto ptr = cast<PointerType>(getElementTypeOrSelf(type));
  return std::max(1u, ptr.getPointeeType().getIntOrFloatBitWidth() / 8);
}

/// Evaluates the straight-line body of `func` on `args` and `pid`.
class Evaluator {
public:
  llvm::DenseMap<Value, Concrete> values;

  void run(FuncOp func, ArrayRef<int64_t> args, int64_t pid) {
    for (auto [arg, v] : llvm::zip(func.getArguments(), args))
      values[arg] = Concrete{{1},
                             {canon(toAP(v, widthOf(arg.getType())))},
                             widthOf(arg.getType())};
    for (Operation &op : func.getBody().front()) {
      if (op.getNumResults() != 1)
        continue;
      Value result = op.getResult(0);
      Concrete out{shapeOf(result.getType()), {}, widthOf(result.getType())};
      out.data.resize(product(out.shape));
      for (Value operand : op.getOperands())
        out.poison |= values[operand].poison;
      if (!out.poison)
        evaluate(op, pid, out);
      values[result] = std::move(out);
    }
  }

private:
  static int64_t product(ArrayRef<int64_t> shape) {
    int64_t n = 1;
    for (int64_t s : shape)
      n *= s;
    return n;
  }

  /// The element of `operand` that lands at flat index `i` of `out` (a scalar
  /// operand of a tensor op applies everywhere).
  int64_t at(Value operand, int64_t i) {
    const Concrete &c = values[operand];
    return c.data.size() == 1 ? c.data[0] : c.data[i];
  }

  void evaluate(Operation &op, int64_t pid, Concrete &out) {
    unsigned w = out.width;
    int64_t n = out.data.size();
    auto binary = [&](auto fn) {
      unsigned inWidth = widthOf(op.getOperand(0).getType());
      for (int64_t i = 0; i < n; ++i) {
        std::optional<APInt> r = fn(toAP(at(op.getOperand(0), i), inWidth),
                                    toAP(at(op.getOperand(1), i), inWidth));
        if (!r) {
          out.poison = true;
          return;
        }
        out.data[i] = canon(*r);
      }
    };
    auto nsw = [&]() {
      auto flags = dyn_cast<arith::ArithIntegerOverflowFlagsInterface>(op);
      return flags && flags.hasNoSignedWrap();
    };
    using R = std::optional<APInt>;
    llvm::TypeSwitch<Operation *>(&op)
        .Case([&](arith::ConstantOp c) {
          int64_t v = 0;
          if (auto i = dyn_cast<IntegerAttr>(c.getValue()))
            v = canon(i.getValue());
          else
            v = canon(cast<DenseIntElementsAttr>(c.getValue())
                          .getSplatValue<APInt>());
          std::fill(out.data.begin(), out.data.end(), v);
        })
        .Case([&](MakeRangeOp r) {
          for (int64_t i = 0; i < n; ++i)
            out.data[i] = r.getStart() + i;
        })
        .Case([&](GetProgramIdOp) { out.data[0] = pid; })
        .Case([&](SplatOp s) {
          std::fill(out.data.begin(), out.data.end(),
                    values[s.getSrc()].data[0]);
        })
        .Case([&](BroadcastOp b) {
          const Concrete &src = values[b.getSrc()];
          for (int64_t i = 0; i < n; ++i) {
            // Row-major index in the result -> in the source (size-1 dims
            // repeat).
            int64_t rem = i, srcIndex = 0, srcStride = 1;
            for (int d = out.shape.size() - 1; d >= 0; --d) {
              int64_t coord = rem % out.shape[d];
              rem /= out.shape[d];
              if (src.shape[d] != 1)
                srcIndex += coord * srcStride;
              srcStride *= src.shape[d];
            }
            out.data[i] = src.data[srcIndex];
          }
        })
        .Case<ExpandDimsOp, ReshapeOp>(
            [&](Operation *) { out.data = values[op.getOperand(0)].data; })
        .Case([&](TransOp t) {
          const Concrete &src = values[t.getSrc()];
          // 2-D only in these programs.
          for (int64_t r = 0; r < out.shape[0]; ++r)
            for (int64_t c = 0; c < out.shape[1]; ++c)
              out.data[r * out.shape[1] + c] = src.data[c * src.shape[1] + r];
        })
        .Case([&](AddPtrOp a) {
          int64_t bytes = pointeeBytes(a.getType());
          unsigned offWidth = widthOf(a.getOffset().getType());
          for (int64_t i = 0; i < n; ++i) {
            APInt off = toAP(at(a.getOffset(), i), offWidth).sext(64);
            out.data[i] =
                canon(toAP(at(a.getPtr(), i), 64) + off * APInt(64, bytes));
          }
        })
        .Case<PtrToIntOp, IntToPtrOp>(
            [&](Operation *) { out.data = values[op.getOperand(0)].data; })
        .Case<arith::ExtSIOp, arith::ExtUIOp, arith::TruncIOp>(
            [&](Operation *) {
              unsigned from = widthOf(op.getOperand(0).getType());
              for (int64_t i = 0; i < n; ++i) {
                APInt v = toAP(at(op.getOperand(0), i), from);
                APInt r = isa<arith::ExtSIOp>(op)   ? v.sext(w)
                          : isa<arith::ExtUIOp>(op) ? v.zext(w)
                                                    : v.trunc(w);
                out.data[i] = canon(r);
              }
            })
        .Case([&](arith::AddIOp) {
          binary([&](APInt a, APInt b) -> R {
            bool overflow;
            APInt r = a.sadd_ov(b, overflow);
            return overflow && nsw() ? R() : R(r);
          });
        })
        .Case([&](arith::SubIOp) {
          binary([&](APInt a, APInt b) -> R {
            bool overflow;
            APInt r = a.ssub_ov(b, overflow);
            return overflow && nsw() ? R() : R(r);
          });
        })
        .Case([&](arith::MulIOp) {
          binary([&](APInt a, APInt b) -> R {
            bool overflow;
            APInt r = a.smul_ov(b, overflow);
            return overflow && nsw() ? R() : R(r);
          });
        })
        .Case([&](arith::DivSIOp) {
          binary([&](APInt a, APInt b) -> R {
            if (b.isZero() || (a.isMinSignedValue() && b.isAllOnes()))
              return R();
            return a.sdiv(b);
          });
        })
        .Case([&](arith::DivUIOp) {
          binary([&](APInt a, APInt b) -> R {
            return b.isZero() ? R() : R(a.udiv(b));
          });
        })
        .Case([&](arith::RemSIOp) {
          binary([&](APInt a, APInt b) -> R {
            return b.isZero() ? R() : R(a.srem(b));
          });
        })
        .Case([&](arith::RemUIOp) {
          binary([&](APInt a, APInt b) -> R {
            return b.isZero() ? R() : R(a.urem(b));
          });
        })
        .Case([&](arith::AndIOp) {
          binary([&](APInt a, APInt b) -> R { return a & b; });
        })
        .Case([&](arith::OrIOp) {
          binary([&](APInt a, APInt b) -> R { return a | b; });
        })
        .Case([&](arith::XOrIOp) {
          binary([&](APInt a, APInt b) -> R { return a ^ b; });
        })
        .Case([&](arith::ShLIOp) {
          binary([&](APInt a, APInt b) -> R {
            return b.uge(a.getBitWidth()) ? R() : R(a.shl(b));
          });
        })
        .Case([&](arith::ShRSIOp) {
          binary([&](APInt a, APInt b) -> R {
            return b.uge(a.getBitWidth()) ? R() : R(a.ashr(b));
          });
        })
        .Case([&](arith::ShRUIOp) {
          binary([&](APInt a, APInt b) -> R {
            return b.uge(a.getBitWidth()) ? R() : R(a.lshr(b));
          });
        })
        .Case([&](arith::MaxSIOp) {
          binary([&](APInt a, APInt b) -> R {
            return llvm::APIntOps::smax(a, b);
          });
        })
        .Case([&](arith::MinSIOp) {
          binary([&](APInt a, APInt b) -> R {
            return llvm::APIntOps::smin(a, b);
          });
        })
        .Case([&](arith::CmpIOp c) {
          binary([&](APInt a, APInt b) -> R {
            return APInt(1, arith::applyCmpPredicate(c.getPredicate(), a, b));
          });
        })
        .Case([&](arith::SelectOp s) {
          for (int64_t i = 0; i < n; ++i)
            out.data[i] = at(s.getCondition(), i) ? at(s.getTrueValue(), i)
                                                  : at(s.getFalseValue(), i);
        })
        .Default([&](Operation *) { FAIL("unexpected op in a test program"); });
  }
};

/// Checks every claim of `info` against `value`; returns why one fails.
std::optional<std::string> checkClaims(const Concrete &value,
                                       const AxisInfo &info, int64_t step) {
  unsigned rank = value.shape.size();
  if (info.getRank() != rank)
    return "rank mismatch";
  uint64_t mask =
      value.width >= 64 ? ~uint64_t(0) : (uint64_t(1) << value.width) - 1;
  auto bits = [&](int64_t v) { return static_cast<uint64_t>(v) & mask; };
  int64_t n = value.data.size();
  for (int64_t i = 0; i < n; ++i) {
    if (info.getConstantValue() && value.data[i] != *info.getConstantValue())
      return "constant";
    int64_t rem = i, stride = 1;
    for (int d = rank - 1; d >= 0; --d) {
      int64_t coord = rem % value.shape[d];
      rem /= value.shape[d];
      int64_t c = info.getContiguity(d), k = info.getConstancy(d);
      int64_t p = info.getDivisibility(d);
      if (coord % c == 0) {
        uint64_t u = bits(value.data[i]);
        bool ok = (value.width < 64 && p >= (int64_t(1) << value.width))
                      ? u == 0
                      : (u & (static_cast<uint64_t>(p) - 1)) == 0;
        if (!ok)
          return "divisibility along dim " + std::to_string(d);
      } else if (bits(value.data[i] - value.data[i - stride]) != bits(step)) {
        return "contiguity along dim " + std::to_string(d);
      }
      if (coord % k != 0 && value.data[i] != value.data[i - stride])
        return "constancy along dim " + std::to_string(d);
      stride *= value.shape[d];
    }
  }
  return std::nullopt;
}

/// Writes a random straight-line kernel over the modelled ops.
class ProgramGenerator {
public:
  explicit ProgramGenerator(std::mt19937_64 &rng) : rng(rng) {}

  std::string generate(int64_t argDivisibility) {
    body.clear();
    pools.clear();
    counter = 0;
    add("i32", "%a");
    add("i32", "%b");
    add("!tt.ptr<f32>", "%pf");
    add("!tt.ptr<f16>", "%ph");
    emit("tt.get_program_id x : i32", "i32");
    emit("tt.make_range {end = 8 : i32, start = 0 : i32} : tensor<8xi32>",
         "tensor<8xi32>");
    for (int step = 0; step < 40; ++step)
      step_();
    std::string text = "tt.func public @f(%a: i32 {tt.divisibility = " +
                       std::to_string(argDivisibility) +
                       " : i32}, %b: i32, %pf: !tt.ptr<f32> "
                       "{tt.divisibility = 16 : i32}, %ph: !tt.ptr<f16> "
                       "{tt.divisibility = 4 : i32}) {\n" +
                       body + "  tt.return\n}\n";
    return text;
  }

private:
  std::mt19937_64 &rng;
  std::string body;
  std::map<std::string, std::vector<std::string>> pools;
  int counter = 0;

  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); }
  template <typename T> const T &pickFrom(const std::vector<T> &v) {
    return v[pick(v.size())];
  }
  static std::string tensor(const std::string &shape, const std::string &elem) {
    return shape.empty() ? elem : "tensor<" + shape + "x" + elem + ">";
  }
  void add(const std::string &type, const std::string &name) {
    pools[type].push_back(name);
  }
  bool has(const std::string &type) { return pools.count(type) != 0; }
  std::string any(const std::string &type) { return pickFrom(pools[type]); }
  std::string emit(const std::string &rhs, const std::string &type) {
    std::string name = "%v" + std::to_string(counter++);
    body += "  " + name + " = " + rhs + "\n";
    add(type, name);
    return name;
  }

  int64_t interesting() {
    static const std::vector<int64_t> values = {0,
                                                1,
                                                2,
                                                3,
                                                4,
                                                5,
                                                7,
                                                8,
                                                15,
                                                16,
                                                17,
                                                31,
                                                32,
                                                48,
                                                64,
                                                128,
                                                -1,
                                                -2,
                                                -4,
                                                -16,
                                                1 << 30,
                                                2147483647,
                                                -2147483647 - 1,
                                                2147483632};
    return pickFrom(values);
  }

  void step_() {
    static const std::vector<std::string> shapes = {"", "8", "8x8", "64"};
    static const std::vector<std::string> binops = {
        "addi", "subi", "muli", "divsi", "divui", "remsi", "remui", "andi",
        "ori",  "xori", "shli", "shrsi", "shrui", "maxsi", "minsi"};
    static const std::vector<std::string> preds = {
        "eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge"};
    std::string shape = pickFrom(shapes);
    std::string elem = pick(4) == 0 ? "i64" : "i32";
    std::string type = tensor(shape, elem);
    switch (pick(17)) {
    case 0:
      if (shape.empty())
        emit("arith.constant " + std::to_string(interesting()) + " : " + type,
             type);
      else
        emit("arith.constant dense<" + std::to_string(interesting()) +
                 "> : " + type,
             type);
      return;
    case 1: {
      int64_t start = pickFrom(std::vector<int64_t>{0, 1, 3, 8, 16, 1024});
      int64_t size = pick(2) ? 8 : 64;
      emit("tt.make_range {end = " + std::to_string(start + size) +
               " : i32, start = " + std::to_string(start) +
               " : i32} : tensor<" + std::to_string(size) + "xi32>",
           "tensor<" + std::to_string(size) + "xi32>");
      return;
    }
    case 2:
      if (!shape.empty() && has(elem))
        emit("tt.splat " + any(elem) + " : " + elem + " -> " + type, type);
      return;
    case 3:
    case 4:
    case 5: {
      if (!has(type))
        return;
      std::string op = pickFrom(binops);
      std::string flags =
          (op == "addi" || op == "subi" || op == "muli") && pick(3) == 0
              ? " overflow<nsw>"
              : "";
      // Small shift amounts and divisors are more telling.
      std::string rhs = any(type);
      if ((op.rfind("sh", 0) == 0 || op.find("div") != std::string::npos ||
           op.find("rem") != std::string::npos) &&
          pick(2)) {
        int64_t amount =
            pickFrom(std::vector<int64_t>{1, 2, 3, 4, 8, 16, 3, 12});
        rhs = emit(shape.empty() ? "arith.constant " + std::to_string(amount) +
                                       " : " + type
                                 : "arith.constant dense<" +
                                       std::to_string(amount) + "> : " + type,
                   type);
      }
      emit("arith." + op + " " + any(type) + ", " + rhs + flags + " : " + type,
           type);
      return;
    }
    case 6: {
      if (!has(type))
        return;
      std::string lhs = any(type), rhs = any(type);
      // Bounds checks compare offsets with a uniform bound.
      if (!shape.empty() && has(elem) && pick(2)) {
        rhs =
            emit("tt.splat " + any(elem) + " : " + elem + " -> " + type, type);
        if (pick(2))
          std::swap(lhs, rhs);
      }
      emit("arith.cmpi " + pickFrom(preds) + ", " + lhs + ", " + rhs + " : " +
               type,
           tensor(shape, "i1"));
      return;
    }
    case 7: {
      std::string boolType = tensor(shape, "i1");
      bool scalarCond = !shape.empty() && has("i1") && pick(4) == 0;
      if (!has(type) || (!scalarCond && !has(boolType)))
        return;
      std::string cond = scalarCond ? any("i1") : any(boolType);
      emit("arith.select " + cond + ", " + any(type) + ", " + any(type) +
               " : " +
               (scalarCond || shape.empty() ? type : boolType + ", " + type),
           type);
      return;
    }
    case 8: {
      std::string boolType = tensor(shape, "i1");
      if (has(boolType))
        emit("arith." +
                 pickFrom(std::vector<std::string>{"andi", "ori", "xori"}) +
                 " " + any(boolType) + ", " + any(boolType) + " : " + boolType,
             boolType);
      return;
    }
    case 9: {
      std::string from = tensor("8", elem);
      if (!has(from))
        return;
      bool rows = pick(2);
      std::string mid = tensor(rows ? "8x1" : "1x8", elem);
      std::string e = emit("tt.expand_dims " + any(from) +
                               " {axis = " + std::to_string(rows ? 1 : 0) +
                               " : i32} : " + from + " -> " + mid,
                           mid);
      emit("tt.broadcast " + e + " : " + mid + " -> " + tensor("8x8", elem),
           tensor("8x8", elem));
      return;
    }
    case 10: {
      std::string t = tensor("8x8", elem);
      if (has(t))
        emit("tt.trans " + any(t) + " {order = array<i32: 1, 0>} : " + t +
                 " -> " + t,
             t);
      return;
    }
    case 11: {
      std::string a = tensor("8x8", elem), b = tensor("64", elem);
      if (pick(2))
        std::swap(a, b);
      if (has(a))
        emit("tt.reshape " + any(a) + " : " + a + " -> " + b, b);
      return;
    }
    case 12: {
      std::string narrow = tensor(shape, "i32"), wide = tensor(shape, "i64"),
                  tiny = tensor(shape, "i16");
      int kind = pick(4);
      if (kind < 2 && has(narrow))
        emit(std::string(kind ? "arith.extsi " : "arith.extui ") + any(narrow) +
                 " : " + narrow + " to " + wide,
             wide);
      else if (kind == 2 && has(wide))
        emit("arith.trunci " + any(wide) + " : " + wide + " to " + narrow,
             narrow);
      else if (kind == 3 && has(narrow)) {
        std::string t =
            emit("arith.trunci " + any(narrow) + " : " + narrow + " to " + tiny,
                 tiny);
        emit(std::string(pick(2) ? "arith.extsi " : "arith.extui ") + t +
                 " : " + tiny + " to " + narrow,
             narrow);
      }
      return;
    }
    case 13: {
      if (shape.empty() || shape == "64")
        return;
      std::string pointee = pick(2) ? "f32" : "f16";
      std::string ptrType = tensor(shape, "!tt.ptr<" + pointee + ">");
      std::string base;
      if (has(ptrType) && pick(2))
        base = any(ptrType);
      else
        base =
            emit("tt.splat " + std::string(pointee == "f32" ? "%pf" : "%ph") +
                     " : !tt.ptr<" + pointee + "> -> " + ptrType,
                 ptrType);
      if (has(type))
        emit("tt.addptr " + base + ", " + any(type) + " : " + ptrType + ", " +
                 type,
             ptrType);
      return;
    }
    case 15:
    case 16: {
      // The ubiquitous offsets `scalar + arange(n)`, whose runs the
      // interesting rules (div, rem, cmp, casts, addptr) act on.
      std::string size = pick(2) ? "8" : "64";
      std::string t = tensor(size, "i32");
      if (!has("i32"))
        return;
      std::string splat = emit("tt.splat " + any("i32") + " : i32 -> " + t, t);
      std::string range = emit("tt.make_range {end = " + size +
                                   " : i32, start = 0 : i32} : " + t,
                               t);
      emit("arith.addi " + splat + ", " + range +
               (pick(4) == 0 ? " overflow<nsw>" : "") + " : " + t,
           t);
      return;
    }
    case 14: {
      if (shape.empty() || shape == "64")
        return;
      std::string ptrType = tensor(shape, "!tt.ptr<f32>");
      std::string wide = tensor(shape, "i64");
      if (pick(2) && has(ptrType))
        emit("tt.ptr_to_int " + any(ptrType) + " : " + ptrType + " -> " + wide,
             wide);
      else if (has(wide))
        emit("tt.int_to_ptr " + any(wide) + " : " + wide + " -> " + ptrType,
             ptrType);
      return;
    }
    }
  }
};

} // namespace

TEST_CASE("claims hold on random programs and inputs", "[axisinfo]") {
  auto context = makeContext();
  constexpr int kPrograms = 1000;
  std::mt19937_64 rng(20240611);
  ProgramGenerator generator(rng);
  int programs = 0, checkedValues = 0;
  for (int p = 0; p < kPrograms; ++p) {
    int64_t divisibility = int64_t(1) << (rng() % 9);
    std::string text = generator.generate(divisibility);
    auto module = parseSourceString<ModuleOp>(text, context.get());
    if (!module) {
      INFO(text);
      FAIL("generated program does not parse");
    }
    ++programs;
    AxisInfoAnalysis analysis(*module);
    FuncOp func = *module->getOps<FuncOp>().begin();
    for (int sample = 0; sample < 48; ++sample) {
      auto edge = [&](std::vector<int64_t> values) {
        return values[rng() % values.size()];
      };
      int64_t pid = sample % 3 == 0
                        ? edge({0, 1, 2, 3, 7, 8, 2147483647, 2147483646,
                                2147483640, 1 << 30, 65535})
                        : static_cast<int64_t>(rng() % 2147483648u);
      // Unsigned products: wrapping is the point, and signed overflow is UB.
      int64_t a = static_cast<int64_t>(rng() * uint64_t(divisibility));
      if (sample % 4 == 0)
        a = edge({0, -divisibility, divisibility, 2147483648 - divisibility});
      int64_t b = sample % 2 ? static_cast<int64_t>(rng())
                             : edge({0, 1, -1, -5, -8, -64, 16, 2147483647,
                                     2147483644, 2147483645, -2147483647 - 1});
      int64_t pf = static_cast<int64_t>(rng() * 16);
      int64_t ph = static_cast<int64_t>(rng() * 4);
      if (sample % 5 == 0)
        pf = edge({0, -16, INT64_MAX - 15});
      Evaluator evaluator;
      evaluator.run(func, {a, b, pf, ph}, pid);
      for (Operation &op : func.getBody().front()) {
        if (op.getNumResults() != 1)
          continue;
        Value result = op.getResult(0);
        const Concrete &value = evaluator.values[result];
        if (value.poison)
          continue;
        Type element = getElementTypeOrSelf(result.getType());
        int64_t step =
            isa<PointerType>(element) ? pointeeBytes(result.getType()) : 1;
        AxisInfo info = analysis.lookup(result);
        std::optional<std::string> failure = checkClaims(value, info, step);
        ++checkedValues;
        if (failure) {
          std::string dump, infoText;
          llvm::raw_string_ostream os(dump), is(infoText);
          op.print(os);
          is << info;
          INFO(text);
          INFO("op: " << dump);
          INFO("claimed: " << infoText);
          INFO("pid = " << pid << ", a = " << a << ", b = " << b
                        << ", pf = " << pf);
          FAIL("wrong claim: " << *failure);
        }
      }
    }
  }
  CHECK(programs == kPrograms);
  CHECK(checkedValues > 100000);
}
