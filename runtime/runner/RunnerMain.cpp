//===- RunnerMain.cpp - main() of executables compiled from .mlir ---------===//
//
// A model compiled from a tfm function exports tfc_invoke and tfc_signature
// (see include/tfc/Target/EntryPoint.h). This main reads each input from a
// .npy file (or fills it with seeded random values), calls the model, and
// writes each output to a .npy file or prints a summary of it.
//
//===----------------------------------------------------------------------===//

#include "tfcrt/Cli.h"
#include "tfcrt/Npy.h"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

extern "C" {
void tfc_invoke(void **descriptors);
extern const char tfc_signature[];
}

namespace {

struct ArgSpec {
  bool isOutput = false;
  /// For outputs computed in place in an input's buffer: that input.
  int aliasOf = -1;
  std::string dtype;          // f32, i64, i32, ...
  std::vector<int64_t> shape; // -1 = dynamic
};

bool parseSignature(const char *text, std::vector<ArgSpec> &specs,
                    std::string &error) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty())
      continue;
    std::istringstream fields(line);
    std::string kind, dtype, shape, alias;
    fields >> kind >> dtype >> shape >> alias;
    ArgSpec spec;
    if (!alias.empty() && alias[0] == '=')
      spec.aliasOf = std::atoi(alias.c_str() + 1);
    spec.isOutput = kind == "out";
    spec.dtype = dtype;
    if (shape != "scalar") {
      std::istringstream dims(shape);
      std::string d;
      while (std::getline(dims, d, 'x'))
        spec.shape.push_back(d == "?" ? -1 : std::stoll(d));
    }
    if ((kind != "in" && kind != "out") || dtype.empty()) {
      error = "corrupt model signature line '" + line + "'";
      return false;
    }
    specs.push_back(spec);
  }
  return true;
}

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ", ";
    s += shape[i] < 0 ? "?" : std::to_string(shape[i]);
  }
  return s + "]";
}

bool toNpyType(const std::string &dtype, tfcrt::DType &out) {
  if (dtype == "f32")
    out = tfcrt::DType::F32;
  else if (dtype == "i64")
    out = tfcrt::DType::I64;
  else if (dtype == "i32")
    out = tfcrt::DType::I32;
  else
    return false;
  return true;
}

/// splitmix64: reproducible across platforms and standard libraries.
struct Rng {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  float uniform() { // [-1, 1)
    return static_cast<float>((next() >> 40) * (1.0 / 16777216.0)) * 2.0f -
           1.0f;
  }
};

/// A ranked memref descriptor: {allocated, aligned, offset, sizes[r],
/// strides[r]}, laid out as MLIR's LLVM lowering expects.
std::vector<int64_t> makeDescriptor(void *data,
                                    const std::vector<int64_t> &shape) {
  size_t r = shape.size();
  std::vector<int64_t> d(3 + 2 * r);
  std::memcpy(&d[0], &data, sizeof(void *));
  std::memcpy(&d[1], &data, sizeof(void *));
  d[2] = 0;
  int64_t stride = 1;
  for (size_t i = r; i-- > 0;) {
    d[3 + i] = shape[i];
    d[3 + r + i] = stride;
    stride *= shape[i];
  }
  return d;
}

int fail(const std::string &message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return 1;
}

} // namespace

