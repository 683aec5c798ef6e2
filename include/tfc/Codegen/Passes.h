//===- Passes.h - tfc code generation passes --------------------*- C++ -*-===//

#ifndef TFC_CODEGEN_PASSES_H
#define TFC_CODEGEN_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir::tfc {

#define GEN_PASS_DECL
#include "tfc/Codegen/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tfc/Codegen/Passes.h.inc"

} // namespace mlir::tfc

#endif // TFC_CODEGEN_PASSES_H
