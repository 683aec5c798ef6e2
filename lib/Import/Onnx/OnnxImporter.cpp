//===- OnnxImporter.cpp - ONNX models to tfm ------------------------------===//

#include "tfc/Import/Onnx/OnnxImporter.h"

#include "tfc/Dialect/Tfm/IR/TfmOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <onnx/onnx_pb.h>

#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <optional>

using namespace mlir;
using namespace mlir::tfc;

namespace {

constexpr int64_t kDyn = ShapedType::kDynamic;

/// The ops the importer handles. Anything else is reported up front.
const llvm::StringSet<> &supportedOps() {
  static const llvm::StringSet<> ops = {"Add",
                                        "Sub",
                                        "Mul",
                                        "Div",
                                        "Pow",
                                        "Sqrt",
                                        "Reciprocal",
                                        "Neg",
                                        "Exp",
                                        "Tanh",
                                        "Erf",
                                        "Sigmoid",
                                        "Relu",
                                        "Cos",
                                        "Sin",
                                        "Abs",
                                        "Log",
                                        "MatMul",
                                        "Gemm",
                                        "Softmax",
                                        "LayerNormalization",
                                        "ReduceMean",
                                        "Reshape",
                                        "Transpose",
                                        "Unsqueeze",
                                        "Squeeze",
                                        "Concat",
                                        "Gather",
                                        "Cast",
                                        "Shape",
                                        "Constant",
                                        "Identity",
                                        "Split",
                                        "Where",
                                        "Equal",
                                        "Less",
                                        "Greater",
                                        "Not",
                                        "Range",
                                        "ReduceSum",
                                        "ReduceMax",
                                        "Flatten",
                                        "Expand",
                                        "ConstantOfShape",
                                        "Slice",
                                        "Trilu"};
  return ops;
}

/// An error that aborts the import; reported once by the caller.
struct ImportError {
  Location loc;
  std::string message;
};

std::string join(ArrayRef<int64_t> v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i)
    s += (i ? ", " : "") +
         (v[i] == kDyn ? std::string("?") : std::to_string(v[i]));
  return s + "]";
}

std::optional<Type> elementType(Builder &b, int32_t onnxType) {
  switch (onnxType) {
  case onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case onnx::TensorProto::FLOAT16:
    return b.getF16Type();
  case onnx::TensorProto::BFLOAT16:
    return b.getBF16Type();
  case onnx::TensorProto::INT8:
    return b.getIntegerType(8);
  case onnx::TensorProto::INT32:
    return b.getI32Type();
  case onnx::TensorProto::INT64:
    return b.getI64Type();
  case onnx::TensorProto::BOOL:
    return b.getI1Type();
  default:
    return std::nullopt;
  }
}

/// An imported ONNX value: its SSA value and, when known at compile time,
/// its integer contents (shape arithmetic) or float contents (small
/// constants). Entries of `ints` may be kDyn: "a dynamic dimension's size".
struct Entry {
  Value value;
  std::optional<std::vector<int64_t>> ints;
  std::optional<std::vector<double>> floats;
};

class Importer {
public:
  Importer(MLIRContext *ctx, const OnnxModelFile &file,
           const OnnxImportOptions &options)
      : ctx(ctx), b(ctx), file(file), path(file.path()), model(file.proto()),
        options(options) {}

  OwningOpRef<ModuleOp> run();

private:
  // Validation.
  void checkOpsets();
  void checkSupported();
  DenseElementsAttr denseAttr(const onnx::TensorProto &t, Location loc);

  // Emission.
  int64_t inputDim(const onnx::TensorShapeProto::Dimension &d, bool first,
                   const std::string &input, Location l);
  void importInitializer(const onnx::TensorProto &t);
  void importNode(const onnx::NodeProto &node, size_t index);
  Location nodeLoc(const onnx::NodeProto &node, size_t index) {
    std::string name = node.name().empty()
                           ? node.op_type() + "_" + std::to_string(index)
                           : node.name();
    return NameLoc::get(b.getStringAttr(name));
  }
  [[noreturn]] void fail(Location loc, const Twine &msg) {
    throw ImportError{loc, msg.str()};
  }

  // Node helpers.
  const Entry &input(unsigned i);
  Value in(unsigned i) { return input(i).value; }
  bool hasInput(unsigned i) {
    return (int)i < node->input_size() && !node->input(i).empty();
  }
  void setOutput(unsigned i, Value v,
                 std::optional<std::vector<int64_t>> ints = std::nullopt);
  const onnx::AttributeProto *attr(StringRef name);
  int64_t attrInt(StringRef name, int64_t def);
  float attrFloat(StringRef name, float def);
  std::optional<std::vector<int64_t>> attrInts(StringRef name);
  std::vector<int64_t> constInts(unsigned i, StringRef what);
  int64_t normAxis(int64_t axis, int64_t rank);
  /// With the batch bound to 1 (language models) the sequence length is the
  /// only dynamic size, so every kDyn stands for the same value S and shape
  /// arithmetic can fold S - S, S / S, S * 1, ... Returns the result of
  /// `p op q` (kDyn for S) when it is a constant or S itself.
  std::optional<int64_t> foldWithSequenceLength(StringRef op, int64_t p,
                                                int64_t q) const;
  [[noreturn]] void nodeFail(const Twine &msg) {
    fail(loc,
         path + ": node '" + nodeName + "' (" + node->op_type() + "): " + msg);
  }

  RankedTensorType ttype(Value v) {
    return cast<RankedTensorType>(v.getType());
  }
  Value i64Constant(ArrayRef<int64_t> values, ArrayRef<int64_t> shape);
  SmallVector<int64_t> broadcastShape(ArrayRef<Value> operands);
  SmallVector<int64_t> broadcastDims(ArrayRef<ArrayRef<int64_t>> shapes);
  /// `operands`' broadcast shape with element type `elt`.
  RankedTensorType broadcastType(ArrayRef<Value> operands, Type elt) {
    return RankedTensorType::get(broadcastShape(operands), elt);
  }
  Value scalarConstant(Type elt, double v);
  Value reshape(Value v, ArrayRef<int64_t> shape);
  /// A reshape that only adds or drops unit dimensions, as
  /// tensor.collapse_shape / expand_shape (any number of dynamic sizes).
  Value unitDimReshape(Value v, RankedTensorType type);
  /// Entry `i` of the 1-D integer tensor `shape` (a dynamic size) as index.
  Value runtimeSize(Value shape, int64_t i);
  /// The sequence length (batchOne: the size of the token ids' dynamic
  /// dimension), defined at the function entry.
  Value seqLen;
  Value matmul(Value a, Value bv);

  void binary(StringRef op);
  void unary(StringRef op);
  void pow();
  void gemm();
  void layerNorm();
  void reduce(StringRef op);
  void flatten();
  void expand();
  void constantOfShape();
  void slice();
  void trilu();
  void reshapeOp();
  void unsqueezeOp();
  void squeezeOp();
  void concat();
  void gather();
  void castOp();
  void shapeOp();
  void constantOp();
  void split();
  void where();
  void compare(StringRef op);
  void notOp();
  void range();

  MLIRContext *ctx;
  OpBuilder b;
  const OnnxModelFile &file;
  const std::string &path;
  const onnx::ModelProto &model;
  OnnxImportOptions options;
  std::map<std::string, Entry> values;
  const onnx::NodeProto *node = nullptr;
  std::string nodeName;
  Location loc = UnknownLoc::get(ctx);
};

//===----------------------------------------------------------------------===//
// Loading and validation
//===----------------------------------------------------------------------===//

void Importer::checkOpsets() {
  bool found = false;
  for (const auto &op : model.opset_import()) {
    if (!op.domain().empty() && op.domain() != "ai.onnx")
      continue; // nodes from other domains are reported as unsupported
    found = true;
    if (op.version() < 13 || op.version() > 18)
      fail(UnknownLoc::get(ctx),
           path + ": ONNX opset " + std::to_string(op.version()) +
               " is not supported (tfc imports opsets 13 to 18)");
  }
  if (!found)
    fail(UnknownLoc::get(ctx),
         path + ": the model imports no ai.onnx opset (tfc imports opsets "
                "13 to 18)");
}

void Importer::checkSupported() {
  // op type -> node names, in graph order of first appearance.
  std::vector<std::pair<std::string, std::vector<std::string>>> bad;
  size_t index = 0, count = 0;
  for (const auto &n : model.graph().node()) {
    std::string type = n.op_type();
    bool ok = (n.domain().empty() || n.domain() == "ai.onnx") &&
              supportedOps().contains(type);
    if (!n.domain().empty() && n.domain() != "ai.onnx")
      type = n.domain() + "." + type;
    if (!ok) {
      auto it = std::find_if(bad.begin(), bad.end(),
                             [&](auto &p) { return p.first == type; });
      if (it == bad.end()) {
        bad.push_back({type, {}});
        it = std::prev(bad.end());
      }
      it->second.push_back(n.name().empty()
                               ? n.op_type() + "_" + std::to_string(index)
                               : n.name());
      ++count;
    }
    ++index;
  }
  if (bad.empty())
    return;
  std::string msg = path + ": " + std::to_string(count) + " node" +
                    (count == 1 ? "" : "s") + " with unsupported ONNX ops: ";
  for (size_t i = 0; i < bad.size(); ++i) {
    auto &[type, names] = bad[i];
    msg += (i ? "; " : "") + type + " x" + std::to_string(names.size()) + " (";
    for (size_t j = 0; j < names.size() && j < 3; ++j)
      msg += (j ? ", " : "") + names[j];
    if (names.size() > 3)
      msg += ", ...";
    msg += ")";
  }
  fail(UnknownLoc::get(ctx), msg);
}

