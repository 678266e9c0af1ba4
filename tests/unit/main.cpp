// Catch2's main for Tritium's C++ unit tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
