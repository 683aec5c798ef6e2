//===- SafetensorsTest.cpp - Tests for the safetensors reader -------------===//

#include "tfc/Import/HF/Reader/Safetensors.h"

#include "TestUtil.h"

#include <cmath>
#include <cstring>

using namespace tfc::hf;
using namespace tfc::hf::test;

namespace {

class SafetensorsTest : public TempDirTest {
protected:
  /// Opens `content` written as NAME; expects failure; returns the error.
  std::string openError(const std::string &content,
                        const std::string &name = "model.safetensors") {
    std::string p = write(name, content);
    SafetensorsFile f;
    std::string err;
    EXPECT_FALSE(f.open(p, err)) << "unexpectedly opened " << p;
    EXPECT_FALSE(f.isOpen());
    EXPECT_EQ(err.find('\n'), std::string::npos) << err;
    EXPECT_EQ(err.rfind(p, 0), 0u)
        << "error does not start with the file: " << err;
    return err;
  }
  std::string headerError(const std::string &header,
                          const std::string &data = "") {
    return openError(rawSafetensors(header, data));
  }
};

float bits(uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}
uint32_t bitsOf(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

#define EXPECT_CONTAINS(str, sub)                                              \
  EXPECT_NE(std::string(str).find(sub), std::string::npos)                     \
      << "'" << (str) << "' does not contain '" << (sub) << "'"

TEST_F(SafetensorsTest, ReadsAllFloatDTypes) {
  // 1.0, -2.0, 0.5 in f16 and bf16.
  std::string p =
      write("m.safetensors",
            makeSafetensors(
                {{"a.f32", "F32", {2, 3}, f32Bytes({1, 2, 3, 4, 5, -6.5f})},
                 {"b.f16", "F16", {3}, u16Bytes({0x3c00, 0xc000, 0x3800})},
                 {"c.bf16", "BF16", {3, 1}, u16Bytes({0x3f80, 0xc000, 0x3f00})},
                 {"d.i32", "I32", {1}, std::string("\x07\0\0\0", 4)}},
                R"({"format":"pt"})"));
  SafetensorsFile f;
  std::string err;
  ASSERT_TRUE(f.open(p, err)) << err;
  EXPECT_TRUE(f.isOpen());
  EXPECT_EQ(f.path(), p);
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f.tensors()[0].name, "a.f32");
  EXPECT_EQ(f.tensors()[3].name, "d.i32");
  EXPECT_EQ(f.metadata().at("format"), "pt");

  const TensorInfo *a = f.find("a.f32");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->dtype, DType::F32);
  EXPECT_EQ(a->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(a->nbytes, 24u);
  EXPECT_EQ(a->numElements(), 6);
  EXPECT_EQ(a->file, p);
  std::vector<float> v;
  ASSERT_TRUE(readAsF32(*a, v, err)) << err;
  EXPECT_EQ(v, (std::vector<float>{1, 2, 3, 4, 5, -6.5f}));

  const TensorInfo *b = f.find("b.f16");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->dtype, DType::F16);
  EXPECT_EQ(b->nbytes, 6u);
  ASSERT_TRUE(readAsF32(*b, v, err)) << err;
  EXPECT_EQ(v, (std::vector<float>{1.0f, -2.0f, 0.5f}));

  const TensorInfo *c = f.find("c.bf16");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->dtype, DType::BF16);
  ASSERT_TRUE(readAsF32(*c, v, err)) << err;
  EXPECT_EQ(v, (std::vector<float>{1.0f, -2.0f, 0.5f}));

  const TensorInfo *d = f.find("d.i32");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->dtype, DType::I32);
  int32_t iv;
  std::memcpy(&iv, d->data, 4);
  EXPECT_EQ(iv, 7);

  EXPECT_EQ(f.find("missing"), nullptr);
  f.close();
  EXPECT_FALSE(f.isOpen());
  EXPECT_EQ(f.size(), 0u);
}