DenseElementsAttr Importer::denseAttr(const onnx::TensorProto &t,
                                      Location loc) {
  auto elt = elementType(b, t.data_type());
  if (!elt)
    fail(loc, path + ": tensor '" + t.name() + "' has unsupported type " +
                  OnnxModelFile::typeName(t.data_type()));
  SmallVector<int64_t> shape(t.dims().begin(), t.dims().end());
  auto type = RankedTensorType::get(shape, *elt);
  std::string bytes, error;
  if (!file.tensorBytes(t, bytes, error))
    fail(loc, error);
  int64_t n = type.getNumElements();
  size_t eltBytes = elt->isInteger(1) ? 1 : elt->getIntOrFloatBitWidth() / 8;
  if (bytes.size() != n * eltBytes)
    fail(loc, path + ": tensor '" + t.name() + "' holds " +
                  std::to_string(bytes.size()) + " bytes, its shape " +
                  join(shape) + " needs " + std::to_string(n * eltBytes));
  if (elt->isInteger(1)) {
    SmallVector<bool> bits;
    for (char c : bytes)
      bits.push_back(c != 0);
    return DenseElementsAttr::get(type, ArrayRef<bool>(bits));
  }
  return DenseElementsAttr::getFromRawBuffer(
      type, ArrayRef<char>(bytes.data(), bytes.size()));
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

const Entry &Importer::input(unsigned i) {
  if (!hasInput(i))
    nodeFail("missing input " + Twine(i));
  auto it = values.find(node->input(i));
  if (it == values.end())
    nodeFail("input '" + node->input(i) + "' is not defined before the node");
  return it->second;
}

void Importer::setOutput(unsigned i, Value v,
                         std::optional<std::vector<int64_t>> ints) {
  if ((int)i >= node->output_size() || node->output(i).empty())
    return;
  // Integer contents fully known at compile time: a constant, so that the
  // fusion passes see constants where the graph computed shape values
  // (e.g. GPT-2's scale sqrt(Shape(v)[-1])).
  auto t = dyn_cast<RankedTensorType>(v.getType());
  if (ints && !llvm::is_contained(*ints, kDyn) && t && t.hasStaticShape() &&
      t.getNumElements() == static_cast<int64_t>(ints->size()) &&
      !v.getDefiningOp<arith::ConstantOp>() &&
      t.getElementType().isSignlessInteger() &&
      !t.getElementType().isInteger(1)) {
    SmallVector<APInt> data;
    unsigned width = t.getElementType().getIntOrFloatBitWidth();
    for (int64_t x : *ints)
      data.push_back(
          APInt(width, x, /*isSigned=*/true, /*implicitTrunc=*/true));
    v = arith::ConstantOp::create(b, loc, DenseElementsAttr::get(t, data));
  }
  Entry e;
  e.value = v;
  e.ints = std::move(ints);
  values[node->output(i)] = std::move(e);
}

const onnx::AttributeProto *Importer::attr(StringRef name) {
  for (const auto &a : node->attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t Importer::attrInt(StringRef name, int64_t def) {
  const auto *a = attr(name);
  return a ? a->i() : def;
}

float Importer::attrFloat(StringRef name, float def) {
  const auto *a = attr(name);
  return a ? a->f() : def;
}

std::optional<std::vector<int64_t>> Importer::attrInts(StringRef name) {
  const auto *a = attr(name);
  if (!a)
    return std::nullopt;
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

/// The compile-time integer contents of input `i`.
std::vector<int64_t> Importer::constInts(unsigned i, StringRef what) {
  const Entry &e = input(i);
  if (!e.ints)
    nodeFail(what + " '" + node->input(i) +
             "' is computed at run time; tfc needs it at compile time");
  return *e.ints;
}

int64_t Importer::normAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    nodeFail("axis " + Twine(axis) + " is out of range for rank " +
             Twine(rank));
  return axis < 0 ? axis + rank : axis;
}

Value Importer::i64Constant(ArrayRef<int64_t> v, ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, b.getI64Type());
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, v));
}

SmallVector<int64_t> Importer::broadcastShape(ArrayRef<Value> operands) {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value v : operands)
    shapes.push_back(ttype(v).getShape());
  return broadcastDims(shapes);
}

/// numpy broadcasting of `shapes`; a dynamic dimension meeting a static one
/// other than 1 takes the static size.
SmallVector<int64_t>
Importer::broadcastDims(ArrayRef<ArrayRef<int64_t>> shapes) {
  int64_t rank = 0;
  for (ArrayRef<int64_t> s : shapes)
    rank = std::max<int64_t>(rank, s.size());
  SmallVector<int64_t> shape(rank, 1);
  for (ArrayRef<int64_t> s : shapes) {
    for (int64_t i = 0; i < (int64_t)s.size(); ++i) {
      int64_t &r = shape[rank - s.size() + i];
      int64_t d = s[i];
      if (d == 1)
        continue;
      if (r == 1 || r == d)
        r = d;
      else if (d == kDyn || r == kDyn)
        r = d == kDyn ? r : d; // a dynamic dim meets a static one
      else
        nodeFail("shapes do not broadcast: " + join(shapes[0]) + " and " +
                 join(s));
    }
  }
  return shape;
}

/// A 0-d constant tensor of element type `elt`.
Value Importer::scalarConstant(Type elt, double v) {
  auto type = RankedTensorType::get({}, elt);
  Attribute a = isa<FloatType>(elt)
                    ? Attribute(b.getFloatAttr(elt, v))
                    : Attribute(b.getIntegerAttr(elt, (int64_t)v));
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, a));
}

/// tfm.reshape to `shape` (at most one dynamic dimension).
Value Importer::reshape(Value v, ArrayRef<int64_t> shape) {
  auto t = ttype(v);
  if (t.getShape() == shape)
    return v;
  auto resultType = RankedTensorType::get(shape, t.getElementType());
  if (llvm::count(shape, kDyn) > 1) {
    // tfm.reshape infers one dynamic size from the element count. Adding or
    // dropping unit dimensions (Unsqueeze/Squeeze of a [S, S] mask) keeps
    // every size, so collapse and expand around the unit dims instead.
    auto nonUnit = [](ArrayRef<int64_t> dims) {
      SmallVector<int64_t> out;
      for (int64_t d : dims)
        if (d != 1)
          out.push_back(d);
      return out;
    };
    if (nonUnit(t.getShape()) != nonUnit(shape))
      nodeFail("reshape of " + join(t.getShape()) + " to " + join(shape) +
               " has more than one dynamic dimension");
    return unitDimReshape(v, resultType);
  }
  return tfm::ReshapeOp::create(b, loc, resultType, v);
}

Value Importer::unitDimReshape(Value v, RankedTensorType type) {
  auto t = ttype(v);
  // Collapse to the non-unit dims (each group: one non-unit dim and the
  // unit dims before it; trailing units join the last group), then expand.
  auto groups = [](ArrayRef<int64_t> dims) {
    SmallVector<ReassociationIndices> g;
    ReassociationIndices cur;
    for (int64_t i = 0; i < (int64_t)dims.size(); ++i) {
      cur.push_back(i);
      if (dims[i] != 1) {
        g.push_back(cur);
        cur.clear();
      }
    }
    if (!cur.empty()) {
      if (g.empty())
        g.push_back(cur);
      else
        g.back().append(cur.begin(), cur.end());
    }
    return g;
  };
  SmallVector<int64_t> core;
  for (int64_t d : t.getShape())
    if (d != 1)
      core.push_back(d);
  auto coreType = RankedTensorType::get(core, t.getElementType());
  Value c = v;
  if (t.getRank() != (int64_t)core.size())
    c = tensor::CollapseShapeOp::create(b, loc, coreType, v,
                                        groups(t.getShape()));
  if (type.getRank() == (int64_t)core.size())
    return c;
  SmallVector<OpFoldResult> sizes;
  for (int64_t i = 0, j = 0; i < type.getRank(); ++i) {
    if (type.getDimSize(i) == 1 &&
        !(j < (int64_t)core.size() && core[j] == 1)) {
      sizes.push_back(b.getIndexAttr(1));
      continue;
    }
    sizes.push_back(tensor::getMixedSize(b, loc, c, j++));
  }
  return tensor::ExpandShapeOp::create(b, loc, type, c, groups(type.getShape()),
                                       sizes);
}

/// Whether `v` is a weight: an initializer (tfm.weight or an inlined
/// constant), possibly transposed, reshaped or cast.
static bool isWeightLike(Value v) {
  while (Operation *op = v.getDefiningOp()) {
    if (isa<tfm::WeightOp, arith::ConstantOp>(op))
      return true;
    if (!isa<tfm::TransposeOp, tfm::ReshapeOp, tfm::CastOp>(op))
      return false;
    v = op->getOperand(0);
  }
  return false;
}

