//===- LmMain.cpp - main() of compiled language models --------------------===//
//
// Links against the symbols of the compiled model object. Kept alone in its
// archive member so that programs with their own main() (the unit tests) can
// link the rest of tfcrt_lm.
//
//===----------------------------------------------------------------------===//

#include "LmRuntime.h"

#include <cstdint>

extern "C" {
extern const char tfc_model_info[];
void _mlir_ciface_tfc_prefill(void *weights, void *tokens, int64_t pos,
                              void *kcache, void *vcache, void *logits);
void _mlir_ciface_tfc_decode(void *weights, void *tokens, int64_t pos,
                             void *kcache, void *vcache, void *logits);
// Prefill that returns the last position's logits only (optional).
__attribute__((weak)) void
_mlir_ciface_tfc_prefill_last(void *weights, void *tokens, int64_t pos,
                              void *kcache, void *vcache, void *logits);
// Defined only when the weights are linked in (weights_mode=embed).
__attribute__((weak)) extern const unsigned char tfc_weights[];
__attribute__((weak)) extern const unsigned char tfc_weights_end[];
}

int main(int argc, char **argv) {
  tfcrt::lm::ModelEntry model;
  model.info = tfc_model_info;
  model.prefill = _mlir_ciface_tfc_prefill;
  model.prefillLast = _mlir_ciface_tfc_prefill_last;
  model.decode = _mlir_ciface_tfc_decode;
  model.embeddedBegin = tfc_weights;
  model.embeddedEnd = tfc_weights_end;
  return tfcrt::lm::lmMain(argc, argv, model);
}
