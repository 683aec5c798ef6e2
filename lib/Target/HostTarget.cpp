//===- HostTarget.cpp - LLVM target machine and object emission -----------===//

#include "tfc/Target/HostTarget.h"

#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/OptimizationLevel.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/TargetParser/Triple.h"

using namespace llvm;

Triple mlir::tfc::TargetOptions::getTriple() const {
  return Triple(triple.empty() ? sys::getDefaultTargetTriple() : triple);
}

Expected<std::unique_ptr<TargetMachine>>
mlir::tfc::createTargetMachine(const TargetOptions &options) {
  InitializeAllTargetInfos();
  InitializeAllTargets();
  InitializeAllTargetMCs();
  InitializeAllAsmPrinters();

  Triple triple = options.getTriple();
  std::string err;
  const Target *target = TargetRegistry::lookupTarget(triple, err);
  if (!target)
    return createStringError("unsupported target triple '" + triple.str() +
                             "': " + err);

  bool native = options.cpu.empty() || options.cpu == "native";
  std::string cpu = native ? sys::getHostCPUName().str() : options.cpu;
  SubtargetFeatures features;
  if (native && options.triple.empty())
    for (auto &kv : sys::getHostCPUFeatures())
      features.AddFeature(kv.first(), kv.second);
  if (!options.features.empty())
    for (StringRef f : llvm::split(options.features, ','))
      if (!f.empty())
        features.AddFeature(f);

  CodeGenOptLevel level = options.optLevel >= 3   ? CodeGenOptLevel::Aggressive
                          : options.optLevel == 2 ? CodeGenOptLevel::Default
                          : options.optLevel == 1 ? CodeGenOptLevel::Less
                                                  : CodeGenOptLevel::None;
  // Fuse multiply-adds: the matmul micro-kernels are written as mul + add.
  llvm::TargetOptions targetOptions;
  targetOptions.AllowFPOpFusion = FPOpFusion::Fast;
  std::unique_ptr<TargetMachine> tm(target->createTargetMachine(
      triple, cpu, features.getString(), targetOptions, Reloc::PIC_,
      std::nullopt, level));
  if (!tm)
    return createStringError("cannot create a target machine for '" +
                             triple.str() + "' cpu '" + cpu + "'");
  if (!native && !tm->getMCSubtargetInfo()->isCPUStringValid(cpu))
    return createStringError("unknown CPU '" + cpu + "' for target '" +
                             triple.str() + "'");
  return std::move(tm);
}

Error mlir::tfc::optimizeModule(Module &module, TargetMachine &tm,
                                unsigned optLevel) {
  module.setTargetTriple(tm.getTargetTriple());
  module.setDataLayout(tm.createDataLayout());
  if (verifyModule(module, &errs()))
    return createStringError("generated LLVM IR is invalid");

  LoopAnalysisManager lam;
  FunctionAnalysisManager fam;
  CGSCCAnalysisManager cgam;
  ModuleAnalysisManager mam;
  PipelineTuningOptions tuning;
  tuning.LoopVectorization = optLevel >= 2;
  tuning.SLPVectorization = optLevel >= 2;
  PassBuilder pb(&tm, tuning);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  OptimizationLevel level = optLevel >= 3   ? OptimizationLevel::O3
                            : optLevel == 2 ? OptimizationLevel::O2
                            : optLevel == 1 ? OptimizationLevel::O1
                                            : OptimizationLevel::O0;
  ModulePassManager mpm = level == OptimizationLevel::O0
                              ? pb.buildO0DefaultPipeline(level)
                              : pb.buildPerModuleDefaultPipeline(level);
  mpm.run(module, mam);
  return Error::success();
}

Error mlir::tfc::emitCode(Module &module, TargetMachine &tm,
                          CodeGenFileType type, raw_pwrite_stream &os) {
  legacy::PassManager cg;
  if (tm.addPassesToEmitFile(cg, os, nullptr, type))
    return createStringError("the target cannot emit this file type");
  cg.run(module);
  return Error::success();
}
