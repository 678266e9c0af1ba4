// tx.cluster_rank and tx.cluster_sum: a kernel with tx.cluster_size = n gets
// nvvm.cluster_dim (PTX .reqnctapercluster n, 1, 1, so an ordinary launch runs
// it in clusters); the rank is %cluster_ctarank; a sum writes the tensor to
// the program's scratch, passes a cluster barrier, adds the elements at the
// same place in every program's scratch (mapa + ld.shared::cluster) and
// passes a second cluster barrier before anyone may write that scratch
// again or exit. Runs of 4 consecutive elements a thread holds move as one
// 16-byte access. Integer sums start at the program's own rank, read
// locally (the programs do not all read rank 0 first); float sums add in
// rank order, so every program gets the same bits. Without the attribute
// the rank is 0 and a sum is an error (it would be the identity); before
// sm_90 a kernel with clusters is an error.
//
// RUN: split-file %s %t
// RUN: tritium-opt %t/sum.ttir --tritium-ttir-to-llvm | FileCheck %s --check-prefix=LLVM
// RUN: tritiumc %t/sum.ttir --arch=sm_90a --emit=ptx -o %t/sum.ptx
// RUN: FileCheck %s --check-prefix=PTX < %t/sum.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_90a %t/sum.ptx -o %t/sum.cubin %}
// RUN: tritium-opt %t/floats.ttir --tritium-ttir-to-llvm | FileCheck %s --check-prefix=FLOAT
// RUN: tritiumc %t/floats.ttir --arch=sm_90a --emit=ptx -o %t/floats.ptx
// RUN: FileCheck %s --check-prefix=PTXF < %t/floats.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_90a %t/floats.ptx -o %t/floats.cubin %}
// RUN: tritium-opt %t/alone.ttir --tritium-ttir-to-llvm | FileCheck %s --check-prefix=ALONE
// RUN: not tritium-opt %t/nosize.ttir --tritium-ttir-to-llvm 2>&1 | FileCheck %s --check-prefix=NOSIZE
// RUN: tritium-opt %t/helper.ttir --tritium-ttir-to-llvm | FileCheck %s --check-prefix=HELPER
// RUN: not tritium-opt %t/sum.ttir --tritium-ttir-to-llvm="compute-capability=80" 2>&1 | FileCheck %s --check-prefix=SM80
// RUN: tritium-opt %t/buffers.ttir --tritium-ttir-to-llvm | FileCheck %s --check-prefix=BUFFERS
// RUN: tritiumc %t/buffers.ttir --arch=sm_90a --emit=ptx -o %t/buffers.ptx
// RUN: FileCheck %s --check-prefix=PTXB < %t/buffers.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_90a %t/buffers.ptx -o %t/buffers.cubin %}
// RUN: tritium-opt %t/sizes.ttir --tritium-ttir-to-llvm | FileCheck %s --check-prefix=SIZES

//--- sum.ttir

