// RUN: tfc-opt %s --tfc-approximate-math | FileCheck %s --check-prefix=ALL
// RUN: tfc-opt %s "--tfc-approximate-math=ops=tanh" | FileCheck %s --check-prefix=TANH
// RUN: tfc-opt %s "--tfc-approximate-math=ops=erf,exp" | FileCheck %s --check-prefix=ERFEXP

// tanh, erf and exp become polynomials built from arith/math.fma (which
// vectorize); f16 operands are computed in f32. `ops=` restricts the rewrite
// to the named ops.

// ALL-LABEL: func.func @tanh_f32
// ALL-NOT: math.tanh
// ALL: math.fma
// ALL: return
// TANH-LABEL: func.func @tanh_f32
// TANH-NOT: math.tanh
// TANH: return
// ERFEXP-LABEL: func.func @tanh_f32
// ERFEXP: math.tanh
func.func @tanh_f32(%x: f32) -> f32 {
  %0 = math.tanh %x : f32
  return %0 : f32
}

// ALL-LABEL: func.func @erf_f32
// ALL-NOT: math.erf
// ALL: math.fma
// ALL: return
// TANH-LABEL: func.func @erf_f32
// TANH: math.erf
// ERFEXP-LABEL: func.func @erf_f32
// ERFEXP-NOT: math.erf
// ERFEXP: return
func.func @erf_f32(%x: f32) -> f32 {
  %0 = math.erf %x : f32
  return %0 : f32
}

// ALL-LABEL: func.func @exp_vector
// ALL-NOT: math.exp
// ALL: math.fma %{{.*}} : vector<13xf32>
// ALL: return
// TANH-LABEL: func.func @exp_vector
// TANH: math.exp %{{.*}} : vector<13xf32>
// ERFEXP-LABEL: func.func @exp_vector
// ERFEXP-NOT: math.exp
// ERFEXP: return
func.func @exp_vector(%x: vector<13xf32>) -> vector<13xf32> {
  %0 = math.exp %x : vector<13xf32>
  return %0 : vector<13xf32>
}

// f16 is widened, approximated in f32 and narrowed.
// ALL-LABEL: func.func @tanh_f16
// ALL: arith.extf %{{.*}} : f16 to f32
// ALL-NOT: math.tanh
// ALL: arith.truncf %{{.*}} : f32 to f16
// ALL: return
func.func @tanh_f16(%x: f16) -> f16 {
  %0 = math.tanh %x : f16
  return %0 : f16
}

// Inside a linalg body, as the tfm lowering produces it (GELU, tanh form).
// ALL-LABEL: func.func @gelu_body
// ALL: linalg.generic
// ALL-NOT: math.tanh
// ALL: linalg.yield
// TANH-LABEL: func.func @gelu_body
// TANH-NOT: math.tanh
// TANH: linalg.yield
// ERFEXP-LABEL: func.func @gelu_body
// ERFEXP: math.tanh
func.func @gelu_body(%x: tensor<7x37xf32>) -> tensor<7x37xf32> {
  %e = tensor.empty() : tensor<7x37xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<7x37xf32>) outs(%e : tensor<7x37xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = math.tanh %in : f32
    linalg.yield %t : f32
  } -> tensor<7x37xf32>
  return %0 : tensor<7x37xf32>
}

// Ops outside the supported set are left alone.
// ALL-LABEL: func.func @untouched
// ALL: math.sqrt
// ALL: math.absf
func.func @untouched(%x: f32) -> f32 {
  %0 = math.sqrt %x : f32
  %1 = math.absf %0 : f32
  return %1 : f32
}
