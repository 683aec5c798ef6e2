// RUN: not tfc-opt %s --tfm-bind-weights="alignment=24" 2>&1 | FileCheck %s --check-prefix=A24
// RUN: not tfc-opt %s --tfm-bind-weights="alignment=-16" 2>&1 | FileCheck %s --check-prefix=AMINUS

// A24: error: tfm-bind-weights: alignment must be a power of two, got 24{{$}}
// AMINUS: error: tfm-bind-weights: alignment must be a power of two, got -16{{$}}

func.func @f() -> tensor<7xf32> {
  %w = tfm.weight "w" : tensor<7xf32>
  return %w : tensor<7xf32>
}
