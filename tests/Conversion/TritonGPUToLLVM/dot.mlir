// tt.dot on the CUDA cores: operands staged row-major through shared memory
// (a at offset 0, b after it), then one fused multiply-add per result
// register and k, in increasing k, in the accumulator type.
//
// RUN: split-file %s %t
// RUN: tritium-opt %t/layouts.mlir --split-input-file --tritium-ttgir-to-llvm | FileCheck %s
// RUN: tritium-opt %t/loop.ttir --tritium-ttir-to-llvm | FileCheck %s --check-prefix=LOOP
// RUN: tritiumc %t/loop.ttir --arch=sm_80 --emit=ptx -o %t/loop.sm80.ptx
// RUN: tritiumc %t/loop.ttir --arch=sm_90a --emit=ptx -o %t/loop.sm90a.ptx
// RUN: FileCheck %s --check-prefix=PTX < %t/loop.sm80.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_80 %t/loop.sm80.ptx -o %t/loop.sm80.cubin %}
// RUN: %if ptxas %{ %ptxas -arch=sm_90a %t/loop.sm90a.ptx -o %t/loop.sm90a.cubin %}
// RUN: tritium-opt %t/mma.mlir --tritium-ttgir-to-llvm | FileCheck %s --check-prefix=MMA
// RUN: tritiumc %t/mma.mlir --arch=sm_80 --emit=ptx -o %t/mma.sm80.ptx
// RUN: FileCheck %s --check-prefix=MMA-PTX < %t/mma.sm80.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_80 %t/mma.sm80.ptx -o %t/mma.sm80.cubin %}

//--- layouts.mlir

// f16 x f16 + f32, 32x16 * 16x32. Each thread holds 2 rows x 4 columns of
// the result; a (16 columns under a 32-column tile) is replicated over
// lanes, which store the same values to the same places.
#blocked = #ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [4, 8], warpsPerCTA = [4, 1], order = [1, 0]}>
module attributes {"ttg.num-warps" = 4 : i32} {
  // CHECK: module attributes {{.*}}ttg.shared = 2048 : i32
  // CHECK-LABEL: llvm.func @dot_f16
  // The kernel's first user of shared memory needs no barrier first.
  // CHECK-NOT: nvvm.barrier0
  // CHECK: %[[SMEM:.*]] = llvm.mlir.addressof @global_smem
  // CHECK-NEXT: llvm.getelementptr %[[SMEM]][1024] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
  // a: 2 rows x one 4-wide run per thread, b: one row x one run.
  // CHECK-COUNT-3: llvm.store {{.*}} {alignment = 8 : i64} : vector<4xf16>, !llvm.ptr<3>
  // CHECK-NOT: llvm.store
  // CHECK: nvvm.barrier0
  // k = 0: a's two rows as 8-wide vectors, b's four columns as one vector.
  // CHECK: llvm.load {{.*}} {alignment = 16 : i64} : !llvm.ptr<3> -> vector<8xf16>
  // CHECK: llvm.load {{.*}} {alignment = 16 : i64} : !llvm.ptr<3> -> vector<8xf16>
  // CHECK: llvm.load {{.*}} {alignment = 8 : i64} : !llvm.ptr<3> -> vector<4xf16>
  // CHECK: llvm.fpext {{.*}} : f16 to f32
  // CHECK-COUNT-8: llvm.intr.fma({{.*}}) : (f32, f32, f32) -> f32
  // 16 k x 8 registers in all, no more.
  // CHECK-COUNT-120: llvm.intr.fma
  // CHECK-NOT: llvm.intr.fma
  // CHECK: llvm.return
  tt.func public @dot_f16(%x: f16, %y: f16, %z: f32, %out: !tt.ptr<f32>) {
    %a = tt.splat %x : f16 -> tensor<32x16xf16, #blocked>
    %b = tt.splat %y : f16 -> tensor<16x32xf16, #blocked>
    %c = tt.splat %z : f32 -> tensor<32x32xf32, #blocked>
    %d = tt.dot %a, %b, %c, inputPrecision = tf32 : tensor<32x16xf16, #blocked> * tensor<16x32xf16, #blocked> -> tensor<32x32xf32, #blocked>
    %p = tt.splat %out : !tt.ptr<f32> -> tensor<32x32x!tt.ptr<f32>, #blocked>
    tt.store %p, %d : tensor<32x32x!tt.ptr<f32>, #blocked>
    tt.return
  }
}

// -----

