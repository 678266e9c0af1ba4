// Catch2's main for the autotuning tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
