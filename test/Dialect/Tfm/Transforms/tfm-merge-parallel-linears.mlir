// RUN: tfc-opt %s -split-input-file --tfm-merge-parallel-linears | FileCheck %s
// RUN: tfc-opt %s -split-input-file --tfm-merge-parallel-linears="report=1" -verify-diagnostics -o /dev/null
// RUN: tfc-opt %s -split-input-file --tfm-merge-parallel-linears --tfm-merge-parallel-linears | FileCheck %s --check-prefix=TWICE
// RUN: tfc-opt %s -split-input-file --tfm-merge-parallel-linears --tfm-bind-weights="alignment=16" | FileCheck %s --check-prefix=BIND

// LLaMA's q/k/v projections (out_in, no bias) on a rank-3 input with a
// dynamic sequence length: one linear over the weights concatenated along
// dim 0, then a slice of the last dimension per projection.

// CHECK-LABEL: func.func @qkv_out_in
// CHECK-SAME: (%[[X:.*]]: tensor<1x?x16xf32>)
// CHECK-DAG: %[[Q:.*]] = tfm.weight "q.weight" : tensor<16x16xf32>
// CHECK-DAG: %[[K:.*]] = tfm.weight "k.weight" : tensor<8x16xf32>
// CHECK-DAG: %[[V:.*]] = tfm.weight "v.weight" : tensor<8x16xf32>
// CHECK: %[[W:.*]] = tensor.concat dim(0) %[[Q]], %[[K]], %[[V]] : (tensor<16x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>) -> tensor<32x16xf32>
// CHECK: %[[Y:.*]] = tfm.linear %[[X]], %[[W]] : tensor<1x?x16xf32>, tensor<32x16xf32> -> tensor<1x?x32xf32>
// CHECK-NOT: tfm.linear
// CHECK: %[[S:.*]] = tensor.dim %[[Y]], %c1
// CHECK: %[[YQ:.*]] = tensor.extract_slice %[[Y]][0, 0, 0] [1, %[[S]], 16] [1, 1, 1] : tensor<1x?x32xf32> to tensor<1x?x16xf32>
// CHECK: %[[YK:.*]] = tensor.extract_slice %[[Y]][0, 0, 16] [1, %{{.*}}, 8] [1, 1, 1] : tensor<1x?x32xf32> to tensor<1x?x8xf32>
// CHECK: %[[YV:.*]] = tensor.extract_slice %[[Y]][0, 0, 24] [1, %{{.*}}, 8] [1, 1, 1] : tensor<1x?x32xf32> to tensor<1x?x8xf32>
// CHECK: tfm.mul %[[YQ]], %[[YQ]]
// CHECK: tfm.add %[[YK]], %[[YV]]

// A second run finds nothing more to merge.
// TWICE-LABEL: func.func @qkv_out_in
// TWICE: tensor.concat
// TWICE: tfm.linear
// TWICE-NOT: tfm.linear
// TWICE-NOT: tensor.concat
// TWICE: return

// The concatenation is one composite blob entry; its parts get no entry of
// their own.
// BIND-LABEL: module attributes
// BIND-SAME: tfm.weight_bytes = 2048 : i64
// BIND-SAME: tfm.weight_table = [{axis = 0 : i64, offset = 0 : i64, parts = [{name = "q.weight", type = tensor<16x16xf32>}, {name = "k.weight", type = tensor<8x16xf32>}, {name = "v.weight", type = tensor<8x16xf32>}], type = tensor<32x16xf32>}]
// BIND-LABEL: func.func @qkv_out_in
// BIND: memref.view %{{.*}}[%{{.*}}][] : memref<?xi8> to memref<32x16xf32>
// BIND-NOT: tfm.weight
// BIND-NOT: tensor.concat
func.func @qkv_out_in(%x: tensor<1x?x16xf32>) -> (tensor<1x?x16xf32>, tensor<1x?x8xf32>) {
  %wq = tfm.weight "q.weight" : tensor<16x16xf32>
  // expected-remark @+1 {{fusion parallel_linears: fused}}
  %q = tfm.linear %x, %wq : tensor<1x?x16xf32>, tensor<16x16xf32> -> tensor<1x?x16xf32>
  %wk = tfm.weight "k.weight" : tensor<8x16xf32>
  %k = tfm.linear %x, %wk : tensor<1x?x16xf32>, tensor<8x16xf32> -> tensor<1x?x8xf32>
  %wv = tfm.weight "v.weight" : tensor<8x16xf32>
  %v = tfm.linear %x, %wv : tensor<1x?x16xf32>, tensor<8x16xf32> -> tensor<1x?x8xf32>
  %qq = tfm.mul %q, %q : tensor<1x?x16xf32>, tensor<1x?x16xf32> -> tensor<1x?x16xf32>
  %kv = tfm.add %k, %v : tensor<1x?x8xf32>, tensor<1x?x8xf32> -> tensor<1x?x8xf32>
  return %qq, %kv : tensor<1x?x16xf32>, tensor<1x?x8xf32>
}

