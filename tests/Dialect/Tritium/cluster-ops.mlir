// The `tx` extension dialect's cluster ops and the tx.cluster_size and
// tx.cluster_sum_buffers kernel attributes: they parse and print back; bad
// uses are diagnostics.
//
// RUN: split-file %s %t
// RUN: tritium-opt %t/ok.mlir | tritium-opt | FileCheck %s
// RUN: tritium-opt %t/invalid.mlir --split-input-file --verify-diagnostics

//--- ok.mlir

// CHECK-LABEL: tt.func public @histogram_sum
// CHECK-SAME: attributes {tx.cluster_size = 4 : i32, tx.cluster_sum_buffers = 2 : i32}
// CHECK: tx.cluster_rank : i32
// CHECK: tx.cluster_sum %{{.*}} : tensor<64xi32>
// CHECK: tx.cluster_sum %{{.*}} : tensor<8x16xf32>
tt.func public @histogram_sum(%h: tensor<64xi32>, %f: tensor<8x16xf32>) attributes {tx.cluster_size = 4 : i32, tx.cluster_sum_buffers = 2 : i32} {
  %rank = tx.cluster_rank : i32
  %0 = tx.cluster_sum %h : tensor<64xi32>
  %1 = tx.cluster_sum %f : tensor<8x16xf32>
  tt.return
}

//--- invalid.mlir

tt.func @sum_of_i64(%h: tensor<64xi64>) {
  // expected-error @+1 {{'tx.cluster_sum' op sums i32 or f32 elements, not 'i64'}}
  %0 = tx.cluster_sum %h : tensor<64xi64>
  tt.return
}

// -----

// expected-error @+1 {{tx.cluster_size must be an i32 from 1 to 8 (the portable cluster sizes)}}
tt.func @too_large() attributes {tx.cluster_size = 16 : i32} {
  tt.return
}

// -----

// expected-error @+1 {{tx.cluster_size must be an i32 from 1 to 8 (the portable cluster sizes)}}
tt.func @not_an_integer() attributes {tx.cluster_size = "four"} {
  tt.return
}

// -----

// expected-error @+1 {{tx.cluster_size belongs on a tt.func}}
module attributes {tx.cluster_size = 2 : i32} {
}

// -----

// expected-error @+1 {{tx.cluster_sum_buffers must be an i32, 1 or 2}}
tt.func @three_buffers() attributes {tx.cluster_size = 2 : i32, tx.cluster_sum_buffers = 3 : i32} {
  tt.return
}

// -----

// expected-error @+1 {{tx.cluster_sum_buffers belongs on a tt.func}}
module attributes {tx.cluster_sum_buffers = 2 : i32} {
}

// -----

tt.func @divergent(%h: tensor<64xi32>, %c: i1) attributes {tx.cluster_size = 2 : i32} {
  scf.if %c {
    // expected-error @+1 {{'tx.cluster_sum' op must be reached by every program of the cluster: not inside scf.if}}
    %0 = tx.cluster_sum %h : tensor<64xi32>
  }
  tt.return
}

// -----

// A uniform loop is the caller's promise, as with a barrier.
tt.func @in_a_loop(%h: tensor<64xi32>) attributes {tx.cluster_size = 2 : i32} {
  %c0 = arith.constant 0 : i32
  %c4 = arith.constant 4 : i32
  %c1 = arith.constant 1 : i32
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %h) -> (tensor<64xi32>) : i32 {
    %s = tx.cluster_sum %acc : tensor<64xi32>
    scf.yield %s : tensor<64xi32>
  }
  tt.return
}
