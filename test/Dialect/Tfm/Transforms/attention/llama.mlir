// RUN: tfc-opt %s --tfm-fuse-rotary --tfm-fuse-attention | FileCheck %s
// RUN: tfc-opt %s --tfm-fuse-rotary="report=1" --tfm-fuse-attention="report=1" -verify-diagnostics -o /dev/null

// LLaMA attention as torch.onnx.export writes it (HF LlamaAttention, eager,
// opset 14): q/k/v linears, view(1, S, H, D).transpose(1, 2), RoPE with the
// inv_freq buffer (theta 10000, head_dim 16): freqs = (inv_freq[None, :, None]
// @ positions[:, None, :].float()).transpose(1, 2), emb = cat(freqs, freqs),
// q * cos + rotate_half(q) * sin; GQA repeat_kv (2 key/value heads for 4
// query heads) as unsqueeze + expand + reshape; the causal mask as
// triu(full(finfo.min), 1) added to the scores.

#bcast = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, 0, d3, d4)>
#id5 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>

// CHECK-LABEL: func.func @llama
// CHECK-SAME: (%[[X:.*]]: tensor<1x?x64xf32>)
// CHECK-DAG: %[[Q0:.*]] = tfm.linear %[[X]], %{{.*}} : tensor<1x?x64xf32>, tensor<64x64xf32> -> tensor<1x?x64xf32>
// CHECK-DAG: %[[K0:.*]] = tfm.linear %[[X]], %{{.*}} : tensor<1x?x64xf32>, tensor<32x64xf32> -> tensor<1x?x32xf32>
// CHECK-DAG: %[[V0:.*]] = tfm.linear %[[X]], %{{.*}} : tensor<1x?x64xf32>, tensor<32x64xf32> -> tensor<1x?x32xf32>
// CHECK-DAG: %[[POS:.*]] = tfm.range %{{.*}}, %{{.*}}, %{{.*}} : tensor<?xi64>
// CHECK-DAG: %[[QI:.*]] = tfm.reshape %[[Q0]] : tensor<1x?x64xf32> -> tensor<?x4x16xf32>
// CHECK-DAG: %[[KI:.*]] = tfm.reshape %[[K0]] : tensor<1x?x32xf32> -> tensor<?x2x16xf32>
// CHECK-DAG: %[[QR:.*]] = tfm.rotary %[[QI]], %[[POS]] : tensor<?x4x16xf32>, tensor<?xi64>
// CHECK-DAG: %[[KR:.*]] = tfm.rotary %[[KI]], %[[POS]] : tensor<?x2x16xf32>, tensor<?xi64>
// CHECK-DAG: %[[V:.*]] = tfm.reshape %[[V0]] : tensor<1x?x32xf32> -> tensor<?x2x16xf32>
// CHECK: %[[A:.*]] = tfm.attention %[[QR]], %[[KR]], %[[V]] {causal, scale = 2.500000e-01 : f32} : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32> -> tensor<?x4x16xf32>
// CHECK: %[[M:.*]] = tfm.reshape %[[A]] : tensor<?x4x16xf32> -> tensor<1x?x64xf32>
// CHECK: %[[Y:.*]] = tfm.linear %[[M]]
// CHECK: return %[[Y]]
// CHECK-NOT: tfm.softmax
// CHECK-NOT: tfm.cos
func.func @llama(%x: tensor<1x?x64xf32>) -> tensor<1x?x64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %wq = tfm.weight "q_proj.weight" : tensor<64x64xf32>
  %wk = tfm.weight "k_proj.weight" : tensor<32x64xf32>
  %wv = tfm.weight "v_proj.weight" : tensor<32x64xf32>
  %wo = tfm.weight "o_proj.weight" : tensor<64x64xf32>
  %q0 = tfm.linear %x, %wq : tensor<1x?x64xf32>, tensor<64x64xf32> -> tensor<1x?x64xf32>
  %k0 = tfm.linear %x, %wk : tensor<1x?x64xf32>, tensor<32x64xf32> -> tensor<1x?x32xf32>
  %v0 = tfm.linear %x, %wv : tensor<1x?x64xf32>, tensor<32x64xf32> -> tensor<1x?x32xf32>
  %q1 = tfm.reshape %q0 : tensor<1x?x64xf32> -> tensor<1x?x4x16xf32>
  %q = tfm.transpose %q1 [0, 2, 1, 3] : tensor<1x?x4x16xf32> -> tensor<1x4x?x16xf32>
  %k1 = tfm.reshape %k0 : tensor<1x?x32xf32> -> tensor<1x?x2x16xf32>
  %k = tfm.transpose %k1 [0, 2, 1, 3] : tensor<1x?x2x16xf32> -> tensor<1x2x?x16xf32>
  %v1 = tfm.reshape %v0 : tensor<1x?x32xf32> -> tensor<1x?x2x16xf32>
  %v = tfm.transpose %v1 [0, 2, 1, 3] : tensor<1x?x2x16xf32> -> tensor<1x2x?x16xf32>

  // Rotary tables.
  %s = tensor.dim %x, %c1 : tensor<1x?x64xf32>
  %pos = tfm.range %c0, %s, %c1 : tensor<?xi64>
  %pos1 = tfm.reshape %pos : tensor<?xi64> -> tensor<1x1x?xi64>
  %posf = tfm.cast %pos1 : tensor<1x1x?xi64> -> tensor<1x1x?xf32>
  %inv = arith.constant dense<[[[1.0], [0.3162277638912201], [0.10000000149011612], [0.03162277489900589], [0.009999999776482582], [0.003162277629598975], [0.0010000000474974513], [0.0003162277571391314]]]> : tensor<1x8x1xf32>
  %fr = tfm.matmul %inv, %posf : tensor<1x8x1xf32>, tensor<1x1x?xf32> -> tensor<1x8x?xf32>
  %frt = tfm.transpose %fr [0, 2, 1] : tensor<1x8x?xf32> -> tensor<1x?x8xf32>
  %emb = tensor.concat dim(2) %frt, %frt : (tensor<1x?x8xf32>, tensor<1x?x8xf32>) -> tensor<1x?x16xf32>
  %cos = tfm.cos %emb : tensor<1x?x16xf32>
  %sin = tfm.sin %emb : tensor<1x?x16xf32>
  %cos4 = tfm.reshape %cos : tensor<1x?x16xf32> -> tensor<1x1x?x16xf32>
  %sin4 = tfm.reshape %sin : tensor<1x?x16xf32> -> tensor<1x1x?x16xf32>

  // q * cos + rotate_half(q) * sin
  %qc = tfm.mul %q, %cos4 : tensor<1x4x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x4x?x16xf32>
  %sq = tensor.dim %q, %c2 : tensor<1x4x?x16xf32>
  %qa = tensor.extract_slice %q[0, 0, 0, 0] [1, 4, %sq, 8] [1, 1, 1, 1] : tensor<1x4x?x16xf32> to tensor<1x4x?x8xf32>
  %qb = tensor.extract_slice %q[0, 0, 0, 8] [1, 4, %sq, 8] [1, 1, 1, 1] : tensor<1x4x?x16xf32> to tensor<1x4x?x8xf32>
  %qn = tfm.neg %qb : tensor<1x4x?x8xf32>
  %qh = tensor.concat dim(3) %qn, %qa : (tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>) -> tensor<1x4x?x16xf32>
  %qs = tfm.mul %qh, %sin4 : tensor<1x4x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x4x?x16xf32>
  // expected-remark @+1 {{fusion rotary: fused}}
  %qr = tfm.add %qc, %qs : tensor<1x4x?x16xf32>, tensor<1x4x?x16xf32> -> tensor<1x4x?x16xf32>

  // k * cos + rotate_half(k) * sin, operands the other way around.
  %kc = tfm.mul %cos4, %k : tensor<1x1x?x16xf32>, tensor<1x2x?x16xf32> -> tensor<1x2x?x16xf32>
  %sk = tensor.dim %k, %c2 : tensor<1x2x?x16xf32>
  %ka = tensor.extract_slice %k[0, 0, 0, 0] [1, 2, %sk, 8] [1, 1, 1, 1] : tensor<1x2x?x16xf32> to tensor<1x2x?x8xf32>
  %kb = tensor.extract_slice %k[0, 0, 0, 8] [1, 2, %sk, 8] [1, 1, 1, 1] : tensor<1x2x?x16xf32> to tensor<1x2x?x8xf32>
  %kn = tfm.neg %kb : tensor<1x2x?x8xf32>
  %kh = tensor.concat dim(3) %kn, %ka : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x16xf32>
  %ks = tfm.mul %sin4, %kh : tensor<1x1x?x16xf32>, tensor<1x2x?x16xf32> -> tensor<1x2x?x16xf32>
  // expected-remark @+1 {{fusion rotary: fused}}
  %kr = tfm.add %ks, %kc : tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32> -> tensor<1x2x?x16xf32>

  // repeat_kv: [1, 2, S, 16] -> [1, 2, 1, S, 16] -> expand [1, 2, 2, S, 16] -> [1, 4, S, 16]
  %k5 = tfm.reshape %kr : tensor<1x2x?x16xf32> -> tensor<1x2x1x?x16xf32>
  %ke = tensor.empty(%s) : tensor<1x2x2x?x16xf32>
  %kx = linalg.generic {indexing_maps = [#bcast, #id5], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%k5 : tensor<1x2x1x?x16xf32>) outs(%ke : tensor<1x2x2x?x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x2x2x?x16xf32>
  %k4 = tfm.reshape %kx : tensor<1x2x2x?x16xf32> -> tensor<1x4x?x16xf32>
  %v5 = tfm.reshape %v : tensor<1x2x?x16xf32> -> tensor<1x2x1x?x16xf32>
  %ve = tensor.empty(%s) : tensor<1x2x2x?x16xf32>
  %vx = linalg.generic {indexing_maps = [#bcast, #id5], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%v5 : tensor<1x2x1x?x16xf32>) outs(%ve : tensor<1x2x2x?x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x2x2x?x16xf32>
  %v4 = tfm.reshape %vx : tensor<1x2x2x?x16xf32> -> tensor<1x4x?x16xf32>

  %kt = tfm.transpose %k4 [0, 1, 3, 2] : tensor<1x4x?x16xf32> -> tensor<1x4x16x?xf32>
  %scores = tfm.matmul %qr, %kt : tensor<1x4x?x16xf32>, tensor<1x4x16x?xf32> -> tensor<1x4x?x?xf32>
  %four = arith.constant dense<4.000000e+00> : tensor<f32>
  %scaled = tfm.div %scores, %four : tensor<1x4x?x?xf32>, tensor<f32> -> tensor<1x4x?x?xf32>
  %min = arith.constant -3.40282347E+38 : f32
  %me = tensor.empty(%s, %s) : tensor<?x?xf32>
  %full = linalg.fill ins(%min : f32) outs(%me : tensor<?x?xf32>) -> tensor<?x?xf32>
  %tri = tfm.trilu %full {diagonal = 1 : i64, upper} : tensor<?x?xf32>
  %mask = tensor.expand_shape %tri [[0, 1, 2], [3]] output_shape [1, 1, %s, %s] : tensor<?x?xf32> into tensor<1x1x?x?xf32>
  %masked = tfm.add %scaled, %mask : tensor<1x4x?x?xf32>, tensor<1x1x?x?xf32> -> tensor<1x4x?x?xf32>
  // expected-remark @+1 {{fusion attention: fused}}
  %p = tfm.softmax %masked {axis = -1 : i64} : tensor<1x4x?x?xf32>
  %p1 = tfm.cast %p : tensor<1x4x?x?xf32> -> tensor<1x4x?x?xf32>
  %o = tfm.matmul %p1, %v4 : tensor<1x4x?x?xf32>, tensor<1x4x?x16xf32> -> tensor<1x4x?x16xf32>
  %ot = tfm.transpose %o [0, 2, 1, 3] : tensor<1x4x?x16xf32> -> tensor<1x?x4x16xf32>
  %m = tfm.reshape %ot : tensor<1x?x4x16xf32> -> tensor<1x?x64xf32>
  %y = tfm.linear %m, %wo : tensor<1x?x64xf32>, tensor<64x64xf32> -> tensor<1x?x64xf32>
  return %y : tensor<1x?x64xf32>
}
