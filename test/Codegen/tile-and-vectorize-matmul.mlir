// RUN: tfc-opt %s --tfc-tile-and-vectorize-matmul="cache-tiles=16,64,32 register-tiles=4,16,1" | FileCheck %s
// RUN: tfc-opt %s --tfc-tile-and-vectorize-matmul="cache-tiles=16,64,32 register-tiles=4,16,1 parallel=true" | FileCheck %s --check-prefix=PAR
// RUN: not tfc-opt %s --tfc-tile-and-vectorize-matmul="cache-tiles=16,64 register-tiles=4,16,1" 2>&1 | FileCheck %s --check-prefix=BADOPT

// Prefill: dynamic M (sequence length), N = 70 and K = 37 not multiples of
// the tiles. The full register tiles are unmasked 4x16 vectors whose
// accumulator stays in registers across the K loop; only the peeled N
// remainder is masked, and the M remainder goes row by row.

// CHECK-LABEL: func.func @prefill
// CHECK-NOT: linalg.matmul
// CHECK: scf.for {{.*}} step %c16
// CHECK: scf.for {{.*}} step %c64
// CHECK: scf.for {{.*}} step %c32
// Full tiles: the accumulator is read once before the K loop ...
// CHECK: %[[ACC:.*]] = vector.transfer_read {{.*}} {in_bounds = [true, true]} : tensor<4x16xf32>, vector<4x16xf32>
// CHECK: scf.for {{.*}} iter_args({{.*}}, %[[A:.*]] = %[[ACC]]) -> ({{.*}}vector<4x16xf32>)
// CHECK-NOT: vector.mask
// CHECK: arith.mulf {{.*}} : vector<4x16x1xf32>
// CHECK: arith.addf %[[A]], {{.*}} : vector<4x16xf32>
// ... and written once after it.
// CHECK: scf.yield
// CHECK: vector.transfer_write {{.*}} : vector<4x16xf32>, tensor<4x16xf32>
// The N remainder of the full rows: masked along N only.
// CHECK: vector.create_mask %c1, %{{.*}} : vector<1x16xi1>
// CHECK: vector.mask
// The M remainder (fewer than 4 rows, a dynamic count) goes row by row, so
// the activation is read without a mask; only N is masked.
// CHECK: scf.for %[[ROW:.*]] = %c0 to %{{.*}} step %c1
// CHECK: vector.transfer_read {{.*}} : tensor<1x1xf32>, vector<1x16x1xf32>
// CHECK-NOT: vector<4x1xi1>
// CHECK: vector.create_mask %c1, %{{.*}} : vector<1x16xi1>
// CHECK-NOT: vector<4x1xi1>
// CHECK: return
func.func @prefill(%x: tensor<?x37xf32>, %w: tensor<37x70xf32>, %acc: tensor<?x70xf32>) -> tensor<?x70xf32> {
  %0 = linalg.matmul ins(%x, %w : tensor<?x37xf32>, tensor<37x70xf32>) outs(%acc : tensor<?x70xf32>) -> tensor<?x70xf32>
  return %0 : tensor<?x70xf32>
}

// Decode: M = 1 is smaller than the register tile, so the micro-kernel takes
// one row and is as wide as the 4x16 accumulators allow (1x64, capped by the
// N cache tile); nothing is masked.
// CHECK-LABEL: func.func @decode
// CHECK-NOT: vector.mask
// CHECK-NOT: linalg.matmul
// CHECK: vector.transfer_read {{.*}} : tensor<1x64xf32>, vector<1x64xf32>
// CHECK: arith.mulf {{.*}} : vector<1x64x1xf32>
// CHECK: arith.addf {{.*}} : vector<1x64xf32>
// CHECK-NOT: vector.mask
// CHECK: return
func.func @decode(%x: tensor<1x64xf32>, %w: tensor<64x64xf32>, %acc: tensor<1x64xf32>) -> tensor<1x64xf32> {
  %0 = linalg.matmul ins(%x, %w : tensor<1x64xf32>, tensor<64x64xf32>) outs(%acc : tensor<1x64xf32>) -> tensor<1x64xf32>
  return %0 : tensor<1x64xf32>
}

