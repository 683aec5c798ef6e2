//===- TfmDialect.h - the tfm (Transformer) dialect -------------*- C++ -*-===//

#ifndef TFC_DIALECT_TFM_IR_TFMDIALECT_H
#define TFC_DIALECT_TFM_IR_TFMDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Dialect.h"

#include "tfc/Dialect/Tfm/IR/TfmDialect.h.inc"

#endif // TFC_DIALECT_TFM_IR_TFMDIALECT_H
