//===- tfc-opt.cpp - the mlir-opt of tfc ----------------------------------===//
//
// Parses MLIR, runs tfc and upstream passes or named pipelines, prints MLIR.
// Used by the lit tests and to replay any step of `tfc compile`.
//
//===----------------------------------------------------------------------===//

#include "tfc/Pipelines/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::tfc::registerTfcDialects(registry);
  mlir::tfc::registerTfcPasses();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "tfc optimizer driver (tfm dialect and passes)\n", registry));
}
