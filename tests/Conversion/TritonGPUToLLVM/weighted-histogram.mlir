// tx.weighted_histogram: tt.histogram's bins in shared memory, each counted
// lane adding its weight instead of 1. Its weights and mask take the
// source's layout (as a tt.histogram's mask does); a result that feeds a
// scan is replicated in every warp as a tt.histogram's is. Bad uses are
// diagnostics.
//
// RUN: split-file %s %t
// RUN: tritium-opt %t/ok.ttir | tritium-opt | FileCheck %s --check-prefix=PARSE
// RUN: tritium-opt %t/ok.ttir --tritium-assign-layouts=num-warps=4 | FileCheck %s --check-prefix=LAYOUT -DSRC='#ttg.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>' -DBINS='#ttg.blocked<{sizePerThread = [8], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>'
// RUN: tritium-opt %t/ok.ttir --tritium-ttir-to-llvm | FileCheck %s --check-prefix=LLVM
// RUN: tritiumc %t/ok.ttir --arch=sm_90a --emit=ptx -o %t/ok.ptx
// RUN: FileCheck %s --check-prefix=PTX < %t/ok.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_90a %t/ok.ptx -o %t/ok.cubin %}
// RUN: tritium-opt %t/invalid.ttir --split-input-file --verify-diagnostics

//--- ok.ttir

// PARSE-LABEL: tt.func public @pair_counts
// PARSE: tx.weighted_histogram %{{.*}}, %{{.*}}, %{{.*}} : tensor<1024xi32>, tensor<1024xi32>, tensor<1024xi1> -> tensor<256xi32>
// PARSE: tx.weighted_histogram %{{.*}}, %{{.*}} : tensor<1024xi32>, tensor<1024xi32> -> tensor<64xi32>

// The mask, computed in the layout of the scanned bins' range, is converted
// to the source's layout, as the weights would be; the scanned result is
// replicated in every warp (256 bins: 8 a lane).
// LAYOUT-LABEL: tt.func public @pair_counts
// LAYOUT: %[[M:.*]] = ttg.convert_layout %{{.*}} : tensor<1024xi1, [[BINS]]> -> tensor<1024xi1, [[SRC]]>
// LAYOUT: tx.weighted_histogram %{{.*}}, %{{.*}}, %[[M]] : tensor<1024xi32, [[SRC]]>, tensor<1024xi32, [[SRC]]>, tensor<1024xi1, [[SRC]]> -> tensor<256xi32, [[BINS]]>
// LAYOUT: "tt.scan"
// LAYOUT: (tensor<256xi32, [[BINS]]>) -> tensor<256xi32, [[BINS]]>

// Cleared bins, one predicated red.shared.add of the lane's weight per
// counted element, read back after a barrier.
// LLVM-LABEL: llvm.func @pair_counts
// LLVM: llvm.store %{{.*}} : i32, !llvm.ptr<3>
// LLVM: nvvm.barrier0
// LLVM: %[[IN:.*]] = llvm.icmp "ult" %{{.*}}, %{{.*}} : i64
// LLVM: %[[COUNTED:.*]] = llvm.and %[[IN]], %{{.*}} : i1
// LLVM: llvm.inline_asm has_side_effects "@$0 red.shared.add.u32 [ $1 + 0 ], $2;", "b,r,r,~{memory}" %[[COUNTED]], %{{.*}}, %{{.*}} : (i1, i32, i32) -> ()
// LLVM-NOT: red.shared.add.u32 [ $1 + 0 ], 1;
// LLVM: nvvm.barrier0
// LLVM: llvm.load %{{.*}} : !llvm.ptr<3> -> i32
// PTX: .visible .entry pair_counts
// PTX: red.shared.add.u32 [ %r{{[0-9]+}} + 0 ], %r{{[0-9]+}};
tt.func public @pair_counts(%x: !tt.ptr<i32> {tt.divisibility = 16 : i32}, %w: !tt.ptr<i32> {tt.divisibility = 16 : i32}, %out: !tt.ptr<i32> {tt.divisibility = 16 : i32}, %n: i32) {
  %r = tt.make_range {end = 1024 : i32, start = 0 : i32} : tensor<1024xi32>
  %xs = tt.splat %x : !tt.ptr<i32> -> tensor<1024x!tt.ptr<i32>>
  %xp = tt.addptr %xs, %r : tensor<1024x!tt.ptr<i32>>, tensor<1024xi32>
  %v = tt.load %xp : tensor<1024x!tt.ptr<i32>>
  %c1023 = arith.constant dense<1023> : tensor<1024xi32>
  %rev = arith.subi %c1023, %r : tensor<1024xi32>
  %ws = tt.splat %w : !tt.ptr<i32> -> tensor<1024x!tt.ptr<i32>>
  %wp = tt.addptr %ws, %rev : tensor<1024x!tt.ptr<i32>>, tensor<1024xi32>
  %weights = tt.load %wp : tensor<1024x!tt.ptr<i32>>
  %ns = tt.splat %n : i32 -> tensor<1024xi32>
  %m = arith.cmpi slt, %r, %ns : tensor<1024xi32>
  %h = tx.weighted_histogram %v, %weights, %m : tensor<1024xi32>, tensor<1024xi32>, tensor<1024xi1> -> tensor<256xi32>
  %cum = "tt.scan"(%h) <{axis = 0 : i32, reverse = false}> ({
  ^bb0(%a: i32, %b: i32):
    %s = arith.addi %a, %b : i32
    tt.scan.return %s : i32
  }) : (tensor<256xi32>) -> tensor<256xi32>
  %b = tt.make_range {end = 256 : i32, start = 0 : i32} : tensor<256xi32>
  %os = tt.splat %out : !tt.ptr<i32> -> tensor<256x!tt.ptr<i32>>
  %op = tt.addptr %os, %b : tensor<256x!tt.ptr<i32>>, tensor<256xi32>
  tt.store %op, %cum : tensor<256x!tt.ptr<i32>>
  %h2 = tx.weighted_histogram %v, %weights : tensor<1024xi32>, tensor<1024xi32> -> tensor<64xi32>
  %b2 = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32>
  %os2 = tt.splat %out : !tt.ptr<i32> -> tensor<64x!tt.ptr<i32>>
  %op2 = tt.addptr %os2, %b2 : tensor<64x!tt.ptr<i32>>, tensor<64xi32>
  tt.store %op2, %h2 : tensor<64x!tt.ptr<i32>>
  tt.return
}

