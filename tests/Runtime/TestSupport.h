//===- TestSupport.h - Helpers of the runtime tests -------------*- C++ -*-===//

#ifndef TRITIUM_TESTS_RUNTIME_TESTSUPPORT_H
#define TRITIUM_TESTS_RUNTIME_TESTSUPPORT_H

#include "tritium/Runtime/Error.h"

#include <functional>
#include <string>
#include <vector>

namespace tritium::test {

/// A fresh empty folder under $TMPDIR, removed with its contents at scope
/// exit.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  const std::string &path() const { return folder; }

private:
  std::string folder;
};

/// Sets an environment variable for one scope, restoring the old value.
class ScopedEnv {
public:
  ScopedEnv(const char *name, const std::string &value);
  ~ScopedEnv();

private:
  std::string name;
  bool hadValue = false;
  std::string oldValue;
};

std::string readFile(const std::string &path);
void writeFile(const std::string &path, const std::string &contents);
bool fileExists(const std::string &path);
/// Every regular file below `folder` (recursively).
std::vector<std::string> listFiles(const std::string &folder);

/// The corpus kernel NAME: tests/corpus/NAME/NAME.ttir.
std::string corpusPath(const std::string &name);
/// Names of every corpus kernel with a .ttir.
std::vector<std::string> corpusKernels();
/// num_warps from the kernel's launch JSON (4 when it has none).
unsigned corpusNumWarps(const std::string &name);

/// The message of the tritium::Error `body` throws; fails the test if it
/// throws nothing or something else. `kind` is checked too.
std::string errorMessage(const std::function<void()> &body, Error::Kind kind);

/// Runs `body` in a forked child process; returns its exit status (0 when
/// body returned normally, 1 when it threw).
int runInChild(const std::function<void()> &body);

/// A small Triton IR kernel with arguments of several types and no
/// tt.divisibility, for specialisation tests:
///   @scale(%x_ptr: !tt.ptr<f32>, %out_ptr: !tt.ptr<f32>, %n: i32,
///          %stride: i32, %alpha: f32)
std::string scaleKernelIR();

} // namespace tritium::test

#endif // TRITIUM_TESTS_RUNTIME_TESTSUPPORT_H
