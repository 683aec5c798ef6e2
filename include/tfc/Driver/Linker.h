//===- Linker.h - link generated objects with the runtime -------*- C++ -*-===//

#ifndef TFC_DRIVER_LINKER_H
#define TFC_DRIVER_LINKER_H

#include <string>
#include <vector>

namespace mlir::tfc {

/// Which `main` the executable gets from the runtime.
enum class RuntimeFlavor {
  /// Generic: reads/writes .npy tensors per the entry's signature.
  Runner,
  /// Language model: tokenizer, sampling, KV cache, perplexity.
  LanguageModel,
};

/// Links `objectPath` with the runtime into `outputPath` using the C++
/// compiler driver found at configure time. On failure `error` holds one
/// line (and the linker's output).
/// `extraInputs` (e.g. an assembly file embedding the weights) are passed to
/// the driver before the runtime archives.
bool linkExecutable(const std::string &objectPath,
                    const std::string &outputPath, RuntimeFlavor flavor,
                    const std::vector<std::string> &extraInputs,
                    std::string &error);

} // namespace mlir::tfc

#endif // TFC_DRIVER_LINKER_H
