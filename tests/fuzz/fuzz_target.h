// The entry point every harness here defines, as libFuzzer calls it. Built two ways
// (tests/fuzz/CMakeLists.txt): with clang's -fsanitize=fuzzer for scripts/fuzz, and with
// replay_main.cpp as an ordinary program that runs the committed corpus and every crash found,
// so that CI replays them with any compiler.
#pragma once
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
