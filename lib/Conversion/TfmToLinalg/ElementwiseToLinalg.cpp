//===- ElementwiseToLinalg.cpp - arithmetic, casts and activations --------===//
//
// Every op here becomes one all-parallel linalg.generic; broadcast operands
// read through indexing maps that pin their size-1 dimensions to 0, so no
// broadcast copy is ever materialized.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "tfc/Conversion/TfmToLinalg/TfmToLinalg.h"
#include "tfc/Dialect/Tfm/IR/TfmOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

using namespace mlir;
using namespace mlir::tfc::lowering;

namespace {

template <typename OpTy, typename FloatOp, typename IntOp>
struct BinaryLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Type et = type.getElementType();
    Value v = emitElementwise(
        rewriter, op.getLoc(), type, {adaptor.getLhs(), adaptor.getRhs()},
        [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
          if (isa<FloatType>(et))
            return inF32(b, loc, a, et, [&](ValueRange x) -> Value {
              return FloatOp::create(b, loc, x[0], x[1]);
            });
          return IntOp::create(b, loc, a[0], a[1]);
        });
    rewriter.replaceOp(op, v);
    return success();
  }
};

struct CastLowering : OpConversionPattern<tfm::CastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tfm::CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = op.getType();
    Type from = getElementTypeOrSelf(op.getInput().getType());
    Type to = type.getElementType();
    Value v = emitElementwise(
        rewriter, op.getLoc(), type, {adaptor.getInput()},
        [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
          Value x = a[0];
          auto ff = dyn_cast<FloatType>(from), ft = dyn_cast<FloatType>(to);
          if (ff && ft) {
            if (ff == ft)
              return x;
            // Through f32 so that f16 <-> bf16 is well defined.
            Value wide = extendToF32(b, loc, x);
            if (ft.getWidth() >= 32)
              return ft.getWidth() == 32
                         ? wide
                         : Value(arith::ExtFOp::create(b, loc, to, wide));
            return arith::TruncFOp::create(b, loc, to, wide);
          }
          if (!ff && ft)
            return from.isInteger(1)
                       ? Value(arith::UIToFPOp::create(b, loc, to, x))
                       : Value(arith::SIToFPOp::create(b, loc, to, x));
          if (ff && !ft)
            return arith::FPToSIOp::create(b, loc, to, x);
          unsigned wf = from.getIntOrFloatBitWidth();
          unsigned wt = to.getIntOrFloatBitWidth();
          if (wf == wt)
            return x;
          if (wf > wt)
            return arith::TruncIOp::create(b, loc, to, x);
          return from.isInteger(1)
                     ? Value(arith::ExtUIOp::create(b, loc, to, x))
                     : Value(arith::ExtSIOp::create(b, loc, to, x));
        });
    rewriter.replaceOp(op, v);
    return success();
  }
};

/// x * sigmoid(x) in f32.
Value siluScalar(OpBuilder &b, Location loc, Value x) {
  Value one = floatConst(b, loc, x.getType(), 1.0);
  Value negX = arith::NegFOp::create(b, loc, x);
  Value e = math::ExpOp::create(b, loc, negX);
  Value denom = arith::AddFOp::create(b, loc, one, e);
  return arith::DivFOp::create(b, loc, x, denom);
}

struct GeluLowering : OpConversionPattern<tfm::GeluOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tfm::GeluOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    bool useTanh = op.getApproximation() == tfm::GeluApproximation::Tanh;
    auto type = op.getType();
    Value v = emitElementwise(
        rewriter, op.getLoc(), type, {adaptor.getInput()},
        [&](OpBuilder &b, Location loc, ValueRange a) {
          return inF32(b, loc, a, type.getElementType(), [&](ValueRange x) {
            Type f32 = b.getF32Type();
            Value half = floatConst(b, loc, f32, 0.5);
            Value one = floatConst(b, loc, f32, 1.0);
            Value inner;
            if (useTanh) {
              // sqrt(2/pi) * (x + 0.044715 x^3)
              Value x3 = arith::MulFOp::create(
                  b, loc, x[0], arith::MulFOp::create(b, loc, x[0], x[0]));
              Value t = arith::AddFOp::create(
                  b, loc, x[0],
                  arith::MulFOp::create(b, loc,
                                        floatConst(b, loc, f32, 0.044715), x3));
              t = arith::MulFOp::create(
                  b, loc, floatConst(b, loc, f32, std::sqrt(2.0 / M_PI)), t);
              inner = math::TanhOp::create(b, loc, t);
            } else {
              Value t = arith::MulFOp::create(
                  b, loc, x[0], floatConst(b, loc, f32, M_SQRT1_2));
              inner = math::ErfOp::create(b, loc, t);
            }
            Value s = arith::AddFOp::create(b, loc, one, inner);
            return Value(arith::MulFOp::create(
                b, loc, arith::MulFOp::create(b, loc, half, x[0]), s));
          });
        });
    rewriter.replaceOp(op, v);
    return success();
  }
};

struct SiluLowering : OpConversionPattern<tfm::SiluOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tfm::SiluOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = op.getType();
    Value v = emitElementwise(
        rewriter, op.getLoc(), type, {adaptor.getInput()},
        [&](OpBuilder &b, Location loc, ValueRange a) {
          return inF32(b, loc, a, type.getElementType(),
                       [&](ValueRange x) { return siluScalar(b, loc, x[0]); });
        });
    rewriter.replaceOp(op, v);
    return success();
  }
};

struct SwiGLULowering : OpConversionPattern<tfm::SwiGLUOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tfm::SwiGLUOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = op.getType();
    Value v = emitElementwise(
        rewriter, op.getLoc(), type, {adaptor.getGate(), adaptor.getUp()},
        [&](OpBuilder &b, Location loc, ValueRange a) {
          return inF32(b, loc, a, type.getElementType(), [&](ValueRange x) {
            return Value(
                arith::MulFOp::create(b, loc, siluScalar(b, loc, x[0]), x[1]));
          });
        });
    rewriter.replaceOp(op, v);
    return success();
  }
};

} // namespace

void mlir::tfc::populateTfmElementwiseToLinalgPatterns(
    RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<BinaryLowering<tfm::AddOp, arith::AddFOp, arith::AddIOp>,
               BinaryLowering<tfm::SubOp, arith::SubFOp, arith::SubIOp>,
               BinaryLowering<tfm::MulOp, arith::MulFOp, arith::MulIOp>,
               BinaryLowering<tfm::DivOp, arith::DivFOp, arith::DivSIOp>,
               CastLowering, GeluLowering, SiluLowering, SwiGLULowering>(ctx);
}
