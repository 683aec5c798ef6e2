//===- EntryPoint.h - the C ABI the runtime calls ---------------*- C++ -*-===//
//
// Compiled models export, besides `_mlir_ciface_<fn>` (one memref descriptor
// pointer per argument), two symbols the runtime's generic main uses:
//   void tfc_invoke(void **descriptors);   // calls the entry function
//   const char tfc_signature[];            // one line per argument:
//                                          //   "in f32 4x?x8" / "out i64 3"
//                                          //   "out f32 16x8 =2" (result
//                                          //   updated in input 2's buffer)
//
//===----------------------------------------------------------------------===//

#ifndef TFC_TARGET_ENTRYPOINT_H
#define TFC_TARGET_ENTRYPOINT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include <string>

namespace llvm {
class Module;
}

namespace mlir::tfc {

/// Describes the arguments of tensor-level function `entry` once lowered:
/// its inputs then its results (which bufferization turns into trailing
/// out-parameters). Fails with a message when a type cannot cross the
/// runner ABI (unsupported dtype, dynamic result shape, non-tensor type).
FailureOr<std::string> describeEntrySignature(ModuleOp module, StringRef entry,
                                              std::string &error);

/// Rewrites the signature lines of results that bufferization turned into
/// in-place updates of an argument (tfc.result_aliases on the lowered entry)
/// to "out <dtype> <shape> =<arg>": the runner reads them from that
/// argument's buffer after the call instead of passing an out-parameter.
std::string applyResultAliases(ModuleOp module, StringRef entry,
                               StringRef signature);

/// Marks public functions with `llvm.emit_c_interface`.
void requestCInterfaces(ModuleOp module);

/// Adds tfc_invoke and tfc_signature for `entry` to the LLVM module.
llvm::Error addRunnerEntryPoint(llvm::Module &module, llvm::StringRef entry,
                                llvm::StringRef signature);

/// Adds `const char name[] = text` with external linkage.
void addStringConstant(llvm::Module &module, llvm::StringRef name,
                       llvm::StringRef text);

} // namespace mlir::tfc

#endif // TFC_TARGET_ENTRYPOINT_H
