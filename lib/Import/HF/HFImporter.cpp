//===- HFImporter.cpp - HF checkpoints to tfm -----------------------------===//

#include "tfc/Import/HF/HFImporter.h"

#include "tfc/Dialect/Tfm/IR/TfmOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

#include <map>

using namespace mlir;
using namespace mlir::tfc;
namespace hf = ::tfc::hf;

namespace {

/// GPT-2's <|endoftext|>, its bos and eos token.
constexpr int64_t kGPT2EndOfText = 50256;

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

/// The checkpoint tensors an architecture reads, with the shapes its config
/// implies. Names are the checkpoint's own (GPT-2's optional "transformer."
/// prefix resolved).
struct TensorSpec {
  std::string name;
  std::vector<int64_t> shape;
};

std::vector<TensorSpec> expectedTensors(const hf::ModelConfig &c,
                                        const std::string &prefix) {
  std::vector<TensorSpec> specs;
  auto add = [&](std::string name, std::vector<int64_t> shape) {
    specs.push_back({std::move(name), std::move(shape)});
  };
  int64_t d = c.hiddenSize, v = c.vocabSize, inner = c.intermediateSize;
  if (c.arch == hf::ArchFamily::GPT2) {
    add(prefix + "wte.weight", {v, d});
    add(prefix + "wpe.weight", {c.maxPositions, d});
    for (int64_t i = 0; i < c.numLayers; ++i) {
      std::string h = prefix + "h." + std::to_string(i) + ".";
      add(h + "ln_1.weight", {d});
      add(h + "ln_1.bias", {d});
      add(h + "attn.c_attn.weight", {d, 3 * d});
      add(h + "attn.c_attn.bias", {3 * d});
      add(h + "attn.c_proj.weight", {d, d});
      add(h + "attn.c_proj.bias", {d});
      add(h + "ln_2.weight", {d});
      add(h + "ln_2.bias", {d});
      add(h + "mlp.c_fc.weight", {d, inner});
      add(h + "mlp.c_fc.bias", {inner});
      add(h + "mlp.c_proj.weight", {inner, d});
      add(h + "mlp.c_proj.bias", {d});
    }
    add(prefix + "ln_f.weight", {d});
    add(prefix + "ln_f.bias", {d});
  } else {
    int64_t q = c.numHeads * c.headDim, kv = c.numKVHeads * c.headDim;
    add("model.embed_tokens.weight", {v, d});
    for (int64_t i = 0; i < c.numLayers; ++i) {
      std::string l = "model.layers." + std::to_string(i) + ".";
      add(l + "input_layernorm.weight", {d});
      add(l + "self_attn.q_proj.weight", {q, d});
      add(l + "self_attn.k_proj.weight", {kv, d});
      add(l + "self_attn.v_proj.weight", {kv, d});
      add(l + "self_attn.o_proj.weight", {d, q});
      add(l + "post_attention_layernorm.weight", {d});
      add(l + "mlp.gate_proj.weight", {inner, d});
      add(l + "mlp.up_proj.weight", {inner, d});
      add(l + "mlp.down_proj.weight", {d, inner});
    }
    add("model.norm.weight", {d});
  }
  if (!c.tieWordEmbeddings)
    add("lm_head.weight", {v, d});
  return specs;
}

std::string gpt2Prefix(const hf::Checkpoint &ckpt) {
  if (!ckpt.find("wte.weight") && ckpt.find("transformer.wte.weight"))
    return "transformer.";
  return "";
}

/// Emits one entry function. `seq` is the static token count, or dynamic.
class Emitter {
public:
  Emitter(OpBuilder &b, const HFModel &m, std::string prefix)
      : b(b), m(m), c(m.config), prefix(std::move(prefix)),
        f32(b.getF32Type()) {}

