// RUN: tfc-opt %s -split-input-file -verify-diagnostics

// One case per verifier diagnostic of tfm.add_layer_norm and
// tfm.add_rms_norm, plus the ODS constraint on the result types.

func.func @residual_shape(%x: tensor<?x37xf32>, %r: tensor<37xf32>, %g: tensor<37xf32>) {
  // expected-error @+1 {{'tfm.add_layer_norm' op residual type 'tensor<37xf32>' does not match the input type 'tensor<?x37xf32>' (no broadcasting)}}
  %s, %n = tfm.add_layer_norm %x, %r, %g : tensor<?x37xf32>, tensor<37xf32>, tensor<37xf32>
  return
}

// -----

func.func @residual_dynamic(%x: tensor<7x37xf32>, %r: tensor<?x37xf32>, %g: tensor<37xf32>) {
  // expected-error @+1 {{'tfm.add_rms_norm' op residual type 'tensor<?x37xf32>' does not match the input type 'tensor<7x37xf32>' (no broadcasting)}}
  %s, %n = tfm.add_rms_norm %x, %r, %g : tensor<7x37xf32>, tensor<?x37xf32>, tensor<37xf32>
  return
}

// -----

func.func @residual_element_type(%x: tensor<7x37xf32>, %r: tensor<7x37xf16>, %g: tensor<37xf32>) {
  // expected-error @+1 {{'tfm.add_rms_norm' op residual type 'tensor<7x37xf16>' does not match the input type 'tensor<7x37xf32>' (no broadcasting)}}
  %s, %n = tfm.add_rms_norm %x, %r, %g : tensor<7x37xf32>, tensor<7x37xf16>, tensor<37xf32>
  return
}

// -----

func.func @result_types(%x: tensor<7x37xf32>, %g: tensor<37xf32>) {
  // expected-error @+1 {{'tfm.add_rms_norm' op failed to verify that all of {input, sum, normalized} have same type}}
  %s, %n = "tfm.add_rms_norm"(%x, %x, %g) <{epsilon = 1.0e-06 : f32}> : (tensor<7x37xf32>, tensor<7x37xf32>, tensor<37xf32>) -> (tensor<7x37xf32>, tensor<?x37xf32>)
  return
}

// -----

func.func @rank0(%x: tensor<f32>, %g: tensor<1xf32>) {
  // expected-error @+1 {{'tfm.add_rms_norm' op input must have rank >= 1}}
  %s, %n = tfm.add_rms_norm %x, %x, %g : tensor<f32>, tensor<f32>, tensor<1xf32>
  return
}

// -----

func.func @scale_shape(%x: tensor<?x37xf32>, %g: tensor<24xf32>) {
  // expected-error @+1 {{'tfm.add_layer_norm' op scale must be [37] (the normalized last dimension), got [24]}}
  %s, %n = tfm.add_layer_norm %x, %x, %g : tensor<?x37xf32>, tensor<?x37xf32>, tensor<24xf32>
  return
}

// -----

func.func @scale_rank(%x: tensor<7x13xf32>, %g: tensor<7x13xf32>) {
  // expected-error @+1 {{'tfm.add_rms_norm' op scale must be [13] (the normalized last dimension), got [7, 13]}}
  %s, %n = tfm.add_rms_norm %x, %x, %g : tensor<7x13xf32>, tensor<7x13xf32>, tensor<7x13xf32>
  return
}

// -----

func.func @bias_shape(%x: tensor<?x37xf32>, %g: tensor<37xf32>, %b: tensor<13xf32>) {
  // expected-error @+1 {{'tfm.add_layer_norm' op bias must be [37] (the normalized last dimension), got [13]}}
  %s, %n = tfm.add_layer_norm %x, %x, %g, %b : tensor<?x37xf32>, tensor<?x37xf32>, tensor<37xf32>, tensor<13xf32>
  return
}

// -----

func.func @scale_element_type(%x: tensor<?x37xf16>, %g: tensor<37xf32>) {
  // expected-error @+1 {{'tfm.add_layer_norm' op scale element type 'f32' does not match input element type 'f16'}}
  %s, %n = tfm.add_layer_norm %x, %x, %g : tensor<?x37xf16>, tensor<?x37xf16>, tensor<37xf32>
  return
}

// -----

func.func @bias_element_type(%x: tensor<?x37xf16>, %g: tensor<37xf16>, %b: tensor<37xbf16>) {
  // expected-error @+1 {{'tfm.add_layer_norm' op bias element type 'bf16' does not match input element type 'f16'}}
  %s, %n = tfm.add_layer_norm %x, %x, %g, %b : tensor<?x37xf16>, tensor<?x37xf16>, tensor<37xf16>, tensor<37xbf16>
  return
}

// -----

func.func @epsilon(%x: tensor<?x37xf32>, %g: tensor<37xf32>) {
  // expected-error @+1 {{'tfm.add_rms_norm' op epsilon must be positive and finite, got 0.000000e+00}}
  %s, %n = tfm.add_rms_norm %x, %x, %g {epsilon = 0.0 : f32} : tensor<?x37xf32>, tensor<?x37xf32>, tensor<37xf32>
  return
}
