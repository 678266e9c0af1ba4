// Tensor descriptors parse in the form Triton 3.6 prints them and print back
// unchanged.
// RUN: tritium-opt %s | FileCheck %s
// RUN: tritium-opt %s | tritium-opt | FileCheck %s
// RUN: tritium-opt %s -mlir-print-op-generic | tritium-opt | FileCheck %s

// As Triton 3.6 prints a tiled copy written with tl.make_tensor_descriptor.
// CHECK-LABEL: tt.func public @copy_kernel
// CHECK: %[[DESC:.*]] = tt.make_tensor_descriptor %arg0, [%arg2, %arg3], [%{{.*}}, %{{.*}}] : <f16>, <tensor<64x32xf16>>
// CHECK: %[[ODESC:.*]] = tt.make_tensor_descriptor %arg1, [%arg2, %arg3], [%{{.*}}, %{{.*}}] {padding = 2 : i32} : <f16>, <tensor<64x32xf16>>
// CHECK: %[[T:.*]] = tt.descriptor_load %[[DESC]][%{{.*}}, %{{.*}}] : !tt.tensordesc<tensor<64x32xf16>> -> tensor<64x32xf16>
// CHECK: tt.descriptor_store %[[ODESC]][%{{.*}}, %{{.*}}], %[[T]] : !tt.tensordesc<tensor<64x32xf16>>, tensor<64x32xf16>
module {
  tt.func public @copy_kernel(%in_ptr: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %out_ptr: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %M: i32 {tt.divisibility = 16 : i32}, %N: i32 {tt.divisibility = 16 : i32}) attributes {noinline = false} {
    %c1_i64 = arith.constant 1 : i64
    %c64_i32 = arith.constant 64 : i32
    %c32_i32 = arith.constant 32 : i32
    %0 = arith.extsi %N : i32 to i64
    %in_desc = tt.make_tensor_descriptor %in_ptr, [%M, %N], [%0, %c1_i64] : <f16>, <tensor<64x32xf16>>
    %out_desc = tt.make_tensor_descriptor %out_ptr, [%M, %N], [%0, %c1_i64] {padding = 2 : i32} : <f16>, <tensor<64x32xf16>>
    %pid_m = tt.get_program_id x : i32
    %pid_n = tt.get_program_id y : i32
    %off_m = arith.muli %pid_m, %c64_i32 : i32
    %off_n = arith.muli %pid_n, %c32_i32 : i32
    %tile = tt.descriptor_load %in_desc[%off_m, %off_n] : !tt.tensordesc<tensor<64x32xf16>> -> tensor<64x32xf16>
    tt.descriptor_store %out_desc[%off_m, %off_n], %tile : !tt.tensordesc<tensor<64x32xf16>>, tensor<64x32xf16>
    tt.return
  }
}

// Signed integer blocks, modifiers, a rank-reducing load, gather / scatter /
// reduce,
// and a descriptor carried through scf.for.
// CHECK-LABEL: tt.func @misc
// CHECK: tt.make_tensor_descriptor %arg0, [%arg1], [%{{.*}}] : <i32>, <tensor<128xsi32>>
// CHECK: tt.descriptor_load %{{.*}}[%arg1] cacheModifier = cg evictionPolicy = evict_last : !tt.tensordesc<tensor<128xsi32>> -> tensor<128xi32>
// CHECK: tt.descriptor_load %{{.*}}[%arg1, %arg1] : !tt.tensordesc<tensor<1x64xf32>> -> tensor<64xf32>
// CHECK: tt.descriptor_gather %{{.*}}[%{{.*}}, %arg1] : (!tt.tensordesc<tensor<1x64xf32>>, tensor<8xi32>, i32) -> tensor<8x64xf32>
// CHECK: tt.descriptor_scatter %{{.*}}[%{{.*}}, %arg1], %{{.*}} : !tt.tensordesc<tensor<1x64xf32>>, tensor<8xi32>, i32, tensor<8x64xf32>
// CHECK: tt.descriptor_reduce add, %{{.*}}[%arg1], %{{.*}} : !tt.tensordesc<tensor<128xsi32>>, tensor<128xi32>
// CHECK: tt.descriptor_reduce xor, %{{.*}}[%arg1], %{{.*}} : !tt.tensordesc<tensor<128xsi32>>, tensor<128xi32>
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}) -> (!tt.tensordesc<tensor<1x64xf32>>)
tt.func @misc(%p: !tt.ptr<i32>, %n: i32, %q: !tt.ptr<f32>, %rows: tensor<8xi32>) {
  %c1 = arith.constant 1 : i64
  %d = tt.make_tensor_descriptor %p, [%n], [%c1] : <i32>, <tensor<128xsi32>>
  %v = tt.descriptor_load %d[%n] cacheModifier = cg evictionPolicy = evict_last : !tt.tensordesc<tensor<128xsi32>> -> tensor<128xi32>
  tt.descriptor_store %d[%n], %v : !tt.tensordesc<tensor<128xsi32>>, tensor<128xi32>
  %e = tt.make_tensor_descriptor %q, [%n, %n], [%c1, %c1] : <f32>, <tensor<1x64xf32>>
  %r = tt.descriptor_load %e[%n, %n] : !tt.tensordesc<tensor<1x64xf32>> -> tensor<64xf32>
  %g = tt.descriptor_gather %e[%rows, %n] : (!tt.tensordesc<tensor<1x64xf32>>, tensor<8xi32>, i32) -> tensor<8x64xf32>
  tt.descriptor_scatter %e[%rows, %n], %g : !tt.tensordesc<tensor<1x64xf32>>, tensor<8xi32>, i32, tensor<8x64xf32>
  tt.descriptor_reduce add, %d[%n], %v : !tt.tensordesc<tensor<128xsi32>>, tensor<128xi32>
  tt.descriptor_reduce xor, %d[%n], %v : !tt.tensordesc<tensor<128xsi32>>, tensor<128xi32>
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %s = arith.constant 1 : index
  %f = scf.for %i = %c0 to %c4 step %s iter_args(%x = %e) -> (!tt.tensordesc<tensor<1x64xf32>>) {
    scf.yield %x : !tt.tensordesc<tensor<1x64xf32>>
  }
  tt.return
}
