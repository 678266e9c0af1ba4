// RUN: tritium-opt %s --tritium-test-axis-info --split-input-file --verify-diagnostics

// AxisInfo of every integer and pointer value, as remarks:
//   contiguity   = length of the aligned runs of consecutive values
//   divisibility = power of two dividing the first value of each run (bytes
//                  for pointers; 2^w for a w-bit zero)
//   constancy    = length of the aligned runs of equal values
// and, for each load and store, the vector width the lowering may use.

// The corpus' vector_add: 1024 offsets per program, fp32 pointers aligned to
// 16 bytes. Unmasked, each thread may load 4 floats at once; masked with
// `offs < n`, only if n is known to be a multiple of 16 (the mask is then
// uniform over aligned blocks of 16 lanes), which is what Triton specialises
// on.
tt.func public @vector_add(%x: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %n: i32, %n16: i32 {tt.divisibility = 16 : i32}) {
  // expected-remark @below {{contiguity = [1], divisibility = [1024], constancy = [1], constant_value = 1024}}
  %c1024 = arith.constant 1024 : i32
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [1], constant_value = <none>}}
  %pid = tt.get_program_id x : i32
  // expected-remark @below {{contiguity = [1], divisibility = [1024], constancy = [1], constant_value = <none>}}
  %base = arith.muli %pid, %c1024 : i32
  // expected-remark @below {{contiguity = [1024], divisibility = [4294967296], constancy = [1], constant_value = <none>}}
  %range = tt.make_range {end = 1024 : i32, start = 0 : i32} : tensor<1024xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [1024], constancy = [1024], constant_value = <none>}}
  %bs = tt.splat %base : i32 -> tensor<1024xi32>
  // expected-remark @below {{contiguity = [1024], divisibility = [1024], constancy = [1], constant_value = <none>}}
  %offs = arith.addi %bs, %range : tensor<1024xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [1024], constant_value = <none>}}
  %ns = tt.splat %n : i32 -> tensor<1024xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [1], constant_value = <none>}}
  %mask = arith.cmpi slt, %offs, %ns : tensor<1024xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [16], constancy = [1024], constant_value = <none>}}
  %n16s = tt.splat %n16 : i32 -> tensor<1024xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [16], constant_value = <none>}}
  %mask16 = arith.cmpi slt, %offs, %n16s : tensor<1024xi32>
  // `n > offs` is `offs < n`.
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [16], constant_value = <none>}}
  %mask16r = arith.cmpi sgt, %n16s, %offs : tensor<1024xi32>
  // `offs <= n` flips between n and n + 1, which nothing places.
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [1], constant_value = <none>}}
  %mask16le = arith.cmpi sle, %offs, %n16s : tensor<1024xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [16], constancy = [1024], constant_value = <none>}}
  %xs = tt.splat %x : !tt.ptr<f32> -> tensor<1024x!tt.ptr<f32>>
  // expected-remark @below {{contiguity = [1024], divisibility = [16], constancy = [1], constant_value = <none>}}
  %xp = tt.addptr %xs, %offs : tensor<1024x!tt.ptr<f32>>, tensor<1024xi32>
  // expected-remark @below {{vector width = 4}}
  %v0 = tt.load %xp : tensor<1024x!tt.ptr<f32>>
  // expected-remark @below {{vector width = 1}}
  %v1 = tt.load %xp, %mask : tensor<1024x!tt.ptr<f32>>
  // expected-remark @below {{vector width = 4}}
  %v2 = tt.load %xp, %mask16 : tensor<1024x!tt.ptr<f32>>
  // expected-remark @below {{vector width = 4}}
  tt.store %xp, %v2, %mask16r : tensor<1024x!tt.ptr<f32>>
  tt.return
}

// -----

