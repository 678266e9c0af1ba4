# The indexer's tuning side, added to TritiumIndexer by gpu/CMakeLists.txt:
# the shipped config spaces (indexer_pq.json, indexer_exact.json) embedded
# as string constants, so that an Indexer or a carried static tritium-tune
# finds them without the source tree, and IndexerTuning.cpp (Tuning.h).
set(_indexer_tuning_dir ${PROJECT_SOURCE_DIR}/kernels/indexer/tuning)
file(READ ${_indexer_tuning_dir}/indexer_pq.json TRITIUM_INDEXER_PQ_SPACE)
file(READ ${_indexer_tuning_dir}/indexer_exact.json TRITIUM_INDEXER_EXACT_SPACE)
# Editing a space re-runs the configure step, which regenerates the source.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${_indexer_tuning_dir}/indexer_pq.json
  ${_indexer_tuning_dir}/indexer_exact.json)
configure_file(${_indexer_tuning_dir}/IndexerSpaces.cpp.in
  ${CMAKE_CURRENT_BINARY_DIR}/IndexerSpaces.cpp @ONLY)
target_sources(TritiumIndexer PRIVATE
  ${_indexer_tuning_dir}/IndexerTuning.cpp
  ${CMAKE_CURRENT_BINARY_DIR}/IndexerSpaces.cpp)
target_link_libraries(TritiumIndexer PUBLIC TritiumTuneRuntime)
target_compile_options(TritiumIndexer PRIVATE -fexceptions)
