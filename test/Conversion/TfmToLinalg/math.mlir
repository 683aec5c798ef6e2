// RUN: tfc-opt %s --convert-tfm-to-linalg | FileCheck %s

// The fine-grained math ops of imported graphs: unary math, pow,
// comparisons, where, reductions, batched matmul, range and trilu.

// CHECK-DAG: #[[$ID1:.*]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[$ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[$SCALAR:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-DAG: #[[$COL0:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-DAG: #[[$ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$DROP1:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[$FIRST:.*]] = affine_map<(d0, d1, d2) -> (d0)>
// CHECK-DAG: #[[$MM_A:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-DAG: #[[$MM_B:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (0, d1, d4, d3)>
// CHECK-DAG: #[[$MM_C:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$BM_A:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[$BM_B:.*]] = affine_map<(d0, d1, d2, d3) -> (d3, d2)>
// CHECK-DAG: #[[$BM_C:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>

//===----------------------------------------------------------------------===//
// Unary math
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @sqrt_dynamic
// CHECK-SAME: (%[[X:.*]]: tensor<?x?xf32>)
// CHECK-DAG: %[[D0:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x?xf32>
// CHECK-DAG: %[[D1:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x?xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D0]], %[[D1]]) : tensor<?x?xf32>
// CHECK: %[[R:.*]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID2]], #[[$ID2]]]
// CHECK-SAME: ins(%[[X]] : tensor<?x?xf32>) outs(%[[E]] : tensor<?x?xf32>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[S:.*]] = math.sqrt %[[A]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK: return %[[R]]
func.func @sqrt_dynamic(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %0 = tfm.sqrt %x : tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// f16 math runs in f32.
// CHECK-LABEL: func.func @erf_f16
// CHECK: linalg.generic
// CHECK-NEXT: ^bb0(%[[A:.*]]: f16, %{{.*}}: f16):
// CHECK-NEXT: %[[W:.*]] = arith.extf %[[A]] : f16 to f32
// CHECK-NEXT: %[[E:.*]] = math.erf %[[W]] : f32
// CHECK-NEXT: %[[T:.*]] = arith.truncf %[[E]] : f32 to f16
// CHECK-NEXT: linalg.yield %[[T]] : f16
func.func @erf_f16(%x: tensor<7xf16>) -> tensor<7xf16> {
  %0 = tfm.erf %x : tensor<7xf16>
  return %0 : tensor<7xf16>
}

// CHECK-LABEL: func.func @float_unary
// CHECK: %[[ONE:.*]] = arith.constant 1.0{{.*}} : f32
// CHECK: arith.divf %[[ONE]], %{{.*}} : f32
// CHECK: math.exp
// CHECK: math.log
// CHECK: math.tanh
// CHECK: arith.negf
// CHECK-NEXT: math.exp
// CHECK-NEXT: arith.addf
// CHECK-NEXT: arith.divf
// CHECK: %[[ZERO:.*]] = arith.constant 0.0{{.*}} : f32
// CHECK: arith.maximumf %{{.*}}, %[[ZERO]] : f32
// CHECK: math.cos
// CHECK: math.sin
// CHECK: arith.negf
// CHECK: math.absf
func.func @float_unary(%x: tensor<5xf32>) -> tensor<5xf32> {
  %0 = tfm.reciprocal %x : tensor<5xf32>
  %1 = tfm.exp %0 : tensor<5xf32>
  %2 = tfm.log %1 : tensor<5xf32>
  %3 = tfm.tanh %2 : tensor<5xf32>
  %4 = tfm.sigmoid %3 : tensor<5xf32>
  %5 = tfm.relu %4 : tensor<5xf32>
  %6 = tfm.cos %5 : tensor<5xf32>
  %7 = tfm.sin %6 : tensor<5xf32>
  %8 = tfm.neg %7 : tensor<5xf32>
  %9 = tfm.abs %8 : tensor<5xf32>
  return %9 : tensor<5xf32>
}

// Integer neg and abs, logical not.
// CHECK-LABEL: func.func @int_unary
// CHECK: %[[Z:.*]] = arith.constant 0 : i64
// CHECK: arith.subi %[[Z]], %{{.*}} : i64
// CHECK: math.absi %{{.*}} : i64
// CHECK: %[[T:.*]] = arith.constant true
// CHECK: arith.xori %{{.*}}, %[[T]] : i1
func.func @int_unary(%x: tensor<?xi64>, %m: tensor<?xi1>) -> (tensor<?xi64>, tensor<?xi1>) {
  %0 = tfm.neg %x : tensor<?xi64>
  %1 = tfm.abs %0 : tensor<?xi64>
  %2 = tfm.not %m : tensor<?xi1>
  return %1, %2 : tensor<?xi64>, tensor<?xi1>
}

//===----------------------------------------------------------------------===//
// Pow
//===----------------------------------------------------------------------===//

// A constant integer exponent is a product: only the base is read.
// CHECK-LABEL: func.func @pow_cube
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>)
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID2]], #[[$ID2]]]
// CHECK-SAME: ins(%[[X]] : tensor<?x8xf32>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[A]], %[[A]] : f32
// CHECK-NEXT: %[[Q:.*]] = arith.mulf %[[P]], %[[A]] : f32
// CHECK-NEXT: linalg.yield %[[Q]] : f32
// CHECK-NOT: math.powf
func.func @pow_cube(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %c = arith.constant dense<3.0> : tensor<f32>
  %0 = tfm.pow %x, %c : tensor<?x8xf32>, tensor<f32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// 0.5 is a square root; the splat exponent's shape still broadcasts.
// CHECK-LABEL: func.func @pow_half
// CHECK: tensor.empty() : tensor<3x8xf32>
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ROW]], #[[$ID2]]]
// CHECK: math.sqrt
// CHECK-NOT: math.powf
func.func @pow_half(%x: tensor<8xf32>) -> tensor<3x8xf32> {
  %c = arith.constant dense<0.5> : tensor<3x1xf32>
  %0 = tfm.pow %x, %c : tensor<8xf32>, tensor<3x1xf32> -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// Any other exponent: powf in f32, both operands read.
// CHECK-LABEL: func.func @pow_general_bf16
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID2]], #[[$COL0]], #[[$ID2]]]
// CHECK-NEXT: ^bb0(%[[A:.*]]: bf16, %[[B:.*]]: bf16, %{{.*}}: bf16):
// CHECK-NEXT: %[[AW:.*]] = arith.extf %[[A]] : bf16 to f32
// CHECK-NEXT: %[[BW:.*]] = arith.extf %[[B]] : bf16 to f32
// CHECK-NEXT: %[[P:.*]] = math.powf %[[AW]], %[[BW]] : f32
// CHECK-NEXT: arith.truncf %[[P]] : f32 to bf16
func.func @pow_general_bf16(%x: tensor<?x8xbf16>, %y: tensor<?x1xbf16>) -> tensor<?x8xbf16> {
  %0 = tfm.pow %x, %y : tensor<?x8xbf16>, tensor<?x1xbf16> -> tensor<?x8xbf16>
  return %0 : tensor<?x8xbf16>
}

