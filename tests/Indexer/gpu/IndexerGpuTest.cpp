//===- IndexerGpuTest.cpp - The Indexer against the CPU reference on a GPU ===//
//
// Every benchmark case and a sweep of edge shapes, each on fresh seeded
// inputs with the outputs poisoned (0xFF: -1 / NaN) before every run:
// identical lengths, sink / window / padding, heavy sets up to near-ties,
// identical weights (compareOutputs of Reference.h). Skips, saying why, when
// no GPU is present.
//
//===----------------------------------------------------------------------===//

#include "tritium/Indexer/DeviceProblem.h"
#include "tritium/Indexer/Indexer.h"
#include "tritium/Indexer/Inputs.h"
#include "tritium/Indexer/Reference.h"
#include "tritium/Runtime/Runtime.h"

#include <catch2/catch.hpp>

using namespace tritium;
using namespace tritium::indexer;

namespace {

bool haveGpu() {
  std::string reason;
  if (driverAvailable(&reason))
    return true;
  WARN("skipped: no GPU (" << reason << ")");
  return false;
}

/// Runs `config` on inputs from each seed, twice per seed (the second run
/// must rewrite every output after a fresh poisoning), and compares.
void checkAgainstReference(const IndexerConfig &config,
                           std::initializer_list<uint64_t> seeds,
                           InputOptions options = {},
                           const IndexerOptions &indexerOptions = {}) {
  Device device = Device::get(0);
  Indexer indexer(config, indexerOptions);
  INFO(config.describe() << "\n" << indexer.plan().describe());
  for (uint64_t seed : seeds) {
    options.seed = seed;
    HostInputs in = generateInputs(config, options);
    HostOutputs ref = computeReference(config, in);
    HostOutputs got = HostOutputs::allocate(config);
    DeviceProblem problem(device, in, got);
    for (int repeat = 0; repeat < 2; ++repeat) {
      problem.poisonOutputs();
      got.poison();
      indexer.run(problem.inputs(), problem.outputs());
      device.synchronize();
      problem.download(got);
      CompareResult result =
          compareOutputs(config, in.args(), ref.args(), got.args());
      INFO("seed " << seed << " run " << repeat);
      INFO(result.firstMismatch);
      REQUIRE(result.ok);
    }
  }
}

IndexerConfig small(ScoreKind score) {
  IndexerConfig c = score == ScoreKind::PQ ? findCase("seed-pq-32k").config
                                           : findCase("exact-gqa-32k").config;
  c.Sk = 6000;
  c.heavy = 100;
  c.sink = 16;
  c.window = 32;
  if (score == ScoreKind::PQ)
    c.pq.initOffset = 16;
  return c;
}

} // namespace

TEST_CASE("indexer matches the reference on every benchmark case",
          "[indexer][gpu]") {
  if (!haveGpu())
    return;
  for (const BenchmarkCase &bc : benchmarkCases())
    SECTION(std::string(bc.name)) { checkAgainstReference(bc.config, {1, 2}); }
}

TEST_CASE("one cooperative launch with grid barriers (grid_sync=1) matches "
          "the reference, call after call",
          "[indexer][gpu]") {
  if (!haveGpu())
    return;
  IndexerOptions options;
  options.overrides.gridSync = 1;
  for (const char *name :
       {"seed-pq-32k", "pq-128k", "exact-gqa-32k", "exact-gqa-128k"})
    SECTION(name) {
      const IndexerConfig &config = findCase(name).config;
      // One program an SM at most: a smaller GPU refuses the plan.
      try {
        planIndexer(config, Device::get(0).multiprocessorCount(),
                    options.overrides);
      } catch (const Error &error) {
        WARN("skipped: " << error.what());
        return;
      }
      checkAgainstReference(config, {5, 6}, {}, options);
    }
}

