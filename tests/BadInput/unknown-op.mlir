// RUN: not tritiumc %s 2>&1 | FileCheck %s
tt.func public @k(%p: !tt.ptr<f32>) {
  // CHECK: unknown-op.mlir:[[@LINE+1]]:3: error: custom op 'tt.frobnicate' is unknown
  tt.frobnicate %p : !tt.ptr<f32>
  tt.return
}