// A non-integer constant exponent is not a product.
// CHECK-LABEL: func.func @pow_non_integer
// CHECK: math.powf
func.func @pow_non_integer(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = arith.constant dense<2.5> : tensor<f32>
  %0 = tfm.pow %x, %c : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// An integer base with a constant exponent.
// CHECK-LABEL: func.func @pow_int_square
// CHECK: ^bb0(%[[A:.*]]: i32, %{{.*}}: i32):
// CHECK-NEXT: %[[P:.*]] = arith.muli %[[A]], %[[A]] : i32
// CHECK-NEXT: linalg.yield %[[P]] : i32
func.func @pow_int_square(%x: tensor<4xi32>) -> tensor<4xi32> {
  %c = arith.constant dense<2> : tensor<1xi32>
  %0 = tfm.pow %x, %c : tensor<4xi32>, tensor<1xi32> -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

//===----------------------------------------------------------------------===//
// Comparisons and where
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @compare
// CHECK-SAME: (%[[A:.*]]: tensor<?x4xi64>, %[[B:.*]]: tensor<i64>, %[[F:.*]]: tensor<?x4xf16>, %[[G:.*]]: tensor<4xf16>)
// CHECK: %[[E:.*]] = tensor.empty(%{{.*}}) : tensor<?x4xi1>
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID2]], #[[$SCALAR]], #[[$ID2]]]
// CHECK-SAME: ins(%[[A]], %[[B]] : tensor<?x4xi64>, tensor<i64>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: i64, %[[Y:.*]]: i64, %{{.*}}: i1):
// CHECK-NEXT: %[[C:.*]] = arith.cmpi eq, %[[X]], %[[Y]] : i64
// CHECK-NEXT: linalg.yield %[[C]] : i1
// CHECK: arith.cmpi slt
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID2]], #[[$ROW]], #[[$ID2]]]
// CHECK-NEXT: ^bb0(%[[X:.*]]: f16, %[[Y:.*]]: f16, %{{.*}}: i1):
// CHECK-NEXT: arith.cmpf ogt, %[[X]], %[[Y]] : f16
func.func @compare(%a: tensor<?x4xi64>, %b: tensor<i64>, %f: tensor<?x4xf16>, %g: tensor<4xf16>)
    -> (tensor<?x4xi1>, tensor<?x4xi1>, tensor<?x4xi1>) {
  %0 = tfm.equal %a, %b : tensor<?x4xi64>, tensor<i64> -> tensor<?x4xi1>
  %1 = tfm.less %a, %b : tensor<?x4xi64>, tensor<i64> -> tensor<?x4xi1>
  %2 = tfm.greater %f, %g : tensor<?x4xf16>, tensor<4xf16> -> tensor<?x4xi1>
  return %0, %1, %2 : tensor<?x4xi1>, tensor<?x4xi1>, tensor<?x4xi1>
}

