// RUN: tritium-opt %s --split-input-file --tritium-rewrite-tensor-descriptor | FileCheck %s
// RUN: tritium-opt %s --split-input-file --tritium-rewrite-tensor-descriptor --canonicalize --cse | FileCheck %s --check-prefix=CANON

// A descriptor becomes its base, i64 shape and strides and an i1 "pad with
// NaN"; a load through it at indices (i, j) the tensor of pointers
// base + (i + arange) * stride_0 + (j + arange) * stride_1, masked to
// 0 <= index < shape on every dimension, zero where masked off.

// CHECK-LABEL: tt.func @copy
// CHECK-NOT: tt.make_tensor_descriptor
// CHECK-DAG: %[[M:.*]] = arith.extsi %arg2 : i32 to i64
// CHECK-DAG: %[[N:.*]] = arith.extsi %arg3 : i32 to i64
// CHECK-DAG: %[[I:.*]] = arith.extsi %arg4 : i32 to i64
// CHECK: %[[R0:.*]] = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32>
// CHECK: %[[R0X:.*]] = arith.extsi %[[R0]] : tensor<64xi32> to tensor<64xi64>
// CHECK: %[[IS:.*]] = tt.splat %[[I]] : i64 -> tensor<64xi64>
// CHECK: %[[IDX0:.*]] = arith.addi %[[IS]], %[[R0X]] : tensor<64xi64>
// CHECK: %[[ROW:.*]] = tt.expand_dims %[[IDX0]] {axis = 1 : i32} : tensor<64xi64> -> tensor<64x1xi64>
// CHECK: %[[BASE:.*]] = tt.splat %arg0 : !tt.ptr<f16> -> tensor<64x32x!tt.ptr<f16>>
// CHECK: %[[PTRS:.*]] = tt.addptr %[[BASE]], %{{.*}} : tensor<64x32x!tt.ptr<f16>>, tensor<64x32xi64>
// CHECK: arith.cmpi sge, %[[ROW]], %{{.*}} : tensor<64x1xi64>
// CHECK: %[[MS:.*]] = tt.splat %[[M]] : i64 -> tensor<64x1xi64>
// CHECK: arith.cmpi slt, %[[ROW]], %[[MS]] : tensor<64x1xi64>
// CHECK: %[[MASK:.*]] = arith.andi %{{.*}}, %{{.*}} : tensor<64x32xi1>
// CHECK: %[[PAD:.*]] = arith.select %{{.*}}, %{{.*}}, %{{.*}} : tensor<64x32xf16>
// CHECK: %[[T:.*]] = tt.load %[[PTRS]], %[[MASK]], %[[PAD]] cacheModifier = cg : tensor<64x32x!tt.ptr<f16>>
// CHECK: %[[OPTRS:.*]] = tt.addptr %{{.*}} : tensor<64x32x!tt.ptr<f16>>, tensor<64x32xi64>
// CHECK: tt.store %[[OPTRS]], %[[T]], %{{.*}} : tensor<64x32x!tt.ptr<f16>>
// CHECK-NOT: tensordesc

// Zero padding folds to a constant `other`.
// CANON-LABEL: tt.func @copy
// CANON: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : tensor<64x32xf16>
// CANON-NOT: arith.select
// CANON: tt.load %{{.*}}, %{{.*}}, %[[ZERO]] cacheModifier = cg : tensor<64x32x!tt.ptr<f16>>
// CANON: tt.store
tt.func @copy(%in: !tt.ptr<f16>, %out: !tt.ptr<f16>, %M: i32, %N: i32, %i: i32, %j: i32) {
  %c1 = arith.constant 1 : i64
  %s = arith.extsi %N : i32 to i64
  %d = tt.make_tensor_descriptor %in, [%M, %N], [%s, %c1] : <f16>, <tensor<64x32xf16>>
  %o = tt.make_tensor_descriptor %out, [%M, %N], [%s, %c1] : <f16>, <tensor<64x32xf16>>
  %t = tt.descriptor_load %d[%i, %j] cacheModifier = cg : !tt.tensordesc<tensor<64x32xf16>> -> tensor<64x32xf16>
  tt.descriptor_store %o[%i, %j], %t : !tt.tensordesc<tensor<64x32xf16>>, tensor<64x32xf16>
  tt.return
}

// -----

