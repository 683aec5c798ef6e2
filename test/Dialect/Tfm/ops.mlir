// RUN: tfc-opt %s | tfc-opt | FileCheck %s
// RUN: tfc-opt %s --mlir-print-op-generic | tfc-opt | FileCheck %s
// RUN: tfc-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// Round trip of every tfm op in its custom and generic forms. Default-valued
// attributes are elided by the custom printer; the GENERIC prefix checks that
// they are materialized as properties.

//===----------------------------------------------------------------------===//
// tfm.weight
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @weights
// CHECK: tfm.weight "transformer.h.0.attn.c_attn.weight" : tensor<37x111xf32>
// CHECK: tfm.weight "lm_head.weight" : tensor<13x24xf16>
// CHECK: tfm.weight "model.norm.weight" : tensor<24xbf16>
// CHECK: tfm.weight "quant.q8" : tensor<7x13xi8>
// CHECK: tfm.weight "quant.scales" : tensor<7xi32>
// CHECK: tfm.weight "scalar" : tensor<f32>
// CHECK: tfm.weight "packed" permutation [2, 0, 1] : tensor<5x3x4xf32>
// GENERIC-LABEL: sym_name = "weights"
// GENERIC: "tfm.weight"() <{name = "transformer.h.0.attn.c_attn.weight"}> : () -> tensor<37x111xf32>
// GENERIC: "tfm.weight"() <{name = "packed", permutation = array<i64: 2, 0, 1>}> : () -> tensor<5x3x4xf32>
func.func @weights() -> (tensor<37x111xf32>, tensor<13x24xf16>, tensor<24xbf16>,
                         tensor<7x13xi8>, tensor<7xi32>, tensor<f32>,
                         tensor<5x3x4xf32>) {
  %0 = tfm.weight "transformer.h.0.attn.c_attn.weight" : tensor<37x111xf32>
  %1 = tfm.weight "lm_head.weight" : tensor<13x24xf16>
  %2 = tfm.weight "model.norm.weight" : tensor<24xbf16>
  %3 = tfm.weight "quant.q8" : tensor<7x13xi8>
  %4 = tfm.weight "quant.scales" : tensor<7xi32>
  %5 = tfm.weight "scalar" : tensor<f32>
  %6 = tfm.weight "packed" permutation [2, 0, 1] : tensor<5x3x4xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<37x111xf32>, tensor<13x24xf16>,
      tensor<24xbf16>, tensor<7x13xi8>, tensor<7xi32>, tensor<f32>,
      tensor<5x3x4xf32>
}

