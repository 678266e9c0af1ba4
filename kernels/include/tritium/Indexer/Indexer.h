//===- Indexer.h - The sparse-attention indexer on the GPU ------*- C++ -*-===//
//
// An Indexer is configured once per decode configuration (score kind, sizes,
// dtypes, layouts: IndexerConfig of Spec.h). Construction validates the
// configuration, plans the launches and the workspace, builds the kernels
// with the C++ kernel builder -- specialised on every size of the
// configuration -- compiles them (or finds their cubins in the runtime's
// caches, keyed on that specialisation) and allocates the workspace. Then
// each decode step calls
//
//   indexer.run(inputs, outputs, stream);
//
// which checks the bound tensors (an error naming the argument, before
// anything is launched and with the outputs untouched) and enqueues at most
// two kernels on `stream`: no device allocation, no synchronisation (the
// binding checks use a little host memory, ~0.4 µs), so the call can be
// captured in a CUDA graph.
//
// The two launches (docs/indexer-design.md):
//  1. select: one program per (row group, split of the candidate positions)
//     computes the scores of its chunk on chip, keeps the chunk's best
//     `heavy` (radix select on order-preserving keys, ties toward the lower
//     position) and writes them, in ascending position order, to the
//     workspace; it also zeroes the chunk's dense weights. The score tensor
//     never reaches global memory.
//  2. merge: one program per (batch, head) row selects the row's K best of
//     those candidates the same way and writes the ascending sparse_list (a
//     prefix count over the selection, no sort), sparse_len and the weights.
// Under the full-attention fallback a single kernel writes everything.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_INDEXER_INDEXER_H
#define TRITIUM_INDEXER_INDEXER_H

#include "tritium/Indexer/Spec.h"
#include "tritium/Runtime/Driver.h"
#include "tritium/Runtime/Kernel.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tritium::indexer {

