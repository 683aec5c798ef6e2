// RUN: tfc-opt %s -split-input-file -verify-diagnostics

// One case per verifier diagnostic of the fine-grained math ops
// (lib/Dialect/Tfm/IR/TfmMathOps.cpp).

func.func @compare_element_types(%a: tensor<3xf32>, %b: tensor<3xf16>) -> tensor<3xi1> {
  // expected-error @+1 {{'tfm.less' op operand element types must match, got 'f32' and 'f16'}}
  %0 = tfm.less %a, %b : tensor<3xf32>, tensor<3xf16> -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

func.func @compare_broadcast(%a: tensor<3xf32>, %b: tensor<4xf32>) -> tensor<4xi1> {
  // expected-error @+1 {{'tfm.equal' op operand shapes [3] and [4] are not broadcast-compatible (dimension -1: 3 vs 4)}}
  %0 = tfm.equal %a, %b : tensor<3xf32>, tensor<4xf32> -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

func.func @compare_result_shape(%a: tensor<3xf32>, %b: tensor<2x1xf32>) -> tensor<3xi1> {
  // expected-error @+1 {{'tfm.greater' op result shape [3] does not match the broadcast shape [2, 3]}}
  %0 = tfm.greater %a, %b : tensor<3xf32>, tensor<2x1xf32> -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

func.func @where_types(%c: tensor<3xi1>, %a: tensor<3xf32>, %b: tensor<3xf16>) -> tensor<3xf32> {
  // expected-error @+1 {{'tfm.where' op value and result element types must match, got 'f32', 'f16' -> 'f32'}}
  %0 = tfm.where %c, %a, %b : tensor<3xi1>, tensor<3xf32>, tensor<3xf16> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @where_shapes(%c: tensor<5xi1>, %a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'tfm.where' op operand shapes [5] and [3] are not broadcast-compatible (dimension -1: 5 vs 3)}}
  %0 = tfm.where %c, %a, %b : tensor<5xi1>, tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @reduce_axis_range(%x: tensor<3x4xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'tfm.reduce_sum' op axis 2 is out of range for an input of rank 2}}
  %0 = tfm.reduce_sum %x [2] : tensor<3x4xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @reduce_axes_sorted(%x: tensor<3x4xf32>) -> tensor<f32> {
  // expected-error @+1 {{'tfm.reduce_max' op axes must be sorted and unique}}
  %0 = tfm.reduce_max %x [1, 0] : tensor<3x4xf32> -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @reduce_shape(%x: tensor<3x4xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'tfm.reduce_mean' op result shape [3] does not match the reduced shape [3, 1]}}
  %0 = tfm.reduce_mean %x [1] {keep_dims} : tensor<3x4xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @reduce_mean_int(%x: tensor<3x4xi64>) -> tensor<3xi64> {
  // expected-error @+1 {{'tfm.reduce_mean' op needs a float input, got 'i64'}}
  %0 = tfm.reduce_mean %x [1] : tensor<3x4xi64> -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

func.func @reduce_element_type(%x: tensor<3x4xf32>) -> tensor<3xf16> {
  // expected-error @+1 {{'tfm.reduce_sum' op result element type 'f16' differs from the input's 'f32'}}
  %0 = tfm.reduce_sum %x [1] : tensor<3x4xf32> -> tensor<3xf16>
  return %0 : tensor<3xf16>
}

// -----

func.func @matmul_rank(%a: tensor<4xf32>, %b: tensor<4x5xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{'tfm.matmul' op operands must have rank 2 or more, got [4] and [4, 5]}}
  %0 = tfm.matmul %a, %b : tensor<4xf32>, tensor<4x5xf32> -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @matmul_contraction(%a: tensor<3x4xf32>, %b: tensor<5x6xf32>) -> tensor<3x6xf32> {
  // expected-error @+1 {{'tfm.matmul' op contraction dimensions differ: [3, 4] x [5, 6]}}
  %0 = tfm.matmul %a, %b : tensor<3x4xf32>, tensor<5x6xf32> -> tensor<3x6xf32>
  return %0 : tensor<3x6xf32>
}

// -----

func.func @matmul_batch(%a: tensor<2x3x4xf32>, %b: tensor<3x4x6xf32>) -> tensor<2x3x6xf32> {
  // expected-error @+1 {{'tfm.matmul' op batch dimensions of [2, 3, 4] and [3, 4, 6] are not broadcast-compatible}}
  %0 = tfm.matmul %a, %b : tensor<2x3x4xf32>, tensor<3x4x6xf32> -> tensor<2x3x6xf32>
  return %0 : tensor<2x3x6xf32>
}

// -----

func.func @matmul_result(%a: tensor<3x4xf32>, %b: tensor<4x6xf32>) -> tensor<3x5xf32> {
  // expected-error @+1 {{'tfm.matmul' op result shape [3, 5] does not match the product shape [3, 6]}}
  %0 = tfm.matmul %a, %b : tensor<3x4xf32>, tensor<4x6xf32> -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

func.func @matmul_types(%a: tensor<3x4xf32>, %b: tensor<4x6xf16>) -> tensor<3x6xf32> {
  // expected-error @+1 {{'tfm.matmul' op operand and result element types must match}}
  %0 = tfm.matmul %a, %b : tensor<3x4xf32>, tensor<4x6xf16> -> tensor<3x6xf32>
  return %0 : tensor<3x6xf32>
}

// -----

func.func @trilu_rank(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'tfm.trilu' op needs an input of rank 2 or more, got [4]}}
  %0 = tfm.trilu %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @unary_int(%a: tensor<4xi64>) -> tensor<4xi64> {
  // expected-error @+1 {{'tfm.sqrt' op operand #0 must be ranked tensor of}}
  %0 = tfm.sqrt %a : tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

func.func @range_type(%a: index) -> tensor<?xf32> {
  // expected-error @+1 {{'tfm.range' op result #0 must be 1D tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = tfm.range %a, %a, %a : tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @pow_types(%a: tensor<4xf32>, %b: tensor<f16>) -> tensor<4xf32> {
  // expected-error @+1 {{'tfm.pow' op operand and result element types must match}}
  %0 = tfm.pow %a, %b : tensor<4xf32>, tensor<f16> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
