//===- TfmOps.h - tfm ops, attributes and enums -----------------*- C++ -*-===//

#ifndef TFC_DIALECT_TFM_IR_TFMOPS_H
#define TFC_DIALECT_TFM_IR_TFMOPS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "tfc/Dialect/Tfm/IR/TfmDialect.h"

#include "tfc/Dialect/Tfm/IR/TfmEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "tfc/Dialect/Tfm/IR/TfmAttrs.h.inc"

#define GET_OP_CLASSES
#include "tfc/Dialect/Tfm/IR/TfmOps.h.inc"

#endif // TFC_DIALECT_TFM_IR_TFMOPS_H
