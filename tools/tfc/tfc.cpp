//===- tfc.cpp - the tfc compiler driver ----------------------------------===//
//
//   tfc compile <model> -o <output> [--emit=<phase>] [options]
//
// The input is an HF model directory (config.json + safetensors), an ONNX
// model (.onnx) or a tfm-level .mlir file. Every MLIR pass-manager flag
// (--mlir-print-ir-after-all, --mlir-print-ir-after=<pass>, --mlir-timing,
// ...) works here as it does in tfc-opt.
//
//===----------------------------------------------------------------------===//

#include "tfc/Driver/Compiler.h"
#include "tfc/Pipelines/Registration.h"

#include "mlir/Bytecode/BytecodeReader.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory tfcCategory("tfc compile options");

static cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model>"),
                                      cl::Required, cl::cat(tfcCategory));
static cl::opt<std::string> outputPath("o", cl::desc("Output file"),
                                       cl::value_desc("path"), cl::Required,
                                       cl::cat(tfcCategory));
static cl::opt<std::string>
    emit("emit",
         cl::desc("Stop after this phase and write it: tfm, linalg, "
                  "llvm-dialect, llvm-ir, asm, obj, exe (default)"),
         cl::init("exe"), cl::cat(tfcCategory));
static cl::opt<std::string>
    entry("entry", cl::desc("Entry function (default: the only public one)"),
          cl::cat(tfcCategory));
static cl::opt<std::string>
    dumpIRDir("dump-ir-dir",
              cl::desc("Write the module after every pass into DIR, one "
                       "numbered file per pass"),
              cl::value_desc("dir"), cl::cat(tfcCategory));
static cl::opt<bool> progress("progress",
                              cl::desc("Print each phase and its time"),
                              cl::cat(tfcCategory));
static cl::opt<std::string>
    cpu("cpu", cl::desc("Target CPU (default: native, the host's)"),
        cl::init("native"), cl::cat(tfcCategory));
static cl::opt<std::string>
    triple("target-triple", cl::desc("Target triple (default: the host's)"),
           cl::cat(tfcCategory));
static cl::opt<std::string>
    mattr("mattr", cl::desc("Extra target features, e.g. +avx512f,-avx512bw"),
          cl::cat(tfcCategory));
static cl::opt<std::string>
    weightsMode("weights",
                cl::desc("Language models: embed the weights in the "
                         "executable (embed, default) or write them to "
                         "<output>.weights (external)"),
                cl::init("embed"), cl::cat(tfcCategory));
static cl::opt<int64_t>
    contextCap("context",
               cl::desc("Cap the KV-cache length (default: the model's)"),
               cl::init(0), cl::cat(tfcCategory));
static cl::opt<bool> fusionReport(
    "fusion-report",
    cl::desc("ONNX: print what each fusion pattern matched, and every near "
             "miss with its location and the reason it did not match"),
    cl::cat(tfcCategory));
static cl::opt<std::string> tokenizerDir(
    "tokenizer",
    cl::desc("ONNX language models: the directory with vocab.json and "
             "merges.txt (default: the .onnx file's directory)"),
    cl::cat(tfcCategory));
static cl::opt<int64_t> onnxInlineLimit(
    "onnx-inline-limit",
    cl::desc("ONNX: inline float initializers with at most this many "
             "elements as constants, -1 for all (testing: the .npy runner "
             "takes no weights)"),
    cl::init(64), cl::Hidden, cl::cat(tfcCategory));
static cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimization level"),
                                  cl::init(3), cl::Prefix,
                                  cl::cat(tfcCategory));

static void printUsage() {
  llvm::outs() << "OVERVIEW: tfc - ahead-of-time compiler for transformer "
                  "models\n\n"
                  "USAGE: tfc compile <model> -o <output> [options]\n\n"
                  "Run 'tfc compile --help' for the options.\n";
}

/// True if `data` starts like a safetensors file: a little-endian 64-bit
/// header length, then the JSON header.
static bool looksLikeSafetensors(StringRef data) {
  if (data.size() < 9)
    return false;
  uint64_t headerBytes = llvm::support::endian::read64le(data.bytes_begin());
  return headerBytes > 0 && headerBytes <= data.size() - 8 && data[8] == '{';
}

/// Why `buffer` (the file `path`) is not an input for the MLIR parser, or
/// nothing if it may be one. Binary files (a checkpoint's model.safetensors,
/// say) would make the parser echo their bytes as the offending "line";
/// MLIR bytecode is binary too, and fine.
static std::optional<std::string>
describeNonMLIRInput(StringRef path, llvm::MemoryBufferRef buffer) {
  StringRef data = buffer.getBuffer();
  if (isBytecode(buffer))
    return std::nullopt;
  StringRef ext = llvm::sys::path::extension(path);
  std::string kind;
  if (ext == ".safetensors" || looksLikeSafetensors(data))
    kind = "a safetensors file";
  else if (ext == ".json")
    kind = "a JSON file";
  else if (ext == ".bin" || ext == ".pt" || ext == ".pth" || ext == ".gguf" ||
           data.contains('\0'))
    kind = "a binary file";
  else
    return std::nullopt;

  std::string why = kind + ", not MLIR; ";
  SmallString<256> dir(llvm::sys::path::parent_path(path));
  if (dir.empty())
    dir = ".";
  SmallString<256> config(dir);
  llvm::sys::path::append(config, "config.json");
  if (llvm::sys::fs::exists(config))
    why += "to compile the model, pass its directory '" + dir.str().str() + "'";
  else
    why += "the input is an HF model directory, an .onnx file or a .mlir file";
  return why;
}

