// RUN: split-file %s %t
// RUN: tritium-opt %t/layouts.ttir --tritium-assign-layouts=num-warps=8 --tritium-remove-layout-conversions --canonicalize | FileCheck %s -DBINS='#ttg.blocked<{sizePerThread = [8], threadsPerWarp = [32], warpsPerCTA = [8], order = [0]}>'
// RUN: tritium-opt %t/radix.ttir --tritium-ttir-to-llvm="num-warps=8" | FileCheck %s --check-prefix=LLVM
// RUN: tritiumc %t/radix.ttir --arch=sm_90a --num-warps=8 --emit=ptx -o %t/radix.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_90a %t/radix.ptx -o %t/radix.cubin %}

// A histogram whose bins are scanned or reduced, small enough for a warp to
// hold (numBins a multiple of 32, at most 16 bins per lane), is replicated
// in every warp: numBins / 32 consecutive bins per lane. Its scans and
// reductions then need no shared memory, and what is computed from the bins
// (cumulative counts, ranges and selects over the bins) takes that layout
// too, with no conversion.

//--- layouts.ttir

// One radix-select step: counts, cumulative counts, the first bin whose
// cumulative count reaches k, and the count before it.
// CHECK-LABEL: tt.func public @radix_step
// CHECK-NOT: ttg.convert_layout
// CHECK: tt.histogram {{.*}} -> tensor<256xi32, [[BINS]]>
// CHECK: "tt.scan"
// CHECK: }) : (tensor<256xi32, [[BINS]]>) -> tensor<256xi32, [[BINS]]>
// CHECK: tt.make_range {{.*}} : tensor<256xi32, [[BINS]]>
// CHECK: "tt.reduce"
// CHECK: }) : (tensor<256xi32, [[BINS]]>, tensor<256xi32, [[BINS]]>) -> (i32, i32)
// CHECK-NOT: ttg.convert_layout
// CHECK: tt.return
tt.func public @radix_step(%keys: !tt.ptr<i32> {tt.divisibility = 16 : i32}, %out: !tt.ptr<i32>, %k: i32) {
  %r = tt.make_range {end = 2048 : i32, start = 0 : i32} : tensor<2048xi32>
  %p = tt.splat %keys : !tt.ptr<i32> -> tensor<2048x!tt.ptr<i32>>
  %pp = tt.addptr %p, %r : tensor<2048x!tt.ptr<i32>>, tensor<2048xi32>
  %v = tt.load %pp : tensor<2048x!tt.ptr<i32>>
  %c255 = arith.constant dense<255> : tensor<2048xi32>
  %digit = arith.andi %v, %c255 : tensor<2048xi32>
  %hist = tt.histogram %digit : tensor<2048xi32> -> tensor<256xi32>
  %cum = "tt.scan"(%hist) <{axis = 0 : i32, reverse = false}> ({
  ^bb0(%a: i32, %b: i32):
    %s = arith.addi %a, %b : i32
    tt.scan.return %s : i32
  }) : (tensor<256xi32>) -> tensor<256xi32>
  %ks = tt.splat %k : i32 -> tensor<256xi32>
  %reached = arith.cmpi sge, %cum, %ks : tensor<256xi32>
  %bins = tt.make_range {end = 256 : i32, start = 0 : i32} : tensor<256xi32>
  %none = arith.constant dense<256> : tensor<256xi32>
  %cand = arith.select %reached, %bins, %none : tensor<256xi1>, tensor<256xi32>
  %before = arith.subi %cum, %hist : tensor<256xi32>
  %res:2 = "tt.reduce"(%cand, %before) <{axis = 0 : i32}> ({
  ^bb0(%a: i32, %ac: i32, %b: i32, %bc: i32):
    %le = arith.cmpi sle, %a, %b : i32
    %m = arith.select %le, %a, %b : i32
    %mc = arith.select %le, %ac, %bc : i32
    tt.reduce.return %m, %mc : i32, i32
  }) : (tensor<256xi32>, tensor<256xi32>) -> (i32, i32)
  %sum = arith.addi %res#0, %res#1 : i32
  tt.store %out, %sum : !tt.ptr<i32>
  tt.return
}

// Bins that are only stored keep the default layout (one bin per thread,
// no replicas); so do histograms too large for a warp (1024 bins) and bins
// that do not fill the lanes (16).
// CHECK-LABEL: tt.func public @not_replicated
// CHECK: tt.histogram {{.*}} -> tensor<256xi32, #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [8], order = [0]}>>
// CHECK: tt.histogram {{.*}} -> tensor<1024xi32, #ttg.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [8], order = [0]}>>
// CHECK: tt.histogram {{.*}} -> tensor<16xi32, #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [8], order = [0]}>>
tt.func public @not_replicated(%keys: !tt.ptr<i32> {tt.divisibility = 16 : i32}, %out: !tt.ptr<i32> {tt.divisibility = 16 : i32}) {
  %r = tt.make_range {end = 2048 : i32, start = 0 : i32} : tensor<2048xi32>
  %p = tt.splat %keys : !tt.ptr<i32> -> tensor<2048x!tt.ptr<i32>>
  %pp = tt.addptr %p, %r : tensor<2048x!tt.ptr<i32>>, tensor<2048xi32>
  %v = tt.load %pp : tensor<2048x!tt.ptr<i32>>
  %stored = tt.histogram %v : tensor<2048xi32> -> tensor<256xi32>
  %r256 = tt.make_range {end = 256 : i32, start = 0 : i32} : tensor<256xi32>
  %o = tt.splat %out : !tt.ptr<i32> -> tensor<256x!tt.ptr<i32>>
  %op = tt.addptr %o, %r256 : tensor<256x!tt.ptr<i32>>, tensor<256xi32>
  tt.store %op, %stored : tensor<256x!tt.ptr<i32>>
  %large = tt.histogram %v : tensor<2048xi32> -> tensor<1024xi32>
  %t1 = "tt.reduce"(%large) <{axis = 0 : i32}> ({
  ^bb0(%a: i32, %b: i32):
    %s = arith.addi %a, %b : i32
    tt.reduce.return %s : i32
  }) : (tensor<1024xi32>) -> i32
  %small = tt.histogram %v : tensor<2048xi32> -> tensor<16xi32>
  %t2 = "tt.reduce"(%small) <{axis = 0 : i32}> ({
  ^bb0(%a: i32, %b: i32):
    %s = arith.addi %a, %b : i32
    tt.reduce.return %s : i32
  }) : (tensor<16xi32>) -> i32
  %t = arith.addi %t1, %t2 : i32
  tt.store %out, %t : !tt.ptr<i32>
  tt.return
}

