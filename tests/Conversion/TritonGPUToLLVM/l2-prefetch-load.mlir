// The tx.l2_prefetch attribute of a tt.load (L2 fetches 64, 128 or 256
// bytes around each access on a miss): it parses and prints back, survives
// the passes to the lowering, and becomes the load's `.L2::<N>B`
// qualifier, after the cache and eviction qualifiers and before the
// vector width (the masked load is scalar: its bound is not known), on
// sm_90a and sm_80 alike. Misplaced or of another value,
// it is a diagnostic.
//
// RUN: split-file %s %t
// RUN: tritium-opt %t/ok.ttir | tritium-opt | FileCheck %s --check-prefix=ROUNDTRIP
// RUN: tritiumc %t/ok.ttir --arch=sm_90a --num-warps=4 --emit=ptx -o %t/sm90.ptx
// RUN: FileCheck %s --check-prefix=PTX < %t/sm90.ptx
// RUN: tritiumc %t/ok.ttir --arch=sm_80 --num-warps=4 --emit=ptx -o %t/sm80.ptx
// RUN: FileCheck %s --check-prefix=PTX < %t/sm80.ptx
// RUN: tritium-opt %t/invalid.mlir --split-input-file --verify-diagnostics

// ROUNDTRIP-LABEL: tt.func public @rows
// ROUNDTRIP: tt.load %{{.*}}, %{{.*}}, %{{.*}} {tx.l2_prefetch = 128 : i32} : tensor<512x!tt.ptr<i32>>
// ROUNDTRIP: tt.load %{{.*}} evictionPolicy = evict_last {tx.l2_prefetch = 256 : i32} : tensor<512x!tt.ptr<i32>>
// ROUNDTRIP: tt.load %{{.*}} : tensor<512x!tt.ptr<i32>>

// PTX-LABEL: .entry rows
// PTX: ld.global.L2::128B.b32
// PTX: ld.global.L1::evict_last.L2::256B.v4.b32
// PTX-NOT: L2::
// PTX: ld.global.v4.b32
// PTX-NOT: L2::

//--- ok.ttir
module attributes {"ttg.num-warps" = 4 : i32} {
  tt.func public @rows(%in: !tt.ptr<i32> {tt.divisibility = 16 : i32}, %out: !tt.ptr<i32> {tt.divisibility = 16 : i32}, %n: i32) {
    %r = tt.make_range {end = 512 : i32, start = 0 : i32} : tensor<512xi32>
    %nb = tt.splat %n : i32 -> tensor<512xi32>
    %m = arith.cmpi slt, %r, %nb : tensor<512xi32>
    %zero = arith.constant dense<0> : tensor<512xi32>
    %base = tt.splat %in : !tt.ptr<i32> -> tensor<512x!tt.ptr<i32>>
    %p = tt.addptr %base, %r : tensor<512x!tt.ptr<i32>>, tensor<512xi32>
    %a = tt.load %p, %m, %zero {tx.l2_prefetch = 128 : i32} : tensor<512x!tt.ptr<i32>>
    %off = arith.constant dense<512> : tensor<512xi32>
    %p2 = tt.addptr %p, %off : tensor<512x!tt.ptr<i32>>, tensor<512xi32>
    %b = tt.load %p2 evictionPolicy = evict_last {tx.l2_prefetch = 256 : i32} : tensor<512x!tt.ptr<i32>>
    %p3 = tt.addptr %p2, %off : tensor<512x!tt.ptr<i32>>, tensor<512xi32>
    %c = tt.load %p3 : tensor<512x!tt.ptr<i32>>
    %s = arith.addi %a, %b : tensor<512xi32>
    %t = arith.addi %s, %c : tensor<512xi32>
    %ob = tt.splat %out : !tt.ptr<i32> -> tensor<512x!tt.ptr<i32>>
    %op = tt.addptr %ob, %r : tensor<512x!tt.ptr<i32>>, tensor<512xi32>
    tt.store %op, %t : tensor<512x!tt.ptr<i32>>
    tt.return
  }
}

//--- invalid.mlir

tt.func @on_a_store(%p: tensor<64x!tt.ptr<i32>>, %v: tensor<64xi32>) {
  // expected-error @+1 {{tx.l2_prefetch belongs on a tt.load}}
  tt.store %p, %v {tx.l2_prefetch = 128 : i32} : tensor<64x!tt.ptr<i32>>
  tt.return
}

// -----

tt.func @other_size(%p: tensor<64x!tt.ptr<i32>>) {
  // expected-error @+1 {{tx.l2_prefetch must be an i32 of 64, 128 or 256}}
  %0 = tt.load %p {tx.l2_prefetch = 32 : i32} : tensor<64x!tt.ptr<i32>>
  tt.return
}

// -----

tt.func @unit(%p: tensor<64x!tt.ptr<i32>>) {
  // expected-error @+1 {{tx.l2_prefetch must be an i32 of 64, 128 or 256}}
  %0 = tt.load %p {tx.l2_prefetch} : tensor<64x!tt.ptr<i32>>
  tt.return
}
