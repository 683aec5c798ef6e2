//===- CompileOnnx.cpp - `tfc compile <model.onnx>` -----------------------===//

#include "tfc/Driver/Compiler.h"

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

  // compileModule rejects --emit=exe for a graph with weights: only an HF
  // model directory supplies them to an executable so far.
  return compileModule(*module, options);
#endif
}
