//===- Kernels.cpp - The indexer's kernels, written with the kernel builder
//===//
//
// Every kernel is a C++ function of (configuration, plan) that returns Triton
// IR with every size baked in as a constant: the kernels are specialised on
// the shape, and the runtime caches their cubins under that specialisation.
// docs/indexer-design.md explains the algorithm; the comments here say why
// each step is written the way it is.
//
//===----------------------------------------------------------------------===//

#include "tritium/Builder/KernelBuilder.h"
#include "tritium/Indexer/Indexer.h"
#include "tritium/Indexer/Reference.h"
#include "tritium/Runtime/Error.h"

#include <algorithm>
#include <cassert>
#include <climits>
#include <optional>
#include <sstream>

namespace tritium::indexer {

namespace tb = tritium::builder;
using tb::KernelBuilder;
using tb::Value;
using tb::Values;

namespace {

constexpr int32_t kIntMin = INT32_MIN;
/// Radix select over 32-bit keys: 3 rounds of 11-bit digits (the default;
/// the last round's digit overlaps the bits already found, which every key
/// still taking part shares, so its order and the prefix are unchanged), or
/// 4 rounds of 8-bit digits (plan.radixDigitBits).
struct Radix {
  int digitBits = 11;
  int bins() const { return 1 << digitBits; }
  int rounds() const { return (32 + digitBits - 1) / digitBits; }
  /// The shift of round `index`'s digit (bits found so far: index *
  /// digitBits).
  int shift(int index) const {
    return std::max(32 - digitBits * (index + 1), 0);
  }
};
/// The most programs of a merge cluster (the portable cluster size).
constexpr int64_t kMaxMergeCluster = 8;
/// Positions one program of the fallback kernel writes.
constexpr int64_t kFillBlock = 1024;
/// Largest codebook alphabet the select kernel keeps as a register table.
constexpr int64_t kMaxCentroids = 256;

int64_t nextPowerOfTwo(int64_t value) {
  int64_t p = 1;
  while (p < value)
    p <<= 1;
  return p;
}

/// Where a grid-exchange select (plan.selectGridSync) keeps its exchanges,
/// in i32 elements of the workspace: a barrier counter per row group, then
/// per row group its heads' radix rounds' histograms, then per row group
/// its heads' counts slots (two a program, padded to a power of two).
struct GridExchangeLayout {
  int64_t bins, rounds, entries;
  int64_t histogramsBegin, histogramsPerGroup;
  int64_t countsBegin, countsPerGroup;
  int64_t elements;
};
GridExchangeLayout gridExchangeLayout(const IndexerPlan &plan) {
  const Radix radix{plan.radixDigitBits};
  GridExchangeLayout l;
  l.bins = radix.bins();
  l.rounds = radix.rounds();
  l.entries = nextPowerOfTwo(2 * plan.splits);
  l.histogramsBegin = (plan.rowGroups + 63) / 64 * 64;
  l.histogramsPerGroup = plan.headsPerProgram * l.rounds * l.bins;
  l.countsBegin = l.histogramsBegin + plan.rowGroups * l.histogramsPerGroup;
  l.countsPerGroup = plan.headsPerProgram * l.entries;
  l.elements = l.countsBegin + plan.rowGroups * l.countsPerGroup;
  return l;
}

tb::DType builderType(DType type) {
  switch (type) {
  case DType::F32:
    return tb::DType::F32;
  case DType::F16:
    return tb::DType::F16;
  case DType::BF16:
    return tb::DType::BF16;
  case DType::I64:
    return tb::DType::I64;
  case DType::I32:
    return tb::DType::I32;
  case DType::U8:
    return tb::DType::U8;
  }
  throw Error(Error::Kind::Internal, "indexer: unknown dtype");
}

const tb::ArgAttrs kAligned{.divisibility = 16};

/// The score's order-preserving key as a signed int32: a larger key ranks
/// higher. -0 is +0 (equal scores tie), NaN gets INT_MIN, below -inf, as
/// orderedScoreKey() of the reference does (in its unsigned form, key ^
/// INT_MIN).
Value orderKey(const Value &score) {
  Value s = tb::where(score == 0.0f, 0.0f, score);
  Value bits = tb::bitcast(s, tb::DType::I32);
  Value key = bits ^ ((bits >> 31) & 0x7FFFFFFF);
  return tb::where(score != score, kIntMin, key);
}

/// The combine of a reduction or scan of two operands that sums each: the
/// two counts a selection keeps, or a bin's index and count beside each
/// other.
Values addPairwise(const Values &l, const Values &r) {
  return {l[0] + r[0], l[1] + r[1]};
}

/// The K-th largest key of a set and how many keys equal to it belong to the
/// top K (the lowest positions among them).
struct Threshold {
  Value key;       ///< scalar i32, signed-order domain
  Value remaining; ///< scalar i32
};

/// One radix round: the digit's `shift` and the mask of the digits found
/// before it (scalar i32 values: the rounds are a loop).
struct Round {
  Value shift;      ///< 24, 16, 8, 0
  Value prefixMask; ///< 0, 0xff000000, 0xffff0000, 0xffffff00
  /// Unrolled rounds: the round's index (the tied-prefix test compares the
  /// digits above the round's, as shifts: fewer registers in the merges
  /// than the mask form). -1 in a loop.
  int index = -1;
  /// The round's index as a scalar i32 (a constant, or the loop's
  /// induction variable).
  Value number = Value();
};

/// Histogram of one radix round over the keys a caller holds. `prefix` is
/// the threshold's digits found so far (unsigned domain); only keys that
/// share them take part.
using RoundHistogram =
    std::function<Value(const Round &round, const Value &prefix)>;

/// The radix digit of `unsignedKey` for a round, inverted so that bin 0
/// holds the largest digit; lanes that do not take part get bin `bins`, which
/// the histogram does not count. (An out-of-range bin instead of a mask
/// keeps the histogram's operands in one layout.)
Value roundBins(const Value &unsignedKey, const Value &valid,
                const Round &round, const Value &prefix, const Radix &radix) {
  const int binCount = radix.bins();
  Value active = valid;
  if (round.index < 0) {
    active = active & ((unsignedKey & round.prefixMask) == prefix);
  } else if (round.index > 0) {
    int above = 32 - radix.digitBits * round.index;
    active = active & (tb::shrLogical(unsignedKey, above) ==
                       tb::shrLogical(prefix, above));
  }
  Value inverted = (binCount - 1) -
                   (tb::shrLogical(unsignedKey, round.shift) & (binCount - 1));
  return tb::where(active, inverted, binCount);
}

/// The histogram of one round's digits. (Spreading lanes over 8 copies of
/// the bins to cut shared-memory atomic contention on the crowded first
/// rounds made the select kernel slower, not faster: v3 in
/// docs/perf-notes.md.)
Value digitHistogram(const Value &unsignedKey, const Value &valid,
                     const Round &round, const Value &prefix,
                     const Radix &radix) {
  return tb::histogram(roundBins(unsignedKey, valid, round, prefix, radix),
                       radix.bins());
}

/// The bin of a histogram `hist` (of 2^binBits bins, bin 0 the largest
/// keys') where the count from the top reaches `want`, and the count of the
/// bins before it. With `rows` > 0, `hist` is [rows, bins] and `want` and
/// the results are [rows]. `keyCount` bounds the counts.
std::pair<Value, Value> crossingBin(KernelBuilder &kb, const Value &hist,
                                    const Value &want, int binBits,
                                    int64_t keyCount, int64_t rows) {
  const int binCount = 1 << binBits;
  const int axis = rows > 0 ? 1 : 0;
  // The counts are at most keyCount: packed with a bin index into one
  // non-negative i32 where they fit.
  const bool packed = keyCount < (int64_t(1) << (31 - binBits));
  Value inclusive = tb::cumsum(hist, axis);
  // The first bin whose inclusive count reaches `want`, and the count of
  // the bins before it, in one reduction.
  Value binIndex = kb.arange(0, binCount);
  if (rows > 0)
    binIndex = binIndex.row();
  Value wanted = want.rank() == 1 ? want.column() : want;
  Value before = inclusive - hist;
  // The bin where the count from the top reaches `want` is the one bin
  // with before < want <= inclusive (none where want <= 0: then bin 0 and
  // a count of 0, as the first bin with inclusive >= want would give).
  // Its index and count come out of a sum over the bins with every other
  // bin zeroed: an add per step instead of the compare-and-select pairs of
  // a first-match reduction, and packed into one operand where the counts
  // leave room (half the shuffles).
  Value crossing = (before < wanted) & (inclusive >= wanted);
  if (packed) {
    Value sum =
        tb::sum(tb::where(crossing, (before << binBits) | binIndex, 0), axis);
    return {sum & (binCount - 1), tb::shrLogical(sum, binBits)};
  }
  Values sums = tb::reduce(
      {tb::where(crossing, binIndex, 0), tb::where(crossing, before, 0)}, axis,
      addPairwise);
  return {sums[0], sums[1]};
}

/// Radix select: `want` (scalar i32) largest keys. Each round histograms one
/// digit of the keys still tied with the threshold, finds the bin where the
/// count from the top reaches `want`, and keeps the count above it. The
/// rounds are unrolled, or, with `asLoop`, an scf.for (shift and prefix mask
/// loop values): a quarter of the code, which spares registers where a
/// thread holds many keys (the pq-128k select spilled 296 bytes unrolled,
/// none as a loop: 110 -> 94 µs on the H100), but costs ~5% where the
/// unrolled rounds fit (seed-pq-32k select 25.1 -> 26.5 µs).
///
/// With `rows` > 0 the keys are the rows of [rows, n] tensors, selected
/// together (the same `want` of each): the histogram callback returns
/// [rows, bins], and the threshold's key and remaining are [rows] tensors.
/// One histogram, scan and reduction per round then serve every row, so
/// the rounds' fixed costs (scans over the bins, barriers) are paid once.
/// `keyCount` bounds the number of keys of a row (it sizes the counts).
Threshold radixSelect(KernelBuilder &kb, Value want, int64_t keyCount,
                      const RoundHistogram &histogramOfRound,
                      const Radix &radix, bool asLoop = false,
                      int64_t rows = 0) {
  const int binCount = radix.bins();
  auto round = [&](const Round &r, const Value &want,
                   const Value &prefix) -> Values {
    auto [bin, countBefore] = crossingBin(
        kb, histogramOfRound(r, prefix), want, radix.digitBits, keyCount, rows);
    return {want - countBefore, prefix | (((binCount - 1) - bin) << r.shift)};
  };
  Values found{want, kb.constant(0, tb::DType::I32)};
  if (rows > 0) {
    // [rows] from the start: loop-carried values keep their type.
    Value zeros = kb.zeros({rows}, tb::DType::I32);
    found = {zeros + want, zeros};
  }
  if (asLoop) {
    found = kb.forLoop(
        0, radix.rounds(), 1, found,
        [&](const Value &index, const Values &carried) {
          Value done = index * radix.digitBits;
          Round r{tb::maximum((32 - radix.digitBits) - done, 0),
                  tb::shrLogical(kb.constant(-1, tb::DType::I32), done) ^ -1,
                  -1, index};
          return round(r, carried[0], carried[1]);
        });
  } else {
    for (int index = 0; index < radix.rounds(); ++index) {
      int done = index * radix.digitBits;
      uint32_t mask = done == 0 ? 0u : ~(0xffffffffu >> done);
      Round r{kb.constant(radix.shift(index), tb::DType::I32),
              kb.constant(static_cast<int32_t>(mask), tb::DType::I32), index,
              kb.constant(index, tb::DType::I32)};
      found = round(r, found[0], found[1]);
    }
  }
  return {found[1] ^ kIntMin, found[0]};
}

/// Selection of the keys of one tile against a threshold, in position
/// order: keys above it, then the first `remaining` keys equal to it
/// (counting those of earlier tiles, `equalBefore`). `slot` is the output
/// index of each selected key, after `aboveBefore + min(equalBefore,
/// remaining)` earlier ones.
struct TileSelection {
  Value selected;   ///< i1 per lane
  Value slot;       ///< i32 per lane
  Value aboveCount; ///< scalar i32: keys above the threshold in this tile
  Value equalCount; ///< scalar i32: keys equal to it in this tile
};

/// Keys of [rows, n] (a rows-threshold of radixSelect) select along their
/// rows; the counts are then [rows].
TileSelection selectTile(const Value &key, const Value &valid,
                         const Threshold &threshold, const Value &aboveBefore,
                         const Value &equalBefore) {
  const int axis = key.rank() - 1;
  auto perRow = [&](const Value &v) {
    return key.rank() == 2 && v.rank() == 1 ? v.column() : v;
  };
  Value thresholdKey = perRow(threshold.key);
  Value remaining = perRow(threshold.remaining);
  Value above = valid & (key > thresholdKey);
  Value equal = valid & (key == thresholdKey);
  // Running counts of keys above and equal, both in one i32 (above in the
  // low 16 bits) where a tile's counts fit: one operand to scan and to
  // reduce instead of two.
  Values counts, totals;
  if (key.shape()[axis] < (int64_t(1) << 16)) {
    Value both = tb::where(above, 1, tb::where(equal, 1 << 16, 0));
    Value running = tb::cumsum(both, axis);
    Value total = tb::sum(both, axis);
    counts = {running & 0xFFFF, tb::shrLogical(running, 16)};
    totals = {total & 0xFFFF, tb::shrLogical(total, 16)};
  } else {
    Values ones{above.to(tb::DType::I32), equal.to(tb::DType::I32)};
    counts = tb::scan(ones, axis, addPairwise);
    totals = tb::reduce(ones, axis, addPairwise);
  }
  Value equalRank = counts[1] + equalBefore;
  Value selected = above | (equal & (equalRank <= remaining));
  Value slot = aboveBefore + counts[0] + tb::minimum(equalRank, remaining) - 1;
  return {selected, slot, totals[0], totals[1]};
}

/// Writes the (key, position) of each key of one tile that `threshold`
/// selects at its slot of the candidate arrays.
void writeSelected(KernelBuilder &kb, const Value &key, const Value &position,
                   const Value &valid, const Threshold &threshold,
                   const Value &candKeyBase, const Value &candPosBase) {
  Value zero = kb.constant(0, tb::DType::I32);
  TileSelection sel = selectTile(key, valid, threshold, zero, zero);
  tb::store(candKeyBase + sel.slot, key, {.mask = sel.selected});
  tb::store(candPosBase + sel.slot, position, {.mask = sel.selected});
}

/// The keys above and equal to a row's threshold in the programs of lower
/// cluster rank than this one, where a cluster's programs each hold one
/// tile of the row (rank r the r-th in position order): with them, each
/// program's selected keys take the row's slots after those of the ranks
/// before it. `key` is one row's [n] keys (scalar counts) or R rows' [R, n]
/// with a rows-threshold of radixSelect ([R] counts, one exchange for all).
struct CountsBefore {
  Value above, equal;
};
/// `sumOverPrograms` adds a tensor over the row group's programs (a cluster
/// sum, or GridExchange::sumCounts).
using ProgramSum = std::function<Value(const Value &)>;
CountsBefore clusterCountsBefore(KernelBuilder &kb, const Value &key,
                                 const Value &valid, const Threshold &threshold,
                                 const Value &rank, int64_t clusterSize,
                                 const ProgramSum &sumOverPrograms) {
  // This program's two counts in one sum (above in the low 16 bits: a tile
  // holds fewer than 65536 keys), every rank's at [.., 2 * rank] and
  // [.., 2 * rank + 1] of one cluster sum.
  const bool rows = key.rank() == 2;
  const std::optional<int> axis = rows ? std::optional<int>(1) : std::nullopt;
  assert(key.shape().back() < (int64_t(1) << 16) && "16-bit counts of a tile");
  Value thresholdKey = rows ? threshold.key.column() : threshold.key;
  Value above = valid & (key > thresholdKey);
  Value equal = valid & (key == thresholdKey);
  Value counts =
      tb::sum(tb::where(above, 1, tb::where(equal, 1 << 16, 0)), axis);
  // (Padded to a power of two for clusters of 3, 5, 6 or 7: the entries
  // past 2 * clusterSize belong to no rank and stay zero.)
  const int64_t entries = nextPowerOfTwo(2 * clusterSize);
  Value index = kb.arange(0, int(entries));
  if (rows) {
    counts = counts.column();
    index = tb::broadcastTo(index.row(), {key.shape()[0], entries});
  }
  Value isAbove = (index & 1) == 0;
  Value mine = tb::where(
      tb::shrLogical(index, 1) == rank,
      tb::where(isAbove, counts & 0xFFFF, tb::shrLogical(counts, 16)), 0);
  Value all = sumOverPrograms(mine);
  Value earlier = tb::shrLogical(index, 1) < rank;
  return {tb::sum(tb::where(earlier & isAbove, all, 0), axis),
          tb::sum(tb::where(earlier & ((index & 1) == 1), all, 0), axis)};
}

/// Selects the `want` best of keys held in registers (one tile) and writes
/// each selected key's (key, position) at `slot` of the candidate arrays.
void selectAndWriteCandidates(KernelBuilder &kb, const Value &key,
                              const Value &position, const Value &valid,
                              const Value &want, const Value &candKeyBase,
                              const Value &candPosBase, bool roundsLoop,
                              const Radix &radix) {
  Value unsignedKey = key ^ kIntMin;
  Threshold threshold = radixSelect(
      kb, want, key.numel(),
      [&](const Round &round, const Value &prefix) {
        return digitHistogram(unsignedKey, valid, round, prefix, radix);
      },
      radix, roundsLoop);
  writeSelected(kb, key, position, valid, threshold, candKeyBase, candPosBase);
}

/// selectAndWriteCandidates for keys that take few distinct values: each
/// key is the `valueKeys` entry its `valueIndex` names. The radix rounds
/// run over the values, each weighted by how many valid keys carry it
/// (tx.weighted_histogram), so the keys are counted once instead of
/// histogrammed every round; the selection then gathers each key's value.
/// Same threshold, same selection: the multiset of keys is the same.
void selectByValuesAndWriteCandidates(
    KernelBuilder &kb, const Value &valueKeys, const Value &valueIndex,
    const Value &position, const Value &valid, const Value &want,
    const Value &candKeyBase, const Value &candPosBase, const Radix &radix) {
  const int64_t values = valueKeys.numel(), keys = valueIndex.numel();
  Value carriers = tb::histogram(valueIndex, values, valid);
  Value unsignedValueKey = valueKeys ^ kIntMin;
  Value carried = carriers > 0;
  Threshold threshold = radixSelect(
      kb, want, keys,
      [&](const Round &round, const Value &prefix) {
        return tb::weightedHistogram(
            roundBins(unsignedValueKey, carried, round, prefix, radix),
            carriers, radix.bins());
      },
      radix);
  Value key = tb::gather(valueKeys, valueIndex, 0);
  writeSelected(kb, key, position, valid, threshold, candKeyBase, candPosBase);
}

/// The histogram of each round's digits of R rows of keys ([R, n]
/// unsignedKey and valid; the round's [R] prefixes), as one flat [R * bins]
/// tensor with row r's in bins [r * bins, (r + 1) * bins): one histogram op
/// for all rows. The rows' bin offsets are built once, outside the rounds.
RoundHistogram rowsDigitHistograms(KernelBuilder &kb, const Value &unsignedKey,
                                   const Value &valid, const Radix &radix) {
  const int64_t rows = unsignedKey.shape()[0], n = unsignedKey.shape()[1];
  const int binCount = radix.bins();
  Value rowOffset = kb.arange(0, int(rows)).column() * binCount;
  return [=](const Round &round, const Value &prefix) {
    // Lanes that take no part go to R * bins, which the histogram drops.
    Value bins = roundBins(unsignedKey, valid, round, prefix.column(), radix);
    bins = tb::where(bins < binCount, bins + rowOffset, int(rows) * binCount);
    return tb::histogram(tb::reshape(bins, {rows * n}), int(rows) * binCount);
  };
}

/// selectAndWriteCandidates for R rows of keys selected together
/// (radixSelect with rows): `keys` and `valid` are [R, n], `position` [n],
/// `candKeyBase` and `candPosBase` [R, 1] pointers (each row's slots).
void selectAndWriteRows(KernelBuilder &kb, const Value &keys,
                        const Value &position, const Value &valid,
                        const Value &want, const Value &candKeyBase,
                        const Value &candPosBase, bool roundsLoop,
                        const Radix &radix) {
  const int64_t rows = keys.shape()[0], n = keys.shape()[1];
  const int binCount = radix.bins();
  Value unsignedKey = keys ^ kIntMin;
  RoundHistogram flat = rowsDigitHistograms(kb, unsignedKey, valid, radix);
  Threshold threshold = radixSelect(
      kb, want, n,
      [&](const Round &round, const Value &prefix) {
        return tb::reshape(flat(round, prefix), {rows, binCount});
      },
      radix, roundsLoop, rows);
  Value zero = kb.constant(0, tb::DType::I32);
  TileSelection sel = selectTile(keys, valid, threshold, zero, zero);
  tb::store(candKeyBase + sel.slot, keys, {.mask = sel.selected});
  tb::store(candPosBase + sel.slot, tb::broadcastTo(position.row(), {rows, n}),
            {.mask = sel.selected});
}

/// How many candidates split `split` of a row wrote: its chunk's candidates,
/// at most `heavy`.
Value candidatesOfSplit(const IndexerConfig &config, const IndexerPlan &plan,
                        const Value &split) {
  Value chunkBegin = config.candidateBegin() + split * plan.chunk;
  Value inChunk = tb::minimum(plan.chunk, config.candidateEnd() - chunkBegin);
  return tb::minimum(config.heavy, tb::maximum(inChunk, 0));
}

/// Stacks [n, m] tensors along their rows, in order: [k * n, m].
Value stackRows(const std::vector<Value> &blocks) {
  if (blocks.size() == 1)
    return blocks[0];
  size_t half = blocks.size() / 2;
  Value first = stackRows({blocks.begin(), blocks.begin() + half});
  Value second = stackRows({blocks.begin() + half, blocks.end()});
  // join: [n, m, 2]; the pair index first, then rows: [2 * n, m].
  Value pair = tb::trans(tb::join(first, second), {2, 0, 1});
  return tb::reshape(pair, {2 * first.shape()[0], first.shape()[1]});
}

/// An exact select program scores its chunk in `parts` interleaved parts:
/// part p holds positions chunkBegin + parts * i + p (so each part's tiles,
/// and the registers of their loads and sums, stay small). Joins the parts'
/// [n] tensors back into one [parts * n] tensor in position order:
/// join(evens, odds) puts part p at minor index p % 2, and recursing on each
/// half keeps element parts * i + p at part p, index i.
Value interleaveParts(const std::vector<Value> &parts, int64_t n) {
  if (parts.size() == 1)
    return parts[0];
  std::vector<Value> evens, odds;
  for (size_t k = 0; k < parts.size(); ++k)
    (k % 2 ? odds : evens).push_back(parts[k]);
  return tb::reshape(
      tb::join(interleaveParts(evens, n), interleaveParts(odds, n)),
      {int64_t(parts.size()) * n});
}

/// What a row's merge reads and writes (launch 2, or the last select
/// program of a row group where the merge is fused into the select).
struct MergePointers {
  Value candKey, candPos; ///< the workspace's candidate arrays
  Value sparseList, sparseLen, weights;
};

/// Row `rowBase` (i64) of sparse_list and of the weights (dense: Sk wide;
/// sparse: Lmax).
struct RowOutputs {
  Value list, weights;
};
RowOutputs rowOutputsOf(const IndexerConfig &config, const MergePointers &io,
                        const Value &rowBase) {
  const bool dense = config.weightLayout == WeightLayout::Dense;
  return {io.sparseList + rowBase * config.Lmax(),
          io.weights + rowBase * (dense ? config.Sk : config.Lmax())};
}

/// The parts of a row's outputs that do not depend on the scores (defined
/// with the merge below).
void emitFixedParts(KernelBuilder &kb, const IndexerConfig &config,
                    const MergePointers &io, const Value &rowBase,
                    const Value &listRow, const Value &weightRow);

/// The fused merge's arguments of a select kernel: the merge's outputs and
/// the row groups' arrival counters (defined with the merge below).
struct FusedMergeArgs {
  MergePointers io;
  Value counters;
};
std::optional<FusedMergeArgs>
fusedMergeArgs(KernelBuilder &kb, const IndexerPlan &plan, const Value &weights,
               const Value &candKey, const Value &candPos);
void mergeInLastProgram(KernelBuilder &kb, const IndexerConfig &config,
                        const IndexerPlan &plan, const Value &group,
                        const Value &firstRow, int64_t rows,
                        const FusedMergeArgs &fused);

//===----------------------------------------------------------------------===//
// Launch 1: select (pq)
//===----------------------------------------------------------------------===//

/// Distinct code tuples of a pq key (C^M) where a select over them fits
/// (at most 4096: one histogram of that many bins), else 0.
int64_t pqTupleCount(const IndexerConfig &config) {
  int64_t tuples = 1;
  for (int64_t m = 0; m < config.pq.M; ++m) {
    tuples *= config.C();
    if (tuples > 4096)
      return 0;
  }
  return tuples;
}

/// The table index of loaded codes: the code itself where it is in [0, C).
/// Unchecked codes outside it (unspecified by the spec) index the table with
/// their low `bits` bits, for int64 codes after folding the high word into
/// the low one (pqTableIndex of the reference): using both words keeps the
/// codes' 16-byte loads whole. With only the low words live, ptxas split
/// each into two 4-byte loads, and every warp request then touched a sector
/// per lane (ncu, seed-pq-32k select: 4x the ideal L2 sectors of the codes).
Value tableIndex(const Value &codes, const IndexerConfig &config) {
  Value index = codes.to(tb::DType::I32);
  if (config.pq.codebookDType == DType::I64)
    index = index ^ tb::shrLogical(codes, 32).to(tb::DType::I32);
  return index & (config.C() - 1);
}

/// A pq kernel's score inputs and the dense weights: launch 1's first four
/// arguments on both pq paths.
struct PQArgs {
  Value q, centroids, codebook, weights;
};
PQArgs pqArgs(KernelBuilder &kb, const IndexerConfig &config) {
  PQArgs args;
  args.q = kb.pointerArg("q", builderType(config.qDType), kAligned);
  args.centroids = kb.pointerArg("centroids", tb::DType::F32, kAligned);
  args.codebook =
      kb.pointerArg("codebook", builderType(config.pq.codebookDType), kAligned);
  args.weights =
      kb.pointerArg("weights", builderType(config.weightDType), kAligned);
  return args;
}

/// Per query head and sub-vector m, the table T[c] = q_m . centroid_c
/// (asymmetric PQ distance): a key's score is M table lookups. The inputs
/// (q_m and the kv row's [C, Dm] centroid tile) load apart from the
/// product, so that a kernel can issue the loads early.
struct PQTables {
  const IndexerConfig &config;
  const PQArgs &args;
  Value d, dimValid, centroid;
  PQTables(KernelBuilder &kb, const IndexerConfig &config, const PQArgs &args)
      : config(config), args(args) {
    d = kb.arange(0, nextPowerOfTwo(config.Dm()));
    dimValid = d < config.Dm();
    centroid = kb.arange(0, config.C());
  }
  /// (q_m, tile) of query row `row` (b * H + h) and kv row `kvRow`.
  std::pair<Value, Value> loadInputs(const Value &row, const Value &kvRow,
                                     int64_t m) const {
    const int64_t M = config.pq.M, C = config.C(), Dm = config.Dm();
    Value qm =
        tb::load(args.q + (row.to(tb::DType::I64) * config.D + m * Dm) + d,
                 {.mask = dimValid, .other = 0.0f})
            .to(tb::DType::F32);
    Value base = args.centroids + (kvRow * M + m) * (C * Dm);
    Value tile = tb::load(base + centroid.column() * Dm + d.row(),
                          {.mask = dimValid.row(), .other = 0.0f});
    return {qm, tile};
  }
  static Value build(const std::pair<Value, Value> &inputs) {
    return tb::sum(inputs.second * inputs.first.row(), 1);
  }
};

/// The table index of head r's code m for a tile of keys: column r * M + m
/// of the tile's key-major [keys, R * M] codes `keyCodes` (loaded whole: one
/// vector access a key), or, key-minor, a load along the keys of the (kv
/// row, m) row, whose codes are contiguous there (`j`: the keys' quantised
/// indices).
Value codeOfHead(const IndexerConfig &config, const Value &keyCodes,
                 const Value &codeColumn, int64_t r, int64_t m,
                 const Value &codebook, const Value &kvRow, const Value &j,
                 const Value &valid) {
  const int64_t M = config.pq.M;
  if (config.pq.codebookLayout == CodebookLayout::KeyMajor)
    return tb::sum(tb::where(codeColumn == r * M + m, keyCodes, 0), 1);
  return tableIndex(tb::load(codebook + ((kvRow * M + m) * config.Nq() + j),
                             {.mask = valid, .other = 0}),
                    config);
}

/// The tuple of a key's M codes (table indices): tuple t's codes are its
/// base-C digits, code 0 the most significant (tupleOrderKeys decodes it).
Value tupleIndex(const std::vector<Value> &codes, const IndexerConfig &config) {
  Value tuple = codes[0];
  for (size_t m = 1; m < codes.size(); ++m)
    tuple = (tuple << int(config.pq.bits)) | codes[m];
  return tuple;
}

/// The order keys of a head's C^M code tuples (tupleIndex) from its M
/// tables: a tuple's score adds its codes' entries in a key's order (the
/// same bits as a key's score).
Value tupleOrderKeys(KernelBuilder &kb, const IndexerConfig &config,
                     const std::vector<Value> &tables) {
  const int64_t M = config.pq.M, tuples = pqTupleCount(config);
  const int bits = int(config.pq.bits);
  Value t = kb.arange(0, tuples);
  Value score = kb.zeros({tuples}, tb::DType::F32);
  for (int64_t m = 0; m < M; ++m)
    score = score + tb::gather(tables[m],
                               tb::shrLogical(t, int(bits * (M - 1 - m))) &
                                   int(config.C() - 1),
                               0);
  return orderKey(score);
}

IndexerKernelSource buildPQSelect(const IndexerConfig &config,
                                  const IndexerPlan &plan) {
  KernelBuilder kb("indexer_pq_select");
  const PQArgs args = pqArgs(kb, config);
  const Value &codebook = args.codebook, &weights = args.weights;
  Value candKey = kb.pointerArg("cand_key", tb::DType::I32, kAligned);
  Value candPos = kb.pointerArg("cand_pos", tb::DType::I32, kAligned);
  std::optional<FusedMergeArgs> fused =
      fusedMergeArgs(kb, plan, weights, candKey, candPos);
  if (plan.overlapMerge)
    kb.launchDependents();

  const int64_t H = config.H, G = config.G(), Hkv = config.Hkv;
  const int64_t M = config.pq.M, C = config.C(), Dm = config.Dm();
  const int64_t Nq = config.Nq(), Sk = config.Sk;
  const int64_t chunk = plan.chunk;

  // A program scores R adjacent query heads (plan.headsPerProgram; R > 1
  // only where Hkv == H, so their codes are adjacent in a key-major row).
  const int64_t R = plan.headsPerProgram;
  const int64_t chunks = plan.chunksPerProgram;
  Value group = kb.programId(0).named("group");
  // With plan.chunksPerProgram > 1 this program takes splits firstSplit ..
  // firstSplit + chunks - 1 in turn.
  Value firstSplit =
      (chunks == 1 ? kb.programId(1) : kb.programId(1) * int(chunks))
          .named("split");
  Value b = group / (H / R);
  Value firstHead = (group % (H / R)) * R;
  struct ChunkPositions {
    Value position, valid, j;
  };
  auto positionsOf = [&](const Value &split) {
    Value chunkBegin = config.candidateBegin() + split * chunk;
    Value position = (chunkBegin + kb.arange(0, chunk)).named("pos");
    Value valid = position < config.candidateEnd();
    Value j = (position - config.pq.initOffset).to(tb::DType::I64);
    return ChunkPositions{position, valid, j};
  };
  ChunkPositions first;
  if (chunks == 1)
    first = positionsOf(firstSplit);

  // Per head r and sub-vector m a table (PQTables). Where all R * M
  // centroid tiles fit in 32 registers a thread, every table's q row and
  // tile are loaded first, before the codes: they arrive ahead of the
  // codes' stream and the tables are built while the codes are still on
  // their way (loaded after the codes, and head r > 0's only after head
  // 0's select, the profile had 15% of the select's stall samples waiting
  // for them). Larger tables (C = 256, 4 heads) are loaded per table.
  const int64_t dimsPadded = nextPowerOfTwo(Dm);
  const PQTables pqTables(kb, config, args);
  auto loadTableInputs = [&](int64_t r, int64_t m) {
    Value row = b * H + firstHead + r;
    Value kvRow = (b * Hkv + (firstHead + r) / G).to(tb::DType::I64);
    return pqTables.loadInputs(row, kvRow, m);
  };
  auto buildTable = &PQTables::build;
  const bool preloadTables =
      R * M * C * dimsPadded <= 32 * 32 * int64_t(plan.selectWarps);
  std::vector<std::pair<Value, Value>> tableInputs; // (q_m, tile), r-major
  if (preloadTables)
    for (int64_t r = 0; r < R; ++r)
      for (int64_t m = 0; m < M; ++m)
        tableInputs.push_back(loadTableInputs(r, m));

  // Key-major codes: the M codes of a key for the program's R heads are
  // contiguous (16 bytes per head for M = 2 int64 codes), so one
  // [chunk, R*M] tile loads them with vector accesses that use whole
  // 32-byte sectors (R = 2) instead of M scalar loads per head, each of
  // which brought a sector from L2 for 8 useful bytes (ncu on the H100: the
  // select kernel was L2-throughput bound, 64% of its sectors excessive).
  const bool keyMajor = config.pq.codebookLayout == CodebookLayout::KeyMajor;
  const int64_t codesPerKey = R * M;
  Value codeColumn = kb.arange(0, nextPowerOfTwo(codesPerKey)).row();
  auto loadKeyCodes = [&](const ChunkPositions &at) -> Value {
    if (!keyMajor)
      return Value();
    Value firstKvHead = firstHead / G;
    Value keyBase =
        ((b.to(tb::DType::I64) * Nq + at.j) * Hkv + firstKvHead) * M;
    return tableIndex(
        tb::load(codebook + (keyBase.column() + codeColumn),
                 {.mask = at.valid.column() & (codeColumn < codesPerKey),
                  .other = 0}),
        config);
  };
  Value firstCodes;
  if (chunks == 1)
    firstCodes = loadKeyCodes(first);

  // Tables: built while the first chunk's codes are in flight; with more
  // chunks a program, all of them before the chunks (loaded per table
  // where they do not fit at once).
  std::vector<Value> tables;
  for (const auto &inputs : tableInputs)
    tables.push_back(buildTable(inputs));
  if (chunks > 1 && !preloadTables)
    for (int64_t r = 0; r < R; ++r)
      for (int64_t m = 0; m < M; ++m)
        tables.push_back(buildTable(loadTableInputs(r, m)));
  const bool tablesBuilt = !tables.empty();

  // plan.jointHeadSelect: the R heads' keys selected together as the rows
  // of one [R, chunk] tensor (one histogram, scan and reduction per round).
  const bool joint = plan.jointHeadSelect && R > 1 && config.heavy > 0;
  auto selectChunk = [&](const Value &split, const ChunkPositions &at,
                         const Value &keyCodes) {
    const Value &position = at.position, &valid = at.valid, &j = at.j;
    std::vector<Value> jointKeys;
    for (int64_t r = 0; r < R; ++r) {
      Value head = firstHead + r;
      Value row = b * H + head;
      Value kvRow = (b * Hkv + head / G).to(tb::DType::I64);
      // A key's score, M table entries added in order; a code tuple's
      // (plan.pqPairSelect) is added in the same order, so both give the
      // same bits.
      std::vector<Value> headTables, codes;
      Value score;
      if (!plan.pqPairSelect)
        score = kb.zeros({chunk}, tb::DType::F32);
      for (int64_t m = 0; m < M; ++m) {
        headTables.push_back(tablesBuilt ? tables[r * M + m]
                                         : buildTable(loadTableInputs(r, m)));
        codes.push_back(codeOfHead(config, keyCodes, codeColumn, r, m, codebook,
                                   kvRow, j, valid));
        if (!plan.pqPairSelect)
          score = score + tb::gather(headTables[m], codes[m], 0);
      }

      Value rowBase = row.to(tb::DType::I64);
      if (config.weightLayout == WeightLayout::Dense)
        tb::store(weights + rowBase * Sk + position,
                  kb.zeros({chunk}, builderType(config.weightDType)),
                  {.mask = valid});
      if (plan.pqPairSelect) {
        if (config.heavy == 0)
          continue;
        Value tuple = tupleIndex(codes, config);
        Value tupleKey = tupleOrderKeys(kb, config, headTables);
        Value slotBase =
            (row * plan.splits + split).to(tb::DType::I64) * config.heavy;
        selectByValuesAndWriteCandidates(kb, tupleKey, tuple, position, valid,
                                         candidatesOfSplit(config, plan, split),
                                         candKey + slotBase, candPos + slotBase,
                                         Radix{plan.radixDigitBits});
        continue;
      }
      if (joint) {
        jointKeys.push_back(orderKey(score).row());
      } else if (config.heavy > 0) {
        Value key = orderKey(score).named("key");
        Value want = candidatesOfSplit(config, plan, split);
        Value slotBase =
            (row * plan.splits + split).to(tb::DType::I64) * config.heavy;
        selectAndWriteCandidates(kb, key, position, valid, want,
                                 candKey + slotBase, candPos + slotBase,
                                 plan.selectRoundsLoop,
                                 Radix{plan.radixDigitBits});
      }
    }
    if (joint) {
      Value headIndex = kb.arange(0, R).column();
      Value slotBase = ((b * H + firstHead + headIndex) * plan.splits + split)
                           .to(tb::DType::I64) *
                       config.heavy;
      selectAndWriteRows(kb, stackRows(jointKeys), position,
                         tb::broadcastTo(valid.row(), {R, chunk}),
                         candidatesOfSplit(config, plan, split),
                         candKey + slotBase, candPos + slotBase,
                         plan.selectRoundsLoop, Radix{plan.radixDigitBits});
    }
  };
  if (chunks == 1) {
    selectChunk(firstSplit, first, firstCodes);
  } else {
    kb.forLoop(0, chunks, 1, [&](const Value &i) {
      Value split = firstSplit + i;
      ChunkPositions at = positionsOf(split);
      selectChunk(split, at, loadKeyCodes(at));
    });
  }
  if (fused)
    mergeInLastProgram(kb, config, plan, group, b * H + firstHead, R, *fused);
  return {kb.name(), kb.tritonIR(), plan.selectWarps, 1,
          plan.selectStrengthReduction};
}

//===----------------------------------------------------------------------===//
// Launch 1: select (exact)
//===----------------------------------------------------------------------===//

/// Where an exact select program's keys are: the program's kv row, its
/// chunk and its R query heads.
struct ExactProgram {
  Value keyBase;    ///< the kv row's first key
  Value chunkBegin; ///< first candidate position of the chunk
  /// Per head, its query row (pointer); the rows are consecutive.
  std::vector<Value> queries;
};

/// exact scores by passes over D (plan.exactScoreByDims): a part of the
/// chunk in one pass, 16 bytes of every key per step. Each thread owns whole
/// 16-byte pieces of its keys, so a step's dot products need no shuffles and
/// its partial sums land in the layout the running sums already have (no
/// conversion, no per-step insertion into a [tiles, sub] tensor: the rows
/// loop spends most of its issue slots there). Each step reads one 16-byte
/// piece of every key of the part; the other half of each 32-byte sector is
/// read by the next step, from L1 or L2. Measured on the H100 (v7,
/// docs/perf-notes.md): faster where the grid leaves SMs idle (exact-gqa-32k
/// select 95.5 -> 77 µs), slower where every SM streams (exact-gqa-b8-32k
/// 399 -> 551 µs: pieces of rows instead of whole rows per request).
Values exactScoresByDims(KernelBuilder &kb, const IndexerConfig &config,
                         const IndexerPlan &plan, const ExactProgram &prog) {
  const int64_t D = config.D, R = plan.headsPerProgram;
  const int64_t chunk = plan.chunk, part = plan.subTile;
  const int64_t parts = chunk / part;
  const Value &chunkBegin = prog.chunkBegin, &keyBase = prog.keyBase;
  const std::vector<Value> &queryRows = prog.queries;
  const int64_t elementBytes = config.keysDType == DType::F32 ? 4 : 2;
  const int64_t step = 16 / elementBytes;
  const int64_t dimsPadded = (D + step - 1) / step * step;
  // Part p scores positions chunkBegin + parts * i + p (interleaveParts).
  std::vector<Values> partScores;
  for (int64_t p = 0; p < parts; ++p) {
    Value pos = chunkBegin + kb.arange(0, part) * parts + p;
    Value inRange = pos < config.candidateEnd();
    Value rowPtr = keyBase + pos.to(tb::DType::I64).column() * D;
    // One step: the R heads' partial dot products over dims [d0, d0+step).
    // The query slices are loaded as [part, step] tiles of one row (the key
    // tile's layout, so no conversion; the repeated addresses are one load).
    auto dims = [&](const Value &d0) {
      return (d0 + kb.arange(0, step)).row();
    };
    auto loadKeys = [&](const Value &d0) {
      Value dim = dims(d0);
      return tb::load(rowPtr + dim,
                      {.mask = inRange.column() & (dim < D), .other = 0.0f});
    };
    auto stepScores = [&](const Value &keyTile, const Value &d0) {
      Value dim = dims(d0);
      Value tile = keyTile.to(tb::DType::F32);
      Values partial;
      for (int64_t g = 0; g < R; ++g) {
        Value qs = tb::load(tb::broadcastTo(queryRows[g] + dim, {part, step}),
                            {.mask = tb::broadcastTo(dim < D, {part, step}),
                             .other = 0.0f})
                       .to(tb::DType::F32);
        partial.push_back(tb::sum(tile * qs, 1));
      }
      return partial;
    };
    // Zero running sums (the layout pass carries them in the reduction's
    // layout: no conversion per step) and the next step's keys, loaded one
    // step ahead so that a step's loads are in flight while the previous
    // step's products are computed.
    Values carried;
    for (int64_t g = 0; g < R; ++g)
      carried.push_back(kb.zeros({part}, tb::DType::F32));
    carried.push_back(loadKeys(kb.constant(0, tb::DType::I32)));
    Values last = kb.forLoop(0, dimsPadded - step, step, carried,
                             [&](const Value &d0, const Values &acc) {
                               Value next = loadKeys(d0 + step);
                               Values partial = stepScores(acc[R], d0);
                               Values out;
                               for (int64_t g = 0; g < R; ++g)
                                 out.push_back(acc[g] + partial[g]);
                               out.push_back(next);
                               return out;
                             });
    Values partial =
        stepScores(last[R], kb.constant(dimsPadded - step, tb::DType::I32));
    Values sums;
    for (int64_t g = 0; g < R; ++g)
      sums.push_back(last[g] + partial[g]);
    partScores.push_back(sums);
  }
  Values scores;
  for (int64_t g = 0; g < R; ++g) {
    std::vector<Value> level;
    for (int64_t p = 0; p < parts; ++p)
      level.push_back(partScores[p][g]);
    Value s = interleaveParts(level, part);
    if (config.scale != 1.0f)
      s = s * config.scale;
    scores.push_back(s);
  }

  return scores;
}

/// exact scores by whole rows (the default): a loop over sub-tiles of
/// plan.subTile keys (16-byte loads of whole key rows), each head's scores
/// dropped into row t of a [tiles, sub] register tensor (a select per
/// element and iteration; the loop keeps one sub-tile of keys live at a
/// time). Whole rows per request stream best where every SM streams.
/// Returns [tiles, sub] tensors in position order.
Values exactScoresByRows(KernelBuilder &kb, const IndexerConfig &config,
                         const IndexerPlan &plan, const ExactProgram &prog) {
  const int64_t D = config.D, R = plan.headsPerProgram;
  const int64_t chunk = plan.chunk, sub = plan.subTile;
  const int64_t tiles = chunk / sub;
  const int64_t dimsPadded = nextPowerOfTwo(D);
  Value d = kb.arange(0, dimsPadded);
  Value dimValid = d < D;
  // FMAs: the key tile as plan.exactDimSlices [sub, D / slices] slices, one
  // load each; a thread's products of all slices are added element by
  // element before one reduction per head, so that fewer lanes share a key
  // row (whole sectors per request still: a slice row is >= 32 bytes) and
  // the reduction needs fewer shuffle steps (16 lanes: 4 steps; 4 lanes:
  // 2).
  const int64_t slices = plan.exactScoreOnTensorCores ? 1 : plan.exactDimSlices;
  const int64_t sliceDims = dimsPadded / slices;
  Value sliceDim = kb.arange(0, sliceDims);
  // Each head's query row as f32, slice by slice.
  std::vector<std::vector<Value>> queries(R);
  if (!plan.exactScoreOnTensorCores)
    for (int64_t g = 0; g < R; ++g)
      for (int64_t s = 0; s < slices; ++s) {
        Value dim = sliceDim + s * sliceDims;
        queries[g].push_back(
            tb::load(prog.queries[g] + dim, {.mask = dim < D, .other = 0.0f})
                .to(tb::DType::F32));
      }
  Value lane = kb.arange(0, sub);
  // The sub-tiles in plan.exactScoreLoops loops of consecutive sub-tiles,
  // each filling its own [tiles / loops, sub] tensors: a sub-tile's scores
  // are inserted with a select per element of the loop's tensors, so fewer
  // rows per loop mean fewer selects (the loop bodies are repeated).
  const int64_t loops = plan.exactScoreLoops;
  const int64_t rowsPerLoop = tiles / loops;
  Value tileRow = kb.arange(0, rowsPerLoop).column();
  // Tensor cores: the R query rows as the columns of a [D, N] operand (N =
  // 16, the narrowest dot Triton allows; columns R.. are zeros), so
  // that one dot gives a sub-tile's scores for all R heads: no bf16
  // unpacking, no shuffle reduction per head.
  const int64_t columns = std::max<int64_t>(16, nextPowerOfTwo(R));
  Value column = kb.arange(0, columns);
  Value queryColumns;
  if (plan.exactScoreOnTensorCores) {
    Value head = column.column();
    Value rows = tb::load(prog.queries[0] + head * D + d.row(),
                          {.mask = (head < R) & dimValid.row(), .other = 0.0f});
    queryColumns = tb::trans(rows);
  }
  std::vector<Values> blocks;
  for (int64_t l = 0; l < loops; ++l) {
    // Sub-tile t of this loop (masked off from t = rowsPerLoop on), slice
    // by slice.
    auto loadTile = [&](const Value &t) {
      Value p = prog.chunkBegin + (t + l * rowsPerLoop) * sub + lane;
      Value inRange = (p < config.candidateEnd()) & (t < rowsPerLoop);
      Value rowPtr = prog.keyBase + p.to(tb::DType::I64).column() * D;
      Values pieces;
      for (int64_t s = 0; s < slices; ++s) {
        Value dim = (slices == 1 ? d : sliceDim + s * sliceDims).row();
        pieces.push_back(
            tb::load(rowPtr + dim,
                     {.mask = inRange.column() & (dim < D), .other = 0.0f}));
      }
      return pieces;
    };
    Values inits;
    for (int64_t g = 0; g < R; ++g)
      inits.push_back(kb.zeros({rowsPerLoop, sub}, tb::DType::F32));
    // plan.exactPrefetch: the next sub-tile's keys are loaded at the top of
    // an iteration and carried to the next, so they are in flight while
    // this one is scored.
    if (plan.exactPrefetch)
      for (const Value &piece : loadTile(kb.constant(0, tb::DType::I32)))
        inits.push_back(piece);
    blocks.push_back(kb.forLoop(
        0, rowsPerLoop, 1, inits, [&](const Value &t, const Values &carried) {
          Values next;
          Values keyTile;
          Values prefetched;
          if (plan.exactPrefetch) {
            prefetched = loadTile(t + 1);
            keyTile.assign(carried.begin() + R, carried.end());
          } else {
            keyTile = loadTile(t);
          }
          if (plan.exactScoreOnTensorCores) {
            Value all = tb::dot(keyTile[0], queryColumns);
            for (int64_t g = 0; g < R; ++g) {
              Value s = tb::sum(tb::where(column.row() == g, all, 0.0f), 1);
              if (config.scale != 1.0f)
                s = s * config.scale;
              next.push_back(tb::where(tileRow == t, s.row(), carried[g]));
            }
          } else {
            Values tile;
            for (const Value &piece : keyTile)
              tile.push_back(piece.to(tb::DType::F32));
            for (int64_t g = 0; g < R; ++g) {
              Value products = tile[0] * queries[g][0].row();
              for (int64_t k = 1; k < slices; ++k)
                products = products + tile[k] * queries[g][k].row();
              Value s = tb::sum(products, 1);
              if (config.scale != 1.0f)
                s = s * config.scale;
              next.push_back(tb::where(tileRow == t, s.row(), carried[g]));
            }
          }
          if (plan.exactPrefetch)
            next.insert(next.end(), prefetched.begin(), prefetched.end());
          return next;
        }));
    blocks.back().resize(R);
  }
  // [tiles, sub] each: the caller reshapes a head's scores where it uses
  // them (reshaping all of them here kept them all converted at once: more
  // shared-memory round trips and registers).
  Values scores;
  for (int64_t g = 0; g < R; ++g) {
    std::vector<Value> rows;
    for (const Values &block : blocks)
      rows.push_back(block[g]);
    scores.push_back(stackRows(rows));
  }
  return scores;
}

/// The order keys of a head's exact scores as one [chunk] tensor (the
/// scores come as [chunk], or [tiles, sub] from the tiled score loops).
Value chunkOrderKey(const Value &scores, int64_t chunk) {
  return orderKey(scores.rank() == 1 ? scores : tb::reshape(scores, {chunk}));
}

/// A cluster select's sums over its row group's programs through global
/// memory and group barriers instead of a cluster (plan.selectGridSync):
/// the grid is one cooperative wave, so a row group may span any number of
/// programs (a cluster holds at most 8, and 16 clusters of 8 did not fit an
/// H100 at once: indexer v34). Per row group, in the exchange workspace
/// (gridExchangeLayout): a barrier counter; each head's radix rounds'
/// histograms, which the programs add into with atomics (zero before the
/// first round: the leader zeroes a head's once every program has read
/// them, after the head's counts exchange, so they are zero again for the
/// next call); and each head's counts slots, every entry written by its
/// own program each call (no zeroing).
struct GridExchange {
  KernelBuilder &kb;
  Value counter, histograms, counts, arrivals, leader;
  int64_t bins, rounds, entries, heads;

