// RUN: tfc-opt %s --convert-tfm-to-linalg | FileCheck %s

// layer_norm, rms_norm and softmax: f32 row reductions (parallel, ...,
// reduction) into a filled accumulator, then one elementwise pass that reads
// row statistics without the reduced dimension.

// CHECK-DAG: #[[$ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW2:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[$FEAT2:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[$ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$ROW3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[$FEAT3:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-DAG: #[[$NOAXIS1:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>

// CHECK-LABEL: func.func @layer_norm_f16
// CHECK-SAME: (%[[X:.*]]: tensor<?x37xf16>, %[[G:.*]]: tensor<37xf16>, %[[B:.*]]: tensor<37xf16>)
// CHECK: %[[N:.*]] = arith.constant 3.700000e+01 : f32
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x37xf16>
// CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<?xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%[[Z]] : f32) outs(%[[E]] : tensor<?xf32>) -> tensor<?xf32>
// Pass 1: sum.
// CHECK: %[[SUM:.*]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID2]], #[[$ROW2]]]
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK-SAME: ins(%[[X]] : tensor<?x37xf16>) outs(%[[F]] : tensor<?xf32>)
// CHECK-NEXT: ^bb0(%[[V:.*]]: f16, %[[ACC:.*]]: f32):
// CHECK-NEXT: %[[VW:.*]] = arith.extf %[[V]] : f16 to f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[ACC]], %[[VW]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK-NEXT: } -> tensor<?xf32>
// Pass 2: sum of squared deviations from the mean (two-pass variance).
// CHECK: %[[SQ:.*]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID2]], #[[$ROW2]], #[[$ROW2]]]
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK-SAME: ins(%[[X]], %[[SUM]] : tensor<?x37xf16>, tensor<?xf32>)
// CHECK: %[[MEAN:.*]] = arith.divf %{{.*}}, %[[N]] : f32
// CHECK: %[[DEV:.*]] = arith.subf %{{.*}}, %[[MEAN]] : f32
// CHECK: arith.mulf %[[DEV]], %[[DEV]] : f32
// Pass 3: normalize, scale, shift; back to f16.
// CHECK: %[[OUT:.*]] = tensor.empty(%{{.*}}) : tensor<?x37xf16>
// CHECK: %[[Y:.*]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID2]], #[[$ROW2]], #[[$ROW2]], #[[$FEAT2]], #[[$FEAT2]], #[[$ID2]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK-SAME: ins(%[[X]], %[[SUM]], %[[SQ]], %[[G]], %[[B]] : tensor<?x37xf16>, tensor<?xf32>, tensor<?xf32>, tensor<37xf16>, tensor<37xf16>)
// CHECK-SAME: outs(%[[OUT]] : tensor<?x37xf16>)
// CHECK: %[[EPS:.*]] = arith.constant 1.000000e-03 : f32
// CHECK: %[[VE:.*]] = arith.addf %{{.*}}, %[[EPS]] : f32
// CHECK: math.rsqrt %[[VE]] : f32
// CHECK: %[[R:.*]] = arith.truncf %{{.*}} : f32 to f16
// CHECK-NEXT: linalg.yield %[[R]] : f16
// CHECK: return %[[Y]]
func.func @layer_norm_f16(%x: tensor<?x37xf16>, %g: tensor<37xf16>, %b: tensor<37xf16>) -> tensor<?x37xf16> {
  %0 = tfm.layer_norm %x, %g, %b {epsilon = 1.0e-03 : f32}
      : tensor<?x37xf16>, tensor<37xf16>, tensor<37xf16>
  return %0 : tensor<?x37xf16>
}

// Without bias the final pass reads only the scale.
// CHECK-LABEL: func.func @layer_norm_no_bias
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID2]], #[[$ROW2]], #[[$ROW2]], #[[$FEAT2]], #[[$ID2]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK: arith.constant 9.99999974E-6 : f32
// CHECK-NOT: arith.truncf
// CHECK: return
func.func @layer_norm_no_bias(%x: tensor<7x24xf32>, %g: tensor<24xf32>) -> tensor<7x24xf32> {
  %0 = tfm.layer_norm %x, %g : tensor<7x24xf32>, tensor<24xf32>
  return %0 : tensor<7x24xf32>
}

// A dynamic normalized dimension divides by tensor.dim.
// CHECK-LABEL: func.func @layer_norm_dynamic_width
// CHECK-SAME: (%[[X:.*]]: tensor<7x?xf32>,
// CHECK: %[[C1:.*]] = arith.constant 1 : index
// CHECK: %[[W:.*]] = tensor.dim %[[X]], %[[C1]] : tensor<7x?xf32>
// CHECK: %[[WI:.*]] = arith.index_cast %[[W]] : index to i64
// CHECK: %[[N:.*]] = arith.sitofp %[[WI]] : i64 to f32
// CHECK: arith.divf %{{.*}}, %[[N]] : f32
func.func @layer_norm_dynamic_width(%x: tensor<7x?xf32>, %g: tensor<?xf32>) -> tensor<7x?xf32> {
  %0 = tfm.layer_norm %x, %g : tensor<7x?xf32>, tensor<?xf32>
  return %0 : tensor<7x?xf32>
}

