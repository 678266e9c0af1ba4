// RUN: tritium-opt %s --tritium-assign-layouts=num-warps=4 --tritium-remove-layout-conversions --canonicalize | FileCheck %s

// A zero accumulator that a loop adds row sums into is carried in the
// reduction's layout: the zeros are built in it, once, and no iteration
// converts anything. (Before, the loop carried the constant's default
// layout and converted every iteration's sums to it.)

// CHECK-LABEL: tt.func public @row_sums
// CHECK: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : tensor<64xf32, #ttg.slice<{dim = 1, parent = #ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>}>>
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[ZERO]]) -> (tensor<64xf32, #ttg.slice<{dim = 1, parent = #ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>}>>)
// CHECK-NOT: ttg.convert_layout
// CHECK: scf.yield
tt.func public @row_sums(%in: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %out: !tt.ptr<f32> {tt.divisibility = 16 : i32}) {
  %zero = arith.constant dense<0.0> : tensor<64xf32>
  %c0 = arith.constant 0 : i32
  %c16 = arith.constant 16 : i32
  %c256 = arith.constant 256 : i32
  %rows = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32>
  %cols = tt.make_range {end = 16 : i32, start = 0 : i32} : tensor<16xi32>
  %c256t = arith.constant dense<256> : tensor<64x1xi32>
  %r = tt.expand_dims %rows {axis = 1 : i32} : tensor<64xi32> -> tensor<64x1xi32>
  %ro = arith.muli %r, %c256t : tensor<64x1xi32>
  %rb = tt.broadcast %ro : tensor<64x1xi32> -> tensor<64x16xi32>
  %base = tt.splat %in : !tt.ptr<f32> -> tensor<64x16x!tt.ptr<f32>>
  %sum = scf.for %k = %c0 to %c256 step %c16 iter_args(%acc = %zero) -> (tensor<64xf32>) : i32 {
    %ks = tt.splat %k : i32 -> tensor<16xi32>
    %kc = arith.addi %ks, %cols : tensor<16xi32>
    %c = tt.expand_dims %kc {axis = 0 : i32} : tensor<16xi32> -> tensor<1x16xi32>
    %cb = tt.broadcast %c : tensor<1x16xi32> -> tensor<64x16xi32>
    %off = arith.addi %rb, %cb : tensor<64x16xi32>
    %p = tt.addptr %base, %off : tensor<64x16x!tt.ptr<f32>>, tensor<64x16xi32>
    %x = tt.load %p : tensor<64x16x!tt.ptr<f32>>
    %s = "tt.reduce"(%x) <{axis = 1 : i32}> ({
    ^bb0(%a: f32, %b: f32):
      %t = arith.addf %a, %b : f32
      tt.reduce.return %t : f32
    }) : (tensor<64x16xf32>) -> tensor<64xf32>
    %next = arith.addf %acc, %s : tensor<64xf32>
    scf.yield %next : tensor<64xf32>
  }
  %op = tt.splat %out : !tt.ptr<f32> -> tensor<64x!tt.ptr<f32>>
  %po = tt.addptr %op, %rows : tensor<64x!tt.ptr<f32>>, tensor<64xi32>
  tt.store %po, %sum : tensor<64x!tt.ptr<f32>>
  tt.return
}

// A carried value that is used other than element by element with data
// keeps its initial value's layout (decided before the body).
// CHECK-LABEL: tt.func public @carried_into_reduce
// CHECK: scf.for {{.*}} -> (tensor<64xf32, #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>>)
tt.func public @carried_into_reduce(%out: !tt.ptr<f32> {tt.divisibility = 16 : i32}) {
  %zero = arith.constant dense<1.0> : tensor<64xf32>
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c4 = arith.constant 4 : i32
  %r = scf.for %k = %c0 to %c4 step %c1 iter_args(%acc = %zero) -> (tensor<64xf32>) : i32 {
    %t = "tt.reduce"(%acc) <{axis = 0 : i32}> ({
    ^bb0(%a: f32, %b: f32):
      %s = arith.addf %a, %b : f32
      tt.reduce.return %s : f32
    }) : (tensor<64xf32>) -> f32
    %ts = tt.splat %t : f32 -> tensor<64xf32>
    %next = arith.addf %acc, %ts : tensor<64xf32>
    scf.yield %next : tensor<64xf32>
  }
  %rows = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32>
  %op = tt.splat %out : !tt.ptr<f32> -> tensor<64x!tt.ptr<f32>>
  %po = tt.addptr %op, %rows : tensor<64x!tt.ptr<f32>>, tensor<64xi32>
  tt.store %po, %r : tensor<64x!tt.ptr<f32>>
  tt.return
}
