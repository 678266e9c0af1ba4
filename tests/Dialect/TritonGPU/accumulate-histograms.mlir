// RUN: tritium-opt %s --split-input-file --tritium-accumulate-histograms --canonicalize | FileCheck %s

// Two histograms summed over a loop (the pq count's two heads): each gets a
// slot of its own, cleared before the loop, added to in it, read after it;
// the loop no longer carries them.

// CHECK-LABEL: tt.func public @two_heads
// CHECK: tx.local_histogram_init {bins = 4096 : i64, count_bits = 32 : i32, slot = 0 : i32}
// CHECK: tx.local_histogram_init {bins = 4096 : i64, count_bits = 32 : i32, slot = 1 : i32}
// CHECK: scf.for
// CHECK-NOT: iter_args
// CHECK: tx.local_histogram_add %{{.*}}, %{{.*}} {slot = 0 : i32} : tensor<2048xi32>, tensor<2048xi1>
// CHECK: tx.local_histogram_add %{{.*}} {slot = 1 : i32} : tensor<2048xi32>
// CHECK-NOT: tt.histogram
// CHECK: }
// CHECK: %[[A:.*]] = tx.local_histogram_read {slot = 0 : i32} : tensor<4096xi32>
// CHECK: %[[B:.*]] = tx.local_histogram_read {slot = 1 : i32} : tensor<4096xi32>
// CHECK: tt.store %{{.*}}, %[[A]]
// CHECK: tt.store %{{.*}}, %[[B]]
tt.func public @two_heads(%codes: !tt.ptr<i32>, %out: !tt.ptr<i32>, %n: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c8 = arith.constant 8 : i32
  %zeros = arith.constant dense<0> : tensor<4096xi32>
  %lane = tt.make_range {end = 2048 : i32, start = 0 : i32} : tensor<2048xi32>
  %nv = tt.splat %n : i32 -> tensor<2048xi32>
  %base = tt.splat %codes : !tt.ptr<i32> -> tensor<2048x!tt.ptr<i32>>
  %r:2 = scf.for %i = %c0 to %c8 step %c1 iter_args(%a = %zeros, %b = %zeros) -> (tensor<4096xi32>, tensor<4096xi32>) : i32 {
    %p = tt.addptr %base, %lane : tensor<2048x!tt.ptr<i32>>, tensor<2048xi32>
    %x = tt.load %p : tensor<2048x!tt.ptr<i32>>
    %valid = arith.cmpi slt, %lane, %nv : tensor<2048xi32>
    %ha = tt.histogram %x, %valid : tensor<2048xi32> -> tensor<4096xi32>
    %na = arith.addi %a, %ha : tensor<4096xi32>
    %hb = tt.histogram %x : tensor<2048xi32> -> tensor<4096xi32>
    %nb = arith.addi %hb, %b : tensor<4096xi32>
    scf.yield %na, %nb : tensor<4096xi32>, tensor<4096xi32>
  }
  %bins = tt.make_range {end = 4096 : i32, start = 0 : i32} : tensor<4096xi32>
  %o = tt.splat %out : !tt.ptr<i32> -> tensor<4096x!tt.ptr<i32>>
  %op = tt.addptr %o, %bins : tensor<4096x!tt.ptr<i32>>, tensor<4096xi32>
  tt.store %op, %r#0 : tensor<4096x!tt.ptr<i32>>
  tt.store %op, %r#1 : tensor<4096x!tt.ptr<i32>>
  tt.return
}

// -----

// Left alone: the accumulator starts at a value other than zero, is read
// inside the loop, or the histogram has another user.