// A wider decode matmul reads the weight 8 rows at a time: the register
// tiles (1x64: the 4x16 accumulators as one row) walk along those rows and
// keep their accumulators in registers across the 8-row K loop, so every row
// is read in storage order; the static N remainder (300 = 4x64 + 44) is a
// narrower unmasked tile.
// CHECK-LABEL: func.func @decode_wide
// CHECK: scf.for {{.*}} = %c0 to %c40 step %c8
// CHECK: scf.for {{.*}} = %c0 to %c256 step %c64
// CHECK: %[[ACC:.*]] = vector.transfer_read {{.*}} : tensor<1x64xf32>, vector<1x64xf32>
// CHECK: scf.for {{.*}} = %c0 to %c8 step %c1 iter_args({{.*}}, %{{.*}} = %[[ACC]]) -> ({{.*}}vector<1x64xf32>)
// CHECK: vector.transfer_read {{.*}} : tensor<1x44xf32>, vector<1x44xf32>
// CHECK-NOT: vector.mask
// CHECK: return
func.func @decode_wide(%x: tensor<1x40xf32>, %w: tensor<40x300xf32>, %acc: tensor<1x300xf32>) -> tensor<1x300xf32> {
  %0 = linalg.matmul ins(%x, %w : tensor<1x40xf32>, tensor<40x300xf32>) outs(%acc : tensor<1x300xf32>) -> tensor<1x300xf32>
  return %0 : tensor<1x300xf32>
}

// Mixed precision: f16 operands accumulate into f32 vectors (N = 48 fits in
// one decode tile).
// CHECK-LABEL: func.func @f16_operands
// CHECK: arith.extf {{.*}} : vector<1x48x1xf16> to vector<1x48x1xf32>
// CHECK: arith.addf {{.*}} : vector<1x48xf32>
func.func @f16_operands(%x: tensor<1x32xf16>, %w: tensor<32x48xf16>, %acc: tensor<1x48xf32>) -> tensor<1x48xf32> {
  %0 = linalg.matmul ins(%x, %w : tensor<1x32xf16>, tensor<32x48xf16>) outs(%acc : tensor<1x48xf32>) -> tensor<1x48xf32>
  return %0 : tensor<1x48xf32>
}

// With parallel=true the M and N cache tiles form an scf.forall (threads);
// K stays a sequential loop inside, as do the register tiles.
// PAR-LABEL: func.func @prefill
// PAR: scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (%{{.*}}, 70) step (16, 64) shared_outs
// PAR: scf.for {{.*}} to %c37 step %c32
// PAR: vector<4x16xf32>
// PAR: scf.forall.in_parallel
// Decode with threads: K splits into two contiguous halves (40 -> 24 + 16,
// a multiple of 8 first), one per forall iteration, so that each thread
// streams one part of the weight in storage order; the partial products
// [2, 1, 300] are then summed into the accumulator.
// PAR-LABEL: func.func @decode_wide
// PAR: %[[P0:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x1x300xf32>)
// PAR: %[[PARTS:.*]] = scf.forall (%[[T:.*]]) in (2) shared_outs(%[[S:.*]] = %[[P0]]) -> (tensor<2x1x300xf32>)
// PAR: %[[K0:.*]] = affine.apply #{{.*}}(%[[T]])
// PAR: %[[KC:.*]] = affine.min #{{.*}}(%[[T]])
// PAR: tensor.extract_slice %arg1[%[[K0]], 0] [%[[KC]], 300] [1, 1]
// PAR: scf.for {{.*}} = %c0 to %[[KC]] step %c8
// PAR: scf.for {{.*}} = %c0 to %c256 step %c64
// PAR: vector<1x64xf32>
// PAR: vector<1x44xf32>
// PAR: scf.forall.in_parallel
// PAR-NEXT: tensor.parallel_insert_slice %{{.*}} into %[[S]][%[[T]], 0, 0] [1, 1, 300] [1, 1, 1]
// PAR: linalg.generic
// PAR-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// PAR-SAME: ins(%[[PARTS]] : tensor<2x1x300xf32>) outs(%arg2 : tensor<1x300xf32>)
// PAR: arith.addf

