//===- TfmNNOps.cpp - embedding, linear, norms, activations, softmax ------===//

#include "tfc/Dialect/Tfm/IR/TfmOps.h"

#include "VerifyUtils.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::tfm;
using tfm::verify::dimsCompatible;
using tfm::verify::formatShape;

static LogicalResult verifySameElementType(Operation *op, Value a, Value b,
                                           StringRef aName, StringRef bName) {
  Type ea = getElementTypeOrSelf(a.getType());
  Type eb = getElementTypeOrSelf(b.getType());
  if (ea != eb)
    return op->emitOpError()
           << aName << " element type " << ea << " does not match " << bName
           << " element type " << eb;
  return success();
}

//===----------------------------------------------------------------------===//
// EmbeddingOp
//===----------------------------------------------------------------------===//

LogicalResult EmbeddingOp::verify() {
  auto table = getTable().getType();
  auto ids = getIndices().getType();
  auto res = getType();
  if ((table.getRank() != 2 && table.getRank() != 3) || !table.hasStaticShape())
    return emitOpError("embedding table must be a static 2-D [vocab, dim] "
                       "tensor or 3-D [vocab / P, dim, P] panels, got ")
           << formatShape(table);
  if (failed(verifySameElementType(*this, getResult(), getTable(), "result",
                                   "table")))
    return failure();
  if (res.getRank() != ids.getRank() + 1)
    return emitOpError("result rank ")
           << res.getRank() << " must be the indices rank " << ids.getRank()
           << " plus one";
  for (int64_t i = 0; i < ids.getRank(); ++i)
    if (!dimsCompatible(res.getDimSize(i), ids.getDimSize(i)))
      return emitOpError("result shape ")
             << formatShape(res) << " does not match indices shape "
             << formatShape(ids) << " followed by the embedding width";
  if (!dimsCompatible(res.getShape().back(), table.getDimSize(1)))
    return emitOpError("result width ")
           << res.getShape().back() << " does not match the table width "
           << table.getDimSize(1);
  return success();
}

//===----------------------------------------------------------------------===//
// LinearOp
//===----------------------------------------------------------------------===//

int64_t LinearOp::getInFeatures() {
  auto w = getWeight().getType();
  switch (getWeightLayout()) {
  case WeightLayout::OutIn:
  case WeightLayout::Panels:
    return w.getDimSize(1);
  case WeightLayout::InOut:
    return w.getDimSize(0);
  }
  llvm_unreachable("unknown weight layout");
}

int64_t LinearOp::getOutFeatures() {
  auto w = getWeight().getType();
  switch (getWeightLayout()) {
  case WeightLayout::OutIn:
    return w.getDimSize(0);
  case WeightLayout::InOut:
    return w.getDimSize(1);
  case WeightLayout::Panels: {
    // The last panel may be padded: the result says how many are real.
    int64_t n = getType().getShape().back();
    return ShapedType::isDynamic(n) ? w.getDimSize(0) * w.getDimSize(2) : n;
  }
  }
  llvm_unreachable("unknown weight layout");
}

bool LinearOp::hasPaddedPanels() {
  auto w = getWeight().getType();
  return getWeightLayout() == WeightLayout::Panels &&
         w.getDimSize(0) * w.getDimSize(2) != getOutFeatures();
}

LogicalResult LinearOp::verify() {
  auto in = getInput().getType();
  auto w = getWeight().getType();
  auto res = getType();
  int64_t rank = getWeightLayout() == WeightLayout::Panels ? 3 : 2;
  if (w.getRank() != rank || !w.hasStaticShape())
    return emitOpError("weight must be a static ")
           << rank << "-D tensor for layout "
           << stringifyWeightLayout(getWeightLayout()) << ", got "
           << formatShape(w);
  if (in.getRank() < 1)
    return emitOpError("input must have rank >= 1");
  if (failed(verifySameElementType(*this, getInput(), getWeight(), "input",
                                   "weight")) ||
      failed(verifySameElementType(*this, getResult(), getInput(), "result",
                                   "input")))
    return failure();
  StringRef layout = stringifyWeightLayout(getWeightLayout());
  int64_t k = getInFeatures(), n = getOutFeatures();
  if (!dimsCompatible(in.getShape().back(), k))
    return emitOpError("input features ")
           << in.getShape().back() << " do not match the weight's " << k
           << " input features (weight " << formatShape(w) << ", layout "
           << layout << ")";
  if (Value bias = getBias()) {
    auto b = cast<RankedTensorType>(bias.getType());
    if (b.getRank() != 1 || !dimsCompatible(b.getDimSize(0), n))
      return emitOpError("bias must be [")
             << n << "] to match the weight's output features, got "
             << formatShape(b);
    if (failed(
            verifySameElementType(*this, bias, getWeight(), "bias", "weight")))
      return failure();
  }
  if (res.getRank() != in.getRank())
    return emitOpError("result rank ")
           << res.getRank() << " must equal the input rank " << in.getRank();
  for (int64_t i = 0; i + 1 < in.getRank(); ++i)
    if (!dimsCompatible(res.getDimSize(i), in.getDimSize(i)))
      return emitOpError("result shape ")
             << formatShape(res) << " does not keep the input's leading "
             << "dimensions " << formatShape(in);
  if (getWeightLayout() == WeightLayout::Panels) {
    int64_t blocks = w.getDimSize(0), p = w.getDimSize(2);
    if (ShapedType::isDynamic(res.getShape().back()) ||
        llvm::divideCeilSigned(n, p) != blocks)
      return emitOpError("result features ")
             << res.getShape().back() << " do not fit the weight's " << blocks
             << " panels of " << p << " (" << (blocks - 1) * p + 1 << " to "
             << blocks * p << ")";
  } else if (!dimsCompatible(res.getShape().back(), n)) {
    return emitOpError("result features ")
           << res.getShape().back() << " do not match the weight's " << n
           << " output features";
  }
  return success();
}

