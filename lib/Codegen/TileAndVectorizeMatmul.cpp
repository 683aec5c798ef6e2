//===- TileAndVectorizeMatmul.cpp - the tfc-tile-and-vectorize-matmul pass ===//

#include "tfc/Codegen/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace mlir::tfc {
#define GEN_PASS_DEF_TFCTILEANDVECTORIZEMATMUL
#include "tfc/Codegen/Passes.h.inc"
} // namespace mlir::tfc

using namespace mlir;

namespace {

/// Marks the register-level tiles (and their peeled copies) until they are
/// vectorized.
constexpr llvm::StringLiteral kMicroKernel = "tfc.micro_kernel";

/// Columns of a decode (matrix-vector) block: its f32 accumulators (8 KB)
/// stay in L1 while the weight rows stream by.
constexpr int64_t kDecodeColumns = 2048;

/// Tiles `op` with `sizes`; returns the tiled op and the loops (outermost
/// first; untiled dimensions have no loop).
FailureOr<std::pair<Operation *, SmallVector<LoopLikeOpInterface>>>
tile(RewriterBase &rewriter, Operation *op, ArrayRef<int64_t> sizes,
     bool forall = false, ArrayRef<int64_t> interchange = {}) {
  rewriter.setInsertionPoint(op);
  scf::SCFTilingOptions options;
  options.setTileSizes(getAsIndexOpFoldResult(op->getContext(), sizes));
  if (!interchange.empty())
    options.setInterchange(interchange);
  if (forall)
    options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
  FailureOr<scf::SCFTilingResult> result =
      scf::tileUsingSCF(rewriter, cast<TilingInterface>(op), options);
  if (failed(result))
    return failure();
  rewriter.replaceOp(op, result->replacements);
  return std::make_pair(result->tiledOps.front(), result->loops);
}

void canonicalize(func::FuncOp func) {
  MLIRContext *ctx = func.getContext();
  RewritePatternSet patterns(ctx);
  linalg::populateLinalgTilingCanonicalizationPatterns(patterns);
  for (Dialect *d : ctx->getLoadedDialects())
    d->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : ctx->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, ctx);
  (void)applyPatternsGreedily(func, std::move(patterns));
}

