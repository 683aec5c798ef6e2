// RUN: tfc-opt %s --split-input-file --tfc-drop-returned-arguments | FileCheck %s

// A KV-cache-like argument updated in place and returned: the result is
// dropped and recorded in tfc.result_aliases (result 1 was argument 1);
// the other result stays.
// CHECK-LABEL: func.func @step
// CHECK-SAME: (%[[X:.*]]: memref<4xf32>, %[[C:.*]]: memref<8xf32>) -> memref<4xf32>
// CHECK-SAME: attributes {tfc.result_aliases = array<i64: -1, 1>}
// CHECK: return %{{.*}} : memref<4xf32>
func.func @step(%x: memref<4xf32>, %cache: memref<8xf32>) -> (memref<4xf32>, memref<8xf32>) {
  %y = memref.alloc() : memref<4xf32>
  memref.copy %x, %y : memref<4xf32> to memref<4xf32>
  return %y, %cache : memref<4xf32>, memref<8xf32>
}

// -----

// A function called inside the module keeps its signature (its callers
// would need rewriting; upstream drop-equivalent-buffer-results does that).
// CHECK-LABEL: func.func private @callee
// CHECK-SAME: -> memref<8xf32>
// CHECK-NOT: tfc.result_aliases
func.func private @callee(%c: memref<8xf32>) -> memref<8xf32> {
  return %c : memref<8xf32>
}
func.func @caller(%c: memref<8xf32>) -> memref<8xf32> {
  %r = call @callee(%c) : (memref<8xf32>) -> memref<8xf32>
  return %r : memref<8xf32>
}

// -----

// One buffer returned twice (CSE merged two results): the second occurrence
// returns a copy, so that each result can become its own out-parameter.
// CHECK-LABEL: func.func @twice
// CHECK-SAME: (%[[N:.*]]: index)
// CHECK: %[[A:.*]] = memref.alloc(%[[N]]) : memref<?xf32>
// CHECK: %[[D:.*]] = memref.dim %[[A]], %{{.*}} : memref<?xf32>
// CHECK: %[[B:.*]] = memref.alloc(%[[D]]) : memref<?xf32>
// CHECK: memref.copy %[[A]], %[[B]] : memref<?xf32> to memref<?xf32>
// CHECK: return %[[A]], %[[B]] : memref<?xf32>, memref<?xf32>
func.func @twice(%n: index) -> (memref<?xf32>, memref<?xf32>) {
  %a = memref.alloc(%n) : memref<?xf32>
  return %a, %a : memref<?xf32>, memref<?xf32>
}