/// numpy matmul. A static 2-D weight on the right becomes tfm.linear
/// (in_out layout), anything else tfm.matmul; 1-D operands are promoted to
/// matrices and the added dimension dropped from the result.
Value Importer::matmul(Value a, Value w) {
  auto at = ttype(a), wt = ttype(w);
  Type elt = at.getElementType();
  if (!isa<FloatType>(elt) || elt != wt.getElementType())
    nodeFail("MatMul needs two float operands of the same type");
  if (at.getRank() < 1 || wt.getRank() < 1)
    nodeFail("MatMul operands must have rank >= 1");
  if (at.getRank() == 1) {
    Value r = matmul(reshape(a, {1, at.getDimSize(0)}), w);
    auto s = ttype(r).getShape();
    SmallVector<int64_t> shape(s.begin(), s.end());
    shape.erase(shape.end() - 2);
    return reshape(r, shape);
  }
  if (wt.getRank() == 1) {
    Value r = matmul(a, reshape(w, {wt.getDimSize(0), 1}));
    auto s = ttype(r).getShape();
    return reshape(r, s.drop_back());
  }
  int64_t k = at.getShape().back();
  int64_t kw = wt.getShape()[wt.getRank() - 2];
  if (k != kDyn && kw != kDyn && k != kw)
    nodeFail("MatMul inner dimensions differ: " + join(at.getShape()) + " x " +
             join(wt.getShape()));
  if (wt.getRank() == 2 && wt.hasStaticShape() && isWeightLike(w)) {
    SmallVector<int64_t> shape(at.getShape().drop_back());
    shape.push_back(wt.getDimSize(1));
    return tfm::LinearOp::create(
        b, loc, RankedTensorType::get(shape, elt), a, w, Value(),
        tfm::WeightLayoutAttr::get(ctx, tfm::WeightLayout::InOut));
  }
  SmallVector<int64_t> shape =
      broadcastDims({at.getShape().drop_back(2), wt.getShape().drop_back(2)});
  shape.push_back(at.getDimSize(at.getRank() - 2));
  shape.push_back(wt.getDimSize(wt.getRank() - 1));
  return tfm::MatmulOp::create(b, loc, RankedTensorType::get(shape, elt), a, w);
}

//===----------------------------------------------------------------------===//
// Ops
//===----------------------------------------------------------------------===//

std::optional<int64_t> Importer::foldWithSequenceLength(StringRef op, int64_t p,
                                                        int64_t q) const {
  if (!options.batchOne)
    return std::nullopt;
  bool ps = p == kDyn, qs = q == kDyn;
  if (op == "Sub" && ps && qs)
    return 0;
  if (op == "Div" && ps && qs)
    return 1;
  if ((op == "Add" || op == "Sub") && ps && q == 0)
    return kDyn;
  if (op == "Add" && qs && p == 0)
    return kDyn;
  if ((op == "Mul" || op == "Div") && ps && q == 1)
    return kDyn;
  if (op == "Mul" && qs && p == 1)
    return kDyn;
  if (op == "Mul" && ((ps && q == 0) || (qs && p == 0)))
    return 0;
  return std::nullopt;
}

void Importer::binary(StringRef op) {
  Value l = in(0), r = in(1);
  if (ttype(l).getElementType() != ttype(r).getElementType())
    nodeFail("operand element types differ");
  auto type =
      RankedTensorType::get(broadcastShape({l, r}), ttype(l).getElementType());
  Value v;
  if (op == "Add")
    v = tfm::AddOp::create(b, loc, type, l, r);
  else if (op == "Sub")
    v = tfm::SubOp::create(b, loc, type, l, r);
  else if (op == "Mul")
    v = tfm::MulOp::create(b, loc, type, l, r);
  else
    v = tfm::DivOp::create(b, loc, type, l, r);
  // Fold integer shape arithmetic on known, static values.
  std::optional<std::vector<int64_t>> ints;
  const Entry &le = input(0), &re = input(1);
  if (le.ints && re.ints && ttype(l).getRank() <= 1 &&
      ttype(r).getRank() <= 1) {
    const auto &x = *le.ints, &y = *re.ints;
    size_t n = std::max(x.size(), y.size());
    if ((x.size() == n || x.size() == 1) && (y.size() == n || y.size() == 1)) {
      std::vector<int64_t> out;
      bool ok = true;
      for (size_t i = 0; i < n && ok; ++i) {
        int64_t p = x[x.size() == 1 ? 0 : i], q = y[y.size() == 1 ? 0 : i];
        if (p == kDyn || q == kDyn) {
          std::optional<int64_t> r = foldWithSequenceLength(op, p, q);
          if (!r) {
            ok = false;
            break;
          }
          out.push_back(*r);
          continue;
        }
        if (op == "Div" && q == 0) {
          ok = false;
          break;
        }
        out.push_back(op == "Add"   ? p + q
                      : op == "Sub" ? p - q
                      : op == "Mul" ? p * q
                                    : p / q);
      }
      if (ok)
        ints = out;
    }
  }
  setOutput(0, v, ints);
}

void Importer::unary(StringRef op) {
  Value x = in(0);
  auto t = ttype(x);
  Type elt = t.getElementType();
  bool isFloat = isa<FloatType>(elt);
  if (!isFloat && op != "Neg" && op != "Relu" && op != "Abs")
    nodeFail("expects a float tensor");
  if (!isFloat && (elt.isInteger(1) || !isa<IntegerType>(elt)))
    nodeFail("expects a numeric tensor");
  Value v;
  if (op == "Sqrt")
    v = tfm::SqrtOp::create(b, loc, x);
  else if (op == "Reciprocal")
    v = tfm::ReciprocalOp::create(b, loc, x);
  else if (op == "Neg")
    v = tfm::NegOp::create(b, loc, x);
  else if (op == "Exp")
    v = tfm::ExpOp::create(b, loc, x);
  else if (op == "Tanh")
    v = tfm::TanhOp::create(b, loc, x);
  else if (op == "Erf")
    v = tfm::ErfOp::create(b, loc, x);
  else if (op == "Sigmoid")
    v = tfm::SigmoidOp::create(b, loc, x);
  else if (op == "Cos")
    v = tfm::CosOp::create(b, loc, x);
  else if (op == "Sin")
    v = tfm::SinOp::create(b, loc, x);
  else if (op == "Abs")
    v = tfm::AbsOp::create(b, loc, x);
  else if (op == "Log")
    v = tfm::LogOp::create(b, loc, x);
  else if (isFloat) // Relu
    v = tfm::ReluOp::create(b, loc, x);
  else {
    // Integer Relu (tfm.relu is float only): where(x > 0, x, 0).
    Value zero = scalarConstant(elt, 0);
    auto mask = RankedTensorType::get(t.getShape(), b.getI1Type());
    v = tfm::WhereOp::create(
        b, loc, t, tfm::GreaterOp::create(b, loc, mask, x, zero), x, zero);
  }
  setOutput(0, v);
}

/// Pow: tfm.pow with the exponent in the base's element type. A constant
/// exponent stays a constant (the lowering turns small integer powers into
/// multiplications).
void Importer::pow() {
  Value x = in(0), y = in(1);
  Type elt = ttype(x).getElementType();
  if (!isa<FloatType>(elt))
    nodeFail("expects a float base");
  auto yt = ttype(y);
  const Entry &ye = input(1);
  if (yt.getElementType() != elt) {
    auto type = RankedTensorType::get(yt.getShape(), elt);
    std::optional<double> c;
    if (ye.floats && ye.floats->size() == 1)
      c = (*ye.floats)[0];
    else if (ye.ints && ye.ints->size() == 1 && (*ye.ints)[0] != kDyn)
      c = static_cast<double>((*ye.ints)[0]);
    if (c)
      y = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(type, b.getFloatAttr(elt, *c)));
    else
      y = tfm::CastOp::create(b, loc, type, y);
  }
  setOutput(0, tfm::PowOp::create(b, loc, broadcastType({x, y}, elt), x, y));
}

void Importer::gemm() {
  Value a = in(0), w = in(1);
  float alpha = attrFloat("alpha", 1.0f), beta = attrFloat("beta", 1.0f);
  bool transA = attrInt("transA", 0), transB = attrInt("transB", 0);
  auto at = ttype(a), wt = ttype(w);
  if (at.getRank() != 2 || wt.getRank() != 2 || !wt.hasStaticShape())
    nodeFail("Gemm needs a 2-D A and a static 2-D B, got " +
             join(at.getShape()) + " and " + join(wt.getShape()));
  if (transA)
    a = tfm::TransposeOp::create(
        b, loc,
        RankedTensorType::get({at.getDimSize(1), at.getDimSize(0)},
                              at.getElementType()),
        a, b.getDenseI64ArrayAttr({1, 0}));
  int64_t n = transB ? wt.getDimSize(0) : wt.getDimSize(1);
  Value bias;
  if (hasInput(2) && beta == 1.0f) {
    auto ct = ttype(in(2));
    if (ct.getRank() == 1 && ct.getDimSize(0) == n)
      bias = in(2);
  }
  auto rt =
      RankedTensorType::get({ttype(a).getDimSize(0), n}, at.getElementType());
  Value y = tfm::LinearOp::create(
      b, loc, rt, a, w, bias,
      tfm::WeightLayoutAttr::get(ctx, transB ? tfm::WeightLayout::OutIn
                                             : tfm::WeightLayout::InOut));
  Type elt = at.getElementType();
  auto scalar = [&](float v) {
    return arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(RankedTensorType::get({}, elt),
                               b.getFloatAttr(elt, v)));
  };
  if (alpha != 1.0f)
    y = tfm::MulOp::create(b, loc, rt, y, scalar(alpha));
  if (hasInput(2) && !bias) {
    Value c = in(2);
    if (beta != 1.0f)
      c = tfm::MulOp::create(b, loc, ttype(c), c, scalar(beta));
    y = tfm::AddOp::create(
        b, loc, RankedTensorType::get(broadcastShape({y, c}), elt), y, c);
  }
  setOutput(0, y);
}

