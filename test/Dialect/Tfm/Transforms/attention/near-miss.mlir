// RUN: tfc-opt %s --tfm-fuse-attention="report=1" -verify-diagnostics -o /dev/null
// RUN: tfc-opt %s --tfm-fuse-attention | FileCheck %s

// Attention chains that must not be rewritten: each is reported once, at
// its softmax, as a near miss with the reason.

// CHECK-NOT: tfm.attention
// CHECK-COUNT-12: tfm.softmax
// CHECK-NOT: tfm.attention

// triu(full(min), 0) also masks the diagonal: not the causal mask.
func.func @triu_diagonal_0(%q: tensor<1x4x?x16xf32>, %v: tensor<1x4x?x16xf32>) -> tensor<1x4x?x16xf32> {
  %c2 = arith.constant 2 : index
  %s = tensor.dim %q, %c2 : tensor<1x4x?x16xf32>
  %kt = tfm.transpose %q [0, 1, 3, 2] : tensor<1x4x?x16xf32> -> tensor<1x4x16x?xf32>
  %scores = tfm.matmul %q, %kt : tensor<1x4x?x16xf32>, tensor<1x4x16x?xf32> -> tensor<1x4x?x?xf32>
  %min = arith.constant -3.40282347E+38 : f32
  %e = tensor.empty(%s, %s) : tensor<?x?xf32>
  %full = linalg.fill ins(%min : f32) outs(%e : tensor<?x?xf32>) -> tensor<?x?xf32>
  %tri = tfm.trilu %full {diagonal = 0 : i64, upper} : tensor<?x?xf32>
  %masked = tfm.add %scores, %tri : tensor<1x4x?x?xf32>, tensor<?x?xf32> -> tensor<1x4x?x?xf32>
  // expected-remark @+1 {{fusion attention: near miss: mask is not causal (its diagonal is offset by -1)}}
  %p = tfm.softmax %masked {axis = -1 : i64} : tensor<1x4x?x?xf32>
  %o = tfm.matmul %p, %v : tensor<1x4x?x?xf32>, tensor<1x4x?x16xf32> -> tensor<1x4x?x16xf32>
  return %o : tensor<1x4x?x16xf32>
}

// A mask passed in at run time (padding, or anything else) cannot be proven
// causal.
func.func @runtime_mask(%q: tensor<1x4x?x16xf32>, %v: tensor<1x4x?x16xf32>, %mask: tensor<1x1x?x?xf32>) -> tensor<1x4x?x16xf32> {
  %kt = tfm.transpose %q [0, 1, 3, 2] : tensor<1x4x?x16xf32> -> tensor<1x4x16x?xf32>
  %scores = tfm.matmul %q, %kt : tensor<1x4x?x16xf32>, tensor<1x4x16x?xf32> -> tensor<1x4x?x?xf32>
  %masked = tfm.add %scores, %mask : tensor<1x4x?x?xf32>, tensor<1x1x?x?xf32> -> tensor<1x4x?x?xf32>
  // expected-remark @+1 {{fusion attention: near miss: mask is not causal (not a triangle known at compile time)}}
  %p = tfm.softmax %masked {axis = -1 : i64} : tensor<1x4x?x?xf32>
  %o = tfm.matmul %p, %v : tensor<1x4x?x?xf32>, tensor<1x4x?x16xf32> -> tensor<1x4x?x16xf32>
  return %o : tensor<1x4x?x16xf32>
}

// A lower-triangular buffer with one wrong entry.
func.func @buffer_not_triangular(%q: tensor<1x4x?x16xf32>, %v: tensor<1x4x?x16xf32>) -> tensor<1x4x?x16xf32> {
  %c2 = arith.constant 2 : index
  %s = tensor.dim %q, %c2 : tensor<1x4x?x16xf32>
  %kt = tfm.transpose %q [0, 1, 3, 2] : tensor<1x4x?x16xf32> -> tensor<1x4x16x?xf32>
  %scores = tfm.matmul %q, %kt : tensor<1x4x?x16xf32>, tensor<1x4x16x?xf32> -> tensor<1x4x?x?xf32>
  %bias = arith.constant dense<[[[[true, false, false, false], [true, true, false, false], [true, true, true, true], [true, true, true, true]]]]> : tensor<1x1x4x4xi1>
  %mask = tensor.extract_slice %bias[0, 0, 0, 0] [1, 1, %s, %s] [1, 1, 1, 1] : tensor<1x1x4x4xi1> to tensor<1x1x?x?xi1>
  %min = arith.constant dense<-3.40282347E+38> : tensor<f32>
  %masked = tfm.where %mask, %scores, %min : tensor<1x1x?x?xi1>, tensor<1x4x?x?xf32>, tensor<f32> -> tensor<1x4x?x?xf32>
  // expected-remark @+1 {{fusion attention: near miss: mask is not causal (not a triangle known at compile time)}}
  %p = tfm.softmax %masked {axis = -1 : i64} : tensor<1x4x?x?xf32>
  %o = tfm.matmul %p, %v : tensor<1x4x?x?xf32>, tensor<1x4x?x16xf32> -> tensor<1x4x?x16xf32>
  return %o : tensor<1x4x?x16xf32>
}

