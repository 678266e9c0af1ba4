// The dot of dot-wgmma.mlir in a kernel whose other shared memory (a 256 KB
// transpose) leaves no room for two operand-a buffers under sm_90's 227 KB
// per block: the asynchronous-copy marks are dropped before the lowering
// (no dedicated bytes for operand buffers in the total below), operand a
// is loaded into registers and staged as before. The transpose alone is
// more than a block may have, so the lowering then reports the total
// instead of leaving the driver to refuse the kernel at load time.
//
// RUN: not tritium-opt %s --tritium-ttir-to-llvm="arch-specific=1" 2>&1 | FileCheck %s
// CHECK: error: the kernel needs 262144 bytes of shared memory (0 of them for staged loads, local histograms and dot operand buffers, the rest scratch), more than the 232448 a block may use on sm_90; use fewer stages, smaller tiles or fewer warps
// CHECK-NOT: llvm.func

module {
  tt.func public @wgmma_loop_big_scratch(%a_ptr: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %b_ptr: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %c_ptr: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %K: i32 {tt.divisibility = 16 : i32}, %d_ptr: !tt.ptr<f32> {tt.divisibility = 16 : i32}) {
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
    // A 256 KB transpose after the loop: its scratch leaves no room for the
    // operand buffers.
    %r256 = tt.make_range {end = 256 : i32, start = 0 : i32} : tensor<256xi32>
    %row = tt.expand_dims %r256 {axis = 1 : i32} : tensor<256xi32> -> tensor<256x1xi32>
    %col = tt.expand_dims %r256 {axis = 0 : i32} : tensor<256xi32> -> tensor<1x256xi32>
    %c256 = arith.constant dense<256> : tensor<256x1xi32>
    %rowN = arith.muli %row, %c256 : tensor<256x1xi32>
    %i0 = tt.broadcast %rowN : tensor<256x1xi32> -> tensor<256x256xi32>
    %i1 = tt.broadcast %col : tensor<1x256xi32> -> tensor<256x256xi32>
    %idx = arith.addi %i0, %i1 : tensor<256x256xi32>
    %vals = arith.sitofp %idx : tensor<256x256xi32> to tensor<256x256xf32>
    %t = tt.trans %vals {order = array<i32: 1, 0>} : tensor<256x256xf32> -> tensor<256x256xf32>
    %dp0 = tt.splat %d_ptr : !tt.ptr<f32> -> tensor<256x256x!tt.ptr<f32>>
    %dp = tt.addptr %dp0, %idx : tensor<256x256x!tt.ptr<f32>>, tensor<256x256xi32>
    tt.store %dp, %t : tensor<256x256x!tt.ptr<f32>>
    tt.return
  }
}