/// Overrides of the planner's choices, for tuning and experiments (0: the
/// planner's own). Invalid values are rejected by planIndexer.
struct PlanOverrides {
  int64_t chunk = 0;        ///< a power of two, 256 .. 32768
  unsigned selectWarps = 0; ///< 1, 2, 4, 8, 16 or 32
  unsigned mergeWarps = 0;
  /// Query heads one select program scores. pq: 1, 2 or 4 (needs H % heads
  /// == 0 and Hkv == H, so that their codes are adjacent in memory); exact:
  /// a divisor of G (the query heads of one kv head).
  int64_t headsPerProgram = 0;
  /// exact by rows: 1 scores each sub-tile on the tensor cores (needs q and
  /// keys of one 16-bit type and D >= 16), 0 with FMAs; -1: the planner's.
  int tensorCores = -1;
  /// Pipeline stages of the select kernel (2: the next sub-tile's keys are
  /// loaded while the current one is scored; tensor-core scoring only);
  /// 0: the planner's.
  unsigned selectStages = 0;
  /// Radix digit bits of the selects and the merge: 8 (4 rounds) or 11 (3
  /// rounds); 0: the planner's.
  int radixDigitBits = 0;
  /// exact by rows: the sub-tiles in this many loops (a power of two); 0:
  /// the planner's.
  int64_t exactScoreLoops = 0;
  /// exact by rows: load the next sub-tile's keys during the current one
  /// (1) or not (0); pq by tuple counts: both launches' next tiles
  /// (IndexerPlan::countPrefetch, emitPrefetch); -1: the planner's.
  int exactPrefetch = -1;
  /// exact FMA scores by rows: the key tile loaded as this many slices of
  /// D (a power of two, >= 16 bytes of a key each); 0: the planner's.
  int64_t exactDimSlices = 0;
  /// pq programs of 2 or 4 heads: select them together (1) or one after
  /// the other (0); -1: the planner's.
  int jointHeadSelect = -1;
  /// The merge in the select launch's last program of each row group (1)
  /// or a launch of its own (0); -1: the planner's.
  int fusedMerge = -1;
  /// The merge launch may start while the select launch runs (1: needs an
  /// sm_90a target and a separate merge) or only after it (0, the
  /// planner's); -1: the planner's.
  int overlapMerge = -1;
  /// Merge programs per row, a cluster sharing its histograms (1, 2, 4 or
  /// 8; more than 1 needs an sm_90a target and a separate merge, and at
  /// most 16384 candidate slots per program); 0: the planner's.
  int mergeCluster = 0;
  /// pq: chunks one select program takes in turn, building its tables once
  /// (a divisor of the splits); 0: the planner's.
  int64_t chunksPerProgram = 0;
  /// exact: the heads' selections as a loop over the heads (1) or one after
  /// the other in straight-line code (0); -1: the planner's.
  int exactHeadLoop = -1;
  /// pq with at most 4096 distinct code tuples (C^M): select over the
  /// tuples, each weighted by its keys (1), or over the keys (0); -1: the
  /// planner's.
  int pqPairSelect = -1;
  /// pq with at most 4096 code tuples: count each chunk's keys per tuple
  /// (launch 1) and select each row against one threshold found over the
  /// row's tuple counts (launch 2), instead of a select per chunk and a
  /// merge of the candidates (1); or not (0); -1: the planner's.
  int pqTupleCounts = -1;
  /// pq by tuple counts: count chunks an emit program writes (a power of
  /// two); 0: the planner's.
  int64_t emitChunks = 0;
  /// The NVPTX backend's straight-line strength reduction for every kernel
  /// (1) or none (0); -1: the planner's.
  int strengthReduction = -1;
  /// pq by tuple counts: the emit's sparse_list writes as sparse stores
  /// (IndexerPlan::emitSparseStores) (1) or narrowed to one element a
  /// thread (0); -1: the planner's.
  int emitSparseStores = -1;
  /// pq by tuple counts: the count kernel's register limit per thread
  /// (IndexerPlan::countMaxRegisters; 255: no limit); 0: the planner's.
  unsigned countMaxRegisters = 0;
  /// pq by tuple counts: the count loop's code tiles copied into shared
  /// memory this many stages deep (IndexerPlan::countStages; 2-8), or
  /// carried in registers one tile ahead (1); 0: the planner's.
  int countStages = 0;
  /// pq by tuple counts: the emit loop's tuple-index tiles copied into
  /// shared memory this many stages deep (IndexerPlan::emitStages; 2-8),
  /// or not (1); 0: the planner's.
  int emitStages = 0;
  /// pq by tuple counts: the count's code tiles asked of L2 this many
  /// tiles beyond the register prefetch (IndexerPlan::countL2Ahead; 0-8);
  /// -1: the planner's.
  int countL2Ahead = -1;
  /// pq by tuple counts: the count's code loads ask L2 to fetch this many
  /// bytes around each access on a miss (IndexerPlan::countL2Fetch; 64,
  /// 128 or 256), or the hardware's default (0); -1: the planner's.
  int countL2Fetch = -1;
  /// exact: a row group's select programs form a thread-block cluster
  /// (IndexerPlan::clusterSelect; sm_90a, at most 8 chunks a row) that
  /// selects each row's heavy keys together and writes the outputs: one
  /// launch, no candidates, no merge (1); or a select per chunk and a merge
  /// (0); -1: the planner's.
  int clusterSelect = -1;
  /// Plans with clusters (cluster=N, select_cluster=1): the cluster sums
  /// take two buffers in turn, one cluster barrier a sum (2), or share the
  /// scratch, two a sum (1) (IndexerPlan::clusterSumBuffers); 0: the
  /// planner's.
  int clusterSumBuffers = 0;
  /// pq by tuple counts: count and emit in one cooperative launch, a grid
  /// barrier between them (IndexerPlan::pqGridSync; needs as many emit
  /// programs as count programs, at most one an SM); exact: the select
  /// programs of a row group find its threshold together through global
  /// memory and group barriers and write the outputs, no merge
  /// (IndexerPlan::clusterSelect and selectGridSync; at most one program
  /// an SM) (1); or not (0); -1: the planner's.
  int gridSync = -1;

