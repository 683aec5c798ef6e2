//===- WeightBlobTest.cpp - writeWeightBlob and composite entries ---------===//

#include "tfc/Driver/WeightBlob.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/TargetParser/Triple.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

using namespace mlir;
using namespace mlir::tfc;

namespace {

/// Stored 2-D f32 tensors; element (i, j) of tensor t is 100 * t + 10 * i + j
/// so that every value says where it came from.
class FakeSource : public WeightSource {
public:
  void add(const std::string &name, int64_t rows, int64_t cols) {
    int64_t id = tensors.size() + 1;
    Tensor t{rows, cols, {}};
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j)
        t.data.push_back(100 * id + 10 * i + j);
    tensors[name] = t;
  }

  bool read(StringRef name, ArrayRef<int64_t> permutation,
            RankedTensorType type, char *dst, std::string &error) override {
    auto it = tensors.find(name.str());
    if (it == tensors.end()) {
      error = "no tensor " + name.str();
      return false;
    }
    const Tensor &t = it->second;
    bool transpose = permutation.size() == 2 && permutation[0] == 1;
    int64_t rows = transpose ? t.cols : t.rows,
            cols = transpose ? t.rows : t.cols;
    EXPECT_EQ(type.getShape(), ArrayRef<int64_t>({rows, cols}));
    float *out = reinterpret_cast<float *>(dst);
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j)
        out[i * cols + j] =
            transpose ? t.data[j * t.cols + i] : t.data[i * t.cols + j];
    ++reads;
    return true;
  }

  bool storedShape(StringRef name, std::vector<int64_t> &shape,
                   std::string &error) override {
    auto it = tensors.find(name.str());
    if (it == tensors.end()) {
      error = "no tensor " + name.str();
      return false;
    }
    shape = {it->second.rows, it->second.cols};
    return true;
  }

  int reads = 0;

private:
  struct Tensor {
    int64_t rows, cols;
    std::vector<float> data;
  };
  std::map<std::string, Tensor> tensors;
};

class WeightBlobTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(
        llvm::sys::fs::createTemporaryFile("weight-blob-test", "bin", path));
    source.add("a", 2, 3); // 1xx
    source.add("b", 1, 3); // 2xx
    source.add("c", 3, 2); // 3xx
  }
  void TearDown() override { llvm::sys::fs::remove(path); }

  /// Writes the blob of a module with `table` and `bytes`; returns the floats
  /// written, or nothing (and sets `error`) on failure.
  std::optional<std::vector<float>> write(StringRef table, int64_t bytes) {
    std::string text =
        ("module attributes {tfm.weight_bytes = " + std::to_string(bytes) +
         " : i64, tfm.weight_table = " + table + "} {}")
            .str();
    OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, &ctx);
    EXPECT_TRUE(module);
    if (!module)
      return std::nullopt;
    error.clear();
    if (failed(writeWeightBlob(*module, source, path, error)))
      return std::nullopt;
    auto buffer = llvm::MemoryBuffer::getFile(path);
    EXPECT_TRUE(bool(buffer));
    const float *data =
        reinterpret_cast<const float *>((*buffer)->getBufferStart());
    return std::vector<float>(data, data + bytes / 4);
  }

  MLIRContext ctx;
  FakeSource source;
  SmallString<128> path;
  std::string error;
};

TEST_F(WeightBlobTest, PlainEntries) {
  auto blob = write(R"([{name = "b", offset = 0 : i64, type = tensor<1x3xf32>},
      {name = "c", offset = 16 : i64, permutation = array<i64: 1, 0>,
       type = tensor<2x3xf32>}])",
                    40);
  ASSERT_TRUE(blob) << error;
  EXPECT_EQ(*blob, (std::vector<float>{200, 201, 202, 0, //
                                       300, 310, 320, 301, 311, 321}));
}

// out_in weights: the parts' rows one after the other.
TEST_F(WeightBlobTest, CompositeAxis0) {
  auto blob = write(R"([{axis = 0 : i64, offset = 0 : i64,
      parts = [{name = "a", type = tensor<2x3xf32>},
               {name = "b", type = tensor<1x3xf32>}],
      type = tensor<3x3xf32>}])",
                    36);
  ASSERT_TRUE(blob) << error;
  EXPECT_EQ(*blob, (std::vector<float>{100, 101, 102, //
                                       110, 111, 112, //
                                       200, 201, 202}));
}

