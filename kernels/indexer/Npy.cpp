//===- Npy.cpp - Reading and writing NumPy .npy files ---------------------===//
//
// The format (numpy/lib/format.py): the magic "\x93NUMPY", a major and minor
// version byte, the header length (2 bytes little-endian in 1.0, 4 bytes in
// 2.0 and 3.0), then the header: a Python dict literal with 'descr',
// 'fortran_order' and 'shape', padded with spaces and ended by '\n' so the
// data starts at a multiple of 64 (16 in old files), then the raw data.
//
//===----------------------------------------------------------------------===//

#include "tritium/Indexer/Npy.h"

#include "tritium/Runtime/Error.h"

#include <bit>
#include <cctype>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>

namespace tritium::indexer {

static_assert(std::endian::native == std::endian::little,
              ".npy data is read and written in the host's byte order, "
              "which must be little-endian");

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicSize = 6;

[[noreturn]] void bad(std::string_view source, const std::string &message) {
  throw Error(Error::Kind::InvalidArgument,
              "npy: " + std::string(source) + ": " + message);
}

[[noreturn]] void ioError(const std::string &path, const std::string &what) {
  throw Error(Error::Kind::Io, "npy: " + path + ": " + what);
}

struct NpyHeader {
  DType dtype;
  std::vector<int64_t> shape;
  std::size_t dataOffset;
};

/// A recursive-descent reader of the header's dict literal. It accepts what
/// NumPy writes (and Python's repr of such a dict), nothing more.
class HeaderParser {
public:
  HeaderParser(std::string_view text, std::string_view source)
      : text(text), source(source) {}

  NpyHeader parse() {
    std::optional<std::string> descr;
    std::optional<bool> fortranOrder;
    std::optional<std::vector<int64_t>> shape;
    expect('{');
    while (true) {
      skipSpace();
      if (peek() == '}') {
        ++pos;
        break;
      }
      std::string key = parseString();
      expect(':');
      if (key == "descr") {
        skipSpace();
        if (peek() != '\'' && peek() != '"')
          fail("'descr' is not a string: structured or sub-array dtypes "
               "are not supported");
        descr = parseString();
      } else if (key == "fortran_order") {
        fortranOrder = parseBool();
      } else if (key == "shape") {
        shape = parseShape();
      } else {
        fail("unexpected header key '" + key + "'");
      }
      skipSpace();
      if (peek() == ',') {
        ++pos;
        continue;
      }
      expect('}');
      break;
    }
    skipSpace();
    if (pos != text.size())
      fail("unexpected text after the header dict");
    if (!descr || !fortranOrder || !shape)
      fail("the header must have 'descr', 'fortran_order' and 'shape'");
    if (*fortranOrder)
      fail("Fortran-order arrays are not supported; save a C-order array "
           "(np.ascontiguousarray / tensor.contiguous())");
    return NpyHeader{dtypeFromDescr(*descr), *shape, 0};
  }

private:
  std::string_view text;
  std::string_view source;
  std::size_t pos = 0;

  [[noreturn]] void fail(const std::string &message) {
    bad(source, "bad header (" + message + "): " + std::string(text));
  }
  char peek() const { return pos < text.size() ? text[pos] : '\0'; }
  void skipSpace() {
    while (pos < text.size() &&
           std::isspace(static_cast<unsigned char>(text[pos])))
      ++pos;
  }
  void expect(char c) {
    skipSpace();
    if (peek() != c)
      fail(std::string("expected '") + c + "'");
    ++pos;
  }
  std::string parseString() {
    skipSpace();
    char quote = peek();
    if (quote != '\'' && quote != '"')
      fail("expected a string");
    std::size_t end = text.find(quote, pos + 1);
    if (end == std::string_view::npos)
      fail("unterminated string");
    std::string value(text.substr(pos + 1, end - pos - 1));
    pos = end + 1;
    return value;
  }
  bool parseBool() {
    skipSpace();
    if (text.substr(pos, 4) == "True") {
      pos += 4;
      return true;
    }
    if (text.substr(pos, 5) == "False") {
      pos += 5;
      return false;
    }
    fail("'fortran_order' must be True or False");
  }
  std::vector<int64_t> parseShape() {
    expect('(');
    std::vector<int64_t> dims;
    while (true) {
      skipSpace();
      if (peek() == ')') {
        ++pos;
        return dims;
      }
      if (!std::isdigit(static_cast<unsigned char>(peek())))
        fail("shape entries must be non-negative integers");
      int64_t value = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) {
        if (value > (std::numeric_limits<int64_t>::max() - 9) / 10)
          fail("shape entry too large");
        value = value * 10 + (text[pos++] - '0');
      }
      if (peek() == 'L') // Python 2's long suffix
        ++pos;
      dims.push_back(value);
      skipSpace();
      if (peek() == ',') {
        ++pos;
        continue;
      }
      expect(')');
      return dims;
    }
  }
  DType dtypeFromDescr(const std::string &descr) {
    if (descr.size() >= 2 && descr[0] == '>' && descr != ">u1" &&
        descr != ">i1")
      fail("big-endian data ('" + descr +
           "') is not supported; use "
           "arr.astype(arr.dtype.newbyteorder('<'))");
    // '<' little-endian, '=' native (little here), '|' not applicable.
    std::string base =
        descr.size() >= 2 && (descr[0] == '<' || descr[0] == '=' ||
                              descr[0] == '|' || descr[0] == '>')
            ? descr.substr(1)
            : descr;
    if (base == "f4")
      return DType::F32;
    if (base == "f2")
      return DType::F16;
    if (base == "i8")
      return DType::I64;
    if (base == "i4")
      return DType::I32;
    if (base == "u1")
      return DType::U8;
    // bfloat16 as raw bits: tensor.view(torch.int16).numpy(), or ml_dtypes'
    // bfloat16, which NumPy saves as a 2-byte void.
    if (base == "i2" || base == "u2" || base == "V2")
      return DType::BF16;
    fail("dtype '" + descr +
         "' is not supported (accepted: <f4, <f2, <i8, "
         "<i4, |u1, and bf16 as <i2 / <u2 / |V2)");
  }
};