// Narrower and wider elements: 16 bytes is 8 halves or 2 doubles; a pointer
// aligned to 4 bytes only allows 2 halves.
tt.func public @element_sizes(%h: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %d: !tt.ptr<f64> {tt.divisibility = 16 : i32}, %h4: !tt.ptr<f16> {tt.divisibility = 4 : i32}, %u: !tt.ptr<f16>) {
  // expected-remark @below {{contiguity = [256], divisibility = [4294967296], constancy = [1], constant_value = <none>}}
  %r = tt.make_range {end = 256 : i32, start = 0 : i32} : tensor<256xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [16], constancy = [256], constant_value = <none>}}
  %hs = tt.splat %h : !tt.ptr<f16> -> tensor<256x!tt.ptr<f16>>
  // expected-remark @below {{contiguity = [256], divisibility = [16], constancy = [1], constant_value = <none>}}
  %hp = tt.addptr %hs, %r : tensor<256x!tt.ptr<f16>>, tensor<256xi32>
  // expected-remark @below {{vector width = 8}}
  %hv = tt.load %hp : tensor<256x!tt.ptr<f16>>
  // expected-remark @below {{contiguity = [1], divisibility = [16], constancy = [256], constant_value = <none>}}
  %ds = tt.splat %d : !tt.ptr<f64> -> tensor<256x!tt.ptr<f64>>
  // expected-remark @below {{contiguity = [256], divisibility = [16], constancy = [1], constant_value = <none>}}
  %dp = tt.addptr %ds, %r : tensor<256x!tt.ptr<f64>>, tensor<256xi32>
  // expected-remark @below {{vector width = 2}}
  %dv = tt.load %dp : tensor<256x!tt.ptr<f64>>
  // expected-remark @below {{contiguity = [1], divisibility = [4], constancy = [256], constant_value = <none>}}
  %h4s = tt.splat %h4 : !tt.ptr<f16> -> tensor<256x!tt.ptr<f16>>
  // expected-remark @below {{contiguity = [256], divisibility = [4], constancy = [1], constant_value = <none>}}
  %h4p = tt.addptr %h4s, %r : tensor<256x!tt.ptr<f16>>, tensor<256xi32>
  // expected-remark @below {{vector width = 2}}
  %h4v = tt.load %h4p : tensor<256x!tt.ptr<f16>>
  // Nothing known about the pointer: it is at least element-aligned.
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [256], constant_value = <none>}}
  %us = tt.splat %u : !tt.ptr<f16> -> tensor<256x!tt.ptr<f16>>
  // expected-remark @below {{contiguity = [256], divisibility = [1], constancy = [1], constant_value = <none>}}
  %up = tt.addptr %us, %r : tensor<256x!tt.ptr<f16>>, tensor<256xi32>
  // expected-remark @below {{vector width = 1}}
  %uv = tt.load %up : tensor<256x!tt.ptr<f16>>
  // Every other element: not contiguous, and the byte offsets are multiples
  // of 4.
  // expected-remark @below {{contiguity = [1], divisibility = [2], constancy = [256], constant_value = 2}}
  %c2 = arith.constant dense<2> : tensor<256xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [2], constancy = [1], constant_value = <none>}}
  %r2 = arith.muli %r, %c2 : tensor<256xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [4], constancy = [1], constant_value = <none>}}
  %sp = tt.addptr %hs, %r2 : tensor<256x!tt.ptr<f16>>, tensor<256xi32>
  // expected-remark @below {{vector width = 1}}
  %sv = tt.load %sp : tensor<256x!tt.ptr<f16>>
  tt.return
}

// -----

