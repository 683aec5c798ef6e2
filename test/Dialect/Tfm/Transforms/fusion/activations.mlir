// RUN: tfc-opt %s -split-input-file --tfm-fuse-activations | FileCheck %s
// RUN: tfc-opt %s -split-input-file --tfm-fuse-activations="report=1" -verify-diagnostics -o /dev/null

// F.gelu (erf) as torch.onnx.export writes it:
// (x * (1 + erf(x / 1.4142135))) * 0.5.

// CHECK-LABEL: func.func @gelu_erf_export
// CHECK-SAME: (%[[X:.*]]: tensor<2x?x16xf32>)
// CHECK: %[[Y:.*]] = tfm.gelu %[[X]] : tensor<2x?x16xf32>
// CHECK-NOT: tfm.erf
// CHECK-NOT: tfm.mul
// CHECK: return %[[Y]]
func.func @gelu_erf_export(%x: tensor<2x?x16xf32>) -> tensor<2x?x16xf32> {
  %sqrt2 = arith.constant dense<1.41421354> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %0 = tfm.div %x, %sqrt2 : tensor<2x?x16xf32>, tensor<f32> -> tensor<2x?x16xf32>
  // expected-remark @+1 {{fusion gelu: fused}}
  %1 = tfm.erf %0 : tensor<2x?x16xf32>
  %2 = tfm.add %1, %one : tensor<2x?x16xf32>, tensor<f32> -> tensor<2x?x16xf32>
  %3 = tfm.mul %x, %2 : tensor<2x?x16xf32>, tensor<2x?x16xf32> -> tensor<2x?x16xf32>
  %4 = tfm.mul %3, %half : tensor<2x?x16xf32>, tensor<f32> -> tensor<2x?x16xf32>
  return %4 : tensor<2x?x16xf32>
}

// -----

// x * 0.70710677 (1-element constant), 1 + erf, then (1 + erf) * (0.5 * x).

// CHECK-LABEL: func.func @gelu_erf_mul_half_first
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>)
// CHECK: %[[Y:.*]] = tfm.gelu %[[X]] : tensor<?x8xf32>
// CHECK-NOT: tfm.mul
// CHECK: return %[[Y]]
func.func @gelu_erf_mul_half_first(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %rsqrt2 = arith.constant dense<0.707106769> : tensor<1xf32>
  %one = arith.constant dense<1.0> : tensor<1xf32>
  %half = arith.constant dense<0.5> : tensor<1xf32>
  %h = tfm.mul %half, %x : tensor<1xf32>, tensor<?x8xf32> -> tensor<?x8xf32>
  %0 = tfm.mul %rsqrt2, %x : tensor<1xf32>, tensor<?x8xf32> -> tensor<?x8xf32>
  // expected-remark @+1 {{fusion gelu: fused}}
  %1 = tfm.erf %0 : tensor<?x8xf32>
  %2 = tfm.add %one, %1 : tensor<1xf32>, tensor<?x8xf32> -> tensor<?x8xf32>
  %3 = tfm.mul %2, %h : tensor<?x8xf32>, tensor<?x8xf32> -> tensor<?x8xf32>
  return %3 : tensor<?x8xf32>
}

// -----

// ((1 + erf) * 0.5) * x, and x * (1 + erf) / 2, in f16.

