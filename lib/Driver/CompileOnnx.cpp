//===- CompileOnnx.cpp - `tfc compile <model.onnx>` -----------------------===//

#include "tfc/Driver/Compiler.h"

#include "tfc/Dialect/Tfm/IR/TfmOps.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"

#include <limits>

#ifdef TFC_HAVE_ONNX
#include "tfc/Import/Onnx/OnnxImporter.h"
#endif

using namespace mlir;
using namespace mlir::tfc;

LogicalResult mlir::tfc::compileOnnxModel(MLIRContext *ctx,
                                          const CompileOptions &options) {
#ifndef TFC_HAVE_ONNX
  return emitError(UnknownLoc::get(ctx))
         << options.inputPath
         << ": this tfc was built without ONNX support (configure with "
            "libonnx-dev and libprotobuf-dev installed)";
#else
  TimingScope importTiming =
      options.timing ? options.timing->nest("import") : TimingScope();
  OnnxImportOptions importOptions;
  importOptions.inlineLimit = options.onnxInlineLimit < 0
                                  ? std::numeric_limits<int64_t>::max()
                                  : options.onnxInlineLimit;
  OwningOpRef<ModuleOp> module =
      importOnnxModel(ctx, options.inputPath, importOptions);
  if (!module)
    return failure();
  {
    // An op that does not verify (an invalid model the importer did not
    // catch, or an importer bug): name the node it came from.
    ScopedDiagnosticHandler handler(ctx, [&](Diagnostic &diag) {
      if (diag.getSeverity() != DiagnosticSeverity::Error)
        return success();
      llvm::errs() << "tfc: error: " << options.inputPath << ": ";
      if (auto name = dyn_cast<NameLoc>(diag.getLocation()))
        llvm::errs() << "node '" << name.getName().getValue() << "': ";
      llvm::errs() << diag.str() << "\n";
      return success();
    });
    if (failed(verify(*module)))
      return failure();
  }
  importTiming.stop();

  // The .npy runner has no way to supply weights, and the LM runtime needs
  // entry points that the ONNX import does not build yet.
  if (options.emit == EmitPhase::Exe) {
    int64_t numWeights = 0;
    module->walk([&](tfm::WeightOp) { ++numWeights; });
    if (numWeights)
      return emitError(module->getLoc())
             << options.inputPath
             << ": --emit=exe is not supported yet for ONNX models with "
                "weights ("
             << numWeights
             << " initializers); --emit=tfm, linalg, llvm-dialect, llvm-ir, "
                "asm and obj work";
  }
  return compileModule(*module, options);
#endif
}