void Importer::layerNorm() {
  Value x = in(0), scale = in(1);
  auto xt = ttype(x);
  int64_t rank = xt.getRank();
  int64_t axis = normAxis(attrInt("axis", -1), rank);
  for (int i = 1; i < node->output_size(); ++i)
    if (!node->output(i).empty())
      nodeFail("the Mean and InvStdDev outputs are not supported");
  // Normalization over dims [axis, rank): flatten them into one.
  int64_t d = 1, outer = 1;
  for (int64_t i = 0; i < rank; ++i) {
    int64_t s = xt.getDimSize(i);
    if (i >= axis) {
      if (s == kDyn)
        nodeFail("the normalized dimensions must be static");
      d *= s;
    } else {
      outer = (outer == kDyn || s == kDyn) ? kDyn : outer * s;
    }
  }
  for (unsigned i = 1; i < 3; ++i)
    if (hasInput(i) && ttype(in(i)).getNumElements() != d)
      nodeFail((i == 1 ? "scale " : "bias ") + join(ttype(in(i)).getShape()) +
               " does not match the normalized size " + Twine(d));
  auto flat = [&](Value v) { return reshape(v, {d}); };
  scale = flat(scale);
  Value bias = hasInput(2) ? flat(in(2)) : Value();
  Value input = x;
  if (axis != rank - 1)
    input = reshape(x, {outer, d});
  float eps = attrFloat("epsilon", 1e-5f);
  Value y = tfm::LayerNormOp::create(b, loc, ttype(input), input, scale, bias,
                                     b.getF32FloatAttr(eps));
  setOutput(0, axis != rank - 1 ? reshape(y, xt.getShape()) : y);
}

void Importer::reduce(StringRef op) {
  Value x = in(0);
  auto xt = ttype(x);
  Type elt = xt.getElementType();
  bool isMean = op == "ReduceMean";
  if (isMean ? !isa<FloatType>(elt)
             : !isa<FloatType>(elt) && !elt.isInteger(32) && !elt.isInteger(64))
    nodeFail(isMean ? "expects a float tensor"
                    : "expects a float, int32 or int64 tensor");
  int64_t rank = xt.getRank();
  std::optional<std::vector<int64_t>> axes = attrInts("axes");
  if (hasInput(1))
    axes = constInts(1, "axes");
  std::vector<bool> reduced(rank, false);
  if (!axes || axes->empty()) {
    if (attrInt("noop_with_empty_axes", 0)) {
      setOutput(0, x);
      return;
    }
    reduced.assign(rank, true);
  } else {
    for (int64_t a : *axes)
      reduced[normAxis(a, rank)] = true;
  }
  bool keep = attrInt("keepdims", 1);
  SmallVector<int64_t> sorted, shape;
  for (int64_t d = 0; d < rank; ++d) {
    if (reduced[d])
      sorted.push_back(d);
    if (!reduced[d] || keep)
      shape.push_back(reduced[d] ? 1 : xt.getDimSize(d));
  }
  auto type = RankedTensorType::get(shape, elt);
  auto axesAttr = b.getDenseI64ArrayAttr(sorted);
  UnitAttr keepAttr = keep ? b.getUnitAttr() : UnitAttr();
  Value r;
  if (isMean)
    r = tfm::ReduceMeanOp::create(b, loc, type, x, axesAttr, keepAttr);
  else if (op == "ReduceSum")
    r = tfm::ReduceSumOp::create(b, loc, type, x, axesAttr, keepAttr);
  else
    r = tfm::ReduceMaxOp::create(b, loc, type, x, axesAttr, keepAttr);
  setOutput(0, r);
}

void Importer::flatten() {
  Value x = in(0);
  auto t = ttype(x);
  int64_t axis = attrInt("axis", 1);
  if (axis < 0)
    axis += t.getRank();
  if (axis < 0 || axis > t.getRank())
    nodeFail("axis " + Twine(attrInt("axis", 1)) +
             " is out of range for rank " + Twine(t.getRank()));
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < t.getRank(); ++d) {
    int64_t &p = d < axis ? outer : inner;
    p = (p == kDyn || t.isDynamicDim(d)) ? kDyn : p * t.getDimSize(d);
  }
  setOutput(0, reshape(x, {outer, inner}));
}

/// The run-time value of entry `i` of the 1-D integer tensor `v`, as index.
static Value extractIndex(OpBuilder &b, Location loc, Value v, int64_t i) {
  Value pos = arith::ConstantIndexOp::create(b, loc, i);
  Value e = tensor::ExtractOp::create(b, loc, v, ValueRange{pos});
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), e);
}

Value Importer::runtimeSize(Value shape, int64_t i) {
  // Under batchOne every dynamic size is the sequence length: use the one
  // value for it, so that later passes can tell sizes are equal.
  if (seqLen)
    return seqLen;
  return extractIndex(b, loc, shape, i);
}

void Importer::expand() {
  Value x = in(0);
  auto t = ttype(x);
  std::vector<int64_t> spec = constInts(1, "shape");
  int64_t rank = std::max<int64_t>(t.getRank(), spec.size());
  SmallVector<int64_t> shape(rank);
  SmallVector<Value> dyn;
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t xd = d - (rank - t.getRank()), sd = d - (rank - spec.size());
    int64_t xs = xd >= 0 ? t.getDimSize(xd) : 1;
    int64_t ss = sd >= 0 ? spec[sd] : 1;
    if (ss == 1 || ss == xs) {
      shape[d] = xs;
    } else if (xs == 1) {
      shape[d] = ss;
    } else if (xs == kDyn || ss == kDyn) {
      shape[d] = xs == kDyn ? ss : xs; // a dynamic dim is assumed to match
    } else {
      nodeFail("cannot expand " + join(t.getShape()) + " to " + join(spec));
    }
    if (shape[d] == kDyn)
      dyn.push_back(xd >= 0 && xs == kDyn
                        ? (Value)tensor::DimOp::create(b, loc, x, xd)
                        : runtimeSize(in(1), sd));
    if (xd >= 0)
      exprs.push_back(xs == 1 && shape[d] != 1 ? getAffineConstantExpr(0, ctx)
                                               : getAffineDimExpr(d, ctx));
  }
  Value init = tensor::EmptyOp::create(b, loc, shape, t.getElementType(), dyn);
  SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, exprs, ctx),
                                 AffineMap::getMultiDimIdentityMap(rank, ctx)};
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  setOutput(0, linalg::GenericOp::create(
                   b, loc, init.getType(), ValueRange{x}, ValueRange{init},
                   maps, iters,
                   [&](OpBuilder &ob, Location l, ValueRange args) {
                     linalg::YieldOp::create(ob, l, args[0]);
                   })
                   .getResult(0));
}

void Importer::constantOfShape() {
  std::vector<int64_t> shape = constInts(0, "shape");
  DenseElementsAttr value;
  if (const auto *a = attr("value"))
    value = denseAttr(a->t(), loc);
  else
    value = DenseElementsAttr::get(RankedTensorType::get({1}, b.getF32Type()),
                                   0.0f);
  if (value.getNumElements() != 1)
    nodeFail("value must hold one element");
  Type elt = value.getElementType();
  auto type = RankedTensorType::get(shape, elt);
  Attribute scalar = *value.value_begin<Attribute>();
  if (!llvm::is_contained(shape, kDyn)) {
    std::optional<std::vector<int64_t>> ints;
    if (auto i = dyn_cast<IntegerAttr>(scalar);
        i && !elt.isInteger(1) && type.getNumElements() <= 4096)
      ints = std::vector<int64_t>(type.getNumElements(), i.getInt());
    setOutput(0,
              arith::ConstantOp::create(
                  b, loc, DenseElementsAttr::get(type, ArrayRef(scalar))),
              ints);
    return;
  }
  SmallVector<Value> dyn;
  for (size_t d = 0; d < shape.size(); ++d)
    if (shape[d] == kDyn)
      dyn.push_back(runtimeSize(in(0), d));
  Value init = tensor::EmptyOp::create(b, loc, shape, elt, dyn);
  Value fill = arith::ConstantOp::create(b, loc, cast<TypedAttr>(scalar));
  setOutput(0, linalg::FillOp::create(b, loc, fill, init).getResult(0));
}

