// RUN: tfc-opt %s -canonicalize -split-input-file | FileCheck %s

// Folders and canonicalization patterns of the tfm dialect.

//===----------------------------------------------------------------------===//
// tfm.cast
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @cast_identity
// CHECK-SAME: (%[[X:.*]]: tensor<7x13xf32>)
// CHECK-NOT: tfm.cast
// CHECK: return %[[X]]
func.func @cast_identity(%x: tensor<7x13xf32>) -> tensor<7x13xf32> {
  %0 = tfm.cast %x : tensor<7x13xf32> -> tensor<7x13xf32>
  return %0 : tensor<7x13xf32>
}

// -----

// f16 -> f32 is exact, so narrowing back returns the original value.
// CHECK-LABEL: func.func @cast_f16_f32_f16
// CHECK-SAME: (%[[X:.*]]: tensor<?x37xf16>)
// CHECK-NOT: tfm.cast
// CHECK: return %[[X]]
func.func @cast_f16_f32_f16(%x: tensor<?x37xf16>) -> tensor<?x37xf16> {
  %0 = tfm.cast %x : tensor<?x37xf16> -> tensor<?x37xf32>
  %1 = tfm.cast %0 : tensor<?x37xf32> -> tensor<?x37xf16>
  return %1 : tensor<?x37xf16>
}

// -----

// CHECK-LABEL: func.func @cast_bf16_f32_bf16
// CHECK-SAME: (%[[X:.*]]: tensor<7x24xbf16>)
// CHECK-NOT: tfm.cast
// CHECK: return %[[X]]
func.func @cast_bf16_f32_bf16(%x: tensor<7x24xbf16>) -> tensor<7x24xbf16> {
  %0 = tfm.cast %x : tensor<7x24xbf16> -> tensor<7x24xf32>
  %1 = tfm.cast %0 : tensor<7x24xf32> -> tensor<7x24xbf16>
  return %1 : tensor<7x24xbf16>
}

// -----

// f32 -> f16 rounds: the round trip is not the identity.
// CHECK-LABEL: func.func @cast_f32_f16_f32_kept
// CHECK-SAME: (%[[X:.*]]: tensor<7x13xf32>)
// CHECK: %[[N:.*]] = tfm.cast %[[X]] : tensor<7x13xf32> -> tensor<7x13xf16>
// CHECK: %[[W:.*]] = tfm.cast %[[N]] : tensor<7x13xf16> -> tensor<7x13xf32>
// CHECK: return %[[W]]
func.func @cast_f32_f16_f32_kept(%x: tensor<7x13xf32>) -> tensor<7x13xf32> {
  %0 = tfm.cast %x : tensor<7x13xf32> -> tensor<7x13xf16>
  %1 = tfm.cast %0 : tensor<7x13xf16> -> tensor<7x13xf32>
  return %1 : tensor<7x13xf32>
}

// -----

// f16 and bf16 have the same width but different ranges: not lossless.
// CHECK-LABEL: func.func @cast_f16_bf16_f16_kept
// CHECK: tfm.cast %{{.*}} : tensor<13xf16> -> tensor<13xbf16>
// CHECK: tfm.cast %{{.*}} : tensor<13xbf16> -> tensor<13xf16>
func.func @cast_f16_bf16_f16_kept(%x: tensor<13xf16>) -> tensor<13xf16> {
  %0 = tfm.cast %x : tensor<13xf16> -> tensor<13xbf16>
  %1 = tfm.cast %0 : tensor<13xbf16> -> tensor<13xf16>
  return %1 : tensor<13xf16>
}

// -----

// Only float widenings fold; integer round trips are kept.
// CHECK-LABEL: func.func @cast_i8_i32_i8_kept
// CHECK: tfm.cast %{{.*}} : tensor<24xi8> -> tensor<24xi32>
// CHECK: tfm.cast %{{.*}} : tensor<24xi32> -> tensor<24xi8>
func.func @cast_i8_i32_i8_kept(%x: tensor<24xi8>) -> tensor<24xi8> {
  %0 = tfm.cast %x : tensor<24xi8> -> tensor<24xi32>
  %1 = tfm.cast %0 : tensor<24xi32> -> tensor<24xi8>
  return %1 : tensor<24xi8>
}