// A contraction against a weight stored [N, K] (a tied LM head): with
// threads, its columns split in two halves (rounded up to 64); it is not
// vectorized here (LLVM vectorizes the reassociable dot products).
#xk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
// PAR-LABEL: func.func @transposed_weight
// PAR: scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (1, 300) step (16, 192)
// PAR: linalg.generic
// PAR-NOT: vector.
// PAR: scf.forall.in_parallel
// CHECK-LABEL: func.func @transposed_weight
// CHECK-NOT: scf.forall
// CHECK: linalg.generic
func.func @transposed_weight(%x: tensor<1x40xf32>, %w: tensor<300x40xf32>, %acc: tensor<1x300xf32>) -> tensor<1x300xf32> {
  %0 = linalg.generic {indexing_maps = [#xk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<1x40xf32>, tensor<300x40xf32>) outs(%acc : tensor<1x300xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p fastmath<reassoc,contract> : f32
    linalg.yield %s : f32
  } -> tensor<1x300xf32>
  return %0 : tensor<1x300xf32>
}

// Other linalg ops are left alone.
// CHECK-LABEL: func.func @not_a_matmul
// CHECK: linalg.batch_matmul
// CHECK-NOT: vector.
func.func @not_a_matmul(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>, %c: tensor<2x3x5xf32>) -> tensor<2x3x5xf32> {
  %0 = linalg.batch_matmul ins(%a, %b : tensor<2x3x4xf32>, tensor<2x4x5xf32>) outs(%c : tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// Wrong number of tile sizes: a diagnostic, not a crash.
// BADOPT: tile-and-vectorize-matmul.mlir:{{[0-9]+}}:1: error: tfc-tile-and-vectorize-matmul: cache-tiles and register-tiles take three sizes (M,N,K)

// Panels (a linear over a [N / P, K, P] weight, here P = 32). Decode: each
// panel is one contiguous stream read over all of K with its 1x32
// accumulator in registers; with threads, the panels are split over an
// scf.forall (whole panels per thread).
// CHECK-LABEL: func.func @panels_decode
// CHECK: %[[ACC:.*]] = vector.transfer_read {{.*}} : tensor<1x1x32xf32>, vector<1x1x32xf32>
// CHECK: scf.for {{.*}} = %c0 to %c40 step %c1 iter_args({{.*}}, %{{.*}} = %[[ACC]]) -> ({{.*}}vector<1x1x32xf32>)
// CHECK: vector.transfer_read {{.*}} : tensor<1x1x32xf32>, vector<1x1x32x1xf32>
// CHECK-NOT: vector.mask
// CHECK: return
// PAR-LABEL: func.func @panels_decode
// PAR: scf.forall (%[[B:.*]]) in (3)
// PAR: tensor.extract_slice %{{.*}}[%[[B]], 0, 0] [1, 40, 32] [1, 1, 1] : tensor<3x40x32xf32> to tensor<1x40x32xf32>
// PAR: scf.for {{.*}} = %c0 to %c40 step %c1
// PAR: scf.forall.in_parallel
#px = affine_map<(m, b, p, k) -> (m, k)>
#pw = affine_map<(m, b, p, k) -> (b, k, p)>
#py = affine_map<(m, b, p, k) -> (m, b, p)>
func.func @panels_decode(%x: tensor<1x40xf32>, %w: tensor<3x40x32xf32>, %acc: tensor<1x3x32xf32>) -> tensor<1x3x32xf32> {
  %0 = linalg.generic {indexing_maps = [#px, #pw, #py], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<1x40xf32>, tensor<3x40x32xf32>) outs(%acc : tensor<1x3x32xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x3x32xf32>
  return %0 : tensor<1x3x32xf32>
}

// Prefill over panels: cache tiles of 16 rows x 2 panels (64 columns) x 32
// of K, register tiles of 4 rows x 16 columns of one panel, unmasked; the
// register tiles walk the rows innermost (panel, columns, then rows), so the
// piece of the panel they share stays in L1; the M remainder goes row by
// row.
// CHECK-LABEL: func.func @panels_prefill
// CHECK: scf.for {{.*}} step %c16
// CHECK: scf.for {{.*}} step %c2
// CHECK: scf.for {{.*}} step %c32
// CHECK: scf.for {{.*}} = %c0 to %{{.*}} step %c1
// CHECK: scf.for {{.*}} = %c0 to %c32 step %c16
// CHECK: scf.for {{.*}} = %c0 to %{{.*}} step %c4
// CHECK: %[[ACC:.*]] = vector.transfer_read {{.*}} : tensor<4x1x16xf32>, vector<4x1x16xf32>
// CHECK: scf.for {{.*}} iter_args({{.*}}, %{{.*}} = %[[ACC]]) -> ({{.*}}vector<4x1x16xf32>)
// CHECK-NOT: vector.mask
// CHECK: arith.mulf {{.*}} : vector<4x1x16x1xf32>
// CHECK: scf.for %{{.*}} = %c0 to %{{.*}} step %c1
// CHECK: vector<1x1x16x1xf32>
// CHECK: return
// PAR-LABEL: func.func @panels_prefill
// PAR: scf.forall ({{.*}}) = (0, 0) to (%{{.*}}, 3) step (16, 2)
func.func @panels_prefill(%x: tensor<?x37xf32>, %w: tensor<3x37x32xf32>, %acc: tensor<?x3x32xf32>) -> tensor<?x3x32xf32> {
  %0 = linalg.generic {indexing_maps = [#px, #pw, #py], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<?x37xf32>, tensor<3x37x32xf32>) outs(%acc : tensor<?x3x32xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<?x3x32xf32>
  return %0 : tensor<?x3x32xf32>
}
