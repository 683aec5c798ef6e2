//===- Passes.td - tfc code generation passes --------------*- tablegen -*-===//

#ifndef TFC_CODEGEN_PASSES_TD
#define TFC_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

def TfcApproximateMath : Pass<"tfc-approximate-math"> {
  let summary = "Replace transcendental math ops by vectorizable polynomials";
  let description = [{
    `math.tanh`, `math.erf`, `math.exp`, `math.log`, `math.sin`, `math.cos`,
    `math.rsqrt` and friends have no vector instruction on CPUs; lowered
    as-is they become scalar libm calls inside vector loops. This pass
    rewrites the ops named in `ops` (default: all supported) into
    polynomial approximations built from arith ops (about 1-2 ulp in f32),
    which vectorize. f16/bf16 operands are computed in f32.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect",
    "::mlir::vector::VectorDialect",
  ];
  let options = [
    ListOption<"ops", "ops", "std::string",
               "Math op names to approximate (e.g. tanh,erf); empty = all">
  ];
}

#endif // TFC_CODEGEN_PASSES_TD
