// Shared memory is addressed with 32-bit registers (the NVPTX data layout
// with short shared / local / constant pointers, as Triton uses): no
// 64-bit round trip (cvt.u64.u32, add.s64, cvt.u32.u64) per shared access.
// RUN: tritiumc %S/../../corpus/histogram_global/histogram_global.ttir --arch=sm_90a --emit=ptx -o %t.ptx
// RUN: FileCheck %s < %t.ptx
// RUN: tritiumc %S/../../corpus/histogram_global/histogram_global.ttir --arch=sm_90a --emit=llvm | FileCheck %s --check-prefix=LAYOUT
// RUN: %if ptxas %{ %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}

// CHECK-NOT: cvt.u32.u64
// CHECK: st.shared.b32 [%r{{[0-9]+}}], 0;
// CHECK: red.shared.add.u32 [ %r{{[0-9]+}} + 0 ], 1;
// CHECK-NOT: cvt.u32.u64
// LAYOUT: target datalayout = "{{.*}}p3:32:32
