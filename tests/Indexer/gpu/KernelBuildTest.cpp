//===- KernelBuildTest.cpp - The indexer's kernels build and compile ------===//
//
// Needs no GPU: plans every benchmark case and the edge shapes, builds their
// kernels with the kernel builder and compiles each to PTX for sm_90a
// through the runtime's compile path, as the Indexer does on a GPU machine.
//
//===----------------------------------------------------------------------===//

#include "tritium/Indexer/Indexer.h"
#include "tritium/Runtime/Runtime.h"

#include <catch2/catch.hpp>

#include <vector>

using namespace tritium;
using namespace tritium::indexer;

namespace {

/// The PTX of one of the indexer's kernels for sm_90a, compiled as the
/// Indexer compiles it (its warps, stages and code generation options;
/// every argument a 16-byte aligned pointer).
std::string ptxOf(const IndexerKernelSource &source) {
  IndexerOptions indexerOptions;
  indexerOptions.arch = "sm_90a";
  KernelOptions options = indexerKernelOptions(source, indexerOptions);
  options.useDiskCache = false;
  Kernel kernel(KernelSource::fromIR(source.irText, source.name), options);
  auto compiled = compileIndexerKernel(kernel, "sm_90a");
  REQUIRE(compiled);
  return compiled->ptx;
}

void compileAll(const IndexerConfig &config,
                const PlanOverrides &overrides = {}) {
  IndexerPlan plan = planIndexer(config, 132, overrides);
  std::vector<IndexerKernelSource> kernels = buildIndexerKernels(config, plan);
  REQUIRE(static_cast<int>(kernels.size()) == plan.launches);
  for (const IndexerKernelSource &source : kernels) {
    INFO(config.describe() << "\n"
                           << plan.describe() << "\nkernel " << source.name);
    CHECK(ptxOf(source).find(".entry " + source.name) != std::string::npos);
  }
}

/// `base` with M = 3 codes of 4 bits (4096 tuples, D = 96) or with M = 1
/// (C = 64 tuples, fewer than a program's threads): the code shapes other
/// than the cases' M = 2.
IndexerConfig withThreeCodes(IndexerConfig base) {
  base.D = 96;
  base.pq.M = 3;
  base.pq.bits = 4;
  return base;
}
IndexerConfig withOneCode(IndexerConfig base) {
  base.pq.M = 1;
  return base;
}

/// Occurrences of `what` in `text` (ops in a kernel's IR).
size_t countOf(const std::string &text, const std::string &what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + 1))
    ++n;
  return n;
}

} // namespace

TEST_CASE("indexer kernels compile for every benchmark case",
          "[indexer][build]") {
  for (const BenchmarkCase &bc : benchmarkCases()) {
    SECTION(std::string(bc.name)) { compileAll(bc.config); }
  }
}

TEST_CASE("indexer plans", "[indexer][build]") {
  const IndexerConfig &seed = findCase("seed-pq-32k").config;
  IndexerPlan plan = planIndexer(seed, 132);
  CHECK(plan.launches == 2);
  CHECK(plan.splits * plan.chunk >= seed.candidates());
  CHECK(plan.chunk >= 2 * seed.heavy);
  // At least one program for every other SM (one of 16 warps streams well).
  CHECK(2 * plan.rowGroups * plan.splits >= 132);
  // Fallback: one launch.
  IndexerConfig full = seed;
  full.Sk = full.sink + full.heavy + full.window;
  CHECK(planIndexer(full, 132).launches == 1);
  // Unsupported: a codebook alphabet too large for the register table.
  IndexerConfig wide = seed;
  wide.pq.bits = 12;
  wide.pq.codebookDType = DType::I32;
  wide.Sk = 1 << 16;
  REQUIRE_THROWS_AS(planIndexer(wide, 132), Error);
  // pq programs may score 2 or 4 adjacent heads (codes in one sector).
  PlanOverrides twoHeads;
  twoHeads.headsPerProgram = 2;
  IndexerPlan paired = planIndexer(seed, 132, twoHeads);
  CHECK(paired.headsPerProgram == 2);
  CHECK(paired.rowGroups == seed.B * seed.H / 2);
  PlanOverrides threeHeads;
  threeHeads.headsPerProgram = 3;
  REQUIRE_THROWS_AS(planIndexer(seed, 132, threeHeads), Error);
  // exact programs score any divisor of G of their kv head's query heads;
  // the planner gives them 2, or 1 where the grid would fill at most half
  // the SMs (with FMA scores before a smaller chunk, on wgmma after it), and
  // scores by passes over D only where even that leaves half the SMs idle.
  const IndexerConfig &exact = findCase("exact-gqa-32k").config;
  IndexerPlan single = planIndexer(exact, 132, {}, /*targetHasWgmma=*/false);
  CHECK(single.headsPerProgram == 1);
  CHECK(single.chunk == 4 * exact.heavy);
  CHECK(single.rowGroups * single.splits == 128);
  CHECK_FALSE(single.exactScoreByDims);
  IndexerPlan smallerChunk = planIndexer(exact, 132);
  CHECK(smallerChunk.headsPerProgram == 2);
  CHECK(smallerChunk.chunk == 2 * exact.heavy);
  CHECK(smallerChunk.rowGroups * smallerChunk.splits == 128);
  IndexerPlan streaming = planIndexer(findCase("exact-gqa-b8-32k").config, 132);
  CHECK(streaming.headsPerProgram == 2);
  CHECK_FALSE(streaming.exactScoreByDims);
  CHECK(streaming.subTile == 256);
  // On wgmma a chunk keeps an eighth of its scores (the merge sees 4096
  // slots a row), with FMA scores a quarter.
  const IndexerConfig &b8 = findCase("exact-gqa-b8-32k").config;
  CHECK(streaming.chunk == 8 * b8.heavy);
  // The merge: 16 slots a thread (4096 slots, 8 warps).
  CHECK(streaming.mergeTile == 4096);
  CHECK(streaming.mergeWarps == 8);
  CHECK(planIndexer(b8, 132, PlanOverrides{.tensorCores = 0}).chunk ==
        4 * b8.heavy);
  IndexerPlan longRows = planIndexer(findCase("exact-gqa-128k").config, 132);
  CHECK(longRows.headsPerProgram == 2);
  CHECK(longRows.chunk == 16384);
  IndexerPlan allHeads =
      planIndexer(exact, 132, PlanOverrides{.headsPerProgram = 4});
  CHECK(allHeads.headsPerProgram == 4);
  CHECK(allHeads.chunk == 2 * exact.heavy);
  CHECK(allHeads.exactScoreByDims);
  // exact by rows scores on the tensor cores on an sm_90a target (q and
  // keys of one 16-bit type; elsewhere tc=1 is an error), with FMAs where
  // tc=0 asks for them.
  CHECK(smallerChunk.exactScoreOnTensorCores);
  CHECK_FALSE(single.exactScoreOnTensorCores);
  CHECK_FALSE(planIndexer(exact, 132, PlanOverrides{.tensorCores = 0})
                  .exactScoreOnTensorCores);
  CHECK(planIndexer(exact, 132, PlanOverrides{.tensorCores = 1})
            .exactScoreOnTensorCores);
  IndexerConfig f32Keys = exact;
  f32Keys.keysDType = DType::F32;
  CHECK_FALSE(planIndexer(f32Keys, 132).exactScoreOnTensorCores);
  REQUIRE_THROWS_AS(planIndexer(f32Keys, 132, PlanOverrides{.tensorCores = 1}),
                    Error);
  CHECK(planIndexer(exact, 132,
                    PlanOverrides{.tensorCores = 1, .selectStages = 2})
            .selectStages == 2);
  REQUIRE_THROWS_AS(
      planIndexer(exact, 132,
                  PlanOverrides{.tensorCores = 0, .selectStages = 2}),
      Error);
  // Radix rounds as a loop only where a thread holds 32+ keys of a head
  // and the rounds run over the keys (not over pq code tuples).
  CHECK(planIndexer(findCase("pq-128k").config, 132,
                    PlanOverrides{.pqPairSelect = 0, .pqTupleCounts = 0})
            .selectRoundsLoop);
  CHECK(planIndexer(findCase("exact-gqa-128k").config, 132).selectRoundsLoop);
  CHECK_FALSE(planIndexer(seed, 132).selectRoundsLoop);
  REQUIRE_THROWS_AS(planIndexer(exact, 132, threeHeads), Error);
  // Bad configurations are the configuration's errors.
  IndexerConfig bad = seed;
  bad.Hkv = 5;
  REQUIRE_THROWS_AS(planIndexer(bad, 132), Error);
}