  bool any() const {
    return chunk || selectWarps || mergeWarps || headsPerProgram ||
           tensorCores >= 0 || selectStages || radixDigitBits ||
           exactScoreLoops || exactPrefetch >= 0 || exactDimSlices ||
           jointHeadSelect >= 0 || fusedMerge >= 0 || overlapMerge >= 0 ||
           mergeCluster || chunksPerProgram || exactHeadLoop >= 0 ||
           pqPairSelect >= 0 || pqTupleCounts >= 0 || emitChunks ||
           strengthReduction >= 0 || emitSparseStores >= 0 ||
           countMaxRegisters || countStages || emitStages ||
           countL2Ahead >= 0 || countL2Fetch >= 0 || clusterSelect >= 0 ||
           clusterSumBuffers || gridSync >= 0;
  }
};

/// Where and how the Indexer runs.
struct IndexerOptions {
  /// CUDA device ordinal.
  int device = 0;
  /// Code generation target ("sm_90a", ...); empty: the device's own.
  std::string arch;
  /// Multiprocessors to plan the grid for; 0: the device's count. (Planning
  /// and kernel building need no GPU; see planIndexer.)
  int multiprocessors = 0;
  PlanOverrides overrides;
  /// Without overrides: the plan tritium-tune stored for this shape, device,
  /// arch and Tritium version (<cache root>/tune/), else the tuning space's
  /// default, the planner's plan (Tuning.h, docs/autotuning.md).
  bool useTunedPlan = true;
  /// When nothing is stored, tune now (seconds) and store the winner. Off by
  /// default; TRITIUM_AUTOTUNE=1 turns it on, TRITIUM_AUTOTUNE=0 turns
  /// tuned plans off altogether.
  bool tuneOnFirstUse = false;
  /// run() replays its launches as one CUDA graph (LaunchGraph: one driver
  /// call instead of one per launch), recorded on the first call with each
  /// set of tensor addresses (the first 128 sets; later ones launch
  /// directly); where the caller's stream is itself being captured, run()
  /// launches directly. Off: every call launches each kernel itself.
  bool launchAsGraph = true;
};

