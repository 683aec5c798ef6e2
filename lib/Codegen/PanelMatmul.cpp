//===- PanelMatmul.cpp - recognize linears over panel-packed weights ------===//

#include "tfc/Codegen/PanelMatmul.h"

using namespace mlir;

bool mlir::tfc::isPanelMatmul(linalg::GenericOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.getNumLoops() != 4)
    return false;
  auto iters = op.getIteratorTypesArray();
  if (llvm::count(iters, utils::IteratorType::parallel) != 3 ||
      iters[3] != utils::IteratorType::reduction)
    return false;
  MLIRContext *ctx = op.getContext();
  AffineExpr m = getAffineDimExpr(0, ctx), b = getAffineDimExpr(1, ctx),
             p = getAffineDimExpr(2, ctx), k = getAffineDimExpr(3, ctx);
  SmallVector<AffineMap> want{AffineMap::get(4, 0, {m, k}, ctx),
                              AffineMap::get(4, 0, {b, k, p}, ctx),
                              AffineMap::get(4, 0, {m, b, p}, ctx)};
  return op.getIndexingMapsArray() == want &&
         !ShapedType::isDynamic(panelSize(op));
}

int64_t mlir::tfc::panelSize(linalg::GenericOp op) {
  return cast<ShapedType>(op.getDpsInputs()[1].getType()).getDimSize(2);
}
