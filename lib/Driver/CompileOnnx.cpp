//===- CompileOnnx.cpp - `tfc compile <model.onnx>` -----------------------===//

#include "tfc/Driver/Compiler.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"

#ifdef TFC_HAVE_ONNX
#include "StoredWeights.h"

#include "tfc/Dialect/Tfm/IR/TfmOps.h"
#include "tfc/Dialect/Tfm/Transforms/FusionReport.h"
#include "tfc/Dialect/Tfm/Transforms/Passes.h"
#include "tfc/Import/Onnx/OnnxImporter.h"
#include "tfc/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <cstring>
#include <limits>
#endif

using namespace mlir;
using namespace mlir::tfc;

#ifdef TFC_HAVE_ONNX
namespace {

constexpr StringLiteral kTokenizerHint =
    "put vocab.json and merges.txt beside the .onnx file or pass --tokenizer "
    "DIR";

/// Serves the graph's initializers to the weight blob.
class InitializerWeights : public StoredWeights {
public:
  explicit InitializerWeights(const OnnxModelFile &file) : file(file) {}

private:
  bool storedShape(StringRef name, std::vector<int64_t> &shape,
                   std::string &error) override {
    return file.shape(name, shape, error);
  }
  bool readStoredF32(StringRef name, float *dst, std::string &error) override {
    return file.readF32(name, dst, error);
  }
  const OnnxModelFile &file;
};

/// Collects the fusion remarks and prints them as a table.
class FusionReportPrinter {
public:
  explicit FusionReportPrinter(MLIRContext *ctx)
      : handler(ctx, [this](Diagnostic &diag) { return record(diag); }) {}

  void print(raw_ostream &os, StringRef model) const;

private:
  LogicalResult record(Diagnostic &diag) {
    std::string text = diag.str();
    StringRef pattern, reason;
    if (diag.getSeverity() != DiagnosticSeverity::Remark ||
        !tfm::parseFusionRemark(text, pattern, reason))
      return failure(); // not ours: the next handler prints it
    Entry &e = entries[names.insert(pattern).first->getKey()];
    if (reason.empty())
      ++e.fused;
    else
      e.misses.push_back({where(diag.getLocation()), reason.str()});
    return success();
  }
  static std::string where(Location loc) {
    if (auto name = dyn_cast<NameLoc>(loc))
      return name.getName().str();
    std::string s;
    llvm::raw_string_ostream os(s);
    loc.print(os);
    return s;
  }