TEST_F(SafetensorsTest, UnsupportedDTypesForFloat) {
  std::string p =
      write("m.safetensors",
            makeSafetensors({{"i8", "I8", {2}, std::string(2, '\1')},
                             {"i32", "I32", {1}, std::string(4, '\0')},
                             {"i64", "I64", {1}, std::string(8, '\0')},
                             {"f64", "F64", {1}, std::string(8, '\0')},
                             {"bool", "BOOL", {3}, std::string(3, '\0')}}));
  SafetensorsFile f;
  std::string err;
  ASSERT_TRUE(f.open(p, err)) << err;
  for (const char *n : {"i8", "i32", "i64", "f64", "bool"}) {
    const TensorInfo *t = f.find(n);
    ASSERT_NE(t, nullptr) << n;
    EXPECT_FALSE(isFloatConvertible(t->dtype));
    std::vector<float> v;
    err.clear();
    EXPECT_FALSE(readAsF32(*t, v, err));
    EXPECT_EQ(err, std::string("unsupported dtype ") + dtypeName(t->dtype) +
                       " for tensor '" + n + "' in " + p);
  }
  EXPECT_EQ(f.find("i64")->dtype, DType::I64);
  EXPECT_EQ(f.find("bool")->dtype, DType::BOOL);
}

TEST_F(SafetensorsTest, DTypeNames) {
  for (const char *n :
       {"BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16",
        "I32", "U32", "F32", "F64", "I64", "U64"}) {
    DType d;
    ASSERT_TRUE(parseDType(n, d)) << n;
    EXPECT_STREQ(dtypeName(d), n);
  }
  DType d;
  EXPECT_FALSE(parseDType("f32", d));
  EXPECT_FALSE(parseDType("FLOAT", d));
  EXPECT_EQ(dtypeSize(DType::BF16), 2u);
  EXPECT_EQ(dtypeSize(DType::I64), 8u);
  EXPECT_EQ(dtypeSize(DType::BOOL), 1u);
}

TEST(HalfConversion, ExhaustiveF16) {
  for (uint32_t h = 0; h < 65536; ++h) {
    float got = halfToFloat(static_cast<uint16_t>(h));
    uint32_t s = h >> 15, e = (h >> 10) & 31, m = h & 1023;
    double sign = s ? -1.0 : 1.0;
    if (e == 31) {
      if (m == 0) {
        EXPECT_TRUE(std::isinf(got)) << h;
        EXPECT_EQ(std::signbit(got), s != 0) << h;
      } else {
        EXPECT_TRUE(std::isnan(got)) << h;
        // Payload preserved in the top mantissa bits.
        EXPECT_EQ(bitsOf(got), (s << 31) | 0x7f800000u | (m << 13)) << h;
      }
      continue;
    }
    double want = e == 0 ? sign * std::ldexp(double(m), -24)
                         : sign * std::ldexp(double(1024 + m), int(e) - 25);
    EXPECT_EQ(double(got), want) << h;
    EXPECT_EQ(std::signbit(got), s != 0) << h;
  }
  EXPECT_EQ(halfToFloat(0x0001), std::ldexp(1.0f, -24)); // min subnormal
  EXPECT_EQ(halfToFloat(0x03ff), std::ldexp(1023.0f, -24));
  EXPECT_EQ(halfToFloat(0x7bff), 65504.0f);
  EXPECT_EQ(bitsOf(halfToFloat(0x8000)), 0x80000000u);
}

TEST(HalfConversion, ExhaustiveBF16) {
  for (uint32_t h = 0; h < 65536; ++h) {
    float got = bfloat16ToFloat(static_cast<uint16_t>(h));
    EXPECT_EQ(bitsOf(got), h << 16) << h;
  }
  EXPECT_EQ(bfloat16ToFloat(0x7f80), bits(0x7f800000u));
  EXPECT_TRUE(std::isnan(bfloat16ToFloat(0x7fc1)));
  EXPECT_EQ(bfloat16ToFloat(0x0001), bits(0x00010000u)); // subnormal
}

