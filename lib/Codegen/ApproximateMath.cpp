//===- ApproximateMath.cpp - the tfc-approximate-math pass ----------------===//

#include "tfc/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::tfc {
#define GEN_PASS_DEF_TFCAPPROXIMATEMATH
#include "tfc/Codegen/Passes.h.inc"
} // namespace mlir::tfc

using namespace mlir;

namespace {
struct TfcApproximateMathPass
    : tfc::impl::TfcApproximateMathBase<TfcApproximateMathPass> {
  using TfcApproximateMathBase::TfcApproximateMathBase;

  void runOnOperation() override {
    llvm::StringSet<> wanted;
    for (StringRef name : ops) {
      name.consume_front("math.");
      wanted.insert(name);
    }
    // Accept "tanh" as well as "math.tanh".
    auto predicate = [&](StringRef name) {
      name.consume_front("math.");
      return wanted.empty() || wanted.contains(name);
    };
    RewritePatternSet patterns(&getContext());
    populateMathF32ExpansionPatterns(patterns, predicate);
    populateMathPolynomialApproximationPatterns(patterns, predicate);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