namespace {
/// linear(x, w, zeros) -> linear(x, w).
struct DropZeroBias : OpRewritePattern<LinearOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LinearOp op,
                                PatternRewriter &rewriter) const override {
    Value bias = op.getBias();
    if (!bias || !matchPattern(bias, m_AnyZeroFloat()))
      return failure();
    rewriter.modifyOpInPlace(op, [&] { op.getBiasMutable().clear(); });
    return success();
  }
};
} // namespace

void LinearOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                           MLIRContext *context) {
  results.add<DropZeroBias>(context);
}

//===----------------------------------------------------------------------===//
// Normalizations
//===----------------------------------------------------------------------===//

static LogicalResult verifyNorm(Operation *op, Value input, Value scale,
                                Value bias, APFloat epsilon) {
  auto in = cast<RankedTensorType>(input.getType());
  if (in.getRank() < 1)
    return op->emitOpError("input must have rank >= 1");
  int64_t width = in.getShape().back();
  auto checkParam = [&](Value v, StringRef name) -> LogicalResult {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getRank() != 1 || !dimsCompatible(t.getDimSize(0), width))
      return op->emitOpError()
             << name << " must be [" << width
             << "] (the normalized last dimension), got " << formatShape(t);
    return verifySameElementType(op, v, input, name, "input");
  };
  if (failed(checkParam(scale, "scale")))
    return failure();
  if (bias && failed(checkParam(bias, "bias")))
    return failure();
  double eps = epsilon.convertToDouble();
  if (!(eps > 0.0) || !std::isfinite(eps))
    return op->emitOpError("epsilon must be positive and finite, got ") << eps;
  return success();
}

LogicalResult LayerNormOp::verify() {
  return verifyNorm(*this, getInput(), getScale(), getBias(), getEpsilon());
}

LogicalResult RMSNormOp::verify() {
  return verifyNorm(*this, getInput(), getScale(), Value(), getEpsilon());
}

//===----------------------------------------------------------------------===//
// SoftmaxOp
//===----------------------------------------------------------------------===//

int64_t SoftmaxOp::getNormalizedAxis() {
  int64_t axis = getAxisAttr().getInt();
  return axis < 0 ? axis + getType().getRank() : axis;
}

LogicalResult SoftmaxOp::verify() {
  int64_t rank = getType().getRank();
  int64_t axis = getAxisAttr().getInt();
  if (axis < -rank || axis >= rank)
    return emitOpError("axis ")
           << axis << " is out of range for rank " << rank << " (expected ["
           << -rank << ", " << rank << "))";
  return success();
}

//===----------------------------------------------------------------------===//
// Residual addition + normalization
//===----------------------------------------------------------------------===//

/// The residual must have the input's type exactly: the fused op adds
/// without broadcasting.
static LogicalResult verifyAddNorm(Operation *op, Value input, Value residual,
                                   Value scale, Value bias, APFloat epsilon) {
  if (residual.getType() != input.getType())
    return op->emitOpError("residual type ")
           << residual.getType() << " does not match the input type "
           << input.getType() << " (no broadcasting)";
  return verifyNorm(op, input, scale, bias, epsilon);
}

LogicalResult AddLayerNormOp::verify() {
  return verifyAddNorm(*this, getInput(), getResidual(), getScale(), getBias(),
                       getEpsilon());
}

LogicalResult AddRMSNormOp::verify() {
  return verifyAddNorm(*this, getInput(), getResidual(), getScale(), Value(),
                       getEpsilon());
}
