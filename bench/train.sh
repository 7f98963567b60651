#!/usr/bin/env bash
# Training (or sampling) throughput of the Java JiT, whole process, one measurement; prints
# imgs_per_s=<median> last. Same arguments as ../shared/reference/run.sh, e.g.
#   bench/train.sh --shape cifar --patch 4 --size T --batch 128 --steps 20
#   bench/train.sh --shape cifar --patch 4 --size T --batch 128 --mode sample --steps 10
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bin/lib/classpath.sh"
source "$root/bin/lib/torch-env.sh"
cli_classpath "$root"
exec java -XX:+UseParallelGC -cp "$CLI_CP" org.denoiselab.cli.bench.TrainBench "$@"