TEST_CASE("indexer edge shapes", "[indexer][gpu]") {
  if (!haveGpu())
    return;
  for (ScoreKind score : {ScoreKind::PQ, ScoreKind::Exact}) {
    IndexerConfig c = small(score);
    std::string kind(scoreKindName(score));
    SECTION(kind + ": Sk just above and below the fallback") {
      IndexerConfig above = c, at = c, below = c;
      int64_t threshold = c.sink + c.heavy + c.window;
      if (score == ScoreKind::PQ)
        threshold = std::max(threshold, c.heavy + c.pq.initOffset + 1 + c.C());
      above.Sk = threshold + 1;
      at.Sk = threshold;
      below.Sk = threshold - 1;
      checkAgainstReference(above, {3});
      checkAgainstReference(at, {3});
      checkAgainstReference(below, {3});
    }
    SECTION(kind + ": heavy = 0, window = 0, sink = 0") {
      IndexerConfig h0 = c, w0 = c, s0 = c;
      h0.heavy = 0;
      w0.window = 0;
      s0.sink = 0;
      if (score == ScoreKind::PQ)
        s0.pq.initOffset = 0;
      checkAgainstReference(h0, {4});
      checkAgainstReference(w0, {4});
      checkAgainstReference(s0, {4});
    }
    SECTION(kind + ": Sk not a multiple of any block, odd B x H") {
      IndexerConfig odd = c;
      odd.B = 3;
      odd.H = 5;
      odd.Hkv = score == ScoreKind::PQ ? 5 : 1;
      odd.Sk = 4099;
      checkAgainstReference(odd, {5});
    }
    SECTION(kind + ": heavy larger than a chunk") {
      IndexerConfig big = c;
      big.Sk = 40000;
      big.heavy = 5000;
      checkAgainstReference(big, {6});
    }
    SECTION(kind + ": ties, NaN and infinities") {
      InputOptions options;
      options.tieFraction = 0.3;
      options.nanFraction = 0.01;
      options.infFraction = 0.01;
      checkAgainstReference(c, {7}, options);
    }
    SECTION(kind + ": sparse bf16 and f16 weights, bf16 q") {
      IndexerConfig sp = c;
      sp.weightLayout = WeightLayout::Sparse;
      sp.weightDType = DType::BF16;
      sp.qDType = DType::BF16;
      checkAgainstReference(sp, {8});
      sp.weightLayout = WeightLayout::Dense;
      sp.weightDType = DType::F16;
      checkAgainstReference(sp, {9});
    }
  }
  SECTION("pq: GQA, key-minor uint8 codes, init_offset above sink") {
    IndexerConfig c = small(ScoreKind::PQ);
    c.H = 8;
    c.Hkv = 2;
    c.pq.codebookDType = DType::U8;
    c.pq.codebookLayout = CodebookLayout::KeyMinor;
    c.pq.initOffset = 40;
    checkAgainstReference(c, {10});
  }
  SECTION("pq: int32 codes, D = 96, M = 3, bits = 4") {
    IndexerConfig c = small(ScoreKind::PQ);
    c.D = 96;
    c.pq.M = 3;
    c.pq.bits = 4;
    c.pq.codebookDType = DType::I32;
    checkAgainstReference(c, {11});
  }
  SECTION("pq: M = 1 (Dm = D, 64 code tuples)") {
    IndexerConfig c = small(ScoreKind::PQ);
    c.pq.M = 1;
    checkAgainstReference(c, {13});
  }
  SECTION("exact: f32 keys, f16 q, scale, G = 3, D = 80") {
    IndexerConfig c = small(ScoreKind::Exact);
    c.H = 6;
    c.Hkv = 2;
    c.D = 80;
    c.keysDType = DType::F32;
    c.qDType = DType::F16;
    c.scale = 0.125f;
    checkAgainstReference(c, {12});
  }
}

TEST_CASE("indexer bad input: an error before anything runs, outputs untouched",
          "[indexer][gpu]") {
  if (!haveGpu())
    return;
  Device device = Device::get(0);
  IndexerConfig c = small(ScoreKind::PQ);
  Indexer indexer(c);
  HostInputs in = generateInputs(c, {.seed = 13});
  HostOutputs got = HostOutputs::allocate(c);
  DeviceProblem problem(device, in, got);
  problem.poisonOutputs();

  IndexerOutputs wrongShape = problem.outputs();
  wrongShape.sparseList.shape[2] -= 1;
  REQUIRE_THROWS_AS(indexer.run(problem.inputs(), wrongShape), Error);
  IndexerInputs nullCodebook = problem.inputs();
  nullCodebook.codebook.data = nullptr;
  REQUIRE_THROWS_WITH(indexer.run(nullCodebook, problem.outputs()),
                      Catch::Contains("codebook"));
  IndexerInputs wrongType = problem.inputs();
  wrongType.q.dtype = DType::F16;
  REQUIRE_THROWS_WITH(indexer.run(wrongType, problem.outputs()),
                      Catch::Contains("q"));
  device.synchronize();
  problem.download(got);
  const auto *list = got.sparseList.data<int64_t>();
  for (int64_t i = 0; i < got.sparseList.numel(); ++i)
    REQUIRE(list[i] == -1);

  SECTION("out-of-range codes with checkCodes") {
    IndexerConfig checked = c;
    checked.checkCodes = true;
    Indexer checking(checked);
    HostInputs bad =
        generateInputs(checked, {.seed = 14, .outOfRangeCodes = 3});
    DeviceProblem badProblem(device, bad, got);
    badProblem.poisonOutputs();
    REQUIRE_THROWS_WITH(checking.run(badProblem.inputs(), badProblem.outputs()),
                        Catch::Contains("codebook"));
    HostOutputs after = HostOutputs::allocate(checked);
    badProblem.download(after);
    for (int64_t i = 0; i < after.sparseLen.numel(); ++i)
      REQUIRE(after.sparseLen.data<int64_t>()[i] == -1);
    // Good codes pass the check and give the reference's answer.
    HostInputs good = generateInputs(checked, {.seed = 15});
    HostOutputs ref = computeReference(checked, good);
    DeviceProblem goodProblem(device, good, after);
    goodProblem.poisonOutputs();
    checking.run(goodProblem.inputs(), goodProblem.outputs());
    device.synchronize();
    goodProblem.download(after);
    REQUIRE(compareOutputs(checked, good.args(), ref.args(), after.args()).ok);
  }
}
