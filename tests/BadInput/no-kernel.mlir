// RUN: not tritiumc %s 2>&1 | FileCheck %s
// CHECK: no-kernel.mlir:{{[0-9]+}}:{{[0-9]+}}: error: no kernel found: expected a public tt.func with a body
tt.func private @helper(%x: i32) -> i32 {
  tt.return %x : i32
}