// -----

// f16 -> f32 -> bf16 does not return to the source type.
// CHECK-LABEL: func.func @cast_f16_f32_bf16_kept
// CHECK: tfm.cast %{{.*}} : tensor<13xf16> -> tensor<13xf32>
// CHECK: tfm.cast %{{.*}} : tensor<13xf32> -> tensor<13xbf16>
func.func @cast_f16_f32_bf16_kept(%x: tensor<13xf16>) -> tensor<13xbf16> {
  %0 = tfm.cast %x : tensor<13xf16> -> tensor<13xf32>
  %1 = tfm.cast %0 : tensor<13xf32> -> tensor<13xbf16>
  return %1 : tensor<13xbf16>
}

// -----

//===----------------------------------------------------------------------===//
// tfm.reshape
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @reshape_identity
// CHECK-SAME: (%[[X:.*]]: tensor<?x24xf32>)
// CHECK-NOT: tfm.reshape
// CHECK: return %[[X]]
func.func @reshape_identity(%x: tensor<?x24xf32>) -> tensor<?x24xf32> {
  %0 = tfm.reshape %x : tensor<?x24xf32> -> tensor<?x24xf32>
  return %0 : tensor<?x24xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_chain
// CHECK-SAME: (%[[X:.*]]: tensor<7x24xf32>)
// CHECK-NEXT: %[[R:.*]] = tfm.reshape %[[X]] : tensor<7x24xf32> -> tensor<28x6xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_chain(%x: tensor<7x24xf32>) -> tensor<28x6xf32> {
  %0 = tfm.reshape %x : tensor<7x24xf32> -> tensor<168xf32>
  %1 = tfm.reshape %0 : tensor<168xf32> -> tensor<7x4x6xf32>
  %2 = tfm.reshape %1 : tensor<7x4x6xf32> -> tensor<28x6xf32>
  return %2 : tensor<28x6xf32>
}

// -----

// A chain that comes back to the source type is the identity.
// CHECK-LABEL: func.func @reshape_chain_round_trip
// CHECK-SAME: (%[[X:.*]]: tensor<?x24xf32>)
// CHECK-NOT: tfm.reshape
// CHECK: return %[[X]]
func.func @reshape_chain_round_trip(%x: tensor<?x24xf32>) -> tensor<?x24xf32> {
  %0 = tfm.reshape %x : tensor<?x24xf32> -> tensor<?x4x6xf32>
  %1 = tfm.reshape %0 : tensor<?x4x6xf32> -> tensor<?x24xf32>
  return %1 : tensor<?x24xf32>
}

// -----

