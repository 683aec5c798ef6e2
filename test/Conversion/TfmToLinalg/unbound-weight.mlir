// RUN: tfc-opt %s --convert-tfm-to-linalg -split-input-file -verify-diagnostics

// tfm.weight has no lowering of its own: it must have been bound to the
// weight blob by --tfm-bind-weights. An unbound weight is reported precisely
// (not as a generic legalization failure) and nothing is lowered.

func.func @unbound(%x: tensor<?x37xf32>) -> tensor<?x13xf32> {
  // expected-error @+1 {{'tfm.weight' op 'lm_head.weight' is not bound to weight storage; run --tfm-bind-weights before --convert-tfm-to-linalg}}
  %w = tfm.weight "lm_head.weight" : tensor<13x37xf32>
  %y = tfm.linear %x, %w : tensor<?x37xf32>, tensor<13x37xf32> -> tensor<?x13xf32>
  return %y : tensor<?x13xf32>
}

// -----

// Only the first unbound weight is reported.
func.func @two_unbound() -> (tensor<7xf16>, tensor<24xi8>) {
  // expected-error @+1 {{'tfm.weight' op 'a' is not bound to weight storage; run --tfm-bind-weights before --convert-tfm-to-linalg}}
  %a = tfm.weight "a" : tensor<7xf16>
  %b = tfm.weight "b" : tensor<24xi8>
  return %a, %b : tensor<7xf16>, tensor<24xi8>
}

// -----

// A weight in a later function is found as well.
func.func @no_weights(%x: tensor<7xf32>) -> tensor<7xf32> {
  %0 = tfm.silu %x : tensor<7xf32>
  return %0 : tensor<7xf32>
}

func.func @late(%x: tensor<7x24xbf16>) -> tensor<7x24xbf16> {
  // expected-error @+1 {{'tfm.weight' op 'model.norm.weight' is not bound to weight storage; run --tfm-bind-weights before --convert-tfm-to-linalg}}
  %g = tfm.weight "model.norm.weight" : tensor<24xbf16>
  %y = tfm.rms_norm %x, %g : tensor<7x24xbf16>, tensor<24xbf16>
  return %y : tensor<7x24xbf16>
}