// tt.histogram's mask, too, is converted to its source's layout (its type
// must be the source's, layout included).
// LAYOUT-LABEL: tt.func public @masked_counts
// LAYOUT: %[[M:.*]] = ttg.convert_layout %{{.*}} : tensor<1024xi1, [[BINS]]> -> tensor<1024xi1, [[SRC]]>
// LAYOUT: tt.histogram %{{.*}}, %[[M]] : tensor<1024xi32, [[SRC]]> -> tensor<256xi32, [[BINS]]>
tt.func public @masked_counts(%x: !tt.ptr<i32> {tt.divisibility = 16 : i32}, %out: !tt.ptr<i32> {tt.divisibility = 16 : i32}, %n: i32) {
  %r = tt.make_range {end = 1024 : i32, start = 0 : i32} : tensor<1024xi32>
  %xs = tt.splat %x : !tt.ptr<i32> -> tensor<1024x!tt.ptr<i32>>
  %xp = tt.addptr %xs, %r : tensor<1024x!tt.ptr<i32>>, tensor<1024xi32>
  %v = tt.load %xp : tensor<1024x!tt.ptr<i32>>
  %ns = tt.splat %n : i32 -> tensor<1024xi32>
  %m = arith.cmpi slt, %r, %ns : tensor<1024xi32>
  %h = tt.histogram %v, %m : tensor<1024xi32> -> tensor<256xi32>
  %cum = "tt.scan"(%h) <{axis = 0 : i32, reverse = false}> ({
  ^bb0(%a: i32, %b: i32):
    %s = arith.addi %a, %b : i32
    tt.scan.return %s : i32
  }) : (tensor<256xi32>) -> tensor<256xi32>
  %b = tt.make_range {end = 256 : i32, start = 0 : i32} : tensor<256xi32>
  %os = tt.splat %out : !tt.ptr<i32> -> tensor<256x!tt.ptr<i32>>
  %op = tt.addptr %os, %b : tensor<256x!tt.ptr<i32>>, tensor<256xi32>
  tt.store %op, %cum : tensor<256x!tt.ptr<i32>>
  tt.return
}

//--- invalid.ttir

tt.func @weights_of_another_shape(%x: tensor<64xi32>, %w: tensor<32xi32>) {
  // expected-error @+1 {{'tx.weighted_histogram' op weights must have the source's shape and the result's element type, got 'tensor<32xi32>'}}
  %0 = tx.weighted_histogram %x, %w : tensor<64xi32>, tensor<32xi32> -> tensor<16xi32>
  tt.return
}

// -----

tt.func @float_weights(%x: tensor<64xi32>, %w: tensor<64xf32>) {
  // expected-error @+1 {{'tx.weighted_histogram' op weights must have the source's shape and the result's element type, got 'tensor<64xf32>'}}
  %0 = tx.weighted_histogram %x, %w : tensor<64xi32>, tensor<64xf32> -> tensor<16xi32>
  tt.return
}

// -----

tt.func @float_bins(%x: tensor<64xf32>, %w: tensor<64xi32>) {
  // expected-error @+1 {{'tx.weighted_histogram' op bins (src) are integers, not 'f32'}}
  %0 = tx.weighted_histogram %x, %w : tensor<64xf32>, tensor<64xi32> -> tensor<16xi32>
  tt.return
}

// -----

tt.func @two_dimensional(%x: tensor<8x8xi32>, %w: tensor<8x8xi32>) {
  // expected-error @+1 {{'tx.weighted_histogram' op takes and produces 1-D tensors}}
  %0 = tx.weighted_histogram %x, %w : tensor<8x8xi32>, tensor<8x8xi32> -> tensor<16xi32>
  tt.return
}

// -----

tt.func @mask_of_another_shape(%x: tensor<64xi32>, %w: tensor<64xi32>, %m: tensor<32xi1>) {
  // expected-error @+1 {{'tx.weighted_histogram' op mask must be i1 of the source's shape, got 'tensor<32xi1>'}}
  %0 = tx.weighted_histogram %x, %w, %m : tensor<64xi32>, tensor<64xi32>, tensor<32xi1> -> tensor<16xi32>
  tt.return
}
