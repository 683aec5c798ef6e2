// RUN: tfc-opt %s --convert-tfm-to-linalg | FileCheck %s

// add_layer_norm / add_rms_norm: ONE generic reads x and the residual and
// writes both the sum (parallel output, storage type) and its first row
// statistic (reduction output, f32); everything after reads the sum.

// CHECK-DAG: #[[$ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW2:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[$FEAT2:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[$ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$ROW3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[$FEAT3:.*]] = affine_map<(d0, d1, d2) -> (d2)>

// CHECK-LABEL: func.func @add_layer_norm_f16
// CHECK-SAME: (%[[X:.*]]: tensor<?x37xf16>, %[[R:.*]]: tensor<?x37xf16>, %[[G:.*]]: tensor<37xf16>, %[[B:.*]]: tensor<37xf16>)
// CHECK: %[[N:.*]] = arith.constant 3.700000e+01 : f32
// CHECK: %[[SE:.*]] = tensor.empty(%{{.*}}) : tensor<?x37xf16>
// CHECK: %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?xf32>) -> tensor<?xf32>
// Pass 1: the sum and the row sums, in one generic with two outputs.
// CHECK: %[[FUSED:.*]]:2 = linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID2]], #[[$ID2]], #[[$ID2]], #[[$ROW2]]]
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK-SAME: ins(%[[X]], %[[R]] : tensor<?x37xf16>, tensor<?x37xf16>)
// CHECK-SAME: outs(%[[SE]], %[[F]] : tensor<?x37xf16>, tensor<?xf32>)
// CHECK-NEXT: ^bb0(%[[XV:.*]]: f16, %[[RV:.*]]: f16, %{{.*}}: f16, %[[ACC:.*]]: f32):
// CHECK-NEXT: %[[XW:.*]] = arith.extf %[[XV]] : f16 to f32
// CHECK-NEXT: %[[RW:.*]] = arith.extf %[[RV]] : f16 to f32
// CHECK-NEXT: %[[SW:.*]] = arith.addf %[[XW]], %[[RW]] : f32
// The statistics see the sum rounded to f16, as the stored sum is.
// CHECK-NEXT: %[[S:.*]] = arith.truncf %[[SW]] : f32 to f16
// CHECK-NEXT: %[[SX:.*]] = arith.extf %[[S]] : f16 to f32
// CHECK-NEXT: %[[A:.*]] = arith.addf %[[ACC]], %[[SX]] : f32
// CHECK-NEXT: linalg.yield %[[S]], %[[A]] : f16, f32
// CHECK-NEXT: } -> (tensor<?x37xf16>, tensor<?xf32>)
// Pass 2: the variance reads the sum.
// CHECK: %[[SQ:.*]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID2]], #[[$ROW2]], #[[$ROW2]]]
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK-SAME: ins(%[[FUSED]]#0, %[[FUSED]]#1 : tensor<?x37xf16>, tensor<?xf32>)
// CHECK: arith.divf %{{.*}}, %[[N]] : f32
// Pass 3: the normalization reads the sum.
// CHECK: %[[Y:.*]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID2]], #[[$ROW2]], #[[$ROW2]], #[[$FEAT2]], #[[$FEAT2]], #[[$ID2]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK-SAME: ins(%[[FUSED]]#0, %[[FUSED]]#1, %[[SQ]], %[[G]], %[[B]] : tensor<?x37xf16>, tensor<?xf32>, tensor<?xf32>, tensor<37xf16>, tensor<37xf16>)
// CHECK: %[[EPS:.*]] = arith.constant 1.000000e-03 : f32
// CHECK: arith.addf %{{.*}}, %[[EPS]] : f32
// CHECK: math.rsqrt
// CHECK: return %[[FUSED]]#0, %[[Y]]
// CHECK-NOT: tfm.
func.func @add_layer_norm_f16(%x: tensor<?x37xf16>, %r: tensor<?x37xf16>,
                              %g: tensor<37xf16>, %b: tensor<37xf16>)
    -> (tensor<?x37xf16>, tensor<?x37xf16>) {
  %s, %n = tfm.add_layer_norm %x, %r, %g, %b {epsilon = 1.0e-03 : f32}
      : tensor<?x37xf16>, tensor<?x37xf16>, tensor<37xf16>, tensor<37xf16>
  return %s, %n : tensor<?x37xf16>, tensor<?x37xf16>
}

// Without bias the normalization reads only the scale.
// CHECK-LABEL: func.func @add_layer_norm_no_bias
// CHECK: %[[FUSED:.*]]:2 = linalg.generic
// CHECK-SAME: outs(%{{.*}}, %{{.*}} : tensor<4x7xf32>, tensor<4xf32>)
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[FUSED]]#0, %[[FUSED]]#1 : tensor<4x7xf32>, tensor<4xf32>)
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID2]], #[[$ROW2]], #[[$ROW2]], #[[$FEAT2]], #[[$ID2]]]
// CHECK-SAME: ins(%[[FUSED]]#0, %[[FUSED]]#1, %{{.*}}, %{{.*}} : tensor<4x7xf32>, tensor<4xf32>, tensor<4xf32>, tensor<7xf32>)
func.func @add_layer_norm_no_bias(%x: tensor<4x7xf32>, %r: tensor<4x7xf32>,
                                  %g: tensor<7xf32>) -> tensor<4x7xf32> {
  %s, %n = tfm.add_layer_norm %x, %r, %g : tensor<4x7xf32>, tensor<4x7xf32>, tensor<7xf32>
  return %n : tensor<4x7xf32>
}

