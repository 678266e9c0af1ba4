// Staged loads (tritium-stage-loads, tx.async_*) in PTX: each thread's
// 16-byte groups become cp.async.cg copies (4- and 8-byte ones .ca) into
// its own part of the stage (predicated off where masked, the group
// zeroed by a store), one commit group per iteration, a wait_group for
// iteration i's group, and a vector ld.shared of the same groups. No
// barrier anywhere: no thread reads another's copy. tritium-stage-loads
// leaves loads of narrower groups alone; given one, the lowering copies
// each group through a register (synchronously). A read of a slot nothing
// copies into is a diagnostic.
//
// RUN: split-file %s %t
// RUN: tritiumc %t/wide.ttir --arch=sm_90a --num-warps=4 --emit=ptx -o %t/wide.ptx
// RUN: FileCheck %s --check-prefix=WIDE < %t/wide.ptx
// RUN: tritiumc %t/narrow.ttir --arch=sm_90a --num-warps=4 --emit=ptx -o %t/narrow.ptx
// RUN: FileCheck %s --check-prefix=NARROW < %t/narrow.ptx
// RUN: tritium-opt %t/fallback.mlir --tritium-ttgir-to-llvm | FileCheck %s --check-prefix=FALLBACK
// RUN: not tritium-opt %t/bad.mlir --tritium-ttgir-to-llvm 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not tritiumc %t/toobig.ttir --arch=sm_90a --num-warps=8 --emit=ptx -o %t/toobig.ptx 2>&1 | FileCheck %s --check-prefix=TOOBIG

// WIDE-LABEL: .entry sum_tiles
// WIDE-NOT: bar.sync
// WIDE: @p cp.async.cg.shared.global [%rd{{[0-9]+}}], [%rd{{[0-9]+}}], 16;
// WIDE-NEXT: @!p st.shared.v4.b32 [%rd{{[0-9]+}}], {z, z, z, z};
// WIDE: cp.async.commit_group;
// WIDE: cp.async.cg.shared.global
// WIDE: cp.async.commit_group;
// WIDE: $L__BB0_[[LOOP:[0-9]+]]:
// WIDE: cp.async.cg.shared.global
// WIDE: cp.async.commit_group;
// WIDE: cp.async.wait_group 2;
// WIDE: ld.shared
// WIDE-NOT: bar.sync
// WIDE: @%p{{[0-9]+}} bra $L__BB0_[[LOOP]];
// WIDE: cp.async.wait_group 0;
// WIDE-NOT: bar.sync

// NARROW-LABEL: .entry narrow_tiles
// NARROW-NOT: cp.async.cg
// NARROW: cp.async.ca.shared.global [%rd{{[0-9]+}}], [%rd{{[0-9]+}}], 4;
// NARROW: cp.async.wait_group 1;
// NARROW-DAG: ld.shared.v2.b16
// NARROW-DAG: ld.global.b16

// FALLBACK-LABEL: llvm.func @two_byte_groups
// FALLBACK: llvm.inline_asm has_side_effects {{.*}}"{\0A\09.reg .pred p;\0A\09.reg .b16 r;\0A\09setp.ne.b32 p, $2, 0;\0A\09mov.b16 r, 0;\0A\09@p ld.global.b16 r, [$1];\0A\09st.shared.b16 [$0], r;\0A\09}", "l,l,r"
// FALLBACK: cp.async.commit_group;
// FALLBACK: cp.async.wait_group 0;
// FALLBACK: llvm.load {{.*}} {alignment = 2 : i64} : !llvm.ptr<3> -> i16

// BAD: error: 'tx.async_load' op reads slot 3, which no tx.async_copy fills

// Stages (128 KB, within the pass's budget) and a histogram's scratch
// (128 KB) each fit, together not: the lowering reports the total.
// TOOBIG: error: the kernel needs 262144 bytes of shared memory (131072 of them for staged loads, local histograms and dot operand buffers, the rest scratch), more than the 232448 a block may use on sm_90

