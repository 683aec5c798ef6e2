//===- Compiler.cpp - the phases of `tfc compile` -------------------------===//

#include "tfc/Driver/Compiler.h"

#include "tfc/Dialect/Tfm/IR/TfmOps.h"
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
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
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
#include <map>
#include <mutex>

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

/// Writes the module into DIR/NN_<pass-argument>.mlir after every pass,
/// numbered over the whole compilation: one IRDumper serves the pass managers
/// of all the phases.
///
/// A pass nested under a module-level op (func.func, ...) runs op by op, the
/// ops possibly in parallel, so there is no moment at which the whole module
/// is "after nested pass k". Each op is therefore cloned after each nested
/// pass, and when the pass adaptor is done, the module as it was before the
/// adaptor is replayed pass by pass, writing one module snapshot per nested
/// pass. The adaptors themselves get no file.
class IRDumper {
public:
  IRDumper(std::string dir, Operation *root)
      : dir(std::move(dir)), root(root) {}

  /// Writes `op` as the next numbered file, DIR/NN_<name>.mlir.
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

  void beforePass(Pass *pass, Operation *op) {
    std::lock_guard<std::mutex> lock(mutex);
    // The starting point of the replay of the adaptor's nested passes.
    if (op == root && isAdaptor(pass))
      before = OwningOpRef<Operation *>(root->clone());
  }

  void afterPass(Pass *pass, Operation *op) {
    if (op == root) {
      std::lock_guard<std::mutex> lock(mutex);
      replayNestedPasses();
      if (!isAdaptor(pass))
        write(op, fileName(pass));
      return;
    }
    // A nested pass: the op it ran on is a descendant of the root.
    SmallVector<Operation *> ancestors; // root's child first
    for (Operation *o = op; o != root; o = o->getParentOp()) {
      if (!o)
        return; // not under the root (a pipeline run on a detached op)
      ancestors.push_back(o);
    }
    std::reverse(ancestors.begin(), ancestors.end());
    SmallVector<unsigned> path; // (region, block, op) per level
    for (Operation *o : ancestors)
      appendPosition(o, path);
    OwningOpRef<Operation *> clone;
    bool adaptor = isAdaptor(pass);
    if (!adaptor)
      clone = OwningOpRef<Operation *>(op->clone());

    std::lock_guard<std::mutex> lock(mutex);
    // The key of the pass: at each level, the op name and the index of the
    // pass in its pipeline. Passes run in order on one op, so the index of
    // the pass on `op` is the number of passes already seen on it, and the
    // index on an ancestor is that of the adaptor running now.
    Key key;
    for (size_t level = 0; level < ancestors.size(); ++level) {
      ArrayRef<unsigned> prefix = ArrayRef(path).take_front(3 * (level + 1));
      std::pair<Key, std::vector<unsigned>> countKey(key, prefix.vec());
      unsigned &count = passCounts[countKey];
      key.emplace_back(ancestors[level]->getName().getStringRef().str(), count);
      if (level + 1 == ancestors.size())
        ++count;
    }
    NestedPass &nested = pending[key];
    nested.name = fileName(pass);
    nested.adaptor = adaptor;
    nested.snapshots.push_back({std::move(path), std::move(clone)});
  }

  void afterPassFailed(Pass *pass, Operation *op) {
    if (op != root)
      return;
    std::lock_guard<std::mutex> lock(mutex);
    pending.clear();
    passCounts.clear();
    before = nullptr;
  }

private:
  /// Per level: op name, index of the pass in that op's pipeline.
  using Key = std::vector<std::pair<std::string, unsigned>>;
  /// Orders nested passes as they ran: by pipeline and index, and a nested
  /// adaptor after the passes it ran.
  struct KeyLess {
    bool operator()(const Key &a, const Key &b) const {
      size_t n = std::min(a.size(), b.size());
      for (size_t i = 0; i < n; ++i)
        if (a[i] != b[i])
          return a[i] < b[i];
      return a.size() > b.size();
    }
  };
  /// An op after a nested pass; `path` holds (region, block, op) indices
  /// from the root down to it.
  struct Snapshot {
    SmallVector<unsigned> path;
    OwningOpRef<Operation *> op;
  };
  struct NestedPass {
    std::string name;
    bool adaptor = false;
    std::vector<Snapshot> snapshots;
  };

  static bool isAdaptor(Pass *pass) {
    return pass->getName() == "mlir::detail::OpToOpPassAdaptor";
  }

  /// The pass argument (or, for a pass without one, its name made a file
  /// name).
  static std::string fileName(Pass *pass) {
    std::string name = pass->getArgument().str();
    if (!name.empty())
      return name;
    for (char c : pass->getName())
      name += llvm::isAlnum(c) || c == '-' || c == '.' ? c : '_';
    return name;
  }

