//===- PanelMatmul.h - recognize linears over panel-packed weights -*- C++ -*-//
//
// A linear whose weight is stored as column panels (`tfm.weight ... panels
// P`, layout `panels`) lowers to a linalg.generic rather than a named op;
// the codegen passes recognize it by its structure.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_CODEGEN_PANELMATMUL_H
#define TFC_CODEGEN_PANELMATMUL_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir::tfc {

/// Whether `op` is out[m, b, p] += x[m, k] * w[b, k, p] on tensors (loops
/// m, b, p, k) with a static panel size: the lowering of a linear over a
/// [N / P, K, P] weight.
bool isPanelMatmul(linalg::GenericOp op);

/// The panel size P of a panel matmul.
int64_t panelSize(linalg::GenericOp op);

} // namespace mlir::tfc

#endif // TFC_CODEGEN_PANELMATMUL_H