/// How a configuration is split into launches. A pure function of the
/// configuration and the multiprocessor count (planIndexer).
struct IndexerPlan {
  /// Every position attended: one kernel writes all outputs.
  bool fullAttention = false;
  /// Query heads one select program scores (exact: 2 for even G, 1 for odd
  /// G or where 2 would fill at most half the SMs; pq: 1, or 2-4 adjacent
  /// heads whose codes share a key's 32-byte sector).
  int64_t headsPerProgram = 1;
  /// Row groups of the select launch (B*H/headsPerProgram).
  int64_t rowGroups = 0;
  /// Candidate positions one select program owns (a power of two).
  int64_t chunk = 0;
  /// Select programs per row group: ceil(candidates / chunk), at least 1.
  int64_t splits = 0;
  /// pq: chunks (splits) one select program takes in turn, its tables built
  /// once for all of them (the grid then has ceil(splits / this) programs
  /// per row group).
  int64_t chunksPerProgram = 1;
  /// exact: a program's R heads selected in a loop over the heads (their
  /// scores picked by a select per element), so that the selection's code
  /// is there once instead of R times.
  bool exactHeadLoop = false;
  /// pq: a chunk's radix select runs over the C^M code tuples (at most
  /// 4096; "pairs" for M = 2), each weighted by how many of the chunk's
  /// keys carry it (tx.weighted_histogram), instead of over the keys: the
  /// keys are counted into the tuples' bins once, and each key's order key
  /// is gathered from its tuple's for the selection. Its rounds then cost
  /// the same whatever the chunk.
  bool pqPairSelect = false;
  /// pq by tuple counts (at most 4096 tuples, C^M; the planner's default
  /// for pq with heavy keys): launch 1 (a program per row group of
  /// headsPerProgram adjacent heads and chunk, in tiles of subTile keys a
  /// head) writes each key's tuple index (uint16), each chunk's count of
  /// keys per tuple and the row's tuple order keys; launch 2
  /// (mergePrograms() programs per row, one per emitChunks chunks, in
  /// tiles of mergeTile keys) adds up the row's counts, finds the row's
  /// threshold by a radix select over the tuples weighted by their counts,
  /// and writes its chunks' part of sparse_list (after the earlier chunks'
  /// keys, counted from their counts) and of the weights. No candidates,
  /// no merge: after the codes, 2 bytes a key and 8 KB a chunk.
  bool pqTupleCounts = false;
  /// pq by tuple counts in one launch: program (group, split) counts as
  /// launch 1's, passes its row group's barrier (a counter a row group at
  /// countersOffset, zero when the Indexer is built), then emits as launch
  /// 2's program group * splits + split, a row of its own group (emitChunks
  /// = headsPerProgram makes a group's rows take exactly `splits` emit
  /// programs); the emit on the count's warps. The launch is cooperative
  /// (every program resident at once). Like the fused merge's counters, the
  /// barriers assume one call at a time per Indexer and launches that
  /// finish: two calls in flight on different streams would share the
  /// counters (and the workspace) and could pass a barrier early or hang.
  bool pqGridSync = false;
  /// Select programs per row group.
  int64_t selectPrograms() const {
    return (splits + chunksPerProgram - 1) / chunksPerProgram;
  }
  /// Positions one select program scores per pass over D (exact: a part of
  /// the chunk, interleaved with the other parts; pq: the chunk).
  int64_t subTile = 0;
  /// exact: score by passes over D (a 16-byte piece of every key per step)
  /// instead of by whole key rows; chosen where the grid leaves SMs idle.
  bool exactScoreByDims = false;
  /// exact by rows: each sub-tile's R heads' scores as one tt.dot of the
  /// key tile with the R query rows (tensor cores), instead of FMAs and a
  /// shuffle reduction per head. The default where the target has wgmma.
  bool exactScoreOnTensorCores = false;
  /// num_stages of the select kernel: 3 for tensor-core scores on wgmma (the
  /// key tiles copied asynchronously, the next in flight), else 1.
  unsigned selectStages = 1;
  /// Radix digit bits (11: 3 rounds of 2048 bins, 1-4% faster than 8: 4
  /// rounds of 256; v9b in perf-notes).
  int radixDigitBits = 11;
  /// exact by rows: loops over consecutive runs of sub-tiles, each with its
  /// own [tiles / loops, sub] score tensors (fewer selects per insertion,
  /// the loop body repeated).
  int64_t exactScoreLoops = 1;
  /// exact by rows: the next sub-tile's keys loaded (and carried) while
  /// the current one is scored; chosen where a thread holds at most 32
  /// scores (the carried keys then fit in registers beside them).
  bool exactPrefetch = false;
  /// pq by tuple counts: the count launch loads its next tile of codes
  /// (and carries it) while it counts the current one (key-major codebooks;
  /// key-minor ones are loaded a head at a time).
  bool countPrefetch = false;
  /// pq by tuple counts: the emit launch loads its next tile of tuple
  /// indices during the current one (tile 0's before the threshold).
  bool emitPrefetch = false;
  /// pq by tuple counts: the emit writes its sparse_list entries as sparse
  /// stores (StoreOptions::sparse), in the selection's own layout, instead
  /// of converting slots, positions and mask to one element a thread.
  bool emitSparseStores = false;
  /// pq by tuple counts: the count kernel's register limit (PTX .maxnreg);
  /// 0: none. The planner's: 128 for programs of 1 or 2 heads.
  unsigned countMaxRegisters = 0;
  /// pq by tuple counts: with 2 or more, the count loop is marked
  /// tt.num_stages (LoopOptions::numStages): its code tiles are copied into
  /// shared memory countStages - 1 tiles ahead (tritium-stage-loads)
  /// instead of carried in registers one tile ahead (countPrefetch), and
  /// the tiles shrink until the stages fit 160 KB.
  int countStages = 0;
  /// pq by tuple counts: the emit loop marked tt.num_stages likewise (its
  /// tuple-index tiles, contiguous, copied emitStages - 1 tiles ahead)
  /// instead of the register prefetch (emitPrefetch); 0: not marked.
  int emitStages = 0;
  /// pq by tuple counts, key-major codes: the count's programs of a chunk
  /// ask L2 (tx.prefetch_l2) for the codes of the tiles this many beyond
  /// the one their registers prefetch, each program one contiguous share
  /// of a tile's key rows; 0: no such hint.
  int countL2Ahead = 0;
  /// pq by tuple counts, key-major codes: the count's code loads fetch
  /// this many bytes into L2 around each access on a miss (the load's
  /// tx.l2_prefetch; 64, 128 or 256): a key's row holds every head's codes
  /// and the row group's programs each read their own heads' slice of it,
  /// so one fill serves the neighbouring programs' slices too. 0: the
  /// hardware's default.
  int countL2Fetch = 0;
  /// exact FMA scores by rows: the key tile as this many [sub, D / slices]
  /// slices, whose products a thread adds before one reduction per head
  /// (fewer lanes per key row, fewer shuffle steps).
  int64_t exactDimSlices = 1;
  /// pq programs of 2 or 4 heads: the heads' keys selected together as the
  /// rows of one tensor (one histogram, scan and reduction per round; an
  /// option: it measured slower).
  bool jointHeadSelect = false;
  /// The select's radix rounds as a loop instead of unrolled: where a
  /// thread holds 32 or more keys (the unrolled rounds spilled).
  bool selectRoundsLoop = false;
  /// Candidate slots per row in the workspace: splits * heavy.
  int64_t candidatesPerRow = 0;
  /// The merge program reads the candidates in tiles of this many slots.
  int64_t mergeTile = 0;
  int64_t mergeTiles = 0;
  /// Merge programs per row (sm_90a): a thread-block cluster whose programs
  /// each hold one tile of the row's slots (rank r: slots r * mergeTile ..)
  /// and add up their radix histograms through distributed shared memory,
  /// so that every one finds the row's threshold; 1: one program per row.
  int mergeCluster = 1;
  /// pq by tuple counts: consecutive count chunks an emit program writes.
  int64_t emitChunks = 1;
  /// Programs of launch 2 per row.
  int64_t mergePrograms() const {
    return pqTupleCounts ? (splits + emitChunks - 1) / emitChunks
                         : mergeCluster;
  }
  /// The NVPTX backend's straight-line strength reduction (SLSR) for the
  /// select and the merge kernels. SLSR is most of their code generation
  /// time; the planner keeps it where it made faster code (the selects
  /// whose threads hold 32+ keys: without it they spill more).
  bool selectStrengthReduction = true;
  bool mergeStrengthReduction = true;
  unsigned selectWarps = 8;
  /// Warps of the merge launch (a fused merge runs on the select's warps).
  unsigned mergeWarps = 8;
  /// The merge runs in the select launch: the select program that finishes
  /// a row group last merges its rows (counted with an atomic per row
  /// group, which that program sets back to zero). Otherwise launch 2
  /// merges, one program per row. The counters assume one call at a time
  /// per Indexer (as the shared workspace does) and launches that finish: a
  /// kernel aborted mid-way leaves them off, and later calls then skip the
  /// merge (an option, off by default).
  bool fusedMerge = false;
  /// Programmatic dependent launch of the merge (sm_90+): every select
  /// program lets it start (griddepcontrol.launch_dependents) as soon as it
  /// begins, so the merge programs are resident while the last selects run
  /// and wait (griddepcontrol.wait) for the select launch's writes.
  bool overlapMerge = false;
  /// exact, sm_90a: the `splits` select programs of a row group (one a
  /// chunk of the row) run as one thread-block cluster, the chunk the
  /// program's cluster rank. Each radix round's histogram is the sum of
  /// the cluster's (distributed shared memory), so every program finds its
  /// rows' threshold over all of the row's candidates; the keys above and
  /// equal to it in the ranks before a program give its first sparse_list
  /// slot, so each program writes its own chunk's entries and weights. One
  /// launch; the workspace holds nothing.
  bool clusterSelect = false;
  /// A cluster select whose row group's programs add up their histograms
  /// and counts through global memory (atomics into the workspace) and
  /// group barriers (tx.grid_barrier, one counter a row group) instead of
  /// a thread-block cluster: one cooperative launch, every program resident
  /// at once (at most one an SM), any number of chunks a row. One call at a
  /// time per Indexer, as pqGridSync. (With one chunk a row there is
  /// nothing to exchange: no barrier, an ordinary launch.)
  bool selectGridSync = false;
  /// Kernels with clusters (a clustered merge or select): the scratch
  /// buffers their cluster sums take in turn (the kernels'
  /// tx.cluster_sum_buffers). 1: the scratch every op shares, a second
  /// cluster barrier after each sum's reads; 2 (the planner's wherever
  /// there are cluster sums): two buffers of their own, that barrier only
  /// before the kernel returns.
  int clusterSumBuffers = 1;
  /// Device memory planned once: candidate keys, then positions (int32
  /// each, at positionsOffset; by tuple counts: each row's counts, 16 bits
  /// a chunk and tuple, two chunks a word, and its order keys (int32), then
  /// at positionsOffset every chunk's tuple indices (uint16)), then (fused
  /// merge) an int32 arrival counter per row group at countersOffset, zero
  /// between calls.
  int64_t workspaceBytes = 0;
  int64_t positionsOffset = 0;
  int64_t countersOffset = 0;
  /// 1 (fallback, fused merge or cluster select) or 2.
  int launches = 0;

