//===- TfmAttentionOps.cpp - rotary embedding and attention ---------------===//

#include "tfc/Dialect/Tfm/IR/TfmOps.h"

#include "VerifyUtils.h"

#include <cmath>

using namespace mlir;
using namespace mlir::tfm;
using tfm::verify::dimsCompatible;
using tfm::verify::formatShape;

//===----------------------------------------------------------------------===//
// RotaryOp
//===----------------------------------------------------------------------===//

int64_t RotaryOp::getEffectiveRotaryDim() {
  if (auto d = getRotaryDim())
    return *d;
  return getType().getShape().back();
}

LogicalResult RotaryOp::verify() {
  auto in = getInput().getType();
  auto pos = getPositions().getType();
  if (in.getRank() != 3)
    return emitOpError("input must be [seq, heads, head_dim], got ")
           << formatShape(in);
  if (pos.getRank() != 1 ||
      !dimsCompatible(pos.getDimSize(0), in.getDimSize(0)))
    return emitOpError("positions must be [seq] = [")
           << (ShapedType::isDynamic(in.getDimSize(0))
                   ? std::string("?")
                   : std::to_string(in.getDimSize(0)))
           << "], got " << formatShape(pos);
  int64_t headDim = in.getDimSize(2);
  if (ShapedType::isDynamic(headDim))
    return emitOpError("head_dim must be static");
  int64_t rot = getEffectiveRotaryDim();
  if (rot <= 0 || rot > headDim || rot % 2 != 0)
    return emitOpError("rotary_dim must be even and in (0, head_dim = ")
           << headDim << "], got " << rot;
  double theta = getTheta().convertToDouble();
  if (!(theta > 0.0) || !std::isfinite(theta))
    return emitOpError("theta must be positive and finite, got ") << theta;
  return success();
}

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

double AttentionOp::getEffectiveScale() {
  if (auto s = getScale())
    return s->convertToDouble();
  return 1.0 /
         std::sqrt(static_cast<double>(getQuery().getType().getDimSize(2)));
}

LogicalResult AttentionOp::verify() {
  auto q = getQuery().getType();
  auto k = getKey().getType();
  auto v = getValue().getType();
  auto o = getResult().getType();
  for (auto [t, name] : {std::pair{q, "query"}, std::pair{k, "key"},
                         std::pair{v, "value"}, std::pair{o, "result"}})
    if (t.getRank() != 3)
      return emitOpError() << name << " must be [seq, heads, head_dim], got "
                           << formatShape(t);
  Type et = q.getElementType();
  if (k.getElementType() != et || v.getElementType() != et ||
      o.getElementType() != et)
    return emitOpError("query, key, value and result must share one element "
                       "type, got ")
           << et << ", " << k.getElementType() << ", " << v.getElementType()
           << ", " << o.getElementType();
  int64_t hq = q.getDimSize(1), hkv = k.getDimSize(1);
  int64_t d = q.getDimSize(2), dv = v.getDimSize(2);
  if (ShapedType::isDynamic(hq) || ShapedType::isDynamic(hkv) ||
      ShapedType::isDynamic(d) || ShapedType::isDynamic(dv))
    return emitOpError("head counts and head dims must be static");
  if (v.getDimSize(1) != hkv)
    return emitOpError("key has ")
           << hkv << " heads but value has " << v.getDimSize(1);
  if (hkv <= 0 || hq % hkv != 0)
    return emitOpError("query heads (")
           << hq << ") must be a multiple of key/value heads (" << hkv << ")";
  if (k.getDimSize(2) != d)
    return emitOpError("query head_dim ")
           << d << " does not match key head_dim " << k.getDimSize(2);
  if (!dimsCompatible(k.getDimSize(0), v.getDimSize(0)))
    return emitOpError("key and value sequence lengths differ: ")
           << formatShape(k) << " vs " << formatShape(v);
  if (!dimsCompatible(o.getDimSize(0), q.getDimSize(0)) ||
      o.getDimSize(1) != hq || o.getDimSize(2) != dv)
    return emitOpError("result must be [query seq, query heads, value "
                       "head_dim] = ")
           << formatShape({q.getDimSize(0), hq, dv}) << ", got "
           << formatShape(o);
  if (auto s = getScale()) {
    double sv = s->convertToDouble();
    if (!(sv > 0.0) || !std::isfinite(sv))
      return emitOpError("scale must be positive and finite, got ") << sv;
  }

  if (!hasKVCache()) {
    if (getValueCache() || getCachePosition())
      return emitOpError("a value cache or cache position needs a key cache");
    if (getKeyCacheResult() || getValueCacheResult())
      return emitOpError("cache results require cache operands");
    return success();
  }
  if (!getValueCache() || !getCachePosition())
    return emitOpError("a key cache needs a value cache and a cache position");
  auto kc = cast<RankedTensorType>(getKeyCache().getType());
  auto vc = cast<RankedTensorType>(getValueCache().getType());
  if (kc.getRank() != 3 || kc.getDimSize(1) != hkv || kc.getDimSize(2) != d)
    return emitOpError("key cache must be [max_seq, ")
           << hkv << ", " << d << "], got " << formatShape(kc);
  if (vc.getRank() != 3 || vc.getDimSize(1) != hkv || vc.getDimSize(2) != dv ||
      vc.getDimSize(0) != kc.getDimSize(0))
    return emitOpError("value cache must be [")
           << kc.getDimSize(0) << ", " << hkv << ", " << dv << "], got "
           << formatShape(vc);
  if (kc.getElementType() != et || vc.getElementType() != et)
    return emitOpError("caches must have element type ") << et;
  if (!getKeyCacheResult() || !getValueCacheResult())
    return emitOpError("with a KV cache the op returns the updated key and "
                       "value caches");
  if (getKeyCacheResult().getType() != kc ||
      getValueCacheResult().getType() != vc)
    return emitOpError("cache result types must equal the cache operand types");
  if (!ShapedType::isDynamic(k.getDimSize(0)) &&
      k.getDimSize(0) > kc.getDimSize(0))
    return emitOpError("cannot append ")
           << k.getDimSize(0) << " key rows to a cache of " << kc.getDimSize(0);
  return success();
}
