//===- BuilderTest.cpp - Semantics and misuse of the kernel builder -------===//
//
// Triton's typing rules as the builder implements them (promotion, weak
// literals, broadcasting, signedness), the IR of the ops that carry options,
// and the errors misuse gets: tritium::Error of kind InvalidArgument naming
// the op and the shapes, or Compile with the verifier's diagnostics.
//
//===----------------------------------------------------------------------===//

#include "tritium/Builder/KernelBuilder.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <catch2/catch.hpp>

#include <limits>

using namespace tritium::builder;
using Catch::Matchers::Contains;
using Kind = tritium::Error::Kind;

namespace {

/// Runs `f` and returns the error it throws (failing the test otherwise).
template <typename F> tritium::Error errorOf(F &&f) {
  try {
    f();
  } catch (const tritium::Error &error) {
    return error;
  }
  FAIL("no tritium::Error was thrown");
  return tritium::Error(Kind::Internal, "unreachable");
}

/// A kernel with one f32 pointer, one i32 scalar and the usual offsets.
struct Fixture {
  KernelBuilder kb{"k"};
  Value x = kb.pointerArg("x_ptr", DType::F32, {.divisibility = 16});
  Value n = kb.scalarArg("n", DType::I32);
  Value offs = kb.arange(0, 128);
};

} // namespace

TEST_CASE("types promote as in Triton", "[builder]") {
  Fixture f;
  KernelBuilder &kb = f.kb;
  Value i8 = kb.full({128}, 1, DType::I8);
  Value u32 = kb.full({128}, 1, DType::U32);
  Value i64 = kb.full({128}, 1, DType::I64);
  Value f16 = kb.full({128}, 1, DType::F16);
  Value bf16 = kb.full({128}, 1, DType::BF16);
  Value f32 = kb.full({128}, 1, DType::F32);

  // Weak literals take the tensor's type when their kind is not higher.
  CHECK((i8 + 1).dtype() == DType::I8);
  CHECK((u32 & 0xFF).dtype() == DType::U32);
  CHECK((f16 * 2.0).dtype() == DType::F16);
  CHECK((f16 * 2).dtype() == DType::F16);
  CHECK((i8 + 1.5).dtype() == DType::F32);
  // ... except division of half types, which Triton computes in f32.
  CHECK((f16 / 2.0).dtype() == DType::F32);
  // Non-literal operands: C's rules for integers, then the float ladder.
  CHECK((f.offs + i64).dtype() == DType::I64);
  CHECK((f.offs + u32).dtype() == DType::U32);
  CHECK((i8 + f.offs).dtype() == DType::I32);
  CHECK((f16 + bf16).dtype() == DType::F16); // fp16 outranks bf16
  CHECK((bf16 + bf16).dtype() == DType::BF16);
  CHECK((f16 + f32).dtype() == DType::F32);
  CHECK((f16 + f.offs).dtype() == DType::F16);
  // Comparisons give i1; trueDiv of integers gives f32.
  CHECK((f.offs < f.n).dtype() == DType::I1);
  CHECK(trueDiv(f.offs, 3).dtype() == DType::F32);
  // Sums widen narrow integers; max widens narrow types.
  CHECK(sum(i8).dtype() == DType::I32);
  CHECK(sum(kb.full({128}, 1, DType::U8)).dtype() == DType::U32);
  CHECK(max(f16, 0).dtype() == DType::F32);
  CHECK(sum(f32).isScalar());

  std::string ir = kb.tritonIR();
}

TEST_CASE("signedness selects the unsigned ops", "[builder]") {
  Fixture f;
  KernelBuilder &kb = f.kb;
  Value u = kb.full({128}, 7, DType::U32);
  Value s = kb.full({128}, 7, DType::I32);
  (void)(u >> 3);
  (void)(s >> 3);
  (void)(u / 3);
  (void)(s / 3);
  (void)(u % 3);
  (void)(u < 3);
  (void)u.to(DType::F32);
  (void)u.to(DType::I64);
  (void)s.to(DType::I64);
  (void)maximum(u, 1);
  (void)shrLogical(s, 1);
  std::string ir = kb.tritonIR();
  CHECK_THAT(ir, Contains("arith.shrui"));
  CHECK_THAT(ir, Contains("arith.shrsi"));
  CHECK_THAT(ir, Contains("arith.divui"));
  CHECK_THAT(ir, Contains("arith.divsi"));
  CHECK_THAT(ir, Contains("arith.remui"));
  CHECK_THAT(ir, Contains("arith.cmpi ult"));
  CHECK_THAT(ir, Contains("arith.uitofp"));
  CHECK_THAT(ir, Contains("arith.extui"));
  CHECK_THAT(ir, Contains("arith.extsi"));
  CHECK_THAT(ir, Contains("arith.maxui"));
}

