//===- Passes.td - tfc conversion passes -------------------*- tablegen -*-===//

#ifndef TFC_CONVERSION_PASSES_TD
#define TFC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertTfmToLinalg : Pass<"convert-tfm-to-linalg", "ModuleOp"> {
  let summary = "Lower tfm ops to linalg, tensor, arith and math";
  let description = [{
    Rewrites every `tfm` op into destination-passing linalg ops on tensors
    (`linalg.generic` contractions and reductions, `linalg.transpose`,
    `tensor.expand_shape`/`collapse_shape`, `tensor.insert_slice` for KV
    caches). Dynamic sequence lengths are carried through `tensor.dim`.
    `tfm.weight` ops must have been bound to storage first
    (`--tfm-bind-weights`); an unbound weight is reported, not miscompiled.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
  ];
  let statistics = [
    Statistic<"numLoweredOps", "lowered-ops", "Number of tfm ops lowered">
  ];
}

#endif // TFC_CONVERSION_PASSES_TD
