//===- TfmNNOps.td - layers, norms and activations ---------*- tablegen -*-===//

#ifndef TFM_NN_OPS_TD
#define TFM_NN_OPS_TD

include "Tfm/IR/TfmBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Tfm_EmbeddingOp : Tfm_Op<"embedding", [Pure]> {
  let summary = "row lookup in an embedding table";
  let description = [{
    `result[i..., :] = table[indices[i...], :]`. The result shape is the
    indices shape followed by the embedding width. Indices outside
    `[0, vocab)` are undefined behaviour here; the runtime validates token
    ids before they reach compiled code.

    The table is `[vocab, width]`, or `[vocab / P, width, P]` when a tied LM
    head made it column panels (`tfm.weight ... permutation [1, 0] panels
    P`): row `v` is then `table[v / P, :, v % P]`.

    ```mlir
    %h = tfm.embedding %wte[%ids] : tensor<50257x768xf32>, tensor<?xi64> -> tensor<?x768xf32>
    ```
  }];
  let arguments = (ins Tfm_FloatTensor:$table, Tfm_IndexTensor:$indices);
  let results = (outs Tfm_FloatTensor:$result);
  let assemblyFormat = "$table `[` $indices `]` attr-dict `:` type($table) "
                       "`,` type($indices) `->` type($result)";
  let hasVerifier = 1;
}

