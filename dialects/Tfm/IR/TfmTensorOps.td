//===- TfmTensorOps.td - weights, shapes and elementwise math -*- tablegen -*-//
//
// Ops that move or combine tensors without transformer-specific meaning:
// external weights, casts, reshapes, transposes and broadcasting arithmetic.
//
//===----------------------------------------------------------------------===//

#ifndef TFM_TENSOR_OPS_TD
#define TFM_TENSOR_OPS_TD

include "Tfm/IR/TfmBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Tfm_WeightOp : Tfm_Op<"weight", [Pure]> {
  let summary = "a named tensor held in external weight storage";
  let description = [{
    Refers to the tensor `name` in the model's weight storage (safetensors
    files, or the blob embedded in the compiled executable). The IR never
    carries the data itself, so printed modules stay small whatever the
    model size. The result type is the type the tensor is stored with; use
    `tfm.cast` to compute in another precision.

    With `permutation`, the result is the stored tensor with its dimensions
    permuted (`result.shape[i] == stored.shape[permutation[i]]`): the
    compiler packs weights into the layout its kernels want, and the weight
    blob is written in that layout.

    With `panels P`, the (permuted) tensor `T` is a matrix `[K, N]` with
    `N` a multiple of `P`, stored as `N / P` column panels of `[K, P]` each,
    one after the other: the result is `[N / P, K, P]` with
    `result[b, k, p] == T[k, b * P + p]`. A matrix-vector product then
    reads each panel as one contiguous stream, with `P` accumulators held
    in registers over all of `K`.

    ```mlir
    %w = tfm.weight "transformer.h.0.attn.c_attn.weight" : tensor<768x2304xf32>
    %t = tfm.weight "lm_head.weight" permutation [1, 0] : tensor<768x50257xf32>
    %p = tfm.weight "model.layers.0.mlp.up_proj.weight" permutation [1, 0]
           panels 64 : tensor<172x1024x64xf32>
    ```
  }];
  let arguments = (ins StrAttr:$name,
                       OptionalAttr<DenseI64ArrayAttr>:$permutation,
                       OptionalAttr<ConfinedAttr<I64Attr, [IntPositive]>>:$panels);
  let results = (outs StaticShapeTensorOf<[F32, F16, BF16, I8, I32]>:$result);
  let assemblyFormat = [{
    $name (`permutation` $permutation^)? (`panels` $panels^)? attr-dict `:`
    type($result)
  }];
  let hasVerifier = 1;
}

def Tfm_CastOp : Tfm_Op<"cast", [Pure, SameOperandsAndResultShape]> {
  let summary = "elementwise conversion of the element type";
  let description = [{
    Converts every element to the result element type: float widening and
    narrowing (round to nearest even), signed integer to float, float to
    signed integer (truncation toward zero), and integer widening/narrowing.

    ```mlir
    %0 = tfm.cast %w : tensor<64x64xf16> -> tensor<64x64xf32>
    ```
  }];
  let arguments = (ins Tfm_NumericTensor:$input);
  let results = (outs Tfm_NumericTensor:$result);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

def Tfm_ReshapeOp : Tfm_Op<"reshape", [Pure]> {
  let summary = "reinterpret a tensor with another shape";
  let description = [{
    Row-major reshape. The element count must be preserved. At most one
    result dimension may be dynamic; it is computed from the element count
    (like `-1` in numpy), so `[?, 768] -> [?, 12, 64]` is well defined.

    ```mlir
    %0 = tfm.reshape %x : tensor<?x768xf32> -> tensor<?x12x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Tfm_TransposeOp : Tfm_Op<"transpose", [Pure]> {
  let summary = "permute the dimensions of a tensor";
  let description = [{
    `result.shape[i] == input.shape[permutation[i]]`.

    ```mlir
    %0 = tfm.transpose %x [1, 0, 2] : tensor<?x12x64xf32> -> tensor<12x?x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       DenseI64ArrayAttr:$permutation);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input $permutation attr-dict `:` type($input) `->` "
                       "type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Broadcasting binary arithmetic
//===----------------------------------------------------------------------===//

class Tfm_BroadcastBinaryOp<string mnemonic, string formula,
                            list<Trait> traits = []>
    : Tfm_Op<mnemonic, !listconcat([Pure], traits)> {
  let summary = "elementwise " # formula # " with numpy broadcasting";
  let description = [{
    Shapes broadcast as in numpy: they are aligned at the trailing
    dimension and a size-1 dimension stretches to the other operand's size.
    Dynamic dimensions are assumed not to be broadcast (they must agree at
    run time). Both operands have the same element type as the result.

    ```mlir
    %0 = tfm.}] # mnemonic # [{ %a, %b : tensor<?x768xf32>, tensor<768xf32> -> tensor<?x768xf32>
    ```
  }];
  let arguments = (ins Tfm_NumericTensor:$lhs, Tfm_NumericTensor:$rhs);
  let results = (outs Tfm_NumericTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($lhs) `,` "
                       "type($rhs) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Tfm_AddOp : Tfm_BroadcastBinaryOp<"add", "addition", [Commutative]>;
def Tfm_SubOp : Tfm_BroadcastBinaryOp<"sub", "subtraction">;
def Tfm_MulOp : Tfm_BroadcastBinaryOp<"mul", "multiplication", [Commutative]>;
def Tfm_DivOp : Tfm_BroadcastBinaryOp<"div", "division">;
def Tfm_PowOp : Tfm_BroadcastBinaryOp<"pow", "power (lhs ^ rhs)">;

#endif // TFM_TENSOR_OPS_TD
