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
