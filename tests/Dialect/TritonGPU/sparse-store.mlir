// RUN: tritium-opt %s --split-input-file --tritium-assign-layouts=num-warps=4 --tritium-remove-layout-conversions | FileCheck %s

// A compaction: the selected keys (key > t) are written, in order, to the
// slots an exclusive prefix count gives them. Marked `tx.sparse_store`, the
// int64 store is written in the layout its mask (the selection) was
// computed in, four int32 keys a thread: no conversion of the slots, the
// values or the mask.

// CHECK-LABEL: tt.func public @sparse_compaction
// CHECK-NOT: ttg.convert_layout
// CHECK: tt.store %{{.*}}, %{{.*}}, %{{.*}} {tx.sparse_store} : tensor<1024x!tt.ptr<i64>, #ttg.blocked<{sizePerThread = [4]
tt.func public @sparse_compaction(%keys: !tt.ptr<i32> {tt.divisibility = 16 : i32}, %out: !tt.ptr<i64> {tt.divisibility = 16 : i32}, %t: i32) {
  %lanes = tt.make_range {end = 1024 : i32, start = 0 : i32} : tensor<1024xi32>
  %kp = tt.splat %keys : !tt.ptr<i32> -> tensor<1024x!tt.ptr<i32>>
  %kpp = tt.addptr %kp, %lanes : tensor<1024x!tt.ptr<i32>>, tensor<1024xi32>
  %k = tt.load %kpp : tensor<1024x!tt.ptr<i32>>
  %ts = tt.splat %t : i32 -> tensor<1024xi32>
  %selected = arith.cmpi sgt, %k, %ts : tensor<1024xi32>
  %ones = arith.extui %selected : tensor<1024xi1> to tensor<1024xi32>
  %inclusive = "tt.scan"(%ones) <{axis = 0 : i32, reverse = false}> ({
  ^bb0(%a: i32, %b: i32):
    %s = arith.addi %a, %b : i32
    tt.scan.return %s : i32
  }) : (tensor<1024xi32>) -> tensor<1024xi32>
  %slot = arith.subi %inclusive, %ones : tensor<1024xi32>
  %op = tt.splat %out : !tt.ptr<i64> -> tensor<1024x!tt.ptr<i64>>
  %opp = tt.addptr %op, %slot : tensor<1024x!tt.ptr<i64>>, tensor<1024xi32>
  %pos = arith.extsi %lanes : tensor<1024xi32> to tensor<1024xi64>
  tt.store %opp, %pos, %selected {tx.sparse_store} : tensor<1024x!tt.ptr<i64>>
  tt.return
}

// -----

// The same store unmarked: its addresses allow scalar accesses only, so it
// is narrowed to one element a thread (a dense compaction then writes
// whole sectors), converting the slots' and the mask's layout to it.

// CHECK-LABEL: tt.func public @dense_compaction
// CHECK: ttg.convert_layout
// CHECK: tt.store %{{.*}}, %{{.*}}, %{{.*}} : tensor<1024x!tt.ptr<i64>, #ttg.blocked<{sizePerThread = [1]
tt.func public @dense_compaction(%keys: !tt.ptr<i32> {tt.divisibility = 16 : i32}, %out: !tt.ptr<i64> {tt.divisibility = 16 : i32}, %t: i32) {
  %lanes = tt.make_range {end = 1024 : i32, start = 0 : i32} : tensor<1024xi32>
  %kp = tt.splat %keys : !tt.ptr<i32> -> tensor<1024x!tt.ptr<i32>>
  %kpp = tt.addptr %kp, %lanes : tensor<1024x!tt.ptr<i32>>, tensor<1024xi32>
  %k = tt.load %kpp : tensor<1024x!tt.ptr<i32>>
  %ts = tt.splat %t : i32 -> tensor<1024xi32>
  %selected = arith.cmpi sgt, %k, %ts : tensor<1024xi32>
  %ones = arith.extui %selected : tensor<1024xi1> to tensor<1024xi32>
  %inclusive = "tt.scan"(%ones) <{axis = 0 : i32, reverse = false}> ({
  ^bb0(%a: i32, %b: i32):
    %s = arith.addi %a, %b : i32
    tt.scan.return %s : i32
  }) : (tensor<1024xi32>) -> tensor<1024xi32>
  %slot = arith.subi %inclusive, %ones : tensor<1024xi32>
  %op = tt.splat %out : !tt.ptr<i64> -> tensor<1024x!tt.ptr<i64>>
  %opp = tt.addptr %op, %slot : tensor<1024x!tt.ptr<i64>>, tensor<1024xi32>
  %pos = arith.extsi %lanes : tensor<1024xi32> to tensor<1024xi64>
  tt.store %opp, %pos, %selected : tensor<1024x!tt.ptr<i64>>
  tt.return
}