void Importer::slice() {
  Value x = in(0);
  auto t = ttype(x);
  int64_t rank = t.getRank();
  std::vector<int64_t> starts = constInts(1, "starts"),
                       ends = constInts(2, "ends");
  std::vector<int64_t> axes, steps;
  if (hasInput(3))
    axes = constInts(3, "axes");
  else
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (hasInput(4))
    steps = constInts(4, "steps");
  else
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    nodeFail("starts, ends, axes and steps differ in length");
  SmallVector<OpFoldResult> offsets, sizes, strides;
  SmallVector<int64_t> shape(t.getShape());
  for (int64_t d = 0; d < rank; ++d) {
    offsets.push_back(b.getIndexAttr(0));
    strides.push_back(b.getIndexAttr(1));
    if (t.isDynamicDim(d))
      sizes.push_back(tensor::DimOp::create(b, loc, x, d).getResult());
    else
      sizes.push_back(b.getIndexAttr(t.getDimSize(d)));
  }
  std::optional<std::vector<int64_t>> ints;
  for (size_t i = 0; i < starts.size(); ++i) {
    int64_t d = normAxis(axes[i], rank);
    int64_t start = starts[i], end = ends[i], step = steps[i];
    if (step == kDyn || ((start == kDyn || end == kDyn) && !options.batchOne))
      nodeFail("starts, ends and steps must be known at compile time");
    if (step <= 0)
      nodeFail("only positive steps are supported");
    int64_t n = t.getDimSize(d);
    if (start == kDyn || end == kDyn) {
      // Bound by the sequence length S (batchOne: the only dynamic size):
      // read it from the starts/ends tensor at run time and clamp to
      // [0, n] as ONNX does (S is positive, so no wrap-around).
      if (step != 1)
        nodeFail("a step other than 1 with a run-time bound is not "
                 "supported");
      auto bound = [&](unsigned input, int64_t v) -> Value {
        Value r;
        if (v != kDyn) {
          if (v < 0 && n != kDyn)
            v += n;
          r = arith::ConstantIndexOp::create(b, loc, std::max<int64_t>(v, 0));
        } else if (n == kDyn) {
          return tensor::DimOp::create(b, loc, x, d).getResult(); // S vs S
        } else {
          r = runtimeSize(in(input), i);
        }
        if (v == 0)
          return r;
        Value dim = n != kDyn
                        ? arith::ConstantIndexOp::create(b, loc, n).getResult()
                        : tensor::DimOp::create(b, loc, x, d).getResult();
        return arith::MinSIOp::create(b, loc, r, dim);
      };
      if (n == kDyn &&
          ((end != kDyn && end < 0) || (start != kDyn && start < 0)))
        nodeFail("a negative bound next to a run-time bound on a dynamic "
                 "dimension is not supported");
      Value first = bound(1, start);
      Value last = end >= (int64_t(1) << 40) && n == kDyn
                       ? tensor::DimOp::create(b, loc, x, d).getResult()
                       : bound(2, end);
      Value size = arith::SubIOp::create(b, loc, last, first);
      offsets[d] = first;
      sizes[d] = arith::MaxSIOp::create(
                     b, loc, size, arith::ConstantIndexOp::create(b, loc, 0))
                     .getResult();
      shape[d] = kDyn;
      continue;
    }
    if (n != kDyn) {
      // ONNX clamping for a positive step.
      if (start < 0)
        start += n;
      if (end < 0)
        end += n;
      start = std::clamp<int64_t>(start, 0, n);
      end = std::clamp<int64_t>(end, 0, n);
      int64_t size = end > start ? (end - start + step - 1) / step : 0;
      offsets[d] = b.getIndexAttr(start);
      sizes[d] = b.getIndexAttr(size);
      strides[d] = b.getIndexAttr(step);
      shape[d] = size;
      if (rank == 1 && input(0).ints) {
        std::vector<int64_t> v;
        for (int64_t k = 0; k < size; ++k)
          v.push_back((*input(0).ints)[start + k * step]);
        ints = v;
      }
      continue;
    }
    // A dynamic dimension: offsets and sizes at run time, no clamping
    // beyond "to the end".
    if (step != 1)
      nodeFail("a step other than 1 on a dynamic dimension is not supported");
    Value dim = tensor::DimOp::create(b, loc, x, d);
    auto index = [&](int64_t v) -> Value {
      if (v < 0)
        return arith::AddIOp::create(b, loc, dim,
                                     arith::ConstantIndexOp::create(b, loc, v));
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    Value first = index(start);
    Value last = end >= (int64_t(1) << 40) ? dim : index(end);
    offsets[d] = first;
    sizes[d] = arith::SubIOp::create(b, loc, last, first).getResult();
    shape[d] = kDyn;
  }
  if (llvm::is_contained(shape, 0)) {
    // An empty slice: tensor.extract_slice rejects its offsets.
    SmallVector<Value> dyn;
    for (int64_t d = 0; d < rank; ++d)
      if (shape[d] == kDyn)
        dyn.push_back(cast<Value>(sizes[d]));
    setOutput(0,
              tensor::EmptyOp::create(b, loc, shape, t.getElementType(), dyn),
              ints);
    return;
  }
  setOutput(0,
            tensor::ExtractSliceOp::create(
                b, loc, RankedTensorType::get(shape, t.getElementType()), x,
                offsets, sizes, strides),
            ints);
}

void Importer::trilu() {
  Value x = in(0);
  auto t = ttype(x);
  if (t.getRank() < 2)
    nodeFail("expects rank >= 2");
  int64_t k = 0;
  if (hasInput(1)) {
    std::vector<int64_t> kv = constInts(1, "k");
    if (kv.size() != 1 || kv[0] == kDyn)
      nodeFail("k must be a known scalar");
    k = kv[0];
  }
  bool upper = attrInt("upper", 1);
  setOutput(0, tfm::TriluOp::create(b, loc, t, x, b.getI64IntegerAttr(k),
                                    upper ? b.getUnitAttr() : UnitAttr()));
}

void Importer::reshapeOp() {
  Value x = in(0);
  auto xt = ttype(x);
  std::vector<int64_t> spec = constInts(1, "shape");
  bool allowZero = attrInt("allowzero", 0);
  SmallVector<int64_t> shape;
  int64_t inferred = -1;
  for (size_t i = 0; i < spec.size(); ++i) {
    int64_t s = spec[i];
    if (s == 0 && !allowZero) {
      if ((int64_t)i >= xt.getRank())
        nodeFail("shape entry " + Twine(i) + " copies a missing input dim");
      s = xt.getDimSize(i);
    } else if (s == -1) {
      if (inferred >= 0)
        nodeFail("shape " + join(spec) + " has more than one -1");
      inferred = i;
    } else if (s < 0 && s != kDyn) {
      nodeFail("invalid shape " + join(spec));
    }
    shape.push_back(s);
  }
  if (inferred >= 0) {
    shape[inferred] = kDyn;
    // Under batchOne every dynamic size is S: the input has K * S^p
    // elements and the other target entries K' * S^p'; -1 is K / K' when
    // p == p' and S when p == p' + 1 and K == K'.
    int64_t p = xt.getNumDynamicDims();
    int64_t pt = llvm::count(shape, kDyn) - 1;
    int64_t known = 1, inKnown = 1;
    for (int64_t s : shape)
      if (s != kDyn)
        known *= s;
    for (int64_t d : xt.getShape())
      if (d != kDyn)
        inKnown *= d;
    if (options.batchOne && p > 0 && known != 0) {
      if (p == pt && inKnown % known == 0)
        shape[inferred] = inKnown / known;
      else if (p == pt + 1 && inKnown == known)
        shape[inferred] = kDyn;
    }
    if (xt.hasStaticShape() && llvm::count(shape, kDyn) == 1) {
      int64_t known = 1;
      for (int64_t s : shape)
        if (s != kDyn)
          known *= s;
      if (known == 0 || xt.getNumElements() % known)
        nodeFail("cannot reshape " + join(xt.getShape()) + " to " + join(spec));
      shape[inferred] = xt.getNumElements() / known;
    }
  }
  if (xt.hasStaticShape() && !llvm::is_contained(shape, kDyn)) {
    int64_t n = 1;
    for (int64_t s : shape)
      n *= s;
    if (n != xt.getNumElements())
      nodeFail("cannot reshape " + join(xt.getShape()) + " to " + join(spec));
  }
  std::optional<std::vector<int64_t>> ints;
  if (input(0).ints)
    ints = input(0).ints;
  setOutput(0, reshape(x, shape), ints);
}

void Importer::unsqueezeOp() {
  Value x = in(0);
  auto xt = ttype(x);
  std::vector<int64_t> axes =
      hasInput(1) ? constInts(1, "axes")
                  : attrInts("axes").value_or(std::vector<int64_t>{});
  int64_t rank = xt.getRank() + axes.size();
  std::vector<bool> isNew(rank, false);
  for (int64_t a : axes)
    isNew[normAxis(a, rank)] = true;
  SmallVector<int64_t> shape;
  int64_t j = 0;
  for (int64_t d = 0; d < rank; ++d)
    shape.push_back(isNew[d] ? 1 : xt.getDimSize(j++));
  setOutput(0, reshape(x, shape), input(0).ints);
}

void Importer::squeezeOp() {
  Value x = in(0);
  auto xt = ttype(x);
  std::optional<std::vector<int64_t>> axes =
      hasInput(1) ? std::optional(constInts(1, "axes")) : attrInts("axes");
  std::vector<bool> drop(xt.getRank(), false);
  if (axes) {
    for (int64_t a : *axes) {
      int64_t d = normAxis(a, xt.getRank());
      if (xt.getDimSize(d) != 1)
        nodeFail("cannot squeeze dimension " + Twine(a) + " of shape " +
                 join(xt.getShape()));
      drop[d] = true;
    }
  } else {
    for (int64_t d = 0; d < xt.getRank(); ++d)
      drop[d] = xt.getDimSize(d) == 1;
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < xt.getRank(); ++d)
    if (!drop[d])
      shape.push_back(xt.getDimSize(d));
  setOutput(0, reshape(x, shape), input(0).ints);
}

void Importer::concat() {
  SmallVector<Value> parts;
  bool allInts = true;
  std::vector<int64_t> ints;
  for (int i = 0; i < node->input_size(); ++i) {
    const Entry &e = input(i);
    parts.push_back(e.value);
    if (e.ints)
      ints.insert(ints.end(), e.ints->begin(), e.ints->end());
    else
      allInts = false;
  }
  auto t0 = ttype(parts[0]);
  int64_t axis = normAxis(attrInt("axis", 0), t0.getRank());
  SmallVector<int64_t> shape(t0.getShape());
  shape[axis] = 0;
  for (Value p : parts) {
    auto t = ttype(p);
    if (t.getRank() != t0.getRank() ||
        t.getElementType() != t0.getElementType())
      nodeFail("inputs differ in rank or element type");
    int64_t s = t.getDimSize(axis);
    shape[axis] = (s == kDyn || shape[axis] == kDyn) ? kDyn : shape[axis] + s;
    for (int64_t d = 0; d < t.getRank(); ++d)
      if (d != axis && shape[d] == kDyn)
        shape[d] = t.getDimSize(d);
  }
  std::optional<std::vector<int64_t>> folded;
  if (allInts && t0.getRank() == 1)
    folded = ints;
  if (folded && !llvm::is_contained(ints, kDyn)) {
    setOutput(0, i64Constant(ints, {(int64_t)ints.size()}), folded);
    return;
  }
  Value v = parts.size() == 1
                ? parts[0]
                : (Value)tensor::ConcatOp::create(
                      b, loc, RankedTensorType::get(shape, t0.getElementType()),
                      axis, parts);
  setOutput(0, v, folded);
}

void Importer::gather() {
  Value data = in(0), idx = in(1);
  auto dt = ttype(data), it = ttype(idx);
  int64_t axis = normAxis(attrInt("axis", 0), dt.getRank());
  if (!it.getElementType().isInteger(64) && !it.getElementType().isInteger(32))
    nodeFail("indices must be int32 or int64");
  // Compile-time shape arithmetic: Gather on a known 1-D tensor.
  const Entry &de = input(0), &ie = input(1);
  if (de.ints && ie.ints && dt.getRank() == 1) {
    std::vector<int64_t> out;
    for (int64_t i : *ie.ints) {
      int64_t n = de.ints->size();
      if (i < -n || i >= n)
        nodeFail("index " + Twine(i) + " is out of range");
      out.push_back((*de.ints)[i < 0 ? i + n : i]);
    }
    SmallVector<int64_t> shape(it.getShape());
    if (!llvm::is_contained(out, kDyn))
      setOutput(0, i64Constant(out, shape), out);
    else
      setOutput(
          0,
          tensor::FromElementsOp::create(
              b, loc, RankedTensorType::get(shape, dt.getElementType()),
              [&] {
                SmallVector<Value> elems;
                for (size_t k = 0; k < ie.ints->size(); ++k) {
                  int64_t i = (*ie.ints)[k];
                  int64_t n = de.ints->size();
                  Value pos =
                      arith::ConstantIndexOp::create(b, loc, i < 0 ? i + n : i);
                  elems.push_back(tensor::ExtractOp::create(b, loc, data, pos));
                }
                return elems;
              }()),
          out);
    return;
  }
  // An embedding lookup: rows of a 2-D float table.
  if (axis == 0 && dt.getRank() == 2 && dt.hasStaticShape() &&
      isa<FloatType>(dt.getElementType())) {
    SmallVector<int64_t> shape(it.getShape());
    shape.push_back(dt.getDimSize(1));
    setOutput(0, tfm::EmbeddingOp::create(
                     b, loc, RankedTensorType::get(shape, dt.getElementType()),
                     data, idx));
    return;
  }
  // General case: out[pre..., idx..., post...] = data[pre, indices[idx], post].
  SmallVector<int64_t> shape(dt.getShape().take_front(axis));
  shape.append(it.getShape().begin(), it.getShape().end());
  shape.append(dt.getShape().begin() + axis + 1, dt.getShape().end());
  int64_t rank = shape.size(), ir = it.getRank();
  SmallVector<Value> dyn;
  for (int64_t d = 0; d < rank; ++d) {
    if (shape[d] != kDyn)
      continue;
    if (d < axis)
      dyn.push_back(tensor::DimOp::create(b, loc, data, d));
    else if (d < axis + ir)
      dyn.push_back(tensor::DimOp::create(b, loc, idx, d - axis));
    else
      dyn.push_back(tensor::DimOp::create(b, loc, data, d - ir + 1));
  }
  Value init = tensor::EmptyOp::create(b, loc, shape, dt.getElementType(), dyn);
  SmallVector<AffineExpr> idxExprs;
  for (int64_t d = 0; d < ir; ++d)
    idxExprs.push_back(getAffineDimExpr(axis + d, ctx));
  SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, idxExprs, ctx),
                                 AffineMap::getMultiDimIdentityMap(rank, ctx)};
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  Value v =
      linalg::GenericOp::create(
          b, loc, init.getType(), ValueRange{idx}, ValueRange{init}, maps,
          iters,
          [&](OpBuilder &ob, Location l, ValueRange args) {
            Value i =
                arith::IndexCastOp::create(ob, l, ob.getIndexType(), args[0]);
            // Negative indices count from the end.
            Value n = tensor::DimOp::create(ob, l, data, axis);
            Value zero = arith::ConstantIndexOp::create(ob, l, 0);
            Value neg = arith::CmpIOp::create(ob, l, arith::CmpIPredicate::slt,
                                              i, zero);
            i = arith::SelectOp::create(ob, l, neg,
                                        arith::AddIOp::create(ob, l, i, n), i);
            SmallVector<Value> coords;
            for (int64_t d = 0; d < axis; ++d)
              coords.push_back(linalg::IndexOp::create(ob, l, d));
            coords.push_back(i);
            for (int64_t d = axis + ir; d < rank; ++d)
              coords.push_back(linalg::IndexOp::create(ob, l, d));
            Value e = tensor::ExtractOp::create(ob, l, data, coords);
            linalg::YieldOp::create(ob, l, e);
          })
          .getResult(0);
  setOutput(0, v);
}