TEST_CASE("shapes broadcast as in numpy", "[builder]") {
  Fixture f;
  KernelBuilder &kb = f.kb;
  Value col = kb.arange(0, 4).column();
  Value row = kb.arange(0, 8).row();
  CHECK(col.shape() == Shape{4, 1});
  CHECK(row.shape() == Shape{1, 8});
  CHECK((col + row).shape() == Shape{4, 8});
  CHECK((col * f.n).shape() == Shape{4, 1});
  CHECK((f.x + (col + row)).shape() == Shape{4, 8});
  CHECK((f.x + (col + row)).isPointer());
  // A missing leading dimension is added.
  CHECK((kb.zeros({2, 4, 8}, DType::F32) + row).shape() == Shape{2, 4, 8});
  CHECK(broadcastTo(f.n, {16}).shape() == Shape{16});
  CHECK(expandDims(kb.arange(0, 8), -1).shape() == Shape{8, 1});
  std::string ir = kb.tritonIR();
  CHECK_THAT(ir, Contains("tt.broadcast"));
  CHECK_THAT(ir, Contains("tt.splat %n : i32 -> tensor<4x1xi32>"));
}

TEST_CASE("loads, stores and atomics print their options", "[builder]") {
  Fixture f;
  KernelBuilder &kb = f.kb;
  Value p = f.x + f.offs;
  Value mask = f.offs < f.n;
  Value v = load(p, {.mask = mask,
                     .other = 0,
                     .cache = CacheModifier::CG,
                     .eviction = EvictionPolicy::EvictLast});
  store(p, v, {.mask = mask, .cache = CacheModifier::CS});
  (void)atomicAdd(
      p, 1.0,
      {.mask = mask, .sem = MemSemantic::Relaxed, .scope = MemScope::Cta});
  std::string ir = kb.tritonIR();
  CHECK_THAT(ir, Contains("cacheModifier = cg evictionPolicy = evict_last"));
  CHECK_THAT(ir, Contains("cacheModifier = cs"));
  CHECK_THAT(ir, Contains("tt.atomic_rmw fadd, relaxed, cta"));
  CHECK_THAT(ir,
             Contains("arith.constant dense<0.000000e+00> : tensor<128xf32>"));
}

TEST_CASE("names become SSA names; arguments keep their names as locations",
          "[builder]") {
  Fixture f;
  Value offs = (f.kb.programId(0) * 128 + f.offs).named("offs");
  store(f.x + offs, 1.0);
  std::string ir = f.kb.tritonIR();
  CHECK_THAT(ir, Contains("%offs = arith.addi"));
  CHECK_THAT(ir, Contains("tt.func public @k(%x_ptr: !tt.ptr<f32> "
                          "{tt.divisibility = 16 : i32}, %n: i32)"));
  CHECK_THAT(ir, Contains("attributes {noinline = false}"));
  std::string withLocations = f.kb.tritonIR(true);
  CHECK_THAT(withLocations, Contains("loc(\"x_ptr\")"));
}

TEST_CASE("constexpr values specialise the IR", "[builder]") {
  auto build = [](int block) {
    KernelBuilder kb("copy");
    Value in = kb.pointerArg("in", DType::F32);
    Value out = kb.pointerArg("out", DType::F32);
    Value offs = kb.programId(0) * block + kb.arange(0, block);
    store(out + offs, load(in + offs));
    return kb.tritonIR();
  };
  std::string small = build(128), large = build(1024);
  CHECK(small != large);
  CHECK_THAT(small, Contains("tensor<128x!tt.ptr<f32>>"));
  CHECK_THAT(large, Contains("tensor<1024x!tt.ptr<f32>>"));
  CHECK(build(128) == small); // Deterministic.
}

