//===- BuildLMEntryPoints.cpp - the tfm-build-lm-entry-points pass --------===//
//
// An exported graph computes logits for a whole sequence from scratch. The
// LM runtime wants a KV cache: prefill writes the keys and values of the
// prompt, decode appends one token at a time. Once fusion has raised the
// graph's attention to tfm.attention, the cache is a local change: each
// attention op gets a cache operand and positions are shifted by `pos`.
//
//===----------------------------------------------------------------------===//

#include "tfc/Dialect/Tfm/IR/TfmOps.h"
#include "tfc/Dialect/Tfm/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMBUILDLMENTRYPOINTS
#include "tfc/Dialect/Tfm/Transforms/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;
using namespace mlir::tfm;

namespace {

constexpr int64_t kDefaultContext = 2048;

/// What the source function looks like, checked once.
struct LMShape {
  unsigned idsArg = 0;
  std::optional<unsigned> positionIdsArg, attentionMaskArg;
  int64_t vocab = 0, layers = 0, kvHeads = 0, headDim = 0;
  Type elementType;
};

StringRef argName(func::FuncOp fn, unsigned i) {
  if (auto name = fn.getArgAttrOfType<StringAttr>(i, "tfc.onnx_name"))
    return name.getValue();
  return "";
}

/// A [1, ?] integer tensor: token ids, position ids or an attention mask.
bool isSequenceOfInts(Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  return t && t.getRank() == 2 && t.getDimSize(0) == 1 && t.isDynamicDim(1) &&
         isa<IntegerType>(t.getElementType());
}

FailureOr<LMShape> analyze(func::FuncOp fn) {
  LMShape shape;
  std::optional<unsigned> ids;
  for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
    StringRef name = argName(fn, i);
    Type type = fn.getArgument(i).getType();
    if (!isSequenceOfInts(type))
      return fn.emitError("input '")
             << name << "' has type " << type
             << "; a language model's inputs are [1, seq] integer tensors "
                "(batch 1, dynamic sequence length)";
    if (name == "position_ids")
      shape.positionIdsArg = i;
    else if (name == "attention_mask")
      shape.attentionMaskArg = i;
    else if (!ids && (name == "input_ids" || fn.getNumArguments() == 1))
      ids = i;
    else
      return fn.emitError("input '")
             << name
             << "' is not supported: a language model takes input_ids "
                "(and optionally position_ids and attention_mask)";
  }
  if (!ids)
    return fn.emitError("no input_ids input");
  shape.idsArg = *ids;

  auto results = fn.getFunctionType().getResults();
  auto logits = results.size() == 1
                    ? dyn_cast<RankedTensorType>(results.front())
                    : RankedTensorType();
  if (!logits || logits.getRank() != 3 || logits.getDimSize(0) != 1 ||
      !logits.isDynamicDim(1) || logits.isDynamicDim(2))
    return fn.emitError("a language model has one result, logits of shape "
                        "[1, seq, vocab]; this function returns ")
           << results;
  shape.vocab = logits.getDimSize(2);
  shape.elementType = logits.getElementType();

