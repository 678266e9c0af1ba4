//===- DeviceProblem.h - Device copies of an indexer problem ----*- C++ -*-===//
//
// What every checker of the Indexer does: upload seeded host inputs,
// allocate device outputs of the host outputs' shapes, poison them, run,
// download, compare with the CPU reference. DeviceProblem holds the device
// side of one such problem; the GPU tests and tritium-indexer share it.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_INDEXER_DEVICEPROBLEM_H
#define TRITIUM_INDEXER_DEVICEPROBLEM_H

#include "tritium/Indexer/Indexer.h"
#include "tritium/Indexer/Inputs.h"
#include "tritium/Runtime/Driver.h"

#include <algorithm>
#include <cstdint>

namespace tritium::indexer {

/// Device memory holding a copy of one host tensor, described as a
/// TensorArg (contiguous, at least 16 bytes so the pointer is never null).
struct DeviceTensor {
  DeviceBuffer buffer;
  TensorArg arg;

  DeviceTensor() = default;
  DeviceTensor(const Device &device, const HostTensor &host) {
    buffer = DeviceBuffer(device, std::max<std::size_t>(host.nbytes(), 16));
    if (host.nbytes())
      buffer.upload(host.bytes(), host.nbytes());
    arg = TensorArg::contiguous(
        reinterpret_cast<void *>(static_cast<std::uintptr_t>(buffer.address())),
        host.dtype(), host.shape());
  }
  void download(HostTensor &host) const {
    if (host.nbytes())
      buffer.download(host.bytes(), host.nbytes());
  }
};

/// The inputs a score kind uses and the three outputs, on the device.
struct DeviceProblem {
  DeviceTensor q, centroids, codebook, keys;
  DeviceTensor sparseList, sparseLen, weights;

  DeviceProblem(const Device &device, const HostInputs &in,
                const HostOutputs &outShapes) {
    auto upload = [&](DeviceTensor &dst, const HostTensor &src) {
      if (!src.empty())
        dst = DeviceTensor(device, src);
    };
    upload(q, in.q);
    upload(centroids, in.centroids);
    upload(codebook, in.codebook);
    upload(keys, in.keys);
    upload(sparseList, outShapes.sparseList);
    upload(sparseLen, outShapes.sparseLen);
    upload(weights, outShapes.weights);
  }
  IndexerInputs inputs() const {
    return {q.arg, centroids.arg, codebook.arg, keys.arg};
  }
  IndexerOutputs outputs() const {
    return {sparseList.arg, sparseLen.arg, weights.arg};
  }
  /// Every output byte 0xFF, so a run that leaves an element unwritten
  /// shows as a mismatch (and sparse_len as -1).
  void poisonOutputs() {
    sparseList.buffer.fillBytes(0xFF);
    sparseLen.buffer.fillBytes(0xFF);
    weights.buffer.fillBytes(0xFF);
  }
  void download(HostOutputs &out) const {
    sparseList.download(out.sparseList);
    sparseLen.download(out.sparseLen);
    weights.download(out.weights);
  }
};

} // namespace tritium::indexer

#endif // TRITIUM_INDEXER_DEVICEPROBLEM_H
