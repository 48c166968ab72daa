#!/bin/sh
# Container liveness: the port and path of the service this container runs. One image runs
# every service, so the service is read from PID 1's command line
# (`npx tsx src/cli.ts serve <service>`); the port variables are the service's own.
set -eu
service=$(tr '\0' ' ' </proc/1/cmdline | sed -n 's/.* serve \([a-z]*\).*/\1/p')
path=/health
case "$service" in
  consent) port=${CONSENT_PORT:-4101} ;;
  accounts) port=${ACCOUNTS_PORT:-4102} ;;
  payments) port=${PAYMENTS_PORT:-4103} ;;
  # The sandbox banks have no /health: their info route shows the first bank answers.
  banks) port=${SANDBOX_BANK_BASE_PORT:-4201} path=/__sandbox/info ;;
  *) port=${PORT:-4000} ;;
esac
exec node -e "fetch('http://127.0.0.1:$port$path', { signal: AbortSignal.timeout(4000) })
  .then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
