// RUN: tritium-opt %s --split-input-file --tritium-ttgir-to-llvm | FileCheck %s

// join: lhs goes to even slots, rhs to odd ones (the result's row-major
// order), then every thread reads its own result elements.
#src = #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
#dst = #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [32, 1], warpsPerCTA = [4, 1], order = [1, 0]}>
module attributes {"ttg.num-warps" = 4 : i32} {
// CHECK-LABEL: llvm.func internal @join
// CHECK: nvvm.barrier0
// CHECK: %[[TWICE:.*]] = llvm.mul %{{.*}}, %[[TWO:.*]] : i32
// CHECK: llvm.store %{{.*}}, %{{.*}} : f32, !llvm.ptr<3>
// CHECK: llvm.add %{{.*}}, %{{.*}} : i32
// CHECK: llvm.store %{{.*}}, %{{.*}} : f32, !llvm.ptr<3>
// CHECK: nvvm.barrier0
// CHECK-COUNT-2: llvm.load %{{.*}} : !llvm.ptr<3> -> f32
// CHECK-NOT: llvm.load
// CHECK: llvm.return
  tt.func private @join(%a: tensor<128xf32, #src>, %b: tensor<128xf32, #src>) -> tensor<128x2xf32, #dst> {
    %0 = tt.join %a, %b : tensor<128xf32, #src> -> tensor<128x2xf32, #dst>
    tt.return %0 : tensor<128x2xf32, #dst>
  }
}

// -----

// split: one store of the source, two reads per result element (even slots
// for the left half, odd for the right).
#src = #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [32, 1], warpsPerCTA = [4, 1], order = [1, 0]}>
#dst = #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
module attributes {"ttg.num-warps" = 4 : i32} {
// CHECK-LABEL: llvm.func internal @split
// CHECK-COUNT-2: llvm.store %{{.*}}, %{{.*}} : f16, !llvm.ptr<3>
// CHECK: nvvm.barrier0
// CHECK-COUNT-2: llvm.load %{{.*}} : !llvm.ptr<3> -> f16
// CHECK: llvm.fadd
  tt.func private @split(%x: tensor<128x2xf16, #src>) -> tensor<128xf16, #dst> {
    %l, %r = tt.split %x : tensor<128x2xf16, #src> -> tensor<128xf16, #dst>
    %s = arith.addf %l, %r : tensor<128xf16, #dst>
    tt.return %s : tensor<128xf16, #dst>
  }
}

// -----

// cat of 1-D tensors: Triton's element order (its registers concatenated,
// operands one element per thread, result coalesced to 16 bytes per thread).
// Result element e reads slot (e / 4) % 128 + 128 * ((e / 512) * 4 + e % 4).
#blocked = #ttg.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
module attributes {"ttg.num-warps" = 4 : i32} {
// CHECK-LABEL: llvm.func internal @cat
// CHECK-COUNT-4: llvm.store %{{.*}}, %{{.*}} : f32, !llvm.ptr<3>
// CHECK: llvm.add %{{.*}}, %{{.*}} : i32
// CHECK-COUNT-4: llvm.store %{{.*}}, %{{.*}} : f32, !llvm.ptr<3>
// CHECK: nvvm.barrier0
// CHECK: llvm.urem
// CHECK-COUNT-8: llvm.load %{{.*}} : !llvm.ptr<3> -> f32
// CHECK: llvm.return
  tt.func private @cat(%a: tensor<512xf32, #blocked>, %b: tensor<512xf32, #blocked>) -> tensor<1024xf32, #blocked> {
    %0 = tt.cat %a, %b : tensor<512xf32, #blocked> -> tensor<1024xf32, #blocked>
    tt.return %0 : tensor<1024xf32, #blocked>
  }
}

// -----

// gather along axis 1: the source is staged, then each result register reads
// the source row at the column its index register names (wrapped to 64).
// The 16 columns are replicated over the 64 the layout covers: 4 registers.
#blocked = #ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [2, 16], warpsPerCTA = [4, 1], order = [1, 0]}>
module attributes {"ttg.num-warps" = 4 : i32} {
// CHECK-LABEL: llvm.func internal @gather
// CHECK-SAME: %[[SRC:[^:]*]]: !llvm.struct<(f32, f32, f32, f32)>, %[[IDX:[^:]*]]: !llvm.struct<(i64, i64, i64, i64)>
// CHECK-DAG: %[[I0:.*]] = llvm.extractvalue %[[IDX]][0]
// CHECK-DAG: %[[MASK:.*]] = llvm.mlir.constant(63 : i32)
// CHECK: nvvm.barrier0
// CHECK: %[[T0:.*]] = llvm.trunc %[[I0]] : i64 to i32
// CHECK: llvm.and %[[T0]], %[[MASK]]
// CHECK: llvm.load %{{.*}} : !llvm.ptr<3> -> f32
// CHECK-COUNT-3: llvm.load %{{.*}} : !llvm.ptr<3> -> f32
// CHECK-NOT: llvm.load
// CHECK: llvm.return
  tt.func private @gather(%src: tensor<8x64xf32, #blocked>, %idx: tensor<8x16xi64, #blocked>) -> tensor<8x16xf32, #blocked> {
    %0 = tt.gather %src[%idx] {axis = 1 : i32} : (tensor<8x64xf32, #blocked>, tensor<8x16xi64, #blocked>) -> tensor<8x16xf32, #blocked>
    tt.return %0 : tensor<8x16xf32, #blocked>
  }
}

// -----

// unsplat: every register of a one-element tensor holds the element.
#blocked = #ttg.blocked<{sizePerThread = [2], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
module attributes {"ttg.num-warps" = 4 : i32} {
// CHECK-LABEL: llvm.func internal @unsplat
// CHECK-SAME: (%[[X:.*]]: !llvm.struct<(i32, i32)>) -> i32
// CHECK-NOT: nvvm.barrier0
// CHECK: %[[V:.*]] = llvm.extractvalue %[[X]][0]
// CHECK: llvm.return %[[V]] : i32
  tt.func private @unsplat(%x: tensor<1xi32, #blocked>) -> i32 {
    %0 = tt.unsplat %x : tensor<1xi32, #blocked>
    tt.return %0 : i32
  }
}
