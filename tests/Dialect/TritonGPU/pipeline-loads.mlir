// RUN: tritium-opt %s --split-input-file --tritium-ttir-to-ttgir | FileCheck %s
// RUN: tritium-opt %s --split-input-file --tritium-assign-layouts --tritium-remove-layout-conversions --tritium-pipeline-loads=num-stages=2 --canonicalize | FileCheck %s --check-prefix=TWO
// RUN: tritium-opt %s --split-input-file --tritium-assign-layouts --tritium-remove-layout-conversions --tritium-pipeline-loads=num-stages=1 | FileCheck %s --check-prefix=OFF

// The loads feeding a dot are issued one iteration early: iteration 0's
// before the loop (masked off if the loop does not run), iteration i + 1's
// at the top of iteration i (masked off past the last iteration), carried
// to the dot in registers. The dot, the loop's only user of shared memory,
// is double-buffered (num_stages >= 3), with a barrier before the loop.

// CHECK-LABEL: tt.func public @k_loop
// CHECK: %[[RUNS:.*]] = arith.cmpi sgt, %[[K:.*]], %c0{{.*}} : i32
// CHECK: %[[RUNS_A:.*]] = tt.splat %[[RUNS]] : i1 -> tensor<64x32xi1
// CHECK: %[[A0:.*]] = tt.load %{{.*}}, %[[RUNS_A]] :
// CHECK: %[[RUNS_B:.*]] = tt.splat %[[RUNS]] : i1 -> tensor<32x64xi1
// CHECK: %[[B0:.*]] = tt.load %{{.*}}, %[[RUNS_B]] :
// CHECK: gpu.barrier
// CHECK: scf.for %[[IV:.*]] = {{.*}} iter_args(%[[ACC:.*]] = %{{.*}}, %[[A:.*]] = %[[A0]], %[[B:.*]] = %[[B0]])
// CHECK: %[[NEXT:.*]] = arith.addi %[[IV]], %{{.*}} : i32
// CHECK: %[[HAS_NEXT:.*]] = arith.cmpi slt, %[[NEXT]], %[[K]] : i32
// CHECK: tt.splat %[[HAS_NEXT]] : i1
// CHECK: %[[A1:.*]] = tt.load
// CHECK: tt.splat %[[HAS_NEXT]] : i1
// CHECK: %[[B1:.*]] = tt.load
// CHECK: %[[D:.*]] = tt.dot %[[A]], %[[B]], %[[ACC]], inputPrecision = tf32 {ttg.double_buffer, ttg.mma_sync}
// CHECK: scf.yield %[[D]], %[[A1]], %[[B1]]

// TWO-LABEL: tt.func public @k_loop
// TWO-NOT: gpu.barrier
// TWO: scf.for
// TWO-NOT: ttg.double_buffer
// TWO: tt.dot {{.*}} {ttg.mma_sync}

// OFF-LABEL: tt.func public @k_loop
// OFF: scf.for {{.*}} -> (tensor<64x64xf32
// OFF: tt.load
// OFF: tt.load
// OFF: tt.dot
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

// A loop that writes memory keeps its loads where they are: a store could
// feed a later iteration's load.
// CHECK-LABEL: tt.func public @stores_in_loop
// CHECK-NOT: gpu.barrier
// CHECK: scf.for {{.*}} -> (tensor<64x64xf32
// CHECK: tt.load
// CHECK: tt.load
// CHECK: tt.dot
// CHECK: tt.store
tt.func public @stores_in_loop(%pa: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %pb: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %pc: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %K: i32) {
  %zero = arith.constant dense<0.000000e+00> : tensor<64x64xf32>
  %c0 = arith.constant 0 : i32
  %c32 = arith.constant 32 : i32
  %a0 = tt.splat %pa : !tt.ptr<f16> -> tensor<64x32x!tt.ptr<f16>>
  %b0 = tt.splat %pb : !tt.ptr<f16> -> tensor<32x64x!tt.ptr<f16>>
  %c = tt.splat %pc : !tt.ptr<f32> -> tensor<64x64x!tt.ptr<f32>>
  %acc = scf.for %k = %c0 to %K step %c32 iter_args(%acc_in = %zero) -> (tensor<64x64xf32>) : i32 {
    %a = tt.load %a0 : tensor<64x32x!tt.ptr<f16>>
    %b = tt.load %b0 : tensor<32x64x!tt.ptr<f16>>
    %d = tt.dot %a, %b, %acc_in, inputPrecision = tf32 : tensor<64x32xf16> * tensor<32x64xf16> -> tensor<64x64xf32>
    tt.store %c, %d : tensor<64x64x!tt.ptr<f32>>
    scf.yield %d : tensor<64x64xf32>
  }
  tt.return
}
