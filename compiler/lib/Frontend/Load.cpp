//===- Load.cpp - Read Triton IR into a verified module -------------------===//

#include "tritium/Frontend/Load.h"

#include "tritium/Dialect/Triton/IR/Dialect.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

/// Deeper nesting than any real kernel has; MLIR's parser recurses per level
/// and overflows the stack long before the input runs out (found by fuzzing).
static constexpr int kMaxNestingDepth = 256;

/// Finds the first place where brackets nest deeper than kMaxNestingDepth,
/// outside string literals and comments. Each bracket kind is counted on its
/// own so that the `>` of `->` cannot hide nesting of another kind.
static std::optional<size_t> findExcessiveNesting(StringRef text) {
  int paren = 0, square = 0, brace = 0, angle = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i)
        if (text[i] == '\\')
          ++i;
      continue;
    }
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      i = text.find('\n', i);
      if (i == StringRef::npos)
        break;
      continue;
    }
    switch (c) {
    case '(': ++paren; break;
    case ')': paren = std::max(0, paren - 1); break;
    case '[': ++square; break;
    case ']': square = std::max(0, square - 1); break;
    case '{': ++brace; break;
    case '}': brace = std::max(0, brace - 1); break;
    case '<': ++angle; break;
    case '>':
      if (i == 0 || text[i - 1] != '-')
        angle = std::max(0, angle - 1);
      break;
    default: break;
    }
    if (paren + square + brace + angle > kMaxNestingDepth)
      return i;
  }
  return std::nullopt;
}

OwningOpRef<ModuleOp> tritium::parseModule(llvm::SourceMgr &sourceMgr,
                                           MLIRContext &context) {
  const llvm::MemoryBuffer *buffer =
      sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
  Location fileLoc =
      FileLineColLoc::get(&context, buffer->getBufferIdentifier(), 1, 1);

  // MLIR would read an empty buffer as an empty module; as a kernel source it
  // is a mistake (a failed dump, a wrong path), so say so.
  if (buffer->getBuffer().trim().empty()) {
    emitError(fileLoc) << "the input is empty: expected Triton IR holding a "
                          "tt.func kernel";
    return nullptr;
  }

  if (std::optional<size_t> offset =
          findExcessiveNesting(buffer->getBuffer())) {
    auto [line, column] = sourceMgr.getLineAndColumn(
        llvm::SMLoc::getFromPointer(buffer->getBufferStart() + *offset));
    emitError(FileLineColLoc::get(&context, buffer->getBufferIdentifier(),
                                  line, column))
        << "brackets nest more than " << kMaxNestingDepth
        << " levels deep here; this is not Triton IR";
    return nullptr;
  }

  ParserConfig config(&context, /*verifyAfterParse=*/true);
  return parseSourceFile<ModuleOp>(sourceMgr, config);
}

LogicalResult tritium::checkTritonKernels(ModuleOp module) {
  bool hasKernel = false;
  for (auto func : module.getOps<triton::FuncOp>()) {
    if (!func.isPublic() || func.isExternal())
      continue;
    if (func.getFunctionType().getNumResults() != 0) {
      func.emitError() << "kernel '" << func.getName()
                       << "' must not return values; make it private if it "
                          "is a device function";
      return failure();
    }
    hasKernel = true;
  }
  if (!hasKernel)
    return emitError(module.getLoc())
           << "no kernel found: expected a public tt.func with a body";
  return success();
}

OwningOpRef<ModuleOp> tritium::loadTritonIR(llvm::SourceMgr &sourceMgr,
                                            MLIRContext &context) {
  OwningOpRef<ModuleOp> module = parseModule(sourceMgr, context);
  if (!module || failed(checkTritonKernels(*module)))
    return nullptr;
  return module;
}