// A triangular buffer sliced with a column offset: row i sees keys up to
// i - 1, not i.
func.func @buffer_shifted_slice(%q: tensor<1x4x3x16xf32>, %v: tensor<1x4x3x16xf32>) -> tensor<1x4x3x16xf32> {
  %kt = tfm.transpose %q [0, 1, 3, 2] : tensor<1x4x3x16xf32> -> tensor<1x4x16x3xf32>
  %scores = tfm.matmul %q, %kt : tensor<1x4x3x16xf32>, tensor<1x4x16x3xf32> -> tensor<1x4x3x3xf32>
  %bias = arith.constant dense<[[[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]]]> : tensor<1x1x4x4xi1>
  %mask = tensor.extract_slice %bias[0, 0, 0, 1] [1, 1, 3, 3] [1, 1, 1, 1] : tensor<1x1x4x4xi1> to tensor<1x1x3x3xi1>
  %min = arith.constant dense<-3.40282347E+38> : tensor<f32>
  %masked = tfm.where %mask, %scores, %min : tensor<1x1x3x3xi1>, tensor<1x4x3x3xf32>, tensor<f32> -> tensor<1x4x3x3xf32>
  // expected-remark @+1 {{fusion attention: near miss: mask is not causal (its diagonal is offset by -1)}}
  %p = tfm.softmax %masked {axis = -1 : i64} : tensor<1x4x3x3xf32>
  %o = tfm.matmul %p, %v : tensor<1x4x3x3xf32>, tensor<1x4x3x16xf32> -> tensor<1x4x3x16xf32>
  return %o : tensor<1x4x3x16xf32>
}

