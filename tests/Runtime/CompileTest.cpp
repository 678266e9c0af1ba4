//===- CompileTest.cpp - The runtime's compile path, without a GPU --------===//

#include "TestSupport.h"

#include "tritium/Runtime/Runtime.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstring>

using namespace tritium;
using namespace tritium::test;

namespace {
/// The number of .param entries of `.entry name(...)` in `ptx`, or -1.
int ptxParamCount(const std::string &ptx, const std::string &name) {
  std::size_t entry = ptx.find(".entry " + name + "(");
  if (entry == std::string::npos)
    return -1;
  std::size_t end = ptx.find(')', entry);
  int count = 0;
  for (std::size_t at = ptx.find(".param", entry); at < end;
       at = ptx.find(".param", at + 1))
    ++count;
  return count;
}

KernelOptions sm90a(unsigned numWarps = 4) {
  KernelOptions options;
  options.arch = "sm_90a";
  options.numWarps = numWarps;
  options.useDiskCache = false;
  return options;
}
} // namespace

TEST_CASE("every corpus kernel compiles through the runtime to PTX/cubin",
          "[compile]") {
  std::vector<std::string> kernels = corpusKernels();
  REQUIRE(kernels.size() >= 39);
  for (const std::string &name : kernels) {
    INFO("corpus kernel " << name);
    Kernel kernel(KernelSource::fromFile(corpusPath(name)),
                  sm90a(corpusNumWarps(name)));
    auto compiled =
        kernel.compile(Specialization::none(kernel.signature().params.size()));
    const KernelMetadata &meta = compiled->metadata;
    CHECK(meta.name == kernel.name());
    CHECK(meta.arch == "sm_90a");
    CHECK(meta.launchParams.size() == kernel.signature().params.size());
    // IR parameters + the global and profile scratch pointers.
    CHECK(ptxParamCount(compiled->ptx, meta.name) ==
          int(meta.launchParams.size()) + 2);
    if (!compiled->cubin.empty())
      CHECK(compiled->cubin.compare(0, 4,
                                    "\x7f"
                                    "ELF") == 0);
  }
}

TEST_CASE("specialisation reaches the IR: ==1 arguments leave the signature",
          "[compile]") {
  TempDir dump;
  KernelOptions options = sm90a();
  options.dumpDir = dump.path();
  Kernel scale(KernelSource::fromIR(scaleKernelIR()), options);
  auto compiled = scale.compile(Specialization::parse("D,D,1,D,"));
  // n (== 1) is gone: x_ptr, out_ptr, stride, alpha remain.
  CHECK(compiled->metadata.launchParams ==
        std::vector<ParamType>{ParamType::Pointer, ParamType::Pointer,
                               ParamType::I32, ParamType::F32});
  CHECK(compiled->metadata.launchParamSource ==
        std::vector<unsigned>{0, 1, 3, 4});
  CHECK(ptxParamCount(compiled->ptx, "scale") == 6);

  std::string folder =
      dump.path() + "/scale-" + compiled->cacheKey.substr(0, 16);
  std::string ttir = readFile(folder + "/scale.ttir");
  CHECK_THAT(ttir, Catch::Contains("%x_ptr: !tt.ptr<f32> {tt.divisibility = "
                                   "16 : i32}"));
  CHECK_THAT(ttir, Catch::Contains("%stride: i32 {tt.divisibility = 16 : "
                                   "i32}"));
  CHECK_THAT(ttir, !Catch::Contains("%n: i32"));
  CHECK_THAT(ttir, Catch::Contains("arith.constant 1 : i32"));

  // Every stage was dumped.
  for (const char *file : {"scale.ttir", "scale.ttgir", "scale.llvm.mlir",
                           "scale.ll", "scale.ptx", "scale.json"})
    CHECK(fileExists(folder + "/" + file));
  CHECK(readFile(folder + "/scale.ptx") == compiled->ptx);
  if (!compiled->cubin.empty())
    CHECK(readFile(folder + "/scale.cubin") == compiled->cubin);
  CHECK_THAT(readFile(folder + "/scale.json"),
             Catch::Contains("\"specialization\": \"D,D,1,D,\""));
}

