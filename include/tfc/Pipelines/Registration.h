//===- Registration.h - what tfc-opt and tfc register -----------*- C++ -*-===//

#ifndef TFC_PIPELINES_REGISTRATION_H
#define TFC_PIPELINES_REGISTRATION_H

namespace mlir {
class DialectRegistry;

namespace tfc {

/// The tfm dialect, the upstream dialects the pipelines produce, and the
/// external interface models those dialects need (bufferization, tiling,
/// value bounds...). Registering exactly these instead of registerAll*
/// keeps the tools small; a missing model would crash a release build.
void registerTfcDialects(DialectRegistry &registry);

/// Every tfc pass, the upstream passes the pipelines use, and the named
/// pipelines.
void registerTfcPasses();

} // namespace tfc
} // namespace mlir

#endif // TFC_PIPELINES_REGISTRATION_H