// CHECK-LABEL: func.func @gelu_erf_other_associations
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf16>, %[[Z:.*]]: tensor<4x8xf16>)
// CHECK-DAG: %[[A:.*]] = tfm.gelu %[[X]] : tensor<4x8xf16>
// CHECK-DAG: %[[B:.*]] = tfm.gelu %[[Z]] : tensor<4x8xf16>
// CHECK-NOT: tfm.erf
// CHECK: return %[[A]], %[[B]]
func.func @gelu_erf_other_associations(%x: tensor<4x8xf16>, %z: tensor<4x8xf16>) -> (tensor<4x8xf16>, tensor<4x8xf16>) {
  %sqrt2 = arith.constant dense<1.414> : tensor<f16>
  %one = arith.constant dense<1.0> : tensor<f16>
  %half = arith.constant dense<0.5> : tensor<f16>
  %two = arith.constant dense<2.0> : tensor<f16>
  %0 = tfm.div %x, %sqrt2 : tensor<4x8xf16>, tensor<f16> -> tensor<4x8xf16>
  // expected-remark @+1 {{fusion gelu: fused}}
  %1 = tfm.erf %0 : tensor<4x8xf16>
  %2 = tfm.add %1, %one : tensor<4x8xf16>, tensor<f16> -> tensor<4x8xf16>
  %3 = tfm.mul %2, %half : tensor<4x8xf16>, tensor<f16> -> tensor<4x8xf16>
  %4 = tfm.mul %x, %3 : tensor<4x8xf16>, tensor<4x8xf16> -> tensor<4x8xf16>
  %10 = tfm.div %z, %sqrt2 : tensor<4x8xf16>, tensor<f16> -> tensor<4x8xf16>
  // expected-remark @+1 {{fusion gelu: fused}}
  %11 = tfm.erf %10 : tensor<4x8xf16>
  %12 = tfm.add %11, %one : tensor<4x8xf16>, tensor<f16> -> tensor<4x8xf16>
  %13 = tfm.mul %12, %z : tensor<4x8xf16>, tensor<4x8xf16> -> tensor<4x8xf16>
  %14 = tfm.div %13, %two : tensor<4x8xf16>, tensor<f16> -> tensor<4x8xf16>
  return %4, %14 : tensor<4x8xf16>, tensor<4x8xf16>
}

// -----

// GPT-2's gelu_new as exported:
// (x * 0.5) * (1 + tanh((x + pow(x, 3) * 0.044715) * 0.7978845)).

// CHECK-LABEL: func.func @gelu_new_gpt2
// CHECK-SAME: (%[[X:.*]]: tensor<1x?x32xf32>)
// CHECK: %[[Y:.*]] = tfm.gelu %[[X]] {approximation = #tfm.gelu_approximation<tanh>} : tensor<1x?x32xf32>
// CHECK-NOT: tfm.tanh
// CHECK-NOT: tfm.pow
// CHECK-NOT: tfm.mul
// CHECK: return %[[Y]]
func.func @gelu_new_gpt2(%x: tensor<1x?x32xf32>) -> tensor<1x?x32xf32> {
  %half = arith.constant dense<0.5> : tensor<f32>
  %three = arith.constant dense<3.0> : tensor<f32>
  %c = arith.constant dense<0.0447149985> : tensor<f32>
  %k = arith.constant dense<0.797884583> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %0 = tfm.mul %x, %half : tensor<1x?x32xf32>, tensor<f32> -> tensor<1x?x32xf32>
  %1 = tfm.pow %x, %three : tensor<1x?x32xf32>, tensor<f32> -> tensor<1x?x32xf32>
  %2 = tfm.mul %1, %c : tensor<1x?x32xf32>, tensor<f32> -> tensor<1x?x32xf32>
  %3 = tfm.add %x, %2 : tensor<1x?x32xf32>, tensor<1x?x32xf32> -> tensor<1x?x32xf32>
  %4 = tfm.mul %3, %k : tensor<1x?x32xf32>, tensor<f32> -> tensor<1x?x32xf32>
  // expected-remark @+1 {{fusion gelu: fused}}
  %5 = tfm.tanh %4 : tensor<1x?x32xf32>
  %6 = tfm.add %5, %one : tensor<1x?x32xf32>, tensor<f32> -> tensor<1x?x32xf32>
  %7 = tfm.mul %0, %6 : tensor<1x?x32xf32>, tensor<1x?x32xf32> -> tensor<1x?x32xf32>
  return %7 : tensor<1x?x32xf32>
}

// -----

// F.gelu(approximate="tanh") as exported: x^3 as x * (x * x), constants on
// the left, 0.5 * (x * (1 + tanh(...))).

