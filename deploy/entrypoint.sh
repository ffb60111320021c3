#!/bin/sh
# Container entrypoint for the Live Token Service.
#
# Secrets may be given as files instead of environment variables, so compose and Kubernetes can
# mount them (docker/compose `secrets:`, a Kubernetes Secret volume): for each NAME below,
# if NAME_FILE is set, the file's content (trailing newlines removed) becomes NAME.
# Setting both NAME and NAME_FILE is an error, as is a NAME_FILE that cannot be read.
#
# Then it starts the Quarkus fast-jar with $JAVA_OPTS $JAVA_OPTS_APPEND and any arguments given.
set -eu

SECRET_NAMES="GEMINI_API_KEY QUARKUS_DATASOURCE_PASSWORD LIVETOKEN_AUDIT_HMAC_KEY"

for name in $SECRET_NAMES; do
    eval "file=\${${name}_FILE:-}"
    [ -n "$file" ] || continue
    eval "direct=\${${name}:-}"
    if [ -n "$direct" ]; then
        echo "entrypoint: both ${name} and ${name}_FILE are set; set only one" >&2
        exit 64
    fi
    if [ ! -r "$file" ]; then
        echo "entrypoint: ${name}_FILE=${file} is not a readable file" >&2
        exit 66
    fi
    value=$(cat "$file")
    if [ -z "$value" ]; then
        echo "entrypoint: ${name}_FILE=${file} is empty" >&2
        exit 65
    fi
    export "${name}=${value}"
    unset "${name}_FILE"
done
unset file direct value

# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags and must be split.
exec java ${JAVA_OPTS:-} ${JAVA_OPTS_APPEND:-} -jar "${APP_JAR:-/deployments/quarkus-app/quarkus-run.jar}" "$@"