// A row-major tile `a + rows[:, None] * stride + cols[None, :]`: contiguous
// along dim 1 only, rows start at multiples of the stride. The masks
// `rows < M` and `cols < K` (M, K multiples of 16) are uniform over 16x16
// blocks, so a masked thread still moves 8 halves at once.
tt.func public @tile_2d(%a: !tt.ptr<f16> {tt.divisibility = 16 : i32}, %stride: i32 {tt.divisibility = 16 : i32}, %M: i32 {tt.divisibility = 16 : i32}, %K: i32 {tt.divisibility = 16 : i32}) {
  // expected-remark @below {{contiguity = [64], divisibility = [4294967296], constancy = [1], constant_value = <none>}}
  %rows = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32>
  // expected-remark @below {{contiguity = [32], divisibility = [4294967296], constancy = [1], constant_value = <none>}}
  %cols = tt.make_range {end = 32 : i32, start = 0 : i32} : tensor<32xi32>
  // Along the new dimension every element starts a run, and rows are not all
  // even.
  // expected-remark @below {{contiguity = [64, 1], divisibility = [4294967296, 1], constancy = [1, 1], constant_value = <none>}}
  %r2 = tt.expand_dims %rows {axis = 1 : i32} : tensor<64xi32> -> tensor<64x1xi32>
  // expected-remark @below {{contiguity = [1, 1], divisibility = [16, 16], constancy = [64, 1], constant_value = <none>}}
  %ss = tt.splat %stride : i32 -> tensor<64x1xi32>
  // expected-remark @below {{contiguity = [1, 1], divisibility = [16, 16], constancy = [1, 1], constant_value = <none>}}
  %rs = arith.muli %r2, %ss : tensor<64x1xi32>
  // expected-remark @below {{contiguity = [1, 1], divisibility = [16, 16], constancy = [1, 32], constant_value = <none>}}
  %rb = tt.broadcast %rs : tensor<64x1xi32> -> tensor<64x32xi32>
  // expected-remark @below {{contiguity = [1, 32], divisibility = [1, 4294967296], constancy = [1, 1], constant_value = <none>}}
  %c2 = tt.expand_dims %cols {axis = 0 : i32} : tensor<32xi32> -> tensor<1x32xi32>
  // expected-remark @below {{contiguity = [1, 32], divisibility = [1, 4294967296], constancy = [64, 1], constant_value = <none>}}
  %cb = tt.broadcast %c2 : tensor<1x32xi32> -> tensor<64x32xi32>
  // expected-remark @below {{contiguity = [1, 32], divisibility = [1, 16], constancy = [1, 1], constant_value = <none>}}
  %off = arith.addi %rb, %cb : tensor<64x32xi32>
  // expected-remark @below {{contiguity = [1, 1], divisibility = [16, 16], constancy = [64, 32], constant_value = <none>}}
  %as = tt.splat %a : !tt.ptr<f16> -> tensor<64x32x!tt.ptr<f16>>
  // The i32 offsets are sign-extended: only runs that start at a multiple of
  // their length (16 here) provably do not cross 2^31.
  // expected-remark @below {{contiguity = [1, 16], divisibility = [2, 16], constancy = [1, 1], constant_value = <none>}}
  %ap = tt.addptr %as, %off : tensor<64x32x!tt.ptr<f16>>, tensor<64x32xi32>
  // expected-remark @below {{vector width = 8}}
  %v = tt.load %ap : tensor<64x32x!tt.ptr<f16>>

  // expected-remark @below {{contiguity = [1, 1], divisibility = [16, 16], constancy = [64, 1], constant_value = <none>}}
  %Ms = tt.splat %M : i32 -> tensor<64x1xi32>
  // expected-remark @below {{contiguity = [1, 1], divisibility = [1, 1], constancy = [16, 1], constant_value = <none>}}
  %rm = arith.cmpi slt, %r2, %Ms : tensor<64x1xi32>
  // expected-remark @below {{contiguity = [1, 1], divisibility = [1, 1], constancy = [16, 32], constant_value = <none>}}
  %rmb = tt.broadcast %rm : tensor<64x1xi1> -> tensor<64x32xi1>
  // expected-remark @below {{contiguity = [1, 1], divisibility = [16, 16], constancy = [1, 32], constant_value = <none>}}
  %Ks = tt.splat %K : i32 -> tensor<1x32xi32>
  // expected-remark @below {{contiguity = [1, 1], divisibility = [1, 1], constancy = [1, 16], constant_value = <none>}}
  %cm = arith.cmpi slt, %c2, %Ks : tensor<1x32xi32>
  // expected-remark @below {{contiguity = [1, 1], divisibility = [1, 1], constancy = [64, 16], constant_value = <none>}}
  %cmb = tt.broadcast %cm : tensor<1x32xi1> -> tensor<64x32xi1>
  // expected-remark @below {{contiguity = [1, 1], divisibility = [1, 1], constancy = [16, 16], constant_value = <none>}}
  %mask = arith.andi %rmb, %cmb : tensor<64x32xi1>
  // expected-remark @below {{vector width = 8}}
  %vm = tt.load %ap, %mask : tensor<64x32x!tt.ptr<f16>>

  // Transposed, the runs are along dim 0: nothing to vectorise along dim 1,
  // 8 halves along dim 0 for a layout that makes dim 0 the fastest.
  // expected-remark @below {{contiguity = [16, 1], divisibility = [16, 2], constancy = [1, 1], constant_value = <none>}}
  %t = tt.trans %ap {order = array<i32: 1, 0>} : tensor<64x32x!tt.ptr<f16>> -> tensor<32x64x!tt.ptr<f16>>
  // expected-remark @below {{vector width = 1}}
  // expected-remark @below {{vector width along dim 0 = 8}}
  %vt = tt.load %t : tensor<32x64x!tt.ptr<f16>>
  // Flattened row-major, each row is still a run starting at row * stride.
  // expected-remark @below {{contiguity = [32], divisibility = [16], constancy = [1], constant_value = <none>}}
  %flat = tt.reshape %off : tensor<64x32xi32> -> tensor<2048xi32>
  // With allow_reorder the order is the compiler's: only per-element facts.
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [1], constant_value = <none>}}
  %any = tt.reshape %off allow_reorder : tensor<64x32xi32> -> tensor<2048xi32>
  tt.return
}

// -----

tt.func public @reshape_range() {
  // expected-remark @below {{contiguity = [128], divisibility = [4294967296], constancy = [1], constant_value = <none>}}
  %r = tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32>
  // Rows of 32 consecutive values starting at 32 * i.
  // expected-remark @below {{contiguity = [1, 32], divisibility = [1, 32], constancy = [1, 1], constant_value = <none>}}
  %m = tt.reshape %r : tensor<128xi32> -> tensor<4x32xi32>
  // expected-remark @below {{contiguity = [128, 1], divisibility = [4294967296, 1], constancy = [1, 1], constant_value = <none>}}
  %c = tt.expand_dims %r {axis = 1 : i32} : tensor<128xi32> -> tensor<128x1xi32>
  // Broadcasting repeats each row: runs of 32 equal values along dim 1.
  // expected-remark @below {{contiguity = [128, 1], divisibility = [4294967296, 1], constancy = [1, 32], constant_value = <none>}}
  %cb = tt.broadcast %c : tensor<128x1xi32> -> tensor<128x32xi32>
  // A 1-element range is a constant.
  // expected-remark @below {{contiguity = [1], divisibility = [8], constancy = [1], constant_value = 8}}
  %one = tt.make_range {end = 9 : i32, start = 8 : i32} : tensor<1xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [8], constancy = [1], constant_value = 8}}
  %s = tt.unsplat %one : tensor<1xi32>
  tt.return
}

// -----

