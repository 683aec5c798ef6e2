// RUN: tfc-opt %s "--tfc-approximate-math=ops=math.tanh,math.erf" | FileCheck %s

// Op names may be given with or without the "math." prefix.

// CHECK-LABEL: func.func @qualified_names
// CHECK-NOT: math.tanh
// CHECK-NOT: math.erf
// CHECK: math.exp
// CHECK: return
func.func @qualified_names(%x: f32) -> (f32, f32, f32) {
  %0 = math.tanh %x : f32
  %1 = math.erf %x : f32
  %2 = math.exp %x : f32
  return %0, %1, %2 : f32, f32, f32
}
