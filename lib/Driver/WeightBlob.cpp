//===- WeightBlob.cpp - write the weight blob of a compiled model ---------===//

#include "tfc/Driver/WeightBlob.h"

#include "tfc/Dialect/Tfm/Transforms/Passes.h"

#include "Checksum.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/FileOutputBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include "llvm/Support/MathExtras.h"
#include <cstring>
#include <vector>

using namespace mlir;
using namespace mlir::tfc;

namespace {

/// Checks one `{name, type[, permutation][, panels]}` description (a table
/// entry or a part of one) and returns its type; `what` names it in errors.
FailureOr<RankedTensorType> weightType(DictionaryAttr dict, const Twine &what,
                                       std::string &error) {
  auto name = dict.getAs<StringAttr>("name");
  auto type = dict.getAs<TypeAttr>("type");
  auto tensorType =
      type ? dyn_cast<RankedTensorType>(type.getValue()) : RankedTensorType();
  if (!name || !tensorType || !tensorType.hasStaticShape()) {
    error = (what + " needs a `name` string and a static tensor `type`").str();
    return failure();
  }
  if (tensorType.getElementTypeBitWidth() % 8 != 0) {
    error = (what + ": element type of sub-byte width").str();
    return failure();
  }
  Attribute perm = dict.get("permutation");
  if (perm && !isa<DenseI64ArrayAttr>(perm)) {
    error = (what + ": `permutation` must be an array<i64>").str();
    return failure();
  }
  if (Attribute panels = dict.get("panels")) {
    auto size = dyn_cast<IntegerAttr>(panels);
    if (!size || tensorType.getRank() != 3 ||
        tensorType.getDimSize(2) != size.getInt()) {
      error = (what + ": `panels` must be the integer P of a [N / P, K, P] "
                      "type")
                  .str();
      return failure();
    }
  }
  return tensorType;
}

ArrayRef<int64_t> permutationOf(DictionaryAttr dict) {
  if (auto perm = dict.getAs<DenseI64ArrayAttr>("permutation"))
    return perm.asArrayRef();
  return {};
}

uint64_t byteSize(RankedTensorType type) {
  return type.getNumElements() * (type.getElementTypeBitWidth() / 8);
}

/// Reads the weight `dict` describes into `dst`, as `type`. With `panels`,
/// the (permuted) [K, N] matrix is read into a temporary and cut into its
/// ceil(N / P) column panels [K, P], stored one after the other; the columns
/// past N of the last panel are zeros.
bool readWeight(DictionaryAttr dict, RankedTensorType type,
                WeightSource &source, char *dst, std::string &error) {
  StringRef name = dict.getAs<StringAttr>("name").getValue();
  ArrayRef<int64_t> perm = permutationOf(dict);
  if (!dict.get("panels"))
    return source.read(name, perm, type, dst, error);
  int64_t blocks = type.getDimSize(0), k = type.getDimSize(1),
          p = type.getDimSize(2);
  std::vector<int64_t> stored;
  if (!source.storedShape(name, stored, error))
    return false;
  bool transposed = perm.size() == 2 && perm[0] == 1;
  if (stored.size() != 2 || stored[transposed ? 1 : 0] != k ||
      llvm::divideCeilSigned(stored[transposed ? 0 : 1], p) != blocks) {
    error = "tensor '" + name.str() + "' of shape [" +
            llvm::join(llvm::map_range(
                           stored, [](int64_t d) { return std::to_string(d); }),
                       ", ") +
            "] does not fit " + std::to_string(blocks) + " panels of [" +
            std::to_string(k) + ", " + std::to_string(p) + "]";
    return false;
  }
  int64_t n = stored[transposed ? 0 : 1];
  auto matrix = RankedTensorType::get({k, n}, type.getElementType());
  std::vector<char> tmp(byteSize(matrix));
  if (!source.read(name, perm, matrix, tmp.data(), error))
    return false;
  uint64_t elt = type.getElementTypeBitWidth() / 8;
  uint64_t piece = p * elt, row = n * elt;
  if (n % p != 0) // the padding of the last panel
    std::memset(dst, 0, byteSize(type));
  for (int64_t b = 0; b < blocks; ++b) {
    uint64_t width = std::min<int64_t>(p, n - b * p) * elt;
    for (int64_t r = 0; r < k; ++r)
      std::memcpy(dst + (b * k + r) * piece, tmp.data() + r * row + b * piece,
                  width);
  }
  return true;
}

/// Writes a composite entry: its parts, each read into a temporary,
/// concatenated along `axis` into `dst` (row-major, `type`).
bool writeComposite(DictionaryAttr dict, RankedTensorType type,
                    WeightSource &source, char *dst, const Twine &what,
                    std::string &error) {
  auto parts = dict.getAs<ArrayAttr>("parts");
  auto axisAttr = dict.getAs<IntegerAttr>("axis");
  int64_t rank = type.getRank();
  if (!parts || parts.empty() || !axisAttr || axisAttr.getInt() < 0 ||
      axisAttr.getInt() >= rank) {
    error = (what + " needs a non-empty `parts` array and an `axis` in [0, " +
             Twine(rank) + ")")
                .str();
    return false;
  }
  int64_t axis = axisAttr.getInt();
  // Checked first, so that nothing is read for a malformed entry.
  SmallVector<RankedTensorType> partTypes;
  int64_t axisSize = 0;
  for (auto [i, attr] : llvm::enumerate(parts)) {
    std::string partWhat = (what + " part " + Twine(i)).str();
    auto part = dyn_cast<DictionaryAttr>(attr);
    if (!part) {
      error = partWhat + " is not a dictionary";
      return false;
    }
    FailureOr<RankedTensorType> partType = weightType(part, partWhat, error);
    if (failed(partType))
      return false;
    bool fits = partType->getElementType() == type.getElementType() &&
                partType->getRank() == rank;
    for (int64_t d = 0; fits && d < rank; ++d)
      fits = d == axis || partType->getDimSize(d) == type.getDimSize(d);
    if (!fits) {
      llvm::raw_string_ostream os(error);
      os << partWhat << " of type " << *partType << " does not fit " << type
         << " along axis " << axis;
      return false;
    }
    axisSize += partType->getDimSize(axis);
    partTypes.push_back(*partType);
  }
  if (axisSize != type.getDimSize(axis)) {
    error =
        (what + ": the parts add up to " + Twine(axisSize) + " along axis " +
         Twine(axis) + ", the entry has " + Twine(type.getDimSize(axis)))
            .str();
    return false;
  }
  // Row-major: `outer` blocks, each the parts' slabs side by side.
  uint64_t outer = 1, inner = type.getElementTypeBitWidth() / 8;
  for (int64_t d = 0; d < axis; ++d)
    outer *= type.getDimSize(d);
  for (int64_t d = axis + 1; d < rank; ++d)
    inner *= type.getDimSize(d);
  uint64_t row = type.getDimSize(axis) * inner, column = 0;
  std::vector<char> tmp;
  for (auto [attr, partType] : llvm::zip_equal(parts, partTypes)) {
    auto part = cast<DictionaryAttr>(attr);
    tmp.resize(byteSize(partType));
    if (!readWeight(part, partType, source, tmp.data(), error))
      return false;
    uint64_t slab = partType.getDimSize(axis) * inner;
    for (uint64_t o = 0; o < outer; ++o)
      std::memcpy(dst + o * row + column, tmp.data() + o * slab, slab);
    column += slab;
  }
  return true;
}

} // namespace

