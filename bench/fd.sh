#!/usr/bin/env bash
# FD benchmark: streaming statistics of 50,000 x 2048 random features plus the Fréchet distance with
# its matrix square root (the non-network part of an FID evaluation), timed as a whole process.
# Prints fd_seconds=<n> last. Usage: bench/fd.sh [samples] [dim]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f core/target/classpath.txt ] || [ ! -d core/target/classes/org/denoiselab/core/eval ]; then
  mvn -B -q -o -pl core package -DskipTests
fi
CP="core/target/classes:$(cat core/target/classpath.txt)"
start=$(date +%s.%N)
java -cp "$CP" -Dai.djl.offline=true org.denoiselab.core.eval.FdBenchmark "${1:-50000}" "${2:-2048}"
end=$(date +%s.%N)
echo "fd_seconds=$(echo "$end - $start" | bc -l | xargs printf '%.1f')"