//--- radix.ttir

// Two radix-select steps in a row, lowered: each histogram clears its bins,
// counts, reads them back (two barriers; the second histogram takes the
// other scratch region and needs none before it, the first is the kernel's
// first user of shared memory); the scans and reductions over the bins are
// shuffles only.
// LLVM-LABEL: llvm.func @two_steps
// LLVM-COUNT-2: nvvm.barrier0
// LLVM-NOT: nvvm.barrier0
// LLVM: nvvm.shfl.sync up
// LLVM: nvvm.shfl.sync bfly
// LLVM-NOT: nvvm.barrier0
// LLVM: llvm.store {{.*}} : i32, !llvm.ptr<3>
// LLVM-NEXT: nvvm.barrier0
// LLVM: red.shared.add.u32
// LLVM: nvvm.barrier0
// LLVM-NOT: nvvm.barrier0
// LLVM: nvvm.shfl.sync up
// LLVM: nvvm.shfl.sync bfly
// LLVM-NOT: nvvm.barrier0
// LLVM: llvm.return
tt.func public @two_steps(%keys: !tt.ptr<i32> {tt.divisibility = 16 : i32}, %out: !tt.ptr<i32>, %k: i32) {
  %r = tt.make_range {end = 2048 : i32, start = 0 : i32} : tensor<2048xi32>
  %p = tt.splat %keys : !tt.ptr<i32> -> tensor<2048x!tt.ptr<i32>>
  %pp = tt.addptr %p, %r : tensor<2048x!tt.ptr<i32>>, tensor<2048xi32>
  %v = tt.load %pp : tensor<2048x!tt.ptr<i32>>
  %c255 = arith.constant dense<255> : tensor<2048xi32>
  %c8 = arith.constant dense<8> : tensor<2048xi32>
  %bins = tt.make_range {end = 256 : i32, start = 0 : i32} : tensor<256xi32>
  %none = arith.constant dense<256> : tensor<256xi32>
  %ks = tt.splat %k : i32 -> tensor<256xi32>
  %d0 = arith.andi %v, %c255 : tensor<2048xi32>
  %h0 = tt.histogram %d0 : tensor<2048xi32> -> tensor<256xi32>
  %cum0 = "tt.scan"(%h0) <{axis = 0 : i32, reverse = false}> ({
  ^bb0(%a: i32, %b: i32):
    %s = arith.addi %a, %b : i32
    tt.scan.return %s : i32
  }) : (tensor<256xi32>) -> tensor<256xi32>
  %reached0 = arith.cmpi sge, %cum0, %ks : tensor<256xi32>
  %cand0 = arith.select %reached0, %bins, %none : tensor<256xi1>, tensor<256xi32>
  %first0 = "tt.reduce"(%cand0) <{axis = 0 : i32}> ({
  ^bb0(%a: i32, %b: i32):
    %m = arith.minsi %a, %b : i32
    tt.reduce.return %m : i32
  }) : (tensor<256xi32>) -> i32
  %sh = arith.shrui %v, %c8 : tensor<2048xi32>
  %d1 = arith.andi %sh, %c255 : tensor<2048xi32>
  %f0 = tt.splat %first0 : i32 -> tensor<2048xi32>
  %match = arith.cmpi eq, %d0, %f0 : tensor<2048xi32>
  %h1 = tt.histogram %d1, %match : tensor<2048xi32> -> tensor<256xi32>
  %cum1 = "tt.scan"(%h1) <{axis = 0 : i32, reverse = false}> ({
  ^bb0(%a: i32, %b: i32):
    %s = arith.addi %a, %b : i32
    tt.scan.return %s : i32
  }) : (tensor<256xi32>) -> tensor<256xi32>
  %reached1 = arith.cmpi sge, %cum1, %ks : tensor<256xi32>
  %cand1 = arith.select %reached1, %bins, %none : tensor<256xi1>, tensor<256xi32>
  %first1 = "tt.reduce"(%cand1) <{axis = 0 : i32}> ({
  ^bb0(%a: i32, %b: i32):
    %m = arith.minsi %a, %b : i32
    tt.reduce.return %m : i32
  }) : (tensor<256xi32>) -> i32
  %sum = arith.addi %first0, %first1 : i32
  tt.store %out, %sum : !tt.ptr<i32>
  tt.return
}