TEST_CASE("prefetchL2 takes one pointer and a scalar byte count", "[builder]") {
  Fixture f;
  KernelBuilder &kb = f.kb;
  Value s = kb.scalarArg("s", DType::F32);
  auto tensor = errorOf([&] { prefetchL2(f.x + f.offs, 512); });
  CHECK(tensor.kind() == Kind::InvalidArgument);
  CHECK_THAT(tensor.what(), Contains("prefetchL2") && Contains("tensor"));
  auto floatBytes = errorOf([&] { prefetchL2(f.x, s); });
  CHECK_THAT(floatBytes.what(), Contains("scalar integer"));
  auto tensorBytes = errorOf([&] { prefetchL2(f.x, f.offs); });
  CHECK_THAT(tensorBytes.what(), Contains("scalar integer"));
  auto boolBytes = errorOf([&] { prefetchL2(f.x, f.n < 4); });
  CHECK_THAT(boolBytes.what(), Contains("scalar integer"));
  auto floatLiteral = errorOf([&] { prefetchL2(f.x, 512.0); });
  CHECK_THAT(floatLiteral.what(), Contains("scalar integer"));
  prefetchL2(f.x + 256, f.n * 4);
  prefetchL2(f.x, 4096);
  std::string ir = kb.tritonIR();
  CHECK_THAT(ir,
             Contains("tx.prefetch_l2 %") && Contains(": !tt.ptr<f32>, i64"));
}

TEST_CASE("a load's l2Prefetch is 64, 128 or 256 bytes, never volatile",
          "[builder]") {
  Fixture f;
  KernelBuilder &kb = f.kb;
  auto odd = errorOf([&] { (void)load(f.x + f.offs, {.l2Prefetch = 32}); });
  CHECK(odd.kind() == Kind::InvalidArgument);
  CHECK_THAT(odd.what(), Contains("l2Prefetch") && Contains("got 32"));
  auto onVolatile = errorOf([&] {
    (void)load(f.x + f.offs, {.isVolatile = true, .l2Prefetch = 128});
  });
  CHECK_THAT(onVolatile.what(), Contains("volatile"));
  Value a = load(f.x + f.offs, {.l2Prefetch = 256});
  Value b = load(f.x + f.offs);
  store(f.x + f.offs, a + b);
  std::string ir = kb.tritonIR();
  CHECK_THAT(ir, Contains("{tx.l2_prefetch = 256 : i32}"));
  CHECK(ir.find("tx.l2_prefetch") == ir.rfind("tx.l2_prefetch"));
}

