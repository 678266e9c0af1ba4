//===- SpecializationTest.cpp - Signatures, specialisation, argument checks ==//

#include "ArgRules.h"
#include "TestSupport.h"

#include "tritium/Runtime/Runtime.h"

#include <catch2/catch.hpp>

using namespace tritium;
using namespace tritium::test;

namespace {
float *fakePointer(std::uintptr_t address) {
  return reinterpret_cast<float *>(address);
}
} // namespace

TEST_CASE("the signature comes from the IR, with names and divisibility",
          "[specialization]") {
  Kernel add = Kernel::fromFile(corpusPath("vector_add"));
  const Signature &sig = add.signature();
  CHECK(add.name() == "vector_add");
  REQUIRE(sig.params.size() == 4);
  CHECK(sig.params[0].name == "x_ptr");
  CHECK(sig.params[0].type == ParamType::Pointer);
  CHECK(sig.params[0].typeText == "!tt.ptr<f32>");
  CHECK(sig.params[0].irDivisibility == 16);
  CHECK(sig.params[3].name == "n");
  CHECK(sig.params[3].type == ParamType::I32);
  CHECK(sig.params[3].irDivisibility == 0);
  CHECK(sig.find("out_ptr") == 2);
  CHECK(sig.find("nope") == -1);
}

TEST_CASE("Triton 3.6's rules: ==1 to a constant, %16 and 16-byte alignment",
          "[specialization]") {
  Kernel scale = Kernel::fromIR(scaleKernelIR());
  float *aligned = fakePointer(0x7f0000001000);
  float *misaligned = fakePointer(0x7f0000001004);

  CHECK(scale
            .specializationFor(
                std::vector<ArgValue>{aligned, aligned, 4096, 1, 2.0f})
            .str() == "D,D,D,1,");
  CHECK(scale
            .specializationFor(
                std::vector<ArgValue>{misaligned, aligned, 1000, 3, 2.0f})
            .str() == ",D,,,");
  // Zero and negative multiples of 16 are divisible too (Triton: val & 15).
  CHECK(scale
            .specializationFor(
                std::vector<ArgValue>{aligned, aligned, 0, -32, 1.0f})
            .str() == "D,D,D,D,");
  // Floats are never specialised, even when they equal 1.
  CHECK(scale
            .specializationFor(
                std::vector<ArgValue>{aligned, aligned, 17, 2, 1.0f})
            .str() == "D,D,,,");
  // Unsigned and 64-bit integers follow the same rules.
  CHECK(scale
            .specializationFor(std::vector<ArgValue>{
                aligned, aligned, std::uint32_t(1), std::int64_t(48), 1.0})
            .str() == "D,D,1,D,");
}

TEST_CASE("do_not_specialize and do_not_specialize_on_alignment",
          "[specialization]") {
  KernelOptions options;
  options.doNotSpecialize = {"n"};
  options.doNotSpecializeOnAlignment = {"x_ptr", "#3"};
  Kernel scale(KernelSource::fromIR(scaleKernelIR()), options);
  float *aligned = fakePointer(0x1000);
  CHECK(scale
            .specializationFor(
                std::vector<ArgValue>{aligned, aligned, 1, 32, 1.0f})
            .str() == ",D,,,");
  // Alignment opt-out keeps the == 1 rule.
  CHECK(scale
            .specializationFor(
                std::vector<ArgValue>{aligned, aligned, 16, 1, 1.0f})
            .str() == ",D,,1,");

  KernelOptions bad;
  bad.doNotSpecialize = {"m"};
  std::string message =
      errorMessage([&] { Kernel(KernelSource::fromIR(scaleKernelIR()), bad); },
                   Error::Kind::InvalidArgument);
  CHECK_THAT(message, Catch::Contains("no argument 'm'"));
}

TEST_CASE("specialisations print and parse in Triton's notation",
          "[specialization]") {
  Specialization spec = Specialization::parse("D,1,,D");
  REQUIRE(spec.args.size() == 4);
  CHECK(spec.args[0] == ArgSpecialization::Divisible16);
  CHECK(spec.args[1] == ArgSpecialization::EqualsOne);
  CHECK(spec.args[2] == ArgSpecialization::None);
  CHECK(spec.str() == "D,1,,D");
  CHECK(Specialization::none(3).str() == ",,");
  std::string message = errorMessage([] { Specialization::parse("D,x"); },
                                     Error::Kind::InvalidArgument);
  CHECK_THAT(message, Catch::Contains("'x'"));
}

