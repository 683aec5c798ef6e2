// RUN: tfc-opt %s --tfm-fuse-rotary | FileCheck %s
// RUN: tfc-opt %s --tfm-fuse-rotary="report=1" -verify-diagnostics -o /dev/null

// RoPE applied in the [1, S, H, D] layout (cos/sin unsqueezed at dim 2),
// freqs as a broadcast product outer(position_ids, inv_freq) with the
// positions a graph input, theta 500000.
// CHECK-LABEL: func.func @seq_heads_layout
// CHECK-SAME: (%[[X:.*]]: tensor<1x?x4x16xf32>, %[[POS:.*]]: tensor<1x?xi64>)
// CHECK-DAG: %[[XS:.*]] = tfm.reshape %[[X]] : tensor<1x?x4x16xf32> -> tensor<?x4x16xf32>
// CHECK-DAG: %[[P:.*]] = tfm.reshape %[[POS]] : tensor<1x?xi64> -> tensor<?xi64>
// CHECK: %[[R:.*]] = tfm.rotary %[[XS]], %[[P]] {theta = 5.000000e+05 : f32} : tensor<?x4x16xf32>, tensor<?xi64>
// CHECK: %[[Y:.*]] = tfm.reshape %[[R]] : tensor<?x4x16xf32> -> tensor<1x?x4x16xf32>
// CHECK: return %[[Y]]
// CHECK-NOT: tfm.cos
func.func @seq_heads_layout(%x: tensor<1x?x4x16xf32>, %pos: tensor<1x?xi64>) -> tensor<1x?x4x16xf32> {
  %c1 = arith.constant 1 : index
  %p1 = tfm.reshape %pos : tensor<1x?xi64> -> tensor<?x1xi64>
  %pf = tfm.cast %p1 : tensor<?x1xi64> -> tensor<?x1xf32>
  %inv = arith.constant dense<[1.0, 0.193922758102417, 0.03760603070259094, 0.00729266507551074, 0.001414213445968926, 0.00027424818836152554, 5.318296462064609e-05, 1.0313385246263351e-05]> : tensor<8xf32>
  %fr = tfm.mul %pf, %inv : tensor<?x1xf32>, tensor<8xf32> -> tensor<?x8xf32>
  %emb = tensor.concat dim(1) %fr, %fr : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x16xf32>
  %cos = tfm.cos %emb : tensor<?x16xf32>
  %sin = tfm.sin %emb : tensor<?x16xf32>
  %cos4 = tfm.reshape %cos : tensor<?x16xf32> -> tensor<1x?x1x16xf32>
  %sin4 = tfm.reshape %sin : tensor<?x16xf32> -> tensor<1x?x1x16xf32>
  %xc = tfm.mul %x, %cos4 : tensor<1x?x4x16xf32>, tensor<1x?x1x16xf32> -> tensor<1x?x4x16xf32>
  %s = tensor.dim %x, %c1 : tensor<1x?x4x16xf32>
  %xa = tensor.extract_slice %x[0, 0, 0, 0] [1, %s, 4, 8] [1, 1, 1, 1] : tensor<1x?x4x16xf32> to tensor<1x?x4x8xf32>
  %xb = tensor.extract_slice %x[0, 0, 0, 8] [1, %s, 4, 8] [1, 1, 1, 1] : tensor<1x?x4x16xf32> to tensor<1x?x4x8xf32>
  %xn = tfm.neg %xb : tensor<1x?x4x8xf32>
  %xh = tensor.concat dim(3) %xn, %xa : (tensor<1x?x4x8xf32>, tensor<1x?x4x8xf32>) -> tensor<1x?x4x16xf32>
  %xs = tfm.mul %xh, %sin4 : tensor<1x?x4x16xf32>, tensor<1x?x1x16xf32> -> tensor<1x?x4x16xf32>
  // expected-remark @+1 {{fusion rotary: fused}}
  %y = tfm.add %xc, %xs : tensor<1x?x4x16xf32>, tensor<1x?x4x16xf32> -> tensor<1x?x4x16xf32>
  return %y : tensor<1x?x4x16xf32>
}