  /// With `lastOnly`, logits are computed for the last position only.
  void emitEntry(ModuleOp module, StringRef name, int64_t seq,
                 bool lastOnly = false);

private:
  RankedTensorType t(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, f32);
  }
  Location loc(const std::string &what) {
    return NameLoc::get(b.getStringAttr(what));
  }
  Value weight(const std::string &name, ArrayRef<int64_t> shape) {
    return tfm::WeightOp::create(b, loc(name), t(shape), name,
                                 /*permutation=*/nullptr, /*panels=*/nullptr);
  }
  Value linear(Location l, Value x, const std::string &w,
               const std::string &bias, int64_t in, int64_t out,
               tfm::WeightLayout layout) {
    SmallVector<int64_t> wShape = layout == tfm::WeightLayout::OutIn
                                      ? SmallVector<int64_t>{out, in}
                                      : SmallVector<int64_t>{in, out};
    Value wv = weight(w, wShape);
    Value bv = bias.empty() ? Value() : weight(bias, {out});
    int64_t rows = cast<RankedTensorType>(x.getType()).getDimSize(0);
    return tfm::LinearOp::create(
        b, l, t({rows, out}), x, wv, bv,
        tfm::WeightLayoutAttr::get(b.getContext(), layout));
  }
  Value layerNorm(Location l, Value x, const std::string &base) {
    int64_t d = c.hiddenSize;
    return tfm::LayerNormOp::create(
        b, l, x.getType(), x, weight(base + ".weight", {d}),
        weight(base + ".bias", {d}), b.getF32FloatAttr(c.normEps));
  }
  Value rmsNorm(Location l, Value x, const std::string &name) {
    return tfm::RMSNormOp::create(b, l, x.getType(), x,
                                  weight(name, {c.hiddenSize}),
                                  b.getF32FloatAttr(c.normEps));
  }
  Value add(Location l, Value x, Value y) {
    return tfm::AddOp::create(b, l, x.getType(), x, y);
  }
  Value reshape(Location l, Value x, ArrayRef<int64_t> shape) {
    return tfm::ReshapeOp::create(b, l, t(shape), x);
  }
  Value columns(Location l, Value x, int64_t begin, int64_t width) {
    SmallVector<OpFoldResult> offsets{b.getIndexAttr(0), b.getIndexAttr(begin)};
    SmallVector<OpFoldResult> sizes{tensor::getMixedSize(b, l, x, 0),
                                    b.getIndexAttr(width)};
    SmallVector<OpFoldResult> strides(2, b.getIndexAttr(1));
    return tensor::ExtractSliceOp::create(b, l, t({seq, width}), x, offsets,
                                          sizes, strides);
  }
  /// Attention of layer `layer` over the caches; updates kc/vc.
  Value attention(Location l, Value q, Value k, Value v, int64_t layer);

  OpBuilder &b;
  const HFModel &m;
  const hf::ModelConfig &c;
  std::string prefix;
  Type f32;
  int64_t seq = ShapedType::kDynamic;
  Value pos, kc, vc;
};

Value Emitter::attention(Location l, Value q, Value k, Value v, int64_t layer) {
  int64_t ctx = m.context, hkv = c.numKVHeads, hd = c.headDim;
  auto layerType = t({ctx, hkv, hd});
  SmallVector<OpFoldResult> offsets{b.getIndexAttr(layer), b.getIndexAttr(0),
                                    b.getIndexAttr(0), b.getIndexAttr(0)};
  SmallVector<OpFoldResult> sizes{b.getIndexAttr(1), b.getIndexAttr(ctx),
                                  b.getIndexAttr(hkv), b.getIndexAttr(hd)};
  SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
  Value kl = tensor::ExtractSliceOp::create(b, l, layerType, kc, offsets, sizes,
                                            strides);
  Value vl = tensor::ExtractSliceOp::create(b, l, layerType, vc, offsets, sizes,
                                            strides);
  auto op = tfm::AttentionOp::create(
      b, l, q.getType(), layerType, layerType, q, k, v, kl, vl, pos,
      /*causal=*/b.getUnitAttr(), /*scale=*/nullptr);
  kc = tensor::InsertSliceOp::create(b, l, op.getKeyCacheResult(), kc, offsets,
                                     sizes, strides);
  vc = tensor::InsertSliceOp::create(b, l, op.getValueCacheResult(), vc,
                                     offsets, sizes, strides);
  return op.getResult();
}

