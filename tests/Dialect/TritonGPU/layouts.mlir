// RUN: tritium-opt %s --split-input-file --verify-diagnostics | FileCheck %s

// CHECK-LABEL: tt.func @round_trip
// CHECK-SAME: tensor<64x128xf32, #ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [2, 16], warpsPerCTA = [4, 1], order = [1, 0]}>>
// CHECK-SAME: tensor<64xf32, #ttg.slice<{dim = 1, parent = #ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [2, 16], warpsPerCTA = [4, 1], order = [1, 0]}>}>>
tt.func @round_trip(%a: tensor<64x128xf32, #ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [2, 16], warpsPerCTA = [4, 1], order = [1, 0]}>>,
                    %b: tensor<64xf32, #ttg.slice<{dim = 1, parent = #ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [2, 16], warpsPerCTA = [4, 1], order = [1, 0]}>}>>) {
  // CHECK: ttg.convert_layout
  %c = ttg.convert_layout %b : tensor<64xf32, #ttg.slice<{dim = 1, parent = #ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [2, 16], warpsPerCTA = [4, 1], order = [1, 0]}>}>> -> tensor<64xf32, #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>>
  tt.return
}

// -----

// expected-error @+1 {{blocked layout: threadsPerWarp must multiply to 32, got 16}}
tt.func @bad_lanes(%a: tensor<64xf32, #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [16], warpsPerCTA = [4], order = [0]}>>) {
  tt.return
}

// -----

// expected-error @+1 {{blocked layout: order must be a permutation}}
tt.func @bad_order(%a: tensor<64x2xf32, #ttg.blocked<{sizePerThread = [1, 1], threadsPerWarp = [16, 2], warpsPerCTA = [4, 1], order = [0, 0]}>>) {
  tt.return
}
