//===- DropReturnedArguments.cpp - the tfc-drop-returned-arguments pass ---===//

#include "tfc/Codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
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
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTableCollection symbols;
    SymbolUserMap users(symbols, module);
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal() || !users.getUsers(func).empty())
        continue;
      SmallVector<func::ReturnOp> returns;
      func.walk([&](func::ReturnOp r) { returns.push_back(r); });
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
