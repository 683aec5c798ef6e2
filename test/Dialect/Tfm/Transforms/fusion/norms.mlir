// RUN: tfc-opt %s -split-input-file --tfm-fuse-norms | FileCheck %s
// RUN: tfc-opt %s -split-input-file --tfm-fuse-norms="report=1" -verify-diagnostics -o /dev/null

// nn.LayerNorm as torch.onnx.export writes it below opset 17: rank-0
// constants, pow(d, 2), d / sqrt(v + eps), then * weight + bias. The
// epsilon attribute is not printed when it is the default (1e-5 for
// layer_norm, 1e-6 for rms_norm), i.e. when the constant was read exactly.

// CHECK-LABEL: func.func @layer_norm_export
// CHECK-SAME: (%[[X:.*]]: tensor<2x?x16xf32>)
// CHECK-DAG: %[[W:.*]] = tfm.weight "ln.weight" : tensor<16xf32>
// CHECK-DAG: %[[B:.*]] = tfm.weight "ln.bias" : tensor<16xf32>
// CHECK: %[[Y:.*]] = tfm.layer_norm %[[X]], %[[W]], %[[B]] : tensor<2x?x16xf32>, tensor<16xf32>, tensor<16xf32>
// CHECK-NOT: tfm.reduce_mean
// CHECK-NOT: tfm.sqrt
// CHECK-NOT: tfm.div
// CHECK-NOT: tfm.add
// CHECK: return %[[Y]]
func.func @layer_norm_export(%x: tensor<2x?x16xf32>) -> tensor<2x?x16xf32> {
  %w = tfm.weight "ln.weight" : tensor<16xf32>
  %b = tfm.weight "ln.bias" : tensor<16xf32>
  %two = arith.constant dense<2.0> : tensor<f32>
  %eps = arith.constant dense<9.99999974E-6> : tensor<f32>
  // expected-remark @+1 {{fusion layer_norm: fused}}
  %m = tfm.reduce_mean %x [2] {keep_dims} : tensor<2x?x16xf32> -> tensor<2x?x1xf32>
  %d = tfm.sub %x, %m : tensor<2x?x16xf32>, tensor<2x?x1xf32> -> tensor<2x?x16xf32>
  %sq = tfm.pow %d, %two : tensor<2x?x16xf32>, tensor<f32> -> tensor<2x?x16xf32>
  %v = tfm.reduce_mean %sq [2] {keep_dims} : tensor<2x?x16xf32> -> tensor<2x?x1xf32>
  %ve = tfm.add %v, %eps : tensor<2x?x1xf32>, tensor<f32> -> tensor<2x?x1xf32>
  %s = tfm.sqrt %ve : tensor<2x?x1xf32>
  %n = tfm.div %d, %s : tensor<2x?x16xf32>, tensor<2x?x1xf32> -> tensor<2x?x16xf32>
  %y = tfm.mul %n, %w : tensor<2x?x16xf32>, tensor<16xf32> -> tensor<2x?x16xf32>
  %z = tfm.add %y, %b : tensor<2x?x16xf32>, tensor<16xf32> -> tensor<2x?x16xf32>
  return %z : tensor<2x?x16xf32>
}

// -----

// The variants: d * d, d * reciprocal(s), operands of adds and muls
// swapped, a 1-element epsilon, and constant scale and bias of shape
// [1, 1, N] (reshaped to [N]).

