// PTX that ptxas rejects (an unknown instruction in inline assembly): the
// error names the backend and carries ptxas's own messages.
// REQUIRES: ptxas
// RUN: not tritiumc %s --arch=sm_90a --emit=cubin --cubin-backend=ptxas -o %t.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: %if nvjitlink %{ not tritiumc %s --arch=sm_90a --emit=cubin --cubin-backend=nvjitlink -o %t.cubin 2>&1 | FileCheck %s --check-prefix=NVJITLINK %}
// RUN: %if nvjitlink %{ not tritiumc %s --arch=sm_90a --emit=cubin -o %t.cubin 2>&1 | FileCheck %s --check-prefix=AUTO %}

// PTXAS: tritiumc: cannot assemble PTX into a cubin for sm_90a:
// PTXAS-NEXT: ptxas ({{.*}}ptxas): exited with status {{[0-9]+}} for sm_90a
// PTXAS: Unknown modifier '.instruction'

// NVJITLINK: tritiumc: cannot assemble PTX into a cubin for sm_90a:
// NVJITLINK-NEXT: nvJitLink ({{.*}}libnvJitLink.so{{.*}}) {{.*}} failed for sm_90a: NVJITLINK_ERROR_PTX_COMPILE
// NVJITLINK: Unknown modifier '.instruction'

// A PTX error from nvJitLink is final: ptxas is not run on the same PTX.
// AUTO: NVJITLINK_ERROR_PTX_COMPILE
// AUTO-NOT: ptxas (

module {
  llvm.func @bad_ptx() attributes {nvvm.kernel, nvvm.maxntid = array<i32: 32>} {
    llvm.inline_asm has_side_effects "not.an.instruction;", "" : () -> ()
    llvm.return
  }
}
