// RUN: tritium-opt %s | FileCheck %s
// RUN: tritium-opt %s | tritium-opt | FileCheck %s
// RUN: tritium-opt %s --mlir-print-op-generic | tritium-opt | FileCheck %s

// Every op of the `tt` dialect in the textual form Triton 3.x prints.

// CHECK-LABEL: tt.func public @pointers
// CHECK-SAME: %[[P:.*]]: !tt.ptr<f32> {tt.divisibility = 16 : i32}
// CHECK-SAME: %[[Q:.*]]: !tt.ptr<f16, 3>
tt.func public @pointers(%p: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %q: !tt.ptr<f16, 3>, %n: i32 {tt.divisibility = 16 : i32}) attributes {noinline = false} {
  // CHECK: tt.get_program_id x : i32
  %pid = tt.get_program_id x : i32
  // CHECK: tt.get_num_programs z : i32
  %np = tt.get_num_programs z : i32
  // CHECK: tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32>
  %r = tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32>
  // CHECK: tt.splat %[[P]] : !tt.ptr<f32> -> tensor<128x!tt.ptr<f32>>
  %ps = tt.splat %p : !tt.ptr<f32> -> tensor<128x!tt.ptr<f32>>
  // CHECK: tt.addptr %{{.*}}, %{{.*}} : tensor<128x!tt.ptr<f32>>, tensor<128xi32>
  %pa = tt.addptr %ps, %r : tensor<128x!tt.ptr<f32>>, tensor<128xi32>
  // CHECK: tt.addptr %[[P]], %{{.*}} : !tt.ptr<f32>, i32
  %p1 = tt.addptr %p, %pid : !tt.ptr<f32>, i32
  %ns = tt.splat %n : i32 -> tensor<128xi32>
  %m = arith.cmpi slt, %r, %ns : tensor<128xi32>
  %zero = arith.constant dense<0.000000e+00> : tensor<128xf32>
  // CHECK: tt.load %{{.*}} : tensor<128x!tt.ptr<f32>>
  %a = tt.load %pa : tensor<128x!tt.ptr<f32>>
  // CHECK: tt.load %{{.*}}, %{{.*}}, %{{.*}} cacheModifier = cg evictionPolicy = evict_last {isVolatile = true} : tensor<128x!tt.ptr<f32>>
  %b = tt.load %pa, %m, %zero cacheModifier = cg evictionPolicy = evict_last {isVolatile = true} : tensor<128x!tt.ptr<f32>>
  // CHECK: tt.load %{{.*}} : !tt.ptr<f32>
  %s = tt.load %p1 : !tt.ptr<f32>
  // CHECK: tt.store %{{.*}}, %{{.*}}, %{{.*}} cacheModifier = wt : tensor<128x!tt.ptr<f32>>
  tt.store %pa, %b, %m cacheModifier = wt : tensor<128x!tt.ptr<f32>>
  // CHECK: tt.store %{{.*}}, %{{.*}} evictionPolicy = evict_first : !tt.ptr<f32>
  tt.store %p1, %s evictionPolicy = evict_first : !tt.ptr<f32>
  // CHECK: tt.ptr_to_int %[[P]] : !tt.ptr<f32> -> i64
  %i = tt.ptr_to_int %p : !tt.ptr<f32> -> i64
  // CHECK: tt.int_to_ptr %{{.*}} : i64 -> !tt.ptr<f32>
  %p2 = tt.int_to_ptr %i : i64 -> !tt.ptr<f32>
  // CHECK: tt.bitcast %{{.*}} : !tt.ptr<f32> -> !tt.ptr<i32>
  %p3 = tt.bitcast %p2 : !tt.ptr<f32> -> !tt.ptr<i32>
  // CHECK: tt.bitcast %{{.*}} : tensor<128xf32> -> tensor<128xi32>
  %bits = tt.bitcast %a : tensor<128xf32> -> tensor<128xi32>
  tt.return
}

