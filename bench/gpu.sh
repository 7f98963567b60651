#!/usr/bin/env bash
# The GPU benchmark in one call: the Java trainer and sampler (bench/train.sh's TrainBench) next to the
# PyTorch anchor (../shared/reference/jit_torch.py) with the same arguments, on the same GPU, FP32 and FP16.
#
#   bench/gpu.sh prepare   on a build machine (this one): writes target/gpu-bench/, under 64 MiB:
#                          a jlinked JRE, the bench's jars without PyTorch's CPU native jar, DJL 0.35.1's
#                          JNI sources with their generated header, and the reference scripts
#   bench/gpu.sh run       on the GPU machine, from the repository root, with target/gpu-bench/ beside it
#
# `run` uses the machine's own PyTorch (python3 -c 'import torch'), whatever its version: DJL's prebuilt JNI
# is compiled against PyTorch 2.7.1 and misreads newer ones (tensors "without storage"), so `run` first
# compiles DJL 0.35.1's JNI (unchanged sources) against the machine's PyTorch headers, then points DJL at
# that PyTorch through PYTORCH_LIBRARY_PATH / PYTORCH_VERSION / PYTORCH_FLAVOR. Nothing is downloaded.
#
# Output: one line per measurement, then a table (img/s Java and PyTorch, their ratio, MFU of each).
# Environment: DJL_SOURCES (prepare; a DJL checkout or bare clone with tag v0.35.1, default the fetch
# mirror), STEPS / WARMUP / REPEATS (run; defaults 20 / 5 / 3), ONLY (run; a grep pattern over the config
# names below, to run a subset), SMOKE=1 (run; JiT-T, batch 8, 2 steps: checks the script on a CPU).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bundle=$root/target/gpu-bench
DJL_TAG=v0.35.1

