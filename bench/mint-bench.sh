#!/usr/bin/env bash
# Mint-path benchmark, side by side with the peer (../shared/bench/peer-node: jose RS256 verify + the
# official SDK's authTokens.create). Packages the service, compiles bench/java (MintBenchmark), which
# starts a zero-latency auth_tokens stub on loopback, launches the packaged service and the peer
# against it with the same 1,000 users' JWTs, measures both in alternating wrk rounds and prints the
# ratio (mints/s, and CPU time per mint), then the service's latency at a fixed rate, its RSS and its
# launch-to-first-answer time.
# Usage: bench/mint-bench.sh [--connections=32] [--seconds=10] [--warmup=30] [--rounds=3] [--rate=1000]
#                            [--users=1000] [--sizing=container256|default] [--peer=false]
#                            [--driver=jvm] [--jvm="-Xmx512m"] [--env.NAME=value ...]
#                            [--pg=jdbc:postgresql://127.0.0.1:5432/db]   (runs the embedded store, then PostgreSQL)
#                            [--jar=<dir>/quarkus-run.jar]                 (an older build instead of this one)
#                            [--floor]      (then the same rounds with bench/java's FloorServer in the service's place)
#                            [--aot=false]  (no AOT cache; by default a deploy/AotTraining.java run makes one first, as the image does)
# Needs wrk (apt-get install wrk) for the throughput rounds, node + npm for the peer.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B package -DskipTests
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
rm -rf target/bench-classes
javac -q -d target/bench-classes -cp "$cp" $(find bench/java -name '*.java') 2>/dev/null \
  || javac -d target/bench-classes -cp "$cp" $(find bench/java -name '*.java')
pg=""
floor=""
aot=1
jar=target/quarkus-app/quarkus-run.jar
args=()
for a in "$@"; do
  case "$a" in
    --pg=*) pg="${a#--pg=}" ;;
    --floor) floor=1 ;;
    --aot=false) aot="" ;;
    --jar=*) jar="${a#--jar=}"; args+=("$a") ;;
    *) args+=("$a") ;;
  esac
done
svc=()
if [ -n "$aot" ]; then
  # As deploy/Dockerfile does: a training run writes the JDK AOT cache, the measured runs use it.
  java deploy/AotTraining.java "$jar" target/bench-app.aot -XX:MaxRAM=256m -XX:MaxRAMPercentage=40 -XX:+UseSerialGC
  svc=(--aot-cache="$PWD/target/bench-app.aot")
fi
run() { java -cp "target/bench-classes:$cp" dev.livetoken.bench.MintBenchmark "$@" | tee -a target/bench-mint.out; }
: > target/bench-mint.out
run "${args[@]+"${args[@]}"}" "${svc[@]+"${svc[@]}"}"
if [ -n "$pg" ]; then
  # A clean slate for the PostgreSQL run: the service migrates the schema at startup.
  PGUSER=postgres psql "${pg#jdbc:}" -q -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;' 2>/dev/null \
    || echo "(could not reset $pg; running on what it holds)"
  run "${args[@]+"${args[@]}"}" "${svc[@]+"${svc[@]}"}" --env.QUARKUS_DATASOURCE_JDBC_URL="$pg" --env.QUARKUS_DATASOURCE_USERNAME=postgres
fi
if [ -n "$floor" ]; then
  # The JVM floor (bench/java/dev/livetoken/bench/FloorServer.java): JWT + upstream call + answer, no
  # framework, no store. What the service could reach at best on this machine, against the same peer.
  run "${args[@]+"${args[@]}"}" --main=dev.livetoken.bench.FloorServer
fi
echo
echo "| store | service mints/s | peer mints/s | ratio us/peer (mints/s) | ratio peer/us (CPU per mint) | p50 / p99 at fixed rate, ms | RSS | startup |"
echo "|---|---|---|---|---|---|---|---|"
grep '^SUMMARY' target/bench-mint.out | sed -E 's/^SUMMARY store=(\S+) us=(\S+) peer=(\S+) ratio=(\S+) cpu-ratio=(\S+) p50=(\S+) p99=(\S+) rss=(.*) startup=(.*)$/| \1 | \2 | \3 | \4 | \5 | \6 \/ \7 | \8 | \9 |/'