  /// Appends (region number, block index, op index) of `op` in its parent.
  static void appendPosition(Operation *op, SmallVectorImpl<unsigned> &path) {
    Block *block = op->getBlock();
    Region *region = block->getParent();
    unsigned blockIndex = 0;
    for (Block &b : *region) {
      if (&b == block)
        break;
      ++blockIndex;
    }
    unsigned opIndex = 0;
    for (Operation &o : *block) {
      if (&o == op)
        break;
      ++opIndex;
    }
    path.append({region->getRegionNumber(), blockIndex, opIndex});
  }

  /// The op at `path` under `top`, or null.
  static Operation *lookup(Operation *top, ArrayRef<unsigned> path) {
    Operation *op = top;
    for (size_t i = 0; i + 2 < path.size(); i += 3) {
      if (path[i] >= op->getNumRegions())
        return nullptr;
      Region &region = op->getRegion(path[i]);
      if (path[i + 1] >= region.getBlocks().size())
        return nullptr;
      Block &block = *std::next(region.begin(), path[i + 1]);
      if (path[i + 2] >= block.getOperations().size())
        return nullptr;
      op = &*std::next(block.begin(), path[i + 2]);
    }
    return op;
  }

  /// Writes a module snapshot for each nested pass since the last call.
  void replayNestedPasses() {
    if (before)
      for (auto &[key, nested] : pending) {
        for (Snapshot &s : nested.snapshots) {
          if (!s.op)
            continue;
          Operation *old = lookup(before.get(), s.path);
          if (!old || old == before.get())
            continue;
          Operation *updated = s.op.release();
          old->getBlock()->getOperations().insert(Block::iterator(old),
                                                  updated);
          old->erase();
        }
        if (!nested.adaptor)
          write(before.get(), nested.name);
      }
    pending.clear();
    passCounts.clear();
    before = nullptr;
  }

  std::string dir;
  Operation *root;
  unsigned counter = 0;
  std::mutex mutex;
  std::map<Key, NestedPass, KeyLess> pending;
  std::map<std::pair<Key, std::vector<unsigned>>, unsigned> passCounts;
  OwningOpRef<Operation *> before;
};

/// Forwards a pass manager's events to the compilation's IRDumper.
class DumpIRInstrumentation : public PassInstrumentation {
public:
  explicit DumpIRInstrumentation(IRDumper &dumper) : dumper(dumper) {}
  void runBeforePass(Pass *pass, Operation *op) override {
    dumper.beforePass(pass, op);
  }
  void runAfterPass(Pass *pass, Operation *op) override {
    dumper.afterPass(pass, op);
  }
  void runAfterPassFailed(Pass *pass, Operation *op) override {
    dumper.afterPassFailed(pass, op);
  }

private:
  IRDumper &dumper;
};

