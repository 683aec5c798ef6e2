//===- ModelConfigTest.cpp - Tests for config.json parsing ----------------===//

#include "tfc/Import/HF/Reader/ModelConfig.h"

#include "TestUtil.h"

using namespace tfc::hf;
using namespace tfc::hf::test;

namespace {

// The config.json of the "gpt2" checkpoint on the HuggingFace hub.
const char *kGPT2 = R"({
  "activation_function": "gelu_new",
  "architectures": ["GPT2LMHeadModel"],
  "attn_pdrop": 0.1,
  "bos_token_id": 50256,
  "embd_pdrop": 0.1,
  "eos_token_id": 50256,
  "initializer_range": 0.02,
  "layer_norm_epsilon": 1e-05,
  "model_type": "gpt2",
  "n_ctx": 1024,
  "n_embd": 768,
  "n_head": 12,
  "n_layer": 12,
  "n_positions": 1024,
  "resid_pdrop": 0.1,
  "summary_activation": null,
  "summary_first_dropout": 0.1,
  "summary_proj_to_labels": true,
  "summary_type": "cls_index",
  "summary_use_proj": true,
  "task_specific_params": {"text-generation": {"do_sample": true,
                                                "max_length": 50}},
  "vocab_size": 50257
})";

// A LLaMA config as written by transformers 4.45 (TinyLlama-like, GQA 8).
const char *kLlama = R"({
  "architectures": ["LlamaForCausalLM"],
  "attention_bias": false,
  "attention_dropout": 0.0,
  "bos_token_id": 1,
  "eos_token_id": 2,
  "hidden_act": "silu",
  "hidden_size": 2048,
  "initializer_range": 0.02,
  "intermediate_size": 5632,
  "max_position_embeddings": 2048,
  "mlp_bias": false,
  "model_type": "llama",
  "num_attention_heads": 32,
  "num_hidden_layers": 22,
  "num_key_value_heads": 4,
  "pretraining_tp": 1,
  "rms_norm_eps": 1e-05,
  "rope_scaling": null,
  "rope_theta": 10000.0,
  "tie_word_embeddings": false,
  "torch_dtype": "bfloat16",
  "transformers_version": "4.45.0",
  "use_cache": true,
  "vocab_size": 32000
})";

/// kGPT2/kLlama with `key` replaced by (or, if absent, added as) `value`;
/// value "" removes the key.
std::string with(const std::string &base, const std::string &key,
                 const std::string &value) {
  std::string s = base;
  std::string needle = "\"" + key + "\": ";
  size_t pos = s.find(needle);
  if (pos != std::string::npos) {
    size_t end = pos + needle.size();
    int depth = 0;
    while (end < s.size()) {
      char c = s[end];
      if ((c == ',' || c == '\n' || c == '}') && depth == 0)
        break;
      if (c == '[' || c == '{')
        ++depth;
      if (c == ']' || c == '}')
        --depth;
      ++end;
    }
    if (value.empty()) {
      if (s[end] == ',') {
        ++end;
      } else { // last key: drop the comma before it instead
        size_t comma = s.rfind(',', pos);
        if (comma != std::string::npos)
          pos = comma;
      }
      s.erase(pos, end - pos);
    } else {
      s.replace(pos + needle.size(), end - pos - needle.size(), value);
    }
    return s;
  }
  if (value.empty())
    return s;
  return "{" + needle + value + "," + s.substr(s.find('{') + 1);
}

std::string parseError(const std::string &text) {
  ModelConfig cfg;
  std::string err;
  EXPECT_FALSE(parseModelConfig(text, "config.json", cfg, err));
  EXPECT_EQ(err.find('\n'), std::string::npos) << err;
  EXPECT_EQ(err.rfind("config.json: ", 0), 0u) << err;
  return err;
}

ModelConfig parseOk(const std::string &text) {
  ModelConfig cfg;
  std::string err;
  EXPECT_TRUE(parseModelConfig(text, "config.json", cfg, err)) << err;
  return cfg;
}