// CHECK-LABEL: tt.func @atomics
tt.func @atomics(%p: tensor<64x!tt.ptr<f32>>, %v: tensor<64xf32>, %m: tensor<64xi1>, %c: !tt.ptr<i32>, %x: i32) {
  // CHECK: tt.atomic_rmw fadd, acq_rel, gpu, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<64x!tt.ptr<f32>>, tensor<64xf32>, tensor<64xi1>) -> tensor<64xf32>
  %0 = tt.atomic_rmw fadd, acq_rel, gpu, %p, %v, %m : (tensor<64x!tt.ptr<f32>>, tensor<64xf32>, tensor<64xi1>) -> tensor<64xf32>
  // CHECK: tt.atomic_rmw exch, relaxed, sys, %{{.*}}, %{{.*}} : (!tt.ptr<i32>, i32) -> i32
  %1 = tt.atomic_rmw exch, relaxed, sys, %c, %x : (!tt.ptr<i32>, i32) -> i32
  // CHECK: tt.atomic_cas acquire, cta, %{{.*}}, %{{.*}}, %{{.*}} : (!tt.ptr<i32>, i32, i32) -> i32
  %2 = tt.atomic_cas acquire, cta, %c, %x, %1 : (!tt.ptr<i32>, i32, i32) -> i32
  tt.return
}

// CHECK-LABEL: tt.func @shapes
tt.func @shapes(%a: tensor<16x32xf32>, %v: tensor<16xf32>, %i: tensor<16x8xi32>) -> tensor<16x8xf32> {
  // CHECK: tt.expand_dims %{{.*}} {axis = 1 : i32} : tensor<16xf32> -> tensor<16x1xf32>
  %e = tt.expand_dims %v {axis = 1 : i32} : tensor<16xf32> -> tensor<16x1xf32>
  // CHECK: tt.broadcast %{{.*}} : tensor<16x1xf32> -> tensor<16x32xf32>
  %b = tt.broadcast %e : tensor<16x1xf32> -> tensor<16x32xf32>
  // CHECK: tt.reshape %{{.*}} : tensor<16x32xf32> -> tensor<512xf32>
  %r = tt.reshape %b : tensor<16x32xf32> -> tensor<512xf32>
  // CHECK: tt.reshape %{{.*}} allow_reorder : tensor<16x32xf32> -> tensor<8x64xf32>
  %r2 = tt.reshape %a allow_reorder : tensor<16x32xf32> -> tensor<8x64xf32>
  // CHECK: tt.trans %{{.*}} {order = array<i32: 1, 0>} : tensor<16x32xf32> -> tensor<32x16xf32>
  %t = tt.trans %a {order = array<i32: 1, 0>} : tensor<16x32xf32> -> tensor<32x16xf32>
  // CHECK: tt.join %{{.*}}, %{{.*}} : tensor<16x32xf32> -> tensor<16x32x2xf32>
  %j = tt.join %a, %b : tensor<16x32xf32> -> tensor<16x32x2xf32>
  // CHECK: %{{.*}}, %{{.*}} = tt.split %{{.*}} : tensor<16x32x2xf32> -> tensor<16x32xf32>
  %lo, %hi = tt.split %j : tensor<16x32x2xf32> -> tensor<16x32xf32>
  // CHECK: tt.cat %{{.*}}, %{{.*}} : tensor<16x32xf32> -> tensor<32x32xf32>
  %c = tt.cat %lo, %hi : tensor<16x32xf32> -> tensor<32x32xf32>
  // CHECK: tt.gather %{{.*}}[%{{.*}}] {axis = 1 : i32} : (tensor<16x32xf32>, tensor<16x8xi32>) -> tensor<16x8xf32>
  %g = tt.gather %a[%i] {axis = 1 : i32} : (tensor<16x32xf32>, tensor<16x8xi32>) -> tensor<16x8xf32>
  // CHECK: tt.return %{{.*}} : tensor<16x8xf32>
  tt.return %g : tensor<16x8xf32>
}