// 64 bins over 128 threads: each thread holds one bin (threads 64-127 hold
// copies), so one store, its own bin read back, three remote loads and
// three adds a thread.
// LLVM-LABEL: llvm.func @cluster_histogram
// LLVM-SAME: nvvm.cluster_dim = array<i32: 4, 1, 1>
// LLVM: %[[RANK:.*]] = nvvm.read.ptx.sreg.cluster.ctarank : i32
// LLVM: nvvm.cluster.arrive {aligned}
// LLVM-NEXT: nvvm.cluster.wait {aligned}
// LLVM-NEXT: %[[V0:.*]] = llvm.load %[[ADDR:.*]] {alignment = 4 : i64} : !llvm.ptr<3> -> i32
// LLVM-NEXT: %[[NEXT:.*]] = llvm.add %[[RANK]], %{{.*}} : i32
// LLVM-NEXT: %[[WRAPPED:.*]] = llvm.urem %[[NEXT]], %{{.*}} : i32
// LLVM-NEXT: %[[R1:.*]] = nvvm.mapa %[[ADDR]], %[[WRAPPED]] : !llvm.ptr<3> -> !llvm.ptr<7>
// LLVM-NEXT: %[[V1:.*]] = llvm.load %[[R1]] {alignment = 4 : i64} : !llvm.ptr<7> -> i32
// LLVM-NEXT: llvm.add %[[V0]], %[[V1]] : i32
// LLVM-COUNT-2: nvvm.mapa %[[ADDR]]
// LLVM: nvvm.cluster.arrive {aligned}
// LLVM-NEXT: nvvm.cluster.wait {aligned}
// LLVM-NOT: nvvm.mapa
// LLVM: llvm.return
// PTX: .explicitcluster
// PTX-NEXT: .reqnctapercluster 4, 1, 1
// PTX: mov.u32 {{.*}}%cluster_ctarank;
// PTX: barrier.cluster.arrive.aligned;
// PTX-NEXT: barrier.cluster.wait.aligned;
// PTX-NEXT: ld.shared.b32
// PTX-COUNT-3: ld.shared::cluster.b32
// PTX: barrier.cluster.arrive.aligned;
// PTX-NEXT: barrier.cluster.wait.aligned;
// SM80: error: tx.cluster_size needs sm_90 or newer (thread-block clusters), not sm_80
tt.func public @cluster_histogram(%keys: !tt.ptr<i32> {tt.divisibility = 16 : i32}, %out: !tt.ptr<i32> {tt.divisibility = 16 : i32}) attributes {tx.cluster_size = 4 : i32} {
  %rank = tx.cluster_rank : i32
  %r = tt.make_range {end = 512 : i32, start = 0 : i32} : tensor<512xi32>
  %c512 = arith.constant 512 : i32
  %off = arith.muli %rank, %c512 : i32
  %offs = tt.splat %off : i32 -> tensor<512xi32>
  %idx = arith.addi %r, %offs : tensor<512xi32>
  %ps = tt.splat %keys : !tt.ptr<i32> -> tensor<512x!tt.ptr<i32>>
  %pp = tt.addptr %ps, %idx : tensor<512x!tt.ptr<i32>>, tensor<512xi32>
  %x = tt.load %pp : tensor<512x!tt.ptr<i32>>
  %h = tt.histogram %x : tensor<512xi32> -> tensor<64xi32>
  %total = tx.cluster_sum %h : tensor<64xi32>
  %b = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32>
  %os = tt.splat %out : !tt.ptr<i32> -> tensor<64x!tt.ptr<i32>>
  %op = tt.addptr %os, %b : tensor<64x!tt.ptr<i32>>, tensor<64xi32>
  %c0 = arith.constant 0 : i32
  %first = arith.cmpi eq, %rank, %c0 : i32
  %m = tt.splat %first : i1 -> tensor<64xi1>
  tt.store %op, %total, %m : tensor<64x!tt.ptr<i32>>
  tt.return
}

//--- floats.ttir

// 512 floats over 128 threads, runs of 4: one 16-byte store, then per rank
// (0, 1 in order) one 16-byte remote load, added element by element.
// FLOAT-LABEL: llvm.func @cluster_floats
// FLOAT-SAME: nvvm.cluster_dim = array<i32: 2, 1, 1>
// FLOAT: llvm.store %{{.*}}, %[[ADDR:.*]] {alignment = 16 : i64} : vector<4xf32>, !llvm.ptr<3>
// FLOAT-NEXT: nvvm.cluster.arrive {aligned}
// FLOAT-NEXT: nvvm.cluster.wait {aligned}
// FLOAT: %[[R0:.*]] = nvvm.mapa %[[ADDR]], %[[ZERO:.*]] : !llvm.ptr<3> -> !llvm.ptr<7>
// FLOAT-NEXT: llvm.load %[[R0]] {alignment = 16 : i64} : !llvm.ptr<7> -> vector<4xf32>
// FLOAT-COUNT-4: llvm.extractelement
// FLOAT-NEXT: %[[R1:.*]] = nvvm.mapa %[[ADDR]], %[[ONE:.*]] : !llvm.ptr<3> -> !llvm.ptr<7>
// FLOAT-NEXT: llvm.load %[[R1]] {alignment = 16 : i64} : !llvm.ptr<7> -> vector<4xf32>
// FLOAT-COUNT-4: llvm.fadd
// FLOAT: nvvm.cluster.arrive {aligned}
// PTXF: .reqnctapercluster 2, 1, 1
// PTXF: st.shared.v4.b32
// PTXF-COUNT-2: ld.shared::cluster.v4.b32
tt.func public @cluster_floats(%in: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %out: !tt.ptr<f32> {tt.divisibility = 16 : i32}) attributes {tx.cluster_size = 2 : i32} {
  %r = tt.make_range {end = 512 : i32, start = 0 : i32} : tensor<512xi32>
  %ps = tt.splat %in : !tt.ptr<f32> -> tensor<512x!tt.ptr<f32>>
  %pp = tt.addptr %ps, %r : tensor<512x!tt.ptr<f32>>, tensor<512xi32>
  %x = tt.load %pp : tensor<512x!tt.ptr<f32>>
  %s = tx.cluster_sum %x : tensor<512xf32>
  %os = tt.splat %out : !tt.ptr<f32> -> tensor<512x!tt.ptr<f32>>
  %op = tt.addptr %os, %r : tensor<512x!tt.ptr<f32>>, tensor<512xi32>
  tt.store %op, %s : tensor<512x!tt.ptr<f32>>
  tt.return
}

//--- alone.ttir