TEST(ModelConfig, GPT2Hub) {
  ModelConfig c = parseOk(kGPT2);
  EXPECT_EQ(c.arch, ArchFamily::GPT2);
  EXPECT_EQ(c.modelType, "gpt2");
  EXPECT_EQ(c.architectures, (std::vector<std::string>{"GPT2LMHeadModel"}));
  EXPECT_EQ(c.vocabSize, 50257);
  EXPECT_EQ(c.hiddenSize, 768);
  EXPECT_EQ(c.numLayers, 12);
  EXPECT_EQ(c.numHeads, 12);
  EXPECT_EQ(c.numKVHeads, 12);
  EXPECT_EQ(c.headDim, 64);
  EXPECT_EQ(c.intermediateSize, 3072);
  EXPECT_EQ(c.maxPositions, 1024);
  EXPECT_DOUBLE_EQ(c.normEps, 1e-5);
  EXPECT_TRUE(c.tieWordEmbeddings);
  EXPECT_EQ(c.activation, Activation::GeluNew);
  EXPECT_TRUE(isTanhGelu(c.activation));
  EXPECT_EQ(c.torchDtype, "");
  ASSERT_TRUE(c.bosTokenId.has_value());
  EXPECT_EQ(*c.bosTokenId, 50256);
  EXPECT_EQ(c.eosTokenIds, (std::vector<int64_t>{50256}));
  EXPECT_STREQ(archFamilyName(c.arch), "gpt2");
  EXPECT_STREQ(activationName(c.activation), "gelu_new");
}

TEST(ModelConfig, GPT2Variants) {
  EXPECT_EQ(parseOk(with(kGPT2, "n_inner", "null")).intermediateSize, 3072);
  EXPECT_EQ(parseOk(with(kGPT2, "n_inner", "1000")).intermediateSize, 1000);
  EXPECT_EQ(parseOk(with(kGPT2, "activation_function", "\"gelu\"")).activation,
            Activation::Gelu);
  EXPECT_EQ(parseOk(with(kGPT2, "activation_function", "\"gelu_pytorch_tanh\""))
                .activation,
            Activation::GeluPytorchTanh);
  EXPECT_EQ(parseOk(with(kGPT2, "activation_function", "")).activation,
            Activation::GeluNew);
  EXPECT_DOUBLE_EQ(parseOk(with(kGPT2, "layer_norm_epsilon", "")).normEps,
                   1e-5);
  EXPECT_DOUBLE_EQ(parseOk(with(kGPT2, "layer_norm_epsilon", "0.001")).normEps,
                   1e-3);
  EXPECT_FALSE(
      parseOk(with(kGPT2, "tie_word_embeddings", "false")).tieWordEmbeddings);
  // n_ctx alone is accepted as the context length.
  EXPECT_EQ(
      parseOk(with(with(kGPT2, "n_positions", ""), "n_ctx", "77")).maxPositions,
      77);
  // architectures alone identifies the family.
  ModelConfig c = parseOk(with(kGPT2, "model_type", ""));
  EXPECT_EQ(c.arch, ArchFamily::GPT2);
  EXPECT_EQ(c.modelType, "gpt2");
  // model_type alone too.
  EXPECT_TRUE(parseOk(with(kGPT2, "architectures", "")).architectures.empty());
  // Features with no effect on the math are fine.
  parseOk(with(kGPT2, "reorder_and_upcast_attn", "true"));
  parseOk(with(kGPT2, "scale_attn_weights", "true"));
  parseOk(with(kGPT2, "torch_dtype", "\"float16\""));
  EXPECT_EQ(parseOk(with(kGPT2, "dtype", "\"bfloat16\"")).torchDtype,
            "bfloat16");
  ModelConfig noIds =
      parseOk(with(with(kGPT2, "bos_token_id", "null"), "eos_token_id", ""));
  EXPECT_FALSE(noIds.bosTokenId.has_value());
  EXPECT_TRUE(noIds.eosTokenIds.empty());
}

