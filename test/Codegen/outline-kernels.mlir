// RUN: tfc-opt %s --split-input-file --tfc-outline-kernels | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>

// Two layers' worth of identical ops share one kernel per distinct op:
// matmuls by type, generics by their body (captured constants included).
// CHECK-LABEL: func.func @layers
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>, %[[W1:.*]]: tensor<8x8xf32>, %[[W2:.*]]: tensor<8x8xf32>, %[[ACC:.*]]: tensor<?x8xf32>)
// CHECK: %[[M1:.*]] = call @tfc_matmul_Dx8_8x8_f32_f32_f32(%[[X]], %[[W1]], %[[ACC]])
// CHECK: %[[G1:.*]] = call @tfc_kernel_0(%[[M1]], %[[ACC]])
// CHECK: %[[M2:.*]] = call @tfc_matmul_Dx8_8x8_f32_f32_f32(%[[G1]], %[[W2]], %[[ACC]])
// CHECK: %[[G2:.*]] = call @tfc_kernel_0(%[[M2]], %[[ACC]])
// A different constant: a different kernel.
// CHECK: %[[G3:.*]] = call @tfc_kernel_1(%[[G2]], %[[ACC]])
// CHECK: return %[[G3]]
// CHECK-LABEL: func.func private @tfc_matmul_Dx8_8x8_f32_f32_f32
// CHECK-SAME: attributes {passthrough = ["noinline"], tfc.kernel}
// CHECK-NEXT: linalg.matmul
// CHECK-NEXT: return
// CHECK-LABEL: func.func private @tfc_kernel_0
// CHECK: arith.constant 5.000000e-01 : f32
// CHECK: linalg.generic
// CHECK-LABEL: func.func private @tfc_kernel_1
// CHECK: arith.constant 2.000000e+00 : f32
// CHECK-NOT: func.func private
func.func @layers(%x: tensor<?x8xf32>, %w1: tensor<8x8xf32>, %w2: tensor<8x8xf32>, %acc: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %half = arith.constant 0.5 : f32
  %two = arith.constant 2.0 : f32
  %m1 = linalg.matmul ins(%x, %w1 : tensor<?x8xf32>, tensor<8x8xf32>) outs(%acc : tensor<?x8xf32>) -> tensor<?x8xf32>
  %g1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m1 : tensor<?x8xf32>) outs(%acc : tensor<?x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.mulf %in, %half : f32
    linalg.yield %0 : f32
  } -> tensor<?x8xf32>
  %m2 = linalg.matmul ins(%g1, %w2 : tensor<?x8xf32>, tensor<8x8xf32>) outs(%acc : tensor<?x8xf32>) -> tensor<?x8xf32>
  %g2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m2 : tensor<?x8xf32>) outs(%acc : tensor<?x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.mulf %in, %half : f32
    linalg.yield %0 : f32
  } -> tensor<?x8xf32>
  %g3 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%g2 : tensor<?x8xf32>) outs(%acc : tensor<?x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.mulf %in, %two : f32
    linalg.yield %0 : f32
  } -> tensor<?x8xf32>
  return %g3 : tensor<?x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// A captured non-constant value (the decode position) becomes an argument;
// an operand that is a tensor slice keeps the op in place; fills stay.
// CHECK-LABEL: func.func @captures_and_slices
// CHECK: call @tfc_kernel_0(%{{.*}}, %{{.*}}, %arg1) : (tensor<4x8xf32>, tensor<4x8xf32>, index) -> tensor<4x8xf32>
// CHECK: tensor.extract_slice
// CHECK: linalg.generic
// CHECK: linalg.fill
// CHECK-LABEL: func.func private @tfc_kernel_0
// CHECK-SAME: (%{{.*}}: tensor<4x8xf32>, %{{.*}}: tensor<4x8xf32>, %[[POS:.*]]: index)
// CHECK: arith.cmpi sgt, %{{.*}}, %[[POS]] : index
func.func @captures_and_slices(%x: tensor<4x8xf32>, %pos: index, %big: tensor<16x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %e = tensor.empty() : tensor<4x8xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %masked = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %j = linalg.index 1 : index
    %c = arith.cmpi sgt, %j, %pos : index
    %0 = arith.select %c, %ninf, %in : f32
    linalg.yield %0 : f32
  } -> tensor<4x8xf32>
  %s = tensor.extract_slice %big[%pos, 0] [4, 8] [1, 1] : tensor<16x8xf32> to tensor<4x8xf32>
  %neg = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%s : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.negf %in : f32
    linalg.yield %0 : f32
  } -> tensor<4x8xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %masked, %neg, %f : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// On buffers (the pass runs again after bufferization), strided views are
