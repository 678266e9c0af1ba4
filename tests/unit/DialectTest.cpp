//===- DialectTest.cpp - C++ checks of the `tt` dialect --------------------===//

#include "tritium/Dialect/Triton/IR/Dialect.h"
#include "tritium/InitAll.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

#include <catch2/catch.hpp>

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

std::string print(Operation *op) {
  std::string text;
  llvm::raw_string_ostream os(text);
  op->print(os);
  return text;
}
} // namespace

TEST_CASE("pointer type helpers", "[dialect]") {
  auto context = makeContext();
  Builder b(context.get());
  Type f32 = b.getF32Type();
  auto ptr = PointerType::get(f32);
  CHECK(ptr.getAddressSpace() == 1);
  CHECK(getPointeeType(ptr) == f32);

  auto ptrTensor = RankedTensorType::get({4, 8}, ptr);
  CHECK(getPointeeType(ptrTensor) == RankedTensorType::get({4, 8}, f32));
  CHECK(getI1SameShape(RankedTensorType::get({4, 8}, f32)) ==
        RankedTensorType::get({4, 8}, b.getI1Type()));
  CHECK(getPointerTypeSameShape(RankedTensorType::get({16}, f32)) ==
        RankedTensorType::get({16}, ptr));

  auto block = PointerType::get(RankedTensorType::get({64, 32}, b.getF16Type()), 1);
  CHECK(getPointeeType(block) == RankedTensorType::get({64, 32}, b.getF16Type()));
  CHECK(getBlockBasePointerType(block) == PointerType::get(b.getF16Type()));
}

TEST_CASE("pointer types print as Triton prints them", "[dialect]") {
  auto context = makeContext();
  Builder b(context.get());
  std::string text;
  llvm::raw_string_ostream os(text);
  os << PointerType::get(b.getF32Type()) << " "
     << PointerType::get(b.getBF16Type(), 3);
  CHECK(text == "!tt.ptr<f32> !tt.ptr<bf16, 3>");
}

TEST_CASE("ops built in C++ verify and print in Triton's form", "[dialect]") {
  auto context = makeContext();
  OpBuilder b(context.get());
  Location loc = b.getUnknownLoc();
  auto module = ModuleOp::create(loc);
  b.setInsertionPointToEnd(module.getBody());

  auto ptr = PointerType::get(b.getF32Type());
  auto func = FuncOp::create(b, loc, "copy",
                             b.getFunctionType({ptr, ptr}, {}));
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToStart(entry);
  auto i32x128 = RankedTensorType::get({128}, b.getI32Type());
  auto range = MakeRangeOp::create(b, loc, i32x128, 0, 128);
  auto ptrs = RankedTensorType::get({128}, ptr);
  auto src = SplatOp::create(b, loc, ptrs, entry->getArgument(0));
  auto srcAddr = AddPtrOp::create(b, loc, ptrs, src, range);
  auto value = LoadOp::create(b, loc, srcAddr, /*mask=*/Value(),
                              /*other=*/Value(), ArrayRef<int32_t>{},
                              PaddingOptionAttr());
  auto dst = SplatOp::create(b, loc, ptrs, entry->getArgument(1));
  auto dstAddr = AddPtrOp::create(b, loc, ptrs, dst, range);
  StoreOp::create(b, loc, dstAddr, value, /*mask=*/Value(),
                  ArrayRef<int32_t>{}, CacheModifier::CG,
                  EvictionPolicy::EVICT_LAST);
  ReturnOp::create(b, loc);

  REQUIRE(succeeded(verify(module)));
  std::string text = print(module);
  CHECK_THAT(text, Catch::Contains("tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32>"));
  CHECK_THAT(text, Catch::Contains("cacheModifier = cg evictionPolicy = evict_last : tensor<128x!tt.ptr<f32>>"));
  module->erase();
}

TEST_CASE("verifier rejects a make_range whose size disagrees", "[dialect]") {
  auto context = makeContext();
  std::string diagnostic;
  ScopedDiagnosticHandler handler(context.get(), [&](Diagnostic &d) {
    diagnostic = d.str();
    return success();
  });
  const char *source = R"(
    tt.func @f() {
      %0 = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<32xi32>
      tt.return
    })";
  auto module = parseSourceString<ModuleOp>(source, context.get());
  CHECK(!module);
  CHECK_THAT(diagnostic, Catch::Contains("result has 32 elements"));
}

TEST_CASE("Triton IR round-trips through parse and print", "[dialect]") {
  auto context = makeContext();
  const char *source = R"(module {
  tt.func public @add(%arg0: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %arg1: i32) attributes {noinline = false} {
    %0 = tt.get_program_id x : i32
    %1 = tt.make_range {end = 1024 : i32, start = 0 : i32} : tensor<1024xi32>
    %2 = tt.splat %arg1 : i32 -> tensor<1024xi32>
    %3 = arith.cmpi slt, %1, %2 : tensor<1024xi32>
    %4 = tt.splat %arg0 : !tt.ptr<f32> -> tensor<1024x!tt.ptr<f32>>
    %5 = tt.addptr %4, %1 : tensor<1024x!tt.ptr<f32>>, tensor<1024xi32>
    %6 = tt.load %5, %3 : tensor<1024x!tt.ptr<f32>>
    %7 = "tt.reduce"(%6) <{axis = 0 : i32}> ({
    ^bb0(%arg2: f32, %arg3: f32):
      %8 = arith.addf %arg2, %arg3 : f32
      tt.reduce.return %8 : f32
    }) : (tensor<1024xf32>) -> f32
    tt.return
  }
}
)";
  auto module = parseSourceString<ModuleOp>(source, context.get());
  REQUIRE(module);
  std::string once = print(*module);
  auto again = parseSourceString<ModuleOp>(once, context.get());
  REQUIRE(again);
  CHECK(print(*again) == once);
  CHECK(once == source);
}
