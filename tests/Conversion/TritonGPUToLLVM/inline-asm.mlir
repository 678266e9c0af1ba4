// tt.elementwise_inline_asm with one element per asm instance: the asm once
// per element a thread holds (once for a scalar), the arguments' elements at
// that register as operands (a scalar argument for every element), several
// results as a struct. Impure asm keeps its side effects: Triton's gdc_wait
// and gdc_launch_dependents (programmatic dependent launch) are such asm
// with no arguments and a dummy result. packed_element > 1 is an error.
//
// RUN: split-file %s %t
// RUN: tritium-opt %t/ok.ttir --tritium-ttir-to-llvm | FileCheck %s --check-prefix=LLVM
// RUN: tritiumc %t/ok.ttir --arch=sm_90a --num-warps=4 --emit=ptx -o %t/ok.ptx
// RUN: FileCheck %s --check-prefix=PTX < %t/ok.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_90a %t/ok.ptx -o %t/ok.cubin %}
// RUN: not tritium-opt %t/packed.ttir --tritium-ttir-to-llvm 2>&1 | FileCheck %s --check-prefix=PACKED

//--- ok.ttir

// LLVM: llvm.inline_asm has_side_effects "griddepcontrol.wait; // dummy $0", "=r"  : () -> i32
// 128 elements over 4 warps: one per thread, one asm each.
// LLVM: llvm.inline_asm "add.s32 $0, $1, $2;", "=r,r,r" %{{.*}}, %{{.*}} : (i32, i32) -> i32
// LLVM: llvm.inline_asm "mov.b32 $0, $2; mov.b32 $1, $2;", "=r,=r,r" %{{.*}} : (i32) -> !llvm.struct<(i32, i32)>
// LLVM: llvm.inline_asm has_side_effects "griddepcontrol.launch_dependents; // dummy $0", "=r"  : () -> i32
// PTX: griddepcontrol.wait;
// PTX: add.s32
// PTX: griddepcontrol.launch_dependents;
module {
  tt.func public @gdc(%p: !tt.ptr<i32> {tt.divisibility = 16 : i32}) {
    %w = tt.elementwise_inline_asm "griddepcontrol.wait; // dummy $0" {constraints = "=r", packed_element = 1 : i32, pure = false} -> i32
    %r = tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32>
    %d = tt.elementwise_inline_asm "add.s32 $0, $1, $2;" {constraints = "=r,r,r", packed_element = 1 : i32, pure = true} %r, %w : tensor<128xi32>, i32 -> tensor<128xi32>
    %a, %b = tt.elementwise_inline_asm "mov.b32 $0, $2; mov.b32 $1, $2;" {constraints = "=r,=r,r", packed_element = 1 : i32, pure = true} %d : tensor<128xi32> -> tensor<128xi32>, tensor<128xi32>
    %s = arith.addi %a, %b : tensor<128xi32>
    %ps = tt.splat %p : !tt.ptr<i32> -> tensor<128x!tt.ptr<i32>>
    %pp = tt.addptr %ps, %r : tensor<128x!tt.ptr<i32>>, tensor<128xi32>
    tt.store %pp, %s : tensor<128x!tt.ptr<i32>>
    %l = tt.elementwise_inline_asm "griddepcontrol.launch_dependents; // dummy $0" {constraints = "=r", packed_element = 1 : i32, pure = false} -> i32
    tt.return
  }
}

//--- packed.ttir

// PACKED: error: 'tt.elementwise_inline_asm' op packed_element > 1 is not supported yet
module {
  tt.func public @packed(%p: !tt.ptr<i8> {tt.divisibility = 16 : i32}) {
    %r = tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32>
    %c = arith.trunci %r : tensor<128xi32> to tensor<128xi8>
    %d = tt.elementwise_inline_asm "mov.b32 $0, $1;" {constraints = "=r,r", packed_element = 4 : i32, pure = true} %c : tensor<128xi8> -> tensor<128xi8>
    %ps = tt.splat %p : !tt.ptr<i8> -> tensor<128x!tt.ptr<i8>>
    %pp = tt.addptr %ps, %r : tensor<128x!tt.ptr<i8>>, tensor<128xi32>
    tt.store %pp, %d : tensor<128x!tt.ptr<i8>>
    tt.return
  }
}
