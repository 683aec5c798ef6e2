// RUN: tfc-opt %s -split-input-file -verify-diagnostics

// One case per verifier diagnostic of the tfm dialect (lib/Dialect/Tfm/IR),
// plus ODS type-constraint failures.

//===----------------------------------------------------------------------===//
// tfm.weight
//===----------------------------------------------------------------------===//

func.func @weight_empty_name() -> tensor<7x13xf32> {
  // expected-error @+1 {{'tfm.weight' op weight name must not be empty}}
  %0 = tfm.weight "" : tensor<7x13xf32>
  return %0 : tensor<7x13xf32>
}

// -----

func.func @weight_dynamic_shape() -> tensor<?x13xf32> {
  // expected-error @+1 {{'tfm.weight' op result #0 must be statically shaped tensor of 32-bit float or 16-bit float or bfloat16 type or 8-bit signless integer or 32-bit signless integer values, but got 'tensor<?x13xf32>'}}
  %0 = tfm.weight "w" : tensor<?x13xf32>
  return %0 : tensor<?x13xf32>
}

// -----

func.func @weight_bad_element_type() -> tensor<7xi64> {
  // expected-error @+1 {{'tfm.weight' op result #0 must be statically shaped tensor of 32-bit float or 16-bit float or bfloat16 type or 8-bit signless integer or 32-bit signless integer values, but got 'tensor<7xi64>'}}
  %0 = tfm.weight "w" : tensor<7xi64>
  return %0 : tensor<7xi64>
}

// -----

func.func @weight_permutation_wrong_length() -> tensor<7x13xf32> {
  // expected-error @+1 {{'tfm.weight' op permutation [1, 0, 2] is not a permutation of [0, 2)}}
  %0 = tfm.weight "w" permutation [1, 0, 2] : tensor<7x13xf32>
  return %0 : tensor<7x13xf32>
}

// -----

func.func @weight_permutation_repeated() -> tensor<7x13xf32> {
  // expected-error @+1 {{'tfm.weight' op permutation [1, 1] is not a permutation of [0, 2)}}
  %0 = tfm.weight "w" permutation [1, 1] : tensor<7x13xf32>
  return %0 : tensor<7x13xf32>
}

// -----

func.func @weight_panels_wrong_shape() -> tensor<3x37x32xf32> {
  // expected-error @+1 {{'tfm.weight' op with panels 64 the result must be [N / 64, K, 64], got [3, 37, 32]}}
  %0 = tfm.weight "w" panels 64 : tensor<3x37x32xf32>
  return %0 : tensor<3x37x32xf32>
}

// -----

func.func @weight_panels_of_matrix() -> tensor<3x37x64xf32> {
  // expected-error @+1 {{'tfm.weight' op permutation [0, 2, 1] is not a permutation of [0, 2)}}
  %0 = tfm.weight "w" permutation [0, 2, 1] panels 64 : tensor<3x37x64xf32>
  return %0 : tensor<3x37x64xf32>
}

// -----

func.func @weight_panels_not_positive() -> tensor<3x37x64xf32> {
  // expected-error @+1 {{'tfm.weight' op attribute 'panels' failed to satisfy constraint}}
  %0 = tfm.weight "w" panels 0 : tensor<3x37x64xf32>
  return %0 : tensor<3x37x64xf32>
}

// -----

