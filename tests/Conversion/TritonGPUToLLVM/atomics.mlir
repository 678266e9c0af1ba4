// tt.atomic_rmw, tt.atomic_cas and tt.histogram: one predicated PTX atom per
// element (lanes that skip it read 0), performed once per element however
// the layout replicates it, with the old values broadcast to every copy
// through shared memory when used; compare-and-swap loops (LLVM's atomicrmw /
// cmpxchg under a branch) where PTX has no instruction; histograms counted
// in shared memory.
//
// RUN: split-file %s %t
// RUN: tritium-opt %t/tensor.ttir --tritium-ttir-to-llvm | FileCheck %s --check-prefix=TENSOR
// RUN: tritium-opt %t/scalar.ttir --tritium-ttir-to-llvm | FileCheck %s --check-prefix=SCALAR
// RUN: tritium-opt %t/layouts.mlir --split-input-file --tritium-ttgir-to-llvm | FileCheck %s --check-prefix=LAYOUT
// RUN: tritium-opt %t/kinds.ttir --tritium-ttir-to-llvm | FileCheck %s --check-prefix=SM90
// RUN: tritium-opt %t/kinds.ttir --tritium-ttir-to-llvm="compute-capability=80" | FileCheck %s --check-prefix=SM80
// RUN: tritium-opt %t/histogram.ttir --tritium-ttir-to-llvm | FileCheck %s --check-prefix=HIST
// RUN: tritiumc %t/kinds.ttir --arch=sm_80 --emit=ptx -o %t/kinds.sm80.ptx
// RUN: tritiumc %t/kinds.ttir --arch=sm_90a --emit=ptx -o %t/kinds.sm90a.ptx
// RUN: FileCheck %s --check-prefix=PTX90 < %t/kinds.sm90a.ptx
// RUN: FileCheck %s --check-prefix=PTX80 < %t/kinds.sm80.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_80 %t/kinds.sm80.ptx -o %t/kinds.sm80.cubin %}
// RUN: %if ptxas %{ %ptxas -arch=sm_90a %t/kinds.sm90a.ptx -o %t/kinds.sm90a.cubin %}
// RUN: tritiumc %t/histogram.ttir --arch=sm_80 --emit=ptx -o %t/histogram.sm80.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_80 %t/histogram.sm80.ptx -o %t/histogram.sm80.cubin %}

//--- tensor.ttir

// 512 elements over 128 threads, 4 each: nothing is replicated, so the mask
// alone predicates each atom and no broadcast follows.
// TENSOR-LABEL: llvm.func @masked_fadd
// TENSOR-COUNT-4: llvm.inline_asm has_side_effects "mov.b32 $0, 0;\0A\09@$3 atom.global.acq_rel.gpu.add.f32 $0, [ $1 + 0 ], $2;", "=r,l,r,b,~{memory}" {{.*}} : (!llvm.ptr<1>, i32, i1) -> i32
// TENSOR-NOT: nvvm.barrier0
// TENSOR: llvm.return
tt.func public @masked_fadd(%p: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %out: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %n: i32) {
  %r = tt.make_range {end = 512 : i32, start = 0 : i32} : tensor<512xi32>
  %ns = tt.splat %n : i32 -> tensor<512xi32>
  %m = arith.cmpi slt, %r, %ns : tensor<512xi32>
  %ps = tt.splat %p : !tt.ptr<f32> -> tensor<512x!tt.ptr<f32>>
  %pp = tt.addptr %ps, %r : tensor<512x!tt.ptr<f32>>, tensor<512xi32>
  %x = tt.load %pp, %m : tensor<512x!tt.ptr<f32>>
  %old = tt.atomic_rmw fadd, acq_rel, gpu, %pp, %x, %m : (tensor<512x!tt.ptr<f32>>, tensor<512xf32>, tensor<512xi1>) -> tensor<512xf32>
  %os = tt.splat %out : !tt.ptr<f32> -> tensor<512x!tt.ptr<f32>>
  %op = tt.addptr %os, %r : tensor<512x!tt.ptr<f32>>, tensor<512xi32>
  tt.store %op, %old : tensor<512x!tt.ptr<f32>>
  tt.return
}

