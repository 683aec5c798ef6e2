//===- HFImporter.h - HF checkpoints to tfm ---------------------*- C++ -*-===//
//
// Reads an HF model directory (config.json + safetensors) and emits a tfm
// module with two entry points over a KV cache:
//
//   @tfc_prefill(%tokens: tensor<?xi64>, %pos: index,
//                %kc: tensor<L x C x Hkv x D x f32>, %vc: ...)
//       -> (tensor<?x V x f32>, kc', vc')
//   @tfc_decode: the same with tensor<1xi64> tokens.
//
// Weights are `tfm.weight` ops naming checkpoint tensors (f32 in the IR; the
// driver converts F16/BF16 when it writes the weight blob).
//
//===----------------------------------------------------------------------===//

#ifndef TFC_IMPORT_HF_HFIMPORTER_H
#define TFC_IMPORT_HF_HFIMPORTER_H

#include "tfc/Dialect/Tfm/Transforms/Passes.h"
#include "tfc/Import/HF/Reader/ModelConfig.h"
#include "tfc/Import/HF/Reader/Safetensors.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>
#include <vector>

namespace mlir::tfc {

struct HFModel {
  std::string dir;
  ::tfc::hf::ModelConfig config;
  ::tfc::hf::Checkpoint checkpoint;
  /// KV-cache length: the model's context unless capped.
  int64_t context = 0;
};

/// Opens `dir`, parses config.json, opens the (sharded) checkpoint and checks
/// that every tensor the architecture needs is present with the shape the
/// config implies. `contextCap` > 0 limits the KV cache length. On failure
/// `error` is one line naming the file/tensor.
bool loadHFModel(const std::string &dir, int64_t contextCap, HFModel &model,
                 std::string &error);

/// Emits the tfm module for a loaded model.
OwningOpRef<ModuleOp> importHFModel(MLIRContext *ctx, const HFModel &model);

using tfm::kModelInfoAttrName;

} // namespace mlir::tfc

#endif // TFC_IMPORT_HF_HFIMPORTER_H
