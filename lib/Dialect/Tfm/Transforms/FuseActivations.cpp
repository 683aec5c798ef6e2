//===- FuseActivations.cpp - the tfm-fuse-activations pass
//------------------===//

#include "tfc/Dialect/Tfm/IR/TfmOps.h"
#include "tfc/Dialect/Tfm/Transforms/FusionReport.h"
#include "tfc/Dialect/Tfm/Transforms/Passes.h"

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMFUSEACTIVATIONS
#include "tfc/Dialect/Tfm/Transforms/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;
using namespace mlir::tfm;

namespace {

// TODO(fusion): not implemented yet; the pass changes nothing.
struct FuseActivationsPass
    : tfm::impl::TfmFuseActivationsBase<FuseActivationsPass> {
  using Base::Base;
  void runOnOperation() override {}
};

} // namespace
