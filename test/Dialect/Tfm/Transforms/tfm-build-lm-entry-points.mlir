// RUN: tfc-opt %s -split-input-file --tfm-build-lm-entry-points | FileCheck %s
// RUN: tfc-opt %s -split-input-file --tfm-build-lm-entry-points=max-context=16 | FileCheck %s --check-prefix=CAP

// A fused full-sequence GPT-2-like graph: token and position embeddings,
// one attention layer, the LM head.

// CHECK: module attributes {tfc.model_info = {arch = "onnx", context = 32 : i64, head_dim = 4 : i64, num_kv_heads = 2 : i64, num_layers = 1 : i64, vocab_size = 11 : i64}}
// CAP: context = 16 : i64
// CHECK-NOT: func.func @forward

// CHECK-LABEL: func.func @tfc_prefill
// CHECK-SAME: (%[[TOK:.*]]: tensor<?xi64>, %[[POS:.*]]: index, %[[KC:.*]]: tensor<1x32x2x4xf32>, %[[VC:.*]]: tensor<1x32x2x4xf32>)
// CHECK-SAME: -> (tensor<?x11xf32>, tensor<1x32x2x4xf32>, tensor<1x32x2x4xf32>)
// CHECK: %[[LEN:.*]] = tensor.dim %[[TOK]], %c0
// CHECK: %[[IDS:.*]] = tfm.reshape %[[TOK]] : tensor<?xi64> -> tensor<1x?xi64>
// CHECK: %[[END:.*]] = arith.addi %[[POS]], %{{.*}} : index
// CHECK: tfm.range %[[POS]], %[[END]], %{{.*}} : tensor<?xi64>
// CHECK: %[[KL:.*]] = tensor.extract_slice %[[KC]][0, 0, 0, 0] [1, 32, 2, 4] [1, 1, 1, 1]
// CHECK: %[[VL:.*]] = tensor.extract_slice %[[VC]][0, 0, 0, 0] [1, 32, 2, 4] [1, 1, 1, 1]
// CHECK: %[[O:.*]], %[[K2:.*]], %[[V2:.*]] = tfm.attention %{{.*}}, %{{.*}}, %{{.*}} cache(%[[KL]], %[[VL]]) at %[[POS]] {causal}
// CHECK: %[[KC2:.*]] = tensor.insert_slice %[[K2]] into %[[KC]]
// CHECK: %[[VC2:.*]] = tensor.insert_slice %[[V2]] into %[[VC]]
// CHECK: %[[L:.*]] = tfm.reshape %{{.*}} : tensor<1x?x11xf32> -> tensor<?x11xf32>
// CHECK: return %[[L]], %[[KC2]], %[[VC2]]

// The last position only: the slice moves above the head, the final norm,
// the residual add and the output projection, up to the attention.
// CHECK-LABEL: func.func @tfc_prefill_last
// CHECK-SAME: -> (tensor<1x11xf32>, tensor<1x32x2x4xf32>, tensor<1x32x2x4xf32>)
// CHECK: tfm.attention
// CHECK: %[[LAST:.*]] = arith.subi %{{.*}}, %c1 : index
// CHECK: %[[X:.*]] = tensor.extract_slice %{{.*}}[0, %[[LAST]], 0] [1, 1, 8] [1, 1, 1] : tensor<1x?x8xf32> to tensor<1x1x8xf32>
// CHECK: %[[A:.*]] = tensor.extract_slice %{{.*}}[0, %[[LAST]], 0] [1, 1, 8] [1, 1, 1] : tensor<1x?x8xf32> to tensor<1x1x8xf32>
// CHECK: %[[P:.*]] = tfm.linear %[[A]], {{.*}} -> tensor<1x1x8xf32>
// CHECK: %[[R:.*]] = tfm.add %[[X]], %[[P]]
// CHECK: %[[F:.*]] = tfm.layer_norm %[[R]]
// CHECK: %[[L:.*]] = tfm.linear %[[F]], {{.*}} -> tensor<1x1x11xf32>
// CHECK: tfm.reshape %[[L]] : tensor<1x1x11xf32> -> tensor<1x11xf32>

