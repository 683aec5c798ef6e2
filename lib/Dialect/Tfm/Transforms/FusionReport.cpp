//===- FusionReport.cpp - fusion remarks ----------------------------------===//

#include "tfc/Dialect/Tfm/Transforms/FusionReport.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace mlir::tfm;

void FusionReport::fused(Location loc, StringRef pattern) {
  ++fusedCount;
  if (enabled)
    emitRemark(loc) << "fusion " << pattern << ": fused";
}

void FusionReport::nearMiss(Location loc, StringRef pattern,
                            const Twine &reason) {
  ++nearMissCount;
  if (enabled)
    emitRemark(loc) << "fusion " << pattern << ": near miss: " << reason;
}

bool mlir::tfm::parseFusionRemark(StringRef text, StringRef &pattern,
                                  StringRef &reason) {
  if (!text.consume_front("fusion "))
    return false;
  auto [name, rest] = text.split(": ");
  if (name.empty() || rest.empty())
    return false;
  pattern = name;
  reason = "";
  if (rest == "fused")
    return true;
  return rest.consume_front("near miss: ") && !(reason = rest).empty();
}
