//===- TfmToLinalg.cpp - the convert-tfm-to-linalg pass -------------------===//

#include "tfc/Conversion/TfmToLinalg/TfmToLinalg.h"

#include "tfc/Dialect/Tfm/IR/TfmOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::tfc {
#define GEN_PASS_DEF_CONVERTTFMTOLINALG
#include "tfc/Conversion/Passes.h.inc"
} // namespace mlir::tfc

using namespace mlir;

void mlir::tfc::populateTfmToLinalgPatterns(RewritePatternSet &patterns) {
  populateTfmElementwiseToLinalgPatterns(patterns);
  populateTfmNormToLinalgPatterns(patterns);
  populateTfmLinearToLinalgPatterns(patterns);
  populateTfmShapeToTensorPatterns(patterns);
  populateTfmAttentionToLinalgPatterns(patterns);
  populateTfmMathToLinalgPatterns(patterns);
}

namespace {
struct ConvertTfmToLinalgPass
    : tfc::impl::ConvertTfmToLinalgBase<ConvertTfmToLinalgPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Unbound weights have no lowering: say so precisely instead of letting
    // the conversion report a generic legalization failure.
    WalkResult unbound =
        module.walk([](tfm::WeightOp w) {
          w.emitOpError("'")
              << w.getName()
              << "' is not bound to weight storage; run --tfm-bind-weights "
                 "before --convert-tfm-to-linalg";
          return WalkResult::interrupt();
        });
    if (unbound.wasInterrupted())
      return signalPassFailure();

    int64_t count = 0;
    module.walk([&](Operation *op) {
      if (isa<tfm::TfmDialect>(op->getDialect()))
        ++count;
    });

    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, tensor::TensorDialect,
                           func::FuncDialect, memref::MemRefDialect,
                           bufferization::BufferizationDialect>();
    target.addIllegalDialect<tfm::TfmDialect>();
    RewritePatternSet patterns(ctx);
    tfc::populateTfmToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      return signalPassFailure();
    numLoweredOps += count;
  }
};
} // namespace
