//===- ParallelizeGenerics.cpp - the tfc-parallelize-generics pass --------===//

#include "tfc/Codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/TilingInterface.h"

namespace mlir::tfc {
#define GEN_PASS_DEF_TFCPARALLELIZEGENERICS
#include "tfc/Codegen/Passes.h.inc"
} // namespace mlir::tfc

using namespace mlir;

namespace {

/// Loops of a forall over a static loop shorter than this many chunks take
/// an eighth of it per iteration instead of a chunk.
constexpr int64_t kMinIterations = 8;

struct TfcParallelizeGenericsPass
    : tfc::impl::TfcParallelizeGenericsBase<TfcParallelizeGenericsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (chunk <= 0) {
      func.emitError("tfc-parallelize-generics: chunk must be positive, got ")
          << static_cast<int64_t>(chunk);
      return signalPassFailure();
    }
    SmallVector<linalg::GenericOp> generics;
    for (Block &block : func.getBody())
      for (auto op : block.getOps<linalg::GenericOp>())
        if (op.hasPureTensorSemantics())
          generics.push_back(op);

    IRRewriter rewriter(&getContext());
    for (linalg::GenericOp op : generics) {
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      if (llvm::none_of(ranges, ShapedType::isDynamic))
        continue; // static: too small to split (decode)
      auto iters = op.getIteratorTypesArray();
      auto first = llvm::find(iters, utils::IteratorType::parallel);
      if (first == iters.end())
        continue;
      int64_t loop = first - iters.begin();
      int64_t size = chunk;
      if (!ShapedType::isDynamic(ranges[loop])) {
        if (ranges[loop] < 2)
          continue;
        if (ranges[loop] < kMinIterations * chunk)
          size = llvm::divideCeil(ranges[loop], kMinIterations);
      }
      SmallVector<int64_t> sizes(ranges.size(), 0);
      sizes[loop] = size;
      rewriter.setInsertionPoint(op);
      scf::SCFTilingOptions options;
      options.setTileSizes(getAsIndexOpFoldResult(&getContext(), sizes));
      options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
      FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
          rewriter, cast<TilingInterface>(op.getOperation()), options);
      if (failed(tiled)) {
        op.emitWarning("tfc-parallelize-generics: could not split loop ")
            << loop << " over threads";
        continue;
      }
      rewriter.replaceOp(op, tiled->replacements);
      ++numParallelized;
    }
  }
};

} // namespace