//--- wide.ttir
tt.func public @sum_tiles(%src: !tt.ptr<i64> {tt.divisibility = 16 : i32}, %dst: !tt.ptr<i64> {tt.divisibility = 16 : i32}, %n: i32 {tt.divisibility = 16 : i32}, %tiles: i32) {
  %range = tt.make_range {end = 256 : i32, start = 0 : i32} : tensor<256xi32>
  %zero = arith.constant dense<0> : tensor<256xi64>
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c256 = arith.constant 256 : i32
  %limit = tt.splat %n : i32 -> tensor<256xi32>
  %base = tt.splat %src : !tt.ptr<i64> -> tensor<256x!tt.ptr<i64>>
  %acc = scf.for %i = %c0 to %tiles step %c1 iter_args(%a = %zero) -> (tensor<256xi64>) : i32 {
    %off = arith.muli %i, %c256 : i32
    %offs = tt.splat %off : i32 -> tensor<256xi32>
    %idx = arith.addi %offs, %range : tensor<256xi32>
    %mask = arith.cmpi slt, %idx, %limit : tensor<256xi32>
    %p = tt.addptr %base, %idx : tensor<256x!tt.ptr<i64>>, tensor<256xi32>
    %x = tt.load %p, %mask : tensor<256x!tt.ptr<i64>>
    %s = arith.addi %a, %x : tensor<256xi64>
    scf.yield %s : tensor<256xi64>
  } {tt.num_stages = 3 : i32}
  %out = tt.splat %dst : !tt.ptr<i64> -> tensor<256x!tt.ptr<i64>>
  %outp = tt.addptr %out, %range : tensor<256x!tt.ptr<i64>>, tensor<256xi32>
  tt.store %outp, %acc : tensor<256x!tt.ptr<i64>>
  tt.return
}

//--- narrow.ttir
tt.func public @narrow_tiles(%src: !tt.ptr<i16> {tt.divisibility = 16 : i32}, %dst: !tt.ptr<i16> {tt.divisibility = 16 : i32}, %tiles: i32) {
  %range = tt.make_range {end = 256 : i32, start = 0 : i32} : tensor<256xi32>
  %zero = arith.constant dense<0> : tensor<256xi16>
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c2 = arith.constant 2 : i32
  %c256 = arith.constant 256 : i32
  %base = tt.splat %src : !tt.ptr<i16> -> tensor<256x!tt.ptr<i16>>
  %acc = scf.for %i = %c0 to %tiles step %c1 iter_args(%a = %zero) -> (tensor<256xi16>) : i32 {
    %off = arith.muli %i, %c256 : i32
    %offs = tt.splat %off : i32 -> tensor<256xi32>
    %idx = arith.addi %offs, %range : tensor<256xi32>
    %p = tt.addptr %base, %idx : tensor<256x!tt.ptr<i16>>, tensor<256xi32>
    %x = tt.load %p : tensor<256x!tt.ptr<i16>>
    // Every other element: 2-byte groups.
    %strided = arith.muli %idx, %range : tensor<256xi32>
    %q = tt.addptr %base, %strided : tensor<256x!tt.ptr<i16>>, tensor<256xi32>
    %y = tt.load %q : tensor<256x!tt.ptr<i16>>
    %s = arith.addi %a, %x : tensor<256xi16>
    %t = arith.addi %s, %y : tensor<256xi16>
    scf.yield %t : tensor<256xi16>
  } {tt.num_stages = 2 : i32}
  %out = tt.splat %dst : !tt.ptr<i16> -> tensor<256x!tt.ptr<i16>>
  %outp = tt.addptr %out, %range : tensor<256x!tt.ptr<i16>>, tensor<256xi32>
  tt.store %outp, %acc : tensor<256x!tt.ptr<i16>>
  tt.return
}

