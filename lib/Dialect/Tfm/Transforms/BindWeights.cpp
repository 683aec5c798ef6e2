//===- BindWeights.cpp - the tfm-bind-weights pass ------------------------===//

#include "tfc/Dialect/Tfm/IR/TfmOps.h"
#include "tfc/Dialect/Tfm/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MathExtras.h"

#include <map>

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMBINDWEIGHTS
#include "tfc/Dialect/Tfm/Transforms/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;
using namespace mlir::tfm;

namespace {

/// One entry of the blob: a weight, or a composite of weights concatenated
/// along `axis` (then `parts` describes them and `name` is empty).
struct Slot {
  StringRef name;
  RankedTensorType type;
  DenseI64ArrayAttr permutation;
  IntegerAttr panels;
  ArrayAttr parts;
  int64_t axis = 0;
  int64_t offset = 0;
};

/// The table fields that name a weight.
SmallVector<NamedAttribute> weightFields(Builder &b, StringRef name,
                                         RankedTensorType type,
                                         DenseI64ArrayAttr permutation,
                                         IntegerAttr panels) {
  SmallVector<NamedAttribute> fields{
      b.getNamedAttr("name", b.getStringAttr(name)),
      b.getNamedAttr("type", TypeAttr::get(type))};
  if (permutation)
    fields.push_back(b.getNamedAttr("permutation", permutation));
  if (panels)
    fields.push_back(b.getNamedAttr("panels", panels));
  return fields;
}

/// Weights are identified by name, permutation and panels: a tensor and its
/// transpose are two entries of the blob.
std::string slotKey(WeightOp w) {
  std::string key = w.getName().str();
  if (auto perm = w.getPermutation())
    for (int64_t p : *perm)
      key += "," + std::to_string(p);
  if (auto panels = w.getPanels())
    key += ";" + std::to_string(*panels);
  return key;
}

/// A static concatenation of weights only is one composite entry of the
/// blob.
bool isComposite(tensor::ConcatOp concat) {
  return concat.getResultType().hasStaticShape() &&
         llvm::all_of(concat.getInputs(), [](Value v) {
           return v.getDefiningOp<WeightOp>() != nullptr;
         });
}

/// Composites are identified by their axis and parts ('\0' cannot occur in
/// the keys of weights, which are names and numbers).
std::string compositeKey(tensor::ConcatOp concat) {
  std::string key = std::string(1, '\0') + std::to_string(concat.getDim());
  for (Value v : concat.getInputs())
    key += std::string(1, '\0') + slotKey(v.getDefiningOp<WeightOp>());
  return key;
}

/// A weight read only by composites needs no entry of its own.
bool isPartOnly(WeightOp w) {
  return !w->use_empty() && llvm::all_of(w->getUsers(), [](Operation *user) {
    auto concat = dyn_cast<tensor::ConcatOp>(user);
    return concat && isComposite(concat);
  });
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

    // 1. Lay out every distinct weight and composite, in order of first use.
    Builder b(&getContext());
    llvm::MapVector<std::string, Slot, std::map<std::string, unsigned>> slots;
    llvm::StringMap<RankedTensorType> types;
    int64_t size = 0;
    auto addSlot = [&](std::string key, Slot slot) {
      auto [it, inserted] = slots.insert({std::move(key), std::move(slot)});
      if (!inserted)
        return;
      size = llvm::alignTo(size, alignment);
      it->second.offset = size;
      size += byteSize(it->second.type);
    };
    WalkResult walk = module.walk([&](Operation *op) {
      if (auto concat = dyn_cast<tensor::ConcatOp>(op)) {
        if (!isComposite(concat))
          return WalkResult::advance();
        SmallVector<Attribute> parts;
        for (Value v : concat.getInputs()) {
          auto w = v.getDefiningOp<WeightOp>();
          parts.push_back(b.getDictionaryAttr(
              weightFields(b, w.getName(), cast<RankedTensorType>(w.getType()),
                           w.getPermutationAttr(), w.getPanelsAttr())));
        }
        Slot slot{StringRef(),
                  concat.getResultType(),
                  nullptr,
                  nullptr,
                  b.getArrayAttr(parts),
                  static_cast<int64_t>(concat.getDim()),
                  0};
        addSlot(compositeKey(concat), std::move(slot));
        return WalkResult::advance();
      }
      auto w = dyn_cast<WeightOp>(op);
      if (!w)
        return WalkResult::advance();
      auto type = cast<RankedTensorType>(w.getType());
      auto [it, inserted] = types.insert({slotKey(w), type});
      if (!inserted && it->second != type) {
        w.emitOpError("weight '")
            << w.getName() << "' is used with two types: " << it->second
            << " and " << type;
        return WalkResult::interrupt();
      }
      if (!isPartOnly(w))
        addSlot(slotKey(w), Slot{w.getName(), type, w.getPermutationAttr(),
                                 w.getPanelsAttr(), nullptr, 0, 0});
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
      SmallVector<tensor::ConcatOp> composites;
      func.walk([&](Operation *op) {
        if (auto w = dyn_cast<WeightOp>(op))
          weights.push_back(w);
        else if (auto concat = dyn_cast<tensor::ConcatOp>(op))
          if (isComposite(concat))
            composites.push_back(concat);
      });
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
      // Replaces `op` (one tensor result) by a read-only view of its slot.
      auto bind = [&](Operation *op, const Slot &slot) {
        rewriter.setInsertionPoint(op);
        Location loc = op->getLoc();
        auto type = cast<RankedTensorType>(op->getResult(0).getType());
        Value offset =
            arith::ConstantIndexOp::create(rewriter, loc, slot.offset);
        auto viewType = MemRefType::get(type.getShape(), type.getElementType());
        Value view = memref::ViewOp::create(rewriter, loc, viewType, blob,
                                            offset, ValueRange{});
        auto toTensor = bufferization::ToTensorOp::create(
            rewriter, loc, type, view, /*restrict=*/true,
            /*writable=*/false);
        rewriter.replaceOp(op, toTensor.getResult());
      };
      SmallVector<bool> partOnly = llvm::map_to_vector(
          weights, [](WeightOp w) { return isPartOnly(w); });
      for (tensor::ConcatOp concat : composites)
        bind(concat, slots.find(compositeKey(concat))->second);
      for (auto [w, part] : llvm::zip_equal(weights, partOnly)) {
        if (part)
          rewriter.eraseOp(w);
        else
          bind(w, slots.find(slotKey(w))->second);
      }
    }

    // 3. Record the layout for the driver.
    SmallVector<Attribute> table;
    for (auto &[key, slot] : slots) {
      SmallVector<NamedAttribute> fields;
      if (!slot.parts) {
        fields = weightFields(b, slot.name, slot.type, slot.permutation,
                              slot.panels);
      } else {
        fields = {b.getNamedAttr("type", TypeAttr::get(slot.type)),
                  b.getNamedAttr("axis", b.getI64IntegerAttr(slot.axis)),
                  b.getNamedAttr("parts", slot.parts)};
      }
      fields.push_back(
          b.getNamedAttr("offset", b.getI64IntegerAttr(slot.offset)));
      table.push_back(b.getDictionaryAttr(fields));
    }
    module->setAttr(kWeightTableAttrName, b.getArrayAttr(table));
    module->setAttr(kWeightBytesAttrName, b.getI64IntegerAttr(size));
    numWeights += slots.size();
    numBytes += size;
  }
};

} // namespace
