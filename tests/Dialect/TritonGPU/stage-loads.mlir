// tritium-stage-loads: the loads of a loop marked tt.num_stages = N are
// copied N - 1 iterations ahead into staging slots (tx.async_copy, one
// commit group an iteration; iterations 0 .. N - 2 before the loop, each
// masked off unless its iteration exists) and read back where they were,
// after one wait for iteration i's group. A store in the loop does not stop
// it (the mark is the kernel's promise). Loads whose masked-off lanes are
// not zeros, that feed a dot, or of an unmarked loop stay loads.
//
// RUN: tritium-opt %s --split-input-file --tritium-assign-layouts --tritium-remove-layout-conversions --tritium-stage-loads --canonicalize --cse | FileCheck %s
// RUN: tritium-opt %s --split-input-file --tritium-assign-layouts --tritium-remove-layout-conversions --tritium-stage-loads="max-bytes=7000" | FileCheck %s --check-prefix=SMALL
// RUN: tritium-opt %s --split-input-file --tritium-assign-layouts --tritium-remove-layout-conversions --tritium-stage-loads --verify-diagnostics -o /dev/null

// CHECK-LABEL: tt.func public @sum_tiles
// CHECK: tx.async_copy %{{.*}}, %{{.*}} into %c0_i32 {slot = 0 : i32, stages = 3 : i32}
// CHECK: tx.async_copy %{{.*}}, %{{.*}} into %c0_i32 {slot = 1 : i32, stages = 3 : i32}
// CHECK-NEXT: tx.async_commit
// CHECK: tx.async_copy %{{.*}}, %{{.*}} into %c1_i32 {slot = 0 : i32, stages = 3 : i32}
// CHECK: tx.async_copy %{{.*}}, %{{.*}} into %c1_i32 {slot = 1 : i32, stages = 3 : i32}
// CHECK-NEXT: tx.async_commit
// CHECK: scf.for %[[I:.*]] = %c0_i32 to %[[N:.*]] step %c1_i32
// CHECK: %[[AHEAD:.*]] = arith.addi %[[I]], %c2_i32 : i32
// CHECK: %[[EXISTS:.*]] = arith.cmpi slt, %[[AHEAD]], %[[N]] : i32
// CHECK: %[[NEXT_STAGE:.*]] = arith.remui %[[AHEAD]], %c3_i32 : i32
// CHECK: tt.splat %[[EXISTS]]
// CHECK: tx.async_copy %{{.*}}, %{{.*}} into %[[NEXT_STAGE]] {slot = 0 : i32, stages = 3 : i32}
// CHECK: tx.async_copy %{{.*}}, %{{.*}} into %[[NEXT_STAGE]] {slot = 1 : i32, stages = 3 : i32}
// CHECK-NEXT: tx.async_commit
// CHECK: %[[STAGE:.*]] = arith.remui %[[I]], %c3_i32 : i32
// CHECK: tt.store
// CHECK-NEXT: tx.async_wait {pending = 2 : i32}
// CHECK-NEXT: %[[X:.*]] = tx.async_load %[[STAGE]] {slot = 0 : i32, stages = 3 : i32} : tensor<256xi64
// CHECK: %[[Y:.*]] = tx.async_load %[[STAGE]] {slot = 1 : i32, stages = 3 : i32} : tensor<256xi32
// CHECK: scf.yield
// CHECK-NEXT: } {tt.num_stages = 3 : i32}
// CHECK-NEXT: tx.async_wait {pending = 0 : i32}
// CHECK-NOT: tt.load

