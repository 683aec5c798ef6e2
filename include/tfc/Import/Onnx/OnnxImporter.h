//===- OnnxImporter.h - ONNX models to tfm ----------------------*- C++ -*-===//
//
// Reads an ONNX ModelProto (opsets 13-18, external-data tensors resolved
// relative to the model file) and emits a module with one function,
// @forward, that mirrors the graph op by op: tfm ops where tfm has one
// (add, linear, matmul, softmax, layer_norm, reshape, the fine-grained math
// of TfmMathOps.td, ...), linalg/tensor/arith otherwise (gather, slice,
// expand, shape data). Node names become NameLocs.
//
// Large initializers become `tfm.weight` ops naming the ONNX tensor; small
// ones (and every integer initializer, which is shape data) are inlined as
// dense constants.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_IMPORT_ONNX_ONNXIMPORTER_H
#define TFC_IMPORT_ONNX_ONNXIMPORTER_H

#include "tfc/Import/Onnx/OnnxModelFile.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <map>
#include <string>

namespace mlir::tfc {

struct OnnxImportOptions {
  /// Float initializers with more elements than this become tfm.weight ops;
  /// smaller ones are inlined as dense constants.
  int64_t inlineLimit = 64;
  /// Sizes for symbolic input dimensions, by dim_param name (e.g.
  /// {"seq", 128}): bound dimensions are static in the emitted IR.
  std::map<std::string, int64_t> dimBindings;
  /// Binds the first dimension of every graph input to 1 where it is
  /// symbolic and not bound by dimBindings ([batch, seq] -> 1x?).
  bool batchOne = false;
};

/// Imports the graph of a loaded model. On failure, reports one error
/// through the context's diagnostic handler (the file or node it concerns,
/// and for unsupported ops all of them at once) and returns null.
OwningOpRef<ModuleOp> importOnnxModel(MLIRContext *ctx,
                                      const OnnxModelFile &file,
                                      const OnnxImportOptions &options = {});

/// Loads `path` (see OnnxModelFile::open) and imports its graph.
OwningOpRef<ModuleOp> importOnnxModel(MLIRContext *ctx, StringRef path,
                                      const OnnxImportOptions &options = {});

/// Name of the function the importer emits.
inline constexpr llvm::StringLiteral kOnnxEntryName = "forward";

} // namespace mlir::tfc

#endif // TFC_IMPORT_ONNX_ONNXIMPORTER_H
