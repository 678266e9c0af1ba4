// RUN: not tritiumc %s 2>&1 | FileCheck %s
// CHECK: kernel-returns.mlir:[[@LINE+1]]:1: error: kernel 'k' must not return values
tt.func public @k(%x: i32) -> i32 {
  tt.return %x : i32
}