// CHECK-LABEL: func.func @gelu_tanh_torch
// CHECK-SAME: (%[[X:.*]]: tensor<?x16xf32>)
// CHECK: %[[Y:.*]] = tfm.gelu %[[X]] {approximation = #tfm.gelu_approximation<tanh>} : tensor<?x16xf32>
// CHECK-NOT: tfm.mul
// CHECK: return %[[Y]]
func.func @gelu_tanh_torch(%x: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %c = arith.constant dense<0.0447149985> : tensor<f32>
  %k = arith.constant dense<0.797884583> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %0 = tfm.mul %x, %x : tensor<?x16xf32>, tensor<?x16xf32> -> tensor<?x16xf32>
  %1 = tfm.mul %x, %0 : tensor<?x16xf32>, tensor<?x16xf32> -> tensor<?x16xf32>
  %2 = tfm.mul %c, %1 : tensor<f32>, tensor<?x16xf32> -> tensor<?x16xf32>
  %3 = tfm.add %x, %2 : tensor<?x16xf32>, tensor<?x16xf32> -> tensor<?x16xf32>
  %4 = tfm.mul %k, %3 : tensor<f32>, tensor<?x16xf32> -> tensor<?x16xf32>
  // expected-remark @+1 {{fusion gelu: fused}}
  %5 = tfm.tanh %4 : tensor<?x16xf32>
  %6 = tfm.add %one, %5 : tensor<f32>, tensor<?x16xf32> -> tensor<?x16xf32>
  %7 = tfm.mul %x, %6 : tensor<?x16xf32>, tensor<?x16xf32> -> tensor<?x16xf32>
  %8 = tfm.mul %half, %7 : tensor<f32>, tensor<?x16xf32> -> tensor<?x16xf32>
  return %8 : tensor<?x16xf32>
}

// -----

// F.silu: x * sigmoid(x), either operand order.

// CHECK-LABEL: func.func @silu
// CHECK-SAME: (%[[X:.*]]: tensor<?x16xf32>, %[[Z:.*]]: tensor<?x16xf32>)
// CHECK-DAG: %[[A:.*]] = tfm.silu %[[X]] : tensor<?x16xf32>
// CHECK-DAG: %[[B:.*]] = tfm.silu %[[Z]] : tensor<?x16xf32>
// CHECK-NOT: tfm.sigmoid
// CHECK: return %[[A]], %[[B]]
func.func @silu(%x: tensor<?x16xf32>, %z: tensor<?x16xf32>) -> (tensor<?x16xf32>, tensor<?x16xf32>) {
  // expected-remark @+1 {{fusion silu: fused}}
  %0 = tfm.sigmoid %x : tensor<?x16xf32>
  %1 = tfm.mul %x, %0 : tensor<?x16xf32>, tensor<?x16xf32> -> tensor<?x16xf32>
  // expected-remark @+1 {{fusion silu: fused}}
  %2 = tfm.sigmoid %z : tensor<?x16xf32>
  %3 = tfm.mul %2, %z : tensor<?x16xf32>, tensor<?x16xf32> -> tensor<?x16xf32>
  return %1, %3 : tensor<?x16xf32>, tensor<?x16xf32>
}

// -----

// LLaMA's MLP: down(silu(gate(x)) * up(x)); swiglu takes the gate first,
// whichever side of the mul the silu is on.