namespace {

/// The ELF object around a blob of `bytes` bytes: the header, the blob at
/// kElfDataOffset, then the symbol and string tables and the section
/// headers.
class ElfWrapper {
public:
  static constexpr uint64_t kDataOffset = 64; // right after the header

  explicit ElfWrapper(uint64_t bytes) : bytes(bytes) {
    symtabOffset = llvm::alignTo(kDataOffset + bytes, 8);
    strtabOffset = symtabOffset + 3 * sizeof(llvm::ELF::Elf64_Sym);
    shstrtabOffset = strtabOffset + sizeof(kStrtab);
    shdrOffset = llvm::alignTo(shstrtabOffset + sizeof(kShstrtab), 8);
    total = shdrOffset + kNumSections * sizeof(llvm::ELF::Elf64_Shdr);
  }

  uint64_t totalSize() const { return total; }

  /// Writes everything but the blob into `file` (totalSize() bytes).
  void write(char *file) const {
    using namespace llvm::ELF;
    Elf64_Ehdr eh = {};
    std::memcpy(eh.e_ident, ElfMagic, 4);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
    eh.e_type = ET_REL;
    eh.e_machine = EM_X86_64;
    eh.e_version = EV_CURRENT;
    eh.e_shoff = shdrOffset;
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_shentsize = sizeof(Elf64_Shdr);
    eh.e_shnum = kNumSections;
    eh.e_shstrndx = 4;
    std::memcpy(file, &eh, sizeof(eh));

    Elf64_Sym syms[3] = {};
    syms[1].st_name = 1; // tfc_weights
    syms[1].st_info = (STB_GLOBAL << 4) | STT_OBJECT;
    syms[1].st_shndx = 1;
    syms[1].st_size = bytes;
    syms[2].st_name = 13; // tfc_weights_end
    syms[2].st_info = (STB_GLOBAL << 4) | STT_NOTYPE;
    syms[2].st_shndx = 1;
    syms[2].st_value = bytes;
    std::memcpy(file + symtabOffset, syms, sizeof(syms));
    std::memcpy(file + strtabOffset, kStrtab, sizeof(kStrtab));
    std::memcpy(file + shstrtabOffset, kShstrtab, sizeof(kShstrtab));

    Elf64_Shdr sh[kNumSections] = {};
    sh[1] = section(1, SHT_PROGBITS, SHF_ALLOC, kDataOffset, bytes, 64);
    sh[2] = section(21, SHT_SYMTAB, 0, symtabOffset, sizeof(syms), 8);
    sh[2].sh_link = 3; // names in .strtab
    sh[2].sh_info = 1; // first global symbol
    sh[2].sh_entsize = sizeof(Elf64_Sym);
    sh[3] = section(29, SHT_STRTAB, 0, strtabOffset, sizeof(kStrtab), 1);
    sh[4] = section(37, SHT_STRTAB, 0, shstrtabOffset, sizeof(kShstrtab), 1);
    // No executable stack.
    sh[5] = section(47, SHT_PROGBITS, 0, shstrtabOffset, 0, 1);
    std::memcpy(file + shdrOffset, sh, sizeof(sh));
  }

private:
  static llvm::ELF::Elf64_Shdr section(uint32_t name, uint32_t type,
                                       uint64_t flags, uint64_t offset,
                                       uint64_t size, uint64_t align) {
    llvm::ELF::Elf64_Shdr s = {};
    s.sh_name = name;
    s.sh_type = type;
    s.sh_flags = flags;
    s.sh_offset = offset;
    s.sh_size = size;
    s.sh_addralign = align;
    return s;
  }

