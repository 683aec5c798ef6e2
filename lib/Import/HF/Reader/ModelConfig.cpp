//===- ModelConfig.cpp - HuggingFace config.json --------------------------===//

#include "tfc/Import/HF/Reader/ModelConfig.h"

#include "JsonUtil.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

using json = nlohmann::json;

namespace tfc {
namespace hf {

const char *archFamilyName(ArchFamily a) {
  switch (a) {
  case ArchFamily::GPT2:
    return "gpt2";
  case ArchFamily::Llama:
    return "llama";
  }
  return "?";
}

const char *activationName(Activation a) {
  switch (a) {
  case Activation::GeluNew:
    return "gelu_new";
  case Activation::GeluPytorchTanh:
    return "gelu_pytorch_tanh";
  case Activation::Gelu:
    return "gelu";
  case Activation::Silu:
    return "silu";
  }
  return "?";
}

bool isTanhGelu(Activation a) {
  return a == Activation::GeluNew || a == Activation::GeluPytorchTanh;
}

namespace {

/// Typed access to the keys of the config object; every failure records a
/// one-line message naming the file and the key.
class Reader {
public:
  Reader(const json &root, const std::string &file, std::string &err)
      : root(root), file(file), err(err) {}

  bool fail(const std::string &what) {
    err = file + ": " + what;
    return false;
  }

  /// The first of `keys` present (and not null when `nullIsAbsent`), or
  /// nullptr. `used` is set to its name (or to keys[0]).
  const json *lookup(std::initializer_list<const char *> keys,
                     std::string &used, bool nullIsAbsent = true) const {
    used = *keys.begin();
    for (const char *k : keys) {
      auto it = root.find(k);
      if (it != root.end() && !(nullIsAbsent && it->is_null())) {
        used = k;
        return &*it;
      }
    }
    return nullptr;
  }

  bool typeError(const std::string &key, const json &v, const char *want) {
    return fail("key '" + key + "' must be " + want + ", got " +
                detail::jsonTypeName(v));
  }

  /// Required positive integer.
  bool requiredPositive(std::initializer_list<const char *> keys,
                        int64_t &out) {
    std::string key;
    const json *v = lookup(keys, key);
    if (!v)
      return fail("missing required key '" + key + "'");
    return positive(key, *v, out);
  }

  /// Optional positive integer; `out` keeps its value when absent or null.
  bool optionalPositive(std::initializer_list<const char *> keys,
                        int64_t &out) {
    std::string key;
    const json *v = lookup(keys, key);
    return !v || positive(key, *v, out);
  }

  bool positive(const std::string &key, const json &v, int64_t &out) {
    int64_t x;
    if (!detail::asInt64(v, x))
      return typeError(key, v, "an integer");
    if (x <= 0)
      return fail("key '" + key + "' must be positive, got " +
                  std::to_string(x));
    out = x;
    return true;
  }

  /// Optional positive finite number.
  bool optionalPositiveNumber(const char *key, double &out) {
    std::string used;
    const json *v = lookup({key}, used);
    if (!v)
      return true;
    if (!v->is_number())
      return typeError(key, *v, "a number");
    double x = v->get<double>();
    if (!(x > 0) || !std::isfinite(x))
      return fail("key '" + std::string(key) +
                  "' must be a positive number, "
                  "got " +
                  v->dump());
    out = x;
    return true;
  }

  bool optionalBool(const char *key, bool &out) {
    std::string used;
    const json *v = lookup({key}, used);
    if (!v)
      return true;
    if (!v->is_boolean())
      return typeError(key, *v, "a boolean");
    out = v->get<bool>();
    return true;
  }

  bool optionalString(const char *key, std::string &out, bool &present) {
    std::string used;
    const json *v = lookup({key}, used);
    present = v != nullptr;
    if (!v)
      return true;
    if (!v->is_string())
      return typeError(key, *v, "a string");
    out = v->get<std::string>();
    return true;
  }

