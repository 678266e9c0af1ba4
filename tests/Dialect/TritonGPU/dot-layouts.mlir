// RUN: tritium-opt %s --split-input-file --tritium-assign-layouts=num-warps=4 --tritium-remove-layout-conversions --canonicalize | FileCheck %s
// RUN: tritium-opt %s --split-input-file --tritium-assign-layouts=num-warps=8 --tritium-remove-layout-conversions --canonicalize | FileCheck %s --check-prefix=W8

// Dots the tensor cores can compute (f16/bf16 operands, f32 accumulator, K
// a multiple of 16) get mma.sync's accumulator layout: two adjacent columns
// per thread, lanes 8 x 4, warps split along M first while M per warp is
// at least N per warp. A loop that carries the dot's result carries it in
// that layout: its initial value is built in it (a constant here), and no
// conversion happens inside the loop.

// CHECK-LABEL: tt.func public @k_loop
// CHECK: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : tensor<128x128xf32, #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}>>
// CHECK: scf.for {{.*}} iter_args(%[[ACC:.*]] = %[[ZERO]]) -> (tensor<128x128xf32, #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}>>)
// CHECK-NOT: ttg.convert_layout
// CHECK: %[[D:.*]] = tt.dot {{.*}}, %[[ACC]], inputPrecision = tf32 {ttg.mma_sync} : {{.*}} -> tensor<128x128xf32, #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}>>
// CHECK-NEXT: scf.yield %[[D]] : tensor<128x128xf32, #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}>>
// The one conversion, after the loop, moves the narrower f16 result.
// CHECK: arith.truncf {{.*}} : tensor<128x128xf32, #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}>> to tensor<128x128xf16, #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}>>
// CHECK: ttg.convert_layout {{.*}} : tensor<128x128xf16, #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}>> -> tensor<128x128xf16
// CHECK-NOT: ttg.convert_layout
// CHECK: tt.store
// W8-LABEL: tt.func public @k_loop
// W8: scf.for {{.*}} -> (tensor<128x128xf32, #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [8, 4], warpsPerCTA = [4, 2], order = [1, 0]}>>)
// W8-NOT: ttg.convert_layout
// W8: tt.dot {{.*}} {ttg.mma_sync} : {{.*}} -> tensor<128x128xf32, #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [8, 4], warpsPerCTA = [4, 2], order = [1, 0]}>>
tt.func public @k_loop(%pa: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %pb: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %pc: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %K: i32) {
  %zero = arith.constant dense<0.000000e+00> : tensor<128x128xf32>
  %c0 = arith.constant 0 : i32
  %c32 = arith.constant 32 : i32
  %a0 = tt.splat %pa : !tt.ptr<f16> -> tensor<128x32x!tt.ptr<f16>>
  %b0 = tt.splat %pb : !tt.ptr<f16> -> tensor<32x128x!tt.ptr<f16>>
  %acc = scf.for %k = %c0 to %K step %c32 iter_args(%acc_in = %zero) -> (tensor<128x128xf32>) : i32 {
    %a = tt.load %a0 : tensor<128x32x!tt.ptr<f16>>
    %b = tt.load %b0 : tensor<32x128x!tt.ptr<f16>>
    %d = tt.dot %a, %b, %acc_in, inputPrecision = tf32 : tensor<128x32xf16> * tensor<32x128xf16> -> tensor<128x128xf32>
    scf.yield %d : tensor<128x128xf32>
  }
  %h = arith.truncf %acc : tensor<128x128xf32> to tensor<128x128xf16>
  %c = tt.splat %pc : !tt.ptr<f16> -> tensor<128x128x!tt.ptr<f16>>
  tt.store %c, %h : tensor<128x128x!tt.ptr<f16>>
  tt.return
}

// -----

// Attention's P·V: the carried accumulator is rescaled before the dot; the
// rescaling happens in the mma layout (only the row factors, a slice,
// change layout), and the accumulator still never converts.
// CHECK-LABEL: tt.func public @rescaled_accumulator
// CHECK: scf.for {{.*}} -> (tensor<64x64xf32, #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}>>)
// CHECK: tt.broadcast {{.*}} -> tensor<64x64xf32, #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}>>
// CHECK: %[[SCALED:.*]] = arith.mulf {{.*}} : tensor<64x64xf32, #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}>>
// CHECK-NOT: ttg.convert_layout {{.*}} tensor<64x64xf32
// CHECK: tt.dot {{.*}}, %[[SCALED]] {ttg.mma_sync} : {{.*}} -> tensor<64x64xf32, #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}>>
// CHECK-NEXT: scf.yield
tt.func public @rescaled_accumulator(%pp: !tt.ptr<f16>, %pv: !tt.ptr<f16>, %ps: !tt.ptr<f32>, %pc: !tt.ptr<f32>, %n: i32) {
  %zero = arith.constant dense<0.000000e+00> : tensor<64x64xf32>
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %p0 = tt.splat %pp : !tt.ptr<f16> -> tensor<64x64x!tt.ptr<f16>>
  %v0 = tt.splat %pv : !tt.ptr<f16> -> tensor<64x64x!tt.ptr<f16>>
  %s0 = tt.splat %ps : !tt.ptr<f32> -> tensor<64x!tt.ptr<f32>>
  %acc = scf.for %i = %c0 to %n step %c1 iter_args(%acc_in = %zero) -> (tensor<64x64xf32>) : i32 {
    %p = tt.load %p0 : tensor<64x64x!tt.ptr<f16>>
    %v = tt.load %v0 : tensor<64x64x!tt.ptr<f16>>
    %s = tt.load %s0 : tensor<64x!tt.ptr<f32>>
    %s1 = tt.expand_dims %s {axis = 1 : i32} : tensor<64xf32> -> tensor<64x1xf32>
    %s2 = tt.broadcast %s1 : tensor<64x1xf32> -> tensor<64x64xf32>
    %scaled = arith.mulf %acc_in, %s2 : tensor<64x64xf32>
    %d = tt.dot %p, %v, %scaled : tensor<64x64xf16> * tensor<64x64xf16> -> tensor<64x64xf32>
    scf.yield %d : tensor<64x64xf32>
  }
  %c = tt.splat %pc : !tt.ptr<f32> -> tensor<64x64x!tt.ptr<f32>>
  tt.store %c, %acc : tensor<64x64x!tt.ptr<f32>>
  tt.return
}

