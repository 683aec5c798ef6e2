//===- Contractions.cpp - recognize the linears' contraction generics -----===//

#include "tfc/Codegen/Contractions.h"

using namespace mlir;

/// Whether `op` has two inputs and one init on tensors, the indexing maps
/// `operands` (dimension lists over `loops` loops), and only parallel loops
/// but the last, which reduces.
static bool isLastLoopContraction(linalg::GenericOp op, unsigned loops,
                                  ArrayRef<SmallVector<unsigned>> operands) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.getNumLoops() != loops)
    return false;
  for (auto [i, it] : llvm::enumerate(op.getIteratorTypesArray()))
    if (it != (i + 1 == loops ? utils::IteratorType::reduction
                              : utils::IteratorType::parallel))
      return false;
  MLIRContext *ctx = op.getContext();
  SmallVector<AffineMap> want =
      llvm::map_to_vector(operands, [&](const SmallVector<unsigned> &dims) {
        return AffineMap::getMultiDimMapWithTargets(loops, dims, ctx);
      });
  return op.getIndexingMapsArray() == want;
}

bool mlir::tfc::isPanelMatmul(linalg::GenericOp op) {
  // Loops (m, b, p, k): x (m, k), w (b, k, p), out (m, b, p).
  return isLastLoopContraction(op, 4, {{0, 3}, {1, 3, 2}, {0, 1, 2}}) &&
         !ShapedType::isDynamic(panelSize(op));
}

int64_t mlir::tfc::panelSize(linalg::GenericOp op) {
  return cast<ShapedType>(op.getDpsInputs()[1].getType()).getDimSize(2);
}

bool mlir::tfc::isTransposedWeightContraction(linalg::GenericOp op) {
  // Loops (m, n, k): x (m, k), w (n, k), out (m, n).
  return isLastLoopContraction(op, 3, {{0, 2}, {1, 2}, {0, 1}});
}