  /// A boolean key that must not be `bad` for us to support the model.
  bool unsupportedIf(const char *key, bool bad, bool dflt) {
    bool val = dflt;
    if (!optionalBool(key, val))
      return false;
    if (val == bad)
      return fail(std::string("unsupported ") + key + "=" +
                  (bad ? "true" : "false"));
    return true;
  }

  const json &root;
  const std::string &file;
  std::string &err;
};

bool archFromName(const std::string &name, ArchFamily &a) {
  if (name == "GPT2LMHeadModel") {
    a = ArchFamily::GPT2;
    return true;
  }
  if (name == "LlamaForCausalLM") {
    a = ArchFamily::Llama;
    return true;
  }
  return false;
}

/// rope_scaling / rope_parameters: null, or {"rope_type"|"type": "default",
/// ["rope_theta": x]} are fine; anything else is unsupported.
bool checkRope(Reader &r, const char *key, ModelConfig &cfg) {
  std::string used;
  const json *v = r.lookup({key}, used);
  if (!v)
    return true;
  if (!v->is_object())
    return r.typeError(key, *v, "an object or null");
  std::string type = "default";
  for (const char *tk : {"rope_type", "type"}) {
    auto it = v->find(tk);
    if (it != v->end()) {
      if (!it->is_string())
        return r.fail("key '" + std::string(key) + "." + tk +
                      "' must be a string, got " + detail::jsonTypeName(*it));
      type = it->get<std::string>();
      break;
    }
  }
  if (type != "default")
    return r.fail("unsupported " + std::string(key) + " (rope_type '" + type +
                  "'; only default rotary embeddings are supported)");
  auto th = v->find("rope_theta");
  if (th != v->end()) {
    if (!th->is_number() || !(th->get<double>() > 0))
      return r.fail("key '" + std::string(key) +
                    ".rope_theta' must be a positive number");
    cfg.ropeTheta = th->get<double>();
  }
  return true;
}

bool parseGPT2(Reader &r, ModelConfig &cfg) {
  if (!r.requiredPositive({"vocab_size"}, cfg.vocabSize) ||
      !r.requiredPositive({"n_embd", "hidden_size"}, cfg.hiddenSize) ||
      !r.requiredPositive({"n_layer", "num_hidden_layers"}, cfg.numLayers) ||
      !r.requiredPositive({"n_head", "num_attention_heads"}, cfg.numHeads) ||
      !r.requiredPositive({"n_positions", "n_ctx", "max_position_embeddings"},
                          cfg.maxPositions))
    return false;
  cfg.intermediateSize = 4 * cfg.hiddenSize;
  if (!r.optionalPositive({"n_inner"}, cfg.intermediateSize))
    return false;
  cfg.numKVHeads = cfg.numHeads;
  cfg.normEps = 1e-5;
  if (!r.optionalPositiveNumber("layer_norm_epsilon", cfg.normEps))
    return false;
  std::string act = "gelu_new";
  bool present;
  if (!r.optionalString("activation_function", act, present))
    return false;
  if (act == "gelu_new")
    cfg.activation = Activation::GeluNew;
  else if (act == "gelu_pytorch_tanh")
    cfg.activation = Activation::GeluPytorchTanh;
  else if (act == "gelu")
    cfg.activation = Activation::Gelu;
  else
    return r.fail("unsupported activation_function '" + act +
                  "' (supported: gelu_new, gelu_pytorch_tanh, gelu)");
  cfg.tieWordEmbeddings = true;
  if (!r.optionalBool("tie_word_embeddings", cfg.tieWordEmbeddings))
    return false;
  // Features that change the math and that we do not implement.
  return r.unsupportedIf("scale_attn_by_inverse_layer_idx", true, false) &&
         r.unsupportedIf("scale_attn_weights", false, true) &&
         r.unsupportedIf("add_cross_attention", true, false);
}

bool parseLlama(Reader &r, ModelConfig &cfg) {
  if (!r.requiredPositive({"vocab_size"}, cfg.vocabSize) ||
      !r.requiredPositive({"hidden_size"}, cfg.hiddenSize) ||
      !r.requiredPositive({"num_hidden_layers"}, cfg.numLayers) ||
      !r.requiredPositive({"num_attention_heads"}, cfg.numHeads) ||
      !r.requiredPositive({"intermediate_size"}, cfg.intermediateSize) ||
      !r.requiredPositive({"max_position_embeddings"}, cfg.maxPositions))
    return false;
  cfg.numKVHeads = cfg.numHeads;
  if (!r.optionalPositive({"num_key_value_heads"}, cfg.numKVHeads))
    return false;
  cfg.normEps = 1e-6;
  if (!r.optionalPositiveNumber("rms_norm_eps", cfg.normEps))
    return false;
  cfg.ropeTheta = 10000.0;
  if (!r.optionalPositiveNumber("rope_theta", cfg.ropeTheta))
    return false;
  if (!checkRope(r, "rope_scaling", cfg) ||
      !checkRope(r, "rope_parameters", cfg))
    return false;
  std::string act = "silu";
  bool present;
  if (!r.optionalString("hidden_act", act, present))
    return false;
  if (act != "silu")
    return r.fail("unsupported hidden_act '" + act + "' (supported: silu)");
  cfg.activation = Activation::Silu;
  cfg.tieWordEmbeddings = false;
  if (!r.optionalBool("tie_word_embeddings", cfg.tieWordEmbeddings))
    return false;
  if (!r.unsupportedIf("attention_bias", true, false) ||
      !r.unsupportedIf("mlp_bias", true, false))
    return false;
  int64_t headDim = 0;
  if (!r.optionalPositive({"head_dim"}, headDim))
    return false;
  if (headDim != 0 && cfg.hiddenSize % cfg.numHeads == 0 &&
      headDim != cfg.hiddenSize / cfg.numHeads)
    return r.fail("unsupported head_dim " + std::to_string(headDim) +
                  " (must equal hidden_size / num_attention_heads = " +
                  std::to_string(cfg.hiddenSize / cfg.numHeads) + ")");
  return true;
}

bool parseTokenId(Reader &r, const char *key, std::vector<int64_t> &ids,
                  bool allowList) {
  std::string used;
  const json *v = r.lookup({key}, used);
  if (!v)
    return true;
  int64_t x;
  if (detail::asInt64(*v, x) && x >= 0) {
    ids.push_back(x);
    return true;
  }
  if (allowList && v->is_array()) {
    for (const json &e : *v) {
      if (!detail::asInt64(e, x) || x < 0)
        return r.fail("key '" + std::string(key) +
                      "' must be a non-negative integer or a list of them");
      ids.push_back(x);
    }
    return true;
  }
  return r.fail("key '" + std::string(key) + "' must be a non-negative " +
                (allowList ? "integer or a list of them" : "integer") +
                ", got " + v->dump());
}

bool parseImpl(const std::string &text, const std::string &file,
               ModelConfig &cfg, std::string &err) {
  cfg = ModelConfig();
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    err = file + ": not valid JSON";
    return false;
  }
  Reader r(root, file, err);
  if (!root.is_object())
    return r.fail("top level is " + detail::jsonTypeName(root) +
                  ", expected an object");

