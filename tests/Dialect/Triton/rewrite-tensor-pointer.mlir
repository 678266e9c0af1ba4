// RUN: tritium-opt %s --split-input-file --tritium-rewrite-tensor-pointer | FileCheck %s
// RUN: tritium-opt %s --split-input-file --tritium-rewrite-tensor-pointer --canonicalize | FileCheck %s --check-prefix=CANON

// A block pointer becomes its base, shapes, strides and i64 offsets; a load
// through it the tensor of pointers base + sum_d (offset_d + arange) *
// stride_d, masked to 0 <= index < shape along the checked dimensions, with
// `other` from the padding.

// CHECK-LABEL: tt.func public @copy_tile
// CHECK-SAME: (%[[IN:.*]]: !tt.ptr<f16> {{.*}}, %[[OUT:.*]]: !tt.ptr<f16> {{.*}}, %[[M:.*]]: i64, %[[N:.*]]: i64, %[[S0:.*]]: i64, %[[O0:.*]]: i32, %[[O1:.*]]: i32)
// CHECK-NOT: tt.make_tensor_ptr
// CHECK: %[[OFF0:.*]] = arith.extsi %[[O0]] : i32 to i64
// CHECK: %[[OFF1:.*]] = arith.extsi %[[O1]] : i32 to i64
// CHECK: %[[R0:.*]] = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32>
// CHECK: %[[R0W:.*]] = arith.extsi %[[R0]] : tensor<64xi32> to tensor<64xi64>
// CHECK: %[[OFF0S:.*]] = tt.splat %[[OFF0]] : i64 -> tensor<64xi64>
// CHECK: %[[I0:.*]] = arith.addi %[[OFF0S]], %[[R0W]] : tensor<64xi64>
// CHECK: %[[ROWS:.*]] = tt.expand_dims %[[I0]] {axis = 1 : i32} : tensor<64xi64> -> tensor<64x1xi64>
// CHECK: %[[R1:.*]] = tt.make_range {end = 32 : i32, start = 0 : i32} : tensor<32xi32>
// CHECK: %[[COLS:.*]] = tt.expand_dims %{{.*}} {axis = 0 : i32} : tensor<32xi64> -> tensor<1x32xi64>
// CHECK: %[[S0S:.*]] = tt.splat %[[S0]] : i64 -> tensor<64x1xi64>
// CHECK: %[[ROWOFF:.*]] = arith.muli %[[ROWS]], %[[S0S]] : tensor<64x1xi64>
// CHECK: %[[ROWB:.*]] = tt.broadcast %[[ROWOFF]] : tensor<64x1xi64> -> tensor<64x32xi64>
// CHECK: %[[COLOFF:.*]] = arith.muli %[[COLS]], %{{.*}} : tensor<1x32xi64>
// CHECK: %[[COLB:.*]] = tt.broadcast %[[COLOFF]] : tensor<1x32xi64> -> tensor<64x32xi64>
// CHECK: %[[SUM:.*]] = arith.addi %[[ROWB]], %[[COLB]] : tensor<64x32xi64>
// CHECK: %[[BASE:.*]] = tt.splat %[[IN]] : !tt.ptr<f16> -> tensor<64x32x!tt.ptr<f16>>
// CHECK: %[[PTRS:.*]] = tt.addptr %[[BASE]], %[[SUM]] : tensor<64x32x!tt.ptr<f16>>, tensor<64x32xi64>
// CHECK: %[[Z0:.*]] = arith.constant dense<0> : tensor<64x1xi64>
// CHECK: %[[GE0:.*]] = arith.cmpi sge, %[[ROWS]], %[[Z0]] : tensor<64x1xi64>
// CHECK: %[[MS:.*]] = tt.splat %[[M]] : i64 -> tensor<64x1xi64>
// CHECK: %[[LT0:.*]] = arith.cmpi slt, %[[ROWS]], %[[MS]] : tensor<64x1xi64>
// CHECK: %[[IN0:.*]] = arith.andi %[[GE0]], %[[LT0]] : tensor<64x1xi1>
// CHECK: %[[IN0B:.*]] = tt.broadcast %[[IN0]] : tensor<64x1xi1> -> tensor<64x32xi1>
// CHECK: %[[NS:.*]] = tt.splat %[[N]] : i64 -> tensor<1x32xi64>
// CHECK: arith.cmpi slt, %[[COLS]], %[[NS]] : tensor<1x32xi64>
// CHECK: %[[IN1B:.*]] = tt.broadcast %{{.*}} : tensor<1x32xi1> -> tensor<64x32xi1>
// CHECK: %[[MASK:.*]] = arith.andi %[[IN0B]], %[[IN1B]] : tensor<64x32xi1>
// CHECK: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : tensor<64x32xf16>
// CHECK: %[[TILE:.*]] = tt.load %[[PTRS]], %[[MASK]], %[[ZERO]] cacheModifier = cg : tensor<64x32x!tt.ptr<f16>>
// The store checks the columns only.
// CHECK: %[[OUTB:.*]] = tt.splat %[[OUT]] : !tt.ptr<f16> -> tensor<64x32x!tt.ptr<f16>>
// CHECK: %[[OUTP:.*]] = tt.addptr %[[OUTB]], %{{.*}} : tensor<64x32x!tt.ptr<f16>>, tensor<64x32xi64>
// CHECK-NOT: tt.splat %[[M]]
// CHECK: %[[SMASK:.*]] = tt.broadcast %{{.*}} : tensor<1x32xi1> -> tensor<64x32xi1>
// CHECK: tt.store %[[OUTP]], %[[TILE]], %[[SMASK]] : tensor<64x32x!tt.ptr<f16>>
tt.func public @copy_tile(%in: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %out: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %M: i64, %N: i64, %s0: i64, %o0: i32, %o1: i32) {
  %c1 = arith.constant 1 : i64
  %src = tt.make_tensor_ptr %in, [%M, %N], [%s0, %c1], [%o0, %o1] {order = array<i32: 1, 0>} : <tensor<64x32xf16>>
  %t = tt.load %src cacheModifier = cg {boundaryCheck = array<i32: 0, 1>, padding = 1 : i32} : !tt.ptr<tensor<64x32xf16>>
  %dst = tt.make_tensor_ptr %out, [%M, %N], [%s0, %c1], [%o0, %o1] {order = array<i32: 1, 0>} : <tensor<64x32xf16>>
  tt.store %dst, %t {boundaryCheck = array<i32: 1>} : !tt.ptr<tensor<64x32xf16>>
  tt.return
}