// Multiplication by constants scales divisibility and breaks runs; 1 and 0
// are special.
tt.func public @muli_by_constants(%s: i32 {tt.divisibility = 8 : i32}) {
  // expected-remark @below {{contiguity = [128], divisibility = [4294967296], constancy = [1], constant_value = <none>}}
  %r = tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [4], constancy = [128], constant_value = 12}}
  %c12 = arith.constant dense<12> : tensor<128xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [4], constancy = [1], constant_value = <none>}}
  %m12 = arith.muli %r, %c12 : tensor<128xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [128], constant_value = 1}}
  %c1 = arith.constant dense<1> : tensor<128xi32>
  // expected-remark @below {{contiguity = [128], divisibility = [4294967296], constancy = [1], constant_value = <none>}}
  %m1 = arith.muli %c1, %r : tensor<128xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [4294967296], constancy = [128], constant_value = 0}}
  %c0 = arith.constant dense<0> : tensor<128xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [4294967296], constancy = [128], constant_value = 0}}
  %m0 = arith.muli %r, %c0 : tensor<128xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [8], constancy = [128], constant_value = <none>}}
  %ss = tt.splat %s : i32 -> tensor<128xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [4], constancy = [128], constant_value = 4}}
  %c4 = arith.constant dense<4> : tensor<128xi32>
  // Constants fold, wrapping like the hardware.
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [1], constant_value = 3}}
  %a = arith.constant 3 : i32
  // expected-remark @below {{contiguity = [1], divisibility = [1073741824], constancy = [1], constant_value = 1073741824}}
  %big = arith.constant 1073741824 : i32
  // expected-remark @below {{contiguity = [1], divisibility = [2], constancy = [1], constant_value = 2}}
  %c2 = arith.constant 2 : i32
  // expected-remark @below {{contiguity = [1], divisibility = [2147483648], constancy = [1], constant_value = -2147483648}}
  %wrap = arith.muli %big, %c2 : i32
  // expected-remark @below {{contiguity = [1], divisibility = [4], constancy = [1], constant_value = 12}}
  %k = arith.shli %a, %c2 : i32
  // expected-remark @below {{contiguity = [1], divisibility = [32], constancy = [128], constant_value = <none>}}
  %s4 = arith.muli %ss, %c4 : tensor<128xi32>
  tt.return
}

// -----

// Division and remainder. `offs % n` keeps runs as long as no block crosses a
// multiple of n; for remsi / divsi that needs a non-negative dividend
// (-8..-5 rem 4 is 0, -3, -2, -1), known here only with `nsw`.
tt.func public @div_rem(%n: i32 {tt.divisibility = 16 : i32}) {
  // expected-remark @below {{contiguity = [128], divisibility = [4294967296], constancy = [1], constant_value = <none>}}
  %r = tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [64], constancy = [128], constant_value = 64}}
  %c64 = arith.constant dense<64> : tensor<128xi32>
  // expected-remark @below {{contiguity = [64], divisibility = [64], constancy = [1], constant_value = <none>}}
  %rem = arith.remsi %r, %c64 : tensor<128xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [64], constant_value = <none>}}
  %div = arith.divsi %r, %c64 : tensor<128xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [128], constant_value = 3}}
  %c3 = arith.constant dense<3> : tensor<128xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [1], constant_value = <none>}}
  %rem3 = arith.remsi %r, %c3 : tensor<128xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [16], constancy = [128], constant_value = <none>}}
  %ns = tt.splat %n : i32 -> tensor<128xi32>
  // expected-remark @below {{contiguity = [16], divisibility = [16], constancy = [1], constant_value = <none>}}
  %wrap = arith.remui %r, %ns : tensor<128xi32>

  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [1], constant_value = <none>}}
  %pid = tt.get_program_id x : i32
  // expected-remark @below {{contiguity = [1], divisibility = [128], constancy = [1], constant_value = 128}}
  %c128 = arith.constant 128 : i32
  // expected-remark @below {{contiguity = [1], divisibility = [128], constancy = [1], constant_value = <none>}}
  %base = arith.muli %pid, %c128 : i32
  // expected-remark @below {{contiguity = [1], divisibility = [128], constancy = [128], constant_value = <none>}}
  %bs = tt.splat %base : i32 -> tensor<128xi32>
  // expected-remark @below {{contiguity = [128], divisibility = [128], constancy = [1], constant_value = <none>}}
  %offs = arith.addi %bs, %r : tensor<128xi32>
  // Possibly negative (pid * 128 may wrap): no runs.
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [1], constant_value = <none>}}
  %o1 = arith.remsi %offs, %ns : tensor<128xi32>
  // Unsigned: fine.
  // expected-remark @below {{contiguity = [16], divisibility = [16], constancy = [1], constant_value = <none>}}
  %o2 = arith.remui %offs, %ns : tensor<128xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [128], constancy = [1], constant_value = <none>}}
  %base2 = arith.muli %pid, %c128 overflow<nsw> : i32
  // expected-remark @below {{contiguity = [1], divisibility = [128], constancy = [128], constant_value = <none>}}
  %bs2 = tt.splat %base2 : i32 -> tensor<128xi32>
  // expected-remark @below {{contiguity = [128], divisibility = [128], constancy = [1], constant_value = <none>}}
  %offs2 = arith.addi %bs2, %r overflow<nsw> : tensor<128xi32>
  // expected-remark @below {{contiguity = [16], divisibility = [16], constancy = [1], constant_value = <none>}}
  %o3 = arith.remsi %offs2, %ns : tensor<128xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [16], constant_value = <none>}}
  %q = arith.divsi %offs2, %ns : tensor<128xi32>
  tt.return
}

