//===- Npy.h - Reading and writing NumPy .npy files -------------*- C++ -*-===//
//
// The indexer CLI exchanges tensors with PyTorch programs as .npy files
// (format versions 1.0, 2.0 and 3.0, C order, little-endian). Supported
// dtypes: '<f4' (f32), '<f2' (f16), '<i8' (i64), '<i4' (i32), '|u1' (u8).
//
// NumPy has no bfloat16. A bf16 tensor travels as its raw 16-bit patterns:
// PyTorch writes it with np.save(f, t.view(torch.int16).cpu().numpy()) and
// reads it back with torch.from_numpy(np.load(f)).view(torch.bfloat16). So a
// '<i2' or '<u2' file (also '|V2' / '<V2', what ml_dtypes' bfloat16 saves
// as) is read as BF16, and BF16 is written as '<i2'.
//
// Anything else (Fortran order, big-endian, other dtypes, structured or
// object arrays, a truncated file, a malformed header, trailing bytes)
// throws tritium::Error (InvalidArgument for bad contents, Io when the file
// cannot be opened, read or written) naming the file.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_INDEXER_NPY_H
#define TRITIUM_INDEXER_NPY_H

#include "tritium/Indexer/Inputs.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tritium::indexer {

/// Reads a .npy file.
HostTensor readNpy(const std::string &path);
/// Writes a .npy file (version 1.0 header, 64-byte aligned data; 2.0 if the
/// header would not fit 1.0's 16-bit length).
void writeNpy(const std::string &path, const HostTensor &tensor);
/// Same for a TensorArg in host memory (must be contiguous).
void writeNpy(const std::string &path, const TensorArg &tensor);

/// In-memory forms; `source` names the data in error messages.
HostTensor parseNpy(const std::byte *data, std::size_t size,
                    std::string_view source);
std::vector<std::byte> serializeNpy(const TensorArg &tensor);

/// The .npy descr for a dtype ("<f4", "<i2" for BF16, ...).
std::string_view npyDescr(DType dtype);

} // namespace tritium::indexer

#endif // TRITIUM_INDEXER_NPY_H
