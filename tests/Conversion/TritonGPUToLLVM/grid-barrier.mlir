// tx.grid_barrier (every program of a cooperative grid waits for all the
// others): it parses and prints back; the lowering passes a program
// barrier, then thread 0 alone adds to the counter (program 0 adds
// 2^31 - (programs - 1), the others 1) with a release at GPU scope and spins
// on an acquire load until the top bit flips, then a second program
// barrier. The store before the barrier stays before it, the load of the
// other program's value after it, ptxas accepts the loop, and the
// metadata asks for a cooperative launch. A counter
// that is no i32 in global memory, or a barrier under scf.if or scf.while,
// is a diagnostic.
//
// RUN: split-file %s %t
// RUN: tritium-opt %t/swap.ttir | tritium-opt | FileCheck %s --check-prefix=ROUNDTRIP
// RUN: tritiumc %t/swap.ttir --arch=sm_90a --num-warps=4 --emit=ptx -o %t/sm90.ptx
// RUN: FileCheck %s --check-prefix=PTX < %t/sm90.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_90a %t/sm90.ptx -o %t/sm90.cubin %}
// RUN: FileCheck %s --check-prefix=META < %t/sm90.json
// RUN: tritiumc %t/swap.ttir --arch=sm_80 --num-warps=4 --emit=ptx -o %t/sm80.ptx
// RUN: FileCheck %s --check-prefix=PTX < %t/sm80.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_80 %t/sm80.ptx -o %t/sm80.cubin %}
// RUN: tritium-opt %t/invalid.mlir --split-input-file --verify-diagnostics
// RUN: tritium-opt %t/group.ttir | tritium-opt | FileCheck %s --check-prefix=GROUPTRIP
// RUN: tritiumc %t/group.ttir --arch=sm_90a --num-warps=4 --emit=ptx -o %t/group.ptx
// RUN: FileCheck %s --check-prefix=GROUP < %t/group.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_90a %t/group.ptx -o %t/group.cubin %}

// ROUNDTRIP-LABEL: tt.func public @swap
// ROUNDTRIP: tt.store
// ROUNDTRIP-NEXT: tx.grid_barrier %{{.*}} : !tt.ptr<i32>
// ROUNDTRIP: tt.load

// The metadata asks for a cooperative launch.
// META: "launch_cooperative_grid": true

// PTX-LABEL: .entry swap
// PTX: st.global
// PTX: bar.sync 0;
// PTX: setp.ne.u32 other, %r{{[0-9]+}}, 0;
// PTX-NEXT: @other bra GRID_BARRIER_DONE;
// PTX-NEXT: fence.acq_rel.gpu;
// PTX-NEXT: atom.add.release.gpu.global.u32 arrived, [%rd{{[0-9]+}}], %r{{[0-9]+}};
// PTX-NEXT: GRID_BARRIER_WAIT:
// PTX-NEXT: ld.acquire.gpu.global.u32 now, [%rd{{[0-9]+}}];
// PTX: @!flipped bra GRID_BARRIER_WAIT;
// PTX: GRID_BARRIER_DONE:
// PTX: bar.sync 0;
// PTX: ld.global
// PTX: st.global

//--- swap.ttir
// Program p writes its value, then reads program p ^ 1's.
tt.func public @swap(%values: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %out: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %counter: !tt.ptr<i32> {tt.divisibility = 16 : i32}) {
  %pid = tt.get_program_id x : i32
  %c1 = arith.constant 1 : i32
  %one = arith.constant 1.0 : f32
  %other = arith.xori %pid, %c1 : i32
  %mine = tt.addptr %values, %pid : !tt.ptr<f32>, i32
  %value = arith.sitofp %pid : i32 to f32
  tt.store %mine, %value : !tt.ptr<f32>
  tx.grid_barrier %counter : !tt.ptr<i32>
  %theirs = tt.addptr %values, %other : !tt.ptr<f32>, i32
  %read = tt.load %theirs : !tt.ptr<f32>
  %sum = arith.addf %read, %one : f32
  %dst = tt.addptr %out, %pid : !tt.ptr<f32>, i32
  tt.store %dst, %sum : !tt.ptr<f32>
  tt.return
}

// A group's barrier: programs 4g .. 4g + 3 pass counter g, program 4g
// leads; the leader's add is 2^31 - (4 - 1) from the operands, not the
// grid's size.
// GROUPTRIP-LABEL: tt.func public @groups
// GROUPTRIP: tx.grid_barrier %{{.*}}, %{{.*}}, %{{.*}} : !tt.ptr<i32>
// GROUP-LABEL: .entry groups
// GROUP-NOT: %nctaid
// GROUP: atom.add.release.gpu.global.u32
// GROUP: ld.acquire.gpu.global.u32

//--- group.ttir
tt.func public @groups(%values: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %counters: !tt.ptr<i32> {tt.divisibility = 16 : i32}) {
  %pid = tt.get_program_id x : i32
  %c0 = arith.constant 0 : i32
  %c3 = arith.constant 3 : i32
  %c4 = arith.constant 4 : i32
  %group = arith.divsi %pid, %c4 : i32
  %rank = arith.andi %pid, %c3 : i32
  %leader = arith.cmpi eq, %rank, %c0 : i32
  %counter = tt.addptr %counters, %group : !tt.ptr<i32>, i32
  %mine = tt.addptr %values, %pid : !tt.ptr<f32>, i32
  %value = arith.sitofp %pid : i32 to f32
  tt.store %mine, %value : !tt.ptr<f32>
  tx.grid_barrier %counter, %c4, %leader : !tt.ptr<i32>
  %next = arith.xori %pid, %c3 : i32
  %theirs = tt.addptr %values, %next : !tt.ptr<f32>, i32
  %read = tt.load %theirs : !tt.ptr<f32>
  tt.store %mine, %read : !tt.ptr<f32>
  tt.return
}

//--- invalid.mlir

tt.func @counter_of_i64(%counter: !tt.ptr<i64>) {
  // expected-error @+1 {{'tx.grid_barrier' op counts arrivals in an i32, not 'i64'}}
  tx.grid_barrier %counter : !tt.ptr<i64>
  tt.return
}

// -----

tt.func @counter_in_shared(%counter: !tt.ptr<i32, 3>) {
  // expected-error @+1 {{'tx.grid_barrier' op needs its counter in global memory (address space 1), not address space 3}}
  tx.grid_barrier %counter : !tt.ptr<i32, 3>
  tt.return
}

// -----

tt.func @under_if(%counter: !tt.ptr<i32>, %c: i1) {
  scf.if %c {
    // expected-error @+1 {{'tx.grid_barrier' op must be reached by every program of the grid: not inside scf.if}}
    tx.grid_barrier %counter : !tt.ptr<i32>
  }
  tt.return
}

// -----

tt.func @leader_without_arrivals(%counter: !tt.ptr<i32>, %n: i32) {
  // expected-error @+1 {{expected ','}}
  tx.grid_barrier %counter, %n : !tt.ptr<i32>
  tt.return
}