// -----

tt.func public @shifts_and_bits() {
  // expected-remark @below {{contiguity = [128], divisibility = [4294967296], constancy = [1], constant_value = <none>}}
  %r = tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [2], constancy = [128], constant_value = 2}}
  %c2 = arith.constant dense<2> : tensor<128xi32>
  // Floor division by 4, for any sign.
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [4], constant_value = <none>}}
  %sh = arith.shrsi %r, %c2 : tensor<128xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [4], constancy = [1], constant_value = <none>}}
  %sl = arith.shli %r, %c2 : tensor<128xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [1], constant_value = <none>}}
  %shu = arith.shrui %sl, %c2 : tensor<128xi32>
  // x & 15 is x mod 16.
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [128], constant_value = 15}}
  %c15 = arith.constant dense<15> : tensor<128xi32>
  // expected-remark @below {{contiguity = [16], divisibility = [16], constancy = [1], constant_value = <none>}}
  %and = arith.andi %r, %c15 : tensor<128xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [16], constancy = [128], constant_value = -16}}
  %cm16 = arith.constant dense<-16> : tensor<128xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [16], constancy = [1], constant_value = <none>}}
  %and2 = arith.andi %r, %cm16 : tensor<128xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [2], constancy = [1], constant_value = <none>}}
  %or = arith.ori %sl, %c2 : tensor<128xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [4294967296], constancy = [128], constant_value = 0}}
  %c0 = arith.constant dense<0> : tensor<128xi32>
  // expected-remark @below {{contiguity = [128], divisibility = [4294967296], constancy = [1], constant_value = <none>}}
  %xor = arith.xori %r, %c0 : tensor<128xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [2], constancy = [1], constant_value = <none>}}
  %mx = arith.maxsi %sl, %c2 : tensor<128xi32>
  // A non-uniform constant: what holds of every element.
  // expected-remark @below {{contiguity = [1], divisibility = [4], constancy = [1], constant_value = <none>}}
  %cv = arith.constant dense<[4, 8, 12, 16]> : tensor<4xi32>
  tt.return
}

// -----

// Width changes and pointer / integer casts.
tt.func public @casts(%p: !tt.ptr<f32> {tt.divisibility = 16 : i32}) {
  // expected-remark @below {{contiguity = [128], divisibility = [4294967296], constancy = [1], constant_value = <none>}}
  %r = tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32>
  // expected-remark @below {{contiguity = [128], divisibility = [4294967296], constancy = [1], constant_value = <none>}}
  %e = arith.extsi %r : tensor<128xi32> to tensor<128xi64>
  // expected-remark @below {{contiguity = [128], divisibility = [65536], constancy = [1], constant_value = <none>}}
  %t = arith.trunci %e : tensor<128xi64> to tensor<128xi16>
  // expected-remark @below {{contiguity = [128], divisibility = [65536], constancy = [1], constant_value = <none>}}
  %z = arith.extui %t : tensor<128xi16> to tensor<128xi64>
  // expected-remark @below {{contiguity = [128], divisibility = [4294967296], constancy = [1], constant_value = <none>}}
  %x = arith.index_cast %r : tensor<128xi32> to tensor<128xindex>
  // expected-remark @below {{contiguity = [1], divisibility = [32768], constancy = [1], constant_value = -32768}}
  %m = arith.constant -32768 : i16
  // expected-remark @below {{contiguity = [1], divisibility = [32768], constancy = [1], constant_value = 32768}}
  %mz = arith.extui %m : i16 to i32
  // A run that may cross 2^31 does not survive sign extension; one aligned
  // to its length does.
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [1], constant_value = <none>}}
  %pid = tt.get_program_id x : i32
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [128], constant_value = <none>}}
  %ps = tt.splat %pid : i32 -> tensor<128xi32>
  // expected-remark @below {{contiguity = [128], divisibility = [1], constancy = [1], constant_value = <none>}}
  %u = arith.addi %ps, %r : tensor<128xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [1], constant_value = <none>}}
  %ue = arith.extsi %u : tensor<128xi32> to tensor<128xi64>

  // expected-remark @below {{contiguity = [1], divisibility = [16], constancy = [1], constant_value = <none>}}
  %pi = tt.ptr_to_int %p : !tt.ptr<f32> -> i64
  // expected-remark @below {{contiguity = [1], divisibility = [64], constancy = [1], constant_value = 64}}
  %c64 = arith.constant 64 : i64
  // expected-remark @below {{contiguity = [1], divisibility = [16], constancy = [1], constant_value = <none>}}
  %q = arith.addi %pi, %c64 : i64
  // expected-remark @below {{contiguity = [1], divisibility = [16], constancy = [1], constant_value = <none>}}
  %qp = tt.int_to_ptr %q : i64 -> !tt.ptr<f32>
  // Consecutive f32 pointers are integers 4 apart: not a run, each element
  // a multiple of 4.
  // expected-remark @below {{contiguity = [1], divisibility = [16], constancy = [128], constant_value = <none>}}
  %pss = tt.splat %p : !tt.ptr<f32> -> tensor<128x!tt.ptr<f32>>
  // expected-remark @below {{contiguity = [128], divisibility = [16], constancy = [1], constant_value = <none>}}
  %pp = tt.addptr %pss, %r : tensor<128x!tt.ptr<f32>>, tensor<128xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [4], constancy = [1], constant_value = <none>}}
  %pint = tt.ptr_to_int %pp : tensor<128x!tt.ptr<f32>> -> tensor<128xi64>
  // Reinterpreted as bytes, the same addresses are 4-byte strided.
  // expected-remark @below {{contiguity = [1], divisibility = [4], constancy = [1], constant_value = <none>}}
  %pb = tt.bitcast %pp : tensor<128x!tt.ptr<f32>> -> tensor<128x!tt.ptr<i8>>
  // expected-remark @below {{contiguity = [128], divisibility = [16], constancy = [1], constant_value = <none>}}
  %pi32 = tt.bitcast %pp : tensor<128x!tt.ptr<f32>> -> tensor<128x!tt.ptr<i32>>
  tt.return
}

