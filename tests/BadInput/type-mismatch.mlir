// RUN: not tritiumc %s 2>&1 | FileCheck %s
tt.func public @k(%p: tensor<16x!tt.ptr<f32>>, %v: tensor<16xf16>) {
  // CHECK: type-mismatch.mlir:[[@LINE+1]]:3: error: 'tt.store' op failed to verify that value matches the pointee type
  "tt.store"(%p, %v) <{boundaryCheck = array<i32>, cache = 1 : i32, evict = 1 : i32}> : (tensor<16x!tt.ptr<f32>>, tensor<16xf16>) -> ()
  tt.return
}
