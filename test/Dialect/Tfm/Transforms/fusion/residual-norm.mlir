// RUN: tfc-opt %s -split-input-file --tfm-fuse-residual-norm | FileCheck %s
// RUN: tfc-opt %s -split-input-file --tfm-fuse-residual-norm="report=1" -verify-diagnostics -o /dev/null

// A pre-norm residual stream (GPT-2): x1 = x + attn; h = ln_2(x1);
// x2 = x1 + mlp; y = ln_f(x2). Both norms fuse with the add before them;
// the second add reads the first fused op's sum.

// CHECK-LABEL: func.func @gpt2_stream
// CHECK-SAME: (%[[X:.*]]: tensor<1x?x16xf32>, %[[A:.*]]: tensor<1x?x16xf32>)
// CHECK-DAG: %[[G:.*]] = tfm.weight "ln_2.weight" : tensor<16xf32>
// CHECK-DAG: %[[B:.*]] = tfm.weight "ln_2.bias" : tensor<16xf32>
// CHECK-DAG: %[[GF:.*]] = tfm.weight "ln_f.weight" : tensor<16xf32>
// CHECK: %[[S1:.*]], %[[H:.*]] = tfm.add_layer_norm %[[X]], %[[A]], %[[G]], %[[B]] : tensor<1x?x16xf32>, tensor<1x?x16xf32>, tensor<16xf32>, tensor<16xf32>
// CHECK: %[[M:.*]] = tfm.gelu %[[H]]
// CHECK: %[[S2:.*]], %[[Y:.*]] = tfm.add_layer_norm %[[S1]], %[[M]], %[[GF]] {epsilon = 1.000000e-03 : f32} : tensor<1x?x16xf32>, tensor<1x?x16xf32>, tensor<16xf32>
// CHECK-NOT: tfm.add
// CHECK-NOT: tfm.layer_norm
// CHECK: return %[[Y]], %[[S2]]
func.func @gpt2_stream(%x: tensor<1x?x16xf32>, %a: tensor<1x?x16xf32>)
    -> (tensor<1x?x16xf32>, tensor<1x?x16xf32>) {
  %g = tfm.weight "ln_2.weight" : tensor<16xf32>
  %b = tfm.weight "ln_2.bias" : tensor<16xf32>
  %gf = tfm.weight "ln_f.weight" : tensor<16xf32>
  %x1 = tfm.add %x, %a : tensor<1x?x16xf32>, tensor<1x?x16xf32> -> tensor<1x?x16xf32>
  // expected-remark @+1 {{fusion residual_norm: fused}}
  %h = tfm.layer_norm %x1, %g, %b : tensor<1x?x16xf32>, tensor<16xf32>, tensor<16xf32>
  %m = tfm.gelu %h : tensor<1x?x16xf32>
  %x2 = tfm.add %x1, %m : tensor<1x?x16xf32>, tensor<1x?x16xf32> -> tensor<1x?x16xf32>
  // expected-remark @+1 {{fusion residual_norm: fused}}
  %y = tfm.layer_norm %x2, %gf {epsilon = 1.0e-03 : f32} : tensor<1x?x16xf32>, tensor<16xf32>
  return %y, %x2 : tensor<1x?x16xf32>, tensor<1x?x16xf32>
}

// -----

// LLaMA: rms_norm, bf16, the sum's other users (the next residual add and
// the return) read the fused op's sum.