NpyHeader parseHeader(const std::byte *data, std::size_t size,
                      std::string_view source) {
  if (size < kMagicSize + 2 || std::memcmp(data, kMagic, kMagicSize) != 0)
    bad(source, "not a .npy file (no \\x93NUMPY magic)");
  const auto major = static_cast<unsigned>(data[6]);
  const auto minor = static_cast<unsigned>(data[7]);
  std::size_t lengthBytes;
  if (major == 1)
    lengthBytes = 2;
  else if (major == 2 || major == 3)
    lengthBytes = 4;
  else
    bad(source, "unsupported .npy version " + std::to_string(major) + "." +
                    std::to_string(minor) + " (1.0, 2.0 and 3.0 are read)");
  if (size < 8 + lengthBytes)
    bad(source, "truncated header");
  std::size_t headerLength = 0;
  for (std::size_t i = 0; i < lengthBytes; ++i)
    headerLength |= static_cast<std::size_t>(data[8 + i]) << (8 * i);
  const std::size_t headerStart = 8 + lengthBytes;
  if (size - headerStart < headerLength)
    bad(source, "truncated header (" + std::to_string(headerLength) +
                    " bytes announced, " + std::to_string(size - headerStart) +
                    " present)");
  std::string_view text(reinterpret_cast<const char *>(data + headerStart),
                        headerLength);
  for (char c : text)
    if (static_cast<unsigned char>(c) >= 0x80 && major < 3)
      bad(source,
          "non-ASCII byte in a version " + std::to_string(major) + " header");
  NpyHeader header = HeaderParser(text, source).parse();
  header.dataOffset = headerStart + headerLength;
  return header;
}

/// numel * itemsize, refusing counts that overflow.
std::size_t dataBytes(const NpyHeader &header, std::string_view source) {
  std::size_t count = 1;
  for (int64_t dim : header.shape) {
    if (dim != 0 && count > (std::numeric_limits<std::size_t>::max() /
                             dtypeSize(header.dtype)) /
                                static_cast<std::size_t>(dim))
      bad(source, "shape too large");
    count *= static_cast<std::size_t>(dim);
  }
  return count * dtypeSize(header.dtype);
}

std::string shapeTuple(const TensorArg &tensor) {
  std::string text = "(";
  for (int i = 0; i < tensor.rank; ++i)
    text += std::to_string(tensor.shape[i]) + (i + 1 < tensor.rank ? ", " : "");
  if (tensor.rank == 1)
    text += ",";
  return text + ")";
}

} // namespace

std::string_view npyDescr(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "<f4";
  case DType::F16:
    return "<f2";
  case DType::BF16:
    return "<i2";
  case DType::I64:
    return "<i8";
  case DType::I32:
    return "<i4";
  case DType::U8:
    return "|u1";
  }
  return "";
}

HostTensor parseNpy(const std::byte *data, std::size_t size,
                    std::string_view source) {
  NpyHeader header = parseHeader(data, size, source);
  const std::size_t bytes = dataBytes(header, source);
  const std::size_t present = size - header.dataOffset;
  if (present < bytes)
    bad(source, "truncated data: " + std::to_string(bytes) +
                    " bytes expected, " + std::to_string(present) + " present");
  if (present > bytes)
    bad(source, std::to_string(present - bytes) +
                    " unexpected bytes after the array data");
  HostTensor tensor(header.dtype, header.shape);
  if (bytes)
    std::memcpy(tensor.bytes(), data + header.dataOffset, bytes);
  return tensor;
}

