// RUN: not tritiumc %s 2>&1 | FileCheck %s
tt.func public @k(%p: !tt.ptr<f32>) {
  // CHECK: undefined-value.mlir:[[@LINE+1]]:22: error: use of undeclared SSA value name
  %0 = tt.addptr %p, %nowhere : !tt.ptr<f32>, i32
  tt.return
}
