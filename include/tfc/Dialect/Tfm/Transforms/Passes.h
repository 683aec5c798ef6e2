//===- Passes.h - tfm dialect transformations -------------------*- C++ -*-===//

#ifndef TFC_DIALECT_TFM_TRANSFORMS_PASSES_H
#define TFC_DIALECT_TFM_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir::tfm {

#define GEN_PASS_DECL
#include "tfc/Dialect/Tfm/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tfc/Dialect/Tfm/Transforms/Passes.h.inc"

/// Names of the module attributes written by --tfm-bind-weights.
inline constexpr llvm::StringLiteral kWeightTableAttrName = "tfm.weight_table";
inline constexpr llvm::StringLiteral kWeightBytesAttrName = "tfm.weight_bytes";

/// Module attribute of a language model: the key/value description the LM
/// runtime reads (arch, vocab_size, context, num_layers, ...). Written by
/// the HF importer and by --tfm-build-lm-entry-points.
inline constexpr llvm::StringLiteral kModelInfoAttrName = "tfc.model_info";

} // namespace mlir::tfm

#endif // TFC_DIALECT_TFM_TRANSFORMS_PASSES_H