// -----

// A block pointer carried by a loop and moved by tt.advance: every component
// is carried; the canonicalizer keeps only the offset that changes. NaN
// padding.

// CHECK-LABEL: tt.func public @row_sum
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}, %[[BASE:.*]] = %{{.*}}, %[[M:.*]] = %{{.*}}, %[[N:.*]] = %{{.*}}, %[[S0:.*]] = %{{.*}}, %[[S1:.*]] = %{{.*}}, %[[OFF0:.*]] = %{{.*}}, %[[OFF1:.*]] = %{{.*}}) -> (tensor<64x32xf32>, !tt.ptr<f32>, i64, i64, i64, i64, i64, i64)
// CHECK: %[[NAN:.*]] = arith.constant dense<0x7FC00000> : tensor<64x32xf32>
// CHECK: tt.load %{{.*}}, %{{.*}}, %[[NAN]] : tensor<64x32x!tt.ptr<f32>>
// CHECK: %[[STEP:.*]] = arith.extsi %{{.*}} : i32 to i64
// CHECK: %[[NEXT0:.*]] = arith.addi %[[OFF0]], %[[STEP]] : i64
// CHECK: %[[STEP1:.*]] = arith.extsi %{{.*}} : i32 to i64
// CHECK: %[[NEXT1:.*]] = arith.addi %[[OFF1]], %[[STEP1]] : i64
// CHECK: scf.yield %{{.*}}, %[[BASE]], %[[M]], %[[N]], %[[S0]], %[[S1]], %[[NEXT0]], %[[NEXT1]] : tensor<64x32xf32>, !tt.ptr<f32>, i64, i64, i64, i64, i64, i64
// CHECK-NOT: tt.advance
// The store has no boundary check: no mask.
// CHECK: tt.store %{{.*}}, %{{.*}} : tensor<64x32x!tt.ptr<f32>>

