// RUN: tfc-opt %s --tfm-fuse-attention | FileCheck %s
// RUN: tfc-opt %s --tfm-fuse-attention="report=1" -verify-diagnostics -o /dev/null

// F.scaled_dot_product_attention(q, k, v, is_causal=True) as the torch >= 2.1
// ONNX symbolic (opset 14+) writes it: q and k^T each scaled by
// sqrt(1 / sqrt(D)), the mask built as where(tril(expand(1.0, [Sq, Sk])) == 0,
// -inf, 0) and added to the scores.

#b2 = affine_map<(d0, d1) -> (0)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>

// CHECK-LABEL: func.func @sdpa
// CHECK-SAME: (%[[X:.*]]: tensor<1x?x64xf32>)
// CHECK-DAG: %[[WQ:.*]] = tfm.weight "q.weight"
// CHECK-DAG: %[[WK:.*]] = tfm.weight "k.weight"
// CHECK-DAG: %[[WV:.*]] = tfm.weight "v.weight"
// CHECK-DAG: %[[Q0:.*]] = tfm.linear %[[X]], %[[WQ]]
// CHECK-DAG: %[[K0:.*]] = tfm.linear %[[X]], %[[WK]]
// CHECK-DAG: %[[V0:.*]] = tfm.linear %[[X]], %[[WV]]
// CHECK-DAG: %[[QS:.*]] = tfm.reshape %[[Q0]] : tensor<1x?x64xf32> -> tensor<?x4x16xf32>
// CHECK-DAG: %[[KS:.*]] = tfm.reshape %[[K0]] : tensor<1x?x64xf32> -> tensor<?x4x16xf32>
// CHECK-DAG: %[[VS:.*]] = tfm.reshape %[[V0]] : tensor<1x?x64xf32> -> tensor<?x4x16xf32>
// CHECK: %[[A:.*]] = tfm.attention %[[QS]], %[[KS]], %[[VS]] {causal, scale = 2.500000e-01 : f32}
// CHECK: %[[R:.*]] = tfm.reshape %[[A]] : tensor<?x4x16xf32> -> tensor<1x?x4x16xf32>
// CHECK: %[[O:.*]] = tfm.transpose %[[R]] [0, 2, 1, 3] : tensor<1x?x4x16xf32> -> tensor<1x4x?x16xf32>
// CHECK: return %[[O]]
// CHECK-NOT: tfm.softmax
func.func @sdpa(%x: tensor<1x?x64xf32>) -> tensor<1x4x?x16xf32> {
  %c2 = arith.constant 2 : index
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
  // scale = 1 / sqrt(Cast(Shape(q)[-1])), each side multiplied by its sqrt.
  %one = arith.constant dense<1.000000e+00> : tensor<1xf32>
  %d = arith.constant dense<16> : tensor<1xi64>
  %df = tfm.cast %d : tensor<1xi64> -> tensor<1xf32>
  %sd = tfm.sqrt %df : tensor<1xf32>
  %scale = tfm.div %one, %sd : tensor<1xf32>, tensor<1xf32> -> tensor<1xf32>
  %root = tfm.sqrt %scale : tensor<1xf32>
  %kt = tfm.transpose %k [0, 1, 3, 2] : tensor<1x4x?x16xf32> -> tensor<1x4x16x?xf32>
  %qs = tfm.mul %q, %root : tensor<1x4x?x16xf32>, tensor<1xf32> -> tensor<1x4x?x16xf32>
  %ks = tfm.mul %kt, %root : tensor<1x4x16x?xf32>, tensor<1xf32> -> tensor<1x4x16x?xf32>
  %scores = tfm.matmul %qs, %ks : tensor<1x4x?x16xf32>, tensor<1x4x16x?xf32> -> tensor<1x4x?x?xf32>
  // The causal mask.
  %sq = tensor.dim %q, %c2 : tensor<1x4x?x16xf32>
  %sk = tensor.dim %k, %c2 : tensor<1x4x?x16xf32>
  %e = tensor.empty(%sq, %sk) : tensor<?x?xf32>
  %ones = linalg.generic {indexing_maps = [#b2, #id2], iterator_types = ["parallel", "parallel"]} ins(%one : tensor<1xf32>) outs(%e : tensor<?x?xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<?x?xf32>
  %tril = tfm.trilu %ones : tensor<?x?xf32>
  %zero = arith.constant dense<0.000000e+00> : tensor<1xf32>
  %ninf = arith.constant dense<0xFF800000> : tensor<1xf32>
  %upper = tfm.equal %tril, %zero : tensor<?x?xf32>, tensor<1xf32> -> tensor<?x?xi1>
  %mask = tfm.where %upper, %ninf, %zero : tensor<?x?xi1>, tensor<1xf32>, tensor<1xf32> -> tensor<?x?xf32>
  %masked = tfm.add %scores, %mask : tensor<1x4x?x?xf32>, tensor<?x?xf32> -> tensor<1x4x?x?xf32>
  // expected-remark @+1 {{fusion attention: fused}}
  %p = tfm.softmax %masked {axis = -1 : i64} : tensor<1x4x?x?xf32>
  %o = tfm.matmul %p, %v : tensor<1x4x?x?xf32>, tensor<1x4x?x16xf32> -> tensor<1x4x?x16xf32>
  return %o : tensor<1x4x?x16xf32>
}
