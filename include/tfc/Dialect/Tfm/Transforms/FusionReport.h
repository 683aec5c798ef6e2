//===- FusionReport.h - what the fusion passes matched and missed -*- C++
//-*-===//
//
// Every fusion pass reports, when its `report` option is set, one remark per
// rewrite and one per near miss, at the location of the op concerned:
//
//   fusion <pattern>: fused
//   fusion <pattern>: near miss: <reason>
//
// A near miss is a chain that starts like the pattern (its anchor op
// matched) but fails a later condition, e.g. "mask is not causal". Passes
// find near misses after rewriting, by running their matchers once more on
// the anchors that are left, so that each is reported exactly once.
// `tfc compile --fusion-report` collects the remarks into a table;
// lit tests check them with -verify-diagnostics.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_DIALECT_TFM_TRANSFORMS_FUSIONREPORT_H
#define TFC_DIALECT_TFM_TRANSFORMS_FUSIONREPORT_H

#include "mlir/IR/Location.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"

namespace mlir::tfm {

class FusionReport {
public:
  explicit FusionReport(bool enabled) : enabled(enabled) {}

  /// Records one rewrite by `pattern` at `loc`.
  void fused(Location loc, llvm::StringRef pattern);
  /// Records a chain at `loc` that `pattern` did not rewrite, and why.
  void nearMiss(Location loc, llvm::StringRef pattern,
                const llvm::Twine &reason);

  unsigned numFused() const { return fusedCount; }
  unsigned numNearMisses() const { return nearMissCount; }

private:
  bool enabled;
  unsigned fusedCount = 0;
  unsigned nearMissCount = 0;
};

/// Parses a fusion remark; returns false for any other diagnostic text.
/// `reason` is empty for a rewrite.
bool parseFusionRemark(llvm::StringRef text, llvm::StringRef &pattern,
                       llvm::StringRef &reason);

} // namespace mlir::tfm

#endif // TFC_DIALECT_TFM_TRANSFORMS_FUSIONREPORT_H