// f32 operands multiply in full fp32 whatever the input precision (tf32
// asks for less): no conversion, fma.rn.f32. The thread holds 8 rows and
// one column of the result: 8 row vectors of a (16 bytes of f32 each), then
// single elements of b.
#d = #ttg.blocked<{sizePerThread = [2, 1], threadsPerWarp = [2, 16], warpsPerCTA = [2, 2], order = [1, 0]}>
#l = #ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
module attributes {"ttg.num-warps" = 4 : i32} {
  // CHECK: module attributes {{.*}}ttg.shared = 4096 : i32
  // CHECK-LABEL: llvm.func @dot_f32
  // CHECK: llvm.getelementptr %{{.*}}[2048] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
  // CHECK: nvvm.barrier0
  // CHECK-COUNT-8: llvm.load {{.*}} {alignment = 16 : i64} : !llvm.ptr<3> -> vector<4xf32>
  // CHECK-NOT: llvm.load
  // CHECK: llvm.load {{.*}} {alignment = 4 : i64} : !llvm.ptr<3> -> f32
  // CHECK-NOT: llvm.fpext
  // CHECK: llvm.intr.fma({{.*}}) : (f32, f32, f32) -> f32
  tt.func public @dot_f32(%x: f32, %y: f32, %z: f32, %out: !tt.ptr<f32>) {
    %a = tt.splat %x : f32 -> tensor<32x16xf32, #l>
    %b = tt.splat %y : f32 -> tensor<16x32xf32, #l>
    %c = tt.splat %z : f32 -> tensor<32x32xf32, #d>
    %d = tt.dot %a, %b, %c, inputPrecision = tf32 : tensor<32x16xf32, #l> * tensor<16x32xf32, #l> -> tensor<32x32xf32, #d>
    %p = tt.splat %out : !tt.ptr<f32> -> tensor<32x32x!tt.ptr<f32>, #d>
    tt.store %p, %d : tensor<32x32x!tt.ptr<f32>, #d>
    tt.return
  }
}

// -----

// int8 x int8 + i32: sign-extended operands, wrapping i32 multiply-add.
#blocked = #ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [4, 8], warpsPerCTA = [4, 1], order = [1, 0]}>
module attributes {"ttg.num-warps" = 4 : i32} {
  // CHECK-LABEL: llvm.func @dot_i8
  // CHECK: llvm.load {{.*}} -> vector<16xi8>
  // CHECK: llvm.sext {{.*}} : i8 to i32
  // CHECK: llvm.mul {{.*}} : i32
  // CHECK: llvm.add {{.*}} : i32
  // CHECK-NOT: llvm.intr.fma
  // CHECK: llvm.return
  tt.func public @dot_i8(%x: i8, %y: i8, %z: i32, %out: !tt.ptr<i32>) {
    %a = tt.splat %x : i8 -> tensor<16x32xi8, #blocked>
    %b = tt.splat %y : i8 -> tensor<32x32xi8, #blocked>
    %c = tt.splat %z : i32 -> tensor<16x32xi32, #blocked>
    %d = tt.dot %a, %b, %c : tensor<16x32xi8, #blocked> * tensor<32x32xi8, #blocked> -> tensor<16x32xi32, #blocked>
    %p = tt.splat %out : !tt.ptr<i32> -> tensor<16x32x!tt.ptr<i32>, #blocked>
    tt.store %p, %d : tensor<16x32x!tt.ptr<i32>, #blocked>
    tt.return
  }
}

// -----

// Batched bf16: [2,16,16] x [2,16,16]; rows and columns carry the batch.
#blocked = #ttg.blocked<{sizePerThread = [1, 1, 4], threadsPerWarp = [1, 8, 4], warpsPerCTA = [2, 2, 1], order = [2, 1, 0]}>
module attributes {"ttg.num-warps" = 4 : i32} {
  // CHECK: module attributes {{.*}}ttg.shared = 2048 : i32
  // CHECK-LABEL: llvm.func @dot_bf16_batched
  // CHECK: llvm.getelementptr %{{.*}}[1024] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
  // CHECK: nvvm.barrier0
  // CHECK: llvm.load {{.*}} -> vector<8xbf16>
  // CHECK: llvm.load {{.*}} -> vector<4xbf16>
  // CHECK: llvm.fpext {{.*}} : bf16 to f32
  // CHECK: llvm.intr.fma
  tt.func public @dot_bf16_batched(%x: bf16, %y: bf16, %z: f32, %out: !tt.ptr<f32>) {
    %a = tt.splat %x : bf16 -> tensor<2x16x16xbf16, #blocked>
    %b = tt.splat %y : bf16 -> tensor<2x16x16xbf16, #blocked>
    %c = tt.splat %z : f32 -> tensor<2x16x16xf32, #blocked>
    %d = tt.dot %a, %b, %c : tensor<2x16x16xbf16, #blocked> * tensor<2x16x16xbf16, #blocked> -> tensor<2x16x16xf32, #blocked>
    %p = tt.splat %out : !tt.ptr<f32> -> tensor<2x16x16x!tt.ptr<f32>, #blocked>
    tt.store %p, %d : tensor<2x16x16x!tt.ptr<f32>, #blocked>
    tt.return
  }
}