int main(int argc, char **argv) {
  tfcrt::ArgParser args(std::string(argv[0]) +
                        " [--input FILE.npy]... [--output FILE.npy]... "
                        "[--seed N] [--repeat N]");
  args.addOption("input", 'i', "FILE.npy", "input tensor, in argument order",
                 "", true);
  args.addOption("output", 'o', "FILE.npy",
                 "where to write each output, in order", "", true);
  args.addOption("seed", 0, "N", "seed for inputs not given", "0");
  args.addOption("repeat", 0, "N", "run N times and report the mean time", "1");
  args.addFlag("signature", 0, "print the model's signature and exit");
  args.addFlag("help", 'h', "show this help");
  std::string error;
  if (!args.parse(argc, argv, &error))
    return fail(error);
  if (args.has("help")) {
    std::printf("%s", args.help().c_str());
    return 0;
  }
  if (args.has("signature")) {
    std::printf("%s", tfc_signature);
    return 0;
  }
  int64_t seed = 0, repeat = 1;
  if (!args.getInt("seed", 0, INT64_MAX, &seed, &error) ||
      !args.getInt("repeat", 1, 1000000, &repeat, &error))
    return fail(error);

  std::vector<ArgSpec> specs;
  if (!parseSignature(tfc_signature, specs, error))
    return fail(error);
  std::vector<std::string> inputs = args.getAll("input");
  std::vector<std::string> outputs = args.getAll("output");
  size_t numIn = 0, numOut = 0;
  for (const ArgSpec &s : specs)
    (s.isOutput ? numOut : numIn)++;
  if (inputs.size() > numIn)
    return fail("got " + std::to_string(inputs.size()) +
                " --input files but the model takes " + std::to_string(numIn) +
                " inputs");
  if (outputs.size() > numOut)
    return fail("got " + std::to_string(outputs.size()) +
                " --output files but the model has " + std::to_string(numOut) +
                " outputs");

  Rng rng{static_cast<uint64_t>(seed)};
  std::vector<tfcrt::NpyArray> arrays(specs.size());
  size_t inIdx = 0;
  for (size_t i = 0; i < specs.size(); ++i) {
    const ArgSpec &s = specs[i];
    tfcrt::DType dtype;
    if (!toNpyType(s.dtype, dtype))
      return fail("argument " + std::to_string(i) + " has element type " +
                  s.dtype + ", which the .npy runner does not support");
    tfcrt::NpyArray &a = arrays[i];
    if (!s.isOutput && inIdx < inputs.size()) {
      const std::string &path = inputs[inIdx++];
      if (!tfcrt::readNpy(path, &a, &error))
        return fail(error);
      if (a.dtype != dtype)
        return fail(path + ": dtype " + tfcrt::dtypeDescr(a.dtype) +
                    " does not match the model's " + s.dtype + " input");
      bool ok = a.shape.size() == s.shape.size();
      for (size_t d = 0; ok && d < s.shape.size(); ++d)
        ok = s.shape[d] < 0 || s.shape[d] == a.shape[d];
      if (!ok)
        return fail(path + ": shape " + shapeText(a.shape) +
                    " does not match the model's input shape " +
                    shapeText(s.shape));
      continue;
    }
    if (!s.isOutput)
      ++inIdx;
    for (int64_t d : s.shape)
      if (d < 0)
        return fail("input " + std::to_string(i) + " has dynamic shape " +
                    shapeText(s.shape) + "; pass it with --input");
    if (s.isOutput && s.aliasOf >= 0) {
      if (static_cast<size_t>(s.aliasOf) >= specs.size() ||
          specs[s.aliasOf].isOutput)
        return fail("corrupt model signature: output aliases argument " +
                    std::to_string(s.aliasOf));
      continue;
    }
    a.reset(dtype, s.shape);
    if (s.isOutput)
      continue;
    size_t n = a.numElements();
    if (float *f = a.as<float>())
      for (size_t k = 0; k < n; ++k)
        f[k] = rng.uniform();
    else if (int64_t *p = a.as<int64_t>())
      for (size_t k = 0; k < n; ++k)
        p[k] = static_cast<int64_t>(rng.next() % 8);
    else if (int32_t *p = a.as<int32_t>())
      for (size_t k = 0; k < n; ++k)
        p[k] = static_cast<int32_t>(rng.next() % 8);
  }

  std::vector<std::vector<int64_t>> descriptors;
  std::vector<void *> pointers;
  descriptors.reserve(arrays.size());
  for (size_t i = 0; i < arrays.size(); ++i) {
    if (specs[i].aliasOf >= 0)
      continue; // updated in place in its input's buffer
    descriptors.push_back(makeDescriptor(arrays[i].data(), arrays[i].shape));
    pointers.push_back(descriptors.back().data());
  }

  auto t0 = std::chrono::steady_clock::now();
  for (int64_t r = 0; r < repeat; ++r)
    tfc_invoke(pointers.data());
  double ms = std::chrono::duration<double, std::milli>(
                  std::chrono::steady_clock::now() - t0)
                  .count() /
              static_cast<double>(repeat);

  size_t outIdx = 0;
  for (size_t i = 0; i < specs.size(); ++i) {
    if (!specs[i].isOutput)
      continue;
    const tfcrt::NpyArray &a =
        specs[i].aliasOf >= 0 ? arrays[specs[i].aliasOf] : arrays[i];
    if (outIdx < outputs.size()) {
      if (!tfcrt::writeNpy(outputs[outIdx], a, &error))
        return fail(error);
    } else {
      double sum = 0;
      size_t n = a.numElements();
      std::string first;
      for (size_t k = 0; k < n; ++k) {
        double v = a.as<float>()     ? a.as<float>()[k]
                   : a.as<int64_t>() ? double(a.as<int64_t>()[k])
                                     : double(a.as<int32_t>()[k]);
        sum += v;
        if (k < 6) {
          char buf[32];
          std::snprintf(buf, sizeof buf, "%s%.6g", k ? ", " : "", v);
          first += buf;
        }
      }
      std::printf("output %zu: %s %s sum=%.6g first=[%s%s]\n", outIdx,
                  specs[i].dtype.c_str(), shapeText(a.shape).c_str(), sum,
                  first.c_str(), n > 6 ? ", ..." : "");
    }
    ++outIdx;
  }
  std::fprintf(stderr, "time: %.3f ms per call (%lld calls)\n", ms,
               static_cast<long long>(repeat));
  return 0;
}
