//===- TileAndVectorizeMatmul.cpp - the tfc-tile-and-vectorize-matmul pass ===//

#include "tfc/Codegen/Contractions.h"
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

/// Most columns of a decode (matrix-vector) block.
constexpr int64_t kDecodeColumns = 65536;

/// Row ranges of the weight that decode splits over threads.
constexpr int64_t kDecodeParts = 2;

/// Weight rows a decode step reads at once (concurrent sequential streams,
/// one accumulator load and store per block); 8 measured best of 1-32.
constexpr int64_t kDecodeRows = 8;

/// Tiles `op` with `sizes`; returns the tiled op and the loops (outermost
/// first; untiled dimensions have no loop).
using Tiled = std::pair<Operation *, SmallVector<LoopLikeOpInterface>>;
FailureOr<Tiled> tile(RewriterBase &rewriter, Operation *op,
                      ArrayRef<int64_t> sizes, bool forall = false,
                      ArrayRef<int64_t> interchange = {}) {
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

/// Fewer (static) rows than the register tile: one token, a matrix-vector
/// product bound by memory bandwidth.
bool isDecode(linalg::LinalgOp op, int64_t registerRows) {
  auto out = cast<ShapedType>(op.getDpsInits()[0].getType());
  return out.hasStaticShape() && out.getDimSize(0) < registerRows;
}

/// Loop tile sizes of a linalg.matmul (`panel` 0), or of a panel matmul
/// with panels of `panel` columns, for an M x N x K tile (0: not tiled). N
/// covers whole panels when it is at least one, else a part of one.
SmallVector<int64_t> loopTiles(int64_t panel, int64_t m, int64_t n, int64_t k) {
  if (!panel)
    return {m, n, k};
  if (n == 0)
    return {m, 0, 0, k};
  if (n >= panel)
    return {m, n / panel, 0, k};
  return {m, 1, n, k};
}

/// Decode with threads: C = C0 + sum_t A[:, Kt] . B[Kt, :] over `parts`
/// contiguous row ranges Kt of the weight, one per scf.forall iteration.
/// Each thread then streams one contiguous part of the weight (splitting
/// the columns instead would make every thread read pieces of rows). The
/// partial products go to a [parts, M, N] tensor, summed into C0 after.
/// Returns the matmul of each part (a slice of the original).
FailureOr<linalg::MatmulOp> splitReductionOverThreads(RewriterBase &rewriter,
                                                      linalg::MatmulOp mm,
                                                      int64_t parts) {
  Location loc = mm.getLoc();
  Value a = mm.getDpsInputs()[0], b = mm.getDpsInputs()[1];
  Value c0 = mm.getDpsInits()[0];
  auto outType = cast<RankedTensorType>(c0.getType());
  int64_t m = outType.getDimSize(0), n = outType.getDimSize(1);
  int64_t k = cast<ShapedType>(a.getType()).getDimSize(1);
  if (ShapedType::isDynamic(k))
    return failure();
  int64_t chunk = llvm::alignTo(llvm::divideCeil(k, parts), 8);
  parts = llvm::divideCeil(k, chunk);
  if (parts < 2)
    return failure();
  Type f = outType.getElementType();
  rewriter.setInsertionPoint(mm);
  auto partialType = RankedTensorType::get({parts, m, n}, f);
  Value zero =
      arith::ConstantOp::create(rewriter, loc, f, rewriter.getZeroAttr(f));
  Value partials =
      linalg::FillOp::create(rewriter, loc, zero,
                             ValueRange{tensor::EmptyOp::create(
                                 rewriter, loc, partialType.getShape(), f)})
          .getResult(0);
  linalg::MatmulOp inner;
  auto forall = scf::ForallOp::create(
      rewriter, loc, ArrayRef<OpFoldResult>{rewriter.getIndexAttr(parts)},
      ValueRange{partials}, std::nullopt,
      [&](OpBuilder &bb, Location l, ValueRange ivs) {
        Value t = ivs[0];
        Block *body = bb.getBlock();
        Value shared = body->getArguments().back();
        AffineExpr d0 = bb.getAffineDimExpr(0);
        OpFoldResult k0 = affine::makeComposedFoldedAffineApply(
            bb, l, d0 * chunk, ArrayRef<OpFoldResult>{t});
        // Static when the parts are equal (the usual case).
        OpFoldResult kc =
            k % chunk == 0
                ? OpFoldResult(bb.getIndexAttr(chunk))
                : affine::makeComposedFoldedAffineMin(
                      bb, l,
                      AffineMap::get(
                          1, 0,
                          {bb.getAffineConstantExpr(chunk), k - d0 * chunk},
                          bb.getContext()),
                      ArrayRef<OpFoldResult>{t});
        OpFoldResult zeroIdx = bb.getIndexAttr(0), one = bb.getIndexAttr(1);
        Value aPart = tensor::ExtractSliceOp::create(
            bb, l, a, {zeroIdx, k0}, {bb.getIndexAttr(m), kc}, {one, one});
        Value bPart = tensor::ExtractSliceOp::create(
            bb, l, b, {k0, zeroIdx}, {kc, bb.getIndexAttr(n)}, {one, one});
        auto rowType = RankedTensorType::get({m, n}, f);
        Value acc = tensor::ExtractSliceOp::create(
            bb, l, rowType, shared, {t, zeroIdx, zeroIdx},
            {one, bb.getIndexAttr(m), bb.getIndexAttr(n)}, {one, one, one});
        {
          // The named op's builder leaves the insertion point in its body.
          OpBuilder::InsertionGuard g(bb);
          inner = linalg::MatmulOp::create(bb, l, TypeRange{rowType},
                                           ValueRange{aPart, bPart},
                                           ValueRange{acc});
        }
        // The body builder provides the terminator.
        bb.setInsertionPointToEnd(body);
        auto term = scf::InParallelOp::create(bb, l);
        OpBuilder::InsertionGuard g(bb);
        bb.setInsertionPointToStart(term.getBody());
        tensor::ParallelInsertSliceOp::create(
            bb, l, inner.getResult(0), shared, {t, zeroIdx, zeroIdx},
            {one, bb.getIndexAttr(m), bb.getIndexAttr(n)}, {one, one, one});
      });
  // C = C0 + sum over parts.
  MLIRContext *ctx = rewriter.getContext();
  AffineExpr i = getAffineDimExpr(0, ctx), j = getAffineDimExpr(1, ctx),
             p = getAffineDimExpr(2, ctx);
  auto sum = linalg::GenericOp::create(
      rewriter, loc, TypeRange{outType}, ValueRange{forall.getResult(0)},
      ValueRange{c0},
      SmallVector<AffineMap>{AffineMap::get(3, 0, {p, i, j}, ctx),
                             AffineMap::get(3, 0, {i, j}, ctx)},
      SmallVector<utils::IteratorType>{utils::IteratorType::parallel,
                                       utils::IteratorType::parallel,
                                       utils::IteratorType::reduction},
      [&](OpBuilder &bb, Location l, ValueRange args) {
        linalg::YieldOp::create(
            bb, l, Value(arith::AddFOp::create(bb, l, args[1], args[0])));
      });
  rewriter.replaceOp(mm, sum.getResults());
  return inner;
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
      cache = {128, 128, 256};
    if (reg.empty())
      reg = {4, 64, 1};
    if (cache.size() != 3 || reg.size() != 3) {
      func.emitError("tfc-tile-and-vectorize-matmul: cache-tiles and "
                     "register-tiles take three sizes (M,N,K)");
      return signalPassFailure();
    }

    // Contractions to tile: linalg.matmul ([K, N] weights) and panel
    // matmuls, with their panel size (0 for a matmul).
    SmallVector<std::pair<linalg::LinalgOp, int64_t>> contractions;
    func.walk([&](linalg::LinalgOp op) {
      if (auto mm = dyn_cast<linalg::MatmulOp>(op.getOperation())) {
        if (mm.hasPureTensorSemantics())
          contractions.push_back({op, 0});
      } else if (auto g = dyn_cast<linalg::GenericOp>(op.getOperation())) {
        if (tfc::isPanelMatmul(g))
          contractions.push_back({op, tfc::panelSize(g)});
      }
    });
    IRRewriter rewriter(ctx);

    // 0. Decode of a [K, N] weight with threads: split K, so that each
    //    thread streams one contiguous part of the weight. (Panels split
    //    into whole panels instead, below.)
    if (parallel)
      for (auto &[op, panel] : contractions)
        if (auto mm = dyn_cast<linalg::MatmulOp>(op.getOperation());
            mm && isDecode(op, reg[0]))
          if (FailureOr<linalg::MatmulOp> part =
                  splitReductionOverThreads(rewriter, mm, kDecodeParts);
              succeeded(part))
            op = *part;

    // 1. Cache tiles, then register tiles; peel the register-level M and N
    //    loops so that every full tile has a static shape (no masks in the
    //    hot loop) and only the remainders are masked.
    for (auto [op, panel] : contractions) {
      SmallVector<int64_t> regTile = reg;
      SmallVector<int64_t> cacheTile = cache;
      auto outType = cast<ShapedType>(op.getDpsInits()[0].getType());
      int64_t m = outType.getDimSize(0);
      int64_t n = panel ? outType.getDimSize(1) * panel : outType.getDimSize(1);
      bool decode = isDecode(op, reg[0]);
      FailureOr<Tiled> outer = Tiled{op, {}};
      SmallVector<int64_t> regLoops;
      if (decode && panel) {
        // Decode over panels: each panel [K, P] is one contiguous stream;
        // its M x P accumulators stay in registers over all of K. Threads
        // take whole panels (contiguous ranges of them, with OpenMP's
        // static schedule).
        int64_t cols = m * panel <= reg[0] * reg[1] ? panel : reg[1];
        regLoops = {m, 1, cols, 1};
        if (parallel)
          outer = tile(rewriter, op, {0, 1, 0, 0}, /*forall=*/true);
      } else {
        if (decode) {
          // Decode: fewer rows than the register tile. The weights are read
          // once per token, so the kernel is bound by memory bandwidth. Take
          // kDecodeRows rows of the weight at a time and walk along them in
          // register tiles of as many columns as the M x N accumulators
          // allow, the accumulators staying in registers across those rows:
          // every row is then read in storage order (one sequential stream
          // per row, which the prefetchers follow), and the accumulators are
          // loaded and stored once per kDecodeRows rows rather than per row.
          regTile = {m, reg[0] * reg[1] / m, 1};
          cacheTile = {m, std::min<int64_t>(n, kDecodeColumns), kDecodeRows};
        }
        regTile[1] = std::min(regTile[1], cacheTile[1]);
        if (panel && regTile[1] > panel)
          regTile[1] = panel;
        regLoops = loopTiles(panel, regTile[0], regTile[1], regTile[2]);
        if (parallel && !decode) {
          // Cache tiles of M and N are independent: an scf.forall that the
          // pipeline maps onto threads. K stays sequential inside.
          auto blocks = tile(rewriter, op,
                             loopTiles(panel, cacheTile[0], cacheTile[1], 0),
                             /*forall=*/true);
          outer = failed(blocks) || cacheTile[2] == 0
                      ? blocks
                      : tile(rewriter, blocks->first,
                             loopTiles(panel, 0, 0, cacheTile[2]));
        } else {
          outer =
              tile(rewriter, op,
                   loopTiles(panel, cacheTile[0], cacheTile[1], cacheTile[2]));
        }
      }
      if (failed(outer)) {
        op.emitWarning("tfc-tile-and-vectorize-matmul: cache tiling failed");
        continue;
      }
      // Over panels, the register tiles walk the rows of the cache tile
      // innermost: the [K-tile, P] piece of a panel they all read stays in
      // L1 while the rows go by (measured +20% prefill on the 124M GPT-2).
      SmallVector<int64_t> order;
      if (panel && !decode)
        order = {1, 2, 0, 3};
      auto inner =
          tile(rewriter, outer->first, regLoops, /*forall=*/false, order);
      if (failed(inner)) {
        outer->first->emitWarning(
            "tfc-tile-and-vectorize-matmul: register tiling failed");
        continue;
      }
      inner->first->setAttr(kMicroKernel,
                            rewriter.getDenseI64ArrayAttr(regLoops));
      // Peel the M and N loops (K and panels step by 1 and need no peeling).
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
    SmallVector<linalg::LinalgOp> dynamicRows;
    func.walk([&](linalg::LinalgOp op) {
      if (op->hasAttr(kMicroKernel) && op.hasPureTensorSemantics() &&
          ShapedType::isDynamic(
              cast<ShapedType>(op.getDpsInits()[0].getType()).getDimSize(0)))
        dynamicRows.push_back(op);
    });
    for (linalg::LinalgOp op : dynamicRows) {
      auto sizes = op->getAttrOfType<DenseI64ArrayAttr>(kMicroKernel);
      SmallVector<int64_t> rowTile(sizes.asArrayRef());
      rowTile[0] = 1;
      SmallVector<int64_t> rowsOnly(rowTile.size(), 0);
      rowsOnly[0] = 1;
      auto rows = tile(rewriter, op, rowsOnly);
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

    // 5. With threads, contractions against a weight stored [N, K] (a tied
    //    LM head reading the embedding table) split their N dimension over
    //    threads; the dot products over K inside are left to LLVM's loop
    //    vectorizer (the lowering marks their reduction reassociable).
    if (parallel) {
      SmallVector<linalg::GenericOp> transposed;
      func.walk([&](linalg::GenericOp op) {
        if (tfc::isTransposedWeightContraction(op))
          transposed.push_back(op);
      });
      for (linalg::GenericOp op : transposed) {
        auto out = cast<ShapedType>(op.getDpsInits()[0].getType());
        int64_t m = out.getDimSize(0), n = out.getDimSize(1);
        int64_t rows = cache[0], cols = cache[1];
        if (!ShapedType::isDynamic(m) && m < reg[0] &&
            !ShapedType::isDynamic(n)) // decode: two halves of the columns
          cols =
              std::max<int64_t>(64, llvm::alignTo(llvm::divideCeil(n, 2), 64));
        if (failed(tile(rewriter, op, {rows, cols, 0}, /*forall=*/true)))
          op.emitWarning("tfc-tile-and-vectorize-matmul: could not split a "
                         "transposed-weight contraction over threads");
      }
    }
  }
};

} // namespace
