//===- NpyTest.cpp - .npy reading and writing, and bad files --------------===//

#include "Helpers.h"

#include "tritium/Indexer/Npy.h"

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace tritium;
using namespace tritium::indexer;
using namespace tritium::indexer::test;

namespace {

std::vector<std::byte> toBytes(const std::string &text) {
  std::vector<std::byte> bytes(text.size());
  std::memcpy(bytes.data(), text.data(), text.size());
  return bytes;
}

/// A .npy file as NumPy writes it: magic, version, length, dict padded with
/// spaces to a multiple of 64 bytes and ended by '\n', then the data.
std::string npyFile(const std::string &dict, const std::string &data,
                    int major = 1) {
  const std::size_t preamble = major == 1 ? 10 : 12;
  std::string header = dict;
  std::size_t total = preamble + header.size() + 1;
  header.append((total + 63) / 64 * 64 - total, ' ');
  header.push_back('\n');
  std::string out = "\x93NUMPY";
  out.push_back(static_cast<char>(major));
  out.push_back(0);
  for (std::size_t i = 0; i < preamble - 8; ++i)
    out.push_back(static_cast<char>((header.size() >> (8 * i)) & 0xFF));
  return out + header + data;
}

HostTensor parse(const std::string &file) {
  std::vector<std::byte> bytes = toBytes(file);
  return parseNpy(bytes.data(), bytes.size(), "test.npy");
}

std::string floats(std::initializer_list<float> values) {
  std::string data(values.size() * 4, '\0');
  std::memcpy(data.data(), values.begin(), data.size());
  return data;
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("tritium-npy-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string file(const char *name) const { return (path / name).string(); }
};

} // namespace

TEST_CASE("writes exactly what NumPy writes", "[npy]") {
  HostTensor t(DType::F32, {2, 3});
  for (int i = 0; i < 6; ++i)
    t.data<float>()[i] = static_cast<float>(i) * 0.5f;
  std::vector<std::byte> bytes = serializeNpy(t.arg());
  std::string expected =
      npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
              floats({0, 0.5f, 1, 1.5f, 2, 2.5f}));
  REQUIRE(bytes.size() == expected.size());
  CHECK(std::memcmp(bytes.data(), expected.data(), bytes.size()) == 0);
  CHECK(bytes.size() == 128 + 24); // data at offset 128
}

TEST_CASE("reads files as NumPy writes them, versions 1, 2 and 3", "[npy]") {
  for (int major : {1, 2, 3}) {
    CAPTURE(major);
    HostTensor t = parse(
        npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }",
                floats({1, -2, 3.5f}), major));
    CHECK(t.dtype() == DType::F32);
    CHECK(t.shape() == std::vector<int64_t>{3});
    CHECK(t.data<float>()[2] == 3.5f);
  }
  // Key order and quoting vary between writers; Python 2 wrote 3L.
  HostTensor t = parse(npyFile(
      "{\"shape\": (1L, 2L), \"fortran_order\": False, \"descr\": \"<i8\"}",
      std::string(16, '\x01')));
  CHECK(t.dtype() == DType::I64);
  CHECK(t.shape() == std::vector<int64_t>{1, 2});
  CHECK(t.data<int64_t>()[1] == 0x0101010101010101);
}

TEST_CASE("round trips of every dtype through files", "[npy]") {
  TempDir dir;
  struct Case {
    DType dtype;
    std::vector<int64_t> shape;
  };
  for (const Case &c :
       {Case{DType::F32, {2, 3, 4}}, Case{DType::F16, {5}},
        Case{DType::BF16, {1, 32, 1, 8}}, Case{DType::I64, {2, 2}},
        Case{DType::I32, {7, 1}}, Case{DType::U8, {1, 5, 2, 2}},
        Case{DType::F32, {}}, Case{DType::I64, {3, 0}}}) {
    CAPTURE(dtypeName(c.dtype), c.shape.size());
    HostTensor t(c.dtype, c.shape);
    for (std::size_t i = 0; i < t.nbytes(); ++i)
      t.bytes()[i] = static_cast<std::byte>(i * 37 + 11);
    std::string path = dir.file("t.npy");
    writeNpy(path, t);
    HostTensor back = readNpy(path);
    CHECK(back.dtype() == c.dtype);
    CHECK(back.shape() == c.shape);
    REQUIRE(back.nbytes() == t.nbytes());
    CHECK(std::memcmp(back.bytes(), t.bytes(), t.nbytes()) == 0);
    // In memory too.
    std::vector<std::byte> bytes = serializeNpy(t.arg());
    HostTensor parsed = parseNpy(bytes.data(), bytes.size(), "memory");
    CHECK(parsed.shape() == c.shape);
  }
}

TEST_CASE("bf16 travels as 16-bit integers", "[npy]") {
  CHECK(npyDescr(DType::BF16) == "<i2");
  HostTensor t(DType::BF16, {2});
  std::vector<std::byte> bytes = serializeNpy(t.arg());
  std::string text(reinterpret_cast<const char *>(bytes.data()), 60);
  CHECK(text.find("'descr': '<i2'") != std::string::npos);
  // tensor.view(torch.int16).numpy() gives '<i2'; uint16 views and
  // ml_dtypes' bfloat16 ('|V2') read as bf16 too.
  for (const char *descr : {"<i2", "<u2", "|V2", "<V2"}) {
    CAPTURE(descr);
    HostTensor back =
        parse(npyFile(std::string("{'descr': '") + descr +
                          "', 'fortran_order': False, 'shape': (2,), }",
                      std::string("\x80\x3f\x00\xc0", 4)));
    CHECK(back.dtype() == DType::BF16);
    CHECK(bf16ToFloat(back.data<uint16_t>()[0]) == 1.0f);
    CHECK(bf16ToFloat(back.data<uint16_t>()[1]) == -2.0f);
  }
}