// CANON-LABEL: tt.func public @row_sum
// CANON: scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}, %[[OFF1:.*]] = %{{.*}}) -> (tensor<64x32xf32>, i64)
// CANON: %[[NEXT1:.*]] = arith.addi %[[OFF1]], %{{.*}} : i64
// CANON: scf.yield %{{.*}}, %[[NEXT1]] : tensor<64x32xf32>, i64
tt.func public @row_sum(%in: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %out: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %M: i64, %N: i64, %s0: i64, %K: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c32 = arith.constant 32 : i32
  %c1_i64 = arith.constant 1 : i64
  %zero = arith.constant dense<0.000000e+00> : tensor<64x32xf32>
  %pid = tt.get_program_id x : i32
  %row = arith.muli %pid, %c32 : i32
  %p0 = tt.make_tensor_ptr %in, [%M, %N], [%s0, %c1_i64], [%row, %c0] {order = array<i32: 1, 0>} : <tensor<64x32xf32>>
  %res:2 = scf.for %i = %c0 to %K step %c1 iter_args(%acc = %zero, %p = %p0) -> (tensor<64x32xf32>, !tt.ptr<tensor<64x32xf32>>) : i32 {
    %t = tt.load %p {boundaryCheck = array<i32: 1>, padding = 2 : i32} : !tt.ptr<tensor<64x32xf32>>
    %a = arith.addf %acc, %t : tensor<64x32xf32>
    %pn = tt.advance %p, [%c0, %c32] : <tensor<64x32xf32>>
    scf.yield %a, %pn : tensor<64x32xf32>, !tt.ptr<tensor<64x32xf32>>
  }
  %q = tt.make_tensor_ptr %out, [%M, %N], [%s0, %c1_i64], [%row, %c0] {order = array<i32: 1, 0>} : <tensor<64x32xf32>>
  tt.store %q, %res#0 : !tt.ptr<tensor<64x32xf32>>
  tt.return
}

// -----

// scf.if and scf.while results, arith.select of block pointers; a load
// without boundary check has no mask (and no padding).

