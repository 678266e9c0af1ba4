// tt.print: one vprintf per element a thread holds, with Triton's format
// strings ("pid (%u, %u, %u) idx (<i>, ...)<prefix>[(operand <n>) ]<value>",
// indices padded to the digits of their extent), the arguments promoted as C
// varargs in a buffer allocated in the entry block. tt.assert: a branch to
// __assertfail(message, file, line, "unknown", 1) where an element is false,
// then a barrier for tensors.
//
// RUN: split-file %s %t
// RUN: tritium-opt %t/print.ttir --tritium-ttir-to-llvm | FileCheck %s --check-prefix=PRINT
// RUN: tritium-opt %t/assert.ttir --tritium-ttir-to-llvm | FileCheck %s --check-prefix=ASSERT
// RUN: tritiumc %t/print.ttir --arch=sm_80 --emit=ptx -o %t/print.sm80.ptx
// RUN: tritiumc %t/print.ttir --arch=sm_90a --emit=ptx -o %t/print.sm90a.ptx
// RUN: FileCheck %s --check-prefix=PRINT-PTX < %t/print.sm90a.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_80 %t/print.sm80.ptx -o %t/print.sm80.cubin %}
// RUN: %if ptxas %{ %ptxas -arch=sm_90a %t/print.sm90a.ptx -o %t/print.sm90a.cubin %}
// RUN: tritiumc %t/assert.ttir --arch=sm_80 --emit=ptx -o %t/assert.sm80.ptx
// RUN: tritiumc %t/assert.ttir --arch=sm_90a --emit=ptx -o %t/assert.sm90a.ptx
// RUN: FileCheck %s --check-prefix=ASSERT-PTX < %t/assert.sm90a.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_80 %t/assert.sm80.ptx -o %t/assert.sm80.cubin %}
// RUN: %if ptxas %{ %ptxas -arch=sm_90a %t/assert.sm90a.ptx -o %t/assert.sm90a.cubin %}

//--- print.ttir

// The format strings, each a NUL-terminated constant in global memory.
// PRINT-DAG: llvm.mlir.global internal constant @printfFormat_{{[0-9]+}}("pid (%u, %u, %u) hello\0A\00") {addr_space = 1 : i32, alignment = 1 : i64}
// PRINT-DAG: llvm.mlir.global internal constant @printfFormat_{{[0-9]+}}("pid (%u, %u, %u) idx () c: %i\0A\00")
// PRINT-DAG: llvm.mlir.global internal constant @printfFormat_{{[0-9]+}}("pid (%u, %u, %u) idx () u: %u\0A\00")
// PRINT-DAG: llvm.mlir.global internal constant @printfFormat_{{[0-9]+}}("pid (%u, %u, %u) idx () l: 0x%016llx\0A\00")
// PRINT-DAG: llvm.mlir.global internal constant @printfFormat_{{[0-9]+}}("pid (%u, %u, %u) idx () h: 0x%04x\0A\00")
// PRINT-DAG: llvm.mlir.global internal constant @printfFormat_{{[0-9]+}}("pid (%u, %u, %u) idx () d: %f\0A\00")
// PRINT-DAG: llvm.mlir.global internal constant @printfFormat_{{[0-9]+}}("pid (%u, %u, %u) idx () p: %p\0A\00")
// PRINT-DAG: llvm.mlir.global internal constant @printfFormat_{{[0-9]+}}("pid (%u, %u, %u) idx (%2u) two: (operand 0) %i\0A\00")
// PRINT-DAG: llvm.mlir.global internal constant @printfFormat_{{[0-9]+}}("pid (%u, %u, %u) idx (%2u) two: (operand 1) %u\0A\00")
// PRINT-DAG: llvm.mlir.global internal constant @printfFormat_{{[0-9]+}}("pid (%u, %u, %u) idx (%1u, %3u) tile: %lli\0A\00")
// PRINT-DAG: llvm.func @vprintf(!llvm.ptr, !llvm.ptr) -> i32
// PRINT-LABEL: llvm.func @scalars
// The argument buffers are fixed slots of the frame.
// PRINT-COUNT-7: llvm.alloca
// PRINT: %[[X:.*]] = nvvm.read.ptx.sreg.ctaid.x : i32
// PRINT: %[[Y:.*]] = nvvm.read.ptx.sreg.ctaid.y : i32
// PRINT: %[[Z:.*]] = nvvm.read.ptx.sreg.ctaid.z : i32
// PRINT: llvm.store %[[X]]
// PRINT: llvm.store %[[Y]]
// PRINT: llvm.store %[[Z]]
// PRINT: llvm.call @vprintf
// Signed i8 sign-extends, unsigned i16 zero-extends, hex f16 prints its bits,
// f32 widens to double.
// PRINT: llvm.sext %{{.*}} : i8 to i32
// PRINT: llvm.call @vprintf
// PRINT: llvm.zext %{{.*}} : i16 to i32
// PRINT: llvm.call @vprintf
// PRINT: llvm.store %{{.*}} : i64, !llvm.ptr
// PRINT: llvm.call @vprintf
// PRINT: %[[BITS:.*]] = llvm.bitcast %{{.*}} : f16 to i16
// PRINT: llvm.zext %[[BITS]] : i16 to i32
// PRINT: llvm.call @vprintf
// PRINT: llvm.fpext %{{.*}} : f32 to f64
// PRINT: llvm.call @vprintf
// PRINT: llvm.store %{{.*}} : !llvm.ptr<1>, !llvm.ptr
// PRINT: llvm.call @vprintf
// PRINT: llvm.return
tt.func public @scalars(%c: i8, %u: i16, %l: i64, %h: f16, %d: f32, %p: !tt.ptr<f32>) {
  tt.print " hello" {hex = false, isSigned = array<i32>}
  tt.print " c: " {hex = false, isSigned = array<i32: 1>} : %c : i8
  tt.print " u: " {hex = false, isSigned = array<i32: 0>} : %u : i16
  tt.print " l: " {hex = true, isSigned = array<i32: 1>} : %l : i64
  tt.print " h: " {hex = true, isSigned = array<i32: 0>} : %h : f16
  tt.print " d: " {hex = false, isSigned = array<i32: 0>} : %d : f32
  tt.print " p: " {hex = false, isSigned = array<i32: 0>} : %p : !tt.ptr<f32>
  tt.return
}

