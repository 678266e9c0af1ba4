// RUN: tritium-opt %s --split-input-file --tritium-assign-layouts=num-warps=4 --tritium-remove-layout-conversions | FileCheck %s

// A store whose addresses allow only scalar accesses (the row offset
// row * stride has unknown divisibility) gets one element per thread, so a
// warp's store instruction writes consecutive halves; the value computed in
// the 16-bytes-per-thread layout is converted once (before or after the
// elementwise ops that follow the load).

// CHECK-LABEL: tt.func public @unaligned_store
// CHECK: ttg.convert_layout %{{.*}} : tensor<1024xf16, #ttg.blocked<{sizePerThread = [8]{{.*}}> -> tensor<1024xf16, #ttg.blocked<{sizePerThread = [1]
// CHECK: tt.store %{{.*}}, %{{.*}}, %{{.*}} : tensor<1024x!tt.ptr<f16>, #ttg.blocked<{sizePerThread = [1]
tt.func public @unaligned_store(%x: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %y: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %stride: i32, %n: i32) {
  %row = tt.get_program_id x : i32
  %cols = tt.make_range {end = 1024 : i32, start = 0 : i32} : tensor<1024xi32>
  %nv = tt.splat %n : i32 -> tensor<1024xi32>
  %mask = arith.cmpi slt, %cols, %nv : tensor<1024xi32>
  %off = arith.muli %row, %stride : i32
  %xrow = tt.addptr %x, %off : !tt.ptr<f16>, i32
  %xs = tt.splat %xrow : !tt.ptr<f16> -> tensor<1024x!tt.ptr<f16>>
  %xp = tt.addptr %xs, %cols : tensor<1024x!tt.ptr<f16>>, tensor<1024xi32>
  %v = tt.load %xp, %mask : tensor<1024x!tt.ptr<f16>>
  %w = arith.addf %v, %v : tensor<1024xf16>
  %yrow = tt.addptr %y, %off : !tt.ptr<f16>, i32
  %ys = tt.splat %yrow : !tt.ptr<f16> -> tensor<1024x!tt.ptr<f16>>
  %yp = tt.addptr %ys, %cols : tensor<1024x!tt.ptr<f16>>, tensor<1024xi32>
  tt.store %yp, %w, %mask : tensor<1024x!tt.ptr<f16>>
  tt.return
}

// -----

// Aligned, contiguous addresses: the store keeps 16 bytes per thread and
// no conversion is added.

// CHECK-LABEL: tt.func public @aligned_store
// CHECK-NOT: ttg.convert_layout
// CHECK: tt.store %{{.*}}, %{{.*}} : tensor<1024x!tt.ptr<f16>, #ttg.blocked<{sizePerThread = [8]
tt.func public @aligned_store(%x: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %y: !tt.ptr<f16> {tt.divisibility = 16 : i32}) {
  %pid = tt.get_program_id x : i32
  %c1024 = arith.constant 1024 : i32
  %base = arith.muli %pid, %c1024 : i32
  %cols = tt.make_range {end = 1024 : i32, start = 0 : i32} : tensor<1024xi32>
  %bs = tt.splat %base : i32 -> tensor<1024xi32>
  %offs = arith.addi %bs, %cols : tensor<1024xi32>
  %xs = tt.splat %x : !tt.ptr<f16> -> tensor<1024x!tt.ptr<f16>>
  %xp = tt.addptr %xs, %offs : tensor<1024x!tt.ptr<f16>>, tensor<1024xi32>
  %v = tt.load %xp : tensor<1024x!tt.ptr<f16>>
  %w = arith.addf %v, %v : tensor<1024xf16>
  %ys = tt.splat %y : !tt.ptr<f16> -> tensor<1024x!tt.ptr<f16>>
  %yp = tt.addptr %ys, %offs : tensor<1024x!tt.ptr<f16>>, tensor<1024xi32>
  tt.store %yp, %w : tensor<1024x!tt.ptr<f16>>
  tt.return
}
