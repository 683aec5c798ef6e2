//===- TfmBase.td - Transformer dialect definition ---------*- tablegen -*-===//
//
// The `tfm` dialect: high-level transformer building blocks (attention,
// norms, rotary embeddings, gated MLPs) as first-class ops.
//
//===----------------------------------------------------------------------===//

#ifndef TFM_BASE_TD
#define TFM_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

def Tfm_Dialect : Dialect {
  let name = "tfm";
  let cppNamespace = "::mlir::tfm";
  let summary = "High-level transformer operations";
  let description = [{
    The `tfm` dialect models transformer language models at the level a
    model author thinks in: embedding lookups, linear layers, normalizations,
    activations, rotary position embeddings and multi-head attention. Ops act
    on ranked tensors; the sequence dimension may be dynamic, every other
    dimension is static after import. Weights are never inline: `tfm.weight`
    names a tensor in external storage.

    Activation layout conventions (batch 1):
    * hidden states: `[seq, hidden]` (any number of leading dims is accepted
      by the per-token ops);
    * attention operands: `[seq, heads, head_dim]`;
    * KV caches: `[max_seq, kv_heads, head_dim]`.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 1;
}

class Tfm_Op<string mnemonic, list<Trait> traits = []>
    : Op<Tfm_Dialect, mnemonic, traits>;

class Tfm_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Tfm_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Tfm_WeightLayout : I32EnumAttr<"WeightLayout",
    "storage layout of a linear layer's weight matrix", [
      I32EnumAttrCase<"OutIn", 0, "out_in">,
      I32EnumAttrCase<"InOut", 1, "in_out">,
      I32EnumAttrCase<"Panels", 2, "panels">
    ]> {
  let cppNamespace = "::mlir::tfm";
  let genSpecializedAttr = 0;
}
def Tfm_WeightLayoutAttr
    : EnumAttr<Tfm_Dialect, Tfm_WeightLayout, "weight_layout"> {
  let summary = "`out_in` ([N, K], torch.nn.Linear), `in_out` ([K, N], "
                "GPT-2 Conv1D) or `panels` ([N / P, K, P], packed)";
  let assemblyFormat = "`<` $value `>`";
}

def Tfm_GeluApproximation : I32EnumAttr<"GeluApproximation",
    "GELU formula", [
      I32EnumAttrCase<"None", 0, "none">,
      I32EnumAttrCase<"Tanh", 1, "tanh">
    ]> {
  let cppNamespace = "::mlir::tfm";
  let genSpecializedAttr = 0;
}
def Tfm_GeluApproximationAttr
    : EnumAttr<Tfm_Dialect, Tfm_GeluApproximation, "gelu_approximation"> {
  let summary = "`none` (exact, erf) or `tanh`";
  let assemblyFormat = "`<` $value `>`";
}

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def Tfm_FloatElement : AnyTypeOf<[F32, F16, BF16]>;
def Tfm_FloatTensor : RankedTensorOf<[F32, F16, BF16]>;
def Tfm_IndexTensor : RankedTensorOf<[I32, I64]>;
def Tfm_NumericTensor
    : RankedTensorOf<[F32, F16, BF16, I1, I8, I32, I64]>;
def Tfm_StaticFloatTensor
    : StaticShapeTensorOf<[F32, F16, BF16]>;

#endif // TFM_BASE_TD
