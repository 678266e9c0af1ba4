#!/usr/bin/env python3
"""Run corpus kernels inside Triton with Tritium's PTX substituted for Triton's.

Triton 3.6 lets a user replace any stage of a kernel's compilation with a file
(python/triton/compiler/compiler.py): with TRITON_KERNEL_OVERRIDE=1, after each
stage `compile()` looks for TRITON_OVERRIDE_DIR/<key>/<kernel name>.<stage>
and, when it exists, prints "Overriding kernel with file <path>" and carries
on from that file instead of its own output. <key> is the directory name the
dump switch (TRITON_KERNEL_DUMP=1, TRITON_DUMP_DIR) writes the same kernel's
stages under: both come from the kernel source's hash (ASTSource.hash(): the
function's cache key, its specialisation attributes, signature and
constexprs), not from Triton's version, so a dump run tells the key.

So, per kernel:
  1. run the kernel once in Triton with TRITON_KERNEL_DUMP=1 into a fresh
     dump directory (fresh cache, TRITON_ALWAYS_COMPILE=1); the one
     directory it writes is the key; keep its outputs;
  2. put Tritium's PTX (compiled beforehand by tritiumc from the corpus
     .ttir, see `prepare`) at OVERRIDE_DIR/<key>/<name>.ptx;
  3. run the kernel again on the same inputs with TRITON_KERNEL_OVERRIDE=1;
     Triton then assembles Tritium's PTX with its own ptxas and launches the
     cubin through its own launcher, with its own metadata (grid, num_warps,
     shared memory);
  4. prove the substitution: Triton's message, the PTX in the compiled
     kernel's asm["ptx"] equal byte for byte to Tritium's file (which
     carries a "// Tritium PTX" marker line) and different from Triton's
     own, a different cubin; and check the outputs against PyTorch (float64)
     and against Triton's own run.
Each Triton run is a separate Python process, so nothing is reused from the
first run's in-memory kernel cache.

Two commands:
  prepare  (here, no GPU needed): compile the corpus kernels with tritiumc to
           PTX in .device-carry/override/NAME.ptx (+ NAME.json, tritiumc's
           metadata), marker line first.
  run      (on the GPU machine, python3 with PyTorch and Triton): the demo.

  python3 scripts/triton_override_demo.py prepare --tritiumc build/bin/tritiumc
  python3 scripts/triton_override_demo.py run [KERNEL...] [--json FILE]
"""

import argparse
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_CORPUS = os.path.join(REPO, "tests", "corpus")
DEFAULT_PTX_DIR = os.path.join(REPO, ".device-carry", "override")
DEFAULT_KERNELS = ["vector_add", "softmax_rows", "layernorm_fwd", "gqa_scores"]
MARKER = "// Tritium PTX"
OVERRIDE_MESSAGE = re.compile(r"Overriding kernel with file (\S+)")


def sha256_bytes(data):
    return hashlib.sha256(data).hexdigest()


def sha256_file(path):
    with open(path, "rb") as f:
        return sha256_bytes(f.read())


def load_spec(corpus, name):
    path = os.path.join(corpus, name, name + ".json")
    if not os.path.exists(path):
        raise RuntimeError(f"no {path}: not a corpus kernel")
    with open(path) as f:
        return json.load(f)


def ptx_head(ptx):
    """The header lines that say where a PTX came from and what it targets:
    its comments and .version/.target, up to .address_size."""
    head = []
    for line in ptx.splitlines():
        if line.startswith(".address_size"):
            break
        if (line.startswith("//") and line.strip("/ ")) or line.startswith((".version", ".target")):
            head.append(line)
    return head


def ptx_directive(ptx, directive):
    m = re.search(r"^\s*\." + directive + r"\s+(\S+)", ptx, re.MULTILINE)
    return m.group(1) if m else None


# ============================================================================
# prepare: tritiumc -> .device-carry/override (runs where tritiumc is built)
# ============================================================================