void Emitter::emitEntry(ModuleOp module, StringRef name, int64_t seqLen,
                        bool lastOnly) {
  seq = seqLen;
  int64_t d = c.hiddenSize, v = c.vocabSize, hq = c.numHeads,
          hkv = c.numKVHeads, hd = c.headDim, inner = c.intermediateSize;
  auto cacheType = t({c.numLayers, m.context, hkv, hd});
  auto tokensType = RankedTensorType::get({seq}, b.getI64Type());
  auto logitsType = t({lastOnly ? 1 : seq, v});
  auto fnType =
      b.getFunctionType({tokensType, b.getIndexType(), cacheType, cacheType},
                        {logitsType, cacheType, cacheType});
  b.setInsertionPointToEnd(module.getBody());
  auto fn = func::FuncOp::create(b, loc(name.str()), name, fnType);
  Block *body = fn.addEntryBlock();
  b.setInsertionPointToStart(body);
  Value tokens = body->getArgument(0);
  pos = body->getArgument(1);
  kc = body->getArgument(2);
  vc = body->getArgument(3);

  // positions[i] = pos + i
  Location pl = loc("positions");
  Value len = ShapedType::isDynamic(seq)
                  ? tensor::DimOp::create(b, pl, tokens, 0).getResult()
                  : arith::ConstantIndexOp::create(b, pl, seq).getResult();
  Value positions = tfm::RangeOp::create(
      b, pl, tokensType, pos, arith::AddIOp::create(b, pl, pos, len),
      arith::ConstantIndexOp::create(b, pl, 1));

  bool gpt2 = c.arch == hf::ArchFamily::GPT2;
  std::string embedName =
      gpt2 ? prefix + "wte.weight" : "model.embed_tokens.weight";
  Value x = tfm::EmbeddingOp::create(b, loc("embed"), t({seq, d}),
                                     weight(embedName, {v, d}), tokens);
  if (gpt2) {
    Value pe = tfm::EmbeddingOp::create(
        b, loc("embed"), t({seq, d}),
        weight(prefix + "wpe.weight", {c.maxPositions, d}), positions);
    x = add(loc("embed"), x, pe);
  }

  for (int64_t i = 0; i < c.numLayers; ++i) {
    std::string base = gpt2 ? prefix + "h." + std::to_string(i)
                            : "model.layers." + std::to_string(i);
    Location al = loc(base + (gpt2 ? ".attn" : ".self_attn"));
    Location ml = loc(base + ".mlp");
    Value q, k, vv;
    if (gpt2) {
      Value h = layerNorm(loc(base + ".ln_1"), x, base + ".ln_1");
      Value qkv = linear(al, h, base + ".attn.c_attn.weight",
                         base + ".attn.c_attn.bias", d, 3 * d,
                         tfm::WeightLayout::InOut);
      q = reshape(al, columns(al, qkv, 0, d), {seq, hq, hd});
      k = reshape(al, columns(al, qkv, d, d), {seq, hkv, hd});
      vv = reshape(al, columns(al, qkv, 2 * d, d), {seq, hkv, hd});
    } else {
      Value h = rmsNorm(loc(base + ".input_layernorm"), x,
                        base + ".input_layernorm.weight");
      std::string sa = base + ".self_attn.";
      q = linear(al, h, sa + "q_proj.weight", "", d, hq * hd,
                 tfm::WeightLayout::OutIn);
      k = linear(al, h, sa + "k_proj.weight", "", d, hkv * hd,
                 tfm::WeightLayout::OutIn);
      vv = linear(al, h, sa + "v_proj.weight", "", d, hkv * hd,
                  tfm::WeightLayout::OutIn);
      q = reshape(al, q, {seq, hq, hd});
      k = reshape(al, k, {seq, hkv, hd});
      vv = reshape(al, vv, {seq, hkv, hd});
      FloatAttr theta = b.getF32FloatAttr(c.ropeTheta);
      q = tfm::RotaryOp::create(b, al, q.getType(), q, positions, theta,
                                nullptr, nullptr);
      k = tfm::RotaryOp::create(b, al, k.getType(), k, positions, theta,
                                nullptr, nullptr);
    }
    Value o = attention(al, q, k, vv, i);
    o = reshape(al, o, {seq, hq * hd});
    if (gpt2) {
      o = linear(al, o, base + ".attn.c_proj.weight",
                 base + ".attn.c_proj.bias", d, d, tfm::WeightLayout::InOut);
      x = add(al, x, o);
      Value h = layerNorm(loc(base + ".ln_2"), x, base + ".ln_2");
      Value u =
          linear(ml, h, base + ".mlp.c_fc.weight", base + ".mlp.c_fc.bias", d,
                 inner, tfm::WeightLayout::InOut);
      auto approx = hf::isTanhGelu(c.activation) ? tfm::GeluApproximation::Tanh
                                                 : tfm::GeluApproximation::None;
      u = tfm::GeluOp::create(
          b, ml, u.getType(), u,
          tfm::GeluApproximationAttr::get(b.getContext(), approx));
      u = linear(ml, u, base + ".mlp.c_proj.weight", base + ".mlp.c_proj.bias",
                 inner, d, tfm::WeightLayout::InOut);
      x = add(ml, x, u);
    } else {
      o = linear(al, o, base + ".self_attn.o_proj.weight", "", hq * hd, d,
                 tfm::WeightLayout::OutIn);
      x = add(al, x, o);
      Value h = rmsNorm(loc(base + ".post_attention_layernorm"), x,
                        base + ".post_attention_layernorm.weight");
      std::string mp = base + ".mlp.";
      Value gate = linear(ml, h, mp + "gate_proj.weight", "", d, inner,
                          tfm::WeightLayout::OutIn);
      Value up = linear(ml, h, mp + "up_proj.weight", "", d, inner,
                        tfm::WeightLayout::OutIn);
      Value act = tfm::SwiGLUOp::create(b, ml, up.getType(), gate, up);
      x = add(ml, x,
              linear(ml, act, mp + "down_proj.weight", "", inner, d,
                     tfm::WeightLayout::OutIn));
    }
  }

  Location hl = loc("lm_head");
  if (lastOnly && seq != 1) {
    // Generation needs the next-token distribution only: the final norm and
    // the LM head (the largest matmul) run on the last position alone.
    Value last =
        arith::SubIOp::create(b, hl, tensor::DimOp::create(b, hl, x, 0),
                              arith::ConstantIndexOp::create(b, hl, 1));
    SmallVector<OpFoldResult> offsets{last, b.getIndexAttr(0)};
    SmallVector<OpFoldResult> sizes{b.getIndexAttr(1), b.getIndexAttr(d)};
    SmallVector<OpFoldResult> strides(2, b.getIndexAttr(1));
    x = tensor::ExtractSliceOp::create(b, hl, t({1, d}), x, offsets, sizes,
                                       strides);
  }
  x = gpt2 ? layerNorm(loc(prefix + "ln_f"), x, prefix + "ln_f")
           : rmsNorm(loc("model.norm"), x, "model.norm.weight");
  std::string head = c.tieWordEmbeddings ? embedName : "lm_head.weight";
  Value logits = linear(hl, x, head, "", d, v, tfm::WeightLayout::OutIn);
  func::ReturnOp::create(b, hl, ValueRange{logits, kc, vc});
}

} // namespace

