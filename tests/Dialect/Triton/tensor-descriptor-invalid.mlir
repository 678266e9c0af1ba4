// RUN: tritium-opt %s --split-input-file --verify-diagnostics

tt.func @shape_count(%p: !tt.ptr<f16>, %n: i32, %s: i64) {
  // expected-error @+1 {{expects 2 shape and stride values for a rank-2 block, got 1}}
  %d = tt.make_tensor_descriptor %p, [%n], [%s] : <f16>, <tensor<16x16xf16>>
  tt.return
}

// -----

tt.func @element(%p: !tt.ptr<f32>, %n: i32, %s: i64) {
  // expected-error @+1 {{base points to 'f32' but the block holds 'f16'}}
  %d = tt.make_tensor_descriptor %p, [%n], [%s] : <f32>, <tensor<16xf16>>
  tt.return
}

// -----

tt.func @nan_int(%p: !tt.ptr<i32>, %n: i32, %s: i64) {
  // expected-error @+1 {{padding = nan needs a floating-point block}}
  %d = tt.make_tensor_descriptor %p, [%n], [%s] {padding = 2 : i32} : <i32>, <tensor<16xsi32>>
  tt.return
}

// -----

tt.func @indices(%d: !tt.tensordesc<tensor<16x16xf16>>, %i: i32) {
  // expected-error @+1 {{expects 2 indices for a rank-2 block, got 1}}
  %v = tt.descriptor_load %d[%i] : !tt.tensordesc<tensor<16x16xf16>> -> tensor<16x16xf16>
  tt.return
}

// -----

tt.func @mismatch(%d: !tt.tensordesc<tensor<16x16xf16>>, %i: i32) {
  // expected-error @+1 {{does not match the descriptor block}}
  %v = tt.descriptor_load %d[%i, %i] : !tt.tensordesc<tensor<16x16xf16>> -> tensor<16x32xf16>
  tt.return
}

// -----

tt.func @rank_reduce(%d: !tt.tensordesc<tensor<2x16xf16>>, %v: tensor<16xf16>, %i: i32) {
  // expected-error @+1 {{may drop only leading dimensions of size 1}}
  tt.descriptor_store %d[%i, %i], %v : !tt.tensordesc<tensor<2x16xf16>>, tensor<16xf16>
  tt.return
}

// -----

tt.func @reduce(%d: !tt.tensordesc<tensor<16xf32>>, %v: tensor<16xf16>, %i: i32) {
  // expected-error @+1 {{does not match the descriptor block}}
  tt.descriptor_reduce add, %d[%i], %v : !tt.tensordesc<tensor<16xf32>>, tensor<16xf16>
  tt.return
}
