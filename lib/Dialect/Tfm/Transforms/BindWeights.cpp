//===- BindWeights.cpp - the tfm-bind-weights pass ------------------------===//

#include "tfc/Dialect/Tfm/IR/TfmOps.h"
#include "tfc/Dialect/Tfm/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/MathExtras.h"

#include <map>

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMBINDWEIGHTS
#include "tfc/Dialect/Tfm/Transforms/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;
using namespace mlir::tfm;

namespace {

struct Slot {
  StringRef name;
  RankedTensorType type;
  DenseI64ArrayAttr permutation;
  int64_t offset = 0;
};

/// Weights are identified by name and permutation: a tensor and its
/// transpose are two entries of the blob.
std::string slotKey(WeightOp w) {
  std::string key = w.getName().str();
  if (auto perm = w.getPermutation())
    for (int64_t p : *perm)
      key += "," + std::to_string(p);
  return key;
}

int64_t byteSize(RankedTensorType t) {
  return t.getNumElements() * llvm::divideCeil(t.getElementTypeBitWidth(), 8);
}

struct TfmBindWeightsPass : tfm::impl::TfmBindWeightsBase<TfmBindWeightsPass> {
  using TfmBindWeightsBase::TfmBindWeightsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (alignment <= 0 || !llvm::isPowerOf2_64(alignment)) {
      module.emitError("tfm-bind-weights: alignment must be a power of two, "
                       "got ")
          << static_cast<int64_t>(alignment);
      return signalPassFailure();
    }

    // 1. Lay out every distinct name, in order of first use.
    llvm::MapVector<std::string, Slot, std::map<std::string, unsigned>> slots;
    int64_t size = 0;
    WalkResult walk = module.walk([&](WeightOp w) {
      auto type = cast<RankedTensorType>(w.getType());
      auto [it, inserted] = slots.insert(
          {slotKey(w), Slot{w.getName(), type, w.getPermutationAttr(), 0}});
      if (!inserted) {
        if (it->second.type != type) {
          w.emitOpError("weight '")
              << w.getName() << "' is used with two types: " << it->second.type
              << " and " << type;
          return WalkResult::interrupt();
        }
        return WalkResult::advance();
      }
      size = llvm::alignTo(size, alignment);
      it->second.offset = size;
      size += byteSize(type);
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();

    // 2. Thread the blob into every function that reads weights.
    auto blobType = MemRefType::get({ShapedType::kDynamic},
                                    IntegerType::get(&getContext(), 8));
    SymbolTableCollection symbols;
    SymbolUserMap users(symbols, module);
    IRRewriter rewriter(&getContext());
    for (auto func : module.getOps<func::FuncOp>()) {
      SmallVector<WeightOp> weights;
      func.walk([&](WeightOp w) { weights.push_back(w); });
      if (weights.empty())
        continue;
      if (func.isExternal())
        continue;
      if (!users.getUsers(func).empty()) {
        func.emitOpError("reads weights but is called from within the "
                         "module; inline it before --tfm-bind-weights");
        return signalPassFailure();
      }
      if (failed(func.insertArgument(0, blobType, {}, func.getLoc())))
        return signalPassFailure();
      Value blob = func.getArgument(0);
      for (WeightOp w : weights) {
        rewriter.setInsertionPoint(w);
        Location loc = w.getLoc();
        auto type = cast<RankedTensorType>(w.getType());
        const Slot &slot = slots.find(slotKey(w))->second;
        Value offset =
            arith::ConstantIndexOp::create(rewriter, loc, slot.offset);
        auto viewType = MemRefType::get(type.getShape(), type.getElementType());
        Value view = memref::ViewOp::create(rewriter, loc, viewType, blob,
                                            offset, ValueRange{});
        auto toTensor = bufferization::ToTensorOp::create(
            rewriter, loc, type, view, /*restrict=*/true,
            /*writable=*/false);
        rewriter.replaceOp(w, toTensor.getResult());
      }
    }

    // 3. Record the layout for the driver.
    Builder b(&getContext());
    SmallVector<Attribute> table;
    for (auto &[key, slot] : slots) {
      SmallVector<NamedAttribute> fields{
          b.getNamedAttr("name", b.getStringAttr(slot.name)),
          b.getNamedAttr("offset", b.getI64IntegerAttr(slot.offset)),
          b.getNamedAttr("type", TypeAttr::get(slot.type))};
      if (slot.permutation)
        fields.push_back(b.getNamedAttr("permutation", slot.permutation));
      table.push_back(b.getDictionaryAttr(fields));
    }
    module->setAttr(kWeightTableAttrName, b.getArrayAttr(table));
    module->setAttr(kWeightBytesAttrName, b.getI64IntegerAttr(size));
    numWeights += slots.size();
    numBytes += size;
  }
};

} // namespace
