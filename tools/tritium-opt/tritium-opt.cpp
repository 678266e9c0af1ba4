//===- tritium-opt.cpp - Run any Tritium pass on a .mlir / .ttir file -----===//

#include "tritium/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  tritium::registerAllDialects(registry);
  tritium::registerAllPasses();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "Tritium optimizer driver\n", registry));
}
