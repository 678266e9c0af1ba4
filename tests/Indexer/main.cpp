// Catch2's main for the indexer's CPU tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
