// RUN: tfc-opt %s --convert-tfm-to-linalg | FileCheck %s

// tfm.reshape: one expand_shape/collapse_shape when the shapes group,
// otherwise collapse to 1-D and expand; the dynamic result dimension is
// numel / (product of the static ones). tfm.transpose: linalg.transpose.

// CHECK-LABEL: func.func @expand_heads
// CHECK-SAME: (%[[X:.*]]: tensor<?x24xf32>)
// CHECK: %[[ONE:.*]] = arith.constant 1 : index
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x24xf32>
// CHECK: %[[N0:.*]] = arith.muli %[[ONE]], %[[D]] : index
// CHECK: %[[C24:.*]] = arith.constant 24 : index
// CHECK: %[[N:.*]] = arith.muli %[[N0]], %[[C24]] : index
// CHECK: %[[P:.*]] = arith.constant 24 : index
// CHECK: %[[S:.*]] = arith.divui %[[N]], %[[P]] : index
// CHECK: %[[R:.*]] = tensor.expand_shape %[[X]] {{\[}}[0], [1, 2]] output_shape [%[[S]], 4, 6] : tensor<?x24xf32> into tensor<?x4x6xf32>
// CHECK: return %[[R]]
func.func @expand_heads(%x: tensor<?x24xf32>) -> tensor<?x4x6xf32> {
  %0 = tfm.reshape %x : tensor<?x24xf32> -> tensor<?x4x6xf32>
  return %0 : tensor<?x4x6xf32>
}

// CHECK-LABEL: func.func @collapse_heads
// CHECK-SAME: (%[[X:.*]]: tensor<?x4x6xf16>)
// CHECK-NEXT: %[[R:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0], [1, 2]] : tensor<?x4x6xf16> into tensor<?x24xf16>
// CHECK-NEXT: return %[[R]]
func.func @collapse_heads(%x: tensor<?x4x6xf16>) -> tensor<?x24xf16> {
  %0 = tfm.reshape %x : tensor<?x4x6xf16> -> tensor<?x24xf16>
  return %0 : tensor<?x24xf16>
}

// CHECK-LABEL: func.func @collapse_leading
// CHECK-NEXT: %[[R:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2]] : tensor<2x7x13xi32> into tensor<14x13xi32>
// CHECK-NEXT: return %[[R]]
func.func @collapse_leading(%x: tensor<2x7x13xi32>) -> tensor<14x13xi32> {
  %0 = tfm.reshape %x : tensor<2x7x13xi32> -> tensor<14x13xi32>
  return %0 : tensor<14x13xi32>
}

// Static expansion needs no size computation.
// CHECK-LABEL: func.func @expand_static
// CHECK-NEXT: %[[R:.*]] = tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2, 3]] output_shape [1, 13, 1, 7] : tensor<13x7xf32> into tensor<1x13x1x7xf32>
// CHECK-NEXT: return %[[R]]
func.func @expand_static(%x: tensor<13x7xf32>) -> tensor<1x13x1x7xf32> {
  %0 = tfm.reshape %x : tensor<13x7xf32> -> tensor<1x13x1x7xf32>
  return %0 : tensor<1x13x1x7xf32>
}

// [7, 6] -> [3, 14] does not group: the 1-D fallback.
// CHECK-LABEL: func.func @fallback_static
// CHECK-SAME: (%[[X:.*]]: tensor<7x6xf32>)
// CHECK-NEXT: %[[F:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1]] : tensor<7x6xf32> into tensor<42xf32>
// CHECK-NEXT: %[[R:.*]] = tensor.expand_shape %[[F]] {{\[}}[0, 1]] output_shape [3, 14] : tensor<42xf32> into tensor<3x14xf32>
// CHECK-NEXT: return %[[R]]
func.func @fallback_static(%x: tensor<7x6xf32>) -> tensor<3x14xf32> {
  %0 = tfm.reshape %x : tensor<7x6xf32> -> tensor<3x14xf32>
  return %0 : tensor<3x14xf32>
}

