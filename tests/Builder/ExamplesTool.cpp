//===- ExamplesTool.cpp - Print the builder's example kernels -------------===//
//
// tritium-builder-examples --kernel=NAME [--twin] [--locations]: builds one
// example kernel (with --twin: the builder twin of a corpus kernel) with the
// C++ kernel builder and prints its Triton IR, for FileCheck. --list prints
// the names. Exit 1 with the builder's message on an error.
//
//===----------------------------------------------------------------------===//

#include "Examples.h"

#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

using namespace tritium::builder;

int main(int argc, char **argv) {
  std::string kernel;
  bool locations = false, list = false, twin = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--kernel=", 0) == 0)
      kernel = arg.substr(std::strlen("--kernel="));
    else if (arg == "--locations")
      locations = true;
    else if (arg == "--list")
      list = true;
    else if (arg == "--twin")
      twin = true;
    else {
      std::cerr << "usage: tritium-builder-examples --kernel=NAME [--twin] "
                   "[--locations] | --list [--twin]\n";
      return 2;
    }
  }
  const std::vector<examples::Example> &kernels =
      twin ? examples::corpusTwins() : examples::allExamples();
  for (const examples::Example &example : kernels) {
    if (list) {
      std::cout << example.name << "\n";
      continue;
    }
    if (example.name != kernel)
      continue;
    try {
      KernelBuilder kb(example.name);
      example.build(kb);
      std::cout << kb.tritonIR(locations);
      return 0;
    } catch (const tritium::Error &error) {
      std::cerr << "error: " << error.what() << "\n";
      return 1;
    }
  }
  if (list)
    return 0;
  std::cerr << "error: no example kernel named '" << kernel
            << "' (--list shows them)\n";
  return 1;
}