// -----

// fp8 operands widen exactly to f32: e5m2 is the top byte of an f16,
// e4m3fn is rebuilt from its fields (its NaN, S.1111.111, becomes the
// canonical f32 NaN 0x7fffffff, as cvt gives).
#blocked = #ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [4, 8], warpsPerCTA = [4, 1], order = [1, 0]}>
module attributes {"ttg.num-warps" = 4 : i32} {
  // CHECK-LABEL: llvm.func @dot_fp8
  // CHECK: llvm.mlir.constant(2147483647 : i32)
  // CHECK: llvm.load {{.*}} -> vector<16xi8>
  // CHECK: llvm.bitcast {{.*}} : i16 to f16
  // CHECK: llvm.fpext {{.*}} : f16 to f32
  // CHECK: llvm.intr.fma
  tt.func public @dot_fp8(%x: f8E5M2, %y: f8E4M3FN, %z: f32, %out: !tt.ptr<f32>) {
    %a = tt.splat %x : f8E5M2 -> tensor<16x32xf8E5M2, #blocked>
    %b = tt.splat %y : f8E4M3FN -> tensor<32x32xf8E4M3FN, #blocked>
    %c = tt.splat %z : f32 -> tensor<16x32xf32, #blocked>
    %d = tt.dot %a, %b, %c : tensor<16x32xf8E5M2, #blocked> * tensor<32x32xf8E4M3FN, #blocked> -> tensor<16x32xf32, #blocked>
    %p = tt.splat %out : !tt.ptr<f32> -> tensor<16x32x!tt.ptr<f32>, #blocked>
    tt.store %p, %d : tensor<16x32x!tt.ptr<f32>, #blocked>
    tt.return
  }
}

// -----

// The tensor-core path is taken only where a layout pass asked for it
// (ttg.mma_sync) on a result layout with threadsPerWarp = [8, 4]. Here the
// result has 8 rows under a 16-row tile: each thread holds one row, paired
// with itself, and two columns: one mma per k step of 16.
#blocked = #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}>
module attributes {"ttg.num-warps" = 4 : i32} {
  // CHECK-LABEL: llvm.func @mma_bf16_replicated_rows
  // CHECK: nvvm.barrier0
  // CHECK-COUNT-1: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
  // CHECK-NOT: mma.sync
  // CHECK-NOT: llvm.intr.fma
  // CHECK: llvm.return
  tt.func public @mma_bf16_replicated_rows(%x: bf16, %y: bf16, %z: f32, %out: !tt.ptr<f32>) {
    %a = tt.splat %x : bf16 -> tensor<8x16xbf16, #blocked>
    %b = tt.splat %y : bf16 -> tensor<16x16xbf16, #blocked>
    %c = tt.splat %z : f32 -> tensor<8x16xf32, #blocked>
    %d = tt.dot %a, %b, %c {ttg.mma_sync} : tensor<8x16xbf16, #blocked> * tensor<16x16xbf16, #blocked> -> tensor<8x16xf32, #blocked>
    %p = tt.splat %out : !tt.ptr<f32> -> tensor<8x16x!tt.ptr<f32>, #blocked>
    tt.store %p, %d : tensor<8x16x!tt.ptr<f32>, #blocked>
    tt.return
  }
}

// -----

// Without ttg.mma_sync the same layout stays on the CUDA cores.
#blocked = #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}>
module attributes {"ttg.num-warps" = 4 : i32} {
  // CHECK-LABEL: llvm.func @no_mma_without_request
  // CHECK-NOT: mma.sync
  // CHECK: llvm.intr.fma
  tt.func public @no_mma_without_request(%x: bf16, %y: bf16, %z: f32, %out: !tt.ptr<f32>) {
    %a = tt.splat %x : bf16 -> tensor<8x16xbf16, #blocked>
    %b = tt.splat %y : bf16 -> tensor<16x16xbf16, #blocked>
    %c = tt.splat %z : f32 -> tensor<8x16xf32, #blocked>
    %d = tt.dot %a, %b, %c : tensor<8x16xbf16, #blocked> * tensor<16x16xbf16, #blocked> -> tensor<8x16xf32, #blocked>
    %p = tt.splat %out : !tt.ptr<f32> -> tensor<8x16x!tt.ptr<f32>, #blocked>
    tt.store %p, %d : tensor<8x16x!tt.ptr<f32>, #blocked>
    tt.return
  }
}

