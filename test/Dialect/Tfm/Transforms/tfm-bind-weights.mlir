// RUN: tfc-opt %s -split-input-file -verify-diagnostics --tfm-bind-weights="alignment=16" | FileCheck %s
// RUN: tfc-opt %s -split-input-file -verify-diagnostics --tfm-bind-weights | FileCheck %s --check-prefix=DEFAULT
// RUN: not tfc-opt %s --tfm-bind-weights="alignment=24" 2>&1 | FileCheck %s --check-prefix=BAD-ALIGN
// RUN: not tfc-opt %s --tfm-bind-weights="alignment=0" 2>&1 | FileCheck %s --check-prefix=BAD-ALIGN
// RUN: not tfc-opt %s --tfm-bind-weights="alignment=-16" 2>&1 | FileCheck %s --check-prefix=BAD-ALIGN

// A non-power-of-two alignment is rejected before anything is laid out.
// BAD-ALIGN: error: tfm-bind-weights: alignment must be a power of two, got
// BAD-ALIGN-NOT: memref.view

// Layout in order of first use, each tensor at an aligned offset; a name
// used twice (here across two functions) gets one slot.
//
// alignment=16:
//   fc.weight 13x37xf32 = 1924 bytes  at    0
//   fc.bias   13xf16    =   26 bytes  at 1936  (1924 -> 1936)
//   emb       7x5xi8    =   35 bytes  at 1968  (1962 -> 1968)
//   norm      24xbf16   =   48 bytes  at 2016  (2003 -> 2016)
//   scales    7xi32     =   28 bytes  at 2064  -> total 2092
// alignment=64 (the default):
//   0, 1984, 2048, 2112, 2176 -> total 2204

// CHECK-LABEL: module attributes
// CHECK-SAME: tfm.weight_bytes = 2092 : i64
// CHECK-SAME: tfm.weight_table = [
// CHECK-SAME: {name = "fc.weight", offset = 0 : i64, type = tensor<13x37xf32>},
// CHECK-SAME: {name = "fc.bias", offset = 1936 : i64, type = tensor<13xf16>},
// CHECK-SAME: {name = "emb", offset = 1968 : i64, type = tensor<7x5xi8>},
// CHECK-SAME: {name = "norm", offset = 2016 : i64, type = tensor<24xbf16>},
// CHECK-SAME: {name = "scales", offset = 2064 : i64, type = tensor<7xi32>}]

// DEFAULT-LABEL: module attributes
// DEFAULT-SAME: tfm.weight_bytes = 2204 : i64
// DEFAULT-SAME: {name = "fc.weight", offset = 0 : i64, type = tensor<13x37xf32>},
// DEFAULT-SAME: {name = "fc.bias", offset = 1984 : i64, type = tensor<13xf16>},
// DEFAULT-SAME: {name = "emb", offset = 2048 : i64, type = tensor<7x5xi8>},
// DEFAULT-SAME: {name = "norm", offset = 2112 : i64, type = tensor<24xbf16>},
// DEFAULT-SAME: {name = "scales", offset = 2176 : i64, type = tensor<7xi32>}]

// The blob becomes the new leading argument; the old arguments follow.
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[BLOB:.*]]: memref<?xi8>, %[[X:.*]]: tensor<?x37xf32>) -> tensor<?x13xf32>
// CHECK: %[[O0:.*]] = arith.constant 0 : index
// CHECK: %[[V0:.*]] = memref.view %[[BLOB]][%[[O0]]][] : memref<?xi8> to memref<13x37xf32>
// CHECK: %[[W:.*]] = bufferization.to_tensor %[[V0]] restrict : memref<13x37xf32> to tensor<13x37xf32>
// CHECK: %[[O1:.*]] = arith.constant 1936 : index
// CHECK: %[[V1:.*]] = memref.view %[[BLOB]][%[[O1]]][] : memref<?xi8> to memref<13xf16>
// CHECK: bufferization.to_tensor %[[V1]] restrict : memref<13xf16> to tensor<13xf16>
// The second read of "fc.weight" views the same offset.
// CHECK: %[[O2:.*]] = arith.constant 0 : index
// CHECK: %[[V2:.*]] = memref.view %[[BLOB]][%[[O2]]][] : memref<?xi8> to memref<13x37xf32>
// CHECK: %[[W2:.*]] = bufferization.to_tensor %[[V2]] restrict
// CHECK: %[[O3:.*]] = arith.constant 1968 : index
// CHECK: memref.view %[[BLOB]][%[[O3]]][] : memref<?xi8> to memref<7x5xi8>
// CHECK-NOT: tfm.weight
// CHECK: tfm.linear %[[X]], %[[W]]
// CHECK: tfm.transpose %[[W2]] [1, 0]
// CHECK: return

// DEFAULT-LABEL: func.func @forward
// DEFAULT: arith.constant 1984 : index
// DEFAULT: arith.constant 2048 : index

// CHECK-LABEL: func.func @norm_only
// CHECK-SAME: (%[[BLOB:.*]]: memref<?xi8>, %[[H:.*]]: tensor<7x24xbf16>, %[[P:.*]]: i64)
// CHECK: %[[O:.*]] = arith.constant 2016 : index
// CHECK: memref.view %[[BLOB]][%[[O]]][] : memref<?xi8> to memref<24xbf16>
// CHECK: %[[O2:.*]] = arith.constant 2064 : index
// CHECK: memref.view %[[BLOB]][%[[O2]]][] : memref<?xi8> to memref<7xi32>
// CHECK: %[[O3:.*]] = arith.constant 0 : index
// CHECK: memref.view %[[BLOB]][%[[O3]]][] : memref<?xi8> to memref<13x37xf32>
// CHECK-NOT: tfm.weight

