// tt.dot on Hopper's warpgroup tensor cores (sm_90a): a 64x64 f16 result
// over 4 warps (one warpgroup), K = 32 per iteration of a K loop.
//
// RUN: tritium-opt %s --tritium-ttir-to-ttgir="arch-specific=1" | FileCheck %s --check-prefix=TTGIR
// RUN: tritium-opt %s --tritium-ttir-to-llvm="arch-specific=1" | FileCheck %s --check-prefix=LLVM
// RUN: tritiumc %s --arch=sm_90a --emit=ptx -o %t.sm90a.ptx
// RUN: FileCheck %s --check-prefix=PTX < %t.sm90a.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_90a %t.sm90a.ptx -o %t.sm90a.cubin %}
// The same kernel for sm_90 (no wgmma) and sm_80 runs on mma.sync.
// RUN: tritiumc %s --arch=sm_90 --emit=ptx -o %t.sm90.ptx
// RUN: FileCheck %s --check-prefix=SYNC < %t.sm90.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_90 %t.sm90.ptx -o %t.sm90.cubin %}
// RUN: tritiumc %s --arch=sm_80 --emit=ptx -o %t.sm80.ptx
// RUN: FileCheck %s --check-prefix=SYNC < %t.sm80.ptx

// wgmma's accumulator layout: every warp on all 64 columns, 16 of each 64
// rows; the dot is marked for it, and, the only user of shared memory in
// its loop, for double-buffered staging (a barrier before the loop). Its
// operand a, loaded one iteration ahead (iteration 0's tile before the
// loop), is marked for asynchronous copies: group 0, the first load 0
// iterations ahead of the dot that reads it, the one in the loop 1.
// TTGIR: tt.load {{.*}} {ttg.async_ahead = 0 : i32, ttg.async_group = 0 : i64}
// TTGIR: gpu.barrier
// TTGIR: scf.for {{.*}} -> (tensor<64x64xf32, #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>>
// TTGIR: tt.load {{.*}} {ttg.async_ahead = 1 : i32, ttg.async_group = 0 : i64}
// TTGIR: tt.dot {{.*}} {ttg.async_group = 0 : i64, ttg.double_buffer, ttg.mma_sync, ttg.wgmma}

// Descriptors (start address in 16-byte units added at run time): A is
// K-major, rows of 32 f16 = 64 bytes, 64-byte swizzle (mode 2 in bits
// 62-63), 8-row groups 512 bytes apart (stride byte offset 512 >> 4 = 32 in
// bits 32-45), leading byte offset unused (1); 0x8000002000010000. B is
// N-major, rows of 64 f16 = 128 bytes, 128-byte swizzle (mode 1), 8-row
// groups 1024 bytes apart (64), 64-column blocks K * 128 = 4096 bytes apart
// (256 in bits 16-29); 0x4000004001000000.
//
// Operand a never enters registers: each thread copies its 64x32 f16
// tile's share (4 pieces of 16 bytes, masked-off pieces filled with zeros)
// with cp.async into the staging buffer of the iteration that reads it,
// iteration 0's before the loop, the next iteration's at the top of the
// body; the dot waits for all but the newest group, stages b, fences and
// passes its barrier before the wgmmas, and passes one more after them.
// LLVM-LABEL: llvm.func @wgmma_loop
// LLVM-DAG: llvm.mlir.constant(-9223371899415756800 : i64)
// LLVM-DAG: llvm.mlir.constant(4611686293322072064 : i64)
// LLVM-COUNT-2: "cp.async.cg.shared.global [$0], [$1], 16, $2;"
// LLVM: llvm.inline_asm has_side_effects "cp.async.commit_group;"
// LLVM: llvm.cond_br
// LLVM-COUNT-2: "cp.async.cg.shared.global [$0], [$1], 16, $2;"
// LLVM: llvm.inline_asm has_side_effects "cp.async.commit_group;"
// LLVM: llvm.inline_asm has_side_effects "cp.async.wait_group 1;"
// LLVM: llvm.inline_asm has_side_effects "fence.proxy.async.shared::cta;"
// LLVM: nvvm.barrier0
// LLVM: llvm.inline_asm has_side_effects "wgmma.fence.sync.aligned;"
// LLVM-COUNT-2: wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16
// LLVM: llvm.inline_asm has_side_effects "wgmma.commit_group.sync.aligned;"
// LLVM: llvm.inline_asm has_side_effects "wgmma.wait_group.sync.aligned 0;"
// LLVM: nvvm.barrier0
// LLVM-NOT: mma.sync
// LLVM: llvm.return

// PTX: .target sm_90a
// PTX: fence.proxy.async.shared::cta
// PTX: wgmma.fence.sync.aligned
// PTX-COUNT-2: wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16
// PTX: wgmma.commit_group.sync.aligned
// PTX: wgmma.wait_group.sync.aligned 0