//--- mma.mlir

// mma.sync.m16n8k16 on f16: a 32x32 result, 2 rows x 4 columns per thread
// (one row pair, two column pairs), two k steps: four mma per thread. The
// operands are staged with 16-byte chunks swizzled; per k step one
// ldmatrix.x4 reads the A fragment and one ldmatrix.x4.trans the B
// fragments of both n8 tiles.
// MMA-LABEL: llvm.func @mma_f16
// MMA-NOT: nvvm.barrier0
// MMA: llvm.store {{.*}} : vector<2xf16>, !llvm.ptr<3>
// MMA: nvvm.barrier0
// MMA: nvvm.ldmatrix {{.*}}layout = #nvvm.mma_layout<row>, num = 4 : i32
// MMA: nvvm.ldmatrix {{.*}}layout = #nvvm.mma_layout<col>, num = 4 : i32
// MMA: llvm.inline_asm "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {$0, $1, $2, $3}, {$4, $5, $6, $7}, {$8, $9}, {$10, $11, $12, $13};", "=f,=f,=f,=f,r,r,r,r,r,r,0,1,2,3" {{.*}} : (i32, i32, i32, i32, i32, i32, f32, f32, f32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// MMA-COUNT-3: mma.sync.aligned.m16n8k16
// MMA-NOT: mma.sync
// MMA-NOT: llvm.intr.fma
// MMA: llvm.return
// MMA-PTX: .target sm_80
// MMA-PTX: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// MMA-PTX: ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16
// MMA-PTX-COUNT-4: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
#blocked = #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}>
module attributes {"ttg.num-warps" = 4 : i32} {
  tt.func public @mma_f16(%pa: !tt.ptr<f16>, %pb: !tt.ptr<f16>, %out: !tt.ptr<f32>) {
    %a0 = tt.splat %pa : !tt.ptr<f16> -> tensor<32x32x!tt.ptr<f16>, #blocked>
    %a = tt.load %a0 : tensor<32x32x!tt.ptr<f16>, #blocked>
    %b0 = tt.splat %pb : !tt.ptr<f16> -> tensor<32x32x!tt.ptr<f16>, #blocked>
    %b = tt.load %b0 : tensor<32x32x!tt.ptr<f16>, #blocked>
    %c = arith.constant dense<0.000000e+00> : tensor<32x32xf32, #blocked>
    %d = tt.dot %a, %b, %c {ttg.mma_sync} : tensor<32x32xf16, #blocked> * tensor<32x32xf16, #blocked> -> tensor<32x32xf32, #blocked>
    %p = tt.splat %out : !tt.ptr<f32> -> tensor<32x32x!tt.ptr<f32>, #blocked>
    tt.store %p, %d : tensor<32x32x!tt.ptr<f32>, #blocked>
    tt.return
  }
}

//--- loop.ttir

