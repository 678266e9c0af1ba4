// RUN: tritium-opt %s --tritium-pack-loop-carried-halves | FileCheck %s

// A loop carrying four f16 values in a struct carries them as two i32, the
// first element of each pair in the low half; structs of wider members, or
// of an odd number of halves, are left alone.

// CHECK-LABEL: llvm.func @carried_halves
// CHECK: llvm.br ^bb1({{.*}} : !llvm.struct<(i32, i32)>, !llvm.struct<(f32, f32)>, !llvm.struct<(f16, f16, f16)>)
// CHECK: ^bb1(%[[PACKED:.*]]: !llvm.struct<(i32, i32)>, %{{.*}}: !llvm.struct<(f32, f32)>, %{{.*}}: !llvm.struct<(f16, f16, f16)>):
// CHECK: %[[WORD:.*]] = llvm.extractvalue %[[PACKED]][0] : !llvm.struct<(i32, i32)>
// CHECK: llvm.bitcast %[[WORD]] : i32 to vector<2xf16>
// CHECK: llvm.cond_br {{.*}}, ^bb1({{.*}} : !llvm.struct<(i32, i32)>, !llvm.struct<(f32, f32)>, !llvm.struct<(f16, f16, f16)>), ^bb2
llvm.func @carried_halves(%h: f16, %f: f32, %n: i1) -> f16 {
  %u4 = llvm.mlir.undef : !llvm.struct<(f16, f16, f16, f16)>
  %a0 = llvm.insertvalue %h, %u4[0] : !llvm.struct<(f16, f16, f16, f16)>
  %a1 = llvm.insertvalue %h, %a0[1] : !llvm.struct<(f16, f16, f16, f16)>
  %a2 = llvm.insertvalue %h, %a1[2] : !llvm.struct<(f16, f16, f16, f16)>
  %a3 = llvm.insertvalue %h, %a2[3] : !llvm.struct<(f16, f16, f16, f16)>
  %uf = llvm.mlir.undef : !llvm.struct<(f32, f32)>
  %b0 = llvm.insertvalue %f, %uf[0] : !llvm.struct<(f32, f32)>
  %b1 = llvm.insertvalue %f, %b0[1] : !llvm.struct<(f32, f32)>
  %u3 = llvm.mlir.undef : !llvm.struct<(f16, f16, f16)>
  %c0 = llvm.insertvalue %h, %u3[0] : !llvm.struct<(f16, f16, f16)>
  llvm.br ^loop(%a3, %b1, %c0 : !llvm.struct<(f16, f16, f16, f16)>, !llvm.struct<(f32, f32)>, !llvm.struct<(f16, f16, f16)>)
^loop(%x: !llvm.struct<(f16, f16, f16, f16)>, %y: !llvm.struct<(f32, f32)>, %z: !llvm.struct<(f16, f16, f16)>):
  %e1 = llvm.extractvalue %x[1] : !llvm.struct<(f16, f16, f16, f16)>
  %e2 = llvm.extractvalue %x[2] : !llvm.struct<(f16, f16, f16, f16)>
  %s = llvm.fadd %e1, %e2 : f16
  %x2 = llvm.insertvalue %s, %x[3] : !llvm.struct<(f16, f16, f16, f16)>
  %y0 = llvm.extractvalue %y[0] : !llvm.struct<(f32, f32)>
  %y1 = llvm.fadd %y0, %f : f32
  %y2 = llvm.insertvalue %y1, %y[1] : !llvm.struct<(f32, f32)>
  %z2 = llvm.insertvalue %s, %z[1] : !llvm.struct<(f16, f16, f16)>
  llvm.cond_br %n, ^loop(%x2, %y2, %z2 : !llvm.struct<(f16, f16, f16, f16)>, !llvm.struct<(f32, f32)>, !llvm.struct<(f16, f16, f16)>), ^exit
^exit:
  %r = llvm.extractvalue %x[3] : !llvm.struct<(f16, f16, f16, f16)>
  llvm.return %r : f16
}
