# How Tritium's executables link against LLVM and MLIR.
#
# Debian builds MLIR with LLVM_LINK_LLVM_DYLIB=ON, so its static libMLIR*.a
# archives carry a link dependency on libLLVM.so; mixing them with static LLVM
# archives registers every cl::opt twice and aborts at start-up. There are two
# consistent choices, and each executable takes one of them through
# tritium_link_llvm_mlir():
#   * default: the shared libMLIR.so and libLLVM.so (fast links for development);
#   * TRITIUM_STATIC_TOOLS=ON: every libMLIR*.a plus the static LLVM component
#     libraries from `llvm-config --link-static`, in one link group, so that the
#     binary needs only libc, libstdc++, zlib and zstd and can be carried to a
#     machine without LLVM installed.
# Tritium's own libraries are static and list no LLVM/MLIR link dependencies,
# so the choice is made once, at the executable.

set(TRITIUM_LLVM_COMPONENTS nvptx core passes ipo target targetparser
    bitwriter bitreader irreader linker analysis transformutils support
    frontendopenmp mc asmparser)

if(TRITIUM_STATIC_TOOLS)
  find_program(TRITIUM_LLVM_CONFIG NAMES llvm-config-${LLVM_VERSION_MAJOR} llvm-config
               HINTS ${LLVM_TOOLS_BINARY_DIR} REQUIRED)
  execute_process(
    COMMAND ${TRITIUM_LLVM_CONFIG} --link-static --libfiles ${TRITIUM_LLVM_COMPONENTS}
    OUTPUT_VARIABLE _llvm_libfiles OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
  execute_process(
    COMMAND ${TRITIUM_LLVM_CONFIG} --link-static --system-libs ${TRITIUM_LLVM_COMPONENTS}
    OUTPUT_VARIABLE _llvm_syslibs OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
  separate_arguments(TRITIUM_STATIC_LLVM_LIBS UNIX_COMMAND "${_llvm_libfiles}")
  separate_arguments(TRITIUM_STATIC_SYSTEM_LIBS UNIX_COMMAND "${_llvm_syslibs}")
  file(GLOB TRITIUM_STATIC_MLIR_LIBS "${LLVM_LIBRARY_DIR}/libMLIR*.a")
  # Archives that define main() or pull in a JIT runtime are never wanted.
  list(FILTER TRITIUM_STATIC_MLIR_LIBS EXCLUDE REGEX
       "libMLIR(.*Main|ExecutionEngine.*|.*JitRunner|.*CAPI.*|.*TestDialect.*|.*Python.*)\\.a$")
endif()

if(TRITIUM_STATIC_TOOLS)
  # The archives go at the very end of every link line, after every Tritium
  # library however deep in the dependency graph (CMake appends a target's
  # indirect dependencies after its direct ones, which would put them after a
  # group named in target_link_libraries). Archives contribute only the
  # members something references, so executables that use no LLVM/MLIR are
  # unaffected.
  list(JOIN TRITIUM_STATIC_MLIR_LIBS " " _mlir_archives)
  list(JOIN TRITIUM_STATIC_LLVM_LIBS " " _llvm_archives)
  list(JOIN TRITIUM_STATIC_SYSTEM_LIBS " " _system_libs)
  set(CMAKE_CXX_STANDARD_LIBRARIES
      "-Wl,--start-group ${_mlir_archives} ${_llvm_archives} -Wl,--end-group -Wl,--as-needed ${_system_libs}")
endif()

function(tritium_link_llvm_mlir target)
  if(TRITIUM_STATIC_TOOLS)
    # --as-needed (in the standard libraries above) drops libz3 / libxml2,
    # which llvm-config lists but the components we use never reference.
    target_link_options(${target} PRIVATE -static-libgcc -Wl,--gc-sections -s)
  else()
    target_link_libraries(${target} PRIVATE MLIR LLVM)
  endif()
endfunction()
