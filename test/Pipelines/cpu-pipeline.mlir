// RUN: tfc-opt %s --tfc-cpu-pipeline | FileCheck %s
// RUN: tfc-opt %s --tfc-tfm-to-linalg | FileCheck %s --check-prefix=LINALG
// RUN: tfc-opt %s --tfc-tfm-to-linalg | tfc-opt --tfc-linalg-to-llvm | FileCheck %s
// RUN: tfc-opt %s "--tfc-cpu-pipeline=approximate-math=false weight-alignment=16" | FileCheck %s --check-prefix=OPTS
// RUN: tfc-opt %s --tfc-cpu-pipeline | FileCheck %s --check-prefix=PAR
// RUN: tfc-opt %s "--tfc-cpu-pipeline=parallel=false" | FileCheck %s --check-prefix=SERIAL
// RUN: tfc-opt %s "--tfc-cpu-pipeline=vectorize=false" | FileCheck %s --check-prefix=SCALAR
// RUN: tfc-opt %s --tfc-cpu-pipeline | FileCheck %s --check-prefix=STACK

// A small pre-norm MLP block (weights, rms_norm, linear with bias, tanh GELU,
// residual add, dynamic sequence length) and a KV-cache decode step go all
// the way to the LLVM dialect. Weights are bound into the blob first.

// CHECK: module attributes
// CHECK-SAME: tfm.weight_bytes = 7456 : i64
// Linear weights are stored transposed (in_out) for the matmul kernel; the
// table records the permutation the driver applies when it writes the blob.
// CHECK-SAME: tfm.weight_table = [{name = "ln.weight", offset = 0 : i64, type = tensor<24xf32>}, {name = "fc1.bias", offset = 128 : i64, type = tensor<37xf32>}, {name = "fc1.weight", offset = 320 : i64, permutation = array<i64: 1, 0>, type = tensor<24x37xf32>}, {name = "fc2.weight", offset = 3904 : i64, permutation = array<i64: 1, 0>, type = tensor<37x24xf32>}]
// CHECK-NOT: tfm.
// CHECK-NOT: linalg.
// CHECK-NOT: tensor.
// CHECK-NOT: memref.
// CHECK-NOT: bufferization.
// CHECK-NOT: arith.
// CHECK-NOT: math.
// CHECK-NOT: scf.
// CHECK-NOT: cf.
// CHECK-NOT: func.func
// CHECK-NOT: unrealized_conversion_cast
// The entry points call shared kernels: the two matmuls and the fused
// elementwise/norm ops.
// CHECK: llvm.func @mlp(
// CHECK: llvm.call @tfc_matmul_Dx24_24x37_f32_f32_f32(
// CHECK: llvm.call @tfc_matmul_Dx37_37x24_f32_f32_f32(
// CHECK: llvm.return
// CHECK: llvm.func @decode(
// CHECK: llvm.call @tfc_kernel_
// CHECK: llvm.return
// Kernels are private and not inlined back by LLVM.
// CHECK: llvm.func @tfc_kernel_{{[0-9]+}}({{.*}}) attributes {passthrough = ["noinline"], sym_visibility = "private", tfc.kernel}
// CHECK: llvm.func @tfc_matmul_Dx24_24x37_f32_f32_f32({{.*}}) attributes {passthrough = ["noinline"], sym_visibility = "private", tfc.kernel}
// The matmul kernel is vectorized: 4-row register tiles as wide as N (37, below
// the 64 of the tile), FMAs on whole rows.
// CHECK: vector<37xf32>
// CHECK: llvm.return
// tanh was approximated (no libm call) with fused multiply-adds.
// CHECK: llvm.intr.fma
// CHECK-NOT: tanh
// CHECK-NOT: tfm.
// CHECK-NOT: linalg.
// CHECK-NOT: tensor.
// CHECK-NOT: memref.
// CHECK-NOT: arith.
// CHECK-NOT: math.

// Pipeline options reach the passes: 16-byte alignment, and tanh kept as an
// intrinsic when approximation is off.
// OPTS: module attributes
// OPTS-SAME: tfm.weight_bytes = 7360 : i64
// OPTS-SAME: {name = "fc1.bias", offset = 96 : i64, type = tensor<37xf32>}
// OPTS-SAME: {name = "fc1.weight", offset = 256 : i64, permutation = array<i64: 1, 0>, type = tensor<24x37xf32>}
// OPTS-SAME: {name = "fc2.weight", offset = 3808 : i64, permutation = array<i64: 1, 0>, type = tensor<37x24xf32>}
// OPTS: llvm.func @mlp(
// OPTS: llvm.intr.tanh
// OPTS-NOT: math.
// OPTS: llvm.return

