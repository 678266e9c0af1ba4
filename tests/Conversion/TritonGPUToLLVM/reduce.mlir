// RUN: tritium-opt %s --tritium-ttir-to-llvm | FileCheck %s

// A row of 1024 over 4 warps: registers, then 5 butterfly shuffles, then the
// 4 warps' partials through shared memory between barriers.
// CHECK: llvm.mlir.global external @global_smem() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<0 x i8>
// CHECK-LABEL: llvm.func @row_max
// CHECK-COUNT-5: nvvm.shfl.sync bfly
// CHECK: nvvm.barrier0
// CHECK: llvm.store {{.*}} : f32, !llvm.ptr<3>
// CHECK: nvvm.barrier0
// CHECK-COUNT-4: llvm.load {{.*}} : !llvm.ptr<3> -> f32
tt.func public @row_max(%in: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %out: !tt.ptr<f32>) {
  %r = tt.make_range {end = 1024 : i32, start = 0 : i32} : tensor<1024xi32>
  %p = tt.splat %in : !tt.ptr<f32> -> tensor<1024x!tt.ptr<f32>>
  %pa = tt.addptr %p, %r : tensor<1024x!tt.ptr<f32>>, tensor<1024xi32>
  %x = tt.load %pa : tensor<1024x!tt.ptr<f32>>
  %m = "tt.reduce"(%x) <{axis = 0 : i32}> ({
  ^bb0(%a: f32, %b: f32):
    %t = arith.maxnumf %a, %b : f32
    tt.reduce.return %t : f32
  }) : (tensor<1024xf32>) -> f32
  tt.store %out, %m : !tt.ptr<f32>
  tt.return
}

// A reduction along a dimension held by lanes of one warp needs no shared
// memory: the 64x128 bf16 tile (8 elements per thread, 16 lanes along a row,
// 2 rows per warp, 4 warps) leaves each thread 8 rows, each reduced over its
// 16 lanes in 4 shuffle levels: 32 shuffles (the barriers that follow belong
// to the store's layout conversion).
// CHECK-LABEL: llvm.func @row_sums
// CHECK-COUNT-32: nvvm.shfl.sync bfly
// CHECK-NOT: nvvm.shfl.sync
// CHECK: llvm.return
tt.func public @row_sums(%in: !tt.ptr<bf16> {tt.divisibility = 16 : i32}) -> () {
  %rows = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32>
  %cols = tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32>
  %c128 = arith.constant dense<128> : tensor<64x1xi32>
  %r = tt.expand_dims %rows {axis = 1 : i32} : tensor<64xi32> -> tensor<64x1xi32>
  %rs = arith.muli %r, %c128 : tensor<64x1xi32>
  %c = tt.expand_dims %cols {axis = 0 : i32} : tensor<128xi32> -> tensor<1x128xi32>
  %rb = tt.broadcast %rs : tensor<64x1xi32> -> tensor<64x128xi32>
  %cb = tt.broadcast %c : tensor<1x128xi32> -> tensor<64x128xi32>
  %offs = arith.addi %rb, %cb : tensor<64x128xi32>
  %p = tt.splat %in : !tt.ptr<bf16> -> tensor<64x128x!tt.ptr<bf16>>
  %pa = tt.addptr %p, %offs : tensor<64x128x!tt.ptr<bf16>>, tensor<64x128xi32>
  %x = tt.load %pa : tensor<64x128x!tt.ptr<bf16>>
  %xf = arith.extf %x : tensor<64x128xbf16> to tensor<64x128xf32>
  %s = "tt.reduce"(%xf) <{axis = 1 : i32}> ({
  ^bb0(%a: f32, %b: f32):
    %t = arith.addf %a, %b : f32
    tt.reduce.return %t : f32
  }) : (tensor<64x128xf32>) -> tensor<64xf32>
  %p2 = tt.splat %in : !tt.ptr<bf16> -> tensor<64x!tt.ptr<bf16>>
  %p2a = tt.addptr %p2, %rows : tensor<64x!tt.ptr<bf16>>, tensor<64xi32>
  %sb = arith.truncf %s : tensor<64xf32> to tensor<64xbf16>
  tt.store %p2a, %sb : tensor<64x!tt.ptr<bf16>>
  tt.return
}
