//===- TfmAttentionOps.td - rotary embedding and attention -*- tablegen -*-===//

#ifndef TFM_ATTENTION_OPS_TD
#define TFM_ATTENTION_OPS_TD

include "Tfm/IR/TfmBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Tfm_RotaryOp : Tfm_Op<"rotary",
    [Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "rotary position embedding (RoPE)";
  let description = [{
    Rotates pairs of features of each head by `position * theta^(-2i/d)`,
    where `d` is `rotary_dim` (default: the whole head dimension). Pairs are
    `(i, i + d/2)` as in HF's `rotate_half` (the default), or `(2i, 2i + 1)`
    when `interleaved` is set (GPT-J, Meta's original LLaMA code). Features
    past `rotary_dim` pass through unchanged.

    The input is `[seq, heads, head_dim]` and `positions` holds the absolute
    position of each sequence row.

    ```mlir
    %q2 = tfm.rotary %q, %pos {theta = 1.0e+04 : f32}
            : tensor<?x32x128xf32>, tensor<?xi64>
    ```
  }];
  let arguments = (ins Tfm_FloatTensor:$input, Tfm_IndexTensor:$positions,
      DefaultValuedAttr<F32Attr, "10000.0">:$theta,
      OptionalAttr<I64Attr>:$rotary_dim,
      UnitAttr:$interleaved);
  let results = (outs Tfm_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $positions attr-dict `:` type($input) `,` type($positions)
  }];
  let extraClassDeclaration = [{
    /// Number of rotated features per head.
    int64_t getEffectiveRotaryDim();
  }];
  let hasVerifier = 1;
}

def Tfm_AttentionOp : Tfm_Op<"attention",
    [Pure, AttrSizedOperandSegments, AttrSizedResultSegments]> {
  let summary = "multi-head scaled dot-product attention";
  let description = [{
    `softmax(scale * Q K^T + mask) V` per head, with
    * `query [Sq, Hq, D]`, `key [Sk, Hkv, D]`, `value [Sk, Hkv, Dv]` and
      result `[Sq, Hq, Dv]`;
    * grouped-query attention: query head `h` reads key/value head
      `h / (Hq / Hkv)`; `Hq` must be a multiple of `Hkv` (1 = multi-query);
    * `scale` defaults to `1 / sqrt(D)`;
    * `causal`: query row `i` sees key rows `j <= i + (Skv - Sq)`, i.e. the
      queries are the last `Sq` positions of the key sequence.

    With a KV cache (`cache(%kc, %vc) at %pos`), the caches have shape
    `[max_seq, Hkv, D]` / `[max_seq, Hkv, Dv]`; the new keys and values are
    written at rows `[pos, pos + Sk)`, attention runs over rows
    `[0, pos + Sk)`, and the updated caches are returned as extra results.

    ```mlir
    %o = tfm.attention %q, %k, %v {causal}
           : tensor<?x12x64xf32>, tensor<?x12x64xf32>, tensor<?x12x64xf32>
           -> tensor<?x12x64xf32>
    %o2, %kc2, %vc2 = tfm.attention %q, %k, %v cache(%kc, %vc) at %pos {causal}
           : tensor<1x32x128xf32>, tensor<1x8x128xf32>, tensor<1x8x128xf32>,
             tensor<2048x8x128xf32>, tensor<2048x8x128xf32>
           -> tensor<1x32x128xf32>, tensor<2048x8x128xf32>, tensor<2048x8x128xf32>
    ```
  }];
  let arguments = (ins Tfm_FloatTensor:$query, Tfm_FloatTensor:$key,
      Tfm_FloatTensor:$value,
      Optional<Tfm_StaticFloatTensor>:$key_cache,
      Optional<Tfm_StaticFloatTensor>:$value_cache,
      Optional<Index>:$cache_position,
      UnitAttr:$causal,
      OptionalAttr<F32Attr>:$scale);
  let results = (outs Tfm_FloatTensor:$result,
      Optional<Tfm_StaticFloatTensor>:$key_cache_result,
      Optional<Tfm_StaticFloatTensor>:$value_cache_result);
  let assemblyFormat = [{
    $query `,` $key `,` $value
    (`cache` `(` $key_cache^ `,` $value_cache `)` `at` $cache_position)?
    attr-dict `:` type($query) `,` type($key) `,` type($value)
    (`,` type($key_cache)^ `,` type($value_cache))?
    `->` type($result)
    (`,` type($key_cache_result)^ `,` type($value_cache_result))?
  }];
  let extraClassDeclaration = [{
    bool hasKVCache() { return getKeyCache() != nullptr; }
    /// The softmax scale: the attribute, or 1/sqrt(head_dim).
    double getEffectiveScale();
  }];
  let hasVerifier = 1;
}

#endif // TFM_ATTENTION_OPS_TD