// A K loop with the accumulator carried by scf.for, from Triton IR to PTX.
// The layout pass puts the f16 dot on the tensor cores: the 32x32 result
// over 2x2 warps gives each thread one row pair and two column pairs, so
// one k step of 16 is two mma.sync per thread, and the accumulator crosses
// the back edge in registers, converted nowhere inside the loop.
// The loads of a and b are issued one iteration early (before the loop for
// the first): the loop also carries the next a and b tiles, their f16
// elements packed two per i32 (tritium-pack-loop-carried-halves). The dot
// is the loop's only user of shared memory: it alternates between two
// staging buffers (no barrier before its stores; one before the loop).
// LOOP-LABEL: llvm.func @loop_dot
// LOOP: ld.global
// LOOP: nvvm.barrier0
// LOOP: ^bb1(%{{.*}}: i32, %{{.*}}: !llvm.struct<(f32, f32, f32, f32, f32, f32, f32, f32)>, %{{.*}}: !llvm.struct<(i32, {{.*}})>, %{{.*}}: !llvm.struct<(i32, {{.*}})>)
// LOOP: llvm.cond_br
// LOOP: ld.global
// LOOP-COUNT-2: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// LOOP-NOT: mma.sync
// LOOP-NOT: llvm.intr.fma
// LOOP: llvm.br ^bb1(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : i32, !llvm.struct<(f32, f32, f32, f32, f32, f32, f32, f32)>, !llvm.struct<(i32, {{.*}})>, !llvm.struct<(i32, {{.*}})>)
// PTX: .visible .entry loop_dot(
// PTX: bar.sync 0
// PTX: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// PTX-NOT: fma.rn.f32
module {
  tt.func public @loop_dot(%a_ptr: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %b_ptr: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %c_ptr: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %K: i32) {
    %zero = arith.constant dense<0.000000e+00> : tensor<32x32xf32>
    %c0 = arith.constant 0 : i32
    %c16 = arith.constant 16 : i32
    %r32 = tt.make_range {end = 32 : i32, start = 0 : i32} : tensor<32xi32>
    %r16 = tt.make_range {end = 16 : i32, start = 0 : i32} : tensor<16xi32>
    %acc = scf.for %k = %c0 to %K step %c16 iter_args(%acc_in = %zero) -> (tensor<32x32xf32>) : i32 {
      // a[m, k + kk] at a_ptr + m * K + k + kk
      %m = tt.expand_dims %r32 {axis = 1 : i32} : tensor<32xi32> -> tensor<32x1xi32>
      %Ks = tt.splat %K : i32 -> tensor<32x1xi32>
      %mK = arith.muli %m, %Ks : tensor<32x1xi32>
      %ks = tt.splat %k : i32 -> tensor<16xi32>
      %kk = arith.addi %ks, %r16 : tensor<16xi32>
      %kr = tt.expand_dims %kk {axis = 0 : i32} : tensor<16xi32> -> tensor<1x16xi32>
      %aoff0 = tt.broadcast %mK : tensor<32x1xi32> -> tensor<32x16xi32>
      %aoff1 = tt.broadcast %kr : tensor<1x16xi32> -> tensor<32x16xi32>
      %aoff = arith.addi %aoff0, %aoff1 : tensor<32x16xi32>
      %ap0 = tt.splat %a_ptr : !tt.ptr<f16> -> tensor<32x16x!tt.ptr<f16>>
      %ap = tt.addptr %ap0, %aoff : tensor<32x16x!tt.ptr<f16>>, tensor<32x16xi32>
      %a = tt.load %ap : tensor<32x16x!tt.ptr<f16>>
      // b[k + kk, n] at b_ptr + (k + kk) * 32 + n
      %kc = tt.expand_dims %kk {axis = 1 : i32} : tensor<16xi32> -> tensor<16x1xi32>
      %c32s = arith.constant dense<32> : tensor<16x1xi32>
      %kN = arith.muli %kc, %c32s : tensor<16x1xi32>
      %n = tt.expand_dims %r32 {axis = 0 : i32} : tensor<32xi32> -> tensor<1x32xi32>
      %boff0 = tt.broadcast %kN : tensor<16x1xi32> -> tensor<16x32xi32>
      %boff1 = tt.broadcast %n : tensor<1x32xi32> -> tensor<16x32xi32>
      %boff = arith.addi %boff0, %boff1 : tensor<16x32xi32>
      %bp0 = tt.splat %b_ptr : !tt.ptr<f16> -> tensor<16x32x!tt.ptr<f16>>
      %bp = tt.addptr %bp0, %boff : tensor<16x32x!tt.ptr<f16>>, tensor<16x32xi32>
      %b = tt.load %bp : tensor<16x32x!tt.ptr<f16>>
      %acc_out = tt.dot %a, %b, %acc_in, inputPrecision = tf32 : tensor<32x16xf16> * tensor<16x32xf16> -> tensor<32x32xf32>
      scf.yield %acc_out : tensor<32x32xf32>
    }
    %m = tt.expand_dims %r32 {axis = 1 : i32} : tensor<32xi32> -> tensor<32x1xi32>
    %c32m = arith.constant dense<32> : tensor<32x1xi32>
    %mN = arith.muli %m, %c32m : tensor<32x1xi32>
    %n = tt.expand_dims %r32 {axis = 0 : i32} : tensor<32xi32> -> tensor<1x32xi32>
    %coff0 = tt.broadcast %mN : tensor<32x1xi32> -> tensor<32x32xi32>
    %coff1 = tt.broadcast %n : tensor<1x32xi32> -> tensor<32x32xi32>
    %coff = arith.addi %coff0, %coff1 : tensor<32x32xi32>
    %cp0 = tt.splat %c_ptr : !tt.ptr<f32> -> tensor<32x32x!tt.ptr<f32>>
    %cp = tt.addptr %cp0, %coff : tensor<32x32x!tt.ptr<f32>>, tensor<32x32xi32>
    tt.store %cp, %acc : tensor<32x32x!tt.ptr<f32>>
    tt.return
  }
}
