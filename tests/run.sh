#!/usr/bin/env bash
# The project's one test command: makes sure the server binaries the integration tests start
# (RabbitMQ, PostgreSQL, dovecot and postfix, python3 for the example remote connector), the browser the UI tests
# drive (Chromium) and the tools the deploy tests call (Docker Compose, systemd-analyze) are installed, then builds
# Hub.sln and runs every test project in it. Extra arguments go to each dotnet test (e.g. --filter, --logger).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

missing=()
if [[ ! -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] && ! command -v rabbitmq-server >/dev/null 2>&1; then
    missing+=(rabbitmq-server)
fi
if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && ! command -v initdb >/dev/null 2>&1; then
    missing+=(postgresql)
fi
# deploy/docker-compose.yml is validated by `docker compose config`, or by Debian's standalone docker-compose.
if ! { command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; } && ! command -v docker-compose >/dev/null 2>&1; then
    missing+=(docker-compose)
fi
# deploy/systemd/hub.service is checked with `systemd-analyze verify`.
if ! command -v systemd-analyze >/dev/null 2>&1; then
    missing+=(systemd)
fi

# The remote-connector tests run the Python example connector (standard library only).
if ! command -v python3 >/dev/null 2>&1; then
    missing+=(python3)
fi

# The admin UI tests (tests/Hub.Ui.Tests) drive Debian's Chromium through Playwright; no browser is downloaded.
if [[ ! -x /usr/bin/chromium ]]; then
    missing+=(chromium)
fi

# The mail tests: dovecot for IMAP (and LMTP delivery), postfix for SMTP.
for package in dovecot-imapd dovecot-lmtpd; do
    if ! dpkg -s "$package" >/dev/null 2>&1; then
        missing+=("$package")
    fi
done
if [[ ! -x /usr/sbin/postfix ]]; then
    missing+=(postfix)
fi

if ((${#missing[@]} > 0)); then
    if [[ $(id -u) -ne 0 ]]; then
        echo "The integration tests need these Debian packages: ${missing[*]}" >&2
        echo "Install them as root:  apt-get install -y --no-install-recommends ${missing[*]}" >&2
        echo "(or run this script as root, which installs them)." >&2
        exit 1
    fi

    echo "Installing ${missing[*]} ..."
    apt-get update
    # postfix asks how it is used; the tests give it a config directory of their own.
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"

    # The packages start system-wide services; the tests start their own throwaway servers instead.
    if dpkg -s rabbitmq-server >/dev/null 2>&1; then
        service rabbitmq-server stop >/dev/null 2>&1 || true
        systemctl disable rabbitmq-server >/dev/null 2>&1 || true
        # The service leaves its epmd (default port) behind; test nodes use private epmd ports.
        epmd -kill >/dev/null 2>&1 || true
    fi
    if dpkg -s postgresql >/dev/null 2>&1; then
        for cluster in /etc/postgresql/*/*; do
            [[ -d $cluster ]] || continue
            pg_ctlcluster "$(basename "$(dirname "$cluster")")" "$(basename "$cluster")" stop >/dev/null 2>&1 || true
        done
        service postgresql stop >/dev/null 2>&1 || true
        systemctl disable postgresql >/dev/null 2>&1 || true
    fi
    for service in dovecot postfix; do
        if dpkg -s "$service" >/dev/null 2>&1 || dpkg -s "$service-core" >/dev/null 2>&1; then
            service "$service" stop >/dev/null 2>&1 || true
            systemctl disable "$service" >/dev/null 2>&1 || true
        fi
    done
fi

# One build of everything, then the integration tests (by far the longest project) start at once, and the other test
# projects run one after another beside them: the two cores carry one long and one short stream. (`dotnet test
# Hub.sln` built and tested the small projects first and started the integration tests minutes late.)
# Release: the integration tests start the hub as real processes, and an unoptimized (Debug) hub made the CPU-bound
# ones (20,000 touchpoints twice, streams while processes are killed) take minutes longer.
configuration=Release
dotnet build "$repo/Hub.sln" -c "$configuration"

# The hub processes the integration tests start run Hub.Server as deploy/Dockerfile ships it: published ReadyToRun
# (precompiled). A hub then starts in about 2.2 s instead of 4 s on a 2-core machine, and they start a few hundred.
# Restoring Hub.Server alone for the runtime (--no-dependencies) leaves the other projects' restore, and so their
# build, as it is; the publish compiles Hub.Server for the runtime and precompiles it and its libraries (about 75 s on
# two cores), into a folder of its own. So the other test projects do not wait for it: they start right after the
# build (in the order below), and the UI tests start their one hub from the build output. One node (-m:1): a parallel
# publish once had two crossgen2 runs write the same file. Should the publish fail anyway, the integration tests run
# the build output, which is slower to start and otherwise the same code.
runtime="$(dotnet --info | awk '$1 == "RID:" { print $2; exit }')"
published="$repo/src/Hub.Server/bin/$configuration/ready-to-run"
publish() {
    rm -rf "$published"
    dotnet restore "$repo/src/Hub.Server/Hub.Server.csproj" -r "$runtime" -p:PublishReadyToRun=true --no-dependencies &&
        dotnet publish "$repo/src/Hub.Server/Hub.Server.csproj" -c "$configuration" -r "$runtime" --self-contained false \
            -p:PublishReadyToRun=true --no-restore -m:1 -o "$published"
}
integration=tests/Hub.Integration.Tests/Hub.Integration.Tests.csproj
run_integration_tests() {
    if publish || publish; then
        export HUB_SERVER_ASSEMBLY="$published/Hub.Server.dll"
    else
        echo "warning: the ReadyToRun publish of Hub.Server failed; the integration tests run its build output" >&2
    fi
    dotnet test "$repo/$integration" -c "$configuration" --no-build "$@"
}
# Beside the publish first the throwaway servers' own tests (RabbitMQ nodes: slow to start, with generous timeouts),
# then the small projects, then the UI tests: these are done before the integration tests reach the classes that load
# both cores (three hub processes at once in MultiProcessResolutionTests), which once kept a page from loading within
# Playwright's 30 s.
servers_tests=tests/Hub.Testing.Servers.Tests/Hub.Testing.Servers.Tests.csproj
ui_tests=tests/Hub.Ui.Tests/Hub.Ui.Tests.csproj
mapfile -t others < <(dotnet sln "$repo/Hub.sln" list | grep -E 'Tests\.csproj$' | grep -vxF -e "$integration" -e "$servers_tests" -e "$ui_tests")
others=("$servers_tests" "${others[@]}" "$ui_tests")

log="$(mktemp)"
integration_log="$(mktemp)"
trap 'rm -f "$log" "$integration_log"' EXIT
set +e
(set -o pipefail; run_integration_tests "$@" 2>&1 | tee "$integration_log") &
integration_pid=$!
status=0
for project in "${others[@]}"; do
    dotnet test "$repo/$project" -c "$configuration" --no-build "$@" 2>&1 | tee -a "$log"
    ((PIPESTATUS[0] == 0)) || status=1
done
wait "$integration_pid" || status=1
set -e
cat "$integration_log" >>"$log"

# One closing line over all test projects, in the plain form CI reads.
sum() { grep -oE "$1: +[0-9]+" "$log" | awk '{ s += $2 } END { print s + 0 }'; }
echo "$(sum Passed) passed, $(sum Failed) failed, $(sum Skipped) skipped"
exit "$status"