def cmd_prepare(args):
    tritiumc = args.tritiumc
    if not (os.path.isfile(tritiumc) and os.access(tritiumc, os.X_OK)):
        raise SystemExit(f"triton_override_demo: tritiumc not found at {tritiumc} (build it, or pass --tritiumc)")
    os.makedirs(args.ptx_dir, exist_ok=True)
    failed = []
    for name in args.kernels or DEFAULT_KERNELS:
        try:
            spec = load_spec(args.corpus, name)
        except RuntimeError as e:
            print(f"prepare: {name}: {e}")
            failed.append(name)
            continue
        ttir = os.path.join(args.corpus, name, name + ".ttir")
        out = os.path.join(args.ptx_dir, name + ".ptx")
        cmd = [tritiumc, ttir, f"--arch={args.arch}", f"--num-warps={spec['num_warps']}",
               "--emit=ptx", "-o", out]
        if spec.get("num_stages") is not None:
            cmd.append(f"--num-stages={spec['num_stages']}")
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0:
            print(f"prepare: {name}: tritiumc failed (exit {result.returncode}):\n{result.stderr}")
            failed.append(name)
            continue
        with open(out) as f:
            ptx = f.read()
        # A comment changes nothing ptxas does, and makes the PTX recognisable
        # wherever Triton stores it (cache, dump, CompiledKernel.asm).
        header = (f"{MARKER} for {name}: tritiumc --arch={args.arch} --num-warps={spec['num_warps']} "
                  f"tests/corpus/{name}/{name}.ttir, substituted through TRITON_KERNEL_OVERRIDE\n")
        with open(out, "w") as f:
            f.write(header + ptx)
        print(f"prepare: {out} ({len(ptx)} bytes, {ptx_directive(ptx, 'target')}, metadata {out[:-4]}.json)")
    if failed:
        raise SystemExit(f"prepare: {len(failed)} kernel(s) failed: {' '.join(failed)}")


# ============================================================================
# The child: one Triton run of one kernel (imports torch and triton)
# ============================================================================

def build_arguments(spec, torch, seed):
    """The kernel's arguments from the corpus description: fresh inputs drawn
    from `seed` the way gen_corpus.py drew them, outputs poisoned (NaN, or -1
    for integers) so nothing unwritten can pass."""
    gen = torch.Generator(device="cuda")
    gen.manual_seed(seed)
    values, tensors = [], {}
    for arg in spec["args"]:
        if arg["kind"] == "scalar":
            values.append(arg["value"])
            tensors[arg["name"]] = arg["value"]
            continue
        dtype = getattr(torch, arg["dtype"])
        shape, strides = tuple(arg["shape"]), tuple(arg["strides"])
        t = torch.empty_strided(shape, strides, dtype=dtype, device="cuda")
        init = arg.get("init", {})
        kind = init.get("kind")
        if arg["role"] == "out":
            t.fill_(float("nan") if dtype.is_floating_point else -1)
        elif kind in ("randn", "randn_abs"):
            x = torch.randn(shape, generator=gen, device="cuda") * init.get("scale", 1.0) + init.get("shift", 0.0)
            t.copy_((x.abs() if kind == "randn_abs" else x).to(dtype))
        elif kind == "uniform":
            lo, hi = init.get("low", 0.0), init.get("high", 1.0)
            t.copy_((torch.rand(shape, generator=gen, device="cuda") * (hi - lo) + lo).to(dtype))
        elif kind == "randint":
            t.copy_(torch.randint(init["low"], init["high"], shape, generator=gen, device="cuda").to(dtype))
        elif kind == "zeros":
            t.zero_()
        elif kind == "ones":
            t.fill_(1)
        elif kind == "full":
            t.fill_(init["value"])
        else:
            raise RuntimeError(f"argument {arg['name']}: unknown init kind {kind!r}")
        values.append(t)
        tensors[arg["name"]] = t
    return values, tensors