// ALONE-LABEL: llvm.func @alone
// ALONE-NOT: nvvm.cluster_dim
// ALONE-NOT: ctarank
// ALONE: llvm.return
tt.func public @alone(%out: !tt.ptr<f32> {tt.divisibility = 16 : i32}) {
  %rank = tx.cluster_rank : i32
  %f = arith.sitofp %rank : i32 to f32
  %t = tt.splat %f : f32 -> tensor<128xf32>
  %b = tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32>
  %os = tt.splat %out : !tt.ptr<f32> -> tensor<128x!tt.ptr<f32>>
  %op = tt.addptr %os, %b : tensor<128x!tt.ptr<f32>>, tensor<128xi32>
  tt.store %op, %t : tensor<128x!tt.ptr<f32>>
  tt.return
}

//--- nosize.ttir

// NOSIZE: error: 'tx.cluster_sum' op needs its kernel's tx.cluster_size (> 1)
tt.func public @nosize(%out: !tt.ptr<f32> {tt.divisibility = 16 : i32}) {
  %t = arith.constant dense<1.0> : tensor<128xf32>
  %s = tx.cluster_sum %t : tensor<128xf32>
  %b = tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32>
  %os = tt.splat %out : !tt.ptr<f32> -> tensor<128x!tt.ptr<f32>>
  %op = tt.addptr %os, %b : tensor<128x!tt.ptr<f32>>, tensor<128xi32>
  tt.store %op, %s : tensor<128x!tt.ptr<f32>>
  tt.return
}

//--- helper.ttir

// A helper that sums over the cluster is inlined into its kernel, whose
// cluster size it then uses.
// HELPER-LABEL: llvm.func @with_helper
// HELPER-SAME: nvvm.cluster_dim = array<i32: 2, 1, 1>
// HELPER-NOT: llvm.call
// HELPER: nvvm.cluster.arrive
// HELPER: nvvm.mapa
tt.func private @total(%t: tensor<128xf32>) -> tensor<128xf32> {
  %s = tx.cluster_sum %t : tensor<128xf32>
  tt.return %s : tensor<128xf32>
}
tt.func public @with_helper(%out: !tt.ptr<f32> {tt.divisibility = 16 : i32}) attributes {tx.cluster_size = 2 : i32} {
  %t = arith.constant dense<1.0> : tensor<128xf32>
  %s = tt.call @total(%t) : (tensor<128xf32>) -> tensor<128xf32>
  %b = tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32>
  %os = tt.splat %out : !tt.ptr<f32> -> tensor<128x!tt.ptr<f32>>
  %op = tt.addptr %os, %b : tensor<128x!tt.ptr<f32>>, tensor<128xi32>
  tt.store %op, %s : tensor<128x!tt.ptr<f32>>
  tt.return
}

//--- buffers.ttir

// tx.cluster_sum_buffers = 2: the sums take two buffers of the dedicated
// area in turn (a parity cell that starts at 0, flipped by every sum), so a
// sum passes one cluster barrier, after its writes; the kernel passes one
// more before it returns. The loop's sums alternate buffers 256 bytes apart
// (64 i32 bins): its PTX has one cluster barrier per iteration.
// BUFFERS-LABEL: llvm.func @rounds
// BUFFERS-SAME: nvvm.cluster_dim = array<i32: 4, 1, 1>
// BUFFERS: %[[CELL:.*]] = llvm.alloca %{{.*}} x i32 {alignment = 4 : i64}
// BUFFERS-NEXT: llvm.store %{{.*}}, %[[CELL]]
// BUFFERS: %[[PARITY:.*]] = llvm.load %[[CELL]] {alignment = 4 : i64} : !llvm.ptr -> i32
// BUFFERS-NEXT: %[[NEXT:.*]] = llvm.xor %[[PARITY]], %{{.*}} : i32
// BUFFERS-NEXT: llvm.store %[[NEXT]], %[[CELL]]
// BUFFERS-NEXT: %[[OFFSET:.*]] = llvm.mul %[[PARITY]], %{{.*}} : i32
// BUFFERS: llvm.store
// BUFFERS-NEXT: nvvm.cluster.arrive {aligned}
// BUFFERS-NEXT: nvvm.cluster.wait {aligned}
// BUFFERS-COUNT-3: nvvm.mapa
// BUFFERS-NOT: nvvm.cluster.arrive
// BUFFERS: llvm.br
// BUFFERS: nvvm.cluster.arrive {aligned}
// BUFFERS-NEXT: nvvm.cluster.wait {aligned}
// BUFFERS-NEXT: llvm.return
// PTXB: $L__BB0_2:
// PTXB: shl.b32 {{.*}}, 8;
// PTXB: barrier.cluster.arrive.aligned;
// PTXB-NEXT: barrier.cluster.wait.aligned;
// PTXB-COUNT-3: ld.shared::cluster.b32
// PTXB-NOT: barrier.cluster
// PTXB: @%p{{[0-9]+}} bra $L__BB0_2;
// PTXB: barrier.cluster.arrive.aligned;
// PTXB-NEXT: barrier.cluster.wait.aligned;
// PTXB-NEXT: ret;
tt.func public @rounds(%keys: !tt.ptr<i32> {tt.divisibility = 16 : i32}, %out: !tt.ptr<i32> {tt.divisibility = 16 : i32}, %n: i32) attributes {tx.cluster_size = 4 : i32, tx.cluster_sum_buffers = 2 : i32} {
  %r = tt.make_range {end = 512 : i32, start = 0 : i32} : tensor<512xi32>
  %ps = tt.splat %keys : !tt.ptr<i32> -> tensor<512x!tt.ptr<i32>>
  %pp = tt.addptr %ps, %r : tensor<512x!tt.ptr<i32>>, tensor<512xi32>
  %x = tt.load %pp : tensor<512x!tt.ptr<i32>>
  %h0 = tt.histogram %x : tensor<512xi32> -> tensor<64xi32>
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %acc = scf.for %i = %c0 to %n step %c1 iter_args(%h = %h0) -> (tensor<64xi32>) : i32 {
    %s = tx.cluster_sum %h : tensor<64xi32>
    scf.yield %s : tensor<64xi32>
  }
  %b = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32>
  %os = tt.splat %out : !tt.ptr<i32> -> tensor<64x!tt.ptr<i32>>
  %op = tt.addptr %os, %b : tensor<64x!tt.ptr<i32>>, tensor<64xi32>
  tt.store %op, %acc : tensor<64x!tt.ptr<i32>>
  tt.return
}