// Without wgmma the marks are dropped: operand a is loaded into registers.
// SYNC-NOT: wgmma.
// SYNC-NOT: cp.async
// SYNC: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// SYNC: ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16
// SYNC: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// SYNC-NOT: wgmma.

module {
  tt.func public @wgmma_loop(%a_ptr: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %b_ptr: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %c_ptr: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %K: i32 {tt.divisibility = 16 : i32}) {
    %zero = arith.constant dense<0.000000e+00> : tensor<64x64xf32>
    %c0 = arith.constant 0 : i32
    %c32 = arith.constant 32 : i32
    %r64 = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32>
    %r32 = tt.make_range {end = 32 : i32, start = 0 : i32} : tensor<32xi32>
    %acc = scf.for %k = %c0 to %K step %c32 iter_args(%acc_in = %zero) -> (tensor<64x64xf32>) : i32 {
      // a[m, k + kk] at a_ptr + m * K + k + kk
      %m = tt.expand_dims %r64 {axis = 1 : i32} : tensor<64xi32> -> tensor<64x1xi32>
      %Ks = tt.splat %K : i32 -> tensor<64x1xi32>
      %mK = arith.muli %m, %Ks : tensor<64x1xi32>
      %ks = tt.splat %k : i32 -> tensor<32xi32>
      %kk = arith.addi %ks, %r32 : tensor<32xi32>
      %kr = tt.expand_dims %kk {axis = 0 : i32} : tensor<32xi32> -> tensor<1x32xi32>
      %aoff0 = tt.broadcast %mK : tensor<64x1xi32> -> tensor<64x32xi32>
      %aoff1 = tt.broadcast %kr : tensor<1x32xi32> -> tensor<64x32xi32>
      %aoff = arith.addi %aoff0, %aoff1 : tensor<64x32xi32>
      %ap0 = tt.splat %a_ptr : !tt.ptr<f16> -> tensor<64x32x!tt.ptr<f16>>
      %ap = tt.addptr %ap0, %aoff : tensor<64x32x!tt.ptr<f16>>, tensor<64x32xi32>
      %a = tt.load %ap : tensor<64x32x!tt.ptr<f16>>
      // b[k + kk, n] at b_ptr + (k + kk) * 64 + n
      %kc = tt.expand_dims %kk {axis = 1 : i32} : tensor<32xi32> -> tensor<32x1xi32>
      %c64s = arith.constant dense<64> : tensor<32x1xi32>
      %kN = arith.muli %kc, %c64s : tensor<32x1xi32>
      %n = tt.expand_dims %r64 {axis = 0 : i32} : tensor<64xi32> -> tensor<1x64xi32>
      %boff0 = tt.broadcast %kN : tensor<32x1xi32> -> tensor<32x64xi32>
      %boff1 = tt.broadcast %n : tensor<1x64xi32> -> tensor<32x64xi32>
      %boff = arith.addi %boff0, %boff1 : tensor<32x64xi32>
      %bp0 = tt.splat %b_ptr : !tt.ptr<f16> -> tensor<32x64x!tt.ptr<f16>>
      %bp = tt.addptr %bp0, %boff : tensor<32x64x!tt.ptr<f16>>, tensor<32x64xi32>
      %b = tt.load %bp : tensor<32x64x!tt.ptr<f16>>
      %acc_out = tt.dot %a, %b, %acc_in, inputPrecision = tf32 : tensor<64x32xf16> * tensor<32x64xf16> -> tensor<64x64xf32>
      scf.yield %acc_out : tensor<64x64xf32>
    }
    %m = tt.expand_dims %r64 {axis = 1 : i32} : tensor<64xi32> -> tensor<64x1xi32>
    %c64m = arith.constant dense<64> : tensor<64x1xi32>
    %mN = arith.muli %m, %c64m : tensor<64x1xi32>
    %n = tt.expand_dims %r64 {axis = 0 : i32} : tensor<64xi32> -> tensor<1x64xi32>
    %coff0 = tt.broadcast %mN : tensor<64x1xi32> -> tensor<64x64xi32>
    %coff1 = tt.broadcast %n : tensor<1x64xi32> -> tensor<64x64xi32>
    %coff = arith.addi %coff0, %coff1 : tensor<64x64xi32>
    %cp0 = tt.splat %c_ptr : !tt.ptr<f32> -> tensor<64x64x!tt.ptr<f32>>
    %cp = tt.addptr %cp0, %coff : tensor<64x64x!tt.ptr<f32>>, tensor<64x64xi32>
    tt.store %cp, %acc : tensor<64x64x!tt.ptr<f32>>
    tt.return
  }
}