// -----

// Two in_out linears with biases (GPT-2 Conv1D style): weights concatenated
// along dim 1, biases along dim 0.

// CHECK-LABEL: func.func @in_out_biases
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>)
// CHECK-DAG: %[[A:.*]] = tfm.weight "a.weight" : tensor<8x12xf32>
// CHECK-DAG: %[[B:.*]] = tfm.weight "b.weight" : tensor<8x4xf32>
// CHECK-DAG: %[[AB:.*]] = tfm.weight "a.bias" : tensor<12xf32>
// CHECK-DAG: %[[BB:.*]] = tfm.weight "b.bias" : tensor<4xf32>
// CHECK-DAG: %[[W:.*]] = tensor.concat dim(1) %[[A]], %[[B]] : (tensor<8x12xf32>, tensor<8x4xf32>) -> tensor<8x16xf32>
// CHECK-DAG: %[[BIAS:.*]] = tensor.concat dim(0) %[[AB]], %[[BB]] : (tensor<12xf32>, tensor<4xf32>) -> tensor<16xf32>
// CHECK: %[[Y:.*]] = tfm.linear %[[X]], %[[W]], %[[BIAS]] {weight_layout = #tfm.weight_layout<in_out>} : tensor<?x8xf32>, tensor<8x16xf32>, tensor<16xf32> -> tensor<?x16xf32>
// CHECK: %[[YA:.*]] = tensor.extract_slice %[[Y]][0, 0] [%{{.*}}, 12] [1, 1] : tensor<?x16xf32> to tensor<?x12xf32>
// CHECK: %[[YB:.*]] = tensor.extract_slice %[[Y]][0, 12] [%{{.*}}, 4] [1, 1] : tensor<?x16xf32> to tensor<?x4xf32>
// CHECK: return %[[YA]], %[[YB]]