TEST_CASE("wrong argument counts and types are named before any launch",
          "[specialization]") {
  Kernel scale = Kernel::fromIR(scaleKernelIR());
  float *aligned = fakePointer(0x1000);

  std::string message = errorMessage(
      [&] {
        scale.specializationFor(std::vector<ArgValue>{aligned, aligned, 4});
      },
      Error::Kind::InvalidArgument);
  CHECK_THAT(message, Catch::Contains("kernel 'scale' takes 5 argument(s)"));
  CHECK_THAT(message, Catch::Contains("alpha: f32"));
  CHECK_THAT(message, Catch::Contains("3 were passed"));

  message = errorMessage(
      [&] {
        scale.specializationFor(std::vector<ArgValue>{aligned, 7, 4, 1, 1.0f});
      },
      Error::Kind::InvalidArgument);
  CHECK_THAT(message, Catch::Contains("argument 1 'out_ptr'"));
  CHECK_THAT(message, Catch::Contains("expects a device pointer, got int 7"));

  message = errorMessage(
      [&] {
        scale.specializationFor(
            std::vector<ArgValue>{aligned, aligned, 2.5f, 1, 1.0f});
      },
      Error::Kind::InvalidArgument);
  CHECK_THAT(message, Catch::Contains("argument 2 'n' (i32) expects an "
                                      "integer (i32), got float 2.5"));

  message = errorMessage(
      [&] {
        scale.specializationFor(std::vector<ArgValue>{
            aligned, aligned, std::int64_t(1) << 40, 1, 1.0f});
      },
      Error::Kind::InvalidArgument);
  CHECK_THAT(message, Catch::Contains("fits in i32"));

  message = errorMessage(
      [&] {
        scale.specializationFor(
            std::vector<ArgValue>{aligned, aligned, 4, 1, 3});
      },
      Error::Kind::InvalidArgument);
  CHECK_THAT(message, Catch::Contains("'alpha' (f32) expects a float"));
}

TEST_CASE("values must honour the IR's own tt.divisibility",
          "[specialization]") {
  Kernel add = Kernel::fromFile(corpusPath("vector_add"));
  float *aligned = fakePointer(0x1000);
  // The corpus IR (printed by Triton) already says the pointers are aligned:
  // nothing more to specialise on them.
  CHECK(add.specializationFor(
               std::vector<ArgValue>{aligned, aligned, aligned, 5000})
            .str() == ",,,");
  std::string message = errorMessage(
      [&] {
        add.specializationFor(
            std::vector<ArgValue>{aligned, fakePointer(0x1008), aligned, 5000});
      },
      Error::Kind::InvalidArgument);
  CHECK_THAT(message, Catch::Contains("argument 1 'y_ptr'"));
  CHECK_THAT(message, Catch::Contains("tt.divisibility = 16"));
}

TEST_CASE("a kernel source that is not Triton IR is a Compile error with its "
          "location",
          "[specialization]") {
  std::string message = errorMessage(
      [] {
        Kernel::fromIR("module {\n  tt.func public @k() {\n    %0 = "
                       "tt.bogus\n  }\n}\n");
      },
      Error::Kind::Compile);
  CHECK_THAT(message, Catch::Contains("<ir>:3:"));
  message = errorMessage([] { Kernel::fromIR(""); }, Error::Kind::Compile);
  CHECK_THAT(message, Catch::Contains("empty"));
  message = errorMessage([] { Kernel::fromFile("/nonexistent/k.ttir"); },
                         Error::Kind::Io);
  CHECK_THAT(message, Catch::Contains("/nonexistent/k.ttir"));
}

TEST_CASE("half and bfloat16 conversions round to nearest even",
          "[specialization]") {
  // Through packing: an f16 parameter fed a float.
  CHECK(ArgValue(Half{0x3c00}).asFloat() == 1.0f);
  CHECK(ArgValue(BFloat16{0x3f80}).asFloat() == 1.0f);
  CHECK(ArgValue(Half{0x0001}).asFloat() == Approx(5.960464477539063e-08));
  CHECK(ArgValue(Half{0xc000}).asFloat() == -2.0f);

  using detail::floatToBFloat16Bits;
  using detail::floatToHalfBits;
  CHECK(floatToHalfBits(1.0f) == 0x3c00);
  CHECK(floatToHalfBits(-2.0f) == 0xc000);
  CHECK(floatToHalfBits(0.1f) == 0x2e66);
  CHECK(floatToHalfBits(65504.0f) == 0x7bff);
  CHECK(floatToHalfBits(65520.0f) == 0x7c00);       // rounds up to infinity
  CHECK(floatToHalfBits(5.9604645e-08f) == 0x0001); // smallest subnormal
  CHECK(floatToHalfBits(1e-9f) == 0x0000);
  CHECK(floatToHalfBits(1.0f + 1.0f / 2048) == 0x3c00); // tie to even
  CHECK(floatToHalfBits(1.0f + 3.0f / 2048) == 0x3c02); // tie to even
  CHECK(floatToBFloat16Bits(1.0f) == 0x3f80);
  CHECK(floatToBFloat16Bits(3.14159265f) == 0x4049);
  // And through the packing of an f16 parameter.
  CHECK(detail::packValue(ParamType::F16, ArgValue(0.1f)) == 0x2e66);
  CHECK(detail::packValue(ParamType::F16, ArgValue(Half{0x1234})) == 0x1234);
  CHECK(detail::packValue(ParamType::F32, ArgValue(1.0)) == 0x3f800000);
  CHECK(detail::packValue(ParamType::I1, ArgValue(true)) == 1);
  CHECK(detail::packValue(ParamType::I32, ArgValue(-1)) ==
        0xffffffffffffffffull); // low 4 bytes are what the kernel reads
}
