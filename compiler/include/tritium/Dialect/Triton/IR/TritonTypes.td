//===- TritonTypes.td - Types and type constraints of `tt` --*- tablegen -*-===//

#ifndef TRITIUM_DIALECT_TRITON_IR_TRITONTYPES_TD
#define TRITIUM_DIALECT_TRITON_IR_TRITONTYPES_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinTypes.td"
include "tritium/Dialect/Triton/IR/TritonDialect.td"

def TT_PtrType : TypeDef<Triton_Dialect, "Pointer"> {
  let mnemonic = "ptr";
  let summary = "a pointer to a scalar or to a block (tensor) in an address space";
  let description = [{
    `!tt.ptr<f32>` points to a scalar in global memory (address space 1, the
    default, which is not printed); `!tt.ptr<f32, 3>` names another address
    space; `!tt.ptr<tensor<64x64xf16>>` is a block pointer made by
    `tt.make_tensor_ptr`.
  }];
  let parameters = (ins "::mlir::Type":$pointeeType, "int":$addressSpace);
  let builders = [
    TypeBuilderWithInferredContext<(ins "::mlir::Type":$pointeeType,
                                        CArg<"int", "1">:$addressSpace), [{
      return $_get(pointeeType.getContext(), pointeeType, addressSpace);
    }]>
  ];
  let skipDefaultBuilders = 1;
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

def TT_TensorDescType : TypeDef<Triton_Dialect, "TensorDesc"> {
  let mnemonic = "tensordesc";
  let summary = "a descriptor of a block of a strided tensor in global memory";
  let description = [{
    `!tt.tensordesc<tensor<64x64xf16>>`, made by `tt.make_tensor_descriptor`:
    the block shape and element type are static, the base, shape and strides
    are runtime values. Triton keeps the signedness of integer elements in
    the block type (`tensor<64xsi32>`); the tensors loaded and stored through
    the descriptor are signless.
  }];
  let parameters = (ins "::mlir::RankedTensorType":$blockType);
  let assemblyFormat = "`<` $blockType `>`";
  let extraClassDeclaration = [{
    /// The block type with signless integer elements, as loads produce.
    ::mlir::RankedTensorType getSignlessBlockType() const;
  }];
}

//===----------------------------------------------------------------------===//
// Type constraints (the operand and result kinds of the ops)
//===----------------------------------------------------------------------===//

def TT_Float : AnyTypeOf<[F8E4M3FNUZ, F8E4M3FN, F8E4M3B11FNUZ, F8E5M2,
                          F8E5M2FNUZ, F16, BF16, F32, F64], "floating-point">;
def TT_FloatTensor : RankedTensorOf<[TT_Float]>;
def TT_FloatLike : AnyTypeOf<[TT_Float, TT_FloatTensor]>;

def TT_BoolTensor : RankedTensorOf<[I1]>;
def TT_BoolLike : AnyTypeOf<[I1, TT_BoolTensor]>;

def TT_Int : AnyTypeOf<[I1, I8, I16, I32, I64], "integer">;
def TT_IntTensor : RankedTensorOf<[TT_Int]>;
def TT_IntLike : AnyTypeOf<[TT_Int, TT_IntTensor]>;

def TT_I32Like : AnyTypeOf<[I32, RankedTensorOf<[I32]>]>;
def TT_I64Like : AnyTypeOf<[I64, RankedTensorOf<[I64]>]>;

def TT_Ptr : DialectType<Triton_Dialect,
    CPred<"::llvm::isa<::mlir::triton::PointerType>($_self) && "
          "!::llvm::isa<::mlir::RankedTensorType>("
          "::llvm::cast<::mlir::triton::PointerType>($_self).getPointeeType())">,
    "pointer to a scalar", "::mlir::triton::PointerType">;
def TT_PtrTensor : RankedTensorOf<[TT_Ptr]>;
def TT_PtrLike : AnyTypeOf<[TT_Ptr, TT_PtrTensor]>;

def TT_TensorPtr : DialectType<Triton_Dialect,
    CPred<"::llvm::isa<::mlir::triton::PointerType>($_self) && "
          "::llvm::isa<::mlir::RankedTensorType>("
          "::llvm::cast<::mlir::triton::PointerType>($_self).getPointeeType())">,
    "pointer to a block", "::mlir::triton::PointerType">;

def TT_FpIntTensor : AnyTypeOf<[TT_FloatTensor, TT_IntTensor]>;
def TT_Tensor : AnyTypeOf<[TT_FpIntTensor, TT_PtrTensor]>;

def TT_Type : AnyTypeOf<[TT_FloatLike, TT_IntLike, TT_PtrLike, TT_TensorPtr]>;

#endif
