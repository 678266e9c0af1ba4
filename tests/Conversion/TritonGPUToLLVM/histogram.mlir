// tt.histogram from sm_70 on: per register, the lanes of a warp that count
// into the same bin find each other with match.any.sync and only the lowest
// of them adds their number (popc of the match mask) to the bin with one
// predicated red.shared.add. Lanes that count nothing (masked off, outside
// [0, numBins)) match on bin -1 and their atomic stays off. Before sm_70
// (no match.sync) every counted element adds 1.
//
// RUN: split-file %s %t
// RUN: tritium-opt %t/wide.ttir --tritium-ttir-to-llvm | FileCheck %s --check-prefix=WIDE
// RUN: tritium-opt %t/wide.ttir --tritium-ttir-to-llvm="compute-capability=60" | FileCheck %s --check-prefix=SM60
// RUN: tritiumc %t/wide.ttir --arch=sm_80 --emit=ptx -o %t/wide.sm80.ptx
// RUN: tritiumc %t/wide.ttir --arch=sm_90a --emit=ptx -o %t/wide.sm90a.ptx
// RUN: FileCheck %s --check-prefix=PTX < %t/wide.sm80.ptx
// RUN: FileCheck %s --check-prefix=PTX < %t/wide.sm90a.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_80 %t/wide.sm80.ptx -o %t/wide.sm80.cubin %}
// RUN: %if ptxas %{ %ptxas -arch=sm_90a %t/wide.sm90a.ptx -o %t/wide.sm90a.cubin %}

//--- wide.ttir

// i8 values (sign-extended, so negative ones fall outside) into 256 i64
// bins: the popc count is widened to the bins' 64 bits.
// WIDE-LABEL: llvm.func @histogram_i64
// WIDE: nvvm.barrier0
// WIDE: llvm.store %{{.*}} : i64, !llvm.ptr<3>
// WIDE: nvvm.barrier0
// WIDE: nvvm.read.ptx.sreg.lanemask.lt : i32
// WIDE: llvm.sext %{{.*}} : i8 to i64
// WIDE: %[[SAME:.*]] = nvvm.match.sync any %{{.*}}, %{{.*}} : i32 -> i32
// WIDE: %[[COUNT:.*]] = llvm.intr.ctpop(%[[SAME]]) : (i32) -> i32
// WIDE: %[[WIDE:.*]] = llvm.zext %[[COUNT]] : i32 to i64
// WIDE: "@$0 red.shared.add.u64 [ $1 + 0 ], $2;", "b,r,l,~{memory}" %{{.*}}, %{{.*}}, %[[WIDE]] : (i1, i32, i64) -> ()
// WIDE: nvvm.barrier0
// WIDE-NOT: nvvm.barrier0
// WIDE: llvm.load %{{.*}} : !llvm.ptr<3> -> i64
// WIDE: llvm.return

// SM60-LABEL: llvm.func @histogram_i64
// SM60-NOT: nvvm.match.sync
// SM60-NOT: llvm.intr.ctpop
// SM60: "@$0 red.shared.add.u64 [ $1 + 0 ], 1;", "b,r,~{memory}"
// SM60: llvm.return

// PTX-LABEL: .entry histogram_i64
// PTX: mov.u32 %[[BELOW:r[0-9]+]], %lanemask_lt;
// PTX: match.any.sync.b32 %[[SAME:r[0-9]+]], %{{r[0-9]+}}, -1;
// PTX: popc.b32 %{{r[0-9]+}}, %[[SAME]];
// PTX: @%p{{[0-9]+}} red.shared.add.u64 [ %r{{[0-9]+}} + 0 ], %rd{{[0-9]+}};
// PTX-NOT: atom.shared
tt.func public @histogram_i64(%x: !tt.ptr<i8> {tt.divisibility = 16 : i32}, %out: !tt.ptr<i64> {tt.divisibility = 16 : i32}) {
  %r = tt.make_range {end = 512 : i32, start = 0 : i32} : tensor<512xi32>
  %xs = tt.splat %x : !tt.ptr<i8> -> tensor<512x!tt.ptr<i8>>
  %xp = tt.addptr %xs, %r : tensor<512x!tt.ptr<i8>>, tensor<512xi32>
  %v = tt.load %xp : tensor<512x!tt.ptr<i8>>
  %h = tt.histogram %v : tensor<512xi8> -> tensor<256xi64>
  %b = tt.make_range {end = 256 : i32, start = 0 : i32} : tensor<256xi32>
  %os = tt.splat %out : !tt.ptr<i64> -> tensor<256x!tt.ptr<i64>>
  %op = tt.addptr %os, %b : tensor<256x!tt.ptr<i64>>, tensor<256xi32>
  tt.store %op, %h : tensor<256x!tt.ptr<i64>>
  tt.return
}
