//===- MergeParallelLinears.cpp - the tfm-merge-parallel-linears pass -----===//
//
// Linears that read the same input (LLaMA's q/k/v projections, gate/up) become
// one linear over the weights concatenated along the output-feature axis,
// followed by one slice of the result's last dimension per original linear.
// The merged weight is a `tensor.concat` of `tfm.weight` ops, which
// --tfm-bind-weights binds as one composite blob entry, so the concatenation
// costs nothing at run time.
//
//===----------------------------------------------------------------------===//

#include "tfc/Dialect/Tfm/IR/TfmOps.h"
#include "tfc/Dialect/Tfm/Transforms/FusionReport.h"
#include "tfc/Dialect/Tfm/Transforms/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMMERGEPARALLELLINEARS
#include "tfc/Dialect/Tfm/Transforms/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;
using namespace mlir::tfm;

namespace {

constexpr StringLiteral kPattern = "parallel_linears";

/// The linears in `block` that read `input`, in block order.
SmallVector<LinearOp> linearsReading(Value input, Block *block) {
  llvm::SetVector<Operation *> users;
  for (OpOperand &use : input.getUses())
    if (auto linear = dyn_cast<LinearOp>(use.getOwner()))
      if (use.getOperandNumber() == 0 && linear->getBlock() == block)
        users.insert(linear);
  SmallVector<LinearOp> result;
  for (Operation *op : users)
    result.push_back(cast<LinearOp>(op));
  llvm::sort(result,
             [](LinearOp a, LinearOp b) { return a->isBeforeInBlock(b); });
  return result;
}

/// The linears `op` merges with (itself included, in block order): those on
/// the same input, in the same block, with the same weight layout and a
/// `tfm.weight` weight. (The verifier gives every linear the element type of
/// its input, so linears on one input always agree on element types.)
SmallVector<LinearOp> mergeGroup(LinearOp op) {
  // Panels concatenate along their first dimension, so the panel sizes
  // must agree (the weight types' last dimension) and no panel may be
  // padded.
  auto isCandidate = [&](LinearOp l) {
    return l.getWeightLayout() == op.getWeightLayout() &&
           l.getWeight().getDefiningOp<WeightOp>() && !l.hasPaddedPanels() &&
           (l.getWeightLayout() != WeightLayout::Panels ||
            l.getWeight().getType().getDimSize(2) ==
                op.getWeight().getType().getDimSize(2));
  };
  if (!isCandidate(op))
    return {};
  SmallVector<LinearOp> group;
  for (LinearOp l : linearsReading(op.getInput(), op->getBlock()))
    if (isCandidate(l))
      group.push_back(l);
  return group;
}

/// A fresh copy of the weight `value` is defined by, at the insertion point
/// (the original may be defined after the merged linear).
Value cloneWeight(PatternRewriter &rewriter, Value value) {
  auto w = value.getDefiningOp<WeightOp>();
  return WeightOp::create(rewriter, w.getLoc(), w.getType(), w.getNameAttr(),
                          w.getPermutationAttr(), w.getPanelsAttr());
}

struct MergeLinears : OpRewritePattern<LinearOp> {
  MergeLinears(MLIRContext *ctx, FusionReport &report)
      : OpRewritePattern(ctx), report(report) {}

