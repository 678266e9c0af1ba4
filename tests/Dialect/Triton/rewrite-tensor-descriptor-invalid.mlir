// RUN: tritium-opt %s --split-input-file --tritium-rewrite-tensor-descriptor --verify-diagnostics

tt.func @gather(%p: !tt.ptr<f32>, %n: i32, %rows: tensor<8xi32>) -> tensor<8x64xf32> {
  %c1 = arith.constant 1 : i64
  %d = tt.make_tensor_descriptor %p, [%n, %n], [%c1, %c1] : <f32>, <tensor<1x64xf32>>
  // expected-error @+1 {{'tt.descriptor_gather' is not lowered yet}}
  %g = tt.descriptor_gather %d[%rows, %n] : (!tt.tensordesc<tensor<1x64xf32>>, tensor<8xi32>, i32) -> tensor<8x64xf32>
  tt.return %g : tensor<8x64xf32>
}

// -----

tt.func @scatter(%p: !tt.ptr<f32>, %n: i32, %rows: tensor<8xi32>, %v: tensor<8x64xf32>) {
  %c1 = arith.constant 1 : i64
  %d = tt.make_tensor_descriptor %p, [%n, %n], [%c1, %c1] : <f32>, <tensor<1x64xf32>>
  // expected-error @+1 {{'tt.descriptor_scatter' is not lowered yet}}
  tt.descriptor_scatter %d[%rows, %n], %v : !tt.tensordesc<tensor<1x64xf32>>, tensor<8xi32>, i32, tensor<8x64xf32>
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
  // expected-error @+1 {{'tt.descriptor_reduce' is not lowered yet}}
  tt.descriptor_reduce add, %d[%n], %v : !tt.tensordesc<tensor<64xf32>>, tensor<64xf32>
  tt.return
}
