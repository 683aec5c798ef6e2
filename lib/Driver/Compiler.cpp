//===- Compiler.cpp - the phases of `tfc compile` -------------------------===//

#include "tfc/Driver/Compiler.h"

#include "tfc/Driver/Linker.h"
#include "tfc/Driver/WeightBlob.h"
#include "tfc/Import/HF/HFImporter.h"
#include "tfc/Pipelines/Pipelines.h"
#include "tfc/Target/EntryPoint.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Timer.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"

#include <chrono>

using namespace mlir;
using namespace mlir::tfc;

FailureOr<EmitPhase> mlir::tfc::parseEmitPhase(StringRef name) {
  auto phase = llvm::StringSwitch<std::optional<EmitPhase>>(name)
                   .Case("tfm", EmitPhase::Tfm)
                   .Case("linalg", EmitPhase::Linalg)
                   .Case("llvm-dialect", EmitPhase::LLVMDialect)
                   .Case("llvm-ir", EmitPhase::LLVMIR)
                   .Case("asm", EmitPhase::Asm)
                   .Case("obj", EmitPhase::Obj)
                   .Case("exe", EmitPhase::Exe)
                   .Default(std::nullopt);
  if (!phase)
    return failure();
  return *phase;
}

namespace {

/// Writes the IR after every pass into DIR/NN_<pass-argument>.mlir.
class DumpIRInstrumentation : public PassInstrumentation {
public:
  explicit DumpIRInstrumentation(std::string dir) : dir(std::move(dir)) {}

  void runAfterPass(Pass *pass, Operation *op) override {
    // Only module-level snapshots: nested pass runs would each write a
    // partial file.
    if (!isa<ModuleOp>(op))
      return;
    StringRef arg = pass->getArgument();
    write(op, arg.empty() ? pass->getName() : arg);
  }