prepare() {
  local src=${DJL_SOURCES:-/work/.mirror/deepjavalibrary+djl/repo}
  rm -rf "$bundle" && mkdir -p "$bundle/lib" "$bundle/jni" "$bundle/reference"
  # the bench's classes and the science module's runtime dependencies without pytorch-native-cpu (-Dgpu)
  (cd "$root" && mvn -B -q -ntp -pl science,experiment,pipeline,cli -am install -DskipTests -Dspotless.check.skip >&2)
  (cd "$root" && mvn -B -q -ntp -pl science dependency:copy-dependencies -Dgpu -DincludeScope=runtime \
      -DoutputDirectory="$bundle/lib" >&2)
  cp ~/.m2/repository/info/picocli/picocli/4.7.7/picocli-4.7.7.jar "$bundle/lib/"
  local slf4j; slf4j=$(sed -n 's:.*<slf4j.version>\(.*\)</slf4j.version>.*:\1:p' "$root/pom.xml")
  cp ~/.m2/repository/org/slf4j/slf4j-simple/"$slf4j"/slf4j-simple-"$slf4j".jar "$bundle/lib/"
  jar --create --file "$bundle/lib/denoise-lab-bench.jar" -C "$root/science/target/classes" . \
      -C "$root/cli/target/classes" org/denoiselab/cli/bench
  if ls "$bundle/lib" | grep -q pytorch-native; then
    echo "prepare: pytorch-native jar in the bundle; -Dgpu did not drop it" >&2; exit 1
  fi

  # a JRE with the modules the bench uses
  local jdk=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
  "$jdk/bin/jlink" --add-modules java.base,java.logging,java.management,jdk.unsupported \
      --strip-debug --no-header-files --no-man-pages --compress=2 --output "$bundle/jre"

  # DJL 0.35.1's JNI sources, its utils header, the JNI header javac generates, and jni.h
  local tmp; tmp=$(mktemp -d)
  if [ -d "$src/.git" ] || [ -f "$src/HEAD" ]; then
    git -C "$src" archive "$DJL_TAG" engines/pytorch/pytorch-native/src/main/native api/src/main/native \
        engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java | tar -x -C "$tmp"
  else
    echo "prepare: DJL_SOURCES=$src is not a DJL git checkout (needs tag $DJL_TAG)" >&2; exit 1
  fi
  cp "$tmp"/engines/pytorch/pytorch-native/src/main/native/* "$bundle/jni/"
  mkdir -p "$bundle/jni/djl" && cp "$tmp"/api/src/main/native/djl/utils.h "$bundle/jni/djl/"
  "$jdk/bin/javac" -h "$bundle/jni" -d "$tmp/classes" -cp "$(ls "$bundle"/lib/api-*.jar):$(ls "$bundle"/lib/pytorch-engine-*.jar)" \
      "$tmp"/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java
  cp "$jdk/include/jni.h" "$jdk/include/linux/jni_md.h" "$bundle/jni/"
  rm -rf "$tmp"

  local ref=$root/../shared/reference
  [ -d "$ref" ] || ref=$root/shared/reference
  cp "$ref/jit_torch.py" "$bundle/reference/"
  du -sh "$bundle" | sed 's/^/prepare: bundle /'
  local bytes; bytes=$(du -sb "$bundle" | cut -f1)
  if [ "$bytes" -gt $((64 * 1024 * 1024)) ]; then echo "prepare: bundle over 64 MiB" >&2; exit 1; fi
}

# dense peak TFLOP/s from NVIDIA's datasheets (SXM parts): FP16 tensor cores, FP32 without TF32
peak_tflops() { # name precision
  case "$1" in
    *H100*PCIe*) [ "$2" = fp16 ] && echo 756 || echo 51.2 ;;
    *H100*|*H200*|*GH200*) [ "$2" = fp16 ] && echo 989.4 || echo 66.9 ;;
    *A100*) [ "$2" = fp16 ] && echo 312 || echo 19.5 ;;
    *L40S*) [ "$2" = fp16 ] && echo 362 || echo 91.6 ;;
    *) echo 0 ;;
  esac
}

build_jni() { # -> path of libdjl_torch.so
  local out=$work/jni-build
  mkdir -p "$out"
  local inc="-I$bundle/jni -I$torch_dir/include -I$torch_dir/include/torch/csrc/api/include"
  local defs="-D_GLIBCXX_USE_CXX11_ABI=$cxx11_abi"
  local cuda_inc
  cuda_inc=$(for d in "${CUDA_HOME:-/usr/local/cuda}/include" "$torch_dir"/../nvidia/cuda_runtime/include; do
      [ -f "$d/cuda_runtime_api.h" ] && echo "$d" && break; done || true)
  local libs="-ltorch -ltorch_cpu -lc10"
  if [ -n "$cuda_inc" ] && [ -f "$torch_dir/lib/libtorch_cuda.so" ]; then
    defs="$defs -DUSE_CUDA"; inc="$inc -I$cuda_inc"; libs="$libs -ltorch_cuda -lc10_cuda"
  fi # without the CUDA headers only DJL's cache-emptying and stream helpers are left out
  case "$torch_version" in 1.13.*|2.0.*|2.1.*) defs="$defs -DV1_13_X" ;; esac
  local started=$SECONDS
  ls "$bundle"/jni/*.cc | xargs -P "$(nproc)" -I{} sh -c \
      'g++ -std=c++17 -O2 -fPIC -w '"$defs $inc"' -c "{}" -o "'"$out"'/$(basename "{}" .cc).o"'
  g++ -shared -o "$out/libdjl_torch.so" "$out"/*.o -L"$torch_dir/lib" $libs -Wl,-rpath,"$torch_dir/lib"
  echo "jni: built against torch $torch_version in $((SECONDS - started)) s ($defs)" >&2
  echo "$out/libdjl_torch.so"
}

run() {
  [ -x "$bundle/jre/bin/java" ] || { echo "run: $bundle missing; run 'bench/gpu.sh prepare' first" >&2; exit 1; }
  local py="" candidate
  for candidate in "${PYTHON:-}" "$(command -v python3 || true)" /usr/bin/python3; do
    if [ -n "$candidate" ] && "$candidate" -c 'import torch' 2>/dev/null; then py=$candidate; break; fi
  done
  [ -n "$py" ] || { echo "run: no python3 with torch found (set PYTHON)" >&2; exit 1; }
  work=$(mktemp -d)
  eval "$("$py" - <<'EOF'
import os, torch
print(f"torch_version={torch.__version__.split('+')[0]}")
print(f"torch_dir={os.path.dirname(torch.__file__)}")
print(f"cxx11_abi={int(torch._C._GLIBCXX_USE_CXX11_ABI)}")
cuda = torch.cuda.is_available()
print(f"gpu={'1' if cuda else '0'}")
name = torch.cuda.get_device_name(0) if cuda else 'cpu'
print(f"gpu_name='{name}'")
print(f"flavor={'cu' + torch.version.cuda.replace('.', '') if cuda and torch.version.cuda else 'cpu'}")
EOF
)"
  echo "machine: $gpu_name, torch $torch_version ($flavor), $(nproc) cores" >&2
  local jni; jni=$(build_jni)
  export DJL_CACHE_DIR=$work/djl PYTORCH_LIBRARY_PATH=$torch_dir/lib PYTORCH_VERSION=$torch_version \
      PYTORCH_FLAVOR=$flavor PYTORCH_LIBRARY_EXCLUSION=libtorch_python.so
  local jni_dir=$DJL_CACHE_DIR/pytorch/$torch_version-$flavor-linux-x86_64
  mkdir -p "$jni_dir" && cp "$jni" "$jni_dir/0.35.1-libdjl_torch.so"

  local steps=${STEPS:-20} warmup=${WARMUP:-5} repeats=${REPEATS:-3}
  local device=cpu; [ "$gpu" = 1 ] && device=cuda
  local threads; threads=$(nproc)
  # name | shared arguments | precision
  local configs=(
    "train-cifar-B4-b256|--shape cifar --patch 4 --size B --batch 256 --mode train --steps $steps --warmup $warmup|fp32"
    "train-cifar-B4-b256|--shape cifar --patch 4 --size B --batch 256 --mode train --steps $steps --warmup $warmup|fp16"
    "train-celeba-B8-b128|--shape celeba --patch 8 --size B --batch 128 --mode train --steps $steps --warmup $warmup|fp32"
    "train-celeba-B8-b128|--shape celeba --patch 8 --size B --batch 128 --mode train --steps $steps --warmup $warmup|fp16"
    "sample-euler50-cifar-B4-b256|--shape cifar --patch 4 --size B --batch 256 --mode sample --steps 50 --sampler euler --repeats $repeats|fp32"
    "sample-euler50-cifar-B4-b256|--shape cifar --patch 4 --size B --batch 256 --mode sample --steps 50 --sampler euler --repeats $repeats|fp16"
  )
  local table=$work/table
  : > "$table"
  local c name args precision
  for c in "${configs[@]}"; do
    IFS='|' read -r name args precision <<< "$c"
    if [ -n "${ONLY:-}" ] && ! grep -q -- "$ONLY" <<< "$name-$precision"; then continue; fi
    if [ "${SMOKE:-}" = 1 ]; then
      args=$(sed -E 's/--size B/--size T/; s/--batch [0-9]+/--batch 8/; s/--steps [0-9]+/--steps 2/; s/--warmup [0-9]+/--warmup 1/; s/--repeats [0-9]+/--repeats 1/' <<< "$args")
    fi
    local peak; peak=$(peak_tflops "$gpu_name" "$precision")
    echo "== $name $precision" >&2
    local jlog=$work/java-$name-$precision.log plog=$work/torch-$name-$precision.log
    timeout 300 "$bundle/jre/bin/java" -XX:+UseParallelGC -Dai.djl.offline=true -cp "$bundle/lib/*" \
        org.denoiselab.cli.bench.TrainBench $args --threads "$threads" --precision "$precision" \
        --peak-tflops "$peak" > "$jlog" 2>&1 || echo "java failed: $(tail -3 "$jlog")" >&2
    local amp=none; [ "$precision" = fp16 ] && amp=fp16
    timeout 300 "$py" "$bundle/reference/jit_torch.py" $args --threads "$threads" --device "$device" \
        --amp "$amp" > "$plog" 2>&1 || echo "torch failed: $(tail -3 "$plog")" >&2
    grep -h "^model=\|^torch=\|imgs_per_s=\|mfu=\|gflop" "$jlog" "$plog" | sed 's/^/  /' >&2
    local jrate prate gflop
    jrate=$(sed -n 's/^imgs_per_s=//p' "$jlog"); prate=$(sed -n 's/^imgs_per_s=//p' "$plog")
    gflop=$(sed -n 's/.*gflop_per_img=\([0-9.]*\).*/\1/p' "$plog")
    echo "$name $precision ${jrate:-NA} ${prate:-NA} ${gflop:-NA} $peak" >> "$table"
  done
  if [ "$gpu" = 1 ] && [ -z "${ONLY:-}" ]; then # bf16 is PyTorch-only (DJL 0.35.1 aborts on BFLOAT16)
    for c in "${configs[@]:0:4}"; do
      IFS='|' read -r name args precision <<< "$c"
      [ "$precision" = fp16 ] || continue
      for extra in "--amp bf16" "--amp bf16 --compile"; do
        echo "== torch only: $name $extra" >&2
        timeout 300 "$py" "$bundle/reference/jit_torch.py" $args --threads "$threads" --device cuda $extra 2>&1 \
            | grep "imgs_per_s=" | sed "s/^/  torch $extra: /" >&2 || true
      done
    done
  fi
  echo
  awk 'BEGIN { printf "%-30s %-5s %12s %12s %7s %9s %9s\n", "config", "prec", "java_img/s", "torch_img/s", "ratio", "java_mfu", "torch_mfu" }
       { ratio = ($3 != "NA" && $4 != "NA" && $4 > 0) ? sprintf("%.3f", $3 / $4) : "NA";
         jm = ($6 > 0 && $3 != "NA" && $5 != "NA") ? sprintf("%.4f", $3 * $5 / ($6 * 1000)) : "NA";
         pm = ($6 > 0 && $4 != "NA" && $5 != "NA") ? sprintf("%.4f", $4 * $5 / ($6 * 1000)) : "NA";
         printf "%-30s %-5s %12s %12s %7s %9s %9s\n", $1, $2, $3, $4, ratio, jm, pm }' "$table"
}

case "${1:-}" in
  prepare) prepare ;;
  run) run ;;
  *) echo "usage: bench/gpu.sh prepare | run" >&2; exit 2 ;;
esac
