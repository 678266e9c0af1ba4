// RUN: tritium-opt %s --split-input-file --tritium-ttgir-to-llvm | FileCheck %s

// Non-splat tensor constants. Each thread needs the elements its registers
// hold under the tensor's layout.

// Values that vary along a dimension spread over lanes: each thread loads
// its elements from a constant array in global memory, at their row-major
// index. Equal constants share one array.
#blocked = #ttg.blocked<{sizePerThread = [2], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
module attributes {"ttg.num-warps" = 1 : i32} {
// CHECK: llvm.mlir.global internal constant @tritium_constant_0(dense<[0, 1, 4, 9, 16, 25, 36, 49, 64, 81, 100, 121, 144, 169, 196, 225, 256, 289, 324, 361, 400, 441, 484, 529, 576, 625, 676, 729, 784, 841, 900, 961, 1024, 1089, 1156, 1225, 1296, 1369, 1444, 1521, 1600, 1681, 1764, 1849, 1936, 2025, 2116, 2209, 2304, 2401, 2500, 2601, 2704, 2809, 2916, 3025, 3136, 3249, 3364, 3481, 3600, 3721, 3844, 3969]> : tensor<64xi32>) {addr_space = 1 : i32, alignment = 16 : i64} : !llvm.array<64 x i32>
// CHECK-NOT: @tritium_constant_1
// CHECK-LABEL: llvm.func internal @squares
// CHECK: %[[ARRAY:.*]] = llvm.mlir.addressof @tritium_constant_0 : !llvm.ptr<1>
// CHECK: %[[P0:.*]] = llvm.getelementptr %[[ARRAY]][%{{.*}}] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
// CHECK: llvm.load %[[P0]] invariant {alignment = 4 : i64} : !llvm.ptr<1> -> i32
// CHECK: %[[P1:.*]] = llvm.getelementptr %[[ARRAY]][%{{.*}}] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
// CHECK: llvm.load %[[P1]] invariant {alignment = 4 : i64} : !llvm.ptr<1> -> i32
// CHECK-NOT: llvm.load
// CHECK: llvm.return
  tt.func private @squares() -> tensor<64xi32, #blocked> {
    %0 = arith.constant dense<[0, 1, 4, 9, 16, 25, 36, 49, 64, 81, 100, 121, 144, 169, 196, 225, 256, 289, 324, 361, 400, 441, 484, 529, 576, 625, 676, 729, 784, 841, 900, 961, 1024, 1089, 1156, 1225, 1296, 1369, 1444, 1521, 1600, 1681, 1764, 1849, 1936, 2025, 2116, 2209, 2304, 2401, 2500, 2601, 2704, 2809, 2916, 3025, 3136, 3249, 3364, 3481, 3600, 3721, 3844, 3969]> : tensor<64xi32, #blocked>
    tt.return %0 : tensor<64xi32, #blocked>
  }
// CHECK-LABEL: llvm.func internal @squares_again
// CHECK: llvm.mlir.addressof @tritium_constant_0 : !llvm.ptr<1>
  tt.func private @squares_again() -> tensor<64xi32, #blocked> {
    %0 = arith.constant dense<[0, 1, 4, 9, 16, 25, 36, 49, 64, 81, 100, 121, 144, 169, 196, 225, 256, 289, 324, 361, 400, 441, 484, 529, 576, 625, 676, 729, 784, 841, 900, 961, 1024, 1089, 1156, 1225, 1296, 1369, 1444, 1521, 1600, 1681, 1764, 1849, 1936, 2025, 2116, 2209, 2304, 2401, 2500, 2601, 2704, 2809, 2916, 3025, 3136, 3249, 3364, 3481, 3600, 3721, 3844, 3969]> : tensor<64xi32, #blocked>
    tt.return %0 : tensor<64xi32, #blocked>
  }
}

// -----