  /// One line for logs and the CLI.
  std::string describe() const;
};

/// Plans `config` (validated first) for a GPU with `multiprocessors` SMs.
/// Throws tritium::Error(Unsupported) for valid configurations this version
/// cannot run on the GPU, naming the limit.
///
/// `targetHasWgmma` (sm_90a): exact scores default to the tensor cores
/// (wgmma, their key tiles copied asynchronously); elsewhere to FMAs (the
/// tensor-core path without wgmma stages the tiles through registers, which
/// measured slower).
IndexerPlan planIndexer(const IndexerConfig &config, int multiprocessors,
                        const PlanOverrides &overrides = {},
                        bool targetHasWgmma = true);

/// Whether code for `arch` ("sm_90a", "sm_80", ...) may use wgmma.
inline bool archHasWgmma(const std::string &arch) { return arch == "sm_90a"; }

/// One kernel of a plan, as Triton IR built by the kernel builder.
struct IndexerKernelSource {
  std::string name;   ///< "indexer_pq_select", "indexer_merge", ...
  std::string irText; ///< Triton IR, every size a constant
  unsigned numWarps = 4;
  unsigned numStages = 1;
  /// KernelOptions::strengthReduction (IndexerPlan).
  bool strengthReduction = true;
  /// KernelOptions::maxRegisters (IndexerPlan::countMaxRegisters); 0: none.
  unsigned maxRegisters = 0;
};