// in_out (packed) weights: each row is the parts' rows side by side, each
// part read with its own permutation.
TEST_F(WeightBlobTest, CompositeAxis1WithPermutations) {
  auto blob = write(R"([{axis = 1 : i64, offset = 0 : i64,
      parts = [{name = "a", permutation = array<i64: 1, 0>, type = tensor<3x2xf32>},
               {name = "b", permutation = array<i64: 1, 0>, type = tensor<3x1xf32>},
               {name = "c", type = tensor<3x2xf32>}],
      type = tensor<3x5xf32>}])",
                    60);
  ASSERT_TRUE(blob) << error;
  EXPECT_EQ(*blob, (std::vector<float>{100, 110, 200, 300, 301, //
                                       101, 111, 201, 310, 311, //
                                       102, 112, 202, 320, 321}));
}

// Panels: the (permuted) [K, N] matrix cut into N / P column panels [K, P],
// one after the other; in a composite, whole panels of each part.
TEST_F(WeightBlobTest, Panels) {
  source.add("d", 4, 2); // 4xx: read transposed, [2, 4] in two panels of 2
  source.add("e", 2, 2); // 5xx: read as stored, one panel
  auto blob = write(R"([{name = "d", offset = 0 : i64, panels = 2 : i64,
       permutation = array<i64: 1, 0>, type = tensor<2x2x2xf32>},
      {axis = 0 : i64, offset = 32 : i64,
       parts = [{name = "d", panels = 2 : i64, permutation = array<i64: 1, 0>,
                 type = tensor<2x2x2xf32>},
                {name = "e", panels = 2 : i64, type = tensor<1x2x2xf32>}],
       type = tensor<3x2x2xf32>}])",
                    80);
  ASSERT_TRUE(blob) << error;
  std::vector<float> d{400, 410, 401, 411, //
                       420, 430, 421, 431};
  std::vector<float> want = d;
  want.insert(want.end(), d.begin(), d.end());
  want.insert(want.end(), {500, 501, 510, 511});
  EXPECT_EQ(*blob, want);

  EXPECT_FALSE(write(R"([{name = "d", offset = 0 : i64, panels = 3 : i64,
       permutation = array<i64: 1, 0>, type = tensor<2x2x2xf32>}])",
                     32));
  EXPECT_EQ(error, "tfm.weight_table entry 0: `panels` must be the integer P "
                   "of a [N / P, K, P] type");
}

// N not a multiple of P: the last panel's extra columns are zeros. The
// stored shape must give the panels' K and their count.
TEST_F(WeightBlobTest, PaddedPanels) {
  // "c" is [3, 2]; transposed [2, 3]: K = 2, N = 3 in 2 panels of 2.
  auto blob = write(R"([{name = "c", offset = 0 : i64, panels = 2 : i64,
       permutation = array<i64: 1, 0>, type = tensor<2x2x2xf32>}])",
                    32);
  ASSERT_TRUE(blob) << error;
  EXPECT_EQ(*blob, (std::vector<float>{300, 310, 301, 311, //
                                       320, 0, 321, 0}));

  EXPECT_FALSE(write(R"([{name = "c", offset = 0 : i64, panels = 2 : i64,
       type = tensor<2x2x2xf32>}])",
                     32));
  EXPECT_EQ(error,
            "tensor 'c' of shape [3, 2] does not fit 2 panels of [2, 2]");
}