TEST_CASE("pq kernels with several heads per program compile",
          "[indexer][build]") {
  for (int64_t heads : {2, 4}) {
    PlanOverrides overrides;
    overrides.headsPerProgram = heads;
    SECTION("heads " + std::to_string(heads)) {
      compileAll(findCase("seed-pq-32k").config, overrides);
    }
  }
}

TEST_CASE("pq select programs take several chunks in turn, tables built "
          "once",
          "[indexer][build]") {
  // The select-and-merge path (the default is pq by tuple counts). One
  // wave of programs (seed-pq-32k: 128 for 132 SMs): a chunk each.
  const PlanOverrides selectPath{.pqTupleCounts = 0};
  CHECK(planIndexer(findCase("seed-pq-32k").config, 132, selectPath)
            .chunksPerProgram == 1);
  // Eight waves (pq-b8-32k: 1024 programs of one chunk): a program takes
  // its row group's 8 chunks, 128 programs.
  const IndexerConfig &config = findCase("pq-b8-32k").config;
  IndexerPlan plan = planIndexer(config, 132, selectPath);
  CHECK(plan.chunksPerProgram == 8);
  CHECK(plan.selectPrograms() == 1);
  IndexerPlan one = planIndexer(
      config, 132, PlanOverrides{.chunksPerProgram = 1, .pqTupleCounts = 0});
  CHECK(one.selectPrograms() == one.splits);
  PlanOverrides overrides{.chunksPerProgram = 4};
  IndexerPlan four = planIndexer(config, 132, overrides);
  CHECK(four.chunksPerProgram == 4);
  CHECK(four.splits == one.splits);
  CHECK(four.selectPrograms() == one.splits / 4);
  // The same workspace (a slot range per split); the chunks in a loop after
  // the tables, each table built once (one reduction per table, outside it).
  CHECK(four.workspaceBytes == one.workspaceBytes);
  std::string ir = buildIndexerKernels(config, four)[0].irText;
  size_t loop = ir.find("scf.for");
  REQUIRE(loop != std::string::npos);
  CHECK(ir.find("tt.gather") > loop);
  CHECK(ir.rfind("\"tt.reduce\"", loop) != std::string::npos);
  compileAll(config, overrides);
  // Not a divisor of the splits, or exact scores: refused.
  REQUIRE_THROWS_AS(
      planIndexer(config, 132, PlanOverrides{.chunksPerProgram = 3}), Error);
  REQUIRE_THROWS_AS(planIndexer(findCase("exact-gqa-32k").config, 132,
                                PlanOverrides{.chunksPerProgram = 2}),
                    Error);
}

TEST_CASE("pq selects may run their rounds over the code tuples",
          "[indexer][build]") {
  // pq-128k: 16384 keys a chunk, 4096 tuples (M = 2, C = 64): over the
  // tuples by default, one count of the keys and 3 weighted rounds, the
  // rounds unrolled; seed-pq-32k (4096 keys a chunk): over the keys.
  // (The select-and-merge path: the default is pq by tuple counts.)
  const IndexerConfig &large = findCase("pq-128k").config;
  const PlanOverrides selectPath{.pqTupleCounts = 0};
  IndexerPlan plan = planIndexer(large, 132, selectPath);
  CHECK(plan.pqPairSelect);
  CHECK_FALSE(plan.selectRoundsLoop);
  std::string ir = buildIndexerKernels(large, plan)[0].irText;
  CHECK(countOf(ir, "tx.weighted_histogram") == 3);
  CHECK(countOf(ir, "tt.histogram") == 1);
  CHECK(ir.find("tensor<4096xi32>") != std::string::npos);
  compileAll(large, selectPath);
  PlanOverrides keys{.pqPairSelect = 0, .pqTupleCounts = 0};
  IndexerPlan overKeys = planIndexer(large, 132, keys);
  CHECK_FALSE(overKeys.pqPairSelect);
  CHECK(overKeys.selectRoundsLoop);
  CHECK(buildIndexerKernels(large, overKeys)[0].irText.find(
            "tx.weighted_histogram") == std::string::npos);
  const IndexerConfig &seed = findCase("seed-pq-32k").config;
  CHECK_FALSE(planIndexer(seed, 132, selectPath).pqPairSelect);
  // Asked for: 2 heads a program, a select over the tuples each; and M = 3
  // codes of 4 bits (4096 tuples).
  PlanOverrides pairs{.pqPairSelect = 1};
  std::string seedIr =
      buildIndexerKernels(seed, planIndexer(seed, 132, pairs))[0].irText;
  CHECK(countOf(seedIr, "tx.weighted_histogram") == 6);
  compileAll(seed, pairs);
  compileAll(withThreeCodes(seed), pairs);
  // M = 1: 64 tuples, fewer than a program's threads: over the keys unless
  // asked (the tuple tensors then have replicated layouts).
  const IndexerConfig oneCode = withOneCode(seed);
  CHECK_FALSE(planIndexer(oneCode, 132).pqPairSelect);
  compileAll(oneCode, pairs);
  // More than 4096 tuples (C = 256), or exact scores: refused.
  IndexerConfig wide = seed;
  wide.pq.bits = 8;
  REQUIRE_THROWS_AS(planIndexer(wide, 132, pairs), Error);
  CHECK_FALSE(planIndexer(wide, 132).pqPairSelect);
  REQUIRE_THROWS_AS(planIndexer(findCase("exact-gqa-32k").config, 132, pairs),
                    Error);
}