// CHECK-LABEL: func.func @layer_norm_variants
// CHECK-SAME: (%[[X:.*]]: tensor<1x?x4xf32>)
// CHECK-DAG: %[[W:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[5.000000e-01, 0.000000e+00, 0.000000e+00, -5.000000e-01]> : tensor<4xf32>
// CHECK: %[[Y:.*]] = tfm.layer_norm %[[X]], %[[W]], %[[B]] {epsilon = 9.99999996E-13 : f32} : tensor<1x?x4xf32>, tensor<4xf32>, tensor<4xf32>
// CHECK-NOT: tfm.reciprocal
// CHECK-NOT: tfm.mul
// CHECK: return %[[Y]]
func.func @layer_norm_variants(%x: tensor<1x?x4xf32>) -> tensor<1x?x4xf32> {
  %w = arith.constant dense<[[[1.0, 2.0, 3.0, 4.0]]]> : tensor<1x1x4xf32>
  %b = arith.constant dense<[[[0.5, 0.0, 0.0, -0.5]]]> : tensor<1x1x4xf32>
  %eps = arith.constant dense<1.0e-12> : tensor<1xf32>
  // expected-remark @+1 {{fusion layer_norm: fused}}
  %m = tfm.reduce_mean %x [2] {keep_dims} : tensor<1x?x4xf32> -> tensor<1x?x1xf32>
  %d = tfm.sub %x, %m : tensor<1x?x4xf32>, tensor<1x?x1xf32> -> tensor<1x?x4xf32>
  %sq = tfm.mul %d, %d : tensor<1x?x4xf32>, tensor<1x?x4xf32> -> tensor<1x?x4xf32>
  %v = tfm.reduce_mean %sq [2] {keep_dims} : tensor<1x?x4xf32> -> tensor<1x?x1xf32>
  %ve = tfm.add %eps, %v : tensor<1xf32>, tensor<1x?x1xf32> -> tensor<1x?x1xf32>
  %s = tfm.sqrt %ve : tensor<1x?x1xf32>
  %r = tfm.reciprocal %s : tensor<1x?x1xf32>
  %n = tfm.mul %r, %d : tensor<1x?x1xf32>, tensor<1x?x4xf32> -> tensor<1x?x4xf32>
  %y = tfm.mul %w, %n : tensor<1x1x4xf32>, tensor<1x?x4xf32> -> tensor<1x?x4xf32>
  %z = tfm.add %b, %y : tensor<1x1x4xf32>, tensor<1x?x4xf32> -> tensor<1x?x4xf32>
  return %z : tensor<1x?x4xf32>
}

// -----

// No scale and no bias (elementwise_affine=False): the scale is a constant
// of ones. d * (1 / s), f16.

// CHECK-LABEL: func.func @layer_norm_plain_f16
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf16>)
// CHECK: %[[ONES:.*]] = arith.constant dense<1.000000e+00> : tensor<8xf16>
// CHECK: %[[Y:.*]] = tfm.layer_norm %[[X]], %[[ONES]] {epsilon = 1.00135803E-5 : f32} : tensor<?x8xf16>, tensor<8xf16>
// CHECK-NOT: tfm.div
// CHECK: return %[[Y]]
func.func @layer_norm_plain_f16(%x: tensor<?x8xf16>) -> tensor<?x8xf16> {
  %two = arith.constant dense<2.0> : tensor<f16>
  %one = arith.constant dense<1.0> : tensor<f16>
  %eps = arith.constant dense<1.0e-5> : tensor<f16>
  // expected-remark @+1 {{fusion layer_norm: fused}}
  %m = tfm.reduce_mean %x [1] {keep_dims} : tensor<?x8xf16> -> tensor<?x1xf16>
  %d = tfm.sub %x, %m : tensor<?x8xf16>, tensor<?x1xf16> -> tensor<?x8xf16>
  %sq = tfm.pow %d, %two : tensor<?x8xf16>, tensor<f16> -> tensor<?x8xf16>
  %v = tfm.reduce_mean %sq [1] {keep_dims} : tensor<?x8xf16> -> tensor<?x1xf16>
  %ve = tfm.add %v, %eps : tensor<?x1xf16>, tensor<f16> -> tensor<?x1xf16>
  %s = tfm.sqrt %ve : tensor<?x1xf16>
  %r = tfm.div %one, %s : tensor<f16>, tensor<?x1xf16> -> tensor<?x1xf16>
  %n = tfm.mul %d, %r : tensor<?x8xf16>, tensor<?x1xf16> -> tensor<?x8xf16>
  return %n : tensor<?x8xf16>
}

// -----

// A residual added after the norm is an activation, not a bias (even with
// the shape of one): the norm fuses with its scale, the add stays.