TEST(ModelConfig, Llama) {
  ModelConfig c = parseOk(kLlama);
  EXPECT_EQ(c.arch, ArchFamily::Llama);
  EXPECT_EQ(c.vocabSize, 32000);
  EXPECT_EQ(c.hiddenSize, 2048);
  EXPECT_EQ(c.numLayers, 22);
  EXPECT_EQ(c.numHeads, 32);
  EXPECT_EQ(c.numKVHeads, 4);
  EXPECT_EQ(c.headDim, 64);
  EXPECT_EQ(c.intermediateSize, 5632);
  EXPECT_EQ(c.maxPositions, 2048);
  EXPECT_DOUBLE_EQ(c.normEps, 1e-5);
  EXPECT_DOUBLE_EQ(c.ropeTheta, 10000.0);
  EXPECT_FALSE(c.tieWordEmbeddings);
  EXPECT_EQ(c.activation, Activation::Silu);
  EXPECT_EQ(c.torchDtype, "bfloat16");
  EXPECT_EQ(*c.bosTokenId, 1);
  EXPECT_EQ(c.eosTokenIds, (std::vector<int64_t>{2}));
  EXPECT_STREQ(archFamilyName(c.arch), "llama");
}

TEST(ModelConfig, LlamaVariants) {
  EXPECT_EQ(parseOk(with(kLlama, "num_key_value_heads", "")).numKVHeads, 32);
  EXPECT_EQ(parseOk(with(kLlama, "num_key_value_heads", "null")).numKVHeads,
            32);
  EXPECT_FALSE(parseOk(with(kLlama, "tie_word_embeddings", ""))
                   .tieWordEmbeddings); // LlamaConfig default
  EXPECT_TRUE(
      parseOk(with(kLlama, "tie_word_embeddings", "true")).tieWordEmbeddings);
  EXPECT_DOUBLE_EQ(parseOk(with(kLlama, "rope_theta", "500000.0")).ropeTheta,
                   500000.0);
  EXPECT_DOUBLE_EQ(parseOk(with(kLlama, "rope_theta", "")).ropeTheta, 1e4);
  EXPECT_DOUBLE_EQ(parseOk(with(kLlama, "rms_norm_eps", "")).normEps, 1e-6);
  EXPECT_EQ(parseOk(with(kLlama, "hidden_act", "")).activation,
            Activation::Silu);
  EXPECT_EQ(
      parseOk(with(kLlama, "eos_token_id", "[128001, 128009]")).eosTokenIds,
      (std::vector<int64_t>{128001, 128009}));
  EXPECT_EQ(parseOk(with(kLlama, "head_dim", "64")).headDim, 64);
  parseOk(with(kLlama, "rope_scaling", R"({"rope_type": "default"})"));
  EXPECT_DOUBLE_EQ(
      parseOk(with(with(kLlama, "rope_theta", ""), "rope_parameters",
                   R"({"rope_type": "default", "rope_theta": 5e5})"))
          .ropeTheta,
      5e5);
  parseOk(with(kLlama, "pretraining_tp", "2"));
}

TEST(ModelConfig, FamilyErrors) {
  EXPECT_EQ(parseError(with(kGPT2, "model_type", "\"bert\"")),
            "config.json: unsupported model_type 'bert' (supported: gpt2, "
            "llama)");
  EXPECT_EQ(
      parseError(with(with(kGPT2, "model_type", ""), "architectures", "")),
      "config.json: missing required key 'model_type'");
  EXPECT_EQ(parseError(with(kGPT2, "architectures", "[\"LlamaForCausalLM\"]")),
            "config.json: architectures 'LlamaForCausalLM' does not match "
            "model_type 'gpt2'");
  EXPECT_EQ(parseError(with(kGPT2, "architectures",
                            "[\"GPT2ForSequenceClassification\"]")),
            "config.json: unsupported architectures entry "
            "'GPT2ForSequenceClassification' (supported: GPT2LMHeadModel, "
            "LlamaForCausalLM)");
  EXPECT_EQ(parseError(with(kGPT2, "architectures", "\"GPT2LMHeadModel\"")),
            "config.json: key 'architectures' must be a list of strings, got "
            "a string");
  EXPECT_EQ(parseError(with(kGPT2, "architectures",
                            "[\"GPT2LMHeadModel\", \"LlamaForCausalLM\"]")),
            "config.json: key 'architectures' mixes model families");
  EXPECT_EQ(parseError(with(kGPT2, "model_type", "3")),
            "config.json: key 'model_type' must be a string, got an integer");
  EXPECT_EQ(parseError("{"), "config.json: not valid JSON");
  EXPECT_EQ(parseError("[1]"),
            "config.json: top level is an array, expected an object");
  EXPECT_EQ(parseError(with(kLlama, "quantization_config", "{}")),
            "config.json: unsupported quantization_config (quantized "
            "checkpoints are not supported)");
}