TEST_CASE("pq by tuple counts: a count launch and an emit launch",
          "[indexer][build]") {
  PlanOverrides counts{.pqTupleCounts = 1};
  for (const char *name : {"seed-pq-32k", "pq-128k", "pq-b8-32k"}) {
    const IndexerConfig &config = findCase(name).config;
    IndexerPlan plan = planIndexer(config, 132, counts);
    INFO(name << ": " << plan.describe());
    CHECK(plan.pqTupleCounts);
    CHECK(plan.launches == 2);
    // Two adjacent heads a count program by default (key-major, Hkv ==
    // H); the emit launch has a program per row and emitChunks chunks.
    CHECK(plan.headsPerProgram == 2);
    CHECK(plan.rowGroups == config.B * config.H / 2);
    CHECK(plan.mergePrograms() ==
          (plan.splits + plan.emitChunks - 1) / plan.emitChunks);
    CHECK(plan.splits * plan.chunk >= config.candidates());
    // Counts (16 bits, two chunks a word) and order keys (int32), then a
    // uint16 tuple index per position of every chunk.
    CHECK(plan.positionsOffset >=
          config.B * config.H * ((plan.splits + 1) / 2 + 1) * 4096 * 4);
    CHECK(plan.workspaceBytes - plan.positionsOffset >=
          config.B * config.H * plan.splits * plan.chunk * 2);
    std::vector<IndexerKernelSource> kernels =
        buildIndexerKernels(config, plan);
    REQUIRE(kernels.size() == 2);
    CHECK(kernels[0].name == "indexer_pq_count");
    CHECK(kernels[1].name == "indexer_pq_emit");
    CHECK(countOf(kernels[0].irText, "tt.histogram") == 2); // a head each
    CHECK(countOf(kernels[1].irText, "tx.weighted_histogram") == 3);
    // The emit's reductions: one a radix round, one for the earlier
    // chunks' keys above and equal to the threshold (both counts, packed
    // where they fit in 16 bits each, else a reduction of two operands),
    // one a tile for its counts.
    CHECK(countOf(kernels[1].irText, "\"tt.reduce\"") == 5);
    compileAll(config, counts);
    // Each launch loads its next tile while it works on the current one
    // (the emit where it has an SM a program): one more load (the first
    // tile's, before the loop) of each head's codes (key-major: a [tile, M]
    // load a head) and of the tuple indices than without the prefetch.
    CHECK(plan.countPrefetch);
    CHECK(plan.emitPrefetch ==
          (config.B * config.H * plan.mergePrograms() <= 132));
    PlanOverrides noPrefetch{.exactPrefetch = 0, .pqTupleCounts = 1};
    IndexerPlan plain = planIndexer(config, 132, noPrefetch);
    CHECK_FALSE(plain.countPrefetch);
    CHECK_FALSE(plain.emitPrefetch);
    std::vector<IndexerKernelSource> plainKernels =
        buildIndexerKernels(config, plain);
    CHECK(countOf(kernels[0].irText, "tt.load") ==
          countOf(plainKernels[0].irText, "tt.load") + plan.headsPerProgram);
    CHECK(countOf(kernels[1].irText, "tt.load") ==
          countOf(plainKernels[1].irText, "tt.load") +
              (plan.emitPrefetch ? 1 : 0));
    // count_stages: the count loop marked tt.num_stages instead (its loads
    // staged by the compiler), no register prefetch, tiles that fit the
    // stages in 160 KB.
    PlanOverrides stagedOverrides{.pqTupleCounts = 1, .countStages = 4};
    IndexerPlan staged = planIndexer(config, 132, stagedOverrides);
    CHECK(staged.countStages == 4);
    CHECK_FALSE(staged.countPrefetch);
    CHECK(4 * staged.subTile * staged.headsPerProgram * 2 * 8 <= 160 * 1024);
    std::vector<IndexerKernelSource> stagedKernels =
        buildIndexerKernels(config, staged);
    CHECK(countOf(stagedKernels[0].irText, "tt.num_stages = 4") == 1);
    CHECK(countOf(stagedKernels[0].irText, "tt.load") ==
          countOf(plainKernels[0].irText, "tt.load"));
    // emit_stages: the emit loop marked likewise, no register prefetch.
    PlanOverrides emitStagedOverrides{.pqTupleCounts = 1, .emitStages = 3};
    IndexerPlan emitStaged = planIndexer(config, 132, emitStagedOverrides);
    CHECK(emitStaged.emitStages == 3);
    CHECK_FALSE(emitStaged.emitPrefetch);
    std::vector<IndexerKernelSource> emitStagedKernels =
        buildIndexerKernels(config, emitStaged);
    CHECK(countOf(emitStagedKernels[1].irText, "tt.num_stages = 3") == 1);
    CHECK(countOf(emitStagedKernels[1].irText, "tt.load") ==
          countOf(plainKernels[1].irText, "tt.load"));
    // count_l2_ahead: the count asks L2 for tiles 0..N before its loop
    // and one more each iteration; its loads stay the same. By default
    // none (the code loads' L2 fills instead); without the fills, one tile
    // ahead where a count program has 4 tiles or more.
    const bool manyTiles = plan.chunk / plan.subTile >= 4;
    CHECK(plan.countL2Ahead == 0);
    CHECK(countOf(kernels[0].irText, "tx.prefetch_l2") == 0);
    PlanOverrides noFills{.pqTupleCounts = 1, .countL2Fetch = 0};
    IndexerPlan unfilled = planIndexer(config, 132, noFills);
    CHECK(unfilled.countL2Ahead == (manyTiles ? 1 : 0));
    CHECK(countOf(buildIndexerKernels(config, unfilled)[0].irText,
                  "tx.prefetch_l2") == (manyTiles ? 2 + 1 : 0));
    PlanOverrides aheadOverrides{.pqTupleCounts = 1, .countL2Ahead = 3};
    IndexerPlan ahead = planIndexer(config, 132, aheadOverrides);
    CHECK(ahead.countL2Ahead == 3);
    std::vector<IndexerKernelSource> aheadKernels =
        buildIndexerKernels(config, ahead);
    // With the register prefetch the hints run to tile i + 1 + 3: tiles
    // 0..3 before the loop (those of the chunk), i + 4 in the loop where
    // the chunk has more than 4 tiles.
    const int64_t tiles = plan.chunk / plan.subTile;
    CHECK(countOf(aheadKernels[0].irText, "tx.prefetch_l2") ==
          std::min<int64_t>(4, tiles) + (tiles > 4 ? 1 : 0));
    CHECK(countOf(aheadKernels[0].irText, "tt.load") ==
          countOf(kernels[0].irText, "tt.load"));
    compileAll(config, aheadOverrides);
    // count_l2_fetch: every code load of the count carries the L2 fill
    // size (by default 128 bytes on sm_90a, none before it); nothing else
    // changes. (Each head's codes load before the loop and in it: the
    // register prefetch.)
    CHECK(plan.countL2Fetch == 128);
    CHECK(countOf(kernels[0].irText, "tx.l2_prefetch = 128") ==
          size_t(2 * plan.headsPerProgram));
    CHECK(planIndexer(config, 132, counts, /*targetHasWgmma=*/false)
              .countL2Fetch == 0);
    for (int bytes : {0, 256}) {
      PlanOverrides fetchOverrides{.pqTupleCounts = 1, .countL2Fetch = bytes};
      IndexerPlan fetch = planIndexer(config, 132, fetchOverrides);
      CHECK(fetch.countL2Fetch == bytes);
      std::vector<IndexerKernelSource> fetchKernels =
          buildIndexerKernels(config, fetch);
      CHECK(countOf(fetchKernels[0].irText, "tx.l2_prefetch") ==
            (bytes ? size_t(2 * plan.headsPerProgram) : 0));
      CHECK(countOf(fetchKernels[0].irText, "tt.load") ==
            countOf(kernels[0].irText, "tt.load"));
      CHECK(fetchKernels[1].irText == kernels[1].irText);
      compileAll(config, fetchOverrides);
    }
  }
  compileAll(findCase("pq-128k").config,
             PlanOverrides{.exactPrefetch = 0, .pqTupleCounts = 1});
  // Other code shapes: M = 3 codes of 4 bits (4096 tuples), M = 1 (64
  // tuples), a key-minor u8 codebook with GQA, no heavy keys.
  IndexerConfig seed = findCase("seed-pq-32k").config;
  seed.Sk = 6000;
  compileAll(withThreeCodes(seed), counts);
  compileAll(withOneCode(seed), counts);
  IndexerConfig keyMinor = seed;
  keyMinor.H = 8;
  keyMinor.Hkv = 2;
  keyMinor.pq.codebookDType = DType::U8;
  keyMinor.pq.codebookLayout = CodebookLayout::KeyMinor;
  compileAll(keyMinor, counts);
  IndexerConfig noHeavy = seed;
  noHeavy.heavy = 0;
  compileAll(noHeavy, counts);
  // Chunks past 8 a row: the emit adds their counts in a loop.
  compileAll(findCase("pq-128k").config,
             PlanOverrides{.chunk = 4096, .pqTupleCounts = 1});
  // Emit programs of 2 count chunks: half the programs, each over its two
  // chunks' tiles; a row of 3 chunks has 2 (the second one's second chunk
  // past the row). Powers of two only, and only by tuple counts.
  IndexerConfig threeChunks = seed;
  threeChunks.Sk = 10000;
  const PlanOverrides pairOfChunks{.chunk = 4096, .emitChunks = 2};
  IndexerPlan paired = planIndexer(threeChunks, 132, pairOfChunks);
  CHECK(paired.splits == 3);
  CHECK(paired.emitChunks == 2);
  CHECK(paired.mergePrograms() == 2);
  CHECK(paired.mergeTile * paired.mergeTiles == 2 * 4096);
  compileAll(threeChunks, pairOfChunks);
  REQUIRE_THROWS_AS(
      planIndexer(seed, 132, PlanOverrides{.chunk = 4096, .emitChunks = 3}),
      Error);
  REQUIRE_THROWS_AS(planIndexer(findCase("exact-gqa-32k").config, 132,
                                PlanOverrides{.emitChunks = 2}),
                    Error);
  // Two and four adjacent heads a count program (a histogram each).
  IndexerPlan twoHeads = planIndexer(findCase("seed-pq-32k").config, 132,
                                     PlanOverrides{.headsPerProgram = 2});
  CHECK(twoHeads.pqTupleCounts);
  CHECK(countOf(buildIndexerKernels(findCase("seed-pq-32k").config, twoHeads)[0]
                    .irText,
                "tt.histogram") == 2);
  compileAll(findCase("seed-pq-32k").config,
             PlanOverrides{.headsPerProgram = 2, .pqTupleCounts = 1});
  compileAll(findCase("seed-pq-32k").config,
             PlanOverrides{.headsPerProgram = 4, .pqTupleCounts = 1});
  // Refused: more than 4096 tuples, exact scores, with pairs or a fused
  // merge.
  IndexerConfig wide = seed;
  wide.pq.bits = 8;
  REQUIRE_THROWS_AS(planIndexer(wide, 132, counts), Error);
  REQUIRE_THROWS_AS(planIndexer(findCase("exact-gqa-32k").config, 132, counts),
                    Error);
  REQUIRE_THROWS_AS(
      planIndexer(seed, 132,
                  PlanOverrides{.fusedMerge = 1, .pqTupleCounts = 1}),
      Error);
}

