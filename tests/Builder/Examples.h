//===- Examples.h - Kernels written with the C++ kernel builder -*- C++ -*-===//
//
// Each function writes one kernel with tritium::builder into `kb`; the tests
// FileCheck their Triton IR (through tritium-builder-examples) and compile
// every one to PTX.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_TESTS_BUILDER_EXAMPLES_H
#define TRITIUM_TESTS_BUILDER_EXAMPLES_H

#include "tritium/Builder/KernelBuilder.h"

#include <functional>
#include <string>
#include <vector>

namespace tritium::builder::examples {

struct Example {
  std::string name;
  std::function<void(KernelBuilder &)> build;
};

/// Every example kernel, in a stable order.
const std::vector<Example> &allExamples();

/// Builder versions of kernels of the Triton corpus (tests/corpus), written
/// line by line after their Python source with the corpus's constexprs;
/// each is named as its corpus kernel.
const std::vector<Example> &corpusTwins();

} // namespace tritium::builder::examples

#endif // TRITIUM_TESTS_BUILDER_EXAMPLES_H
