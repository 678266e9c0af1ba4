// The tx.sparse_store attribute of a tt.store (AssignLayouts keeps such a
// store in its mask's layout): it parses and prints back; misplaced or
// valued, it is a diagnostic.
//
// RUN: split-file %s %t
// RUN: tritium-opt %t/ok.mlir | tritium-opt | FileCheck %s
// RUN: tritium-opt %t/invalid.mlir --split-input-file --verify-diagnostics

//--- ok.mlir

// CHECK-LABEL: tt.func public @marked
// CHECK: tt.store %{{.*}}, %{{.*}}, %{{.*}} {tx.sparse_store} : tensor<64x!tt.ptr<i32>>
tt.func public @marked(%p: tensor<64x!tt.ptr<i32>>, %v: tensor<64xi32>, %m: tensor<64xi1>) {
  tt.store %p, %v, %m {tx.sparse_store} : tensor<64x!tt.ptr<i32>>
  tt.return
}

//--- invalid.mlir

tt.func @on_a_load(%p: tensor<64x!tt.ptr<i32>>) {
  // expected-error @+1 {{tx.sparse_store belongs on a tt.store}}
  %0 = tt.load %p {tx.sparse_store} : tensor<64x!tt.ptr<i32>>
  tt.return
}

// -----

tt.func @with_a_value(%p: tensor<64x!tt.ptr<i32>>, %v: tensor<64xi32>) {
  // expected-error @+1 {{tx.sparse_store is a unit attribute}}
  tt.store %p, %v {tx.sparse_store = 1 : i32} : tensor<64x!tt.ptr<i32>>
  tt.return
}