// CHECK-LABEL: func.func @llama_rms
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xbf16>, %[[A:.*]]: tensor<?x8xbf16>)
// CHECK: %[[G:.*]] = tfm.weight "norm.weight" : tensor<8xbf16>
// CHECK: %[[S:.*]], %[[N:.*]] = tfm.add_rms_norm %[[A]], %[[X]], %[[G]] {epsilon = 9.99999974E-6 : f32} : tensor<?x8xbf16>, tensor<?x8xbf16>, tensor<8xbf16>
// CHECK: %[[M:.*]] = tfm.silu %[[N]]
// CHECK: %[[T:.*]] = tfm.add %[[S]], %[[M]]
// CHECK: return %[[T]], %[[S]]
func.func @llama_rms(%x: tensor<?x8xbf16>, %a: tensor<?x8xbf16>) -> (tensor<?x8xbf16>, tensor<?x8xbf16>) {
  %g = tfm.weight "norm.weight" : tensor<8xbf16>
  %s = tfm.add %a, %x : tensor<?x8xbf16>, tensor<?x8xbf16> -> tensor<?x8xbf16>
  // expected-remark @+1 {{fusion residual_norm: fused}}
  %n = tfm.rms_norm %s, %g {epsilon = 1.0e-05 : f32} : tensor<?x8xbf16>, tensor<8xbf16>
  %m = tfm.silu %n : tensor<?x8xbf16>
  %t = tfm.add %s, %m : tensor<?x8xbf16>, tensor<?x8xbf16> -> tensor<?x8xbf16>
  return %t, %s : tensor<?x8xbf16>, tensor<?x8xbf16>
}

// -----

// The scale is defined after the add: the fused op goes where the norm was,
// which is fine since the sum has no user before the norm.

// CHECK-LABEL: func.func @scale_after_add
// CHECK: %[[G:.*]] = tfm.weight "g" : tensor<8xf32>
// CHECK-NEXT: %[[S:.*]], %[[N:.*]] = tfm.add_rms_norm %{{.*}}, %{{.*}}, %[[G]]
// CHECK-NEXT: %[[T:.*]] = tfm.mul %[[S]], %[[N]]
// CHECK-NEXT: return %[[T]]
func.func @scale_after_add(%x: tensor<4x8xf32>, %a: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %s = tfm.add %x, %a : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  %g = tfm.weight "g" : tensor<8xf32>
  // expected-remark @+1 {{fusion residual_norm: fused}}
  %n = tfm.rms_norm %s, %g : tensor<4x8xf32>, tensor<8xf32>
  %t = tfm.mul %s, %n : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  return %t : tensor<4x8xf32>
}

// -----

// Near misses: the scale is computed after another user of the sum (the
// fused op could go neither at the add nor at the norm); the add broadcasts
// (a bias-like [8] operand; the norm then reads a tensor the add computes
// from something other than two same-typed rows).

// CHECK-LABEL: func.func @near_misses
// CHECK-NOT: tfm.add_rms_norm
// CHECK-NOT: tfm.add_layer_norm
// CHECK: tfm.add
// CHECK: tfm.rms_norm
// CHECK: tfm.add
// CHECK: tfm.layer_norm
func.func @near_misses(%x: tensor<4x8xf32>, %a: tensor<4x8xf32>, %v: tensor<8xf32>)
    -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %s = tfm.add %x, %a : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  %early = tfm.exp %s : tensor<4x8xf32>
  %g = tfm.mul %v, %v : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
  // expected-remark @+1 {{fusion residual_norm: near miss: the norm's scale or bias is defined after another user of the sum}}
  %n = tfm.rms_norm %s, %g : tensor<4x8xf32>, tensor<8xf32>
  %b = tfm.add %x, %v : tensor<4x8xf32>, tensor<8xf32> -> tensor<4x8xf32>
  // expected-remark @+1 {{fusion residual_norm: near miss: the add broadcasts}}
  %m = tfm.layer_norm %b, %v, %v : tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>
  return %early, %n, %m : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// No anchor (no remark): norms of something other than a tfm.add, and an
// add no norm reads.

// CHECK-LABEL: func.func @not_anchors
// CHECK-NOT: tfm.add_
// CHECK: tfm.layer_norm
// CHECK: tfm.add %
// CHECK: tfm.rms_norm
func.func @not_anchors(%x: tensor<4x8xf32>, %a: tensor<4x8xf32>, %g: tensor<8xf32>)
    -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %n = tfm.layer_norm %x, %g : tensor<4x8xf32>, tensor<8xf32>
  %s = tfm.add %x, %a : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  %d = tfm.sub %x, %a : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  %m = tfm.rms_norm %d, %g : tensor<4x8xf32>, tensor<8xf32>
  return %n, %s, %m : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// One sum, two norms: the first fuses; the second then reads the fused op's
