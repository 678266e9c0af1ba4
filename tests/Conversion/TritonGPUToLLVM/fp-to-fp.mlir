// RUN: tritium-opt %s --tritium-ttgir-to-llvm=compute-capability=90 | FileCheck %s --check-prefixes=CHECK,SM90
// RUN: tritium-opt %s --tritium-ttgir-to-llvm=compute-capability=80 | FileCheck %s --check-prefixes=CHECK,SM80

// tt.fp_to_fp. From sm_89, f8E4M3FN / f8E5M2 <-> f16 / bf16 / f32 rounding
// to nearest use the paired cvt instructions (cvt.rn.satfinite.e4m3x2.f32,
// cvt.rn.f16x2.e4m3x2, ...), on two elements a thread holds at a time; the
// other fp8 conversions (all of them on sm_80, rounding toward zero, the
// FNUZ formats, f64) are integer code (FloatBits.h, checked against APFloat
// by the unit tests) that gives the same bits. Narrowing toward zero to
// f16 / bf16 is cvt.rz.f16x2.f32 / cvt.rz.bf16x2.f32.

#blocked = #ttg.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
module attributes {"ttg.num-warps" = 1 : i32} {

// Pairs of registers; the instruction puts its first operand in the high
// byte, so the pair (x0, x1) is passed as (x1, x0).
// CHECK-LABEL: llvm.func @f32_to_e4m3
// SM90: %[[X0:.*]] = llvm.extractvalue %arg0[0]
// SM90: %[[X1:.*]] = llvm.extractvalue %arg0[1]
// SM90: %[[X2:.*]] = llvm.extractvalue %arg0[2]
// SM90: %[[X3:.*]] = llvm.extractvalue %arg0[3]
// SM90: %[[P:.*]] = nvvm.convert.f32x2.to.f8x2 %[[X1]], %[[X0]] {rnd = #nvvm.fp_rnd_mode<rn>, sat = #nvvm.sat_mode<satfinite>} : vector<2xi8>(f8E4M3FN)
// SM90: llvm.extractelement %[[P]][%{{.*}} : i32] : vector<2xi8>
// SM90: nvvm.convert.f32x2.to.f8x2 %[[X3]], %[[X2]] {{.*}}(f8E4M3FN)
// SM80-DAG: llvm.mlir.constant(126 : i32)
// SM80-DAG: llvm.mlir.constant(127 : i32)
// SM80-NOT: nvvm.convert
// SM80-COUNT-4: llvm.trunc %{{.*}} : i32 to i8
// CHECK-NOT: nvvm.convert
// CHECK: llvm.return
tt.func @f32_to_e4m3(%x: tensor<128xf32, #blocked>) -> tensor<128xf8E4M3FN, #blocked> {
  %0 = tt.fp_to_fp %x, rounding = rtne : tensor<128xf32, #blocked> -> tensor<128xf8E4M3FN, #blocked>
  tt.return %0 : tensor<128xf8E4M3FN, #blocked>
}

// bf16 narrows through f32 (exactly), as in Triton.
// CHECK-LABEL: llvm.func @bf16_to_e4m3
// SM90-COUNT-4: llvm.fpext %{{.*}} : bf16 to f32
// SM90-COUNT-2: nvvm.convert.f32x2.to.f8x2 {{.*}}(f8E4M3FN)
// SM80: llvm.fpext %{{.*}} : bf16 to f32
// SM80: llvm.trunc %{{.*}} : i32 to i8
// CHECK-NOT: nvvm.convert
// CHECK: llvm.return
tt.func @bf16_to_e4m3(%x: tensor<128xbf16, #blocked>) -> tensor<128xf8E4M3FN, #blocked> {
  %0 = tt.fp_to_fp %x, rounding = rtne : tensor<128xbf16, #blocked> -> tensor<128xf8E4M3FN, #blocked>
  tt.return %0 : tensor<128xf8E4M3FN, #blocked>
}

// CHECK-LABEL: llvm.func @f16_to_e5m2
// SM90: %[[X0:.*]] = llvm.extractvalue %arg0[0]
// SM90: %[[X1:.*]] = llvm.extractvalue %arg0[1]
// SM90: %[[V:.*]] = llvm.insertelement %[[X0]], %{{.*}}[%{{.*}} : i32] : vector<2xf16>
// SM90: %[[W:.*]] = llvm.insertelement %[[X1]], %[[V]][%{{.*}} : i32] : vector<2xf16>
// SM90: nvvm.convert.f16x2.to.f8x2 %[[W]] : vector<2xf16> -> vector<2xi8>(f8E5M2)
// SM90: nvvm.convert.f16x2.to.f8x2 %{{.*}} : vector<2xf16> -> vector<2xi8>(f8E5M2)
// SM80-DAG: llvm.mlir.constant(123 : i32)
// SM80: llvm.fpext %{{.*}} : f16 to f32
// SM80: llvm.trunc %{{.*}} : i32 to i8
// CHECK-NOT: nvvm.convert
// CHECK: llvm.return
tt.func @f16_to_e5m2(%x: tensor<128xf16, #blocked>) -> tensor<128xf8E5M2, #blocked> {
  %0 = tt.fp_to_fp %x, rounding = rtne : tensor<128xf16, #blocked> -> tensor<128xf8E5M2, #blocked>
  tt.return %0 : tensor<128xf8E5M2, #blocked>
}

// No instruction rounds to fp8 toward zero: integer code on every target,
// which keeps infinities (124 is e5m2's).
// CHECK-LABEL: llvm.func @f32_to_e5m2_rtz
// CHECK-DAG: llvm.mlir.constant(124 : i32)
// CHECK-DAG: llvm.mlir.constant(123 : i32)
// CHECK-NOT: nvvm.convert
// CHECK-COUNT-4: llvm.trunc %{{.*}} : i32 to i8
// CHECK-NOT: nvvm.convert
// CHECK: llvm.return
tt.func @f32_to_e5m2_rtz(%x: tensor<128xf32, #blocked>) -> tensor<128xf8E5M2, #blocked> {
  %0 = tt.fp_to_fp %x, rounding = rtz : tensor<128xf32, #blocked> -> tensor<128xf8E5M2, #blocked>
  tt.return %0 : tensor<128xf8E5M2, #blocked>
}

// Widening: through f16 with the instruction, as in Triton; else rebuilt
// from the fields (a subnormal e4m3 is normalized with ctlz), NaN as the
// canonical 0x7fffffff.
// CHECK-LABEL: llvm.func @e4m3_to_f32
// SM90: %[[X0:.*]] = llvm.extractvalue %arg0[0]
// SM90: %[[X1:.*]] = llvm.extractvalue %arg0[1]
// SM90: %[[V:.*]] = llvm.insertelement %[[X0]], %{{.*}}[%{{.*}} : i32] : vector<2xi8>
// SM90: %[[W:.*]] = llvm.insertelement %[[X1]], %[[V]][%{{.*}} : i32] : vector<2xi8>
// SM90: nvvm.convert.f8x2.to.f16x2 %[[W]] : vector<2xi8>(f8E4M3FN) -> vector<2xf16>
// SM90: nvvm.convert.f8x2.to.f16x2 %{{.*}} : vector<2xi8>(f8E4M3FN) -> vector<2xf16>
// SM90-COUNT-4: llvm.fpext %{{.*}} : f16 to f32
// SM80-DAG: llvm.mlir.constant(2147483647 : i32)
// SM80-COUNT-4: llvm.intr.ctlz
// CHECK-NOT: nvvm.convert
// CHECK: llvm.return
tt.func @e4m3_to_f32(%x: tensor<128xf8E4M3FN, #blocked>) -> tensor<128xf32, #blocked> {
  %0 = tt.fp_to_fp %x : tensor<128xf8E4M3FN, #blocked> -> tensor<128xf32, #blocked>
  tt.return %0 : tensor<128xf32, #blocked>
}

// e5m2 is the top byte of an f16.
// CHECK-LABEL: llvm.func @e5m2_to_f16
// SM90-COUNT-2: nvvm.convert.f8x2.to.f16x2 %{{.*}} : vector<2xi8>(f8E5M2) -> vector<2xf16>
// SM80-DAG: %[[EIGHT:.*]] = llvm.mlir.constant(8 : i32)
// SM80-DAG: %[[NAN:.*]] = llvm.mlir.constant(32767 : i32)
// SM80: %[[WIDE:.*]] = llvm.zext %{{.*}} : i8 to i32
// SM80: %[[BITS:.*]] = llvm.shl %[[WIDE]], %[[EIGHT]] : i32
// SM80: %[[ISNAN:.*]] = llvm.icmp "ult" %{{.*}}, %{{.*}} : i32
// SM80: %[[SEL:.*]] = llvm.select %[[ISNAN]], %[[NAN]], %[[BITS]] : i1, i32
// SM80: %[[H:.*]] = llvm.trunc %[[SEL]] : i32 to i16
// SM80: llvm.bitcast %[[H]] : i16 to f16
// CHECK-NOT: nvvm.convert
// CHECK: llvm.return
tt.func @e5m2_to_f16(%x: tensor<128xf8E5M2, #blocked>) -> tensor<128xf16, #blocked> {
  %0 = tt.fp_to_fp %x : tensor<128xf8E5M2, #blocked> -> tensor<128xf16, #blocked>
  tt.return %0 : tensor<128xf16, #blocked>
}

// Every fp8 value is a bf16: the f32 -> bf16 step does not round.
// CHECK-LABEL: llvm.func @e4m3_to_bf16
// SM90-COUNT-2: nvvm.convert.f8x2.to.f16x2
// SM90-COUNT-4: llvm.fpext %{{.*}} : f16 to f32
// SM90-COUNT-4: llvm.fptrunc %{{.*}} : f32 to bf16
// SM80-COUNT-4: llvm.bitcast %{{.*}} : i16 to bf16
// CHECK: llvm.return
tt.func @e4m3_to_bf16(%x: tensor<128xf8E4M3FN, #blocked>) -> tensor<128xbf16, #blocked> {
  %0 = tt.fp_to_fp %x : tensor<128xf8E4M3FN, #blocked> -> tensor<128xbf16, #blocked>
  tt.return %0 : tensor<128xbf16, #blocked>
}

// A single value is paired with itself.
// CHECK-LABEL: llvm.func @scalar_to_e5m2
// SM90: %[[P:.*]] = nvvm.convert.f32x2.to.f8x2 %arg0, %arg0 {{.*}}(f8E5M2)
// SM90: %[[R:.*]] = llvm.extractelement %[[P]]
// SM90: llvm.return %[[R]] : i8
// SM80-NOT: nvvm.convert
// SM80: llvm.return %{{.*}} : i8
tt.func @scalar_to_e5m2(%x: f32) -> f8E5M2 {
  %0 = tt.fp_to_fp %x, rounding = rtne : f32 -> f8E5M2
  tt.return %0 : f8E5M2
}

// CHECK-LABEL: llvm.func @f32_to_f16_rtz
// CHECK: %[[X0:.*]] = llvm.extractvalue %arg0[0]
// CHECK: %[[X1:.*]] = llvm.extractvalue %arg0[1]
// CHECK: %[[P:.*]] = nvvm.convert.f32x2.to.f16x2 %[[X1]], %[[X0]] {rnd = #nvvm.fp_rnd_mode<rz>} : vector<2xf16>
// CHECK: llvm.extractelement %[[P]]
// CHECK: nvvm.convert.f32x2.to.f16x2 {{.*}} {rnd = #nvvm.fp_rnd_mode<rz>} : vector<2xf16>
// CHECK-NOT: nvvm.convert
// CHECK: llvm.return
tt.func @f32_to_f16_rtz(%x: tensor<128xf32, #blocked>) -> tensor<128xf16, #blocked> {
  %0 = tt.fp_to_fp %x, rounding = rtz : tensor<128xf32, #blocked> -> tensor<128xf16, #blocked>
  tt.return %0 : tensor<128xf16, #blocked>
}

// CHECK-LABEL: llvm.func @f32_to_bf16_rtz
// CHECK-COUNT-2: nvvm.convert.f32x2.to.bf16x2 {{.*}} {rnd = #nvvm.fp_rnd_mode<rz>} : vector<2xbf16>
// CHECK-NOT: nvvm.convert
// CHECK: llvm.return
tt.func @f32_to_bf16_rtz(%x: tensor<128xf32, #blocked>) -> tensor<128xbf16, #blocked> {
  %0 = tt.fp_to_fp %x, rounding = rtz : tensor<128xf32, #blocked> -> tensor<128xbf16, #blocked>
  tt.return %0 : tensor<128xbf16, #blocked>
}

// f64 narrows toward zero to f32 first: twice toward zero is once.
// CHECK-LABEL: llvm.func @f64_to_bf16_rtz
// CHECK: %[[F:.*]] = llvm.call_intrinsic "llvm.nvvm.d2f.rz"(%arg0) : (f64) -> f32
// CHECK: nvvm.convert.f32x2.to.bf16x2 %[[F]], %[[F]] {rnd = #nvvm.fp_rnd_mode<rz>}
tt.func @f64_to_bf16_rtz(%x: f64) -> bf16 {
  %0 = tt.fp_to_fp %x, rounding = rtz : f64 -> bf16
  tt.return %0 : bf16
}

// CHECK-LABEL: llvm.func @f64_to_f32_rtz
// CHECK: %[[F:.*]] = llvm.call_intrinsic "llvm.nvvm.d2f.rz"(%arg0) : (f64) -> f32
// CHECK: llvm.return %[[F]] : f32
tt.func @f64_to_f32_rtz(%x: f64) -> f32 {
  %0 = tt.fp_to_fp %x, rounding = rtz : f64 -> f32
  tt.return %0 : f32
}

// f16 <-> bf16 go through f32, which holds both exactly; to nearest even
// where no rounding is given.
// CHECK-LABEL: llvm.func @bf16_to_f16
// CHECK: %[[F:.*]] = llvm.fpext %arg0 : bf16 to f32
// CHECK: llvm.fptrunc %[[F]] : f32 to f16
tt.func @bf16_to_f16(%x: bf16) -> f16 {
  %0 = tt.fp_to_fp %x : bf16 -> f16
  tt.return %0 : f16
}

// CHECK-LABEL: llvm.func @f16_to_bf16_rtz
// CHECK: %[[F:.*]] = llvm.fpext %arg0 : f16 to f32
// CHECK: nvvm.convert.f32x2.to.bf16x2 %[[F]], %[[F]] {rnd = #nvvm.fp_rnd_mode<rz>}
tt.func @f16_to_bf16_rtz(%x: f16) -> bf16 {
  %0 = tt.fp_to_fp %x, rounding = rtz : f16 -> bf16
  tt.return %0 : bf16
}

// Plain widening and narrowing to nearest stay fpext / fptrunc.
// CHECK-LABEL: llvm.func @f16_f32
// CHECK: %[[W:.*]] = llvm.fpext %arg0 : f16 to f32
// CHECK: llvm.fptrunc %[[W]] : f32 to f16
tt.func @f16_f32(%x: f16) -> f16 {
  %0 = tt.fp_to_fp %x : f16 -> f32
  %1 = tt.fp_to_fp %0, rounding = rtne : f32 -> f16
  tt.return %1 : f16
}

// f64 rounds to fp8 once, from its own bits (no f32 step to round twice).
// CHECK-LABEL: llvm.func @f64_to_e4m3
// CHECK: llvm.bitcast %arg0 : f64 to i64
// CHECK: llvm.trunc %{{.*}} : i64 to i8
// CHECK-NOT: nvvm.convert
// CHECK: llvm.return
tt.func @f64_to_e4m3(%x: f64) -> f8E4M3FN {
  %0 = tt.fp_to_fp %x, rounding = rtne : f64 -> f8E4M3FN
  tt.return %0 : f8E4M3FN
}

// fp8 -> fp8: exactly to f32, then rounded once.
// CHECK-LABEL: llvm.func @e4m3_to_e5m2
// CHECK: llvm.intr.ctlz
// CHECK: llvm.trunc %{{.*}} : i32 to i8
// CHECK-NOT: nvvm.convert
// CHECK: llvm.return
tt.func @e4m3_to_e5m2(%x: f8E4M3FN) -> f8E5M2 {
  %0 = tt.fp_to_fp %x : f8E4M3FN -> f8E5M2
  tt.return %0 : f8E5M2
}

// The FNUZ formats have no instructions; their only NaN is 0x80, and
// they have no negative zero.
// CHECK-LABEL: llvm.func @f32_to_e4m3fnuz
// CHECK-DAG: llvm.mlir.constant(128 : i32)
// CHECK: llvm.trunc %{{.*}} : i32 to i8
// CHECK-NOT: nvvm.convert
// CHECK: llvm.return
tt.func @f32_to_e4m3fnuz(%x: f32) -> f8E4M3FNUZ {
  %0 = tt.fp_to_fp %x, rounding = rtne : f32 -> f8E4M3FNUZ
  tt.return %0 : f8E4M3FNUZ
}

// The smallest e5m2fnuz values are f16 subnormals: exactly through f32.
// CHECK-LABEL: llvm.func @e5m2fnuz_to_f16
// CHECK: llvm.bitcast %{{.*}} : i32 to f32
// CHECK: llvm.fptrunc %{{.*}} : f32 to f16
tt.func @e5m2fnuz_to_f16(%x: f8E5M2FNUZ) -> f16 {
  %0 = tt.fp_to_fp %x : f8E5M2FNUZ -> f16
  tt.return %0 : f16
}

// CHECK-LABEL: llvm.func @e4m3b11fnuz_to_f32
// CHECK: llvm.intr.ctlz
// CHECK: llvm.bitcast %{{.*}} : i32 to f32
// CHECK-NOT: nvvm.convert
// CHECK: llvm.return
tt.func @e4m3b11fnuz_to_f32(%x: f8E4M3B11FNUZ) -> f32 {
  %0 = tt.fp_to_fp %x : f8E4M3B11FNUZ -> f32
  tt.return %0 : f32
}

}
