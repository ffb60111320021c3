#!/usr/bin/env bash
# First-byte overhead of POST /v1/translations (SSE) over the upstream's own first byte, at N
# concurrent streams. Packages the service, compiles bench/java, starts a streamGenerateContent stub
# with a fixed first-byte delay, launches the packaged service against it and measures both paths.
# Usage: bench/text-bench.sh [--streams=50] [--seconds=20] [--warmup=15] [--first-byte-delay=200]
#                            [--jvm="-Xmx384m"] [--env.NAME=value ...] [--no-package]
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
package=1
for a in "$@"; do
  if [ "$a" = "--no-package" ]; then package=0; else args+=("$a"); fi
done
if [ "$package" = 1 ]; then ./mvnw -q -B package -DskipTests; fi
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
rm -rf target/bench-classes
javac -d target/bench-classes -cp "$cp" $(find bench/java -name '*.java')
exec java -cp "target/bench-classes:$cp" dev.livetoken.bench.TranslationBenchmark "${args[@]}"
