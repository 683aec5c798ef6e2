// RUN: tfc-opt %s --tfm-fuse-attention | FileCheck %s
// RUN: tfc-opt %s --tfm-fuse-attention="report=1" -verify-diagnostics -o /dev/null

// Attention without a mask (an encoder, or a decoder's cross-attention):
// tfm.attention without `causal`.

// Static shapes, a multiplier on the scores, the result used in the
// [1, H, S, D] layout (no merge-heads transpose to fold).
// CHECK-LABEL: func.func @static_no_mask
// CHECK-SAME: (%[[Q:.*]]: tensor<1x4x5x16xf32>, %[[K:.*]]: tensor<1x4x7x16xf32>, %[[V:.*]]: tensor<1x4x7x8xf32>)
// CHECK-DAG: %[[QT:.*]] = tfm.transpose %[[Q]] [0, 2, 1, 3] : tensor<1x4x5x16xf32> -> tensor<1x5x4x16xf32>
// CHECK-DAG: %[[QS:.*]] = tfm.reshape %[[QT]] : tensor<1x5x4x16xf32> -> tensor<5x4x16xf32>
// CHECK-DAG: %[[KT:.*]] = tfm.transpose %[[K]] [0, 2, 1, 3] : tensor<1x4x7x16xf32> -> tensor<1x7x4x16xf32>
// CHECK-DAG: %[[KS:.*]] = tfm.reshape %[[KT]] : tensor<1x7x4x16xf32> -> tensor<7x4x16xf32>
// CHECK-DAG: %[[VT:.*]] = tfm.transpose %[[V]] [0, 2, 1, 3] : tensor<1x4x7x8xf32> -> tensor<1x7x4x8xf32>
// CHECK-DAG: %[[VS:.*]] = tfm.reshape %[[VT]] : tensor<1x7x4x8xf32> -> tensor<7x4x8xf32>
// CHECK: %[[A:.*]] = tfm.attention %[[QS]], %[[KS]], %[[VS]] {scale = 1.250000e-01 : f32} : tensor<5x4x16xf32>, tensor<7x4x16xf32>, tensor<7x4x8xf32> -> tensor<5x4x8xf32>
// CHECK: %[[R:.*]] = tfm.reshape %[[A]] : tensor<5x4x8xf32> -> tensor<1x5x4x8xf32>
// CHECK: %[[O:.*]] = tfm.transpose %[[R]] [0, 2, 1, 3] : tensor<1x5x4x8xf32> -> tensor<1x4x5x8xf32>
// CHECK: return %[[O]]
func.func @static_no_mask(%q: tensor<1x4x5x16xf32>, %k: tensor<1x4x7x16xf32>, %v: tensor<1x4x7x8xf32>) -> tensor<1x4x5x8xf32> {
  %kt = tfm.transpose %k [0, 1, 3, 2] : tensor<1x4x7x16xf32> -> tensor<1x4x16x7xf32>
  %scores = tfm.matmul %q, %kt : tensor<1x4x5x16xf32>, tensor<1x4x16x7xf32> -> tensor<1x4x5x7xf32>
  %c = arith.constant dense<1.250000e-01> : tensor<f32>
  %scaled = tfm.mul %scores, %c : tensor<1x4x5x7xf32>, tensor<f32> -> tensor<1x4x5x7xf32>
  // expected-remark @+1 {{fusion attention: fused}}
  %p = tfm.softmax %scaled {axis = -1 : i64} : tensor<1x4x5x7xf32>
  %o = tfm.matmul %p, %v : tensor<1x4x5x7xf32>, tensor<1x4x7x8xf32> -> tensor<1x4x5x8xf32>
  return %o : tensor<1x4x5x8xf32>
}

// No scale at all, rank-3 operands ([H, S, D], batch already dropped), and
// multi-query attention by matmul broadcasting: one key/value head.
// CHECK-LABEL: func.func @unscaled_multi_query
// CHECK-SAME: (%[[Q:.*]]: tensor<4x?x16xf32>, %[[K:.*]]: tensor<1x?x16xf32>, %[[V:.*]]: tensor<1x?x16xf32>)
// CHECK-DAG: %[[QT:.*]] = tfm.transpose %[[Q]] [1, 0, 2] : tensor<4x?x16xf32> -> tensor<?x4x16xf32>
// CHECK-DAG: %[[KS:.*]] = tfm.reshape %[[K]] : tensor<1x?x16xf32> -> tensor<?x1x16xf32>
// CHECK-DAG: %[[VS:.*]] = tfm.reshape %[[V]] : tensor<1x?x16xf32> -> tensor<?x1x16xf32>
// CHECK: %[[A:.*]] = tfm.attention %[[QT]], %[[KS]], %[[VS]] {scale = 1.000000e+00 : f32} : tensor<?x4x16xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32> -> tensor<?x4x16xf32>
// CHECK: %[[O:.*]] = tfm.transpose %[[A]] [1, 0, 2] : tensor<?x4x16xf32> -> tensor<4x?x16xf32>
// CHECK: return %[[O]]
func.func @unscaled_multi_query(%q: tensor<4x?x16xf32>, %k: tensor<1x?x16xf32>, %v: tensor<1x?x16xf32>) -> tensor<4x?x16xf32> {
  %kt = tfm.transpose %k [0, 2, 1] : tensor<1x?x16xf32> -> tensor<1x16x?xf32>
  %scores = tfm.matmul %q, %kt : tensor<4x?x16xf32>, tensor<1x16x?xf32> -> tensor<4x?x?xf32>
  // expected-remark @+1 {{fusion attention: fused}}
  %p = tfm.softmax %scores {axis = 2 : i64} : tensor<4x?x?xf32>
  %o = tfm.matmul %p, %v : tensor<4x?x?xf32>, tensor<1x?x16xf32> -> tensor<4x?x16xf32>
  return %o : tensor<4x?x16xf32>
}
