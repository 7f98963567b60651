# Sourced by bin/* and bench/*: glibc malloc settings for every JVM that runs PyTorch on the CPU.
# PyTorch frees and reallocates its activation buffers every step. With glibc's defaults a freed buffer
# is unmapped or trimmed back to the kernel and the next step faults it in again, zeroed: on 2 cores the
# JiT-T training step spent a third of its time in the kernel (bench/train.sh --shape fmnist --patch 4:
# sys 15-17 s of 39 s, 81-87 img/s). Keeping buffers up to 32 MiB in the heap and never trimming it
# gave 120-140 img/s with sys 3-5 s and the same peak memory. Both are needed: a fixed trim threshold
# alone also freezes the mmap threshold at its 128 KiB default, and training fell to 25 img/s.
# Container images set the same two variables (infra/image/Dockerfile).
export MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-33554432}
export MALLOC_TRIM_THRESHOLD_=${MALLOC_TRIM_THRESHOLD_:-17179869184}
