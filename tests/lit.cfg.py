# -*- Python -*-
# lit configuration for Tritium's IR tests (FileCheck, --verify-diagnostics).
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "Tritium"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".ttir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.tritium_obj_root, "tests")
# Python sources of the corpus and the unit tests are not lit tests.
config.excludes = ["unit", "utils", "CMakeLists.txt", "lit.cfg.py",
                   "lit.site.cfg.py", "gen_corpus.py"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%tritium_src", config.tritium_src_root))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

tool_dirs = [config.tritium_tools_dir, config.llvm_tools_dir]
tools = ["tritium-opt", "tritiumc"]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# FileCheck, not, split-file and friends come from LLVM's tools directory.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.tritium_tools_dir, append_path=True)

# ptxas from the CUDA toolkit assembles the PTX we emit, where it is present.
_ptxas = os.path.join(os.environ.get("CUDA_HOME", "/usr/local/cuda"), "bin", "ptxas")
if os.path.exists(_ptxas):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", _ptxas))
    config.ptxas_path = _ptxas
else:
    lit_config.note("ptxas not found: PTX assembly checks are skipped")

# The fake CUDA driver (tests/Runtime/FakeCuda.h): tools that need a driver
# load, compile and "launch" against it on machines without a GPU.
_fake_cuda = os.path.join(config.tritium_obj_root, "tests", "Runtime",
                          "libtritium-fake-cuda.so")
if os.path.exists(_fake_cuda):
    config.available_features.add("fake-cuda")
    config.substitutions.append(("%fake_cuda", _fake_cuda))
