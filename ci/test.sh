#!/usr/bin/env bash
# The project's test command (README "Run the tests"; .ci/run calls exactly this).
# 1. the C++ kernel driver against the CPU kernels (g++ only);
# 2. the Java build and every JUnit test (Maven; tests that need ../shared/datasets skip with a
#    message when it is absent).
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/native-test.sh
mvn -B -ntp verify