TEST_CASE("exact programs of few keys a thread select their heads in a "
          "loop",
          "[indexer][build]") {
  // exact-gqa-32k: 4096 x 2 heads, 8 keys a thread: one copy of the
  // selection's code, in an scf.for over the heads.
  const IndexerConfig &small = findCase("exact-gqa-32k").config;
  IndexerPlan plan = planIndexer(small, 132);
  CHECK(plan.exactHeadLoop);
  std::string looped = buildIndexerKernels(small, plan)[0].irText;
  PlanOverrides unrolled{.exactHeadLoop = 0};
  std::string straight =
      buildIndexerKernels(small, planIndexer(small, 132, unrolled))[0].irText;
  CHECK(countOf(looped, "tt.histogram") * 2 ==
        countOf(straight, "tt.histogram"));
  compileAll(small, unrolled);
  // 16384 x 2 heads (32 keys a thread, rounds loop): unrolled (the loop
  // spilled the scores); one head a program: nothing to loop over.
  CHECK_FALSE(
      planIndexer(findCase("exact-gqa-128k").config, 132).exactHeadLoop);
  CHECK_FALSE(planIndexer(small, 132, PlanOverrides{.headsPerProgram = 1})
                  .exactHeadLoop);
  REQUIRE_THROWS_AS(planIndexer(findCase("seed-pq-32k").config, 132,
                                PlanOverrides{.exactHeadLoop = 1}),
                    Error);
}

