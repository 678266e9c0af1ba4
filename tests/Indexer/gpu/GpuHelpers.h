//===- GpuHelpers.h - Running the Indexer on device copies of host data ---===//
//
// The GPU tests and the CLI's checks do the same thing: upload seeded host
// inputs, poison device outputs, run, download, compare with the CPU
// reference. DeviceProblem holds the device side of one such problem.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_TESTS_INDEXER_GPU_GPUHELPERS_H
#define TRITIUM_TESTS_INDEXER_GPU_GPUHELPERS_H

#include "tritium/Indexer/Indexer.h"
#include "tritium/Indexer/Inputs.h"
#include "tritium/Indexer/Reference.h"
#include "tritium/Runtime/Driver.h"

#include <optional>

namespace tritium::indexer::test {

/// Device memory for one tensor, described as a TensorArg.
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

} // namespace tritium::indexer::test

#endif // TRITIUM_TESTS_INDEXER_GPU_GPUHELPERS_H
