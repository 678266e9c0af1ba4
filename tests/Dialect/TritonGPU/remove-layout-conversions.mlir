// RUN: tritium-opt %s --tritium-assign-layouts --tritium-remove-layout-conversions --canonicalize | FileCheck %s

// Splats, ranges, expand_dims and broadcasts are rebuilt in the layout their
// users need: the pointer arithmetic of a 2-D tile needs no conversion.

// CHECK-LABEL: tt.func public @tile
// CHECK-NOT: ttg.convert_layout
// CHECK: tt.load
// CHECK-NOT: ttg.convert_layout
// CHECK: tt.return
tt.func public @tile(%in: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %out: !tt.ptr<f16> {tt.divisibility = 16 : i32}) {
  %cols = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32>
  %rows = tt.make_range {end = 16 : i32, start = 0 : i32} : tensor<16xi32>
  %c64 = arith.constant dense<64> : tensor<16x1xi32>
  %r = tt.expand_dims %rows {axis = 1 : i32} : tensor<16xi32> -> tensor<16x1xi32>
  %rs = arith.muli %r, %c64 : tensor<16x1xi32>
  %c = tt.expand_dims %cols {axis = 0 : i32} : tensor<64xi32> -> tensor<1x64xi32>
  %rb = tt.broadcast %rs : tensor<16x1xi32> -> tensor<16x64xi32>
  %cb = tt.broadcast %c : tensor<1x64xi32> -> tensor<16x64xi32>
  %offs = arith.addi %rb, %cb : tensor<16x64xi32>
  %p = tt.splat %in : !tt.ptr<f16> -> tensor<16x64x!tt.ptr<f16>>
  %pa = tt.addptr %p, %offs : tensor<16x64x!tt.ptr<f16>>, tensor<16x64xi32>
  %x = tt.load %pa : tensor<16x64x!tt.ptr<f16>>
  %q = tt.splat %out : !tt.ptr<f16> -> tensor<16x64x!tt.ptr<f16>>
  %qa = tt.addptr %q, %offs : tensor<16x64x!tt.ptr<f16>>, tensor<16x64xi32>
  tt.store %qa, %x : tensor<16x64x!tt.ptr<f16>>
  tt.return
}