HostTensor readNpy(const std::string &path) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file)
    ioError(path, "cannot open for reading");
  const std::streamoff end = file.tellg();
  if (end < 0)
    ioError(path, "cannot determine the file size (is it a directory?)");
  const auto fileSize = static_cast<std::size_t>(end);
  file.seekg(0);
  // Read the preamble and header first, then the data straight into the
  // tensor (the big inputs are hundreds of MB; no second copy).
  std::vector<std::byte> head(std::min<std::size_t>(fileSize, 12));
  file.read(reinterpret_cast<char *>(head.data()), head.size());
  if (!file)
    ioError(path, "read failed");
  std::size_t headerEnd = head.size();
  if (head.size() >= 10 && std::memcmp(head.data(), kMagic, kMagicSize) == 0) {
    auto byteAt = [&](std::size_t i) {
      return static_cast<std::size_t>(head[i]);
    };
    if (static_cast<unsigned>(head[6]) == 1)
      headerEnd = 10 + (byteAt(8) | byteAt(9) << 8);
    else if (head.size() >= 12)
      headerEnd = 12 + (byteAt(8) | byteAt(9) << 8 | byteAt(10) << 16 |
                        byteAt(11) << 24);
  }
  headerEnd = std::min(headerEnd, fileSize);
  const std::size_t alreadyRead = head.size();
  head.resize(headerEnd);
  if (headerEnd > alreadyRead) {
    file.read(reinterpret_cast<char *>(head.data() + alreadyRead),
              headerEnd - alreadyRead);
    if (!file)
      ioError(path, "read failed");
  }
  NpyHeader header = parseHeader(head.data(), head.size(), path);
  const std::size_t bytes = dataBytes(header, path);
  const std::size_t present = fileSize - header.dataOffset;
  if (present < bytes)
    bad(path, "truncated data: " + std::to_string(bytes) + " bytes expected, " +
                  std::to_string(present) + " present");
  if (present > bytes)
    bad(path, std::to_string(present - bytes) +
                  " unexpected bytes after the array data");
  HostTensor tensor(header.dtype, header.shape);
  if (bytes) {
    file.seekg(static_cast<std::streamoff>(header.dataOffset));
    file.read(reinterpret_cast<char *>(tensor.bytes()), bytes);
    if (!file)
      ioError(path, "read failed");
  }
  return tensor;
}

namespace {

/// Magic, version, length and the padded header dict: everything before the
/// data.
std::string preambleAndHeader(const TensorArg &tensor) {
  if (!tensor.isContiguous())
    throw Error(Error::Kind::InvalidArgument,
                "npy: only contiguous tensors can be written");
  if (tensor.numel() > 0 && tensor.data == nullptr)
    throw Error(Error::Kind::InvalidArgument,
                "npy: the tensor to write has no data");
  std::string header =
      "{'descr': '" + std::string(npyDescr(tensor.dtype)) +
      "', 'fortran_order': False, 'shape': " + shapeTuple(tensor) + ", }";
  // Pad so that the data starts at a multiple of 64, as NumPy does.
  std::size_t preamble = 10;
  std::size_t total = preamble + header.size() + 1;
  std::size_t padded = (total + 63) / 64 * 64;
  char major = 1;
  if (padded - preamble > 0xFFFF) {
    major = 2;
    preamble = 12;
    total = preamble + header.size() + 1;
    padded = (total + 63) / 64 * 64;
  }
  header.append(padded - total, ' ');
  header.push_back('\n');
  std::string out(kMagic, kMagicSize);
  out.push_back(major);
  out.push_back(0);
  for (std::size_t i = 0; i < preamble - 8; ++i)
    out.push_back(static_cast<char>((header.size() >> (8 * i)) & 0xFF));
  return out + header;
}

} // namespace

std::vector<std::byte> serializeNpy(const TensorArg &tensor) {
  std::string head = preambleAndHeader(tensor);
  std::vector<std::byte> out(head.size() + tensor.nbytes());
  std::memcpy(out.data(), head.data(), head.size());
  if (tensor.nbytes())
    std::memcpy(out.data() + head.size(), tensor.data, tensor.nbytes());
  return out;
}

void writeNpy(const std::string &path, const TensorArg &tensor) {
  std::string head = preambleAndHeader(tensor);
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file)
    ioError(path, "cannot open for writing");
  file.write(head.data(), static_cast<std::streamsize>(head.size()));
  if (tensor.nbytes())
    file.write(static_cast<const char *>(tensor.data),
               static_cast<std::streamsize>(tensor.nbytes()));
  file.close();
  if (!file)
    ioError(path, "write failed");
}

void writeNpy(const std::string &path, const HostTensor &tensor) {
  writeNpy(path, tensor.arg());
}

} // namespace tritium::indexer