TEST_CASE("a stage can be replaced from the override folder", "[compile]") {
  TempDir dump, override;
  KernelOptions dumping = sm90a();
  dumping.dumpDir = dump.path();
  Kernel scale(KernelSource::fromIR(scaleKernelIR()), dumping);
  auto compiled = scale.compile(Specialization::parse("D,D,,,"));
  std::string ptx = compiled->ptx;

  // Named like the dump, without the variant folder: applies to every
  // variant of the kernel.
  std::string edited = ptx + "\n// hand-edited\n";
  writeFile(override.path() + "/scale.ptx", edited);
  KernelOptions overriding = sm90a();
  overriding.overrideDir = override.path();
  Kernel replaced(KernelSource::fromIR(scaleKernelIR()), overriding);
  auto result = replaced.compile(Specialization::parse("D,D,,,"));
  CHECK(result->ptx == edited);

  // A broken override is a Compile error naming the stage.
  writeFile(override.path() + "/scale.ttgir", "module { garbage }");
  std::string message = errorMessage(
      [&] {
        Kernel(KernelSource::fromIR(scaleKernelIR()), overriding)
            .compile(Specialization::parse("D,D,,,"));
      },
      Error::Kind::Compile);
  CHECK_THAT(message, Catch::Contains("ttgir override"));
}

TEST_CASE("arguments are packed as the compiled variant's parameters",
          "[compile][packing]") {
  Kernel scale(KernelSource::fromIR(scaleKernelIR()), sm90a());
  float *x = reinterpret_cast<float *>(std::uintptr_t(0x7f0000001000));
  float *out = reinterpret_cast<float *>(std::uintptr_t(0x7f0000002000));
  std::vector<ArgValue> args{x, out, 1, 3, 2.5f};
  auto compiled = scale.compile(scale.specializationFor(args));
  CHECK(compiled->specialization.str() == "D,D,1,,");
  PackedArguments packed;
  scale.packArguments(*compiled, args, packed);
  REQUIRE(packed.count() == 6); // x, out, stride, alpha, 2 scratch pointers
  std::uint64_t pointer = 0;
  std::memcpy(&pointer, packed.data(0), 8);
  CHECK(pointer == 0x7f0000001000);
  std::memcpy(&pointer, packed.data(1), 8);
  CHECK(pointer == 0x7f0000002000);
  std::int32_t stride = 0;
  std::memcpy(&stride, packed.data(2), 4);
  CHECK(stride == 3);
  float alpha = 0;
  std::memcpy(&alpha, packed.data(3), 4);
  CHECK(alpha == 2.5f);
  std::memcpy(&pointer, packed.data(4), 8);
  CHECK(pointer == 0);
  std::memcpy(&pointer, packed.data(5), 8);
  CHECK(pointer == 0);
  CHECK(packed.pointers()[2] == packed.data(2));

  // A double for an f32 parameter is narrowed; a negative int keeps its
  // bits.
  std::vector<ArgValue> other{x, out, 1, -2, 0.5};
  scale.packArguments(*compiled, other, packed);
  std::memcpy(&stride, packed.data(2), 4);
  CHECK(stride == -2);
  std::memcpy(&alpha, packed.data(3), 4);
  CHECK(alpha == 0.5f);

  // Values of another specialisation do not pack into this variant.
  std::vector<ArgValue> mismatched{x, out, 7, 3, 2.5f};
  std::string message =
      errorMessage([&] { scale.packArguments(*compiled, mismatched, packed); },
                   Error::Kind::InvalidArgument);
  CHECK_THAT(message, Catch::Contains("D,D,,,"));
}

TEST_CASE("an unknown target is an Unsupported error", "[compile]") {
  Kernel scale(KernelSource::fromIR(scaleKernelIR()), sm90a());
  std::string message =
      errorMessage([&] { scale.compile(Specialization::none(5), "sm_75"); },
                   Error::Kind::Unsupported);
  CHECK_THAT(message, Catch::Contains("sm_75"));
}