void Importer::castOp() {
  Value x = in(0);
  int64_t to = attrInt("to", 0);
  auto elt = elementType(b, to);
  if (!elt)
    nodeFail("cast to " + OnnxModelFile::typeName(to) + " is not supported");
  auto t = ttype(x);
  std::optional<std::vector<int64_t>> ints;
  if (input(0).ints && isa<IntegerType>(*elt) && !elt->isInteger(1))
    ints = input(0).ints;
  if (t.getElementType() == *elt) {
    setOutput(0, x, ints);
    return;
  }
  setOutput(
      0,
      tfm::CastOp::create(b, loc, RankedTensorType::get(t.getShape(), *elt), x),
      ints);
}

void Importer::shapeOp() {
  Value x = in(0);
  auto t = ttype(x);
  int64_t rank = t.getRank();
  int64_t start = attrInt("start", 0), end = attrInt("end", rank);
  auto clampAxis = [&](int64_t a) {
    if (a < 0)
      a += rank;
    return std::clamp<int64_t>(a, 0, rank);
  };
  start = clampAxis(start);
  end = clampAxis(end);
  std::vector<int64_t> dims;
  for (int64_t d = start; d < end; ++d)
    dims.push_back(t.getDimSize(d));
  int64_t n = dims.size();
  if (!llvm::is_contained(dims, kDyn)) {
    setOutput(0, i64Constant(dims, {n}), dims);
    return;
  }
  SmallVector<Value> elems;
  for (int64_t d = start; d < end; ++d) {
    if (t.isDynamicDim(d)) {
      Value s = tensor::DimOp::create(b, loc, x, d);
      elems.push_back(arith::IndexCastOp::create(b, loc, b.getI64Type(), s));
    } else {
      elems.push_back(arith::ConstantOp::create(
          b, loc, b.getI64IntegerAttr(t.getDimSize(d))));
    }
  }
  setOutput(0,
            tensor::FromElementsOp::create(
                b, loc, RankedTensorType::get({n}, b.getI64Type()), elems),
            dims);
}

void Importer::constantOp() {
  DenseElementsAttr value;
  if (const auto *a = attr("value")) {
    value = denseAttr(a->t(), loc);
  } else if (const auto *a = attr("value_float")) {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                   a->f());
  } else if (const auto *a = attr("value_floats")) {
    std::vector<float> v(a->floats().begin(), a->floats().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({(int64_t)v.size()}, b.getF32Type()),
        ArrayRef<float>(v));
  } else if (const auto *a = attr("value_int")) {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getI64Type()),
                                   a->i());
  } else if (const auto *a = attr("value_ints")) {
    std::vector<int64_t> v(a->ints().begin(), a->ints().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({(int64_t)v.size()}, b.getI64Type()),
        ArrayRef<int64_t>(v));
  } else {
    nodeFail("only value, value_float(s) and value_int(s) constants are "
             "supported");
  }
  Entry e;
  e.value = arith::ConstantOp::create(b, loc, value);
  Type elt = value.getElementType();
  if (value.getNumElements() <= 4096) {
    if (isa<IntegerType>(elt) && !elt.isInteger(1)) {
      std::vector<int64_t> v;
      for (const APInt &i : value.getValues<APInt>())
        v.push_back(i.getSExtValue());
      e.ints = v;
    } else if (isa<FloatType>(elt)) {
      std::vector<double> v;
      for (const APFloat &f : value.getValues<APFloat>())
        v.push_back(f.convertToDouble());
      e.floats = v;
    }
  }
  values[node->output(0)] = e;
}

