#!/usr/bin/env bash
# Mint-path benchmark, side by side with the peer (../shared/bench/peer-node: jose RS256 verify + the
# official SDK's authTokens.create). Packages the service, compiles bench/java (MintBenchmark), which
# starts a zero-latency auth_tokens stub on loopback, launches the packaged service and the peer
# against it with the same 1,000 users' JWTs, measures both in alternating wrk rounds and prints the
# ratio, then the service's latency at a fixed rate, its RSS and its launch-to-first-answer time.
# Usage: bench/mint-bench.sh [--connections=32] [--seconds=10] [--warmup=30] [--rounds=3] [--rate=1000]
#                            [--users=1000] [--sizing=container256|default] [--peer=false]
#                            [--driver=jvm] [--jvm="-Xmx512m"] [--env.NAME=value ...]
# Needs wrk (apt-get install wrk) for the throughput rounds, node + npm for the peer.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B package -DskipTests
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
rm -rf target/bench-classes
javac -q -d target/bench-classes -cp "$cp" $(find bench/java -name '*.java') 2>/dev/null \
  || javac -d target/bench-classes -cp "$cp" $(find bench/java -name '*.java')
exec java -cp "target/bench-classes:$cp" dev.livetoken.bench.MintBenchmark "$@"
