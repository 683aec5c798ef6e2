//===- OutlineKernels.cpp - the tfc-outline-kernels pass ------------------===//

#include "tfc/Codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::tfc {
#define GEN_PASS_DEF_TFCOUTLINEKERNELS
#include "tfc/Codegen/Passes.h.inc"
} // namespace mlir::tfc

using namespace mlir;

namespace {

void appendShape(llvm::raw_ostream &os, ShapedType type) {
  llvm::interleave(
      type.getShape(), os,
      [&](int64_t d) {
        if (ShapedType::isDynamic(d))
          os << 'D';
        else
          os << d;
      },
      "x");
}

/// tfc_matmul_<A shape>_<B shape>_<A elt>_<B elt>_<C elt>.
std::string matmulName(linalg::MatmulOp op) {
  auto a = cast<ShapedType>(op.getDpsInputs()[0].getType());
  auto b = cast<ShapedType>(op.getDpsInputs()[1].getType());
  auto c = cast<ShapedType>(op.getDpsInits()[0].getType());
  std::string name;
  llvm::raw_string_ostream os(name);
  os << "tfc_matmul_";
  appendShape(os, a);
  os << "_";
  appendShape(os, b);
  os << "_" << a.getElementType() << "_" << b.getElementType() << "_"
     << c.getElementType();
  return name;
}

/// True if `v` will bufferize to a view with a non-identity layout (a slice,
/// possibly reshaped). Kernels take identity-layout memrefs, so passing such
/// a value would add a copy at every call.
bool isStridedView(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (isa<tensor::ExtractSliceOp>(def))
      return true;
    if (!isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp, tensor::CastOp>(
            def))
      return false;
    v = def->getOperand(0);
  }
  return false;
}

/// The type of a strided memref with a static offset, with that offset made
/// dynamic; null for any other type.
Type withDynamicOffset(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref)
    return {};
  auto layout = dyn_cast<StridedLayoutAttr>(memref.getLayout());
  if (!layout || ShapedType::isDynamic(layout.getOffset()))
    return {};
  auto dynamic = StridedLayoutAttr::get(type.getContext(), ShapedType::kDynamic,
                                        layout.getStrides());
  return MemRefType::get(memref.getShape(), memref.getElementType(), dynamic,
                         memref.getMemorySpace());
}

/// Marks kernel functions, whose ops are not outlined again.
constexpr llvm::StringLiteral kKernelAttr = "tfc.kernel";

bool isOutlinable(linalg::LinalgOp op) {
  if (auto func = op->getParentOfType<func::FuncOp>())
    if (func->hasAttr(kKernelAttr))
      return false;
  if (auto mm = dyn_cast<linalg::MatmulOp>(op.getOperation())) {
    if (mm.hasUserDefinedMaps())
      return false;
  } else if (auto copy = dyn_cast<linalg::CopyOp>(op.getOperation())) {
    // Copies between buffers (the KV-cache writes, say) are shared too: in
    // place, LLVM vectorizes each one with run-time alias checks and unrolls
    // its scalar fallback, which multiplies the entry functions' code size.
    // A copy of a few elements is cheaper than the call.
    auto type = cast<ShapedType>(copy.getDpsInits()[0].getType());
    return copy.hasPureBufferSemantics() &&
           (!type.hasStaticShape() || type.getNumElements() > 64);
  } else if (!isa<linalg::GenericOp>(op.getOperation())) {
    return false; // fills: too small to be worth a call
  }
  // On buffers the kernel takes the memref types as they are (strided views
  // included), so anything goes.
  if (op.hasPureBufferSemantics())
    return true;
  return op.hasPureTensorSemantics() &&
         llvm::none_of(op->getOperands(), isStridedView);
}

struct TfcOutlineKernelsPass
    : tfc::impl::TfcOutlineKernelsBase<TfcOutlineKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<linalg::LinalgOp> ops;
    module.walk([&](linalg::LinalgOp op) {
      if (isOutlinable(op))
        ops.push_back(op);
    });

    // Kernels keyed by their printed body: identical ops in different layers
    // (same types, maps, region and captured constants) share one function.
    llvm::StringMap<func::FuncOp> kernels;
    unsigned genericCount = 0;
    OpBuilder builder(&getContext());
    OpPrintingFlags flags;
    flags.printGenericOpForm().useLocalScope();
    for (linalg::LinalgOp op : ops) {
      // Values the op's regions use from above: constants are cloned into the
      // kernel, anything else becomes an extra argument.
      SetVector<Value> captured;
      getUsedValuesDefinedAbove(op->getRegions(), captured);
      SmallVector<Value> args(op->getOperands());
      SmallVector<Operation *> constants;
      for (Value v : captured) {
        Operation *def = v.getDefiningOp();
        if (def && def->getNumOperands() == 0 && def->getNumRegions() == 0 &&
            matchPattern(v, m_Constant()))
          constants.push_back(def);
        else
          args.push_back(v);
      }

      // Views that differ only in a static offset (e.g. the KV cache of
      // different layers) share a kernel: the kernel takes a dynamic offset.
      SmallVector<Value> callArgs(args);
      builder.setInsertionPoint(op);
      for (Value &arg : callArgs)
        if (Type dynamic = withDynamicOffset(arg.getType()))
          arg = memref::CastOp::create(builder, op.getLoc(), dynamic, arg);

      builder.setInsertionPointToEnd(module.getBody());
      auto type = builder.getFunctionType(ValueRange(callArgs).getTypes(),
                                          op->getResultTypes());
      auto kernel =
          func::FuncOp::create(builder, op.getLoc(), "tfc_kernel", type);
      kernel.setPrivate();
      kernel->setAttr(kKernelAttr, builder.getUnitAttr());
      // Becomes the llvm.func passthrough attribute, i.e. LLVM noinline.
      kernel->setAttr("passthrough", builder.getArrayAttr(
                                         {builder.getStringAttr("noinline")}));
      Block *body = kernel.addEntryBlock();
      builder.setInsertionPointToStart(body);
      IRMapping mapping;
      mapping.map(args, body->getArguments());
      for (Operation *c : constants)
        builder.clone(*c, mapping);
      Operation *clone = builder.clone(*op, mapping);
      func::ReturnOp::create(builder, op.getLoc(), clone->getResults());

      std::string key;
      llvm::raw_string_ostream os(key);
      kernel->print(os, flags);
      func::FuncOp &shared = kernels[key];
      if (shared) {
        kernel.erase();
      } else {
        auto mm = dyn_cast<linalg::MatmulOp>(op.getOperation());
        std::string name = mm ? matmulName(mm) : "";
        StringRef prefix = isa<linalg::CopyOp>(op.getOperation())
                               ? "tfc_copy_"
                               : "tfc_kernel_";
        while (name.empty() || symbols.lookup(name))
          name = (prefix + Twine(genericCount++)).str();
        kernel.setName(name);
        symbols.insert(kernel); // renames on a clash with a user symbol
        shared = kernel;
        ++numKernels;
      }

      builder.setInsertionPoint(op);
      auto call = func::CallOp::create(builder, op.getLoc(), shared, callArgs);
      op->replaceAllUsesWith(call.getResults());
      op->erase();
      ++numOutlined;
    }
  }
};

} // namespace
