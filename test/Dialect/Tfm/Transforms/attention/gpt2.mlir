// RUN: tfc-opt %s --tfm-fuse-attention | FileCheck %s
// RUN: tfc-opt %s --tfm-fuse-attention="report=1" -verify-diagnostics -o /dev/null

// GPT-2 attention as torch.onnx.export writes it (HF GPT2Attention, eager):
// c_attn -> split -> view(1, S, H, D).permute(0, 2, 1, 3), q @ k^T with k
// permuted (0, 2, 3, 1) directly, / sqrt(D), the registered lower-triangular
// `bias` buffer sliced [:, :, 0:S, 0:S], where(mask, w, finfo.min), softmax,
// @ v, permute back and merge heads.

// CHECK-LABEL: func.func @gpt2
// CHECK-SAME: (%[[X:.*]]: tensor<1x?x64xf32>)
// CHECK: %[[QKV:.*]] = tfm.linear %[[X]]
// CHECK-DAG: %[[Q0:.*]] = tensor.extract_slice %[[QKV]][0, 0, 0]
// CHECK-DAG: %[[K0:.*]] = tensor.extract_slice %[[QKV]][0, 0, 64]
// CHECK-DAG: %[[V0:.*]] = tensor.extract_slice %[[QKV]][0, 0, 128]
// CHECK-DAG: %[[Q:.*]] = tfm.reshape %[[Q0]] : tensor<1x?x64xf32> -> tensor<?x4x16xf32>
// CHECK-DAG: %[[K:.*]] = tfm.reshape %[[K0]] : tensor<1x?x64xf32> -> tensor<?x4x16xf32>
// CHECK-DAG: %[[V:.*]] = tfm.reshape %[[V0]] : tensor<1x?x64xf32> -> tensor<?x4x16xf32>
// CHECK: %[[A:.*]] = tfm.attention %[[Q]], %[[K]], %[[V]] {causal, scale = 2.500000e-01 : f32} : tensor<?x4x16xf32>, tensor<?x4x16xf32>, tensor<?x4x16xf32> -> tensor<?x4x16xf32>
// CHECK: %[[Y:.*]] = tfm.reshape %[[A]] : tensor<?x4x16xf32> -> tensor<1x?x64xf32>
// CHECK: return %[[Y]]
// CHECK-NOT: tfm.softmax
func.func @gpt2(%x: tensor<1x?x64xf32>) -> tensor<1x?x64xf32> {
  %c1 = arith.constant 1 : index
  %w = tfm.weight "h.0.attn.c_attn.weight" : tensor<64x192xf32>
  %b = tfm.weight "h.0.attn.c_attn.bias" : tensor<192xf32>
  %qkv = tfm.linear %x, %w, %b {weight_layout = #tfm.weight_layout<in_out>} : tensor<1x?x64xf32>, tensor<64x192xf32>, tensor<192xf32> -> tensor<1x?x192xf32>
  %s = tensor.dim %qkv, %c1 : tensor<1x?x192xf32>
  %q0 = tensor.extract_slice %qkv[0, 0, 0] [1, %s, 64] [1, 1, 1] : tensor<1x?x192xf32> to tensor<1x?x64xf32>
  %k0 = tensor.extract_slice %qkv[0, 0, 64] [1, %s, 64] [1, 1, 1] : tensor<1x?x192xf32> to tensor<1x?x64xf32>
  %v0 = tensor.extract_slice %qkv[0, 0, 128] [1, %s, 64] [1, 1, 1] : tensor<1x?x192xf32> to tensor<1x?x64xf32>
  %q1 = tfm.reshape %q0 : tensor<1x?x64xf32> -> tensor<1x?x4x16xf32>
  %q = tfm.transpose %q1 [0, 2, 1, 3] : tensor<1x?x4x16xf32> -> tensor<1x4x?x16xf32>
  %k1 = tfm.reshape %k0 : tensor<1x?x64xf32> -> tensor<1x?x4x16xf32>
  %kt = tfm.transpose %k1 [0, 2, 3, 1] : tensor<1x?x4x16xf32> -> tensor<1x4x16x?xf32>
  %v1 = tfm.reshape %v0 : tensor<1x?x64xf32> -> tensor<1x?x4x16xf32>
  %v = tfm.transpose %v1 [0, 2, 1, 3] : tensor<1x?x4x16xf32> -> tensor<1x4x?x16xf32>
  %scores = tfm.matmul %q, %kt : tensor<1x4x?x16xf32>, tensor<1x4x16x?xf32> -> tensor<1x4x?x?xf32>
  // The exporter computes the divisor from the shape: 0 + Cast(16) ^ 0.5.
  %zero = arith.constant dense<0.0> : tensor<f32>
  %d = arith.constant dense<16> : tensor<i64>
  %df = tfm.cast %d : tensor<i64> -> tensor<f32>
  %half = arith.constant dense<5.000000e-01> : tensor<f32>
  %sqrt = tfm.pow %df, %half : tensor<f32>, tensor<f32> -> tensor<f32>
  %div = tfm.add %zero, %sqrt : tensor<f32>, tensor<f32> -> tensor<f32>
  %scaled = tfm.div %scores, %div : tensor<1x4x?x?xf32>, tensor<f32> -> tensor<1x4x?x?xf32>
  %bias = arith.constant dense<[[[[true, false, false, false, false, false, false, false], [true, true, false, false, false, false, false, false], [true, true, true, false, false, false, false, false], [true, true, true, true, false, false, false, false], [true, true, true, true, true, false, false, false], [true, true, true, true, true, true, false, false], [true, true, true, true, true, true, true, false], [true, true, true, true, true, true, true, true]]]]> : tensor<1x1x8x8xi1>
  %mask = tensor.extract_slice %bias[0, 0, 0, 0] [1, 1, %s, %s] [1, 1, 1, 1] : tensor<1x1x8x8xi1> to tensor<1x1x?x?xi1>
  %min = arith.constant dense<-3.40282347E+38> : tensor<f32>
  %masked = tfm.where %mask, %scaled, %min : tensor<1x1x?x?xi1>, tensor<1x4x?x?xf32>, tensor<f32> -> tensor<1x4x?x?xf32>
  // expected-remark @+1 {{fusion attention: fused}}
  %p = tfm.softmax %masked {axis = -1 : i64} : tensor<1x4x?x?xf32>
  %o = tfm.matmul %p, %v : tensor<1x4x?x?xf32>, tensor<1x4x?x16xf32> -> tensor<1x4x?x16xf32>
  %ot = tfm.transpose %o [0, 2, 1, 3] : tensor<1x4x?x16xf32> -> tensor<1x?x4x16xf32>
  %y = tfm.reshape %ot : tensor<1x?x4x16xf32> -> tensor<1x?x64xf32>
  return %y : tensor<1x?x64xf32>
}

// The same with the legacy masked_bias (-1e4) and the mask selecting the
// masked entries instead: where(!mask, -1e4, w).
// CHECK-LABEL: func.func @gpt2_inverted_where
// CHECK: tfm.attention {{.*}} {causal, scale = 2.500000e-01 : f32}
// CHECK-NOT: tfm.softmax
func.func @gpt2_inverted_where(%q: tensor<1x4x?x16xf32>, %v: tensor<1x4x?x16xf32>) -> tensor<1x4x?x16xf32> {
  %c2 = arith.constant 2 : index
  %s = tensor.dim %q, %c2 : tensor<1x4x?x16xf32>
  %kt = tfm.transpose %q [0, 1, 3, 2] : tensor<1x4x?x16xf32> -> tensor<1x4x16x?xf32>
  %scores = tfm.matmul %q, %kt : tensor<1x4x?x16xf32>, tensor<1x4x16x?xf32> -> tensor<1x4x?x?xf32>
  %c = arith.constant dense<2.500000e-01> : tensor<1xf32>
  %scaled = tfm.mul %c, %scores : tensor<1xf32>, tensor<1x4x?x?xf32> -> tensor<1x4x?x?xf32>
  %bias = arith.constant dense<[[[[true, false, false, false, false, false, false, false], [true, true, false, false, false, false, false, false], [true, true, true, false, false, false, false, false], [true, true, true, true, false, false, false, false], [true, true, true, true, true, false, false, false], [true, true, true, true, true, true, false, false], [true, true, true, true, true, true, true, false], [true, true, true, true, true, true, true, true]]]]> : tensor<1x1x8x8xi1>
  %mask = tensor.extract_slice %bias[0, 0, 0, 0] [1, 1, %s, %s] [1, 1, 1, 1] : tensor<1x1x8x8xi1> to tensor<1x1x?x?xi1>
  %inv = tfm.not %mask : tensor<1x1x?x?xi1>
  %neg = arith.constant dense<-1.000000e+04> : tensor<f32>
  %masked = tfm.where %inv, %neg, %scaled : tensor<1x1x?x?xi1>, tensor<f32>, tensor<1x4x?x?xf32> -> tensor<1x4x?x?xf32>
  // expected-remark @+1 {{fusion attention: fused}}
  %p = tfm.softmax %masked {axis = 3 : i64} : tensor<1x4x?x?xf32>
  %o = tfm.matmul %p, %v : tensor<1x4x?x?xf32>, tensor<1x4x?x16xf32> -> tensor<1x4x?x16xf32>
  return %o : tensor<1x4x?x16xf32>
}

// The mask slice as transformers writes it, bias[:, :, key_len - query_len :
// key_len, :key_len], with the offset computed at run time from the two
// lengths (the same dimension of the input here), and the scores cast to
// their own type before the where.
// CHECK-LABEL: func.func @gpt2_key_offset
// CHECK: tfm.attention {{.*}} {causal, scale = 1.250000e-01 : f32} : tensor<?x4x64xf32>, tensor<?x4x64xf32>, tensor<?x4x64xf32> -> tensor<?x4x64xf32>
// CHECK-NOT: tfm.softmax
func.func @gpt2_key_offset(%qkv: tensor<1x?x768xf32>) -> tensor<1x?x256xf32> {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %s = tensor.dim %qkv, %c1 : tensor<1x?x768xf32>
  %q0 = tensor.extract_slice %qkv[0, 0, 0] [1, %s, 256] [1, 1, 1] : tensor<1x?x768xf32> to tensor<1x?x256xf32>
  %k0 = tensor.extract_slice %qkv[0, 0, 256] [1, %s, 256] [1, 1, 1] : tensor<1x?x768xf32> to tensor<1x?x256xf32>
  %v0 = tensor.extract_slice %qkv[0, 0, 512] [1, %s, 256] [1, 1, 1] : tensor<1x?x768xf32> to tensor<1x?x256xf32>
  %q1 = tfm.reshape %q0 : tensor<1x?x256xf32> -> tensor<1x?x4x64xf32>
  %q = tfm.transpose %q1 [0, 2, 1, 3] : tensor<1x?x4x64xf32> -> tensor<1x4x?x64xf32>
  %k1 = tfm.reshape %k0 : tensor<1x?x256xf32> -> tensor<1x?x4x64xf32>
  %kt = tfm.transpose %k1 [0, 2, 3, 1] : tensor<1x?x4x64xf32> -> tensor<1x4x64x?xf32>
  %v1 = tfm.reshape %v0 : tensor<1x?x256xf32> -> tensor<1x?x4x64xf32>
  %v = tfm.transpose %v1 [0, 2, 1, 3] : tensor<1x?x4x64xf32> -> tensor<1x4x?x64xf32>
  %scores = tfm.matmul %q, %kt : tensor<1x4x?x64xf32>, tensor<1x4x64x?xf32> -> tensor<1x4x?x?xf32>
  %d = arith.constant dense<8.000000e+00> : tensor<f32>
  %scaled = tfm.div %scores, %d : tensor<1x4x?x?xf32>, tensor<f32> -> tensor<1x4x?x?xf32>
  %ql = tensor.dim %q, %c2 : tensor<1x4x?x64xf32>
  %kl = tensor.dim %kt, %c3 : tensor<1x4x64x?xf32>
  %off = arith.subi %kl, %ql : index
  %bias = arith.constant dense<[[[[true, false, false, false, false, false, false, false], [true, true, false, false, false, false, false, false], [true, true, true, false, false, false, false, false], [true, true, true, true, false, false, false, false], [true, true, true, true, true, false, false, false], [true, true, true, true, true, true, false, false], [true, true, true, true, true, true, true, false], [true, true, true, true, true, true, true, true]]]]> : tensor<1x1x8x8xi1>
  %mask = tensor.extract_slice %bias[0, 0, %off, 0] [1, 1, %ql, %kl] [1, 1, 1, 1] : tensor<1x1x8x8xi1> to tensor<1x1x?x?xi1>
  %min = arith.constant dense<-3.40282347E+38> : tensor<f32>
  %same = tfm.cast %scaled : tensor<1x4x?x?xf32> -> tensor<1x4x?x?xf32>
  %masked = tfm.where %mask, %same, %min : tensor<1x1x?x?xi1>, tensor<1x4x?x?xf32>, tensor<f32> -> tensor<1x4x?x?xf32>
  // expected-remark @+1 {{fusion attention: fused}}
  %p = tfm.softmax %masked {axis = -1 : i64} : tensor<1x4x?x?xf32>
  %o = tfm.matmul %p, %v : tensor<1x4x?x?xf32>, tensor<1x4x?x64xf32> -> tensor<1x4x?x64xf32>
  %ot = tfm.transpose %o [0, 2, 1, 3] : tensor<1x4x?x64xf32> -> tensor<1x?x4x64xf32>
  %y = tfm.reshape %ot : tensor<1x?x4x64xf32> -> tensor<1x?x256xf32>
  return %y : tensor<1x?x256xf32>
}

// The same offset as the ONNX importer computes it: Shape as
// tensor.from_elements of the dimensions, Slice/Squeeze/Sub/Unsqueeze on
// one-element i64 tensors, read back with tensor.extract.
// CHECK-LABEL: func.func @gpt2_shape_arithmetic
// CHECK: tfm.attention {{.*}} {causal, scale = 1.250000e-01 : f32}
// CHECK-NOT: tfm.softmax
func.func @gpt2_shape_arithmetic(%q: tensor<1x4x?x64xf32>, %v: tensor<1x4x?x64xf32>) -> tensor<1x4x?x64xf32> {
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c1_i64 = arith.constant 1 : i64
  %c4_i64 = arith.constant 4 : i64
  %c64_i64 = arith.constant 64 : i64
  %kt = tfm.transpose %q [0, 1, 3, 2] : tensor<1x4x?x64xf32> -> tensor<1x4x64x?xf32>
  %scores = tfm.matmul %q, %kt : tensor<1x4x?x64xf32>, tensor<1x4x64x?xf32> -> tensor<1x4x?x?xf32>
  %d = arith.constant dense<8.000000e+00> : tensor<f32>
  %scaled = tfm.div %scores, %d : tensor<1x4x?x?xf32>, tensor<f32> -> tensor<1x4x?x?xf32>
  // query_length = q.size(-2)
  %qd = tensor.dim %q, %c2 : tensor<1x4x?x64xf32>
  %qdi = arith.index_cast %qd : index to i64
  %qshape = tensor.from_elements %c1_i64, %c4_i64, %qdi, %c64_i64 : tensor<4xi64>
  %ql1 = tensor.extract_slice %qshape[2] [1] [1] : tensor<4xi64> to tensor<1xi64>
  %ql = tfm.reshape %ql1 : tensor<1xi64> -> tensor<i64>
  // key_length = k.size(-2), read from k^T's shape
  %kd = tensor.dim %kt, %c3 : tensor<1x4x64x?xf32>
  %kdi = arith.index_cast %kd : index to i64
  %kshape = tensor.from_elements %c1_i64, %c4_i64, %c64_i64, %kdi : tensor<4xi64>
  %kl1 = tensor.extract_slice %kshape[3] [1] [1] : tensor<4xi64> to tensor<1xi64>
  %kl = tfm.reshape %kl1 : tensor<1xi64> -> tensor<i64>
  %diff = tfm.sub %kl, %ql : tensor<i64>, tensor<i64> -> tensor<i64>
  %start1 = tfm.reshape %diff : tensor<i64> -> tensor<1xi64>
  %c0 = arith.constant 0 : index
  %start = tensor.extract %start1[%c0] : tensor<1xi64>
  %off = arith.index_cast %start : i64 to index
  %bias = arith.constant dense<[[[[true, false, false, false, false, false, false, false], [true, true, false, false, false, false, false, false], [true, true, true, false, false, false, false, false], [true, true, true, true, false, false, false, false], [true, true, true, true, true, false, false, false], [true, true, true, true, true, true, false, false], [true, true, true, true, true, true, true, false], [true, true, true, true, true, true, true, true]]]]> : tensor<1x1x8x8xi1>
  %rows = tensor.extract_slice %bias[0, 0, %off, 0] [1, 1, %qd, 8] [1, 1, 1, 1] : tensor<1x1x8x8xi1> to tensor<1x1x?x8xi1>
  %mask = tensor.extract_slice %rows[0, 0, 0, 0] [1, 1, %qd, %kd] [1, 1, 1, 1] : tensor<1x1x?x8xi1> to tensor<1x1x?x?xi1>
  %min = arith.constant dense<-3.40282347E+38> : tensor<f32>
  %masked = tfm.where %mask, %scaled, %min : tensor<1x1x?x?xi1>, tensor<1x4x?x?xf32>, tensor<f32> -> tensor<1x4x?x?xf32>
  // expected-remark @+1 {{fusion attention: fused}}
  %p = tfm.softmax %masked {axis = -1 : i64} : tensor<1x4x?x?xf32>
  %o = tfm.matmul %p, %v : tensor<1x4x?x?xf32>, tensor<1x4x?x64xf32> -> tensor<1x4x?x64xf32>
  return %o : tensor<1x4x?x64xf32>
}