TEST_CASE("exact kernels with 1, 2 or G heads per program compile",
          "[indexer][build]") {
  for (int64_t heads : {1, 2, 4}) {
    PlanOverrides overrides;
    overrides.headsPerProgram = heads;
    SECTION("heads " + std::to_string(heads)) {
      compileAll(findCase("exact-gqa-32k").config, overrides);
    }
  }
}

TEST_CASE("exact kernels compile with FMA or tensor-core scores, 1 or 2 "
          "stages",
          "[indexer][build]") {
  for (int tensorCores : {0, 1})
    for (unsigned stages : {1u, 2u}) {
      if (!tensorCores && stages == 2)
        continue;
      PlanOverrides overrides;
      overrides.tensorCores = tensorCores;
      overrides.selectStages = stages;
      SECTION("tc " + std::to_string(tensorCores) + " stages " +
              std::to_string(stages)) {
        compileAll(findCase("exact-gqa-32k").config, overrides);
      }
    }
  SECTION("2 score loops") {
    compileAll(findCase("exact-gqa-32k").config,
               PlanOverrides{.exactScoreLoops = 2});
  }
  REQUIRE_THROWS_AS(planIndexer(findCase("exact-gqa-32k").config, 132,
                                PlanOverrides{.exactScoreLoops = 3}),
                    Error);
  SECTION("key tile in 2 and 8 slices") {
    compileAll(findCase("exact-gqa-32k").config,
               PlanOverrides{.tensorCores = 0, .exactDimSlices = 2});
    compileAll(findCase("exact-gqa-b8-32k").config,
               PlanOverrides{.tensorCores = 0, .exactDimSlices = 8});
  }
  // 16 slices of D = 128 leave 16 bytes of a bf16 key each; 32 would
  // leave 8 (less than one vector access).
  REQUIRE_THROWS_AS(
      planIndexer(findCase("exact-gqa-32k").config, 132,
                  PlanOverrides{.tensorCores = 0, .exactDimSlices = 32}),
      Error);
  REQUIRE_THROWS_AS(planIndexer(findCase("seed-pq-32k").config, 132,
                                PlanOverrides{.exactDimSlices = 2}),
                    Error);
}

TEST_CASE("exact selects score on wgmma where the target has it, else "
          "with FMAs, prefetching where a thread holds at most 32 scores",
          "[indexer][build]") {
  for (const char *name :
       {"exact-gqa-32k", "exact-gqa-128k", "exact-gqa-b8-32k"}) {
    IndexerPlan plan = planIndexer(findCase(name).config, 132);
    CHECK(plan.exactScoreOnTensorCores);
    CHECK(plan.selectStages == 3);
    CHECK_FALSE(plan.exactPrefetch);
    IndexerPlan fma = planIndexer(findCase(name).config, 132, {},
                                  /*targetHasWgmma=*/false);
    CHECK_FALSE(fma.exactScoreOnTensorCores);
    CHECK(fma.selectStages == 1);
  }
  auto fmaPlan = [](const char *name, PlanOverrides overrides = {}) {
    return planIndexer(findCase(name).config, 132, overrides,
                       /*targetHasWgmma=*/false);
  };
  // 1 head x 8192 positions over 512 threads: 16 scores each.
  CHECK(fmaPlan("exact-gqa-32k").exactPrefetch);
  // 2 heads x 8192: 32.
  CHECK(fmaPlan("exact-gqa-b8-32k").exactPrefetch);
  // 2 heads x 16384: 64; the carried keys spilled.
  CHECK_FALSE(fmaPlan("exact-gqa-128k").exactPrefetch);
  CHECK_FALSE(fmaPlan("seed-pq-32k").exactPrefetch);
  CHECK_FALSE(fmaPlan("exact-gqa-32k", PlanOverrides{.exactPrefetch = 0})
                  .exactPrefetch);
  CHECK(fmaPlan("exact-gqa-128k", PlanOverrides{.exactPrefetch = 1})
            .exactPrefetch);
  // tc=0 on an sm_90a target: FMAs, prefetched.
  IndexerPlan forced = planIndexer(findCase("exact-gqa-32k").config, 132,
                                   PlanOverrides{.tensorCores = 0});
  CHECK_FALSE(forced.exactScoreOnTensorCores);
  CHECK(forced.exactPrefetch);
  // f32 keys and rows that do not start 16-byte aligned stay on FMAs.
  IndexerConfig odd = findCase("exact-gqa-32k").config;
  odd.D = 100;
  CHECK_FALSE(planIndexer(odd, 132).exactScoreOnTensorCores);
  odd.D = 128;
  odd.keysDType = odd.qDType = DType::F32;
  CHECK_FALSE(planIndexer(odd, 132).exactScoreOnTensorCores);
  SECTION("the default kernels with 3 stages") {
    compileAll(findCase("exact-gqa-b8-32k").config);
  }
  SECTION("without prefetch") {
    compileAll(findCase("exact-gqa-b8-32k").config,
               PlanOverrides{.tensorCores = 0, .exactPrefetch = 0});
  }
}

TEST_CASE("pq programs of 2 and 4 heads compile with the heads selected "
          "together",
          "[indexer][build]") {
  CHECK_FALSE(planIndexer(findCase("seed-pq-32k").config, 132).jointHeadSelect);
  for (int64_t heads : {2, 4}) {
    PlanOverrides overrides;
    overrides.headsPerProgram = heads;
    overrides.jointHeadSelect = 1;
    CHECK(planIndexer(findCase("seed-pq-32k").config, 132, overrides)
              .jointHeadSelect);
    SECTION("heads " + std::to_string(heads)) {
      compileAll(findCase("seed-pq-32k").config, overrides);
    }
  }
  PlanOverrides single;
  single.jointHeadSelect = 1;
  REQUIRE_THROWS_AS(planIndexer(findCase("pq-128k").config, 132, single),
                    Error);
}

TEST_CASE("indexer kernels compile with 4 rounds of 8-bit digits",
          "[indexer][build]") {
  PlanOverrides overrides;
  overrides.radixDigitBits = 8;
  for (const char *name : {"seed-pq-32k", "pq-128k", "exact-gqa-128k"})
    SECTION(name) { compileAll(findCase(name).config, overrides); }
  CHECK(planIndexer(findCase("seed-pq-32k").config, 132).radixDigitBits == 11);
  overrides.radixDigitBits = 9;
  REQUIRE_THROWS_AS(planIndexer(findCase("seed-pq-32k").config, 132, overrides),
                    Error);
}

