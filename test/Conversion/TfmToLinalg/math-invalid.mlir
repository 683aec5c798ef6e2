// RUN: tfc-opt %s --convert-tfm-to-linalg -split-input-file -verify-diagnostics

// An integer power needs a constant exponent 1..4: anything else is left
// alone and the conversion fails on it.
func.func @pow_int_runtime_exponent(%x: tensor<4xi32>, %y: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{failed to legalize operation 'tfm.pow'}}
  %0 = tfm.pow %x, %y : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @pow_int_large_exponent(%x: tensor<4xi64>) -> tensor<4xi64> {
  %c = arith.constant dense<5> : tensor<i64>
  // expected-error @+1 {{failed to legalize operation 'tfm.pow'}}
  %0 = tfm.pow %x, %c : tensor<4xi64>, tensor<i64> -> tensor<4xi64>
  return %0 : tensor<4xi64>
}