def torch_reference(name, a, torch):
    """PyTorch (float64) results for the kernels with a known meaning, as
    {output argument: tensor}; None for other kernels (then only Triton's own
    run is the reference)."""
    F = torch.nn.functional
    if name == "vector_add":
        return {"out_ptr": a["x_ptr"].double() + a["y_ptr"].double()}
    if name == "softmax_rows":
        n = a["n_cols"]
        return {"out_ptr": torch.softmax(a["in_ptr"].double()[:, :n], dim=1)}
    if name == "layernorm_fwd":
        n = a["N"]
        return {"y_ptr": F.layer_norm(a["x_ptr"].double()[:, :n], (n,), a["w_ptr"].double()[:n],
                                      a["b_ptr"].double()[:n], a["eps"])}
    if name == "gqa_scores":
        q, k = a["q_ptr"].double(), a["k_ptr"].double()  # [B, H, D], [B, KV, S, D]
        b, kv, s, d = k.shape
        g = q.shape[1] // kv
        scores = torch.einsum("bkgd,bksd->bkgs", q.view(b, kv, g, d), k) * a["scale"]
        return {"out_ptr": scores.reshape(b, kv * g, s)}
    return None


def compare(got, ref, torch):
    """Relative L2 error of `got` against `ref`, its largest absolute error,
    and how many elements are NaN in `got` but not in `ref`."""
    got = got.double()
    ref = ref.double().to(got.device)
    bad_nan = int((torch.isnan(got) & ~torch.isnan(ref)).sum().item())
    finite = ~torch.isnan(ref)
    diff = torch.where(finite, got - ref, torch.zeros_like(got))
    denominator = torch.linalg.vector_norm(torch.where(finite, ref, torch.zeros_like(ref))).item()
    rel = torch.linalg.vector_norm(diff).item() / max(denominator, 1e-300)
    return {"rel_l2": rel, "max_abs": diff.abs().max().item() if diff.numel() else 0.0, "new_nan": bad_nan}


def tolerance_for(dtype_name):
    return 1e-2 if dtype_name in ("float16", "bfloat16") else 1e-5


def cmd_child(args):
    import torch
    import triton

    spec = load_spec(args.corpus, args.kernel)
    module_spec = importlib.util.spec_from_file_location(f"tritium_demo_{args.kernel}", args.module)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    kernel = getattr(module, spec["kernel_fn"])

    values, named = build_arguments(spec, torch, args.seed)
    launch = dict(spec["constexprs"])
    launch["num_warps"] = spec["num_warps"]
    if spec.get("num_stages") is not None:
        launch["num_stages"] = spec["num_stages"]
    launch.update(spec.get("launch_options") or {})
    compiled = kernel[tuple(spec["grid"])](*values, **launch)
    torch.cuda.synchronize()
    if compiled is None or not hasattr(compiled, "asm"):
        raise RuntimeError("the launch returned no CompiledKernel: this script expects Triton 3.x's JITFunction.run")

    report = {"triton_version": triton.__version__, "torch_version": torch.__version__,
              "device": torch.cuda.get_device_name(), "capability": list(torch.cuda.get_device_capability())}
    ptx = compiled.asm.get("ptx", "")
    cubin = compiled.asm.get("cubin", b"")
    report["ptx_sha256"] = sha256_bytes(ptx.encode())
    report["ptx_head"] = ptx_head(ptx)
    report["ptx_has_marker"] = MARKER in ptx
    report["cubin_sha256"] = sha256_bytes(cubin) if isinstance(cubin, (bytes, bytearray)) else None
    md = compiled.metadata
    report["name"] = getattr(md, "name", None)
    report["shared"] = getattr(md, "shared", None)
    report["num_warps"] = getattr(md, "num_warps", None)
    report["compile_hash"] = getattr(compiled, "hash", None)
    report["n_regs"] = getattr(compiled, "n_regs", None)
    report["n_spills"] = getattr(compiled, "n_spills", None)

    outputs, checks = {}, []
    reference = torch_reference(args.kernel, named, torch)
    for arg in spec["args"]:
        if arg["kind"] != "tensor":
            continue
        if arg["role"] == "in":
            continue
        t = named[arg["name"]]
        outputs[arg["name"]] = t.detach().cpu()
        if reference is not None and arg["name"] in reference:
            result = compare(t, reference[arg["name"]], torch)
            result.update(name=arg["name"], dtype=arg["dtype"], tolerance=tolerance_for(arg["dtype"]))
            result["passed"] = result["new_nan"] == 0 and result["rel_l2"] <= result["tolerance"]
            checks.append(result)
    report["torch_checks"] = checks
    report["has_torch_reference"] = reference is not None
    torch.save(outputs, args.outputs)
    with open(args.report, "w") as f:
        json.dump(report, f, indent=1)


