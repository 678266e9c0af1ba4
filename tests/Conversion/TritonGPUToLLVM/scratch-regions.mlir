// Shared-memory scratch in two regions. Every op that needs scratch writes
// it, passes a barrier, reads it; in straight-line code the next such op
// takes the other region and needs no barrier before its writes (whoever
// read that region before did so before the previous op's barrier). Region 1
// sits after everything that uses offset 0. A block's first user keeps its
// barrier (anything may precede the block), except in a kernel's entry block,
// where shared memory is fresh.
//
// RUN: tritium-opt %s --split-input-file --tritium-convert-tritongpu-to-llvm | FileCheck %s
// RUN: tritium-opt %s --split-input-file --tritium-convert-tritongpu-to-llvm="reuse-scratch=false" | FileCheck %s --check-prefix=ONE

// Three reductions over 4 warps in a row: 16 bytes of scratch each (one slot
// per warp). The first is the kernel's first user of shared memory, the
// second takes region 1 (at byte 16), the third region 0 again: three
// barriers in all, one per reduction, where one region needs six.
#b = #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
module attributes {"ttg.num-warps" = 4 : i32} {
  // CHECK: module attributes {{.*}}ttg.shared = 32 : i32
  // CHECK-LABEL: llvm.func @three_reductions
  // CHECK-NOT: nvvm.barrier0
  // CHECK: %[[R0:.*]] = llvm.mlir.addressof @global_smem : !llvm.ptr<3>
  // CHECK-NOT: nvvm.barrier0
  // CHECK: llvm.store %{{.*}}, %{{.*}} : i32, !llvm.ptr<3>
  // CHECK-NEXT: nvvm.barrier0
  // CHECK-COUNT-4: llvm.load %{{.*}} : !llvm.ptr<3> -> i32
  // CHECK-NOT: nvvm.barrier0
  // CHECK: %[[A1:.*]] = llvm.mlir.addressof @global_smem : !llvm.ptr<3>
  // CHECK-NEXT: %[[R1:.*]] = llvm.getelementptr %[[A1]][16] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
  // CHECK-NOT: nvvm.barrier0
  // CHECK: llvm.store %{{.*}}, %{{.*}} : i32, !llvm.ptr<3>
  // CHECK-NEXT: nvvm.barrier0
  // CHECK-COUNT-4: llvm.load %{{.*}} : !llvm.ptr<3> -> i32
  // CHECK-NOT: nvvm.barrier0
  // CHECK: %[[A2:.*]] = llvm.mlir.addressof @global_smem : !llvm.ptr<3>
  // CHECK-NOT: llvm.getelementptr %[[A2]][16]
  // CHECK-NOT: nvvm.barrier0
  // CHECK: llvm.store %{{.*}}, %{{.*}} : i32, !llvm.ptr<3>
  // CHECK-NEXT: nvvm.barrier0
  // CHECK-COUNT-4: llvm.load %{{.*}} : !llvm.ptr<3> -> i32
  // CHECK-NOT: nvvm.barrier0
  // CHECK: llvm.return
  // ONE: module attributes {{.*}}ttg.shared = 16 : i32
  // ONE-LABEL: llvm.func @three_reductions
  // ONE-COUNT-6: nvvm.barrier0
  // ONE-NOT: nvvm.barrier0
  // ONE-NOT: llvm.getelementptr %{{.*}}[16] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
  // ONE: llvm.return
  tt.func public @three_reductions(%out: !tt.ptr<i32>) {
    %r = tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32, #b>
    %s = "tt.reduce"(%r) <{axis = 0 : i32}> ({
    ^bb0(%a: i32, %c: i32):
      %t = arith.addi %a, %c : i32
      tt.reduce.return %t : i32
    }) : (tensor<128xi32, #b>) -> i32
    %m = "tt.reduce"(%r) <{axis = 0 : i32}> ({
    ^bb0(%a: i32, %c: i32):
      %t = arith.maxsi %a, %c : i32
      tt.reduce.return %t : i32
    }) : (tensor<128xi32, #b>) -> i32
    %n = "tt.reduce"(%r) <{axis = 0 : i32}> ({
    ^bb0(%a: i32, %c: i32):
      %t = arith.minsi %a, %c : i32
      tt.reduce.return %t : i32
    }) : (tensor<128xi32, #b>) -> i32
    %sm = arith.addi %s, %m : i32
    %smn = arith.addi %sm, %n : i32
    tt.store %out, %smn : !tt.ptr<i32>
    tt.return
  }
}

// -----

// A loop (in cf form, as the lowering sees it): the first reduction of the
// body keeps its barrier, for the previous iteration's last reduction may
// still read region 0; the second reduction of the body follows it in the
// block and needs none. After the loop, the exit block's reduction keeps its
// barrier too.
#b = #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
module attributes {"ttg.num-warps" = 4 : i32} {
  // CHECK: module attributes {{.*}}ttg.shared = 32 : i32
  // CHECK-LABEL: llvm.func @loop
  // CHECK: ^bb1(%{{.*}}: i32, %{{.*}}: i32):
  // CHECK: nvvm.barrier0
  // CHECK-NEXT: %[[L0:.*]] = llvm.mlir.addressof @global_smem : !llvm.ptr<3>
  // CHECK: llvm.store %{{.*}}, %{{.*}} : i32, !llvm.ptr<3>
  // CHECK-NEXT: nvvm.barrier0
  // CHECK-NOT: nvvm.barrier0
  // CHECK: %[[L1:.*]] = llvm.mlir.addressof @global_smem : !llvm.ptr<3>
  // CHECK-NEXT: llvm.getelementptr %[[L1]][16] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
  // CHECK-NOT: nvvm.barrier0
  // CHECK: llvm.store %{{.*}}, %{{.*}} : i32, !llvm.ptr<3>
  // CHECK-NEXT: nvvm.barrier0
  // CHECK-NOT: nvvm.barrier0
  // CHECK: llvm.cond_br
  // CHECK: ^bb2:
  // CHECK-NOT: llvm.mlir.addressof
  // CHECK: nvvm.barrier0
  // CHECK-NEXT: llvm.mlir.addressof @global_smem : !llvm.ptr<3>
  // CHECK: nvvm.barrier0
  // CHECK-NOT: nvvm.barrier0
  // CHECK: llvm.return
  tt.func public @loop(%out: !tt.ptr<i32>, %n: i32) {
    %c0 = arith.constant 0 : i32
    %c1 = arith.constant 1 : i32
    %r = tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32, #b>
    cf.br ^body(%c0, %c0 : i32, i32)
  ^body(%i: i32, %acc: i32):
    %s = "tt.reduce"(%r) <{axis = 0 : i32}> ({
    ^bb0(%a: i32, %c: i32):
      %t = arith.addi %a, %c : i32
      tt.reduce.return %t : i32
    }) : (tensor<128xi32, #b>) -> i32
    %m = "tt.reduce"(%r) <{axis = 0 : i32}> ({
    ^bb0(%a: i32, %c: i32):
      %t = arith.maxsi %a, %c : i32
      tt.reduce.return %t : i32
    }) : (tensor<128xi32, #b>) -> i32
    %sm = arith.addi %s, %m : i32
    %acc2 = arith.addi %acc, %sm : i32
    %i2 = arith.addi %i, %c1 : i32
    %more = arith.cmpi slt, %i2, %n : i32
    cf.cond_br %more, ^body(%i2, %acc2 : i32, i32), ^exit
  ^exit:
    %x = "tt.reduce"(%r) <{axis = 0 : i32}> ({
    ^bb0(%a: i32, %c: i32):
      %t = arith.minsi %a, %c : i32
      tt.reduce.return %t : i32
    }) : (tensor<128xi32, #b>) -> i32
    %y = arith.addi %x, %acc : i32
    tt.store %out, %y : !tt.ptr<i32>
    tt.return
  }
}

// -----

// A device function's entry block is no kernel's: its first reduction keeps
// the barrier.
#b = #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
module attributes {"ttg.num-warps" = 4 : i32} {
  // CHECK-LABEL: llvm.func internal @device_sum
  // CHECK-NOT: llvm.mlir.addressof
  // CHECK: nvvm.barrier0
  // CHECK-NEXT: llvm.mlir.addressof @global_smem : !llvm.ptr<3>
  tt.func private @device_sum(%v: i32) -> i32 attributes {noinline = true} {
    %r = tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32, #b>
    %s = "tt.reduce"(%r) <{axis = 0 : i32}> ({
    ^bb0(%a: i32, %c: i32):
      %t = arith.addi %a, %c : i32
      tt.reduce.return %t : i32
    }) : (tensor<128xi32, #b>) -> i32
    %w = arith.addi %s, %v : i32
    tt.return %w : i32
  }
}

// -----

// Region 1 must not cost occupancy. Here every op taking the region it finds
// clean would put one 8 KB layout conversion in each region: 16 KB per
// block, 13 blocks per SM (228 KB, 1 KB reserved per block) where the
// threads allow 16 (4 warps) and 8 KB allowed 16. So only small scratch
// (up to 4 KB) takes region 1: both conversions keep their barrier and
// offset 0, the reduction after them takes region 1 at 8192, 16 bytes more.
#b = #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
#c = #ttg.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
#d = #ttg.blocked<{sizePerThread = [2], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
module attributes {"ttg.num-warps" = 4 : i32} {
  // CHECK: module attributes {{.*}}ttg.shared = 8208 : i32
  // CHECK-LABEL: llvm.func @large_conversions
  // CHECK-NOT: nvvm.barrier0
  // CHECK: llvm.mlir.addressof @global_smem : !llvm.ptr<3>
  // CHECK: nvvm.barrier0
  // CHECK: nvvm.barrier0
  // CHECK-NEXT: %[[BIG1:.*]] = llvm.mlir.addressof @global_smem : !llvm.ptr<3>
  // CHECK-NOT: llvm.getelementptr %[[BIG1]][{{[0-9]+}}]
  // CHECK: nvvm.barrier0
  // CHECK: nvvm.barrier0
  // CHECK-NEXT: %[[BIG2:.*]] = llvm.mlir.addressof @global_smem : !llvm.ptr<3>
  // CHECK-NOT: llvm.getelementptr %[[BIG2]][{{[0-9]+}}]
  // CHECK: nvvm.barrier0
  // CHECK-NOT: nvvm.barrier0
  // CHECK: %[[SMALL:.*]] = llvm.mlir.addressof @global_smem : !llvm.ptr<3>
  // CHECK-NEXT: llvm.getelementptr %[[SMALL]][8192] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
  // CHECK: nvvm.barrier0
  // CHECK-NOT: nvvm.barrier0
  // CHECK: llvm.return
  tt.func public @large_conversions(%out: !tt.ptr<i32>) {
    %r = tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32, #b>
    %s = "tt.reduce"(%r) <{axis = 0 : i32}> ({
    ^bb0(%a: i32, %c: i32):
      %t = arith.addi %a, %c : i32
      tt.reduce.return %t : i32
    }) : (tensor<128xi32, #b>) -> i32
    %big = tt.make_range {end = 2048 : i32, start = 0 : i32} : tensor<2048xi32, #b>
    %conv = ttg.convert_layout %big : tensor<2048xi32, #b> -> tensor<2048xi32, #c>
    %conv2 = ttg.convert_layout %conv : tensor<2048xi32, #c> -> tensor<2048xi32, #d>
    %m = "tt.reduce"(%conv2) <{axis = 0 : i32}> ({
    ^bb0(%a: i32, %c: i32):
      %t = arith.maxsi %a, %c : i32
      tt.reduce.return %t : i32
    }) : (tensor<2048xi32, #d>) -> i32
    %y = arith.addi %s, %m : i32
    tt.store %out, %y : !tt.ptr<i32>
    tt.return
  }
}

// -----

// A double-buffered dot (tritium-pipeline-loads) addresses shared memory
// itself, outside the scratch regions' bookkeeping: the reduction after it
// keeps its barrier and offset 0, and region 1 (taken by the second
// reduction) starts past the dot's two buffers and counter (2 x 4096 + 16).
#blocked = #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}>
#b = #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
module attributes {"ttg.num-warps" = 4 : i32} {
  // CHECK: module attributes {{.*}}ttg.shared = 8224 : i32
  // CHECK-LABEL: llvm.func @after_double_buffered_dot
  // CHECK: llvm.inline_asm {{.*}}mma.sync.aligned.m16n8k16
  // CHECK: nvvm.barrier0
  // CHECK-NEXT: %[[R0:.*]] = llvm.mlir.addressof @global_smem : !llvm.ptr<3>
  // CHECK-NOT: llvm.getelementptr %[[R0]][{{[1-9][0-9]*}}]
  // CHECK: nvvm.barrier0
  // CHECK-NOT: nvvm.barrier0
  // CHECK: %[[R1:.*]] = llvm.mlir.addressof @global_smem : !llvm.ptr<3>
  // CHECK-NEXT: llvm.getelementptr %[[R1]][8208] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
  // CHECK: nvvm.barrier0
  // CHECK-NOT: nvvm.barrier0
  // CHECK: llvm.return
  tt.func public @after_double_buffered_dot(%pa: !tt.ptr<f16>, %pb: !tt.ptr<f16>, %out: !tt.ptr<f32>, %out2: !tt.ptr<i32>) {
    %a0 = tt.splat %pa : !tt.ptr<f16> -> tensor<32x32x!tt.ptr<f16>, #blocked>
    %a = tt.load %a0 : tensor<32x32x!tt.ptr<f16>, #blocked>
    %b0 = tt.splat %pb : !tt.ptr<f16> -> tensor<32x32x!tt.ptr<f16>, #blocked>
    %b = tt.load %b0 : tensor<32x32x!tt.ptr<f16>, #blocked>
    %c = arith.constant dense<0.000000e+00> : tensor<32x32xf32, #blocked>
    %d = tt.dot %a, %b, %c {ttg.double_buffer, ttg.mma_sync} : tensor<32x32xf16, #blocked> * tensor<32x32xf16, #blocked> -> tensor<32x32xf32, #blocked>
    %p = tt.splat %out : !tt.ptr<f32> -> tensor<32x32x!tt.ptr<f32>, #blocked>
    tt.store %p, %d : tensor<32x32x!tt.ptr<f32>, #blocked>
    %r = tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32, #b>
    %s = "tt.reduce"(%r) <{axis = 0 : i32}> ({
    ^bb0(%x: i32, %y: i32):
      %t = arith.addi %x, %y : i32
      tt.reduce.return %t : i32
    }) : (tensor<128xi32, #b>) -> i32
    %m = "tt.reduce"(%r) <{axis = 0 : i32}> ({
    ^bb0(%x: i32, %y: i32):
      %t = arith.maxsi %x, %y : i32
      tt.reduce.return %t : i32
    }) : (tensor<128xi32, #b>) -> i32
    %sm = arith.addi %s, %m : i32
    tt.store %out2, %sm : !tt.ptr<i32>
    tt.return
  }
}

// -----

// A tensor-core dot's swizzled tiles need 1024-byte alignment: after a
// reduction (16 bytes at offset 0), the dot's staging takes region 1 at 1024.
#blocked = #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}>
#b = #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
module attributes {"ttg.num-warps" = 4 : i32} {
  // CHECK: module attributes {{.*}}ttg.shared = 5120 : i32
  // CHECK-LABEL: llvm.func @dot_after_reduction
  // CHECK: nvvm.barrier0
  // CHECK-NOT: nvvm.barrier0
  // CHECK: %[[D:.*]] = llvm.mlir.addressof @global_smem : !llvm.ptr<3>
  // CHECK-NEXT: llvm.getelementptr %[[D]][1024] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
  // CHECK-NOT: nvvm.barrier0
  // CHECK: llvm.store {{.*}} : vector<2xf16>, !llvm.ptr<3>
  // CHECK: nvvm.barrier0
  // CHECK: mma.sync.aligned.m16n8k16
  tt.func public @dot_after_reduction(%pa: !tt.ptr<f16>, %pb: !tt.ptr<f16>, %out: !tt.ptr<f32>, %out2: !tt.ptr<i32>) {
    %r = tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32, #b>
    %s = "tt.reduce"(%r) <{axis = 0 : i32}> ({
    ^bb0(%x: i32, %y: i32):
      %t = arith.addi %x, %y : i32
      tt.reduce.return %t : i32
    }) : (tensor<128xi32, #b>) -> i32
    tt.store %out2, %s : !tt.ptr<i32>
    %a0 = tt.splat %pa : !tt.ptr<f16> -> tensor<32x32x!tt.ptr<f16>, #blocked>
    %a = tt.load %a0 : tensor<32x32x!tt.ptr<f16>, #blocked>
    %b0 = tt.splat %pb : !tt.ptr<f16> -> tensor<32x32x!tt.ptr<f16>, #blocked>
    %b = tt.load %b0 : tensor<32x32x!tt.ptr<f16>, #blocked>
    %c = arith.constant dense<0.000000e+00> : tensor<32x32xf32, #blocked>
    %d = tt.dot %a, %b, %c {ttg.mma_sync} : tensor<32x32xf16, #blocked> * tensor<32x32xf16, #blocked> -> tensor<32x32xf32, #blocked>
    %p = tt.splat %out : !tt.ptr<f32> -> tensor<32x32x!tt.ptr<f32>, #blocked>
    tt.store %p, %d : tensor<32x32x!tt.ptr<f32>, #blocked>
    tt.return
  }
}