// -----

// The matmul K loop: the induction variable is a multiple of the step, and a
// pointer advanced by a multiple of 16 bytes each iteration keeps its runs
// and alignment, so the loads inside the loop stay vectorised.
tt.func public @k_loop(%p: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %K: i32) {
  // expected-remark @below {{contiguity = [1], divisibility = [4294967296], constancy = [1], constant_value = 0}}
  %c0 = arith.constant 0 : i32
  // expected-remark @below {{contiguity = [1], divisibility = [32], constancy = [1], constant_value = 32}}
  %c32 = arith.constant 32 : i32
  // expected-remark @below {{contiguity = [32], divisibility = [4294967296], constancy = [1], constant_value = <none>}}
  %r = tt.make_range {end = 32 : i32, start = 0 : i32} : tensor<32xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [16], constancy = [32], constant_value = <none>}}
  %ps = tt.splat %p : !tt.ptr<f32> -> tensor<32x!tt.ptr<f32>>
  // expected-remark @below {{contiguity = [32], divisibility = [16], constancy = [1], constant_value = <none>}}
  %p0 = tt.addptr %ps, %r : tensor<32x!tt.ptr<f32>>, tensor<32xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [32], constancy = [32], constant_value = 32}}
  %step = arith.constant dense<32> : tensor<32xi32>
  // expected-remark @below {{region #0 argument #0: contiguity = [1], divisibility = [32], constancy = [1], constant_value = <none>}}
  // expected-remark @below {{region #0 argument #1: contiguity = [32], divisibility = [16], constancy = [1], constant_value = <none>}}
  // expected-remark @below {{region #0 argument #2: contiguity = [1], divisibility = [32], constancy = [1], constant_value = <none>}}
  // expected-remark @below {{contiguity = [32], divisibility = [16], constancy = [1], constant_value = <none>}}
  // expected-remark @below {{contiguity = [1], divisibility = [32], constancy = [1], constant_value = <none>}}
  %res:2 = scf.for %iv = %c0 to %K step %c32 iter_args(%ptr = %p0, %acc = %c0) -> (tensor<32x!tt.ptr<f32>>, i32) : i32 {
    // expected-remark @below {{contiguity = [1], divisibility = [32], constancy = [32], constant_value = <none>}}
    %ivs = tt.splat %iv : i32 -> tensor<32xi32>
    // expected-remark @below {{contiguity = [32], divisibility = [32], constancy = [1], constant_value = <none>}}
    %k = arith.addi %ivs, %r : tensor<32xi32>
    // expected-remark @below {{vector width = 4}}
    %v = tt.load %ptr : tensor<32x!tt.ptr<f32>>
    // expected-remark @below {{contiguity = [32], divisibility = [16], constancy = [1], constant_value = <none>}}
    %next = tt.addptr %ptr, %step : tensor<32x!tt.ptr<f32>>, tensor<32xi32>
    // expected-remark @below {{contiguity = [1], divisibility = [32], constancy = [1], constant_value = <none>}}
    %acc2 = arith.addi %acc, %c32 : i32
    scf.yield %next, %acc2 : tensor<32x!tt.ptr<f32>>, i32
  }
  tt.return
}

// -----

