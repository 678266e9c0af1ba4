// RUN: tritium-opt %s --split-input-file --verify-diagnostics

tt.func @range_size() {
  // expected-error @+1 {{result has 32 elements, but the range [0, 64) has 64}}
  %0 = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<32xi32>
  tt.return
}

// -----

tt.func @range_bounds() {
  // expected-error @+1 {{start (8) must be less than end (8)}}
  %0 = tt.make_range {end = 8 : i32, start = 8 : i32} : tensor<1xi32>
  tt.return
}

// -----

tt.func @range_element_type() {
  // expected-error @+1 {{result #0 must be ranked tensor of 32-bit signless integer values}}
  %0 = tt.make_range {end = 8 : i32, start = 0 : i32} : tensor<8xi64>
  tt.return
}

// -----

tt.func @not_power_of_two(%x: tensor<12xf32>) {
  // expected-error @+1 {{tensor must have a power-of-two number of elements, got 12}}
  %0 = tt.expand_dims %x {axis = 0 : i32} : tensor<12xf32> -> tensor<1x12xf32>
  tt.return
}

// -----

tt.func @too_large(%x: f32) {
  // expected-error @+1 {{exceeds the limit of 1048576}}
  %0 = tt.splat %x : f32 -> tensor<2097152xf32>
  tt.return
}

// -----

// expected-note @+1 {{prior use here}}
tt.func @load_pointee(%p: tensor<64x!tt.ptr<f32>>, %m: tensor<64xi1>, %o: tensor<64xf16>) {
  // expected-error @+1 {{use of value '%o' expects different type than prior uses: 'tensor<64xf32>' vs 'tensor<64xf16>'}}
  %0 = tt.load %p, %m, %o : tensor<64x!tt.ptr<f32>>
  tt.return
}

// -----

tt.func @store_value_mismatch(%p: tensor<64x!tt.ptr<f32>>, %v: tensor<64xf16>) {
  // expected-error @+1 {{'tt.store' op failed to verify that value matches the pointee type}}
  "tt.store"(%p, %v) <{boundaryCheck = array<i32>, cache = 1 : i32, evict = 1 : i32}> : (tensor<64x!tt.ptr<f32>>, tensor<64xf16>) -> ()
  tt.return
}

// -----

tt.func @store_mask_shape(%p: tensor<64x!tt.ptr<f32>>, %v: tensor<64xf32>, %m: tensor<32xi1>) {
  // expected-error @+1 {{'tt.store' op failed to verify that mask is i1 of the pointer's shape}}
  "tt.store"(%p, %v, %m) <{boundaryCheck = array<i32>, cache = 1 : i32, evict = 1 : i32}> : (tensor<64x!tt.ptr<f32>>, tensor<64xf32>, tensor<32xi1>) -> ()
  tt.return
}

// -----

tt.func @addptr_shape(%p: tensor<64x!tt.ptr<f32>>, %o: tensor<32xi32>) {
  // expected-error @+1 {{'tt.addptr' op all non-scalar operands/results must have the same shape and base type}}
  %0 = tt.addptr %p, %o : tensor<64x!tt.ptr<f32>>, tensor<32xi32>
  tt.return
}

// -----

tt.func @addptr_not_pointer(%p: tensor<64xi64>, %o: tensor<64xi32>) {
  // expected-error @+1 {{'tt.addptr' op operand #0 must be}}
  %0 = "tt.addptr"(%p, %o) : (tensor<64xi64>, tensor<64xi32>) -> tensor<64xi64>
  tt.return
}

// -----

tt.func @broadcast_bad(%x: tensor<16x2xf32>) {
  // expected-error @+1 {{dimension 1 of size 2 cannot broadcast to 8 (only size-1 dimensions stretch)}}
  %0 = tt.broadcast %x : tensor<16x2xf32> -> tensor<16x8xf32>
  tt.return
}

// -----

tt.func @broadcast_element(%x: tensor<16x1xf32>) {
  // expected-error @+1 {{'tt.broadcast' op requires the same element type for all operands and results}}
  %0 = tt.broadcast %x : tensor<16x1xf32> -> tensor<16x8xf16>
  tt.return
}

// -----

