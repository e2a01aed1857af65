#!/bin/bash -eu
# Builds weft's fuzz targets the way OSS-Fuzz and ClusterFuzzLite expect:
# compiled with $CXX $CXXFLAGS (the project is C++ only, so $CC and $CFLAGS go
# unused), linked with $LIB_FUZZING_ENGINE, copied to $OUT with a seed corpus
# (NAME_seed_corpus.zip) and, where there is one, a dictionary (NAME.dict).
# weft's own libraries are static archives; only the C and C++ runtimes and
# the sanitizers' are shared. Runnable by hand (fuzz/README.md):
#   CC=clang CXX=clang++ CFLAGS=... CXXFLAGS=... LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
#   SRC=/path/to/parent-of-weft OUT=/tmp/out .clusterfuzzlite/build.sh
src=$SRC/weft
work=${WORK:-${TMPDIR:-/tmp}}
build=$work/weft-cflite-build
mkdir -p "$OUT"

# fuzz_combinators needs rapidcheck and GoogleTest. Where their sources are
# in $SRC (the Dockerfile clones them), they are built here with the same
# compiler and flags as the targets and installed under $work/weft-cflite-deps;
# else the installed packages are used (a build by hand on Debian).
prefix=$work/weft-cflite-deps
if [[ -d $SRC/googletest && -d $SRC/rapidcheck ]]; then
  for dep in googletest rapidcheck; do
    cmake -S "$SRC/$dep" -B "$work/weft-cflite-$dep" -G Ninja \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
      -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_PREFIX_PATH="$prefix" \
      -DBUILD_GMOCK=OFF -DINSTALL_GTEST=ON -DRC_ENABLE_GTEST=ON
    cmake --build "$work/weft-cflite-$dep" -j"$(nproc)"
    cmake --install "$work/weft-cflite-$dep"
  done
fi

cmake -S "$src" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DCMAKE_PREFIX_PATH="$prefix" \
  -DBUILD_SHARED_LIBS=OFF \
  -DWEFT_FUZZ=ON \
  -DWEFT_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" \
  -DWEFT_BUILD_TESTS=OFF -DWEFT_BUILD_PROPS=ON -DWEFT_BUILD_BENCHMARKS=OFF -DWEFT_BUILD_EXAMPLES=OFF

# fuzz_schedule is left out: it finds the bundled race scenarios' bugs by
# design (fuzz/README.md); fuzz_schedule_correct fuzzes the correct ones.
targets=(fuzz_parser fuzz_token fuzz_schedule_correct fuzz_scenario fuzz_combinators fuzz_bank fuzz_counter_with_lock)
cmake --build "$build" --target "${targets[@]}" -j"$(nproc)"

for t in "${targets[@]}"; do
  cp "$build/fuzz/$t" "$OUT/"
  corpus=$src/fuzz/corpus/$t
  [[ $t == fuzz_schedule_correct ]] && corpus=$src/fuzz/corpus/fuzz_schedule
  rm -f "$OUT/${t}_seed_corpus.zip"
  (cd "$corpus" && zip -q -j "$OUT/${t}_seed_corpus.zip" ./*)
done
cp "$src/fuzz/dict/json.dict" "$OUT/fuzz_parser.dict"
