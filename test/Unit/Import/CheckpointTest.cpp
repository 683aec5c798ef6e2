//===- CheckpointTest.cpp - Tests for single/sharded checkpoints ----------===//

#include "tfc/Import/HF/Reader/Safetensors.h"

#include "TestUtil.h"

#include <sys/stat.h>

using namespace tfc::hf;
using namespace tfc::hf::test;

namespace {

#define EXPECT_CONTAINS(str, sub)                                              \
  EXPECT_NE(std::string(str).find(sub), std::string::npos)                     \
      << "'" << (str) << "' does not contain '" << (sub) << "'"

class CheckpointTest : public TempDirTest {
protected:
  void writeShards() {
    write("model-00001-of-00002.safetensors",
          makeSafetensors({{"a", "F32", {2}, f32Bytes({1, 2})},
                           {"b", "F16", {1}, u16Bytes({0x3c00})}},
                          R"({"format":"pt"})"));
    write("model-00002-of-00002.safetensors",
          makeSafetensors({{"c", "BF16", {2}, u16Bytes({0x4000, 0x4040})}}));
  }
  std::string index(const std::string &weightMap) {
    return write("model.safetensors.index.json",
                 R"({"metadata": {"total_size": 14}, "weight_map": )" +
                     weightMap + "}");
  }
  static constexpr const char *kGoodMap =
      R"({"a": "model-00001-of-00002.safetensors",
          "b": "model-00001-of-00002.safetensors",
          "c": "model-00002-of-00002.safetensors"})";

  std::string openError(const std::string &p) {
    Checkpoint ck;
    std::string err;
    EXPECT_FALSE(ck.open(p, err));
    EXPECT_EQ(ck.size(), 0u);
    EXPECT_EQ(err.find('\n'), std::string::npos) << err;
    return err;
  }
};

TEST_F(CheckpointTest, SingleFileByDirAndPath) {
  std::string p = write("model.safetensors",
                        makeSafetensors({{"w", "F32", {1}, f32Bytes({5})},
                                         {"v", "F32", {1}, f32Bytes({6})}}));
  for (const std::string &arg : {dir, p, dir + "/"}) {
    Checkpoint ck;
    std::string err;
    ASSERT_TRUE(ck.open(arg, err)) << err;
    EXPECT_FALSE(ck.isSharded());
    EXPECT_TRUE(ck.indexPath().empty());
    ASSERT_EQ(ck.files().size(), 1u);
    EXPECT_EQ(ck.size(), 2u);
    ASSERT_NE(ck.find("w"), nullptr);
    EXPECT_EQ(ck.find("nope"), nullptr);
    auto all = ck.tensors();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0]->name, "v");
    EXPECT_EQ(all[1]->name, "w");
    std::vector<float> v;
    ASSERT_TRUE(readAsF32(*ck.find("w"), v, err)) << err;
    EXPECT_EQ(v[0], 5.0f);
  }
}

TEST_F(CheckpointTest, Sharded) {
  writeShards();
  std::string idx = index(kGoodMap);
  // An index takes precedence over a stray model.safetensors.
  write("model.safetensors",
        makeSafetensors({{"zzz", "F32", {1}, f32Bytes({0})}}));
  for (const std::string &arg : {dir, idx}) {
    Checkpoint ck;
    std::string err;
    ASSERT_TRUE(ck.open(arg, err)) << err;
    EXPECT_TRUE(ck.isSharded());
    EXPECT_EQ(ck.indexPath(), idx);
    ASSERT_EQ(ck.files().size(), 2u);
    EXPECT_EQ(ck.files()[0]->path(), path("model-00001-of-00002.safetensors"));
    EXPECT_EQ(ck.size(), 3u);
    EXPECT_EQ(ck.find("zzz"), nullptr);
    const TensorInfo *c = ck.find("c");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->file, path("model-00002-of-00002.safetensors"));
    std::vector<float> v;
    ASSERT_TRUE(readAsF32(*c, v, err)) << err;
    EXPECT_EQ(v, (std::vector<float>{2.0f, 3.0f}));
    ASSERT_TRUE(readAsF32(*ck.find("b"), v, err)) << err;
    EXPECT_EQ(v, (std::vector<float>{1.0f}));
    auto all = ck.tensors();
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[2]->name, "c");

    Checkpoint moved(std::move(ck));
    EXPECT_EQ(moved.find("c"), c);
  }
}