# ============================================================================
# run: the demonstration (the parent; each Triton run is a child process)
# ============================================================================

def strip_locations(ir):
    """The IR without `loc(...)` annotations and #loc definitions, whitespace
    collapsed: what must agree between the corpus TTIR and a fresh dump."""
    out, i = [], 0
    while i < len(ir):
        if ir.startswith("loc(", i) and (i == 0 or not (ir[i - 1].isalnum() or ir[i - 1] == "_")):
            depth, i = 0, i + 3
            while i < len(ir):
                depth += {"(": 1, ")": -1}.get(ir[i], 0)
                i += 1
                if depth == 0:
                    break
            continue
        out.append(ir[i])
        i += 1
    lines = [" ".join(l.split()) for l in "".join(out).splitlines()]
    return [l for l in lines if l and not l.startswith("#loc")]


def dump_keys(dump_root, name):
    if not os.path.isdir(dump_root):
        return []
    return sorted(d for d in os.listdir(dump_root) if os.path.exists(os.path.join(dump_root, d, name + ".ptx")))


def tree(root, limit=40):
    lines = []
    for base, _, files in os.walk(root):
        for f in sorted(files):
            lines.append(os.path.relpath(os.path.join(base, f), root))
    return lines[:limit] or ["(empty)"]


def run_child(args, name, phase, module, work, env_extra):
    report = os.path.join(work, f"{phase}.report.json")
    outputs = os.path.join(work, f"{phase}.outputs.pt")
    env = dict(os.environ)
    for key in ("TRITON_KERNEL_OVERRIDE", "TRITON_OVERRIDE_DIR", "TRITON_KERNEL_DUMP", "TRITON_DUMP_DIR",
                "TRITON_CACHE_DIR", "TRITON_ALWAYS_COMPILE", "TRITON_STORE_BINARY_ONLY"):
        env.pop(key, None)
    env.update(env_extra)
    env["PYTHONUNBUFFERED"] = "1"
    cmd = [sys.executable, os.path.abspath(__file__), "_child", "--kernel", name, "--corpus", args.corpus,
           "--module", module, "--seed", str(args.seed), "--report", report, "--outputs", outputs]
    started = time.time()
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=args.timeout)
    log = result.stdout + result.stderr
    with open(os.path.join(work, f"{phase}.log"), "w") as f:
        f.write(log)
    if result.returncode != 0 or not os.path.exists(report):
        tail = "\n".join(log.strip().splitlines()[-25:])
        raise RuntimeError(f"the {phase} run failed (exit {result.returncode}); its output ends:\n{tail}")
    with open(report) as f:
        data = json.load(f)
    data["stdout"] = result.stdout
    data["seconds"] = time.time() - started
    data["outputs_path"] = outputs
    return data


def describe_checks(checks):
    parts = []
    for c in checks:
        parts.append(f"{c['name']} ({c['dtype']}): rel_l2 {c['rel_l2']:.2e}, max_abs {c['max_abs']:.2e}, "
                     f"tol {c['tolerance']:.0e}" + (f", {c['new_nan']} NaN" if c["new_nan"] else "")
                     + (" ok" if c["passed"] else " FAIL"))
    return parts