func.func @linear_panels_rank(%x: tensor<?x37xf32>, %w: tensor<37x192xf32>) -> tensor<?x192xf32> {
  // expected-error @+1 {{'tfm.linear' op weight must be a static 3-D tensor for layout panels, got [37, 192]}}
  %0 = tfm.linear %x, %w {weight_layout = #tfm.weight_layout<panels>} : tensor<?x37xf32>, tensor<37x192xf32> -> tensor<?x192xf32>
  return %0 : tensor<?x192xf32>
}

// -----

func.func @linear_panels_features(%x: tensor<?x37xf32>, %w: tensor<3x37x64xf32>) -> tensor<?x128xf32> {
  // expected-error @+1 {{'tfm.linear' op result features 128 do not fit the weight's 3 panels of 64 (129 to 192)}}
  %0 = tfm.linear %x, %w {weight_layout = #tfm.weight_layout<panels>} : tensor<?x37xf32>, tensor<3x37x64xf32> -> tensor<?x128xf32>
  return %0 : tensor<?x128xf32>
}

// -----

//===----------------------------------------------------------------------===//
// tfm.cast
//===----------------------------------------------------------------------===//

func.func @cast_shape_change(%x: tensor<7x13xf16>) -> tensor<13x7xf32> {
  // expected-error @+1 {{'tfm.cast' op requires the same shape for all operands and results}}
  %0 = tfm.cast %x : tensor<7x13xf16> -> tensor<13x7xf32>
  return %0 : tensor<13x7xf32>
}

// -----

func.func @cast_f64(%x: tensor<7xf64>) -> tensor<7xf32> {
  // expected-error @+1 {{'tfm.cast' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or 1-bit signless integer or 8-bit signless integer or 32-bit signless integer or 64-bit signless integer values, but got 'tensor<7xf64>'}}
  %0 = tfm.cast %x : tensor<7xf64> -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

//===----------------------------------------------------------------------===//
// tfm.reshape
//===----------------------------------------------------------------------===//

func.func @reshape_element_type(%x: tensor<7x13xf32>) -> tensor<91xf16> {
  // expected-error @+1 {{'tfm.reshape' op result element type 'f16' must match the input element type 'f32'}}
  %0 = tfm.reshape %x : tensor<7x13xf32> -> tensor<91xf16>
  return %0 : tensor<91xf16>
}

// -----

func.func @reshape_two_dynamic(%x: tensor<?x24xf32>) -> tensor<?x4x?xf32> {
  // expected-error @+1 {{'tfm.reshape' op result may have at most one dynamic dimension, got 2 in [?, 4, ?]}}
  %0 = tfm.reshape %x : tensor<?x24xf32> -> tensor<?x4x?xf32>
  return %0 : tensor<?x4x?xf32>
}

// -----

func.func @reshape_count(%x: tensor<7x13xf32>) -> tensor<13x8xf32> {
  // expected-error @+1 {{'tfm.reshape' op cannot reshape [7, 13] (91 elements) into [13, 8] (104 elements)}}
  %0 = tfm.reshape %x : tensor<7x13xf32> -> tensor<13x8xf32>
  return %0 : tensor<13x8xf32>
}

// -----

func.func @reshape_static_to_dynamic(%x: tensor<7x13xf32>) -> tensor<?x5xf32> {
  // expected-error @+1 {{'tfm.reshape' op cannot reshape [7, 13] (91 elements) into [?, 5]: 91 is not a multiple of the static dimensions' product 5}}
  %0 = tfm.reshape %x : tensor<7x13xf32> -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// -----

func.func @reshape_static_to_dynamic_zero(%x: tensor<7x13xf32>) -> tensor<?x0xf32> {
  // expected-error @+1 {{'tfm.reshape' op cannot reshape [7, 13] (91 elements) into [?, 0]: 91 is not a multiple of the static dimensions' product 0}}
  %0 = tfm.reshape %x : tensor<7x13xf32> -> tensor<?x0xf32>
  return %0 : tensor<?x0xf32>
}

// -----

func.func @reshape_dynamic_to_static(%x: tensor<?x5xf32>) -> tensor<7x13xf32> {
  // expected-error @+1 {{'tfm.reshape' op cannot reshape [?, 5] into [7, 13] (91 elements): not a multiple of 5}}
  %0 = tfm.reshape %x : tensor<?x5xf32> -> tensor<7x13xf32>
  return %0 : tensor<7x13xf32>
}

// -----

func.func @reshape_unranked(%x: tensor<*xf32>) -> tensor<7xf32> {
  // expected-error @+1 {{'tfm.reshape' op operand #0 must be ranked tensor of any type values, but got 'tensor<*xf32>'}}
  %0 = "tfm.reshape"(%x) : (tensor<*xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

//===----------------------------------------------------------------------===//
// tfm.transpose
//===----------------------------------------------------------------------===//

func.func @transpose_perm_size(%x: tensor<7x13xf32>) -> tensor<13x7xf32> {
  // expected-error @+1 {{'tfm.transpose' op permutation has 3 entries but the input has rank 2}}
  %0 = tfm.transpose %x [1, 0, 2] : tensor<7x13xf32> -> tensor<13x7xf32>
  return %0 : tensor<13x7xf32>
}

// -----

func.func @transpose_perm_repeat(%x: tensor<7x13xf32>) -> tensor<7x7xf32> {
  // expected-error @+1 {{'tfm.transpose' op permutation [0, 0] is not a permutation of [0, 2)}}
  %0 = tfm.transpose %x [0, 0] : tensor<7x13xf32> -> tensor<7x7xf32>
  return %0 : tensor<7x7xf32>
}

// -----

func.func @transpose_perm_range(%x: tensor<7x13x5xf32>) -> tensor<7x13x5xf32> {
  // expected-error @+1 {{'tfm.transpose' op permutation [0, 3, -1] is not a permutation of [0, 3)}}
  %0 = tfm.transpose %x [0, 3, -1] : tensor<7x13x5xf32> -> tensor<7x13x5xf32>
  return %0 : tensor<7x13x5xf32>
}

// -----

func.func @transpose_result_rank(%x: tensor<7x13xf32>) -> tensor<91xf32> {
  // expected-error @+1 {{'tfm.transpose' op result rank 1 does not match the input rank 2}}
  %0 = tfm.transpose %x [1, 0] : tensor<7x13xf32> -> tensor<91xf32>
  return %0 : tensor<91xf32>
}

// -----

func.func @transpose_element_type(%x: tensor<7x13xf32>) -> tensor<13x7xbf16> {
  // expected-error @+1 {{'tfm.transpose' op result element type 'bf16' must match the input element type 'f32'}}
  %0 = tfm.transpose %x [1, 0] : tensor<7x13xf32> -> tensor<13x7xbf16>
  return %0 : tensor<13x7xbf16>
}

// -----

func.func @transpose_result_dim(%x: tensor<?x3x8xf32>) -> tensor<3x?x7xf32> {
  // expected-error @+1 {{'tfm.transpose' op result dimension 2 is 7 but input dimension 2 is 8}}
  %0 = tfm.transpose %x [1, 0, 2] : tensor<?x3x8xf32> -> tensor<3x?x7xf32>
  return %0 : tensor<3x?x7xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Broadcasting binary ops
//===----------------------------------------------------------------------===//

func.func @binary_element_types(%a: tensor<7x13xf32>, %b: tensor<13xf16>) -> tensor<7x13xf32> {
  // expected-error @+1 {{'tfm.add' op operand and result element types must match, got 'f32', 'f16' -> 'f32'}}
  %0 = tfm.add %a, %b : tensor<7x13xf32>, tensor<13xf16> -> tensor<7x13xf32>
  return %0 : tensor<7x13xf32>
}

// -----

func.func @binary_result_element_type(%a: tensor<7x13xi32>) -> tensor<7x13xi64> {
  // expected-error @+1 {{'tfm.mul' op operand and result element types must match, got 'i32', 'i32' -> 'i64'}}
  %0 = tfm.mul %a, %a : tensor<7x13xi32>, tensor<7x13xi32> -> tensor<7x13xi64>
  return %0 : tensor<7x13xi64>
}

// -----

func.func @binary_incompatible(%a: tensor<7x13xf32>, %b: tensor<5xf32>) -> tensor<7x13xf32> {
  // expected-error @+1 {{'tfm.sub' op operand shapes [7, 13] and [5] are not broadcast-compatible (dimension -1: 13 vs 5)}}
  %0 = tfm.sub %a, %b : tensor<7x13xf32>, tensor<5xf32> -> tensor<7x13xf32>
  return %0 : tensor<7x13xf32>
}

// -----

func.func @binary_incompatible_leading(%a: tensor<2x3x5x7xf32>, %b: tensor<4x1x7xf32>) -> tensor<2x3x5x7xf32> {
  // expected-error @+1 {{'tfm.div' op operand shapes [2, 3, 5, 7] and [4, 1, 7] are not broadcast-compatible (dimension -3: 3 vs 4)}}
  %0 = tfm.div %a, %b : tensor<2x3x5x7xf32>, tensor<4x1x7xf32> -> tensor<2x3x5x7xf32>
  return %0 : tensor<2x3x5x7xf32>
}

// -----

func.func @binary_result_rank(%a: tensor<?x24xf32>, %b: tensor<24xf32>) -> tensor<24xf32> {
  // expected-error @+1 {{'tfm.add' op result shape [24] does not match the broadcast shape [?, 24]}}
  %0 = tfm.add %a, %b : tensor<?x24xf32>, tensor<24xf32> -> tensor<24xf32>
  return %0 : tensor<24xf32>
}

// -----

func.func @binary_result_dim(%a: tensor<7x1xf32>, %b: tensor<1x13xf32>) -> tensor<7x1xf32> {
  // expected-error @+1 {{'tfm.mul' op result shape [7, 1] does not match the broadcast shape [7, 13]}}
  %0 = tfm.mul %a, %b : tensor<7x1xf32>, tensor<1x13xf32> -> tensor<7x1xf32>
  return %0 : tensor<7x1xf32>
}

// -----

func.func @binary_f64(%a: tensor<7xf64>) -> tensor<7xf64> {
  // expected-error @+1 {{'tfm.add' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or 1-bit signless integer or 8-bit signless integer or 32-bit signless integer or 64-bit signless integer values, but got 'tensor<7xf64>'}}
  %0 = tfm.add %a, %a : tensor<7xf64>, tensor<7xf64> -> tensor<7xf64>
  return %0 : tensor<7xf64>
}

// -----

//===----------------------------------------------------------------------===//
// tfm.embedding
//===----------------------------------------------------------------------===//

func.func @embedding_table_rank(%t: tensor<37x24x2x1xf32>, %ids: tensor<?xi64>) -> tensor<?x24xf32> {
  // expected-error @+1 {{'tfm.embedding' op embedding table must be a static 2-D [vocab, dim] tensor or 3-D [vocab / P, dim, P] panels, got [37, 24, 2, 1]}}
  %0 = tfm.embedding %t[%ids] : tensor<37x24x2x1xf32>, tensor<?xi64> -> tensor<?x24xf32>
  return %0 : tensor<?x24xf32>
}

// -----

func.func @embedding_element_type(%t: tensor<37x24xf32>, %ids: tensor<?xi64>) -> tensor<?x24xf16> {
  // expected-error @+1 {{'tfm.embedding' op result element type 'f16' does not match table element type 'f32'}}
  %0 = tfm.embedding %t[%ids] : tensor<37x24xf32>, tensor<?xi64> -> tensor<?x24xf16>
  return %0 : tensor<?x24xf16>
}

// -----

func.func @embedding_result_rank(%t: tensor<37x24xf32>, %ids: tensor<7xi64>) -> tensor<24xf32> {
  // expected-error @+1 {{'tfm.embedding' op result rank 1 must be the indices rank 1 plus one}}
  %0 = tfm.embedding %t[%ids] : tensor<37x24xf32>, tensor<7xi64> -> tensor<24xf32>
  return %0 : tensor<24xf32>
}

// -----

func.func @embedding_result_shape(%t: tensor<37x24xf32>, %ids: tensor<7xi64>) -> tensor<13x24xf32> {
  // expected-error @+1 {{'tfm.embedding' op result shape [13, 24] does not match indices shape [7] followed by the embedding width}}
  %0 = tfm.embedding %t[%ids] : tensor<37x24xf32>, tensor<7xi64> -> tensor<13x24xf32>
  return %0 : tensor<13x24xf32>
}

// -----

func.func @embedding_width(%t: tensor<37x24xf32>, %ids: tensor<?xi32>) -> tensor<?x37xf32> {
  // expected-error @+1 {{'tfm.embedding' op result width 37 does not match the table width 24}}
  %0 = tfm.embedding %t[%ids] : tensor<37x24xf32>, tensor<?xi32> -> tensor<?x37xf32>
  return %0 : tensor<?x37xf32>
}

// -----

func.func @embedding_float_indices(%t: tensor<37x24xf32>, %ids: tensor<7xf32>) -> tensor<7x24xf32> {
  // expected-error @+1 {{'tfm.embedding' op operand #1 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values, but got 'tensor<7xf32>'}}
  %0 = tfm.embedding %t[%ids] : tensor<37x24xf32>, tensor<7xf32> -> tensor<7x24xf32>
  return %0 : tensor<7x24xf32>
}

// -----

func.func @embedding_int_table(%t: tensor<37x24xi8>, %ids: tensor<7xi64>) -> tensor<7x24xi8> {
  // expected-error @+1 {{'tfm.embedding' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<37x24xi8>'}}
  %0 = tfm.embedding %t[%ids] : tensor<37x24xi8>, tensor<7xi64> -> tensor<7x24xi8>
  return %0 : tensor<7x24xi8>
}

// -----

//===----------------------------------------------------------------------===//
// tfm.linear
//===----------------------------------------------------------------------===//

func.func @linear_weight_rank(%x: tensor<?x37xf32>, %w: tensor<37xf32>) -> tensor<?x13xf32> {
  // expected-error @+1 {{'tfm.linear' op weight must be a static 2-D tensor for layout out_in, got [37]}}
  %0 = tfm.linear %x, %w : tensor<?x37xf32>, tensor<37xf32> -> tensor<?x13xf32>
  return %0 : tensor<?x13xf32>
}

// -----

func.func @linear_input_rank(%x: tensor<f32>, %w: tensor<13x37xf32>) -> tensor<f32> {
  // expected-error @+1 {{'tfm.linear' op input must have rank >= 1}}
  %0 = tfm.linear %x, %w : tensor<f32>, tensor<13x37xf32> -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @linear_weight_element_type(%x: tensor<?x37xf16>, %w: tensor<13x37xf32>) -> tensor<?x13xf16> {
  // expected-error @+1 {{'tfm.linear' op input element type 'f16' does not match weight element type 'f32'}}
  %0 = tfm.linear %x, %w : tensor<?x37xf16>, tensor<13x37xf32> -> tensor<?x13xf16>
  return %0 : tensor<?x13xf16>
}

// -----

func.func @linear_result_element_type(%x: tensor<?x37xf32>, %w: tensor<13x37xf32>) -> tensor<?x13xbf16> {
  // expected-error @+1 {{'tfm.linear' op result element type 'bf16' does not match input element type 'f32'}}
  %0 = tfm.linear %x, %w : tensor<?x37xf32>, tensor<13x37xf32> -> tensor<?x13xbf16>
  return %0 : tensor<?x13xbf16>
}

// -----

func.func @linear_in_features_out_in(%x: tensor<?x37xf32>, %w: tensor<37x13xf32>) -> tensor<?x37xf32> {
  // expected-error @+1 {{'tfm.linear' op input features 37 do not match the weight's 13 input features (weight [37, 13], layout out_in)}}
  %0 = tfm.linear %x, %w : tensor<?x37xf32>, tensor<37x13xf32> -> tensor<?x37xf32>
  return %0 : tensor<?x37xf32>
}

// -----

func.func @linear_in_features_in_out(%x: tensor<?x37xf32>, %w: tensor<13x37xf32>) -> tensor<?x37xf32> {
  // expected-error @+1 {{'tfm.linear' op input features 37 do not match the weight's 13 input features (weight [13, 37], layout in_out)}}
  %0 = tfm.linear %x, %w {weight_layout = #tfm.weight_layout<in_out>} : tensor<?x37xf32>, tensor<13x37xf32> -> tensor<?x37xf32>
  return %0 : tensor<?x37xf32>
}

// -----

func.func @linear_bias_shape(%x: tensor<?x37xf32>, %w: tensor<13x37xf32>, %b: tensor<37xf32>) -> tensor<?x13xf32> {
  // expected-error @+1 {{'tfm.linear' op bias must be [13] to match the weight's output features, got [37]}}
  %0 = tfm.linear %x, %w, %b : tensor<?x37xf32>, tensor<13x37xf32>, tensor<37xf32> -> tensor<?x13xf32>
  return %0 : tensor<?x13xf32>
}

// -----

func.func @linear_bias_rank(%x: tensor<?x37xf32>, %w: tensor<37x13xf32>, %b: tensor<1x13xf32>) -> tensor<?x13xf32> {
  // expected-error @+1 {{'tfm.linear' op bias must be [13] to match the weight's output features, got [1, 13]}}
  %0 = tfm.linear %x, %w, %b {weight_layout = #tfm.weight_layout<in_out>} : tensor<?x37xf32>, tensor<37x13xf32>, tensor<1x13xf32> -> tensor<?x13xf32>
  return %0 : tensor<?x13xf32>
}

// -----

func.func @linear_bias_element_type(%x: tensor<?x37xf32>, %w: tensor<13x37xf32>, %b: tensor<13xf16>) -> tensor<?x13xf32> {
  // expected-error @+1 {{'tfm.linear' op bias element type 'f16' does not match weight element type 'f32'}}
  %0 = tfm.linear %x, %w, %b : tensor<?x37xf32>, tensor<13x37xf32>, tensor<13xf16> -> tensor<?x13xf32>
  return %0 : tensor<?x13xf32>
}

// -----

func.func @linear_result_rank(%x: tensor<2x?x37xf32>, %w: tensor<13x37xf32>) -> tensor<?x13xf32> {
  // expected-error @+1 {{'tfm.linear' op result rank 2 must equal the input rank 3}}
  %0 = tfm.linear %x, %w : tensor<2x?x37xf32>, tensor<13x37xf32> -> tensor<?x13xf32>
  return %0 : tensor<?x13xf32>
}

// -----

func.func @linear_leading_dims(%x: tensor<7x37xf32>, %w: tensor<13x37xf32>) -> tensor<5x13xf32> {
  // expected-error @+1 {{'tfm.linear' op result shape [5, 13] does not keep the input's leading dimensions [7, 37]}}
  %0 = tfm.linear %x, %w : tensor<7x37xf32>, tensor<13x37xf32> -> tensor<5x13xf32>
  return %0 : tensor<5x13xf32>
}

// -----

func.func @linear_out_features(%x: tensor<?x37xf32>, %w: tensor<37x13xf32>) -> tensor<?x37xf32> {
  // expected-error @+1 {{'tfm.linear' op result features 37 do not match the weight's 13 output features}}
  %0 = tfm.linear %x, %w {weight_layout = #tfm.weight_layout<in_out>} : tensor<?x37xf32>, tensor<37x13xf32> -> tensor<?x37xf32>
  return %0 : tensor<?x37xf32>
}

// -----

func.func @linear_integer(%x: tensor<?x37xi8>, %w: tensor<13x37xi8>) -> tensor<?x13xi8> {
  // expected-error @+1 {{'tfm.linear' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<?x37xi8>'}}
  %0 = tfm.linear %x, %w : tensor<?x37xi8>, tensor<13x37xi8> -> tensor<?x13xi8>
  return %0 : tensor<?x13xi8>
}

// -----

func.func @linear_bad_layout(%x: tensor<?x37xf32>, %w: tensor<13x37xf32>) -> tensor<?x13xf32> {
  // expected-error @+2 {{expected ::mlir::tfm::WeightLayout to be one of: out_in, in_out}}
  // expected-error @+1 {{failed to parse Tfm_WeightLayoutAttr parameter 'value' which is to be a `::mlir::tfm::WeightLayout`}}
  %0 = tfm.linear %x, %w {weight_layout = #tfm.weight_layout<transposed>} : tensor<?x37xf32>, tensor<13x37xf32> -> tensor<?x13xf32>
  return %0 : tensor<?x13xf32>
}

// -----

//===----------------------------------------------------------------------===//
// tfm.layer_norm / tfm.rms_norm
//===----------------------------------------------------------------------===//

func.func @norm_rank0(%x: tensor<f32>, %g: tensor<1xf32>) -> tensor<f32> {
  // expected-error @+1 {{'tfm.rms_norm' op input must have rank >= 1}}
  %0 = tfm.rms_norm %x, %g : tensor<f32>, tensor<1xf32>
  return %0 : tensor<f32>
}

// -----

func.func @norm_scale_shape(%x: tensor<?x37xf32>, %g: tensor<24xf32>) -> tensor<?x37xf32> {
  // expected-error @+1 {{'tfm.layer_norm' op scale must be [37] (the normalized last dimension), got [24]}}
  %0 = tfm.layer_norm %x, %g : tensor<?x37xf32>, tensor<24xf32>
  return %0 : tensor<?x37xf32>
}

// -----

func.func @norm_scale_rank(%x: tensor<7x13xf32>, %g: tensor<7x13xf32>) -> tensor<7x13xf32> {
  // expected-error @+1 {{'tfm.rms_norm' op scale must be [13] (the normalized last dimension), got [7, 13]}}
  %0 = tfm.rms_norm %x, %g : tensor<7x13xf32>, tensor<7x13xf32>
  return %0 : tensor<7x13xf32>
}

// -----

func.func @norm_bias_shape(%x: tensor<?x37xf32>, %g: tensor<37xf32>, %b: tensor<13xf32>) -> tensor<?x37xf32> {
  // expected-error @+1 {{'tfm.layer_norm' op bias must be [37] (the normalized last dimension), got [13]}}
  %0 = tfm.layer_norm %x, %g, %b : tensor<?x37xf32>, tensor<37xf32>, tensor<13xf32>
  return %0 : tensor<?x37xf32>
}

// -----

func.func @norm_scale_element_type(%x: tensor<?x37xf16>, %g: tensor<37xf32>) -> tensor<?x37xf16> {
  // expected-error @+1 {{'tfm.layer_norm' op scale element type 'f32' does not match input element type 'f16'}}
  %0 = tfm.layer_norm %x, %g : tensor<?x37xf16>, tensor<37xf32>
  return %0 : tensor<?x37xf16>
}

// -----

func.func @norm_bias_element_type(%x: tensor<?x37xbf16>, %g: tensor<37xbf16>, %b: tensor<37xf16>) -> tensor<?x37xbf16> {
  // expected-error @+1 {{'tfm.layer_norm' op bias element type 'f16' does not match input element type 'bf16'}}
  %0 = tfm.layer_norm %x, %g, %b : tensor<?x37xbf16>, tensor<37xbf16>, tensor<37xf16>
  return %0 : tensor<?x37xbf16>
}

// -----

func.func @norm_epsilon_zero(%x: tensor<?x24xf32>, %g: tensor<24xf32>) -> tensor<?x24xf32> {
  // expected-error @+1 {{'tfm.rms_norm' op epsilon must be positive and finite, got 0.000000e+00}}
  %0 = tfm.rms_norm %x, %g {epsilon = 0.0 : f32} : tensor<?x24xf32>, tensor<24xf32>
  return %0 : tensor<?x24xf32>
}

// -----

func.func @norm_epsilon_negative(%x: tensor<?x24xf32>, %g: tensor<24xf32>) -> tensor<?x24xf32> {
  // expected-error @+1 {{'tfm.layer_norm' op epsilon must be positive and finite, got -1.000000e-06}}
  %0 = tfm.layer_norm %x, %g {epsilon = -1.0e-6 : f32} : tensor<?x24xf32>, tensor<24xf32>
  return %0 : tensor<?x24xf32>
}

// -----

func.func @norm_epsilon_inf(%x: tensor<?x24xf32>, %g: tensor<24xf32>) -> tensor<?x24xf32> {
  // expected-error @+1 {{'tfm.rms_norm' op epsilon must be positive and finite, got INF}}
  %0 = tfm.rms_norm %x, %g {epsilon = 0x7F800000 : f32} : tensor<?x24xf32>, tensor<24xf32>
  return %0 : tensor<?x24xf32>
}

// -----

func.func @norm_result_type(%x: tensor<7x24xf32>, %g: tensor<24xf32>) -> tensor<?x24xf32> {
  // expected-error @+1 {{'tfm.rms_norm' op failed to verify that all of {input, result} have same type}}
  %0 = "tfm.rms_norm"(%x, %g) <{epsilon = 1.0e-6 : f32}> : (tensor<7x24xf32>, tensor<24xf32>) -> tensor<?x24xf32>
  return %0 : tensor<?x24xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Activations and softmax
//===----------------------------------------------------------------------===//

func.func @gelu_integer(%x: tensor<7xi32>) -> tensor<7xi32> {
  // expected-error @+1 {{'tfm.gelu' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<7xi32>'}}
  %0 = tfm.gelu %x : tensor<7xi32>
  return %0 : tensor<7xi32>
}

// -----

func.func @gelu_bad_approximation(%x: tensor<7xf32>) -> tensor<7xf32> {
  // expected-error @+2 {{expected ::mlir::tfm::GeluApproximation to be one of: none, tanh}}
  // expected-error @+1 {{failed to parse Tfm_GeluApproximationAttr parameter 'value' which is to be a `::mlir::tfm::GeluApproximation`}}
  %0 = tfm.gelu %x {approximation = #tfm.gelu_approximation<sigmoid>} : tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

func.func @silu_result_type(%x: tensor<7x13xf32>) -> tensor<7x13xf16> {
  // expected-error @+1 {{'tfm.silu' op requires the same type for all operands and results}}
  %0 = "tfm.silu"(%x) : (tensor<7x13xf32>) -> tensor<7x13xf16>
  return %0 : tensor<7x13xf16>
}

// -----

func.func @swiglu_operand_types(%g: tensor<7x13xf32>, %u: tensor<7x1xf32>) -> tensor<7x13xf32> {
  // expected-error @+1 {{'tfm.swiglu' op requires the same type for all operands and results}}
  %0 = "tfm.swiglu"(%g, %u) : (tensor<7x13xf32>, tensor<7x1xf32>) -> tensor<7x13xf32>
  return %0 : tensor<7x13xf32>
}

// -----

func.func @softmax_axis_high(%x: tensor<7x13xf32>) -> tensor<7x13xf32> {
  // expected-error @+1 {{'tfm.softmax' op axis 2 is out of range for rank 2 (expected [-2, 2))}}
  %0 = tfm.softmax %x {axis = 2 : i64} : tensor<7x13xf32>
  return %0 : tensor<7x13xf32>
}

// -----

func.func @softmax_axis_low(%x: tensor<3x?x?xf16>) -> tensor<3x?x?xf16> {
  // expected-error @+1 {{'tfm.softmax' op axis -4 is out of range for rank 3 (expected [-3, 3))}}
  %0 = tfm.softmax %x {axis = -4 : i64} : tensor<3x?x?xf16>
  return %0 : tensor<3x?x?xf16>
}

// -----

func.func @softmax_rank0(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{'tfm.softmax' op axis -1 is out of range for rank 0 (expected [0, 0))}}
  %0 = tfm.softmax %x : tensor<f32>
  return %0 : tensor<f32>
}

// -----

//===----------------------------------------------------------------------===//
// tfm.rotary
//===----------------------------------------------------------------------===//

func.func @rotary_rank(%x: tensor<?x24xf32>, %p: tensor<?xi64>) -> tensor<?x24xf32> {
  // expected-error @+1 {{'tfm.rotary' op input must be [seq, heads, head_dim], got [?, 24]}}
  %0 = tfm.rotary %x, %p : tensor<?x24xf32>, tensor<?xi64>
  return %0 : tensor<?x24xf32>
}

// -----

func.func @rotary_positions_len(%x: tensor<7x3x24xf32>, %p: tensor<5xi64>) -> tensor<7x3x24xf32> {
  // expected-error @+1 {{'tfm.rotary' op positions must be [seq] = [7], got [5]}}
  %0 = tfm.rotary %x, %p : tensor<7x3x24xf32>, tensor<5xi64>
  return %0 : tensor<7x3x24xf32>
}

// -----

func.func @rotary_positions_rank(%x: tensor<?x3x24xf32>, %p: tensor<1x?xi32>) -> tensor<?x3x24xf32> {
  // expected-error @+1 {{'tfm.rotary' op positions must be [seq] = [?], got [1, ?]}}
  %0 = tfm.rotary %x, %p : tensor<?x3x24xf32>, tensor<1x?xi32>
  return %0 : tensor<?x3x24xf32>
}

// -----

func.func @rotary_dynamic_head_dim(%x: tensor<7x3x?xf32>, %p: tensor<7xi64>) -> tensor<7x3x?xf32> {
  // expected-error @+1 {{'tfm.rotary' op head_dim must be static}}
  %0 = tfm.rotary %x, %p : tensor<7x3x?xf32>, tensor<7xi64>
  return %0 : tensor<7x3x?xf32>
}

// -----

func.func @rotary_odd_head_dim(%x: tensor<7x3x13xf32>, %p: tensor<7xi64>) -> tensor<7x3x13xf32> {
  // expected-error @+1 {{'tfm.rotary' op rotary_dim must be even and in (0, head_dim = 13], got 13}}
  %0 = tfm.rotary %x, %p : tensor<7x3x13xf32>, tensor<7xi64>
  return %0 : tensor<7x3x13xf32>
}

// -----

func.func @rotary_dim_odd(%x: tensor<7x3x24xf32>, %p: tensor<7xi64>) -> tensor<7x3x24xf32> {
  // expected-error @+1 {{'tfm.rotary' op rotary_dim must be even and in (0, head_dim = 24], got 7}}
  %0 = tfm.rotary %x, %p {rotary_dim = 7 : i64} : tensor<7x3x24xf32>, tensor<7xi64>
  return %0 : tensor<7x3x24xf32>
}

// -----

func.func @rotary_dim_too_large(%x: tensor<7x3x24xf32>, %p: tensor<7xi64>) -> tensor<7x3x24xf32> {
  // expected-error @+1 {{'tfm.rotary' op rotary_dim must be even and in (0, head_dim = 24], got 26}}
  %0 = tfm.rotary %x, %p {rotary_dim = 26 : i64} : tensor<7x3x24xf32>, tensor<7xi64>
  return %0 : tensor<7x3x24xf32>
}

// -----

func.func @rotary_dim_zero(%x: tensor<7x3x24xf32>, %p: tensor<7xi64>) -> tensor<7x3x24xf32> {
  // expected-error @+1 {{'tfm.rotary' op rotary_dim must be even and in (0, head_dim = 24], got 0}}
  %0 = tfm.rotary %x, %p {rotary_dim = 0 : i64} : tensor<7x3x24xf32>, tensor<7xi64>
  return %0 : tensor<7x3x24xf32>
}

// -----

func.func @rotary_theta_negative(%x: tensor<7x3x24xf32>, %p: tensor<7xi64>) -> tensor<7x3x24xf32> {
  // expected-error @+1 {{'tfm.rotary' op theta must be positive and finite, got -1.000000e+04}}
  %0 = tfm.rotary %x, %p {theta = -1.0e+04 : f32} : tensor<7x3x24xf32>, tensor<7xi64>
  return %0 : tensor<7x3x24xf32>
}

// -----

func.func @rotary_theta_nan(%x: tensor<7x3x24xf32>, %p: tensor<7xi64>) -> tensor<7x3x24xf32> {
  // expected-error @+1 {{'tfm.rotary' op theta must be positive and finite, got nan}}
  %0 = tfm.rotary %x, %p {theta = 0x7FC00000 : f32} : tensor<7x3x24xf32>, tensor<7xi64>
  return %0 : tensor<7x3x24xf32>
}

// -----

func.func @rotary_float_positions(%x: tensor<7x3x24xf32>, %p: tensor<7xf32>) -> tensor<7x3x24xf32> {
  // expected-error @+1 {{'tfm.rotary' op operand #1 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values, but got 'tensor<7xf32>'}}
  %0 = tfm.rotary %x, %p : tensor<7x3x24xf32>, tensor<7xf32>
  return %0 : tensor<7x3x24xf32>
}

// -----

func.func @rotary_result_type(%x: tensor<7x3x24xf32>, %p: tensor<7xi64>) -> tensor<7x3x24xf16> {
  // expected-error @+1 {{'tfm.rotary' op failed to verify that all of {input, result} have same type}}
  %0 = "tfm.rotary"(%x, %p) <{theta = 1.0e+04 : f32}> : (tensor<7x3x24xf32>, tensor<7xi64>) -> tensor<7x3x24xf16>
  return %0 : tensor<7x3x24xf16>
}

// -----

//===----------------------------------------------------------------------===//
// tfm.attention
//===----------------------------------------------------------------------===//

func.func @attention_query_rank(%q: tensor<?x24xf32>, %k: tensor<?x3x8xf32>) -> tensor<?x3x8xf32> {
  // expected-error @+1 {{'tfm.attention' op query must be [seq, heads, head_dim], got [?, 24]}}
  %0 = tfm.attention %q, %k, %k : tensor<?x24xf32>, tensor<?x3x8xf32>, tensor<?x3x8xf32> -> tensor<?x3x8xf32>
  return %0 : tensor<?x3x8xf32>
}

// -----

func.func @attention_key_rank(%q: tensor<?x3x8xf32>, %k: tensor<1x?x3x8xf32>) -> tensor<?x3x8xf32> {
  // expected-error @+1 {{'tfm.attention' op key must be [seq, heads, head_dim], got [1, ?, 3, 8]}}
  %0 = tfm.attention %q, %k, %q : tensor<?x3x8xf32>, tensor<1x?x3x8xf32>, tensor<?x3x8xf32> -> tensor<?x3x8xf32>
  return %0 : tensor<?x3x8xf32>
}

// -----

func.func @attention_value_rank(%q: tensor<?x3x8xf32>, %v: tensor<?x24xf32>) -> tensor<?x3x8xf32> {
  // expected-error @+1 {{'tfm.attention' op value must be [seq, heads, head_dim], got [?, 24]}}
  %0 = tfm.attention %q, %q, %v : tensor<?x3x8xf32>, tensor<?x3x8xf32>, tensor<?x24xf32> -> tensor<?x3x8xf32>
  return %0 : tensor<?x3x8xf32>
}

// -----

func.func @attention_result_rank(%q: tensor<?x3x8xf32>) -> tensor<?x24xf32> {
  // expected-error @+1 {{'tfm.attention' op result must be [seq, heads, head_dim], got [?, 24]}}
  %0 = tfm.attention %q, %q, %q : tensor<?x3x8xf32>, tensor<?x3x8xf32>, tensor<?x3x8xf32> -> tensor<?x24xf32>
  return %0 : tensor<?x24xf32>
}

// -----

func.func @attention_element_types(%q: tensor<?x3x8xf32>, %k: tensor<?x3x8xf16>) -> tensor<?x3x8xf32> {
  // expected-error @+1 {{'tfm.attention' op query, key, value and result must share one element type, got 'f32', 'f16', 'f32', 'f32'}}
  %0 = tfm.attention %q, %k, %q : tensor<?x3x8xf32>, tensor<?x3x8xf16>, tensor<?x3x8xf32> -> tensor<?x3x8xf32>
  return %0 : tensor<?x3x8xf32>
}

// -----

func.func @attention_dynamic_heads(%q: tensor<?x?x8xf32>, %k: tensor<?x3x8xf32>) -> tensor<?x?x8xf32> {
  // expected-error @+1 {{'tfm.attention' op head counts and head dims must be static}}
  %0 = tfm.attention %q, %k, %k : tensor<?x?x8xf32>, tensor<?x3x8xf32>, tensor<?x3x8xf32> -> tensor<?x?x8xf32>
  return %0 : tensor<?x?x8xf32>
}

// -----

func.func @attention_dynamic_value_dim(%q: tensor<?x3x8xf32>, %v: tensor<?x3x?xf32>) -> tensor<?x3x8xf32> {
  // expected-error @+1 {{'tfm.attention' op head counts and head dims must be static}}
  %0 = tfm.attention %q, %q, %v : tensor<?x3x8xf32>, tensor<?x3x8xf32>, tensor<?x3x?xf32> -> tensor<?x3x8xf32>
  return %0 : tensor<?x3x8xf32>
}

// -----

func.func @attention_kv_heads(%q: tensor<?x6x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x3x8xf32>) -> tensor<?x6x8xf32> {
  // expected-error @+1 {{'tfm.attention' op key has 2 heads but value has 3}}
  %0 = tfm.attention %q, %k, %v : tensor<?x6x8xf32>, tensor<?x2x8xf32>, tensor<?x3x8xf32> -> tensor<?x6x8xf32>
  return %0 : tensor<?x6x8xf32>
}

// -----

func.func @attention_gqa_multiple(%q: tensor<?x6x8xf32>, %k: tensor<?x4x8xf32>) -> tensor<?x6x8xf32> {
  // expected-error @+1 {{'tfm.attention' op query heads (6) must be a multiple of key/value heads (4)}}
  %0 = tfm.attention %q, %k, %k : tensor<?x6x8xf32>, tensor<?x4x8xf32>, tensor<?x4x8xf32> -> tensor<?x6x8xf32>
  return %0 : tensor<?x6x8xf32>
}

// -----

func.func @attention_head_dim(%q: tensor<?x3x8xf32>, %k: tensor<?x3x5xf32>) -> tensor<?x3x5xf32> {
  // expected-error @+1 {{'tfm.attention' op query head_dim 8 does not match key head_dim 5}}
  %0 = tfm.attention %q, %k, %k : tensor<?x3x8xf32>, tensor<?x3x5xf32>, tensor<?x3x5xf32> -> tensor<?x3x5xf32>
  return %0 : tensor<?x3x5xf32>
}

// -----

func.func @attention_kv_seq(%q: tensor<7x3x8xf32>, %k: tensor<13x3x8xf32>, %v: tensor<7x3x8xf32>) -> tensor<7x3x8xf32> {
  // expected-error @+1 {{'tfm.attention' op key and value sequence lengths differ: [13, 3, 8] vs [7, 3, 8]}}
  %0 = tfm.attention %q, %k, %v : tensor<7x3x8xf32>, tensor<13x3x8xf32>, tensor<7x3x8xf32> -> tensor<7x3x8xf32>
  return %0 : tensor<7x3x8xf32>
}

// -----

func.func @attention_result_shape(%q: tensor<?x6x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x5xf32>) -> tensor<?x6x8xf32> {
  // expected-error @+1 {{'tfm.attention' op result must be [query seq, query heads, value head_dim] = [?, 6, 5], got [?, 6, 8]}}
  %0 = tfm.attention %q, %k, %v : tensor<?x6x8xf32>, tensor<?x2x8xf32>, tensor<?x2x5xf32> -> tensor<?x6x8xf32>
  return %0 : tensor<?x6x8xf32>
}

// -----

func.func @attention_result_seq(%q: tensor<7x3x8xf32>) -> tensor<13x3x8xf32> {
  // expected-error @+1 {{'tfm.attention' op result must be [query seq, query heads, value head_dim] = [7, 3, 8], got [13, 3, 8]}}
  %0 = tfm.attention %q, %q, %q : tensor<7x3x8xf32>, tensor<7x3x8xf32>, tensor<7x3x8xf32> -> tensor<13x3x8xf32>
  return %0 : tensor<13x3x8xf32>
}

// -----

func.func @attention_scale_zero(%q: tensor<?x3x8xf32>) -> tensor<?x3x8xf32> {
  // expected-error @+1 {{'tfm.attention' op scale must be positive and finite, got 0.000000e+00}}
  %0 = tfm.attention %q, %q, %q {scale = 0.0 : f32} : tensor<?x3x8xf32>, tensor<?x3x8xf32>, tensor<?x3x8xf32> -> tensor<?x3x8xf32>
  return %0 : tensor<?x3x8xf32>
}

// -----

func.func @attention_scale_inf(%q: tensor<?x3x8xf32>) -> tensor<?x3x8xf32> {
  // expected-error @+1 {{'tfm.attention' op scale must be positive and finite, got INF}}
  %0 = tfm.attention %q, %q, %q {scale = 0x7F800000 : f32} : tensor<?x3x8xf32>, tensor<?x3x8xf32>, tensor<?x3x8xf32> -> tensor<?x3x8xf32>
  return %0 : tensor<?x3x8xf32>
}

// -----

// Cache operand/result combinations that the custom syntax cannot express
// are reachable through the generic form.

func.func @attention_value_cache_without_key_cache(%q: tensor<1x3x8xf32>, %vc: tensor<37x3x8xf32>, %pos: index) -> tensor<1x3x8xf32> {
  // expected-error @+1 {{'tfm.attention' op a value cache or cache position needs a key cache}}
  %0 = "tfm.attention"(%q, %q, %q, %vc, %pos) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 1>, resultSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<37x3x8xf32>, index) -> tensor<1x3x8xf32>
  return %0 : tensor<1x3x8xf32>
}

// -----

func.func @attention_position_without_key_cache(%q: tensor<1x3x8xf32>, %pos: index) -> tensor<1x3x8xf32> {
  // expected-error @+1 {{'tfm.attention' op a value cache or cache position needs a key cache}}
  %0 = "tfm.attention"(%q, %q, %q, %pos) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 1>, resultSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<1x3x8xf32>, index) -> tensor<1x3x8xf32>
  return %0 : tensor<1x3x8xf32>
}

// -----

func.func @attention_cache_results_without_cache(%q: tensor<1x3x8xf32>) -> tensor<1x3x8xf32> {
  // expected-error @+1 {{'tfm.attention' op cache results require cache operands}}
  %0:3 = "tfm.attention"(%q, %q, %q) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0>, resultSegmentSizes = array<i32: 1, 1, 1>}> : (tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<1x3x8xf32>) -> (tensor<1x3x8xf32>, tensor<37x3x8xf32>, tensor<37x3x8xf32>)
  return %0#0 : tensor<1x3x8xf32>
}

// -----

func.func @attention_key_cache_alone(%q: tensor<1x3x8xf32>, %kc: tensor<37x3x8xf32>) -> tensor<1x3x8xf32> {
  // expected-error @+1 {{'tfm.attention' op a key cache needs a value cache and a cache position}}
  %0:3 = "tfm.attention"(%q, %q, %q, %kc) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 0, 0>, resultSegmentSizes = array<i32: 1, 1, 1>}> : (tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<37x3x8xf32>) -> (tensor<1x3x8xf32>, tensor<37x3x8xf32>, tensor<37x3x8xf32>)
  return %0#0 : tensor<1x3x8xf32>
}

// -----

func.func @attention_key_cache_no_position(%q: tensor<1x3x8xf32>, %kc: tensor<37x3x8xf32>) -> tensor<1x3x8xf32> {
  // expected-error @+1 {{'tfm.attention' op a key cache needs a value cache and a cache position}}
  %0:3 = "tfm.attention"(%q, %q, %q, %kc, %kc) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 0>, resultSegmentSizes = array<i32: 1, 1, 1>}> : (tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<37x3x8xf32>, tensor<37x3x8xf32>) -> (tensor<1x3x8xf32>, tensor<37x3x8xf32>, tensor<37x3x8xf32>)
  return %0#0 : tensor<1x3x8xf32>
}

// -----

func.func @attention_key_cache_shape(%q: tensor<1x6x8xf32>, %k: tensor<1x2x8xf32>, %kc: tensor<37x3x8xf32>, %vc: tensor<37x2x8xf32>, %pos: index) -> tensor<1x6x8xf32> {
  // expected-error @+1 {{'tfm.attention' op key cache must be [max_seq, 2, 8], got [37, 3, 8]}}
  %0:3 = tfm.attention %q, %k, %k cache(%kc, %vc) at %pos
      : tensor<1x6x8xf32>, tensor<1x2x8xf32>, tensor<1x2x8xf32>, tensor<37x3x8xf32>, tensor<37x2x8xf32>
      -> tensor<1x6x8xf32>, tensor<37x3x8xf32>, tensor<37x2x8xf32>
  return %0#0 : tensor<1x6x8xf32>
}

// -----

func.func @attention_key_cache_rank(%q: tensor<1x6x8xf32>, %k: tensor<1x2x8xf32>, %kc: tensor<37x16xf32>, %vc: tensor<37x2x8xf32>, %pos: index) -> tensor<1x6x8xf32> {
  // expected-error @+1 {{'tfm.attention' op key cache must be [max_seq, 2, 8], got [37, 16]}}
  %0:3 = tfm.attention %q, %k, %k cache(%kc, %vc) at %pos
      : tensor<1x6x8xf32>, tensor<1x2x8xf32>, tensor<1x2x8xf32>, tensor<37x16xf32>, tensor<37x2x8xf32>
      -> tensor<1x6x8xf32>, tensor<37x16xf32>, tensor<37x2x8xf32>
  return %0#0 : tensor<1x6x8xf32>
}

// -----

func.func @attention_value_cache_head_dim(%q: tensor<1x3x8xf32>, %v: tensor<1x3x5xf32>, %kc: tensor<37x3x8xf32>, %vc: tensor<37x3x8xf32>, %pos: index) -> tensor<1x3x5xf32> {
  // expected-error @+1 {{'tfm.attention' op value cache must be [37, 3, 5], got [37, 3, 8]}}
  %0:3 = tfm.attention %q, %q, %v cache(%kc, %vc) at %pos
      : tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<1x3x5xf32>, tensor<37x3x8xf32>, tensor<37x3x8xf32>
      -> tensor<1x3x5xf32>, tensor<37x3x8xf32>, tensor<37x3x8xf32>
  return %0#0 : tensor<1x3x5xf32>
}

// -----

func.func @attention_value_cache_length(%q: tensor<1x3x8xf32>, %kc: tensor<37x3x8xf32>, %vc: tensor<24x3x8xf32>, %pos: index) -> tensor<1x3x8xf32> {
  // expected-error @+1 {{'tfm.attention' op value cache must be [37, 3, 8], got [24, 3, 8]}}
  %0:3 = tfm.attention %q, %q, %q cache(%kc, %vc) at %pos
      : tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<37x3x8xf32>, tensor<24x3x8xf32>
      -> tensor<1x3x8xf32>, tensor<37x3x8xf32>, tensor<24x3x8xf32>
  return %0#0 : tensor<1x3x8xf32>
}

// -----

func.func @attention_cache_element_type(%q: tensor<1x3x8xf32>, %kc: tensor<37x3x8xf16>, %pos: index) -> tensor<1x3x8xf32> {
  // expected-error @+1 {{'tfm.attention' op caches must have element type 'f32'}}
  %0:3 = tfm.attention %q, %q, %q cache(%kc, %kc) at %pos
      : tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<37x3x8xf16>, tensor<37x3x8xf16>
      -> tensor<1x3x8xf32>, tensor<37x3x8xf16>, tensor<37x3x8xf16>
  return %0#0 : tensor<1x3x8xf32>
}

// -----

func.func @attention_cache_without_results(%q: tensor<1x3x8xf32>, %kc: tensor<37x3x8xf32>, %pos: index) -> tensor<1x3x8xf32> {
  // expected-error @+1 {{'tfm.attention' op with a KV cache the op returns the updated key and value caches}}
  %0 = "tfm.attention"(%q, %q, %q, %kc, %kc, %pos) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 1>, resultSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<37x3x8xf32>, tensor<37x3x8xf32>, index) -> tensor<1x3x8xf32>
  return %0 : tensor<1x3x8xf32>
}

// -----

func.func @attention_cache_result_types(%q: tensor<1x3x8xf32>, %kc: tensor<37x3x8xf32>, %pos: index) -> tensor<1x3x8xf32> {
  // expected-error @+1 {{'tfm.attention' op cache result types must equal the cache operand types}}
  %0:3 = tfm.attention %q, %q, %q cache(%kc, %kc) at %pos
      : tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<37x3x8xf32>, tensor<37x3x8xf32>
      -> tensor<1x3x8xf32>, tensor<37x3x8xf32>, tensor<24x3x8xf32>
  return %0#0 : tensor<1x3x8xf32>
}

// -----

func.func @attention_cache_overflow(%q: tensor<7x3x8xf32>, %kc: tensor<5x3x8xf32>, %pos: index) -> tensor<7x3x8xf32> {
  // expected-error @+1 {{'tfm.attention' op cannot append 7 key rows to a cache of 5}}
  %0:3 = tfm.attention %q, %q, %q cache(%kc, %kc) at %pos
      : tensor<7x3x8xf32>, tensor<7x3x8xf32>, tensor<7x3x8xf32>, tensor<5x3x8xf32>, tensor<5x3x8xf32>
      -> tensor<7x3x8xf32>, tensor<5x3x8xf32>, tensor<5x3x8xf32>
  return %0#0 : tensor<7x3x8xf32>
}

// -----

func.func @attention_dynamic_cache(%q: tensor<1x3x8xf32>, %kc: tensor<?x3x8xf32>, %pos: index) -> tensor<1x3x8xf32> {
  // expected-error @+1 {{'tfm.attention' op operand #3 must be statically shaped tensor of 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<?x3x8xf32>'}}
  %0:3 = tfm.attention %q, %q, %q cache(%kc, %kc) at %pos
      : tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<?x3x8xf32>, tensor<?x3x8xf32>
      -> tensor<1x3x8xf32>, tensor<?x3x8xf32>, tensor<?x3x8xf32>
  return %0#0 : tensor<1x3x8xf32>
}

// -----

func.func @attention_integer(%q: tensor<1x3x8xi32>) -> tensor<1x3x8xi32> {
  // expected-error @+1 {{'tfm.attention' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<1x3x8xi32>'}}
  %0 = tfm.attention %q, %q, %q : tensor<1x3x8xi32>, tensor<1x3x8xi32>, tensor<1x3x8xi32> -> tensor<1x3x8xi32>
  return %0 : tensor<1x3x8xi32>
}

// -----

func.func @attention_position_not_index(%q: tensor<1x3x8xf32>, %kc: tensor<37x3x8xf32>, %pos: i64) -> tensor<1x3x8xf32> {
  // expected-error @+1 {{'tfm.attention' op operand #5 must be index, but got 'i64'}}
  %0:3 = "tfm.attention"(%q, %q, %q, %kc, %kc, %pos) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 1>, resultSegmentSizes = array<i32: 1, 1, 1>}> : (tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<1x3x8xf32>, tensor<37x3x8xf32>, tensor<37x3x8xf32>, i64) -> (tensor<1x3x8xf32>, tensor<37x3x8xf32>, tensor<37x3x8xf32>)
  return %0#0 : tensor<1x3x8xf32>
}

// -----

// A zero head count is reported, not divided by.
func.func @attention_zero_kv_heads(%q: tensor<7x3x8xf32>, %k: tensor<7x0x8xf32>) -> tensor<7x3x8xf32> {
  // expected-error @+1 {{'tfm.attention' op query heads (3) must be a multiple of key/value heads (0)}}
  %0 = tfm.attention %q, %k, %k : tensor<7x3x8xf32>, tensor<7x0x8xf32>, tensor<7x0x8xf32> -> tensor<7x3x8xf32>
  return %0 : tensor<7x3x8xf32>
}


// -----


func.func @attention_zero_heads(%q: tensor<7x0x8xf32>) -> tensor<7x0x8xf32> {
  // expected-error @+1 {{'tfm.attention' op query heads (0) must be a multiple of key/value heads (0)}}
  %0 = tfm.attention %q, %q, %q : tensor<7x0x8xf32>, tensor<7x0x8xf32>, tensor<7x0x8xf32> -> tensor<7x0x8xf32>
  return %0 : tensor<7x0x8xf32>
}

// -----

func.func @linear_dynamic_weight(%x: tensor<7x?xf32>, %w: tensor<?x?xf32>) -> tensor<7x?xf32> {
  // expected-error @+1 {{'tfm.linear' op weight must be a static 2-D tensor for layout out_in, got [?, ?]}}
  %0 = tfm.linear %x, %w : tensor<7x?xf32>, tensor<?x?xf32> -> tensor<7x?xf32>
  return %0 : tensor<7x?xf32>
}

// -----

func.func @embedding_dynamic_vocab(%t: tensor<?x24xf32>, %ids: tensor<7xi64>) -> tensor<7x24xf32> {
  // expected-error @+1 {{'tfm.embedding' op embedding table must be a static 2-D [vocab, dim] tensor or 3-D [vocab / P, dim, P] panels, got [?, 24]}}
  %0 = tfm.embedding %t[%ids] : tensor<?x24xf32>, tensor<7xi64> -> tensor<7x24xf32>
  return %0 : tensor<7x24xf32>
}