static int runCompile(int argc, char **argv) {
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerAsmPrinterCLOptions();
  registerDefaultTimingManagerCLOptions();
  cl::ParseCommandLineOptions(argc, argv,
                              "tfc compile - compile a model to an "
                              "executable\n");

  tfc::CompileOptions options;
  options.inputPath = inputPath;
  options.outputPath = outputPath;
  options.entry = entry;
  options.dumpIRDir = dumpIRDir;
  options.progress = progress;
  options.target.cpu = cpu;
  options.target.triple = triple;
  options.target.features = mattr;
  options.target.optLevel = optLevel;
  auto phase = tfc::parseEmitPhase(emit);
  if (failed(phase)) {
    llvm::errs() << "tfc: error: --emit: unknown phase '" << emit
                 << "' (expected tfm, linalg, llvm-dialect, llvm-ir, asm, "
                    "obj or exe)\n";
    return 1;
  }
  options.emit = *phase;
  if (weightsMode == "embed")
    options.weights = tfc::WeightsMode::Embed;
  else if (weightsMode == "external")
    options.weights = tfc::WeightsMode::External;
  else {
    llvm::errs() << "tfc: error: --weights: expected embed or external, got '"
                 << weightsMode << "'\n";
    return 1;
  }
  if (contextCap < 0) {
    llvm::errs() << "tfc: error: --context: expected a positive number\n";
    return 1;
  }
  options.contextCap = contextCap;
  options.onnxInlineLimit = onnxInlineLimit;
  options.fusionReport = fusionReport;
  options.tokenizerDir = tokenizerDir;
  std::string error;
  if (failed(tfc::checkTargetOptions(options.target, error)) ||
      failed(tfc::checkOutputPaths(options, error))) {
    llvm::errs() << "tfc: error: " << error << "\n";
    return 1;
  }

  // --mlir-timing: one report, on exit, for all the phases.
  DefaultTimingManager timingManager;
  applyDefaultTimingManagerCLOptions(timingManager);
  TimingScope timing = timingManager.getRootScope();
  if (timingManager.isEnabled())
    options.timing = &timing;

  DialectRegistry registry;
  tfc::registerTfcDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  // A directory is an HF checkpoint; a .onnx file an ONNX model.
  bool isOnnx = llvm::sys::path::extension(options.inputPath) == ".onnx";
  if (isOnnx || llvm::sys::fs::is_directory(options.inputPath)) {
    ScopedDiagnosticHandler handler(&context, [](Diagnostic &diag) {
      // Errors at an imported module's file location (checks on the whole
      // module) name the file; importer messages already start with it.
      std::string msg = diag.str();
      switch (diag.getSeverity()) {
      case DiagnosticSeverity::Error:
        llvm::errs() << "tfc: error: ";
        break;
      case DiagnosticSeverity::Warning:
        llvm::errs() << "tfc: warning: ";
        break;
      default:
        llvm::errs() << "tfc: note: ";
        break;
      }
      if (auto file = dyn_cast<FileLineColLoc>(diag.getLocation()))
        if (!StringRef(msg).starts_with(file.getFilename().getValue()))
          llvm::errs() << file.getFilename().getValue() << ": ";
      llvm::errs() << msg << "\n";
      return success();
    });
    if (isOnnx)
      return failed(tfc::compileOnnxModel(&context, options)) ? 1 : 0;
    return failed(tfc::compileHFModel(&context, options)) ? 1 : 0;
  }

  TimingScope parseTiming = timing.nest("parse");
  std::string errorMessage;
  auto file = openInputFile(options.inputPath, &errorMessage);
  if (!file) {
    llvm::errs() << "tfc: error: " << options.inputPath << ": " << errorMessage
                 << "\n";
    return 1;
  }
  if (auto why = describeNonMLIRInput(options.inputPath, *file)) {
    llvm::errs() << "tfc: error: " << options.inputPath << ": " << *why << "\n";
    return 1;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  parseTiming.stop();
  if (!module)
    return 1;
  if (failed(tfc::compileModule(*module, options)))
    return 1;
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  tfc::registerTfcPasses();
  if (argc < 2 || StringRef(argv[1]) == "--help" ||
      StringRef(argv[1]) == "-h") {
    printUsage();
    return argc < 2 ? 1 : 0;
  }
  StringRef command = argv[1];
  if (command == "compile") {
    // Parse the rest as if "tfc compile" were the program name.
    std::string prog = std::string(argv[0]) + " compile";
    argv[1] = prog.data();
    return runCompile(argc - 1, argv + 1);
  }
  llvm::errs() << "tfc: error: unknown command '" << command
               << "' (expected: compile)\n";
  return 1;
}