  struct Entry {
    unsigned fused = 0;
    std::vector<std::pair<std::string, std::string>> misses;
  };
  llvm::MapVector<StringRef, Entry> entries;
  /// Owns the pattern names the keys point to.
  llvm::StringSet<> names;
  ScopedDiagnosticHandler handler;
};

void FusionReportPrinter::print(raw_ostream &os, StringRef model) const {
  os << "fusion report for " << model << "\n";
  if (entries.empty()) {
    os << "  no fusion pattern matched or nearly matched\n";
    return;
  }
  os << llvm::formatv("  {0,-20} {1,6} {2,12}\n", "pattern", "fused",
                      "near misses");
  for (const auto &[pattern, e] : entries) {
    os << llvm::formatv("  {0,-20} {1,6} {2,12}\n", pattern, e.fused,
                        e.misses.size());
    for (const auto &[loc, reason] : e.misses)
      os << "    near miss at '" << loc << "': " << reason << "\n";
  }
}

/// Exporters store a tied LM head twice: the embedding table E [V, H] and,
/// for the head's MatMul, its transpose folded into a new initializer
/// [H, V]. When the data says so (bit for bit), the head reads E in place
/// (`out_in`), as the HF import does, and the executable stores E once.
/// Returns the number of initializers dropped.
unsigned shareTiedEmbedding(ModuleOp module, const OnnxModelFile &file) {
  // Embedding tables, and the other 2-D weights by name.
  llvm::StringMap<RankedTensorType> tables, others;
  module.walk([&](tfm::WeightOp w) {
    auto t = cast<RankedTensorType>(w.getType());
    if (w.getPermutation() || t.getRank() != 2)
      return;
    bool isTable = llvm::any_of(w->getUsers(), [&](Operation *u) {
      auto e = dyn_cast<tfm::EmbeddingOp>(u);
      return e && e.getTable() == w.getResult();
    });
    (isTable ? tables : others)[w.getName()] = t;
  });
  llvm::StringMap<std::string> transposeOf; // other -> table
  std::vector<float> a, b;
  std::string error;
  for (const auto &table : tables) {
    auto ta = table.second;
    int64_t rows = ta.getDimSize(0), cols = ta.getDimSize(1);
    bool tableRead = false;
    for (const auto &other : others) {
      auto tb = other.second;
      if (tables.count(other.first()) || tb.getDimSize(0) != cols ||
          tb.getDimSize(1) != rows)
        continue;
      // Read each tensor once; an unreadable one is reported when the blob
      // is written.
      if (!tableRead) {
        a.resize(rows * cols);
        if (!file.readF32(table.first(), a.data(), error))
          break;
        tableRead = true;
      }
      b.resize(rows * cols);
      if (!file.readF32(other.first(), b.data(), error))
        continue;
      bool same = true;
      for (int64_t i = 0; i < rows && same; ++i)
        for (int64_t j = 0; j < cols && same; ++j)
          same = std::memcmp(&a[i * cols + j], &b[j * rows + i], 4) == 0;
      if (same)
        transposeOf[other.first()] = table.first().str();
    }
  }
  if (transposeOf.empty())
    return 0;
  IRRewriter rewriter(module.getContext());
  module.walk([&](tfm::WeightOp w) {
    auto it = transposeOf.find(w.getName());
    if (it == transposeOf.end() || w.getPermutation())
      return;
    rewriter.setInsertionPoint(w);
    auto type = cast<RankedTensorType>(w.getType());
    auto tableType = RankedTensorType::get(
        {type.getDimSize(1), type.getDimSize(0)}, type.getElementType());
    Value table = tfm::WeightOp::create(rewriter, w.getLoc(), tableType,
                                        it->second, /*permutation=*/nullptr,
                                        /*panels=*/nullptr);
    // linear(x, E^T) in_out == linear(x, E) out_in.
    for (OpOperand &use : llvm::make_early_inc_range(w->getUses())) {
      auto linear = dyn_cast<tfm::LinearOp>(use.getOwner());
      if (!linear || use.getOperandNumber() != 1 ||
          linear.getWeightLayout() != tfm::WeightLayout::InOut)
        continue;
      rewriter.modifyOpInPlace(linear, [&] {
        use.set(table);
        linear.setWeightLayout(tfm::WeightLayout::OutIn);
      });
    }
    if (!w->use_empty())
      rewriter.replaceOpWithNewOp<tfm::WeightOp>(
          w, type, it->second, rewriter.getDenseI64ArrayAttr({1, 0}),
          /*panels=*/nullptr);
    else
      rewriter.eraseOp(w);
  });
  return transposeOf.size();
}

} // namespace
#endif

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
  Location fileLoc = FileLineColLoc::get(ctx, options.inputPath, 0, 0);
  OnnxImportOptions importOptions;
  importOptions.inlineLimit = options.onnxInlineLimit < 0
                                  ? std::numeric_limits<int64_t>::max()
                                  : options.onnxInlineLimit;
  // One parse serves the importer and the weight blob.
  std::string error;
  std::unique_ptr<OnnxModelFile> file =
      OnnxModelFile::open(options.inputPath, error);
  if (!file)
    return emitError(UnknownLoc::get(ctx)) << error;
  // A graph that takes token ids is a language model: batch 1 (bound at
  // import), KV-cache entry points, the LM runtime, weights from the
  // initializers.
  bool isLM = file->isLanguageModel();
  importOptions.batchOne = isLM;
  OwningOpRef<ModuleOp> module = importOnnxModel(ctx, *file, importOptions);
  if (!module)
    return failure();
  std::string tokenizerDir =
      !options.tokenizerDir.empty()
          ? options.tokenizerDir
          : llvm::sys::path::parent_path(options.inputPath).str();
  if (tokenizerDir.empty())
    tokenizerDir = ".";
  if (isLM && options.emit == EmitPhase::Exe &&
      failed(copyTokenizer(fileLoc, tokenizerDir, options.outputPath,
                           kTokenizerHint, /*checkOnly=*/true)))
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

  if (isLM)
    shareTiedEmbedding(*module, *file);

  CompileOptions phases = options;
  FusionPipelineOptions fusion;
  fusion.report = options.fusionReport;
  int64_t contextCap = options.contextCap;
  phases.importPasses = [&fusion, isLM, contextCap](OpPassManager &pm) {
    buildTfmFusionPipeline(pm, fusion);
    if (!isLM)
      return;
    tfm::TfmBuildLMEntryPointsOptions entry;
    entry.source = kOnnxEntryName.str();
    entry.maxContext = contextCap;
    pm.addPass(tfm::createTfmBuildLMEntryPoints(entry));
    pm.addPass(createCanonicalizerPass());
  };

  std::optional<FusionReportPrinter> report;
  if (options.fusionReport)
    report.emplace(ctx);
  std::optional<InitializerWeights> weights;
  if (isLM)
    weights.emplace(*file);
  LogicalResult result =
      compileModule(*module, phases, weights ? &*weights : nullptr);
  if (report)
    report->print(llvm::outs(), options.inputPath);
  if (failed(result))
    return failure();
  if (isLM && options.emit == EmitPhase::Exe)
    return copyTokenizer(fileLoc, tokenizerDir, options.outputPath,
                         kTokenizerHint);
  return success();
#endif
}
