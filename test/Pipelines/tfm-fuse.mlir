// RUN: tfc-opt %s --tfm-fuse | FileCheck %s
// RUN: tfc-opt %s "--tfm-fuse=report=1" -verify-diagnostics -o /dev/null

// The tfm-fuse pipeline (lib/Pipelines/FusionPipeline.cpp) as tfc-opt
// registers it: a decomposed LayerNorm (opset 13) whose input is a residual
// add, and an erf GELU, chained the way an exported block has them. The
// norm is fused first, then the residual add joins it (a norm without a
// scale gets ones); `report` reaches every pass.

// CHECK-LABEL: func.func @block
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>, %[[R:.*]]: tensor<?x8xf32>)
// CHECK: %[[SUM:.*]], %[[N:.*]] = tfm.add_layer_norm %[[X]], %[[R]], %{{.*}} : tensor<?x8xf32>, tensor<?x8xf32>, tensor<8xf32>
// CHECK: %[[G:.*]] = tfm.gelu %[[N]] : tensor<?x8xf32>
// CHECK: return %[[SUM]], %[[G]]
// CHECK-NOT: tfm.reduce_mean
// CHECK-NOT: tfm.erf
func.func @block(%x: tensor<?x8xf32>, %r: tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  %two = arith.constant dense<2.0> : tensor<f32>
  %eps = arith.constant dense<9.99999974E-6> : tensor<f32>
  %sqrt2 = arith.constant dense<1.41421354> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %s = tfm.add %x, %r : tensor<?x8xf32>, tensor<?x8xf32> -> tensor<?x8xf32>
  // The fused norm, then the fused residual norm, take the chain's first
  // op's location.
  // expected-remark @+2 {{fusion layer_norm: fused}}
  // expected-remark @+1 {{fusion residual_norm: fused}}
  %m = tfm.reduce_mean %s [1] {keep_dims} : tensor<?x8xf32> -> tensor<?x1xf32>
  %d = tfm.sub %s, %m : tensor<?x8xf32>, tensor<?x1xf32> -> tensor<?x8xf32>
  %p = tfm.pow %d, %two : tensor<?x8xf32>, tensor<f32> -> tensor<?x8xf32>
  %v = tfm.reduce_mean %p [1] {keep_dims} : tensor<?x8xf32> -> tensor<?x1xf32>
  %ve = tfm.add %v, %eps : tensor<?x1xf32>, tensor<f32> -> tensor<?x1xf32>
  %sd = tfm.sqrt %ve : tensor<?x1xf32>
  %n = tfm.div %d, %sd : tensor<?x8xf32>, tensor<?x1xf32> -> tensor<?x8xf32>
  %0 = tfm.div %n, %sqrt2 : tensor<?x8xf32>, tensor<f32> -> tensor<?x8xf32>
  // expected-remark @+1 {{fusion gelu: fused}}
  %1 = tfm.erf %0 : tensor<?x8xf32>
  %2 = tfm.add %1, %one : tensor<?x8xf32>, tensor<f32> -> tensor<?x8xf32>
  %3 = tfm.mul %n, %2 : tensor<?x8xf32>, tensor<?x8xf32> -> tensor<?x8xf32>
  %4 = tfm.mul %3, %half : tensor<?x8xf32>, tensor<f32> -> tensor<?x8xf32>
  return %s, %4 : tensor<?x8xf32>, tensor<?x8xf32>
}
