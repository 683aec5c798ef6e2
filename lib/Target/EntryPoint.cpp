//===- EntryPoint.cpp - the C ABI the runtime calls -----------------------===//

#include "tfc/Target/EntryPoint.h"

#include "tfc/Codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

static FailureOr<std::string> dtypeName(Type t) {
  if (t.isF32())
    return std::string("f32");
  if (t.isF16())
    return std::string("f16");
  if (t.isBF16())
    return std::string("bf16");
  if (t.isInteger(64))
    return std::string("i64");
  if (t.isInteger(32))
    return std::string("i32");
  if (t.isInteger(8))
    return std::string("i8");
  return failure();
}

static std::string shapeText(ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "scalar";
  std::string s;
  llvm::raw_string_ostream os(s);
  llvm::interleave(
      shape, os,
      [&](int64_t d) {
        if (ShapedType::isDynamic(d))
          os << "?";
        else
          os << d;
      },
      "x");
  return s;
}

FailureOr<std::string> mlir::tfc::describeEntrySignature(ModuleOp module,
                                                         StringRef entry,
                                                         std::string &error) {
  auto func = module.lookupSymbol<func::FuncOp>(entry);
  if (!func || func.isExternal()) {
    error = "no function @" + entry.str() + " with a body in the module";
    return failure();
  }
  std::string sig;
  llvm::raw_string_ostream os(sig);
  auto describe = [&](Type t, bool isResult, unsigned idx) -> LogicalResult {
    auto shaped = dyn_cast<ShapedType>(t);
    if (!shaped || !shaped.hasRank() ||
        !(isa<RankedTensorType>(t) || isa<MemRefType>(t))) {
      error = "@" + entry.str() + " " + (isResult ? "result " : "argument ") +
              std::to_string(idx) + " is not a ranked tensor or memref";
      return failure();
    }
    auto name = dtypeName(shaped.getElementType());
    if (failed(name)) {
      std::string ts;
      llvm::raw_string_ostream tos(ts);
      tos << shaped.getElementType();
      error = "@" + entry.str() + (isResult ? " result " : " argument ") +
              std::to_string(idx) + " has unsupported element type " + ts;
      return failure();
    }
    if (isResult && !shaped.hasStaticShape()) {
      error = "@" + entry.str() + " result " + std::to_string(idx) +
              " has a dynamic shape; the runner allocates results, so their "
              "shapes must be static";
      return failure();
    }
    os << (isResult ? "out " : "in ") << *name << " "
       << shapeText(shaped.getShape()) << "\n";
    return success();
  };
  for (auto [i, t] : llvm::enumerate(func.getArgumentTypes()))
    if (failed(describe(t, false, i)))
      return failure();
  for (auto [i, t] : llvm::enumerate(func.getResultTypes()))
    if (failed(describe(t, true, i)))
      return failure();
  return sig;
}

std::string mlir::tfc::applyResultAliases(ModuleOp module, StringRef entry,
                                          StringRef signature) {
  Operation *fn = SymbolTable::lookupSymbolIn(module, entry);
  auto aliases =
      fn ? fn->getAttrOfType<DenseI64ArrayAttr>(kResultAliasesAttrName)
         : DenseI64ArrayAttr();
  if (!aliases)
    return signature.str();
  std::string out;
  unsigned result = 0;
  SmallVector<StringRef> lines;
  signature.split(lines, '\n', -1, /*KeepEmpty=*/false);
  for (StringRef line : lines) {
    out += line.str();
    if (line.starts_with("out ")) {
      if (result < aliases.size() && aliases[result] >= 0)
        out += " =" + std::to_string(aliases[result]);
      ++result;
    }
    out += "\n";
  }
  return out;
}

void mlir::tfc::requestCInterfaces(ModuleOp module) {
  for (auto func : module.getOps<func::FuncOp>())
    if (func.isPublic() && !func.isExternal())
      func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                    UnitAttr::get(module.getContext()));
}

llvm::Error mlir::tfc::addRunnerEntryPoint(llvm::Module &module,
                                           llvm::StringRef entry,
                                           llvm::StringRef signature) {
  std::string name = ("_mlir_ciface_" + entry).str();
  llvm::Function *callee = module.getFunction(name);
  if (!callee)
    return llvm::createStringError("entry function " + name +
                                   " is missing from the generated code");
  if (!callee->getReturnType()->isVoidTy())
    return llvm::createStringError(
        "entry @" + entry.str() +
        " still returns a value after bufferization; its results must be "
        "statically shaped so they become out-parameters");
  llvm::LLVMContext &ctx = module.getContext();
  llvm::Type *ptrTy = llvm::PointerType::getUnqual(ctx);
  for (llvm::Type *t : callee->getFunctionType()->params())
    if (t != ptrTy)
      return llvm::createStringError("entry @" + entry.str() +
                                     " takes a non-memref argument");

  auto *fnTy =
      llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptrTy}, false);
  auto *invoke = llvm::Function::Create(fnTy, llvm::Function::ExternalLinkage,
                                        "tfc_invoke", module);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", invoke));
  llvm::SmallVector<llvm::Value *> args;
  for (unsigned i = 0; i < callee->arg_size(); ++i) {
    llvm::Value *slot =
        b.CreateConstInBoundsGEP1_64(ptrTy, invoke->getArg(0), i);
    args.push_back(b.CreateLoad(ptrTy, slot));
  }
  b.CreateCall(callee, args);
  b.CreateRetVoid();

  addStringConstant(module, "tfc_signature", signature);
  return llvm::Error::success();
}

void mlir::tfc::addStringConstant(llvm::Module &module, llvm::StringRef name,
                                  llvm::StringRef text) {
  llvm::Constant *data =
      llvm::ConstantDataArray::getString(module.getContext(), text);
  new llvm::GlobalVariable(module, data->getType(), /*isConstant=*/true,
                           llvm::GlobalValue::ExternalLinkage, data, name);
}
