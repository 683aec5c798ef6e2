// RUN: tfc-opt %s --convert-tfm-to-linalg | FileCheck %s

// Broadcasting arithmetic, casts and activations: one all-parallel
// linalg.generic each; size-1 operand dimensions that broadcast read index 0.

// CHECK-DAG: #[[$ID1:.*]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[$ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[$COL0:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-DAG: #[[$ROW0:.*]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-DAG: #[[$SCALAR:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-DAG: #[[$B4L:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, 0, d2, 0)>
// CHECK-DAG: #[[$B4R:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, 0, d3)>
// CHECK-DAG: #[[$ID4:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// CHECK-LABEL: func.func @add_bias_row
// CHECK-SAME: (%[[A:.*]]: tensor<?x13xf32>, %[[B:.*]]: tensor<13xf32>)
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[D:.*]] = tensor.dim %[[A]], %[[C0]] : tensor<?x13xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<?x13xf32>
// CHECK: %[[R:.*]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID2]], #[[$ROW]], #[[$ID2]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK-SAME: ins(%[[A]], %[[B]] : tensor<?x13xf32>, tensor<13xf32>)
// CHECK-SAME: outs(%[[E]] : tensor<?x13xf32>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[X]], %[[Y]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK: return %[[R]]
func.func @add_bias_row(%a: tensor<?x13xf32>, %b: tensor<13xf32>) -> tensor<?x13xf32> {
  %0 = tfm.add %a, %b : tensor<?x13xf32>, tensor<13xf32> -> tensor<?x13xf32>
  return %0 : tensor<?x13xf32>
}

// The dynamic size comes from the operand that has the dimension, whichever
// side it is on.
// CHECK-LABEL: func.func @sub_dynamic_rhs
// CHECK-SAME: (%[[A:.*]]: tensor<13xf32>, %[[B:.*]]: tensor<?x13xf32>)
// CHECK: %[[D:.*]] = tensor.dim %[[B]], %{{.*}} : tensor<?x13xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<?x13xf32>
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ROW]], #[[$ID2]], #[[$ID2]]]
// CHECK-SAME: ins(%[[A]], %[[B]] : tensor<13xf32>, tensor<?x13xf32>)
// CHECK: arith.subf
func.func @sub_dynamic_rhs(%a: tensor<13xf32>, %b: tensor<?x13xf32>) -> tensor<?x13xf32> {
  %0 = tfm.sub %a, %b : tensor<13xf32>, tensor<?x13xf32> -> tensor<?x13xf32>
  return %0 : tensor<?x13xf32>
}

// Outer product by broadcasting, computed in f32 for f16 storage.
// CHECK-LABEL: func.func @mul_outer_f16
// CHECK: %[[E:.*]] = tensor.empty() : tensor<7x13xf16>
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [#[[$COL0]], #[[$ROW0]], #[[$ID2]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK-SAME: outs(%[[E]] : tensor<7x13xf16>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: f16, %[[Y:.*]]: f16, %{{.*}}: f16):
// CHECK-NEXT: %[[XW:.*]] = arith.extf %[[X]] : f16 to f32
// CHECK-NEXT: %[[YW:.*]] = arith.extf %[[Y]] : f16 to f32
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[XW]], %[[YW]] : f32
// CHECK-NEXT: %[[T:.*]] = arith.truncf %[[P]] : f32 to f16
// CHECK-NEXT: linalg.yield %[[T]] : f16
func.func @mul_outer_f16(%a: tensor<7x1xf16>, %b: tensor<1x13xf16>) -> tensor<7x13xf16> {
  %0 = tfm.mul %a, %b : tensor<7x1xf16>, tensor<1x13xf16> -> tensor<7x13xf16>
  return %0 : tensor<7x13xf16>
}