  LogicalResult matchAndRewrite(LinearOp op,
                                PatternRewriter &rewriter) const override {
    SmallVector<LinearOp> group = mergeGroup(op);
    if (group.size() < 2)
      return rewriter.notifyMatchFailure(op, "no linear to merge with");
    // Rewrite once per group, from its first member.
    if (group.front() != op)
      return rewriter.notifyMatchFailure(op, "not the first of its group");

    Location anchor = op.getLoc(); // `op` is replaced below.
    // The output-feature axis: N of [N, K] and of [N / P, K, P].
    int64_t axis = op.getWeightLayout() == WeightLayout::InOut ? 1 : 0;
    // Biases go into the merged linear when every linear has a `tfm.weight`
    // bias (a composite blob entry, like the weight). Otherwise the merged
    // linear has none and each slice adds its linear's bias, if any.
    bool concatBiases = llvm::all_of(group, [](LinearOp l) {
      return l.getBias() && l.getBias().getDefiningOp<WeightOp>();
    });

    Location loc = rewriter.getFusedLoc(llvm::to_vector(
        llvm::map_range(group, [](LinearOp l) { return l.getLoc(); })));
    rewriter.setInsertionPoint(op);
    SmallVector<Value> weights, biases;
    for (LinearOp l : group) {
      weights.push_back(cloneWeight(rewriter, l.getWeight()));
      if (concatBiases)
        biases.push_back(cloneWeight(rewriter, l.getBias()));
    }
    Value weight = tensor::ConcatOp::create(rewriter, loc, axis, weights);
    Value bias;
    if (concatBiases)
      bias = tensor::ConcatOp::create(rewriter, loc, 0, biases);

    // The merged result keeps the input's leading dimensions.
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    SmallVector<int64_t> shape(inType.getShape());
    int64_t total = 0;
    for (LinearOp l : group)
      total += l.getOutFeatures();
    shape.back() = total;
    auto mergedType = RankedTensorType::get(shape, inType.getElementType());
    auto merged = LinearOp::create(rewriter, loc, mergedType, op.getInput(),
                                   weight, bias, op.getWeightLayoutAttr());

    int64_t offset = 0;
    for (LinearOp l : group) {
      rewriter.setInsertionPoint(l);
      int64_t n = l.getOutFeatures();
      SmallVector<OpFoldResult> offsets(shape.size(), rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes =
          tensor::getMixedSizes(rewriter, l.getLoc(), merged);
      SmallVector<OpFoldResult> strides(shape.size(), rewriter.getIndexAttr(1));
      offsets.back() = rewriter.getIndexAttr(offset);
      sizes.back() = rewriter.getIndexAttr(n);
      offset += n;
      Value part = tensor::ExtractSliceOp::create(rewriter, l.getLoc(), merged,
                                                  offsets, sizes, strides);
      // The original result type may be less (or more) static than the
      // slice's: both are compatible, a cast bridges them.
      if (part.getType() != l.getType())
        part = tensor::CastOp::create(rewriter, l.getLoc(), l.getType(), part);
      if (!concatBiases && l.getBias())
        part =
            AddOp::create(rewriter, l.getLoc(), l.getType(), part, l.getBias());
      rewriter.replaceOp(l, part);
    }
    report.fused(anchor, kPattern);
    return success();
  }

  FusionReport &report;
};

/// Whether `weight` is the concatenation of weights this pass makes.
bool isMergedWeight(Value weight) {
  auto concat = weight.getDefiningOp<tensor::ConcatOp>();
  return concat && llvm::all_of(concat.getInputs(), [](Value v) {
           return v.getDefiningOp<WeightOp>() != nullptr;
         });
}

/// Why the linears in `linears` (two or more on one value, in one block, left
/// after the rewrite) were not merged.
std::string nearMissReason(ArrayRef<LinearOp> linears) {
  int64_t candidates = 0, others = 0;
  for (LinearOp l : linears) {
    if (l.getWeight().getDefiningOp<WeightOp>() ||
        isMergedWeight(l.getWeight()))
      ++candidates;
    else
      ++others;
  }
  // Candidates with the same layout would have merged, unless padded.
  if (llvm::any_of(linears, [](LinearOp l) { return l.hasPaddedPanels(); }))
    return "a padded panel weight cannot be concatenated";
  if (candidates >= 2)
    return "weights have different layouts or panel sizes";
  return std::to_string(others) + " of " + std::to_string(linears.size()) +
         " linears read a weight that is not a tfm.weight";
}

struct MergeParallelLinearsPass
    : tfm::impl::TfmMergeParallelLinearsBase<MergeParallelLinearsPass> {
  using Base::Base;

  void runOnOperation() override {
    FusionReport fusion(this->report);
    RewritePatternSet patterns(&getContext());
    patterns.add<MergeLinears>(&getContext(), fusion);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();

    // Near misses: each value still read by two or more linears of one block.
    llvm::MapVector<std::pair<Value, Block *>, SmallVector<LinearOp>> reads;
    getOperation()->walk(
        [&](LinearOp l) { reads[{l.getInput(), l->getBlock()}].push_back(l); });
    for (auto &[key, linears] : reads)
      if (linears.size() >= 2)
        fusion.nearMiss(linears.front().getLoc(), kPattern,
                        nearMissReason(linears));

    numFused = fusion.numFused();
    numNearMisses = fusion.numNearMisses();
  }
};

} // namespace