// rms_norm: the fused generic accumulates the squares of the sum; the
// normalization is the only other pass and reads the sum. Fully dynamic
// rank-3 shapes: the width comes from tensor.dim.
// CHECK-LABEL: func.func @add_rms_norm_dynamic
// CHECK-SAME: (%[[X:.*]]: tensor<?x?x?xf32>, %[[R:.*]]: tensor<?x?x?xf32>, %[[G:.*]]: tensor<?xf32>)
// CHECK: %[[W:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x?x?xf32>
// CHECK: %[[N:.*]] = arith.sitofp
// CHECK: %[[FUSED:.*]]:2 = linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID3]], #[[$ID3]], #[[$ID3]], #[[$ROW3]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%[[X]], %[[R]] : tensor<?x?x?xf32>, tensor<?x?x?xf32>)
// CHECK-SAME: outs(%{{.*}}, %{{.*}} : tensor<?x?x?xf32>, tensor<?x?xf32>)
// CHECK-NEXT: ^bb0(%[[XV:.*]]: f32, %[[RV:.*]]: f32, %{{.*}}: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[XV]], %[[RV]] : f32
// CHECK-NEXT: %[[SQ:.*]] = arith.mulf %[[S]], %[[S]] : f32
// CHECK-NEXT: %[[A:.*]] = arith.addf %[[ACC]], %[[SQ]] : f32
// CHECK-NEXT: linalg.yield %[[S]], %[[A]] : f32, f32
// CHECK: %[[Y:.*]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID3]], #[[$ROW3]], #[[$FEAT3]], #[[$ID3]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%[[FUSED]]#0, %[[FUSED]]#1, %[[G]] : tensor<?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>)
// CHECK: arith.divf %{{.*}}, %[[N]] : f32
// CHECK: %[[EPS:.*]] = arith.constant 9.99999997E-7 : f32
// CHECK: math.rsqrt
// CHECK-NOT: linalg.generic
// CHECK: return %[[Y]], %[[FUSED]]#0
func.func @add_rms_norm_dynamic(%x: tensor<?x?x?xf32>, %r: tensor<?x?x?xf32>,
                                %g: tensor<?xf32>)
    -> (tensor<?x?x?xf32>, tensor<?x?x?xf32>) {
  %s, %n = tfm.add_rms_norm %x, %r, %g
      : tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?xf32>
  return %n, %s : tensor<?x?x?xf32>, tensor<?x?x?xf32>
}