//--- sizes.ttir

// Sums of 512 and 64 floats: both buffers are as large as the largest sum
// (2048 bytes), after the scratch (1024 bytes here) in the dedicated area,
// so the kernel's shared memory is 1024 + 2 x 2048; the second sum takes
// the other buffer (parity flipped by the first), the return one barrier.
// SIZES: ttg.shared = 5120 : i32
// SIZES: %[[BYTES:.*]] = llvm.mlir.constant(2048 : i32) : i32
// SIZES: %[[P0:.*]] = llvm.load %[[CELL:.*]] {alignment = 4 : i64} : !llvm.ptr -> i32
// SIZES: %[[OFF0:.*]] = llvm.mul %[[P0]], %[[BYTES]] : i32
// SIZES: %[[AREA:.*]] = llvm.getelementptr %{{.*}}[1024] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
// SIZES: llvm.getelementptr %[[AREA]][%[[OFF0]]]
// SIZES: nvvm.cluster.wait
// SIZES-NOT: nvvm.cluster.wait
// SIZES: %[[P1:.*]] = llvm.load %[[CELL]] {alignment = 4 : i64} : !llvm.ptr -> i32
// SIZES: %[[OFF1:.*]] = llvm.mul %[[P1]], %[[BYTES]] : i32
// SIZES: llvm.getelementptr %[[AREA]][%[[OFF1]]]
// SIZES: nvvm.cluster.wait
// SIZES-NOT: nvvm.cluster.wait
// SIZES: nvvm.cluster.arrive {aligned}
// SIZES-NEXT: nvvm.cluster.wait {aligned}
// SIZES-NEXT: llvm.return
tt.func public @two_sizes(%in: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %out: !tt.ptr<f32> {tt.divisibility = 16 : i32}) attributes {tx.cluster_size = 2 : i32, tx.cluster_sum_buffers = 2 : i32} {
  %r = tt.make_range {end = 512 : i32, start = 0 : i32} : tensor<512xi32>
  %ps = tt.splat %in : !tt.ptr<f32> -> tensor<512x!tt.ptr<f32>>
  %pp = tt.addptr %ps, %r : tensor<512x!tt.ptr<f32>>, tensor<512xi32>
  %x = tt.load %pp : tensor<512x!tt.ptr<f32>>
  %s = tx.cluster_sum %x : tensor<512xf32>
  %small = arith.constant dense<1.0> : tensor<64xf32>
  %t = tx.cluster_sum %small : tensor<64xf32>
  %os = tt.splat %out : !tt.ptr<f32> -> tensor<512x!tt.ptr<f32>>
  %op = tt.addptr %os, %r : tensor<512x!tt.ptr<f32>>, tensor<512xi32>
  tt.store %op, %s : tensor<512x!tt.ptr<f32>>
  %b = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32>
  %os2 = tt.splat %out : !tt.ptr<f32> -> tensor<64x!tt.ptr<f32>>
  %op2 = tt.addptr %os2, %b : tensor<64x!tt.ptr<f32>>, tensor<64xi32>
  tt.store %op2, %t : tensor<64x!tt.ptr<f32>>
  tt.return
}