TEST(HalfConversion, BulkUnaligned) {
  unsigned char buf[9] = {0, 0x00, 0x3c, 0x01, 0x00, 0x00, 0x7c, 0x00, 0xfc};
  float out[4];
  convertF16ToF32(buf + 1, out, 4);
  EXPECT_EQ(out[0], 1.0f);
  EXPECT_EQ(out[1], std::ldexp(1.0f, -24));
  EXPECT_TRUE(std::isinf(out[2]) && out[2] > 0);
  EXPECT_TRUE(std::isinf(out[3]) && out[3] < 0);
  unsigned char b2[5] = {0, 0x80, 0x3f, 0x40, 0xc0};
  convertBF16ToF32(b2 + 1, out, 2);
  EXPECT_EQ(out[0], 1.0f);
  EXPECT_EQ(out[1], -3.0f);
}

TEST_F(SafetensorsTest, UnalignedDataAndOddShapes) {
  // Unpadded header => data not 4-byte aligned.
  std::string img =
      makeSafetensors({{"i8", "I8", {3}, "abc"},
                       {"scalar", "F32", {}, f32Bytes({42.0f})},
                       {"empty", "F32", {0, 5}, ""},
                       {"f16", "F16", {2}, u16Bytes({0x3c00, 0x0001})}},
                      "", /*pad=*/false);
  std::string p = write("m.safetensors", img);
  SafetensorsFile f;
  std::string err;
  ASSERT_TRUE(f.open(p, err)) << err;
  const TensorInfo *s = f.find("scalar");
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->shape.empty());
  EXPECT_EQ(s->numElements(), 1);
  float v;
  ASSERT_TRUE(readAsF32(*s, &v, err)) << err;
  EXPECT_EQ(v, 42.0f);
  const TensorInfo *e = f.find("empty");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->numElements(), 0);
  EXPECT_EQ(e->nbytes, 0u);
  std::vector<float> vv;
  ASSERT_TRUE(readAsF32(*e, vv, err)) << err;
  EXPECT_TRUE(vv.empty());
  ASSERT_TRUE(readAsF32(*f.find("f16"), vv, err)) << err;
  EXPECT_EQ(vv, (std::vector<float>{1.0f, std::ldexp(1.0f, -24)}));
}

TEST_F(SafetensorsTest, EmptyHeaderAndMove) {
  {
    std::string p = write("e.safetensors", rawSafetensors("{}", ""));
    SafetensorsFile f;
    std::string err;
    ASSERT_TRUE(f.open(p, err)) << err;
    EXPECT_EQ(f.size(), 0u);
  }
  std::string p =
      write("m.safetensors",
            makeSafetensors({{"x", "F32", {2}, f32Bytes({3, 4})}}, "{}"));
  SafetensorsFile f;
  std::string err;
  ASSERT_TRUE(f.open(p, err)) << err;
  const void *data = f.find("x")->data;
  SafetensorsFile g(std::move(f));
  EXPECT_FALSE(f.isOpen());
  ASSERT_TRUE(g.isOpen());
  EXPECT_EQ(g.find("x")->data, data);
  SafetensorsFile h;
  h = std::move(g);
  std::vector<float> v;
  ASSERT_TRUE(readAsF32(*h.find("x"), v, err));
  EXPECT_EQ(v, (std::vector<float>{3, 4}));
  EXPECT_TRUE(h.metadata().empty());
}

