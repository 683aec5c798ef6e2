// RUN: tfc-opt %s --tfm-fuse-attention | FileCheck %s
// RUN: tfc-opt %s --tfm-fuse-attention="report=1" -verify-diagnostics -o /dev/null

// The causal mask of transformers <= 4.35 (_make_causal_mask), which LLaMA
// exports at opset 13 (no Trilu): full((S, S), finfo.min).masked_fill(
// arange(S) < (arange(S) + 1).view(S, 1), 0), unsqueezed and expanded to
// [1, 1, S, S], then sliced to the key length in the attention layer. The
// range bounds are read from one-element tensors, as the ONNX importer
// writes them.

#b4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// CHECK-LABEL: func.func @masked_fill_mask
// CHECK: tfm.attention {{.*}} {causal, scale = 2.500000e-01 : f32} : tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32> -> tensor<?x4x16xf32>
// CHECK-NOT: tfm.softmax
func.func @masked_fill_mask(%x: tensor<1x?x64xf32>) -> tensor<1x?x64xf32> {
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %wq = tfm.weight "q.weight" : tensor<64x64xf32>
  %wk = tfm.weight "k.weight" : tensor<64x64xf32>
  %wv = tfm.weight "v.weight" : tensor<64x64xf32>
  %q0 = tfm.linear %x, %wq : tensor<1x?x64xf32>, tensor<64x64xf32> -> tensor<1x?x64xf32>
  %k0 = tfm.linear %x, %wk : tensor<1x?x64xf32>, tensor<64x64xf32> -> tensor<1x?x64xf32>
  %v0 = tfm.linear %x, %wv : tensor<1x?x64xf32>, tensor<64x64xf32> -> tensor<1x?x64xf32>
  %q1 = tfm.reshape %q0 : tensor<1x?x64xf32> -> tensor<1x?x4x16xf32>
  %q = tfm.transpose %q1 [0, 2, 1, 3] : tensor<1x?x4x16xf32> -> tensor<1x4x?x16xf32>
  %k1 = tfm.reshape %k0 : tensor<1x?x64xf32> -> tensor<1x?x4x16xf32>
  %k = tfm.transpose %k1 [0, 2, 1, 3] : tensor<1x?x4x16xf32> -> tensor<1x4x?x16xf32>
  %v1 = tfm.reshape %v0 : tensor<1x?x64xf32> -> tensor<1x?x4x16xf32>
  %v = tfm.transpose %v1 [0, 2, 1, 3] : tensor<1x?x4x16xf32> -> tensor<1x4x?x16xf32>
  %kt = tfm.transpose %k [0, 1, 3, 2] : tensor<1x4x?x16xf32> -> tensor<1x4x16x?xf32>
  %scores = tfm.matmul %q, %kt : tensor<1x4x?x16xf32>, tensor<1x4x16x?xf32> -> tensor<1x4x?x?xf32>
  %four = arith.constant dense<4.000000e+00> : tensor<f32>
  %scaled = tfm.div %scores, %four : tensor<1x4x?x?xf32>, tensor<f32> -> tensor<1x4x?x?xf32>

  // mask_cond = arange(S); mask_cond < (mask_cond + 1).view(S, 1)
  %s = tensor.dim %x, %c1 : tensor<1x?x64xf32>
  %zero_t = arith.constant dense<0> : tensor<i64>
  %one_t = arith.constant dense<1> : tensor<i64>
  %z = tensor.extract %zero_t[] : tensor<i64>
  %start = arith.index_cast %z : i64 to index
  %o = tensor.extract %one_t[] : tensor<i64>
  %delta = arith.index_cast %o : i64 to index
  %cond = tfm.range %start, %s, %delta : tensor<?xi64>
  %one = arith.constant dense<1> : tensor<1xi64>
  %next = tfm.add %cond, %one : tensor<?xi64>, tensor<1xi64> -> tensor<?xi64>
  %col = tfm.reshape %next : tensor<?xi64> -> tensor<?x1xi64>
  %lt = tfm.less %cond, %col : tensor<?xi64>, tensor<?x1xi64> -> tensor<?x?xi1>
  %min = arith.constant -3.40282347E+38 : f32
  %e = tensor.empty(%s, %s) : tensor<?x?xf32>
  %full = linalg.fill ins(%min : f32) outs(%e : tensor<?x?xf32>) -> tensor<?x?xf32>
  %zf = arith.constant dense<0.000000e+00> : tensor<f32>
  %m2 = tfm.where %lt, %zf, %full : tensor<?x?xi1>, tensor<f32>, tensor<?x?xf32> -> tensor<?x?xf32>
  %m4 = tensor.expand_shape %m2 [[0, 1, 2], [3]] output_shape [1, 1, %s, %s] : tensor<?x?xf32> into tensor<1x1x?x?xf32>
  %e4 = tensor.empty(%s, %s) : tensor<1x1x?x?xf32>
  %mx = linalg.generic {indexing_maps = [#b4, #b4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%m4 : tensor<1x1x?x?xf32>) outs(%e4 : tensor<1x1x?x?xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x1x?x?xf32>
  // attention_mask[:, :, :, :key_len]
  %kl = tensor.dim %k, %c3 : tensor<1x4x?x16xf32>
  %mask = tensor.extract_slice %mx[0, 0, 0, 0] [1, 1, %s, %kl] [1, 1, 1, 1] : tensor<1x1x?x?xf32> to tensor<1x1x?x?xf32>
  %masked = tfm.add %scaled, %mask : tensor<1x4x?x?xf32>, tensor<1x1x?x?xf32> -> tensor<1x4x?x?xf32>
  // expected-remark @+1 {{fusion attention: fused}}
  %p = tfm.softmax %masked {axis = -1 : i64} : tensor<1x4x?x?xf32>
  %out = tfm.matmul %p, %v : tensor<1x4x?x?xf32>, tensor<1x4x?x16xf32> -> tensor<1x4x?x16xf32>
  %ot = tfm.transpose %out [0, 2, 1, 3] : tensor<1x4x?x16xf32> -> tensor<1x?x4x16xf32>
  %y = tfm.reshape %ot : tensor<1x?x4x16xf32> -> tensor<1x?x64xf32>
  return %y : tensor<1x?x64xf32>
}
