//===- Contractions.h - recognize the linears' contraction generics -*- C++
//-*-//
//
// Linears that do not lower to linalg.matmul (a weight stored as panels, or
// read [N, K] in place) lower to linalg.generic contractions; the codegen
// passes recognize them by their structure.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_CODEGEN_CONTRACTIONS_H
#define TFC_CODEGEN_CONTRACTIONS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir::tfc {

/// Whether `op` is out[m, b, p] += x[m, k] * w[b, k, p] on tensors (loops
/// m, b, p, k) with a static panel size: the lowering of a linear over a
/// [N / P, K, P] weight.
bool isPanelMatmul(linalg::GenericOp op);

/// The panel size P of a panel matmul.
int64_t panelSize(linalg::GenericOp op);

/// Whether `op` is out[m, n] += x[m, k] * w[n, k] on tensors (loops m, n,
/// k): a linear reading an [N, K] weight in place (a tied LM head).
bool isTransposedWeightContraction(linalg::GenericOp op);

} // namespace mlir::tfc

#endif // TFC_CODEGEN_CONTRACTIONS_H
