//===- TritonGPUDialect.td - The `ttg` layout dialect -------*- tablegen -*-===//
//
// Tritium's GPU stage ("ttgir"): every tensor type carries an encoding that
// says which thread of the CTA holds which element, and `ttg.convert_layout`
// moves a tensor from one distribution to another. A subset of the idea of
// Triton's TritonGPU dialect, with Tritium's own definitions.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_DIALECT_TRITONGPU_IR_TRITONGPUDIALECT_TD
#define TRITIUM_DIALECT_TRITONGPU_IR_TRITONGPUDIALECT_TD

include "mlir/IR/OpBase.td"

def TritonGPU_Dialect : Dialect {
  let name = "ttg";
  let cppNamespace = "::mlir::triton::gpu";
  let summary = "Tensor layouts over the threads of a CTA";
  let dependentDialects = ["::mlir::triton::TritonDialect"];
  let useDefaultAttributePrinterParser = 1;
  let usePropertiesForAttributes = 1;
  let extraClassDeclaration = [{
    void registerAttributes();
    /// Module attribute: warps per CTA the module was laid out for.
    static constexpr ::llvm::StringLiteral kNumWarpsAttrName = "ttg.num-warps";
    /// Module attribute: bytes of shared memory the kernel needs (set by the
    /// lowering to LLVM).
    static constexpr ::llvm::StringLiteral kSharedAttrName = "ttg.shared";
    /// Module attribute (i32, as Triton's `maxnreg`): the most registers a
    /// thread of each kernel may use; the lowering gives the kernels
    /// `nvvm.maxnreg` (PTX `.maxnreg`), and ptxas spills beyond it.
    static constexpr ::llvm::StringLiteral kMaxRegistersAttrName =
        "ttg.maxnreg";
    static int getNumWarps(::mlir::ModuleOp module);
  }];
}

#endif
