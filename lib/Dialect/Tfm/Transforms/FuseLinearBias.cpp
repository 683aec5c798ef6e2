//===- FuseLinearBias.cpp - the tfm-fuse-linear-bias pass
//-------------------===//

#include "tfc/Dialect/Tfm/IR/TfmOps.h"
#include "tfc/Dialect/Tfm/Transforms/FusionReport.h"
#include "tfc/Dialect/Tfm/Transforms/Passes.h"

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMFUSELINEARBIAS
#include "tfc/Dialect/Tfm/Transforms/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;
using namespace mlir::tfm;

namespace {

// TODO(fusion): not implemented yet; the pass changes nothing.
struct FuseLinearBiasPass
    : tfm::impl::TfmFuseLinearBiasBase<FuseLinearBiasPass> {
  using Base::Base;
  void runOnOperation() override {}
};

} // namespace