// i1 is stored as i8 and bf16 as i16, then truncated / bitcast back.
#blocked = #ttg.blocked<{sizePerThread = [2], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
module attributes {"ttg.num-warps" = 1 : i32} {
// CHECK-DAG: llvm.mlir.global internal constant @[[BOOLS:tritium_constant_[0-9]]](dense<[1, 0, 0, 1, {{.*}}]> : tensor<64xi8>) {addr_space = 1 : i32, alignment = 16 : i64} : !llvm.array<64 x i8>
// CHECK-DAG: llvm.mlir.global internal constant @[[HALVES:tritium_constant_[0-9]]](dense<[16128, 16320, {{.*}}]> : tensor<64xi16>) {addr_space = 1 : i32, alignment = 16 : i64} : !llvm.array<64 x i16>
// CHECK-LABEL: llvm.func internal @bools
// CHECK: llvm.mlir.addressof @[[BOOLS]]
// CHECK: %[[B:.*]] = llvm.load %{{.*}} invariant {alignment = 1 : i64} : !llvm.ptr<1> -> i8
// CHECK: llvm.trunc %[[B]] : i8 to i1
// CHECK-LABEL: llvm.func internal @bf16s
// CHECK: llvm.mlir.addressof @[[HALVES]]
// CHECK: %[[H:.*]] = llvm.load %{{.*}} invariant {alignment = 2 : i64} : !llvm.ptr<1> -> i16
// CHECK: llvm.bitcast %[[H]] : i16 to bf16
  tt.func private @bools() -> tensor<64xi1, #blocked> {
    %0 = arith.constant dense<[true, false, false, true, false, false, true, false, false, true, false, false, true, false, false, true, false, false, true, false, false, true, false, false, true, false, false, true, false, false, true, false, false, true, false, false, true, false, false, true, false, false, true, false, false, true, false, false, true, false, false, true, false, false, true, false, false, true, false, false, true, false, false, true]> : tensor<64xi1, #blocked>
    tt.return %0 : tensor<64xi1, #blocked>
  }
  tt.func private @bf16s() -> tensor<64xbf16, #blocked> {
    %0 = arith.constant dense<[0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5, 14.5, 15.5, 16.5, 17.5, 18.5, 19.5, 20.5, 21.5, 22.5, 23.5, 24.5, 25.5, 26.5, 27.5, 28.5, 29.5, 30.5, 31.5, 32.5, 33.5, 34.5, 35.5, 36.5, 37.5, 38.5, 39.5, 40.5, 41.5, 42.5, 43.5, 44.5, 45.5, 46.5, 47.5, 48.5, 49.5, 50.5, 51.5, 52.5, 53.5, 54.5, 55.5, 56.5, 57.5, 58.5, 59.5, 60.5, 61.5, 62.5, 63.5]> : tensor<64xbf16, #blocked>
    tt.return %0 : tensor<64xbf16, #blocked>
  }
}

// -----

// Each thread holds a whole column and every column is the same: a
// register's value is the same in every thread, so it is an immediate.
#blocked = #ttg.blocked<{sizePerThread = [4, 1], threadsPerWarp = [1, 32], warpsPerCTA = [1, 1], order = [1, 0]}>
module attributes {"ttg.num-warps" = 1 : i32} {
// CHECK-NOT: llvm.mlir.global internal constant
// CHECK-LABEL: llvm.func internal @per_row
// CHECK-DAG: llvm.mlir.constant(1.500000e+00 : f16) : f16
// CHECK-DAG: llvm.mlir.constant(-2.000000e+00 : f16) : f16
// CHECK-DAG: llvm.mlir.constant(0x7E00 : f16) : f16
// CHECK-DAG: llvm.mlir.constant(0.000000e+00 : f16) : f16
// CHECK-NOT: llvm.load
// CHECK: llvm.return
  tt.func private @per_row() -> tensor<4x32xf16, #blocked> {
    %0 = arith.constant dense<[[1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5], [-2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0], [0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00, 0x7E00], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<4x32xf16, #blocked>
    tt.return %0 : tensor<4x32xf16, #blocked>
  }
}
