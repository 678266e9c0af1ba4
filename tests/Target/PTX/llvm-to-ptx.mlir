// The last stages on their own: LLVM + NVVM dialect -> LLVM IR -> PTX, with
// libdevice linked for __nv_expf.
// RUN: tritiumc %s --arch=sm_90a --emit=ptx -o %t.sm90a.ptx
// RUN: FileCheck %s --check-prefix=PTX < %t.sm90a.ptx
// RUN: tritiumc %s --arch=sm_80 --emit=ptx | FileCheck %s --check-prefix=SM80
// RUN: tritiumc %s --arch=sm_90 --emit=llvm | FileCheck %s --check-prefix=LLVM
// RUN: %if ptxas %{ %ptxas -arch=sm_90a %t.sm90a.ptx -o %t.cubin %}
// RUN: not tritiumc %s --arch=sm_75 --emit=ptx 2>&1 | FileCheck %s --check-prefix=ARCH

// PTX: .version 8.4
// PTX: .target sm_90a
// PTX: .visible .entry exp_add(
// PTX: ld.global
// PTX: ex2.approx
// PTX: st.global
// SM80: .target sm_80
// LLVM: define ptx_kernel void @exp_add(
// LLVM-NOT: declare {{.*}}@__nv_expf
// ARCH: tritiumc: unknown --arch 'sm_75': expected sm_80, sm_90 or sm_90a

module {
  llvm.func @__nv_expf(f32) -> f32
  llvm.func @exp_add(%x: !llvm.ptr<1>, %y: !llvm.ptr<1>, %out: !llvm.ptr<1>, %n: i32) attributes {nvvm.kernel, nvvm.maxntid = array<i32: 128>} {
    %tid = nvvm.read.ptx.sreg.tid.x : i32
    %bid = nvvm.read.ptx.sreg.ctaid.x : i32
    %c128 = llvm.mlir.constant(128 : i32) : i32
    %base = llvm.mul %bid, %c128 : i32
    %i = llvm.add %base, %tid : i32
    %inside = llvm.icmp "slt" %i, %n : i32
    llvm.cond_br %inside, ^body, ^exit
  ^body:
    %px = llvm.getelementptr %x[%i] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, f32
    %py = llvm.getelementptr %y[%i] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, f32
    %po = llvm.getelementptr %out[%i] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, f32
    %a = llvm.load %px : !llvm.ptr<1> -> f32
    %b = llvm.load %py : !llvm.ptr<1> -> f32
    %e = llvm.call @__nv_expf(%a) : (f32) -> f32
    %s = llvm.fadd %e, %b : f32
    llvm.store %s, %po : f32, !llvm.ptr<1>
    llvm.br ^exit
  ^exit:
    llvm.return
  }
}