// CHECK-LABEL: func.func @layer_norm_then_residual
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x4xf32>, %[[RES:.*]]: tensor<1x1x4xf32>)
// CHECK: %[[W:.*]] = tfm.weight "ln.weight" : tensor<4xf32>
// CHECK: %[[Y:.*]] = tfm.layer_norm %[[X]], %[[W]] : tensor<1x1x4xf32>, tensor<4xf32>
// CHECK: %[[Z:.*]] = tfm.add %[[Y]], %[[RES]]
// CHECK: return %[[Z]]
func.func @layer_norm_then_residual(%x: tensor<1x1x4xf32>, %res: tensor<1x1x4xf32>) -> tensor<1x1x4xf32> {
  %w = tfm.weight "ln.weight" : tensor<4xf32>
  %two = arith.constant dense<2.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-5> : tensor<f32>
  // expected-remark @+1 {{fusion layer_norm: fused}}
  %m = tfm.reduce_mean %x [2] {keep_dims} : tensor<1x1x4xf32> -> tensor<1x1x1xf32>
  %d = tfm.sub %x, %m : tensor<1x1x4xf32>, tensor<1x1x1xf32> -> tensor<1x1x4xf32>
  %sq = tfm.pow %d, %two : tensor<1x1x4xf32>, tensor<f32> -> tensor<1x1x4xf32>
  %v = tfm.reduce_mean %sq [2] {keep_dims} : tensor<1x1x4xf32> -> tensor<1x1x1xf32>
  %ve = tfm.add %v, %eps : tensor<1x1x1xf32>, tensor<f32> -> tensor<1x1x1xf32>
  %s = tfm.sqrt %ve : tensor<1x1x1xf32>
  %n = tfm.div %d, %s : tensor<1x1x4xf32>, tensor<1x1x1xf32> -> tensor<1x1x4xf32>
  %y = tfm.mul %n, %w : tensor<1x1x4xf32>, tensor<4xf32> -> tensor<1x1x4xf32>
  %z = tfm.add %y, %res : tensor<1x1x4xf32>, tensor<1x1x4xf32> -> tensor<1x1x4xf32>
  return %z : tensor<1x1x4xf32>
}

// -----

// LLaMA's RMSNorm as exported: w * (x * (1 / sqrt(mean(x^2) + eps))).

// CHECK-LABEL: func.func @rms_norm_llama
// CHECK-SAME: (%[[X:.*]]: tensor<1x?x16xf32>)
// CHECK: %[[W:.*]] = tfm.weight "norm.weight" : tensor<16xf32>
// CHECK: %[[Y:.*]] = tfm.rms_norm %[[X]], %[[W]] : tensor<1x?x16xf32>, tensor<16xf32>
// CHECK-NOT: tfm.pow
// CHECK-NOT: tfm.mul
// CHECK: return %[[Y]]
func.func @rms_norm_llama(%x: tensor<1x?x16xf32>) -> tensor<1x?x16xf32> {
  %w = tfm.weight "norm.weight" : tensor<16xf32>
  %two = arith.constant dense<2.0> : tensor<f32>
  %eps = arith.constant dense<9.99999997E-7> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %sq = tfm.pow %x, %two : tensor<1x?x16xf32>, tensor<f32> -> tensor<1x?x16xf32>
  // expected-remark @+1 {{fusion rms_norm: fused}}
  %v = tfm.reduce_mean %sq [2] {keep_dims} : tensor<1x?x16xf32> -> tensor<1x?x1xf32>
  %ve = tfm.add %v, %eps : tensor<1x?x1xf32>, tensor<f32> -> tensor<1x?x1xf32>
  %s = tfm.sqrt %ve : tensor<1x?x1xf32>
  %r = tfm.div %one, %s : tensor<f32>, tensor<1x?x1xf32> -> tensor<1x?x1xf32>
  %n = tfm.mul %x, %r : tensor<1x?x16xf32>, tensor<1x?x1xf32> -> tensor<1x?x16xf32>
  %y = tfm.mul %w, %n : tensor<16xf32>, tensor<1x?x16xf32> -> tensor<1x?x16xf32>
  return %y : tensor<1x?x16xf32>
}

// -----

// x * x, x * reciprocal(s), eps + v, a [1]-shaped epsilon, no scale (ones),
// bf16.

