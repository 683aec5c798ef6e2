//===- NpyTest.cpp - tests for tfcrt/Npy.h --------------------------------===//

#include "tfcrt/Npy.h"

#include "TestUtil.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace tfcrt;
using tfcrt_test::readAll;
using tfcrt_test::TempDir;

namespace {

// The header numpy 1.24's np.save writes for a shape/dtype.
std::string numpyFile(const char *dict, const std::string &data) {
  std::string h = dict;
  h.append(117 - h.size(), ' ');
  h.push_back('\n');
  std::string out("\x93NUMPY\x01\x00", 8);
  out.push_back(static_cast<char>(h.size()));
  out.push_back('\0');
  return out + h + data;
}

template <typename T> std::string bytesOf(const std::vector<T> &v) {
  return std::string(reinterpret_cast<const char *>(v.data()),
                     v.size() * sizeof(T));
}

TEST(Npy, WritesLikeNumpy) {
  TempDir tmp;
  std::string err;
  std::vector<float> f(6);
  for (size_t i = 0; i < f.size(); ++i)
    f[i] = 0.5f * static_cast<float>(i) - 1;
  std::string p = tmp.path("f.npy");
  ASSERT_TRUE(writeNpy(p, DType::F32, {2, 3}, f.data(), &err)) << err;
  EXPECT_EQ(readAll(p), numpyFile("{'descr': '<f4', 'fortran_order': False, "
                                  "'shape': (2, 3), }",
                                  bytesOf(f)));

  std::vector<int64_t> i64 = {1, -2, 3, INT64_MAX, INT64_MIN};
  p = tmp.path("i64.npy");
  ASSERT_TRUE(writeNpy(p, DType::I64, {5}, i64.data(), &err)) << err;
  EXPECT_EQ(readAll(p), numpyFile("{'descr': '<i8', 'fortran_order': False, "
                                  "'shape': (5,), }",
                                  bytesOf(i64)));

  std::vector<int32_t> scalar = {7};
  p = tmp.path("scalar.npy");
  ASSERT_TRUE(writeNpy(p, DType::I32, {}, scalar.data(), &err)) << err;
  EXPECT_EQ(readAll(p), numpyFile("{'descr': '<i4', 'fortran_order': False, "
                                  "'shape': (), }",
                                  bytesOf(scalar)));

  p = tmp.path("empty.npy");
  ASSERT_TRUE(writeNpy(p, DType::I32, {0, 3}, nullptr, &err)) << err;
  EXPECT_EQ(readAll(p), numpyFile("{'descr': '<i4', 'fortran_order': False, "
                                  "'shape': (0, 3), }",
                                  ""));
}

TEST(Npy, RoundTripAnyRank) {
  TempDir tmp;
  std::string err;
  std::vector<std::vector<int64_t>> shapes = {
      {}, {1}, {7}, {2, 3}, {2, 1, 4}, {1, 2, 3, 4, 1}, {3, 0, 2}};
  int k = 0;
  for (const auto &shape : shapes) {
    for (DType dt : {DType::F32, DType::I64, DType::I32}) {
      NpyArray a;
      a.reset(dt, shape);
      auto *bytes = static_cast<unsigned char *>(a.data());
      for (size_t i = 0; i < a.numBytes(); ++i)
        bytes[i] = static_cast<unsigned char>(i * 37 + 11);
      std::string p = tmp.path("a" + std::to_string(k++) + ".npy");
      ASSERT_TRUE(writeNpy(p, a, &err)) << err;
      EXPECT_EQ(readAll(p).size() % 64, a.numBytes() % 64);
      NpyArray b;
      ASSERT_TRUE(readNpy(p, &b, &err)) << err;
      EXPECT_EQ(b.dtype, dt);
      EXPECT_EQ(b.shape, shape);
      ASSERT_EQ(b.numBytes(), a.numBytes());
      if (a.numBytes()) {
        EXPECT_EQ(std::memcmp(a.data(), b.data(), a.numBytes()), 0);
      }
    }
  }
}

TEST(Npy, TypedAccess) {
  NpyArray a;
  a.reset(DType::I64, {3});
  ASSERT_NE(a.as<int64_t>(), nullptr);
  EXPECT_EQ(a.as<float>(), nullptr);
  EXPECT_EQ(a.as<int32_t>(), nullptr);
  a.as<int64_t>()[2] = 42;
  EXPECT_EQ(static_cast<const NpyArray &>(a).as<int64_t>()[2], 42);
}

TEST(Npy, ReadsNumpyVersion2) {
  TempDir tmp;
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), "
                     "}";
  dict.append(64 - (12 + dict.size() + 1) % 64, ' ');
  dict.push_back('\n');
  std::string file("\x93NUMPY\x02\x00", 8);
  uint32_t len = static_cast<uint32_t>(dict.size());
  file.append(reinterpret_cast<const char *>(&len), 4);
  std::vector<float> v = {1.5f, -2.0f};
  file += dict + bytesOf(v);
  std::string p = tmp.write("v2.npy", file);
  NpyArray a;
  std::string err;
  ASSERT_TRUE(readNpy(p, &a, &err)) << err;
  ASSERT_EQ(a.shape, (std::vector<int64_t>{2}));
  EXPECT_EQ(a.as<float>()[1], -2.0f);
}

