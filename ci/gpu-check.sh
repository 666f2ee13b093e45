#!/usr/bin/env bash
# GPU check for the native kernels, self-contained: builds libbm3cuda.so with nvcc
# (sm_80 and sm_90 machine code + compute_90 PTX), builds the C++ test driver with
# -DBM3_WITH_CUDA against the CPU and CUDA kernels, and runs it. No Java, no Maven.
# Needs: bash, nvcc (CUDA >= 11.2 for cudaMallocAsync), g++ with OpenMP, an NVIDIA GPU.
# Usage: bash ci/gpu-check.sh [--build-only]
# Prints one line per check and "N passed, M failed"; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/../native"
NVCC="${NVCC:-nvcc}"
command -v "$NVCC" >/dev/null || { echo "nvcc not found (set NVCC=/path/to/nvcc)" >&2; exit 2; }
"$NVCC" --version | tail -n 1
mkdir -p build
GENCODE=(-gencode arch=compute_80,code=sm_80
         -gencode arch=compute_90,code=sm_90
         -gencode arch=compute_90,code=compute_90)
echo "+ nvcc -> build/libbm3cuda.so"
"$NVCC" -O3 -std=c++14 "${GENCODE[@]}" -Xcompiler -fPIC -Iinclude -shared \
    cuda/bm3_kernels_cuda.cu -o build/libbm3cuda.so
echo "+ nvcc (host g++, OpenMP) -> build/kernel_tests_cuda"
"$NVCC" -O2 -std=c++14 -DBM3_WITH_CUDA -Xcompiler -fopenmp -Iinclude \
    tests/kernel_tests.cpp cpu/bm3_kernels_cpu.cpp \
    -Lbuild -lbm3cuda -lgomp -Xlinker -rpath,'$ORIGIN' -o build/kernel_tests_cuda
if [[ "${1:-}" == "--build-only" ]]; then
    echo "built native/build/libbm3cuda.so and native/build/kernel_tests_cuda (not run)"
    exit 0
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || true
exec ./build/kernel_tests_cuda