TEST_CASE("misuse is an InvalidArgument error naming the op and shapes",
          "[builder][errors]") {
  Fixture f;
  KernelBuilder &kb = f.kb;

  SECTION("shape mismatch in a binary op") {
    auto error = errorOf([&] { (void)(kb.arange(0, 64) + kb.arange(0, 128)); });
    CHECK(error.kind() == Kind::InvalidArgument);
    CHECK_THAT(error.what(),
               Contains("+") && Contains("[64]") && Contains("[128]"));
  }
  SECTION("cluster sums need a cluster and every program") {
    auto noCluster = errorOf([&] { (void)kb.clusterSum(kb.arange(0, 64)); });
    CHECK(noCluster.kind() == Kind::InvalidArgument);
    CHECK_THAT(noCluster.what(), Contains("setClusterSize"));
    auto tooLarge = errorOf([&] { kb.setClusterSize(16); });
    CHECK_THAT(tooLarge.what(), Contains("1 to 8"));
    kb.setClusterSize(2);
    auto notInt =
        errorOf([&] { (void)kb.clusterSum(kb.arange(0, 64).to(DType::I64)); });
    CHECK_THAT(notInt.what(), Contains("i32 or f32"));
    auto divergent = errorOf([&] {
      kb.ifThen(kb.clusterRank() == 0,
                [&] { (void)kb.clusterSum(kb.arange(0, 64)); });
    });
    CHECK_THAT(divergent.what(), Contains("not inside ifThen"));
  }
  SECTION("loading from a non-pointer") {
    auto error = errorOf([&] { (void)load(f.offs); });
    CHECK(error.kind() == Kind::InvalidArgument);
    CHECK_THAT(error.what(), Contains("load") && Contains("tensor<128xi32>"));
  }
  SECTION("bitwise op on floats") {
    auto error = errorOf([&] { (void)(kb.zeros({128}, DType::F32) & 1); });
    CHECK_THAT(error.what(), Contains("&") && Contains("integers"));
  }
  SECTION("a mask that is not boolean") {
    auto error = errorOf([&] { (void)load(f.x + f.offs, {.mask = f.offs}); });
    CHECK_THAT(error.what(), Contains("mask") && Contains("boolean"));
  }
  SECTION("other without a mask") {
    auto error = errorOf([&] { (void)load(f.x + f.offs, {.other = 0.0}); });
    CHECK_THAT(error.what(), Contains("other"));
  }
  SECTION("a store of the wrong shape") {
    auto error = errorOf([&] {
      store(f.x + f.offs, kb.zeros({2, 128}, DType::F32));
    });
    CHECK_THAT(error.what(), Contains("store") && Contains("[2, 128]"));
  }
  SECTION("dot of shapes that do not multiply") {
    Value a = kb.zeros({32, 16}, DType::F16);
    Value b = kb.zeros({32, 16}, DType::F16);
    auto error = errorOf([&] { (void)dot(a, b); });
    CHECK_THAT(error.what(), Contains("dot") && Contains("[32, 16]"));
  }
  SECTION("a size that is not a power of two") {
    auto error = errorOf([&] { (void)kb.arange(0, 100); });
    CHECK_THAT(error.what(), Contains("arange") && Contains("power of two"));
    error = errorOf([&] { (void)kb.zeros({3, 4}, DType::F32); });
    CHECK_THAT(error.what(), Contains("[3, 4]"));
  }
  SECTION("an axis out of range") {
    auto error = errorOf([&] { (void)sum(f.offs, 1); });
    CHECK_THAT(error.what(), Contains("axis 1"));
  }
  SECTION("a literal that does not fit") {
    Value i8 = kb.full({128}, 1, DType::I8);
    auto error = errorOf([&] { (void)(i8 + 1000); });
    CHECK_THAT(error.what(), Contains("1000") && Contains("int8"));
  }
  SECTION("values of another builder") {
    KernelBuilder other("other");
    Value foreign = other.arange(0, 128);
    auto error = errorOf([&] { (void)(f.offs + foreign); });
    CHECK_THAT(error.what(), Contains("different kernel builders"));
  }
  SECTION("an empty value") {
    auto error = errorOf([&] { (void)(f.offs + Value()); });
    CHECK_THAT(error.what(), Contains("empty"));
  }
  SECTION("a loop body that changes a carried value's type") {
    auto error = errorOf([&] {
      kb.forLoop(0, f.n, 1, {kb.zeros({128}, DType::F32)},
                 [&](const Value &, const Values &c) -> Values {
                   return {c[0].to(DType::F16)};
                 });
    });
    CHECK_THAT(error.what(), Contains("forLoop") && Contains("carried value"));
  }
  SECTION("a negative number of stages") {
    auto error = errorOf([&] {
      kb.forLoop(0, f.n, 1, [&](const Value &) {}, {.numStages = -1});
    });
    CHECK_THAT(error.what(), Contains("forLoop") && Contains("numStages"));
  }
  SECTION("branches of different types") {
    auto error = errorOf([&] {
      kb.ifThenElse(
          f.n > 0, [&]() -> Values { return {kb.zeros({128}, DType::F32)}; },
          [&]() -> Values { return {kb.zeros({128}, DType::I32)}; });
    });
    CHECK_THAT(error.what(), Contains("ifThenElse"));
  }
  SECTION("ops after finish") {
    kb.finish();
    auto error = errorOf([&] { (void)(f.offs + 1); });
    CHECK_THAT(error.what(), Contains("finished"));
  }
  SECTION("every operand a literal") {
    auto error = errorOf([&] { (void)(Value(1) + Value(2)); });
    CHECK_THAT(error.what(), Contains("literal"));
  }
}

