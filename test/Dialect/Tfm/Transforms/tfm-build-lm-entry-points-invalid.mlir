// RUN: tfc-opt %s -split-input-file --tfm-build-lm-entry-points -verify-diagnostics

// expected-error @+1 {{no function @forward to build entry points from}}
module {
  func.func @main() { return }
}

// -----

// expected-error @+1 {{input 'attention_bias' is not supported: a language model takes input_ids (and optionally position_ids and attention_mask)}}
func.func @forward(%ids: tensor<1x?xi64> {tfc.onnx_name = "input_ids"}, %b: tensor<1x?xi64> {tfc.onnx_name = "attention_bias"}) -> tensor<1x?x11xf32> {
  %c1 = arith.constant 1 : index
  %n = tensor.dim %ids, %c1 : tensor<1x?xi64>
  %0 = tensor.empty(%n) : tensor<1x?x11xf32>
  return %0 : tensor<1x?x11xf32>
}

// -----

// expected-error @+1 {{input 'input_ids' has type 'tensor<2x?xi64>'; a language model's inputs are [1, seq] integer tensors (batch 1, dynamic sequence length)}}
func.func @forward(%ids: tensor<2x?xi64> {tfc.onnx_name = "input_ids"}) -> tensor<1x?x11xf32> {
  %c1 = arith.constant 1 : index
  %n = tensor.dim %ids, %c1 : tensor<2x?xi64>
  %0 = tensor.empty(%n) : tensor<1x?x11xf32>
  return %0 : tensor<1x?x11xf32>
}

// -----

// expected-error @+1 {{a language model has one result, logits of shape [1, seq, vocab]; this function returns 'tensor<1x?x11xf32>', 'tensor<1x?x11xf32>'}}
func.func @forward(%ids: tensor<1x?xi64> {tfc.onnx_name = "input_ids"}) -> (tensor<1x?x11xf32>, tensor<1x?x11xf32>) {
  %c1 = arith.constant 1 : index
  %n = tensor.dim %ids, %c1 : tensor<1x?xi64>
  %0 = tensor.empty(%n) : tensor<1x?x11xf32>
  return %0, %0 : tensor<1x?x11xf32>, tensor<1x?x11xf32>
}

// -----

// expected-error @+1 {{no tfm.attention: the graph's attention was not recognized (see --fusion-report), so there is no KV-cache decoding for it}}
func.func @forward(%ids: tensor<1x?xi64> {tfc.onnx_name = "input_ids"}) -> tensor<1x?x11xf32> {
  %c1 = arith.constant 1 : index
  %n = tensor.dim %ids, %c1 : tensor<1x?xi64>
  %0 = tensor.empty(%n) : tensor<1x?x11xf32>
  return %0 : tensor<1x?x11xf32>
}

// -----

func.func @forward(%ids: tensor<1x?xi64> {tfc.onnx_name = "input_ids"}) -> tensor<1x?x8xf32> {
  %c1 = arith.constant 1 : index
  %n = tensor.dim %ids, %c1 : tensor<1x?xi64>
  %q = tensor.empty(%n) : tensor<?x2x4xf32>
  // expected-error @+1 {{attention is not causal, so there is no KV-cache decoding for it (is the mask fused? see --fusion-report)}}
  %o = tfm.attention %q, %q, %q : tensor<?x2x4xf32>, tensor<?x2x4xf32>, tensor<?x2x4xf32> -> tensor<?x2x4xf32>
  %o2 = tfm.reshape %o : tensor<?x2x4xf32> -> tensor<1x?x8xf32>
  return %o2 : tensor<1x?x8xf32>
}

// -----

func.func @forward(%ids: tensor<1x?xi64> {tfc.onnx_name = "input_ids"}) -> tensor<1x?x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = tensor.dim %ids, %c1 : tensor<1x?xi64>
  %q = tensor.empty(%n) : tensor<?x2x4xf32>
  %kc = tensor.empty() : tensor<16x2x4xf32>
  // expected-error @+1 {{attention already reads a KV cache}}
  %o, %k2, %v2 = tfm.attention %q, %q, %q cache(%kc, %kc) at %c0 {causal} : tensor<?x2x4xf32>, tensor<?x2x4xf32>, tensor<?x2x4xf32>, tensor<16x2x4xf32>, tensor<16x2x4xf32> -> tensor<?x2x4xf32>, tensor<16x2x4xf32>, tensor<16x2x4xf32>
  %o2 = tfm.reshape %o : tensor<?x2x4xf32> -> tensor<1x?x8xf32>
  return %o2 : tensor<1x?x8xf32>
}

// -----

func.func @forward(%ids: tensor<1x?xi64> {tfc.onnx_name = "input_ids"}) -> tensor<1x?x4xf32> {
  %c1 = arith.constant 1 : index
  %n = tensor.dim %ids, %c1 : tensor<1x?xi64>
  %q = tensor.empty(%n) : tensor<?x2x4xf32>
  %v = tensor.empty(%n) : tensor<?x2x2xf32>
  // expected-error @+1 {{keys 'tensor<?x2x4xf32>' and values 'tensor<?x2x2xf32>' differ in head size; the KV cache holds both in one shape}}
  %o = tfm.attention %q, %q, %v {causal} : tensor<?x2x4xf32>, tensor<?x2x4xf32>, tensor<?x2x2xf32> -> tensor<?x2x2xf32>
  %o2 = tfm.reshape %o : tensor<?x2x2xf32> -> tensor<1x?x4xf32>
  return %o2 : tensor<1x?x4xf32>
}

// -----

func.func @forward(%ids: tensor<1x?xi64> {tfc.onnx_name = "input_ids"}) -> tensor<1x?x8xf32> {
  %c1 = arith.constant 1 : index
  %n = tensor.dim %ids, %c1 : tensor<1x?xi64>
  %q = tensor.empty(%n) : tensor<?x2x4xf32>
  %k1 = tensor.empty(%n) : tensor<?x1x4xf32>
  %o = tfm.attention %q, %q, %q {causal} : tensor<?x2x4xf32>, tensor<?x2x4xf32>, tensor<?x2x4xf32> -> tensor<?x2x4xf32>
  // expected-error @+1 {{keys 'tensor<?x1x4xf32>' differ in shape from the first attention's; one KV cache cannot hold both}}
  %p = tfm.attention %o, %k1, %k1 {causal} : tensor<?x2x4xf32>, tensor<?x1x4xf32>, tensor<?x1x4xf32> -> tensor<?x2x4xf32>
  %o2 = tfm.reshape %p : tensor<?x2x4xf32> -> tensor<1x?x8xf32>
  return %o2 : tensor<1x?x8xf32>
}
