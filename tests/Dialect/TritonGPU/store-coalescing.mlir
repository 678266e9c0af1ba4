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

// -----

// Data that arrives one element a thread, lanes on consecutive elements (a
// reduction of [2048, 2] rows of 16 bytes each, a row a thread) is stored
// in that layout: each warp instruction already writes 32 consecutive
// elements, so converting it to 8 elements a thread would only trade a trip
// through shared memory for wider stores. The addresses are rebuilt in it.

// CHECK-LABEL: tt.func public @coalesced_data_layout
// CHECK-NOT: ttg.convert_layout
// CHECK: tt.store %{{.*}}, %{{.*}} : tensor<2048x!tt.ptr<i16>, #ttg.slice<{dim = 1, parent = #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [32, 1], warpsPerCTA = [4, 1], order = [1, 0]}>}>>
tt.func public @coalesced_data_layout(%codes: !tt.ptr<i64> {tt.divisibility = 16 : i32}, %ids: !tt.ptr<i16> {tt.divisibility = 16 : i32}) {
  %rows = tt.make_range {end = 2048 : i32, start = 0 : i32} : tensor<2048xi32>
  %cols = tt.make_range {end = 2 : i32, start = 0 : i32} : tensor<2xi32>
  %c32 = arith.constant dense<32> : tensor<2048xi32>
  %keys = arith.muli %rows, %c32 : tensor<2048xi32>
  %k2 = tt.expand_dims %keys {axis = 1 : i32} : tensor<2048xi32> -> tensor<2048x1xi32>
  %c2 = tt.expand_dims %cols {axis = 0 : i32} : tensor<2xi32> -> tensor<1x2xi32>
  %kb = tt.broadcast %k2 : tensor<2048x1xi32> -> tensor<2048x2xi32>
  %cb = tt.broadcast %c2 : tensor<1x2xi32> -> tensor<2048x2xi32>
  %off = arith.addi %kb, %cb : tensor<2048x2xi32>
  %base = tt.splat %codes : !tt.ptr<i64> -> tensor<2048x2x!tt.ptr<i64>>
  %ptrs = tt.addptr %base, %off : tensor<2048x2x!tt.ptr<i64>>, tensor<2048x2xi32>
  %v = tt.load %ptrs : tensor<2048x2x!tt.ptr<i64>>
  %sum = "tt.reduce"(%v) <{axis = 1 : i32}> ({
  ^bb0(%a: i64, %b: i64):
    %s = arith.addi %a, %b : i64
    tt.reduce.return %s : i64
  }) : (tensor<2048x2xi64>) -> tensor<2048xi64>
  %t = arith.trunci %sum : tensor<2048xi64> to tensor<2048xi16>
  %is = tt.splat %ids : !tt.ptr<i16> -> tensor<2048x!tt.ptr<i16>>
  %ip = tt.addptr %is, %rows : tensor<2048x!tt.ptr<i16>>, tensor<2048xi32>
  tt.store %ip, %t : tensor<2048x!tt.ptr<i16>>
  tt.return
}