TEST(Npy, HeaderVariants) {
  DType dt;
  std::vector<int64_t> shape;
  std::string err;
  EXPECT_TRUE(parseNpyHeader(
      "{\"shape\": (4, 5), \"fortran_order\": False, \"descr\": \"<i4\"}\n",
      &dt, &shape, &err))
      << err;
  EXPECT_EQ(dt, DType::I32);
  EXPECT_EQ(shape, (std::vector<int64_t>{4, 5}));
  EXPECT_TRUE(
      parseNpyHeader("{'descr':'<f4','fortran_order':False,'shape':(3,4,)}",
                     &dt, &shape, &err))
      << err;
  EXPECT_EQ(shape, (std::vector<int64_t>{3, 4}));
}

TEST(Npy, ReadErrorsNameTheFile) {
  TempDir tmp;
  std::string err;
  NpyArray a;
  std::vector<float> two = {1, 2};
  std::string good =
      numpyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
                bytesOf(two));

  struct Case {
    std::string name, content, expect;
  } cases[] = {
      {"magic.npy", "\x93NUMPZ" + good.substr(6),
       "not a .npy file (bad magic)"},
      {"short.npy", "\x93NU", "not a .npy file (bad magic)"},
      {"version.npy", good.substr(0, 6) + "\x04" + good.substr(7),
       "unsupported .npy version 4.0"},
      {"hdrtrunc.npy", good.substr(0, 40), "truncated header"},
      {"truncated.npy", good.substr(0, good.size() - 1),
       "expected 8 data bytes for the shape in the header, found 7"},
      {"trailing.npy", good + "x",
       "expected 8 data bytes for the shape in the header, found 9"},
      {"dtype.npy",
       numpyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }",
                 "12345678"),
       "unsupported dtype '<f8' (want <f4, <i8 or <i4)"},
      {"bigendian.npy",
       numpyFile("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }",
                 bytesOf(two)),
       "unsupported dtype '>f4' (want <f4, <i8 or <i4)"},
      {"fortran.npy",
       numpyFile("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }",
                 bytesOf(two)),
       "Fortran-order arrays are not supported"},
      {"noshape.npy",
       numpyFile("{'descr': '<f4', 'fortran_order': False, }", bytesOf(two)),
       "bad header (needs descr, fortran_order and shape)"},
      {"negshape.npy",
       numpyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }",
                 bytesOf(two)),
       "bad header (shape entries must be non-negative integers)"},
      {"garbage.npy",
       numpyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), "
                 "'extra': 1}",
                 bytesOf(two)),
       "bad header (unknown key 'extra')"},
      {"huge.npy",
       numpyFile("{'descr': '<f4', 'fortran_order': False, "
                 "'shape': (4294967296, 4294967296), }",
                 ""),
       "shape too large"},
  };
  for (const Case &c : cases) {
    std::string p = tmp.write(c.name, c.content);
    EXPECT_FALSE(readNpy(p, &a, &err)) << c.name;
    EXPECT_EQ(err, p + ": " + c.expect);
    EXPECT_EQ(err.find('\n'), std::string::npos);
  }
  std::string missing = tmp.str() + "/missing.npy";
  EXPECT_FALSE(readNpy(missing, &a, &err));
  EXPECT_EQ(err, "cannot open " + missing + ": No such file or directory");
  EXPECT_FALSE(writeNpy(tmp.str() + "/no/such/dir.npy", DType::F32, {1},
                        two.data(), &err));
  EXPECT_NE(err.find("/no/such/dir.npy"), std::string::npos);
}

} // namespace