// Booleans compare unsigned: true > false.
// CHECK-LABEL: func.func @compare_bool
// CHECK: arith.cmpi ugt
func.func @compare_bool(%a: tensor<3xi1>, %b: tensor<3xi1>) -> tensor<3xi1> {
  %0 = tfm.greater %a, %b : tensor<3xi1>, tensor<3xi1> -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// Three-way broadcasting: the causal-mask select of attention.
// CHECK-LABEL: func.func @where_mask
// CHECK-SAME: (%[[M:.*]]: tensor<?x?xi1>, %[[S:.*]]: tensor<3x?x?xf32>, %[[N:.*]]: tensor<f32>)
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[M]], %[[S]], %[[N]] : tensor<?x?xi1>, tensor<3x?x?xf32>, tensor<f32>)
// CHECK-NEXT: ^bb0(%[[C:.*]]: i1, %[[X:.*]]: f32, %[[Y:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[R:.*]] = arith.select %[[C]], %[[X]], %[[Y]] : f32
// CHECK-NEXT: linalg.yield %[[R]] : f32
func.func @where_mask(%m: tensor<?x?xi1>, %s: tensor<3x?x?xf32>, %n: tensor<f32>) -> tensor<3x?x?xf32> {
  %0 = tfm.where %m, %s, %n : tensor<?x?xi1>, tensor<3x?x?xf32>, tensor<f32> -> tensor<3x?x?xf32>
  return %0 : tensor<3x?x?xf32>
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

// Mean over a dynamic middle dimension, kept: f32 sum, divide by the
// run-time count, expand back.
// CHECK-LABEL: func.func @reduce_mean_dynamic_keep
// CHECK-SAME: (%[[X:.*]]: tensor<?x?x5xf32>)
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[D0:.*]] = tensor.dim %[[X]], %[[C0]]
// CHECK: %[[E:.*]] = tensor.empty(%[[D0]]) : tensor<?x5xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<?x5xf32>)
// CHECK: %[[S:.*]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID3]], #[[$DROP1]]]
// CHECK-SAME: iterator_types = ["parallel", "reduction", "parallel"]
// CHECK-SAME: ins(%[[X]] : tensor<?x?x5xf32>) outs(%[[F]] : tensor<?x5xf32>)
// CHECK-NEXT: ^bb0(%[[V:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[ACC]], %[[V]] : f32
// CHECK: %[[C1:.*]] = arith.constant 1 : index
// CHECK: %[[D1:.*]] = tensor.dim %[[X]], %[[C1]]
// CHECK: %[[I:.*]] = arith.index_cast %[[D1]] : index to i64
// CHECK: %[[N:.*]] = arith.sitofp %[[I]] : i64 to f32
// CHECK: %[[CNT:.*]] = arith.mulf %{{.*}}, %[[N]] : f32
// CHECK: %[[MEAN:.*]] = linalg.generic
// CHECK-SAME: ins(%[[S]] : tensor<?x5xf32>)
// CHECK-NEXT: ^bb0(%[[V:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: arith.divf %[[V]], %[[CNT]] : f32
// CHECK: %[[R:.*]] = tensor.expand_shape %[[MEAN]] {{\[\[}}0], [1, 2]] output_shape [%{{.*}}, 1, 5] : tensor<?x5xf32> into tensor<?x1x5xf32>
// CHECK: return %[[R]]
func.func @reduce_mean_dynamic_keep(%x: tensor<?x?x5xf32>) -> tensor<?x1x5xf32> {
  %0 = tfm.reduce_mean %x [1] {keep_dims} : tensor<?x?x5xf32> -> tensor<?x1x5xf32>
  return %0 : tensor<?x1x5xf32>
}