// CHECK-LABEL: tt.func @math
tt.func @math(%x: tensor<32xf32>, %y: tensor<32xf32>, %h: tensor<32xf16>, %u: tensor<32xi32>) {
  // CHECK: tt.precise_sqrt %{{.*}} : tensor<32xf32>
  %0 = tt.precise_sqrt %x : tensor<32xf32>
  // CHECK: tt.precise_divf %{{.*}}, %{{.*}} : tensor<32xf32>
  %1 = tt.precise_divf %x, %y : tensor<32xf32>
  // CHECK: tt.clampf %{{.*}}, %{{.*}}, %{{.*}}, propagateNan = all : tensor<32xf32>
  %2 = tt.clampf %x, %y, %1, propagateNan = all : tensor<32xf32>
  // CHECK: tt.mulhiui %{{.*}}, %{{.*}} : tensor<32xi32>
  %3 = tt.mulhiui %u, %u : tensor<32xi32>
  // CHECK: tt.fp_to_fp %{{.*}}, rounding = rtne : tensor<32xf32> -> tensor<32xf8E5M2>
  %4 = tt.fp_to_fp %x, rounding = rtne : tensor<32xf32> -> tensor<32xf8E5M2>
  // CHECK: tt.fp_to_fp %{{.*}} : tensor<32xf16> -> tensor<32xf32>
  %5 = tt.fp_to_fp %h : tensor<32xf16> -> tensor<32xf32>
  // CHECK: tt.extern_elementwise %{{.*}}, %{{.*}} {libname = "", libpath = "", pure = true, symbol = "__nv_powf"} : (tensor<32xf32>, tensor<32xf32>) -> tensor<32xf32>
  %6 = tt.extern_elementwise %x, %y {libname = "", libpath = "", pure = true, symbol = "__nv_powf"} : (tensor<32xf32>, tensor<32xf32>) -> tensor<32xf32>
  // CHECK: tt.elementwise_inline_asm "mov.b32 $0, $1;" {constraints = "=r,r", packed_element = 1 : i32, pure = true} %{{.*}} : tensor<32xi32> -> tensor<32xi32>
  %7 = tt.elementwise_inline_asm "mov.b32 $0, $1;" {constraints = "=r,r", packed_element = 1 : i32, pure = true} %u : tensor<32xi32> -> tensor<32xi32>
  tt.return
}

// CHECK-LABEL: tt.func @dot
tt.func @dot(%a: tensor<64x32xf16>, %b: tensor<32x128xf16>, %c: tensor<64x128xf32>, %fa: tensor<64x32xf32>, %fb: tensor<32x128xf32>) -> tensor<64x128xf32> {
  // CHECK: tt.dot %{{.*}}, %{{.*}}, %{{.*}}, inputPrecision = tf32 : tensor<64x32xf16> * tensor<32x128xf16> -> tensor<64x128xf32>
  %d = tt.dot %a, %b, %c, inputPrecision = tf32 : tensor<64x32xf16> * tensor<32x128xf16> -> tensor<64x128xf32>
  // CHECK: tt.dot %{{.*}}, %{{.*}}, %{{.*}} : tensor<64x32xf32> * tensor<32x128xf32> -> tensor<64x128xf32>
  %e = tt.dot %fa, %fb, %d : tensor<64x32xf32> * tensor<32x128xf32> -> tensor<64x128xf32>
  tt.return %e : tensor<64x128xf32>
}

