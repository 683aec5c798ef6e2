//===- TestUtil.cpp - Helpers for the HF reader unit tests ----------------===//

#include "TestUtil.h"

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace tfc {
namespace hf {
namespace test {

std::string f32Bytes(const std::vector<float> &v) {
  std::string s(v.size() * 4, '\0');
  if (!v.empty())
    std::memcpy(&s[0], v.data(), s.size());
  return s;
}

std::string u16Bytes(const std::vector<uint16_t> &v) {
  std::string s;
  for (uint16_t x : v) {
    s.push_back(static_cast<char>(x & 0xff));
    s.push_back(static_cast<char>(x >> 8));
  }
  return s;
}

std::string makeSafetensors(const std::vector<RawTensor> &tensors,
                            const std::string &metadata, bool pad) {
  std::string header = "{";
  std::string data;
  bool first = true;
  if (!metadata.empty()) {
    header += "\"__metadata__\":" + metadata;
    first = false;
  }
  for (const RawTensor &t : tensors) {
    if (!first)
      header += ",";
    first = false;
    header += "\"" + t.name + "\":{\"dtype\":\"" + t.dtype + "\",\"shape\":[";
    for (size_t i = 0; i < t.shape.size(); ++i)
      header += (i ? "," : "") + std::to_string(t.shape[i]);
    header += "],\"data_offsets\":[" + std::to_string(data.size()) + "," +
              std::to_string(data.size() + t.bytes.size()) + "]}";
    data += t.bytes;
  }
  header += "}";
  if (pad)
    while ((8 + header.size()) % 8 != 0)
      header += ' ';
  return rawSafetensors(header, data);
}

std::string rawSafetensors(const std::string &header, const std::string &data) {
  std::string out(8, '\0');
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i)
    out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return out + header + data;
}

void TempDirTest::SetUp() {
  const char *base = std::getenv("TMPDIR");
  std::string tmpl =
      std::string(base && *base ? base : "/tmp") + "/tfc-hf-test-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  ASSERT_NE(::mkdtemp(buf.data()), nullptr);
  dir = buf.data();
}

void TempDirTest::TearDown() {
  std::error_code ec;
  if (!dir.empty())
    std::filesystem::remove_all(dir, ec);
}

std::string TempDirTest::write(const std::string &name,
                               const std::string &content) {
  std::string p = path(name);
  std::ofstream out(p, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  EXPECT_TRUE(out.good()) << p;
  return p;
}

} // namespace test
} // namespace hf
} // namespace tfc
