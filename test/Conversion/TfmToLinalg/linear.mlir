// RUN: tfc-opt %s --convert-tfm-to-linalg | FileCheck %s

// tfm.linear accumulates in f32, starting from the broadcast bias or zero;
// narrow types are truncated once at the end. The in_out layout (what
// tfm-pack-linear-weights produces) becomes a 2-D linalg.matmul over the
// collapsed leading dims, the named op the matmul tiling/vectorization
// targets; out_in stays a generic contraction. tfm.embedding: a gather through
// tensor.extract with clamped ids.

// CHECK-DAG: #[[$BIAS2:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[$ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$X2:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[$WNK:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[$Y2:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[$ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$IDS1:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[$PX:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3)>
// CHECK-DAG: #[[$PW:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d3, d2)>
// CHECK-DAG: #[[$PY:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>

// CHECK-LABEL: func.func @linear_out_in_bias
// CHECK-SAME: (%[[X:.*]]: tensor<?x37xf32>, %[[W:.*]]: tensor<13x37xf32>, %[[B:.*]]: tensor<13xf32>)
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x37xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<?x13xf32>
// The accumulator starts as the bias broadcast over rows.
// CHECK: %[[ACC:.*]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[$BIAS2]], #[[$ID2]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK-SAME: ins(%[[B]] : tensor<13xf32>) outs(%[[E]] : tensor<?x13xf32>)
// CHECK: %[[Y:.*]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[$X2]], #[[$WNK]], #[[$Y2]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%[[X]], %[[W]] : tensor<?x37xf32>, tensor<13x37xf32>)
// CHECK-SAME: outs(%[[ACC]] : tensor<?x13xf32>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %[[BW:.*]]: f32, %[[O:.*]]: f32):
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[A]], %[[BW]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[O]], %[[P]] fastmath<reassoc,contract> : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// f32 needs no final conversion.
// CHECK-NOT: arith.truncf
// CHECK: return %[[Y]]
func.func @linear_out_in_bias(%x: tensor<?x37xf32>, %w: tensor<13x37xf32>, %b: tensor<13xf32>) -> tensor<?x13xf32> {
  %0 = tfm.linear %x, %w, %b : tensor<?x37xf32>, tensor<13x37xf32>, tensor<13xf32> -> tensor<?x13xf32>
  return %0 : tensor<?x13xf32>
}