  static constexpr unsigned kNumSections = 6;
  static constexpr char kStrtab[] = "\0tfc_weights\0tfc_weights_end";
  // Offsets: 1 .rodata.tfc_weights, 21 .symtab, 29 .strtab, 37 .shstrtab,
  // 47 .note.GNU-stack.
  static constexpr char kShstrtab[] =
      "\0.rodata.tfc_weights\0.symtab\0.strtab\0.shstrtab\0.note.GNU-stack";

  uint64_t bytes, symtabOffset, strtabOffset, shstrtabOffset, shdrOffset, total;
};

} // namespace

FailureOr<BlobInfo> mlir::tfc::writeWeightBlob(ModuleOp module,
                                               WeightSource &source,
                                               StringRef path,
                                               std::string &error,
                                               BlobContainer container) {
  auto table = module->getAttrOfType<ArrayAttr>(tfm::kWeightTableAttrName);
  auto bytes = module->getAttrOfType<IntegerAttr>(tfm::kWeightBytesAttrName);
  if (!table || !bytes) {
    error = "the module has no weight table (run --tfm-bind-weights)";
    return failure();
  }
  BlobInfo info;
  info.bytes = bytes.getInt();
  // An empty blob still gets one byte so that the file can be mapped.
  uint64_t blobBytes = std::max<uint64_t>(info.bytes, 1);
  std::optional<ElfWrapper> elf;
  if (container == BlobContainer::ElfObjectX86_64)
    elf.emplace(blobBytes);
  auto buffer =
      llvm::FileOutputBuffer::create(path, elf ? elf->totalSize() : blobBytes);
  if (!buffer) {
    error = "cannot create " + path.str() + ": " +
            llvm::toString(buffer.takeError());
    return failure();
  }
  char *file = reinterpret_cast<char *>((*buffer)->getBufferStart());
  if (elf)
    elf->write(file);
  char *base = elf ? file + ElfWrapper::kDataOffset : file;
  // FileOutputBuffer starts zeroed (a truncated file or fresh anonymous
  // memory), so the alignment gaps between entries are zeros already;
  // writing them would touch every page of the blob once more.
  for (auto [i, entry] : llvm::enumerate(table)) {
    std::string what = "tfm.weight_table entry " + std::to_string(i);
    auto dict = dyn_cast<DictionaryAttr>(entry);
    auto offset = dict ? dict.getAs<IntegerAttr>("offset") : IntegerAttr();
    auto type = dict ? dict.getAs<TypeAttr>("type") : TypeAttr();
    auto tensorType =
        type ? dyn_cast<RankedTensorType>(type.getValue()) : RankedTensorType();
    if (!offset || !tensorType || !tensorType.hasStaticShape() ||
        tensorType.getElementTypeBitWidth() % 8 != 0) {
      error = "malformed " + what +
              ": needs an integer `offset` and a static tensor `type`";
      return failure();
    }
    if (offset.getInt() < 0 ||
        offset.getInt() + byteSize(tensorType) > info.bytes) {
      error = what + " lies outside the " + std::to_string(info.bytes) +
              "-byte blob";
      return failure();
    }
    char *dst = base + offset.getInt();
    if (dict.get("parts")) {
      if (!writeComposite(dict, tensorType, source, dst, what, error))
        return failure();
      continue;
    }
    FailureOr<RankedTensorType> weight = weightType(dict, what, error);
    if (failed(weight))
      return failure();
    if (!readWeight(dict, tensorType, source, dst, error))
      return failure();
  }
  info.checksum = tfcrtChecksum(base, info.bytes);
  if (llvm::Error e = (*buffer)->commit()) {
    error = "cannot write " + path.str() + ": " + llvm::toString(std::move(e));
    return failure();
  }
  return info;
}