// Functions without weights and external declarations are left alone.
// CHECK-LABEL: func.func @no_weights
// CHECK-SAME: (%{{.*}}: tensor<7xf32>) -> tensor<7xf32>
// CHECK-NOT: memref
// CHECK: return
// CHECK: func.func private @external(tensor<7xf32>) -> tensor<7xf32>

func.func @forward(%x: tensor<?x37xf32>) -> tensor<?x13xf32> {
  %w = tfm.weight "fc.weight" : tensor<13x37xf32>
  %b = tfm.weight "fc.bias" : tensor<13xf16>
  %w2 = tfm.weight "fc.weight" : tensor<13x37xf32>
  %e = tfm.weight "emb" : tensor<7x5xi8>
  %y = tfm.linear %x, %w : tensor<?x37xf32>, tensor<13x37xf32> -> tensor<?x13xf32>
  %t = tfm.transpose %w2 [1, 0] : tensor<13x37xf32> -> tensor<37x13xf32>
  %y2 = tfm.linear %x, %t {weight_layout = #tfm.weight_layout<in_out>}
      : tensor<?x37xf32>, tensor<37x13xf32> -> tensor<?x13xf32>
  %z = tfm.add %y, %y2 : tensor<?x13xf32>, tensor<?x13xf32> -> tensor<?x13xf32>
  return %z : tensor<?x13xf32>
}

func.func @norm_only(%h: tensor<7x24xbf16>, %p: i64) -> tensor<7x24xbf16> {
  %g = tfm.weight "norm" : tensor<24xbf16>
  %s = tfm.weight "scales" : tensor<7xi32>
  %w = tfm.weight "fc.weight" : tensor<13x37xf32>
  %y = tfm.rms_norm %h, %g : tensor<7x24xbf16>, tensor<24xbf16>
  return %y : tensor<7x24xbf16>
}

func.func @no_weights(%x: tensor<7xf32>) -> tensor<7xf32> {
  %0 = func.call @external(%x) : (tensor<7xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

func.func private @external(tensor<7xf32>) -> tensor<7xf32>

// -----

// A module without weights gets an empty table.
// CHECK-LABEL: module attributes {tfm.weight_bytes = 0 : i64, tfm.weight_table = []}
// CHECK: func.func @plain(%{{.*}}: tensor<13xf32>) -> tensor<13xf32>
// DEFAULT-LABEL: module attributes {tfm.weight_bytes = 0 : i64, tfm.weight_table = []}
func.func @plain(%x: tensor<13xf32>) -> tensor<13xf32> {
  return %x : tensor<13xf32>
}

// -----

// Exact multiples of the alignment leave no padding.
// CHECK-LABEL: module attributes
// CHECK-SAME: tfm.weight_bytes = 112 : i64
// CHECK-SAME: {name = "a", offset = 0 : i64, type = tensor<4x4xf16>}
// CHECK-SAME: {name = "b", offset = 32 : i64, type = tensor<4x4xf32>}
// CHECK-SAME: {name = "c", offset = 96 : i64, type = tensor<16xi8>}
// DEFAULT-LABEL: module attributes
// DEFAULT-SAME: tfm.weight_bytes = 144 : i64
// DEFAULT-SAME: {name = "a", offset = 0 : i64, type = tensor<4x4xf16>}
// DEFAULT-SAME: {name = "b", offset = 64 : i64, type = tensor<4x4xf32>}
// DEFAULT-SAME: {name = "c", offset = 128 : i64, type = tensor<16xi8>}
func.func @exact() -> (tensor<4x4xf16>, tensor<4x4xf32>, tensor<16xi8>) {
  %a = tfm.weight "a" : tensor<4x4xf16>
  %b = tfm.weight "b" : tensor<4x4xf32>
  %c = tfm.weight "c" : tensor<16xi8>
  return %a, %b, %c : tensor<4x4xf16>, tensor<4x4xf32>, tensor<16xi8>
}

// -----

func.func @first(%x: tensor<7x13xf32>) -> tensor<7x13xf32> {
  %w = tfm.weight "shared" : tensor<7x13xf32>
  return %w : tensor<7x13xf32>
}

func.func @second() -> tensor<13x7xf32> {
  // expected-error @+1 {{'tfm.weight' op weight 'shared' is used with two types: 'tensor<7x13xf32>' and 'tensor<13x7xf32>'}}
  %w = tfm.weight "shared" : tensor<13x7xf32>
  return %w : tensor<13x7xf32>
}

// -----

func.func @same_function_two_types() -> (tensor<24xf32>, tensor<24xf16>) {
  %a = tfm.weight "ln.weight" : tensor<24xf32>
  // expected-error @+1 {{'tfm.weight' op weight 'ln.weight' is used with two types: 'tensor<24xf32>' and 'tensor<24xf16>'}}
  %b = tfm.weight "ln.weight" : tensor<24xf16>
  return %a, %b : tensor<24xf32>, tensor<24xf16>
}

// -----

// expected-error @+1 {{'func.func' op reads weights but is called from within the module; inline it before --tfm-bind-weights}}
func.func @block(%x: tensor<?x37xf32>) -> tensor<?x13xf32> {
  %w = tfm.weight "block.weight" : tensor<13x37xf32>
  %y = tfm.linear %x, %w : tensor<?x37xf32>, tensor<13x37xf32> -> tensor<?x13xf32>
  return %y : tensor<?x13xf32>
}

func.func @model(%x: tensor<?x37xf32>) -> tensor<?x13xf32> {
  %y = func.call @block(%x) : (tensor<?x37xf32>) -> tensor<?x13xf32>
  return %y : tensor<?x13xf32>
}
