// RUN: tritium-opt %s --split-input-file --tritium-ttir-to-ttgir="arch-specific=1" | FileCheck %s
// RUN: tritium-opt %s --split-input-file --tritium-ttir-to-ttgir | FileCheck %s --check-prefix=NOWGMMA

// On sm_90a (arch-specific: wgmma) with num_stages >= 3, a dot's operand a
// that pipelineLoop loads one iteration ahead is marked for asynchronous
// copies: the dot and both loads share a group id, the load before the loop
// is 0 iterations ahead of the dot that reads it, the one in the loop 1.
// Operand b stays a register tile (not marked).

// CHECK-LABEL: tt.func public @k_loop
// CHECK: tt.load {{.*}} {ttg.async_ahead = 0 : i32, ttg.async_group = 0 : i64}
// CHECK-NOT: ttg.async_ahead
// CHECK: scf.for
// CHECK: tt.load {{.*}} {ttg.async_ahead = 1 : i32, ttg.async_group = 0 : i64}
// CHECK-NOT: ttg.async_ahead
// CHECK: tt.dot {{.*}} {ttg.async_group = 0 : i64, ttg.double_buffer, ttg.mma_sync, ttg.wgmma}
// Without wgmma there is nothing to mark.
// NOWGMMA-LABEL: tt.func public @k_loop
// NOWGMMA-NOT: ttg.async
tt.func public @k_loop(%pa: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %pb: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %pc: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %K: i32) {
  %zero = arith.constant dense<0.000000e+00> : tensor<64x64xf32>
  %c0 = arith.constant 0 : i32
  %c32 = arith.constant 32 : i32
  %r32 = tt.make_range {end = 32 : i32, start = 0 : i32} : tensor<32xi32>
  %a0 = tt.splat %pa : !tt.ptr<f16> -> tensor<64x32x!tt.ptr<f16>>
  %b0 = tt.splat %pb : !tt.ptr<f16> -> tensor<32x64x!tt.ptr<f16>>
  %acc = scf.for %k = %c0 to %K step %c32 iter_args(%acc_in = %zero) -> (tensor<64x64xf32>) : i32 {
    %ks = tt.splat %k : i32 -> tensor<32xi32>
    %kk = arith.addi %ks, %r32 : tensor<32xi32>
    %kr = tt.expand_dims %kk {axis = 0 : i32} : tensor<32xi32> -> tensor<1x32xi32>
    %ka = tt.broadcast %kr : tensor<1x32xi32> -> tensor<64x32xi32>
    %ap = tt.addptr %a0, %ka : tensor<64x32x!tt.ptr<f16>>, tensor<64x32xi32>
    %a = tt.load %ap : tensor<64x32x!tt.ptr<f16>>
    %kc = tt.expand_dims %kk {axis = 1 : i32} : tensor<32xi32> -> tensor<32x1xi32>
    %kb = tt.broadcast %kc : tensor<32x1xi32> -> tensor<32x64xi32>
    %bp = tt.addptr %b0, %kb : tensor<32x64x!tt.ptr<f16>>, tensor<32x64xi32>
    %b = tt.load %bp : tensor<32x64x!tt.ptr<f16>>
    %d = tt.dot %a, %b, %acc_in, inputPrecision = tf32 : tensor<64x32xf16> * tensor<32x64xf16> -> tensor<64x64xf32>
    scf.yield %d : tensor<64x64xf32>
  }
  %c = tt.splat %pc : !tt.ptr<f32> -> tensor<64x64x!tt.ptr<f32>>
  tt.store %c, %acc : tensor<64x64x!tt.ptr<f32>>
  tt.return
}

// -----

