// RUN: tritium-opt %s --split-input-file --tritium-rewrite-tensor-descriptor --verify-diagnostics

tt.func @gather(%p: !tt.ptr<f32>, %n: i32, %rows: tensor<8xi32>) -> tensor<8x32xf32> {
  %c1 = arith.constant 1 : i64
  %d = tt.make_tensor_descriptor %p, [%n, %n], [%c1, %c1] : <f32>, <tensor<1x64xf32>>
  // expected-error @+1 {{'tt.descriptor_gather' expects a 2-D descriptor, 1-D x_offsets of N rows and N x BLOCK_Y data of its element type}}
  %g = tt.descriptor_gather %d[%rows, %n] : (!tt.tensordesc<tensor<1x64xf32>>, tensor<8xi32>, i32) -> tensor<8x32xf32>
  tt.return %g : tensor<8x32xf32>
}

// -----

tt.func @scatter(%p: !tt.ptr<f32>, %n: i32, %rows: tensor<8xi32>, %v: tensor<4x64xf32>) {
  %c1 = arith.constant 1 : i64
  %d = tt.make_tensor_descriptor %p, [%n, %n], [%c1, %c1] : <f32>, <tensor<1x64xf32>>
  // expected-error @+1 {{'tt.descriptor_scatter' expects a 2-D descriptor}}
  tt.descriptor_scatter %d[%rows, %n], %v : !tt.tensordesc<tensor<1x64xf32>>, tensor<8xi32>, i32, tensor<4x64xf32>
  tt.return
}

// -----

// expected-error @+1 {{tensor descriptors as function arguments or results are not supported}}
tt.func @argument(%d: !tt.tensordesc<tensor<64xf32>>, %n: i32) -> tensor<64xf32> {
  %v = tt.descriptor_load %d[%n] : !tt.tensordesc<tensor<64xf32>> -> tensor<64xf32>
  tt.return %v : tensor<64xf32>
}

// -----

tt.func @reduce(%p: !tt.ptr<f32>, %n: i32, %v: tensor<64xf32>) {
  %c1 = arith.constant 1 : i64
  %d = tt.make_tensor_descriptor %p, [%n], [%c1] : <f32>, <tensor<64xf32>>
  // Float min/max have no tt.atomic_rmw (Triton needs a CAS loop).
  // expected-error @+1 {{'tt.descriptor_reduce' min of 'f32' has no atomic read-modify-write to lower to}}
  tt.descriptor_reduce min, %d[%n], %v : !tt.tensordesc<tensor<64xf32>>, tensor<64xf32>
  tt.return
}

// -----

tt.func @reduce_inc(%p: !tt.ptr<i32>, %n: i32, %v: tensor<64xi32>) {
  %c1 = arith.constant 1 : i64
  %d = tt.make_tensor_descriptor %p, [%n], [%c1] : <i32>, <tensor<64xi32>>
  // expected-error @+1 {{'tt.descriptor_reduce' inc of 'i32' has no atomic read-modify-write to lower to}}
  tt.descriptor_reduce inc, %d[%n], %v : !tt.tensordesc<tensor<64xi32>>, tensor<64xi32>
  tt.return
}
