// RUN: tritium-opt %s --split-input-file --tritium-ttgir-to-llvm | FileCheck %s

// Four warps along the axis, two elements per thread: a sequential step in
// the thread, five shuffle-up steps over 32 lanes, then the warp totals
// through shared memory (only the last lane's total counts; the others write
// a discarded slot) and a fold of the earlier warps' totals.
#blocked = #ttg.blocked<{sizePerThread = [2], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
module attributes {"ttg.num-warps" = 4 : i32} {
// CHECK-LABEL: llvm.func internal @cumsum_warps
// CHECK: llvm.fadd
// CHECK-COUNT-6: nvvm.shfl.sync up {{.*}} : i32 -> i32
// CHECK-NOT: nvvm.shfl.sync
// CHECK: nvvm.barrier0
// CHECK: llvm.select {{.*}} : i1, i32
// CHECK: llvm.store {{.*}} : f32, !llvm.ptr<3>
// CHECK: nvvm.barrier0
// CHECK-COUNT-3: llvm.load {{.*}} : !llvm.ptr<3> -> f32
// CHECK-NOT: llvm.load {{.*}} !llvm.ptr<3>
// CHECK: llvm.return
  tt.func private @cumsum_warps(%x: tensor<256xf32, #blocked>) -> tensor<256xf32, #blocked> {
    %0 = "tt.scan"(%x) <{axis = 0 : i32, reverse = false}> ({
    ^bb0(%a: f32, %b: f32):
      %s = arith.addf %a, %b : f32
      tt.scan.return %s : f32
    }) : (tensor<256xf32, #blocked>) -> tensor<256xf32, #blocked>
    tt.return %0 : tensor<256xf32, #blocked>
  }
}

// -----

// Reverse: the same steps from the end, shuffling down.
#blocked = #ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [1, 32], warpsPerCTA = [4, 1], order = [1, 0]}>
module attributes {"ttg.num-warps" = 4 : i32} {
// CHECK-LABEL: llvm.func internal @reverse_rows
// CHECK-NOT: nvvm.shfl.sync up
// CHECK: nvvm.shfl.sync down
// CHECK-NOT: nvvm.shfl.sync up
// CHECK-NOT: nvvm.barrier0
// CHECK: llvm.return
  tt.func private @reverse_rows(%x: tensor<4x128xi32, #blocked>) -> tensor<4x128xi32, #blocked> {
    %0 = "tt.scan"(%x) <{axis = 1 : i32, reverse = true}> ({
    ^bb0(%a: i32, %b: i32):
      %s = arith.addi %a, %b : i32
      tt.scan.return %s : i32
    }) : (tensor<4x128xi32, #blocked>) -> tensor<4x128xi32, #blocked>
    tt.return %0 : tensor<4x128xi32, #blocked>
  }
}

// -----

// A non-commutative two-operand combiner (h -> a * h + b): every combine
// takes the earlier pair first. In the thread, register 1 combines with
// register 0 as (a0, b0) then (a1, b1): a = a0 * a1, b = b0 * a1 + b1.
#blocked = #ttg.blocked<{sizePerThread = [2], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
module attributes {"ttg.num-warps" = 1 : i32} {
// CHECK-LABEL: llvm.func internal @linear_recurrence
// CHECK-SAME: (%[[A:[^:]*]]: !llvm.struct<(f32, f32)>, %[[B:[^:]*]]: !llvm.struct<(f32, f32)>)
// CHECK-DAG: %[[A0:.*]] = llvm.extractvalue %[[A]][0]
// CHECK-DAG: %[[A1:.*]] = llvm.extractvalue %[[A]][1]
// CHECK-DAG: %[[B0:.*]] = llvm.extractvalue %[[B]][0]
// CHECK-DAG: %[[B1:.*]] = llvm.extractvalue %[[B]][1]
// CHECK-DAG: llvm.fmul %[[A0]], %[[A1]]
// CHECK-DAG: %[[T:.*]] = llvm.fmul %[[B0]], %[[A1]]
// CHECK-DAG: llvm.fadd %[[T]], %[[B1]]
// CHECK: nvvm.shfl.sync up
// CHECK-NOT: nvvm.barrier0
// CHECK: llvm.return
  tt.func private @linear_recurrence(%a: tensor<64xf32, #blocked>, %b: tensor<64xf32, #blocked>) -> tensor<64xf32, #blocked> {
    %0:2 = "tt.scan"(%a, %b) <{axis = 0 : i32, reverse = false}> ({
    ^bb0(%a1: f32, %b1: f32, %a2: f32, %b2: f32):
      %m = arith.mulf %a1, %a2 : f32
      %t = arith.mulf %b1, %a2 : f32
      %s = arith.addf %t, %b2 : f32
      tt.scan.return %m, %s : f32, f32
    }) : (tensor<64xf32, #blocked>, tensor<64xf32, #blocked>) -> (tensor<64xf32, #blocked>, tensor<64xf32, #blocked>)
    tt.return %0#1 : tensor<64xf32, #blocked>
  }
}

// -----

// A tensor smaller than the CTA: 8 elements over 32 lanes and 4 warps. Only
// the 8 distinct lanes take part (steps 1, 2, 4); warps are replicas, so no
// shared memory.
#blocked = #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
module attributes {"ttg.num-warps" = 4 : i32} {
// CHECK-LABEL: llvm.func internal @replicated
// CHECK-COUNT-3: nvvm.shfl.sync up
// CHECK-NOT: nvvm.shfl.sync
// CHECK-NOT: nvvm.barrier0
// CHECK: llvm.return
  tt.func private @replicated(%x: tensor<8xi32, #blocked>) -> tensor<8xi32, #blocked> {
    %0 = "tt.scan"(%x) <{axis = 0 : i32, reverse = false}> ({
    ^bb0(%a: i32, %b: i32):
      %s = arith.maxsi %a, %b : i32
      tt.scan.return %s : i32
    }) : (tensor<8xi32, #blocked>) -> tensor<8xi32, #blocked>
    tt.return %0 : tensor<8xi32, #blocked>
  }
}

// -----

// Repetitions of a one-warp tile along the axis: the repetition totals come
// from the last lane (shfl.sync idx), no shared memory.
#blocked = #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
module attributes {"ttg.num-warps" = 1 : i32} {
// CHECK-LABEL: llvm.func internal @repetitions
// CHECK: nvvm.shfl.sync idx
// CHECK-NOT: nvvm.barrier0
// CHECK: llvm.return
  tt.func private @repetitions(%x: tensor<64xf64, #blocked>) -> tensor<64xf64, #blocked> {
    %0 = "tt.scan"(%x) <{axis = 0 : i32, reverse = false}> ({
    ^bb0(%a: f64, %b: f64):
      %s = arith.addf %a, %b : f64
      tt.scan.return %s : f64
    }) : (tensor<64xf64, #blocked>) -> tensor<64xf64, #blocked>
    tt.return %0 : tensor<64xf64, #blocked>
  }
}