tt.func @expand_dims_axis(%x: tensor<16xf32>) {
  // expected-error @+1 {{axis 2 is out of range for a rank-1 tensor}}
  %0 = tt.expand_dims %x {axis = 2 : i32} : tensor<16xf32> -> tensor<16x1xf32>
  tt.return
}

// -----

tt.func @reshape_size(%x: tensor<16x4xf32>) {
  // expected-error @+1 {{cannot reshape 64 elements into 32}}
  %0 = tt.reshape %x : tensor<16x4xf32> -> tensor<32xf32>
  tt.return
}

// -----

tt.func @trans_order(%x: tensor<16x4xf32>) {
  // expected-error @+1 {{order must be a permutation of 0..1}}
  %0 = tt.trans %x {order = array<i32: 0, 0>} : tensor<16x4xf32> -> tensor<16x4xf32>
  tt.return
}

// -----

tt.func @trans_shape(%x: tensor<16x4xf32>) {
  // expected-error @+1 {{result shape must be [4, 16], got [16, 4]}}
  %0 = tt.trans %x {order = array<i32: 1, 0>} : tensor<16x4xf32> -> tensor<16x4xf32>
  tt.return
}

// -----

tt.func @join_shape(%x: tensor<16xf32>) {
  // expected-error @+1 {{result shape must be [16, 2], got [2, 16]}}
  %0 = tt.join %x, %x : tensor<16xf32> -> tensor<2x16xf32>
  tt.return
}

// -----

tt.func @split_last_dim(%x: tensor<16x4xf32>) {
  // expected-error @+1 {{source's last dimension must have size 2}}
  %0, %1 = tt.split %x : tensor<16x4xf32> -> tensor<16xf32>
  tt.return
}

// -----

tt.func @cat_size(%x: tensor<16xf32>) {
  // expected-error @+1 {{result must hold both operands' 32 elements, got 64}}
  %0 = tt.cat %x, %x : tensor<16xf32> -> tensor<64xf32>
  tt.return
}

// -----

tt.func @gather_shape(%x: tensor<16x8xf32>, %i: tensor<16x4xi32>) {
  // expected-error @+1 {{result shape must equal the indices' shape [16, 4]}}
  %0 = tt.gather %x[%i] {axis = 1 : i32} : (tensor<16x8xf32>, tensor<16x4xi32>) -> tensor<16x8xf32>
  tt.return
}

// -----

tt.func @dot_k(%a: tensor<16x32xf16>, %b: tensor<16x16xf16>, %c: tensor<16x16xf32>) {
  // expected-error @+1 {{their K dimensions differ}}
  %0 = tt.dot %a, %b, %c : tensor<16x32xf16> * tensor<16x16xf16> -> tensor<16x16xf32>
  tt.return
}

// -----

tt.func @dot_acc(%a: tensor<16x32xf16>, %b: tensor<32x16xf16>, %c: tensor<16x32xf32>) {
  // expected-error @+1 {{accumulator must be 16x16, got [16, 32]}}
  %0 = tt.dot %a, %b, %c : tensor<16x32xf16> * tensor<32x16xf16> -> tensor<16x32xf32>
  tt.return
}

// -----

tt.func @reduce_result(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{result must be 'tensor<4xf32>', got 'tensor<8xf32>'}}
  %0 = "tt.reduce"(%x) <{axis = 1 : i32}> ({
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    tt.reduce.return %s : f32
  }) : (tensor<4x8xf32>) -> tensor<8xf32>
  tt.return
}

// -----

tt.func @reduce_region(%x: tensor<8xf32>) {
  // expected-error @+1 {{combine region must take 2 arguments, got 3}}
  %0 = "tt.reduce"(%x) <{axis = 0 : i32}> ({
  ^bb0(%a: f32, %b: f32, %c: f32):
    tt.reduce.return %a : f32
  }) : (tensor<8xf32>) -> f32
  tt.return
}

// -----

tt.func @reduce_axis(%x: tensor<8xf32>) {
  // expected-error @+1 {{axis 1 is out of range for a rank-1 tensor}}
  %0 = "tt.reduce"(%x) <{axis = 1 : i32}> ({
  ^bb0(%a: f32, %b: f32):
    tt.reduce.return %a : f32
  }) : (tensor<8xf32>) -> f32
  tt.return
}

// -----