// With room for one slot only, the second load stays a load.
// SMALL-LABEL: tt.func public @sum_tiles
// SMALL: tx.async_load {{.*}} {slot = 0 : i32, stages = 3 : i32} : tensor<256xi64
// SMALL: tt.load
tt.func public @sum_tiles(%src: !tt.ptr<i64> {tt.divisibility = 16 : i32}, %src2: !tt.ptr<i32> {tt.divisibility = 16 : i32}, %dst: !tt.ptr<i64> {tt.divisibility = 16 : i32}, %n: i32 {tt.divisibility = 16 : i32}, %tiles: i32) {
  %range = tt.make_range {end = 256 : i32, start = 0 : i32} : tensor<256xi32>
  %zero = arith.constant dense<0> : tensor<256xi64>
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c256 = arith.constant 256 : i32
  %limit = tt.splat %n : i32 -> tensor<256xi32>
  %base = tt.splat %src : !tt.ptr<i64> -> tensor<256x!tt.ptr<i64>>
  %base2 = tt.splat %src2 : !tt.ptr<i32> -> tensor<256x!tt.ptr<i32>>
  %out = tt.splat %dst : !tt.ptr<i64> -> tensor<256x!tt.ptr<i64>>
  %acc = scf.for %i = %c0 to %tiles step %c1 iter_args(%a = %zero) -> (tensor<256xi64>) : i32 {
    %off = arith.muli %i, %c256 : i32
    %offs = tt.splat %off : i32 -> tensor<256xi32>
    %idx = arith.addi %offs, %range : tensor<256xi32>
    %mask = arith.cmpi slt, %idx, %limit : tensor<256xi32>
    %outp = tt.addptr %out, %idx : tensor<256x!tt.ptr<i64>>, tensor<256xi32>
    tt.store %outp, %a, %mask : tensor<256x!tt.ptr<i64>>
    %p = tt.addptr %base, %idx : tensor<256x!tt.ptr<i64>>, tensor<256xi32>
    %x = tt.load %p, %mask : tensor<256x!tt.ptr<i64>>
    %p2 = tt.addptr %base2, %idx : tensor<256x!tt.ptr<i32>>, tensor<256xi32>
    %y = tt.load %p2 : tensor<256x!tt.ptr<i32>>
    %y64 = arith.extsi %y : tensor<256xi32> to tensor<256xi64>
    %s = arith.addi %a, %x : tensor<256xi64>
    %t = arith.addi %s, %y64 : tensor<256xi64>
    scf.yield %t : tensor<256xi64>
  } {tt.num_stages = 3 : i32}
  tt.store %out, %acc : tensor<256x!tt.ptr<i64>>
  tt.return
}

// -----

// CHECK-LABEL: tt.func public @left_alone
// CHECK-NOT: tx.async
// CHECK: tt.load
// CHECK: tt.load
// CHECK-NOT: tx.async
tt.func public @left_alone(%src: !tt.ptr<i64> {tt.divisibility = 16 : i32}, %dst: !tt.ptr<i64> {tt.divisibility = 16 : i32}, %tiles: i32) {
  %range = tt.make_range {end = 256 : i32, start = 0 : i32} : tensor<256xi32>
  %zero = arith.constant dense<0> : tensor<256xi64>
  %ones = arith.constant dense<1> : tensor<256xi64>
  %true = arith.constant dense<true> : tensor<256xi1>
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c256 = arith.constant 256 : i32
  %base = tt.splat %src : !tt.ptr<i64> -> tensor<256x!tt.ptr<i64>>
  // Masked-off lanes of 1, not zeros: a copy would leave zeros.
  %acc = scf.for %i = %c0 to %tiles step %c1 iter_args(%a = %zero) -> (tensor<256xi64>) : i32 {
    %off = arith.muli %i, %c256 : i32
    %offs = tt.splat %off : i32 -> tensor<256xi32>
    %idx = arith.addi %offs, %range : tensor<256xi32>
    %p = tt.addptr %base, %idx : tensor<256x!tt.ptr<i64>>, tensor<256xi32>
    %x = tt.load %p, %true, %ones : tensor<256x!tt.ptr<i64>>
    %s = arith.addi %a, %x : tensor<256xi64>
    scf.yield %s : tensor<256xi64>
  } {tt.num_stages = 3 : i32}
  // No mark.
  %acc2 = scf.for %i = %c0 to %tiles step %c1 iter_args(%a = %acc) -> (tensor<256xi64>) : i32 {
    %off = arith.muli %i, %c256 : i32
    %offs = tt.splat %off : i32 -> tensor<256xi32>
    %idx = arith.addi %offs, %range : tensor<256xi32>
    %p = tt.addptr %base, %idx : tensor<256x!tt.ptr<i64>>, tensor<256xi32>
    %x = tt.load %p : tensor<256x!tt.ptr<i64>>
    %s = arith.addi %a, %x : tensor<256xi64>
    scf.yield %s : tensor<256xi64>
  }
  %out = tt.splat %dst : !tt.ptr<i64> -> tensor<256x!tt.ptr<i64>>
  tt.store %out, %acc2 : tensor<256x!tt.ptr<i64>>
  tt.return
}

