// RUN: tfc-opt %s --tfm-pack-linear-weights | FileCheck %s
// RUN: tfc-opt %s --tfm-pack-linear-weights --tfm-bind-weights | FileCheck %s --check-prefix=BIND
// RUN: tfc-opt %s --tfm-pack-linear-weights=panel-size=0 | FileCheck %s --check-prefix=ROWS
// RUN: not tfc-opt %s --tfm-pack-linear-weights=panel-size=-2 2>&1 | FileCheck %s --check-prefix=NEG
// NEG: tfm-pack-linear-weights: panel-size must be positive, or 0 for none; got -2

// out_in linear weights ([N, K], as HF's nn.Linear stores them) are replaced
// by the same stored tensor read through permutation [1, 0], so that the
// linear becomes in_out ([K, N], what the matmul kernel streams). Here N (13)
// is not a multiple of the panel size, so there are no panels.

// CHECK-LABEL: func.func @out_in
// CHECK-SAME: (%[[X:.*]]: tensor<?x37xf32>)
// CHECK: %[[B:.*]] = tfm.weight "fc.bias" : tensor<13xf32>
// CHECK: %[[W:.*]] = tfm.weight "fc.weight" permutation [1, 0] : tensor<37x13xf32>
// CHECK: tfm.linear %[[X]], %[[W]], %[[B]] {weight_layout = #tfm.weight_layout<in_out>} : tensor<?x37xf32>, tensor<37x13xf32>, tensor<13xf32> -> tensor<?x13xf32>
// CHECK-NOT: "fc.weight" :
func.func @out_in(%x: tensor<?x37xf32>) -> tensor<?x13xf32> {
  %w = tfm.weight "fc.weight" : tensor<13x37xf32>
  %b = tfm.weight "fc.bias" : tensor<13xf32>
  %y = tfm.linear %x, %w, %b : tensor<?x37xf32>, tensor<13x37xf32>, tensor<13xf32> -> tensor<?x13xf32>
  return %y : tensor<?x13xf32>
}

