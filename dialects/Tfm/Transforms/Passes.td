//===- Passes.td - tfm dialect transformations -------------*- tablegen -*-===//

#ifndef TFM_TRANSFORMS_PASSES_TD
#define TFM_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def TfmBindWeights : Pass<"tfm-bind-weights", "ModuleOp"> {
  let summary = "Bind tfm.weight ops to offsets in one weight blob";
  let description = [{
    Lays out every distinct weight (by name and permutation) in one byte
    blob, each tensor
    at an `alignment`-byte boundary, in order of first use. Every function
    that reads weights gets a leading `memref<?xi8>` argument (the blob, as
    the runtime maps it) and each `tfm.weight` becomes a `memref.view` of it
    at the tensor's offset, entered into tensor land by a read-only
    `bufferization.to_tensor ... restrict`.

    The layout is recorded on the module as `tfm.weight_table`: an array of
    `{name, offset, type[, permutation]}` dictionaries, plus
    `tfm.weight_bytes`. The driver
    writes the blob from the checkpoint in exactly that layout.

    A `tensor.concat` whose operands are all `tfm.weight`s (as
    --tfm-merge-parallel-linears creates) is bound as ONE composite entry
    `{offset, type, axis, parts = [{name, type[, permutation]}, ...]}`: the
    driver writes the parts concatenated along `axis`. A `tfm.weight` that
    is read only by such concatenations gets no entry of its own.

    A name used with two different types, or a weight read by a function
    that is called from elsewhere in the module, is reported as an error.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::memref::MemRefDialect",
  ];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"64",
           "Byte alignment of every tensor in the blob (a power of two)">
  ];
  let statistics = [
    Statistic<"numWeights", "weights", "Number of distinct weights bound">,
    Statistic<"numBytes", "bytes", "Size of the weight blob in bytes">
  ];
}

def TfmPackLinearWeights : Pass<"tfm-pack-linear-weights"> {
  let summary = "Store linear weights in the layout the CPU kernels read";
  let description = [{
    Rewrites every `tfm.linear` whose weight is a `tfm.weight` into the
    `panels` layout: the `[K, N]` matrix (an `out_in` weight is transposed
    first, `permutation [1, 0]`) is stored as `N / P` column panels
    `[K, P]`, one after the other (`tfm.weight ... panels P`, a
    `[N / P, K, P]` tensor). The packing happens once, when the weight blob
    is written.

    Why: a decode step is a matrix-vector product bound by memory
    bandwidth. Over panels, each thread reads one contiguous range of
    memory (whole panels), and a kernel keeps `P` accumulators in registers
    over all of `K`; on the 124M GPT-2 this streams at the machine's read
    bandwidth, where rows of an `[K, N]` matrix (several short streams at
    once) reached ~2/3 of it. Prefill's register tiles read `[k, 32]`
    pieces of a panel, contiguous over a cache tile.

    A weight whose `N` is not a multiple of `panel-size` (or with
    `panel-size=0`) gets the `in_out` layout (`[K, N]`) instead. A weight
    that another op also reads in its stored layout (a tied LM head shares
    the embedding table) is left as it is: a packed copy would store the
    largest matrix twice. Such a linear stays `out_in`, a row-wise dot
    product that still streams the table in storage order.
  }];
  let options = [
    Option<"panelSize", "panel-size", "int64_t", /*default=*/"64",
           "Columns per panel (0: no panels, [K, N] rows)">
  ];
  let statistics = [
    Statistic<"numPacked", "packed", "Number of linear weights repacked">
  ];
}

def TfmBuildLMEntryPoints : Pass<"tfm-build-lm-entry-points", "ModuleOp"> {
  let summary = "Derive the KV-cache entry points of a language model";
  let description = [{
    Turns `@<source>`, a full-sequence language-model function as imported
    from an exported graph (token ids `[1, S]` in, logits `[1, S, V]` out,
    every `tfm.attention` causal and without a cache), into the three entry
    points the LM runtime calls, with the signature the HF importer emits:

      tfc_prefill(tokens [S], pos, kc, vc) -> (logits [S, V], kc, vc)
      tfc_prefill_last(...)                -> (logits [1, V], kc, vc)
      tfc_decode(tokens [1], pos, kc, vc)  -> (logits [1, V], kc, vc)

    `kc`/`vc` are `[layers, context, kv_heads, head_dim]`. Attention op `i`
    (in program order) reads and writes layer `i` of the caches at `pos`.
    Positions: a `tfm.range` from 0 with step 1 up to a run-time length
    (the sequence length; batch is 1, so it is the only dynamic size)
    becomes `pos + i`; a `position_ids` input becomes the same, and an
    `attention_mask` input all ones. `tfc_prefill_last` computes the rows
    of the last position only, from as early in the graph as the ops allow
    (linear, norms, elementwise). `tfc_decode` is the prefill body on a
    one-token input; static shapes propagate after lowering.

    The context is the row count of the position embedding table (a
    `tfm.embedding` indexed by positions), capped by `max-context`; without
    one (rotary models) it is `max-context`, or 2048 when that is 0. The
    module gets `tfc.model_info` (arch "onnx") and loses `@<source>`.
    Anything else (another input, more than one result, a non-causal or
    cached attention, no attention) is an error naming the value.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::tensor::TensorDialect",
  ];
  let options = [
    Option<"source", "source", "std::string", /*default=*/"\"forward\"",
           "The full-sequence function to derive the entry points from">,
    Option<"maxContext", "max-context", "int64_t", /*default=*/"0",
           "Upper bound of the KV-cache length (0: the model's)">
  ];
}

def TfmFuseNorms : Pass<"tfm-fuse-norms"> {
  let summary = "Recompose LayerNorm and RMSNorm from primitive chains";
  let description = [{
    Raises the primitive chains exporters write for normalizations to
    `tfm.layer_norm` and `tfm.rms_norm` (see docs/passes/fusion.md for the
    accepted forms and near misses).
    With `report`, every rewrite and near miss is a remark (see
    FusionReport.h).
  }];
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark for each rewrite and each near miss">
  ];
  let statistics = [
    Statistic<"numFused", "fused", "Number of rewrites (layer_norm and rms_norm)">,
    Statistic<"numNearMisses", "near-misses", "Number of near misses">
  ];
}