// CHECK-LABEL: func.func @linear_in_out_no_bias
// CHECK-SAME: (%[[X:.*]]: tensor<7x37xf32>, %[[W:.*]]: tensor<37x13xf32>)
// CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[E:.*]] = tensor.empty() : tensor<7x13xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%[[Z]] : f32) outs(%[[E]] : tensor<7x13xf32>)
// CHECK: %[[Y:.*]] = linalg.matmul ins(%[[X]], %[[W]] : tensor<7x37xf32>, tensor<37x13xf32>) outs(%[[F]] : tensor<7x13xf32>)
// CHECK: return %[[Y]]
func.func @linear_in_out_no_bias(%x: tensor<7x37xf32>, %w: tensor<37x13xf32>) -> tensor<7x13xf32> {
  %0 = tfm.linear %x, %w {weight_layout = #tfm.weight_layout<in_out>}
      : tensor<7x37xf32>, tensor<37x13xf32> -> tensor<7x13xf32>
  return %0 : tensor<7x13xf32>
}

// Panels: the weight [N / P, K, P] is read by a generic over (m, b, p, k)
// whose output is the accumulator viewed as [M, N / P, P].
// CHECK-LABEL: func.func @linear_panels
// CHECK-SAME: (%[[X:.*]]: tensor<?x37xf32>, %[[W:.*]]: tensor<3x37x32xf32>)
// CHECK: %[[F:.*]] = linalg.fill {{.*}} -> tensor<?x96xf32>
// CHECK: %[[A:.*]] = tensor.expand_shape %[[F]] {{\[}}[0], [1, 2]] output_shape [%{{.*}}, 3, 32] : tensor<?x96xf32> into tensor<?x3x32xf32>
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[$PX]], #[[$PW]], #[[$PY]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[X]], %[[W]] : tensor<?x37xf32>, tensor<3x37x32xf32>) outs(%[[A]] : tensor<?x3x32xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: %[[R:.*]] = tensor.collapse_shape %[[Y]] {{\[}}[0], [1, 2]] : tensor<?x3x32xf32> into tensor<?x96xf32>
// CHECK: return %[[R]]
func.func @linear_panels(%x: tensor<?x37xf32>, %w: tensor<3x37x32xf32>) -> tensor<?x96xf32> {
  %0 = tfm.linear %x, %w {weight_layout = #tfm.weight_layout<panels>}
      : tensor<?x37xf32>, tensor<3x37x32xf32> -> tensor<?x96xf32>
  return %0 : tensor<?x96xf32>
}

// A padded last panel (N = 70 in 2 panels of 64): the generic computes 128
// columns, the result is the first 70, and the bias is added after the slice.
// CHECK-LABEL: func.func @linear_panels_padded
// CHECK-SAME: (%[[X:.*]]: tensor<5x37xf32>, %[[W:.*]]: tensor<2x37x64xf32>, %[[B:.*]]: tensor<70xf32>)
// CHECK: %[[F:.*]] = linalg.fill {{.*}} -> tensor<5x128xf32>
// CHECK: %[[A:.*]] = tensor.expand_shape %[[F]] {{\[}}[0], [1, 2]] output_shape [5, 2, 64]
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[W]] : tensor<5x37xf32>, tensor<2x37x64xf32>) outs(%[[A]] : tensor<5x2x64xf32>)
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[Y]] {{\[}}[0], [1, 2]] : tensor<5x2x64xf32> into tensor<5x128xf32>
// CHECK: %[[S:.*]] = tensor.extract_slice %[[C]][0, 0] [5, 70] [1, 1] : tensor<5x128xf32> to tensor<5x70xf32>
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[B]] : tensor<70xf32>) outs(%[[S]] : tensor<5x70xf32>)
// CHECK: arith.addf
// CHECK: return %[[R]]
func.func @linear_panels_padded(%x: tensor<5x37xf32>, %w: tensor<2x37x64xf32>, %b: tensor<70xf32>) -> tensor<5x70xf32> {
  %0 = tfm.linear %x, %w, %b {weight_layout = #tfm.weight_layout<panels>}
      : tensor<5x37xf32>, tensor<2x37x64xf32>, tensor<70xf32> -> tensor<5x70xf32>
  return %0 : tensor<5x70xf32>
}

// Rank-3 input, f16 storage: leading dims collapsed into the matmul M dim,
// f32 accumulation (linalg.matmul extends the f16 operands), one truncation.
// CHECK-LABEL: func.func @linear_rank3_f16
// CHECK-SAME: (%[[X:.*]]: tensor<2x?x37xf16>, %[[W:.*]]: tensor<37x24xf16>, %[[B:.*]]: tensor<24xf16>)
// CHECK: %[[S:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<2x?x37xf16>
// CHECK: %[[X2D:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1], [2]] : tensor<2x?x37xf16> into tensor<?x37xf16>
// CHECK: %[[E:.*]] = tensor.empty(%{{.*}}) : tensor<?x24xf32>
// CHECK: %[[ACC:.*]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[$BIAS2]], #[[$ID2]]]
// CHECK-SAME: ins(%[[B]] : tensor<24xf16>) outs(%[[E]] : tensor<?x24xf32>)
// CHECK-NEXT: ^bb0(%[[V:.*]]: f16, %{{.*}}: f32):
// CHECK-NEXT: %[[VW:.*]] = arith.extf %[[V]] : f16 to f32
// CHECK-NEXT: linalg.yield %[[VW]] : f32
// CHECK: %[[Y:.*]] = linalg.matmul ins(%[[X2D]], %[[W]] : tensor<?x37xf16>, tensor<37x24xf16>) outs(%[[ACC]] : tensor<?x24xf32>)
// CHECK: %[[Y3:.*]] = tensor.expand_shape %[[Y]] {{\[}}[0, 1], [2]] output_shape [2, %[[S]], 24] : tensor<?x24xf32> into tensor<2x?x24xf32>
// CHECK: %[[T:.*]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID3]], #[[$ID3]]]
// CHECK-SAME: ins(%[[Y3]] : tensor<2x?x24xf32>) outs(%{{.*}} : tensor<2x?x24xf16>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: return %[[T]]
func.func @linear_rank3_f16(%x: tensor<2x?x37xf16>, %w: tensor<37x24xf16>, %b: tensor<24xf16>) -> tensor<2x?x24xf16> {
  %0 = tfm.linear %x, %w, %b {weight_layout = #tfm.weight_layout<in_out>}
      : tensor<2x?x37xf16>, tensor<37x24xf16>, tensor<24xf16> -> tensor<2x?x24xf16>
  return %0 : tensor<2x?x24xf16>
}

// CHECK-LABEL: func.func @linear_bf16
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME: outs(%{{.*}} : tensor<7x13xf32>)
// CHECK: arith.truncf %{{.*}} : f32 to bf16
func.func @linear_bf16(%x: tensor<7x37xbf16>, %w: tensor<13x37xbf16>) -> tensor<7x13xbf16> {
  %0 = tfm.linear %x, %w : tensor<7x37xbf16>, tensor<13x37xbf16> -> tensor<7x13xbf16>
  return %0 : tensor<7x13xbf16>
}

//===----------------------------------------------------------------------===//
// tfm.embedding
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @embedding
// CHECK-SAME: (%[[T:.*]]: tensor<37x24xf32>, %[[IDS:.*]]: tensor<?xi64>)
// CHECK: %[[D:.*]] = tensor.dim %[[IDS]], %{{.*}} : tensor<?xi64>
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<?x24xf32>
// CHECK: %[[R:.*]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[$IDS1]], #[[$ID2]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK-SAME: ins(%[[IDS]] : tensor<?xi64>) outs(%[[E]] : tensor<?x24xf32>)
// CHECK-NEXT: ^bb0(%[[ID:.*]]: i64, %{{.*}}: f32):
// CHECK-NEXT: %[[I:.*]] = arith.index_cast %[[ID]] : i64 to index
// CHECK-NEXT: %[[LO:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[HI:.*]] = arith.constant 36 : index
// CHECK-NEXT: %[[C1:.*]] = arith.maxsi %[[I]], %[[LO]] : index
// CHECK-NEXT: %[[C2:.*]] = arith.minsi %[[C1]], %[[HI]] : index
// CHECK-NEXT: %[[COL:.*]] = linalg.index 1 : index
// CHECK-NEXT: %[[V:.*]] = tensor.extract %[[T]][%[[C2]], %[[COL]]] : tensor<37x24xf32>
// CHECK-NEXT: linalg.yield %[[V]] : f32
// CHECK: return %[[R]]
func.func @embedding(%t: tensor<37x24xf32>, %ids: tensor<?xi64>) -> tensor<?x24xf32> {
  %0 = tfm.embedding %t[%ids] : tensor<37x24xf32>, tensor<?xi64> -> tensor<?x24xf32>
  return %0 : tensor<?x24xf32>
}

// 2-D i32 ids, f16 table: no conversion of the gathered values.
// CHECK-LABEL: func.func @embedding_2d_f16
// CHECK: tensor.empty() : tensor<2x7x13xf16>
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [#[[$Y2]], #[[$ID3]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-NEXT: ^bb0(%[[ID:.*]]: i32, %{{.*}}: f16):
// CHECK: arith.index_cast %[[ID]] : i32 to index
// CHECK: arith.constant 23 : index
// CHECK: linalg.index 2 : index
// CHECK: %[[V:.*]] = tensor.extract %{{.*}} : tensor<24x13xf16>
// CHECK-NEXT: linalg.yield %[[V]] : f16
func.func @embedding_2d_f16(%t: tensor<24x13xf16>, %ids: tensor<2x7xi32>) -> tensor<2x7x13xf16> {
  %0 = tfm.embedding %t[%ids] : tensor<24x13xf16>, tensor<2x7xi32> -> tensor<2x7x13xf16>
  return %0 : tensor<2x7x13xf16>
}

// CHECK-NOT: tfm.

// A panel table [V / P, D, P] (a tied LM head's): row v is [v / P, :, v % P].
// CHECK-LABEL: func.func @embedding_panels
// CHECK: linalg.generic
// CHECK: %[[ID:.*]] = arith.minsi %{{.*}}, %c127 : index
// CHECK: %[[COL:.*]] = linalg.index 1 : index
// CHECK: %[[B:.*]] = arith.divui %[[ID]], %c64 : index
// CHECK: %[[P:.*]] = arith.remui %[[ID]], %c64 : index
// CHECK: tensor.extract %{{.*}}[%[[B]], %[[COL]], %[[P]]] : tensor<2x24x64xf32>
func.func @embedding_panels(%t: tensor<2x24x64xf32>, %ids: tensor<?xi64>) -> tensor<?x24xf32> {
  %0 = tfm.embedding %t[%ids] : tensor<2x24x64xf32>, tensor<?xi64> -> tensor<?x24xf32>
  return %0 : tensor<?x24xf32>
}