TEST_CASE("bad files are rejected with the file named", "[npy]") {
  const std::string good =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
  const std::string data = floats({1, 2});
  auto rejects = [&](const std::string &file,
                     std::initializer_list<const char *> fragments) {
    std::vector<const char *> all = {"test.npy"};
    all.insert(all.end(), fragments.begin(), fragments.end());
    try {
      parse(file);
      FAIL("accepted a bad file; expected " << *fragments.begin());
    } catch (const Error &error) {
      INFO(error.what());
      CHECK(error.kind() == Error::Kind::InvalidArgument);
      for (const char *fragment : all)
        CHECK(std::string(error.what()).find(fragment) != std::string::npos);
    }
  };
  rejects("", {"not a .npy file"});
  rejects("PK\x03\x04 a zip file", {"not a .npy file"});
  std::string v4 = npyFile(good, data);
  v4[6] = 4;
  rejects(v4, {"unsupported .npy version 4.0"});
  rejects(npyFile(good, data).substr(0, 40), {"truncated header"});
  rejects(npyFile(good, data).substr(0, 9), {"truncated header"});
  rejects(npyFile(good, data.substr(0, 6)),
          {"truncated data: 8 bytes expected, 6 present"});
  rejects(npyFile(good, data + "xx"), {"2 unexpected bytes after"});
  rejects(
      npyFile("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", data),
      {"Fortran-order"});
  rejects(npyFile("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }",
                  data),
          {"big-endian"});
  rejects(npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }",
                  data),
          {"dtype '<f8' is not supported"});
  rejects(
      npyFile("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", data),
      {"dtype '|O' is not supported"});
  rejects(npyFile("{'descr': [('a', '<f4')], 'fortran_order': False, "
                  "'shape': (2,), }",
                  data),
          {"structured"});
  rejects(npyFile("{'descr': '<f4', 'fortran_order': False, }", data),
          {"must have 'descr', 'fortran_order' and 'shape'"});
  rejects(npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), "
                  "'extra': 1}",
                  data),
          {"unexpected header key 'extra'"});
  rejects(npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }",
                  data),
          {"non-negative integers"});
  rejects(
      npyFile("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }", data),
      {"True or False"});
  rejects(npyFile(good + " junk", data), {"unexpected text after"});
  rejects(
      npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)", data),
      {"expected '}'"});
  rejects(npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': "
                  "(99999999999999999999,), }",
                  data),
          {"too large"});
  rejects(npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': "
                  "(4294967296, 4294967296, 4294967296), }",
                  data),
          {"shape too large"});
  rejects(npyFile("{'descr': '<f4\xc3\xa9', 'fortran_order': False, "
                  "'shape': (2,), }",
                  data),
          {"non-ASCII"});
}

TEST_CASE("file errors are Io errors naming the path", "[npy]") {
  TempDir dir;
  try {
    readNpy(dir.file("missing.npy"));
    FAIL("no error");
  } catch (const Error &error) {
    CHECK(error.kind() == Error::Kind::Io);
    CHECK(std::string(error.what()).find("missing.npy") != std::string::npos);
  }
  CHECK_THROWS_AS(readNpy(dir.path.string()), Error);
  HostTensor t(DType::F32, {1});
  try {
    writeNpy(dir.file("no/such/dir/x.npy"), t);
    FAIL("no error");
  } catch (const Error &error) {
    CHECK(error.kind() == Error::Kind::Io);
    CHECK(std::string(error.what()).find("x.npy") != std::string::npos);
  }
  // A bad file on disk: the message names the path.
  std::ofstream(dir.file("bad.npy")) << "\x93NUMPY\x01";
  try {
    readNpy(dir.file("bad.npy"));
    FAIL("no error");
  } catch (const Error &error) {
    CHECK(error.kind() == Error::Kind::InvalidArgument);
    CHECK(std::string(error.what()).find("bad.npy") != std::string::npos);
  }
  // Non-contiguous tensors are not written.
  HostTensor m(DType::F32, {2, 2});
  TensorArg transposed =
      TensorArg::strided(m.bytes(), DType::F32, {2, 2}, {1, 2});
  CHECK_THROWS_AS(serializeNpy(transposed), Error);
}

TEST_CASE("a benchmark case's inputs survive a trip through .npy", "[npy]") {
  TempDir dir;
  IndexerConfig c = findCase("exact-gqa-32k").config;
  c.Sk = 2000;
  HostInputs in = generateInputs(c, {.seed = 8});
  writeNpy(dir.file("q.npy"), in.q);
  writeNpy(dir.file("keys.npy"), in.keys);
  HostInputs back;
  back.q = readNpy(dir.file("q.npy"));
  back.keys = readNpy(dir.file("keys.npy"));
  HostOutputs a = computeReference(c, in);
  HostOutputs b = computeReference(c, back);
  CHECK(std::memcmp(a.sparseList.bytes(), b.sparseList.bytes(),
                    a.sparseList.nbytes()) == 0);
  writeNpy(dir.file("sparse_list.npy"), a.sparseList);
  HostTensor list = readNpy(dir.file("sparse_list.npy"));
  CHECK(list.dtype() == DType::I64);
  CHECK(list.shape() == std::vector<int64_t>{1, 32, c.Lmax()});
}