// f16 sums accumulate in f32 and truncate once; without keep_dims the
// reduced dimensions are gone.
// CHECK-LABEL: func.func @reduce_sum_f16
// CHECK: tensor.empty() : tensor<4xf32>
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID3]], #[[$FIRST]]]
// CHECK-SAME: iterator_types = ["parallel", "reduction", "reduction"]
// CHECK-NEXT: ^bb0(%[[V:.*]]: f16, %[[ACC:.*]]: f32):
// CHECK-NEXT: %[[W:.*]] = arith.extf %[[V]] : f16 to f32
// CHECK-NEXT: arith.addf %[[ACC]], %[[W]] : f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK-NOT: tensor.expand_shape
func.func @reduce_sum_f16(%x: tensor<4x6x7xf16>) -> tensor<4xf16> {
  %0 = tfm.reduce_sum %x [1, 2] : tensor<4x6x7xf16> -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// Max starts at -inf; a full reduction with keep_dims expands a 0-d tensor.
// CHECK-LABEL: func.func @reduce_max_all_keep
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: linalg.fill ins(%[[NINF]] : f32) outs(%{{.*}} : tensor<f32>)
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID2]], #[[$SCALAR]]]
// CHECK-SAME: iterator_types = ["reduction", "reduction"]
// CHECK: arith.maximumf
// CHECK: tensor.expand_shape %{{.*}} [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
func.func @reduce_max_all_keep(%x: tensor<?x?xf32>) -> tensor<1x1xf32> {
  %0 = tfm.reduce_max %x [0, 1] {keep_dims} : tensor<?x?xf32> -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// Integer max starts at the smallest value; leading reduced dims join the
// next kept one.
// CHECK-LABEL: func.func @reduce_max_int
// CHECK: %[[MIN:.*]] = arith.constant -2147483648 : i32
// CHECK: linalg.fill ins(%[[MIN]] : i32)
// CHECK: arith.maxsi
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [1, %{{.*}}] : tensor<?xi32> into tensor<1x?xi32>
func.func @reduce_max_int(%x: tensor<3x?xi32>) -> tensor<1x?xi32> {
  %0 = tfm.reduce_max %x [0] {keep_dims} : tensor<3x?xi32> -> tensor<1x?xi32>
  return %0 : tensor<1x?xi32>
}

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

// Batched with a broadcast batch dimension (size 1 on the right): a generic
// contraction, k innermost, accumulating reassociably in f32.
// CHECK-LABEL: func.func @matmul_batched
// CHECK-SAME: (%[[A:.*]]: tensor<2x3x?x?xf32>, %[[B:.*]]: tensor<1x3x?x?xf32>)
// CHECK-DAG: %[[M:.*]] = tensor.dim %[[A]], %{{.*}} : tensor<2x3x?x?xf32>
// CHECK-DAG: %[[N:.*]] = tensor.dim %[[B]], %{{.*}} : tensor<1x3x?x?xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[M]], %[[N]]) : tensor<2x3x?x?xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]]
// CHECK: %[[R:.*]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[$MM_A]], #[[$MM_B]], #[[$MM_C]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%[[A]], %[[B]] : tensor<2x3x?x?xf32>, tensor<1x3x?x?xf32>) outs(%[[F]] : tensor<2x3x?x?xf32>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[X]], %[[Y]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[ACC]], %[[P]] fastmath<reassoc,contract> : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK: return %[[R]]
func.func @matmul_batched(%a: tensor<2x3x?x?xf32>, %b: tensor<1x3x?x?xf32>) -> tensor<2x3x?x?xf32> {
  %0 = tfm.matmul %a, %b : tensor<2x3x?x?xf32>, tensor<1x3x?x?xf32> -> tensor<2x3x?x?xf32>
  return %0 : tensor<2x3x?x?xf32>
}

// A batched lhs times a 2-D rhs: the rhs has no batch dimensions.
// CHECK-LABEL: func.func @matmul_rank_mismatch_f16
// CHECK: tensor.empty(%{{.*}}) : tensor<5x?x6xf32>
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [#[[$BM_A]], #[[$BM_B]], #[[$BM_C]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-NEXT: ^bb0(%[[X:.*]]: f16, %[[Y:.*]]: f16, %[[ACC:.*]]: f32):
// CHECK-NEXT: arith.extf %[[X]]
// CHECK-NEXT: arith.extf %[[Y]]
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @matmul_rank_mismatch_f16(%a: tensor<5x?x4xf16>, %b: tensor<4x6xf16>) -> tensor<5x?x6xf16> {
  %0 = tfm.matmul %a, %b : tensor<5x?x4xf16>, tensor<4x6xf16> -> tensor<5x?x6xf16>
  return %0 : tensor<5x?x6xf16>
}

// Two 2-D operands: linalg.matmul into an f32 accumulator.
// CHECK-LABEL: func.func @matmul_2d
// CHECK-SAME: (%[[A:.*]]: tensor<?x?xf32>, %[[B:.*]]: tensor<?x?xf32>)
// CHECK: %[[F:.*]] = linalg.fill
// CHECK: %[[R:.*]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<?x?xf32>, tensor<?x?xf32>) outs(%[[F]] : tensor<?x?xf32>)
// CHECK: return %[[R]]
func.func @matmul_2d(%a: tensor<?x?xf32>, %b: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %0 = tfm.matmul %a, %b : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

//===----------------------------------------------------------------------===//
// Range and trilu
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @range_dynamic
// CHECK-SAME: (%[[S:.*]]: index, %[[L:.*]]: index, %[[D:.*]]: index)
// CHECK: %[[DIFF:.*]] = arith.subi %[[L]], %[[S]] : index
// CHECK: %[[N:.*]] = arith.ceildivsi %[[DIFF]], %[[D]] : index
// CHECK: %[[N0:.*]] = arith.maxsi %[[N]], %{{.*}} : index
// CHECK: %[[E:.*]] = tensor.empty(%[[N0]]) : tensor<?xi64>
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID1]]]
// CHECK-SAME: outs(%[[E]] : tensor<?xi64>)
// CHECK: %[[I:.*]] = linalg.index 0 : index
// CHECK: %[[P:.*]] = arith.muli %[[I]], %[[D]] : index
// CHECK: %[[V:.*]] = arith.addi %[[S]], %[[P]] : index
// CHECK: %[[C:.*]] = arith.index_cast %[[V]] : index to i64
// CHECK: linalg.yield %[[C]] : i64
func.func @range_dynamic(%s: index, %l: index, %d: index) -> tensor<?xi64> {
  %0 = tfm.range %s, %l, %d : tensor<?xi64>
  return %0 : tensor<?xi64>
}

