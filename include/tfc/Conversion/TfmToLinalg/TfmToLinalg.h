//===- TfmToLinalg.h - lowering tfm to linalg on tensors --------*- C++ -*-===//

#ifndef TFC_CONVERSION_TFMTOLINALG_TFMTOLINALG_H
#define TFC_CONVERSION_TFMTOLINALG_TFMTOLINALG_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
class TypeConverter;

namespace tfc {

#define GEN_PASS_DECL_CONVERTTFMTOLINALG
#include "tfc/Conversion/Passes.h.inc"

/// Patterns lowering each family of tfm ops; together they cover every op
/// except `tfm.weight`, which storage binding replaces.
void populateTfmElementwiseToLinalgPatterns(RewritePatternSet &patterns);
void populateTfmNormToLinalgPatterns(RewritePatternSet &patterns);
void populateTfmLinearToLinalgPatterns(RewritePatternSet &patterns);
void populateTfmShapeToTensorPatterns(RewritePatternSet &patterns);
void populateTfmAttentionToLinalgPatterns(RewritePatternSet &patterns);
void populateTfmMathToLinalgPatterns(RewritePatternSet &patterns);

void populateTfmToLinalgPatterns(RewritePatternSet &patterns);

} // namespace tfc
} // namespace mlir

#endif // TFC_CONVERSION_TFMTOLINALG_TFMTOLINALG_H