// Dynamic fallback: [?, 6] -> [?, 4], the row count is 6n / 4.
// CHECK-LABEL: func.func @fallback_dynamic
// CHECK-SAME: (%[[X:.*]]: tensor<?x6xf32>)
// CHECK: %[[F:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1]] : tensor<?x6xf32> into tensor<?xf32>
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x6xf32>
// CHECK: %[[C6:.*]] = arith.constant 6 : index
// CHECK: %[[N:.*]] = arith.muli %{{.*}}, %[[C6]] : index
// CHECK: %[[C4:.*]] = arith.constant 4 : index
// CHECK: %[[S:.*]] = arith.divui %[[N]], %[[C4]] : index
// CHECK: %[[R:.*]] = tensor.expand_shape %[[F]] {{\[}}[0, 1]] output_shape [%[[S]], 4] : tensor<?xf32> into tensor<?x4xf32>
// CHECK: return %[[R]]
func.func @fallback_dynamic(%x: tensor<?x6xf32>) -> tensor<?x4xf32> {
  %0 = tfm.reshape %x : tensor<?x6xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// A dynamic source reshaped to a static result: collapse, cast to the known
// element count, expand.
// CHECK-LABEL: func.func @fallback_dynamic_to_static
// CHECK: %[[F:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1]] : tensor<?x13xf32> into tensor<?xf32>
// CHECK: %[[C:.*]] = tensor.cast %[[F]] : tensor<?xf32> to tensor<91xf32>
// CHECK: %[[R:.*]] = tensor.expand_shape %[[C]] {{\[}}[0, 1]] output_shape [13, 7] : tensor<91xf32> into tensor<13x7xf32>
func.func @fallback_dynamic_to_static(%x: tensor<?x13xf32>) -> tensor<13x7xf32> {
  %0 = tfm.reshape %x : tensor<?x13xf32> -> tensor<13x7xf32>
  return %0 : tensor<13x7xf32>
}

// A static source fixes the dynamic result dimension; the result is cast back
// to the declared type.
// CHECK-LABEL: func.func @static_to_dynamic
// CHECK: %[[F:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1]] : tensor<7x13xf32> into tensor<91xf32>
// CHECK: %[[C:.*]] = tensor.cast %[[F]] : tensor<91xf32> to tensor<?xf32>
// CHECK: return %[[C]]
func.func @static_to_dynamic(%x: tensor<7x13xf32>) -> tensor<?xf32> {
  %0 = tfm.reshape %x : tensor<7x13xf32> -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// CHECK-LABEL: func.func @static_expand_to_dynamic
// CHECK: %[[E:.*]] = tensor.expand_shape %{{.*}} {{\[}}[0, 1]] output_shape [7, 13] : tensor<91xf32> into tensor<7x13xf32>
// CHECK: %[[C:.*]] = tensor.cast %[[E]] : tensor<7x13xf32> to tensor<?x13xf32>
// CHECK: return %[[C]]
func.func @static_expand_to_dynamic(%x: tensor<91xf32>) -> tensor<?x13xf32> {
  %0 = tfm.reshape %x : tensor<91xf32> -> tensor<?x13xf32>
  return %0 : tensor<?x13xf32>
}

// Scalars: expand/collapse with no reassociation groups.
// CHECK-LABEL: func.func @to_scalar
// CHECK: tensor.collapse_shape %{{.*}} [] : tensor<1x1xi64> into tensor<i64>
func.func @to_scalar(%x: tensor<1x1xi64>) -> tensor<i64> {
  %0 = tfm.reshape %x : tensor<1x1xi64> -> tensor<i64>
  return %0 : tensor<i64>
}

// CHECK-LABEL: func.func @from_scalar
// CHECK: tensor.expand_shape %{{.*}} [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
func.func @from_scalar(%x: tensor<f32>) -> tensor<1x1xf32> {
  %0 = tfm.reshape %x : tensor<f32> -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

//===----------------------------------------------------------------------===//
// tfm.transpose
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @transpose_heads
// CHECK-SAME: (%[[X:.*]]: tensor<?x3x8xf32>)
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x3x8xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<3x?x8xf32>
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[X]] : tensor<?x3x8xf32>) outs(%[[E]] : tensor<3x?x8xf32>) permutation = [1, 0, 2]
// CHECK: return %[[T]]
func.func @transpose_heads(%x: tensor<?x3x8xf32>) -> tensor<3x?x8xf32> {
  %0 = tfm.transpose %x [1, 0, 2] : tensor<?x3x8xf32> -> tensor<3x?x8xf32>
  return %0 : tensor<3x?x8xf32>
}

// CHECK-LABEL: func.func @transpose_rank4_bf16
// CHECK: %[[E:.*]] = tensor.empty() : tensor<7x3x2x5xbf16>
// CHECK: linalg.transpose ins(%{{.*}} : tensor<2x3x5x7xbf16>) outs(%[[E]] : tensor<7x3x2x5xbf16>) permutation = [3, 1, 0, 2]
func.func @transpose_rank4_bf16(%x: tensor<2x3x5x7xbf16>) -> tensor<7x3x2x5xbf16> {
  %0 = tfm.transpose %x [3, 1, 0, 2] : tensor<2x3x5x7xbf16> -> tensor<7x3x2x5xbf16>
  return %0 : tensor<7x3x2x5xbf16>
}

// CHECK-NOT: tfm.