void Importer::split() {
  Value x = in(0);
  auto t = ttype(x);
  int64_t axis = normAxis(attrInt("axis", 0), t.getRank());
  int64_t n = node->output_size();
  std::vector<int64_t> sizes;
  if (hasInput(1))
    sizes = constInts(1, "split");
  else if (auto a = attrInts("split"))
    sizes = *a;
  int64_t total = t.getDimSize(axis);
  if (sizes.empty()) {
    if (total == kDyn)
      nodeFail("cannot split the dynamic dimension " + Twine(axis) +
               " into equal parts");
    if (const auto *a = attr("num_outputs")) {
      // Opset 18: parts of ceil(total / n), the last one smaller.
      if (a->i() != n)
        nodeFail("num_outputs " + Twine(a->i()) + " differs from the " +
                 Twine(n) + " outputs");
      int64_t chunk = (total + n - 1) / n;
      if (n > 1 && chunk * (n - 1) >= total)
        nodeFail("dimension " + Twine(axis) + " of size " + Twine(total) +
                 " does not split into " + Twine(n) + " non-empty parts");
      sizes.assign(n, chunk);
      sizes.back() = total - chunk * (n - 1);
    } else if (total % n) {
      nodeFail("dimension " + Twine(axis) + " of size " + Twine(total) +
               " does not split into " + Twine(n) + " equal parts");
    } else {
      sizes.assign(n, total / n);
    }
  }
  if ((int64_t)sizes.size() != n)
    nodeFail("split has " + Twine(sizes.size()) + " sizes for " + Twine(n) +
             " outputs");
  int64_t sum = 0;
  for (int64_t s : sizes)
    sum += s;
  if (total != kDyn && sum != total)
    nodeFail("split sizes " + join(sizes) + " do not add up to " +
             Twine(total));
  int64_t offset = 0;
  for (int64_t i = 0; i < n; ++i) {
    SmallVector<OpFoldResult> offsets, strides, extents;
    SmallVector<int64_t> shape;
    for (int64_t d = 0; d < t.getRank(); ++d) {
      strides.push_back(b.getIndexAttr(1));
      if (d == axis) {
        offsets.push_back(b.getIndexAttr(offset));
        extents.push_back(b.getIndexAttr(sizes[i]));
        shape.push_back(sizes[i]);
        continue;
      }
      offsets.push_back(b.getIndexAttr(0));
      shape.push_back(t.getDimSize(d));
      if (t.isDynamicDim(d))
        extents.push_back(tensor::DimOp::create(b, loc, x, d).getResult());
      else
        extents.push_back(b.getIndexAttr(t.getDimSize(d)));
    }
    auto partType = RankedTensorType::get(shape, t.getElementType());
    Value part;
    if (sizes[i] == 0)
      part = tensor::EmptyOp::create(b, loc, partType.getShape(),
                                     t.getElementType(), [&] {
                                       SmallVector<Value> dyn;
                                       for (OpFoldResult e : extents)
                                         if (auto v = dyn_cast<Value>(e))
                                           dyn.push_back(v);
                                       return dyn;
                                     }());
    else
      part = tensor::ExtractSliceOp::create(
          b, loc, RankedTensorType::get(shape, t.getElementType()), x, offsets,
          extents, strides);
    std::optional<std::vector<int64_t>> ints;
    if (input(0).ints && t.getRank() == 1)
      ints = std::vector<int64_t>(input(0).ints->begin() + offset,
                                  input(0).ints->begin() + offset + sizes[i]);
    setOutput(i, part, ints);
    offset += sizes[i];
  }
}

void Importer::where() {
  Value c = in(0), x = in(1), y = in(2);
  if (!ttype(c).getElementType().isInteger(1))
    nodeFail("the condition must be a bool tensor");
  Type elt = ttype(x).getElementType();
  if (ttype(y).getElementType() != elt)
    nodeFail("the two branches differ in element type");
  // Shape data: select element by element (repeat_kv's Expand shape is
  // Where(Equal(shape, -1), ones, shape)).
  std::optional<std::vector<int64_t>> ints;
  const Entry &ce = input(0), &xe = input(1), &ye = input(2);
  if (ce.ints && xe.ints && ye.ints) {
    size_t n = std::max({ce.ints->size(), xe.ints->size(), ye.ints->size()});
    auto at = [&](const std::vector<int64_t> &v, size_t i) {
      return v.size() == 1 ? v[0] : v[i];
    };
    bool ok = ttype(c).getRank() <= 1 && ttype(x).getRank() <= 1 &&
              ttype(y).getRank() <= 1;
    for (const auto *v : {&*ce.ints, &*xe.ints, &*ye.ints})
      ok &= v->size() == n || v->size() == 1;
    if (ok) {
      std::vector<int64_t> out;
      for (size_t i = 0; i < n; ++i)
        out.push_back(at(*ce.ints, i) ? at(*xe.ints, i) : at(*ye.ints, i));
      ints = out;
    }
  }
  setOutput(
      0, tfm::WhereOp::create(b, loc, broadcastType({c, x, y}, elt), c, x, y),
      ints);
}

void Importer::compare(StringRef op) {
  Value x = in(0), y = in(1);
  Type elt = ttype(x).getElementType();
  if (ttype(y).getElementType() != elt)
    nodeFail("operand element types differ");
  auto type = broadcastType({x, y}, b.getI1Type());
  Value v;
  if (op == "Equal")
    v = tfm::EqualOp::create(b, loc, type, x, y);
  else if (op == "Less")
    v = tfm::LessOp::create(b, loc, type, x, y);
  else
    v = tfm::GreaterOp::create(b, loc, type, x, y);
  // Shape data: compare element by element; with the batch bound, kDyn is
  // the sequence length S >= 1, so comparisons with constants below 1 are
  // known too.
  std::optional<std::vector<int64_t>> ints;
  const Entry &xe = input(0), &ye = input(1);
  if (xe.ints && ye.ints && ttype(x).getRank() <= 1 &&
      ttype(y).getRank() <= 1) {
    const auto &p = *xe.ints, &q = *ye.ints;
    size_t n = std::max(p.size(), q.size());
    std::vector<int64_t> out;
    bool ok =
        (p.size() == n || p.size() == 1) && (q.size() == n || q.size() == 1);
    for (size_t i = 0; i < n && ok; ++i) {
      int64_t a = p[p.size() == 1 ? 0 : i], c = q[q.size() == 1 ? 0 : i];
      bool as = a == kDyn, cs = c == kDyn;
      if (!as && !cs) {
        out.push_back(op == "Equal" ? a == c : op == "Less" ? a < c : a > c);
      } else if (as && cs) {
        ok = options.batchOne;
        out.push_back(op == "Equal");
      } else if (options.batchOne && (as ? c : a) < 1) {
        // S against a constant k < 1: S > k.
        bool sFirst = as;
        out.push_back(op == "Equal" ? false : op == "Less" ? !sFirst : sFirst);
      } else {
        ok = false;
      }
    }
    if (ok)
      ints = out;
  }
  setOutput(0, v, ints);
}

void Importer::notOp() {
  Value x = in(0);
  if (!ttype(x).getElementType().isInteger(1))
    nodeFail("expects a bool tensor");
  setOutput(0, tfm::NotOp::create(b, loc, x));
}

void Importer::range() {
  Value start = in(0), limit = in(1), delta = in(2);
  Type elt = ttype(start).getElementType();
  for (Value v : {start, limit, delta})
    if (ttype(v).getRank() != 0 || ttype(v).getElementType() != elt)
      nodeFail("start, limit and delta must be scalars of one type");
  if (!isa<IntegerType>(elt))
    nodeFail("only integer ranges are supported");
  const Entry &se = input(0), &le = input(1), &de = input(2);
  auto known = [](const Entry &e) {
    return e.ints && e.ints->size() == 1 && (*e.ints)[0] != kDyn;
  };
  if (known(se) && known(le) && known(de)) {
    int64_t s = (*se.ints)[0], l = (*le.ints)[0], d = (*de.ints)[0];
    if (d == 0)
      nodeFail("delta is 0");
    std::vector<int64_t> out;
    for (int64_t v = s; d > 0 ? v < l : v > l; v += d)
      out.push_back(v);
    auto type = RankedTensorType::get({(int64_t)out.size()}, elt);
    SmallVector<APInt> bits;
    for (int64_t v : out)
      bits.push_back(APInt(elt.getIntOrFloatBitWidth(), v, true));
    setOutput(
        0,
        arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, bits)),
        out);
    return;
  }
  if (!elt.isInteger(32) && !elt.isInteger(64))
    nodeFail("only int32 and int64 ranges are supported at run time");
  if (known(de) && (*de.ints)[0] == 0)
    nodeFail("delta is 0");
  auto index = [&](Value v) -> Value {
    Value e = tensor::ExtractOp::create(b, loc, v, ValueRange{});
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), e);
  };
  setOutput(0, tfm::RangeOp::create(b, loc, RankedTensorType::get({kDyn}, elt),
                                    index(start), index(limit), index(delta)));
}

