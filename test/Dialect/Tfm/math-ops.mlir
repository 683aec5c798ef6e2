// RUN: tfc-opt %s | tfc-opt | FileCheck %s
// RUN: tfc-opt %s --mlir-print-op-generic | tfc-opt | FileCheck %s

// Round trip of the fine-grained math ops (TfmMathOps.td) and tfm.pow.

// CHECK-LABEL: func.func @unary
// CHECK: tfm.sqrt %{{.*}} : tensor<?x7xf32>
// CHECK: tfm.reciprocal %{{.*}} : tensor<?x7xf32>
// CHECK: tfm.exp %{{.*}} : tensor<?x7xf32>
// CHECK: tfm.log %{{.*}} : tensor<?x7xf32>
// CHECK: tfm.tanh %{{.*}} : tensor<?x7xf32>
// CHECK: tfm.erf %{{.*}} : tensor<?x7xf32>
// CHECK: tfm.sigmoid %{{.*}} : tensor<?x7xf32>
// CHECK: tfm.relu %{{.*}} : tensor<?x7xf32>
// CHECK: tfm.cos %{{.*}} : tensor<?x7xf32>
// CHECK: tfm.sin %{{.*}} : tensor<?x7xf32>
// CHECK: tfm.neg %{{.*}} : tensor<?x7xf32>
// CHECK: tfm.abs %{{.*}} : tensor<3xi64>
// CHECK: tfm.not %{{.*}} : tensor<3xi1>
func.func @unary(%x: tensor<?x7xf32>, %i: tensor<3xi64>, %b: tensor<3xi1>)
    -> (tensor<?x7xf32>, tensor<3xi64>, tensor<3xi1>) {
  %0 = tfm.sqrt %x : tensor<?x7xf32>
  %1 = tfm.reciprocal %0 : tensor<?x7xf32>
  %2 = tfm.exp %1 : tensor<?x7xf32>
  %3 = tfm.log %2 : tensor<?x7xf32>
  %4 = tfm.tanh %3 : tensor<?x7xf32>
  %5 = tfm.erf %4 : tensor<?x7xf32>
  %6 = tfm.sigmoid %5 : tensor<?x7xf32>
  %7 = tfm.relu %6 : tensor<?x7xf32>
  %8 = tfm.cos %7 : tensor<?x7xf32>
  %9 = tfm.sin %8 : tensor<?x7xf32>
  %10 = tfm.neg %9 : tensor<?x7xf32>
  %11 = tfm.abs %i : tensor<3xi64>
  %12 = tfm.not %b : tensor<3xi1>
  return %10, %11, %12 : tensor<?x7xf32>, tensor<3xi64>, tensor<3xi1>
}

// CHECK-LABEL: func.func @binary
// CHECK: tfm.pow %{{.*}}, %{{.*}} : tensor<?x7xf32>, tensor<f32> -> tensor<?x7xf32>
// CHECK: tfm.equal %{{.*}}, %{{.*}} : tensor<?x7xf32>, tensor<7xf32> -> tensor<?x7xi1>
// CHECK: tfm.less %{{.*}}, %{{.*}} : tensor<?x7xf32>, tensor<1x1xf32> -> tensor<?x7xi1>
// CHECK: tfm.greater %{{.*}}, %{{.*}} : tensor<?x7xf32>, tensor<?x7xf32> -> tensor<?x7xi1>
// CHECK: tfm.where %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x7xi1>, tensor<?x7xf32>, tensor<f32> -> tensor<?x7xf32>
func.func @binary(%x: tensor<?x7xf32>, %s: tensor<f32>, %r: tensor<7xf32>,
                  %c: tensor<1x1xf32>) -> tensor<?x7xf32> {
  %0 = tfm.pow %x, %s : tensor<?x7xf32>, tensor<f32> -> tensor<?x7xf32>
  %1 = tfm.equal %0, %r : tensor<?x7xf32>, tensor<7xf32> -> tensor<?x7xi1>
  %2 = tfm.less %0, %c : tensor<?x7xf32>, tensor<1x1xf32> -> tensor<?x7xi1>
  %3 = tfm.greater %0, %x : tensor<?x7xf32>, tensor<?x7xf32> -> tensor<?x7xi1>
  %4 = tfm.where %3, %x, %s : tensor<?x7xi1>, tensor<?x7xf32>, tensor<f32> -> tensor<?x7xf32>
  return %4 : tensor<?x7xf32>
}

// CHECK-LABEL: func.func @reduce
// CHECK: tfm.reduce_sum %{{.*}} [1] : tensor<?x7x5xf32> -> tensor<?x5xf32>
// CHECK: tfm.reduce_mean %{{.*}} [2] {keep_dims} : tensor<?x7x5xf32> -> tensor<?x7x1xf32>
// CHECK: tfm.reduce_max %{{.*}} [0, 1, 2] : tensor<?x7x5xf32> -> tensor<f32>
func.func @reduce(%x: tensor<?x7x5xf32>)
    -> (tensor<?x5xf32>, tensor<?x7x1xf32>, tensor<f32>) {
  %0 = tfm.reduce_sum %x [1] : tensor<?x7x5xf32> -> tensor<?x5xf32>
  %1 = tfm.reduce_mean %x [2] {keep_dims} : tensor<?x7x5xf32> -> tensor<?x7x1xf32>
  %2 = tfm.reduce_max %x [0, 1, 2] : tensor<?x7x5xf32> -> tensor<f32>
  return %0, %1, %2 : tensor<?x5xf32>, tensor<?x7x1xf32>, tensor<f32>
}

// CHECK-LABEL: func.func @matmul_range_trilu
// CHECK: tfm.matmul %{{.*}}, %{{.*}} : tensor<1x3x?x8xf32>, tensor<3x8x?xf32> -> tensor<1x3x?x?xf32>
// CHECK: tfm.range %{{.*}}, %{{.*}}, %{{.*}} : tensor<?xi64>
// CHECK: tfm.trilu %{{.*}} : tensor<?x?xi1>
// CHECK: tfm.trilu %{{.*}} {diagonal = 1 : i64, upper} : tensor<4x4xf32>
func.func @matmul_range_trilu(%q: tensor<1x3x?x8xf32>, %k: tensor<3x8x?xf32>,
                              %n: index, %m: tensor<?x?xi1>,
                              %f: tensor<4x4xf32>)
    -> (tensor<1x3x?x?xf32>, tensor<?xi64>, tensor<?x?xi1>, tensor<4x4xf32>) {
  %0 = tfm.matmul %q, %k : tensor<1x3x?x8xf32>, tensor<3x8x?xf32> -> tensor<1x3x?x?xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %1 = tfm.range %c0, %n, %c1 : tensor<?xi64>
  %2 = tfm.trilu %m : tensor<?x?xi1>
  %3 = tfm.trilu %f {diagonal = 1 : i64, upper} : tensor<4x4xf32>
  return %0, %1, %2, %3 : tensor<1x3x?x?xf32>, tensor<?xi64>, tensor<?x?xi1>, tensor<4x4xf32>
}