def TfmFuseActivations : Pass<"tfm-fuse-activations"> {
  let summary = "Recompose GELU, SiLU and SwiGLU from primitive chains";
  let description = [{
    Raises GELU (erf and tanh forms), SiLU (`x * sigmoid(x)`) and SwiGLU
    (`silu(gate) * up`) chains to `tfm.gelu`, `tfm.silu` and `tfm.swiglu`.
    With `report`, every rewrite and near miss is a remark (see
    FusionReport.h).
  }];
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark for each rewrite and each near miss">
  ];
  let statistics = [
    Statistic<"numFused", "fused", "Number of rewrites (activations)">,
    Statistic<"numNearMisses", "near-misses", "Number of near misses">
  ];
}

def TfmFuseLinearBias : Pass<"tfm-fuse-linear-bias"> {
  let summary = "Fold bias additions into tfm.linear";
  let description = [{
    `add(linear(x, w), b)` with a bias vector `b` over the output features
    becomes `linear(x, w, b)`, so that the bias is added in the matmul
    kernel's epilogue.
    With `report`, every rewrite and near miss is a remark (see
    FusionReport.h).
  }];
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark for each rewrite and each near miss">
  ];
  let statistics = [
    Statistic<"numFused", "fused", "Number of rewrites (bias epilogues)">,
    Statistic<"numNearMisses", "near-misses", "Number of near misses">
  ];
}

def TfmFuseResidualNorm : Pass<"tfm-fuse-residual-norm"> {
  let summary = "Fuse residual additions into the norm that follows them";
  let description = [{
    `n = layer_norm(s, ...)` or `rms_norm(s, ...)` where `s = add(a, b)`
    with `a`, `b` and `s` all of one type (a residual add, no broadcasting)
    becomes `sum, n = add_layer_norm(a, b, ...)` or `add_rms_norm(a, b,
    ...)`, and every other user of `s` reads `sum`: the lowering then reads
    `a` and `b` once per row, computing the sum and its row statistics in
    one pass. A norm of a `tensor.extract_slice` of `s` (the last row, as in
    the HF import's `tfc_prefill_last`) fuses too when nothing else reads
    `s` (but `tensor.dim`): the fused op adds the slices of `a` and `b`.
    With `report`, every rewrite and near miss (a norm of an add that does
    not fuse, e.g. one that broadcasts) is a remark (see FusionReport.h);
    the pattern is `residual_norm`.
  }];
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark for each rewrite and each near miss">
  ];
  let statistics = [
    Statistic<"numFused", "fused", "Number of rewrites (residual norms)">,
    Statistic<"numNearMisses", "near-misses", "Number of near misses">
  ];
}

def TfmFuseAttention : Pass<"tfm-fuse-attention"> {
  let summary = "Recompose scaled dot-product attention";
  let description = [{
    Raises `softmax(scale * Q K^T + mask) V` chains, with the head split and
    merge reshapes and transposes around them and a causal mask in any of
    the forms exporters write, to `tfm.attention`.
    With `report`, every rewrite and near miss is a remark (see
    FusionReport.h).
  }];
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark for each rewrite and each near miss">
  ];
  let statistics = [
    Statistic<"numFused", "fused", "Number of rewrites (attention)">,
    Statistic<"numNearMisses", "near-misses", "Number of near misses">
  ];
}

def TfmFuseRotary : Pass<"tfm-fuse-rotary"> {
  let summary = "Recompose rotary position embeddings";
  let description = [{
    Raises `x * cos + rotate_half(x) * sin` chains whose tables are computed
    from positions to `tfm.rotary`.
    With `report`, every rewrite and near miss is a remark (see
    FusionReport.h).
  }];
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark for each rewrite and each near miss">
  ];
  let statistics = [
    Statistic<"numFused", "fused", "Number of rewrites (rotary)">,
    Statistic<"numNearMisses", "near-misses", "Number of near misses">
  ];
}

def TfmMergeParallelLinears : Pass<"tfm-merge-parallel-linears"> {
  let summary = "Merge linears that read the same input";
  let description = [{
    Two or more `tfm.linear` ops in one block that read the same input and
    whose weights are `tfm.weight`s (with or without a `permutation`) with
    the same layout (e.g. LLaMA's q/k/v or gate/up projections) become one
    linear over the weights concatenated along the output-feature axis
    (`tensor.concat` of the `tfm.weight`s: dim 0 for `out_in`, dim 1 for
    `in_out`), followed by a `tensor.extract_slice` of the result's last
    dimension per original linear. --tfm-bind-weights lays such a
    concatenation out as one composite blob entry.

    When every linear has a `tfm.weight` bias, the biases are concatenated
    the same way into the merged linear's bias. Otherwise the merged linear
    has no bias and each slice whose linear had one adds it (`tfm.add`).

    With `report`, every rewrite and near miss (a value still read by two or
    more linears of one block) is a remark (see FusionReport.h); the
    pattern is `parallel_linears`.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark for each rewrite and each near miss">
  ];
  let statistics = [
    Statistic<"numFused", "fused", "Number of rewrites (merges)">,
    Statistic<"numNearMisses", "near-misses", "Number of near misses">
  ];
}

#endif // TFM_TRANSFORMS_PASSES_TD
