// Triton's maxnreg: a register budget per thread. The layout pass records
// it as the module's ttg.maxnreg (or keeps one Triton printed), the
// lowering gives the kernel nvvm.maxnreg, and the PTX declares .maxnreg,
// which ptxas keeps to (spilling what does not fit). Without it: nothing.
//
// RUN: split-file %s %t
// RUN: tritium-opt %t/copy.ttir --tritium-ttir-to-llvm="max-registers=96" | FileCheck %s --check-prefix=LLVM
// RUN: tritium-opt %t/copy.ttir --tritium-ttir-to-llvm | FileCheck %s --check-prefix=NONE
// RUN: tritium-opt %t/triton.ttir --tritium-ttir-to-llvm | FileCheck %s --check-prefix=TRITON
// RUN: tritiumc %t/copy.ttir --arch=sm_90a --maxnreg=64 --emit=ptx -o %t/copy.ptx
// RUN: FileCheck %s --check-prefix=PTX < %t/copy.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_90a %t/copy.ptx -o %t/copy.cubin %}
// RUN: tritiumc %t/copy.ttir --arch=sm_90a --emit=ptx -o %t/plain.ptx
// RUN: FileCheck %s --check-prefix=PLAIN < %t/plain.ptx

//--- copy.ttir

// LLVM: module attributes {{.*}}ttg.maxnreg = 96 : i32
// LLVM: llvm.func @copy
// LLVM-SAME: nvvm.maxnreg = 96 : i32
// NONE-NOT: maxnreg
// PTX: .maxnreg 64
// PLAIN-NOT: .maxnreg
tt.func public @copy(%x: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %y: !tt.ptr<f32> {tt.divisibility = 16 : i32}) {
  %offs = tt.make_range {end = 512 : i32, start = 0 : i32} : tensor<512xi32>
  %xs = tt.splat %x : !tt.ptr<f32> -> tensor<512x!tt.ptr<f32>>
  %xp = tt.addptr %xs, %offs : tensor<512x!tt.ptr<f32>>, tensor<512xi32>
  %v = tt.load %xp : tensor<512x!tt.ptr<f32>>
  %ys = tt.splat %y : !tt.ptr<f32> -> tensor<512x!tt.ptr<f32>>
  %yp = tt.addptr %ys, %offs : tensor<512x!tt.ptr<f32>>, tensor<512xi32>
  tt.store %yp, %v : tensor<512x!tt.ptr<f32>>
  tt.return
}

//--- triton.ttir

// Triton sets the attribute on the module in make_ttgir; it is kept.
// TRITON: llvm.func @copy_triton
// TRITON-SAME: nvvm.maxnreg = 128 : i32
module attributes {ttg.maxnreg = 128 : i32} {
  tt.func public @copy_triton(%x: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %y: !tt.ptr<f32> {tt.divisibility = 16 : i32}) {
    %offs = tt.make_range {end = 512 : i32, start = 0 : i32} : tensor<512xi32>
    %xs = tt.splat %x : !tt.ptr<f32> -> tensor<512x!tt.ptr<f32>>
    %xp = tt.addptr %xs, %offs : tensor<512x!tt.ptr<f32>>, tensor<512xi32>
    %v = tt.load %xp : tensor<512x!tt.ptr<f32>>
    %ys = tt.splat %y : !tt.ptr<f32> -> tensor<512x!tt.ptr<f32>>
    %yp = tt.addptr %ys, %offs : tensor<512x!tt.ptr<f32>>, tensor<512xi32>
    tt.store %yp, %v : tensor<512x!tt.ptr<f32>>
    tt.return
  }
}