// CHECK-LABEL: func.func @llama_mlp
// CHECK-SAME: (%[[X:.*]]: tensor<1x?x16xf32>)
// CHECK: %[[G:.*]] = tfm.linear %[[X]], %{{.*}} : tensor<1x?x16xf32>, tensor<32x16xf32> -> tensor<1x?x32xf32>
// CHECK: %[[U:.*]] = tfm.linear %[[X]], %{{.*}} : tensor<1x?x16xf32>, tensor<32x16xf32> -> tensor<1x?x32xf32>
// CHECK: %[[H:.*]] = tfm.swiglu %[[G]], %[[U]] : tensor<1x?x32xf32>
// CHECK: %[[Y:.*]] = tfm.linear %[[H]]
// CHECK: %[[H2:.*]] = tfm.swiglu %[[G]], %[[U]] : tensor<1x?x32xf32>
// CHECK-NOT: tfm.silu
// CHECK-NOT: tfm.mul
// CHECK: return %[[Y]], %[[H2]]
func.func @llama_mlp(%x: tensor<1x?x16xf32>) -> (tensor<1x?x16xf32>, tensor<1x?x32xf32>) {
  %wg = tfm.weight "gate.weight" : tensor<32x16xf32>
  %wu = tfm.weight "up.weight" : tensor<32x16xf32>
  %wd = tfm.weight "down.weight" : tensor<16x32xf32>
  %g = tfm.linear %x, %wg : tensor<1x?x16xf32>, tensor<32x16xf32> -> tensor<1x?x32xf32>
  // expected-remark @+2 {{fusion silu: fused}}
  // expected-remark @+1 {{fusion swiglu: fused}}
  %s = tfm.sigmoid %g : tensor<1x?x32xf32>
  %a = tfm.mul %g, %s : tensor<1x?x32xf32>, tensor<1x?x32xf32> -> tensor<1x?x32xf32>
  %u = tfm.linear %x, %wu : tensor<1x?x16xf32>, tensor<32x16xf32> -> tensor<1x?x32xf32>
  %h = tfm.mul %a, %u : tensor<1x?x32xf32>, tensor<1x?x32xf32> -> tensor<1x?x32xf32>
  %y = tfm.linear %h, %wd : tensor<1x?x32xf32>, tensor<16x32xf32> -> tensor<1x?x16xf32>
  // The same with up on the left.
  // expected-remark @+2 {{fusion silu: fused}}
  // expected-remark @+1 {{fusion swiglu: fused}}
  %s2 = tfm.sigmoid %g : tensor<1x?x32xf32>
  %a2 = tfm.mul %s2, %g : tensor<1x?x32xf32>, tensor<1x?x32xf32> -> tensor<1x?x32xf32>
  %h2 = tfm.mul %u, %a2 : tensor<1x?x32xf32>, tensor<1x?x32xf32> -> tensor<1x?x32xf32>
  return %y, %h2 : tensor<1x?x16xf32>, tensor<1x?x32xf32>
}

// -----

// Near misses of the erf form: wrong constants, an intermediate used
// elsewhere, an erf of something else.

