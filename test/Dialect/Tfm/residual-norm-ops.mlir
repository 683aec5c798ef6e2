// RUN: tfc-opt %s | tfc-opt | FileCheck %s
// RUN: tfc-opt %s --mlir-print-op-generic | tfc-opt | FileCheck %s
// RUN: tfc-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// Round trip of tfm.add_layer_norm and tfm.add_rms_norm (two results: the
// sum and the normalized sum) in their custom and generic forms. Default
// epsilons are elided by the custom printer and materialized as properties.

// CHECK-LABEL: func.func @add_layer_norm
// CHECK: %[[S0:.*]], %[[N0:.*]] = tfm.add_layer_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x37xf32>, tensor<?x37xf32>, tensor<37xf32>, tensor<37xf32>
// CHECK: %{{.*}}, %{{.*}} = tfm.add_layer_norm %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x37xf32>, tensor<?x37xf32>, tensor<37xf32>
// CHECK: tfm.add_layer_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 1.000000e-03 : f32} : tensor<2x7x13xbf16>, tensor<2x7x13xbf16>, tensor<13xbf16>, tensor<13xbf16>
// CHECK: return %[[S0]], %[[N0]]
// GENERIC-LABEL: sym_name = "add_layer_norm"
// GENERIC: "tfm.add_layer_norm"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) <{epsilon = 9.99999974E-6 : f32}> : (tensor<?x37xf32>, tensor<?x37xf32>, tensor<37xf32>, tensor<37xf32>) -> (tensor<?x37xf32>, tensor<?x37xf32>)
func.func @add_layer_norm(%x: tensor<?x37xf32>, %r: tensor<?x37xf32>,
                          %g: tensor<37xf32>, %b: tensor<37xf32>,
                          %h: tensor<2x7x13xbf16>, %g16: tensor<13xbf16>)
    -> (tensor<?x37xf32>, tensor<?x37xf32>) {
  %s0, %n0 = tfm.add_layer_norm %x, %r, %g, %b
      : tensor<?x37xf32>, tensor<?x37xf32>, tensor<37xf32>, tensor<37xf32>
  %s1, %n1 = tfm.add_layer_norm %x, %r, %g {epsilon = 1.0e-05 : f32}
      : tensor<?x37xf32>, tensor<?x37xf32>, tensor<37xf32>
  %s2, %n2 = tfm.add_layer_norm %h, %h, %g16, %g16 {epsilon = 1.0e-03 : f32}
      : tensor<2x7x13xbf16>, tensor<2x7x13xbf16>, tensor<13xbf16>, tensor<13xbf16>
  return %s0, %n0 : tensor<?x37xf32>, tensor<?x37xf32>
}

// CHECK-LABEL: func.func @add_rms_norm
// CHECK: %[[S:.*]], %[[N:.*]] = tfm.add_rms_norm %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x?x24xf16>, tensor<?x?x24xf16>, tensor<24xf16>
// CHECK: tfm.add_rms_norm %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 9.99999974E-6 : f32} : tensor<13xf32>, tensor<13xf32>, tensor<13xf32>
// CHECK: return %[[N]], %[[S]]
// GENERIC-LABEL: sym_name = "add_rms_norm"
// GENERIC: "tfm.add_rms_norm"(%{{.*}}, %{{.*}}, %{{.*}}) <{epsilon = 9.99999997E-7 : f32}> : (tensor<?x?x24xf16>, tensor<?x?x24xf16>, tensor<24xf16>) -> (tensor<?x?x24xf16>, tensor<?x?x24xf16>)
func.func @add_rms_norm(%x: tensor<?x?x24xf16>, %r: tensor<?x?x24xf16>,
                        %g: tensor<24xf16>, %v: tensor<13xf32>)
    -> (tensor<?x?x24xf16>, tensor<?x?x24xf16>) {
  %s, %n = tfm.add_rms_norm %x, %r, %g
      : tensor<?x?x24xf16>, tensor<?x?x24xf16>, tensor<24xf16>
  %s1, %n1 = tfm.add_rms_norm %v, %v, %v {epsilon = 1.0e-05 : f32}
      : tensor<13xf32>, tensor<13xf32>, tensor<13xf32>
  return %n, %s : tensor<?x?x24xf16>, tensor<?x?x24xf16>
}