// CHECK-LABEL: tt.func public @if_select_while
// CHECK: %[[IF:.*]]:4 = scf.if %{{.*}} -> (!tt.ptr<i32>, i64, i64, i64) {
// CHECK: scf.yield %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : !tt.ptr<i32>, i64, i64, i64
// CHECK: } else {
// CHECK: scf.yield %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : !tt.ptr<i32>, i64, i64, i64
// CHECK: }
// CHECK: %[[SB:.*]] = arith.select %{{.*}}, %[[IF]]#0, %{{.*}} : !tt.ptr<i32>
// CHECK: %[[SN:.*]] = arith.select %{{.*}}, %[[IF]]#1, %{{.*}} : i64
// CHECK: %[[SS:.*]] = arith.select %{{.*}}, %[[IF]]#2, %{{.*}} : i64
// CHECK: %[[SO:.*]] = arith.select %{{.*}}, %[[IF]]#3, %{{.*}} : i64
// CHECK: %[[W:.*]]:5 = scf.while (%{{.*}} = %{{.*}}, %{{.*}} = %[[SB]], %{{.*}} = %[[SN]], %{{.*}} = %[[SS]], %{{.*}} = %[[SO]]) : (i32, !tt.ptr<i32>, i64, i64, i64) -> (i32, !tt.ptr<i32>, i64, i64, i64)
// CHECK: scf.condition
// CHECK: ^bb0(%{{.*}}: i32, %[[WB:.*]]: !tt.ptr<i32>, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64):
// CHECK: %[[WP:.*]] = tt.splat %[[WB]] : !tt.ptr<i32> -> tensor<16x!tt.ptr<i32>>
// CHECK: %[[WPTRS:.*]] = tt.addptr %[[WP]], %{{.*}} : tensor<16x!tt.ptr<i32>>, tensor<16xi64>
// CHECK: tt.load %[[WPTRS]] : tensor<16x!tt.ptr<i32>>
// CHECK: scf.yield
// CHECK: tt.splat %[[W]]#1 : !tt.ptr<i32> -> tensor<16x!tt.ptr<i32>>
// CHECK: %[[ZERO:.*]] = arith.constant dense<0> : tensor<16xi32>
// CHECK: tt.load %{{.*}}, %{{.*}}, %[[ZERO]] : tensor<16x!tt.ptr<i32>>
// CHECK-NOT: !tt.ptr<tensor
tt.func public @if_select_while(%in: !tt.ptr<i32>, %out: !tt.ptr<i32>, %n: i64, %c: i1, %k: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c16 = arith.constant 16 : i32
  %c1_i64 = arith.constant 1 : i64
  %a = tt.make_tensor_ptr %in, [%n], [%c1_i64], [%c0] {order = array<i32: 0>} : <tensor<16xi32>>
  %b = tt.make_tensor_ptr %out, [%n], [%c1_i64], [%c16] {order = array<i32: 0>} : <tensor<16xi32>>
  %p = scf.if %c -> !tt.ptr<tensor<16xi32>> {
    scf.yield %a : !tt.ptr<tensor<16xi32>>
  } else {
    %a2 = tt.advance %a, [%c16] : <tensor<16xi32>>
    scf.yield %a2 : !tt.ptr<tensor<16xi32>>
  }
  %s = arith.select %c, %p, %b : !tt.ptr<tensor<16xi32>>
  %r:2 = scf.while (%i = %c0, %q = %s) : (i32, !tt.ptr<tensor<16xi32>>) -> (i32, !tt.ptr<tensor<16xi32>>) {
    %go = arith.cmpi slt, %i, %k : i32
    scf.condition(%go) %i, %q : i32, !tt.ptr<tensor<16xi32>>
  } do {
  ^bb0(%j: i32, %w: !tt.ptr<tensor<16xi32>>):
    %v = tt.load %w : !tt.ptr<tensor<16xi32>>
    tt.store %w, %v {boundaryCheck = array<i32: 0>} : !tt.ptr<tensor<16xi32>>
    %j1 = arith.addi %j, %c1 : i32
    %w1 = tt.advance %w, [%c16] : <tensor<16xi32>>
    scf.yield %j1, %w1 : i32, !tt.ptr<tensor<16xi32>>
  }
  %last = tt.load %r#1 {boundaryCheck = array<i32: 0>, padding = 1 : i32} : !tt.ptr<tensor<16xi32>>
  tt.store %r#1, %last : !tt.ptr<tensor<16xi32>>
  tt.return
}

// -----

// A rank-3 block: indices along each dimension get size-1 dimensions
// everywhere else.

// CHECK-LABEL: tt.func public @rank3
// CHECK: tt.expand_dims %{{.*}} {axis = 1 : i32} : tensor<2xi64> -> tensor<2x1xi64>
// CHECK: tt.expand_dims %{{.*}} {axis = 2 : i32} : tensor<2x1xi64> -> tensor<2x1x1xi64>
// CHECK: tt.expand_dims %{{.*}} {axis = 0 : i32} : tensor<4xi64> -> tensor<1x4xi64>
// CHECK: tt.expand_dims %{{.*}} {axis = 2 : i32} : tensor<1x4xi64> -> tensor<1x4x1xi64>
// CHECK: tt.expand_dims %{{.*}} {axis = 0 : i32} : tensor<8xi64> -> tensor<1x8xi64>
// CHECK: tt.expand_dims %{{.*}} {axis = 1 : i32} : tensor<1x8xi64> -> tensor<1x1x8xi64>
// CHECK: tt.load %{{.*}}, %{{.*}} : tensor<2x4x8x!tt.ptr<bf16>>
tt.func public @rank3(%in: !tt.ptr<bf16>, %d0: i64, %d1: i64, %d2: i64, %s0: i64, %s1: i64, %o: i32) -> tensor<2x4x8xbf16> {
  %c1 = arith.constant 1 : i64
  %p = tt.make_tensor_ptr %in, [%d0, %d1, %d2], [%s0, %s1, %c1], [%o, %o, %o] {order = array<i32: 2, 1, 0>} : <tensor<2x4x8xbf16>>
  %t = tt.load %p {boundaryCheck = array<i32: 2, 0>} : !tt.ptr<tensor<2x4x8xbf16>>
  tt.return %t : tensor<2x4x8xbf16>
}