// Two operands of 16 elements: every element a thread holds (the tensor is
// replicated over 8 threads each, as in Triton, each copy prints), one call
// per element and operand, each operand with its own format.
// PRINT-LABEL: llvm.func @two_operands
// PRINT: llvm.alloca {{.*}} x !llvm.struct<(i32, i32, i32, i32, i32)>
// PRINT: llvm.alloca {{.*}} x !llvm.struct<(i32, i32, i32, i32, i32)>
// PRINT-NOT: llvm.alloca
// PRINT: llvm.call @vprintf
// PRINT: llvm.zext %{{.*}} : i1 to i32
// PRINT: llvm.call @vprintf
// PRINT-NOT: llvm.call @vprintf
// PRINT: llvm.return
tt.func public @two_operands(%n: i32) {
  %r = tt.make_range {end = 16 : i32, start = 0 : i32} : tensor<16xi32>
  %ns = tt.splat %n : i32 -> tensor<16xi32>
  %m = arith.cmpi slt, %r, %ns : tensor<16xi32>
  tt.print " two: " {hex = false, isSigned = array<i32: 1, 0>} : %r, %m : tensor<16xi32>, tensor<16xi1>
  tt.return
}

// A 2-D tile of 4 x 256 i64: indices padded to 1 and 3 digits; each thread
// holds 8 elements, so 8 calls with one format.
// PRINT-LABEL: llvm.func @tile
// PRINT-COUNT-8: llvm.call @vprintf
// PRINT-NOT: llvm.call @vprintf
// PRINT: llvm.return
tt.func public @tile(%p: !tt.ptr<i64> {tt.divisibility = 16 : i32}) {
  %rows = tt.make_range {end = 4 : i32, start = 0 : i32} : tensor<4xi32>
  %cols = tt.make_range {end = 256 : i32, start = 0 : i32} : tensor<256xi32>
  %c256 = arith.constant dense<256> : tensor<4x1xi32>
  %r = tt.expand_dims %rows {axis = 1 : i32} : tensor<4xi32> -> tensor<4x1xi32>
  %rs = arith.muli %r, %c256 : tensor<4x1xi32>
  %c = tt.expand_dims %cols {axis = 0 : i32} : tensor<256xi32> -> tensor<1x256xi32>
  %rb = tt.broadcast %rs : tensor<4x1xi32> -> tensor<4x256xi32>
  %cb = tt.broadcast %c : tensor<1x256xi32> -> tensor<4x256xi32>
  %offs = arith.addi %rb, %cb : tensor<4x256xi32>
  %ps = tt.splat %p : !tt.ptr<i64> -> tensor<4x256x!tt.ptr<i64>>
  %pp = tt.addptr %ps, %offs : tensor<4x256x!tt.ptr<i64>>, tensor<4x256xi32>
  %x = tt.load %pp : tensor<4x256x!tt.ptr<i64>>
  tt.print " tile: " {hex = false, isSigned = array<i32: 1>} : %x : tensor<4x256xi64>
  tt.return
}

