// tx.prefetch_l2 (a hint that a range of global memory will be read soon):
// it parses and prints back; on sm_90a thread 0 issues one
// cp.async.bulk.prefetch.L2 of the range's 16-byte aligned part (nothing
// where that part is empty), on sm_80 each thread prefetches one 128-byte
// line of it (counted from the line holding its start, addressed inside
// the range). The loop's loads stay plain loads. A tensor of pointers or a
// float byte count is a diagnostic. (That the hint holds back no loop
// pass: tests/Dialect/TritonGPU/stage-loads.mlir, @hoisted.)
//
// RUN: split-file %s %t
// RUN: tritium-opt %t/ahead.ttir | tritium-opt | FileCheck %s --check-prefix=ROUNDTRIP
// RUN: tritiumc %t/ahead.ttir --arch=sm_90a --num-warps=4 --emit=ptx -o %t/sm90.ptx
// RUN: FileCheck %s --check-prefix=SM90 < %t/sm90.ptx
// RUN: tritiumc %t/ahead.ttir --arch=sm_80 --num-warps=4 --emit=ptx -o %t/sm80.ptx
// RUN: FileCheck %s --check-prefix=SM80 < %t/sm80.ptx
// RUN: tritium-opt %t/invalid.mlir --split-input-file --verify-diagnostics

// ROUNDTRIP-LABEL: tt.func public @sum_ahead
// ROUNDTRIP: tx.prefetch_l2 %{{.*}}, %{{.*}} : !tt.ptr<i64>, i64
// ROUNDTRIP: tx.prefetch_l2 %{{.*}}, %{{.*}} : !tt.ptr<i64>, i32

// SM90-LABEL: .entry sum_ahead
// SM90: mov.u32 %r{{[0-9]+}}, %tid.x;
// SM90: @p cp.async.bulk.prefetch.L2.global [%rd{{[0-9]+}}], %r{{[0-9]+}};
// SM90: @p cp.async.bulk.prefetch.L2.global
// SM90: ld.global
// SM90-NOT: prefetch.global.L2

// SM80-LABEL: .entry sum_ahead
// SM80-NOT: cp.async.bulk
// SM80: and.b64 %rd{{[0-9]+}}, %rd{{[0-9]+}}, -128;
// SM80: max.s64
// SM80: @p prefetch.global.L2 [%rd{{[0-9]+}}];
// SM80: @p prefetch.global.L2 [%rd{{[0-9]+}}];

//--- ahead.ttir
tt.func public @sum_ahead(%src: !tt.ptr<i64> {tt.divisibility = 16 : i32}, %dst: !tt.ptr<i64> {tt.divisibility = 16 : i32}, %tiles: i32) {
  %range = tt.make_range {end = 256 : i32, start = 0 : i32} : tensor<256xi32>
  %zero = arith.constant dense<0> : tensor<256xi64>
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c256 = arith.constant 256 : i32
  %c2048 = arith.constant 2048 : i32
  %all = arith.constant 8192 : i64
  tx.prefetch_l2 %src, %all : !tt.ptr<i64>, i64
  %base = tt.splat %src : !tt.ptr<i64> -> tensor<256x!tt.ptr<i64>>
  %acc = scf.for %i = %c0 to %tiles step %c1 iter_args(%a = %zero) -> (tensor<256xi64>) : i32 {
    %ahead = arith.addi %i, %c1 : i32
    %aheadOff = arith.muli %ahead, %c256 : i32
    %next = tt.addptr %src, %aheadOff : !tt.ptr<i64>, i32
    tx.prefetch_l2 %next, %c2048 : !tt.ptr<i64>, i32
    %off = arith.muli %i, %c256 : i32
    %offs = tt.splat %off : i32 -> tensor<256xi32>
    %idx = arith.addi %offs, %range : tensor<256xi32>
    %p = tt.addptr %base, %idx : tensor<256x!tt.ptr<i64>>, tensor<256xi32>
    %x = tt.load %p : tensor<256x!tt.ptr<i64>>
    %s = arith.addi %a, %x : tensor<256xi64>
    scf.yield %s : tensor<256xi64>
  }
  %out = tt.splat %dst : !tt.ptr<i64> -> tensor<256x!tt.ptr<i64>>
  %outp = tt.addptr %out, %range : tensor<256x!tt.ptr<i64>>, tensor<256xi32>
  tt.store %outp, %acc : tensor<256x!tt.ptr<i64>>
  tt.return
}

//--- invalid.mlir
tt.func @on_a_tensor(%p: tensor<64x!tt.ptr<i32>>, %n: i32) {
  // expected-error @+1 {{operand #0 must be pointer to a scalar}}
  tx.prefetch_l2 %p, %n : tensor<64x!tt.ptr<i32>>, i32
  tt.return
}

// -----

tt.func @float_bytes(%p: !tt.ptr<i32>, %n: f32) {
  // expected-error @+1 {{operand #1 must be 32-bit signless integer or 64-bit signless integer}}
  tx.prefetch_l2 %p, %n : !tt.ptr<i32>, f32
  tt.return
}