// Panels: an [N, K] weight transposed and cut into [K, 64] column panels, and
// an [K, N] one cut as stored; a linear reads them in the panels layout.
// CHECK-LABEL: func.func @weight_panels
// CHECK: %[[P:.*]] = tfm.weight "up.weight" permutation [1, 0] panels 64 : tensor<3x37x64xf32>
// CHECK: tfm.weight "c_fc.weight" panels 16 : tensor<2x37x16xf16>
// CHECK: tfm.linear %{{.*}}, %[[P]] {weight_layout = #tfm.weight_layout<panels>} : tensor<?x37xf32>, tensor<3x37x64xf32> -> tensor<?x192xf32>
// GENERIC: "tfm.weight"() <{name = "up.weight", panels = 64 : i64, permutation = array<i64: 1, 0>}> : () -> tensor<3x37x64xf32>
func.func @weight_panels(%x: tensor<?x37xf32>) -> (tensor<?x192xf32>, tensor<2x37x16xf16>) {
  %0 = tfm.weight "up.weight" permutation [1, 0] panels 64 : tensor<3x37x64xf32>
  %1 = tfm.weight "c_fc.weight" panels 16 : tensor<2x37x16xf16>
  %y = tfm.linear %x, %0 {weight_layout = #tfm.weight_layout<panels>} : tensor<?x37xf32>, tensor<3x37x64xf32> -> tensor<?x192xf32>
  return %y, %1 : tensor<?x192xf32>, tensor<2x37x16xf16>
}

// A tied table in panels: the embedding gathers from it, the head's last
// panel is padded (150 of 192 columns).
// CHECK-LABEL: func.func @tied_panels
// CHECK: tfm.embedding %{{.*}}[%{{.*}}] : tensor<3x37x64xf32>, tensor<?xi64> -> tensor<?x37xf32>
// CHECK: tfm.linear %{{.*}}, %{{.*}} {weight_layout = #tfm.weight_layout<panels>} : tensor<?x37xf32>, tensor<3x37x64xf32> -> tensor<?x150xf32>
func.func @tied_panels(%ids: tensor<?xi64>) -> tensor<?x150xf32> {
  %t = tfm.weight "wte" permutation [1, 0] panels 64 : tensor<3x37x64xf32>
  %e = tfm.embedding %t[%ids] : tensor<3x37x64xf32>, tensor<?xi64> -> tensor<?x37xf32>
  %y = tfm.linear %e, %t {weight_layout = #tfm.weight_layout<panels>} : tensor<?x37xf32>, tensor<3x37x64xf32> -> tensor<?x150xf32>
  return %y : tensor<?x150xf32>
}

//===----------------------------------------------------------------------===//
// tfm.cast
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @casts
// CHECK: tfm.cast %{{.*}} : tensor<?x37xf16> -> tensor<?x37xf32>
// CHECK: tfm.cast %{{.*}} : tensor<?x37xf32> -> tensor<?x37xbf16>
// CHECK: tfm.cast %{{.*}} : tensor<?x37xbf16> -> tensor<?x37xf16>
// CHECK: tfm.cast %{{.*}} : tensor<7x13xi8> -> tensor<7x13xf32>
// CHECK: tfm.cast %{{.*}} : tensor<7x13xf32> -> tensor<7x13xi32>
// CHECK: tfm.cast %{{.*}} : tensor<7x13xi32> -> tensor<7x13xi64>
// CHECK: tfm.cast %{{.*}} : tensor<7x13xi64> -> tensor<7x13xi1>
// CHECK: tfm.cast %{{.*}} : tensor<7x13xi1> -> tensor<7x13xf16>
// CHECK: tfm.cast %{{.*}} : tensor<f32> -> tensor<f16>
func.func @casts(%a: tensor<?x37xf16>, %b: tensor<7x13xi8>, %s: tensor<f32>)
    -> (tensor<?x37xf16>, tensor<7x13xf16>, tensor<f16>) {
  %0 = tfm.cast %a : tensor<?x37xf16> -> tensor<?x37xf32>
  %1 = tfm.cast %0 : tensor<?x37xf32> -> tensor<?x37xbf16>
  %2 = tfm.cast %1 : tensor<?x37xbf16> -> tensor<?x37xf16>
  %3 = tfm.cast %b : tensor<7x13xi8> -> tensor<7x13xf32>
  %4 = tfm.cast %3 : tensor<7x13xf32> -> tensor<7x13xi32>
  %5 = tfm.cast %4 : tensor<7x13xi32> -> tensor<7x13xi64>
  %6 = tfm.cast %5 : tensor<7x13xi64> -> tensor<7x13xi1>
  %7 = tfm.cast %6 : tensor<7x13xi1> -> tensor<7x13xf16>
  %8 = tfm.cast %s : tensor<f32> -> tensor<f16>
  return %2, %7, %8 : tensor<?x37xf16>, tensor<7x13xf16>, tensor<f16>
}

//===----------------------------------------------------------------------===//
// tfm.reshape / tfm.transpose
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @reshapes
// CHECK: tfm.reshape %{{.*}} : tensor<?x24xf32> -> tensor<?x4x6xf32>
// CHECK: tfm.reshape %{{.*}} : tensor<?x4x6xf32> -> tensor<?x24xf32>
// CHECK: tfm.reshape %{{.*}} : tensor<7x13xf32> -> tensor<91xf32>
// CHECK: tfm.reshape %{{.*}} : tensor<91xf32> -> tensor<13x?xf32>
// CHECK: tfm.reshape %{{.*}} : tensor<13x7xf32> -> tensor<1x13x1x7xf32>
// CHECK: tfm.reshape %{{.*}} : tensor<1xi64> -> tensor<i64>
// CHECK: tfm.reshape %{{.*}} : tensor<?x37xi8> -> tensor<?xi8>
func.func @reshapes(%x: tensor<?x24xf32>, %y: tensor<7x13xf32>,
                    %z: tensor<13x7xf32>, %i: tensor<1xi64>,
                    %q: tensor<?x37xi8>) {
  %0 = tfm.reshape %x : tensor<?x24xf32> -> tensor<?x4x6xf32>
  %1 = tfm.reshape %0 : tensor<?x4x6xf32> -> tensor<?x24xf32>
  %2 = tfm.reshape %y : tensor<7x13xf32> -> tensor<91xf32>
  %3 = tfm.reshape %2 : tensor<91xf32> -> tensor<13x?xf32>
  %4 = tfm.reshape %z : tensor<13x7xf32> -> tensor<1x13x1x7xf32>
  %5 = tfm.reshape %i : tensor<1xi64> -> tensor<i64>
  %6 = tfm.reshape %q : tensor<?x37xi8> -> tensor<?xi8>
  return
}

// CHECK-LABEL: func.func @transposes
// CHECK: tfm.transpose %{{.*}} [1, 0, 2] : tensor<?x3x8xf32> -> tensor<3x?x8xf32>
// CHECK: tfm.transpose %{{.*}} [1, 0] : tensor<7x13xbf16> -> tensor<13x7xbf16>
// CHECK: tfm.transpose %{{.*}} [3, 1, 0, 2] : tensor<2x3x5x7xi32> -> tensor<7x3x2x5xi32>
// CHECK: tfm.transpose %{{.*}} [0] : tensor<37xf16> -> tensor<37xf16>
// GENERIC-LABEL: sym_name = "transposes"
// GENERIC: "tfm.transpose"(%{{.*}}) <{permutation = array<i64: 1, 0, 2>}> : (tensor<?x3x8xf32>) -> tensor<3x?x8xf32>
func.func @transposes(%a: tensor<?x3x8xf32>, %b: tensor<7x13xbf16>,
                      %c: tensor<2x3x5x7xi32>, %d: tensor<37xf16>) {
  %0 = tfm.transpose %a [1, 0, 2] : tensor<?x3x8xf32> -> tensor<3x?x8xf32>
  %1 = tfm.transpose %b [1, 0] : tensor<7x13xbf16> -> tensor<13x7xbf16>
  %2 = tfm.transpose %c [3, 1, 0, 2] : tensor<2x3x5x7xi32> -> tensor<7x3x2x5xi32>
  %3 = tfm.transpose %d [0] : tensor<37xf16> -> tensor<37xf16>
  return
}

//===----------------------------------------------------------------------===//
// Broadcasting arithmetic, ranks 1..4
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @binary_same_shape
// CHECK: tfm.add %{{.*}}, %{{.*}} : tensor<37xf32>, tensor<37xf32> -> tensor<37xf32>
// CHECK: tfm.sub %{{.*}}, %{{.*}} : tensor<37xf32>, tensor<37xf32> -> tensor<37xf32>
// CHECK: tfm.mul %{{.*}}, %{{.*}} : tensor<37xf32>, tensor<37xf32> -> tensor<37xf32>
// CHECK: tfm.div %{{.*}}, %{{.*}} : tensor<37xf32>, tensor<37xf32> -> tensor<37xf32>
func.func @binary_same_shape(%a: tensor<37xf32>, %b: tensor<37xf32>) -> tensor<37xf32> {
  %0 = tfm.add %a, %b : tensor<37xf32>, tensor<37xf32> -> tensor<37xf32>
  %1 = tfm.sub %0, %b : tensor<37xf32>, tensor<37xf32> -> tensor<37xf32>
  %2 = tfm.mul %1, %b : tensor<37xf32>, tensor<37xf32> -> tensor<37xf32>
  %3 = tfm.div %2, %b : tensor<37xf32>, tensor<37xf32> -> tensor<37xf32>
  return %3 : tensor<37xf32>
}

// CHECK-LABEL: func.func @binary_broadcast
// CHECK: tfm.add %{{.*}}, %{{.*}} : tensor<?x24xf32>, tensor<24xf32> -> tensor<?x24xf32>
// CHECK: tfm.sub %{{.*}}, %{{.*}} : tensor<24xf32>, tensor<?x24xf32> -> tensor<?x24xf32>
// CHECK: tfm.mul %{{.*}}, %{{.*}} : tensor<7x1xf16>, tensor<1x13xf16> -> tensor<7x13xf16>
// CHECK: tfm.div %{{.*}}, %{{.*}} : tensor<3x1x5xbf16>, tensor<7x1xbf16> -> tensor<3x7x5xbf16>
// CHECK: tfm.add %{{.*}}, %{{.*}} : tensor<2x1x5x1xf32>, tensor<3x1x7xf32> -> tensor<2x3x5x7xf32>
// CHECK: tfm.mul %{{.*}}, %{{.*}} : tensor<?x1x37xf32>, tensor<f32> -> tensor<?x1x37xf32>
// CHECK: tfm.add %{{.*}}, %{{.*}} : tensor<?x13xf32>, tensor<?x1xf32> -> tensor<?x13xf32>
// CHECK: tfm.sub %{{.*}}, %{{.*}} : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
func.func @binary_broadcast(%a: tensor<?x24xf32>, %b: tensor<24xf32>,
                            %c: tensor<7x1xf16>, %d: tensor<1x13xf16>,
                            %e: tensor<3x1x5xbf16>, %f: tensor<7x1xbf16>,
                            %g: tensor<2x1x5x1xf32>, %h: tensor<3x1x7xf32>,
                            %i: tensor<?x1x37xf32>, %s: tensor<f32>,
                            %j: tensor<?x13xf32>, %k: tensor<?x1xf32>,
                            %l: tensor<?x?xf32>) {
  %0 = tfm.add %a, %b : tensor<?x24xf32>, tensor<24xf32> -> tensor<?x24xf32>
  %1 = tfm.sub %b, %a : tensor<24xf32>, tensor<?x24xf32> -> tensor<?x24xf32>
  %2 = tfm.mul %c, %d : tensor<7x1xf16>, tensor<1x13xf16> -> tensor<7x13xf16>
  %3 = tfm.div %e, %f : tensor<3x1x5xbf16>, tensor<7x1xbf16> -> tensor<3x7x5xbf16>
  %4 = tfm.add %g, %h : tensor<2x1x5x1xf32>, tensor<3x1x7xf32> -> tensor<2x3x5x7xf32>
  %5 = tfm.mul %i, %s : tensor<?x1x37xf32>, tensor<f32> -> tensor<?x1x37xf32>
  %6 = tfm.add %j, %k : tensor<?x13xf32>, tensor<?x1xf32> -> tensor<?x13xf32>
  %7 = tfm.sub %l, %l : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
  return
}

// CHECK-LABEL: func.func @binary_integer
// CHECK: tfm.add %{{.*}}, %{{.*}} : tensor<13xi64>, tensor<1xi64> -> tensor<13xi64>
// CHECK: tfm.div %{{.*}}, %{{.*}} : tensor<7x13xi32>, tensor<13xi32> -> tensor<7x13xi32>
// CHECK: tfm.mul %{{.*}}, %{{.*}} : tensor<24xi8>, tensor<24xi8> -> tensor<24xi8>
// CHECK: tfm.sub %{{.*}}, %{{.*}} : tensor<5xi1>, tensor<5xi1> -> tensor<5xi1>
func.func @binary_integer(%a: tensor<13xi64>, %b: tensor<1xi64>,
                          %c: tensor<7x13xi32>, %d: tensor<13xi32>,
                          %e: tensor<24xi8>, %f: tensor<5xi1>) {
  %0 = tfm.add %a, %b : tensor<13xi64>, tensor<1xi64> -> tensor<13xi64>
  %1 = tfm.div %c, %d : tensor<7x13xi32>, tensor<13xi32> -> tensor<7x13xi32>
  %2 = tfm.mul %e, %e : tensor<24xi8>, tensor<24xi8> -> tensor<24xi8>
  %3 = tfm.sub %f, %f : tensor<5xi1>, tensor<5xi1> -> tensor<5xi1>
  return
}

//===----------------------------------------------------------------------===//
// tfm.embedding
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @embedding
// CHECK: tfm.embedding %{{.*}}[%{{.*}}] : tensor<37x24xf32>, tensor<?xi64> -> tensor<?x24xf32>
// CHECK: tfm.embedding %{{.*}}[%{{.*}}] : tensor<37x24xf16>, tensor<7xi32> -> tensor<7x24xf16>
// CHECK: tfm.embedding %{{.*}}[%{{.*}}] : tensor<37x24xbf16>, tensor<2x?xi64> -> tensor<2x?x24xbf16>
// CHECK: tfm.embedding %{{.*}}[%{{.*}}] : tensor<37x24xf32>, tensor<i64> -> tensor<24xf32>
func.func @embedding(%t: tensor<37x24xf32>, %ids: tensor<?xi64>,
                     %t16: tensor<37x24xf16>, %ids32: tensor<7xi32>,
                     %tb: tensor<37x24xbf16>, %ids2: tensor<2x?xi64>,
                     %id0: tensor<i64>) {
  %0 = tfm.embedding %t[%ids] : tensor<37x24xf32>, tensor<?xi64> -> tensor<?x24xf32>
  %1 = tfm.embedding %t16[%ids32] : tensor<37x24xf16>, tensor<7xi32> -> tensor<7x24xf16>
  %2 = tfm.embedding %tb[%ids2] : tensor<37x24xbf16>, tensor<2x?xi64> -> tensor<2x?x24xbf16>
  %3 = tfm.embedding %t[%id0] : tensor<37x24xf32>, tensor<i64> -> tensor<24xf32>
  return
}

//===----------------------------------------------------------------------===//
// tfm.linear
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @linear
// CHECK: tfm.linear %{{.*}}, %{{.*}} : tensor<?x37xf32>, tensor<13x37xf32> -> tensor<?x13xf32>
// CHECK: tfm.linear %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x37xf32>, tensor<13x37xf32>, tensor<13xf32> -> tensor<?x13xf32>
// CHECK: tfm.linear %{{.*}}, %{{.*}} {weight_layout = #tfm.weight_layout<in_out>} : tensor<?x37xf32>, tensor<37x13xf32> -> tensor<?x13xf32>
// CHECK: tfm.linear %{{.*}}, %{{.*}}, %{{.*}} {weight_layout = #tfm.weight_layout<in_out>} : tensor<7x37xf16>, tensor<37x24xf16>, tensor<24xf16> -> tensor<7x24xf16>
// CHECK: tfm.linear %{{.*}}, %{{.*}} : tensor<2x?x37xbf16>, tensor<13x37xbf16> -> tensor<2x?x13xbf16>
// CHECK: tfm.linear %{{.*}}, %{{.*}} : tensor<37xf32>, tensor<13x37xf32> -> tensor<13xf32>
// GENERIC-LABEL: sym_name = "linear"
// GENERIC: "tfm.linear"(%{{.*}}, %{{.*}}) <{weight_layout = #tfm.weight_layout<out_in>}> : (tensor<?x37xf32>, tensor<13x37xf32>) -> tensor<?x13xf32>
// GENERIC: "tfm.linear"(%{{.*}}, %{{.*}}, %{{.*}}) <{weight_layout = #tfm.weight_layout<out_in>}> : (tensor<?x37xf32>, tensor<13x37xf32>, tensor<13xf32>) -> tensor<?x13xf32>
// GENERIC: "tfm.linear"(%{{.*}}, %{{.*}}) <{weight_layout = #tfm.weight_layout<in_out>}>
func.func @linear(%x: tensor<?x37xf32>, %w: tensor<13x37xf32>,
                  %b: tensor<13xf32>, %wt: tensor<37x13xf32>,
                  %x16: tensor<7x37xf16>, %w16: tensor<37x24xf16>,
                  %b16: tensor<24xf16>, %xb: tensor<2x?x37xbf16>,
                  %wb: tensor<13x37xbf16>, %v: tensor<37xf32>) {
  %0 = tfm.linear %x, %w : tensor<?x37xf32>, tensor<13x37xf32> -> tensor<?x13xf32>
  %1 = tfm.linear %x, %w, %b {weight_layout = #tfm.weight_layout<out_in>}
      : tensor<?x37xf32>, tensor<13x37xf32>, tensor<13xf32> -> tensor<?x13xf32>
  %2 = tfm.linear %x, %wt {weight_layout = #tfm.weight_layout<in_out>}
      : tensor<?x37xf32>, tensor<37x13xf32> -> tensor<?x13xf32>
  %3 = tfm.linear %x16, %w16, %b16 {weight_layout = #tfm.weight_layout<in_out>}
      : tensor<7x37xf16>, tensor<37x24xf16>, tensor<24xf16> -> tensor<7x24xf16>
  %4 = tfm.linear %xb, %wb : tensor<2x?x37xbf16>, tensor<13x37xbf16> -> tensor<2x?x13xbf16>
  %5 = tfm.linear %v, %w : tensor<37xf32>, tensor<13x37xf32> -> tensor<13xf32>
  return
}

//===----------------------------------------------------------------------===//
// Normalizations
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @norms
// CHECK: tfm.layer_norm %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x37xf32>, tensor<37xf32>, tensor<37xf32>
// The explicit default epsilon is elided.
// CHECK: tfm.layer_norm %{{.*}}, %{{.*}} : tensor<?x37xf32>, tensor<37xf32>
// CHECK: tfm.layer_norm %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 1.000000e-03 : f32} : tensor<7x13xf16>, tensor<13xf16>, tensor<13xf16>
// CHECK: tfm.rms_norm %{{.*}}, %{{.*}} : tensor<?x37xf32>, tensor<37xf32>
// CHECK: tfm.rms_norm %{{.*}}, %{{.*}} {epsilon = 9.99999974E-6 : f32} : tensor<2x3x24xbf16>, tensor<24xbf16>
// CHECK: tfm.rms_norm %{{.*}}, %{{.*}} : tensor<13xf32>, tensor<13xf32>
// GENERIC-LABEL: sym_name = "norms"
// GENERIC: "tfm.layer_norm"(%{{.*}}, %{{.*}}, %{{.*}}) <{epsilon = 9.99999974E-6 : f32}>
// GENERIC: "tfm.rms_norm"(%{{.*}}, %{{.*}}) <{epsilon = 9.99999997E-7 : f32}>
func.func @norms(%x: tensor<?x37xf32>, %g: tensor<37xf32>, %b: tensor<37xf32>,
                 %h: tensor<7x13xf16>, %g16: tensor<13xf16>, %b16: tensor<13xf16>,
                 %y: tensor<2x3x24xbf16>, %gb: tensor<24xbf16>,
                 %v: tensor<13xf32>, %gv: tensor<13xf32>) {
  %0 = tfm.layer_norm %x, %g, %b : tensor<?x37xf32>, tensor<37xf32>, tensor<37xf32>
  %1 = tfm.layer_norm %x, %g {epsilon = 1.0e-05 : f32} : tensor<?x37xf32>, tensor<37xf32>
  %2 = tfm.layer_norm %h, %g16, %b16 {epsilon = 1.0e-03 : f32}
      : tensor<7x13xf16>, tensor<13xf16>, tensor<13xf16>
  %3 = tfm.rms_norm %x, %g : tensor<?x37xf32>, tensor<37xf32>
  %4 = tfm.rms_norm %y, %gb {epsilon = 1.0e-05 : f32} : tensor<2x3x24xbf16>, tensor<24xbf16>
  %5 = tfm.rms_norm %v, %gv : tensor<13xf32>, tensor<13xf32>
  return
}

//===----------------------------------------------------------------------===//
// Activations and softmax
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @activations
// CHECK: tfm.gelu %{{.*}} : tensor<?x37xf32>
// CHECK: tfm.gelu %{{.*}} : tensor<?x37xf32>
// CHECK: tfm.gelu %{{.*}} {approximation = #tfm.gelu_approximation<tanh>} : tensor<?x37xf32>
// CHECK: tfm.gelu %{{.*}} {approximation = #tfm.gelu_approximation<tanh>} : tensor<7x13xf16>
// CHECK: tfm.silu %{{.*}} : tensor<?x37xf32>
// CHECK: tfm.silu %{{.*}} : tensor<2x3x24xbf16>
// CHECK: tfm.swiglu %{{.*}}, %{{.*}} : tensor<?x37xf32>
// CHECK: tfm.swiglu %{{.*}}, %{{.*}} : tensor<7x13xf16>
// GENERIC-LABEL: sym_name = "activations"
// GENERIC: "tfm.gelu"(%{{.*}}) <{approximation = #tfm.gelu_approximation<none>}>
// GENERIC: "tfm.gelu"(%{{.*}}) <{approximation = #tfm.gelu_approximation<none>}>
// GENERIC: "tfm.gelu"(%{{.*}}) <{approximation = #tfm.gelu_approximation<tanh>}>
func.func @activations(%x: tensor<?x37xf32>, %h: tensor<7x13xf16>,
                       %y: tensor<2x3x24xbf16>) {
  %0 = tfm.gelu %x : tensor<?x37xf32>
  %1 = tfm.gelu %x {approximation = #tfm.gelu_approximation<none>} : tensor<?x37xf32>
  %2 = tfm.gelu %x {approximation = #tfm.gelu_approximation<tanh>} : tensor<?x37xf32>
  %3 = tfm.gelu %h {approximation = #tfm.gelu_approximation<tanh>} : tensor<7x13xf16>
  %4 = tfm.silu %x : tensor<?x37xf32>
  %5 = tfm.silu %y : tensor<2x3x24xbf16>
  %6 = tfm.swiglu %x, %x : tensor<?x37xf32>
  %7 = tfm.swiglu %h, %h : tensor<7x13xf16>
  return
}

// CHECK-LABEL: func.func @softmax
// CHECK: tfm.softmax %{{.*}} : tensor<3x?x?xf32>
// CHECK: tfm.softmax %{{.*}} : tensor<3x?x?xf32>
// CHECK: tfm.softmax %{{.*}} {axis = 0 : i64} : tensor<3x?x?xf32>
// CHECK: tfm.softmax %{{.*}} {axis = -2 : i64} : tensor<7x13xf16>
// CHECK: tfm.softmax %{{.*}} {axis = 1 : i64} : tensor<7x13xbf16>
// GENERIC-LABEL: sym_name = "softmax"
// GENERIC: "tfm.softmax"(%{{.*}}) <{axis = -1 : i64}>
func.func @softmax(%s: tensor<3x?x?xf32>, %h: tensor<7x13xf16>,
                   %b: tensor<7x13xbf16>) {
  %0 = tfm.softmax %s : tensor<3x?x?xf32>
  %1 = tfm.softmax %s {axis = -1 : i64} : tensor<3x?x?xf32>
  %2 = tfm.softmax %s {axis = 0 : i64} : tensor<3x?x?xf32>
  %3 = tfm.softmax %h {axis = -2 : i64} : tensor<7x13xf16>
  %4 = tfm.softmax %b {axis = 1 : i64} : tensor<7x13xbf16>
  return
}

//===----------------------------------------------------------------------===//
// tfm.rotary
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @rotary
// CHECK: tfm.rotary %{{.*}}, %{{.*}} : tensor<?x3x24xf32>, tensor<?xi64>
// CHECK: tfm.rotary %{{.*}}, %{{.*}} {theta = 5.000000e+05 : f32} : tensor<?x3x24xf32>, tensor<?xi64>
// CHECK: tfm.rotary %{{.*}}, %{{.*}} {rotary_dim = 6 : i64} : tensor<?x3x24xf32>, tensor<?xi64>
// CHECK: tfm.rotary %{{.*}}, %{{.*}} {interleaved} : tensor<?x3x24xf32>, tensor<?xi64>
// CHECK: tfm.rotary %{{.*}}, %{{.*}} {interleaved, rotary_dim = 8 : i64, theta = 1.000000e+06 : f32} : tensor<7x5x26xf16>, tensor<7xi32>
// CHECK: tfm.rotary %{{.*}}, %{{.*}} : tensor<1x3x24xbf16>, tensor<1xi64>
// CHECK: tfm.rotary %{{.*}}, %{{.*}} {rotary_dim = 24 : i64} : tensor<7x5x24xf32>, tensor<?xi32>
// GENERIC-LABEL: sym_name = "rotary"
// GENERIC: "tfm.rotary"(%{{.*}}, %{{.*}}) <{theta = 1.000000e+04 : f32}>
func.func @rotary(%q: tensor<?x3x24xf32>, %pos: tensor<?xi64>,
                  %h: tensor<7x5x26xf16>, %pos7: tensor<7xi32>,
                  %b: tensor<1x3x24xbf16>, %pos1: tensor<1xi64>,
                  %s: tensor<7x5x24xf32>, %posd: tensor<?xi32>) {
  %0 = tfm.rotary %q, %pos : tensor<?x3x24xf32>, tensor<?xi64>
  %1 = tfm.rotary %q, %pos {theta = 5.0e+05 : f32} : tensor<?x3x24xf32>, tensor<?xi64>
  %2 = tfm.rotary %q, %pos {rotary_dim = 6 : i64} : tensor<?x3x24xf32>, tensor<?xi64>
  %3 = tfm.rotary %q, %pos {interleaved} : tensor<?x3x24xf32>, tensor<?xi64>
  %4 = tfm.rotary %h, %pos7 {interleaved, rotary_dim = 8 : i64, theta = 1.0e+06 : f32}
      : tensor<7x5x26xf16>, tensor<7xi32>
  %5 = tfm.rotary %b, %pos1 : tensor<1x3x24xbf16>, tensor<1xi64>
  %6 = tfm.rotary %s, %posd {rotary_dim = 24 : i64} : tensor<7x5x24xf32>, tensor<?xi32>
  return
}

//===----------------------------------------------------------------------===//
// tfm.attention
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @attention
// CHECK: tfm.attention %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x3x8xf32>, tensor<?x3x8xf32>, tensor<?x3x8xf32> -> tensor<?x3x8xf32>
// CHECK: tfm.attention %{{.*}}, %{{.*}}, %{{.*}} {causal} : tensor<?x3x8xf32>, tensor<?x3x8xf32>, tensor<?x3x8xf32> -> tensor<?x3x8xf32>
// CHECK: tfm.attention %{{.*}}, %{{.*}}, %{{.*}} {causal, scale = 1.250000e-01 : f32} : tensor<7x3x8xf32>, tensor<13x3x8xf32>, tensor<13x3x5xf32> -> tensor<7x3x5xf32>
// CHECK: tfm.attention %{{.*}}, %{{.*}}, %{{.*}} {causal} : tensor<?x6x8xf16>, tensor<?x2x8xf16>, tensor<?x2x8xf16> -> tensor<?x6x8xf16>
// CHECK: tfm.attention %{{.*}}, %{{.*}}, %{{.*}} : tensor<7x6x8xbf16>, tensor<7x1x8xbf16>, tensor<7x1x8xbf16> -> tensor<7x6x8xbf16>
// CHECK: tfm.attention %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x3x8xf32>, tensor<13x3x8xf32>, tensor<?x3x8xf32> -> tensor<7x3x8xf32>
// GENERIC-LABEL: sym_name = "attention"
// GENERIC: "tfm.attention"(%{{.*}}, %{{.*}}, %{{.*}}) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0>, resultSegmentSizes = array<i32: 1, 0, 0>}>
// GENERIC: "tfm.attention"(%{{.*}}, %{{.*}}, %{{.*}}) <{causal, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0>, resultSegmentSizes = array<i32: 1, 0, 0>}>
func.func @attention(%q: tensor<?x3x8xf32>, %k: tensor<?x3x8xf32>,
                     %v: tensor<?x3x8xf32>, %q7: tensor<7x3x8xf32>,
                     %k13: tensor<13x3x8xf32>, %v13: tensor<13x3x5xf32>,
                     %qh: tensor<?x6x8xf16>, %kh: tensor<?x2x8xf16>,
                     %qb: tensor<7x6x8xbf16>, %kb: tensor<7x1x8xbf16>) {
  %0 = tfm.attention %q, %k, %v
      : tensor<?x3x8xf32>, tensor<?x3x8xf32>, tensor<?x3x8xf32> -> tensor<?x3x8xf32>
  %1 = tfm.attention %q, %k, %v {causal}
      : tensor<?x3x8xf32>, tensor<?x3x8xf32>, tensor<?x3x8xf32> -> tensor<?x3x8xf32>
  // Cross-shaped: Sq != Skv and Dv != D, explicit scale.
  %2 = tfm.attention %q7, %k13, %v13 {causal, scale = 0.125 : f32}
      : tensor<7x3x8xf32>, tensor<13x3x8xf32>, tensor<13x3x5xf32> -> tensor<7x3x5xf32>
  // Grouped-query (6 query heads over 2 kv heads) in f16.
  %3 = tfm.attention %qh, %kh, %kh {causal}
      : tensor<?x6x8xf16>, tensor<?x2x8xf16>, tensor<?x2x8xf16> -> tensor<?x6x8xf16>
  // Multi-query (one kv head) in bf16.
  %4 = tfm.attention %qb, %kb, %kb
      : tensor<7x6x8xbf16>, tensor<7x1x8xbf16>, tensor<7x1x8xbf16> -> tensor<7x6x8xbf16>
  // Mixed static and dynamic sequence dims.
  %5 = tfm.attention %q, %k13, %v
      : tensor<?x3x8xf32>, tensor<13x3x8xf32>, tensor<?x3x8xf32> -> tensor<7x3x8xf32>
  return
}

// CHECK-LABEL: func.func @attention_kv_cache
// CHECK: = tfm.attention %{{.*}}, %{{.*}}, %{{.*}} cache(%{{.*}}, %{{.*}}) at %{{.*}} {causal} : tensor<1x6x8xf32>, tensor<1x2x8xf32>, tensor<1x2x8xf32>, tensor<37x2x8xf32>, tensor<37x2x8xf32> -> tensor<1x6x8xf32>, tensor<37x2x8xf32>, tensor<37x2x8xf32>
// CHECK: = tfm.attention %{{.*}}, %{{.*}}, %{{.*}} cache(%{{.*}}, %{{.*}}) at %{{.*}} {causal, scale = 5.000000e-01 : f32} : tensor<?x3x8xf16>, tensor<?x3x8xf16>, tensor<?x3x5xf16>, tensor<24x3x8xf16>, tensor<24x3x5xf16> -> tensor<?x3x5xf16>, tensor<24x3x8xf16>, tensor<24x3x5xf16>
// CHECK: = tfm.attention %{{.*}}, %{{.*}}, %{{.*}} cache(%{{.*}}, %{{.*}}) at %{{.*}} : tensor<7x4x8xbf16>, tensor<7x4x8xbf16>, tensor<7x4x8xbf16>, tensor<13x4x8xbf16>, tensor<13x4x8xbf16> -> tensor<7x4x8xbf16>, tensor<13x4x8xbf16>, tensor<13x4x8xbf16>
// GENERIC-LABEL: sym_name = "attention_kv_cache"
// GENERIC: "tfm.attention"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) <{causal, operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 1>, resultSegmentSizes = array<i32: 1, 1, 1>}>
func.func @attention_kv_cache(%q: tensor<1x6x8xf32>, %k: tensor<1x2x8xf32>,
                              %v: tensor<1x2x8xf32>, %kc: tensor<37x2x8xf32>,
                              %vc: tensor<37x2x8xf32>, %pos: index,
                              %qh: tensor<?x3x8xf16>, %vh: tensor<?x3x5xf16>,
                              %kch: tensor<24x3x8xf16>, %vch: tensor<24x3x5xf16>,
                              %qb: tensor<7x4x8xbf16>, %kcb: tensor<13x4x8xbf16>) {
  %0:3 = tfm.attention %q, %k, %v cache(%kc, %vc) at %pos {causal}
      : tensor<1x6x8xf32>, tensor<1x2x8xf32>, tensor<1x2x8xf32>,
        tensor<37x2x8xf32>, tensor<37x2x8xf32>
      -> tensor<1x6x8xf32>, tensor<37x2x8xf32>, tensor<37x2x8xf32>
  %1:3 = tfm.attention %qh, %qh, %vh cache(%kch, %vch) at %pos {causal, scale = 0.5 : f32}
      : tensor<?x3x8xf16>, tensor<?x3x8xf16>, tensor<?x3x5xf16>,
        tensor<24x3x8xf16>, tensor<24x3x5xf16>
      -> tensor<?x3x5xf16>, tensor<24x3x8xf16>, tensor<24x3x5xf16>
  %2:3 = tfm.attention %qb, %qb, %qb cache(%kcb, %kcb) at %pos
      : tensor<7x4x8xbf16>, tensor<7x4x8xbf16>, tensor<7x4x8xbf16>,
        tensor<13x4x8xbf16>, tensor<13x4x8xbf16>
      -> tensor<7x4x8xbf16>, tensor<13x4x8xbf16>, tensor<13x4x8xbf16>
  return
}