// Embedded weights for x86-64: an ELF object with the blob in a 64-byte
// aligned .rodata.tfc_weights between tfc_weights and tfc_weights_end, as
// the linker reads it.
TEST_F(WeightBlobTest, ElfObject) {
  auto module = parseSourceString<ModuleOp>(
      R"(module attributes {tfm.weight_bytes = 40 : i64, tfm.weight_table =
      [{name = "b", offset = 0 : i64, type = tensor<1x3xf32>},
       {name = "c", offset = 16 : i64, type = tensor<3x2xf32>}]} {})",
      &ctx);
  ASSERT_TRUE(module);
  auto info = writeWeightBlob(*module, source, path, error,
                              BlobContainer::ElfObjectX86_64);
  ASSERT_TRUE(succeeded(info)) << error;
  auto buffer = llvm::MemoryBuffer::getFile(path);
  ASSERT_TRUE(bool(buffer));
  auto object =
      llvm::object::ObjectFile::createObjectFile((*buffer)->getMemBufferRef());
  ASSERT_TRUE(bool(object)) << llvm::toString(object.takeError());
  EXPECT_TRUE((*object)->isELF());
  EXPECT_EQ((*object)->getArch(), llvm::Triple::x86_64);

  std::vector<float> want{200, 201, 202, 0, 300, 301, 310, 311, 320, 321};
  bool found = false;
  for (const llvm::object::SectionRef &section : (*object)->sections()) {
    auto name = section.getName();
    ASSERT_TRUE(bool(name));
    if (*name != ".rodata.tfc_weights")
      continue;
    found = true;
    EXPECT_EQ(section.getAlignment().value(), 64u);
    auto contents = section.getContents();
    ASSERT_TRUE(bool(contents));
    ASSERT_EQ(contents->size(), 40u);
    std::vector<float> got(10);
    std::memcpy(got.data(), contents->data(), 40);
    EXPECT_EQ(got, want);
  }
  EXPECT_TRUE(found);

  std::map<std::string, uint64_t> symbols;
  for (const llvm::object::SymbolRef &sym : (*object)->symbols()) {
    auto name = sym.getName();
    auto value = sym.getValue();
    auto flags = sym.getFlags();
    ASSERT_TRUE(name && value && flags);
    if (*flags & llvm::object::SymbolRef::SF_Global)
      symbols[name->str()] = *value;
  }
  EXPECT_EQ(symbols, (std::map<std::string, uint64_t>{
                         {"tfc_weights", 0}, {"tfc_weights_end", 40}}));
}

TEST_F(WeightBlobTest, MalformedComposites) {
  EXPECT_FALSE(write(R"([{axis = 0 : i64, offset = 0 : i64,
      parts = [{name = "a", type = tensor<2x3xf32>},
               {name = "c", type = tensor<3x2xf32>}],
      type = tensor<5x3xf32>}])",
                     60));
  EXPECT_EQ(error, "tfm.weight_table entry 0 part 1 of type "
                   "tensor<3x2xf32> does not fit tensor<5x3xf32> along "
                   "axis 0");

  EXPECT_FALSE(write(R"([{axis = 0 : i64, offset = 0 : i64,
      parts = [{name = "a", type = tensor<2x3xf32>}],
      type = tensor<3x3xf32>}])",
                     36));
  EXPECT_EQ(error, "tfm.weight_table entry 0: the parts add up to 2 along "
                   "axis 0, the entry has 3");

  EXPECT_FALSE(write(R"([{axis = 2 : i64, offset = 0 : i64,
      parts = [{name = "a", type = tensor<2x3xf32>}],
      type = tensor<2x3xf32>}])",
                     24));
  EXPECT_EQ(error, "tfm.weight_table entry 0 needs a non-empty `parts` array "
                   "and an `axis` in [0, 2)");

  EXPECT_FALSE(write(R"([{axis = 0 : i64, offset = 0 : i64,
      parts = [{type = tensor<2x3xf32>}], type = tensor<2x3xf32>}])",
                     24));
  EXPECT_EQ(error, "tfm.weight_table entry 0 part 0 needs a `name` string "
                   "and a static tensor `type`");

  EXPECT_FALSE(write(R"([{name = "b", offset = 0 : i64, type = tensor<1x3xf32>},
      {name = "a", offset = 16 : i64, type = tensor<2x3xf32>}])",
                     36));
  EXPECT_EQ(error, "tfm.weight_table entry 1 lies outside the 36-byte blob");
  // Nothing is read for a malformed composite.
  EXPECT_EQ(source.reads, 1);
}

} // namespace