// A pointer advanced by one element per iteration loses its alignment after
// the first trip; the loop-carried value is the join of all trips.
tt.func public @misaligning_loop(%p: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %n: index) {
  // expected-remark @below {{contiguity = [1], divisibility = [4611686018427387904], constancy = [1], constant_value = 0}}
  %c0 = arith.constant 0 : index
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [1], constant_value = 1}}
  %c1 = arith.constant 1 : index
  // expected-remark @below {{contiguity = [64], divisibility = [4294967296], constancy = [1], constant_value = <none>}}
  %r = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [16], constancy = [64], constant_value = <none>}}
  %ps = tt.splat %p : !tt.ptr<f32> -> tensor<64x!tt.ptr<f32>>
  // expected-remark @below {{contiguity = [64], divisibility = [16], constancy = [1], constant_value = <none>}}
  %p0 = tt.addptr %ps, %r : tensor<64x!tt.ptr<f32>>, tensor<64xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [64], constant_value = 1}}
  %one = arith.constant dense<1> : tensor<64xi32>
  // expected-remark @below {{region #0 argument #0: contiguity = [1], divisibility = [1], constancy = [1], constant_value = <none>}}
  // expected-remark @below {{region #0 argument #1: contiguity = [64], divisibility = [4], constancy = [1], constant_value = <none>}}
  // expected-remark @below {{contiguity = [64], divisibility = [4], constancy = [1], constant_value = <none>}}
  %res = scf.for %i = %c0 to %n step %c1 iter_args(%ptr = %p0) -> (tensor<64x!tt.ptr<f32>>) {
    // expected-remark @below {{vector width = 1}}
    %v = tt.load %ptr : tensor<64x!tt.ptr<f32>>
    // expected-remark @below {{contiguity = [64], divisibility = [4], constancy = [1], constant_value = <none>}}
    %next = tt.addptr %ptr, %one : tensor<64x!tt.ptr<f32>>, tensor<64xi32>
    scf.yield %next : tensor<64x!tt.ptr<f32>>
  }
  tt.return
}

// -----

tt.func public @if_while(%b: i1, %n: i32) {
  // expected-remark @below {{contiguity = [32], divisibility = [4294967296], constancy = [1], constant_value = <none>}}
  %r0 = tt.make_range {end = 32 : i32, start = 0 : i32} : tensor<32xi32>
  // expected-remark @below {{contiguity = [32], divisibility = [64], constancy = [1], constant_value = <none>}}
  %r64 = tt.make_range {end = 96 : i32, start = 64 : i32} : tensor<32xi32>
  // Both branches are runs of 32: so is the result, aligned as the worse.
  // expected-remark @below {{contiguity = [32], divisibility = [64], constancy = [1], constant_value = <none>}}
  %v = scf.if %b -> (tensor<32xi32>) {
    scf.yield %r0 : tensor<32xi32>
  } else {
    scf.yield %r64 : tensor<32xi32>
  }
  // A run joined with a uniform value is neither, and only what holds of
  // every element of both remains.
  // expected-remark @below {{contiguity = [1], divisibility = [4294967296], constancy = [32], constant_value = 0}}
  %z = arith.constant dense<0> : tensor<32xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [1], constant_value = <none>}}
  %w = scf.if %b -> (tensor<32xi32>) {
    scf.yield %r0 : tensor<32xi32>
  } else {
    scf.yield %z : tensor<32xi32>
  }
  // A constant condition selects one branch.
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [1], constant_value = 1}}
  %true = arith.constant true
  // expected-remark @below {{contiguity = [32], divisibility = [64], constancy = [1], constant_value = <none>}}
  %t = scf.if %true -> (tensor<32xi32>) {
    scf.yield %r64 : tensor<32xi32>
  } else {
    scf.yield %z : tensor<32xi32>
  }
  // expected-remark @below {{contiguity = [32], divisibility = [64], constancy = [1], constant_value = <none>}}
  %s = arith.select %b, %r0, %r64 : tensor<32xi32>

  // expected-remark @below {{contiguity = [1], divisibility = [4294967296], constancy = [1], constant_value = 0}}
  %c0 = arith.constant 0 : i32
  // expected-remark @below {{contiguity = [1], divisibility = [16], constancy = [1], constant_value = 16}}
  %c16 = arith.constant 16 : i32
  // expected-remark @below {{region #0 argument #0: contiguity = [1], divisibility = [16], constancy = [1], constant_value = <none>}}
  // expected-remark @below {{region #1 argument #0: contiguity = [1], divisibility = [16], constancy = [1], constant_value = <none>}}
  // expected-remark @below {{contiguity = [1], divisibility = [16], constancy = [1], constant_value = <none>}}
  %res = scf.while (%i = %c0) : (i32) -> i32 {
    // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [1], constant_value = <none>}}
    %cmp = arith.cmpi slt, %i, %n : i32
    scf.condition(%cmp) %i : i32
  } do {
  ^bb0(%j: i32):
    // expected-remark @below {{contiguity = [1], divisibility = [16], constancy = [1], constant_value = <none>}}
    %j2 = arith.addi %j, %c16 : i32
    scf.yield %j2 : i32
  }
  tt.return
}

// -----

// Unstructured control flow: block arguments join what every edge brings.
// expected-remark @below {{region #0 block #1 argument #0: contiguity = [1], divisibility = [8], constancy = [1], constant_value = <none>}}
tt.func public @branches(%n: i32 {tt.divisibility = 8 : i32}, %b: i1) {
  // expected-remark @below {{contiguity = [1], divisibility = [16], constancy = [1], constant_value = 16}}
  %c16 = arith.constant 16 : i32
  cf.cond_br %b, ^bb1(%c16 : i32), ^bb1(%n : i32)
^bb1(%x: i32):
  // expected-remark @below {{contiguity = [1], divisibility = [8], constancy = [1], constant_value = <none>}}
  %y = arith.addi %x, %x : i32
  tt.return
}