// -----

// The copies before the loop move up past what writes no memory (an L2
// prefetch hint, a load, a reduction), so they overlap it, but not past a
// store.
// CHECK-LABEL: tt.func public @hoisted
// CHECK: tt.store
// CHECK-NOT: tt.reduce
// CHECK: tx.async_copy
// CHECK: tx.async_commit
// CHECK: tx.prefetch_l2
// CHECK: tt.load
// CHECK: tt.reduce
// CHECK: scf.for
tt.func public @hoisted(%src: !tt.ptr<i64> {tt.divisibility = 16 : i32}, %dst: !tt.ptr<i64> {tt.divisibility = 16 : i32}, %tiles: i32) {
  %range = tt.make_range {end = 256 : i32, start = 0 : i32} : tensor<256xi32>
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c256 = arith.constant 256 : i32
  %base = tt.splat %src : !tt.ptr<i64> -> tensor<256x!tt.ptr<i64>>
  %out = tt.splat %dst : !tt.ptr<i64> -> tensor<256x!tt.ptr<i64>>
  %zero = arith.constant dense<0> : tensor<256xi64>
  tt.store %out, %zero : tensor<256x!tt.ptr<i64>>
  tx.prefetch_l2 %src, %c256 : !tt.ptr<i64>, i32
  %p0 = tt.addptr %base, %range : tensor<256x!tt.ptr<i64>>, tensor<256xi32>
  %first = tt.load %p0 : tensor<256x!tt.ptr<i64>>
  %total = "tt.reduce"(%first) <{axis = 0 : i32}> ({
  ^bb0(%l: i64, %r: i64):
    %sum = arith.addi %l, %r : i64
    tt.reduce.return %sum : i64
  }) : (tensor<256xi64>) -> i64
  %init = tt.splat %total : i64 -> tensor<256xi64>
  %acc = scf.for %i = %c0 to %tiles step %c1 iter_args(%a = %init) -> (tensor<256xi64>) : i32 {
    %off = arith.muli %i, %c256 : i32
    %offs = tt.splat %off : i32 -> tensor<256xi32>
    %idx = arith.addi %offs, %range : tensor<256xi32>
    %p = tt.addptr %base, %idx : tensor<256x!tt.ptr<i64>>, tensor<256xi32>
    %x = tt.load %p : tensor<256x!tt.ptr<i64>>
    %s = arith.addi %a, %x : tensor<256xi64>
    scf.yield %s : tensor<256xi64>
  } {tt.num_stages = 2 : i32}
  tt.store %out, %acc : tensor<256x!tt.ptr<i64>>
  tt.return
}

// -----