// Rank-4 result, rank-3 operand; integer division is signed.
// CHECK-LABEL: func.func @div_rank4_int
// CHECK: tensor.empty() : tensor<2x3x5x7xi32>
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [#[[$B4L]], #[[$B4R]], #[[$ID4]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK: arith.divsi %{{.*}}, %{{.*}} : i32
// CHECK-NOT: arith.extf
func.func @div_rank4_int(%a: tensor<2x1x5x1xi32>, %b: tensor<3x1x7xi32>) -> tensor<2x3x5x7xi32> {
  %0 = tfm.div %a, %b : tensor<2x1x5x1xi32>, tensor<3x1x7xi32> -> tensor<2x3x5x7xi32>
  return %0 : tensor<2x3x5x7xi32>
}

// A rank-0 operand is read through a map with no results.
// CHECK-LABEL: func.func @add_scalar_bf16
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID2]], #[[$SCALAR]], #[[$ID2]]]
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: arith.addf %{{.*}}, %{{.*}} : f32
// CHECK: arith.truncf %{{.*}} : f32 to bf16
func.func @add_scalar_bf16(%a: tensor<7x24xbf16>, %s: tensor<bf16>) -> tensor<7x24xbf16> {
  %0 = tfm.add %a, %s : tensor<7x24xbf16>, tensor<bf16> -> tensor<7x24xbf16>
  return %0 : tensor<7x24xbf16>
}

// CHECK-LABEL: func.func @int_arith
// CHECK: arith.addi %{{.*}}, %{{.*}} : i64
// CHECK: arith.subi %{{.*}}, %{{.*}} : i64
// CHECK: arith.muli %{{.*}}, %{{.*}} : i64
func.func @int_arith(%a: tensor<37xi64>, %b: tensor<1xi64>) -> tensor<37xi64> {
  %0 = tfm.add %a, %b : tensor<37xi64>, tensor<1xi64> -> tensor<37xi64>
  %1 = tfm.sub %0, %b : tensor<37xi64>, tensor<1xi64> -> tensor<37xi64>
  %2 = tfm.mul %1, %a : tensor<37xi64>, tensor<37xi64> -> tensor<37xi64>
  return %2 : tensor<37xi64>
}