// CHECK-LABEL: func.func @rms_norm_variants
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xbf16>)
// CHECK: %[[ONES:.*]] = arith.constant dense<1.000000e+00> : tensor<8xbf16>
// CHECK: %[[Y:.*]] = tfm.rms_norm %[[X]], %[[ONES]] {epsilon = 1.00135803E-5 : f32} : tensor<?x8xbf16>, tensor<8xbf16>
// CHECK-NOT: tfm.mul
// CHECK: return %[[Y]]
func.func @rms_norm_variants(%x: tensor<?x8xbf16>) -> tensor<?x8xbf16> {
  %eps = arith.constant dense<1.0e-5> : tensor<1xbf16>
  %sq = tfm.mul %x, %x : tensor<?x8xbf16>, tensor<?x8xbf16> -> tensor<?x8xbf16>
  // expected-remark @+1 {{fusion rms_norm: fused}}
  %v = tfm.reduce_mean %sq [1] {keep_dims} : tensor<?x8xbf16> -> tensor<?x1xbf16>
  %ve = tfm.add %eps, %v : tensor<1xbf16>, tensor<?x1xbf16> -> tensor<?x1xbf16>
  %s = tfm.sqrt %ve : tensor<?x1xbf16>
  %r = tfm.reciprocal %s : tensor<?x1xbf16>
  %n = tfm.mul %r, %x : tensor<?x1xbf16>, tensor<?x8xbf16> -> tensor<?x8xbf16>
  return %n : tensor<?x8xbf16>
}

// -----

// x / sqrt(mean(x^2) + eps) * w (T5's form with a division).

// CHECK-LABEL: func.func @rms_norm_div
// CHECK: tfm.rms_norm %{{.*}}, %{{.*}} : tensor<3x16xf32>, tensor<16xf32>
// CHECK-NOT: tfm.div
func.func @rms_norm_div(%x: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %w = tfm.weight "norm.weight" : tensor<16xf32>
  %two = arith.constant dense<2.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-6> : tensor<f32>
  %sq = tfm.pow %x, %two : tensor<3x16xf32>, tensor<f32> -> tensor<3x16xf32>
  // expected-remark @+1 {{fusion rms_norm: fused}}
  %v = tfm.reduce_mean %sq [1] {keep_dims} : tensor<3x16xf32> -> tensor<3x1xf32>
  %ve = tfm.add %v, %eps : tensor<3x1xf32>, tensor<f32> -> tensor<3x1xf32>
  %s = tfm.sqrt %ve : tensor<3x1xf32>
  %n = tfm.div %x, %s : tensor<3x16xf32>, tensor<3x1xf32> -> tensor<3x16xf32>
  %y = tfm.mul %n, %w : tensor<3x16xf32>, tensor<16xf32> -> tensor<3x16xf32>
  return %y : tensor<3x16xf32>
}

// -----

// Near miss: the mean is over axis 0.

// CHECK-LABEL: func.func @ln_wrong_axis
// CHECK-NOT: tfm.layer_norm
// CHECK-NOT: tfm.rms_norm
func.func @ln_wrong_axis(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %two = arith.constant dense<2.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-5> : tensor<f32>
  // expected-remark @+1 {{fusion layer_norm: near miss: reduction is over axes [0], not the last axis (1)}}
  %m = tfm.reduce_mean %x [0] {keep_dims} : tensor<4x16xf32> -> tensor<1x16xf32>
  %d = tfm.sub %x, %m : tensor<4x16xf32>, tensor<1x16xf32> -> tensor<4x16xf32>
  %sq = tfm.pow %d, %two : tensor<4x16xf32>, tensor<f32> -> tensor<4x16xf32>
  %v = tfm.reduce_mean %sq [1] {keep_dims} : tensor<4x16xf32> -> tensor<4x1xf32>
  %ve = tfm.add %v, %eps : tensor<4x1xf32>, tensor<f32> -> tensor<4x1xf32>
  %s = tfm.sqrt %ve : tensor<4x1xf32>
  %n = tfm.div %d, %s : tensor<4x16xf32>, tensor<4x1xf32> -> tensor<4x16xf32>
  return %n : tensor<4x16xf32>
}

// -----

// Near miss: the variance is over axis 0.

