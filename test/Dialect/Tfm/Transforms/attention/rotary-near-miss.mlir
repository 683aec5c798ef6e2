// RUN: tfc-opt %s --tfm-fuse-rotary="report=1" -verify-diagnostics -o /dev/null
// RUN: tfc-opt %s --tfm-fuse-rotary | FileCheck %s

// RoPE chains that must not be rewritten, reported once at their cos.

// CHECK-NOT: tfm.rotary
// CHECK-COUNT-4: tfm.cos
// CHECK-NOT: tfm.rotary

// inv_freq that is not theta^(-2i/d) (LLaMA 3's scaled frequencies: the
// low ones divided by 8).
func.func @inv_freq_scaled(%x: tensor<1x?x4x16xf32>, %pos: tensor<1x?xi64>) -> tensor<1x?x4x16xf32> {
  %c1 = arith.constant 1 : index
  %p1 = tfm.reshape %pos : tensor<1x?xi64> -> tensor<?x1xi64>
  %pf = tfm.cast %p1 : tensor<?x1xi64> -> tensor<?x1xf32>
  %inv = arith.constant dense<[1.0, 0.193922758102417, 0.03760603070259094, 0.00729266507551074, 0.00017677668074611574, 3.428102354519069e-05, 6.647870577580761e-06, 1.289173155782919e-06]> : tensor<8xf32>
  %fr = tfm.mul %pf, %inv : tensor<?x1xf32>, tensor<8xf32> -> tensor<?x8xf32>
  %emb = tensor.concat dim(1) %fr, %fr : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x16xf32>
  // expected-remark @+1 {{fusion rotary: near miss: inv_freq is not theta^(-2i/d) for any theta}}
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
  %y = tfm.add %xc, %xs : tensor<1x?x4x16xf32>, tensor<1x?x4x16xf32> -> tensor<1x?x4x16xf32>
  return %y : tensor<1x?x4x16xf32>
}

// concat(x2, -x1) rotates the other way.
func.func @rotate_wrong_sign(%x: tensor<1x?x4x16xf32>, %pos: tensor<1x?xi64>) -> tensor<1x?x4x16xf32> {
  %c1 = arith.constant 1 : index
  %p1 = tfm.reshape %pos : tensor<1x?xi64> -> tensor<?x1xi64>
  %pf = tfm.cast %p1 : tensor<?x1xi64> -> tensor<?x1xf32>
  %inv = arith.constant dense<[1.0, 0.193922758102417, 0.03760603070259094, 0.00729266507551074, 0.001414213445968926, 0.00027424818836152554, 5.318296462064609e-05, 1.0313385246263351e-05]> : tensor<8xf32>
  %fr = tfm.mul %pf, %inv : tensor<?x1xf32>, tensor<8xf32> -> tensor<?x8xf32>
  %emb = tensor.concat dim(1) %fr, %fr : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x16xf32>
  // expected-remark @+1 {{fusion rotary: near miss: the sin operand is not rotate_half(x)}}
  %cos = tfm.cos %emb : tensor<?x16xf32>
  %sin = tfm.sin %emb : tensor<?x16xf32>
  %cos4 = tfm.reshape %cos : tensor<?x16xf32> -> tensor<1x?x1x16xf32>
  %sin4 = tfm.reshape %sin : tensor<?x16xf32> -> tensor<1x?x1x16xf32>
  %xc = tfm.mul %x, %cos4 : tensor<1x?x4x16xf32>, tensor<1x?x1x16xf32> -> tensor<1x?x4x16xf32>
  %s = tensor.dim %x, %c1 : tensor<1x?x4x16xf32>
  %xa = tensor.extract_slice %x[0, 0, 0, 0] [1, %s, 4, 8] [1, 1, 1, 1] : tensor<1x?x4x16xf32> to tensor<1x?x4x8xf32>
  %xb = tensor.extract_slice %x[0, 0, 0, 8] [1, %s, 4, 8] [1, 1, 1, 1] : tensor<1x?x4x16xf32> to tensor<1x?x4x8xf32>
  %xn = tfm.neg %xa : tensor<1x?x4x8xf32>
  %xh = tensor.concat dim(3) %xb, %xn : (tensor<1x?x4x8xf32>, tensor<1x?x4x8xf32>) -> tensor<1x?x4x16xf32>
  %xs = tfm.mul %xh, %sin4 : tensor<1x?x4x16xf32>, tensor<1x?x1x16xf32> -> tensor<1x?x4x16xf32>
  %y = tfm.add %xc, %xs : tensor<1x?x4x16xf32>, tensor<1x?x4x16xf32> -> tensor<1x?x4x16xf32>
  return %y : tensor<1x?x4x16xf32>
}

// Interleaved RoPE tables (repeat_interleave instead of cat): not the
// rotate_half form this pass raises.
func.func @angles_not_concatenated(%x: tensor<1x?x4x16xf32>, %emb: tensor<?x16xf32>) -> tensor<1x?x4x16xf32> {
  %c1 = arith.constant 1 : index
  // expected-remark @+1 {{fusion rotary: near miss: the angle table is not concat(freqs, freqs)}}
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
  %y = tfm.add %xc, %xs : tensor<1x?x4x16xf32>, tensor<1x?x4x16xf32> -> tensor<1x?x4x16xf32>
  return %y : tensor<1x?x4x16xf32>
}

// x * cos is used by something else too.
func.func @intermediate_used(%x: tensor<1x?x4x16xf32>, %pos: tensor<1x?xi64>) -> (tensor<1x?x4x16xf32>, tensor<1x?x4x16xf32>) {
  %c1 = arith.constant 1 : index
  %p1 = tfm.reshape %pos : tensor<1x?xi64> -> tensor<?x1xi64>
  %pf = tfm.cast %p1 : tensor<?x1xi64> -> tensor<?x1xf32>
  %inv = arith.constant dense<[1.0, 0.193922758102417, 0.03760603070259094, 0.00729266507551074, 0.001414213445968926, 0.00027424818836152554, 5.318296462064609e-05, 1.0313385246263351e-05]> : tensor<8xf32>
  %fr = tfm.mul %pf, %inv : tensor<?x1xf32>, tensor<8xf32> -> tensor<?x8xf32>
  %emb = tensor.concat dim(1) %fr, %fr : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x16xf32>
  // expected-remark @+1 {{fusion rotary: near miss: intermediate value (x * cos) has other users}}
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
  %y = tfm.add %xc, %xs : tensor<1x?x4x16xf32>, tensor<1x?x4x16xf32> -> tensor<1x?x4x16xf32>
  return %y, %xc : tensor<1x?x4x16xf32>, tensor<1x?x4x16xf32>
}