TEST_F(SafetensorsTest, FileLevelErrors) {
  SafetensorsFile f;
  std::string err;
  EXPECT_FALSE(f.open(path("nope.safetensors"), err));
  EXPECT_CONTAINS(err, "nope.safetensors: cannot open");
  EXPECT_FALSE(f.open(dir, err));
  EXPECT_CONTAINS(err, "not a regular file");

  EXPECT_CONTAINS(openError(""), "file too small (0 bytes)");
  EXPECT_CONTAINS(openError("abc"), "file too small (3 bytes)");
  std::string big = rawSafetensors("{}", "");
  big[0] = 100;
  EXPECT_CONTAINS(openError(big),
                  "header length 100 exceeds the file size (10 bytes)");
  std::string huge(8, '\xff');
  EXPECT_CONTAINS(openError(huge + "{}"), "exceeds the file size");
  EXPECT_CONTAINS(headerError("{\"a\": "), "header is not valid JSON");
  EXPECT_CONTAINS(headerError(""), "header is not valid JSON");
  EXPECT_CONTAINS(headerError("[1, 2]"),
                  "header is an array, expected a JSON object");
  EXPECT_CONTAINS(headerError("\"x\""), "header is a string");
}

TEST_F(SafetensorsTest, MetadataErrors) {
  EXPECT_CONTAINS(headerError(R"({"__metadata__": [1]})"),
                  "'__metadata__' is an array, expected an object of strings");
  EXPECT_CONTAINS(headerError(R"({"__metadata__": {"format": 1}})"),
                  "'__metadata__' value for 'format' is an integer");
}

TEST_F(SafetensorsTest, EntryErrors) {
  std::string d8(8, '\0');
  auto err = [&](const std::string &entry) {
    return headerError("{\"t\": " + entry + "}", d8);
  };
  EXPECT_CONTAINS(err("3"), "tensor 't': entry is an integer");
  EXPECT_CONTAINS(err(R"({"shape": [2], "data_offsets": [0, 8]})"),
                  "tensor 't': missing 'dtype'");
  EXPECT_CONTAINS(err(R"({"dtype": 1, "shape": [2], "data_offsets": [0, 8]})"),
                  "'dtype' is an integer, expected a string");
  EXPECT_CONTAINS(
      err(R"({"dtype": "F31", "shape": [2], "data_offsets": [0, 8]})"),
      "tensor 't': unknown dtype 'F31'");
  EXPECT_CONTAINS(err(R"({"dtype": "F32", "data_offsets": [0, 8]})"),
                  "missing 'shape'");
  EXPECT_CONTAINS(
      err(R"({"dtype": "F32", "shape": 2, "data_offsets": [0, 8]})"),
      "'shape' is an integer, expected an array");
  EXPECT_CONTAINS(
      err(R"({"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]})"),
      "'shape' must be an array of non-negative integers, got [-2]");
  EXPECT_CONTAINS(
      err(R"({"dtype": "F32", "shape": [2.0], "data_offsets": [0, 8]})"),
      "'shape' must be an array of non-negative integers");
  EXPECT_CONTAINS(err(R"({"dtype": "F32", "shape": [2]})"),
                  "missing 'data_offsets'");
  EXPECT_CONTAINS(err(R"({"dtype": "F32", "shape": [2], "data_offsets": [8]})"),
                  "'data_offsets' must be two non-negative integers, got [8]");
  EXPECT_CONTAINS(
      err(R"({"dtype": "F32", "shape": [2], "data_offsets": [0, 8, 8]})"),
      "'data_offsets' must be two non-negative integers");
  EXPECT_CONTAINS(
      err(R"({"dtype": "F32", "shape": [2], "data_offsets": [0, "8"]})"),
      "'data_offsets' must be two non-negative integers");
  EXPECT_CONTAINS(
      err(R"({"dtype": "F32", "shape": [2], "data_offsets": [-1, 8]})"),
      "'data_offsets' must be two non-negative integers");
  EXPECT_CONTAINS(
      err(R"({"dtype": "F32", "shape": [2], "data_offsets": {"a": 1}})"),
      "'data_offsets' must be two non-negative integers");
  EXPECT_CONTAINS(
      err(R"({"dtype": "F32", "shape": [2], "data_offsets": [8, 0]})"),
      "tensor 't': data_offsets [8, 0] have begin > end");
  EXPECT_CONTAINS(err(R"({"dtype": "F32", "shape": [2], "data_offsets": )"
                      R"([0, 8], "extra": 1})"),
                  "tensor 't': unexpected key 'extra'");
  EXPECT_CONTAINS(
      err(R"({"dtype": "F32", "shape": [3], "data_offsets": [0, 8]})"),
      "tensor 't': data_offsets [0, 8] do not match shape [3] x F32 (12 "
      "bytes)");
  EXPECT_CONTAINS(err(R"({"dtype": "F32", "shape": [4611686018427387903, 4], )"
                      R"("data_offsets": [0, 8]})"),
                  "do not match shape");
  EXPECT_CONTAINS(
      err(R"({"dtype": "F32", "shape": [2147483648, 2147483648, 16], )"
          R"("data_offsets": [0, 8]})"),
      "(overflowing bytes)");
}