  // Architecture family from model_type and/or architectures.
  bool haveType = false;
  if (!r.optionalString("model_type", cfg.modelType, haveType))
    return false;
  std::optional<ArchFamily> fromType, fromArchs;
  if (haveType) {
    if (cfg.modelType == "gpt2")
      fromType = ArchFamily::GPT2;
    else if (cfg.modelType == "llama")
      fromType = ArchFamily::Llama;
    else
      return r.fail("unsupported model_type '" + cfg.modelType +
                    "' (supported: gpt2, llama)");
  }
  std::string used;
  if (const json *a = r.lookup({"architectures"}, used)) {
    if (!a->is_array())
      return r.typeError("architectures", *a, "a list of strings");
    for (const json &e : *a) {
      if (!e.is_string())
        return r.typeError("architectures", e, "a list of strings");
      std::string name = e.get<std::string>();
      ArchFamily fam;
      if (!archFromName(name, fam))
        return r.fail("unsupported architectures entry '" + name +
                      "' (supported: GPT2LMHeadModel, LlamaForCausalLM)");
      if (fromArchs && *fromArchs != fam)
        return r.fail("key 'architectures' mixes model families");
      fromArchs = fam;
      cfg.architectures.push_back(name);
    }
  }
  if (fromType && fromArchs && *fromType != *fromArchs)
    return r.fail("architectures '" + cfg.architectures.front() +
                  "' does not match model_type '" + cfg.modelType + "'");
  if (!fromType && !fromArchs)
    return r.fail("missing required key 'model_type'");
  cfg.arch = fromType ? *fromType : *fromArchs;
  if (!haveType)
    cfg.modelType = archFamilyName(cfg.arch);