  WalkResult walk = fn.walk([&](AttentionOp op) {
    if (op.hasKVCache()) {
      op.emitError("attention already reads a KV cache");
      return WalkResult::interrupt();
    }
    if (!op.getCausal()) {
      op.emitError("attention is not causal, so there is no KV-cache "
                   "decoding for it (is the mask fused? see "
                   "--fusion-report)");
      return WalkResult::interrupt();
    }
    auto k = op.getKey().getType(), v = op.getValue().getType();
    // Head counts and sizes are static (the op's verifier); the value head
    // size may differ from the key's, but one cache shape holds both.
    int64_t hkv = k.getDimSize(1), d = k.getDimSize(2);
    if (v.getDimSize(2) != d) {
      op.emitError("keys ")
          << k << " and values " << v
          << " differ in head size; the KV cache holds both in one shape";
      return WalkResult::interrupt();
    }
    if (shape.layers++ == 0) {
      shape.kvHeads = hkv;
      shape.headDim = d;
    } else if (hkv != shape.kvHeads || d != shape.headDim) {
      op.emitError("keys ") << k
                            << " differ in shape from the first "
                               "attention's; one KV cache cannot hold both";
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  if (shape.layers == 0)
    return fn.emitError("no tfm.attention: the graph's attention was not "
                        "recognized (see --fusion-report), so there is no "
                        "KV-cache decoding for it");
  return shape;
}

/// Whether `v` is a run-time size: with batch 1 the sequence length is the
/// only one, so a range from 0 to it counts positions.
bool isRuntimeLength(Value v) {
  if (auto cast = v.getDefiningOp<arith::IndexCastOp>())
    v = cast.getIn();
  return !matchPattern(v, m_Constant());
}

//===----------------------------------------------------------------------===//
// Last-position slicing
//===----------------------------------------------------------------------===//

/// A slice that keeps every dimension whole except single rows of leading
/// ones, with unit strides: rows of row-wise ops commute with it.
bool keepsLastDim(tensor::ExtractSliceOp slice) {
  auto src = slice.getSourceType();
  auto res = slice.getResultType();
  if (src.getRank() != res.getRank() || !slice.hasUnitStride())
    return false;
  int64_t last = src.getRank() - 1;
  return !src.isDynamicDim(last) &&
         res.getDimSize(last) == src.getDimSize(last) &&
         isConstantIntValue(slice.getMixedOffsets()[last], 0);
}

/// The same rows of `v`, which has the slice source's shape except maybe
/// in the last dimension (kept whole).
Value sliceLike(PatternRewriter &rewriter, tensor::ExtractSliceOp slice,
                Value v) {
  auto srcType = cast<RankedTensorType>(v.getType());
  int64_t last = srcType.getRank() - 1;
  SmallVector<int64_t> shape(slice.getResultType().getShape());
  shape[last] = srcType.getDimSize(last);
  SmallVector<OpFoldResult> sizes = slice.getMixedSizes();
  sizes[last] = rewriter.getIndexAttr(shape[last]);
  return tensor::ExtractSliceOp::create(
      rewriter, slice.getLoc(),
      RankedTensorType::get(shape, srcType.getElementType()), v,
      slice.getMixedOffsets(), sizes, slice.getMixedStrides());
}

/// slice(op(rows..., params...)) -> op(slice(rows)..., params...) for ops
/// that work on each row (everything but the last dimension) on its own:
/// the first `NumRows` operands are rows of the result's leading shape (the
/// input of a linear or norm, both sides of an elementwise op), the rest
/// (weights, scales) are used whole.
template <typename OpTy, unsigned NumRows>
struct SliceRows : OpRewritePattern<tensor::ExtractSliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tensor::ExtractSliceOp slice,
                                PatternRewriter &rewriter) const override {
    auto op = slice.getSource().getDefiningOp<OpTy>();
    if (!op || !op->hasOneUse() || !keepsLastDim(slice))
      return failure();
    auto resultType = slice.getSourceType();
    for (Value row : op->getOperands().take_front(NumRows)) {
      auto t = cast<RankedTensorType>(row.getType());
      if (t.getRank() != resultType.getRank() ||
          t.isDynamicDim(t.getRank() - 1) ||
          t.getShape().drop_back() != resultType.getShape().drop_back())
        return failure();
    }
    IRMapping map;
    for (Value row : op->getOperands().take_front(NumRows))
      map.map(row, sliceLike(rewriter, slice, row));
    Operation *clone = rewriter.clone(*op, map);
    clone->getResult(0).setType(slice.getResultType());
    rewriter.replaceOp(slice, clone->getResults());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

struct BuildLMEntryPointsPass
    : tfm::impl::TfmBuildLMEntryPointsBase<BuildLMEntryPointsPass> {
  using Base::Base;

  void runOnOperation() override;

private:
  enum class Kind { Prefill, PrefillLast, Decode };
  func::FuncOp build(func::FuncOp src, const LMShape &shape, StringRef name,
                     Kind kind, int64_t context);
  /// Rows of the position embedding table (0: none).
  int64_t positionTableRows(func::FuncOp fn);
};

int64_t BuildLMEntryPointsPass::positionTableRows(func::FuncOp fn) {
  int64_t rows = 0;
  fn.walk([&](EmbeddingOp op) {
    Value idx = op.getIndices();
    while (auto reshape = idx.getDefiningOp<ReshapeOp>())
      idx = reshape.getInput();
    if (auto cast = idx.getDefiningOp<CastOp>())
      idx = cast.getInput();
    if (idx.getDefiningOp<RangeOp>())
      rows = op.getTable().getType().getDimSize(0);
  });
  return rows;
}

func::FuncOp BuildLMEntryPointsPass::build(func::FuncOp src,
                                           const LMShape &shape, StringRef name,
                                           Kind kind, int64_t context) {
  OpBuilder b(src);
  Location loc = src.getLoc();
  auto i64 = b.getI64Type();
  int64_t seq = kind == Kind::Decode ? 1 : ShapedType::kDynamic;
  auto tokensType = RankedTensorType::get({seq}, i64);
  auto cacheType = RankedTensorType::get(
      {shape.layers, context, shape.kvHeads, shape.headDim}, shape.elementType);
  auto logitsType = RankedTensorType::get(
      {kind == Kind::Prefill ? ShapedType::kDynamic : 1, shape.vocab},
      shape.elementType);
  auto fnType =
      b.getFunctionType({tokensType, b.getIndexType(), cacheType, cacheType},
                        {logitsType, cacheType, cacheType});
  auto fn = func::FuncOp::create(b, NameLoc::get(b.getStringAttr(name), loc),
                                 name, fnType);
  Block *body = fn.addEntryBlock();
  b.setInsertionPointToStart(body);
  Value tokens = body->getArgument(0), pos = body->getArgument(1);
  Value kc = body->getArgument(2), vc = body->getArgument(3);

  // Decode runs the prefill body on one token: the dynamic sequence length
  // becomes static 1 once linalg's canonicalizations see through the cast.
  auto dynTokens = RankedTensorType::get({ShapedType::kDynamic}, i64);
  if (kind == Kind::Decode)
    tokens = tensor::CastOp::create(b, loc, dynTokens, tokens);
  Value len = tensor::DimOp::create(b, loc, tokens, 0);

  IRMapping map;
  auto asInput = [&](unsigned i, Value v) {
    Type type = src.getArgument(i).getType();
    auto elt = cast<RankedTensorType>(type).getElementType();
    if (elt != i64)
      v = CastOp::create(b, loc,
                         RankedTensorType::get({ShapedType::kDynamic}, elt), v);
    map.map(src.getArgument(i), ReshapeOp::create(b, loc, type, v));
  };
  asInput(shape.idsArg, tokens);
  if (shape.positionIdsArg)
    asInput(*shape.positionIdsArg,
            RangeOp::create(b, loc, dynTokens, pos,
                            arith::AddIOp::create(b, loc, pos, len),
                            arith::ConstantIndexOp::create(b, loc, 1)));
  if (shape.attentionMaskArg) {
    Value ones = tensor::GenerateOp::create(
        b, loc, dynTokens, ValueRange{len},
        [&](OpBuilder &nb, Location l, ValueRange) {
          tensor::YieldOp::create(nb, l,
                                  arith::ConstantIntOp::create(nb, l, i64, 1));
        });
    asInput(*shape.attentionMaskArg, ones);
  }

  Value logits;
  for (Operation &op : src.getBody().front()) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      logits = map.lookup(ret.getOperand(0));
      break;
    }
    b.clone(op, map);
  }

  // Positions and caches.
  int64_t layer = 0;
  SmallVector<Operation *> toErase;
  for (Operation &op : llvm::make_early_inc_range(body->getOperations())) {
    b.setInsertionPoint(&op);
    if (auto range = dyn_cast<RangeOp>(op)) {
      if (!isConstantIntValue(range.getStart(), 0) ||
          !isConstantIntValue(range.getDelta(), 1) ||
          !isRuntimeLength(range.getLimit()))
        continue;
      Value limit =
          arith::AddIOp::create(b, range.getLoc(), pos, range.getLimit());
      range.getStartMutable().assign(pos);
      range.getLimitMutable().assign(limit);
      continue;
    }
    auto attn = dyn_cast<AttentionOp>(op);
    if (!attn)
      continue;
    Location l = attn.getLoc();
    auto layerType = RankedTensorType::get(
        {context, shape.kvHeads, shape.headDim}, shape.elementType);
    SmallVector<OpFoldResult> offsets{b.getIndexAttr(layer), b.getIndexAttr(0),
                                      b.getIndexAttr(0), b.getIndexAttr(0)};
    SmallVector<OpFoldResult> sizes{b.getIndexAttr(1), b.getIndexAttr(context),
                                    b.getIndexAttr(shape.kvHeads),
                                    b.getIndexAttr(shape.headDim)};
    SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
    Value kl = tensor::ExtractSliceOp::create(b, l, layerType, kc, offsets,
                                              sizes, strides);
    Value vl = tensor::ExtractSliceOp::create(b, l, layerType, vc, offsets,
                                              sizes, strides);
    auto cached = AttentionOp::create(
        b, l, attn.getResult().getType(), layerType, layerType, attn.getQuery(),
        attn.getKey(), attn.getValue(), kl, vl, pos, attn.getCausalAttr(),
        attn.getScaleAttr());
    kc = tensor::InsertSliceOp::create(b, l, cached.getKeyCacheResult(), kc,
                                       offsets, sizes, strides);
    vc = tensor::InsertSliceOp::create(b, l, cached.getValueCacheResult(), vc,
                                       offsets, sizes, strides);
    attn.getResult().replaceAllUsesWith(cached.getResult());
    toErase.push_back(attn);
    ++layer;
  }
  for (Operation *op : toErase)
    op->erase();

  // Logits [1, S, V] -> [S, V], or the last row only.
  b.setInsertionPoint(body, body->end());
  Location hl = logits.getLoc();
  auto logits3 = cast<RankedTensorType>(logits.getType());
  if (kind == Kind::PrefillLast) {
    Value last = arith::SubIOp::create(
        b, hl, len, arith::ConstantIndexOp::create(b, hl, 1));
    SmallVector<OpFoldResult> offsets{b.getIndexAttr(0), last,
                                      b.getIndexAttr(0)};
    SmallVector<OpFoldResult> sizes{b.getIndexAttr(1), b.getIndexAttr(1),
                                    b.getIndexAttr(shape.vocab)};
    SmallVector<OpFoldResult> strides(3, b.getIndexAttr(1));
    logits = tensor::ExtractSliceOp::create(
        b, hl, RankedTensorType::get({1, 1, shape.vocab}, shape.elementType),
        logits, offsets, sizes, strides);
  }
  logits = ReshapeOp::create(
      b, hl,
      RankedTensorType::get(
          {kind == Kind::PrefillLast ? 1 : logits3.getDimSize(1), shape.vocab},
          shape.elementType),
      logits);
  if (logits.getType() != logitsType)
    logits = tensor::CastOp::create(b, hl, logitsType, logits);
  func::ReturnOp::create(b, hl, ValueRange{logits, kc, vc});
  return fn;
}

void BuildLMEntryPointsPass::runOnOperation() {
  ModuleOp module = getOperation();
  auto src = module.lookupSymbol<func::FuncOp>(source);
  if (!src || src.isExternal()) {
    module.emitError("no function @")
        << source << " to build entry points from";
    return signalPassFailure();
  }
  FailureOr<LMShape> shape = analyze(src);
  if (failed(shape))
    return signalPassFailure();

  int64_t context = positionTableRows(src);
  if (context == 0)
    context = maxContext > 0 ? maxContext : kDefaultContext;
  else if (maxContext > 0)
    context = std::min<int64_t>(context, maxContext);

  build(src, *shape, "tfc_prefill", Kind::Prefill, context);
  func::FuncOp last =
      build(src, *shape, "tfc_prefill_last", Kind::PrefillLast, context);
  build(src, *shape, "tfc_decode", Kind::Decode, context);
  src.erase();

  // tfc_prefill_last: move the last-row slice up through row-wise ops.
  MLIRContext *ctx = &getContext();
  RewritePatternSet patterns(ctx);
  patterns
      .add<SliceRows<LinearOp, 1>, SliceRows<LayerNormOp, 1>,
           SliceRows<RMSNormOp, 1>, SliceRows<GeluOp, 1>, SliceRows<SiluOp, 1>,
           SliceRows<AddOp, 2>, SliceRows<MulOp, 2>, SliceRows<SwiGLUOp, 2>>(
          ctx);
  if (failed(applyPatternsGreedily(last, std::move(patterns))))
    return signalPassFailure();

  Builder b(ctx);
  auto i64 = [&](int64_t v) { return b.getI64IntegerAttr(v); };
  module->setAttr(kModelInfoAttrName,
                  b.getDictionaryAttr({
                      b.getNamedAttr("arch", b.getStringAttr("onnx")),
                      b.getNamedAttr("vocab_size", i64(shape->vocab)),
                      b.getNamedAttr("context", i64(context)),
                      b.getNamedAttr("num_layers", i64(shape->layers)),
                      b.getNamedAttr("num_kv_heads", i64(shape->kvHeads)),
                      b.getNamedAttr("head_dim", i64(shape->headDim)),
                  }));
}

} // namespace