TEST_CASE("the merge fused into the select launch compiles to one kernel "
          "that counts its programs' arrivals",
          "[indexer][build]") {
  // Off by default (slower on the H100: indexer v14 in perf-notes).
  CHECK_FALSE(planIndexer(findCase("seed-pq-32k").config, 132).fusedMerge);
  PlanOverrides overrides;
  overrides.fusedMerge = 1;
  for (const char *name : {"seed-pq-32k", "exact-gqa-128k"}) {
    SECTION(name) {
      const IndexerConfig &config = findCase(name).config;
      IndexerPlan plan = planIndexer(config, 132, overrides);
      CHECK(plan.fusedMerge);
      CHECK(plan.launches == 1);
      // One arrival counter per row group after the candidate arrays.
      CHECK(plan.countersOffset == 2 * plan.positionsOffset);
      CHECK(plan.workspaceBytes >=
            plan.countersOffset + plan.rowGroups * int64_t(sizeof(int32_t)));
      std::vector<IndexerKernelSource> kernels =
          buildIndexerKernels(config, plan);
      REQUIRE(kernels.size() == 1);
      const std::string &ir = kernels[0].irText;
      CHECK(ir.find("tt.atomic_rmw") != std::string::npos);
      CHECK(ir.find("%counters") != std::string::npos);
      CHECK(ir.find("%sparse_list") != std::string::npos);
      // The other programs' candidates are read past L1.
      CHECK(ir.find("cacheModifier = cg") != std::string::npos);
      compileAll(config, overrides);
    }
  }
}

TEST_CASE("pq by tuple counts in one cooperative launch, a grid barrier "
          "between the count and the emit",
          "[indexer][build]") {
  CHECK_FALSE(planIndexer(findCase("seed-pq-32k").config, 132).pqGridSync);
  PlanOverrides overrides;
  overrides.gridSync = 1;
  for (const char *name : {"seed-pq-32k", "pq-128k"}) {
    SECTION(name) {
      const IndexerConfig &config = findCase(name).config;
      IndexerPlan plan = planIndexer(config, 132, overrides);
      CHECK(plan.pqTupleCounts);
      CHECK(plan.pqGridSync);
      CHECK(plan.launches == 1);
      // A row group's rows have as many emit programs as the group has
      // count programs, on the count's warps.
      CHECK(plan.headsPerProgram * plan.mergePrograms() == plan.splits);
      CHECK(plan.mergeWarps == plan.selectWarps);
      // A barrier counter per row group after the tuple indices.
      CHECK(plan.countersOffset >= plan.positionsOffset);
      CHECK(plan.workspaceBytes >= plan.countersOffset + plan.rowGroups * 4);
      std::vector<IndexerKernelSource> kernels =
          buildIndexerKernels(config, plan);
      REQUIRE(kernels.size() == 1);
      const std::string &ir = kernels[0].irText;
      CHECK(countOf(ir, "tx.grid_barrier") == 1);
      CHECK(countOf(ir, "tt.histogram") + countOf(ir, "tx.local_histogram") >
            0);
      CHECK(countOf(ir, "tx.weighted_histogram") > 0);
      const std::string ptx = ptxOf(kernels[0]);
      CHECK(countOf(ptx, "atom.add.release.gpu.global.u32") == 1);
      CHECK(countOf(ptx, "ld.acquire.gpu.global.u32") == 1);
    }
  }
  // Where the emit has more programs than the count (pq-b8-32k: a row an
  // emit program, two a count program), or more than one an SM, no.
  REQUIRE_THROWS_WITH(
      planIndexer(findCase("pq-b8-32k").config, 132, overrides),
      Catch::Contains("grid_sync needs as many emit programs for a row "
                      "group's rows as the group has count programs (2 and 1 "
                      "here)"));
  PlanOverrides smallChunks = overrides;
  smallChunks.chunk = 2048;
  smallChunks.emitChunks = 2;
  REQUIRE_THROWS_WITH(
      planIndexer(findCase("seed-pq-32k").config, 132, smallChunks),
      Catch::Contains("(16 and 16 here), at most one program an SM (256 "
                      "programs, 132 SMs)"));
  PlanOverrides sixteen = overrides;
  sixteen.mergeWarps = 16;
  REQUIRE_THROWS_WITH(planIndexer(findCase("seed-pq-32k").config, 132, sixteen),
                      Catch::Contains("the emit on the count's warps"));
}

TEST_CASE("exact selects find each row's threshold together through global "
          "memory and group barriers",
          "[indexer][build]") {
  CHECK_FALSE(
      planIndexer(findCase("exact-gqa-32k").config, 132).selectGridSync);
  for (const char *name : {"exact-gqa-32k", "exact-gqa-128k"}) {
    for (int joint : {0, 1}) {
      SECTION(std::string(name) + (joint ? " joint" : "")) {
        PlanOverrides overrides;
        overrides.gridSync = 1;
        overrides.jointHeadSelect = joint;
        const IndexerConfig &config = findCase(name).config;
        IndexerPlan plan = planIndexer(config, 132, overrides);
        CHECK(plan.clusterSelect);
        CHECK(plan.selectGridSync);
        CHECK(plan.launches == 1);
        CHECK(plan.clusterSumBuffers == 1);
        CHECK(plan.workspaceBytes > 0);
        std::vector<IndexerKernelSource> kernels =
            buildIndexerKernels(config, plan);
        REQUIRE(kernels.size() == 1);
        const std::string &ir = kernels[0].irText;
        // No cluster: the sums go through the exchange workspace.
        CHECK(countOf(ir, "tx.cluster_size") == 0);
        CHECK(countOf(ir, "tx.cluster_sum") == 0);
        CHECK(countOf(ir, "%exchange") > 0);
        CHECK(countOf(ir, "tt.atomic_rmw") > 0);
        // Per selection: one barrier a radix round (in a rounds loop or
        // unrolled) and one for the counts.
        CHECK(countOf(ir, "tx.grid_barrier") >= 2);
        const std::string ptx = ptxOf(kernels[0]);
        CHECK(countOf(ptx, "atom.add.release.gpu.global.u32") ==
              countOf(ir, "tx.grid_barrier"));
        CHECK(countOf(ptx, "barrier.cluster") == 0);
      }
    }
  }
  // 256 select programs (exact-gqa-b8-32k) do not fit one wave of 132.
  PlanOverrides overrides;
  overrides.gridSync = 1;
  REQUIRE_THROWS_WITH(
      planIndexer(findCase("exact-gqa-b8-32k").config, 132, overrides),
      Catch::Contains("at most one select program an SM (256 programs, 132 "
                      "SMs here)"));
}

