// RUN: tfc-opt %s --split-input-file --tfc-fuse-elementwise | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>

// Elementwise producer with one use: fused into its elementwise consumer.
// CHECK-LABEL: func.func @chain
// CHECK: linalg.generic
// CHECK: math.exp
// CHECK: arith.mulf
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @chain(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = math.exp %in : f32
    linalg.yield %0 : f32
  } -> tensor<4x8xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.mulf %in, %in : f32
    linalg.yield %0 : f32
  } -> tensor<4x8xf32>
  return %b : tensor<4x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// A producer with two uses is not duplicated into each consumer.
// CHECK-LABEL: func.func @two_uses
// CHECK-COUNT-3: linalg.generic
func.func @two_uses(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %e = tensor.empty() : tensor<4x8xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = math.exp %in : f32
    linalg.yield %0 : f32
  } -> tensor<4x8xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.mulf %in, %in : f32
    linalg.yield %0 : f32
  } -> tensor<4x8xf32>
  %c = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.addf %in, %in : f32
    linalg.yield %0 : f32
  } -> tensor<4x8xf32>
  return %b, %c : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// softmax's exp feeding P.V: the contraction reads each probability once per
// head dimension d, so fusing would compute exp 16 times per value. Not fused.
#p3 = affine_map<(q, k) -> (q, k)>
#pv_p = affine_map<(q, d, k) -> (q, k)>
#pv_v = affine_map<(q, d, k) -> (k, d)>
#pv_o = affine_map<(q, d, k) -> (q, d)>
// CHECK-LABEL: func.func @no_recompute_in_reduction
// CHECK: %[[P:.*]] = linalg.generic
// CHECK: math.exp
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[P]], %{{.*}} : tensor<4x9xf32>, tensor<9x16xf32>)
// CHECK-NOT: math.exp
// CHECK: return
func.func @no_recompute_in_reduction(%s: tensor<4x9xf32>, %v: tensor<9x16xf32>, %acc: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x9xf32>
  %p = linalg.generic {indexing_maps = [#p3, #p3], iterator_types = ["parallel", "parallel"]}
      ins(%s : tensor<4x9xf32>) outs(%e : tensor<4x9xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = math.exp %in : f32
    linalg.yield %0 : f32
  } -> tensor<4x9xf32>
  %o = linalg.generic {indexing_maps = [#pv_p, #pv_v, #pv_o], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%p, %v : tensor<4x9xf32>, tensor<9x16xf32>) outs(%acc : tensor<4x16xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %0 = arith.mulf %a, %b : f32
    %1 = arith.addf %out, %0 : f32
    linalg.yield %1 : f32
  } -> tensor<4x16xf32>
  return %o : tensor<4x16xf32>
}

// -----

// A reduction that reads the producer at every loop (no broadcast): fused.
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @fuse_into_full_reduction
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK: math.exp
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @fuse_into_full_reduction(%s: tensor<4x9xf32>, %acc: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4x9xf32>
  %p = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%s : tensor<4x9xf32>) outs(%e : tensor<4x9xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = math.exp %in : f32
    linalg.yield %0 : f32
  } -> tensor<4x9xf32>
  %r = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%p : tensor<4x9xf32>) outs(%acc : tensor<4xf32>) {
  ^bb0(%a: f32, %out: f32):
    %0 = arith.addf %out, %a : f32
    linalg.yield %0 : f32
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// A reshaped matmul operand: upstream reshape propagation would turn the
// matmul into a generic contraction; here the matmul stays a named op.
// CHECK-LABEL: func.func @matmul_stays_named
// CHECK: tensor.collapse_shape
// CHECK: linalg.matmul
// CHECK-NOT: linalg.generic
func.func @matmul_stays_named(%x: tensor<2x3x8xf32>, %w: tensor<8x5xf32>, %acc: tensor<6x5xf32>) -> tensor<6x5xf32> {
  %c = tensor.collapse_shape %x [[0, 1], [2]] : tensor<2x3x8xf32> into tensor<6x8xf32>
  %y = linalg.matmul ins(%c, %w : tensor<6x8xf32>, tensor<8x5xf32>) outs(%acc : tensor<6x5xf32>) -> tensor<6x5xf32>
  return %y : tensor<6x5xf32>
}

// -----

// Panel matmuls (linears over [N / P, K, P] weights) are kernels too: the
// collapse after the first one is not propagated into the second (which
// would split its K loop in two and hide it from the matmul tiling), though
// the GELU between them may take the expanded shape.
#px = affine_map<(m, b, p, k) -> (m, k)>
#pw = affine_map<(m, b, p, k) -> (b, k, p)>
#py = affine_map<(m, b, p, k) -> (m, b, p)>
#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @panel_matmuls
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<?x8xf32>, tensor<2x8x16xf32>)
// CHECK: %[[C:.*]] = tensor.collapse_shape
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<?x32xf32>, tensor<1x32x8xf32>)
func.func @panel_matmuls(%x: tensor<?x8xf32>, %w1: tensor<2x8x16xf32>, %a1: tensor<?x2x16xf32>,
                         %w2: tensor<1x32x8xf32>, %a2: tensor<?x1x8xf32>) -> tensor<?x1x8xf32> {
  %c0 = arith.constant 0 : index
  %h = linalg.generic {indexing_maps = [#px, #pw, #py], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w1 : tensor<?x8xf32>, tensor<2x8x16xf32>) outs(%a1 : tensor<?x2x16xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<?x2x16xf32>
  %hc = tensor.collapse_shape %h [[0], [1, 2]] : tensor<?x2x16xf32> into tensor<?x32xf32>
  %d = tensor.dim %hc, %c0 : tensor<?x32xf32>
  %e = tensor.empty(%d) : tensor<?x32xf32>
  %g = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%hc : tensor<?x32xf32>) outs(%e : tensor<?x32xf32>) {
  ^bb0(%a: f32, %o: f32):
    %t = math.tanh %a : f32
    linalg.yield %t : f32
  } -> tensor<?x32xf32>
  %y = linalg.generic {indexing_maps = [#px, #pw, #py], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%g, %w2 : tensor<?x32xf32>, tensor<1x32x8xf32>) outs(%a2 : tensor<?x1x8xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<?x1x8xf32>
  return %y : tensor<?x1x8xf32>
}