// CHECK-LABEL: func.func @ln_variance_wrong_axis
// CHECK-NOT: tfm.layer_norm
func.func @ln_variance_wrong_axis(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %two = arith.constant dense<2.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-5> : tensor<f32>
  // expected-remark @+1 {{fusion layer_norm: near miss: variance reduction is over axes [0], not the last axis (1)}}
  %m = tfm.reduce_mean %x [1] {keep_dims} : tensor<4x16xf32> -> tensor<4x1xf32>
  %d = tfm.sub %x, %m : tensor<4x16xf32>, tensor<4x1xf32> -> tensor<4x16xf32>
  %sq = tfm.pow %d, %two : tensor<4x16xf32>, tensor<f32> -> tensor<4x16xf32>
  %v = tfm.reduce_mean %sq [0] {keep_dims} : tensor<4x16xf32> -> tensor<1x16xf32>
  %ve = tfm.add %v, %eps : tensor<1x16xf32>, tensor<f32> -> tensor<1x16xf32>
  %s = tfm.sqrt %ve : tensor<1x16xf32>
  %n = tfm.div %d, %s : tensor<4x16xf32>, tensor<1x16xf32> -> tensor<4x16xf32>
  return %n : tensor<4x16xf32>
}

// -----

// Near miss: the mean drops the reduced dimension.

// CHECK-LABEL: func.func @ln_no_keep_dims
// CHECK-NOT: tfm.layer_norm
func.func @ln_no_keep_dims(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-remark @+1 {{fusion layer_norm: near miss: reduction drops the reduced dimension (no keep_dims)}}
  %m = tfm.reduce_mean %x [1] : tensor<4x4xf32> -> tensor<4xf32>
  %d = tfm.sub %x, %m : tensor<4x4xf32>, tensor<4xf32> -> tensor<4x4xf32>
  return %d : tensor<4x4xf32>
}

// -----

// Near miss: epsilon is an argument.

// CHECK-LABEL: func.func @ln_eps_not_constant
// CHECK-NOT: tfm.layer_norm
func.func @ln_eps_not_constant(%x: tensor<4x16xf32>, %eps: tensor<f32>) -> tensor<4x16xf32> {
  %two = arith.constant dense<2.0> : tensor<f32>
  // expected-remark @+1 {{fusion layer_norm: near miss: epsilon is not a constant}}
  %m = tfm.reduce_mean %x [1] {keep_dims} : tensor<4x16xf32> -> tensor<4x1xf32>
  %d = tfm.sub %x, %m : tensor<4x16xf32>, tensor<4x1xf32> -> tensor<4x16xf32>
  %sq = tfm.pow %d, %two : tensor<4x16xf32>, tensor<f32> -> tensor<4x16xf32>
  %v = tfm.reduce_mean %sq [1] {keep_dims} : tensor<4x16xf32> -> tensor<4x1xf32>
  %ve = tfm.add %v, %eps : tensor<4x1xf32>, tensor<f32> -> tensor<4x1xf32>
  %s = tfm.sqrt %ve : tensor<4x1xf32>
  %n = tfm.div %d, %s : tensor<4x16xf32>, tensor<4x1xf32> -> tensor<4x16xf32>
  return %n : tensor<4x16xf32>
}

// -----

// Near misses: intermediate values with users outside the chain (the mean,
// the centered input), which fusing would have to recompute.

// CHECK-LABEL: func.func @ln_mean_used
// CHECK-NOT: tfm.layer_norm
func.func @ln_mean_used(%x: tensor<4x16xf32>) -> (tensor<4x16xf32>, tensor<4x1xf32>) {
  %two = arith.constant dense<2.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-5> : tensor<f32>
  // expected-remark @+1 {{fusion layer_norm: near miss: intermediate value (the mean) has other users}}
  %m = tfm.reduce_mean %x [1] {keep_dims} : tensor<4x16xf32> -> tensor<4x1xf32>
  %d = tfm.sub %x, %m : tensor<4x16xf32>, tensor<4x1xf32> -> tensor<4x16xf32>
  %sq = tfm.pow %d, %two : tensor<4x16xf32>, tensor<f32> -> tensor<4x16xf32>
  %v = tfm.reduce_mean %sq [1] {keep_dims} : tensor<4x16xf32> -> tensor<4x1xf32>
  %ve = tfm.add %v, %eps : tensor<4x1xf32>, tensor<f32> -> tensor<4x1xf32>
  %s = tfm.sqrt %ve : tensor<4x1xf32>
  %n = tfm.div %d, %s : tensor<4x16xf32>, tensor<4x1xf32> -> tensor<4x16xf32>
  return %n, %m : tensor<4x16xf32>, tensor<4x1xf32>
}

