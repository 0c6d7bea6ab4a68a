#!/usr/bin/env bash
# Build llama-cpp-python once into a wheel cache and reuse it afterwards.
# The PyPI release is source-only; a portable (no -march=native) AVX2 build
# takes ~4 minutes on 2 cores, reinstalling the cached wheel takes seconds.
set -euo pipefail
VERSION="${LLAMA_CPP_VERSION:-0.3.36}"
WHEELS="${1:?usage: build_llama_wheel.sh WHEEL_DIR [PYTHON]}"
PY="${2:-python3}"
mkdir -p "$WHEELS"
if ls "$WHEELS"/llama_cpp_python-"$VERSION"-*.whl >/dev/null 2>&1; then
  echo "llama-cpp-python $VERSION: using cached wheel in $WHEELS"
  exit 0
fi
echo "llama-cpp-python $VERSION: building a portable wheel into $WHEELS (one time, ~4 min)"
CMAKE_ARGS="-DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
  "$PY" -m pip wheel --no-deps --wheel-dir "$WHEELS" "llama-cpp-python==$VERSION"