//--- fallback.mlir
#b = #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
module attributes {"ttg.num-warps" = 4 : i32} {
  tt.func public @two_byte_groups(%src: !tt.ptr<i16>, %dst: !tt.ptr<i16>) {
    %c0 = arith.constant 0 : i32
    %range = tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32, #b>
    %base = tt.splat %src : !tt.ptr<i16> -> tensor<128x!tt.ptr<i16>, #b>
    %p = tt.addptr %base, %range : tensor<128x!tt.ptr<i16>, #b>, tensor<128xi32, #b>
    tx.async_copy %p into %c0 {slot = 0 : i32, stages = 1 : i32} : tensor<128x!tt.ptr<i16>, #b>
    tx.async_commit
    tx.async_wait {pending = 0 : i32}
    %x = tx.async_load %c0 {slot = 0 : i32, stages = 1 : i32} : tensor<128xi16, #b>
    %out = tt.splat %dst : !tt.ptr<i16> -> tensor<128x!tt.ptr<i16>, #b>
    %q = tt.addptr %out, %range : tensor<128x!tt.ptr<i16>, #b>, tensor<128xi32, #b>
    tt.store %q, %x : tensor<128x!tt.ptr<i16>, #b>
    tt.return
  }
}

//--- bad.mlir
#b = #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
module attributes {"ttg.num-warps" = 4 : i32} {
  tt.func public @orphan_read(%stage: i32) {
    %x = tx.async_load %stage {slot = 3 : i32, stages = 2 : i32} : tensor<128xi32, #b>
    tt.return
  }
}

//--- toobig.ttir
tt.func public @too_much_shared(%src: !tt.ptr<i64> {tt.divisibility = 16 : i32}, %codes: !tt.ptr<i32> {tt.divisibility = 16 : i32}, %dst: !tt.ptr<i64> {tt.divisibility = 16 : i32}, %hist: !tt.ptr<i32> {tt.divisibility = 16 : i32}, %tiles: i32) {
  %range = tt.make_range {end = 8192 : i32, start = 0 : i32} : tensor<8192xi32>
  %zero = arith.constant dense<0> : tensor<8192xi64>
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %ctile = arith.constant 8192 : i32
  %base = tt.splat %src : !tt.ptr<i64> -> tensor<8192x!tt.ptr<i64>>
  %acc = scf.for %i = %c0 to %tiles step %c1 iter_args(%a = %zero) -> (tensor<8192xi64>) : i32 {
    %off = arith.muli %i, %ctile : i32
    %offs = tt.splat %off : i32 -> tensor<8192xi32>
    %idx = arith.addi %offs, %range : tensor<8192xi32>
    %p = tt.addptr %base, %idx : tensor<8192x!tt.ptr<i64>>, tensor<8192xi32>
    %x = tt.load %p : tensor<8192x!tt.ptr<i64>>
    %s = arith.addi %a, %x : tensor<8192xi64>
    scf.yield %s : tensor<8192xi64>
  } {tt.num_stages = 2 : i32}
  %out = tt.splat %dst : !tt.ptr<i64> -> tensor<8192x!tt.ptr<i64>>
  %outp = tt.addptr %out, %range : tensor<8192x!tt.ptr<i64>>, tensor<8192xi32>
  tt.store %outp, %acc : tensor<8192x!tt.ptr<i64>>
  %cb = tt.splat %codes : !tt.ptr<i32> -> tensor<8192x!tt.ptr<i32>>
  %cp = tt.addptr %cb, %range : tensor<8192x!tt.ptr<i32>>, tensor<8192xi32>
  %c = tt.load %cp : tensor<8192x!tt.ptr<i32>>
  %h = tt.histogram %c : tensor<8192xi32> -> tensor<32768xi32>
  %bins = tt.make_range {end = 32768 : i32, start = 0 : i32} : tensor<32768xi32>
  %hb = tt.splat %hist : !tt.ptr<i32> -> tensor<32768x!tt.ptr<i32>>
  %hp = tt.addptr %hb, %bins : tensor<32768x!tt.ptr<i32>>, tensor<32768xi32>
  tt.store %hp, %h : tensor<32768x!tt.ptr<i32>>
  tt.return
}