// CHECK-LABEL: func.func @ln_centered_used
// CHECK-NOT: tfm.layer_norm
func.func @ln_centered_used(%x: tensor<4x16xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>) {
  %two = arith.constant dense<2.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-5> : tensor<f32>
  // expected-remark @+1 {{fusion layer_norm: near miss: intermediate value (the centered input) has other users}}
  %m = tfm.reduce_mean %x [1] {keep_dims} : tensor<4x16xf32> -> tensor<4x1xf32>
  %d = tfm.sub %x, %m : tensor<4x16xf32>, tensor<4x1xf32> -> tensor<4x16xf32>
  %sq = tfm.pow %d, %two : tensor<4x16xf32>, tensor<f32> -> tensor<4x16xf32>
  %v = tfm.reduce_mean %sq [1] {keep_dims} : tensor<4x16xf32> -> tensor<4x1xf32>
  %ve = tfm.add %v, %eps : tensor<4x1xf32>, tensor<f32> -> tensor<4x1xf32>
  %s = tfm.sqrt %ve : tensor<4x1xf32>
  %n = tfm.div %d, %s : tensor<4x16xf32>, tensor<4x1xf32> -> tensor<4x16xf32>
  return %n, %d : tensor<4x16xf32>, tensor<4x16xf32>
}

// -----

// Near miss: the centered input is cubed, not squared.

// CHECK-LABEL: func.func @ln_not_squared
// CHECK-NOT: tfm.layer_norm
func.func @ln_not_squared(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %three = arith.constant dense<3.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-5> : tensor<f32>
  // expected-remark @+1 {{fusion layer_norm: near miss: the centered input is not squared}}
  %m = tfm.reduce_mean %x [1] {keep_dims} : tensor<4x16xf32> -> tensor<4x1xf32>
  %d = tfm.sub %x, %m : tensor<4x16xf32>, tensor<4x1xf32> -> tensor<4x16xf32>
  %sq = tfm.pow %d, %three : tensor<4x16xf32>, tensor<f32> -> tensor<4x16xf32>
  %v = tfm.reduce_mean %sq [1] {keep_dims} : tensor<4x16xf32> -> tensor<4x1xf32>
  %ve = tfm.add %v, %eps : tensor<4x1xf32>, tensor<f32> -> tensor<4x1xf32>
  %s = tfm.sqrt %ve : tensor<4x1xf32>
  %n = tfm.div %d, %s : tensor<4x16xf32>, tensor<4x1xf32> -> tensor<4x16xf32>
  return %n : tensor<4x16xf32>
}

// -----

// Near misses of RMSNorm: a zero epsilon, the root-mean-square dividing
// another value, and the square used elsewhere.

// CHECK-LABEL: func.func @rms_zero_eps
// CHECK-NOT: tfm.rms_norm
func.func @rms_zero_eps(%x: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %two = arith.constant dense<2.0> : tensor<f32>
  %eps = arith.constant dense<0.0> : tensor<f32>
  %sq = tfm.pow %x, %two : tensor<3x16xf32>, tensor<f32> -> tensor<3x16xf32>
  // expected-remark @+1 {{fusion rms_norm: near miss: epsilon 0 is not positive}}
  %v = tfm.reduce_mean %sq [1] {keep_dims} : tensor<3x16xf32> -> tensor<3x1xf32>
  %ve = tfm.add %v, %eps : tensor<3x1xf32>, tensor<f32> -> tensor<3x1xf32>
  %s = tfm.sqrt %ve : tensor<3x1xf32>
  %n = tfm.div %x, %s : tensor<3x16xf32>, tensor<3x1xf32> -> tensor<3x16xf32>
  return %n : tensor<3x16xf32>
}

