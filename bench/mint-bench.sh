#!/usr/bin/env bash
# Mint-path load benchmark: packages the service, then runs MintBenchmark, which starts a
# zero-latency auth_tokens stub on loopback, launches the service against it with JWT verification
# on, and measures max mints/s and latency percentiles at a fixed rate.
# Usage: bench/mint-bench.sh [--connections=32] [--seconds=20] [--warmup=10] [--rate=1000]
#                            [--driver=jvm] [--jvm="-Xmx512m"] [--env.NAME=value ...]
# The throughput phase uses wrk when it is installed (apt-get install wrk), else a JVM client.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B package -DskipTests
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  dev.livetoken.bench.MintBenchmark "$@"