// Already in_out (GPT-2's Conv1D): nothing to do.
// CHECK-LABEL: func.func @in_out
// CHECK: tfm.weight "c_fc.weight" : tensor<37x13xf16>
// CHECK-NOT: permutation
// CHECK: return
func.func @in_out(%x: tensor<2x?x37xf16>) -> tensor<2x?x13xf16> {
  %w = tfm.weight "c_fc.weight" : tensor<37x13xf16>
  %y = tfm.linear %x, %w {weight_layout = #tfm.weight_layout<in_out>} : tensor<2x?x37xf16>, tensor<37x13xf16> -> tensor<2x?x13xf16>
  return %y : tensor<2x?x13xf16>
}

// A tied table, read by the embedding and the LM head (out_in), becomes ONE
// panel weight for both: the head streams it like any panel weight, the
// embedding gathers its rows from it. The vocabulary (50) is not a multiple
// of 64, so the only panel is padded.
// CHECK-LABEL: func.func @tied
// CHECK: %[[T:.*]] = tfm.weight "wte" permutation [1, 0] panels 64 : tensor<1x24x64xf32>
// CHECK: tfm.embedding %[[T]][%{{.*}}] : tensor<1x24x64xf32>, tensor<?xi64> -> tensor<?x24xf32>
// CHECK: tfm.linear %{{.*}}, %[[T]] {weight_layout = #tfm.weight_layout<panels>} : tensor<?x24xf32>, tensor<1x24x64xf32> -> tensor<?x50xf32>
// CHECK-NOT: tfm.weight "wte" :
// ROWS-LABEL: func.func @tied
// ROWS: %[[T:.*]] = tfm.weight "wte" : tensor<50x24xf32>
// ROWS: tfm.linear %{{.*}}, %[[T]] : tensor<?x24xf32>, tensor<50x24xf32> -> tensor<?x50xf32>
func.func @tied(%ids: tensor<?xi64>) -> tensor<?x50xf32> {
  %t = tfm.weight "wte" : tensor<50x24xf32>
  %e = tfm.embedding %t[%ids] : tensor<50x24xf32>, tensor<?xi64> -> tensor<?x24xf32>
  %y = tfm.linear %e, %t : tensor<?x24xf32>, tensor<50x24xf32> -> tensor<?x50xf32>
  return %y : tensor<?x50xf32>
}

// A table some other op also reads in its stored layout stays as it is: a
// packed copy would store the largest matrix twice. The LM head stays
// out_in (a row-wise dot product, which streams the table in order).
// CHECK-LABEL: func.func @shared_table
// CHECK: %[[T:.*]] = tfm.weight "wte2" : tensor<50x24xf32>
// CHECK: tfm.linear %{{.*}}, %[[T]] : tensor<?x24xf32>, tensor<50x24xf32> -> tensor<?x50xf32>
// CHECK-NOT: permutation
func.func @shared_table(%ids: tensor<?xi64>) -> (tensor<?x50xf32>, tensor<50x24xf32>) {
  %t = tfm.weight "wte2" : tensor<50x24xf32>
  %e = tfm.embedding %t[%ids] : tensor<50x24xf32>, tensor<?xi64> -> tensor<?x24xf32>
  %y = tfm.linear %e, %t : tensor<?x24xf32>, tensor<50x24xf32> -> tensor<?x50xf32>
  %n = tfm.neg %t : tensor<50x24xf32>
  return %y, %n : tensor<?x50xf32>, tensor<50x24xf32>
}

// An untied head with a vocabulary-sized N (at least 4096) that is not a
// multiple of 64 gets panels too, the last one padded (4100 = 64 x 64 + 4).
// CHECK-LABEL: func.func @large_head
// CHECK: tfm.weight "lm_head.weight" permutation [1, 0] panels 64 : tensor<65x8x64xf32>
func.func @large_head(%x: tensor<1x8xf32>) -> tensor<1x4100xf32> {
  %w = tfm.weight "lm_head.weight" : tensor<4100x8xf32>
  %y = tfm.linear %x, %w : tensor<1x8xf32>, tensor<4100x8xf32> -> tensor<1x4100xf32>
  return %y : tensor<1x4100xf32>
}

// A weight that is not a tfm.weight (a function argument) cannot be packed at
// compile time: the linear stays out_in.
// CHECK-LABEL: func.func @runtime_weight
// CHECK: tfm.linear %{{.*}}, %{{.*}} : tensor<3x8xf32>, tensor<5x8xf32> -> tensor<3x5xf32>
func.func @runtime_weight(%x: tensor<3x8xf32>, %w: tensor<5x8xf32>) -> tensor<3x5xf32> {
  %y = tfm.linear %x, %w : tensor<3x8xf32>, tensor<5x8xf32> -> tensor<3x5xf32>
  return %y : tensor<3x5xf32>
}

// N a multiple of the panel size (64): the [K, N] matrix (transposed from
// out_in, or as stored for in_out) is cut into N / 64 panels [K, 64].
// CHECK-LABEL: func.func @panels
// CHECK: %[[W:.*]] = tfm.weight "up.weight" permutation [1, 0] panels 64 : tensor<3x37x64xf32>
// CHECK: tfm.linear %{{.*}}, %[[W]] {weight_layout = #tfm.weight_layout<panels>} : tensor<?x37xf32>, tensor<3x37x64xf32> -> tensor<?x192xf32>
// CHECK: %[[C:.*]] = tfm.weight "fc2.weight" panels 64 : tensor<2x37x64xf32>
// CHECK: tfm.linear %{{.*}}, %[[C]] {weight_layout = #tfm.weight_layout<panels>} : tensor<?x37xf32>, tensor<2x37x64xf32> -> tensor<?x128xf32>
// ROWS-LABEL: func.func @panels
// ROWS: tfm.weight "up.weight" permutation [1, 0] : tensor<37x192xf32>
// ROWS: tfm.weight "fc2.weight" : tensor<37x128xf32>
// ROWS-NOT: panels
func.func @panels(%x: tensor<?x37xf32>) -> (tensor<?x192xf32>, tensor<?x128xf32>) {
  %w = tfm.weight "up.weight" : tensor<192x37xf32>
  %y = tfm.linear %x, %w : tensor<?x37xf32>, tensor<192x37xf32> -> tensor<?x192xf32>
  %c = tfm.weight "fc2.weight" : tensor<37x128xf32>
  %z = tfm.linear %x, %c {weight_layout = #tfm.weight_layout<in_out>} : tensor<?x37xf32>, tensor<37x128xf32> -> tensor<?x128xf32>
  return %y, %z : tensor<?x192xf32>, tensor<?x128xf32>
}

// Binding keys slots by name and permutation; the packed slot records the
// permutation the blob writer applies.
// BIND: tfm.weight_table =
// BIND-SAME: {name = "fc.bias", offset = 0 : i64, type = tensor<13xf32>}
// BIND-SAME: {name = "fc.weight", offset = 64 : i64, permutation = array<i64: 1, 0>, type = tensor<37x13xf32>}
// BIND-SAME: {name = "c_fc.weight", offset = 2048 : i64, type = tensor<37x13xf16>}
// BIND-SAME: {name = "wte", offset = 3072 : i64, panels = 64 : i64, permutation = array<i64: 1, 0>, type = tensor<1x24x64xf32>}
// BIND-SAME: {name = "up.weight", offset = {{[0-9]+}} : i64, panels = 64 : i64, permutation = array<i64: 1, 0>, type = tensor<3x37x64xf32>}
// BIND-SAME: {name = "fc2.weight", offset = {{[0-9]+}} : i64, panels = 64 : i64, type = tensor<2x37x64xf32>}