//===----------------------------------------------------------------------===//
// tfm.cast
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @casts
// CHECK: linalg.generic {indexing_maps = [#[[$ID1]], #[[$ID1]]], iterator_types = ["parallel"]}
// CHECK-NEXT: ^bb0(%[[X:.*]]: f16, %{{.*}}: f32):
// CHECK-NEXT: %[[W:.*]] = arith.extf %[[X]] : f16 to f32
// CHECK-NEXT: linalg.yield %[[W]] : f32
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f16):
// CHECK-NEXT: %[[N:.*]] = arith.truncf %[[X]] : f32 to f16
// CHECK-NEXT: linalg.yield %[[N]] : f16
// f16 <-> bf16 goes through f32.
// CHECK: ^bb0(%[[X:.*]]: f16, %{{.*}}: bf16):
// CHECK-NEXT: %[[W:.*]] = arith.extf %[[X]] : f16 to f32
// CHECK-NEXT: %[[N:.*]] = arith.truncf %[[W]] : f32 to bf16
// CHECK-NEXT: linalg.yield %[[N]] : bf16
// CHECK: ^bb0(%[[X:.*]]: i8, %{{.*}}: f32):
// CHECK-NEXT: %[[F:.*]] = arith.sitofp %[[X]] : i8 to f32
// CHECK: ^bb0(%[[X:.*]]: i1, %{{.*}}: f32):
// CHECK-NEXT: %[[F:.*]] = arith.uitofp %[[X]] : i1 to f32
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: i32):
// CHECK-NEXT: %[[I:.*]] = arith.fptosi %[[X]] : f32 to i32
// CHECK: ^bb0(%[[X:.*]]: i32, %{{.*}}: i64):
// CHECK-NEXT: %[[I:.*]] = arith.extsi %[[X]] : i32 to i64
// CHECK: ^bb0(%[[X:.*]]: i1, %{{.*}}: i32):
// CHECK-NEXT: %[[I:.*]] = arith.extui %[[X]] : i1 to i32
// CHECK: ^bb0(%[[X:.*]]: i64, %{{.*}}: i8):
// CHECK-NEXT: %[[I:.*]] = arith.trunci %[[X]] : i64 to i8
func.func @casts(%h: tensor<7xf16>, %f: tensor<7xf32>, %q: tensor<7xi8>,
                 %m: tensor<7xi1>, %i: tensor<7xi32>, %l: tensor<7xi64>) {
  %0 = tfm.cast %h : tensor<7xf16> -> tensor<7xf32>
  %1 = tfm.cast %f : tensor<7xf32> -> tensor<7xf16>
  %2 = tfm.cast %h : tensor<7xf16> -> tensor<7xbf16>
  %3 = tfm.cast %q : tensor<7xi8> -> tensor<7xf32>
  %4 = tfm.cast %m : tensor<7xi1> -> tensor<7xf32>
  %5 = tfm.cast %f : tensor<7xf32> -> tensor<7xi32>
  %6 = tfm.cast %i : tensor<7xi32> -> tensor<7xi64>
  %7 = tfm.cast %m : tensor<7xi1> -> tensor<7xi32>
  %8 = tfm.cast %l : tensor<7xi64> -> tensor<7xi8>
  return
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @gelu_exact
// CHECK: linalg.generic {indexing_maps = [#[[$ID2]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]}
// CHECK: %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[RS2:.*]] = arith.constant 0.707106769 : f32
// CHECK: %[[T:.*]] = arith.mulf %{{.*}}, %[[RS2]] : f32
// CHECK: %[[E:.*]] = math.erf %[[T]] : f32
// CHECK: arith.addf %[[ONE]], %[[E]] : f32
// CHECK-NOT: math.tanh
// CHECK: return
func.func @gelu_exact(%x: tensor<?x37xf32>) -> tensor<?x37xf32> {
  %0 = tfm.gelu %x : tensor<?x37xf32>
  return %0 : tensor<?x37xf32>
}

// CHECK-LABEL: func.func @gelu_tanh_f16
// CHECK: linalg.generic
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.constant 4.471500e-02 : f32
// CHECK: arith.constant 0.797884583 : f32
// CHECK: math.tanh %{{.*}} : f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK-NOT: math.erf
// CHECK: return
func.func @gelu_tanh_f16(%x: tensor<7x13xf16>) -> tensor<7x13xf16> {
  %0 = tfm.gelu %x {approximation = #tfm.gelu_approximation<tanh>} : tensor<7x13xf16>
  return %0 : tensor<7x13xf16>
}

// silu(x) = x / (1 + exp(-x))
// CHECK-LABEL: func.func @silu
// CHECK: linalg.generic
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[N:.*]] = arith.negf %[[X]] : f32
// CHECK-NEXT: %[[E:.*]] = math.exp %[[N]] : f32
// CHECK-NEXT: %[[D:.*]] = arith.addf %[[ONE]], %[[E]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.divf %[[X]], %[[D]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
func.func @silu(%x: tensor<?x37xf32>) -> tensor<?x37xf32> {
  %0 = tfm.silu %x : tensor<?x37xf32>
  return %0 : tensor<?x37xf32>
}

// swiglu(g, u) = silu(g) * u, in f32 for bf16.
// CHECK-LABEL: func.func @swiglu_bf16
// CHECK-SAME: (%[[G:.*]]: tensor<?x24xbf16>, %[[U:.*]]: tensor<?x24xbf16>)
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [#[[$ID2]], #[[$ID2]], #[[$ID2]]]
// CHECK-SAME: ins(%[[G]], %[[U]] : tensor<?x24xbf16>, tensor<?x24xbf16>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: bf16, %[[Y:.*]]: bf16, %{{.*}}: bf16):
// CHECK-NEXT: %[[XW:.*]] = arith.extf %[[X]] : bf16 to f32
// CHECK-NEXT: %[[YW:.*]] = arith.extf %[[Y]] : bf16 to f32
// CHECK: %[[E:.*]] = math.exp
// CHECK: %[[S:.*]] = arith.divf %[[XW]], %{{.*}} : f32
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[S]], %[[YW]] : f32
// CHECK-NEXT: %[[T:.*]] = arith.truncf %[[P]] : f32 to bf16
// CHECK-NEXT: linalg.yield %[[T]] : bf16
func.func @swiglu_bf16(%g: tensor<?x24xbf16>, %u: tensor<?x24xbf16>) -> tensor<?x24xbf16> {
  %0 = tfm.swiglu %g, %u : tensor<?x24xbf16>
  return %0 : tensor<?x24xbf16>
}

// Nothing of tfm is left.
// CHECK-NOT: tfm.

// A dynamic result dimension reached only by size-1 operands is 1.
// CHECK-LABEL: func.func @broadcast_ones_to_dynamic
// CHECK-NOT: arith.constant 0 : index
// CHECK: %[[ONE:.*]] = arith.constant 1 : index
// CHECK: tensor.empty(%[[ONE]]) : tensor<?xf32>
// CHECK: return
func.func @broadcast_ones_to_dynamic(%a: tensor<1xf32>, %b: tensor<1xf32>) -> tensor<?xf32> {
  %0 = tfm.add %a, %b : tensor<1xf32>, tensor<1xf32> -> tensor<?xf32>
  return %0 : tensor<?xf32>
}