/// The kernels of `plan` for `config`, in launch order. Needs no GPU.
std::vector<IndexerKernelSource>
buildIndexerKernels(const IndexerConfig &config, const IndexerPlan &plan);

/// The runtime options the Indexer compiles `source` with (its warps and
/// stages, the device and arch of `options`). The Indexer, precompileIndexer
/// and the tuner compile through this and compileIndexerKernel, so their
/// cache entries are the ones a launch looks up.
KernelOptions indexerKernelOptions(const IndexerKernelSource &source,
                                   const IndexerOptions &options);

/// Compiles the variant of `kernel` that Indexer::run launches (every
/// argument a 16-byte aligned pointer) for `arch` (empty: the device's);
/// needs no GPU when `arch` is named.
std::shared_ptr<const CompiledKernel>
compileIndexerKernel(const Kernel &kernel, const std::string &arch);

/// Compiles the kernels of `config` for `options.arch` (required) and
/// `options.multiprocessors` (required) into the runtime's caches without a
/// GPU, so that a later Indexer on a matching device finds them on disk
/// (TRITIUM_CACHE_DIR) instead of compiling. Returns the host milliseconds
/// each kernel took.
std::vector<double> precompileIndexer(const IndexerConfig &config,
                                      const IndexerOptions &options);

class Indexer {
public:
  /// Validates `config` (tritium::Error(InvalidArgument) naming the field),
  /// plans, builds and compiles the kernels, loads them on the device and
  /// allocates the workspace. Throws tritium::Error(NoDriver) where there is
  /// no GPU, Error(Compile) if a kernel fails to compile.
  explicit Indexer(const IndexerConfig &config,
                   const IndexerOptions &options = {});
  ~Indexer();
  Indexer(Indexer &&) noexcept;
  Indexer &operator=(Indexer &&) noexcept;
  Indexer(const Indexer &) = delete;
  Indexer &operator=(const Indexer &) = delete;

