#!/usr/bin/env python3
"""Triton's launch overhead, measured as tools/tritium-bench measures Tritium's.

Same kernel (tests/corpus/vector_add: x_ptr, y_ptr, out_ptr, n, BLOCK=1024),
same arguments (n = 1024, one program), same loops, host time only:
  back to back   N launches through the @triton.jit dispatcher, then one sync
  launch + sync  N/10 iterations of one launch and torch.cuda.synchronize()
each repeated R times, median reported.

Run on the GPU machine (Triton 3.6 + PyTorch), beside tritium-bench in the
same session, so both numbers come from the same card:
    python3 scripts/bench_triton_launch.py [--launches N] [--repeats R] [--json]
"""

import argparse
import json
import statistics
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--launches", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    try:
        import torch
        import triton
        import triton.language as tl
    except ImportError as error:
        print(f"bench_triton_launch: needs triton and torch: {error}", file=sys.stderr)
        return 2
    if not torch.cuda.is_available():
        print("bench_triton_launch: no CUDA device", file=sys.stderr)
        return 2

    @triton.jit
    def vector_add(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
        pid = tl.program_id(0)
        offs = pid * BLOCK + tl.arange(0, BLOCK)
        m = offs < n
        tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=m) + tl.load(y_ptr + offs, mask=m), mask=m)

    n = 1024
    x = torch.zeros(n, device="cuda", dtype=torch.float32)
    y = torch.zeros(n, device="cuda", dtype=torch.float32)
    out = torch.empty(n, device="cuda", dtype=torch.float32)
    grid = (1,)
    vector_add[grid](x, y, out, n, BLOCK=1024)  # compile, load
    torch.cuda.synchronize()

    back_to_back, launch_sync = [], []
    for _ in range(args.repeats):
        start = time.perf_counter()
        for _ in range(args.launches):
            vector_add[grid](x, y, out, n, BLOCK=1024)
        back_to_back.append((time.perf_counter() - start) / args.launches * 1e6)
        torch.cuda.synchronize()

        iterations = args.launches // 10
        start = time.perf_counter()
        for _ in range(iterations):
            vector_add[grid](x, y, out, n, BLOCK=1024)
            torch.cuda.synchronize()
        launch_sync.append((time.perf_counter() - start) / iterations * 1e6)

    # Bursts short enough never to fill the driver's launch queue: the host
    # cost alone (as tritium-bench's "bursts of 200").
    bursts = []
    for _ in range(max(1, args.launches // 200)):
        start = time.perf_counter()
        for _ in range(200):
            vector_add[grid](x, y, out, n, BLOCK=1024)
        bursts.append((time.perf_counter() - start) / 200 * 1e6)
        torch.cuda.synchronize()

    result = {
        "burst_us": statistics.median(bursts),
        "device": torch.cuda.get_device_name(0),
        "triton": triton.__version__,
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "kernel": "vector_add",
        "launches": args.launches,
        "back_to_back_us": statistics.median(back_to_back),
        "launch_sync_us": statistics.median(launch_sync),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"triton {result['triton']}, torch {result['torch']}, {result['device']}")
        print("warm launch, host time per launch (vector_add, 1 program, median of repeats)")
        print(f"  {'triton, bursts of 200 (host)':34} {result['burst_us']:8.2f} us")
        print(f"  {'triton back to back':34} {result['back_to_back_us']:8.2f} us")
        print(f"  {'triton launch + sync':34} {result['launch_sync_us']:8.2f} us")
    return 0


if __name__ == "__main__":
    sys.exit(main())
