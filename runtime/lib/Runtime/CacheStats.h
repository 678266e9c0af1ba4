//===- CacheStats.h - Counting cache events (internal) ----------*- C++ -*-===//

#ifndef TRITIUM_RUNTIME_LIB_CACHESTATS_H
#define TRITIUM_RUNTIME_LIB_CACHESTATS_H

namespace tritium::detail {

enum class CacheEvent { MemoryHit, DiskHit, Compile, CorruptRebuilt };

/// Adds one to the counter cacheStats() reports for `event`.
void countCacheEvent(CacheEvent event);

} // namespace tritium::detail

#endif // TRITIUM_RUNTIME_LIB_CACHESTATS_H