// CHECK-LABEL: tt.func @reduce_scan_histogram
tt.func @reduce_scan_histogram(%x: tensor<4x256xf32>, %i: tensor<4x256xi32>, %h: tensor<256xi32>, %m: tensor<256xi1>) {
  // CHECK: "tt.reduce"(%{{.*}}, %{{.*}}) <{axis = 1 : i32}> ({
  // CHECK: tt.reduce.return %{{.*}}, %{{.*}} : f32, i32
  // CHECK: }) : (tensor<4x256xf32>, tensor<4x256xi32>) -> (tensor<4xf32>, tensor<4xi32>)
  %v, %ix = "tt.reduce"(%x, %i) <{axis = 1 : i32}> ({
  ^bb0(%a: f32, %ai: i32, %b: f32, %bi: i32):
    %gt = arith.cmpf ogt, %a, %b : f32
    %v = arith.select %gt, %a, %b : f32
    %vi = arith.select %gt, %ai, %bi : i32
    tt.reduce.return %v, %vi : f32, i32
  }) : (tensor<4x256xf32>, tensor<4x256xi32>) -> (tensor<4xf32>, tensor<4xi32>)
  // CHECK: "tt.scan"(%{{.*}}) <{axis = 1 : i32, reverse = false}> ({
  // CHECK: tt.scan.return %{{.*}} : f32
  %s = "tt.scan"(%x) <{axis = 1 : i32, reverse = false}> ({
  ^bb0(%a: f32, %b: f32):
    %sum = arith.addf %a, %b : f32
    tt.scan.return %sum : f32
  }) : (tensor<4x256xf32>) -> tensor<4x256xf32>
  // CHECK: tt.histogram %{{.*}} : tensor<256xi32> -> tensor<16xi32>
  %hist = tt.histogram %h : tensor<256xi32> -> tensor<16xi32>
  // CHECK: tt.histogram %{{.*}}, %{{.*}} : tensor<256xi32> -> tensor<16xi32>
  %hm = tt.histogram %h, %m : tensor<256xi32> -> tensor<16xi32>
  tt.return
}

// CHECK-LABEL: tt.func @block_pointers
tt.func @block_pointers(%base: !tt.ptr<f16>, %M: i64, %N: i64, %s0: i64, %s1: i64, %o: i32) {
  // CHECK: tt.make_tensor_ptr %{{.*}}, [%{{.*}}, %{{.*}}], [%{{.*}}, %{{.*}}], [%{{.*}}, %{{.*}}] {order = array<i32: 1, 0>} : <tensor<64x32xf16>>
  %bp = tt.make_tensor_ptr %base, [%M, %N], [%s0, %s1], [%o, %o] {order = array<i32: 1, 0>} : <tensor<64x32xf16>>
  // CHECK: tt.advance %{{.*}}, [%{{.*}}, %{{.*}}] : <tensor<64x32xf16>>
  %bp2 = tt.advance %bp, [%o, %o] : <tensor<64x32xf16>>
  // CHECK: tt.load %{{.*}} {boundaryCheck = array<i32: 0, 1>, padding = 1 : i32} : !tt.ptr<tensor<64x32xf16>>
  %t = tt.load %bp2 {boundaryCheck = array<i32: 0, 1>, padding = 1 : i32} : !tt.ptr<tensor<64x32xf16>>
  // CHECK: tt.store %{{.*}}, %{{.*}} {boundaryCheck = array<i32: 1>} : !tt.ptr<tensor<64x32xf16>>
  tt.store %bp2, %t {boundaryCheck = array<i32: 1>} : !tt.ptr<tensor<64x32xf16>>
  tt.return
}

// CHECK-LABEL: tt.func private @helper
tt.func private @helper(%x: i32) -> i32 {
  tt.return %x : i32
}

// CHECK-LABEL: tt.func @calls_and_debug
tt.func @calls_and_debug(%x: i32, %t: tensor<8xi32>, %c: tensor<8xi1>) {
  // CHECK: tt.call @helper(%{{.*}}) : (i32) -> i32
  %0 = tt.call @helper(%x) : (i32) -> i32
  // CHECK: tt.print " x: " {hex = false, isSigned = array<i32: 1, 1>} : %{{.*}}, %{{.*}} : i32, tensor<8xi32>
  tt.print " x: " {hex = false, isSigned = array<i32: 1, 1>} : %0, %t : i32, tensor<8xi32>
  // CHECK: tt.assert %{{.*}}, "t must be positive" : tensor<8xi1>
  tt.assert %c, "t must be positive" : tensor<8xi1>
  tt.return
}