// Masked-off elements that are zeros (an `other` of 0) are what a copy of
// no bytes leaves: marked.
// CHECK-LABEL: tt.func public @other_zero
// CHECK: tt.dot {{.*}} {ttg.async_group = 0 : i64,
tt.func public @other_zero(%pa: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %pb: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %pc: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %K: i32) {
  %zero = arith.constant dense<0.000000e+00> : tensor<64x64xf32>
  %amask = arith.constant dense<true> : tensor<64x32xi1>
  %aother = arith.constant dense<0.000000e+00> : tensor<64x32xf16>
  %c0 = arith.constant 0 : i32
  %c32 = arith.constant 32 : i32
  %r32 = tt.make_range {end = 32 : i32, start = 0 : i32} : tensor<32xi32>
  %a0 = tt.splat %pa : !tt.ptr<f16> -> tensor<64x32x!tt.ptr<f16>>
  %b0 = tt.splat %pb : !tt.ptr<f16> -> tensor<32x64x!tt.ptr<f16>>
  %acc = scf.for %k = %c0 to %K step %c32 iter_args(%acc_in = %zero) -> (tensor<64x64xf32>) : i32 {
    %ks = tt.splat %k : i32 -> tensor<32xi32>
    %kk = arith.addi %ks, %r32 : tensor<32xi32>
    %kr = tt.expand_dims %kk {axis = 0 : i32} : tensor<32xi32> -> tensor<1x32xi32>
    %ka = tt.broadcast %kr : tensor<1x32xi32> -> tensor<64x32xi32>
    %ap = tt.addptr %a0, %ka : tensor<64x32x!tt.ptr<f16>>, tensor<64x32xi32>
    %a = tt.load %ap, %amask, %aother : tensor<64x32x!tt.ptr<f16>>
    %kc = tt.expand_dims %kk {axis = 1 : i32} : tensor<32xi32> -> tensor<32x1xi32>
    %kb = tt.broadcast %kc : tensor<32x1xi32> -> tensor<32x64xi32>
    %bp = tt.addptr %b0, %kb : tensor<32x64x!tt.ptr<f16>>, tensor<32x64xi32>
    %b = tt.load %bp : tensor<32x64x!tt.ptr<f16>>
    %d = tt.dot %a, %b, %acc_in, inputPrecision = tf32 : tensor<64x32xf16> * tensor<32x64xf16> -> tensor<64x64xf32>
    scf.yield %d : tensor<64x64xf32>
  }
  %c = tt.splat %pc : !tt.ptr<f32> -> tensor<64x64x!tt.ptr<f32>>
  tt.store %c, %acc : tensor<64x64x!tt.ptr<f32>>
  tt.return
}

// -----

// Any other `other` must be loaded: not marked.
// CHECK-LABEL: tt.func public @other_one
// CHECK-NOT: ttg.async
// CHECK: tt.return
tt.func public @other_one(%pa: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %pb: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %pc: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %K: i32) {
  %zero = arith.constant dense<0.000000e+00> : tensor<64x64xf32>
  %amask = arith.constant dense<true> : tensor<64x32xi1>
  %aother = arith.constant dense<1.000000e+00> : tensor<64x32xf16>
  %c0 = arith.constant 0 : i32
  %c32 = arith.constant 32 : i32
  %r32 = tt.make_range {end = 32 : i32, start = 0 : i32} : tensor<32xi32>
  %a0 = tt.splat %pa : !tt.ptr<f16> -> tensor<64x32x!tt.ptr<f16>>
  %b0 = tt.splat %pb : !tt.ptr<f16> -> tensor<32x64x!tt.ptr<f16>>
  %acc = scf.for %k = %c0 to %K step %c32 iter_args(%acc_in = %zero) -> (tensor<64x64xf32>) : i32 {
    %ks = tt.splat %k : i32 -> tensor<32xi32>
    %kk = arith.addi %ks, %r32 : tensor<32xi32>
    %kr = tt.expand_dims %kk {axis = 0 : i32} : tensor<32xi32> -> tensor<1x32xi32>
    %ka = tt.broadcast %kr : tensor<1x32xi32> -> tensor<64x32xi32>
    %ap = tt.addptr %a0, %ka : tensor<64x32x!tt.ptr<f16>>, tensor<64x32xi32>
    %a = tt.load %ap, %amask, %aother : tensor<64x32x!tt.ptr<f16>>
    %kc = tt.expand_dims %kk {axis = 1 : i32} : tensor<32xi32> -> tensor<32x1xi32>
    %kb = tt.broadcast %kc : tensor<32x1xi32> -> tensor<32x64xi32>
    %bp = tt.addptr %b0, %kb : tensor<32x64x!tt.ptr<f16>>, tensor<32x64xi32>
    %b = tt.load %bp : tensor<32x64x!tt.ptr<f16>>
    %d = tt.dot %a, %b, %acc_in, inputPrecision = tf32 : tensor<64x32xf16> * tensor<32x64xf16> -> tensor<64x64xf32>
    scf.yield %d : tensor<64x64xf32>
  }
  %c = tt.splat %pc : !tt.ptr<f32> -> tensor<64x64x!tt.ptr<f32>>
  tt.store %c, %acc : tensor<64x64x!tt.ptr<f32>>
  tt.return
}