// -----

// Nested loops: the outer loop carries the inner loop's result, which is
// the dot's; both carry it in the mma layout.
// CHECK-LABEL: tt.func public @nested_loops
// CHECK: scf.for {{.*}} -> (tensor<64x32xf32, #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>>)
// CHECK-NOT: ttg.convert_layout
// CHECK: scf.for {{.*}} -> (tensor<64x32xf32, #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>>)
// CHECK-NOT: ttg.convert_layout
// CHECK: tt.dot {{.*}} {ttg.mma_sync} : tensor<64x16xbf16, {{.*}}> * tensor<16x32xbf16, {{.*}}> -> tensor<64x32xf32, #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>>
// CHECK-NOT: ttg.convert_layout
// CHECK: scf.yield
// CHECK-NOT: ttg.convert_layout
// CHECK: scf.yield
tt.func public @nested_loops(%pa: !tt.ptr<bf16>, %pb: !tt.ptr<bf16>, %pc: !tt.ptr<f32>, %n: i32) {
  %zero = arith.constant dense<0.000000e+00> : tensor<64x32xf32>
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %a0 = tt.splat %pa : !tt.ptr<bf16> -> tensor<64x16x!tt.ptr<bf16>>
  %b0 = tt.splat %pb : !tt.ptr<bf16> -> tensor<16x32x!tt.ptr<bf16>>
  %outer = scf.for %i = %c0 to %n step %c1 iter_args(%o = %zero) -> (tensor<64x32xf32>) : i32 {
    %inner = scf.for %j = %c0 to %n step %c1 iter_args(%acc_in = %o) -> (tensor<64x32xf32>) : i32 {
      %a = tt.load %a0 : tensor<64x16x!tt.ptr<bf16>>
      %b = tt.load %b0 : tensor<16x32x!tt.ptr<bf16>>
      %d = tt.dot %a, %b, %acc_in : tensor<64x16xbf16> * tensor<16x32xbf16> -> tensor<64x32xf32>
      scf.yield %d : tensor<64x32xf32>
    }
    scf.yield %inner : tensor<64x32xf32>
  }
  %c = tt.splat %pc : !tt.ptr<f32> -> tensor<64x32x!tt.ptr<f32>>
  tt.store %c, %outer : tensor<64x32x!tt.ptr<f32>>
  tt.return
}

// -----

// What the tensor-core path does not cover keeps the default layout and no
// ttg.mma_sync: fp32 operands, and K not a multiple of 16.
// CHECK-LABEL: tt.func public @not_on_mma
// CHECK-NOT: ttg.mma_sync
// CHECK: tt.dot {{.*}} : tensor<64x32xf32, {{.*}}> * tensor<32x64xf32, {{.*}}> -> tensor<64x64xf32, #ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [2, 16], warpsPerCTA = [4, 1], order = [1, 0]}>>
// CHECK-NOT: ttg.mma_sync
// CHECK: tt.dot {{.*}} : tensor<64x8xf16, {{.*}}> * tensor<8x64xf16, {{.*}}> -> tensor<64x64xf32, #ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [2, 16], warpsPerCTA = [4, 1], order = [1, 0]}>>
// CHECK: tt.return
tt.func public @not_on_mma(%pa: !tt.ptr<f32>, %pb: !tt.ptr<f32>, %ph: !tt.ptr<f16>, %pc: !tt.ptr<f32>) {
  %zero = arith.constant dense<0.000000e+00> : tensor<64x64xf32>
  %a0 = tt.splat %pa : !tt.ptr<f32> -> tensor<64x32x!tt.ptr<f32>>
  %a = tt.load %a0 : tensor<64x32x!tt.ptr<f32>>
  %b0 = tt.splat %pb : !tt.ptr<f32> -> tensor<32x64x!tt.ptr<f32>>
  %b = tt.load %b0 : tensor<32x64x!tt.ptr<f32>>
  %d = tt.dot %a, %b, %zero : tensor<64x32xf32> * tensor<32x64xf32> -> tensor<64x64xf32>
  %h0 = tt.splat %ph : !tt.ptr<f16> -> tensor<64x8x!tt.ptr<f16>>
  %h = tt.load %h0 : tensor<64x8x!tt.ptr<f16>>
  %g0 = tt.splat %ph : !tt.ptr<f16> -> tensor<8x64x!tt.ptr<f16>>
  %g = tt.load %g0 : tensor<8x64x!tt.ptr<f16>>
  %e = tt.dot %h, %g, %d : tensor<64x8xf16> * tensor<8x64xf16> -> tensor<64x64xf32>
  %c = tt.splat %pc : !tt.ptr<f32> -> tensor<64x64x!tt.ptr<f32>>
  tt.store %c, %e : tensor<64x64x!tt.ptr<f32>>
  tt.return
}