tt.func @scan_yield(%x: tensor<8xf32>) {
  %0 = "tt.scan"(%x) <{axis = 0 : i32, reverse = false}> ({
  ^bb0(%a: f32, %b: f32):
    %i = arith.fptosi %a : f32 to i32
    // expected-error @+1 {{value #0 must be 'f32'}}
    tt.scan.return %i : i32
  }) : (tensor<8xf32>) -> tensor<8xf32>
  tt.return
}

// -----

tt.func @bitcast_width(%x: tensor<8xf32>) {
  // expected-error @+1 {{cannot bitcast 'tensor<8xf32>' to 'tensor<8xi16>': the element widths differ}}
  %0 = tt.bitcast %x : tensor<8xf32> -> tensor<8xi16>
  tt.return
}

// -----

tt.func @fp_to_fp_rounding(%x: tensor<8xf32>) {
  // expected-error @+1 {{needs a rounding mode (rtne or rtz)}}
  %0 = tt.fp_to_fp %x : tensor<8xf32> -> tensor<8xf16>
  tt.return
}

// -----

tt.func @advance_rank(%p: !tt.ptr<tensor<16x16xf16>>, %o: i32) {
  // expected-error @+1 {{expects one offset per block dimension (2), got 1}}
  %0 = tt.advance %p, [%o] : <tensor<16x16xf16>>
  tt.return
}

// -----

tt.func @block_load_mask(%p: !tt.ptr<tensor<16xf16>>, %m: tensor<16xi1>) {
  // expected-error @+1 {{a block pointer access takes boundaryCheck, not a mask}}
  %0 = tt.load %p, %m : !tt.ptr<tensor<16xf16>>
  tt.return
}

// -----

tt.func @boundary_check_dim(%p: !tt.ptr<tensor<16xf16>>) {
  // expected-error @+1 {{boundaryCheck dimension 1 is out of range for a rank-1 block}}
  %0 = tt.load %p {boundaryCheck = array<i32: 1>} : !tt.ptr<tensor<16xf16>>
  tt.return
}

// -----

tt.func @other_without_mask(%p: tensor<16x!tt.ptr<f32>>, %o: tensor<16xf32>) {
  // Without a mask, `other` sits where the mask would be and is checked as one.
  // expected-error @+1 {{'tt.load' op failed to verify that mask is i1 of the pointer's shape}}
  %0 = "tt.load"(%p, %o) <{boundaryCheck = array<i32>, cache = 1 : i32, evict = 1 : i32, isVolatile = false, operandSegmentSizes = array<i32: 1, 0, 1>}> : (tensor<16x!tt.ptr<f32>>, tensor<16xf32>) -> tensor<16xf32>
  tt.return
}

// -----

tt.func @histogram_rank(%x: tensor<4x4xi32>) {
  // expected-error @+1 {{takes and produces 1-D tensors}}
  %0 = tt.histogram %x : tensor<4x4xi32> -> tensor<16xi32>
  tt.return
}

// -----

tt.func @print_signs(%x: i32) {
  // expected-error @+1 {{isSigned must have one entry per argument (1), got 2}}
  tt.print "x" {hex = false, isSigned = array<i32: 1, 1>} : %x : i32
  tt.return
}

// -----

tt.func @callee(%x: i32) -> i32 {
  tt.return %x : i32
}
tt.func @bad_call(%x: f32) {
  // expected-error @+1 {{argument #0 is 'f32', but 'callee' takes 'i32'}}
  %0 = tt.call @callee(%x) : (f32) -> i32
  tt.return
}

// -----

tt.func @missing_callee(%x: i32) {
  // expected-error @+1 {{'nowhere' does not name a tt.func in this module}}
  %0 = tt.call @nowhere(%x) : (i32) -> i32
  tt.return
}

// -----

tt.func @bad_return(%x: i32) -> f32 {
  // expected-error @+1 {{value #0 is 'i32', but the function returns 'f32'}}
  tt.return %x : i32
}

// -----

// expected-error @+1 {{argument #0: 'tt.divisibility' must be a power of two}}
tt.func @bad_divisibility(%p: !tt.ptr<f32> {tt.divisibility = 12 : i32}) {
  tt.return
}

// -----

// expected-error @+1 {{cannot point to 'none'}}
tt.func @bad_pointee(%p: !tt.ptr<none>) {
  tt.return
}
