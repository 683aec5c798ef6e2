//===- DropReturnedArguments.cpp - the tfc-drop-returned-arguments pass ---===//

#include "tfc/Codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/BitVector.h"

namespace mlir::tfc {
#define GEN_PASS_DEF_TFCDROPRETURNEDARGUMENTS
#include "tfc/Codegen/Passes.h.inc"
} // namespace mlir::tfc

using namespace mlir;

namespace {
struct TfcDropReturnedArgumentsPass
    : tfc::impl::TfcDropReturnedArgumentsBase<TfcDropReturnedArgumentsPass> {
  /// A buffer returned in several result positions (two results CSE made
  /// one value) would become one out-parameter written twice, which
  /// buffer-results-to-out-params cannot express (it crashes): every
  /// repeated occurrence returns a copy instead.
  static void separateRepeatedResults(ArrayRef<func::ReturnOp> returns) {
    for (func::ReturnOp r : returns) {
      llvm::SmallPtrSet<Value, 8> seen;
      for (OpOperand &operand : r->getOpOperands()) {
        Value v = operand.get();
        auto type = dyn_cast<MemRefType>(v.getType());
        if (seen.insert(v).second || !type ||
            isa<BlockArgument>(v)) // an argument is dropped, not copied
          continue;
        OpBuilder b(r);
        SmallVector<Value> dynSizes;
        for (int64_t d = 0; d < type.getRank(); ++d)
          if (type.isDynamicDim(d))
            dynSizes.push_back(memref::DimOp::create(b, r.getLoc(), v, d));
        auto plain = MemRefType::get(type.getShape(), type.getElementType());
        Value copy = memref::AllocOp::create(b, r.getLoc(), plain, dynSizes);
        memref::CopyOp::create(b, r.getLoc(), v, copy);
        if (copy.getType() != v.getType())
          copy = memref::CastOp::create(b, r.getLoc(), v.getType(), copy);
        operand.set(copy);
      }
    }
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTableCollection symbols;
    SymbolUserMap users(symbols, module);
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal() || !users.getUsers(func).empty())
        continue;
      SmallVector<func::ReturnOp> returns;
      func.walk([&](func::ReturnOp r) { returns.push_back(r); });
      separateRepeatedResults(returns);
      llvm::BitVector drop(func.getNumResults());
      for (unsigned i = 0; i < func.getNumResults(); ++i) {
        auto arg = dyn_cast<BlockArgument>(returns.front().getOperand(i));
        drop[i] = arg && arg.getOwner() == &func.getBody().front() &&
                  llvm::all_of(returns, [&](func::ReturnOp r) {
                    return r.getOperand(i) == arg;
                  });
      }
      if (drop.none())
        continue;
      // Record, per original result, the argument it aliased (-1: kept), so
      // that callers outside the module know where to read it.
      SmallVector<int64_t> aliases;
      for (unsigned i = 0; i < func.getNumResults(); ++i)
        aliases.push_back(
            drop[i] ? static_cast<int64_t>(
                          cast<BlockArgument>(returns.front().getOperand(i))
                              .getArgNumber())
                    : int64_t(-1));
      func->setAttr(tfc::kResultAliasesAttrName,
                    DenseI64ArrayAttr::get(&getContext(), aliases));
      for (func::ReturnOp r : returns)
        r->eraseOperands(drop);
      if (failed(func.eraseResults(drop)))
        return signalPassFailure();
    }
  }
};
} // namespace