// 32 elements over 128 threads: the 4 warps hold the same 32 elements, and
// only threads 0-31 (whose unwrapped coordinate warp * 32 + lane is below
// 32) perform the atom; the others read its old value from shared memory.
// TENSOR-LABEL: llvm.func @replicated_add
// TENSOR: %[[C32:.*]] = llvm.mlir.constant(32 : i32) : i32
// TENSOR: %[[OWNER:.*]] = llvm.icmp "ult" %{{.*}}, %[[C32]] : i32
// TENSOR: %[[OLD:.*]] = llvm.inline_asm has_side_effects "mov.b32 $0, 0;\0A\09@$3 atom.global.relaxed.cta.add.u32 $0, [ $1 + 0 ], $2;", "=r,l,r,b,~{memory}" %{{.*}}, %{{.*}}, %[[OWNER]]
// Non-owners write to the spare slot 32. The kernel's first user of shared
// memory needs no barrier before its stores.
// TENSOR-NOT: nvvm.barrier0
// TENSOR: %[[SLOT:.*]] = llvm.select %[[OWNER]], %{{.*}}, %[[C32]] : i1, i32
// TENSOR: %[[ADDR:.*]] = llvm.getelementptr %{{.*}}[%[[SLOT]]] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, i32
// TENSOR: llvm.store %[[OLD]], %[[ADDR]] : i32, !llvm.ptr<3>
// TENSOR-NEXT: nvvm.barrier0
// TENSOR: llvm.load %{{.*}} : !llvm.ptr<3> -> i32
// TENSOR: st.global.b32
tt.func public @replicated_add(%q: !tt.ptr<i32> {tt.divisibility = 16 : i32}, %out: !tt.ptr<i32> {tt.divisibility = 16 : i32}) {
  %r = tt.make_range {end = 32 : i32, start = 0 : i32} : tensor<32xi32>
  %qs = tt.splat %q : !tt.ptr<i32> -> tensor<32x!tt.ptr<i32>>
  %qp = tt.addptr %qs, %r : tensor<32x!tt.ptr<i32>>, tensor<32xi32>
  %old = tt.atomic_rmw add, relaxed, cta, %qp, %r : (tensor<32x!tt.ptr<i32>>, tensor<32xi32>) -> tensor<32xi32>
  %os = tt.splat %out : !tt.ptr<i32> -> tensor<32x!tt.ptr<i32>>
  %op = tt.addptr %os, %r : tensor<32x!tt.ptr<i32>>, tensor<32xi32>
  tt.store %op, %old : tensor<32x!tt.ptr<i32>>
  tt.return
}

// A tensor compare-and-swap; with the result unused nothing is broadcast.
// TENSOR-LABEL: llvm.func @replicated_cas
// TENSOR: llvm.icmp "ult"
// TENSOR: atom.global.release.sys.cas.b64 $0, [ $1 + 0 ], $2, $3;", "=l,l,l,l,b,~{memory}"
// TENSOR-NOT: nvvm.barrier0
// TENSOR: llvm.return
tt.func public @replicated_cas(%q: !tt.ptr<i64> {tt.divisibility = 16 : i32}) {
  %r = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32>
  %qs = tt.splat %q : !tt.ptr<i64> -> tensor<64x!tt.ptr<i64>>
  %qp = tt.addptr %qs, %r : tensor<64x!tt.ptr<i64>>, tensor<64xi32>
  %c0 = arith.constant dense<0> : tensor<64xi64>
  %c1 = arith.constant dense<1> : tensor<64xi64>
  %old = tt.atomic_cas release, sys, %qp, %c0, %c1 : (tensor<64x!tt.ptr<i64>>, tensor<64xi64>, tensor<64xi64>) -> tensor<64xi64>
  tt.return
}

//--- scalar.ttir

