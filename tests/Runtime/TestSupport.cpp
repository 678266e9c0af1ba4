//===- TestSupport.cpp - Helpers of the runtime tests ---------------------===//

#include "TestSupport.h"

#include <catch2/catch.hpp>

#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

using namespace tritium;
using namespace tritium::test;

TempDir::TempDir() {
  const char *base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base && *base ? base : "/tmp") + "/tritium-test-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (!mkdtemp(buffer.data()))
    FAIL("mkdtemp failed for " << pattern);
  folder = buffer.data();
}

namespace {
void removeTree(const std::string &path) {
  struct stat info;
  if (lstat(path.c_str(), &info) != 0)
    return;
  if (S_ISDIR(info.st_mode)) {
    if (DIR *dir = opendir(path.c_str())) {
      while (dirent *entry = readdir(dir)) {
        std::string name = entry->d_name;
        if (name != "." && name != "..")
          removeTree(path + "/" + name);
      }
      closedir(dir);
    }
    rmdir(path.c_str());
  } else {
    unlink(path.c_str());
  }
}

void collectFiles(const std::string &path, std::vector<std::string> &out) {
  struct stat info;
  if (lstat(path.c_str(), &info) != 0)
    return;
  if (!S_ISDIR(info.st_mode)) {
    out.push_back(path);
    return;
  }
  if (DIR *dir = opendir(path.c_str())) {
    while (dirent *entry = readdir(dir)) {
      std::string name = entry->d_name;
      if (name != "." && name != "..")
        collectFiles(path + "/" + name, out);
    }
    closedir(dir);
  }
}
} // namespace

TempDir::~TempDir() { removeTree(folder); }

ScopedEnv::ScopedEnv(const char *variable, const std::string &value)
    : name(variable) {
  if (const char *old = std::getenv(variable)) {
    hadValue = true;
    oldValue = old;
  }
  setenv(variable, value.c_str(), 1);
}

ScopedEnv::~ScopedEnv() {
  if (hadValue)
    setenv(name.c_str(), oldValue.c_str(), 1);
  else
    unsetenv(name.c_str());
}

std::string tritium::test::readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void tritium::test::writeFile(const std::string &path,
                              const std::string &contents) {
  std::ofstream out(path, std::ios::binary);
  out << contents;
}

bool tritium::test::fileExists(const std::string &path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

std::vector<std::string> tritium::test::listFiles(const std::string &folder) {
  std::vector<std::string> files;
  collectFiles(folder, files);
  std::sort(files.begin(), files.end());
  return files;
}

std::string tritium::test::corpusPath(const std::string &name) {
  return std::string(TRITIUM_CORPUS_DIR) + "/" + name + "/" + name + ".ttir";
}

std::vector<std::string> tritium::test::corpusKernels() {
  std::vector<std::string> names;
  if (DIR *dir = opendir(TRITIUM_CORPUS_DIR)) {
    while (dirent *entry = readdir(dir)) {
      std::string name = entry->d_name;
      if (name[0] != '.' && fileExists(corpusPath(name)))
        names.push_back(name);
    }
    closedir(dir);
  }
  std::sort(names.begin(), names.end());
  return names;
}

unsigned tritium::test::corpusNumWarps(const std::string &name) {
  std::string json = readFile(std::string(TRITIUM_CORPUS_DIR) + "/" + name +
                              "/" + name + ".json");
  std::smatch match;
  if (std::regex_search(json, match, std::regex("\"num_warps\":\\s*(\\d+)")))
    return unsigned(std::stoul(match[1]));
  return 4;
}

std::string tritium::test::errorMessage(const std::function<void()> &body,
                                        Error::Kind kind) {
  try {
    body();
  } catch (const Error &error) {
    CHECK(int(error.kind()) == int(kind));
    return error.what();
  }
  FAIL("expected a tritium::Error");
  return {};
}

int tritium::test::runInChild(const std::function<void()> &body) {
  pid_t child = fork();
  if (child == 0) {
    int status = 0;
    try {
      body();
    } catch (const std::exception &error) {
      fprintf(stderr, "child %d: %s\n", int(getpid()), error.what());
      status = 1;
    }
    _exit(status);
  }
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string tritium::test::scaleKernelIR() {
  return R"(module {
  tt.func public @scale(%x_ptr: !tt.ptr<f32> loc("x_ptr"), %out_ptr: !tt.ptr<f32> loc("out_ptr"), %n: i32 loc("n"), %stride: i32 loc("stride"), %alpha: f32 loc("alpha")) {
    %c256_i32 = arith.constant 256 : i32
    %pid = tt.get_program_id x : i32
    %base = arith.muli %pid, %c256_i32 : i32
    %range = tt.make_range {end = 256 : i32, start = 0 : i32} : tensor<256xi32>
    %base_t = tt.splat %base : i32 -> tensor<256xi32>
    %offs = arith.addi %base_t, %range : tensor<256xi32>
    %stride_t = tt.splat %stride : i32 -> tensor<256xi32>
    %strided = arith.muli %offs, %stride_t : tensor<256xi32>
    %n_t = tt.splat %n : i32 -> tensor<256xi32>
    %mask = arith.cmpi slt, %offs, %n_t : tensor<256xi32>
    %x_ptrs = tt.splat %x_ptr : !tt.ptr<f32> -> tensor<256x!tt.ptr<f32>>
    %x_addr = tt.addptr %x_ptrs, %strided : tensor<256x!tt.ptr<f32>>, tensor<256xi32>
    %x = tt.load %x_addr, %mask : tensor<256x!tt.ptr<f32>>
    %alpha_t = tt.splat %alpha : f32 -> tensor<256xf32>
    %y = arith.mulf %x, %alpha_t : tensor<256xf32>
    %out_ptrs = tt.splat %out_ptr : !tt.ptr<f32> -> tensor<256x!tt.ptr<f32>>
    %out_addr = tt.addptr %out_ptrs, %offs : tensor<256x!tt.ptr<f32>>, tensor<256xi32>
    tt.store %out_addr, %y, %mask : tensor<256x!tt.ptr<f32>>
    tt.return
  }
}
)";
}
