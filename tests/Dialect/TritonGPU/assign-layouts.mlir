// RUN: tritium-opt %s --tritium-assign-layouts=num-warps=4 --tritium-remove-layout-conversions --canonicalize | FileCheck %s
// RUN: tritium-opt %s --tritium-assign-layouts=num-warps=8 --tritium-remove-layout-conversions | FileCheck %s --check-prefix=W8

// Layouts flow from the data; reductions give slices; expand_dims takes a
// slice of its result's layout; a store gets its value in the pointers' layout.

// CHECK: module attributes {"ttg.num-warps" = 4 : i32}
// W8: module attributes {"ttg.num-warps" = 8 : i32}
// CHECK-LABEL: tt.func public @row_sum
tt.func public @row_sum(%in: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %out: !tt.ptr<f32> {tt.divisibility = 16 : i32}) {
  // 16 bytes of f32 per thread along the last dimension, lanes there first.
  // After rematerialisation the ranges are built directly as slices.
  // CHECK: tt.make_range {{.*}} : tensor<128xi32, #ttg.slice<{dim = 0, parent = #ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [1, 32], warpsPerCTA = [4, 1], order = [1, 0]}>}>>
  %cols = tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32>
  %rows = tt.make_range {end = 32 : i32, start = 0 : i32} : tensor<32xi32>
  %c128 = arith.constant dense<128> : tensor<32x1xi32>
  %r = tt.expand_dims %rows {axis = 1 : i32} : tensor<32xi32> -> tensor<32x1xi32>
  %rs = arith.muli %r, %c128 : tensor<32x1xi32>
  %c = tt.expand_dims %cols {axis = 0 : i32} : tensor<128xi32> -> tensor<1x128xi32>
  %rb = tt.broadcast %rs : tensor<32x1xi32> -> tensor<32x128xi32>
  %cb = tt.broadcast %c : tensor<1x128xi32> -> tensor<32x128xi32>
  %offs = arith.addi %rb, %cb : tensor<32x128xi32>
  %p = tt.splat %in : !tt.ptr<f32> -> tensor<32x128x!tt.ptr<f32>>
  %pa = tt.addptr %p, %offs : tensor<32x128x!tt.ptr<f32>>, tensor<32x128xi32>
  // CHECK: tt.load {{.*}} : tensor<32x128x!tt.ptr<f32>, #ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [1, 32], warpsPerCTA = [4, 1], order = [1, 0]}>>
  // W8: tt.load {{.*}} : tensor<32x128x!tt.ptr<f32>, #ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [1, 32], warpsPerCTA = [8, 1], order = [1, 0]}>>
  %x = tt.load %pa : tensor<32x128x!tt.ptr<f32>>
  // CHECK: "tt.reduce"
  // CHECK: -> tensor<32xf32, #ttg.slice<{dim = 1, parent = #ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [1, 32], warpsPerCTA = [4, 1], order = [1, 0]}>}>>
  %s = "tt.reduce"(%x) <{axis = 1 : i32}> ({
  ^bb0(%a: f32, %b: f32):
    %t = arith.addf %a, %b : f32
    tt.reduce.return %t : f32
  }) : (tensor<32x128xf32>) -> tensor<32xf32>
  %po = tt.splat %out : !tt.ptr<f32> -> tensor<32x!tt.ptr<f32>>
  %poa = tt.addptr %po, %rows : tensor<32x!tt.ptr<f32>>, tensor<32xi32>
  // The reduction's slice layout meets the pointers' default layout.
  // CHECK: ttg.convert_layout
  // CHECK: tt.store
  tt.store %poa, %s : tensor<32x!tt.ptr<f32>>
  tt.return
}
