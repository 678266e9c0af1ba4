// tx.local_histogram_init / add / read parse and print back; bad uses are
// diagnostics.
//
// RUN: split-file %s %t
// RUN: tritium-opt %t/ok.mlir | tritium-opt | FileCheck %s
// RUN: tritium-opt %t/invalid.mlir --split-input-file --verify-diagnostics

//--- ok.mlir

// CHECK-LABEL: tt.func public @round_trip
// CHECK: tx.local_histogram_init {bins = 4096 : i64, count_bits = 32 : i32, slot = 0 : i32}
// CHECK: tx.local_histogram_add %{{.*}}, %{{.*}} {slot = 0 : i32} : tensor<2048xi32>, tensor<2048xi1>
// CHECK: tx.local_histogram_add %{{.*}} {slot = 0 : i32} : tensor<2048xi32>
// CHECK: tx.local_histogram_read {slot = 0 : i32} : tensor<4096xi32>
tt.func public @round_trip(%x: tensor<2048xi32>, %m: tensor<2048xi1>) -> tensor<4096xi32> {
  tx.local_histogram_init {slot = 0 : i32, bins = 4096 : i64, count_bits = 32 : i32}
  tx.local_histogram_add %x, %m {slot = 0 : i32} : tensor<2048xi32>, tensor<2048xi1>
  tx.local_histogram_add %x {slot = 0 : i32} : tensor<2048xi32>
  %h = tx.local_histogram_read {slot = 0 : i32} : tensor<4096xi32>
  tt.return %h : tensor<4096xi32>
}

//--- invalid.mlir

tt.func public @sixteen_bit_counts() {
  // expected-error @+1 {{count_bits}}
  tx.local_histogram_init {slot = 0 : i32, bins = 64 : i64, count_bits = 16 : i32}
  tt.return
}

// -----

#b = #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
#c = #ttg.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
tt.func public @mask_in_another_layout(%x: tensor<128xi32, #c>, %m: tensor<128xi1, #b>) {
  // expected-error @+1 {{mask must be i1 of the source's shape and layout}}
  tx.local_histogram_add %x, %m {slot = 0 : i32} : tensor<128xi32, #c>, tensor<128xi1, #b>
  tt.return
}

// -----

tt.func public @float_counts() -> tensor<64xf32> {
  // expected-error @+1 {{returns a 1-D tensor of i32 or i64 counts}}
  %h = tx.local_histogram_read {slot = 0 : i32} : tensor<64xf32>
  tt.return %h : tensor<64xf32>
}