// where(mask, min, w) keeps the future instead of the past.
func.func @keeps_upper(%q: tensor<1x4x4x16xf32>, %v: tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32> {
  %kt = tfm.transpose %q [0, 1, 3, 2] : tensor<1x4x4x16xf32> -> tensor<1x4x16x4xf32>
  %scores = tfm.matmul %q, %kt : tensor<1x4x4x16xf32>, tensor<1x4x16x4xf32> -> tensor<1x4x4x4xf32>
  %bias = arith.constant dense<[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]> : tensor<4x4xi1>
  %min = arith.constant dense<-3.40282347E+38> : tensor<f32>
  %masked = tfm.where %bias, %min, %scores : tensor<4x4xi1>, tensor<f32>, tensor<1x4x4x4xf32> -> tensor<1x4x4x4xf32>
  // expected-remark @+1 {{fusion attention: near miss: mask is not causal (it keeps the upper triangle)}}
  %p = tfm.softmax %masked {axis = -1 : i64} : tensor<1x4x4x4xf32>
  %o = tfm.matmul %p, %v : tensor<1x4x4x4xf32>, tensor<1x4x4x16xf32> -> tensor<1x4x4x16xf32>
  return %o : tensor<1x4x4x16xf32>
}

// Masked scores set to -100 still get weight after the softmax.
func.func @weak_fill(%q: tensor<1x4x4x16xf32>, %v: tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32> {
  %kt = tfm.transpose %q [0, 1, 3, 2] : tensor<1x4x4x16xf32> -> tensor<1x4x16x4xf32>
  %scores = tfm.matmul %q, %kt : tensor<1x4x4x16xf32>, tensor<1x4x16x4xf32> -> tensor<1x4x4x4xf32>
  %bias = arith.constant dense<[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]> : tensor<4x4xi1>
  %fill = arith.constant dense<-1.000000e+02> : tensor<f32>
  %masked = tfm.where %bias, %scores, %fill : tensor<4x4xi1>, tensor<1x4x4x4xf32>, tensor<f32> -> tensor<1x4x4x4xf32>
  // expected-remark @+1 {{fusion attention: near miss: masked scores are not set to -1e4 or below}}
  %p = tfm.softmax %masked {axis = -1 : i64} : tensor<1x4x4x4xf32>
  %o = tfm.matmul %p, %v : tensor<1x4x4x4xf32>, tensor<1x4x4x16xf32> -> tensor<1x4x4x16xf32>
  return %o : tensor<1x4x4x16xf32>
}

// The scale is a run-time value.
func.func @scale_not_constant(%q: tensor<1x4x?x16xf32>, %v: tensor<1x4x?x16xf32>, %d: tensor<f32>) -> tensor<1x4x?x16xf32> {
  %kt = tfm.transpose %q [0, 1, 3, 2] : tensor<1x4x?x16xf32> -> tensor<1x4x16x?xf32>
  %scores = tfm.matmul %q, %kt : tensor<1x4x?x16xf32>, tensor<1x4x16x?xf32> -> tensor<1x4x?x?xf32>
  %scaled = tfm.div %scores, %d : tensor<1x4x?x?xf32>, tensor<f32> -> tensor<1x4x?x?xf32>
  // expected-remark @+1 {{fusion attention: near miss: scale is not a constant}}
  %p = tfm.softmax %scaled {axis = -1 : i64} : tensor<1x4x?x?xf32>
  %o = tfm.matmul %p, %v : tensor<1x4x?x?xf32>, tensor<1x4x?x16xf32> -> tensor<1x4x?x16xf32>
  return %o : tensor<1x4x?x16xf32>
}

// Softmax over the query axis.
func.func @softmax_axis(%q: tensor<1x4x?x16xf32>, %v: tensor<1x4x?x16xf32>) -> tensor<1x4x?x16xf32> {
  %kt = tfm.transpose %q [0, 1, 3, 2] : tensor<1x4x?x16xf32> -> tensor<1x4x16x?xf32>
  %scores = tfm.matmul %q, %kt : tensor<1x4x?x16xf32>, tensor<1x4x16x?xf32> -> tensor<1x4x?x?xf32>
  // expected-remark @+1 {{fusion attention: near miss: softmax is not over the last axis}}
  %p = tfm.softmax %scores {axis = 2 : i64} : tensor<1x4x?x?xf32>
  %o = tfm.matmul %p, %v : tensor<1x4x?x?xf32>, tensor<1x4x?x16xf32> -> tensor<1x4x?x16xf32>
  return %o : tensor<1x4x?x16xf32>
}

// A causal mask over queries and keys of unrelated dynamic lengths: the op's
// mask is aligned at the end of the keys, the graph's at the start.
func.func @unequal_lengths(%q: tensor<1x4x?x16xf32>, %k: tensor<1x4x?x16xf32>, %v: tensor<1x4x?x16xf32>) -> tensor<1x4x?x16xf32> {
  %c2 = arith.constant 2 : index
  %sq = tensor.dim %q, %c2 : tensor<1x4x?x16xf32>
  %sk = tensor.dim %k, %c2 : tensor<1x4x?x16xf32>
  %kt = tfm.transpose %k [0, 1, 3, 2] : tensor<1x4x?x16xf32> -> tensor<1x4x16x?xf32>
  %scores = tfm.matmul %q, %kt : tensor<1x4x?x16xf32>, tensor<1x4x16x?xf32> -> tensor<1x4x?x?xf32>
  %min = arith.constant -3.40282347E+38 : f32
  %e = tensor.empty(%sq, %sk) : tensor<?x?xf32>
  %full = linalg.fill ins(%min : f32) outs(%e : tensor<?x?xf32>) -> tensor<?x?xf32>
  %tri = tfm.trilu %full {diagonal = 1 : i64, upper} : tensor<?x?xf32>
  %masked = tfm.add %scores, %tri : tensor<1x4x?x?xf32>, tensor<?x?xf32> -> tensor<1x4x?x?xf32>
  // expected-remark @+1 {{fusion attention: near miss: cannot prove that the query and key lengths are equal}}
  %p = tfm.softmax %masked {axis = -1 : i64} : tensor<1x4x?x?xf32>
  %o = tfm.matmul %p, %v : tensor<1x4x?x?xf32>, tensor<1x4x?x16xf32> -> tensor<1x4x?x16xf32>
  return %o : tensor<1x4x?x16xf32>
}

// Two masks (causal and padding) on top of each other.
func.func @two_masks(%q: tensor<1x4x4x16xf32>, %v: tensor<1x4x4x16xf32>, %pad: tensor<1x1x1x4xf32>) -> tensor<1x4x4x16xf32> {
  %kt = tfm.transpose %q [0, 1, 3, 2] : tensor<1x4x4x16xf32> -> tensor<1x4x16x4xf32>
  %scores = tfm.matmul %q, %kt : tensor<1x4x4x16xf32>, tensor<1x4x16x4xf32> -> tensor<1x4x4x4xf32>
  %bias = arith.constant dense<[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]> : tensor<4x4xi1>
  %min = arith.constant dense<-3.40282347E+38> : tensor<f32>
  %masked = tfm.where %bias, %scores, %min : tensor<4x4xi1>, tensor<1x4x4x4xf32>, tensor<f32> -> tensor<1x4x4x4xf32>
  %padded = tfm.add %masked, %pad : tensor<1x4x4x4xf32>, tensor<1x1x1x4xf32> -> tensor<1x4x4x4xf32>
  // expected-remark @+1 {{fusion attention: near miss: the scores are not scale * Q K^T}}
  %p = tfm.softmax %padded {axis = -1 : i64} : tensor<1x4x4x4xf32>
  %o = tfm.matmul %p, %v : tensor<1x4x4x4xf32>, tensor<1x4x4x16xf32> -> tensor<1x4x4x16xf32>
  return %o : tensor<1x4x4x16xf32>
}

// A triangle over [S, 1] broadcast along the keys is constant along each
// row, whatever trilu made of it.
func.func @mask_broadcast_along_keys(%q: tensor<1x4x4x16xf32>, %v: tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32> {
  %kt = tfm.transpose %q [0, 1, 3, 2] : tensor<1x4x4x16xf32> -> tensor<1x4x16x4xf32>
  %scores = tfm.matmul %q, %kt : tensor<1x4x4x16xf32>, tensor<1x4x16x4xf32> -> tensor<1x4x4x4xf32>
  %ones = arith.constant dense<true> : tensor<4x1xi1>
  %tri = tfm.trilu %ones : tensor<4x1xi1>
  %min = arith.constant dense<-3.40282347E+38> : tensor<f32>
  %masked = tfm.where %tri, %scores, %min : tensor<4x1xi1>, tensor<1x4x4x4xf32>, tensor<f32> -> tensor<1x4x4x4xf32>
  // expected-remark @+1 {{fusion attention: near miss: mask is not causal (not a triangle known at compile time)}}
  %p = tfm.softmax %masked {axis = -1 : i64} : tensor<1x4x4x4xf32>
  %o = tfm.matmul %p, %v : tensor<1x4x4x4xf32>, tensor<1x4x4x16xf32> -> tensor<1x4x4x16xf32>
  return %o : tensor<1x4x4x16xf32>
}

// The probabilities are returned too (output_attentions): fusing would
// compute the attention twice.
func.func @probabilities_used(%q: tensor<1x4x4x16xf32>, %v: tensor<1x4x4x16xf32>) -> (tensor<1x4x4x16xf32>, tensor<1x4x4x4xf32>) {
  %kt = tfm.transpose %q [0, 1, 3, 2] : tensor<1x4x4x16xf32> -> tensor<1x4x16x4xf32>
  %scores = tfm.matmul %q, %kt : tensor<1x4x4x16xf32>, tensor<1x4x16x4xf32> -> tensor<1x4x4x4xf32>
  // expected-remark @+1 {{fusion attention: near miss: intermediate value (the probabilities) has other users}}
  %p = tfm.softmax %scores {axis = -1 : i64} : tensor<1x4x4x4xf32>
  %o = tfm.matmul %p, %v : tensor<1x4x4x4xf32>, tensor<1x4x4x16xf32> -> tensor<1x4x4x16xf32>
  return %o, %p : tensor<1x4x4x16xf32>, tensor<1x4x4x4xf32>
}
