// RUN: tritium-opt %s --tritium-ttir-to-llvm | FileCheck %s

// A kernel keeps Triton 3.6's ABI: the IR's parameters, then the global and
// profile scratch pointers; exactly num-warps * 32 threads.
// CHECK-LABEL: llvm.func @copy(%{{.*}}: !llvm.ptr<1>, %{{.*}}: !llvm.ptr<1>, %{{.*}}: i32, %{{.*}}: !llvm.ptr<1>, %{{.*}}: !llvm.ptr<1>)
// CHECK-SAME: nvvm.kernel
// CHECK-SAME: nvvm.reqntid = array<i32: 128, 1, 1>
tt.func public @copy(%in: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %out: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %n: i32 {tt.divisibility = 16 : i32}) {
  %c1024 = arith.constant 1024 : i32
  %pid = tt.get_program_id x : i32
  %base = arith.muli %pid, %c1024 : i32
  %r = tt.make_range {end = 1024 : i32, start = 0 : i32} : tensor<1024xi32>
  %bs = tt.splat %base : i32 -> tensor<1024xi32>
  %offs = arith.addi %bs, %r : tensor<1024xi32>
  %ns = tt.splat %n : i32 -> tensor<1024xi32>
  %m = arith.cmpi slt, %offs, %ns : tensor<1024xi32>
  %zero = arith.constant dense<0.000000e+00> : tensor<1024xf32>
  %p = tt.splat %in : !tt.ptr<f32> -> tensor<1024x!tt.ptr<f32>>
  %pa = tt.addptr %p, %offs : tensor<1024x!tt.ptr<f32>>, tensor<1024xi32>
  // 16-byte aligned, contiguous, mask constant over 16 elements: two
  // predicated 128-bit loads per thread, `other` moved in first.
  // CHECK: nvvm.read.ptx.sreg.ctaid.x
  // CHECK-COUNT-2: llvm.inline_asm "mov.b32 $0, $6;{{.*}}@$4 ld.global.cg.v4.b32 {$0, $1, $2, $3}, [ $5 + 0 ];"
  %x = tt.load %pa, %m, %zero cacheModifier = cg : tensor<1024x!tt.ptr<f32>>
  %q = tt.splat %out : !tt.ptr<f32> -> tensor<1024x!tt.ptr<f32>>
  %qa = tt.addptr %q, %offs : tensor<1024x!tt.ptr<f32>>, tensor<1024xi32>
  // CHECK-COUNT-2: llvm.inline_asm has_side_effects "@$4 st.global.v4.b32 [ $5 + 0 ], {$0, $1, $2, $3};"
  tt.store %qa, %x, %m : tensor<1024x!tt.ptr<f32>>
  // CHECK: llvm.return
  tt.return
}

// Without alignment facts, one element per access.
// CHECK-LABEL: llvm.func @unaligned
// CHECK: "@$1 ld.global.b32 $0, [ $2 + 0 ];"
tt.func public @unaligned(%in: !tt.ptr<f32>, %out: !tt.ptr<f32>, %n: i32) {
  %r = tt.make_range {end = 512 : i32, start = 0 : i32} : tensor<512xi32>
  %ns = tt.splat %n : i32 -> tensor<512xi32>
  %m = arith.cmpi slt, %r, %ns : tensor<512xi32>
  %p = tt.splat %in : !tt.ptr<f32> -> tensor<512x!tt.ptr<f32>>
  %pa = tt.addptr %p, %r : tensor<512x!tt.ptr<f32>>, tensor<512xi32>
  %x = tt.load %pa, %m : tensor<512x!tt.ptr<f32>>
  %q = tt.splat %out : !tt.ptr<f32> -> tensor<512x!tt.ptr<f32>>
  %qa = tt.addptr %q, %r : tensor<512x!tt.ptr<f32>>, tensor<512xi32>
  tt.store %qa, %x, %m : tensor<512x!tt.ptr<f32>>
  tt.return
}