TEST(ModelConfig, KeyErrors) {
  EXPECT_EQ(parseError(with(kGPT2, "n_embd", "")),
            "config.json: missing required key 'n_embd'");
  EXPECT_EQ(parseError(with(kGPT2, "vocab_size", "")),
            "config.json: missing required key 'vocab_size'");
  EXPECT_EQ(parseError(with(kGPT2, "n_embd", "\"768\"")),
            "config.json: key 'n_embd' must be an integer, got a string");
  EXPECT_EQ(parseError(with(kGPT2, "n_layer", "12.0")),
            "config.json: key 'n_layer' must be an integer, got a float");
  EXPECT_EQ(parseError(with(kGPT2, "n_head", "0")),
            "config.json: key 'n_head' must be positive, got 0");
  EXPECT_EQ(parseError(with(kGPT2, "n_inner", "-1")),
            "config.json: key 'n_inner' must be positive, got -1");
  EXPECT_EQ(parseError(with(with(kGPT2, "n_positions", ""), "n_ctx", "")),
            "config.json: missing required key 'n_positions'");
  EXPECT_EQ(parseError(with(kGPT2, "layer_norm_epsilon", "\"1e-5\"")),
            "config.json: key 'layer_norm_epsilon' must be a number, got a "
            "string");
  EXPECT_EQ(parseError(with(kGPT2, "layer_norm_epsilon", "0")),
            "config.json: key 'layer_norm_epsilon' must be a positive number, "
            "got 0");
  EXPECT_EQ(parseError(with(kGPT2, "tie_word_embeddings", "1")),
            "config.json: key 'tie_word_embeddings' must be a boolean, got an "
            "integer");
  EXPECT_EQ(parseError(with(kGPT2, "bos_token_id", "\"x\"")),
            "config.json: key 'bos_token_id' must be a non-negative integer, "
            "got \"x\"");
  EXPECT_EQ(parseError(with(kGPT2, "bos_token_id", "[1]")),
            "config.json: key 'bos_token_id' must be a non-negative integer, "
            "got [1]");
  EXPECT_EQ(parseError(with(kLlama, "eos_token_id", "[1, \"2\"]")),
            "config.json: key 'eos_token_id' must be a non-negative integer "
            "or a list of them");
  EXPECT_EQ(parseError(with(kLlama, "torch_dtype", "\"int8\"")),
            "config.json: unsupported torch_dtype 'int8' (supported: float32, "
            "float16, bfloat16)");
  EXPECT_EQ(parseError(with(kLlama, "torch_dtype", "16")),
            "config.json: key 'torch_dtype' must be a string, got an integer");
  EXPECT_EQ(parseError(with(kLlama, "intermediate_size", "")),
            "config.json: missing required key 'intermediate_size'");
  EXPECT_EQ(parseError(with(kLlama, "max_position_embeddings", "null")),
            "config.json: missing required key 'max_position_embeddings'");
  EXPECT_EQ(parseError(with(kLlama, "rope_theta", "-1")),
            "config.json: key 'rope_theta' must be a positive number, got -1");
}