// One budget for the module: with room for one tile (6 KB of the 7000
// bytes), the second marked loop's load stays a load. A load whose address
// needs a division stays a load too (the division would run for
// iterations past the loop's end), and a loop marked with more than 16
// stages is left alone, with a warning.
// SMALL-LABEL: tt.func public @budget
// SMALL: tx.async_load
// SMALL: scf.for
// SMALL: tt.load
// SMALL: scf.for
// SMALL: tt.load
// SMALL: scf.for
// SMALL: tt.load
// SMALL-NOT: tx.async
tt.func public @budget(%src: !tt.ptr<i64> {tt.divisibility = 16 : i32}, %dst: !tt.ptr<i64> {tt.divisibility = 16 : i32}, %tiles: i32) {
  %range = tt.make_range {end = 256 : i32, start = 0 : i32} : tensor<256xi32>
  %zero = arith.constant dense<0> : tensor<256xi64>
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c256 = arith.constant 256 : i32
  %base = tt.splat %src : !tt.ptr<i64> -> tensor<256x!tt.ptr<i64>>
  %acc = scf.for %i = %c0 to %tiles step %c1 iter_args(%a = %zero) -> (tensor<256xi64>) : i32 {
    %off = arith.muli %i, %c256 : i32
    %offs = tt.splat %off : i32 -> tensor<256xi32>
    %idx = arith.addi %offs, %range : tensor<256xi32>
    %p = tt.addptr %base, %idx : tensor<256x!tt.ptr<i64>>, tensor<256xi32>
    %x = tt.load %p : tensor<256x!tt.ptr<i64>>
    %s = arith.addi %a, %x : tensor<256xi64>
    scf.yield %s : tensor<256xi64>
  } {tt.num_stages = 3 : i32}
  %acc2 = scf.for %i = %c0 to %tiles step %c1 iter_args(%a = %acc) -> (tensor<256xi64>) : i32 {
    %off = arith.muli %i, %c256 : i32
    %offs = tt.splat %off : i32 -> tensor<256xi32>
    %idx = arith.addi %offs, %range : tensor<256xi32>
    %p = tt.addptr %base, %idx : tensor<256x!tt.ptr<i64>>, tensor<256xi32>
    %x = tt.load %p : tensor<256x!tt.ptr<i64>>
    %s = arith.addi %a, %x : tensor<256xi64>
    scf.yield %s : tensor<256xi64>
  } {tt.num_stages = 3 : i32}
  %acc3 = scf.for %i = %c0 to %tiles step %c1 iter_args(%a = %acc2) -> (tensor<256xi64>) : i32 {
    %left = arith.subi %tiles, %i : i32
    %q = arith.divsi %c256, %left : i32
    %offs = tt.splat %q : i32 -> tensor<256xi32>
    %idx = arith.addi %offs, %range : tensor<256xi32>
    %p = tt.addptr %base, %idx : tensor<256x!tt.ptr<i64>>, tensor<256xi32>
    %x = tt.load %p : tensor<256x!tt.ptr<i64>>
    %s = arith.addi %a, %x : tensor<256xi64>
    scf.yield %s : tensor<256xi64>
  } {tt.num_stages = 2 : i32}
  // expected-warning @+1 {{tt.num_stages = 17 is more than 16 stages; the loop's loads stay loads}}
  %acc4 = scf.for %i = %c0 to %tiles step %c1 iter_args(%a = %acc3) -> (tensor<256xi64>) : i32 {
    %off = arith.muli %i, %c256 : i32
    %offs = tt.splat %off : i32 -> tensor<256xi32>
    %idx = arith.addi %offs, %range : tensor<256xi32>
    %p = tt.addptr %base, %idx : tensor<256x!tt.ptr<i64>>, tensor<256xi32>
    %x = tt.load %p : tensor<256x!tt.ptr<i64>>
    %s = arith.addi %a, %x : tensor<256xi64>
    scf.yield %s : tensor<256xi64>
  } {tt.num_stages = 17 : i32}
  %out = tt.splat %dst : !tt.ptr<i64> -> tensor<256x!tt.ptr<i64>>
  tt.store %out, %acc4 : tensor<256x!tt.ptr<i64>>
  tt.return
}