// Under a uniform condition (as in debug_print): the call sits in the
// conditional block, its buffer in the entry block.
// PRINT-LABEL: llvm.func @conditional
// PRINT: llvm.alloca
// PRINT: llvm.cond_br
// PRINT: llvm.call @vprintf
// PRINT: llvm.return
tt.func public @conditional(%x: f32) {
  %pid = tt.get_program_id x : i32
  %c0 = arith.constant 0 : i32
  %first = arith.cmpi eq, %pid, %c0 : i32
  scf.if %first {
    tt.print " x: " {hex = false, isSigned = array<i32: 0>} : %x : f32
  }
  tt.return
}

// PRINT-PTX: .extern .func  (.param .b32 func_retval0) vprintf
// PRINT-PTX: .local .align 8 .b8 __local_depot
// PRINT-PTX: call.uni (retval0), vprintf, (param0, param1);

//--- assert.ttir

// ASSERT-DAG: llvm.mlir.global internal constant @assertMessage_{{[0-9]+}}("scalar failed\00") {addr_space = 1 : i32, alignment = 1 : i64}
// ASSERT-DAG: llvm.mlir.global internal constant @assertMessage_{{[0-9]+}}("x must be non-negative\00")
// ASSERT-DAG: llvm.mlir.global internal constant @assertFile_{{[0-9]+}}("kernel.py\00")
// ASSERT-DAG: llvm.mlir.global internal constant @assertFile_{{[0-9]+}}("lib.py\00")
// ASSERT-DAG: llvm.mlir.global internal constant @assertFunc_{{[0-9]+}}("unknown\00")
// ASSERT-DAG: llvm.func @__assertfail(!llvm.ptr, !llvm.ptr, i32, !llvm.ptr, i64) attributes {passthrough = ["noreturn"]}
// ASSERT-LABEL: llvm.func @asserts
// ASSERT-DAG: %[[LINE12:.*]] = llvm.mlir.constant(12 : i32) : i32
// ASSERT-DAG: %[[LINE3:.*]] = llvm.mlir.constant(3 : i32) : i32
// ASSERT-DAG: %[[ONE:.*]] = llvm.mlir.constant(1 : i64) : i64
// A scalar: fails where the condition is 0; no barrier after it.
// ASSERT: %[[FAIL:.*]] = llvm.icmp "eq" %arg1, %{{.*}} : i1
// ASSERT: llvm.cond_br %[[FAIL]], ^[[CALL:.*]], ^[[NEXT:.*]]
// ASSERT: ^[[CALL]]:
// ASSERT: llvm.call @__assertfail(%{{.*}}, %{{.*}}, %[[LINE12]], %{{.*}}, %[[ONE]])
// ASSERT-NEXT: llvm.br ^[[NEXT]]
// ASSERT: ^[[NEXT]]:
// ASSERT-NOT: nvvm.barrier0
// A tensor: fails where any of the thread's 4 elements is 0; the location
// is the callee's (lib.py:3) under the call site and the name; a barrier
// follows.
// ASSERT-COUNT-4: llvm.icmp "eq" %{{.*}}, %{{.*}} : i1
// ASSERT: llvm.cond_br %{{.*}}, ^[[CALL2:.*]], ^[[NEXT2:.*]]
// ASSERT: ^[[CALL2]]:
// ASSERT: llvm.call @__assertfail(%{{.*}}, %{{.*}}, %[[LINE3]], %{{.*}}, %[[ONE]])
// ASSERT: ^[[NEXT2]]:
// ASSERT-NEXT: nvvm.barrier0
#loc = loc("kernel.py":12:4)
#lib = loc("lib.py":3:8)
#site = loc("kernel.py":20:2)
tt.func public @asserts(%p: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %ok: i1, %out: !tt.ptr<f32> {tt.divisibility = 16 : i32}) {
  tt.assert %ok, "scalar failed" : i1 loc(#loc)
  %r = tt.make_range {end = 512 : i32, start = 0 : i32} : tensor<512xi32>
  %ps = tt.splat %p : !tt.ptr<f32> -> tensor<512x!tt.ptr<f32>>
  %pp = tt.addptr %ps, %r : tensor<512x!tt.ptr<f32>>, tensor<512xi32>
  %x = tt.load %pp : tensor<512x!tt.ptr<f32>>
  %zero = arith.constant dense<0.0> : tensor<512xf32>
  %c = arith.cmpf oge, %x, %zero : tensor<512xf32>
  tt.assert %c, "x must be non-negative" : tensor<512xi1> loc("x"(callsite(#lib at #site)))
  %os = tt.splat %out : !tt.ptr<f32> -> tensor<512x!tt.ptr<f32>>
  %op = tt.addptr %os, %r : tensor<512x!tt.ptr<f32>>, tensor<512xi32>
  tt.store %op, %x : tensor<512x!tt.ptr<f32>>
  tt.return
}

// ASSERT-PTX: .extern .func __assertfail
// ASSERT-PTX: .noreturn
// ASSERT-PTX: call.uni __assertfail, (param0, param1, param2, param3, param4);
