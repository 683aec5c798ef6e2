//===- Passes.h - tfc code generation passes --------------------*- C++ -*-===//

#ifndef TFC_CODEGEN_PASSES_H
#define TFC_CODEGEN_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir::tfc {

#define GEN_PASS_DECL
#include "tfc/Codegen/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tfc/Codegen/Passes.h.inc"

/// Set by --tfc-drop-returned-arguments on a function whose results it
/// dropped: for each original result, the argument it returned, or -1.
inline constexpr llvm::StringLiteral kResultAliasesAttrName =
    "tfc.result_aliases";

} // namespace mlir::tfc

#endif // TFC_CODEGEN_PASSES_H
