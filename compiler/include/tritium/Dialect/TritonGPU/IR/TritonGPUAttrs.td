//===- TritonGPUAttrs.td - Layout encodings -----------------*- tablegen -*-===//

#ifndef TRITIUM_DIALECT_TRITONGPU_IR_TRITONGPUATTRS_TD
#define TRITIUM_DIALECT_TRITONGPU_IR_TRITONGPUATTRS_TD

include "mlir/IR/AttrTypeBase.td"
include "tritium/Dialect/TritonGPU/IR/TritonGPUDialect.td"

class TritonGPU_Attr<string name, string attrMnemonic>
    : AttrDef<TritonGPU_Dialect, name> {
  let mnemonic = attrMnemonic;
}

def TritonGPU_BlockedEncodingAttr : TritonGPU_Attr<"BlockedEncoding", "blocked"> {
  let summary = "Each thread holds sizePerThread-element blocks of the tensor";
  let description = [{
    The CTA tile covers sizePerThread[d] * threadsPerWarp[d] * warpsPerCTA[d]
    elements along dimension d; a larger tensor repeats the tile, a smaller one
    wraps (elements are replicated over threads). `order` lists dimensions
    from the fastest-varying: lanes and registers advance along order[0]
    first, so sizePerThread[order[0]] contiguous elements make one vector
    access.
  }];
  let parameters = (ins ArrayRefParameter<"unsigned">:$sizePerThread,
                        ArrayRefParameter<"unsigned">:$threadsPerWarp,
                        ArrayRefParameter<"unsigned">:$warpsPerCTA,
                        ArrayRefParameter<"unsigned">:$order);
  let assemblyFormat = [{
    `<` `{` `sizePerThread` `=` `[` $sizePerThread `]` `,`
            `threadsPerWarp` `=` `[` $threadsPerWarp `]` `,`
            `warpsPerCTA` `=` `[` $warpsPerCTA `]` `,`
            `order` `=` `[` $order `]` `}` `>`
  }];
  let genVerifyDecl = 1;
}

def TritonGPU_SliceEncodingAttr : TritonGPU_Attr<"SliceEncoding", "slice"> {
  let summary = "The parent layout with one dimension removed";
  let description = [{
    The layout of a reduction's result along `dim`, and of an expand_dims
    operand: a thread holds the elements the parent gives it, projected onto
    the remaining dimensions (threads that differ only along `dim` hold the
    same elements).
  }];
  let parameters = (ins "unsigned":$dim, "::mlir::Attribute":$parent);
  let assemblyFormat = "`<` `{` `dim` `=` $dim `,` `parent` `=` $parent `}` `>`";
  let genVerifyDecl = 1;
}

#endif