bool mlir::tfc::loadHFModel(const std::string &dir, int64_t contextCap,
                            HFModel &model, std::string &error) {
  model.dir = dir;
  if (!hf::loadModelConfig(dir, model.config, error))
    return false;
  if (!model.checkpoint.open(dir, error))
    return false;
  const hf::ModelConfig &c = model.config;
  std::string prefix =
      c.arch == hf::ArchFamily::GPT2 ? gpt2Prefix(model.checkpoint) : "";
  for (const TensorSpec &spec : expectedTensors(c, prefix)) {
    const hf::TensorInfo *info = model.checkpoint.find(spec.name);
    if (!info) {
      error = dir + ": tensor '" + spec.name +
              "' is missing from the checkpoint (required by the " +
              hf::archFamilyName(c.arch) + " architecture in config.json)";
      return false;
    }
    if (!hf::isFloatConvertible(info->dtype)) {
      error = info->file + ": tensor '" + spec.name + "': unsupported dtype " +
              hf::dtypeName(info->dtype) + " (supported: F32, F16, BF16)";
      return false;
    }
    if (info->shape != spec.shape) {
      error = info->file + ": tensor '" + spec.name + "' has shape " +
              shapeText(info->shape) + ", but config.json implies " +
              shapeText(spec.shape);
      return false;
    }
  }
  model.context = c.maxPositions;
  if (contextCap > 0 && contextCap < model.context)
    model.context = contextCap;
  return true;
}