// Every thread holds a scalar: thread 0 alone performs the atom (mask and
// tid == 0), and shares its old value through shared memory.
// SCALAR-LABEL: llvm.func @counter
// SCALAR: %[[TID:.*]] = nvvm.read.ptx.sreg.tid.x : i32
// SCALAR: %[[T0:.*]] = llvm.icmp "eq" %[[TID]], %{{.*}} : i32
// SCALAR: %[[PRED:.*]] = llvm.and %{{.*}}, %[[T0]] : i1
// SCALAR: %[[OLD:.*]] = llvm.inline_asm has_side_effects "mov.b32 $0, 0;\0A\09@$3 atom.global.acq_rel.gpu.add.u32 $0, [ $1 + 0 ], $2;", "=r,l,r,b,~{memory}" %{{.*}}, %{{.*}}, %[[PRED]]
// The kernel's first user of shared memory: no barrier before the store.
// SCALAR-NOT: nvvm.barrier0
// SCALAR: llvm.select %[[T0]]
// SCALAR: llvm.store %[[OLD]], %{{.*}} : i32, !llvm.ptr<3>
// SCALAR-NEXT: nvvm.barrier0
// SCALAR-NEXT: %[[NEW:.*]] = llvm.load %{{.*}} : !llvm.ptr<3> -> i32
// SCALAR: llvm.insertelement %[[NEW]]
// SCALAR: st.global.b32
tt.func public @counter(%q: !tt.ptr<i32>, %out: !tt.ptr<i32>, %go: i1) {
  %c1 = arith.constant 1 : i32
  %old = tt.atomic_rmw add, acq_rel, gpu, %q, %c1, %go : (!tt.ptr<i32>, i32, i1) -> i32
  tt.store %out, %old : !tt.ptr<i32>
  tt.return
}

// A spin lock (as in locked_accumulate): the CAS's old value decides the
// loop for every thread, so it is broadcast inside the loop; the releasing
// exchange's result is unused, so no barrier follows it.
// SCALAR-LABEL: llvm.func @spin_lock
// SCALAR: ^bb1:
// SCALAR: llvm.inline_asm has_side_effects "mov.b32 $0, 0;\0A\09@$4 atom.global.acq_rel.gpu.cas.b32 $0, [ $1 + 0 ], $2, $3;", "=r,l,r,r,b,~{memory}"
// SCALAR-NEXT: nvvm.barrier0
// SCALAR: llvm.store
// SCALAR-NEXT: nvvm.barrier0
// SCALAR-NEXT: llvm.load
// SCALAR: llvm.cond_br
// SCALAR: atom.global.release.gpu.exch.b32
// SCALAR-NOT: nvvm.barrier0
// SCALAR: llvm.return
tt.func public @spin_lock(%lock: !tt.ptr<i32>) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %true = arith.constant true
  scf.while : () -> () {
    %old = tt.atomic_cas acq_rel, gpu, %lock, %c0, %c1 : (!tt.ptr<i32>, i32, i32) -> i32
    %held = arith.cmpi eq, %old, %c1 : i32
    scf.condition(%held)
  } do {
    scf.yield
  }
  %0 = tt.atomic_rmw exch, release, gpu, %lock, %c0, %true : (!tt.ptr<i32>, i32, i1) -> i32
  tt.return
}

//--- layouts.mlir