TEST_CASE("the merge launch overlaps the select's where asked, on sm_90a "
          "only",
          "[indexer][build]") {
  const IndexerConfig &config = findCase("exact-gqa-32k").config;
  auto controls = [](const IndexerKernelSource &source) {
    return std::make_pair(
        source.irText.find("griddepcontrol.launch_dependents") !=
            std::string::npos,
        source.irText.find("griddepcontrol.wait") != std::string::npos);
  };
  // Off by default (no faster on the H100: indexer v15 in perf-notes).
  IndexerPlan plan = planIndexer(config, 132);
  CHECK_FALSE(plan.overlapMerge);
  for (const IndexerKernelSource &source : buildIndexerKernels(config, plan))
    CHECK(controls(source) == std::make_pair(false, false));
  PlanOverrides overlap;
  overlap.overlapMerge = 1;
  plan = planIndexer(config, 132, overlap);
  CHECK(plan.overlapMerge);
  std::vector<IndexerKernelSource> kernels = buildIndexerKernels(config, plan);
  REQUIRE(kernels.size() == 2);
  // The select lets the merge start; the merge waits for the select.
  CHECK(controls(kernels[0]) == std::make_pair(true, false));
  CHECK(controls(kernels[1]) == std::make_pair(false, true));
  compileAll(config, overlap);
  // No wgmma (sm_80, sm_90): refused.
  REQUIRE_THROWS_AS(planIndexer(config, 132, overlap, false), Error);
}

TEST_CASE("exact selects as clusters write the outputs in one launch",
          "[indexer][build]") {
  PlanOverrides cluster{.clusterSelect = 1};
  // A row group's 8 (exact-gqa-32k, exact-gqa-128k) or 2 (exact-gqa-b8-32k)
  // chunks: one cluster each, along x; no candidates, no merge.
  for (auto [name, splits] :
       {std::pair{"exact-gqa-32k", 8}, std::pair{"exact-gqa-128k", 8},
        std::pair{"exact-gqa-b8-32k", 2}}) {
    SECTION(name) {
      const IndexerConfig &config = findCase(name).config;
      IndexerPlan plan = planIndexer(config, 132, cluster);
      CHECK(plan.clusterSelect);
      CHECK(plan.splits == splits);
      CHECK(plan.launches == 1);
      CHECK(plan.workspaceBytes == 0);
      CHECK(plan.describe().find("one cluster writing the outputs") !=
            std::string::npos);
      std::vector<IndexerKernelSource> kernels =
          buildIndexerKernels(config, plan);
      REQUIRE(kernels.size() == 1);
      const std::string &ir = kernels[0].irText;
      CHECK(ir.find("tx.cluster_size = " + std::to_string(splits) + " : i32") !=
            std::string::npos);
      CHECK(ir.find("tx.cluster_sum") != std::string::npos);
      CHECK(ir.find("%sparse_list") != std::string::npos);
      CHECK(ir.find("%cand_key") == std::string::npos);
      compileAll(config, cluster);
    }
  }
  // The heads of a program selected together (joint=1): one cluster sum a
  // round for both.
  {
    PlanOverrides joint{.jointHeadSelect = 1, .clusterSelect = 1};
    const IndexerConfig &config = findCase("exact-gqa-32k").config;
    IndexerPlan plan = planIndexer(config, 132, joint);
    CHECK(plan.jointHeadSelect);
    CHECK_FALSE(plan.exactHeadLoop);
    compileAll(config, joint);
  }
  // One chunk a row: the program writes its rows alone (no cluster).
  IndexerConfig shortRows = findCase("exact-gqa-32k").config;
  shortRows.Sk = 2048;
  shortRows.heavy = 256;
  IndexerPlan plan = planIndexer(shortRows, 132, cluster);
  REQUIRE(plan.splits == 1);
  std::vector<IndexerKernelSource> kernels =
      buildIndexerKernels(shortRows, plan);
  REQUIRE(kernels.size() == 1);
  CHECK(kernels[0].irText.find("tx.cluster") == std::string::npos);
  compileAll(shortRows, cluster);
  // Off by default; refused for pq, without wgmma, for rows of more than 8
  // chunks and with the merge's own options.
  CHECK_FALSE(planIndexer(findCase("exact-gqa-32k").config, 132).clusterSelect);
  const IndexerConfig &exact = findCase("exact-gqa-32k").config;
  REQUIRE_THROWS_AS(planIndexer(findCase("seed-pq-32k").config, 132, cluster),
                    Error);
  REQUIRE_THROWS_AS(planIndexer(exact, 132, cluster, false), Error);
  REQUIRE_THROWS_AS(
      planIndexer(exact, 132, PlanOverrides{.chunk = 2048, .clusterSelect = 1}),
      Error);
  REQUIRE_THROWS_AS(
      planIndexer(exact, 132,
                  PlanOverrides{.fusedMerge = 1, .clusterSelect = 1}),
      Error);
  // Heads selected together: a power of two of them (the rows of one
  // tensor).
  IndexerConfig threeHeads = exact;
  threeHeads.H = 24; // G = 3
  CHECK_NOTHROW(
      planIndexer(threeHeads, 132,
                  PlanOverrides{.headsPerProgram = 3, .clusterSelect = 1}));
  REQUIRE_THROWS_AS(planIndexer(threeHeads, 132,
                                PlanOverrides{.headsPerProgram = 3,
                                              .jointHeadSelect = 1,
                                              .clusterSelect = 1}),
                    Error);
}

TEST_CASE("cluster sums take two buffers in turn", "[indexer][build]") {
  // exact-gqa-128k's clustered merge and exact-gqa-32k's cluster select:
  // the kernels with clusters get tx.cluster_sum_buffers = 2 (the
  // planner's), and each sum then passes one cluster barrier instead of
  // two (one more before the kernel returns); cluster_buffers=1 gives the
  // shared scratch back.
  for (auto [name, clusterSelect] :
       {std::pair{"exact-gqa-128k", -1}, std::pair{"exact-gqa-32k", 1}}) {
    SECTION(name) {
      const IndexerConfig &config = findCase(name).config;
      PlanOverrides one{.clusterSelect = clusterSelect, .clusterSumBuffers = 1};
      PlanOverrides two{.clusterSelect = clusterSelect};
      IndexerPlan plan = planIndexer(config, 132, two);
      CHECK(plan.clusterSumBuffers == 2);
      CHECK(planIndexer(config, 132, one).clusterSumBuffers == 1);
      std::vector<IndexerKernelSource> oneKernels =
          buildIndexerKernels(config, planIndexer(config, 132, one));
      std::vector<IndexerKernelSource> twoKernels =
          buildIndexerKernels(config, plan);
      REQUIRE(oneKernels.size() == twoKernels.size());
      int clustered = 0;
      for (size_t k = 0; k < twoKernels.size(); ++k) {
        const bool hasSums =
            twoKernels[k].irText.find("tx.cluster_sum ") != std::string::npos;
        CHECK((twoKernels[k].irText.find("tx.cluster_sum_buffers = 2 : i32") !=
               std::string::npos) == hasSums);
        if (!hasSums)
          continue;
        ++clustered;
        INFO(twoKernels[k].name);
        CHECK(countOf(ptxOf(twoKernels[k]), "barrier.cluster.wait") <
              countOf(ptxOf(oneKernels[k]), "barrier.cluster.wait"));
      }
      CHECK(clustered == 1);
      compileAll(config, one);
    }
  }
}