// CHECK-LABEL: func.func @gelu_erf_near_misses
// CHECK-NOT: tfm.gelu
func.func @gelu_erf_near_misses(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %sqrt2 = arith.constant dense<1.41421354> : tensor<f32>
  %two = arith.constant dense<2.0> : tensor<f32>
  %c6 = arith.constant dense<0.6> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %c4 = arith.constant dense<0.4> : tensor<f32>

  %0 = tfm.mul %x, %c6 : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  // expected-remark @+1 {{fusion gelu: near miss: GELU constant 0.6 is not 1/sqrt(2)}}
  %1 = tfm.erf %0 : tensor<4x8xf32>
  %2 = tfm.add %1, %one : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  %3 = tfm.mul %x, %2 : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  %4 = tfm.mul %3, %half : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>

  %10 = tfm.div %x, %two : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  // expected-remark @+1 {{fusion gelu: near miss: GELU constant 2 is not sqrt(2)}}
  %11 = tfm.erf %10 : tensor<4x8xf32>
  %12 = tfm.add %11, %one : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  %13 = tfm.mul %x, %12 : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  %14 = tfm.mul %13, %half : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>

  %20 = tfm.div %x, %sqrt2 : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  // expected-remark @+1 {{fusion gelu: near miss: GELU constant 0.4 is not 0.5}}
  %21 = tfm.erf %20 : tensor<4x8xf32>
  %22 = tfm.add %21, %one : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  %23 = tfm.mul %x, %22 : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  %24 = tfm.mul %23, %c4 : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>

  %30 = tfm.div %x, %sqrt2 : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  // expected-remark @+1 {{fusion gelu: near miss: intermediate value (the erf/tanh) has other users}}
  %31 = tfm.erf %30 : tensor<4x8xf32>
  %32 = tfm.add %31, %one : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  %33 = tfm.mul %x, %32 : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  %34 = tfm.mul %33, %half : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>

  // expected-remark @+1 {{fusion gelu: near miss: erf argument is not x / sqrt(2)}}
  %41 = tfm.erf %x : tensor<4x8xf32>

  %50 = tfm.div %x, %sqrt2 : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  // expected-remark @+1 {{fusion gelu: near miss: 1 + erf/tanh is not multiplied by x}}
  %51 = tfm.erf %50 : tensor<4x8xf32>
  %52 = tfm.add %51, %one : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  %53 = tfm.mul %52, %52 : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  return %4, %14, %24, %31, %34, %41, %53 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Near misses of the tanh form: sqrt(2/pi) and 0.044715 replaced, and a
// tanh that is not a GELU.

// CHECK-LABEL: func.func @gelu_tanh_near_misses
// CHECK-NOT: tfm.gelu
func.func @gelu_tanh_near_misses(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %half = arith.constant dense<0.5> : tensor<f32>
  %three = arith.constant dense<3.0> : tensor<f32>
  %c = arith.constant dense<0.0447149985> : tensor<f32>
  %c5 = arith.constant dense<0.05> : tensor<f32>
  %k = arith.constant dense<0.797884583> : tensor<f32>
  %k7 = arith.constant dense<0.7> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>

  %0 = tfm.mul %x, %half : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  %1 = tfm.pow %x, %three : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  %2 = tfm.mul %1, %c : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  %3 = tfm.add %x, %2 : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  %4 = tfm.mul %3, %k7 : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  // expected-remark @+1 {{fusion gelu: near miss: GELU constant 0.7 is not sqrt(2/pi)}}
  %5 = tfm.tanh %4 : tensor<4x8xf32>
  %6 = tfm.add %5, %one : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  %7 = tfm.mul %0, %6 : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>

  %10 = tfm.mul %x, %half : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  %11 = tfm.pow %x, %three : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  %12 = tfm.mul %11, %c5 : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  %13 = tfm.add %x, %12 : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  %14 = tfm.mul %13, %k : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  // expected-remark @+1 {{fusion gelu: near miss: GELU constant 0.05 is not 0.044715}}
  %15 = tfm.tanh %14 : tensor<4x8xf32>
  %16 = tfm.add %15, %one : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  %17 = tfm.mul %10, %16 : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>

  // expected-remark @+1 {{fusion gelu: near miss: tanh argument is not sqrt(2/pi) * (x + 0.044715 * x^3)}}
  %20 = tfm.tanh %x : tensor<4x8xf32>
  return %7, %17, %20 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Near misses of SiLU and SwiGLU: a sigmoid gating another value, a
// sigmoid used twice, a silu used twice, an up operand that broadcasts.

// CHECK-LABEL: func.func @silu_swiglu_near_misses
// CHECK-NOT: tfm.swiglu
// CHECK: tfm.sigmoid
// CHECK: tfm.sigmoid
func.func @silu_swiglu_near_misses(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>, %v: tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  // expected-remark @+1 {{fusion silu: near miss: sigmoid(x) is not multiplied by x}}
  %0 = tfm.sigmoid %x : tensor<4x8xf32>
  %1 = tfm.mul %y, %0 : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>

  // expected-remark @+1 {{fusion silu: near miss: intermediate value (the sigmoid) has other users}}
  %10 = tfm.sigmoid %y : tensor<4x8xf32>
  %11 = tfm.mul %y, %10 : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>

  // The silu takes the location of the sigmoid.
  // expected-remark @+2 {{fusion silu: fused}}
  // expected-remark @+1 {{fusion swiglu: near miss: gate and up have different types (broadcast)}}
  %20 = tfm.sigmoid %x : tensor<4x8xf32>
  %21 = tfm.mul %x, %20 : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  %22 = tfm.mul %21, %v : tensor<4x8xf32>, tensor<8xf32> -> tensor<4x8xf32>
  return %1, %10, %11, %22, %1 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}