  if (root.contains("quantization_config") &&
      !root["quantization_config"].is_null())
    return r.fail("unsupported quantization_config (quantized checkpoints "
                  "are not supported)");

  if (!(cfg.arch == ArchFamily::GPT2 ? parseGPT2(r, cfg) : parseLlama(r, cfg)))
    return false;

  // Shape consistency.
  const bool g = cfg.arch == ArchFamily::GPT2;
  const char *hiddenKey = g ? "n_embd" : "hidden_size";
  const char *headsKey = g ? "n_head" : "num_attention_heads";
  if (cfg.hiddenSize % cfg.numHeads != 0)
    return r.fail(std::string(headsKey) + " (" + std::to_string(cfg.numHeads) +
                  ") does not divide " + hiddenKey + " (" +
                  std::to_string(cfg.hiddenSize) + ")");
  cfg.headDim = cfg.hiddenSize / cfg.numHeads;
  if (cfg.numHeads % cfg.numKVHeads != 0)
    return r.fail("num_key_value_heads (" + std::to_string(cfg.numKVHeads) +
                  ") does not divide " + headsKey + " (" +
                  std::to_string(cfg.numHeads) + ")");
  if (!g && cfg.headDim % 2 != 0)
    return r.fail("head dimension " + std::to_string(cfg.headDim) +
                  " (hidden_size / num_attention_heads) must be even for "
                  "rotary embeddings");

  // dtype hint ("torch_dtype", or "dtype" in transformers >= 4.56).
  bool present = false;
  for (const char *k : {"torch_dtype", "dtype"}) {
    if (!r.optionalString(k, cfg.torchDtype, present))
      return false;
    if (present) {
      if (cfg.torchDtype != "float32" && cfg.torchDtype != "float16" &&
          cfg.torchDtype != "bfloat16")
        return r.fail("unsupported " + std::string(k) + " '" + cfg.torchDtype +
                      "' (supported: float32, float16, bfloat16)");
      break;
    }
  }

  std::vector<int64_t> bos;
  if (!parseTokenId(r, "bos_token_id", bos, /*allowList=*/false) ||
      !parseTokenId(r, "eos_token_id", cfg.eosTokenIds, /*allowList=*/true))
    return false;
  if (!bos.empty())
    cfg.bosTokenId = bos.front();
  return true;
}
} // namespace

bool parseModelConfig(const std::string &text, const std::string &fileName,
                      ModelConfig &cfg, std::string &err) {
  try {
    return parseImpl(text, fileName, cfg, err);
  } catch (const std::exception &e) {
    err = fileName + ": " + e.what();
  } catch (...) {
    err = fileName + ": unexpected error while parsing";
  }
  return false;
}

bool loadModelConfig(const std::string &path, ModelConfig &cfg,
                     std::string &err) {
  try {
    std::string file = path;
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
      file = path + (path.back() == '/' ? "" : "/") + "config.json";
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      err = file + ": cannot open";
      return false;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return parseModelConfig(ss.str(), file, cfg, err);
  } catch (const std::exception &e) {
    err = path + ": " + e.what();
  } catch (...) {
    err = path + ": unexpected error while reading";
  }
  return false;
}

} // namespace hf
} // namespace tfc