TEST_CASE("long rows merge in a cluster of programs on sm_90a, sharing "
          "their histograms",
          "[indexer][build]") {
  const IndexerConfig &config = findCase("exact-gqa-128k").config;
  auto clusterOps = [](const IndexerKernelSource &source, int programs) {
    return std::make_pair(
        source.irText.find("tx.cluster_size = " + std::to_string(programs) +
                           " : i32") != std::string::npos,
        source.irText.find("tx.cluster_sum") != std::string::npos);
  };
  // 32768 slots a row: 2 programs of 16384.
  IndexerPlan plan = planIndexer(config, 132);
  CHECK(plan.mergeCluster == 2);
  CHECK(plan.mergeTile == 16384);
  CHECK(plan.mergeTiles == 1);
  std::vector<IndexerKernelSource> kernels = buildIndexerKernels(config, plan);
  REQUIRE(kernels.size() == 2);
  CHECK(clusterOps(kernels[0], 2) == std::make_pair(false, false));
  CHECK(clusterOps(kernels[1], 2) == std::make_pair(true, true));
  compileAll(config);
  // Without wgmma (the planner's sm_90a signal), or with the merge fused:
  // one program per row, in tiles.
  for (IndexerPlan other :
       {planIndexer(config, 132, {}, false),
        planIndexer(config, 132, PlanOverrides{.fusedMerge = 1})}) {
    CHECK(other.mergeCluster == 1);
    CHECK(other.mergeTile == 16384);
    CHECK(other.mergeTiles == 2);
  }
  // Rows of one tile: no cluster (exact-gqa-32k: 16384 slots).
  CHECK(planIndexer(findCase("exact-gqa-32k").config, 132).mergeCluster == 1);
  // Overrides: 8 programs of 4096 compile; a cluster beyond one tile per
  // program, or without sm_90a, is refused.
  PlanOverrides eight{.mergeCluster = 8};
  plan = planIndexer(config, 132, eight);
  CHECK(plan.mergeTile == 4096);
  CHECK(clusterOps(buildIndexerKernels(config, plan)[1], 8) ==
        std::make_pair(true, true));
  compileAll(config, eight);
  REQUIRE_THROWS_AS(planIndexer(config, 132, eight, false), Error);
  // Rows of 3 and 4 tiles: clusters of 4 (with 3 tiles, one program holds
  // no slots); of more than 8 tiles: streamed by one program.
  IndexerConfig longer = config;
  for (int64_t sk : {int64_t(196608), 2 * config.Sk}) {
    longer.Sk = sk;
    plan = planIndexer(longer, 132);
    CHECK(plan.mergeCluster == 4);
    CHECK(plan.mergeTile == 16384);
    CHECK(plan.mergeTiles == 1);
  }
  compileAll(longer);
  longer.Sk = 8 * config.Sk;
  CHECK(planIndexer(longer, 132).mergeCluster == 1);
  CHECK(planIndexer(longer, 132).mergeTiles == 16);
  REQUIRE_THROWS_AS(planIndexer(longer, 132, PlanOverrides{.mergeCluster = 8}),
                    Error);
}

TEST_CASE("strength reduction is kept where the kernel spilled without it",
          "[indexer][build]") {
  auto flags = [](const char *name, const PlanOverrides &overrides = {}) {
    const IndexerConfig &config = findCase(name).config;
    std::vector<bool> on;
    for (const IndexerKernelSource &source :
         buildIndexerKernels(config, planIndexer(config, 132, overrides)))
      on.push_back(source.strengthReduction);
    return on;
  };
  // Selects whose threads hold 32+ keys keep it; the other
  // selects and every merge drop it.
  CHECK(flags("exact-gqa-128k") == std::vector<bool>{true, false});
  CHECK(flags("pq-128k", PlanOverrides{.pqTupleCounts = 0}) ==
        std::vector<bool>{true, false});
  CHECK(flags("pq-128k") == std::vector<bool>{false, false});
  CHECK(flags("seed-pq-32k") == std::vector<bool>{false, false});
  CHECK(flags("exact-gqa-32k") == std::vector<bool>{false, false});
  CHECK(flags("seed-pq-32k", PlanOverrides{.strengthReduction = 1}) ==
        std::vector<bool>{true, true});
  CHECK(flags("exact-gqa-128k", PlanOverrides{.strengthReduction = 0}) ==
        std::vector<bool>{false, false});
  // The Indexer compiles them so.
  IndexerKernelSource source;
  source.strengthReduction = false;
  CHECK_FALSE(indexerKernelOptions(source, {}).strengthReduction);
}

TEST_CASE("indexer kernels compile for edge shapes", "[indexer][build]") {
  IndexerConfig pq = findCase("seed-pq-32k").config;
  pq.Sk = 3000;
  pq.heavy = 64;
  SECTION("pq heavy 0") {
    pq.heavy = 0;
    compileAll(pq);
  }
  SECTION("pq window 0, sink 0, init 0, key-minor u8, bf16 q, sparse f16") {
    pq.window = 0;
    pq.sink = 0;
    pq.pq.initOffset = 0;
    pq.pq.codebookDType = DType::U8;
    pq.pq.codebookLayout = CodebookLayout::KeyMinor;
    pq.qDType = DType::BF16;
    pq.weightDType = DType::F16;
    pq.weightLayout = WeightLayout::Sparse;
    compileAll(pq);
  }
  SECTION("pq GQA, odd sizes, D not a power of two per sub-vector") {
    pq.B = 3;
    pq.H = 6;
    pq.Hkv = 2;
    pq.D = 96;
    pq.pq.M = 2;
    pq.pq.bits = 4;
    compileAll(pq);
  }
  SECTION("fallback") {
    pq.Sk = 300;
    compileAll(pq);
  }
  IndexerConfig exact = findCase("exact-gqa-32k").config;
  exact.Sk = 5000;
  exact.heavy = 300;
  SECTION("exact, f32 keys, scale, bf16 weights") {
    exact.keysDType = DType::F32;
    exact.scale = 0.125f;
    exact.weightDType = DType::BF16;
    compileAll(exact);
  }
  SECTION("exact G = 3, D = 80") {
    exact.H = 6;
    exact.Hkv = 2;
    exact.D = 80;
    compileAll(exact);
  }
}