// passed as they are; views that differ only in a static offset (the KV cache
// of two layers) share the kernel, which takes a dynamic offset.
// CHECK-LABEL: func.func @buffers
// CHECK: %[[V0:.*]] = memref.subview %arg0[0, 0] [4, 8] [1, 1]
// CHECK: %[[C0:.*]] = memref.cast %[[V0]] : memref<4x8xf32, strided<[8, 1]>> to memref<4x8xf32, strided<[8, 1], offset: ?>>
// CHECK: call @tfc_kernel_0(%[[C0]], %arg1)
// CHECK: %[[V1:.*]] = memref.subview %arg0[4, 0] [4, 8] [1, 1]
// CHECK: %[[C1:.*]] = memref.cast %[[V1]] : memref<4x8xf32, strided<[8, 1], offset: 32>> to memref<4x8xf32, strided<[8, 1], offset: ?>>
// CHECK: call @tfc_kernel_0(%[[C1]], %arg1)
// CHECK-LABEL: func.func private @tfc_kernel_0
// CHECK-SAME: (%{{.*}}: memref<4x8xf32, strided<[8, 1], offset: ?>>, %{{.*}}: memref<4x8xf32>)
// CHECK-NOT: func.func private
func.func @buffers(%cache: memref<8x8xf32>, %out: memref<4x8xf32>) {
  %l0 = memref.subview %cache[0, 0] [4, 8] [1, 1] : memref<8x8xf32> to memref<4x8xf32, strided<[8, 1]>>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%l0 : memref<4x8xf32, strided<[8, 1]>>) outs(%out : memref<4x8xf32>) {
  ^bb0(%in: f32, %o: f32):
    %0 = arith.addf %in, %o : f32
    linalg.yield %0 : f32
  }
  %l1 = memref.subview %cache[4, 0] [4, 8] [1, 1] : memref<8x8xf32> to memref<4x8xf32, strided<[8, 1], offset: 32>>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%l1 : memref<4x8xf32, strided<[8, 1], offset: 32>>) outs(%out : memref<4x8xf32>) {
  ^bb0(%in: f32, %o: f32):
    %0 = arith.addf %in, %o : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

// Copies between buffers (the KV-cache writes of every layer) share one
// kernel; copies of at most 64 elements and copies on tensors stay in place.
// CHECK-LABEL: func.func @copies
// CHECK: call @tfc_copy_0(%{{.*}}, %{{.*}}) : (memref<1x12x64xf32, strided<[2304, 64, 1], offset: ?>>, memref<1x12x64xf32, strided<[768, 64, 1], offset: ?>>) -> ()
// CHECK: call @tfc_copy_0(
// CHECK: linalg.copy ins(%{{.*}} : memref<1x64xf32>)
// CHECK: linalg.copy ins(%{{.*}} : tensor<16x16xf32>)
// CHECK: call @tfc_copy_1(%{{.*}}, %{{.*}}) : (memref<?xf32>, memref<?xf32>) -> ()
// CHECK-LABEL: func.func private @tfc_copy_0
// CHECK: linalg.copy
// CHECK-LABEL: func.func private @tfc_copy_1
func.func @copies(%qkv: memref<1x2304xf32>, %cache: memref<2x1024x12x64xf32>,
                  %pos: index, %a: memref<1x64xf32>, %b: memref<1x64xf32>,
                  %t: tensor<16x16xf32>, %d0: memref<?xf32>, %d1: memref<?xf32>)
    -> tensor<16x16xf32> {
  %k = memref.subview %qkv[0, 768] [1, 768] [1, 1] : memref<1x2304xf32> to memref<1x768xf32, strided<[2304, 1], offset: 768>>
  %kh = memref.expand_shape %k [[0], [1, 2]] output_shape [1, 12, 64] : memref<1x768xf32, strided<[2304, 1], offset: 768>> into memref<1x12x64xf32, strided<[2304, 64, 1], offset: 768>>
  %c0 = memref.subview %cache[0, %pos, 0, 0] [1, 1, 12, 64] [1, 1, 1, 1] : memref<2x1024x12x64xf32> to memref<1x12x64xf32, strided<[768, 64, 1], offset: ?>>
  linalg.copy ins(%kh : memref<1x12x64xf32, strided<[2304, 64, 1], offset: 768>>) outs(%c0 : memref<1x12x64xf32, strided<[768, 64, 1], offset: ?>>)
  %c1 = memref.subview %cache[1, %pos, 0, 0] [1, 1, 12, 64] [1, 1, 1, 1] : memref<2x1024x12x64xf32> to memref<1x12x64xf32, strided<[768, 64, 1], offset: ?>>
  linalg.copy ins(%kh : memref<1x12x64xf32, strided<[2304, 64, 1], offset: 768>>) outs(%c1 : memref<1x12x64xf32, strided<[768, 64, 1], offset: ?>>)
  linalg.copy ins(%a : memref<1x64xf32>) outs(%b : memref<1x64xf32>)
  %e = tensor.empty() : tensor<16x16xf32>
  %r = linalg.copy ins(%t : tensor<16x16xf32>) outs(%e : tensor<16x16xf32>) -> tensor<16x16xf32>
  linalg.copy ins(%d0 : memref<?xf32>) outs(%d1 : memref<?xf32>)
  return %r : tensor<16x16xf32>
}