TEST_F(SafetensorsTest, ShapeMismatchMessage) {
  std::string p = path("model.safetensors");
  std::string e = headerError(
      R"({"h.0.attn.c_attn.weight": {"dtype": "F32", "shape": [768, 2304], )"
      R"("data_offsets": [0, 100]}})",
      std::string(100, '\0'));
  EXPECT_EQ(e, p + ": tensor 'h.0.attn.c_attn.weight': data_offsets [0, 100] "
                   "do not match shape [768, 2304] x F32 (7077888 bytes)");
}

TEST_F(SafetensorsTest, RangeErrors) {
  EXPECT_CONTAINS(
      headerError(R"({"t": {"dtype": "F32", "shape": [4], )"
                  R"("data_offsets": [0, 16]}})",
                  std::string(8, '\0')),
      "tensor 't': data_offsets [0, 16] exceed the data buffer (8 bytes)");
  EXPECT_CONTAINS(
      headerError(R"({"a": {"dtype": "F32", "shape": [2], )"
                  R"("data_offsets": [0, 8]}, "b": {"dtype": "F32", )"
                  R"("shape": [2], "data_offsets": [4, 12]}})",
                  std::string(12, '\0')),
      "tensor 'b': data_offsets [4, 12] overlap tensor 'a'");
  EXPECT_CONTAINS(
      headerError(R"({"a": {"dtype": "F32", "shape": [2], )"
                  R"("data_offsets": [0, 8]}, "b": {"dtype": "F32", )"
                  R"("shape": [2], "data_offsets": [0, 8]}})",
                  std::string(8, '\0')),
      "overlap tensor 'a'");
  EXPECT_CONTAINS(
      headerError(R"({"a": {"dtype": "F32", "shape": [2], )"
                  R"("data_offsets": [4, 12]}})",
                  std::string(12, '\0')),
      "tensor 'a': data_offsets [4, 12] leave a gap of 4 bytes before it");
  EXPECT_CONTAINS(headerError(R"({"a": {"dtype": "F32", "shape": [1], )"
                              R"("data_offsets": [0, 4]}})",
                              std::string(7, '\0')),
                  ": 3 trailing bytes after the last tensor");
  EXPECT_CONTAINS(
      headerError(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": )"
                  R"([0, 4]}, "a": {"dtype": "F32", "shape": [1], )"
                  R"("data_offsets": [4, 8]}})",
                  std::string(8, '\0')),
      "duplicate header key 'a'");
}

TEST_F(SafetensorsTest, ReopenReplacesPreviousFile) {
  std::string p1 = write("a.safetensors",
                         makeSafetensors({{"x", "F32", {1}, f32Bytes({1})}}));
  std::string p2 = write("b.safetensors",
                         makeSafetensors({{"y", "F32", {1}, f32Bytes({2})}}));
  SafetensorsFile f;
  std::string err;
  ASSERT_TRUE(f.open(p1, err)) << err;
  ASSERT_TRUE(f.open(p2, err)) << err;
  EXPECT_EQ(f.find("x"), nullptr);
  EXPECT_NE(f.find("y"), nullptr);
  EXPECT_FALSE(f.open(path("missing"), err));
  EXPECT_FALSE(f.isOpen());
  EXPECT_EQ(f.find("y"), nullptr);
}

} // namespace
