#!/bin/bash
# Docker/compose HEALTHCHECK: is the service ready? Uses bash's /dev/tcp, so the image needs
# neither curl nor wget. Kubernetes ignores it and uses its own probes.
set -eu
path="${1:-/q/health/ready}"
exec 3<>"/dev/tcp/127.0.0.1/${HEALTHCHECK_PORT:-8080}"
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$path" >&3
IFS=' ' read -r _ status _ <&3
exec 3<&-
[ "$status" = "200" ]