// CHECK-LABEL: func.func @rms_divides_other
// CHECK-NOT: tfm.rms_norm
func.func @rms_divides_other(%x: tensor<3x16xf32>, %y: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %two = arith.constant dense<2.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-6> : tensor<f32>
  %sq = tfm.pow %x, %two : tensor<3x16xf32>, tensor<f32> -> tensor<3x16xf32>
  // expected-remark @+1 {{fusion rms_norm: near miss: the standard deviation does not divide the normalized input}}
  %v = tfm.reduce_mean %sq [1] {keep_dims} : tensor<3x16xf32> -> tensor<3x1xf32>
  %ve = tfm.add %v, %eps : tensor<3x1xf32>, tensor<f32> -> tensor<3x1xf32>
  %s = tfm.sqrt %ve : tensor<3x1xf32>
  %n = tfm.div %y, %s : tensor<3x16xf32>, tensor<3x1xf32> -> tensor<3x16xf32>
  return %n : tensor<3x16xf32>
}

// CHECK-LABEL: func.func @rms_square_used
// CHECK-NOT: tfm.rms_norm
func.func @rms_square_used(%x: tensor<3x16xf32>) -> (tensor<3x16xf32>, tensor<3x16xf32>) {
  %two = arith.constant dense<2.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-6> : tensor<f32>
  %sq = tfm.pow %x, %two : tensor<3x16xf32>, tensor<f32> -> tensor<3x16xf32>
  // expected-remark @+1 {{fusion rms_norm: near miss: intermediate value (the square) has other users}}
  %v = tfm.reduce_mean %sq [1] {keep_dims} : tensor<3x16xf32> -> tensor<3x1xf32>
  %ve = tfm.add %v, %eps : tensor<3x1xf32>, tensor<f32> -> tensor<3x1xf32>
  %s = tfm.sqrt %ve : tensor<3x1xf32>
  %n = tfm.div %x, %s : tensor<3x16xf32>, tensor<3x1xf32> -> tensor<3x16xf32>
  return %n, %sq : tensor<3x16xf32>, tensor<3x16xf32>
}

// CHECK-LABEL: func.func @rms_wrong_axis
// CHECK-NOT: tfm.rms_norm
func.func @rms_wrong_axis(%x: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %two = arith.constant dense<2.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-6> : tensor<f32>
  %sq = tfm.pow %x, %two : tensor<3x16xf32>, tensor<f32> -> tensor<3x16xf32>
  // expected-remark @+1 {{fusion rms_norm: near miss: reduction is over axes [0], not the last axis (1)}}
  %v = tfm.reduce_mean %sq [0] {keep_dims} : tensor<3x16xf32> -> tensor<1x16xf32>
  %ve = tfm.add %v, %eps : tensor<1x16xf32>, tensor<f32> -> tensor<1x16xf32>
  %s = tfm.sqrt %ve : tensor<1x16xf32>
  %n = tfm.div %x, %s : tensor<3x16xf32>, tensor<1x16xf32> -> tensor<3x16xf32>
  return %n : tensor<3x16xf32>
}

// -----

// transformers' LlamaRMSNorm exported from a float32 model: the
// `.to(float32)` and `.to(input_dtype)` casts are identities, which the
// pass folds away while rewriting; the scale is still part of the norm.

// CHECK-LABEL: func.func @rms_norm_identity_casts
// CHECK-SAME: (%[[X:.*]]: tensor<1x?x16xf32>)
// CHECK: %[[W:.*]] = tfm.weight "norm.weight" : tensor<16xf32>
// CHECK: %[[Y:.*]] = tfm.rms_norm %[[X]], %[[W]] : tensor<1x?x16xf32>, tensor<16xf32>
// CHECK-NOT: tfm.cast
// CHECK-NOT: tfm.mul
// CHECK: return %[[Y]]
func.func @rms_norm_identity_casts(%x: tensor<1x?x16xf32>) -> tensor<1x?x16xf32> {
  %w = tfm.weight "norm.weight" : tensor<16xf32>
  %two = arith.constant dense<2.0> : tensor<f32>
  %eps = arith.constant dense<9.99999997E-7> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %xc = tfm.cast %x : tensor<1x?x16xf32> -> tensor<1x?x16xf32>
  %sq = tfm.pow %xc, %two : tensor<1x?x16xf32>, tensor<f32> -> tensor<1x?x16xf32>
  // expected-remark @+1 {{fusion rms_norm: fused}}
  %v = tfm.reduce_mean %sq [2] {keep_dims} : tensor<1x?x16xf32> -> tensor<1x?x1xf32>
  %ve = tfm.add %v, %eps : tensor<1x?x1xf32>, tensor<f32> -> tensor<1x?x1xf32>
  %s = tfm.sqrt %ve : tensor<1x?x1xf32>
  %r = tfm.div %one, %s : tensor<f32>, tensor<1x?x1xf32> -> tensor<1x?x1xf32>
  %n = tfm.mul %xc, %r : tensor<1x?x16xf32>, tensor<1x?x1xf32> -> tensor<1x?x16xf32>
  %nc = tfm.cast %n : tensor<1x?x16xf32> -> tensor<1x?x16xf32>
  %y = tfm.mul %w, %nc : tensor<16xf32>, tensor<1x?x16xf32> -> tensor<1x?x16xf32>
  return %y : tensor<1x?x16xf32>
}