OwningOpRef<ModuleOp> mlir::tfc::importHFModel(MLIRContext *ctx,
                                               const HFModel &model) {
  ctx->loadDialect<tfm::TfmDialect, func::FuncDialect, tensor::TensorDialect,
                   arith::ArithDialect>();
  OpBuilder b(ctx);
  const hf::ModelConfig &c = model.config;
  OwningOpRef<ModuleOp> module =
      ModuleOp::create(NameLoc::get(b.getStringAttr(model.dir)));
  std::string prefix =
      c.arch == hf::ArchFamily::GPT2 ? gpt2Prefix(model.checkpoint) : "";
  Emitter emitter(b, model, prefix);
  emitter.emitEntry(*module, "tfc_prefill", ShapedType::kDynamic);
  emitter.emitEntry(*module, "tfc_prefill_last", ShapedType::kDynamic,
                    /*lastOnly=*/true);
  emitter.emitEntry(*module, "tfc_decode", 1);

  auto i64 = [&](int64_t v) { return b.getI64IntegerAttr(v); };
  SmallVector<NamedAttribute> info{
      b.getNamedAttr("arch", b.getStringAttr(hf::archFamilyName(c.arch))),
      b.getNamedAttr("vocab_size", i64(c.vocabSize)),
      b.getNamedAttr("context", i64(model.context)),
      b.getNamedAttr("num_layers", i64(c.numLayers)),
      b.getNamedAttr("num_kv_heads", i64(c.numKVHeads)),
      b.getNamedAttr("head_dim", i64(c.headDim))};
  // Token ids config.json leaves out: transformers' defaults where they are
  // known to fit (GPT2Config: <|endoftext|> = 50256 for both, which only
  // GPT-2's own vocabulary has); otherwise none, which the runtime allows.
  std::optional<int64_t> bos = c.bosTokenId;
  std::optional<int64_t> eos;
  if (!c.eosTokenIds.empty())
    eos = c.eosTokenIds.front();
  if (c.arch == hf::ArchFamily::GPT2 && c.vocabSize > kGPT2EndOfText) {
    if (!bos)
      bos = kGPT2EndOfText;
    if (!eos)
      eos = kGPT2EndOfText;
  }
  if (bos)
    info.push_back(b.getNamedAttr("bos_token_id", i64(*bos)));
  if (eos)
    info.push_back(b.getNamedAttr("eos_token_id", i64(*eos)));
  (*module)->setAttr(kModelInfoAttrName, b.getDictionaryAttr(info));
  return module;
}