struct TfcTileAndVectorizeMatmulPass
    : tfc::impl::TfcTileAndVectorizeMatmulBase<TfcTileAndVectorizeMatmulPass> {
  using TfcTileAndVectorizeMatmulBase::TfcTileAndVectorizeMatmulBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();
    SmallVector<int64_t> cache(cacheTiles.begin(), cacheTiles.end());
    SmallVector<int64_t> reg(registerTiles.begin(), registerTiles.end());
    if (cache.empty())
      cache = {64, 256, 128};
    if (reg.empty())
      reg = {8, 32, 1};
    if (cache.size() != 3 || reg.size() != 3) {
      func.emitError("tfc-tile-and-vectorize-matmul: cache-tiles and "
                     "register-tiles take three sizes (M,N,K)");
      return signalPassFailure();
    }

    SmallVector<linalg::MatmulOp> matmuls;
    func.walk([&](linalg::MatmulOp op) {
      if (op.hasPureTensorSemantics())
        matmuls.push_back(op);
    });

    // 1. Cache tiles, then register tiles; peel the register-level M and N
    //    loops so that every full tile has a static shape (no masks in the
    //    hot loop) and only the remainders are masked.
    IRRewriter rewriter(ctx);
    DenseMap<Operation *, SmallVector<int64_t>> vectorSizes;
    for (linalg::MatmulOp mm : matmuls) {
      SmallVector<int64_t> regTile = reg;
      SmallVector<int64_t> cacheTile = cache;
      SmallVector<int64_t> regOrder; // loop order of the register tiles
      auto outType = cast<ShapedType>(mm.getDpsInits()[0].getType());
      int64_t m = outType.getDimSize(0), n = outType.getDimSize(1);
      if (!ShapedType::isDynamic(m) && m < reg[0] &&
          !ShapedType::isDynamic(n)) {
        // Decode: fewer rows than the register tile. The weights are read
        // once per token, so the kernel is bound by memory bandwidth: stream
        // each weight row contiguously (K outer, N inner) over a block of
        // columns whose accumulators stay in L1, with as many columns per
        // register tile as the M x N accumulators allow. Strided pieces of
        // rows (N outer, K inner) defeat the hardware prefetchers, which do
        // not cross pages.
        regTile = {m, reg[0] * reg[1] / m, 1};
        regOrder = {0, 2, 1};
        int64_t block = std::min<int64_t>(n, kDecodeColumns);
        if (parallel) // at least two blocks, for two or more threads
          block = std::min<int64_t>(block,
                                    llvm::alignTo(llvm::divideCeil(n, 2), 64));
        cacheTile = {m, block, 0};
      }
      regTile[1] = std::min(regTile[1], cacheTile[1]);
      FailureOr<std::pair<Operation *, SmallVector<LoopLikeOpInterface>>>
          outer = failure();
      if (parallel) {
        // Cache tiles of M and N are independent: an scf.forall that the
        // pipeline maps onto threads. K stays sequential inside.
        auto blocks = tile(rewriter, mm, {cacheTile[0], cacheTile[1], 0},
                           /*forall=*/true);
        if (succeeded(blocks))
          outer = cacheTile[2] == 0
                      ? blocks
                      : tile(rewriter, blocks->first, {0, 0, cacheTile[2]});
      } else {
        outer = tile(rewriter, mm, cacheTile);
      }
      if (failed(outer)) {
        mm.emitWarning("tfc-tile-and-vectorize-matmul: cache tiling failed");
        continue;
      }
      auto inner =
          tile(rewriter, outer->first, regTile, /*forall=*/false, regOrder);
      if (failed(inner)) {
        outer->first->emitWarning(
            "tfc-tile-and-vectorize-matmul: register tiling failed");
        continue;
      }
      inner->first->setAttr(kMicroKernel,
                            rewriter.getDenseI64ArrayAttr(regTile));
      // Peel the M and N loops (K steps by 1 and needs no peeling).
      for (LoopLikeOpInterface loop : inner->second) {
        auto forOp = dyn_cast_or_null<scf::ForOp>(loop.getOperation());
        if (!forOp || getConstantIntValue(forOp.getStep()) == 1)
          continue;
        scf::ForOp remainder;
        (void)scf::peelForLoopAndSimplifyBounds(rewriter, forOp, remainder);
      }
    }
    canonicalize(func);

    // 2. A micro-kernel with a dynamic number of rows (the remainder of a
    //    dynamic M) is split into single rows: masking the row dimension
    //    would turn the broadcast loads of the activation into per-element
    //    masked gathers, which are an order of magnitude slower.
    SmallVector<linalg::MatmulOp> dynamicRows;
    func.walk([&](linalg::MatmulOp op) {
      if (op->hasAttr(kMicroKernel) &&
          ShapedType::isDynamic(
              cast<ShapedType>(op.getDpsInits()[0].getType()).getDimSize(0)))
        dynamicRows.push_back(op);
    });
    for (linalg::MatmulOp op : dynamicRows) {
      auto sizes = op->getAttrOfType<DenseI64ArrayAttr>(kMicroKernel);
      SmallVector<int64_t> rowTile(sizes.asArrayRef());
      rowTile[0] = 1;
      auto rows = tile(rewriter, op, {1, 0, 0});
      if (failed(rows))
        continue; // stays masked: slower, still correct
      rows->first->setAttr(kMicroKernel,
                           rewriter.getDenseI64ArrayAttr(rowTile));
    }
    if (!dynamicRows.empty())
      canonicalize(func);

    // 3. Vectorize every micro-kernel: full tiles as they are, remainders
    //    with masks of the register-tile size.
    SmallVector<linalg::LinalgOp> kernels;
    func.walk([&](linalg::LinalgOp op) {
      if (op->hasAttr(kMicroKernel))
        kernels.push_back(op);
    });
    for (linalg::LinalgOp op : kernels) {
      auto sizes = op->getAttrOfType<DenseI64ArrayAttr>(kMicroKernel);
      op->removeAttr(kMicroKernel);
      bool isStatic = op.hasPureTensorSemantics() &&
                      llvm::all_of(op->getOperandTypes(), [](Type t) {
                        return cast<ShapedType>(t).hasStaticShape();
                      });
      rewriter.setInsertionPoint(op);
      // Scalable flags must be spelled out with the sizes: without them the
      // masks get vector types that do not compare equal to the ones the
      // transfers expect.
      SmallVector<int64_t> vecSizes;
      SmallVector<bool> scalable;
      if (!isStatic) {
        vecSizes.assign(sizes.asArrayRef().begin(), sizes.asArrayRef().end());
        scalable.assign(vecSizes.size(), false);
      }
      FailureOr<linalg::VectorizationResult> vec =
          linalg::vectorize(rewriter, op, vecSizes, scalable);
      if (failed(vec)) {
        op->emitWarning("tfc-tile-and-vectorize-matmul: vectorization failed");
        continue;
      }
      rewriter.replaceOp(op, vec->replacements);
      if (isStatic)
        ++numFullTiles;
      else
        ++numMaskedTiles;
    }
    canonicalize(func);

    // 4. Keep the accumulator tile in registers across the K loop.
    func.walk([&](scf::ForOp loop) {
      // Innermost loops only: hoisting out of outer loops would create
      // out-of-place tensor updates.
      if (loop.getBody()->getOps<scf::ForOp>().empty())
        (void)hoistLoopInvariantSubsets(rewriter, loop);
    });
  }
};

} // namespace