// CHECK-LABEL: func.func @rms_norm_rank3
// CHECK-SAME: (%[[X:.*]]: tensor<2x7x24xbf16>, %[[G:.*]]: tensor<24xbf16>)
// CHECK: %[[N:.*]] = arith.constant 2.400000e+01 : f32
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x7xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<2x7xf32>)
// CHECK: %[[SQ:.*]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID3]], #[[$ROW3]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME: outs(%[[F]] : tensor<2x7xf32>)
// CHECK-NEXT: ^bb0(%[[V:.*]]: bf16, %[[ACC:.*]]: f32):
// CHECK-NEXT: %[[VW:.*]] = arith.extf %[[V]] : bf16 to f32
// CHECK-NEXT: %[[V2:.*]] = arith.mulf %[[VW]], %[[VW]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[ACC]], %[[V2]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID3]], #[[$ROW3]], #[[$FEAT3]], #[[$ID3]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%[[X]], %[[SQ]], %[[G]] : tensor<2x7x24xbf16>, tensor<2x7xf32>, tensor<24xbf16>)
// CHECK: %[[MS:.*]] = arith.divf %{{.*}}, %[[N]] : f32
// CHECK: %[[EPS:.*]] = arith.constant 9.99999997E-7 : f32
// CHECK: %[[A:.*]] = arith.addf %[[MS]], %[[EPS]] : f32
// CHECK: math.rsqrt %[[A]] : f32
// CHECK: arith.truncf %{{.*}} : f32 to bf16
func.func @rms_norm_rank3(%x: tensor<2x7x24xbf16>, %g: tensor<24xbf16>) -> tensor<2x7x24xbf16> {
  %0 = tfm.rms_norm %x, %g : tensor<2x7x24xbf16>, tensor<24xbf16>
  return %0 : tensor<2x7x24xbf16>
}

// Softmax over the last axis: max, sum of exp(x - max), exp(x - max) / sum.
// CHECK-LABEL: func.func @softmax_last
// CHECK-SAME: (%[[X:.*]]: tensor<?x13xf32>)
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[ME:.*]] = linalg.fill ins(%[[NINF]] : f32)
// CHECK: %[[MAX:.*]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID2]], #[[$ROW2]]]
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK-SAME: outs(%[[ME]] : tensor<?xf32>)
// CHECK: arith.maximumf
// CHECK: %[[SUM:.*]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID2]], #[[$ROW2]], #[[$ROW2]]]
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK-SAME: ins(%[[X]], %[[MAX]] : tensor<?x13xf32>, tensor<?xf32>)
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID2]], #[[$ROW2]], #[[$ROW2]], #[[$ID2]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK-SAME: ins(%[[X]], %[[MAX]], %[[SUM]] : tensor<?x13xf32>, tensor<?xf32>, tensor<?xf32>)
// CHECK: math.exp
// CHECK: arith.divf
func.func @softmax_last(%x: tensor<?x13xf32>) -> tensor<?x13xf32> {
  %0 = tfm.softmax %x : tensor<?x13xf32>
  return %0 : tensor<?x13xf32>
}

// Softmax over a middle axis reduces that axis only; statistics are f32
// even for f16 input.
// CHECK-LABEL: func.func @softmax_middle_f16
// CHECK-SAME: (%[[X:.*]]: tensor<3x?x13xf16>)
// CHECK: tensor.empty() : tensor<3x13xf32>
// CHECK: %[[MAX:.*]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID3]], #[[$NOAXIS1]]]
// CHECK-SAME: iterator_types = ["parallel", "reduction", "parallel"]
// CHECK: %[[SUM:.*]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID3]], #[[$NOAXIS1]], #[[$NOAXIS1]]]
// CHECK-SAME: iterator_types = ["parallel", "reduction", "parallel"]
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<3x?x13xf16>
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<3x?x13xf16>
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID3]], #[[$NOAXIS1]], #[[$NOAXIS1]], #[[$ID3]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%[[X]], %[[MAX]], %[[SUM]] : tensor<3x?x13xf16>, tensor<3x13xf32>, tensor<3x13xf32>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @softmax_middle_f16(%x: tensor<3x?x13xf16>) -> tensor<3x?x13xf16> {
  %0 = tfm.softmax %x {axis = -2 : i64} : tensor<3x?x13xf16>
  return %0 : tensor<3x?x13xf16>
}

// CHECK-NOT: tfm.