// CHECK-LABEL: func.func @tfc_decode
// CHECK-SAME: (%[[TOK:.*]]: tensor<1xi64>,
// CHECK: tensor.cast %[[TOK]] : tensor<1xi64> to tensor<?xi64>
// CHECK: tfm.attention {{.*}} cache
// CHECK: %[[L:.*]] = tensor.cast %{{.*}} : tensor<?x11xf32> to tensor<1x11xf32>
// CHECK: return %[[L]]
func.func @forward(%ids: tensor<1x?xi64> {tfc.onnx_name = "input_ids"}) -> tensor<1x?x11xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %wte = tfm.weight "wte" : tensor<11x8xf32>
  %wpe = tfm.weight "wpe" : tensor<32x8xf32>
  %g = tfm.weight "ln.g" : tensor<8xf32>
  %wqkv = tfm.weight "qkv" : tensor<8x24xf32>
  %wo = tfm.weight "o" : tensor<8x8xf32>
  %x0 = tfm.embedding %wte[%ids] : tensor<11x8xf32>, tensor<1x?xi64> -> tensor<1x?x8xf32>
  %n = tensor.dim %ids, %c1 : tensor<1x?xi64>
  %pos = tfm.range %c0, %n, %c1 : tensor<?xi64>
  %pe = tfm.embedding %wpe[%pos] : tensor<32x8xf32>, tensor<?xi64> -> tensor<?x8xf32>
  %x = tfm.add %x0, %pe : tensor<1x?x8xf32>, tensor<?x8xf32> -> tensor<1x?x8xf32>
  %h = tfm.layer_norm %x, %g : tensor<1x?x8xf32>, tensor<8xf32>
  %qkv = tfm.linear %h, %wqkv {weight_layout = #tfm.weight_layout<in_out>} : tensor<1x?x8xf32>, tensor<8x24xf32> -> tensor<1x?x24xf32>
  %flat = tfm.reshape %qkv : tensor<1x?x24xf32> -> tensor<?x6x4xf32>
  %q = tensor.extract_slice %flat[0, 0, 0] [%n, 2, 4] [1, 1, 1] : tensor<?x6x4xf32> to tensor<?x2x4xf32>
  %k = tensor.extract_slice %flat[0, 2, 0] [%n, 2, 4] [1, 1, 1] : tensor<?x6x4xf32> to tensor<?x2x4xf32>
  %v = tensor.extract_slice %flat[0, 4, 0] [%n, 2, 4] [1, 1, 1] : tensor<?x6x4xf32> to tensor<?x2x4xf32>
  %o = tfm.attention %q, %k, %v {causal} : tensor<?x2x4xf32>, tensor<?x2x4xf32>, tensor<?x2x4xf32> -> tensor<?x2x4xf32>
  %o2 = tfm.reshape %o : tensor<?x2x4xf32> -> tensor<1x?x8xf32>
  %p = tfm.linear %o2, %wo {weight_layout = #tfm.weight_layout<in_out>} : tensor<1x?x8xf32>, tensor<8x8xf32> -> tensor<1x?x8xf32>
  %r = tfm.add %x, %p : tensor<1x?x8xf32>, tensor<1x?x8xf32> -> tensor<1x?x8xf32>
  %f = tfm.layer_norm %r, %g : tensor<1x?x8xf32>, tensor<8xf32>
  %logits = tfm.linear %f, %wte : tensor<1x?x8xf32>, tensor<11x8xf32> -> tensor<1x?x11xf32>
  return %logits : tensor<1x?x11xf32>
}

// -----

// position_ids becomes pos + i and attention_mask all ones; no position
// table (a rotary model): the context is max-context, else 2048.
// CHECK: module attributes {tfc.model_info = {arch = "onnx", context = 2048 : i64, head_dim = 4 : i64, num_kv_heads = 1 : i64, num_layers = 1 : i64, vocab_size = 11 : i64}}
// CAP: context = 16 : i64
// CHECK-LABEL: func.func @tfc_prefill
// CHECK-SAME: (%[[TOK:.*]]: tensor<?xi64>, %[[POS:.*]]: index
// CHECK: %[[LEN:.*]] = tensor.dim %[[TOK]], %c0
// CHECK: %[[END:.*]] = arith.addi %[[POS]], %[[LEN]] : index
// CHECK: %[[P:.*]] = tfm.range %[[POS]], %[[END]], %c1 : tensor<?xi64>
// CHECK: tfm.reshape %[[P]] : tensor<?xi64> -> tensor<1x?xi64>
// CHECK: %[[ONES:.*]] = tensor.generate %[[LEN]]
// CHECK: arith.constant 1 : i64
// CHECK: tfm.cast %[[ONES]] : tensor<?xi64> -> tensor<?xi32>
func.func @forward(%ids: tensor<1x?xi64> {tfc.onnx_name = "input_ids"},
                   %pids: tensor<1x?xi64> {tfc.onnx_name = "position_ids"},
                   %mask: tensor<1x?xi32> {tfc.onnx_name = "attention_mask"}) -> tensor<1x?x11xf32> {
  %wte = tfm.weight "wte" : tensor<11x4xf32>
  %x = tfm.embedding %wte[%ids] : tensor<11x4xf32>, tensor<1x?xi64> -> tensor<1x?x4xf32>
  %p = tfm.reshape %pids : tensor<1x?xi64> -> tensor<?xi64>
  %m = tfm.cast %mask : tensor<1x?xi32> -> tensor<1x?xf32>
  %m2 = tfm.reshape %m : tensor<1x?xf32> -> tensor<1x?x1xf32>
  %xm = tfm.mul %x, %m2 : tensor<1x?x4xf32>, tensor<1x?x1xf32> -> tensor<1x?x4xf32>
  %h = tfm.reshape %xm : tensor<1x?x4xf32> -> tensor<?x1x4xf32>
  %r = tfm.rotary %h, %p : tensor<?x1x4xf32>, tensor<?xi64>
  %o = tfm.attention %r, %r, %r {causal} : tensor<?x1x4xf32>, tensor<?x1x4xf32>, tensor<?x1x4xf32> -> tensor<?x1x4xf32>
  %o2 = tfm.reshape %o : tensor<?x1x4xf32> -> tensor<1x?x4xf32>
  %logits = tfm.linear %o2, %wte : tensor<1x?x4xf32>, tensor<11x4xf32> -> tensor<1x?x11xf32>
  return %logits : tensor<1x?x11xf32>
}
