//===- main.cpp - tritium-tune: tune config spaces, store the winners -----===//
//
// The command line lives in TuneCli.cpp; this file supplies what it cannot
// know by itself: the targets this build can tune and the cache root.
//
// Adding targets: builtinTargets() below is the one place. The indexer's
// benchmark cases (kernels/indexer, Spec.h benchmarkCases()) are to be
// appended there, one TuneTarget per case name ("seed-pq-32k", ...), each
// opening one TuneSession per kernel of the case with the kernel's shipped
// config space, its TuningKey and a Benchmarker on the runtime that
// launches it on the case's seeded inputs. Until then the tool checks
// config spaces (--space) and lists no targets.
//
//===----------------------------------------------------------------------===//

#include "TuneCli.h"

#include "tritium/Runtime/Error.h"

#include <iostream>
#include <unistd.h>

#ifdef TRITIUM_TUNE_HAVE_RUNTIME
#include "tritium/Runtime/Cache.h"
#endif

using namespace tritium::tune::cli;

namespace {

std::vector<TuneTarget> builtinTargets() {
  std::vector<TuneTarget> targets;
  // Hookup point: the indexer's benchmark cases go here.
  return targets;
}

std::filesystem::path cacheRoot() {
#ifdef TRITIUM_TUNE_HAVE_RUNTIME
  return tritium::cacheRootDirectory();
#else
  throw tritium::Error(tritium::Error::Kind::Unsupported,
                       "this tritium-tune was built without the runtime; "
                       "pass --cache-dir DIR");
#endif
}

} // namespace

int main(int argc, char **argv) {
  CliContext context{.targets = builtinTargets(),
                     .targetsNote = "the indexer's benchmark cases are not "
                                    "hooked up in this build yet",
                     .defaultCacheRoot = cacheRoot,
                     .out = std::cout,
                     .err = std::cerr,
                     .progressBar = ::isatty(STDERR_FILENO) != 0};
  std::vector<std::string> args(argv + 1, argv + argc);
  return runTuneCli(args, context);
}
