//===- Runtime.h - Everything a program needs to run Tritium kernels -*- C++
//-*-===//
//
// The umbrella header of the JIT runtime: kernels (Kernel.h), their arguments
// (Args.h) and specialisation (Specialization.h), devices, streams and memory
// (Driver.h), the caches (Cache.h) and the one error type (Error.h).
// docs/runtime.md describes the API, the cache layout and the environment
// switches.
//
//===----------------------------------------------------------------------===//

#ifndef TRITIUM_RUNTIME_RUNTIME_H
#define TRITIUM_RUNTIME_RUNTIME_H

#include "tritium/Runtime/Args.h"
#include "tritium/Runtime/Cache.h"
#include "tritium/Runtime/Driver.h"
#include "tritium/Runtime/Error.h"
#include "tritium/Runtime/Kernel.h"
#include "tritium/Runtime/Specialization.h"

#endif // TRITIUM_RUNTIME_RUNTIME_H
