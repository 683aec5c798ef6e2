//===- ModelConfig.h - HuggingFace config.json -----------------*- C++ -*-===//
//
// Parses and validates a HuggingFace config.json for the supported
// architectures (GPT-2, LLaMA). No LLVM/MLIR dependency, no exceptions escape.
// Errors are one line, "<file>: <what>" (no "error: " prefix), naming the key.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_IMPORT_HF_READER_MODELCONFIG_H
#define TFC_IMPORT_HF_READER_MODELCONFIG_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tfc {
namespace hf {

enum class ArchFamily { GPT2, Llama };

enum class Activation {
  GeluNew,         ///< gpt2 "gelu_new": 0.5x(1+tanh(sqrt(2/pi)(x+0.044715x^3)))
  GeluPytorchTanh, ///< "gelu_pytorch_tanh": same formula as gelu_new
  Gelu,            ///< "gelu": exact erf form, 0.5x(1+erf(x/sqrt(2)))
  Silu,            ///< llama "silu": x*sigmoid(x)
};

const char *archFamilyName(ArchFamily a); // "gpt2" / "llama"
const char *activationName(Activation a); // HF spelling
/// True for the tanh approximation (GeluNew, GeluPytorchTanh).
bool isTanhGelu(Activation a);

struct ModelConfig {
  ArchFamily arch = ArchFamily::GPT2;
  std::string modelType;                  ///< "gpt2" / "llama"
  std::vector<std::string> architectures; ///< as given (may be empty)

  int64_t vocabSize = 0;
  int64_t hiddenSize = 0; ///< n_embd / hidden_size
  int64_t numLayers = 0;  ///< n_layer / num_hidden_layers
  int64_t numHeads = 0;   ///< n_head / num_attention_heads
  int64_t numKVHeads = 0; ///< num_key_value_heads (= numHeads for gpt2)
  int64_t headDim = 0;    ///< hiddenSize / numHeads
  /// n_inner (null -> 4 * hidden) / intermediate_size
  int64_t intermediateSize = 0;
  int64_t maxPositions = 0;      ///< n_positions / max_position_embeddings
  double normEps = 0;            ///< layer_norm_epsilon / rms_norm_eps
  double ropeTheta = 10000.0;    ///< llama only
  bool tieWordEmbeddings = true; ///< gpt2 default true, llama default false
  Activation activation = Activation::GeluNew;
  /// "float32", "float16", "bfloat16" or empty when absent
  /// (read from "torch_dtype", or "dtype" in newer transformers).
  std::string torchDtype;
  std::optional<int64_t> bosTokenId;
  std::vector<int64_t> eosTokenIds; ///< eos_token_id may be an int or a list
};

/// Parses `text` (the contents of a config.json); `fileName` is used in
/// diagnostics. Returns false and sets `err` on any problem.
bool parseModelConfig(const std::string &text, const std::string &fileName,
                      ModelConfig &cfg, std::string &err);
/// Reads and parses the file at `path` (a config.json, or a directory that
/// contains one).
bool loadModelConfig(const std::string &path, ModelConfig &cfg,
                     std::string &err);

} // namespace hf
} // namespace tfc

#endif // TFC_IMPORT_HF_READER_MODELCONFIG_H
