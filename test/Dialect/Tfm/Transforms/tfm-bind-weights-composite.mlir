// RUN: tfc-opt %s -split-input-file -verify-diagnostics --tfm-bind-weights="alignment=16" | FileCheck %s

// A tensor.concat of tfm.weight ops (what --tfm-merge-parallel-linears
// makes) is ONE composite entry: the driver writes the parts concatenated
// along `axis`. The same concatenation in another function is the same
// entry. A part that is also read directly ("v.weight") keeps an entry of
// its own; parts read only through composites ("q.weight", "k.weight") get
// none. A concat with an operand that is not a weight, or with a dynamic
// result, is no composite: its weights are bound one by one.
//
// alignment=16, in order of first use (the walk meets "v.weight" before
// the concat that reads it):
//   v.weight         4x8xf32   = 128 bytes at    0
//   composite q,k,v  24x8xf32  = 768 bytes at  128
//   composite bias   24xf32    =  96 bytes at  896
//   x.weight         2x8xf32   =  64 bytes at  992
//   d.weight         2x8xf32   =  64 bytes at 1056  -> total 1120

// CHECK-LABEL: module attributes
// CHECK-SAME: tfm.weight_bytes = 1120 : i64
// CHECK-SAME: tfm.weight_table = [
// CHECK-SAME: {name = "v.weight", offset = 0 : i64, type = tensor<4x8xf32>},
// CHECK-SAME: {axis = 0 : i64, offset = 128 : i64, parts = [{name = "q.weight", type = tensor<16x8xf32>}, {name = "k.weight", permutation = array<i64: 1, 0>, type = tensor<4x8xf32>}, {name = "v.weight", type = tensor<4x8xf32>}], type = tensor<24x8xf32>},
// CHECK-SAME: {axis = 0 : i64, offset = 896 : i64, parts = [{name = "q.bias", type = tensor<16xf32>}, {name = "kv.bias", type = tensor<8xf32>}], type = tensor<24xf32>},
// CHECK-SAME: {name = "x.weight", offset = 992 : i64, type = tensor<2x8xf32>},
// CHECK-SAME: {name = "d.weight", offset = 1056 : i64, type = tensor<2x8xf32>}]

// CHECK-LABEL: func.func @qkv
// CHECK-SAME: (%[[BLOB:.*]]: memref<?xi8>, %[[X:.*]]: tensor<?x8xf32>)
// CHECK: %[[O0:.*]] = arith.constant 0 : index
// CHECK: %[[V0:.*]] = memref.view %[[BLOB]][%[[O0]]][] : memref<?xi8> to memref<4x8xf32>
// CHECK: %[[V:.*]] = bufferization.to_tensor %[[V0]] restrict : memref<4x8xf32> to tensor<4x8xf32>
// CHECK: %[[O1:.*]] = arith.constant 128 : index
// CHECK: %[[V1:.*]] = memref.view %[[BLOB]][%[[O1]]][] : memref<?xi8> to memref<24x8xf32>
// CHECK: %[[W:.*]] = bufferization.to_tensor %[[V1]] restrict : memref<24x8xf32> to tensor<24x8xf32>
// CHECK: %[[O2:.*]] = arith.constant 896 : index
// CHECK: %[[V2:.*]] = memref.view %[[BLOB]][%[[O2]]][] : memref<?xi8> to memref<24xf32>
// CHECK: %[[B:.*]] = bufferization.to_tensor %[[V2]] restrict : memref<24xf32> to tensor<24xf32>
// CHECK-NOT: tfm.weight
// CHECK-NOT: tensor.concat
// CHECK: %[[Y:.*]] = tfm.linear %[[X]], %[[W]], %[[B]]
// CHECK: return %[[Y]], %[[V]]

// CHECK-LABEL: func.func @again
// CHECK: arith.constant 128 : index
// CHECK: memref.view %{{.*}} : memref<?xi8> to memref<24x8xf32>
// CHECK-NOT: tensor.concat

// CHECK-LABEL: func.func @not_composite
// CHECK: %[[O:.*]] = arith.constant 992 : index
// CHECK: memref.view %{{.*}}[%[[O]]][] : memref<?xi8> to memref<2x8xf32>
// CHECK: tensor.concat dim(0) %{{.*}}, %{{.*}} : (tensor<2x8xf32>, tensor<3x8xf32>) -> tensor<5x8xf32>
// CHECK: %[[O2:.*]] = arith.constant 1056 : index
// CHECK: memref.view %{{.*}}[%[[O2]]][] : memref<?xi8> to memref<2x8xf32>
// CHECK: tensor.concat dim(0) %{{.*}}, %{{.*}} : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<?x8xf32>

func.func @qkv(%x: tensor<?x8xf32>) -> (tensor<?x24xf32>, tensor<4x8xf32>) {
  %q = tfm.weight "q.weight" : tensor<16x8xf32>
  %k = tfm.weight "k.weight" permutation [1, 0] : tensor<4x8xf32>
  %v = tfm.weight "v.weight" : tensor<4x8xf32>
  %w = tensor.concat dim(0) %q, %k, %v : (tensor<16x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<24x8xf32>
  %bq = tfm.weight "q.bias" : tensor<16xf32>
  %bkv = tfm.weight "kv.bias" : tensor<8xf32>
  %b = tensor.concat dim(0) %bq, %bkv : (tensor<16xf32>, tensor<8xf32>) -> tensor<24xf32>
  %y = tfm.linear %x, %w, %b : tensor<?x8xf32>, tensor<24x8xf32>, tensor<24xf32> -> tensor<?x24xf32>
  return %y, %v : tensor<?x24xf32>, tensor<4x8xf32>
}

func.func @again() -> tensor<24x8xf32> {
  %q = tfm.weight "q.weight" : tensor<16x8xf32>
  %k = tfm.weight "k.weight" permutation [1, 0] : tensor<4x8xf32>
  %v = tfm.weight "v.weight" : tensor<4x8xf32>
  %w = tensor.concat dim(0) %q, %k, %v : (tensor<16x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<24x8xf32>
  return %w : tensor<24x8xf32>
}

func.func @not_composite(%a: tensor<3x8xf32>) -> (tensor<5x8xf32>, tensor<?x8xf32>) {
  %x = tfm.weight "x.weight" : tensor<2x8xf32>
  %c = tensor.concat dim(0) %x, %a : (tensor<2x8xf32>, tensor<3x8xf32>) -> tensor<5x8xf32>
  %d = tfm.weight "d.weight" : tensor<2x8xf32>
  %e = tensor.concat dim(0) %d, %d : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<?x8xf32>
  return %c, %e : tensor<5x8xf32>, tensor<?x8xf32>
}

// -----

// A part is checked against the other reads of its name like any weight.
func.func @part_type() -> (tensor<8x8xf32>, tensor<8x4xf32>) {
  %a = tfm.weight "a" : tensor<4x8xf32>
  %b = tfm.weight "b" : tensor<4x8xf32>
  %w = tensor.concat dim(0) %a, %b : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<8x8xf32>
  // expected-error @+1 {{'tfm.weight' op weight 'a' is used with two types: 'tensor<4x8xf32>' and 'tensor<8x4xf32>'}}
  %c = tfm.weight "a" : tensor<8x4xf32>
  return %w, %c : tensor<8x8xf32>, tensor<8x4xf32>
}
