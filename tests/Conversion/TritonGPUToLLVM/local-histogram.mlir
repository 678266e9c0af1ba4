// A histogram summed over a loop stays in shared memory of its own
// (tritium-accumulate-histograms, tx.local_histogram_*): its bins are
// cleared once before the loop, the loop adds to them with no barrier, and
// they are read back once after it. The PTX has no bar.sync
// between the loop's label and its back edge.
// RUN: split-file %s %t
// RUN: tritiumc %t/loop.ttir --arch=sm_90a --num-warps=8 --emit=ptx -o %t/loop.ptx
// RUN: FileCheck %s --check-prefix=PTX < %t/loop.ptx
// RUN: tritium-opt %t/loop.ttir --tritium-ttir-to-llvm="num-warps=8" | FileCheck %s --check-prefix=LLVM
// RUN: not tritium-opt %t/bad.mlir --tritium-ttgir-to-llvm 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: tritium-opt %t/barriers.ttir --tritium-ttir-to-llvm | FileCheck %s --check-prefix=BARRIERS

//--- loop.ttir
// PTX-LABEL: .entry sum_histogram
// PTX: st.shared.v4.b32
// PTX: bar.sync
// PTX: $L__BB0_[[LOOP:[0-9]+]]:
// PTX-NOT: bar.sync
// PTX: @%p{{[0-9]+}} red.shared.add.u32
// PTX-NOT: bar.sync
// PTX: bra{{.*}} $L__BB0_[[LOOP]];
// PTX: bar.sync
// PTX: ld.shared
// LLVM-LABEL: llvm.func @sum_histogram
// LLVM: llvm.store %{{.*}} {alignment = 16 : i64} : vector<4xi32>, !llvm.ptr<3>
module {
  tt.func public @sum_histogram(%codes: !tt.ptr<i32> {tt.divisibility = 16 : i32}, %out: !tt.ptr<i32> {tt.divisibility = 16 : i32}, %n: i32) {
    %c0 = arith.constant 0 : i32
    %c1 = arith.constant 1 : i32
    %c2048 = arith.constant 2048 : i32
    %zeros = arith.constant dense<0> : tensor<4096xi32>
    %lane = tt.make_range {end = 2048 : i32, start = 0 : i32} : tensor<2048xi32>
    %nv = tt.splat %n : i32 -> tensor<2048xi32>
    %base = tt.splat %codes : !tt.ptr<i32> -> tensor<2048x!tt.ptr<i32>>
    %tiles = arith.divsi %n, %c2048 : i32
    %r = scf.for %i = %c0 to %tiles step %c1 iter_args(%acc = %zeros) -> (tensor<4096xi32>) : i32 {
      %first = arith.muli %i, %c2048 : i32
      %fs = tt.splat %first : i32 -> tensor<2048xi32>
      %pos = arith.addi %fs, %lane : tensor<2048xi32>
      %p = tt.addptr %base, %pos : tensor<2048x!tt.ptr<i32>>, tensor<2048xi32>
      %valid = arith.cmpi slt, %pos, %nv : tensor<2048xi32>
      %x = tt.load %p, %valid : tensor<2048x!tt.ptr<i32>>
      %h = tt.histogram %x, %valid : tensor<2048xi32> -> tensor<4096xi32>
      %next = arith.addi %acc, %h : tensor<4096xi32>
      scf.yield %next : tensor<4096xi32>
    }
    %bins = tt.make_range {end = 4096 : i32, start = 0 : i32} : tensor<4096xi32>
    %o = tt.splat %out : !tt.ptr<i32> -> tensor<4096x!tt.ptr<i32>>
    %op = tt.addptr %o, %bins : tensor<4096x!tt.ptr<i32>>, tensor<4096xi32>
    tt.store %op, %r : tensor<4096x!tt.ptr<i32>>
    tt.return
  }
}

//--- bad.mlir
// A read of a slot that no init set up is reported, not lowered.
// BAD: error: 'tx.local_histogram_read' op slot 3 has no init
#b = #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
module attributes {"ttg.num-warps" = 4 : i32} {
  tt.func public @unplanned(%out: !tt.ptr<i32>) {
    %h = tx.local_histogram_read {slot = 3 : i32} : tensor<128xi32, #b>
    %r = tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32, #b>
    %o = tt.splat %out : !tt.ptr<i32> -> tensor<128x!tt.ptr<i32>, #b>
    %p = tt.addptr %o, %r : tensor<128x!tt.ptr<i32>, #b>, tensor<128xi32, #b>
    tt.store %p, %h : tensor<128x!tt.ptr<i32>, #b>
    tt.return
  }
}

//--- barriers.ttir
// Two barriers with a load between them both stay (the pass that drops a
// barrier right after another counts inline assembly, a non-volatile load
// included, as a memory access).
// BARRIERS-LABEL: llvm.func @load_between_barriers
// BARRIERS: nvvm.barrier0
// BARRIERS: ld.global
// BARRIERS: nvvm.barrier0
// BARRIERS: st.global
module {
  tt.func public @load_between_barriers(%p: !tt.ptr<i32> {tt.divisibility = 16 : i32}) {
    %r = tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32>
    %ps = tt.splat %p : !tt.ptr<i32> -> tensor<128x!tt.ptr<i32>>
    %pp = tt.addptr %ps, %r : tensor<128x!tt.ptr<i32>>, tensor<128xi32>
    %c127 = arith.constant dense<127> : tensor<128xi32>
    %rr = arith.subi %c127, %r : tensor<128xi32>
    %qp = tt.addptr %ps, %rr : tensor<128x!tt.ptr<i32>>, tensor<128xi32>
    gpu.barrier
    %x = tt.load %pp : tensor<128x!tt.ptr<i32>>
    gpu.barrier
    tt.store %qp, %x : tensor<128x!tt.ptr<i32>>
    tt.return
  }
}
