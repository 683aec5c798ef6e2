//===- OnnxImportOptionsTest.cpp - dimension binding options
//---------------===//
//
// OnnxImportOptions::dimBindings and batchOne: symbolic input dimensions
// become static in the emitted function's signature (and in what is
// computed from them); everything else stays as the graph declares it.
//
//===----------------------------------------------------------------------===//

#include "tfc/Import/Onnx/OnnxImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <onnx/onnx_pb.h>

#include <fstream>
#include <gtest/gtest.h>

using namespace mlir;

namespace {

/// A dimension: a size, a dim_param name, or neither ("").
struct Dim {
  Dim(int64_t v) : value(v) {}
  Dim(const char *p) : param(p) {}
  int64_t value = -1;
  std::string param;
};

void addInput(onnx::GraphProto &g, const std::string &name, int32_t type,
              std::vector<Dim> dims) {
  auto *vi = g.add_input();
  vi->set_name(name);
  auto *tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(type);
  auto *shape = tt->mutable_shape();
  for (const Dim &d : dims) {
    auto *sd = shape->add_dim();
    if (d.value >= 0)
      sd->set_dim_value(d.value);
    else if (!d.param.empty())
      sd->set_dim_param(d.param);
  }
}

/// ids[batch, seq] (int64), x[batch, seq, 4], past[batch, 2, past, 4],
/// u[?, seq] (no name on the first dim), s[] ; y = Neg(x) is an output.
class OnnxImportOptionsTest : public ::testing::Test {
protected:
  void SetUp() override {
    onnx::ModelProto m;
    m.set_ir_version(8);
    m.add_opset_import()->set_version(17);
    auto &g = *m.mutable_graph();
    g.set_name("g");
    addInput(g, "ids", onnx::TensorProto::INT64, {"batch", "seq"});
    addInput(g, "x", onnx::TensorProto::FLOAT, {"batch", "seq", 4});
    addInput(g, "past", onnx::TensorProto::FLOAT, {"batch", 2, "past", 4});
    addInput(g, "u", onnx::TensorProto::FLOAT, {"", "seq"});
    addInput(g, "s", onnx::TensorProto::FLOAT, {});
    auto *n = g.add_node();
    n->set_op_type("Neg");
    n->add_input("x");
    n->add_output("y");
    for (const char *out : {"ids", "y", "past", "u", "s"})
      g.add_output()->set_name(out);
    llvm::SmallString<128> file;
    ASSERT_FALSE(
        llvm::sys::fs::createTemporaryFile("tfc-onnx-options", "onnx", file));
    path = file.str().str();
    std::ofstream f(path, std::ios::binary);
    ASSERT_TRUE(m.SerializeToOstream(&f));
  }
  void TearDown() override { llvm::sys::fs::remove(path); }

  /// The argument and result types of @forward, printed; "" on failure
  /// (the diagnostic is in `error`).
  std::string signature(const tfc::OnnxImportOptions &options) {
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
      error = d.str();
      return success();
    });
    OwningOpRef<ModuleOp> module = tfc::importOnnxModel(&ctx, path, options);
    if (!module)
      return "";
    auto fn = module->lookupSymbol<func::FuncOp>(tfc::kOnnxEntryName);
    std::string s;
    llvm::raw_string_ostream os(s);
    os << fn.getFunctionType();
    return s;
  }

  MLIRContext ctx;
  std::string path, error;
};

TEST_F(OnnxImportOptionsTest, NoBindingsKeepsSymbolicDimsDynamic) {
  EXPECT_EQ(signature({}),
            "(tensor<?x?xi64>, tensor<?x?x4xf32>, tensor<?x2x?x4xf32>, "
            "tensor<?x?xf32>, tensor<f32>) -> (tensor<?x?xi64>, "
            "tensor<?x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x?xf32>, "
            "tensor<f32>)");
}

TEST_F(OnnxImportOptionsTest, BatchOneBindsTheFirstSymbolicDim) {
  tfc::OnnxImportOptions o;
  o.batchOne = true;
  // Named or not, the first dimension becomes 1; later ones stay dynamic.
  EXPECT_EQ(signature(o),
            "(tensor<1x?xi64>, tensor<1x?x4xf32>, tensor<1x2x?x4xf32>, "
            "tensor<1x?xf32>, tensor<f32>) -> (tensor<1x?xi64>, "
            "tensor<1x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x?xf32>, "
            "tensor<f32>)");
}

TEST_F(OnnxImportOptionsTest, DimBindingsByName) {
  tfc::OnnxImportOptions o;
  o.dimBindings = {{"seq", 7}, {"past", 0}, {"unused", 3}};
  EXPECT_EQ(signature(o),
            "(tensor<?x7xi64>, tensor<?x7x4xf32>, tensor<?x2x0x4xf32>, "
            "tensor<?x7xf32>, tensor<f32>) -> (tensor<?x7xi64>, "
            "tensor<?x7x4xf32>, tensor<?x2x0x4xf32>, tensor<?x7xf32>, "
            "tensor<f32>)");
}

TEST_F(OnnxImportOptionsTest, ABindingOfTheBatchDimWinsOverBatchOne) {
  tfc::OnnxImportOptions o;
  o.batchOne = true;
  o.dimBindings = {{"batch", 2}, {"seq", 5}};
  EXPECT_EQ(signature(o),
            "(tensor<2x5xi64>, tensor<2x5x4xf32>, tensor<2x2x?x4xf32>, "
            "tensor<1x5xf32>, tensor<f32>) -> (tensor<2x5xi64>, "
            "tensor<2x5x4xf32>, tensor<2x2x?x4xf32>, tensor<1x5xf32>, "
            "tensor<f32>)");
}

TEST_F(OnnxImportOptionsTest, NegativeBindingIsAnError) {
  tfc::OnnxImportOptions o;
  o.dimBindings = {{"seq", -2}};
  EXPECT_EQ(signature(o), "");
  EXPECT_NE(error.find("graph input 'ids': dimension 'seq' is bound to -2, "
                       "not a size"),
            std::string::npos)
      << error;
}

} // namespace