def Tfm_LinearOp : Tfm_Op<"linear", [Pure]> {
  let summary = "fully connected layer: input x weight (+ bias)";
  let description = [{
    `result[..., n] = sum_k input[..., k] * W[n, k] + bias[n]`, where the
    weight is stored `[N, K]` (`out_in`, torch.nn.Linear, the default),
    `[K, N]` (`in_out`, GPT-2's Conv1D) or `[N / P, K, P]` (`panels`: column
    panels of `P`, `W[n, k] = weight[n / P, k, n % P]`, the layout
    `tfm-pack-linear-weights` gives the CPU kernels). The bias is optional.
    Leading input dimensions are kept.

    ```mlir
    %y = tfm.linear %x, %w, %b {weight_layout = #tfm.weight_layout<in_out>}
           : tensor<?x768xf32>, tensor<768x2304xf32>, tensor<2304xf32> -> tensor<?x2304xf32>
    ```
  }];
  let arguments = (ins Tfm_FloatTensor:$input, Tfm_FloatTensor:$weight,
      Optional<Tfm_FloatTensor>:$bias,
      DefaultValuedAttr<Tfm_WeightLayoutAttr, "WeightLayout::OutIn">:
          $weight_layout);
  let results = (outs Tfm_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` type($input) `,`
    type($weight) (`,` type($bias)^)? `->` type($result)
  }];
  let extraClassDeclaration = [{
    /// Input features K and output features N, read from the weight (from
    /// the result for padded panels).
    int64_t getInFeatures();
    int64_t getOutFeatures();
    /// Whether the weight is in panels whose last one is padded (N is not
    /// a multiple of the panel size).
    bool hasPaddedPanels();
  }];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

class Tfm_NormOp<string mnemonic>
    : Tfm_Op<mnemonic, [Pure, AllTypesMatch<["input", "result"]>]> {
  let results = (outs Tfm_FloatTensor:$result);
  let hasVerifier = 1;
}

def Tfm_LayerNormOp : Tfm_NormOp<"layer_norm"> {
  let summary = "layer normalization over the last dimension";
  let description = [{
    `(x - mean(x)) / sqrt(var(x) + epsilon) * scale + bias` over the last
    dimension, with the biased variance. `bias` is optional.

    ```mlir
    %y = tfm.layer_norm %x, %g, %b {epsilon = 1.0e-05 : f32}
           : tensor<?x768xf32>, tensor<768xf32>, tensor<768xf32>
    ```
  }];
  let arguments = (ins Tfm_FloatTensor:$input, Tfm_FloatTensor:$scale,
      Optional<Tfm_FloatTensor>:$bias,
      DefaultValuedAttr<F32Attr, "1e-5">:$epsilon);
  let assemblyFormat = [{
    $input `,` $scale (`,` $bias^)? attr-dict `:` type($input) `,`
    type($scale) (`,` type($bias)^)?
  }];
}

def Tfm_RMSNormOp : Tfm_NormOp<"rms_norm"> {
  let summary = "root-mean-square normalization over the last dimension";
  let description = [{
    `x / sqrt(mean(x^2) + epsilon) * scale` over the last dimension
    (LLaMA's RMSNorm).

    ```mlir
    %y = tfm.rms_norm %x, %g {epsilon = 1.0e-06 : f32} : tensor<?x4096xf32>, tensor<4096xf32>
    ```
  }];
  let arguments = (ins Tfm_FloatTensor:$input, Tfm_FloatTensor:$scale,
      DefaultValuedAttr<F32Attr, "1e-6">:$epsilon);
  let assemblyFormat = [{
    $input `,` $scale attr-dict `:` type($input) `,` type($scale)
  }];
}

class Tfm_AddNormOp<string mnemonic>
    : Tfm_Op<mnemonic, [Pure, AllTypesMatch<["input", "sum", "normalized"]>]> {
  let results = (outs Tfm_FloatTensor:$sum, Tfm_FloatTensor:$normalized);
  let hasVerifier = 1;
}

def Tfm_AddLayerNormOp : Tfm_AddNormOp<"add_layer_norm"> {
  let summary = "residual addition followed by layer normalization";
  let description = [{
    `sum = input + residual` (elementwise, no broadcasting: both operands
    have the result type) and `normalized = layer_norm(sum, scale, bias)`
    with the semantics of `tfm.layer_norm`. The residual stream of a
    pre-norm transformer block (`x = x + sublayer(...); h = norm(x)`) in one
    op, so that the lowering reads `input` and `residual` once per row.
    `bias` is optional. Built by --tfm-fuse-residual-norm.

    ```mlir
    %s, %y = tfm.add_layer_norm %x, %r, %g, %b {epsilon = 1.0e-05 : f32}
               : tensor<?x768xf32>, tensor<?x768xf32>, tensor<768xf32>,
                 tensor<768xf32>
    ```
  }];
  let arguments = (ins Tfm_FloatTensor:$input, Tfm_FloatTensor:$residual,
      Tfm_FloatTensor:$scale, Optional<Tfm_FloatTensor>:$bias,
      DefaultValuedAttr<F32Attr, "1e-5">:$epsilon);
  let assemblyFormat = [{
    $input `,` $residual `,` $scale (`,` $bias^)? attr-dict `:`
    type($input) `,` type($residual) `,` type($scale) (`,` type($bias)^)?
  }];
}

def Tfm_AddRMSNormOp : Tfm_AddNormOp<"add_rms_norm"> {
  let summary = "residual addition followed by RMS normalization";
  let description = [{
    `sum = input + residual` (elementwise, no broadcasting: both operands
    have the result type) and `normalized = rms_norm(sum, scale)` with the
    semantics of `tfm.rms_norm`. Built by --tfm-fuse-residual-norm.

    ```mlir
    %s, %y = tfm.add_rms_norm %x, %r, %g {epsilon = 1.0e-06 : f32}
               : tensor<?x4096xf32>, tensor<?x4096xf32>, tensor<4096xf32>
    ```
  }];
  let arguments = (ins Tfm_FloatTensor:$input, Tfm_FloatTensor:$residual,
      Tfm_FloatTensor:$scale, DefaultValuedAttr<F32Attr, "1e-6">:$epsilon);
  let assemblyFormat = [{
    $input `,` $residual `,` $scale attr-dict `:` type($input) `,`
    type($residual) `,` type($scale)
  }];
}

def Tfm_GeluOp : Tfm_Op<"gelu", [Pure, SameOperandsAndResultType]> {
  let summary = "Gaussian error linear unit";
  let description = [{
    `none`: `0.5 x (1 + erf(x / sqrt(2)))`;
    `tanh`: `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))` (GPT-2).

    ```mlir
    %y = tfm.gelu %x {approximation = #tfm.gelu_approximation<tanh>} : tensor<?x3072xf32>
    ```
  }];
  let arguments = (ins Tfm_FloatTensor:$input,
      DefaultValuedAttr<Tfm_GeluApproximationAttr, "GeluApproximation::None">:
          $approximation);
  let results = (outs Tfm_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Tfm_SiluOp : Tfm_Op<"silu", [Pure, SameOperandsAndResultType]> {
  let summary = "sigmoid linear unit: x * sigmoid(x)";
  let description = [{
    ```mlir
    %y = tfm.silu %x : tensor<?x11008xf32>
    ```
  }];
  let arguments = (ins Tfm_FloatTensor:$input);
  let results = (outs Tfm_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Tfm_SwiGLUOp : Tfm_Op<"swiglu", [Pure, SameOperandsAndResultType]> {
  let summary = "gated linear unit with SiLU gate: silu(gate) * up";
  let description = [{
    The gate of LLaMA's MLP: `down(swiglu(gate(x), up(x)))`.

    ```mlir
    %y = tfm.swiglu %gate, %up : tensor<?x11008xf32>
    ```
  }];
  let arguments = (ins Tfm_FloatTensor:$gate, Tfm_FloatTensor:$up);
  let results = (outs Tfm_FloatTensor:$result);
  let assemblyFormat = "$gate `,` $up attr-dict `:` type($result)";
}

def Tfm_SoftmaxOp : Tfm_Op<"softmax", [Pure, SameOperandsAndResultType]> {
  let summary = "numerically stable softmax along one axis";
  let description = [{
    `exp(x - max(x)) / sum(exp(x - max(x)))` along `axis` (negative axes
    count from the end).

    ```mlir
    %p = tfm.softmax %s {axis = -1 : i64} : tensor<12x?x?xf32>
    ```
  }];
  let arguments = (ins Tfm_FloatTensor:$input,
      DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs Tfm_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let extraClassDeclaration = [{
    /// The axis in [0, rank).
    int64_t getNormalizedAxis();
  }];
  let hasVerifier = 1;
}

#endif // TFM_NN_OPS_TD
