#!/bin/sh
# Container entrypoint for the mic image.
#
#   (no arguments) | serve [extra args]   -> [mic migrate if MIC_MIGRATE_ON_START=1]
#                                            exec mic serve --host 0.0.0.0 --port 8000
#                                                           --workers ${MIC_WORKERS:-2} [extra args]
#   migrate | seed-demo | create-admin | token | audit | storage | cultivation ...
#                                                          -> exec mic "$@"
#   anything else                                          -> exec "$@"   (e.g. `sh`, `python`)
#
# `exec` replaces this shell, so SIGTERM from `docker stop` reaches uvicorn directly
# and it shuts down gracefully (it waits up to 20 s for in-flight requests).
set -eu

if [ "$#" -eq 0 ]; then
    set -- serve
fi

case "$1" in
    serve)
        shift
        if [ "${MIC_MIGRATE_ON_START:-0}" = "1" ]; then
            echo "entrypoint: MIC_MIGRATE_ON_START=1, running 'mic migrate'" >&2
            mic migrate
        fi
        exec mic serve --host 0.0.0.0 --port 8000 --workers "${MIC_WORKERS:-2}" "$@"
        ;;
    migrate | seed-demo | create-admin | token | audit | storage | cultivation)
        exec mic "$@"
        ;;
    *)
        exec "$@"
        ;;
esac