/// Prints "[tfc] <phase> ... <ms>" lines when progress is requested, and
/// times each phase under the --mlir-timing root scope when there is one.
class PhaseTimer {
public:
  PhaseTimer(bool enabled, TimingScope *timing)
      : enabled(enabled), timing(timing) {}
  void start(StringRef phase) {
    if (timing)
      scope = timing->nest(phase);
    if (!enabled)
      return;
    name = phase.str();
    begin = std::chrono::steady_clock::now();
    llvm::errs() << "[tfc] " << name << " ...\n";
  }
  void stop() {
    scope.stop();
    if (!enabled || name.empty())
      return;
    auto ms = std::chrono::duration<double, std::milli>(
                  std::chrono::steady_clock::now() - begin)
                  .count();
    llvm::errs() << llvm::formatv("[tfc] {0}: {1:f1} ms\n", name, ms);
    name.clear();
  }
  /// The running phase's timing scope (empty without --mlir-timing).
  TimingScope &phaseScope() { return scope; }

private:
  bool enabled;
  TimingScope *timing;
  TimingScope scope;
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

LogicalResult runPasses(ModuleOp module, IRDumper *dumper, PhaseTimer &timer,
                        function_ref<void(OpPassManager &)> build) {
  PassManager pm(module->getContext());
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  if (dumper)
    pm.addInstrumentation(std::make_unique<DumpIRInstrumentation>(*dumper));
  // Last, so that the other instrumentations are not timed.
  if (timer.phaseScope())
    pm.enableTiming(timer.phaseScope());
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

LogicalResult mlir::tfc::copyTokenizer(Location loc, StringRef dir,
                                       StringRef exe, StringRef missingHint,
                                       bool checkOnly) {
  for (const char *name : {"vocab.json", "merges.txt"}) {
    SmallString<256> src(dir);
    llvm::sys::path::append(src, name);
    if (!llvm::sys::fs::exists(src)) {
      if (!missingHint.empty())
        return emitError(loc) << "tokenizer file " << src << " not found ("
                              << missingHint << ")";
      emitWarning(loc) << src
                       << " not found; the executable will need --vocab DIR "
                          "for text input and output";
      continue;
    }
    if (checkOnly)
      continue;
    std::string dst = (exe + "." + name).str();
    if (std::error_code ec = llvm::sys::fs::copy_file(src, dst))
      return emitError(loc)
             << "cannot copy " << src << " to " << dst << ": " << ec.message();
  }
  return success();
}

LogicalResult mlir::tfc::compileModule(ModuleOp module,
                                       const CompileOptions &options,
                                       WeightSource *weights) {
  MLIRContext *ctx = module->getContext();
  Location loc = module.getLoc();
  PhaseTimer timer(options.progress, options.timing);

  std::optional<IRDumper> dump;
  if (!options.dumpIRDir.empty()) {
    if (std::error_code ec =
            llvm::sys::fs::create_directories(options.dumpIRDir))
      return emitError(loc) << "--dump-ir-dir: cannot create '"
                            << options.dumpIRDir << "': " << ec.message();
    dump.emplace(options.dumpIRDir, module.getOperation());
    dump->write(module, "input");
  }
  IRDumper *dumper = dump ? &*dump : nullptr;
  auto printModule = [&](raw_ostream &os) { module.print(os); };

  CPUPipelineOptions pipeline;
  pipeline.weightAlignment = options.weightAlignment;

  // Phase 1: tfm (canonicalized).
  timer.start("tfm");
  if (failed(runPasses(module, dumper, timer, [&](OpPassManager &pm) {
        pm.addPass(createCanonicalizerPass());
        if (options.importPasses)
          options.importPasses(pm);
      })))
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

  // Weights come only from an HF model directory (a language model); the
  // .npy runner has no way to supply them. Checked before the expensive
  // phases; the phases up to the object file do not need the weights.
  if (options.emit == EmitPhase::Exe) {
    if (isLM && !weights)
      return emitError(loc) << "the model reads weights but no weight "
                               "source was given";
    tfm::WeightOp weightOp;
    if (!isLM)
      module.walk([&](tfm::WeightOp op) {
        weightOp = op;
        return WalkResult::interrupt();
      });
    if (weightOp)
      return emitError(loc)
             << "the module reads weights (tfm.weight \"" << weightOp.getName()
             << "\") and only language models (an HF model directory, an "
                "ONNX graph that takes only input_ids and optionally "
                "position_ids and attention_mask) get them, so there is no "
                "executable for it (--emit=obj and the earlier phases work)";
  }

  // Phase 2: linalg on tensors.
  timer.start("tfm -> linalg");
  if (failed(runPasses(module, dumper, timer, [&](OpPassManager &pm) {
        buildTfmToLinalgPipeline(pm, pipeline);
      })))
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
  // Embedded weights for x86-64 ELF are written as an object file the linker
  // takes as it is; elsewhere the blob goes through the assembler (.incbin).
  llvm::Triple target = options.target.getTriple();
  bool blobObject = options.weights == WeightsMode::Embed &&
                    target.getArch() == llvm::Triple::x86_64 &&
                    target.isOSBinFormatELF();
  if (isLM && options.emit == EmitPhase::Exe) {
    timer.start("write weights");
    if (options.weights == WeightsMode::External) {
      blobPath = options.outputPath + ".weights";
    } else {
      int fd;
      if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
              "tfc-weights", blobObject ? "o" : "bin", fd, tmpBlob))
        return emitError(loc)
               << "cannot create a temporary file: " << ec.message();
      llvm::sys::Process::SafelyCloseFileDescriptor(fd);
      blobPath = tmpBlob.str().str();
    }
    std::string blobError;
    auto written = writeWeightBlob(module, *weights, blobPath, blobError,
                                   blobObject ? BlobContainer::ElfObjectX86_64
                                              : BlobContainer::Raw);
    if (failed(written))
      return emitError(loc) << blobError;
    blob = *written;
    timer.stop();
  }

  // Phase 3: LLVM dialect.
  timer.start("linalg -> llvm dialect");
  requestCInterfaces(module);
  if (failed(runPasses(module, dumper, timer, [&](OpPassManager &pm) {
        buildLinalgToLLVMPipeline(pm, pipeline);
      })))
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
  registerOpenMPDialectTranslation(registry);
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
  if (isLM && options.weights == WeightsMode::Embed && blobObject) {
    extraInputs.push_back(blobPath);
  } else if (isLM && options.weights == WeightsMode::Embed) {
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
