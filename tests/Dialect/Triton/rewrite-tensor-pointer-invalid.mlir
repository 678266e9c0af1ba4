// RUN: tritium-opt %s --split-input-file --tritium-rewrite-tensor-pointer --verify-diagnostics

// Block pointers the rewrite cannot split are reported where they are used.

// expected-error @+1 {{block pointers as function arguments or results are not supported (the function must be inlined)}}
tt.func private @takes_block(%p: !tt.ptr<tensor<16xf32>>) -> tensor<16xf32> {
  %t = tt.load %p : !tt.ptr<tensor<16xf32>>
  tt.return %t : tensor<16xf32>
}

// -----

// expected-error @+1 {{block pointers as function arguments or results are not supported}}
tt.func private @takes_block(%p: !tt.ptr<tensor<16xf32>>) -> tensor<16xf32> attributes {noinline = true}

tt.func public @calls(%in: !tt.ptr<f32>, %n: i64) {
  %c0 = arith.constant 0 : i32
  %c1_i64 = arith.constant 1 : i64
  %a = tt.make_tensor_ptr %in, [%n], [%c1_i64], [%c0] {order = array<i32: 0>} : <tensor<16xf32>>
  // expected-error @+1 {{block pointers reaching 'tt.call' are not supported}}
  %t = tt.call @takes_block(%a) : (!tt.ptr<tensor<16xf32>>) -> tensor<16xf32>
  tt.return
}

// -----

tt.func public @nan_padding_of_integers(%in: !tt.ptr<i32>, %n: i64) {
  %c0 = arith.constant 0 : i32
  %c1_i64 = arith.constant 1 : i64
  %a = tt.make_tensor_ptr %in, [%n], [%c1_i64], [%c0] {order = array<i32: 0>} : <tensor<16xi32>>
  // expected-error @+1 {{padding = nan needs a floating-point block, got 'i32'}}
  %v = tt.load %a {boundaryCheck = array<i32: 0>, padding = 2 : i32} : !tt.ptr<tensor<16xi32>>
  tt.return
}