// -----

// Per-dimension argument hints, op hints (tl.multiple_of / max_contiguous),
// and values the analysis knows nothing about.
tt.func private @callee(%x: i32) -> i32 {
  tt.return %x : i32
}
tt.func public @hints(%t: tensor<64x64xi32> {tt.divisibility = dense<[16, 8]> : tensor<2xi32>, tt.contiguity = dense<[1, 64]> : tensor<2xi32>}, %q: !tt.ptr<i32> {tt.divisibility = 16 : i32}, %s: i32 {tt.divisibility = 16 : i32, tt.constancy = 4 : i32}) {
  // expected-remark @below {{contiguity = [64, 1], divisibility = [8, 16], constancy = [1, 1], constant_value = <none>}}
  %tt = tt.trans %t {order = array<i32: 1, 0>} : tensor<64x64xi32> -> tensor<64x64xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [1], constant_value = <none>}}
  %pid = tt.get_program_id x : i32
  // expected-remark @below {{contiguity = [1], divisibility = [16], constancy = [128], constant_value = <none>}}
  %ps = tt.splat %pid {tt.divisibility = dense<16> : tensor<1xi32>} : i32 -> tensor<128xi32>
  // expected-remark @below {{contiguity = [128], divisibility = [4294967296], constancy = [1], constant_value = <none>}}
  %r = tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32>
  // expected-remark @below {{contiguity = [128], divisibility = [16], constancy = [1], constant_value = <none>}}
  %u = arith.addi %ps, %r : tensor<128xi32>
  // expected-remark @below {{contiguity = [1], divisibility = [16], constancy = [128], constant_value = <none>}}
  %ss = tt.splat %s : i32 -> tensor<128xi32>
  // Possibly negative: nothing known, unless the kernel promises it, as
  // Triton's matmul tutorial does for `(pid * BM + arange(BM)) % M`.
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [1], constant_value = <none>}}
  %w0 = arith.remsi %u, %ss : tensor<128xi32>
  // expected-remark @below {{contiguity = [128], divisibility = [128], constancy = [1], constant_value = <none>}}
  %w1 = arith.remsi %u, %ss {tt.contiguity = dense<128> : tensor<1xi32>, tt.divisibility = dense<128> : tensor<1xi32>} : tensor<128xi32>
  // Loaded values and call results are unknown.
  // expected-remark @below {{contiguity = [1], divisibility = [16], constancy = [1], constant_value = <none>}}
  %qs = tt.splat %q : !tt.ptr<i32> -> tensor<1x!tt.ptr<i32>>
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [1], constant_value = <none>}}
  // expected-remark @below {{vector width = 1}}
  %l = tt.load %qs : tensor<1x!tt.ptr<i32>>
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [1], constant_value = <none>}}
  %c = tt.call @callee(%s) : (i32) -> i32
  tt.return
}

// -----

// The arguments of a combine region are unknown; reductions are not modelled.
tt.func public @reduce(%x: tensor<128xi32>) {
  // expected-remark @below {{region #0 argument #0: contiguity = [1], divisibility = [1], constancy = [1], constant_value = <none>}}
  // expected-remark @below {{region #0 argument #1: contiguity = [1], divisibility = [1], constancy = [1], constant_value = <none>}}
  // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [1], constant_value = <none>}}
  %s = "tt.reduce"(%x) <{axis = 0 : i32}> ({
  ^bb0(%a: i32, %b: i32):
    // expected-remark @below {{contiguity = [1], divisibility = [1], constancy = [1], constant_value = <none>}}
    %m = arith.maxsi %a, %b : i32
    tt.reduce.return %m : i32
  }) : (tensor<128xi32>) -> i32
  tt.return
}

// -----

// After layout assignment: a layout conversion keeps every value at its
// index, so it keeps the facts.
#scalar = #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
#vec4 = #ttg.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
tt.func public @convert_layout(%p: !tt.ptr<f32> {tt.divisibility = 16 : i32}) {
  // expected-remark @below {{contiguity = [512], divisibility = [4294967296], constancy = [1], constant_value = <none>}}
  %r = tt.make_range {end = 512 : i32, start = 0 : i32} : tensor<512xi32, #scalar>
  // expected-remark @below {{contiguity = [512], divisibility = [4294967296], constancy = [1], constant_value = <none>}}
  %c = ttg.convert_layout %r : tensor<512xi32, #scalar> -> tensor<512xi32, #vec4>
  // expected-remark @below {{contiguity = [1], divisibility = [16], constancy = [512], constant_value = <none>}}
  %ps = tt.splat %p : !tt.ptr<f32> -> tensor<512x!tt.ptr<f32>, #vec4>
  // expected-remark @below {{contiguity = [512], divisibility = [16], constancy = [1], constant_value = <none>}}
  %pp = tt.addptr %ps, %c : tensor<512x!tt.ptr<f32>, #vec4>, tensor<512xi32, #vec4>
  // expected-remark @below {{vector width = 4}}
  %v = tt.load %pp : tensor<512x!tt.ptr<f32>, #vec4>
  tt.return
}