TEST_F(CheckpointTest, DirectoryWithoutCheckpoint) {
  EXPECT_CONTAINS(openError(dir), dir + ": no model.safetensors or "
                                        "model.safetensors.index.json found");
  EXPECT_CONTAINS(openError(path("x.safetensors")), "cannot open");
}

TEST_F(CheckpointTest, IndexSyntaxErrors) {
  writeShards();
  std::string idx = path("model.safetensors.index.json");
  write("model.safetensors.index.json", "{ nope");
  EXPECT_EQ(openError(dir), idx + ": not valid JSON");
  write("model.safetensors.index.json", "[]");
  EXPECT_EQ(openError(dir), idx + ": top level is an array, expected an "
                                  "object");
  write("model.safetensors.index.json", R"({"metadata": {}})");
  EXPECT_EQ(openError(dir), idx + ": missing key 'weight_map'");
  write("model.safetensors.index.json", R"({"weight_map": []})");
  EXPECT_EQ(openError(dir),
            idx + ": 'weight_map' is an array, expected an object");
  write("model.safetensors.index.json", R"({"weight_map": {}})");
  EXPECT_EQ(openError(dir), idx + ": 'weight_map' is empty");
  write("model.safetensors.index.json",
        R"({"metadata": 3, "weight_map": {"a": "x"}})");
  EXPECT_CONTAINS(openError(dir), "'metadata' is an integer");
  index(R"({"a": 1})");
  EXPECT_EQ(openError(dir), idx + ": weight_map entry for tensor 'a' is an "
                                  "integer, expected a file name");
  index(R"({"a": "../model-00001-of-00002.safetensors"})");
  EXPECT_CONTAINS(openError(dir), "tensor 'a' has invalid shard file name "
                                  "'../model-00001-of-00002.safetensors'");
}

TEST_F(CheckpointTest, IndexConsistencyErrors) {
  writeShards();
  std::string idx = path("model.safetensors.index.json");
  std::string s1 = path("model-00001-of-00002.safetensors");
  std::string s2 = path("model-00002-of-00002.safetensors");

  // A shard that does not exist.
  index(R"({"a": "model-00001-of-00002.safetensors",
            "b": "model-00001-of-00002.safetensors",
            "c": "model-00003-of-00002.safetensors"})");
  std::string e = openError(dir);
  EXPECT_CONTAINS(e,
                  path("model-00003-of-00002.safetensors") + ": cannot open");
  EXPECT_CONTAINS(e, "(shard listed in " + idx + ")");

  // Tensor mapped to the wrong shard.
  index(R"({"a": "model-00002-of-00002.safetensors",
            "b": "model-00001-of-00002.safetensors",
            "c": "model-00002-of-00002.safetensors"})");
  EXPECT_EQ(openError(dir),
            idx +
                ": tensor 'a' is mapped to 'model-00002-of-00002."
                "safetensors' but not found in " +
                s2);

  // Tensor in the index but in no shard.
  index(R"({"a": "model-00001-of-00002.safetensors",
            "b": "model-00001-of-00002.safetensors",
            "c": "model-00002-of-00002.safetensors",
            "d": "model-00002-of-00002.safetensors"})");
  EXPECT_CONTAINS(openError(dir), "tensor 'd' is mapped to");

  // Tensor in a shard but not in the index.
  index(R"({"a": "model-00001-of-00002.safetensors",
            "c": "model-00002-of-00002.safetensors"})");
  EXPECT_EQ(openError(dir), s1 + ": tensor 'b' is not listed in " + idx);

  // Tensor stored in two shards.
  write("model-00002-of-00002.safetensors",
        makeSafetensors({{"a", "F32", {2}, f32Bytes({1, 2})},
                         {"c", "BF16", {2}, u16Bytes({0x4000, 0x4040})}}));
  index(kGoodMap);
  EXPECT_CONTAINS(openError(dir), s2 + ": tensor 'a' is also stored in " + s1);

  // A corrupt shard reports the shard's own error.
  write("model-00002-of-00002.safetensors", "garbage!!");
  EXPECT_CONTAINS(openError(dir), s2 + ": header length");
}

} // namespace
