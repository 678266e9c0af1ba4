"""lit test formats of Tritium's own (a module, so lit's worker processes can
unpickle them)."""
import os
import subprocess

import lit.formats
import lit.Test


class TritonIRRoundTrip(lit.formats.FileBasedTest):
    """A Triton IR file, kept byte-for-byte as Triton printed it (no RUN lines):
    it must parse and verify, print, and parse again to the same text; its
    generic form must parse back to the same module too."""

    def execute(self, test, lit_config):
        opt = os.path.join(test.config.tritium_tools_dir, "tritium-opt")
        path = test.getSourcePath()

        def run(args, stdin=None):
            return subprocess.run([opt] + args, input=stdin, capture_output=True,
                                  text=True, timeout=60)

        first = run([path])
        if first.returncode != 0:
            return lit.Test.FAIL, "parse failed:\n" + first.stderr
        second = run(["-"], first.stdout)
        if second.returncode != 0 or second.stdout != first.stdout:
            return lit.Test.FAIL, "print -> parse -> print differs:\n" + second.stderr
        generic = run(["--mlir-print-op-generic", path])
        from_generic = run(["-"], generic.stdout)
        if generic.returncode != 0 or from_generic.stdout != first.stdout:
            return lit.Test.FAIL, "generic form does not round-trip:\n" + from_generic.stderr
        return lit.Test.PASS, ""


class RejectedCleanly(lit.formats.FileBasedTest):
    """A malformed input (kept from fuzzing): tritiumc must reject it with a
    file:line:col error and exit status 1, never crash or hang."""

    def execute(self, test, lit_config):
        tritiumc = os.path.join(test.config.tritium_tools_dir, "tritiumc")
        path = test.getSourcePath()
        try:
            result = subprocess.run([tritiumc, path, "-o", os.devnull],
                                    capture_output=True, text=True,
                                    errors="replace", timeout=60)
        except subprocess.TimeoutExpired:
            return lit.Test.FAIL, "tritiumc hung (60 s)"
        if result.returncode != 1:
            return lit.Test.FAIL, "exit status %d (want 1):\n%s" % (
                result.returncode, result.stderr)
        if ":" not in result.stderr or "error:" not in result.stderr:
            return lit.Test.FAIL, "no located diagnostic:\n" + result.stderr
        return lit.Test.PASS, ""


class CorpusToPTX(lit.formats.TestFormat):
    """One test per kernel of tests/corpus: tritiumc compiles its Triton IR to
    PTX for every target in `archs`, and ptxas (where present) assembles it.
    Kernels in `expected_to_fail` use ops that are not lowered yet; they are
    XFAIL, and turn into an (unexpected) pass to be removed from the list."""

    def __init__(self, archs, expected_to_fail):
        self.archs = archs
        self.expected_to_fail = set(expected_to_fail)

    def getTestsInDirectory(self, testSuite, path_in_suite, litConfig, localConfig):
        corpus = os.path.join(localConfig.tritium_src_root, "tests", "corpus")
        for root, _, files in sorted(os.walk(corpus)):
            for name in sorted(files):
                if name.endswith(".ttir"):
                    # corpus/NAME/NAME.ttir -> NAME; deeper folders keep their
                    # path so that names stay unique.
                    parts = os.path.relpath(root, corpus).split(os.sep)
                    if parts[-1] == name[:-5]:
                        parts = parts[:-1]
                    yield lit.Test.Test(testSuite,
                                        path_in_suite + tuple(parts) + (name[:-5],),
                                        localConfig,
                                        file_path=os.path.join(root, name))

    def execute(self, test, lit_config):
        tritiumc = os.path.join(test.config.tritium_tools_dir, "tritiumc")
        ptxas = getattr(test.config, "ptxas_path", None)
        name = os.path.basename(test.getFilePath())[:-5]
        if name in self.expected_to_fail:
            test.xfails = ["*"]
        out_dir = test.getExecPath() + ".d"
        os.makedirs(out_dir, exist_ok=True)
        for arch in self.archs:
            ptx = os.path.join(out_dir, "%s.%s.ptx" % (name, arch))
            result = subprocess.run([tritiumc, test.getFilePath(), "--emit=ptx",
                                     "--arch=" + arch, "-o", ptx],
                                    capture_output=True, text=True, timeout=300)
            if result.returncode != 0:
                return lit.Test.FAIL, "%s: tritiumc failed:\n%s" % (arch, result.stderr[-4000:])
            if ptxas:
                cubin = ptx[:-4] + ".cubin"
                result = subprocess.run([ptxas, "-arch=" + arch, ptx, "-o", cubin],
                                        capture_output=True, text=True, timeout=300)
                if result.returncode != 0:
                    return lit.Test.FAIL, "%s: ptxas rejected the PTX:\n%s" % (arch, result.stderr[-4000:])
        return lit.Test.PASS, "" if ptxas else "ptxas not found: PTX not assembled"