  GridExchange(KernelBuilder &kb, const IndexerPlan &plan,
               const Value &workspace, const Value &group, const Value &split)
      : kb(kb) {
    const GridExchangeLayout layout = gridExchangeLayout(plan);
    bins = layout.bins;
    rounds = layout.rounds;
    entries = layout.entries;
    heads = plan.headsPerProgram;
    Value g = group.to(tb::DType::I64);
    counter = workspace + g;
    histograms =
        workspace + layout.histogramsBegin + g * layout.histogramsPerGroup;
    counts = workspace + layout.countsBegin + g * layout.countsPerGroup;
    arrivals = kb.constant(int(plan.splits), tb::DType::I32);
    leader = split == 0;
  }
  void barrier() const { kb.gridBarrier(counter, arrivals, leader); }
  /// `hist` ([bins], or [heads, bins] for all heads at once) summed over
  /// the row group's programs: head `head`'s round `round` buffer.
  Value sumHistogram(const Value &hist, const Value &head,
                     const Value &round) const {
    Value bin = kb.arange(0, int(bins));
    Value offset = (head * int(rounds) + round) * int(bins);
    if (hist.rank() == 2)
      offset = (kb.arange(0, int(heads)) * int(rounds) + round).column() *
                   int(bins) +
               bin.row();
    else
      offset = offset + bin;
    Value at = histograms + offset;
    // Only the bins this program counted (later rounds: a few).
    tb::atomicAdd(at, hist,
                  {.mask = hist != 0, .sem = tb::MemSemantic::Relaxed});
    barrier();
    return tb::load(at, {.cache = tb::CacheModifier::CG});
  }
  /// `mine` ([entries], or [heads, entries]: this program's entries set,
  /// the others zero, as clusterCountsBefore builds it) summed over the
  /// programs: each writes its own two entries, then all read all.
  Value sumCounts(const Value &mine, const Value &head,
                  const Value &rank) const {
    Value index = kb.arange(0, int(entries));
    Value at = counts + head * int(entries) + index;
    Value own = tb::shrLogical(index, 1) == rank;
    if (mine.rank() == 2) {
      at = counts + (kb.arange(0, int(heads)) * int(entries)).column() +
           index.row();
      own = tb::broadcastTo(own.row(), {heads, entries});
    }
    tb::store(at, mine, {.mask = own});
    barrier();
    return tb::load(at, {.cache = tb::CacheModifier::CG});
  }
  /// After a head's counts exchange (every program has read its rounds'
  /// histograms): the leader zeroes them for the next call. `allHeads`:
  /// every head's (heads selected together).
  void clearHistograms(const Value &head, bool allHeads) const {
    Value bin = kb.arange(0, int(bins));
    for (int64_t round = 0; round < rounds; ++round) {
      if (allHeads)
        tb::store(histograms +
                      ((kb.arange(0, int(heads)) * int(rounds) + int(round)) *
                       int(bins))
                          .column() +
                      bin.row(),
                  kb.zeros({heads, bins}, tb::DType::I32), {.mask = leader});
      else
        tb::store(histograms + (head * int(rounds) + int(round)) * int(bins) +
                      bin,
                  kb.zeros({bins}, tb::DType::I32), {.mask = leader});
    }
  }
};

/// A cluster select's R heads selected together (plan.jointHeadSelect):
/// their keys the rows of one [R, chunk] tensor, so that each radix round's
/// histograms and the ranks' counts take one cluster sum for all heads (a
/// sum's cost is its cluster barriers' latency, not its bytes: indexer v19
/// in perf-notes). `scores` are the heads' [chunk] (or [tiles, sub])
/// scores, rows firstRow .. firstRow + R - 1.
void selectRowsInCluster(KernelBuilder &kb, const IndexerConfig &config,
                         const IndexerPlan &plan, const Values &scores,
                         const Value &firstRow, const Value &position,
                         const Value &valid, const Value &rank,
                         const MergePointers &out, const GridExchange *grid) {
  const int64_t R = int64_t(scores.size()), chunk = plan.chunk;
  const Radix radix{plan.radixDigitBits};
  const int binCount = radix.bins();
  const bool exchange = plan.splits > 1;
  std::vector<Value> rows;
  for (const Value &score : scores)
    rows.push_back(tb::reshape(chunkOrderKey(score, chunk), {1, chunk}));
  Value keys = stackRows(rows);
  Value validRows = tb::broadcastTo(valid.row(), {R, chunk});
  Value unsignedKey = keys ^ kIntMin;
  RoundHistogram flat = rowsDigitHistograms(kb, unsignedKey, validRows, radix);
  // (A grid exchange keeps all heads' histograms from head 0's buffer on.)
  Value firstHead = grid ? kb.constant(0, tb::DType::I32) : Value();
  Threshold threshold = radixSelect(
      kb, kb.constant(config.K(), tb::DType::I32), plan.splits * chunk,
      [&](const Round &round, const Value &prefix) {
        Value hist = flat(round, prefix);
        if (grid)
          return grid->sumHistogram(tb::reshape(hist, {R, binCount}), firstHead,
                                    round.number);
        if (exchange)
          hist = kb.clusterSum(hist);
        return tb::reshape(hist, {R, binCount});
      },
      radix, plan.selectRoundsLoop, R);
  CountsBefore before{kb.zeros({R}, tb::DType::I32),
                      kb.zeros({R}, tb::DType::I32)};
  if (exchange)
    before = clusterCountsBefore(kb, keys, validRows, threshold, rank,
                                 plan.splits, [&](const Value &mine) {
                                   return grid ? grid->sumCounts(
                                                     mine, firstHead, rank)
                                               : kb.clusterSum(mine);
                                 });
  if (grid)
    grid->clearHistograms(firstHead, true);
  TileSelection sel = selectTile(keys, validRows, threshold,
                                 before.above.column(), before.equal.column());
  Value rowBase = (firstRow + kb.arange(0, int(R))).to(tb::DType::I64).column();
  tb::store(out.sparseList + rowBase * config.Lmax() + config.sink + sel.slot,
            tb::broadcastTo(position.row(), {R, chunk}).to(tb::DType::I64),
            {.mask = sel.selected});
  if (config.weightLayout == WeightLayout::Dense)
    tb::store(
        out.weights + rowBase * config.Sk + position.row(),
        tb::where(sel.selected, 1.0f, 0.0f).to(builderType(config.weightDType)),
        {.mask = validRows});
}

IndexerKernelSource buildExactSelect(const IndexerConfig &config,
                                     const IndexerPlan &plan) {
  KernelBuilder kb("indexer_exact_select");
  const bool clustered = plan.clusterSelect;
  Value q = kb.pointerArg("q", builderType(config.qDType), kAligned);
  Value keys = kb.pointerArg("keys", builderType(config.keysDType), kAligned);
  Value weights =
      kb.pointerArg("weights", builderType(config.weightDType), kAligned);
  // A cluster select writes the outputs; the others write candidates.
  MergePointers out;
  out.weights = weights;
  // A grid-exchange select (plan.selectGridSync) also takes its exchange
  // workspace.
  Value exchangeBuffer;
  if (clustered) {
    out.sparseList = kb.pointerArg("sparse_list", tb::DType::I64, kAligned);
    out.sparseLen = kb.pointerArg("sparse_len", tb::DType::I64, kAligned);
    if (plan.selectGridSync)
      exchangeBuffer = kb.pointerArg("exchange", tb::DType::I32, kAligned);
  } else {
    out.candKey = kb.pointerArg("cand_key", tb::DType::I32, kAligned);
    out.candPos = kb.pointerArg("cand_pos", tb::DType::I32, kAligned);
  }
  std::optional<FusedMergeArgs> fused =
      clustered ? std::nullopt
                : fusedMergeArgs(kb, plan, weights, out.candKey, out.candPos);
  // The merge launch may start once every select program has begun: its
  // programs then take the SMs the last selects leave, and wait there.
  if (plan.overlapMerge)
    kb.launchDependents();

  const int64_t H = config.H, G = config.G(), Hkv = config.Hkv, D = config.D;
  const int64_t Sk = config.Sk, chunk = plan.chunk;

  // A program scores R of its kv head's G query heads (plan.headsPerProgram;
  // R < G where the grid would otherwise leave SMs idle: the programs of one
  // kv head and split are adjacent in the grid, so the second read of their
  // keys comes from L2).
  const int64_t R = plan.headsPerProgram;
  // A cluster select's clusters run along x: the row group's splits there
  // (split = the cluster rank), the row groups along y.
  Value group = kb.programId(clustered ? 1 : 0).named("group");
  Value split = kb.programId(clustered ? 0 : 1).named("split");
  const bool exchange = clustered && plan.splits > 1;
  std::optional<GridExchange> grid;
  if (exchange && plan.selectGridSync) {
    grid.emplace(kb, plan, exchangeBuffer, group, split);
  } else if (exchange) {
    kb.setClusterSize(int(plan.splits));
    kb.setClusterSumBuffers(plan.clusterSumBuffers);
  }
  Value kvRow = group / (G / R);
  Value firstHead = (kvRow % Hkv) * G + (group % (G / R)) * R;
  Value b = kvRow / Hkv;
  Value chunkBegin = config.candidateBegin() + split * chunk;

  ExactProgram prog;
  prog.keyBase = keys + kvRow.to(tb::DType::I64) * (Sk * D);
  prog.chunkBegin = chunkBegin;
  for (int64_t g = 0; g < R; ++g)
    prog.queries.push_back(q + (b * H + firstHead + g).to(tb::DType::I64) * D);
  Values scores = plan.exactScoreByDims
                      ? exactScoresByDims(kb, config, plan, prog)
                      : exactScoresByRows(kb, config, plan, prog);

  Value position = (chunkBegin + kb.arange(0, chunk)).named("pos");
  Value valid = position < config.candidateEnd();
  Value want =
      config.heavy > 0 ? candidatesOfSplit(config, plan, split) : Value();
  // Head g's zero weights and selection; g is a constant, or (plan.
  // exactHeadLoop) the index of a loop over the heads, whose scores are
  // then picked with a select per element: one copy of the selection's
  // code for all heads.
  const bool dense = config.weightLayout == WeightLayout::Dense;
  const tb::DType weightType = builderType(config.weightDType);
  auto selectHead = [&](const auto &g, const Value &scoresOfHead) {
    Value row = b * H + firstHead + g;
    Value rowBase = row.to(tb::DType::I64);
    if (clustered) {
      // The row's K best over the cluster's chunks; this chunk's entries
      // after those of the chunks before it, its weights 1 or 0.
      const Radix radix{plan.radixDigitBits};
      Value key = chunkOrderKey(scoresOfHead, chunk);
      Value unsignedKey = key ^ kIntMin;
      // Head g's buffers of a grid exchange (g an i32 value in a head loop).
      Value head = grid ? kb.constant(0, tb::DType::I32) + g : Value();
      Threshold threshold = radixSelect(
          kb, kb.constant(config.K(), tb::DType::I32), plan.splits * chunk,
          [&](const Round &round, const Value &prefix) {
            Value hist =
                digitHistogram(unsignedKey, valid, round, prefix, radix);
            if (grid)
              return grid->sumHistogram(hist, head, round.number);
            return exchange ? kb.clusterSum(hist) : hist;
          },
          radix, plan.selectRoundsLoop);
      Value zero = kb.constant(0, tb::DType::I32);
      CountsBefore before{zero, zero};
      if (exchange)
        before = clusterCountsBefore(kb, key, valid, threshold, split,
                                     plan.splits, [&](const Value &mine) {
                                       return grid ? grid->sumCounts(mine, head,
                                                                     split)
                                                   : kb.clusterSum(mine);
                                     });
      if (grid)
        grid->clearHistograms(head, false);
      TileSelection sel =
          selectTile(key, valid, threshold, before.above, before.equal);
      tb::store(out.sparseList + rowBase * config.Lmax() + config.sink +
                    sel.slot,
                position.to(tb::DType::I64), {.mask = sel.selected});
      if (dense)
        tb::store(weights + rowBase * Sk + position,
                  tb::where(sel.selected, 1.0f, 0.0f).to(weightType),
                  {.mask = valid});
      return;
    }
    if (dense)
      tb::store(weights + rowBase * Sk + position,
                kb.zeros({chunk}, weightType), {.mask = valid});
    if (config.heavy == 0)
      return;
    Value key = chunkOrderKey(scoresOfHead, chunk);
    Value slotBase =
        (row * plan.splits + split).to(tb::DType::I64) * config.heavy;
    selectAndWriteCandidates(kb, key, position, valid, want,
                             out.candKey + slotBase, out.candPos + slotBase,
                             plan.selectRoundsLoop, Radix{plan.radixDigitBits});
  };
  if (clustered && plan.jointHeadSelect && R > 1) {
    selectRowsInCluster(kb, config, plan, scores, b * H + firstHead, position,
                        valid, split, out, grid ? &*grid : nullptr);
  } else if (plan.exactHeadLoop && R > 1) {
    kb.forLoop(0, R, 1, [&](const Value &g) {
      Value picked = scores[R - 1];
      for (int64_t k = R - 2; k >= 0; --k)
        picked = tb::where(g == int(k), scores[k], picked);
      selectHead(g, picked);
    });
  } else {
    for (int64_t g = 0; g < R; ++g)
      selectHead(g, scores[g]);
  }
  if (fused)
    mergeInLastProgram(kb, config, plan, group, b * H + firstHead, R, *fused);
  // The parts of the outputs the scores do not decide, by each row group's
  // first chunk.
  if (clustered)
    kb.ifThen(split == 0, [&] {
      for (int64_t g = 0; g < R; ++g) {
        Value rowBase = (b * H + firstHead + g).to(tb::DType::I64);
        RowOutputs rowOut = rowOutputsOf(config, out, rowBase);
        emitFixedParts(kb, config, out, rowBase, rowOut.list, rowOut.weights);
      }
    });
  return {kb.name(), kb.tritonIR(), plan.selectWarps, plan.selectStages,
          plan.selectStrengthReduction};
}

//===----------------------------------------------------------------------===//
// Launch 2: merge and index generation
//===----------------------------------------------------------------------===//

/// Writes value(i) to ptr + i for i in [begin, end), in blocks.
void fillRange(KernelBuilder &kb, const Value &ptr, int64_t begin, int64_t end,
               const std::function<Value(const Value &)> &value) {
  if (end <= begin)
    return;
  int64_t block = std::min<int64_t>(kFillBlock, nextPowerOfTwo(end - begin));
  kb.forLoop(begin, end, block, [&](const Value &start) {
    Value i = start + kb.arange(0, block);
    tb::store(ptr + i, value(i), {.mask = i < end});
  });
}

/// Launch 2's work for one row: the K best of the row's candidates, the
/// ascending sparse_list, sparse_len and the weights outside the candidate
/// range. `fromOtherPrograms`: the candidates were written by other
/// programs of this launch (the merge in the last select program of a row
/// group), so they are read from L2 (ld.global.cg), past an L1 that may
/// hold nothing of them but is not ordered with their writers either.
void emitRowMerge(KernelBuilder &kb, const IndexerConfig &config,
                  const IndexerPlan &plan, const Value &row,
                  const MergePointers &io, bool fromOtherPrograms,
                  const Value &clusterRank) {
  const int64_t K = config.K(), sink = config.sink;
  const int64_t total = plan.candidatesPerRow, tile = plan.mergeTile;
  const Radix radix{plan.radixDigitBits};
  const int64_t tiles = plan.mergeTiles;
  const tb::DType weightType = builderType(config.weightDType);
  const bool dense = config.weightLayout == WeightLayout::Dense;
  const tb::CacheModifier candidateCache =
      fromOtherPrograms ? tb::CacheModifier::CG : tb::CacheModifier::None;

  Value rowBase = row.to(tb::DType::I64);
  const auto [listRow, weightRow] = rowOutputsOf(config, io, rowBase);

  if (K > 0) {
    Value candKeyRow = io.candKey + rowBase * total;
    Value candPosRow = io.candPos + rowBase * total;
    Value lane = kb.arange(0, tile);
    // Slot f of a row is entry f % heavy of split f / heavy; only the first
    // candidatesOfSplit entries of a split were written.
    auto slotsOf = [&](const Value &tileIndex) {
      Value f = tileIndex * tile + lane;
      Value split = f / config.heavy;
      Value valid = (f < total) &
                    (f % config.heavy < candidatesOfSplit(config, plan, split));
      return std::make_pair(f, valid);
    };
    auto loadKeys = [&](const Value &f, const Value &valid) {
      return tb::load(candKeyRow + f,
                      {.mask = valid, .other = 0, .cache = candidateCache});
    };
    auto writeSelected = [&](const Value &f, const TileSelection &sel) {
      Value pos =
          tb::load(candPosRow + f,
                   {.mask = sel.selected, .other = 0, .cache = candidateCache});
      tb::store(listRow + sink + sel.slot, pos.to(tb::DType::I64),
                {.mask = sel.selected});
      if (dense)
        tb::store(weightRow + pos, kb.full({tile}, 1.0f, weightType),
                  {.mask = sel.selected});
    };
    Value zero = kb.constant(0, tb::DType::I32);
    if (plan.mergeCluster > 1 &&
        (!clusterRank.isValid() || fromOtherPrograms || tiles != 1 ||
         tile * plan.mergeCluster < total))
      throw Error(Error::Kind::Internal,
                  "indexer: a clustered merge needs a rank, a launch of its "
                  "own and one tile a program covering the row");
    if (tiles == 1) {
      // The candidates fit one register tile a program: load them once.
      // With a cluster per row, rank r holds the row's tile r; each round's
      // histogram is the sum of the cluster's, so every program finds the
      // row's threshold, and a program's selected keys come after those of
      // the ranks before it (the row's slots are in position order).
      const bool clustered = plan.mergeCluster > 1;
      auto slots = slotsOf(clustered ? clusterRank : zero);
      Value f = slots.first, valid = slots.second;
      Value key = loadKeys(f, valid);
      Value unsignedKey = key ^ kIntMin;
      Threshold threshold = radixSelect(
          kb, kb.constant(K, tb::DType::I32), total,
          [&](const Round &round, const Value &prefix) {
            Value hist =
                digitHistogram(unsignedKey, valid, round, prefix, radix);
            return clustered ? kb.clusterSum(hist) : hist;
          },
          radix);
      CountsBefore before{zero, zero};
      if (clustered)
        before = clusterCountsBefore(
            kb, key, valid, threshold, clusterRank, plan.mergeCluster,
            [&](const Value &x) { return kb.clusterSum(x); });
      writeSelected(
          f, selectTile(key, valid, threshold, before.above, before.equal));
    } else {
      // Each round streams the row's candidates (L2-resident) again.
      Threshold threshold = radixSelect(
          kb, kb.constant(K, tb::DType::I32), total,
          [&](const Round &round, const Value &prefix) {
            Values hist = kb.forLoop(
                0, tiles, 1, {kb.zeros({radix.bins()}, tb::DType::I32)},
                [&](const Value &t, const Values &carried) -> Values {
                  auto slots = slotsOf(t);
                  Value f = slots.first, valid = slots.second;
                  Value unsignedKey = loadKeys(f, valid) ^ kIntMin;
                  return {carried[0] + digitHistogram(unsignedKey, valid, round,
                                                      prefix, radix)};
                });
            return hist[0];
          },
          radix);
      kb.forLoop(
          0, tiles, 1, {zero, zero},
          [&](const Value &t, const Values &carried) -> Values {
            auto slots = slotsOf(t);
            Value f = slots.first, valid = slots.second;
            TileSelection sel = selectTile(loadKeys(f, valid), valid, threshold,
                                           carried[0], carried[1]);
            writeSelected(f, sel);
            return {carried[0] + sel.aboveCount, carried[1] + sel.equalCount};
          });
    }
  }

  // The fixed parts: sink, window, padding, length, the other weights (by
  // the first program of a cluster).
  if (plan.mergeCluster > 1) {
    kb.ifThen(clusterRank == 0, [&] {
      emitFixedParts(kb, config, io, rowBase, listRow, weightRow);
    });
    return;
  }
  emitFixedParts(kb, config, io, rowBase, listRow, weightRow);
}

/// The parts of a row's outputs that do not depend on the scores: the sink
/// and window positions and the padding of sparse_list, sparse_len, and the
/// weights outside the candidate range (dense) or all of them (sparse).
void emitFixedParts(KernelBuilder &kb, const IndexerConfig &config,
                    const MergePointers &io, const Value &rowBase,
                    const Value &listRow, const Value &weightRow) {
  const int64_t K = config.K(), sink = config.sink, window = config.window;
  const int64_t Sk = config.Sk, L = config.L(), Lmax = config.Lmax();
  const tb::DType weightType = builderType(config.weightDType);
  const bool dense = config.weightLayout == WeightLayout::Dense;
  fillRange(kb, listRow, 0, sink,
            [](const Value &i) { return i.to(tb::DType::I64); });
  fillRange(kb, listRow, sink + K, Lmax, [&](const Value &i) {
    Value windowPos = (Sk - window - sink - K) + i;
    return tb::where(i < L, windowPos, kSparseListPadding).to(tb::DType::I64);
  });
  if (dense) {
    fillRange(kb, weightRow, 0, config.candidateBegin(), [&](const Value &i) {
      return tb::where(i < sink, 1.0f, 0.0f).to(weightType);
    });
    fillRange(kb, weightRow, config.candidateEnd(), Sk, [&](const Value &i) {
      return kb.full({i.numel()}, 1.0f, weightType);
    });
  } else {
    fillRange(kb, weightRow, 0, Lmax, [&](const Value &i) {
      return tb::where(i < L, 1.0f, 0.0f).to(weightType);
    });
  }
  tb::store(io.sparseLen + rowBase, kb.constant(L, tb::DType::I64));
}

IndexerKernelSource buildMerge(const IndexerConfig &config,
                               const IndexerPlan &plan) {
  KernelBuilder kb("indexer_merge");
  MergePointers io;
  io.candKey = kb.pointerArg("cand_key", tb::DType::I32, kAligned);
  io.candPos = kb.pointerArg("cand_pos", tb::DType::I32, kAligned);
  io.sparseList = kb.pointerArg("sparse_list", tb::DType::I64, kAligned);
  io.sparseLen = kb.pointerArg("sparse_len", tb::DType::I64, kAligned);
  io.weights =
      kb.pointerArg("weights", builderType(config.weightDType), kAligned);
  // Launched to overlap the select launch: wait for its writes (the
  // candidates, and the weights' zeros the ones must land after).
  if (plan.overlapMerge)
    kb.gridDependencyWait();
  if (plan.mergeCluster > 1) {
    // A cluster of programs per row, consecutive along x.
    kb.setClusterSize(plan.mergeCluster);
    kb.setClusterSumBuffers(plan.clusterSumBuffers);
    emitRowMerge(kb, config, plan,
                 (kb.programId(0) / plan.mergeCluster).named("row"), io,
                 /*fromOtherPrograms=*/false, kb.clusterRank().named("rank"));
  } else {
    emitRowMerge(kb, config, plan, kb.programId(0).named("row"), io,
                 /*fromOtherPrograms=*/false, Value());
  }
  return {kb.name(), kb.tritonIR(), plan.mergeWarps, 1,
          plan.mergeStrengthReduction};
}

/// The merge in the select launch (plan.fusedMerge): the select program
/// that finishes a row group last merges its rows. Each program counts its
/// arrival with an acq_rel atomic at GPU scope after a barrier (so every
/// thread's candidate and weight stores come before it); the program that
/// sees splits - 1 earlier arrivals is the last, sees every other
/// program's stores, resets the counter for the next call and runs the
/// merge of its R rows (`rows` consecutive rows from `firstRow`). One
/// launch instead of two: no gap between them, and a row group's merge
/// overlaps the other groups' selects.
void mergeInLastProgram(KernelBuilder &kb, const IndexerConfig &config,
                        const IndexerPlan &plan, const Value &group,
                        const Value &firstRow, int64_t rows,
                        const FusedMergeArgs &fused) {
  kb.debugBarrier();
  Value counter = fused.counters + group;
  Value arrived = tb::atomicAdd(counter, kb.constant(1, tb::DType::I32));
  kb.ifThen(arrived == plan.selectPrograms() - 1, [&] {
    tb::store(counter, kb.constant(0, tb::DType::I32));
    for (int64_t r = 0; r < rows; ++r)
      emitRowMerge(kb, config, plan, firstRow + r, fused.io,
                   /*fromOtherPrograms=*/true, Value());
  });
}

/// The select kernel's arguments after cand_pos where the merge is fused:
/// sparse_list, sparse_len, counters.
std::optional<FusedMergeArgs>
fusedMergeArgs(KernelBuilder &kb, const IndexerPlan &plan, const Value &weights,
               const Value &candKey, const Value &candPos) {
  if (!plan.fusedMerge)
    return std::nullopt;
  FusedMergeArgs fused;
  fused.io.candKey = candKey;
  fused.io.candPos = candPos;
  fused.io.weights = weights;
  fused.io.sparseList = kb.pointerArg("sparse_list", tb::DType::I64, kAligned);
  fused.io.sparseLen = kb.pointerArg("sparse_len", tb::DType::I64, kAligned);
  fused.counters = kb.pointerArg("counters", tb::DType::I32, kAligned);
  return fused;
}

//===----------------------------------------------------------------------===//
// pq by tuple counts (plan.pqTupleCounts): launch 1 counts, launch 2 selects
//===----------------------------------------------------------------------===//

/// The workspace of pq by tuple counts, as both launches see it: per row,
/// ceil(S / 2) blocks of C^M int32 words of counts, then a block of the
/// tuples' order keys (int32); the rows' tuple indices (uint16, `chunk` a
/// chunk) at their own pointer. Word t of count block p holds the counts of
/// tuple t in chunks 2p (low 16 bits) and 2p + 1 (high): a chunk has at
/// most 32768 positions (the planner's bound), and every emit program of a
/// row reads all of the row's counts before its threshold (its critical
/// path), so 16-bit counts halve those bytes. (Counts as a uint16 array of
/// their own loaded 8 a thread, in another layout than the int32 order
/// keys they are added to: conversions through shared memory in every
/// radix round.)
struct CountsWorkspace {
  Value counts, tupleIds;
  int64_t tuples, splits, pairs, chunk;
  CountsWorkspace(KernelBuilder &kb, const IndexerConfig &config,
                  const IndexerPlan &plan)
      : tuples(pqTupleCount(config)), splits(plan.splits),
        pairs((plan.splits + 1) / 2), chunk(plan.chunk) {
    // A chunk's count of one tuple must fit its 16 bits (planIndexer keeps
    // chunks at most 32768 positions).
    assert(plan.chunk < (int64_t(1) << 16) && "16-bit tuple counts");
    counts = kb.pointerArg("counts", tb::DType::I32, kAligned);
    tupleIds = kb.pointerArg("tuple_ids", tb::DType::U16, kAligned);
  }
  Value rowBlock(const Value &row) const {
    return counts + row.to(tb::DType::I64) * ((pairs + 1) * tuples);
  }
  /// Row `row`'s order keys.
  Value orderKeysOf(const Value &row) const {
    return rowBlock(row) + pairs * tuples;
  }
  /// Row `row`'s count words of chunks 2 * pair and 2 * pair + 1.
  Value countWordsOf(const Value &row, const Value &pair) const {
    return rowBlock(row) + pair * int(tuples);
  }
  /// The 16-bit halves (stride 2) of chunk `split`'s counts of row `row`.
  Value countHalvesOf(const Value &row, const Value &split) const {
    return tb::bitcast(rowBlock(row), tb::DType::U16) +
           (split / 2).to(tb::DType::I64) * (2 * tuples) + (split % 2);
  }
  /// The tuple indices of chunk `split` of row `row`.
  Value idsOf(const Value &row, const Value &split) const {
    return tupleIds + (row * int(splits) + split).to(tb::DType::I64) * chunk;
  }
};

/// Launch 1: each program reads one chunk of a row's codes (in tiles of
/// plan.subTile keys), writes each key's tuple index and the chunk's count
/// of valid keys per tuple; a program of each row group also writes a
/// head's tuple order keys (their scores: the M table entries added in the
/// key's order, as the reference adds a key's). Its arguments are the
/// select's.
void countTuples(KernelBuilder &kb, const IndexerConfig &config,
                 const IndexerPlan &plan, const PQArgs &args,
                 const CountsWorkspace &workspace, const Value &group,
                 const Value &split) {
  const Value &codebook = args.codebook;
  const int64_t H = config.H, G = config.G(), Hkv = config.Hkv;
  const int64_t M = config.pq.M, Nq = config.Nq();
  const int64_t chunk = plan.chunk, tile = plan.subTile;
  const int64_t tuples = pqTupleCount(config), S = plan.splits;
  const int64_t R = plan.headsPerProgram;
  // A program counts R adjacent query heads (R > 1 only where Hkv == H and
  // the codebook is key-major: their codes share a key's sectors; one
  // head's 16 bytes use half of a 32-byte sector, and with one head a
  // program the count kernel read about twice the codes' bytes).
  Value firstRow = group * int(R);
  Value b = firstRow / H, firstKvHead = (firstRow % H) / G;
  Value lane = kb.arange(0, tile);
  Value codeColumn = kb.arange(0, nextPowerOfTwo(M)).row();
  const bool keyMajor = config.pq.codebookLayout == CodebookLayout::KeyMajor;

  const int64_t tiles = chunk / tile;
  auto tilePositions = [&](const Value &i) {
    return config.candidateBegin() + split * chunk + i * tile + lane;
  };
  // Key-major: head r's codes of a key in one [tile, M] load each, of tile
  // i of the chunk (none past the chunk's last tile). A thread then holds
  // whole 16-byte code rows (M = 2), and codeOfHead picks a code in its
  // registers: one [tile, R * M] load split each key's codes over lanes, so
  // every code took shuffles to gather and each lane's tuple stood for half
  // a key (its histogram adds and stores issued twice, half masked off).
  // The heads' rows share the key's 32-byte sectors, the second from L1.
  auto loadKeyCodes = [&](const Value &i) {
    Value position = tilePositions(i);
    Value valid = (position < config.candidateEnd()) & (i < int(tiles));
    Value j = (position - config.pq.initOffset).to(tb::DType::I64);
    Value keyBase = ((b.to(tb::DType::I64) * Nq + j) * Hkv + firstKvHead) * M;
    Values codes;
    for (int64_t r = 0; r < R; ++r)
      codes.push_back(
          tb::load(codebook + ((keyBase + r * M).column() + codeColumn),
                   {.mask = valid.column() & (codeColumn < M),
                    .other = 0,
                    .l2Prefetch = int(plan.countL2Fetch)}));
    return codes;
  };
  // plan.countL2Ahead: the row group's programs of this chunk (one per
  // head group, adjacent in the grid) split each tile's key rows, which
  // hold every head's codes, into one contiguous share each and ask L2
  // for it, countL2Ahead tiles beyond the furthest tile the loop loads
  // (i + 1 with the register prefetch, else i): tiles 0 .. last - 1
  // before the loop (ahead of the first tile's loads, so DRAM sees the
  // rows in order), tile i + last in iteration i. More of the codes in
  // flight than registers hold, no shared memory, no registers. Hints
  // for tiles past the chunk's last are not emitted.
  const bool staged = plan.countStages >= 2;
  const bool prefetch = keyMajor && plan.countPrefetch && !staged;
  const int64_t l2Last = keyMajor && plan.countL2Ahead > 0
                             ? plan.countL2Ahead + (prefetch ? 1 : 0)
                             : 0;
  auto prefetchTileToL2 = [&](const Value &i) {
    const int64_t rowElements = Hkv * M;
    const int64_t elementBytes = dtypeSize(config.pq.codebookDType);
    const int64_t shares = H / R;
    // A share's elements, whole 128-byte lines where the rows allow.
    const int64_t lineElements = std::max<int64_t>(1, 128 / elementBytes);
    const int64_t share = (tile * rowElements + shares * lineElements - 1) /
                          (shares * lineElements) * lineElements;
    Value j = (config.candidateBegin() - config.pq.initOffset) + split * chunk +
              i * tile;
    Value keys = tb::where(
        i < int(tiles),
        tb::minimum(j + tile, config.candidateEnd() - config.pq.initOffset) - j,
        0);
    Value shareIndex = ((firstRow % H) / R).to(tb::DType::I64);
    Value first =
        (b.to(tb::DType::I64) * Nq + j.to(tb::DType::I64)) * rowElements +
        shareIndex * share;
    Value elements = tb::minimum(
        keys.to(tb::DType::I64) * rowElements - shareIndex * share, share);
    tb::prefetchL2(codebook + first, elements * elementBytes);
  };
  for (int64_t ahead = 0; ahead < std::min(l2Last, tiles); ++ahead)
    prefetchTileToL2(kb.constant(ahead, tb::DType::I32));

  // plan.countPrefetch: the next tile's codes are loaded at the top of an
  // iteration and carried to the next (as loaded: converting them there
  // would wait for them), so they are in flight while this tile's tuples
  // are counted.
  // plan.countStages: the loop is marked tt.num_stages instead, and the
  // compiler keeps countStages - 1 tiles in flight in shared memory.
  Values inits(R, kb.zeros({tuples}, tb::DType::I32));
  if (prefetch)
    for (const Value &codes : loadKeyCodes(kb.constant(0, tb::DType::I32)))
      inits.push_back(codes);

  // The tuples' order keys of head r: by the program of chunk r % S (the
  // heads' tables and keys spread over the row group's programs, which
  // all count the same bytes), before its loop, while its first tile's
  // codes are in flight. (Chunk 0's program built every head's after its
  // loop: the launch's last program to finish.)
  // Staged, the build is iteration 0's first step instead: the stages
  // copied before the loop are then in flight during it.
  Value t = kb.arange(0, tuples);
  const PQTables pqTables(kb, config, args);
  auto buildOrderKeys = [&](std::optional<Value> when) {
    for (int64_t r = 0; r < R; ++r)
      kb.ifThen(when ? *when & (split == int(r % S)) : split == int(r % S),
                [&] {
                  Value row = firstRow + r;
                  Value kvRow = (b * Hkv + (row % H) / G).to(tb::DType::I64);
                  std::vector<Value> tables;
                  for (int64_t m = 0; m < M; ++m)
                    tables.push_back(
                        PQTables::build(pqTables.loadInputs(row, kvRow, m)));
                  tb::store(workspace.orderKeysOf(row) + t,
                            tupleOrderKeys(kb, config, tables));
                });
  };
  if (!staged)
    buildOrderKeys(std::nullopt);
  Values chunkCounts = kb.forLoop(
      0, tiles, 1, inits, [&](const Value &i, const Values &carried) -> Values {
        if (staged)
          buildOrderKeys(i == 0);
        Value position = tilePositions(i);
        Value valid = position < config.candidateEnd();
        Value j = (position - config.pq.initOffset).to(tb::DType::I64);
        Values keyCodes(R);
        Values prefetched;
        if (l2Last > 0 && l2Last < tiles)
          prefetchTileToL2(i + int(l2Last));
        if (prefetch) {
          prefetched = loadKeyCodes(i + 1);
          for (int64_t r = 0; r < R; ++r)
            keyCodes[r] = tableIndex(carried[R + r], config);
        } else if (keyMajor) {
          Values loaded = loadKeyCodes(i);
          for (int64_t r = 0; r < R; ++r)
            keyCodes[r] = tableIndex(loaded[r], config);
        }
        Values next;
        for (int64_t r = 0; r < R; ++r) {
          Value kvRow = (b * Hkv + (firstRow % H + r) / G).to(tb::DType::I64);
          std::vector<Value> codes;
          // keyCodes[r] holds head r's codes alone: code m is column m
          // (head 0 of a one-head code tile).
          for (int64_t m = 0; m < M; ++m)
            codes.push_back(codeOfHead(config, keyCodes[r], codeColumn, 0, m,
                                       codebook, kvRow, j, valid));
          Value tuple = tupleIndex(codes, config);
          // Every lane (past the candidates: tuple 0, never read as valid).
          tb::store(workspace.idsOf(firstRow + r, split) + i * tile + lane,
                    tuple.to(tb::DType::U16));
          next.push_back(carried[r] + tb::histogram(tuple, tuples, valid));
        }
        next.insert(next.end(), prefetched.begin(), prefetched.end());
        return next;
      },
      {.numStages = staged ? plan.countStages : 0});
  chunkCounts.resize(R);
  for (int64_t r = 0; r < R; ++r)
    tb::store(workspace.countHalvesOf(firstRow + r, split) + t * 2,
              chunkCounts[r].to(tb::DType::U16));
}

IndexerKernelSource buildPQCount(const IndexerConfig &config,
                                 const IndexerPlan &plan) {
  KernelBuilder kb("indexer_pq_count");
  // The select's arguments (the dense weights are launch 2's to write here).
  const PQArgs args = pqArgs(kb, config);
  const CountsWorkspace workspace(kb, config, plan);
  countTuples(kb, config, plan, args, workspace, kb.programId(0).named("group"),
              kb.programId(1).named("split"));
  return {kb.name(),
          kb.tritonIR(),
          plan.selectWarps,
          1,
          plan.selectStrengthReduction,
          plan.countMaxRegisters};
}

/// Launch 2: program (row, chunk) adds up the row's tuple counts, finds the
/// row's threshold over the tuples (a radix select weighted by the counts),
/// counts the keys above and equal to it in the earlier chunks (from their
/// counts), then selects its chunk's keys in position order (in tiles of
/// plan.mergeTile) and writes their positions to sparse_list and its
/// chunk's weights; the last chunk's program writes the row's fixed parts.
void emitSelection(KernelBuilder &kb, const IndexerConfig &config,
                   const IndexerPlan &plan, const CountsWorkspace &workspace,
                   const MergePointers &io, const Value &program) {
  const int64_t K = config.K(), sink = config.sink, chunk = plan.chunk;
  const int64_t tile = plan.mergeTile, S = plan.splits;
  const int64_t tuples = pqTupleCount(config);
  const Radix radix{plan.radixDigitBits};
  const tb::DType weightType = builderType(config.weightDType);
  const bool dense = config.weightLayout == WeightLayout::Dense;
  // A program emits plan.emitChunks consecutive count chunks of its row
  // (their tuple indices are consecutive in the workspace), from chunk
  // `split` on.
  const int64_t programsPerRow = plan.mergePrograms();
  // In one launch with the count (plan.pqGridSync) the workspace was
  // written by other programs of this launch: read past L1 (as the fused
  // merge reads their candidates), though the barrier's acquire already
  // orders them.
  const tb::CacheModifier fromOtherPrograms =
      plan.pqGridSync ? tb::CacheModifier::CG : tb::CacheModifier::None;
  Value row = (program / int(programsPerRow)).named("row");
  Value emitIndex = program % int(programsPerRow);
  Value split = (emitIndex * int(plan.emitChunks)).named("split");
  Value rowBase = row.to(tb::DType::I64);
  const auto [listRow, weightRow] = rowOutputsOf(config, io, rowBase);
  Value idsOfChunk = workspace.idsOf(row, split);
  Value lane = kb.arange(0, tile);
  Value zero = kb.constant(0, tb::DType::I32);

  // plan.emitPrefetch: tile i + 1's tuple indices are loaded during tile
  // i, and tile 0's before the threshold is found (they do not depend on
  // it), so no tile waits for its loads.
  // plan.emitStages: the loop is marked tt.num_stages instead (the
  // compiler's copies, no registers held; the copies before the loop move
  // up past the threshold's search, which writes no memory).
  const bool staged = K > 0 && plan.emitStages >= 2;
  const bool prefetch = K > 0 && plan.emitPrefetch && !staged;
  const int64_t tiles = plan.mergeTiles;
  auto tilePositions = [&](const Value &i) {
    return config.candidateBegin() + split * chunk + i * tile + lane;
  };
  auto loadIds = [&](const Value &i) {
    Value position = tilePositions(i);
    return tb::load(
        idsOfChunk + i * tile + lane,
        {.mask = (position < config.candidateEnd()) & (i < int(tiles)),
         .other = 0,
         .cache = fromOtherPrograms});
  };
  Values inits;
  if (prefetch)
    inits.push_back(loadIds(zero));

  Threshold threshold{zero, zero};
  Value aboveBefore = zero, equalBefore = zero, tupleKey;
  if (K > 0) {
    Value t = kb.arange(0, tuples);
    tupleKey = tb::load(workspace.orderKeysOf(row) + t,
                        {.cache = fromOtherPrograms});
    // Every chunk's counts of the row: their sum, and the sum of the
    // chunks before this one. One [tuples] load per pair of chunks (one
    // word each; unrolled up to 8 pairs: their loads in flight together),
    // not one [pairs, tuples] tile, whose sums would leave the tuples'
    // tensors replicated over the warps of the pair axis (4x the
    // registers: the kernel spilled).
    Value rowCounts = kb.zeros({tuples}, tb::DType::I32);
    Value before = rowCounts;
    auto addPair = [&](const Value &p, Value &sum, Value &earlier) {
      Value words = tb::load(workspace.countWordsOf(row, p) + t,
                             {.cache = fromOtherPrograms});
      Value low = words & 0xFFFF;
      // (No chunk 2p + 1 where S is odd: its halves were never written.)
      Value high = tb::where(p * 2 + 1 < int(S), tb::shrLogical(words, 16), 0);
      sum = sum + low + high;
      earlier = earlier + tb::where(p * 2 < split, low, 0) +
                tb::where(p * 2 + 1 < split, high, 0);
    };
    const int64_t pairs = workspace.pairs;
    if (pairs <= 8) {
      for (int64_t p = 0; p < pairs; ++p)
        addPair(kb.constant(p, tb::DType::I32), rowCounts, before);
    } else {
      Values sums = kb.forLoop(0, pairs, 1, {rowCounts, before},
                               [&](const Value &p, const Values &carried) {
                                 Value sum = carried[0], earlier = carried[1];
                                 addPair(p, sum, earlier);
                                 return Values{sum, earlier};
                               });
      rowCounts = sums[0];
      before = sums[1];
    }
    Value unsignedKey = tupleKey ^ kIntMin;
    Value carried = rowCounts > 0;
    threshold = radixSelect(
        kb, kb.constant(K, tb::DType::I32), config.candidates(),
        [&](const Round &round, const Value &prefix) {
          return tb::weightedHistogram(
              roundBins(unsignedKey, carried, round, prefix, radix), rowCounts,
              radix.bins());
        },
        radix);
    // The earlier chunks' keys above and equal to the threshold: one
    // reduction (its barriers once), packed into one i32 (above in the low
    // 16 bits) where both fit: fewer than K keys are above the threshold,
    // at most the candidates equal to it.
    Value above = tupleKey > threshold.key;
    Value equal = tupleKey == threshold.key;
    if (K < (int64_t(1) << 16) && config.candidates() < (int64_t(1) << 16)) {
      Value both =
          tb::sum(tb::where(above, before, tb::where(equal, before << 16, 0)));
      aboveBefore = both & 0xFFFF;
      equalBefore = tb::shrLogical(both, 16);
    } else {
      Values sums =
          tb::reduce({tb::where(above, before, 0), tb::where(equal, before, 0)},
                     std::nullopt, addPairwise);
      aboveBefore = sums[0];
      equalBefore = sums[1];
    }
  }
  inits.insert(inits.begin(), {aboveBefore, equalBefore});
  kb.forLoop(
      0, tiles, 1, inits,
      [&](const Value &i, const Values &carried) -> Values {
        Value position = tilePositions(i);
        Value valid = position < config.candidateEnd();
        if (K == 0) {
          if (dense)
            tb::store(weightRow + position, kb.zeros({tile}, weightType),
                      {.mask = valid});
          return carried;
        }
        Value prefetched;
        Value ids;
        if (prefetch) {
          prefetched = loadIds(i + 1);
          ids = carried[2].to(tb::DType::I32);
        } else {
          ids = loadIds(i).to(tb::DType::I32);
        }
        Value key = tb::gather(tupleKey, ids, 0);
        TileSelection sel =
            selectTile(key, valid, threshold, carried[0], carried[1]);
        // About K of a row's Sk lanes write (~6% on seed-pq-32k): a sparse
        // store is written in the selection's layout (no shared-memory
        // conversion to one element a thread).
        tb::store(listRow + sink + sel.slot, position.to(tb::DType::I64),
                  {.mask = sel.selected, .sparse = plan.emitSparseStores});
        if (dense)
          tb::store(weightRow + position,
                    tb::where(sel.selected, 1.0f, 0.0f).to(weightType),
                    {.mask = valid});
        Values next{carried[0] + sel.aboveCount, carried[1] + sel.equalCount};
        if (prefetch)
          next.push_back(prefetched);
        return next;
      },
      {.numStages = staged ? plan.emitStages : 0});
  kb.ifThen(emitIndex == int(programsPerRow - 1), [&] {
    emitFixedParts(kb, config, io, rowBase, listRow, weightRow);
  });
}

IndexerKernelSource buildPQEmit(const IndexerConfig &config,
                                const IndexerPlan &plan) {
  KernelBuilder kb("indexer_pq_emit");
  MergePointers io;
  const CountsWorkspace workspace(kb, config, plan);
  io.sparseList = kb.pointerArg("sparse_list", tb::DType::I64, kAligned);
  io.sparseLen = kb.pointerArg("sparse_len", tb::DType::I64, kAligned);
  io.weights =
      kb.pointerArg("weights", builderType(config.weightDType), kAligned);
  emitSelection(kb, config, plan, workspace, io, kb.programId(0));
  return {kb.name(), kb.tritonIR(), plan.mergeWarps, 1,
          plan.mergeStrengthReduction};
}

/// Both launches as one (plan.pqGridSync): every program counts its chunk
/// (program (group, split), as launch 1), waits at a barrier for the other
/// programs of its row group, then emits as launch 2's program group *
/// splits + split: a row of its group (the planner gives a row group's
/// rows as many emit programs as it has count programs), whose counts only
/// its group's programs write, so the barrier is the group's (a counter a
/// row group, `splits` programs arriving). The grid is resident at once (a
/// cooperative launch; the planner keeps it to one program an SM), so the
/// barrier only costs the counter's round trip, where two launches paid
/// the second's start and the first's drain (about 4 µs of any two-launch
/// call, indexer v14 in perf-notes). Arguments: launch 1's, then
/// sparse_list, sparse_len and the barriers' counters (zero before the
/// first launch; each barrier leaves its counter so).
IndexerKernelSource buildPQCountAndEmit(const IndexerConfig &config,
                                        const IndexerPlan &plan) {
  KernelBuilder kb("indexer_pq_count_emit");
  const PQArgs args = pqArgs(kb, config);
  const CountsWorkspace workspace(kb, config, plan);
  MergePointers io;
  io.sparseList = kb.pointerArg("sparse_list", tb::DType::I64, kAligned);
  io.sparseLen = kb.pointerArg("sparse_len", tb::DType::I64, kAligned);
  io.weights = args.weights;
  Value counters = kb.pointerArg("counters", tb::DType::I32, kAligned);
  Value group = kb.programId(0).named("group");
  Value split = kb.programId(1).named("split");
  countTuples(kb, config, plan, args, workspace, group, split);
  kb.gridBarrier(counters + group,
                 kb.constant(int(plan.splits), tb::DType::I32), split == 0);
  emitSelection(kb, config, plan, workspace, io,
                group * int(plan.splits) + split);
  return {kb.name(),
          kb.tritonIR(),
          plan.selectWarps,
          1,
          plan.selectStrengthReduction,
          plan.countMaxRegisters};
}

//===----------------------------------------------------------------------===//
// Full-attention fallback: one kernel writes everything
//===----------------------------------------------------------------------===//

IndexerKernelSource buildFallback(const IndexerConfig &config) {
  KernelBuilder kb("indexer_full_attention");
  Value sparseList = kb.pointerArg("sparse_list", tb::DType::I64, kAligned);
  Value sparseLen = kb.pointerArg("sparse_len", tb::DType::I64, kAligned);
  Value weights =
      kb.pointerArg("weights", builderType(config.weightDType), kAligned);
  const int64_t Sk = config.Sk; // == Lmax == L under the fallback
  Value row = kb.programId(0).to(tb::DType::I64);
  Value block = kb.programId(1);
  Value i = block * kFillBlock + kb.arange(0, kFillBlock);
  Value inRange = i < Sk;
  tb::store(sparseList + row * Sk + i, i.to(tb::DType::I64), {.mask = inRange});
  tb::store(weights + row * Sk + i,
            kb.full({kFillBlock}, 1.0f, builderType(config.weightDType)),
            {.mask = inRange});
  tb::store(sparseLen + row, kb.constant(Sk, tb::DType::I64),
            {.mask = block == 0});
  return {kb.name(), kb.tritonIR(), 4};
}

/// exact select programs score 2 of their kv head's G query heads where G
/// is even (G = 1: the one head; odd G: one head per program). More heads
/// per program hold more score rows in registers: 4 x 8192 scores spilled
/// and ran 356 µs on exact-gqa-128k against 241 for 2 x 16384.
int64_t exactHeadsPerProgram(int64_t groupSize) {
  return groupSize % 2 == 0 ? 2 : 1;
}

} // namespace

//===----------------------------------------------------------------------===//
// Planning
//===----------------------------------------------------------------------===//

std::string IndexerPlan::describe() const {
  std::ostringstream os;
  if (fullAttention) {
    os << "full attention: 1 launch";
    return os.str();
  }
  if (pqTupleCounts) {
    os << "count " << rowGroups << "x" << splits << " programs (" << chunk
       << " positions in tiles of " << subTile << ", " << headsPerProgram
       << " head(s), " << selectWarps << " warps"
       << (countMaxRegisters
               ? ", at most " + std::to_string(countMaxRegisters) + " registers"
               : std::string())
       << (countStages >= 2
               ? ", codes staged " + std::to_string(countStages) + " deep"
               : std::string())
       << (countL2Ahead > 0
               ? ", codes asked of L2 " + std::to_string(countL2Ahead) +
                     " tile(s) ahead"
               : std::string())
       << (countL2Fetch > 0
               ? ", L2 fills of " + std::to_string(countL2Fetch) + " B"
               : std::string())
       << "), emit " << rowGroups * headsPerProgram << "x" << mergePrograms()
       << " programs (tiles of " << mergeTile << ", " << mergeWarps << " warps"
       << (emitChunks > 1 ? ", " + std::to_string(emitChunks) + " chunks each"
                          : std::string())
       << (emitStages >= 2
               ? ", ids staged " + std::to_string(emitStages) + " deep"
               : std::string())
       << ")"
       << (pqGridSync
               ? ", one cooperative launch (a barrier per row group between)"
               : "")
       << (countPrefetch && emitPrefetch ? ", next tiles prefetched"
           : countPrefetch               ? ", count's next tiles prefetched"
           : emitPrefetch                ? ", emit's next tiles prefetched"
                                         : "")
       << ", workspace " << workspaceBytes << " B";
    return os.str();
  }
  os << "select " << rowGroups << "x" << selectPrograms() << " programs ("
     << (chunksPerProgram > 1 ? std::to_string(chunksPerProgram) + " chunks of "
                              : std::string())
     << chunk << " positions, " << headsPerProgram << " head(s), "
     << selectWarps << " warps"
     << (exactScoreByDims ? ", scores by D steps" : "")
     << (exactScoreOnTensorCores ? ", scores on tensor cores" : "")
     << (exactScoreLoops > 1
             ? ", " + std::to_string(exactScoreLoops) + " score loops"
             : std::string())
     << (exactPrefetch ? ", next sub-tile prefetched" : "")
     << (exactDimSlices > 1
             ? ", key tile in " + std::to_string(exactDimSlices) + " slices"
             : "")
     << (jointHeadSelect ? ", heads selected together" : "")
     << (pqPairSelect ? ", select over code tuples" : "")
     << (radixDigitBits != 11
             ? ", " + std::to_string(radixDigitBits) + "-bit digits"
             : std::string())
     << (selectStages > 1 ? ", " + std::to_string(selectStages) + " stages"
                          : std::string())
     << (selectRoundsLoop ? ", rounds loop" : "")
     << (exactHeadLoop ? ", heads selected in a loop" : "") << ")";
  const std::string sumBuffers =
      clusterSumBuffers == 2 ? ", two cluster-sum buffers" : "";
  if (clusterSelect && selectGridSync) {
    os << ", each row group's " << splits
       << " programs finding its threshold through global memory and group "
          "barriers (one cooperative launch writing the outputs, no merge), "
          "workspace "
       << workspaceBytes << " B";
    return os.str();
  }
  if (clusterSelect) {
    os << ", each row group's " << splits
       << " programs one cluster writing the outputs (no merge" << sumBuffers
       << "), workspace " << workspaceBytes << " B";
    return os.str();
  }
  os << ", merge "
     << (mergeCluster > 1
             ? "clusters of " + std::to_string(mergeCluster) + " programs x " +
                   std::to_string(mergeTile)
             : std::to_string(mergeTiles) + "x" + std::to_string(mergeTile))
     << " slots ("
     << (fusedMerge ? "in the select's last program per row group"
                    : std::to_string(mergeWarps) + " warps")
     << sumBuffers << (overlapMerge ? ", overlapping the select" : "")
     << "), workspace " << workspaceBytes << " B";
  return os.str();
}

IndexerPlan planIndexer(const IndexerConfig &config, int multiprocessors,
                        const PlanOverrides &overrides, bool targetHasWgmma) {
  config.validate();
  IndexerPlan plan;
  if (config.fullAttention()) {
    plan.fullAttention = true;
    plan.launches = 1;
    return plan;
  }
  const bool pq = config.score == ScoreKind::PQ;
  if (pq && config.C() > kMaxCentroids)
    throw Error(Error::Kind::Unsupported,
                "indexer: the GPU indexer supports pq.bits <= 8 (C <= 256 "
                "centroids per sub-vector), got bits = " +
                    std::to_string(config.pq.bits));
  const int64_t heavy = config.heavy;
  // pq programs may score `heads` adjacent query heads where their codes
  // are adjacent in a key's row: one kv head per query head (Hkv == H) and a
  // key-major codebook.
  auto canGroupHeads = [&](int64_t heads) {
    return pq && config.G() == 1 && config.H % heads == 0 &&
           config.pq.codebookLayout == CodebookLayout::KeyMajor;
  };
  plan.headsPerProgram = pq ? 1 : exactHeadsPerProgram(config.G());
  if (overrides.headsPerProgram) {
    const int64_t heads = overrides.headsPerProgram;
    if (pq &&
        (heads > 4 || (heads & (heads - 1)) != 0 || !canGroupHeads(heads)))
      throw Error(Error::Kind::InvalidArgument,
                  "indexer plan: heads (per select program) is 1, 2 or 4, "
                  "for pq with a key-major codebook, Hkv == H and H % heads "
                  "== 0; got heads = " +
                      std::to_string(heads));
    if (!pq && (heads > config.G() || config.G() % heads != 0))
      throw Error(Error::Kind::InvalidArgument,
                  "indexer plan: heads (per select program) must divide G = " +
                      std::to_string(config.G()) +
                      " for exact; got heads = " + std::to_string(heads));
    plan.headsPerProgram = heads;
  }
  // pq: a chunk holds at least eight times the heavy keys it may keep (so
  // the workspace and the merge see at most an eighth of the scores), 4096
  // to 16384 positions. Where the codes of two adjacent heads share a key's
  // 32-byte sector (Hkv == H, key-major) and the chunk is small, a program
  // scores both heads. Measured on the H100 (docs/perf-notes.md, indexer
  // v6): seed-pq-32k 32.7 -> 26.7 µs with 2 heads x 4096 positions x 16
  // warps; pq-128k 145.8 -> 133.7 with 16384 positions (its merge then holds
  // a row's 16384 candidates in registers: 45 -> 23 µs).
  // exact: a chunk of 4 times heavy with FMA scores, 8 times on wgmma,
  // 2048 to 16384 positions (the merge sees a quarter or an eighth of the
  // scores), 2 heads per program (their 2 x chunk scores fit in
  // registers). Measured on the H200 (perf-notes, indexer v9, FMAs):
  // exact-gqa-128k 356 -> 241 µs with 16384 x 2 heads instead of 8192 x
  // G = 4 (8192 x 2: 267, the merge of 16 splits 89 µs against 47),
  // exact-gqa-b8-32k 423 -> 372 with 8192 x 2; on the H100 with wgmma
  // (v16): exact-gqa-b8-32k 309.7 -> 299.8 with 16384 x 2 (its merge of
  // 4096 slots instead of 8192).
  // exact scores fit the tensor cores with q and keys of one 16-bit type
  // (the dot's operands); wgmma's asynchronous copies move 16-byte pieces
  // of key rows, so rows must start 16-byte aligned.
  const bool sixteenBitScores =
      !pq && config.qDType == config.keysDType &&
      (config.keysDType == DType::BF16 || config.keysDType == DType::F16);
  const bool keyRowsAligned = config.D % 8 == 0;
  const bool wgmmaLikely = sixteenBitScores && targetHasWgmma &&
                           overrides.tensorCores != 0 && keyRowsAligned &&
                           config.D >= 16;
  const int64_t keptShare = pq || wgmmaLikely ? 8 : 4;
  int64_t chunk = std::clamp<int64_t>(
      nextPowerOfTwo(std::max<int64_t>(keptShare * heavy, 1)), pq ? 4096 : 2048,
      16384);
  if (!overrides.headsPerProgram && chunk <= 4096 && canGroupHeads(2))
    plan.headsPerProgram = 2;
  plan.rowGroups = config.B * config.H / plan.headsPerProgram;
  const int64_t candidates = std::max<int64_t>(config.candidates(), 1);
  auto programs = [&](int64_t c) {
    return plan.rowGroups * ((candidates + c - 1) / c);
  };
  // exact, where the grid would fill at most half the SMs: one head per
  // program before a smaller chunk (exact-gqa-32k: 8192 x 1 head 69.9 µs,
  // 8192 x 2 heads 98.9, 4096 x 2 heads 82.7; the keys are read G times,
  // all but the first from L2, as the programs of a kv head are adjacent).
  // With wgmma scores (likely the default below) the chunk shrinks first:
  // a second head costs the dot nothing (exact-gqa-32k on the H100, v11:
  // 4096 x 2 heads 59.4 µs, 8192 x 1 62.4; the merge sees twice the
  // candidates, the select reads each key half as often).
  auto fewerHeads = [&] {
    if (!pq && !overrides.headsPerProgram && plan.headsPerProgram > 1 &&
        2 * programs(chunk) < multiprocessors) {
      plan.headsPerProgram = 1;
      plan.rowGroups = config.B * config.H;
    }
  };
  if (!wgmmaLikely)
    fewerHeads();
  // Fill the machine: shrink the chunk (not below 2 * heavy) while the grid
  // has fewer programs than half the multiprocessors (one program per SM of
  // 16 warps streams well; 128 programs on 132 SMs beat 256 smaller ones).
  while (chunk > 2048 && chunk / 2 >= 2 * heavy &&
         2 * programs(chunk) < multiprocessors)
    chunk /= 2;
  if (wgmmaLikely)
    fewerHeads();
  // exact, where the chunk cannot shrink further and the grid would still
  // fill at most half the SMs: score by passes over D (faster there:
  // exact-gqa-32k select 95.5 -> 78 µs on the H100 with 4096 x 2 heads;
  // slower where every SM streams: exact-gqa-b8-32k 399 -> 551).
  if (!pq && 2 * programs(chunk) <= multiprocessors)
    plan.exactScoreByDims = true;
  auto isPowerOfTwo = [](int64_t v) { return v > 0 && (v & (v - 1)) == 0; };
  if (overrides.chunk) {
    if (!isPowerOfTwo(overrides.chunk) || overrides.chunk < 256 ||
        overrides.chunk > 32768)
      throw Error(Error::Kind::InvalidArgument,
                  "indexer plan: chunk must be a power of two in 256..32768, "
                  "got " +
                      std::to_string(overrides.chunk));
    chunk = overrides.chunk;
  }
  for (unsigned warps : {overrides.selectWarps, overrides.mergeWarps})
    if (warps && (!isPowerOfTwo(warps) || warps > 32))
      throw Error(Error::Kind::InvalidArgument,
                  "indexer plan: warps must be a power of two up to 32, got " +
                      std::to_string(warps));
  plan.chunk = chunk;
  plan.splits = (candidates + chunk - 1) / chunk;
  // pq grids of many waves: a program takes several of its row group's
  // chunks in turn and builds its tables once, as many as leave about one
  // program an SM (pq-b8-32k on the H100, indexer v20 in perf-notes: 1024
  // programs of one chunk 154.8 µs, 128 of 8 chunks 152.6; 2 or 4 chunks a
  // program 157.8 / 156.7; seed-pq-32k, one wave, with 2 chunks a program
  // 37.1 against 24.2).
  if (pq && plan.rowGroups * plan.splits >= 4 * int64_t(multiprocessors)) {
    int64_t chunks = plan.splits;
    while (chunks > 1 && (plan.splits % chunks != 0 ||
                          10 * plan.rowGroups * (plan.splits / chunks) <
                              9 * int64_t(multiprocessors)))
      --chunks;
    plan.chunksPerProgram = chunks;
  }
  if (overrides.chunksPerProgram) {
    if (!pq || overrides.chunksPerProgram < 1 ||
        plan.splits % overrides.chunksPerProgram != 0)
      throw Error(Error::Kind::InvalidArgument,
                  "indexer plan: chunks (per select program) is for pq and "
                  "must divide the " +
                      std::to_string(plan.splits) + " splits, got " +
                      std::to_string(overrides.chunksPerProgram));
    plan.chunksPerProgram = overrides.chunksPerProgram;
  }
  plan.selectWarps = pq ? (chunk * plan.headsPerProgram >= 8192 ? 16 : 8)
                        : (chunk * config.G() >= 16384 ? 16 : 8);
  if (overrides.selectWarps)
    plan.selectWarps = overrides.selectWarps;
  // exact by dims: parts of 4 keys per thread (the running sums, a step's
  // pieces and the next step's stay in registers); by rows: sub-tiles of
  // 256 keys. pq: the whole chunk in one tile.
  plan.subTile = pq ? chunk
                 : plan.exactScoreByDims
                     ? std::min<int64_t>(chunk, 4 * 32 * plan.selectWarps)
                     : std::min<int64_t>(256, chunk);
  // exact by rows on the tensor cores: q and keys of one 16-bit type (the
  // dot's operands), D padded to a multiple of 16 (its K step). The default
  // where the target has wgmma, with 3 stages: the compiler then copies each
  // key tile with cp.async straight into wgmma's shared layout, the next
  // tile in flight during the current one's dot (H100, indexer v11 in
  // perf-notes: exact-gqa-128k 240.9 -> 199.1 µs, exact-gqa-b8-32k 373.0 ->
  // 320.6). Without wgmma (mma.sync) the tiles go through registers, slower
  // than the FMAs (v9b: exact-gqa-128k select 193 -> 288 µs).
  const bool tensorCoresFit = sixteenBitScores && !plan.exactScoreByDims &&
                              nextPowerOfTwo(config.D) >= 16 &&
                              plan.headsPerProgram <= 8;
  if (overrides.tensorCores == 1 && !tensorCoresFit)
    throw Error(Error::Kind::InvalidArgument,
                "indexer plan: tc=1 needs exact scores by rows, q and keys of "
                "one 16-bit type, D >= 16 and at most 8 heads per program");
  // wgmma computes 64-row blocks with every warp on 16 rows of each, and
  // the asynchronous copies need aligned key rows: elsewhere the FMAs stay
  // the default.
  const bool wgmmaFits =
      plan.subTile % (16 * int64_t(plan.selectWarps)) == 0 && keyRowsAligned;
  plan.exactScoreOnTensorCores =
      overrides.tensorCores >= 0
          ? overrides.tensorCores == 1
          : tensorCoresFit && targetHasWgmma && wgmmaFits;
  plan.selectStages = plan.exactScoreOnTensorCores && targetHasWgmma ? 3 : 1;
  if (overrides.selectStages) {
    if (overrides.selectStages > 3 ||
        (overrides.selectStages >= 2 && !plan.exactScoreOnTensorCores))
      throw Error(Error::Kind::InvalidArgument,
                  "indexer plan: stages is 1, or 2 or 3 with tensor-core "
                  "scores");
    plan.selectStages = overrides.selectStages;
  }
  const bool exactFma =
      !pq && !plan.exactScoreByDims && !plan.exactScoreOnTensorCores;
  if (overrides.exactScoreLoops) {
    const int64_t tiles = plan.subTile ? chunk / plan.subTile : 1;
    if (pq || plan.exactScoreByDims ||
        (overrides.exactScoreLoops & (overrides.exactScoreLoops - 1)) ||
        tiles % overrides.exactScoreLoops != 0)
      throw Error(Error::Kind::InvalidArgument,
                  "indexer plan: loops (exact score loops) is a power of two "
                  "dividing the chunk's sub-tiles, for exact scores by rows");
    plan.exactScoreLoops = overrides.exactScoreLoops;
  }
  if (overrides.exactDimSlices) {
    const int64_t slices = overrides.exactDimSlices;
    const int64_t elementBytes = config.keysDType == DType::F32 ? 4 : 2;
    if (!exactFma || (slices & (slices - 1)) ||
        nextPowerOfTwo(config.D) / slices * elementBytes < 16)
      throw Error(Error::Kind::InvalidArgument,
                  "indexer plan: slices (key tile slices) is a power of two "
                  "leaving at least 16 bytes of each key per slice, for "
                  "exact FMA scores by rows (tc=0)");
    plan.exactDimSlices = slices;
  }
  // exact FMA scores by rows: the next sub-tile's keys carried through the
  // loop where a thread holds at most 32 scores, so that they fit in the
  // registers beside them (H100, indexer v10 in perf-notes: exact-gqa-32k
  // 72.5 -> 65.6 µs, exact-gqa-b8-32k 378.0 -> 371.9; exact-gqa-128k, 64
  // scores per thread, spilled: 241.4 -> 329.2). (The tensor-core loop's
  // tiles are in flight in shared memory instead.)
  const int64_t scoresPerThread =
      plan.headsPerProgram * chunk / (32 * int64_t(plan.selectWarps));
  plan.exactPrefetch = exactFma && scoresPerThread <= 32;
  // (prefetch=1 where no loop has a next tile to load: refused below, once
  // the pq path is known.)
  if (overrides.exactPrefetch >= 0 && !pq)
    plan.exactPrefetch = overrides.exactPrefetch == 1;
  // pq programs of 2 or 4 heads may select them together (--plan joint=1):
  // one histogram, scan and reduction per round for all of them. Slower on
  // the H100 (indexer v12 in perf-notes: seed-pq-32k 25.6 -> 27.5 µs,
  // pq-b8-32k 171.9 -> 184.6; 58 barriers instead of 44: the stacked keys,
  // the histogram's reshape and the 2-D scans move data through shared
  // memory), so the heads are selected one after the other.
  // (and exact cluster selects of several heads: their rounds' cluster
  // sums shared, selectRowsInCluster)
  const bool jointFits =
      (pq && (plan.headsPerProgram == 2 || plan.headsPerProgram == 4)) ||
      (!pq && (overrides.clusterSelect == 1 || overrides.gridSync == 1) &&
       plan.headsPerProgram > 1 && isPowerOfTwo(plan.headsPerProgram));
  if (overrides.jointHeadSelect >= 0) {
    if (overrides.jointHeadSelect == 1 && !jointFits)
      throw Error(Error::Kind::InvalidArgument,
                  "indexer plan: joint (heads selected together) is for pq "
                  "programs of 2 or 4 heads and exact cluster selects "
                  "(select_cluster=1) of 2, 4, ... heads");
    plan.jointHeadSelect = overrides.jointHeadSelect == 1;
  }
  if (overrides.radixDigitBits) {
    if (overrides.radixDigitBits != 8 && overrides.radixDigitBits != 11)
      throw Error(Error::Kind::InvalidArgument,
                  "indexer plan: digits (radix digit bits) is 8 or 11, got " +
                      std::to_string(overrides.radixDigitBits));
    plan.radixDigitBits = overrides.radixDigitBits;
  }
  // Select threads holding 32 or more of a head's keys (pq-128k,
  // exact-gqa-128k, exact-gqa-b8-32k): their radix rounds over the keys run
  // as a loop, unrolled elsewhere (radixSelect), and they keep strength
  // reduction (below).
  const bool manyKeysPerThread = chunk >= 32 * 32 * int64_t(plan.selectWarps);
  plan.selectRoundsLoop = manyKeysPerThread;
  // pq chunks with at least twice as many keys as code tuples (C^M <=
  // 4096) select over the tuples, weighted by their keys (pqPairSelect):
  // one count per key instead of a histogram per round, rounds over 4096
  // tuples instead of the chunk's keys (pq-128k on the H100: 100.7 -> 91.8
  // µs, indexer v21 in perf-notes). Rounds over as many tuples as there
  // are keys cost what they save (seed-pq-32k: 24.4 -> 26.9). By default
  // only where every thread holds a tuple (fewer tuples than threads give
  // the tuple tensors replicated layouts: correct on an H100, `check` with
  // M = 1, v23, but not measured; `--plan pairs=1` turns it on).
  const int64_t tuples = pq ? pqTupleCount(config) : 0;
  plan.pqPairSelect = tuples >= 32 * int64_t(plan.selectWarps) &&
                      chunk >= 2 * tuples && !plan.jointHeadSelect;
  if (overrides.pqPairSelect >= 0) {
    if (overrides.pqPairSelect == 1 && tuples == 0)
      throw Error(Error::Kind::InvalidArgument,
                  "indexer plan: pairs (a select over the code tuples) is "
                  "for pq with at most 4096 tuples (C^M), got " +
                      (pq ? "C = " + std::to_string(config.C()) +
                                ", M = " + std::to_string(config.pq.M)
                          : std::string("exact scores")));
    plan.pqPairSelect = overrides.pqPairSelect == 1;
  }
  if (plan.pqPairSelect && plan.jointHeadSelect)
    throw Error(Error::Kind::InvalidArgument,
                "indexer plan: pairs and joint (heads selected together) "
                "exclude each other");
  // Over the tuples the rounds see 4096 values whatever the chunk: unrolled.
  if (plan.pqPairSelect)
    plan.selectRoundsLoop = false;
  // exact programs of several heads scored on the tensor cores select them
  // in a loop over the heads where a thread holds few keys of each (no
  // rounds loop): one copy of the selection's code, as fast (exact-gqa-32k
  // on the H100, indexer v20 in perf-notes: 55.6 / 55.6 µs against 55.8 /
  // 55.4) and a third less to compile (tritiumc 0.19 -> 0.13 s, ptxas 0.11
  // -> 0.07 on the 2-core machine); `check` passed every edge shape with
  // it (91/91 on an H100). Where they hold 32+ (16384 x 2), the loop spills
  // the scores: 2.5x slower. (The FMA paths, not measured with it, stay
  // unrolled.)
  plan.exactHeadLoop = !pq && plan.headsPerProgram > 1 &&
                       !plan.selectRoundsLoop && plan.exactScoreOnTensorCores;
  if (overrides.exactHeadLoop >= 0) {
    if (overrides.exactHeadLoop == 1 && pq)
      throw Error(Error::Kind::InvalidArgument,
                  "indexer plan: head_loop (the heads' selections as a loop) "
                  "is for exact scores");
    plan.exactHeadLoop = overrides.exactHeadLoop == 1;
  }
  plan.candidatesPerRow = plan.splits * heavy;
  const int64_t slots = std::max<int64_t>(plan.candidatesPerRow, 1);
  // The merge holds a row's candidates in registers (up to 32 per thread of
  // 512), so the radix rounds re-read nothing; rows with more than 16384
  // candidate slots stream them in tiles each round. (1024 threads with 32
  // each spilled: ptxas caps them at 64 registers.) Warps: 16 slots a
  // thread, 4 to 16 warps (exact-gqa-b8-32k's 4096 slots on the H100, v17:
  // 8 warps 292.9 µs, 4 warps 297.1, 16 298.5; 1024-slot merges are as
  // fast with 4 warps as with 8).
  plan.mergeTile = std::min<int64_t>(nextPowerOfTwo(slots), 16384);
  plan.mergeTiles = (slots + plan.mergeTile - 1) / plan.mergeTile;
  // Rows of more than one tile on sm_90a: a cluster of programs per row,
  // one tile each, sharing their histograms through distributed shared
  // memory, instead of one program streaming the tiles from L2 every round
  // (indexer v18 in perf-notes: exact-gqa-128k 177.1 -> 165.7 µs on the
  // H100). Smaller clusters are no faster: a merge's rounds cost about the
  // same for 4096 slots as for 16384 (exact-gqa-32k's merge with 4 programs
  // of 4096: 21.5 µs against 19.2 with one program; with 8, two waves of
  // clusters, 43). Rows of more than 8 tiles stream as before.
  plan.mergeCluster = targetHasWgmma && overrides.fusedMerge != 1 &&
                              plan.mergeTiles > 1 &&
                              plan.mergeTiles <= kMaxMergeCluster
                          ? int(nextPowerOfTwo(plan.mergeTiles))
                          : 1;
  if (overrides.mergeCluster) {
    const int64_t programs = overrides.mergeCluster;
    if (programs < 1 || programs > kMaxMergeCluster || !isPowerOfTwo(programs))
      throw Error(Error::Kind::InvalidArgument,
                  "indexer plan: cluster must be 1, 2, 4 or 8, got " +
                      std::to_string(programs));
    if (programs > 1 && (!targetHasWgmma || overrides.fusedMerge == 1))
      throw Error(Error::Kind::InvalidArgument,
                  "indexer plan: cluster (merge programs per row) needs an "
                  "sm_90a target and a separate merge");
    plan.mergeCluster = int(programs);
  }
  if (plan.mergeCluster > 1) {
    plan.mergeTile =
        std::max<int64_t>(nextPowerOfTwo(slots) / plan.mergeCluster, 256);
    plan.mergeTiles = 1;
    // One tile (of at most 16384 slots, held in registers) a program.
    if (plan.mergeTile > 16384)
      throw Error(Error::Kind::InvalidArgument,
                  "indexer plan: a cluster of " +
                      std::to_string(plan.mergeCluster) +
                      " merge programs cannot hold " + std::to_string(slots) +
                      " candidate slots per row (16384 a program)");
  }
  plan.mergeWarps = static_cast<unsigned>(
      std::clamp<int64_t>(plan.mergeTile / (32 * 16), 4, 16));
  if (overrides.mergeWarps)
    plan.mergeWarps = overrides.mergeWarps;
  // The merge as a launch of its own, one program per row. In the select
  // launch instead (--plan fused=1: the last select program of each row
  // group merges its R rows, one launch) it measured slower on the H100
  // (indexer v14 in perf-notes: exact-gqa-128k 176 -> 270 µs, seed-pq-32k
  // 24.4 -> 27.7): a program merges its R rows one after the other, with
  // R times fewer programs merging at once where the grid is one wave.
  plan.fusedMerge = overrides.fusedMerge == 1;
  // The merge launch after the select's. Overlapping it (--plan overlap=1,
  // programmatic dependent launch; sm_90a targets, which the planner knows
  // by their wgmma) measured no faster on the H100 and slower on two cases
  // (indexer v15 in perf-notes: seed-pq-32k 23.8 -> 27.2 µs, exact-gqa-128k
  // 175.0 -> 183.5), so it is an option.
  plan.overlapMerge = overrides.overlapMerge == 1;
  if (plan.overlapMerge && (!targetHasWgmma || plan.fusedMerge))
    throw Error(Error::Kind::InvalidArgument,
                "indexer plan: overlap (the merge launch overlapping the "
                "select's) needs an sm_90a target and a separate merge");
  // exact on sm_90a with at most 8 chunks a row: the select programs of a
  // row group as one thread-block cluster that writes the outputs itself
  // (IndexerPlan::clusterSelect): no candidates, no merge launch. (Off by
  // default until measured: --plan select_cluster=1.)
  const bool clusterSelectFits = !pq && targetHasWgmma && heavy > 0 &&
                                 plan.splits <= kMaxMergeCluster &&
                                 plan.chunk < (int64_t(1) << 16);
  // (With grid_sync=1 an exact select needs no cluster: checked below.)
  if (overrides.clusterSelect == 1 && (pq || overrides.gridSync != 1) &&
      (!clusterSelectFits || overrides.fusedMerge == 1 ||
       overrides.overlapMerge == 1 || overrides.mergeCluster > 1))
    throw Error(Error::Kind::InvalidArgument,
                "indexer plan: select_cluster (a row's select programs as one "
                "cluster) is for exact scores with heavy > 0 on an sm_90a "
                "target, at most " +
                    std::to_string(kMaxMergeCluster) + " chunks a row (got " +
                    std::to_string(plan.splits) +
                    "), without fused, overlap or cluster");
  // The same select with its row group's sums through global memory and
  // group barriers (grid_sync=1): no cluster, so any number of chunks a
  // row and any target, but one cooperative wave (at most one program an
  // SM: the selects' shared memory holds one).
  const int64_t selectGridPrograms = plan.rowGroups * plan.splits;
  const bool gridSelectFits =
      !pq && heavy > 0 && plan.chunk < (int64_t(1) << 16) &&
      selectGridPrograms <= multiprocessors && overrides.clusterSelect != 0 &&
      overrides.fusedMerge != 1 && overrides.overlapMerge != 1 &&
      overrides.mergeCluster <= 1;
  if (!pq && overrides.gridSync == 1 && !gridSelectFits)
    throw Error(Error::Kind::InvalidArgument,
                "indexer plan: grid_sync for exact scores (the select "
                "programs of a row finding its threshold together) needs "
                "heavy > 0 and at most one select program an SM (" +
                    std::to_string(selectGridPrograms) + " programs, " +
                    std::to_string(multiprocessors) +
                    " SMs here), without fused, overlap or cluster");
  if (!pq && overrides.gridSync == 1) {
    plan.selectGridSync = true;
    plan.clusterSelect = true;
    if (plan.jointHeadSelect)
      plan.exactHeadLoop = false;
    plan.mergeCluster = 1;
    plan.candidatesPerRow = plan.mergeTile = plan.mergeTiles = 0;
  }
  if (overrides.clusterSelect == 1) {
    plan.clusterSelect = true;
    if (plan.jointHeadSelect)
      plan.exactHeadLoop = false;
    plan.mergeCluster = 1;
    plan.candidatesPerRow = plan.mergeTile = plan.mergeTiles = 0;
  }
  auto aligned = [](int64_t bytes) { return (bytes + 255) / 256 * 256; };
  // pq by tuple counts (the default for pq with at most 4096 code tuples
  // and heavy keys, unless options of the select-and-merge path are asked
  // for; --plan counts=0/1): no candidates and no merge, so every byte
  // after the codes is a tuple index (indexer v23, v24 in perf-notes).
  // Launch 1 in tiles of 16 keys a thread (16 / R a head), launch 2 in
  // tiles of 16 keys a thread; their chunks, heads and warps below.
  const bool countsExcluded =
      tuples == 0 || overrides.chunksPerProgram > 1 ||
      overrides.pqPairSelect == 1 || overrides.jointHeadSelect == 1 ||
      overrides.fusedMerge == 1 || overrides.overlapMerge == 1 ||
      overrides.mergeCluster > 1;
  if (overrides.pqTupleCounts == 1 && countsExcluded)
    throw Error(Error::Kind::InvalidArgument,
                "indexer plan: counts (pq by tuple counts) is for pq with at "
                "most 4096 code tuples (C^M), one chunk a program, without "
                "pairs, joint, fused, overlap or cluster");
  const bool counts = overrides.pqTupleCounts >= 0
                          ? overrides.pqTupleCounts == 1
                          : pq && !countsExcluded && config.heavy > 0;
  if (overrides.emitChunks && !counts)
    throw Error(Error::Kind::InvalidArgument,
                "indexer plan: emit_chunks is for pq by tuple counts");
  if (overrides.gridSync == 1 && pq && !counts)
    throw Error(Error::Kind::InvalidArgument,
                "indexer plan: grid_sync (count and emit in one launch) is "
                "for pq by tuple counts");
  if (overrides.countL2Ahead > 0 &&
      (!counts || config.pq.codebookLayout != CodebookLayout::KeyMajor))
    throw Error(Error::Kind::InvalidArgument,
                "indexer plan: count_l2_ahead is for pq by tuple counts with "
                "a key-major codebook (whose key rows hold every head's "
                "codes)");
  if (overrides.countL2Fetch > 0 &&
      (!counts || config.pq.codebookLayout != CodebookLayout::KeyMajor))
    throw Error(Error::Kind::InvalidArgument,
                "indexer plan: count_l2_fetch is for pq by tuple counts with "
                "a key-major codebook");
  if (overrides.exactPrefetch == 1 && (pq ? !counts : plan.exactScoreByDims))
    throw Error(Error::Kind::InvalidArgument,
                "indexer plan: prefetch is for exact scores by rows and pq by "
                "tuple counts");
  if (counts) {
    plan.pqTupleCounts = true;
    // Two adjacent heads a count program where their codes share a key's
    // sectors (H100, v24: pq-b8-32k 142.6 -> 125.5 µs, pq-128k with the
    // emit below 72.4 -> 69.9, seed-pq-32k 23.6 either way).
    plan.headsPerProgram = overrides.headsPerProgram ? overrides.headsPerProgram
                           : canGroupHeads(2)        ? 2
                                                     : 1;
    plan.rowGroups = config.B * config.H / plan.headsPerProgram;
    plan.chunksPerProgram = 1;
    plan.pqPairSelect = plan.jointHeadSelect = plan.selectRoundsLoop = false;
    const int64_t rows = config.B * config.H;
    // Count chunks of about one count program an SM, emit programs of
    // about one row's chunk an SM (4096-32768 positions each): an emit
    // program writes emitChunks count chunks (2 where 2 heads a count
    // program halved the count chunk).
    auto chunkForOneWave = [&](int64_t programsPerChunk) {
      return std::clamp<int64_t>(
          nextPowerOfTwo((candidates * programsPerChunk + multiprocessors - 1) /
                         multiprocessors),
          4096, 32768);
    };
    plan.chunk =
        overrides.chunk ? overrides.chunk : chunkForOneWave(plan.rowGroups);
    plan.splits = (candidates + plan.chunk - 1) / plan.chunk;
    plan.selectWarps = overrides.selectWarps ? overrides.selectWarps : 8;
    plan.subTile = std::min<int64_t>(plan.chunk, 16 * 32 * plan.selectWarps /
                                                     plan.headsPerProgram);
    plan.mergeCluster = 1;
    // (grid_sync: as many chunks as the count has heads, so that a row
    // group's rows have as many emit programs as it has count programs.)
    const int64_t emitChunks =
        overrides.emitChunks      ? overrides.emitChunks
        : overrides.gridSync == 1 ? plan.headsPerProgram
        : overrides.chunk
            ? 1
            : std::max<int64_t>(chunkForOneWave(rows) / plan.chunk, 1);
    if (emitChunks < 1 || (emitChunks & (emitChunks - 1)) != 0)
      throw Error(Error::Kind::InvalidArgument,
                  "indexer plan: emit_chunks (count chunks an emit program "
                  "writes) is a power of two, got " +
                      std::to_string(emitChunks));
    plan.emitChunks = std::min(emitChunks, nextPowerOfTwo(plan.splits));
    // Emit programs on 16 warps, or 8 where there are more of them than
    // SMs (two then share an SM; H100, v23: pq-b8-32k's 256 programs 146.5
    // -> 134.1 µs on 8 warps; seed-pq-32k's and pq-128k's 128 were slower
    // on 8: 23.4 -> 23.7, 76.3 -> 80.1).
    const int64_t emitPrograms = rows * plan.mergePrograms();
    plan.mergeWarps = overrides.mergeWarps             ? overrides.mergeWarps
                      : emitPrograms > multiprocessors ? 8
                                                       : 16;
    // Count and emit in one launch (grid_sync=1): its programs do both, so
    // a row group's rows need as many emit programs as the group has count
    // programs, and the emit runs on the count's warps; a cooperative grid
    // must be resident at once, so at most one program an SM (the count's
    // own occupancy: 8 warps at 128 registers).
    const int64_t countPrograms = plan.rowGroups * plan.splits;
    const int64_t groupEmitPrograms =
        plan.headsPerProgram * plan.mergePrograms();
    const bool gridSyncFits =
        groupEmitPrograms == plan.splits && countPrograms <= multiprocessors &&
        (!overrides.mergeWarps || overrides.mergeWarps == plan.selectWarps);
    if (overrides.gridSync == 1 && !gridSyncFits)
      throw Error(Error::Kind::InvalidArgument,
                  "indexer plan: grid_sync needs as many emit programs for a "
                  "row group's rows as the group has count programs (" +
                      std::to_string(groupEmitPrograms) + " and " +
                      std::to_string(plan.splits) +
                      " here), at most one program an SM (" +
                      std::to_string(countPrograms) + " programs, " +
                      std::to_string(multiprocessors) +
                      " SMs), and the emit on the count's warps");
    plan.pqGridSync = overrides.gridSync == 1;
    if (plan.pqGridSync)
      plan.mergeWarps = plan.selectWarps;
    const int64_t emitSpan = plan.chunk * plan.emitChunks;
    plan.mergeTile = std::min<int64_t>(emitSpan, 16 * 32 * plan.mergeWarps);
    plan.mergeTiles = emitSpan / plan.mergeTile;
    // Each launch loads its next tile during the current one (the count
    // launch always: v24, pq-128k 76.5 -> 72.4 µs, pq-b8-32k's count with
    // 2 heads 89.2 -> 73.9); the emit where it has an SM a program: two
    // 8-warp programs an SM ran out of registers with it (pq-b8-32k's emit
    // 46.4 -> 58.0).
    plan.countPrefetch = overrides.exactPrefetch != 0;
    plan.emitPrefetch =
        overrides.exactPrefetch == 1 ||
        (overrides.exactPrefetch < 0 && emitPrograms <= multiprocessors);
    // About K of Sk positions write a sparse_list entry (~6% on
    // seed-pq-32k): v24 measured every pq emit 1-4 µs faster with such
    // scatters left in the slots' layout (results/v24-h100, "patch").
    plan.emitSparseStores = overrides.emitSparseStores != 0;
    // The count kernel held 167-183 registers a thread (one 8-warp program
    // an SM either way, its grid one program an SM); under 128 ptxas
    // schedules its loads better: pq-b8-32k 114.4 -> 112.4 µs, pq-128k
    // 63.2 -> 62.6, seed-pq-32k within noise, no spills (v29, two calls).
    // 4 heads a program need ~255 on 8 warps: no budget there. 255 turns
    // it off.
    // In one launch with the emit (grid_sync), the emit's part on the
    // count's 8 warps needs more: 168-172 bytes of spills under 128, 40-100
    // under 160, none under 192 (seed-pq-32k, pq-128k; ptxas, sm_90a).
    plan.countMaxRegisters = overrides.countMaxRegisters
                                 ? overrides.countMaxRegisters
                             : plan.headsPerProgram > 2 ? 0
                             : plan.pqGridSync          ? 192
                                                        : 128;
    // Staged count tiles (v30): the tile halves until countStages of
    // them (R heads' codes each) fit the staging budget.
    // Off by default: every depth measured slower than the register
    // prefetch (v30, H100: pq-b8-32k 112.8 -> 117-138 µs, seed-pq-32k
    // 20.7 -> 23.8-24.9). A warp's copies gather 32 keys' 16-byte halves
    // of 32-byte sectors 512 bytes apart: ~28 shared-memory wavefronts a
    // copy instruction instead of 4, and the second head's half is fetched
    // again where registers found it in L1.
    plan.countStages = overrides.countStages;
    // The emit's tuple-index tiles staged 2 deep where it has no register
    // prefetch (more programs than SMs, two 8-warp programs an SM) and more
    // than one tile: v31, pq-b8-32k 112.8 -> 109.6 µs (emit launch 41.3 ->
    // 36.6); where the register prefetch runs, staging was no faster
    // (pq-128k 62.4 -> 62.8-63.7, seed-pq-32k 20.8 -> 20.7-21.2).
    // prefetch=0 turns it off with the rest.
    plan.emitStages = overrides.emitStages ? overrides.emitStages
                      : overrides.exactPrefetch < 0 && !plan.emitPrefetch &&
                              plan.mergeTiles > 1
                          ? 2
                          : 0;
    if (plan.emitStages < 0 || plan.emitStages > 8)
      throw Error(Error::Kind::InvalidArgument,
                  "indexer plan: emit_stages is 0-8, got " +
                      std::to_string(plan.emitStages));
    if (plan.emitStages >= 2)
      plan.emitPrefetch = false;
    // The count's code loads with L2 fills of 128 bytes: a key's row holds
    // every head's codes and the row group's programs, adjacent in the
    // grid, each read their 32 bytes of it, so one fill serves four of
    // them (v33, H100, two runs each: pq-b8-32k 105.5-105.8 -> 102.1-102.2
    // µs, pq-128k 59.9-60.7 -> 58.9-59.3, seed-pq-32k 20.9-21.1 -> 21.0-
    // 21.2; 256-byte fills gained less: 104.5-104.9, 59.5-59.6). Key-major
    // codes on sm_90a targets (sm_80 and sm_90 were not measured), not
    // where the count's tiles are staged (the copies replace the loads and
    // take no fill size).
    plan.countL2Fetch =
        overrides.countL2Fetch >= 0 ? overrides.countL2Fetch
        : config.pq.codebookLayout == CodebookLayout::KeyMajor &&
                targetHasWgmma && plan.countStages < 2
            ? 128
            : 0;
    if (overrides.countL2Fetch < -1 ||
        (plan.countL2Fetch != 0 && plan.countL2Fetch != 64 &&
         plan.countL2Fetch != 128 && plan.countL2Fetch != 256))
      throw Error(Error::Kind::InvalidArgument,
                  "indexer plan: count_l2_fetch is 0, 64, 128 or 256 (bytes), "
                  "got " +
                      std::to_string(overrides.countL2Fetch));
    // The count's code tiles asked of L2 one tile beyond the register
    // prefetch where a count program has 4 or more tiles (v32, H100, in
    // three runs each: pq-b8-32k 108.2-109.0 -> 105.1-106.1 µs, pq-128k
    // 62.1-62.6 -> 59.4-59.8; 2 or 4 tiles ahead were slower than none:
    // 112.2 / 133.5 and 64.8 / 72.9). With 2 tiles (seed-pq-32k) both are
    // loaded before the first is counted, and the hint cost 0.3-0.7 µs.
    // prefetch=0 turns it off with the rest; so do staged count tiles
    // (their copies already run ahead, and nothing measured the two
    // together) and targets before sm_90a (no bulk prefetch on sm_80,
    // where the hint covers 128 bytes a thread; sm_90 was not measured).
    // With the code loads' 128-byte L2 fills (above) it no longer helps:
    // v33, H100, two runs each: pq-b8-32k 102.2 / 101.5 -> 99.8 / 99.4 µs
    // without it, pq-128k 59.2 / 58.6 -> 58.8 / 59.0, seed-pq-32k 20.4 /
    // 20.5 either way; so only count_l2_fetch=0 brings it back.
    plan.countL2Ahead =
        overrides.countL2Ahead >= 0 ? overrides.countL2Ahead
        : config.pq.codebookLayout == CodebookLayout::KeyMajor &&
                plan.countPrefetch && plan.countStages < 2 && targetHasWgmma &&
                plan.chunk / plan.subTile >= 4 && plan.countL2Fetch == 0
            ? 1
            : 0;
    if (overrides.countL2Ahead < -1 || plan.countL2Ahead > 8)
      throw Error(Error::Kind::InvalidArgument,
                  "indexer plan: count_l2_ahead is 0-8, got " +
                      std::to_string(overrides.countL2Ahead));
    if (plan.countStages < 0 || plan.countStages > 8)
      throw Error(Error::Kind::InvalidArgument,
                  "indexer plan: count_stages is 0-8, got " +
                      std::to_string(plan.countStages));
    if (plan.countStages >= 2) {
      plan.countPrefetch = false;
      const int64_t codeBytes =
          nextPowerOfTwo(config.pq.M) *
          int64_t(dtypeSize(config.pq.codebookDType));
      constexpr int64_t kStagingBudget = 160 * 1024;
      while (plan.subTile > 256 &&
             plan.countStages * plan.subTile * plan.headsPerProgram *
                     codeBytes >
                 kStagingBudget)
        plan.subTile /= 2;
    }
    plan.candidatesPerRow = 0;
    // Counts (16 bits, two chunks a word) and order keys (int32), then the
    // tuple indices (uint16; CountsWorkspace).
    plan.positionsOffset =
        aligned(rows * ((plan.splits + 1) / 2 + 1) * tuples * 4);
    // Then (grid_sync) a barrier counter per row group.
    plan.countersOffset =
        plan.positionsOffset + aligned(rows * plan.splits * plan.chunk * 2);
    plan.workspaceBytes = plan.countersOffset +
                          (plan.pqGridSync ? aligned(plan.rowGroups * 4) : 0);
    plan.launches = plan.pqGridSync ? 1 : 2;
    plan.selectStrengthReduction = plan.mergeStrengthReduction =
        overrides.strengthReduction == 1;
    return plan;
  }
  // Keys, then positions (int32 each), then (fused merge) one arrival
  // counter per row group; every array 256-byte aligned.
  const int64_t half = aligned(config.B * config.H * plan.candidatesPerRow *
                               int64_t(sizeof(int32_t)));
  plan.positionsOffset = half;
  plan.countersOffset = 2 * half;
  plan.workspaceBytes =
      2 * half + (plan.fusedMerge
                      ? aligned(plan.rowGroups * int64_t(sizeof(int32_t)))
                      : 0);
  // A grid-exchange select: its counters, histograms and counts slots
  // (gridExchangeLayout), zero when the Indexer is built.
  if (plan.selectGridSync) {
    plan.countersOffset = 0;
    plan.workspaceBytes =
        aligned(gridExchangeLayout(plan).elements * int64_t(sizeof(int32_t)));
  }
  plan.launches = plan.fusedMerge || plan.clusterSelect ? 1 : 2;
  // Two cluster-sum buffers (one cluster barrier a sum instead of two)
  // wherever there are cluster sums: exact-gqa-128k's clustered merge
  // -1.4 µs (-0.9%, five rounds), the cluster selects -2% to -5% (indexer
  // v35 in perf-notes); --plan cluster_buffers=1 for the shared scratch.
  const bool hasClusterSums =
      plan.mergeCluster > 1 ||
      (plan.clusterSelect && !plan.selectGridSync && plan.splits > 1);
  plan.clusterSumBuffers = hasClusterSums ? 2 : 1;
  if (overrides.clusterSumBuffers) {
    if (overrides.clusterSumBuffers != 1 && overrides.clusterSumBuffers != 2)
      throw Error(Error::Kind::InvalidArgument,
                  "indexer plan: cluster_buffers is 1 or 2, got " +
                      std::to_string(overrides.clusterSumBuffers));
    if (!hasClusterSums)
      throw Error(Error::Kind::InvalidArgument,
                  "indexer plan: cluster_buffers is for plans with clusters "
                  "(a clustered merge, cluster=N, or select_cluster=1 with "
                  "more than one chunk a row); this plan has none");
    plan.clusterSumBuffers = overrides.clusterSumBuffers;
  }
  // Straight-line strength reduction (NVPTX) takes 60-75% of code
  // generation on these kernels (up to ~150 ms each on the 2-core machine;
  // perf-notes "Indexer v18b"). Without it, on the H100: seed-pq-32k,
  // pq-b8-32k (-1.5%) and exact-gqa-32k as fast or faster; pq-128k +1%,
  // exact-gqa-128k and exact-gqa-b8-32k +2% (their 16384 x 2 selects
  // spill 188 bytes instead of 104). Kept for the selects whose threads
  // hold 32+ keys (those three), dropped elsewhere.
  plan.selectStrengthReduction = manyKeysPerThread;
  plan.mergeStrengthReduction = false;
  if (overrides.strengthReduction >= 0)
    plan.selectStrengthReduction = plan.mergeStrengthReduction =
        overrides.strengthReduction == 1;
  return plan;
}

std::vector<IndexerKernelSource>
buildIndexerKernels(const IndexerConfig &config, const IndexerPlan &plan) {
  if (plan.fullAttention)
    return {buildFallback(config)};
  std::vector<IndexerKernelSource> kernels;
  if (plan.pqTupleCounts && plan.pqGridSync)
    return {buildPQCountAndEmit(config, plan)};
  if (plan.pqTupleCounts)
    return {buildPQCount(config, plan), buildPQEmit(config, plan)};
  kernels.push_back(config.score == ScoreKind::PQ
                        ? buildPQSelect(config, plan)
                        : buildExactSelect(config, plan));
  if (!plan.fusedMerge && !plan.clusterSelect)
    kernels.push_back(buildMerge(config, plan));
  return kernels;
}

} // namespace tritium::indexer
