//===- TfmMathOps.td - fine-grained math for imported graphs -*- tablegen -*-===//
//
// The primitive ops an exported graph (ONNX) is made of: unary math,
// comparisons and selection, reductions, batched matmul, ranges and
// triangular masks. Importers emit them one for one; the fusion passes
// raise chains of them to the layer ops of TfmNNOps.td and
// TfmAttentionOps.td, and whatever is left lowers to linalg like any other
// tfm op.
//
//===----------------------------------------------------------------------===//

#ifndef TFM_MATH_OPS_TD
#define TFM_MATH_OPS_TD

include "Tfm/IR/TfmBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Unary elementwise math
//===----------------------------------------------------------------------===//

class Tfm_UnaryOp<string mnemonic, string formula, Type operandType>
    : Tfm_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = "elementwise " # formula;
  let description = [{
    `result[i...] = }] # formula # [{` for every element.

    ```mlir
    %0 = tfm.}] # mnemonic # [{ %x : tensor<?x768xf32>
    ```
  }];
  let arguments = (ins operandType:$input);
  let results = (outs operandType:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Tfm_SqrtOp : Tfm_UnaryOp<"sqrt", "sqrt(x)", Tfm_FloatTensor>;
def Tfm_ReciprocalOp : Tfm_UnaryOp<"reciprocal", "1 / x", Tfm_FloatTensor>;
def Tfm_ExpOp : Tfm_UnaryOp<"exp", "exp(x)", Tfm_FloatTensor>;
def Tfm_LogOp : Tfm_UnaryOp<"log", "log(x)", Tfm_FloatTensor>;
def Tfm_TanhOp : Tfm_UnaryOp<"tanh", "tanh(x)", Tfm_FloatTensor>;
def Tfm_ErfOp : Tfm_UnaryOp<"erf", "erf(x)", Tfm_FloatTensor>;
def Tfm_SigmoidOp : Tfm_UnaryOp<"sigmoid", "1 / (1 + exp(-x))",
                                Tfm_FloatTensor>;
def Tfm_ReluOp : Tfm_UnaryOp<"relu", "max(x, 0)", Tfm_FloatTensor>;
def Tfm_CosOp : Tfm_UnaryOp<"cos", "cos(x)", Tfm_FloatTensor>;
def Tfm_SinOp : Tfm_UnaryOp<"sin", "sin(x)", Tfm_FloatTensor>;
def Tfm_NegOp : Tfm_UnaryOp<"neg", "-x", Tfm_NumericTensor>;
def Tfm_AbsOp : Tfm_UnaryOp<"abs", "|x|", Tfm_NumericTensor>;
def Tfm_NotOp : Tfm_UnaryOp<"not", "!x (logical)", RankedTensorOf<[I1]>>;

//===----------------------------------------------------------------------===//
// Comparisons and selection
//===----------------------------------------------------------------------===//

class Tfm_CompareOp<string mnemonic, string formula>
    : Tfm_Op<mnemonic, [Pure]> {
  let summary = "elementwise " # formula # " with numpy broadcasting";
  let description = [{
    `result = lhs }] # formula # [{ rhs` as an `i1` tensor. The operands have
    the same element type and broadcast as for `tfm.add`.

    ```mlir
    %0 = tfm.}] # mnemonic # [{ %a, %b : tensor<?x?xi64>, tensor<1xi64> -> tensor<?x?xi1>
    ```
  }];
  let arguments = (ins Tfm_NumericTensor:$lhs, Tfm_NumericTensor:$rhs);
  let results = (outs RankedTensorOf<[I1]>:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($lhs) `,` "
                       "type($rhs) `->` type($result)";
  let hasVerifier = 1;
}

def Tfm_EqualOp : Tfm_CompareOp<"equal", "==">;
def Tfm_LessOp : Tfm_CompareOp<"less", "<">;
def Tfm_GreaterOp : Tfm_CompareOp<"greater", ">">;

def Tfm_WhereOp : Tfm_Op<"where", [Pure]> {
  let summary = "elementwise selection with numpy broadcasting";
  let description = [{
    `result = condition ? true_value : false_value`; the three operands
    broadcast together as for `tfm.add`.

    ```mlir
    %0 = tfm.where %mask, %scores, %neg_inf
           : tensor<1x1x?x?xi1>, tensor<1x12x?x?xf32>, tensor<f32> -> tensor<1x12x?x?xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I1]>:$condition,
      Tfm_NumericTensor:$true_value, Tfm_NumericTensor:$false_value);
  let results = (outs Tfm_NumericTensor:$result);
  let assemblyFormat = [{
    $condition `,` $true_value `,` $false_value attr-dict `:`
    type($condition) `,` type($true_value) `,` type($false_value) `->`
    type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

class Tfm_ReduceOp<string mnemonic, string formula>
    : Tfm_Op<mnemonic, [Pure]> {
  let summary = formula # " over the given dimensions";
  let description = [{
    Reduces `input` over `axes` (sorted, unique, non-negative) by }] #
    formula # [{. With `keep_dims` the reduced dimensions stay as size 1,
    otherwise they are dropped.

    ```mlir
    %0 = tfm.}] # mnemonic # [{ %x [1] {keep_dims} : tensor<?x768xf32> -> tensor<?x1xf32>
    ```
  }];
  let arguments = (ins Tfm_NumericTensor:$input, DenseI64ArrayAttr:$axes,
      UnitAttr:$keep_dims);
  let results = (outs Tfm_NumericTensor:$result);
  let assemblyFormat = "$input $axes attr-dict `:` type($input) `->` "
                       "type($result)";
  let hasVerifier = 1;
}

def Tfm_ReduceSumOp : Tfm_ReduceOp<"reduce_sum", "the sum">;
def Tfm_ReduceMeanOp : Tfm_ReduceOp<"reduce_mean", "the mean">;
def Tfm_ReduceMaxOp : Tfm_ReduceOp<"reduce_max", "the maximum">;

//===----------------------------------------------------------------------===//
// Matrix products, ranges and masks
//===----------------------------------------------------------------------===//

def Tfm_MatmulOp : Tfm_Op<"matmul", [Pure]> {
  let summary = "batched matrix product with numpy broadcasting";
  let description = [{
    numpy's `matmul` for operands of rank 2 or more: the last two
    dimensions multiply (`[..., M, K] x [..., K, N] -> [..., M, N]`) and the
    leading (batch) dimensions broadcast as for `tfm.add`. Use `tfm.linear`
    for a product with a weight matrix.

    ```mlir
    %s = tfm.matmul %q, %kt : tensor<1x12x?x64xf32>, tensor<1x12x64x?xf32>
           -> tensor<1x12x?x?xf32>
    ```
  }];
  let arguments = (ins Tfm_FloatTensor:$lhs, Tfm_FloatTensor:$rhs);
  let results = (outs Tfm_FloatTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($lhs) `,` "
                       "type($rhs) `->` type($result)";
  let hasVerifier = 1;
}

def Tfm_RangeOp : Tfm_Op<"range", [Pure]> {
  let summary = "an arithmetic sequence";
  let description = [{
    `result[i] = start + i * delta` for the `max(ceil((limit - start) /
    delta), 0)` values below `limit` (above it for a negative `delta`), as
    ONNX's Range and numpy's `arange`. `delta` must not be zero.

    ```mlir
    %pos = tfm.range %c0, %len, %c1 : tensor<?xi64>
    ```
  }];
  let arguments = (ins Index:$start, Index:$limit, Index:$delta);
  let results = (outs 1DTensorOf<[I32, I64]>:$result);
  let assemblyFormat =
      "$start `,` $limit `,` $delta attr-dict `:` type($result)";
}

def Tfm_TriluOp : Tfm_Op<"trilu", [Pure, SameOperandsAndResultType]> {
  let summary = "keep the lower or upper triangle of the last two dims";
  let description = [{
    For each matrix in the last two dimensions, keeps the elements with
    `col - row <= diagonal` (lower, the default) or `col - row >= diagonal`
    (`upper`) and sets the others to zero (false for `i1`), as ONNX's Trilu
    and numpy's `tril`/`triu`.

    ```mlir
    %mask = tfm.trilu %ones {diagonal = 0 : i64} : tensor<?x?xi1>
    ```
  }];
  let arguments = (ins RankedTensorOf<[F32, F16, BF16, I1, I32, I64]>:$input,
      DefaultValuedAttr<I64Attr, "0">:$diagonal, UnitAttr:$upper);
  let results = (outs RankedTensorOf<[F32, F16, BF16, I1, I32, I64]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

#endif // TFM_MATH_OPS_TD
