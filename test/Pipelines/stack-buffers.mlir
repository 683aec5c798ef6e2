// RUN: tfc-opt %s --tfc-cpu-pipeline | FileCheck %s

// Static temporaries at the top level of a function go on the stack, up to
// 1 MiB per function (their allocas get no lifetime markers, so the frame
// holds all of them): of the forty 64 KiB softmax results below, the first
// 15 fit beside the small ones, the other 5 stay heap buffers.
// CHECK-LABEL: llvm.func @budget(
// CHECK: %[[N:.*]] = llvm.mlir.constant(16384 : index) : i64
// CHECK-COUNT-15: llvm.alloca %[[N]] x f32
// CHECK-NOT: llvm.alloca %[[N]] x f32
// CHECK-COUNT-5: llvm.call @malloc
// CHECK-NOT: llvm.alloca %[[N]] x f32
// CHECK: llvm.return
func.func @budget(%x: tensor<1x16384xf32>) -> tensor<1x16384xf32> {
  %s0 = tfm.softmax %x {axis = -1 : i64} : tensor<1x16384xf32>
  %s1 = tfm.softmax %s0 {axis = -1 : i64} : tensor<1x16384xf32>
  %s2 = tfm.softmax %s1 {axis = -1 : i64} : tensor<1x16384xf32>
  %s3 = tfm.softmax %s2 {axis = -1 : i64} : tensor<1x16384xf32>
  %s4 = tfm.softmax %s3 {axis = -1 : i64} : tensor<1x16384xf32>
  %s5 = tfm.softmax %s4 {axis = -1 : i64} : tensor<1x16384xf32>
  %s6 = tfm.softmax %s5 {axis = -1 : i64} : tensor<1x16384xf32>
  %s7 = tfm.softmax %s6 {axis = -1 : i64} : tensor<1x16384xf32>
  %s8 = tfm.softmax %s7 {axis = -1 : i64} : tensor<1x16384xf32>
  %s9 = tfm.softmax %s8 {axis = -1 : i64} : tensor<1x16384xf32>
  %s10 = tfm.softmax %s9 {axis = -1 : i64} : tensor<1x16384xf32>
  %s11 = tfm.softmax %s10 {axis = -1 : i64} : tensor<1x16384xf32>
  %s12 = tfm.softmax %s11 {axis = -1 : i64} : tensor<1x16384xf32>
  %s13 = tfm.softmax %s12 {axis = -1 : i64} : tensor<1x16384xf32>
  %s14 = tfm.softmax %s13 {axis = -1 : i64} : tensor<1x16384xf32>
  %s15 = tfm.softmax %s14 {axis = -1 : i64} : tensor<1x16384xf32>
  %s16 = tfm.softmax %s15 {axis = -1 : i64} : tensor<1x16384xf32>
  %s17 = tfm.softmax %s16 {axis = -1 : i64} : tensor<1x16384xf32>
  %s18 = tfm.softmax %s17 {axis = -1 : i64} : tensor<1x16384xf32>
  %s19 = tfm.softmax %s18 {axis = -1 : i64} : tensor<1x16384xf32>
  %s20 = tfm.softmax %s19 {axis = -1 : i64} : tensor<1x16384xf32>
  %s21 = tfm.softmax %s20 {axis = -1 : i64} : tensor<1x16384xf32>
  %s22 = tfm.softmax %s21 {axis = -1 : i64} : tensor<1x16384xf32>
  %s23 = tfm.softmax %s22 {axis = -1 : i64} : tensor<1x16384xf32>
  %s24 = tfm.softmax %s23 {axis = -1 : i64} : tensor<1x16384xf32>
  %s25 = tfm.softmax %s24 {axis = -1 : i64} : tensor<1x16384xf32>
  %s26 = tfm.softmax %s25 {axis = -1 : i64} : tensor<1x16384xf32>
  %s27 = tfm.softmax %s26 {axis = -1 : i64} : tensor<1x16384xf32>
  %s28 = tfm.softmax %s27 {axis = -1 : i64} : tensor<1x16384xf32>
  %s29 = tfm.softmax %s28 {axis = -1 : i64} : tensor<1x16384xf32>
  %s30 = tfm.softmax %s29 {axis = -1 : i64} : tensor<1x16384xf32>
  %s31 = tfm.softmax %s30 {axis = -1 : i64} : tensor<1x16384xf32>
  %s32 = tfm.softmax %s31 {axis = -1 : i64} : tensor<1x16384xf32>
  %s33 = tfm.softmax %s32 {axis = -1 : i64} : tensor<1x16384xf32>
  %s34 = tfm.softmax %s33 {axis = -1 : i64} : tensor<1x16384xf32>
  %s35 = tfm.softmax %s34 {axis = -1 : i64} : tensor<1x16384xf32>
  %s36 = tfm.softmax %s35 {axis = -1 : i64} : tensor<1x16384xf32>
  %s37 = tfm.softmax %s36 {axis = -1 : i64} : tensor<1x16384xf32>
  %s38 = tfm.softmax %s37 {axis = -1 : i64} : tensor<1x16384xf32>
  %s39 = tfm.softmax %s38 {axis = -1 : i64} : tensor<1x16384xf32>
  return %s39 : tensor<1x16384xf32>
}