// [1, H, S, D] that is not a transpose of the head split: the rewrite
// transposes in and out around the op. The tables pass through identity
// ops (a multiplication by 1, a cast to their own type).
// CHECK-LABEL: func.func @heads_seq_layout
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x?x16xf32>)
// CHECK: %[[T:.*]] = tfm.transpose %[[X]] [0, 2, 1, 3] : tensor<1x2x?x16xf32> -> tensor<1x?x2x16xf32>
// CHECK: %[[XS:.*]] = tfm.reshape %[[T]] : tensor<1x?x2x16xf32> -> tensor<?x2x16xf32>
// CHECK: %[[R:.*]] = tfm.rotary %[[XS]], %{{.*}} : tensor<?x2x16xf32>, tensor<?xi64>
// CHECK: %[[B:.*]] = tfm.reshape %[[R]] : tensor<?x2x16xf32> -> tensor<1x?x2x16xf32>
// CHECK: %[[Y:.*]] = tfm.transpose %[[B]] [0, 2, 1, 3] : tensor<1x?x2x16xf32> -> tensor<1x2x?x16xf32>
// CHECK: return %[[Y]]
func.func @heads_seq_layout(%x: tensor<1x2x?x16xf32>) -> tensor<1x2x?x16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %s = tensor.dim %x, %c2 : tensor<1x2x?x16xf32>
  %pos = tfm.range %c0, %s, %c1 : tensor<?xi64>
  %pos1 = tfm.reshape %pos : tensor<?xi64> -> tensor<1x1x?xi64>
  %posf = tfm.cast %pos1 : tensor<1x1x?xi64> -> tensor<1x1x?xf32>
  %inv = arith.constant dense<[[[1.0], [0.3162277638912201], [0.10000000149011612], [0.03162277489900589], [0.009999999776482582], [0.003162277629598975], [0.0010000000474974513], [0.0003162277571391314]]]> : tensor<1x8x1xf32>
  %fr = tfm.matmul %inv, %posf : tensor<1x8x1xf32>, tensor<1x1x?xf32> -> tensor<1x8x?xf32>
  %frt = tfm.transpose %fr [0, 2, 1] : tensor<1x8x?xf32> -> tensor<1x?x8xf32>
  %emb = tensor.concat dim(2) %frt, %frt : (tensor<1x?x8xf32>, tensor<1x?x8xf32>) -> tensor<1x?x16xf32>
  %cos0 = tfm.cos %emb : tensor<1x?x16xf32>
  %sin0 = tfm.sin %emb : tensor<1x?x16xf32>
  // HF's cos * attention_scaling (1.0 without rope scaling), .to(dtype)
  %scaling = arith.constant dense<1.000000e+00> : tensor<f32>
  %cos1 = tfm.mul %cos0, %scaling : tensor<1x?x16xf32>, tensor<f32> -> tensor<1x?x16xf32>
  %sin1 = tfm.mul %sin0, %scaling : tensor<1x?x16xf32>, tensor<f32> -> tensor<1x?x16xf32>
  %cos = tfm.cast %cos1 : tensor<1x?x16xf32> -> tensor<1x?x16xf32>
  %sin = tfm.cast %sin1 : tensor<1x?x16xf32> -> tensor<1x?x16xf32>
  %cos4 = tfm.reshape %cos : tensor<1x?x16xf32> -> tensor<1x1x?x16xf32>
  %sin4 = tfm.reshape %sin : tensor<1x?x16xf32> -> tensor<1x1x?x16xf32>
  %xc = tfm.mul %x, %cos4 : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x2x?x16xf32>
  %xa = tensor.extract_slice %x[0, 0, 0, 0] [1, 2, %s, 8] [1, 1, 1, 1] : tensor<1x2x?x16xf32> to tensor<1x2x?x8xf32>
  %xb = tensor.extract_slice %x[0, 0, 0, 8] [1, 2, %s, 8] [1, 1, 1, 1] : tensor<1x2x?x16xf32> to tensor<1x2x?x8xf32>
  %xn = tfm.neg %xb : tensor<1x2x?x8xf32>
  %xh = tensor.concat dim(3) %xn, %xa : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x16xf32>
  %xs = tfm.mul %xh, %sin4 : tensor<1x2x?x16xf32>, tensor<1x1x?x16xf32> -> tensor<1x2x?x16xf32>
  // expected-remark @+1 {{fusion rotary: fused}}
  %y = tfm.add %xs, %xc : tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32> -> tensor<1x2x?x16xf32>
  return %y : tensor<1x2x?x16xf32>
}