TEST_CASE("a loop's numStages becomes Triton's tt.num_stages mark",
          "[builder]") {
  Fixture f;
  KernelBuilder &kb = f.kb;
  Values sums = kb.forLoop(
      0, f.n, 1, {kb.zeros({128}, DType::F32)},
      [&](const Value &i, const Values &c) -> Values {
        return {c[0] + load(f.x + (f.offs + i * 128))};
      },
      {.numStages = 3});
  store(f.x + f.offs, sums[0]);
  kb.forLoop(0, f.n, 1, [&](const Value &) {});
  std::string ir = kb.tritonIR();
  CHECK_THAT(ir, Contains("{tt.num_stages = 3 : i32}"));
  // Only the marked loop.
  CHECK(ir.find("tt.num_stages") == ir.rfind("tt.num_stages"));
}

TEST_CASE("a kernel that does not verify is a Compile error with the "
          "diagnostic",
          "[builder][errors]") {
  Fixture f;
  KernelBuilder &kb = f.kb;
  // A value made inside the loop, used after it: the verifier rejects it.
  Value leaked;
  kb.forLoop(0, f.n, 1, [&](const Value &i) { leaked = f.offs + i; });
  store(f.x + leaked, 1.0);
  auto error = errorOf([&] { kb.finish(); });
  CHECK(error.kind() == Kind::Compile);
  CHECK_THAT(error.what(), Contains("does not verify") && Contains("dominate"));
}

TEST_CASE("reductions with indices tie-break to the left", "[builder]") {
  Fixture f;
  KernelBuilder &kb = f.kb;
  Value tile = load(f.x + (kb.arange(0, 4).column() * 128 + f.offs.row()));
  auto [value, index] = maxWithIndex(tile, 1);
  CHECK(value.shape() == Shape{4});
  CHECK(index.dtype() == DType::I32);
  CHECK(argmin(tile, 1, true).shape() == Shape{4, 1});
  std::string ir = kb.tritonIR();
  CHECK_THAT(ir, Contains("arith.cmpf oeq") && Contains("arith.cmpi slt") &&
                     Contains("arith.cmpf ogt") && Contains("arith.cmpf olt") &&
                     Contains("tt.reduce.return"));
}

TEST_CASE("generic reduce and scan take combine functions", "[builder]") {
  Fixture f;
  KernelBuilder &kb = f.kb;
  Value v = load(f.x + f.offs);
  Values r = reduce({v, f.offs}, 0, [](const Values &a, const Values &b) {
    return Values{a[0] + b[0], maximum(a[1], b[1])};
  });
  CHECK(r.size() == 2);
  CHECK(r[0].isScalar());
  Values s = scan(
      {v}, 0,
      [](const Values &a, const Values &b) { return Values{a[0] * b[0]}; },
      /*reverse=*/true);
  CHECK(s[0].shape() == Shape{128});
  auto error = errorOf([&] {
    (void)reduce({v}, 0, [](const Values &a, const Values &) {
      return Values{a[0].to(DType::F16)};
    });
  });
  CHECK_THAT(error.what(), Contains("combine result"));
  // The failed reduce left nothing behind: the kernel still verifies.
  std::string ir = kb.tritonIR();
  CHECK_THAT(ir, Contains("reverse = true"));
}

TEST_CASE("bitcasts keep the width; i32 <-> u32 changes only signedness",
          "[builder]") {
  Fixture f;
  KernelBuilder &kb = f.kb;
  Value v = load(f.x + f.offs);
  Value bits = bitcast(v, DType::U32);
  CHECK(bits.dtype() == DType::U32);
  Value asSigned = bitcast(bits, DType::I32);
  CHECK(asSigned.dtype() == DType::I32);
  CHECK(asSigned.mlirValue().getType() == bits.mlirValue().getType());
  auto error = errorOf([&] { (void)bitcast(v, DType::I64); });
  CHECK_THAT(error.what(), Contains("bitcast"));
  Value halfPtr = bitcast(f.x, DType::I32);
  CHECK(halfPtr.isPointer());
  std::string ir = kb.tritonIR();
  CHECK_THAT(ir, Contains("tt.bitcast") && Contains("tensor<128xf32> -> "
                                                    "tensor<128xi32>"));
}

TEST_CASE("the module can be taken once", "[builder]") {
  Fixture f;
  store(f.x + f.offs, 0.0);
  mlir::OwningOpRef<mlir::ModuleOp> module = f.kb.takeModule();
  CHECK(module);
  auto error = errorOf([&] { f.kb.tritonIR(); });
  CHECK_THAT(error.what(), Contains("taken"));
}