  const IndexerConfig &config() const;
  const IndexerPlan &plan() const;
  /// The kernels as built (for dumps and tests).
  const std::vector<IndexerKernelSource> &kernels() const;
  /// Host milliseconds spent compiling (or loading from the caches) each
  /// kernel at construction, in launch order.
  const std::vector<double> &compileMilliseconds() const;
  /// Where the plan came from: "planner", "overrides", "default", "stored
  /// winner ..." or "tuned ..." (Tuning.h).
  const std::string &planSource() const;

  /// Checks the bindings (validateBindings of Spec.h: shapes, dtypes,
  /// strides, alignment, null pointers, overlaps; tritium::Error naming the
  /// argument), then enqueues the launches on `stream` (null: the device's
  /// default stream). Every element of every output is written. Inputs and
  /// outputs are device memory. With options.launchAsGraph (the default)
  /// the launches are one graph replay; the first call with a set of tensor
  /// addresses records it (tens of µs, once). With config.checkCodes (pq)
  /// it first runs a
  /// check of the codebook and waits for it, so such a call is neither
  /// asynchronous nor capturable; an out-of-range code throws
  /// Error(InvalidArgument) before the outputs are touched.
  void run(const IndexerInputs &inputs, const IndexerOutputs &outputs,
           Stream stream = nullptr) const;
  /// For profiling: checks the bindings as run() does, then enqueues only
  /// launch `index` (0 .. plan().launches - 1) of run(). Launch 1 reads what
  /// launch 0 of an earlier call left in the workspace.
  void runLaunch(int index, const IndexerInputs &inputs,
                 const IndexerOutputs &outputs, Stream stream = nullptr) const;

  /// Whether run() replays its launches as a graph (options.launchAsGraph,
  /// two launches, a driver with graphs, and no recording has failed):
  /// the first 128 sets of tensor addresses get a graph each, later ones
  /// and callers whose stream is capturing launch directly.
  bool replaysGraphs() const;

  struct Impl;

private:
  void checkCodesIfAsked(const IndexerInputs &inputs, Stream stream) const;
  void launchEach(const IndexerInputs &inputs, const IndexerOutputs &outputs,
                  Stream stream) const;
  void launch(int index, const IndexerInputs &inputs,
              const IndexerOutputs &outputs, Stream stream) const;

  std::unique_ptr<Impl> impl;
};

} // namespace tritium::indexer

#endif // TRITIUM_INDEXER_INDEXER_H