  void write(Operation *op, StringRef name) {
    std::string file = llvm::formatv("{0:d2}_{1}.mlir", counter++, name);
    SmallString<256> path(dir);
    llvm::sys::path::append(path, file);
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    if (ec) {
      llvm::errs() << "tfc: error: cannot write " << path << ": "
                   << ec.message() << "\n";
      return;
    }
    op->print(os);
  }

private:
  std::string dir;
  unsigned counter = 0;
};

/// Prints "[tfc] <phase> ... <ms>" lines when progress is requested.
class PhaseTimer {
public:
  explicit PhaseTimer(bool enabled) : enabled(enabled) {}
  void start(StringRef phase) {
    if (!enabled)
      return;
    name = phase.str();
    begin = std::chrono::steady_clock::now();
    llvm::errs() << "[tfc] " << name << " ...\n";
  }
  void stop() {
    if (!enabled || name.empty())
      return;
    auto ms = std::chrono::duration<double, std::milli>(
                  std::chrono::steady_clock::now() - begin)
                  .count();
    llvm::errs() << llvm::formatv("[tfc] {0}: {1:f1} ms\n", name, ms);
    name.clear();
  }

private:
  bool enabled;
  std::string name;
  std::chrono::steady_clock::time_point begin;
};

LogicalResult writeText(StringRef path, function_ref<void(raw_ostream &)> fn,
                        Location loc) {
  std::error_code ec;
  llvm::ToolOutputFile out(path, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return emitError(loc) << "cannot open output file '" << path
                          << "': " << ec.message();
  fn(out.os());
  out.keep();
  return success();
}

LogicalResult runPasses(ModuleOp module, const CompileOptions &options,
                        DumpIRInstrumentation *dump,
                        function_ref<void(OpPassManager &)> build) {
  PassManager pm(module->getContext());
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  if (dump)
    pm.addInstrumentation(std::make_unique<DumpIRInstrumentation>(*dump));
  build(pm);
  return pm.run(module);
}

/// The entry function: --entry, or the single public function with a body.
FailureOr<std::string> pickEntry(ModuleOp module, StringRef requested) {
  if (!requested.empty()) {
    auto f = module.lookupSymbol<func::FuncOp>(requested);
    if (!f || f.isExternal())
      return emitError(module.getLoc())
             << "--entry: no function @" << requested << " with a body";
    return requested.str();
  }
  SmallVector<func::FuncOp> candidates;
  for (auto f : module.getOps<func::FuncOp>())
    if (f.isPublic() && !f.isExternal())
      candidates.push_back(f);
  if (candidates.size() != 1)
    return emitError(module.getLoc())
           << "cannot choose an entry function: the module has "
           << candidates.size()
           << " public functions with a body; pass --entry=<name>";
  return candidates.front().getSymName().str();
}

} // namespace

/// Writes the embedding assembly for `blobPath` into `asmPath`.
static LogicalResult writeEmbedAsm(StringRef asmPath, StringRef blobPath,
                                   Location loc) {
  return writeText(
      asmPath,
      [&](raw_ostream &os) {
        os << "  .section .rodata.tfc_weights,\"a\",@progbits\n"
           << "  .balign 64\n"
           << "  .globl tfc_weights\n"
           << "tfc_weights:\n"
           << "  .incbin \"" << blobPath << "\"\n"
           << "  .globl tfc_weights_end\n"
           << "tfc_weights_end:\n"
           << "  .section .note.GNU-stack,\"\",@progbits\n";
      },
      loc);
}

/// "key=value" lines the LM runtime reads.
static std::string modelInfoText(DictionaryAttr info,
                                 std::optional<BlobInfo> blob,
                                 WeightsMode mode) {
  std::string text;
  llvm::raw_string_ostream os(text);
  for (NamedAttribute a : info) {
    os << a.getName().getValue() << "=";
    if (auto s = dyn_cast<StringAttr>(a.getValue()))
      os << s.getValue();
    else if (auto i = dyn_cast<IntegerAttr>(a.getValue()))
      os << i.getInt();
    os << "\n";
  }
  if (blob)
    os << "weights_bytes=" << blob->bytes << "\n"
       << llvm::formatv("weights_checksum={0:x-16}\n", blob->checksum);
  os << "weights_mode=" << (mode == WeightsMode::Embed ? "embed" : "external")
     << "\n";
  return text;
}

LogicalResult mlir::tfc::compileModule(ModuleOp module,
                                       const CompileOptions &options,
                                       WeightSource *weights) {
  MLIRContext *ctx = module->getContext();
  Location loc = module.getLoc();
  PhaseTimer timer(options.progress);

  std::optional<DumpIRInstrumentation> dump;
  if (!options.dumpIRDir.empty()) {
    if (std::error_code ec =
            llvm::sys::fs::create_directories(options.dumpIRDir))
      return emitError(loc) << "--dump-ir-dir: cannot create '"
                            << options.dumpIRDir << "': " << ec.message();
    dump.emplace(options.dumpIRDir);
    dump->write(module, "input");
  }
  auto printModule = [&](raw_ostream &os) { module.print(os); };

  CPUPipelineOptions pipeline;
  pipeline.weightAlignment = options.weightAlignment;

  // Phase 1: tfm (canonicalized).
  timer.start("tfm");
  if (failed(runPasses(
          module, options, dump ? &*dump : nullptr,
          [](OpPassManager &pm) { pm.addPass(createCanonicalizerPass()); })))
    return failure();
  timer.stop();
  if (options.emit == EmitPhase::Tfm)
    return writeText(options.outputPath, printModule, loc);

  auto modelInfo = module->getAttrOfType<DictionaryAttr>(kModelInfoAttrName);
  bool isLM = modelInfo != nullptr;
  FailureOr<std::string> entry = std::string("tfc_prefill");
  if (!isLM) {
    entry = pickEntry(module, options.entry);
    if (failed(entry))
      return failure();
  }

  // Phase 2: linalg on tensors.
  timer.start("tfm -> linalg");
  if (failed(runPasses(
          module, options, dump ? &*dump : nullptr,
          [&](OpPassManager &pm) { buildTfmToLinalgPipeline(pm, pipeline); })))
    return failure();
  timer.stop();
  if (options.emit == EmitPhase::Linalg)
    return writeText(options.outputPath, printModule, loc);

  // The runner ABI is described on tensor types, before bufferization.
  std::string sigError;
  FailureOr<std::string> signature = failure();
  if (!isLM) {
    signature = describeEntrySignature(module, *entry, sigError);
    if (failed(signature) && options.emit == EmitPhase::Exe)
      return emitError(loc) << sigError;
  }

  // The weight blob, laid out by tfm-bind-weights; only an executable
  // needs it.
  std::optional<BlobInfo> blob;
  std::string blobPath;
  SmallString<128> tmpBlob;
  llvm::scope_exit removeTmpBlob([&] {
    if (!tmpBlob.empty())
      llvm::sys::fs::remove(tmpBlob);
  });
  if (isLM && options.emit == EmitPhase::Exe) {
    if (!weights)
      return emitError(loc) << "the model reads weights but no weight "
                               "source was given";
    timer.start("write weights");
    if (options.weights == WeightsMode::External) {
      blobPath = options.outputPath + ".weights";
    } else {
      int fd;
      if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
              "tfc-weights", "bin", fd, tmpBlob))
        return emitError(loc)
               << "cannot create a temporary file: " << ec.message();
      llvm::sys::Process::SafelyCloseFileDescriptor(fd);
      blobPath = tmpBlob.str().str();
    }
    std::string blobError;
    auto written = writeWeightBlob(module, *weights, blobPath, blobError);
    if (failed(written))
      return emitError(loc) << blobError;
    blob = *written;
    timer.stop();
  }

  // Phase 3: LLVM dialect.
  timer.start("linalg -> llvm dialect");
  requestCInterfaces(module);
  if (failed(runPasses(
          module, options, dump ? &*dump : nullptr,
          [&](OpPassManager &pm) { buildLinalgToLLVMPipeline(pm, pipeline); })))
    return failure();
  timer.stop();
  if (succeeded(signature))
    signature = applyResultAliases(module, *entry, *signature);
  if (options.emit == EmitPhase::LLVMDialect)
    return writeText(options.outputPath, printModule, loc);

  // Phase 4: LLVM IR, optimized for the target.
  timer.start("translate + optimize (LLVM O" +
              std::to_string(options.target.optLevel) + ")");
  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  ctx->appendDialectRegistry(registry);
  llvm::LLVMContext llvmCtx;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmCtx, "tfc_model");
  if (!llvmModule)
    return emitError(loc) << "translation to LLVM IR failed";
  if (succeeded(signature))
    if (llvm::Error e = addRunnerEntryPoint(*llvmModule, *entry, *signature))
      return emitError(loc) << llvm::toString(std::move(e));
  if (isLM)
    addStringConstant(*llvmModule, "tfc_model_info",
                      modelInfoText(modelInfo, blob, options.weights));
  auto tm = createTargetMachine(options.target);
  if (!tm)
    return emitError(loc) << llvm::toString(tm.takeError());
  if (llvm::Error e =
          optimizeModule(*llvmModule, **tm, options.target.optLevel))
    return emitError(loc) << llvm::toString(std::move(e));
  timer.stop();
  if (options.emit == EmitPhase::LLVMIR)
    return writeText(
        options.outputPath,
        [&](raw_ostream &os) { llvmModule->print(os, nullptr); }, loc);

  // Phase 5: machine code.
  timer.start("codegen");
  if (options.emit == EmitPhase::Asm)
    return writeText(
        options.outputPath,
        [&](raw_ostream &os) {
          llvm::SmallString<0> buf;
          llvm::raw_svector_ostream vos(buf);
          if (llvm::Error e = emitCode(
                  *llvmModule, **tm, llvm::CodeGenFileType::AssemblyFile, vos))
            llvm::consumeError(std::move(e));
          os << buf;
        },
        loc);

  std::string objPath = options.outputPath;
  SmallString<128> tmpObj;
  if (options.emit == EmitPhase::Exe) {
    int fd;
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile("tfc-model", "o", fd, tmpObj))
      return emitError(loc)
             << "cannot create a temporary object file: " << ec.message();
    llvm::sys::Process::SafelyCloseFileDescriptor(fd);
    objPath = tmpObj.str().str();
  }
  {
    std::error_code ec;
    llvm::ToolOutputFile out(objPath, ec, llvm::sys::fs::OF_None);
    if (ec)
      return emitError(loc)
             << "cannot open output file '" << objPath << "': " << ec.message();
    if (llvm::Error e = emitCode(*llvmModule, **tm,
                                 llvm::CodeGenFileType::ObjectFile, out.os()))
      return emitError(loc) << llvm::toString(std::move(e));
    out.keep();
  }
  timer.stop();
  if (options.emit == EmitPhase::Obj)
    return success();

  // Phase 6: link with the runtime.
  timer.start("link");
  std::vector<std::string> extraInputs;
  SmallString<128> asmPath;
  if (isLM && options.weights == WeightsMode::Embed) {
    int fd;
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile("tfc-weights", "S", fd, asmPath))
      return emitError(loc)
             << "cannot create a temporary file: " << ec.message();
    llvm::sys::Process::SafelyCloseFileDescriptor(fd);
    if (failed(writeEmbedAsm(asmPath, blobPath, loc)))
      return failure();
    extraInputs.push_back(asmPath.str().str());
  }
  std::string linkError;
  bool linked = linkExecutable(objPath, options.outputPath,
                               isLM ? RuntimeFlavor::LanguageModel
                                    : RuntimeFlavor::Runner,
                               extraInputs, linkError);
  llvm::sys::fs::remove(objPath);
  if (!asmPath.empty())
    llvm::sys::fs::remove(asmPath);
  if (!linked)
    return emitError(loc) << linkError;
  timer.stop();
  return success();
}
