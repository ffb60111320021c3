#!/usr/bin/env bash
# Launch-to-first-answer time of the packaged service (prod profile, embedded store, JWT on), N runs,
# with whatever JVM options are given, e.g. an AppCDS archive or a JDK 25 AOT cache:
#   bench/startup-bench.sh --runs=5
#   bench/startup-bench.sh --runs=5 --jvm="-XX:SharedArchiveFile=target/app-cds.jsa"
#   bench/startup-bench.sh --runs=5 --jvm="-XX:AOTCache=target/app.aot"
#   bench/startup-bench.sh --runs=5 --restart   (every run on one store migrated before: a pod's restart)
# Training runs that make those files: bench/startup-bench.sh --train=cds | --train=aot | --train=cds-static | --train=aot-mints
# (cds and aot: a full start, 5 s idle, SIGTERM; cds-static: what deploy/Dockerfile does)
# The first answer is the 401 of GET /v1/languages without a token (routing, security, JWT set up).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5; jvm=""; jar=target/quarkus-app/quarkus-run.jar; train=""; restart=""
for a in "$@"; do
  case "$a" in
    --runs=*) runs="${a#--runs=}" ;;
    --jvm=*) jvm="${a#--jvm=}" ;;
    --jar=*) jar="${a#--jar=}" ;;
    --train=*) train="${a#--train=}" ;;
    --restart) restart="$PWD/target/startup-data/restart-$RANDOM$RANDOM/livetoken" ;;
  esac
done
port=18123
export QUARKUS_HTTP_PORT=$port QUARKUS_HTTP_HOST=127.0.0.1 GEMINI_API_KEY=bench-fake-key \
  LIVETOKEN_UPSTREAM_BASE_URL=http://127.0.0.1:9 LIVETOKEN_AUDIT_HMAC_KEY=benchmark-audit-hmac-key-0123456789abcdef \
  MP_JWT_VERIFY_ISSUER=https://dev.livetoken.local \
  MP_JWT_VERIFY_PUBLICKEY_LOCATION="file://$PWD/src/main/resources/dev/jwt-public.pem" \
  LIVETOKEN_DEFAULT_POLICY_SEED=true
once() { # $1: extra JVM options; prints seconds to the first answer
  export LIVETOKEN_STORE_EMBEDDED_PATH="${restart:-$PWD/target/startup-data/$RANDOM$RANDOM/livetoken}"
  local t0; t0=$(date +%s%N)
  # shellcheck disable=SC2086
  java -XX:MaxRAM=256m -XX:MaxRAMPercentage=40 $1 -jar "$jar" > target/startup-service.log 2>&1 &
  local pid=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/v1/languages)" = 401 ]; do
    sleep 0.01
    kill -0 $pid 2>/dev/null || { echo "service died; see target/startup-service.log" >&2; exit 1; }
  done
  local t1; t1=$(date +%s%N)
  echo "scale=2; ($t1 - $t0) / 1000000000" | bc
  if [ -n "${2:-}" ]; then sleep "$2"; fi
  kill $pid; wait $pid 2>/dev/null || true
}
case "$train" in
  # What deploy/Dockerfile does: Quarkus stops itself after static init (no runtime config needed).
  cds-static) java -XX:ArchiveClassesAtExit=target/app-cds-static.jsa -Dquarkus.appcds.generate=true -jar "$jar" \
                > target/startup-service.log 2>&1 || true; ls -la target/app-cds-static.jsa; exit 0 ;;
  cds) once "-XX:ArchiveClassesAtExit=target/app-cds.jsa" 5 >/dev/null; ls -la target/app-cds.jsa; exit 0 ;;
  aot) once "-XX:AOTCacheOutput=target/app.aot" 5 >/dev/null; ls -la target/app.aot; exit 0 ;;
  # What deploy/Dockerfile does now: 20,000 mints through the service, then the cache (JDK 25).
  aot-mints) java deploy/AotTraining.java "$jar" target/app.aot -XX:MaxRAM=256m -XX:MaxRAMPercentage=40; exit 0 ;;
esac
if [ -n "$restart" ]; then once "$jvm" > /dev/null; fi # creates and migrates the store, not timed
all=()
for i in $(seq "$runs"); do all+=("$(once "$jvm")"); done
printf 'startup (s), %d runs, JVM options "%s": %s; median %s\n' "$runs" "$jvm" "${all[*]}" \
  "$(printf '%s\n' "${all[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
