#!/usr/bin/env bash
# Builds the C++ kernel test driver against the CPU kernels and runs it.
# Needs only g++ with OpenMP (no Java, Maven, CUDA or make). Exit status = the driver's.
# Usage: bash ci/native-test.sh        (OMP_NUM_THREADS / BM3_TEST_SEED are honoured)
set -euo pipefail
cd "$(dirname "$0")/../native"
CXX="${CXX:-g++}"
mkdir -p build
echo "+ $CXX (OpenMP) tests/kernel_tests.cpp cpu/bm3_kernels_cpu.cpp"
"$CXX" -std=c++11 -O3 -march=x86-64-v2 -fno-math-errno -Wall -Wextra -fopenmp -Iinclude \
    tests/kernel_tests.cpp cpu/bm3_kernels_cpu.cpp -o build/kernel_tests
exec ./build/kernel_tests
