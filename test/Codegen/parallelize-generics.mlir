// RUN: tfc-opt %s --split-input-file --tfc-parallelize-generics | FileCheck %s
// RUN: tfc-opt %s --split-input-file --tfc-parallelize-generics=chunk=4 | FileCheck %s --check-prefix=CHUNK4
// RUN: not tfc-opt %s --split-input-file --tfc-parallelize-generics=chunk=0 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: tfc-parallelize-generics: chunk must be positive, got 0

#id = affine_map<(d0, d1) -> (d0, d1)>

// Rows of a dynamic count (prefill): an scf.forall over chunks of 16 rows.
// CHECK-LABEL: func.func @rows
// CHECK: scf.forall (%[[I:.*]]) = (0) to (%{{.*}}) step (16)
// CHECK: tensor.extract_slice %{{.*}}[%[[I]], 0] [%{{.*}}, 64] [1, 1]
// CHECK: linalg.generic
// CHECK: scf.forall.in_parallel
// CHUNK4-LABEL: func.func @rows
// CHUNK4: scf.forall (%{{.*}}) = (0) to (%{{.*}}) step (4)
func.func @rows(%x: tensor<?x64xf32>, %out: tensor<?x64xf32>) -> tensor<?x64xf32> {
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<?x64xf32>) outs(%out : tensor<?x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %e = math.exp %a : f32
    linalg.yield %e : f32
  } -> tensor<?x64xf32>
  return %0 : tensor<?x64xf32>
}

// -----

// Attention scores over 12 heads and a dynamic length: the heads are split,
// an eighth of them (2) per iteration; the reduction stays inside.
// CHECK-LABEL: func.func @heads
// CHECK: scf.forall (%{{.*}}) = (0) to (12) step (2)
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]
#q = affine_map<(h, i, j, d) -> (h, i, d)>
#k = affine_map<(h, i, j, d) -> (h, j, d)>
#s = affine_map<(h, i, j, d) -> (h, i, j)>
func.func @heads(%q: tensor<12x?x64xf32>, %k: tensor<12x?x64xf32>, %s: tensor<12x?x?xf32>) -> tensor<12x?x?xf32> {
  %0 = linalg.generic {indexing_maps = [#q, #k, #s], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%q, %k : tensor<12x?x64xf32>, tensor<12x?x64xf32>) outs(%s : tensor<12x?x?xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %o, %m : f32
    linalg.yield %r : f32
  } -> tensor<12x?x?xf32>
  return %0 : tensor<12x?x?xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// Static sizes (a decode step's elementwise op on one row) and generics
// inside loops (already tiled) stay as they are.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: scf.forall
// CHECK: linalg.generic
// CHECK: scf.for
// CHECK: linalg.generic
// CHECK-NOT: scf.forall
func.func @left_alone(%x: tensor<1x768xf32>, %out: tensor<1x768xf32>, %y: tensor<?x8xf32>, %n: index) -> (tensor<1x768xf32>, tensor<?x8xf32>) {
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<1x768xf32>) outs(%out : tensor<1x768xf32>) {
  ^bb0(%a: f32, %o: f32):
    %e = math.exp %a : f32
    linalg.yield %e : f32
  } -> tensor<1x768xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %1 = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %y) -> (tensor<?x8xf32>) {
    %g = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%acc : tensor<?x8xf32>) outs(%acc : tensor<?x8xf32>) {
    ^bb0(%a: f32, %o: f32):
      %e = math.exp %a : f32
      linalg.yield %e : f32
    } -> tensor<?x8xf32>
    scf.yield %g : tensor<?x8xf32>
  }
  return %0, %1 : tensor<1x768xf32>, tensor<?x8xf32>
}
