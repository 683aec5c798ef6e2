//===- MergeParallelLinears.cpp - the tfm-merge-parallel-linears pass
//-------===//

#include "tfc/Dialect/Tfm/IR/TfmOps.h"
#include "tfc/Dialect/Tfm/Transforms/FusionReport.h"
#include "tfc/Dialect/Tfm/Transforms/Passes.h"

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMMERGEPARALLELLINEARS
#include "tfc/Dialect/Tfm/Transforms/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;
using namespace mlir::tfm;

namespace {

// TODO(fusion): not implemented yet; the pass changes nothing.
struct MergeParallelLinearsPass
    : tfm::impl::TfmMergeParallelLinearsBase<MergeParallelLinearsPass> {
  using Base::Base;
  void runOnOperation() override {}
};

} // namespace