// Four registers per thread over a 2-element tensor: registers 2 and 3 repeat
// 0 and 1 (they take their results), and only thread 0 (base 4 * thread
// below 2 and 1) owns the elements.
#b4 = #ttg.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
module attributes {"ttg.num-warps" = 4 : i32} {
  // LAYOUT-LABEL: llvm.func @register_copies
  // LAYOUT-DAG: %[[C1:.*]] = llvm.mlir.constant(1 : i32) : i32
  // LAYOUT-DAG: %[[C2:.*]] = llvm.mlir.constant(2 : i32) : i32
  // LAYOUT: %[[OWN0:.*]] = llvm.icmp "ult" %[[BASE:.*]], %[[C2]] : i32
  // LAYOUT: %[[OWN1:.*]] = llvm.icmp "ult" %[[BASE]], %[[C1]] : i32
  // LAYOUT: atom.global.acq_rel.gpu.max.s32 {{.*}} %[[OWN0]]
  // LAYOUT: atom.global.acq_rel.gpu.max.s32 {{.*}} %[[OWN1]]
  // LAYOUT-NOT: atom.global
  // LAYOUT-NOT: nvvm.barrier0
  // LAYOUT-COUNT-2: llvm.store {{.*}} : i32, !llvm.ptr<3>
  // LAYOUT: nvvm.barrier0
  // LAYOUT-COUNT-4: llvm.load {{.*}} : !llvm.ptr<3> -> i32
  tt.func public @register_copies(%p: !tt.ptr<i32>, %out: !tt.ptr<i32>) {
    %r = tt.make_range {end = 2 : i32, start = 0 : i32} : tensor<2xi32, #b4>
    %ps = tt.splat %p : !tt.ptr<i32> -> tensor<2x!tt.ptr<i32>, #b4>
    %pp = tt.addptr %ps, %r : tensor<2x!tt.ptr<i32>, #b4>, tensor<2xi32, #b4>
    %old = tt.atomic_rmw max, acq_rel, gpu, %pp, %r : (tensor<2x!tt.ptr<i32>, #b4>, tensor<2xi32, #b4>) -> tensor<2xi32, #b4>
    %os = tt.splat %out : !tt.ptr<i32> -> tensor<2x!tt.ptr<i32>, #b4>
    %op = tt.addptr %os, %r : tensor<2x!tt.ptr<i32>, #b4>, tensor<2xi32, #b4>
    tt.store %op, %old : tensor<2x!tt.ptr<i32>, #b4>
    tt.return
  }
}

// -----

// A slice of a 2-D layout: the 8 threads of each row group along the sliced
// dimension hold the same element; the one at column 0 owns it.
#b2d = #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}>
#rows = #ttg.slice<{dim = 1, parent = #b2d}>
module attributes {"ttg.num-warps" = 4 : i32} {
  // LAYOUT-LABEL: llvm.func @slice_owner
  // LAYOUT: %[[C1:.*]] = llvm.mlir.constant(1 : i32) : i32
  // LAYOUT: %[[OWN:.*]] = llvm.icmp "ult" %{{.*}}, %[[C1]] : i32
  // LAYOUT: atom.global.acq_rel.gpu.add.f32 {{.*}} %[[OWN]]
  // LAYOUT-NOT: atom.global
  // LAYOUT: llvm.return
  tt.func public @slice_owner(%p: !tt.ptr<f32>, %x: f32) {
    %r = tt.make_range {end = 16 : i32, start = 0 : i32} : tensor<16xi32, #rows>
    %v = tt.splat %x : f32 -> tensor<16xf32, #rows>
    %ps = tt.splat %p : !tt.ptr<f32> -> tensor<16x!tt.ptr<f32>, #rows>
    %pp = tt.addptr %ps, %r : tensor<16x!tt.ptr<f32>, #rows>, tensor<16xi32, #rows>
    %old = tt.atomic_rmw fadd, acq_rel, gpu, %pp, %v : (tensor<16x!tt.ptr<f32>, #rows>, tensor<16xf32, #rows>) -> tensor<16xf32, #rows>
    tt.return
  }
}

//--- kinds.ttir

// Every RMW kind, scope and semantic on scalars. bf16 add is native from
// sm_90 on; 8/16-bit integers, f16 exchange and bf16 add before sm_90 go
// through LLVM's atomics under a branch on the predicate.
// SM90-LABEL: llvm.func @kinds
// SM90: atom.global.relaxed.cta.and.b32 $0
// SM90: atom.global.acquire.gpu.or.b32 $0
// SM90: atom.global.release.sys.xor.b32 $0
// SM90: atom.global.acq_rel.gpu.max.s64 $0, [ $1 + 0 ], $2;", "=l,l,l,b,~{memory}"
// SM90: atom.global.acq_rel.gpu.min.s64 $0
// SM90: atom.global.acq_rel.gpu.max.u32 $0
// SM90: atom.global.acq_rel.gpu.min.u64 $0
// SM90: atom.global.acq_rel.gpu.exch.b64 $0
// SM90: atom.global.acq_rel.gpu.add.u64 $0
// SM90: "mov.b16 $0, 0;\0A\09@$3 atom.global.acq_rel.gpu.add.noftz.f16 $0, [ $1 + 0 ], $2;", "=h,l,h,b,~{memory}"
// SM90: atom.global.acq_rel.gpu.add.noftz.bf16 $0
// SM90: atom.global.relaxed.sys.add.f64 $0
// SM90: llvm.cond_br
// SM90: llvm.atomicrmw add %{{.*}}, %{{.*}} syncscope("device") acq_rel {alignment = 2 : i64} : !llvm.ptr<1>, i16
// SM90: llvm.cond_br
// SM90: llvm.atomicrmw max %{{.*}}, %{{.*}} syncscope("block") acq_rel {alignment = 1 : i64} : !llvm.ptr<1>, i8
// SM90: atom.global.acq_rel.gpu.cas.b16 $0, [ $1 + 0 ], $2, $3;", "=h,l,h,h,b,~{memory}"
// SM90: atom.global.relaxed.cta.cas.b64 $0
// SM90: llvm.cond_br
// SM90: llvm.cmpxchg %{{.*}}, %{{.*}}, %{{.*}} acquire acquire {alignment = 1 : i64} : !llvm.ptr<1>, i8
// SM90: llvm.cond_br
// SM90: llvm.atomicrmw xchg %{{.*}}, %{{.*}} syncscope("device") acq_rel {alignment = 2 : i64} : !llvm.ptr<1>, f16
// SM90: atom.global.acq_rel.gpu.exch.b64 $0
// SM80-LABEL: llvm.func @kinds
// SM80: atom.global.acq_rel.gpu.add.noftz.f16
// SM80-NOT: bf16 $0
// SM80: llvm.atomicrmw fadd %{{.*}}, %{{.*}} syncscope("device") acq_rel {alignment = 2 : i64} : !llvm.ptr<1>, bf16
// SM80: atom.global.relaxed.sys.add.f64
// PTX90: atom.global.acq_rel.gpu.add.noftz.bf16
// The bf16 add before sm_90: a compare-and-swap loop on the aligned word.
// PTX80-NOT: add.noftz.bf16
// PTX80: fma.rn.bf16
// PTX80: atom.acq_rel.gpu.global.cas.b32
// PTX80: atom.global.relaxed.sys.add.f64
tt.func public @kinds(%pi: !tt.ptr<i32>, %pl: !tt.ptr<i64>, %ph: !tt.ptr<f16>, %pb: !tt.ptr<bf16>, %pd: !tt.ptr<f64>, %ps: !tt.ptr<i16>, %pc: !tt.ptr<i8>, %pp: !tt.ptr<!tt.ptr<f32>>, %vi: i32, %vl: i64, %vh: f16, %vb: bf16, %vd: f64, %vs: i16, %vc: i8, %vp: !tt.ptr<f32>, %out: !tt.ptr<i64>) {
  %t = arith.constant true
  %0 = tt.atomic_rmw and, relaxed, cta, %pi, %vi, %t : (!tt.ptr<i32>, i32, i1) -> i32
  %1 = tt.atomic_rmw or, acquire, gpu, %pi, %vi, %t : (!tt.ptr<i32>, i32, i1) -> i32
  %2 = tt.atomic_rmw xor, release, sys, %pi, %vi, %t : (!tt.ptr<i32>, i32, i1) -> i32
  %3 = tt.atomic_rmw max, acq_rel, gpu, %pl, %vl, %t : (!tt.ptr<i64>, i64, i1) -> i64
  %4 = tt.atomic_rmw min, acq_rel, gpu, %pl, %vl, %t : (!tt.ptr<i64>, i64, i1) -> i64
  %5 = tt.atomic_rmw umax, acq_rel, gpu, %pi, %vi, %t : (!tt.ptr<i32>, i32, i1) -> i32
  %6 = tt.atomic_rmw umin, acq_rel, gpu, %pl, %vl, %t : (!tt.ptr<i64>, i64, i1) -> i64
  %7 = tt.atomic_rmw exch, acq_rel, gpu, %pl, %vl, %t : (!tt.ptr<i64>, i64, i1) -> i64
  %8 = tt.atomic_rmw add, acq_rel, gpu, %pl, %vl, %t : (!tt.ptr<i64>, i64, i1) -> i64
  %9 = tt.atomic_rmw fadd, acq_rel, gpu, %ph, %vh, %t : (!tt.ptr<f16>, f16, i1) -> f16
  %10 = tt.atomic_rmw fadd, acq_rel, gpu, %pb, %vb, %t : (!tt.ptr<bf16>, bf16, i1) -> bf16
  %11 = tt.atomic_rmw fadd, relaxed, sys, %pd, %vd, %t : (!tt.ptr<f64>, f64, i1) -> f64
  %12 = tt.atomic_rmw add, acq_rel, gpu, %ps, %vs, %t : (!tt.ptr<i16>, i16, i1) -> i16
  %13 = tt.atomic_rmw max, acq_rel, cta, %pc, %vc, %t : (!tt.ptr<i8>, i8, i1) -> i8
  %14 = tt.atomic_cas acq_rel, gpu, %ps, %vs, %vs : (!tt.ptr<i16>, i16, i16) -> i16
  %15 = tt.atomic_cas relaxed, cta, %pl, %vl, %vl : (!tt.ptr<i64>, i64, i64) -> i64
  %16 = tt.atomic_cas acquire, sys, %pc, %vc, %vc : (!tt.ptr<i8>, i8, i8) -> i8
  %17 = tt.atomic_rmw exch, acq_rel, gpu, %ph, %vh, %t : (!tt.ptr<f16>, f16, i1) -> f16
  %18 = tt.atomic_rmw exch, acq_rel, gpu, %pp, %vp, %t : (!tt.ptr<!tt.ptr<f32>>, !tt.ptr<f32>, i1) -> !tt.ptr<f32>
  // Use every result, so that each is broadcast and none is dropped.
  %a0 = arith.extsi %0 : i32 to i64
  %a1 = arith.extsi %1 : i32 to i64
  %a2 = arith.extsi %2 : i32 to i64
  %a5 = arith.extsi %5 : i32 to i64
  %h9 = arith.bitcast %9 : f16 to i16
  %a9 = arith.extsi %h9 : i16 to i64
  %h10 = arith.bitcast %10 : bf16 to i16
  %a10 = arith.extsi %h10 : i16 to i64
  %a11 = arith.fptosi %11 : f64 to i64
  %a12 = arith.extsi %12 : i16 to i64
  %a13 = arith.extsi %13 : i8 to i64
  %a14 = arith.extsi %14 : i16 to i64
  %a16 = arith.extsi %16 : i8 to i64
  %h17 = arith.bitcast %17 : f16 to i16
  %a17 = arith.extsi %h17 : i16 to i64
  %a18 = tt.ptr_to_int %18 : !tt.ptr<f32> -> i64
  %s0 = arith.addi %a0, %a1 : i64
  %s1 = arith.addi %s0, %a2 : i64
  %s2 = arith.addi %s1, %3 : i64
  %s3 = arith.addi %s2, %4 : i64
  %s4 = arith.addi %s3, %a5 : i64
  %s5 = arith.addi %s4, %6 : i64
  %s6 = arith.addi %s5, %7 : i64
  %s7 = arith.addi %s6, %8 : i64
  %s8 = arith.addi %s7, %a9 : i64
  %s9 = arith.addi %s8, %a10 : i64
  %s10 = arith.addi %s9, %a11 : i64
  %s11 = arith.addi %s10, %a12 : i64
  %s12 = arith.addi %s11, %a13 : i64
  %s13 = arith.addi %s12, %a14 : i64
  %s14 = arith.addi %s13, %15 : i64
  %s15 = arith.addi %s14, %a16 : i64
  %s16 = arith.addi %s15, %a17 : i64
  %s17 = arith.addi %s16, %a18 : i64
  tt.store %out, %s17 : !tt.ptr<i64>
  tt.return
}

//--- histogram.ttir

// The bins live in shared memory: cleared (32 bins, 128 threads: thread t
// clears bin t mod 32; 16 bytes a store where every thread has whole
// pieces, below), counted with one predicated red.shared.add per
// element that lies in [0, 32) (an unsigned compare after sign extension)
// and passes the mask, read back in the result's layout.
// The kernel's first user of shared memory clears the bins with no barrier
// before.
// HIST-LABEL: llvm.func @histogram
// HIST-NOT: nvvm.barrier0
// HIST: llvm.store %{{.*}} : i32, !llvm.ptr<3>
// HIST-NEXT: nvvm.barrier0
// HIST: %[[WIDE:.*]] = llvm.sext %{{.*}} : i32 to i64
// HIST: %[[IN:.*]] = llvm.icmp "ult" %[[WIDE]], %{{.*}} : i64
// HIST: %[[COUNTED:.*]] = llvm.and %[[IN]], %{{.*}} : i1
// HIST: llvm.inline_asm has_side_effects "@$0 red.shared.add.u32 [ $1 + 0 ], 1;", "b,r,~{memory}" %[[COUNTED]], %{{.*}} : (i1, i32) -> ()
// HIST-COUNT-7: red.shared.add.u32
// HIST-NOT: red.shared
// HIST: nvvm.barrier0
// HIST: llvm.load %{{.*}} : !llvm.ptr<3> -> i32
tt.func public @histogram(%x: !tt.ptr<i32> {tt.divisibility = 16 : i32}, %out: !tt.ptr<i32> {tt.divisibility = 16 : i32}, %n: i32) {
  %r = tt.make_range {end = 1024 : i32, start = 0 : i32} : tensor<1024xi32>
  %xs = tt.splat %x : !tt.ptr<i32> -> tensor<1024x!tt.ptr<i32>>
  %xp = tt.addptr %xs, %r : tensor<1024x!tt.ptr<i32>>, tensor<1024xi32>
  %v = tt.load %xp : tensor<1024x!tt.ptr<i32>>
  %ns = tt.splat %n : i32 -> tensor<1024xi32>
  %m = arith.cmpi slt, %v, %ns : tensor<1024xi32>
  %h = tt.histogram %v, %m : tensor<1024xi32> -> tensor<32xi32>
  %b = tt.make_range {end = 32 : i32, start = 0 : i32} : tensor<32xi32>
  %os = tt.splat %out : !tt.ptr<i32> -> tensor<32x!tt.ptr<i32>>
  %op = tt.addptr %os, %b : tensor<32x!tt.ptr<i32>>, tensor<32xi32>
  tt.store %op, %h : tensor<32x!tt.ptr<i32>>
  tt.return
}

// 2048 bins over 128 threads: every thread clears whole 16-byte pieces (4
// bins a store, 4 stores, each 512 bins after the last), not a bin a store.
// HIST-LABEL: llvm.func @wide_histogram
// HIST: %[[ZEROS:.*]] = llvm.mlir.zero : vector<4xi32>
// HIST-COUNT-4: llvm.store %[[ZEROS]], %{{.*}} {alignment = 16 : i64} : vector<4xi32>, !llvm.ptr<3>
// HIST-NOT: llvm.store %{{.*}} : i32, !llvm.ptr<3>
// HIST: nvvm.barrier0
// HIST: red.shared.add.u32
tt.func public @wide_histogram(%x: !tt.ptr<i32> {tt.divisibility = 16 : i32}, %out: !tt.ptr<i32> {tt.divisibility = 16 : i32}) {
  %r = tt.make_range {end = 1024 : i32, start = 0 : i32} : tensor<1024xi32>
  %xs = tt.splat %x : !tt.ptr<i32> -> tensor<1024x!tt.ptr<i32>>
  %xp = tt.addptr %xs, %r : tensor<1024x!tt.ptr<i32>>, tensor<1024xi32>
  %v = tt.load %xp : tensor<1024x!tt.ptr<i32>>
  %h = tt.histogram %v : tensor<1024xi32> -> tensor<2048xi32>
  %b = tt.make_range {end = 2048 : i32, start = 0 : i32} : tensor<2048xi32>
  %os = tt.splat %out : !tt.ptr<i32> -> tensor<2048x!tt.ptr<i32>>
  %op = tt.addptr %os, %b : tensor<2048x!tt.ptr<i32>>, tensor<2048xi32>
  tt.store %op, %h : tensor<2048x!tt.ptr<i32>>
  tt.return
}

// 16 values over 128 threads (each held by 8 threads): each is counted by
// its owner only, into 64 bins.
// HIST-LABEL: llvm.func @small_histogram
// HIST: llvm.icmp "ult" %{{.*}}, %{{.*}} : i64
// HIST: %[[OWNED:.*]] = llvm.and %{{.*}}, %{{.*}} : i1
// HIST: "@$0 red.shared.add.u32 [ $1 + 0 ], 1;", "b,r,~{memory}" %[[OWNED]]
// HIST-NOT: red.shared
// HIST: llvm.return
tt.func public @small_histogram(%x: !tt.ptr<i32> {tt.divisibility = 16 : i32}, %out: !tt.ptr<i32> {tt.divisibility = 16 : i32}) {
  %r = tt.make_range {end = 16 : i32, start = 0 : i32} : tensor<16xi32>
  %xs = tt.splat %x : !tt.ptr<i32> -> tensor<16x!tt.ptr<i32>>
  %xp = tt.addptr %xs, %r : tensor<16x!tt.ptr<i32>>, tensor<16xi32>
  %v = tt.load %xp : tensor<16x!tt.ptr<i32>>
  %h = tt.histogram %v : tensor<16xi32> -> tensor<64xi32>
  %b = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32>
  %os = tt.splat %out : !tt.ptr<i32> -> tensor<64x!tt.ptr<i32>>
  %op = tt.addptr %os, %b : tensor<64x!tt.ptr<i32>>, tensor<64xi32>
  tt.store %op, %h : tensor<64x!tt.ptr<i32>>
  tt.return
}