def run_kernel(args, name):
    """The demonstration for one kernel; returns a result dict with
    status PASS / FAIL / ERROR and the evidence."""
    import torch

    result = {"kernel": name, "status": "ERROR", "evidence": [], "problems": [], "warnings": []}
    spec = load_spec(args.corpus, name)
    tritium_ptx_path = os.path.join(args.ptx_dir, name + ".ptx")
    if not os.path.exists(tritium_ptx_path):
        result["problems"].append(f"no Tritium PTX at {tritium_ptx_path}: run `prepare` where tritiumc is built "
                                  f"and carry {os.path.relpath(args.ptx_dir, REPO)}")
        return result
    with open(tritium_ptx_path) as f:
        tritium_ptx = f.read()
    tritium_sha = sha256_bytes(tritium_ptx.encode())
    tritium_meta_path = tritium_ptx_path[:-4] + ".json"
    tritium_meta = {}
    if os.path.exists(tritium_meta_path):
        with open(tritium_meta_path) as f:
            tritium_meta = json.load(f)
    result["tritium_ptx"] = tritium_ptx_path
    result["tritium_ptx_sha256"] = tritium_sha

    work = os.path.join(args.work, name)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    # One source file for both runs: the override key hashes the function's
    # source, so both runs must compile the very same text.
    module = os.path.join(work, f"{name}_kernel.py")
    with open(os.path.join(args.corpus, name, name + ".py")) as f:
        source = f.read()
    with open(module, "w") as f:
        f.write("import torch\nimport triton\nimport triton.language as tl\n"
                "try:\n    from triton.language.extra import libdevice\nexcept Exception:\n"
                "    try:\n        from triton.language.extra.cuda import libdevice\n"
                "    except Exception:\n        libdevice = None\n\n\n" + source)

    # 1. Triton alone, dumping every stage; the dump directory is the key.
    dump1 = os.path.join(work, "dump-triton")
    own = run_child(args, name, "triton", module, work, {
        "TRITON_KERNEL_DUMP": "1", "TRITON_DUMP_DIR": dump1,
        "TRITON_CACHE_DIR": os.path.join(work, "cache-triton"), "TRITON_ALWAYS_COMPILE": "1"})
    result["triton"] = {k: own[k] for k in ("ptx_sha256", "ptx_head", "cubin_sha256", "n_regs", "shared",
                                              "num_warps", "name", "triton_version", "device", "capability")}
    keys = dump_keys(dump1, name)
    if len(keys) != 1:
        result["problems"].append(
            f"expected one kernel directory with {name}.ptx under TRITON_DUMP_DIR={dump1}, found {len(keys)}; "
            f"is this Triton's dump switch TRITON_KERNEL_DUMP? files there: {', '.join(tree(dump1))}")
        return result
    key = keys[0]
    result["key"] = key
    with open(os.path.join(dump1, key, name + ".ptx"), "rb") as f:
        dumped_triton_ptx = f.read()
    if sha256_bytes(dumped_triton_ptx) != own["ptx_sha256"]:
        result["problems"].append("the dumped PTX differs from the compiled kernel's asm['ptx']")

    # The PTX was compiled from the corpus TTIR; the kernel Triton compiles
    # now must be the same program (same specialisation of the arguments).
    dumped_ttir_path = os.path.join(dump1, key, name + ".ttir")
    if os.path.exists(dumped_ttir_path):
        with open(dumped_ttir_path) as f:
            fresh = strip_locations(f.read())
        with open(os.path.join(args.corpus, name, name + ".ttir")) as f:
            corpus = strip_locations(f.read())
        if fresh == corpus:
            result["evidence"].append("Triton's TTIR of this run equals the corpus TTIR Tritium compiled "
                                      "(locations aside)")
        else:
            first = next((i for i, (a, b) in enumerate(zip(fresh, corpus)) if a != b), min(len(fresh), len(corpus)))
            result["warnings"].append(
                "Triton's TTIR of this run differs from the corpus TTIR Tritium's PTX was compiled from "
                f"(line {first + 1}: {fresh[first] if first < len(fresh) else '<end>'!r} vs "
                f"{corpus[first] if first < len(corpus) else '<end>'!r}): other specialisation or Triton version")

    # What Triton will launch the substituted PTX with must suit it.
    capability = own["capability"]
    target = ptx_directive(tritium_ptx, "target")
    want = f"sm_{capability[0]}{capability[1]}"
    if target not in (want, want + "a"):
        result["problems"].append(f"Tritium's PTX targets {target}, the GPU is {want}: run prepare with --arch={want}"
                                  + ("a" if capability[0] == 9 else ""))
        return result
    if tritium_meta:
        if tritium_meta.get("name") != own["name"]:
            result["problems"].append(f"Tritium's kernel is named {tritium_meta.get('name')!r}, Triton launches "
                                      f"{own['name']!r}")
            return result
        if tritium_meta.get("num_warps") != own["num_warps"]:
            result["problems"].append(f"Tritium compiled for num_warps={tritium_meta.get('num_warps')}, Triton "
                                      f"launches {own['num_warps']}")
            return result
        if tritium_meta.get("shared", 0) > (own["shared"] or 0):
            result["problems"].append(
                f"Tritium's kernel needs {tritium_meta['shared']} bytes of dynamic shared memory but Triton "
                f"launches it with {own['shared']} (its metadata comes from its own TTGIR, which the override "
                "of the PTX does not change)")
            return result
        result["evidence"].append(
            f"launch parameters fit: entry {own['name']}, num_warps {own['num_warps']}, Triton gives "
            f"{own['shared']} bytes of dynamic shared memory, Tritium needs {tritium_meta.get('shared', 0)}")

    # 2. Tritium's PTX where Triton's override switch looks for it.
    override_root = os.path.join(work, "override")
    os.makedirs(os.path.join(override_root, key))
    override_file = os.path.join(override_root, key, name + ".ptx")
    shutil.copyfile(tritium_ptx_path, override_file)
    result["override_file"] = override_file

    # 3. Triton again, same inputs, with the override switch on.
    dump2 = os.path.join(work, "dump-override")
    sub = run_child(args, name, "override", module, work, {
        "TRITON_KERNEL_OVERRIDE": "1", "TRITON_OVERRIDE_DIR": override_root,
        "TRITON_KERNEL_DUMP": "1", "TRITON_DUMP_DIR": dump2,
        "TRITON_CACHE_DIR": os.path.join(work, "cache-override"), "TRITON_ALWAYS_COMPILE": "1"})
    result["override"] = {k: sub[k] for k in ("ptx_sha256", "ptx_head", "ptx_has_marker", "cubin_sha256", "n_regs",
                                                "n_spills", "shared")}

    # 4. The proof.
    proofs = {}
    messages = OVERRIDE_MESSAGE.findall(sub["stdout"])
    proofs["message"] = any(os.path.realpath(m) == os.path.realpath(override_file) for m in messages)
    if proofs["message"]:
        result["evidence"].append(f"Triton printed: Overriding kernel with file {override_file}")
    elif messages:
        result["problems"].append(f"Triton overrode with other files: {messages}")
    else:
        result["problems"].append("Triton printed no 'Overriding kernel with file' message")
    proofs["ptx_is_tritium"] = sub["ptx_sha256"] == tritium_sha and sub["ptx_has_marker"]
    proofs["ptx_differs"] = sub["ptx_sha256"] != own["ptx_sha256"]
    if proofs["ptx_is_tritium"]:
        result["evidence"].append(f"the compiled kernel's asm['ptx'] is Tritium's file byte for byte "
                                  f"(sha256 {tritium_sha[:16]}, has '{MARKER}')")
    else:
        result["problems"].append(
            f"the PTX Triton compiled (sha256 {sub['ptx_sha256'][:16]}, head {sub['ptx_head']}) is not Tritium's "
            f"(sha256 {tritium_sha[:16]})")
    keys2 = dump_keys(dump2, name)
    if keys2 and keys2 != [key]:
        result["problems"].append(f"the override run compiled under key {keys2}, the first run under {key}: the "
                                  "kernel source or its specialisation changed between the runs")
    elif keys2:
        with open(os.path.join(dump2, key, name + ".ptx"), "rb") as f:
            if sha256_bytes(f.read()) == tritium_sha:
                result["evidence"].append("Triton's own dump of the override run holds Tritium's PTX")
    proofs["cubin_differs"] = sub["cubin_sha256"] != own["cubin_sha256"]
    result["evidence"].append(
        f"cubin {'differs from' if proofs['cubin_differs'] else 'EQUALS'} Triton's own "
        f"(registers {sub['n_regs']} vs {own['n_regs']})")
    overridden = proofs["message"] and proofs["ptx_is_tritium"] and proofs["ptx_differs"]
    result["overridden"] = overridden
    if not overridden:
        result["problems"].append(
            "the override was NOT picked up. Checks: TRITON_KERNEL_OVERRIDE=1 and TRITON_OVERRIDE_DIR="
            f"{override_root} were set; the file is {override_file} (files under the override dir: "
            f"{', '.join(tree(override_root))}); the key {key} came from the dump run; the override run dumped "
            f"under {keys2 or 'nothing'}; its log is {os.path.join(work, 'override.log')}")

    # Outputs: against PyTorch, and against Triton's own run.
    checks_ok = True
    if own["has_torch_reference"]:
        for line in describe_checks(own["torch_checks"]):
            result["evidence"].append("Triton's own PTX vs PyTorch: " + line)
        for line in describe_checks(sub["torch_checks"]):
            result["evidence"].append("Tritium's PTX in Triton vs PyTorch: " + line)
        checks_ok = bool(sub["torch_checks"]) and all(c["passed"] for c in sub["torch_checks"])
    own_out = torch.load(own["outputs_path"])
    sub_out = torch.load(sub["outputs_path"])
    for arg in spec["args"]:
        nm = arg["name"]
        if nm not in own_out:
            continue
        if nm not in sub_out:
            result["problems"].append(f"the override run did not write {nm}")
            checks_ok = False
            continue
        c = compare(sub_out[nm], own_out[nm], torch)
        tolerance = tolerance_for(arg["dtype"])
        ok = c["new_nan"] == 0 and c["rel_l2"] <= tolerance
        result["evidence"].append(f"Tritium's PTX vs Triton's own PTX, {nm}: rel_l2 {c['rel_l2']:.2e}, max_abs "
                                  f"{c['max_abs']:.2e}" + ("" if ok else " FAIL"))
        if not own["has_torch_reference"]:
            checks_ok = checks_ok and ok
    if not checks_ok:
        result["problems"].append("outputs of the override run are wrong")
    result["status"] = "PASS" if overridden and checks_ok else "FAIL"
    return result


