// RUN: tfc-opt %s --tfc-tile-and-vectorize-matmul="cache-tiles=16,64,32 register-tiles=4,16,1" | FileCheck %s
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

// Decode: M = 1 is smaller than the register tile, so the micro-kernel is
// 1x16 and nothing is masked.
// CHECK-LABEL: func.func @decode
// CHECK-NOT: vector.mask
// CHECK-NOT: linalg.matmul
// CHECK: vector.transfer_read {{.*}} : tensor<1x16xf32>, vector<1x16xf32>
// CHECK: arith.mulf {{.*}} : vector<1x16x1xf32>
// CHECK: arith.addf {{.*}} : vector<1x16xf32>
// CHECK-NOT: vector.mask
// CHECK: return
func.func @decode(%x: tensor<1x64xf32>, %w: tensor<64x64xf32>, %acc: tensor<1x64xf32>) -> tensor<1x64xf32> {
  %0 = linalg.matmul ins(%x, %w : tensor<1x64xf32>, tensor<64x64xf32>) outs(%acc : tensor<1x64xf32>) -> tensor<1x64xf32>
  return %0 : tensor<1x64xf32>
}

// Mixed precision: f16 operands accumulate into f32 vectors.
// CHECK-LABEL: func.func @f16_operands
// CHECK: arith.extf {{.*}} : vector<1x16x1xf16> to vector<1x16x1xf32>
// CHECK: arith.addf {{.*}} : vector<1x16xf32>
func.func @f16_operands(%x: tensor<1x32xf16>, %w: tensor<32x48xf16>, %acc: tensor<1x48xf32>) -> tensor<1x48xf32> {
  %0 = linalg.matmul ins(%x, %w : tensor<1x32xf16>, tensor<32x48xf16>) outs(%acc : tensor<1x48xf32>) -> tensor<1x48xf32>
  return %0 : tensor<1x48xf32>
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
