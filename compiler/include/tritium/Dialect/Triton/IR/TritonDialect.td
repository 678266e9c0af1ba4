//===- TritonDialect.td - The `tt` dialect ------------------*- tablegen -*-===//
//
// Tritium's `tt` dialect reads and prints the Triton IR that Triton 3.x emits
// (its `.ttir` stage): the same op names, attribute names and textual forms.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_DIALECT_TRITON_IR_TRITONDIALECT_TD
#define TRITIUM_DIALECT_TRITON_IR_TRITONDIALECT_TD

include "mlir/IR/OpBase.td"

def Triton_Dialect : Dialect {
  let name = "tt";
  let cppNamespace = "::mlir::triton";
  let summary = "Tile-level programs, compatible with Triton's `tt` dialect";
  let description = [{
    A `tt.func` is a program instance (a "program" in Triton's words) that works
    on whole tensors ("tiles"); the compiler decides how the tiles are spread
    over the threads of a CTA. Scalars and tensors of scalars, pointers and
    tensors of pointers are first-class values.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::cf::ControlFlowDialect",
  ];
  let useDefaultTypePrinterParser = 1;
  let extraClassDeclaration = [{
    /// Defined beside the type storage classes (Types.cpp).
    void registerTypes();
  }];
  let usePropertiesForAttributes = 1;
  // Function-argument attributes Triton attaches (tt.divisibility,
  // tt.contiguity, tt.constancy, tt.nv_tma_desc, ...) are checked here.
  let hasOperationAttrVerify = 0;
  let hasRegionArgAttrVerify = 1;
}

#endif