// The intermediate pipeline stops at linalg on tensors, weights bound.
// LINALG-LABEL: func.func @mlp
// LINALG-SAME: (%{{.*}}: memref<?xi8>, %{{.*}}: tensor<?x24xf32>) -> tensor<?x24xf32>
// LINALG: memref.view
// LINALG: bufferization.to_tensor
// LINALG: linalg.generic
// LINALG-NOT: tfm.
// LINALG-LABEL: func.func @decode
// LINALG-NOT: memref<?xi8>
// LINALG: tensor.insert_slice
// LINALG: tensor.extract_slice
// LINALG-NOT: tfm.

// Temporaries of a dynamic size (the sequence length) are heap buffers; the
// small static ones of a decode step live on the stack (no malloc per token).
// STACK-LABEL: llvm.func @mlp(
// STACK: llvm.call @malloc
// STACK-LABEL: llvm.func @decode(
// STACK: llvm.alloca %{{.*}} x f16 {alignment = 64 : i64}
// STACK: llvm.alloca %{{.*}} x f32 {alignment = 64 : i64}
// STACK: llvm.return

func.func @mlp(%x: tensor<?x24xf32>) -> tensor<?x24xf32> {
  %g = tfm.weight "ln.weight" : tensor<24xf32>
  %w1 = tfm.weight "fc1.weight" : tensor<37x24xf32>
  %b1 = tfm.weight "fc1.bias" : tensor<37xf32>
  %w2 = tfm.weight "fc2.weight" : tensor<24x37xf32>
  %h = tfm.rms_norm %x, %g : tensor<?x24xf32>, tensor<24xf32>
  %u = tfm.linear %h, %w1, %b1 : tensor<?x24xf32>, tensor<37x24xf32>, tensor<37xf32> -> tensor<?x37xf32>
  %a = tfm.gelu %u {approximation = #tfm.gelu_approximation<tanh>} : tensor<?x37xf32>
  %d = tfm.linear %a, %w2 : tensor<?x37xf32>, tensor<24x37xf32> -> tensor<?x24xf32>
  %y = tfm.add %x, %d : tensor<?x24xf32>, tensor<?x24xf32> -> tensor<?x24xf32>
  return %y : tensor<?x24xf32>
}

func.func @decode(%q: tensor<1x6x8xf16>, %k: tensor<1x2x8xf16>, %v: tensor<1x2x8xf16>,
                  %kc: tensor<13x2x8xf16>, %vc: tensor<13x2x8xf16>, %pos: index, %p: tensor<1xi64>)
    -> (tensor<1x6x8xf16>, tensor<13x2x8xf16>, tensor<13x2x8xf16>) {
  %qr = tfm.rotary %q, %p : tensor<1x6x8xf16>, tensor<1xi64>
  %kr = tfm.rotary %k, %p : tensor<1x2x8xf16>, tensor<1xi64>
  %o:3 = tfm.attention %qr, %kr, %v cache(%kc, %vc) at %pos {causal}
      : tensor<1x6x8xf16>, tensor<1x2x8xf16>, tensor<1x2x8xf16>,
        tensor<13x2x8xf16>, tensor<13x2x8xf16>
      -> tensor<1x6x8xf16>, tensor<13x2x8xf16>, tensor<13x2x8xf16>
  return %o#0, %o#1, %o#2 : tensor<1x6x8xf16>, tensor<13x2x8xf16>, tensor<13x2x8xf16>
}

// parallel (the default): the matmul kernels' cache-tile loops run as an
// OpenMP worksharing loop; parallel=false keeps them sequential.
// PAR-LABEL: llvm.func @tfc_matmul_Dx24_24x37_f32_f32_f32(
// PAR: omp.parallel {
// PAR-NEXT: omp.wsloop {
// PAR-NEXT: omp.loop_nest
// SERIAL-NOT: omp.
// SERIAL: llvm.func @tfc_matmul_Dx24_24x37_f32_f32_f32(
// SERIAL-NOT: omp.

// vectorize=false: no shared kernels, no vectors, no threads.
// SCALAR: llvm.func @mlp(
// SCALAR-NOT: tfc_matmul
// SCALAR-NOT: tfc_kernel
// SCALAR-NOT: vector<
// SCALAR-NOT: omp.