// The intermediate reshape stays while it has another use.
// CHECK-LABEL: func.func @reshape_chain_multi_use
// CHECK-SAME: (%[[X:.*]]: tensor<?x24xf32>)
// CHECK-DAG: %[[A:.*]] = tfm.reshape %[[X]] : tensor<?x24xf32> -> tensor<?x4x6xf32>
// CHECK-DAG: %[[B:.*]] = tfm.reshape %[[X]] : tensor<?x24xf32> -> tensor<?xf32>
// CHECK: return %[[A]], %[[B]]
func.func @reshape_chain_multi_use(%x: tensor<?x24xf32>) -> (tensor<?x4x6xf32>, tensor<?xf32>) {
  %0 = tfm.reshape %x : tensor<?x24xf32> -> tensor<?x4x6xf32>
  %1 = tfm.reshape %0 : tensor<?x4x6xf32> -> tensor<?xf32>
  return %0, %1 : tensor<?x4x6xf32>, tensor<?xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_constant
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<{{\[}}[0.000000e+00, 1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00, 5.000000e+00]]> : tensor<2x3xf32>
// CHECK-NEXT: return %[[C]]
func.func @reshape_constant() -> tensor<2x3xf32> {
  %c = arith.constant dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]> : tensor<6xf32>
  %0 = tfm.reshape %c : tensor<6xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_splat_constant
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<7> : tensor<13x1x7xi32>
// CHECK-NEXT: return %[[C]]
func.func @reshape_splat_constant() -> tensor<13x1x7xi32> {
  %c = arith.constant dense<7> : tensor<91xi32>
  %0 = tfm.reshape %c : tensor<91xi32> -> tensor<13x1x7xi32>
  return %0 : tensor<13x1x7xi32>
}

// -----

// A dynamic result type cannot hold a constant: the reshape stays.
// CHECK-LABEL: func.func @reshape_constant_dynamic_kept
// CHECK: %[[C:.*]] = arith.constant dense<1.000000e+00> : tensor<24xf32>
// CHECK: tfm.reshape %[[C]] : tensor<24xf32> -> tensor<?x6xf32>
func.func @reshape_constant_dynamic_kept() -> tensor<?x6xf32> {
  %c = arith.constant dense<1.0> : tensor<24xf32>
  %0 = tfm.reshape %c : tensor<24xf32> -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// -----

//===----------------------------------------------------------------------===//
// tfm.transpose
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @transpose_identity
// CHECK-SAME: (%[[X:.*]]: tensor<?x3x8xf32>)
// CHECK-NOT: tfm.transpose
// CHECK: return %[[X]]
func.func @transpose_identity(%x: tensor<?x3x8xf32>) -> tensor<?x3x8xf32> {
  %0 = tfm.transpose %x [0, 1, 2] : tensor<?x3x8xf32> -> tensor<?x3x8xf32>
  return %0 : tensor<?x3x8xf32>
}

// -----

// An identity permutation that refines the type is not folded away.
// CHECK-LABEL: func.func @transpose_identity_type_change_kept
// CHECK: tfm.transpose %{{.*}} [0, 1] : tensor<?x13xf32> -> tensor<7x13xf32>
func.func @transpose_identity_type_change_kept(%x: tensor<?x13xf32>) -> tensor<7x13xf32> {
  %0 = tfm.transpose %x [0, 1] : tensor<?x13xf32> -> tensor<7x13xf32>
  return %0 : tensor<7x13xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_inverse_pair
// CHECK-SAME: (%[[X:.*]]: tensor<?x3x8xf32>)
// CHECK-NOT: tfm.transpose
// CHECK: return %[[X]]
func.func @transpose_inverse_pair(%x: tensor<?x3x8xf32>) -> tensor<?x3x8xf32> {
  %0 = tfm.transpose %x [1, 0, 2] : tensor<?x3x8xf32> -> tensor<3x?x8xf32>
  %1 = tfm.transpose %0 [1, 0, 2] : tensor<3x?x8xf32> -> tensor<?x3x8xf32>
  return %1 : tensor<?x3x8xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_rotation_pair
// CHECK-SAME: (%[[X:.*]]: tensor<2x5x7xf32>)
// CHECK-NOT: tfm.transpose
// CHECK: return %[[X]]
func.func @transpose_rotation_pair(%x: tensor<2x5x7xf32>) -> tensor<2x5x7xf32> {
  %0 = tfm.transpose %x [1, 2, 0] : tensor<2x5x7xf32> -> tensor<5x7x2xf32>
  %1 = tfm.transpose %0 [2, 0, 1] : tensor<5x7x2xf32> -> tensor<2x5x7xf32>
  return %1 : tensor<2x5x7xf32>
}

// -----

// [a, b, c] -[1, 0, 2]-> [b, a, c] -[0, 2, 1]-> [b, c, a] == x[1, 2, 0].
// CHECK-LABEL: func.func @transpose_compose
// CHECK-SAME: (%[[X:.*]]: tensor<2x5x7xf32>)
// CHECK-NEXT: %[[T:.*]] = tfm.transpose %[[X]] [1, 2, 0] : tensor<2x5x7xf32> -> tensor<5x7x2xf32>
// CHECK-NEXT: return %[[T]]
func.func @transpose_compose(%x: tensor<2x5x7xf32>) -> tensor<5x7x2xf32> {
  %0 = tfm.transpose %x [1, 0, 2] : tensor<2x5x7xf32> -> tensor<5x2x7xf32>
  %1 = tfm.transpose %0 [0, 2, 1] : tensor<5x2x7xf32> -> tensor<5x7x2xf32>
  return %1 : tensor<5x7x2xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_compose_rank4
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x5x7xf16>)
// CHECK-NEXT: %[[T:.*]] = tfm.transpose %[[X]] [3, 0, 2, 1] : tensor<2x3x5x7xf16> -> tensor<7x2x5x3xf16>
// CHECK-NEXT: return %[[T]]
func.func @transpose_compose_rank4(%x: tensor<2x3x5x7xf16>) -> tensor<7x2x5x3xf16> {
  %0 = tfm.transpose %x [0, 2, 1, 3] : tensor<2x3x5x7xf16> -> tensor<2x5x3x7xf16>
  %1 = tfm.transpose %0 [3, 0, 1, 2] : tensor<2x5x3x7xf16> -> tensor<7x2x5x3xf16>
  return %1 : tensor<7x2x5x3xf16>
}

// -----

//===----------------------------------------------------------------------===//
// Binary identities
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @add_zero
// CHECK-SAME: (%[[X:.*]]: tensor<7x13xf32>)
// CHECK-NOT: tfm.add
// CHECK: return %[[X]], %[[X]]
func.func @add_zero(%x: tensor<7x13xf32>) -> (tensor<7x13xf32>, tensor<7x13xf32>) {
  %z = arith.constant dense<-0.0> : tensor<7x13xf32>
  %0 = tfm.add %x, %z : tensor<7x13xf32>, tensor<7x13xf32> -> tensor<7x13xf32>
  // The constant is moved to the right-hand side (add is commutative).
  %1 = tfm.add %z, %x : tensor<7x13xf32>, tensor<7x13xf32> -> tensor<7x13xf32>
  return %0, %1 : tensor<7x13xf32>, tensor<7x13xf32>
}

// -----

// x + (-0.0) is x for every x; x + (+0.0) is not (-0.0 + 0.0 = +0.0).
// A broadcast zero that does not change x's type folds as well.
// CHECK-LABEL: func.func @add_broadcast_zero
// CHECK-SAME: (%[[X:.*]]: tensor<?x13xf32>)
// CHECK-NOT: tfm.add
// CHECK: return %[[X]], %[[X]]
func.func @add_broadcast_zero(%x: tensor<?x13xf32>) -> (tensor<?x13xf32>, tensor<?x13xf32>) {
  %z = arith.constant dense<-0.0> : tensor<13xf32>
  %z1 = arith.constant dense<-0.0> : tensor<1x1xf32>
  %0 = tfm.add %x, %z : tensor<?x13xf32>, tensor<13xf32> -> tensor<?x13xf32>
  %1 = tfm.add %z1, %x : tensor<1x1xf32>, tensor<?x13xf32> -> tensor<?x13xf32>
  return %0, %1 : tensor<?x13xf32>, tensor<?x13xf32>
}

// -----

// x + zeros broadcasts x to a bigger shape: the result type differs from x,
// so there is nothing to fold to.
// CHECK-LABEL: func.func @add_zero_broadcasting_x_kept
// CHECK-SAME: (%[[X:.*]]: tensor<13xf32>)
// CHECK: %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<7x13xf32>
// CHECK: %[[R:.*]] = tfm.add %[[X]], %[[Z]] : tensor<13xf32>, tensor<7x13xf32> -> tensor<7x13xf32>
// CHECK: return %[[R]]
func.func @add_zero_broadcasting_x_kept(%x: tensor<13xf32>) -> tensor<7x13xf32> {
  %z = arith.constant dense<0.0> : tensor<7x13xf32>
  %0 = tfm.add %x, %z : tensor<13xf32>, tensor<7x13xf32> -> tensor<7x13xf32>
  return %0 : tensor<7x13xf32>
}

// -----

// A result type that is more static than x is not x's type either.
// CHECK-LABEL: func.func @add_zero_refining_type_kept
// CHECK: tfm.add %{{.*}}, %{{.*}} : tensor<?x13xf32>, tensor<7x13xf32> -> tensor<7x13xf32>
func.func @add_zero_refining_type_kept(%x: tensor<?x13xf32>) -> tensor<7x13xf32> {
  %z = arith.constant dense<0.0> : tensor<7x13xf32>
  %0 = tfm.add %x, %z : tensor<?x13xf32>, tensor<7x13xf32> -> tensor<7x13xf32>
  return %0 : tensor<7x13xf32>
}

// -----

// CHECK-LABEL: func.func @add_positive_zero_kept
// CHECK: tfm.add
func.func @add_positive_zero_kept(%x: tensor<7x13xf32>) -> tensor<7x13xf32> {
  %z = arith.constant dense<0.0> : tensor<7x13xf32>
  %0 = tfm.add %x, %z : tensor<7x13xf32>, tensor<7x13xf32> -> tensor<7x13xf32>
  return %0 : tensor<7x13xf32>
}

// -----

// CHECK-LABEL: func.func @add_nonzero_kept
// CHECK: tfm.add
func.func @add_nonzero_kept(%x: tensor<7x13xf32>) -> tensor<7x13xf32> {
  %c = arith.constant dense<1.0> : tensor<13xf32>
  %0 = tfm.add %x, %c : tensor<7x13xf32>, tensor<13xf32> -> tensor<7x13xf32>
  return %0 : tensor<7x13xf32>
}

// -----

// A non-splat constant is not an identity even if it contains zeros.
// CHECK-LABEL: func.func @add_non_splat_zero_kept
// CHECK: tfm.add
func.func @add_non_splat_zero_kept(%x: tensor<7x2xf32>) -> tensor<7x2xf32> {
  %c = arith.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %0 = tfm.add %x, %c : tensor<7x2xf32>, tensor<2xf32> -> tensor<7x2xf32>
  return %0 : tensor<7x2xf32>
}

// -----

// CHECK-LABEL: func.func @add_int_zero
// CHECK-SAME: (%[[X:.*]]: tensor<24xi64>)
// CHECK-NOT: tfm.add
// CHECK: return %[[X]]
func.func @add_int_zero(%x: tensor<24xi64>) -> tensor<24xi64> {
  %z = arith.constant dense<0> : tensor<1xi64>
  %0 = tfm.add %x, %z : tensor<24xi64>, tensor<1xi64> -> tensor<24xi64>
  return %0 : tensor<24xi64>
}

// -----

// CHECK-LABEL: func.func @sub_zero
// CHECK-SAME: (%[[X:.*]]: tensor<?x37xf16>)
// CHECK-NOT: tfm.sub
// CHECK: return %[[X]]
func.func @sub_zero(%x: tensor<?x37xf16>) -> tensor<?x37xf16> {
  %z = arith.constant dense<0.0> : tensor<37xf16>
  %0 = tfm.sub %x, %z : tensor<?x37xf16>, tensor<37xf16> -> tensor<?x37xf16>
  return %0 : tensor<?x37xf16>
}

// -----

// 0 - x is -x, not x.
// CHECK-LABEL: func.func @zero_sub_kept
// CHECK-SAME: (%[[X:.*]]: tensor<?x37xf32>)
// CHECK: %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<37xf32>
// CHECK: %[[R:.*]] = tfm.sub %[[Z]], %[[X]]
// CHECK: return %[[R]]
func.func @zero_sub_kept(%x: tensor<?x37xf32>) -> tensor<?x37xf32> {
  %z = arith.constant dense<0.0> : tensor<37xf32>
  %0 = tfm.sub %z, %x : tensor<37xf32>, tensor<?x37xf32> -> tensor<?x37xf32>
  return %0 : tensor<?x37xf32>
}

// -----

// CHECK-LABEL: func.func @mul_one
// CHECK-SAME: (%[[X:.*]]: tensor<7x13xbf16>)
// CHECK-NOT: tfm.mul
// CHECK: return %[[X]], %[[X]]
func.func @mul_one(%x: tensor<7x13xbf16>) -> (tensor<7x13xbf16>, tensor<7x13xbf16>) {
  %one = arith.constant dense<1.0> : tensor<7x1xbf16>
  %0 = tfm.mul %x, %one : tensor<7x13xbf16>, tensor<7x1xbf16> -> tensor<7x13xbf16>
  %1 = tfm.mul %one, %x : tensor<7x1xbf16>, tensor<7x13xbf16> -> tensor<7x13xbf16>
  return %0, %1 : tensor<7x13xbf16>, tensor<7x13xbf16>
}

// -----

// x * 0 is not folded (NaN and infinity times zero are NaN).
// CHECK-LABEL: func.func @mul_zero_kept
// CHECK: tfm.mul
func.func @mul_zero_kept(%x: tensor<7x13xf32>) -> tensor<7x13xf32> {
  %z = arith.constant dense<0.0> : tensor<7x13xf32>
  %0 = tfm.mul %x, %z : tensor<7x13xf32>, tensor<7x13xf32> -> tensor<7x13xf32>
  return %0 : tensor<7x13xf32>
}

// -----

// CHECK-LABEL: func.func @mul_int_one
// CHECK-SAME: (%[[X:.*]]: tensor<24xi32>)
// CHECK-NOT: tfm.mul
// CHECK: return %[[X]]
func.func @mul_int_one(%x: tensor<24xi32>) -> tensor<24xi32> {
  %one = arith.constant dense<1> : tensor<24xi32>
  %0 = tfm.mul %x, %one : tensor<24xi32>, tensor<24xi32> -> tensor<24xi32>
  return %0 : tensor<24xi32>
}

// -----

// CHECK-LABEL: func.func @div_one
// CHECK-SAME: (%[[X:.*]]: tensor<?x3x8xf32>)
// CHECK-NOT: tfm.div
// CHECK: return %[[X]]
func.func @div_one(%x: tensor<?x3x8xf32>) -> tensor<?x3x8xf32> {
  %one = arith.constant dense<1.0> : tensor<f32>
  %0 = tfm.div %x, %one : tensor<?x3x8xf32>, tensor<f32> -> tensor<?x3x8xf32>
  return %0 : tensor<?x3x8xf32>
}

// -----

// 1 / x is the reciprocal, not x.
// CHECK-LABEL: func.func @one_div_kept
// CHECK: tfm.div
func.func @one_div_kept(%x: tensor<7x13xf32>) -> tensor<7x13xf32> {
  %one = arith.constant dense<1.0> : tensor<7x13xf32>
  %0 = tfm.div %one, %x : tensor<7x13xf32>, tensor<7x13xf32> -> tensor<7x13xf32>
  return %0 : tensor<7x13xf32>
}

// -----

// CHECK-LABEL: func.func @div_int_one
// CHECK-SAME: (%[[X:.*]]: tensor<7x13xi32>)
// CHECK-NOT: tfm.div
// CHECK: return %[[X]]
func.func @div_int_one(%x: tensor<7x13xi32>) -> tensor<7x13xi32> {
  %one = arith.constant dense<1> : tensor<13xi32>
  %0 = tfm.div %x, %one : tensor<7x13xi32>, tensor<13xi32> -> tensor<7x13xi32>
  return %0 : tensor<7x13xi32>
}

// -----

//===----------------------------------------------------------------------===//
// Binary constant folding
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @fold_add_constants
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<[4.000000e+00, 6.000000e+00, 8.000000e+00]> : tensor<3xf32>
// CHECK-NEXT: return %[[C]]
func.func @fold_add_constants() -> tensor<3xf32> {
  %a = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %b = arith.constant dense<[3.0, 4.0, 5.0]> : tensor<3xf32>
  %0 = tfm.add %a, %b : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @fold_sub_constants
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<{{\[}}[-2.000000e+00, -2.000000e+00], [-2.000000e+00, 5.000000e-01]]> : tensor<2x2xf32>
// CHECK-NEXT: return %[[C]]
func.func @fold_sub_constants() -> tensor<2x2xf32> {
  %a = arith.constant dense<[[1.0, 2.0], [3.0, 4.5]]> : tensor<2x2xf32>
  %b = arith.constant dense<[[3.0, 4.0], [5.0, 4.0]]> : tensor<2x2xf32>
  %0 = tfm.sub %a, %b : tensor<2x2xf32>, tensor<2x2xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// CHECK-LABEL: func.func @fold_mul_splats_f16
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<7.500000e+00> : tensor<7x13xf16>
// CHECK-NEXT: return %[[C]]
func.func @fold_mul_splats_f16() -> tensor<7x13xf16> {
  %a = arith.constant dense<2.5> : tensor<7x13xf16>
  %b = arith.constant dense<3.0> : tensor<7x13xf16>
  %0 = tfm.mul %a, %b : tensor<7x13xf16>, tensor<7x13xf16> -> tensor<7x13xf16>
  return %0 : tensor<7x13xf16>
}

// -----

// CHECK-LABEL: func.func @fold_div_float
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<[2.500000e-01, -3.000000e+00]> : tensor<2xf32>
// CHECK-NEXT: return %[[C]]
func.func @fold_div_float() -> tensor<2xf32> {
  %a = arith.constant dense<[1.0, -6.0]> : tensor<2xf32>
  %b = arith.constant dense<[4.0, 2.0]> : tensor<2xf32>
  %0 = tfm.div %a, %b : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// CHECK-LABEL: func.func @fold_int_add_sub_mul
// CHECK-DAG: %[[ADD:.*]] = arith.constant dense<[5, 7, 9]> : tensor<3xi32>
// CHECK-DAG: %[[SUB:.*]] = arith.constant dense<-3> : tensor<3xi32>
// CHECK-DAG: %[[MUL:.*]] = arith.constant dense<[4, 10, 18]> : tensor<3xi32>
// CHECK-NOT: tfm.
// CHECK: return %[[ADD]], %[[SUB]], %[[MUL]]
func.func @fold_int_add_sub_mul() -> (tensor<3xi32>, tensor<3xi32>, tensor<3xi32>) {
  %a = arith.constant dense<[1, 2, 3]> : tensor<3xi32>
  %b = arith.constant dense<[4, 5, 6]> : tensor<3xi32>
  %0 = tfm.add %a, %b : tensor<3xi32>, tensor<3xi32> -> tensor<3xi32>
  %1 = tfm.sub %a, %b : tensor<3xi32>, tensor<3xi32> -> tensor<3xi32>
  %2 = tfm.mul %a, %b : tensor<3xi32>, tensor<3xi32> -> tensor<3xi32>
  return %0, %1, %2 : tensor<3xi32>, tensor<3xi32>, tensor<3xi32>
}

// -----

// Integer division is never constant-folded (division by zero has no value).
// CHECK-LABEL: func.func @int_div_not_folded
// CHECK: %[[R:.*]] = tfm.div %{{.*}}, %{{.*}} : tensor<3xi32>, tensor<3xi32> -> tensor<3xi32>
// CHECK: %[[Z:.*]] = tfm.div %{{.*}}, %{{.*}} : tensor<3xi32>, tensor<3xi32> -> tensor<3xi32>
// CHECK: return %[[R]], %[[Z]]
func.func @int_div_not_folded() -> (tensor<3xi32>, tensor<3xi32>) {
  %a = arith.constant dense<[8, 9, 10]> : tensor<3xi32>
  %b = arith.constant dense<[2, 3, 5]> : tensor<3xi32>
  %z = arith.constant dense<0> : tensor<3xi32>
  %0 = tfm.div %a, %b : tensor<3xi32>, tensor<3xi32> -> tensor<3xi32>
  %1 = tfm.div %a, %z : tensor<3xi32>, tensor<3xi32> -> tensor<3xi32>
  return %0, %1 : tensor<3xi32>, tensor<3xi32>
}

// -----

// Constants of different shapes (a broadcast) are not folded.
// CHECK-LABEL: func.func @broadcast_constants_not_folded
// CHECK: tfm.add %{{.*}}, %{{.*}} : tensor<7x1xf32>, tensor<1x13xf32> -> tensor<7x13xf32>
func.func @broadcast_constants_not_folded() -> tensor<7x13xf32> {
  %a = arith.constant dense<1.0> : tensor<7x1xf32>
  %b = arith.constant dense<2.0> : tensor<1x13xf32>
  %0 = tfm.add %a, %b : tensor<7x1xf32>, tensor<1x13xf32> -> tensor<7x13xf32>
  return %0 : tensor<7x13xf32>
}

// -----

//===----------------------------------------------------------------------===//
// tfm.linear
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @linear_zero_bias_dropped
// CHECK-SAME: (%[[X:.*]]: tensor<?x37xf32>, %[[W:.*]]: tensor<13x37xf32>)
// CHECK-NOT: arith.constant
// CHECK: %[[Y:.*]] = tfm.linear %[[X]], %[[W]] : tensor<?x37xf32>, tensor<13x37xf32> -> tensor<?x13xf32>
// CHECK: return %[[Y]]
func.func @linear_zero_bias_dropped(%x: tensor<?x37xf32>, %w: tensor<13x37xf32>) -> tensor<?x13xf32> {
  %b = arith.constant dense<0.0> : tensor<13xf32>
  %0 = tfm.linear %x, %w, %b : tensor<?x37xf32>, tensor<13x37xf32>, tensor<13xf32> -> tensor<?x13xf32>
  return %0 : tensor<?x13xf32>
}

// -----

// CHECK-LABEL: func.func @linear_zero_bias_dropped_in_out_f16
// CHECK: tfm.linear %{{.*}}, %{{.*}} {weight_layout = #tfm.weight_layout<in_out>} : tensor<7x37xf16>, tensor<37x24xf16> -> tensor<7x24xf16>
func.func @linear_zero_bias_dropped_in_out_f16(%x: tensor<7x37xf16>, %w: tensor<37x24xf16>) -> tensor<7x24xf16> {
  %b = arith.constant dense<-0.0> : tensor<24xf16>
  %0 = tfm.linear %x, %w, %b {weight_layout = #tfm.weight_layout<in_out>}
      : tensor<7x37xf16>, tensor<37x24xf16>, tensor<24xf16> -> tensor<7x24xf16>
  return %0 : tensor<7x24xf16>
}

// -----

// CHECK-LABEL: func.func @linear_nonzero_bias_kept
// CHECK: %[[B:.*]] = arith.constant dense<5.000000e-01> : tensor<13xf32>
// CHECK: tfm.linear %{{.*}}, %{{.*}}, %[[B]] : tensor<?x37xf32>, tensor<13x37xf32>, tensor<13xf32> -> tensor<?x13xf32>
func.func @linear_nonzero_bias_kept(%x: tensor<?x37xf32>, %w: tensor<13x37xf32>) -> tensor<?x13xf32> {
  %b = arith.constant dense<0.5> : tensor<13xf32>
  %0 = tfm.linear %x, %w, %b : tensor<?x37xf32>, tensor<13x37xf32>, tensor<13xf32> -> tensor<?x13xf32>
  return %0 : tensor<?x13xf32>
}

// -----

// CHECK-LABEL: func.func @linear_argument_bias_kept
// CHECK-SAME: %[[B:[a-z0-9]+]]: tensor<13xf32>)
// CHECK: tfm.linear %{{.*}}, %{{.*}}, %[[B]] : tensor<?x37xf32>, tensor<13x37xf32>, tensor<13xf32> -> tensor<?x13xf32>
func.func @linear_argument_bias_kept(%x: tensor<?x37xf32>, %w: tensor<13x37xf32>, %b: tensor<13xf32>) -> tensor<?x13xf32> {
  %0 = tfm.linear %x, %w, %b : tensor<?x37xf32>, tensor<13x37xf32>, tensor<13xf32> -> tensor<?x13xf32>
  return %0 : tensor<?x13xf32>
}

// -----

// A bias of mostly zeros is not a zero bias.
// CHECK-LABEL: func.func @linear_partly_zero_bias_kept
// CHECK: tfm.linear %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x3xf32>, tensor<2x3xf32>, tensor<2xf32> -> tensor<?x2xf32>
func.func @linear_partly_zero_bias_kept(%x: tensor<?x3xf32>, %w: tensor<2x3xf32>) -> tensor<?x2xf32> {
  %b = arith.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %0 = tfm.linear %x, %w, %b : tensor<?x3xf32>, tensor<2x3xf32>, tensor<2xf32> -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}
