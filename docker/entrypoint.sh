#!/bin/sh
# Container entrypoint for the mic image.
#
#   (no arguments) | serve [extra args]   -> [mic migrate if MIC_MIGRATE_ON_START=1]
#                                            [mic seed-demo --if-empty if MIC_SEED_DEMO_ON_START=1,
#                                             refused when MIC_ENV=production]
#                                            exec mic serve --host 0.0.0.0 --port 8000
#                                                           --workers ${MIC_WORKERS:-2} [extra args]
#   migrate | seed-demo | create-admin | token | audit | storage | cultivation ...
#                                                          -> exec mic "$@"
#   anything else                                          -> exec "$@"   (e.g. `sh`, `python`)
#
# `exec` replaces this shell, so SIGTERM from `docker stop` reaches uvicorn directly
# and it shuts down gracefully (requests in flight get MIC_GRACEFUL_SHUTDOWN_S, 15 s).
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
        if [ "${MIC_SEED_DEMO_ON_START:-0}" = "1" ]; then
            # The demo accounts' password is published in the README: never in production.
            if [ "${MIC_ENV:-production}" = "production" ]; then
                echo "entrypoint: MIC_SEED_DEMO_ON_START=1 is refused when MIC_ENV=production" >&2
                exit 2
            fi
            echo "entrypoint: MIC_SEED_DEMO_ON_START=1, running 'mic seed-demo --if-empty'" >&2
            mic seed-demo --if-empty
        fi
        # Each worker holds up to MIC_MAX_CONNECTIONS sockets besides its files and database
        # pool: with fewer descriptors, accept() fails before the cap answers 503.
        open_files="$(ulimit -n)"
        wanted="${MIC_MAX_CONNECTIONS:-1000}"
        case "$open_files$wanted" in
            *[!0-9]*) ;;  # "unlimited", or a setting `mic serve` itself will refuse
            *)
                if [ "$open_files" -lt "$((wanted + 128))" ]; then
                    echo "entrypoint: warning: ulimit -n is $open_files, below" \
                        "MIC_MAX_CONNECTIONS ($wanted) + 128: raise it" \
                        "(docker run --ulimit nofile=65536)" >&2
                fi
                ;;
        esac
        exec mic serve --host 0.0.0.0 --port 8000 --workers "${MIC_WORKERS:-2}" "$@"
        ;;
    migrate | seed-demo | create-admin | token | audit | storage | cultivation)
        exec mic "$@"
        ;;
    *)
        exec "$@"
        ;;
esac
