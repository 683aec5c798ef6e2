//===- Passes.h - tfc conversion passes -------------------------*- C++ -*-===//

#ifndef TFC_CONVERSION_PASSES_H
#define TFC_CONVERSION_PASSES_H

#include "tfc/Conversion/TfmToLinalg/TfmToLinalg.h"

namespace mlir::tfc {

#define GEN_PASS_REGISTRATION
#include "tfc/Conversion/Passes.h.inc"

} // namespace mlir::tfc

#endif // TFC_CONVERSION_PASSES_H