// CHECK-LABEL: func.func @trilu_lower_bool
// CHECK: linalg.generic
// CHECK: %[[ROW:.*]] = linalg.index 1 : index
// CHECK: %[[COL:.*]] = linalg.index 2 : index
// CHECK: %[[DIFF:.*]] = arith.subi %[[COL]], %[[ROW]] : index
// CHECK: %[[K:.*]] = arith.constant 0 : index
// CHECK: %[[KEEP:.*]] = arith.cmpi sle, %[[DIFF]], %[[K]] : index
// CHECK: %[[F:.*]] = arith.constant false
// CHECK: arith.select %[[KEEP]], %{{.*}}, %[[F]] : i1
func.func @trilu_lower_bool(%x: tensor<2x?x?xi1>) -> tensor<2x?x?xi1> {
  %0 = tfm.trilu %x : tensor<2x?x?xi1>
  return %0 : tensor<2x?x?xi1>
}

// CHECK-LABEL: func.func @trilu_upper_shifted
// CHECK: %[[K:.*]] = arith.constant -1 : index
// CHECK: %[[KEEP:.*]] = arith.cmpi sge, %{{.*}}, %[[K]] : index
// CHECK: %[[Z:.*]] = arith.constant 0.0{{.*}} : f32
// CHECK: arith.select %[[KEEP]], %{{.*}}, %[[Z]] : f32
func.func @trilu_upper_shifted(%x: tensor<?x7xf32>) -> tensor<?x7xf32> {
  %0 = tfm.trilu %x {diagonal = -1 : i64, upper} : tensor<?x7xf32>
  return %0 : tensor<?x7xf32>
}

// A constant exponent that is not one value is not a product.
// CHECK-LABEL: func.func @pow_non_splat
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<2xf32>, tensor<2xf32>)
// CHECK: math.powf
func.func @pow_non_splat(%x: tensor<2xf32>) -> tensor<2xf32> {
  %c = arith.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %0 = tfm.pow %x, %c : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// A result type that leaves a kept dimension dynamic gets a cast.
// CHECK-LABEL: func.func @reduce_sum_keep_dynamic_result
// CHECK: %[[E:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [4, 1] : tensor<4xf32> into tensor<4x1xf32>
// CHECK: %[[C:.*]] = tensor.cast %[[E]] : tensor<4x1xf32> to tensor<4x?xf32>
// CHECK: return %[[C]]
func.func @reduce_sum_keep_dynamic_result(%x: tensor<4x6xf32>) -> tensor<4x?xf32> {
  %0 = tfm.reduce_sum %x [1] {keep_dims} : tensor<4x6xf32> -> tensor<4x?xf32>
  return %0 : tensor<4x?xf32>
}