// BIND-LABEL: module attributes
// BIND-SAME: tfm.weight_bytes = 576 : i64
// BIND-SAME: tfm.weight_table = [{axis = 1 : i64, offset = 0 : i64, parts = [{name = "a.weight", type = tensor<8x12xf32>}, {name = "b.weight", type = tensor<8x4xf32>}], type = tensor<8x16xf32>}, {axis = 0 : i64, offset = 512 : i64, parts = [{name = "a.bias", type = tensor<12xf32>}, {name = "b.bias", type = tensor<4xf32>}], type = tensor<16xf32>}]
func.func @in_out_biases(%x: tensor<?x8xf32>) -> (tensor<?x12xf32>, tensor<?x4xf32>) {
  %wa = tfm.weight "a.weight" : tensor<8x12xf32>
  %ba = tfm.weight "a.bias" : tensor<12xf32>
  %wb = tfm.weight "b.weight" : tensor<8x4xf32>
  %bb = tfm.weight "b.bias" : tensor<4xf32>
  // expected-remark @+1 {{fusion parallel_linears: fused}}
  %a = tfm.linear %x, %wa, %ba {weight_layout = #tfm.weight_layout<in_out>}
      : tensor<?x8xf32>, tensor<8x12xf32>, tensor<12xf32> -> tensor<?x12xf32>
  %b = tfm.linear %x, %wb, %bb {weight_layout = #tfm.weight_layout<in_out>}
      : tensor<?x8xf32>, tensor<8x4xf32>, tensor<4xf32> -> tensor<?x4xf32>
  return %a, %b : tensor<?x12xf32>, tensor<?x4xf32>
}

// -----

// Packed weights (after --tfm-pack-linear-weights: permuted, in_out) merge
// and keep their permutations; the bind-weights table records them per part.

// CHECK-LABEL: func.func @packed_gate_up
// CHECK-DAG: %[[G:.*]] = tfm.weight "gate.weight" permutation [1, 0] : tensor<8x24xf32>
// CHECK-DAG: %[[U:.*]] = tfm.weight "up.weight" permutation [1, 0] : tensor<8x24xf32>
// CHECK: %[[W:.*]] = tensor.concat dim(1) %[[G]], %[[U]] : (tensor<8x24xf32>, tensor<8x24xf32>) -> tensor<8x48xf32>
// CHECK: %[[Y:.*]] = tfm.linear %{{.*}}, %[[W]] {weight_layout = #tfm.weight_layout<in_out>} : tensor<?x8xf32>, tensor<8x48xf32> -> tensor<?x48xf32>
// CHECK: %[[YG:.*]] = tensor.extract_slice %[[Y]][0, 0] [%{{.*}}, 24] [1, 1]
// CHECK: %[[YU:.*]] = tensor.extract_slice %[[Y]][0, 24] [%{{.*}}, 24] [1, 1]
// CHECK: tfm.swiglu %[[YG]], %[[YU]]

// BIND-LABEL: module attributes
// BIND-SAME: tfm.weight_table = [{axis = 1 : i64, offset = 0 : i64, parts = [{name = "gate.weight", permutation = array<i64: 1, 0>, type = tensor<8x24xf32>}, {name = "up.weight", permutation = array<i64: 1, 0>, type = tensor<8x24xf32>}], type = tensor<8x48xf32>}]
func.func @packed_gate_up(%x: tensor<?x8xf32>) -> tensor<?x24xf32> {
  %wg = tfm.weight "gate.weight" permutation [1, 0] : tensor<8x24xf32>
  %wu = tfm.weight "up.weight" permutation [1, 0] : tensor<8x24xf32>
  // expected-remark @+1 {{fusion parallel_linears: fused}}
  %g = tfm.linear %x, %wg {weight_layout = #tfm.weight_layout<in_out>}
      : tensor<?x8xf32>, tensor<8x24xf32> -> tensor<?x24xf32>
  %u = tfm.linear %x, %wu {weight_layout = #tfm.weight_layout<in_out>}
      : tensor<?x8xf32>, tensor<8x24xf32> -> tensor<?x24xf32>
  %y = tfm.swiglu %g, %u : tensor<?x24xf32>
  return %y : tensor<?x24xf32>
}

// -----

// Only some linears have a bias: the merged linear has none and the slice
// of a linear with a bias adds it. A result type less static than the
// slice's is restored with a cast.

// CHECK-LABEL: func.func @mixed_bias
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>, %[[BIAS:.*]]: tensor<6xf32>)
// CHECK: %[[Y:.*]] = tfm.linear %[[X]], %{{.*}} : tensor<4x8xf32>, tensor<10x8xf32> -> tensor<4x10xf32>
// CHECK: %[[YA:.*]] = tensor.extract_slice %[[Y]][0, 0] [4, 6] [1, 1] : tensor<4x10xf32> to tensor<4x6xf32>
// CHECK: %[[CA:.*]] = tensor.cast %[[YA]] : tensor<4x6xf32> to tensor<?x6xf32>
// CHECK: %[[A:.*]] = tfm.add %[[CA]], %[[BIAS]] : tensor<?x6xf32>, tensor<6xf32> -> tensor<?x6xf32>
// CHECK: %[[YB:.*]] = tensor.extract_slice %[[Y]][0, 6] [4, 4] [1, 1] : tensor<4x10xf32> to tensor<4x4xf32>
// CHECK-NOT: tfm.add
// CHECK: return %[[A]], %[[YB]]
func.func @mixed_bias(%x: tensor<4x8xf32>, %bias: tensor<6xf32>) -> (tensor<?x6xf32>, tensor<4x4xf32>) {
  %wa = tfm.weight "a.weight" : tensor<6x8xf32>
  %wb = tfm.weight "b.weight" : tensor<4x8xf32>
  // expected-remark @+1 {{fusion parallel_linears: fused}}
  %a = tfm.linear %x, %wa, %bias : tensor<4x8xf32>, tensor<6x8xf32>, tensor<6xf32> -> tensor<?x6xf32>
  %b = tfm.linear %x, %wb : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x4xf32>
  return %a, %b : tensor<?x6xf32>, tensor<4x4xf32>
}

// -----

// A weight defined after the first linear still dominates the merged one
// (the pass defines fresh copies of the weights before it); linears in
// another block are not merged with these.

// CHECK-LABEL: func.func @late_weight
// CHECK: tfm.weight "a"
// CHECK: tfm.weight "b"
// CHECK: tensor.concat dim(0)
// CHECK: tfm.linear
// CHECK: scf.execute_region
// CHECK: tfm.linear
// CHECK-NOT: tfm.linear
func.func @late_weight(%x: tensor<2x8xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {
  %wa = tfm.weight "a" : tensor<4x8xf32>
  // expected-remark @+1 {{fusion parallel_linears: fused}}
  %a = tfm.linear %x, %wa : tensor<2x8xf32>, tensor<4x8xf32> -> tensor<2x4xf32>
  %m = tfm.mul %a, %a : tensor<2x4xf32>, tensor<2x4xf32> -> tensor<2x4xf32>
  %we = tfm.weight "e" : tensor<4x4xf32>
  %b = tfm.linear %m, %we : tensor<2x4xf32>, tensor<4x4xf32> -> tensor<2x4xf32>
  %wb = tfm.weight "b" : tensor<4x8xf32>
  %c = tfm.linear %x, %wb : tensor<2x8xf32>, tensor<4x8xf32> -> tensor<2x4xf32>
  %d = scf.execute_region -> tensor<2x4xf32> {
    %wd = tfm.weight "d" : tensor<4x8xf32>
    %r = tfm.linear %x, %wd : tensor<2x8xf32>, tensor<4x8xf32> -> tensor<2x4xf32>
    scf.yield %r : tensor<2x4xf32>
  }
  return %b, %c, %d : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

// Near misses and non-candidates: nothing merges.

// Different inputs: nothing reads one value twice, so no near miss either.
// CHECK-LABEL: func.func @different_inputs
// CHECK-COUNT-2: tfm.linear
// CHECK-NOT: tensor.concat
func.func @different_inputs(%x: tensor<2x8xf32>, %y: tensor<2x8xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %wa = tfm.weight "i.a" : tensor<4x8xf32>
  %wb = tfm.weight "i.b" : tensor<4x8xf32>
  %a = tfm.linear %x, %wa : tensor<2x8xf32>, tensor<4x8xf32> -> tensor<2x4xf32>
  %b = tfm.linear %y, %wb : tensor<2x8xf32>, tensor<4x8xf32> -> tensor<2x4xf32>
  return %a, %b : tensor<2x4xf32>, tensor<2x4xf32>
}

// CHECK-LABEL: func.func @different_layouts
// CHECK-COUNT-2: tfm.linear
// CHECK-NOT: tensor.concat
func.func @different_layouts(%x: tensor<2x8xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %wa = tfm.weight "l.a" : tensor<4x8xf32>
  %wb = tfm.weight "l.b" : tensor<8x4xf32>
  // expected-remark @+1 {{fusion parallel_linears: near miss: weights have different layouts or panel sizes}}
  %a = tfm.linear %x, %wa : tensor<2x8xf32>, tensor<4x8xf32> -> tensor<2x4xf32>
  %b = tfm.linear %x, %wb {weight_layout = #tfm.weight_layout<in_out>}
      : tensor<2x8xf32>, tensor<8x4xf32> -> tensor<2x4xf32>
  return %a, %b : tensor<2x4xf32>, tensor<2x4xf32>
}

// A weight that is not a tfm.weight (an argument).
// CHECK-LABEL: func.func @argument_weight
// CHECK-COUNT-2: tfm.linear
// CHECK-NOT: tensor.concat
func.func @argument_weight(%x: tensor<2x8xf32>, %wb: tensor<4x8xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %wa = tfm.weight "w.a" : tensor<4x8xf32>
  // expected-remark @+1 {{fusion parallel_linears: near miss: 1 of 2 linears read a weight that is not a tfm.weight}}
  %a = tfm.linear %x, %wa : tensor<2x8xf32>, tensor<4x8xf32> -> tensor<2x4xf32>
  %b = tfm.linear %x, %wb : tensor<2x8xf32>, tensor<4x8xf32> -> tensor<2x4xf32>
  return %a, %b : tensor<2x4xf32>, tensor<2x4xf32>
}

// Weights stored in another element type (f16 cast to the input's f32; the
// linear verifier gives a linear's weight its input's element type, so
// linears on one input can only differ in the stored type, behind a cast).
// CHECK-LABEL: func.func @different_element_types
// CHECK-COUNT-2: tfm.linear
// CHECK-NOT: tensor.concat
func.func @different_element_types(%x: tensor<2x8xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %wa = tfm.weight "t.a" : tensor<4x8xf32>
  %wh = tfm.weight "t.b" : tensor<4x8xf16>
  %wb = tfm.cast %wh : tensor<4x8xf16> -> tensor<4x8xf32>
  // expected-remark @+1 {{fusion parallel_linears: near miss: 1 of 2 linears read a weight that is not a tfm.weight}}
  %a = tfm.linear %x, %wa : tensor<2x8xf32>, tensor<4x8xf32> -> tensor<2x4xf32>
  %b = tfm.linear %x, %wb : tensor<2x8xf32>, tensor<4x8xf32> -> tensor<2x4xf32>
  return %a, %b : tensor<2x4xf32>, tensor<2x4xf32>
}

// Only one linear reads the value: nothing to merge, no near miss.
// CHECK-LABEL: func.func @one_linear
// CHECK: tfm.linear
// CHECK-NOT: tensor.concat
func.func @one_linear(%x: tensor<2x8xf32>) -> (tensor<2x4xf32>, tensor<2x8xf32>) {
  %wa = tfm.weight "o.a" : tensor<4x8xf32>
  %a = tfm.linear %x, %wa : tensor<2x8xf32>, tensor<4x8xf32> -> tensor<2x4xf32>
  %y = tfm.mul %x, %x : tensor<2x8xf32>, tensor<2x8xf32> -> tensor<2x8xf32>
  return %a, %y : tensor<2x4xf32>, tensor<2x8xf32>
}

// Two of three merge; the merged linear and the one with an argument weight
// still read one value: a near miss at the first of them.
// CHECK-LABEL: func.func @partial
// CHECK: tensor.concat dim(0)
// CHECK-COUNT-2: tfm.linear
// CHECK-NOT: tfm.linear
func.func @partial(%x: tensor<2x8xf32>, %wc: tensor<4x8xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {
  %wa = tfm.weight "p.a" : tensor<4x8xf32>
  %wb = tfm.weight "p.b" : tensor<4x8xf32>
  // expected-remark @+2 {{fusion parallel_linears: fused}}
  // expected-remark @+1 {{fusion parallel_linears: near miss: 1 of 2 linears read a weight that is not a tfm.weight}}
  %a = tfm.linear %x, %wa : tensor<2x8xf32>, tensor<4x8xf32> -> tensor<2x4xf32>
  %b = tfm.linear %x, %wb : tensor<2x8xf32>, tensor<4x8xf32> -> tensor<2x4xf32>
  %c = tfm.linear %x, %wc : tensor<2x8xf32>, tensor<4x8xf32> -> tensor<2x4xf32>
  return %a, %b, %c : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

// Panels (after tfm-pack-linear-weights) concatenate along their first
// dimension, whole panels one after the other; each part keeps its
// permutation and panel size in the composite entry. A linear with another
// panel size does not join.
// CHECK-LABEL: func.func @panels
// CHECK: %[[W:.*]] = tensor.concat dim(0) %{{.*}}, %{{.*}} : (tensor<2x16x32xf32>, tensor<1x16x32xf32>) -> tensor<3x16x32xf32>
// CHECK: tfm.linear %{{.*}}, %[[W]] {weight_layout = #tfm.weight_layout<panels>} : tensor<?x16xf32>, tensor<3x16x32xf32> -> tensor<?x96xf32>
// CHECK: tfm.linear %{{.*}}, %{{.*}} {weight_layout = #tfm.weight_layout<panels>} : tensor<?x16xf32>, tensor<4x16x16xf32> -> tensor<?x64xf32>
// BIND: {axis = 0 : i64, offset = {{[0-9]+}} : i64, parts = [{name = "gate.weight", panels = 32 : i64, permutation = array<i64: 1, 0>, type = tensor<2x16x32xf32>}, {name = "up.weight", panels = 32 : i64, permutation = array<i64: 1, 0>, type = tensor<1x16x32xf32>}], type = tensor<3x16x32xf32>}
func.func @panels(%x: tensor<?x16xf32>) -> (tensor<?x64xf32>, tensor<?x32xf32>, tensor<?x64xf32>) {
  %g = tfm.weight "gate.weight" permutation [1, 0] panels 32 : tensor<2x16x32xf32>
  %u = tfm.weight "up.weight" permutation [1, 0] panels 32 : tensor<1x16x32xf32>
  %d = tfm.weight "other.weight" panels 16 : tensor<4x16x16xf32>
  // expected-remark @+2 {{fusion parallel_linears: fused}}
  // expected-remark @+1 {{fusion parallel_linears: near miss: weights have different layouts or panel sizes}}
  %0 = tfm.linear %x, %g {weight_layout = #tfm.weight_layout<panels>} : tensor<?x16xf32>, tensor<2x16x32xf32> -> tensor<?x64xf32>
  %1 = tfm.linear %x, %u {weight_layout = #tfm.weight_layout<panels>} : tensor<?x16xf32>, tensor<1x16x32xf32> -> tensor<?x32xf32>
  %2 = tfm.linear %x, %d {weight_layout = #tfm.weight_layout<panels>} : tensor<?x16xf32>, tensor<4x16x16xf32> -> tensor<?x64xf32>
  return %0, %1, %2 : tensor<?x64xf32>, tensor<?x32xf32>, tensor<?x64xf32>
}

// -----

// A padded panel weight (40 columns in 2 panels of 32) is not concatenated:
// its padding would land in the middle of the merged weight.
// CHECK-LABEL: func.func @padded_panels
// CHECK-NOT: tensor.concat
// CHECK: return
func.func @padded_panels(%x: tensor<?x16xf32>) -> (tensor<?x40xf32>, tensor<?x32xf32>) {
  %g = tfm.weight "head.weight" permutation [1, 0] panels 32 : tensor<2x16x32xf32>
  %u = tfm.weight "up.weight" permutation [1, 0] panels 32 : tensor<1x16x32xf32>
  // expected-remark @+1 {{fusion parallel_linears: near miss: a padded panel weight cannot be concatenated}}
  %0 = tfm.linear %x, %g {weight_layout = #tfm.weight_layout<panels>} : tensor<?x16xf32>, tensor<2x16x32xf32> -> tensor<?x40xf32>
  %1 = tfm.linear %x, %u {weight_layout = #tfm.weight_layout<panels>} : tensor<?x16xf32>, tensor<1x16x32xf32> -> tensor<?x32xf32>
  return %0, %1 : tensor<?x40xf32>, tensor<?x32xf32>
}