// CHECK-LABEL: tt.func public @not_rewritten
// CHECK-NOT: tx.local_histogram
// CHECK-COUNT-3: tt.histogram
// CHECK-NOT: tx.local_histogram
tt.func public @not_rewritten(%codes: !tt.ptr<i32>, %out: !tt.ptr<i32>) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c8 = arith.constant 8 : i32
  %ones = arith.constant dense<1> : tensor<16xi32>
  %zeros = arith.constant dense<0> : tensor<16xi32>
  %lane = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32>
  %base = tt.splat %codes : !tt.ptr<i32> -> tensor<64x!tt.ptr<i32>>
  %bins = tt.make_range {end = 16 : i32, start = 0 : i32} : tensor<16xi32>
  %o = tt.splat %out : !tt.ptr<i32> -> tensor<16x!tt.ptr<i32>>
  %op = tt.addptr %o, %bins : tensor<16x!tt.ptr<i32>>, tensor<16xi32>
  %r:3 = scf.for %i = %c0 to %c8 step %c1 iter_args(%a = %ones, %b = %zeros, %c = %zeros) -> (tensor<16xi32>, tensor<16xi32>, tensor<16xi32>) : i32 {
    %p = tt.addptr %base, %lane : tensor<64x!tt.ptr<i32>>, tensor<64xi32>
    %x = tt.load %p : tensor<64x!tt.ptr<i32>>
    %ha = tt.histogram %x : tensor<64xi32> -> tensor<16xi32>
    %na = arith.addi %a, %ha : tensor<16xi32>
    %hb = tt.histogram %x : tensor<64xi32> -> tensor<16xi32>
    %nb = arith.addi %b, %hb : tensor<16xi32>
    tt.store %op, %b : tensor<16x!tt.ptr<i32>>
    %hc = tt.histogram %x : tensor<64xi32> -> tensor<16xi32>
    %nc = arith.addi %c, %hc : tensor<16xi32>
    tt.store %op, %hc : tensor<16x!tt.ptr<i32>>
    scf.yield %na, %nb, %nc : tensor<16xi32>, tensor<16xi32>, tensor<16xi32>
  }
  tt.store %op, %r#0 : tensor<16x!tt.ptr<i32>>
  tt.store %op, %r#1 : tensor<16x!tt.ptr<i32>>
  tt.store %op, %r#2 : tensor<16x!tt.ptr<i32>>
  tt.return
}

// -----

// 16-bit counts have no shared-memory add of their width: left alone.

// CHECK-LABEL: tt.func public @sixteen_bit_counts
// CHECK-NOT: tx.local_histogram
// CHECK: tt.histogram
tt.func public @sixteen_bit_counts(%codes: !tt.ptr<i32>, %out: !tt.ptr<i16>) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c8 = arith.constant 8 : i32
  %zeros = arith.constant dense<0> : tensor<256xi16>
  %lane = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32>
  %base = tt.splat %codes : !tt.ptr<i32> -> tensor<64x!tt.ptr<i32>>
  %r = scf.for %i = %c0 to %c8 step %c1 iter_args(%a = %zeros) -> (tensor<256xi16>) : i32 {
    %p = tt.addptr %base, %lane : tensor<64x!tt.ptr<i32>>, tensor<64xi32>
    %x = tt.load %p : tensor<64x!tt.ptr<i32>>
    %h = tt.histogram %x : tensor<64xi32> -> tensor<256xi16>
    %n = arith.addi %a, %h : tensor<256xi16>
    scf.yield %n : tensor<256xi16>
  }
  %bins = tt.make_range {end = 256 : i32, start = 0 : i32} : tensor<256xi32>
  %o = tt.splat %out : !tt.ptr<i16> -> tensor<256x!tt.ptr<i16>>
  %op = tt.addptr %o, %bins : tensor<256x!tt.ptr<i16>>, tensor<256xi32>
  tt.store %op, %r : tensor<256x!tt.ptr<i16>>
  tt.return
}

// -----

// A summing loop inside another: the init goes in the outer body, before
// the inner loop (so every outer iteration starts from zero bins), the read
// after it.

// CHECK-LABEL: tt.func public @nested
// CHECK: scf.for
// CHECK: tx.local_histogram_init {bins = 64 : i64, count_bits = 32 : i32, slot = 0 : i32}
// CHECK-NEXT: scf.for
// CHECK: tx.local_histogram_add %{{.*}} {slot = 0 : i32} : tensor<128xi32>
// CHECK-NEXT: }
// CHECK-NEXT: %[[H:.*]] = tx.local_histogram_read {slot = 0 : i32} : tensor<64xi32>
// CHECK: tt.store %{{.*}}, %[[H]]
tt.func public @nested(%codes: !tt.ptr<i32>, %out: !tt.ptr<i32>) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c4 = arith.constant 4 : i32
  %zeros = arith.constant dense<0> : tensor<64xi32>
  %lane = tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32>
  %base = tt.splat %codes : !tt.ptr<i32> -> tensor<128x!tt.ptr<i32>>
  %bins = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32>
  %o = tt.splat %out : !tt.ptr<i32> -> tensor<64x!tt.ptr<i32>>
  %op = tt.addptr %o, %bins : tensor<64x!tt.ptr<i32>>, tensor<64xi32>
  scf.for %j = %c0 to %c4 step %c1 : i32 {
    %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%a = %zeros) -> (tensor<64xi32>) : i32 {
      %p = tt.addptr %base, %lane : tensor<128x!tt.ptr<i32>>, tensor<128xi32>
      %x = tt.load %p : tensor<128x!tt.ptr<i32>>
      %h = tt.histogram %x : tensor<128xi32> -> tensor<64xi32>
      %n = arith.addi %a, %h : tensor<64xi32>
      scf.yield %n : tensor<64xi32>
    }
    tt.store %op, %r : tensor<64x!tt.ptr<i32>>
  }
  tt.return
}