TEST(ModelConfig, ShapeErrors) {
  EXPECT_EQ(parseError(with(kGPT2, "n_head", "5")),
            "config.json: n_head (5) does not divide n_embd (768)");
  EXPECT_EQ(parseError(with(kLlama, "num_attention_heads", "30")),
            "config.json: num_attention_heads (30) does not divide "
            "hidden_size (2048)");
  EXPECT_EQ(parseError(with(kLlama, "num_key_value_heads", "3")),
            "config.json: num_key_value_heads (3) does not divide "
            "num_attention_heads (32)");
  EXPECT_EQ(parseError(with(kLlama, "hidden_size", "2000")),
            "config.json: num_attention_heads (32) does not divide "
            "hidden_size (2000)");
  // head_dim 63 is odd: no rotary embedding.
  EXPECT_EQ(parseError(with(with(with(kLlama, "hidden_size", "126"),
                                 "num_attention_heads", "2"),
                            "num_key_value_heads", "2")),
            "config.json: head dimension 63 (hidden_size / "
            "num_attention_heads) must be even for rotary embeddings");
  EXPECT_EQ(parseError(with(kLlama, "head_dim", "128")),
            "config.json: unsupported head_dim 128 (must equal hidden_size / "
            "num_attention_heads = 64)");
}

TEST(ModelConfig, UnsupportedFeatures) {
  EXPECT_EQ(parseError(with(kLlama, "rope_scaling",
                            R"({"factor": 8.0, "rope_type": "llama3"})")),
            "config.json: unsupported rope_scaling (rope_type 'llama3'; only "
            "default rotary embeddings are supported)");
  EXPECT_EQ(parseError(with(kLlama, "rope_scaling",
                            R"({"type": "linear", "factor": 2.0})")),
            "config.json: unsupported rope_scaling (rope_type 'linear'; only "
            "default rotary embeddings are supported)");
  EXPECT_EQ(parseError(with(kLlama, "rope_scaling", "3")),
            "config.json: key 'rope_scaling' must be an object or null, got "
            "an integer");
  EXPECT_EQ(parseError(with(kGPT2, "scale_attn_by_inverse_layer_idx", "true")),
            "config.json: unsupported scale_attn_by_inverse_layer_idx=true");
  EXPECT_EQ(parseError(with(kGPT2, "scale_attn_weights", "false")),
            "config.json: unsupported scale_attn_weights=false");
  EXPECT_EQ(parseError(with(kGPT2, "add_cross_attention", "true")),
            "config.json: unsupported add_cross_attention=true");
  EXPECT_EQ(parseError(with(kGPT2, "activation_function", "\"relu\"")),
            "config.json: unsupported activation_function 'relu' (supported: "
            "gelu_new, gelu_pytorch_tanh, gelu)");
  EXPECT_EQ(parseError(with(kLlama, "hidden_act", "\"gelu\"")),
            "config.json: unsupported hidden_act 'gelu' (supported: silu)");
  EXPECT_EQ(parseError(with(kLlama, "attention_bias", "true")),
            "config.json: unsupported attention_bias=true");
  EXPECT_EQ(parseError(with(kLlama, "mlp_bias", "true")),
            "config.json: unsupported mlp_bias=true");
}

class ModelConfigFileTest : public TempDirTest {};

TEST_F(ModelConfigFileTest, LoadFromDirAndFile) {
  std::string p = write("config.json", kLlama);
  for (const std::string &arg : {dir, p}) {
    ModelConfig c;
    std::string err;
    ASSERT_TRUE(loadModelConfig(arg, c, err)) << err;
    EXPECT_EQ(c.numKVHeads, 4);
  }
  write("config.json", with(kLlama, "model_type", "\"mistral\""));
  ModelConfig c;
  std::string err;
  EXPECT_FALSE(loadModelConfig(dir, c, err));
  EXPECT_EQ(err, p + ": unsupported model_type 'mistral' (supported: gpt2, "
                     "llama)");
  EXPECT_FALSE(loadModelConfig(path("missing.json"), c, err));
  EXPECT_EQ(err, path("missing.json") + ": cannot open");
}

} // namespace
