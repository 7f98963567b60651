#!/usr/bin/env bash
# FD benchmark: streaming statistics of 50,000 x 2048 random features plus the Fréchet distance with
# its matrix square root (the non-network part of an FID evaluation), timed as a whole process.
# Prints fd_seconds=<n> last. Usage: bench/fd.sh [samples] [dim] [batch]   (--help lists the defaults)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bin/lib/classpath.sh"
cli_classpath "$root"
start=$(date +%s.%N)
java -cp "$CLI_CP" -Dai.djl.offline=true org.denoiselab.cli.bench.FdBenchmark "$@"
end=$(date +%s.%N)
echo "fd_seconds=$(echo "$end - $start" | bc -l | xargs printf '%.1f')"