// A descriptor carried through scf.for is split into its components; the
// canonicalizer drops them from the loop (they never change) and folds the
// NaN padding. A rank-reducing load reshapes the loaded block, a
// rank-reducing store reshapes the value.
// CHECK-LABEL: tt.func @loop
// CHECK: scf.for {{.*}} -> (!tt.ptr<f32>, i64, i64, i64, i64, i1, tensor<64xf32>)
// CANON-LABEL: tt.func @loop
// CANON: %[[NAN:.*]] = arith.constant dense<0x7FC00000> : tensor<1x64xf32>
// CANON: scf.for {{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (tensor<64xf32>)
// CANON: %[[V:.*]] = tt.load %{{.*}}, %{{.*}}, %[[NAN]] : tensor<1x64x!tt.ptr<f32>>
// CANON: %[[R:.*]] = tt.reshape %[[V]] : tensor<1x64xf32> -> tensor<64xf32>
// CANON: arith.addf %[[ACC]], %[[R]] : tensor<64xf32>
// CANON: tt.reshape %{{.*}} : tensor<64xf32> -> tensor<1x64xf32>
// CANON: tt.store %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x64x!tt.ptr<f32>>
tt.func @loop(%p: !tt.ptr<f32>, %n: i32) -> tensor<64xf32> {
  %c1 = arith.constant 1 : i64
  %d = tt.make_tensor_descriptor %p, [%n, %n], [%c1, %c1] {padding = 2 : i32} : <f32>, <tensor<1x64xf32>>
  %c0_i32 = arith.constant 0 : i32
  %c4_i32 = arith.constant 4 : i32
  %c1_i32 = arith.constant 1 : i32
  %z = arith.constant dense<0.0> : tensor<64xf32>
  %r:2 = scf.for %i = %c0_i32 to %c4_i32 step %c1_i32 iter_args(%x = %d, %acc = %z) -> (!tt.tensordesc<tensor<1x64xf32>>, tensor<64xf32>) : i32 {
    %v = tt.descriptor_load %x[%i, %n] : !tt.tensordesc<tensor<1x64xf32>> -> tensor<64xf32>
    %a = arith.addf %acc, %v : tensor<64xf32>
    scf.yield %x, %a : !tt.tensordesc<tensor<1x64xf32>>, tensor<64xf32>
  }
  tt.descriptor_store %r#0[%n, %n], %r#1 : !tt.tensordesc<tensor<1x64xf32>>, tensor<64xf32>
  tt.return %r#1 : tensor<64xf32>
}

// -----

// A descriptor chosen by scf.if; signed-integer blocks load and store
// signless tensors with zero padding.
// CHECK-LABEL: tt.func @choose
// CHECK: scf.if %arg3 -> (!tt.ptr<i32>, i64, i64, i1)
// CHECK: tt.load %{{.*}}, %{{.*}}, %{{.*}} : tensor<128x!tt.ptr<i32>>
// CHECK: tt.store %{{.*}}, %{{.*}}, %{{.*}} : tensor<128x!tt.ptr<i32>>
// CHECK-NOT: tensordesc
tt.func @choose(%p: !tt.ptr<i32>, %q: !tt.ptr<i32>, %n: i32, %c: i1) {
  %c1 = arith.constant 1 : i64
  %d = scf.if %c -> (!tt.tensordesc<tensor<128xsi32>>) {
    %a = tt.make_tensor_descriptor %p, [%n], [%c1] : <i32>, <tensor<128xsi32>>
    scf.yield %a : !tt.tensordesc<tensor<128xsi32>>
  } else {
    %b = tt.make_tensor_descriptor %q, [%n], [%c1] : <i32>, <tensor<128xsi32>>
    scf.yield %b : !tt.tensordesc<tensor<128xsi32>>
  }
  %v = tt.descriptor_load %d[%n] : !tt.tensordesc<tensor<128xsi32>> -> tensor<128xi32>
  tt.descriptor_store %d[%n], %v : !tt.tensordesc<tensor<128xsi32>>, tensor<128xi32>
  tt.return
}

// -----

// A gather reads rows x_offsets[i] (not offset + arange) and columns
// y_offset + arange of the descriptor, masked on both; a scatter writes the
// same addresses.
// CHECK-LABEL: tt.func @gather_scatter
// CHECK: %[[Y:.*]] = arith.extsi %arg5 : i32 to i64
// CHECK: %[[XR:.*]] = arith.extsi %arg4 : tensor<8xi32> to tensor<8xi64>
// CHECK: %[[X:.*]] = tt.expand_dims %[[XR]] {axis = 1 : i32} : tensor<8xi64> -> tensor<8x1xi64>
// CHECK: %[[R1:.*]] = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32>
// CHECK: %[[R1X:.*]] = arith.extsi %[[R1]] : tensor<64xi32> to tensor<64xi64>
// CHECK: %[[YS:.*]] = tt.splat %[[Y]] : i64 -> tensor<64xi64>
// CHECK: arith.addi %[[YS]], %[[R1X]] : tensor<64xi64>
// CHECK: arith.muli %[[X]], %{{.*}} : tensor<8x1xi64>
// CHECK: %[[PTRS:.*]] = tt.addptr %{{.*}}, %{{.*}} : tensor<8x64x!tt.ptr<f32>>, tensor<8x64xi64>
// CHECK: arith.cmpi sge, %[[X]], %{{.*}} : tensor<8x1xi64>
// CHECK: arith.cmpi slt, %[[X]], %{{.*}} : tensor<8x1xi64>
// CHECK: %[[MASK:.*]] = arith.andi %{{.*}}, %{{.*}} : tensor<8x64xi1>
// CHECK: %[[PAD:.*]] = arith.select %{{.*}}, %{{.*}}, %{{.*}} : tensor<8x64xf32>
// CHECK: %[[G:.*]] = tt.load %[[PTRS]], %[[MASK]], %[[PAD]] : tensor<8x64x!tt.ptr<f32>>
// CHECK: %[[OPTRS:.*]] = tt.addptr %{{.*}} : tensor<8x64x!tt.ptr<f32>>, tensor<8x64xi64>
// CHECK: %[[OMASK:.*]] = arith.andi %{{.*}}, %{{.*}} : tensor<8x64xi1>
// CHECK: tt.store %[[OPTRS]], %[[G]], %[[OMASK]] : tensor<8x64x!tt.ptr<f32>>
// CHECK-NOT: tensordesc

