//===- TestUtil.h - Helpers for the HF reader unit tests --------*- C++ -*-===//

#ifndef TFC_TEST_UNIT_IMPORT_TESTUTIL_H
#define TFC_TEST_UNIT_IMPORT_TESTUTIL_H

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tfc {
namespace hf {
namespace test {

/// One tensor to serialise: raw little-endian bytes.
struct RawTensor {
  std::string name;
  std::string dtype;
  std::vector<int64_t> shape;
  std::string bytes;
};

std::string f32Bytes(const std::vector<float> &v);
std::string u16Bytes(const std::vector<uint16_t> &v);

/// A well-formed safetensors image: sorted-by-input-order header, contiguous
/// offsets, header padded with spaces to a multiple of 8 unless `pad` is
/// false; `metadata` is inserted verbatim as the "__metadata__" value if not
/// empty.
std::string makeSafetensors(const std::vector<RawTensor> &tensors,
                            const std::string &metadata = "", bool pad = true);
/// 8-byte length + `header` + `data`.
std::string rawSafetensors(const std::string &header, const std::string &data);

/// Test fixture with a fresh temporary directory.
class TempDirTest : public ::testing::Test {
protected:
  void SetUp() override;
  void TearDown() override;
  /// Writes `content` to dir/name and returns the full path.
  std::string write(const std::string &name, const std::string &content);
  std::string path(const std::string &name) const { return dir + "/" + name; }
  std::string dir;
};

} // namespace test
} // namespace hf
} // namespace tfc

#endif // TFC_TEST_UNIT_IMPORT_TESTUTIL_H
