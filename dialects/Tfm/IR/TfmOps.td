//===- TfmOps.td - all tfm ops -----------------------------*- tablegen -*-===//

#ifndef TFM_OPS_TD
#define TFM_OPS_TD

include "Tfm/IR/TfmBase.td"
include "Tfm/IR/TfmTensorOps.td"
include "Tfm/IR/TfmMathOps.td"
include "Tfm/IR/TfmNNOps.td"
include "Tfm/IR/TfmAttentionOps.td"

#endif // TFM_OPS_TD
