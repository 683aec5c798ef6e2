// RUN: tfc-opt %s -split-input-file --tfm-fuse-linear-bias | FileCheck %s
// RUN: tfc-opt %s -split-input-file --tfm-fuse-linear-bias="report=1" -verify-diagnostics -o /dev/null

// nn.Linear as torch.onnx.export writes it for rank-3 inputs: MatMul with
// the transposed weight ([K, N], in_out), then Add(bias, product).

// CHECK-LABEL: func.func @export_matmul_add
// CHECK-SAME: (%[[X:.*]]: tensor<2x?x16xf32>)
// CHECK-DAG: %[[W:.*]] = tfm.weight "l.weight" : tensor<16x32xf32>
// CHECK-DAG: %[[B:.*]] = tfm.weight "l.bias" : tensor<32xf32>
// CHECK: %[[Y:.*]] = tfm.linear %[[X]], %[[W]], %[[B]] {weight_layout = #tfm.weight_layout<in_out>} : tensor<2x?x16xf32>, tensor<16x32xf32>, tensor<32xf32> -> tensor<2x?x32xf32>
// CHECK-NOT: tfm.add
// CHECK: return %[[Y]]
func.func @export_matmul_add(%x: tensor<2x?x16xf32>) -> tensor<2x?x32xf32> {
  %w = tfm.weight "l.weight" : tensor<16x32xf32>
  %b = tfm.weight "l.bias" : tensor<32xf32>
  %y = tfm.linear %x, %w {weight_layout = #tfm.weight_layout<in_out>} : tensor<2x?x16xf32>, tensor<16x32xf32> -> tensor<2x?x32xf32>
  // expected-remark @+1 {{fusion linear_bias: fused}}
  %z = tfm.add %b, %y : tensor<32xf32>, tensor<2x?x32xf32> -> tensor<2x?x32xf32>
  return %z : tensor<2x?x32xf32>
}

// -----

// out_in weight, bias on the right: a [1, 1, N] constant (reshaped to [N]),
// a [1, N] weight (through tfm.reshape) and a cast weight (a parameter too).

// CHECK-LABEL: func.func @bias_shapes
// CHECK-SAME: (%[[X:.*]]: tensor<1x?x4xf32>)
// CHECK-DAG: %[[C:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK-DAG: %[[W:.*]] = tfm.weight "w" : tensor<2x4xf32>
// CHECK: %[[A:.*]] = tfm.linear %[[X]], %[[W]], %[[C]] : tensor<1x?x4xf32>, tensor<2x4xf32>, tensor<2xf32> -> tensor<1x?x2xf32>
// CHECK: %[[BW:.*]] = tfm.weight "b2" : tensor<1x2xf32>
// CHECK: %[[R:.*]] = tfm.reshape %[[BW]] : tensor<1x2xf32> -> tensor<2xf32>
// CHECK: %[[B:.*]] = tfm.linear %[[X]], %[[W]], %[[R]] : tensor<1x?x4xf32>, tensor<2x4xf32>, tensor<2xf32> -> tensor<1x?x2xf32>
// CHECK: %[[H:.*]] = tfm.weight "b3" : tensor<2xf16>
// CHECK: %[[HC:.*]] = tfm.cast %[[H]] : tensor<2xf16> -> tensor<2xf32>
// CHECK: %[[D:.*]] = tfm.linear %[[X]], %[[W]], %[[HC]] : tensor<1x?x4xf32>, tensor<2x4xf32>, tensor<2xf32> -> tensor<1x?x2xf32>
// CHECK-NOT: tfm.add
// CHECK: return %[[A]], %[[B]], %[[D]]
func.func @bias_shapes(%x: tensor<1x?x4xf32>) -> (tensor<1x?x2xf32>, tensor<1x?x2xf32>, tensor<1x?x2xf32>) {
  %w = tfm.weight "w" : tensor<2x4xf32>
  %c = arith.constant dense<[[[1.0, 2.0]]]> : tensor<1x1x2xf32>
  %y = tfm.linear %x, %w : tensor<1x?x4xf32>, tensor<2x4xf32> -> tensor<1x?x2xf32>
  // expected-remark @+1 {{fusion linear_bias: fused}}
  %a = tfm.add %y, %c : tensor<1x?x2xf32>, tensor<1x1x2xf32> -> tensor<1x?x2xf32>
  %b2 = tfm.weight "b2" : tensor<1x2xf32>
  %y2 = tfm.linear %x, %w : tensor<1x?x4xf32>, tensor<2x4xf32> -> tensor<1x?x2xf32>
  // expected-remark @+1 {{fusion linear_bias: fused}}
  %b = tfm.add %y2, %b2 : tensor<1x?x2xf32>, tensor<1x2xf32> -> tensor<1x?x2xf32>
  %h = tfm.weight "b3" : tensor<2xf16>
  %hc = tfm.cast %h : tensor<2xf16> -> tensor<2xf32>
  %y3 = tfm.linear %x, %w : tensor<1x?x4xf32>, tensor<2x4xf32> -> tensor<1x?x2xf32>
  // expected-remark @+1 {{fusion linear_bias: fused}}
  %d = tfm.add %hc, %y3 : tensor<2xf32>, tensor<1x?x2xf32> -> tensor<1x?x2xf32>
  return %a, %b, %d : tensor<1x?x2xf32>, tensor<1x?x2xf32>, tensor<1x?x2xf32>
}

// -----

// Near misses: a linear that already has a bias, a linear result used
// elsewhere, a bias-shaped activation, a scalar constant. A residual add
// stays too, without a remark.

// CHECK-LABEL: func.func @near_misses
// CHECK-COUNT-5: tfm.add
func.func @near_misses(%x: tensor<3x4xf32>, %r: tensor<3x2xf32>, %v: tensor<2xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>) {
  %w = tfm.weight "w" : tensor<2x4xf32>
  %b = tfm.weight "b" : tensor<2xf32>
  %s = arith.constant dense<1.0> : tensor<f32>
  %y0 = tfm.linear %x, %w, %b : tensor<3x4xf32>, tensor<2x4xf32>, tensor<2xf32> -> tensor<3x2xf32>
  // expected-remark @+1 {{fusion linear_bias: near miss: the linear already has a bias}}
  %z0 = tfm.add %y0, %b : tensor<3x2xf32>, tensor<2xf32> -> tensor<3x2xf32>
  %y1 = tfm.linear %x, %w : tensor<3x4xf32>, tensor<2x4xf32> -> tensor<3x2xf32>
  // expected-remark @+1 {{fusion linear_bias: near miss: intermediate value (the linear's result) has other users}}
  %z1 = tfm.add %y1, %b : tensor<3x2xf32>, tensor<2xf32> -> tensor<3x2xf32>
  // A residual add (an activation, not bias-shaped) is no anchor: no remark.
  %y2 = tfm.linear %x, %w : tensor<3x4xf32>, tensor<2x4xf32> -> tensor<3x2xf32>
  %z2 = tfm.add %r, %y2 : tensor<3x2xf32>, tensor<3x2xf32> -> tensor<3x2xf32>
  %y3 = tfm.linear %x, %w : tensor<3x4xf32>, tensor<2x4xf32> -> tensor<3x2xf32>
  // expected-remark @+1 {{fusion linear_bias: near miss: the bias is not a weight or constant}}
  %z3 = tfm.add %y3, %v : tensor<3x2xf32>, tensor<2xf32> -> tensor<3x2xf32>
  %y4 = tfm.linear %x, %w : tensor<3x4xf32>, tensor<2x4xf32> -> tensor<3x2xf32>
  // expected-remark @+1 {{fusion linear_bias: near miss: the added value (tensor<f32>) is not a vector over the 2 output features}}
  %z4 = tfm.add %y4, %s : tensor<3x2xf32>, tensor<f32> -> tensor<3x2xf32>
  return %z0, %z1, %y1, %z2, %z3, %z4 : tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>
}