// NaN padding of the gather folds to a constant.
// CANON-LABEL: tt.func @gather_scatter
// CANON: %[[NAN:.*]] = arith.constant dense<0x7FC00000> : tensor<8x64xf32>
// CANON: tt.load %{{.*}}, %{{.*}}, %[[NAN]] : tensor<8x64x!tt.ptr<f32>>
// CANON: tt.store
tt.func @gather_scatter(%p: !tt.ptr<f32>, %o: !tt.ptr<f32>, %m: i32, %n: i32, %rows: tensor<8xi32>, %y: i32) {
  %c1 = arith.constant 1 : i64
  %s = arith.extsi %n : i32 to i64
  %d = tt.make_tensor_descriptor %p, [%m, %n], [%s, %c1] {padding = 2 : i32} : <f32>, <tensor<1x64xf32>>
  %g = tt.descriptor_gather %d[%rows, %y] : (!tt.tensordesc<tensor<1x64xf32>>, tensor<8xi32>, i32) -> tensor<8x64xf32>
  %e = tt.make_tensor_descriptor %o, [%m, %n], [%s, %c1] : <f32>, <tensor<1x64xf32>>
  tt.descriptor_scatter %e[%rows, %y], %g : !tt.tensordesc<tensor<1x64xf32>>, tensor<8xi32>, i32, tensor<8x64xf32>
  tt.return
}

// -----

// A reduce is a masked tt.atomic_rmw of the block (acq_rel, gpu, as
// tl.atomic_*); its kind picks the RMW op by element type and signedness.
// CHECK-LABEL: tt.func @reduce
// CHECK: %[[MASK:.*]] = arith.andi %{{.*}}, %{{.*}} : tensor<64xi1>
// CHECK: tt.atomic_rmw fadd, acq_rel, gpu, %{{.*}}, %arg3, %[[MASK]] : (tensor<64x!tt.ptr<f32>>, tensor<64xf32>, tensor<64xi1>) -> tensor<64xf32>
// CHECK: tt.atomic_rmw max, acq_rel, gpu, %{{.*}}, %arg4, %{{.*}} : (tensor<64x!tt.ptr<i32>>, tensor<64xi32>, tensor<64xi1>) -> tensor<64xi32>
// CHECK: tt.atomic_rmw umin, acq_rel, gpu, %{{.*}}, %arg4, %{{.*}} : (tensor<64x!tt.ptr<i32>>, tensor<64xi32>, tensor<64xi1>) -> tensor<64xi32>
// CHECK: tt.atomic_rmw add, acq_rel, gpu
// CHECK: tt.atomic_rmw and, acq_rel, gpu
// CHECK: tt.atomic_rmw or, acq_rel, gpu
// CHECK: tt.atomic_rmw xor, acq_rel, gpu
// CHECK-NOT: tensordesc
tt.func @reduce(%p: !tt.ptr<f32>, %q: !tt.ptr<i32>, %n: i32, %v: tensor<64xf32>, %w: tensor<64xi32>) {
  %c1 = arith.constant 1 : i64
  %d = tt.make_tensor_descriptor %p, [%n], [%c1] : <f32>, <tensor<64xf32>>
  tt.descriptor_reduce add, %d[%n], %v : !tt.tensordesc<tensor<64xf32>>, tensor<64xf32>
  %e = tt.make_tensor_descriptor %q, [%n], [%c1] : <i32>, <tensor<64xi32>>
  tt.descriptor_reduce max, %e[%n], %w : !tt.tensordesc<tensor<64xi32>>, tensor<64xi32>
  %u = tt.make_tensor_descriptor %q, [%n], [%c1] : <i32>, <tensor<64xui32>>
  tt.descriptor_reduce min, %u[%n], %w : !tt.tensordesc<tensor<64xui32>>, tensor<64xi32>
  tt.descriptor_reduce add, %e[%n], %w : !tt.tensordesc<tensor<64xi32>>, tensor<64xi32>
  tt.descriptor_reduce and, %e[%n], %w : !tt.tensordesc<tensor<64xi32>>, tensor<64xi32>
  tt.descriptor_reduce or, %e[%n], %w : !tt.tensordesc<tensor<64xi32>>, tensor<64xi32>
  tt.descriptor_reduce xor, %e[%n], %w : !tt.tensordesc<tensor<64xi32>>, tensor<64xi32>
  tt.return
}