def cmd_run(args):
    try:
        import torch
        import triton
    except ImportError as e:
        raise SystemExit(f"triton_override_demo: run needs PyTorch and Triton ({e}); run it on the GPU machine")
    if not torch.cuda.is_available():
        raise SystemExit("triton_override_demo: no CUDA device visible to PyTorch")
    print(f"triton_override_demo: Triton {triton.__version__}, PyTorch {torch.__version__}, "
          f"{torch.cuda.get_device_name()} (sm_{''.join(map(str, torch.cuda.get_device_capability()))}), "
          f"seed {args.seed}")
    if not triton.__version__.startswith("3."):
        print(f"warning: written against Triton 3.6's override switches; this is {triton.__version__}")
    if args.work is None:
        args.work = tempfile.mkdtemp(prefix="tritium-override-")
    os.makedirs(args.work, exist_ok=True)
    print(f"work directory: {args.work}\n")

    results = []
    for name in args.kernels or DEFAULT_KERNELS:
        print(f"== {name} " + "=" * max(0, 66 - len(name)), flush=True)
        try:
            result = run_kernel(args, name)
        except Exception as e:  # noqa: BLE001 -- one kernel's failure is reported, the rest still run
            result = {"kernel": name, "status": "ERROR", "evidence": [], "problems": [f"{type(e).__name__}: {e}"]}
        if "triton" in result:
            t = result["triton"]
            print(f"  Triton's own PTX : sha256 {t['ptx_sha256'][:16]}  {' | '.join(t['ptx_head'][-2:])}  "
                  f"(registers {t['n_regs']})")
        if "tritium_ptx" in result:
            print(f"  Tritium's PTX    : {result['tritium_ptx']} sha256 {result['tritium_ptx_sha256'][:16]}")
        if "key" in result:
            print(f"  override key     : {result['key']} (the directory TRITON_KERNEL_DUMP wrote)")
        if "override" in result:
            o = result["override"]
            print(f"  PTX Triton used  : sha256 {o['ptx_sha256'][:16]}  {' | '.join(o['ptx_head'][:1] + o['ptx_head'][-2:])}")
        for line in result["evidence"]:
            print(f"  + {line}")
        for line in result.get("warnings", []):
            print(f"  ~ {line} (the output checks below decide)")
        for line in result["problems"]:
            print(f"  ! {line}")
        verdict = {"PASS": "Triton ran Tritium's PTX, outputs correct",
                   "FAIL": "see the lines marked !", "ERROR": "see the lines marked !"}[result["status"]]
        print(f"  {result['status']}: {verdict}\n", flush=True)
        results.append(result)

    print("kernel            status  overridden  outputs")
    for r in results:
        print(f"{r['kernel']:<17} {r['status']:<7} {str(r.get('overridden', '-')):<11} "
              f"{'ok' if r['status'] == 'PASS' else '-'}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"seed": args.seed, "kernels": results}, f, indent=1, default=str)
    passed = sum(r["status"] == "PASS" for r in results)
    print(f"\n{passed} of {len(results)} kernels ran in Triton with Tritium's PTX substituted and gave correct output")
    return 0 if passed == len(results) else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("prepare", help="compile corpus kernels to PTX with tritiumc (no GPU needed)")
    p.add_argument("kernels", nargs="*", help=f"corpus kernels (default: {' '.join(DEFAULT_KERNELS)})")
    p.add_argument("--tritiumc", default=os.path.join(REPO, "build", "bin", "tritiumc"))
    p.add_argument("--arch", default="sm_90a", help="sm_90a for H100/H200 (default), sm_80 for A100")
    p.add_argument("--corpus", default=DEFAULT_CORPUS)
    p.add_argument("--ptx-dir", default=DEFAULT_PTX_DIR)

    r = sub.add_parser("run", help="the demonstration, on the GPU machine")
    r.add_argument("kernels", nargs="*", help=f"corpus kernels (default: {' '.join(DEFAULT_KERNELS)})")
    r.add_argument("--corpus", default=DEFAULT_CORPUS)
    r.add_argument("--ptx-dir", default=DEFAULT_PTX_DIR, help="Tritium's NAME.ptx (+ NAME.json) from prepare")
    r.add_argument("--work", default=None, help="scratch directory (default: a new temporary one)")
    r.add_argument("--seed", type=int, default=int(time.time()) % 1000000, help="input seed (default: fresh)")
    r.add_argument("--timeout", type=int, default=600, help="seconds for each Triton run")
    r.add_argument("--json", default=None, help="write the results here too")

    c = sub.add_parser("_child", help=argparse.SUPPRESS)
    c.add_argument("--kernel", required=True)
    c.add_argument("--corpus", required=True)
    c.add_argument("--module", required=True)
    c.add_argument("--seed", type=int, required=True)
    c.add_argument("--report", required=True)
    c.add_argument("--outputs", required=True)

    args = parser.parse_args()
    if args.command == "prepare":
        cmd_prepare(args)
        return 0
    if args.command == "_child":
        cmd_child(args)
        return 0
    return cmd_run(args)


if __name__ == "__main__":
    sys.exit(main())
