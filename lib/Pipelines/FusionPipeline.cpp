//===- FusionPipeline.cpp - raise imported graphs to layer ops ------------===//

#include "tfc/Pipelines/Pipelines.h"

#include "tfc/Dialect/Tfm/Transforms/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::tfc;

void mlir::tfc::buildTfmFusionPipeline(OpPassManager &pm,
                                       const FusionPipelineOptions &options) {
  bool report = options.report;
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Norms and activations first: the attention and rotary matchers then see
  // whole layer ops around them. Rotary before attention, whose query and
  // key chains pass through the rotation.
  pm.addPass(tfm::createTfmFuseNorms({report}));
  pm.addPass(tfm::createTfmFuseActivations({report}));
  pm.addPass(tfm::createTfmFuseRotary({report}));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(tfm::createTfmFuseAttention({report}));
  pm.addPass(tfm::createTfmFuseLinearBias({report}));
  pm.addPass(tfm::createTfmFuseResidualNorm({report}));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void mlir::tfc::registerTfmFusionPipeline() {
  PassPipelineRegistration<FusionPipelineOptions>(
      "tfm-fuse",
      "Raise an imported graph's primitive chains to tfm layer ops (norms, "
      "activations, rotary, attention, bias epilogues)",
      buildTfmFusionPipeline);
}