// Partial rotary (GPT-NeoX, Phi): the first 8 of 16 features are rotated,
// the rest pass through: x = cat(rope(x[..., :8]), x[..., 8:]).
// CHECK-LABEL: func.func @partial_rotary
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x?x16xf32>, %[[POS:.*]]: tensor<1x?xi64>)
// CHECK: %[[T:.*]] = tfm.transpose %[[X]] [0, 2, 1, 3] : tensor<1x2x?x16xf32> -> tensor<1x?x2x16xf32>
// CHECK: %[[XS:.*]] = tfm.reshape %[[T]] : tensor<1x?x2x16xf32> -> tensor<?x2x16xf32>
// CHECK: %[[P:.*]] = tfm.reshape %[[POS]] : tensor<1x?xi64> -> tensor<?xi64>
// CHECK: %[[R:.*]] = tfm.rotary %[[XS]], %[[P]] {rotary_dim = 8 : i64} : tensor<?x2x16xf32>, tensor<?xi64>
// CHECK: %[[B:.*]] = tfm.reshape %[[R]] : tensor<?x2x16xf32> -> tensor<1x?x2x16xf32>
// CHECK: %[[Y:.*]] = tfm.transpose %[[B]] [0, 2, 1, 3] : tensor<1x?x2x16xf32> -> tensor<1x2x?x16xf32>
// CHECK: return %[[Y]]
// CHECK-NOT: tensor.concat
func.func @partial_rotary(%x: tensor<1x2x?x16xf32>, %pos: tensor<1x?xi64>) -> tensor<1x2x?x16xf32> {
  %c2 = arith.constant 2 : index
  %p1 = tfm.reshape %pos : tensor<1x?xi64> -> tensor<?x1xi64>
  %pf = tfm.cast %p1 : tensor<?x1xi64> -> tensor<?x1xf32>
  %inv = arith.constant dense<[1.0, 0.1, 0.01, 0.001]> : tensor<4xf32>
  %fr = tfm.mul %pf, %inv : tensor<?x1xf32>, tensor<4xf32> -> tensor<?x4xf32>
  %emb = tensor.concat dim(1) %fr, %fr : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x8xf32>
  %cos = tfm.cos %emb : tensor<?x8xf32>
  %sin = tfm.sin %emb : tensor<?x8xf32>
  %cos4 = tfm.reshape %cos : tensor<?x8xf32> -> tensor<1x1x?x8xf32>
  %sin4 = tfm.reshape %sin : tensor<?x8xf32> -> tensor<1x1x?x8xf32>
  %s = tensor.dim %x, %c2 : tensor<1x2x?x16xf32>
  %xr = tensor.extract_slice %x[0, 0, 0, 0] [1, 2, %s, 8] [1, 1, 1, 1] : tensor<1x2x?x16xf32> to tensor<1x2x?x8xf32>
  %xp = tensor.extract_slice %x[0, 0, 0, 8] [1, 2, %s, 8] [1, 1, 1, 1] : tensor<1x2x?x16xf32> to tensor<1x2x?x8xf32>
  %xc = tfm.mul %xr, %cos4 : tensor<1x2x?x8xf32>, tensor<1x1x?x8xf32> -> tensor<1x2x?x8xf32>
  %xa = tensor.extract_slice %xr[0, 0, 0, 0] [1, 2, %s, 4] [1, 1, 1, 1] : tensor<1x2x?x8xf32> to tensor<1x2x?x4xf32>
  %xb = tensor.extract_slice %xr[0, 0, 0, 4] [1, 2, %s, 4] [1, 1, 1, 1] : tensor<1x2x?x8xf32> to tensor<1x2x?x4xf32>
  %xn = tfm.neg %xb : tensor<1x2x?x4xf32>
  %xh = tensor.concat dim(3) %xn, %xa : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x8xf32>
  %xs = tfm.mul %xh, %sin4 : tensor<1x2x?x8xf32>, tensor<1x1x?x8xf32> -> tensor<1x2x?x8xf32>
  // expected-remark @+1 {{fusion rotary: fused}}
  %xrot = tfm.add %xc, %xs : tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32> -> tensor<1x2x?x8xf32>
  %y = tensor.concat dim(3) %xrot, %xp : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x16xf32>
  return %y : tensor<1x2x?x16xf32>
}