void Importer::importNode(const onnx::NodeProto &n, size_t index) {
  node = &n;
  loc = nodeLoc(n, index);
  nodeName = cast<NameLoc>(loc).getName().str();
  StringRef op = n.op_type();
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div")
    binary(op);
  else if (op == "Sqrt" || op == "Reciprocal" || op == "Neg" || op == "Exp" ||
           op == "Tanh" || op == "Erf" || op == "Sigmoid" || op == "Relu" ||
           op == "Cos" || op == "Sin" || op == "Abs" || op == "Log")
    unary(op);
  else if (op == "Pow")
    pow();
  else if (op == "MatMul")
    setOutput(0, matmul(in(0), in(1)));
  else if (op == "Gemm")
    gemm();
  else if (op == "Softmax") {
    Value x = in(0);
    int64_t axis = normAxis(attrInt("axis", -1), ttype(x).getRank());
    setOutput(0, tfm::SoftmaxOp::create(b, loc, ttype(x), x,
                                        b.getI64IntegerAttr(axis)));
  } else if (op == "LayerNormalization")
    layerNorm();
  else if (op == "ReduceMean" || op == "ReduceSum" || op == "ReduceMax")
    reduce(op);
  else if (op == "Flatten")
    flatten();
  else if (op == "Expand")
    expand();
  else if (op == "ConstantOfShape")
    constantOfShape();
  else if (op == "Slice")
    slice();
  else if (op == "Trilu")
    trilu();
  else if (op == "Reshape")
    reshapeOp();
  else if (op == "Transpose") {
    Value x = in(0);
    auto t = ttype(x);
    std::vector<int64_t> perm;
    if (auto p = attrInts("perm"))
      perm = *p;
    else
      for (int64_t d = t.getRank(); d-- > 0;)
        perm.push_back(d);
    if ((int64_t)perm.size() != t.getRank())
      nodeFail("perm " + join(perm) + " does not match rank " +
               Twine(t.getRank()));
    SmallVector<int64_t> shape;
    for (int64_t &p : perm) {
      p = normAxis(p, t.getRank());
      shape.push_back(t.getDimSize(p));
    }
    setOutput(0, tfm::TransposeOp::create(
                     b, loc, RankedTensorType::get(shape, t.getElementType()),
                     x, b.getDenseI64ArrayAttr(perm)));
  } else if (op == "Unsqueeze")
    unsqueezeOp();
  else if (op == "Squeeze")
    squeezeOp();
  else if (op == "Concat")
    concat();
  else if (op == "Gather")
    gather();
  else if (op == "Cast")
    castOp();
  else if (op == "Shape")
    shapeOp();
  else if (op == "Constant")
    constantOp();
  else if (op == "Identity")
    values[n.output(0)] = input(0);
  else if (op == "Split")
    split();
  else if (op == "Where")
    where();
  else if (op == "Equal" || op == "Less" || op == "Greater")
    compare(op);
  else if (op == "Not")
    notOp();
  else if (op == "Range")
    range();
  else
    nodeFail("internal error: no importer for this op");
  for (const std::string &out : n.output())
    if (!out.empty() && !values.count(out))
      nodeFail("output '" + out + "' is not supported");
}

void Importer::importInitializer(const onnx::TensorProto &t) {
  Location l = NameLoc::get(b.getStringAttr(t.name()));
  auto elt = elementType(b, t.data_type());
  if (!elt)
    fail(l, path + ": initializer '" + t.name() + "' has unsupported type " +
                OnnxModelFile::typeName(t.data_type()));
  SmallVector<int64_t> shape(t.dims().begin(), t.dims().end());
  auto type = RankedTensorType::get(shape, *elt);
  Entry e;
  bool large = type.getNumElements() > options.inlineLimit;
  bool weightType =
      isa<FloatType>(*elt) || elt->isInteger(8) || elt->isInteger(32);
  if (large && weightType) {
    // Validate the storage now (external file present and large enough)
    // without reading it: the data goes to the weight blob later.
    if (t.data_location() == onnx::TensorProto::EXTERNAL) {
      int64_t need = type.getNumElements() * (elt->getIntOrFloatBitWidth() / 8);
      OnnxModelFile::ExternalData d;
      std::string error;
      if (!file.externalData(t, need, d, error))
        fail(l, error);
      if (d.declaredLength >= 0 && d.declaredLength != need)
        fail(l, path + ": initializer '" + t.name() + "' stores " +
                    std::to_string(d.declaredLength) + " bytes, its shape " +
                    join(shape) + " needs " + std::to_string(need));
    }
    e.value =
        tfm::WeightOp::create(b, l, type, t.name(),
                              /*permutation=*/nullptr, /*panels=*/nullptr);
  } else {
    DenseElementsAttr value = denseAttr(t, l);
    e.value = arith::ConstantOp::create(b, l, value);
    if (isa<IntegerType>(*elt) && !elt->isInteger(1)) {
      std::vector<int64_t> v;
      for (const APInt &i : value.getValues<APInt>())
        v.push_back(i.getSExtValue());
      e.ints = v;
    } else if (isa<FloatType>(*elt)) {
      std::vector<double> v;
      for (const APFloat &f : value.getValues<APFloat>())
        v.push_back(f.convertToDouble());
      e.floats = v;
    }
  }
  values[t.name()] = e;
}

/// The size of a graph input's dimension: its value, else its dim_param's
/// binding, else 1 for a leading dimension under batchOne, else dynamic.
int64_t Importer::inputDim(const onnx::TensorShapeProto::Dimension &d,
                           bool first, const std::string &input, Location l) {
  if (d.has_dim_value())
    return d.dim_value();
  if (d.has_dim_param()) {
    auto it = options.dimBindings.find(d.dim_param());
    if (it != options.dimBindings.end()) {
      if (it->second < 0)
        fail(l, path + ": graph input '" + input + "': dimension '" +
                    d.dim_param() + "' is bound to " +
                    std::to_string(it->second) + ", not a size");
      return it->second;
    }
  }
  return first && options.batchOne ? 1 : kDyn;
}

OwningOpRef<ModuleOp> Importer::run() {
  try {
    checkOpsets();
    checkSupported();
    const onnx::GraphProto &g = model.graph();
    Location fileLoc = FileLineColLoc::get(ctx, path, 0, 0);
    OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
    b.setInsertionPointToEnd(module->getBody());

    // Graph inputs that are not initializers are function arguments.
    llvm::StringSet<> inits;
    for (const auto &t : g.initializer())
      inits.insert(t.name());
    SmallVector<Type> argTypes;
    SmallVector<std::string> argNames;
    for (const auto &vi : g.input()) {
      if (inits.contains(vi.name()))
        continue;
      Location l = NameLoc::get(b.getStringAttr(vi.name()));
      if (!vi.type().has_tensor_type())
        fail(l, path + ": graph input '" + vi.name() + "' is not a tensor");
      const auto &tt = vi.type().tensor_type();
      auto elt = elementType(b, tt.elem_type());
      if (!elt)
        fail(l, path + ": graph input '" + vi.name() +
                    "' has unsupported type " +
                    OnnxModelFile::typeName(tt.elem_type()));
      if (!tt.has_shape())
        fail(l, path + ": graph input '" + vi.name() +
                    "' has dynamic rank; tfc needs the rank of every input");
      SmallVector<int64_t> shape;
      for (const auto &d : tt.shape().dim())
        shape.push_back(inputDim(d, shape.empty(), vi.name(), l));
      argTypes.push_back(RankedTensorType::get(shape, *elt));
      argNames.push_back(vi.name());
    }
    auto func = func::FuncOp::create(b, fileLoc, kOnnxEntryName,
                                     b.getFunctionType(argTypes, {}));
    Block *body = func.addEntryBlock();
    for (size_t i = 0; i < argNames.size(); ++i) {
      func.setArgAttr(i, "tfc.onnx_name", b.getStringAttr(argNames[i]));
      body->getArgument(i).setLoc(NameLoc::get(b.getStringAttr(argNames[i])));
      values[argNames[i]].value = body->getArgument(i);
    }
    b.setInsertionPointToStart(body);
    if (options.batchOne)
      for (BlockArgument arg : body->getArguments()) {
        auto t = cast<RankedTensorType>(arg.getType());
        for (int64_t d = 0; d < t.getRank() && !seqLen; ++d)
          if (t.isDynamicDim(d))
            seqLen = tensor::DimOp::create(b, arg.getLoc(), arg, d);
      }
    for (const auto &t : g.initializer())
      importInitializer(t);
    size_t index = 0;
    for (const auto &n : g.node())
      importNode(n, index++);
    SmallVector<Value> results;
    for (const auto &vi : g.output()) {
      auto it = values.find(vi.name());
      if (it == values.end())
        fail(fileLoc, path + ": graph output '" + vi.name() +
                          "' is not produced by any node");
      results.push_back(it->second.value);
    }
    func::ReturnOp::create(b, fileLoc, results);
    func.setType(b.getFunctionType(argTypes, ValueRange(results).getTypes()));
    for (size_t i = 0; i < (size_t)g.output_size(); ++i)
      func.setResultAttr(i, "tfc.onnx_name",
                         b.getStringAttr(g.output(i).name()));
    return module;
  } catch (const ImportError &e) {
    emitError(e.loc) << e.message;
    return nullptr;
  }
}

} // namespace

OwningOpRef<ModuleOp>
mlir::tfc::importOnnxModel(MLIRContext *ctx, const OnnxModelFile &file,
                           const OnnxImportOptions &options) {
  ctx->loadDialect<arith::ArithDialect, func::FuncDialect,
                   linalg::LinalgDialect, tensor::TensorDialect,
                   tfm::TfmDialect>();
  Importer importer(ctx, file, options);
  return importer.run();
}

OwningOpRef<ModuleOp>
mlir::tfc::importOnnxModel(MLIRContext *ctx, StringRef path,
                           const OnnxImportOptions &options) {
  std::string error;
  std::unique_ptr<OnnxModelFile> file = OnnxModelFile::open(path, error);
  if (!file) {
    emitError(UnknownLoc::get(ctx)) << error;
    return nullptr;
  }
  return importOnnxModel(ctx, *file, options);
}