// -----

// Gemma's RMSNorm scales by (1 + w): a parameter computed from a weight,
// so it is the fused op's scale.

// CHECK-LABEL: func.func @rms_norm_gemma_scale
// CHECK-SAME: (%[[X:.*]]: tensor<?x16xf32>)
// CHECK: %[[W:.*]] = tfm.weight "norm.weight" : tensor<16xf32>
// CHECK: %[[S:.*]] = tfm.add {{.*}} -> tensor<16xf32>
// CHECK: %[[Y:.*]] = tfm.rms_norm %[[X]], %[[S]] : tensor<?x16xf32>, tensor<16xf32>
// CHECK: return %[[Y]]
func.func @rms_norm_gemma_scale(%x: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %w = tfm.weight "norm.weight" : tensor<16xf32>
  %two = arith.constant dense<2.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-6> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %scale = tfm.add %one, %w : tensor<f32>, tensor<16xf32> -> tensor<16xf32>
  %sq = tfm.pow %x, %two : tensor<?x16xf32>, tensor<f32> -> tensor<?x16xf32>
  // expected-remark @+1 {{fusion rms_norm: fused}}
  %v = tfm.reduce_mean %sq [1] {keep_dims} : tensor<?x16xf32> -> tensor<?x1xf32>
  %ve = tfm.add %v, %eps : tensor<?x1xf32>, tensor<f32> -> tensor<?x1xf32>
  %s = tfm.sqrt %ve : tensor<?x1xf32>
  %r = tfm.reciprocal %s : tensor<?x1xf32>
  %n = tfm.mul %x, %r : tensor<?x16xf32>, tensor<?x1xf32> -> tensor<?x16xf32>
  %y = tfm.mul %n, %scale : tensor<?x16xf32>, tensor<16xf32> -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// -----

// Near miss: no scale, and the ones it would need have no static width.

// CHECK-LABEL: func.func @ln_no_scale_dynamic_width
// CHECK-NOT: tfm.layer_norm
func.func @ln_no_scale_dynamic_width(%x: tensor<4x?xf32>) -> tensor<4x?xf32> {
  %two = arith.constant dense<2.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-5> : tensor<f32>
  // expected-remark @+1 {{fusion layer_norm: near miss: no scale and the normalized dimension is dynamic}}
  %m = tfm.reduce_mean %x [1] {keep_dims} : tensor<4x?xf32> -> tensor<4x1xf32>
  %d = tfm.sub %x, %m : tensor<4x?xf32>, tensor<4x1xf32> -> tensor<4x?xf32>
  %sq = tfm.pow %d, %two : tensor<4x?xf32>, tensor<f32> -> tensor<4x?xf32>
  %v = tfm.reduce_mean %sq [1] {keep_dims} : tensor<4x?xf32> -> tensor<4x1xf32>
  %ve = tfm.add %v, %eps : tensor<4x1xf32>, tensor<f32> -> tensor<4x1xf32>
  %s = tfm.sqrt %ve : tensor<4x1xf32>
  %n = tfm.div %d, %s : tensor<4x?xf32>, tensor<4x1xf32> -> tensor<4x?xf32>
  return %n : tensor<4x?xf32>
}