// sum (no tfm.add any more) and stays a plain norm, without a near miss.
// x + x (both operands the same value) fuses too.

// CHECK-LABEL: func.func @two_norms
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>, %[[G:.*]]: tensor<8xf32>)
// CHECK: %[[S:.*]], %[[N:.*]] = tfm.add_layer_norm %[[X]], %[[X]], %[[G]]
// CHECK: %[[M:.*]] = tfm.rms_norm %[[S]], %[[G]]
// CHECK: return %[[N]], %[[M]]
func.func @two_norms(%x: tensor<4x8xf32>, %g: tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %s = tfm.add %x, %x : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  // expected-remark @+1 {{fusion residual_norm: fused}}
  %n = tfm.layer_norm %s, %g : tensor<4x8xf32>, tensor<8xf32>
  %m = tfm.rms_norm %s, %g : tensor<4x8xf32>, tensor<8xf32>
  return %n, %m : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// The HF import's prefill_last: the final norm reads the last row of the
// sum. The slice commutes with the add: the fused op adds the last rows of
// both operands only, and tensor.dim of the sum reads the lhs instead.

// CHECK-LABEL: func.func @last_row
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>, %[[A:.*]]: tensor<?x8xf32>, %[[G:.*]]: tensor<8xf32>)
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x8xf32>
// CHECK: %[[L:.*]] = arith.subi %[[D]], %{{.*}} : index
// CHECK: %[[XS:.*]] = tensor.extract_slice %[[X]][%[[L]], 0] [1, 8] [1, 1] : tensor<?x8xf32> to tensor<1x8xf32>
// CHECK: %[[AS:.*]] = tensor.extract_slice %[[A]][%[[L]], 0] [1, 8] [1, 1] : tensor<?x8xf32> to tensor<1x8xf32>
// CHECK: %[[S:.*]], %[[N:.*]] = tfm.add_layer_norm %[[XS]], %[[AS]], %[[G]] : tensor<1x8xf32>, tensor<1x8xf32>, tensor<8xf32>
// CHECK-NOT: tfm.add %
// CHECK: return %[[N]], %[[S]]
func.func @last_row(%x: tensor<?x8xf32>, %a: tensor<?x8xf32>, %g: tensor<8xf32>) -> (tensor<1x8xf32>, tensor<1x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %s = tfm.add %x, %a : tensor<?x8xf32>, tensor<?x8xf32> -> tensor<?x8xf32>
  %d = tensor.dim %s, %c0 : tensor<?x8xf32>
  %l = arith.subi %d, %c1 : index
  %r = tensor.extract_slice %s[%l, 0] [1, 8] [1, 1] : tensor<?x8xf32> to tensor<1x8xf32>
  // expected-remark @+1 {{fusion residual_norm: fused}}
  %n = tfm.layer_norm %r, %g : tensor<1x8xf32>, tensor<8xf32>
  return %n, %r : tensor<1x8xf32>, tensor<1x8xf32>
}

// -----

// A slice of a sum that something else reads whole: no fusion (the add
// would be computed twice).

// CHECK-LABEL: func.func @slice_of_shared_sum
// CHECK: %[[S:.*]] = tfm.add
// CHECK: %[[R:.*]] = tensor.extract_slice %[[S]]
// CHECK: tfm.rms_norm %[[R]]
func.func @slice_of_shared_sum(%x: tensor<4x8xf32>, %a: tensor<4x8xf32>, %g: tensor<8xf32>)
    -> (tensor<1x8xf32>, tensor<4x8xf32>) {
  %s = tfm.add %x, %a : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  %r = tensor.extract_slice %s[3, 0] [1, 8] [1, 1] : tensor<4x8xf32> to tensor<1x8xf32>
  // expected-remark @+1 {{fusion residual_norm: near miss: the sum has users other than the slice}}
  %n = tfm.rms_norm %r, %g : tensor<1x8xf32>, tensor<8xf32>
  return %n, %s : tensor<1x8xf32>, tensor<4x8xf32>
}
