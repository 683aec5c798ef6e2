// RUN: tfc-opt %s --tfc-tfm-to-linalg | FileCheck %s --check-prefix=LINALG
// RUN: tfc-opt %s --tfc-cpu-pipeline | FileCheck %s

// LLaMA's attention input: q/k/v projections of one RMSNorm output. The
// pipeline packs the three weights (permutation [1, 0], in_out), merges the
// linears into one matmul over a composite weight, and slices its result.

// LINALG: module attributes
// LINALG-SAME: tfm.weight_table = [{name = "ln.weight", offset = 0 : i64, type = tensor<24xf32>}, {axis = 1 : i64, offset = 128 : i64, parts = [{name = "q.weight", permutation = array<i64: 1, 0>, type = tensor<24x24xf32>}, {name = "k.weight", permutation = array<i64: 1, 0>, type = tensor<24x8xf32>}, {name = "v.weight", permutation = array<i64: 1, 0>, type = tensor<24x8xf32>}], type = tensor<24x40xf32>}]
// LINALG-LABEL: func.func @attn_in
// LINALG: memref.view %{{.*}} : memref<?xi8> to memref<24x40xf32>
// LINALG: %[[Y:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<?x24xf32>, tensor<24x40xf32>)
// LINALG-NOT: linalg.matmul
// LINALG: tensor.extract_slice %[[Y]][0, 0] [%{{.*}}, 24] [1, 1]
// LINALG: tensor.extract_slice %[[Y]][0, 24] [%{{.*}}, 8] [1, 1]
// LINALG: tensor.extract_slice %[[Y]][0, 32] [%{{.*}}, 8] [1, 1]
// LINALG-NOT: tfm.

// One matmul kernel call, N = 24 + 8 + 8.
// CHECK: llvm.func @attn_in(
// CHECK: llvm.call @tfc_matmul_Dx24_24x40_f32_f32_f32(
// CHECK-NOT: llvm.call @tfc_matmul_
// CHECK: llvm.return
func.func @attn_in(%x: tensor<?x24xf32>) -> (tensor<?x24xf32>, tensor<?x8xf32>, tensor<?x8xf32>) {
  %g = tfm.weight "ln.weight" : tensor<24xf32>
  %h = tfm.rms_norm %x, %g : tensor<?x24xf32>, tensor<24xf32>
  %wq = tfm.weight "q.weight" : tensor<24x24xf32>
  %wk = tfm.weight "k.weight" : tensor<8x24xf32>
  %wv = tfm.weight "v.weight" : tensor<8x24xf32>
  %q = tfm.linear %h, %wq : tensor<?x24xf32>, tensor<24x24xf32> -> tensor<?x24xf32>
  %k = tfm.linear %h, %wk : tensor<?x24xf32>, tensor<8x24xf32> -> tensor<?x8xf32>
  %v = tfm.linear %h, %wv : tensor<?x24xf32>, tensor<8x24xf32> -> tensor<?x8xf32>
  return %q, %k, %v : tensor<?x24xf32>, tensor<?x8xf32>, tensor<?x8xf32>
}
