#!/usr/bin/env python3
# The corpus entry matmul_large: the corpus' matmul kernel (gen_corpus.py) at a
# size that fills an H100, M = N = K = 4096 in fp16 with fp32 accumulation,
# in the block configuration Triton's matmul tutorial tries first on Hopper
# (128 x 256 x 64 tiles, 8 warps, 3 stages).
#
# Run on a machine with a GPU, PyTorch and Triton 3.6, from the repository
# root:
#
#     OUT=/tmp/out python3 tests/corpus/matmul_large/generate.py
#
# It writes $OUT/matmul_large/ with the files every corpus entry has
# (matmul_large.ttir, .py, .json) and Triton's own PTX and TTGIR
# (matmul_large.triton.ptx, .triton.ttgir), then prints Triton's and
# cuBLAS's throughput at this size (median of do_bench, fresh random inputs)
# for this configuration and a few others, for the performance notes.

import json
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.environ.get("OUT", "/tmp/out")
NAME = "matmul_large"
M = N = K = 4096
CONFIG = {"BM": 128, "BN": 256, "BK": 64}
NUM_WARPS, NUM_STAGES = 8, 3

# gen_corpus reads its output folder and options when imported.
work = tempfile.mkdtemp()
os.environ["OUT"] = work
os.environ["CORPUS_ALL_STAGES"] = "1"
sys.path.insert(0, os.path.dirname(HERE))
import gen_corpus as gc  # noqa: E402
import torch  # noqa: E402
import triton  # noqa: E402


def build():
    a = gc.randn((M, K), torch.float16)
    b = gc.randn((K, N), torch.float16)
    c = gc.zeros((M, N), torch.float16)
    return gc.spec(
        gc.matmul, (M // CONFIG["BM"], N // CONFIG["BN"]),
        [gc.T("a_ptr", a), gc.T("b_ptr", b), gc.T("c_ptr", c, "out"),
         gc.S("M", M), gc.S("N", N), gc.S("K", K),
         gc.S("sam", a.stride(0)), gc.S("sak", a.stride(1)),
         gc.S("sbk", b.stride(0)), gc.S("sbn", b.stride(1)),
         gc.S("scm", c.stride(0)), gc.S("scn", c.stride(1))],
        CONFIG, num_warps=NUM_WARPS, num_stages=NUM_STAGES,
        check=lambda: gc.verdict(gc.cmp("c", c.float(), a.float() @ b.float(),
                                        atol=0.5, rtol=1e-2)))


def tflops(ms):
    return 2.0 * M * N * K / (ms * 1e-3) / 1e12


def bench():
    torch.manual_seed(1)
    a = torch.randn((M, K), device="cuda", dtype=torch.float16)
    b = torch.randn((K, N), device="cuda", dtype=torch.float16)
    c = torch.empty((M, N), device="cuda", dtype=torch.float16)
    rows = []
    for (bm, bn, bk, warps, stages) in [(128, 256, 64, 8, 3), (128, 128, 64, 4, 4),
                                        (128, 128, 64, 8, 3), (128, 128, 32, 4, 3)]:
        grid = (M // bm, N // bn)

        def run():
            gc.matmul[grid](a, b, c, M, N, K, a.stride(0), a.stride(1), b.stride(0),
                            b.stride(1), c.stride(0), c.stride(1), BM=bm, BN=bn,
                            BK=bk, num_warps=warps, num_stages=stages)
        ms = triton.testing.do_bench(run, warmup=100, rep=500, return_mode="median")
        rows.append((f"triton {bm}x{bn}x{bk} w{warps} s{stages}", ms))
    ms = triton.testing.do_bench(lambda: torch.matmul(a, b, out=c), warmup=100,
                                 rep=500, return_mode="median")
    rows.append(("torch.matmul (cuBLAS)", ms))
    print(f"{'kernel':32} {'ms':>8} {'TFLOP/s':>8}")
    for name, ms in rows:
        print(f"{name:32} {ms:8.4f} {tflops(ms):8.1f}")
    return rows


def main():
    torch.manual_seed(0)
    reference = gc.run_case(NAME, build)
    src = os.path.join(gc.CORPUS, NAME)
    for stage in ("ptx", "ttgir"):
        os.replace(os.path.join(src, f"{NAME}.{stage}"),
                   os.path.join(src, f"{NAME}.triton.{stage}"))
    os.remove(os.path.join(src, f"{NAME}.llir"))
    dest = os.path.join(OUT, NAME)
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(src, dest)
    info = json.load(open(os.path.join(src, f"{NAME}.json")))
    print(f"[{NAME}] reference check: {reference}; Triton shared memory "
          f"{info['metadata']['shared']} bytes; wrote {dest}")
    rows = bench()
    with open(os.path.join(OUT, "triton_bench.json"), "w") as f:
        json.dump({"device": torch.cuda.get_device_name(),
                   "sizes": [M, N, K],
                   "rows": [{"kernel": n, "ms": ms, "tflops": tflops(ms)}
                            for n, ms in rows]}, f, indent=1)


if __name__ == "__main__":
    main()
