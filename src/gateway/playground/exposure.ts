import type { Config } from '../../shared/config/index.ts';
import { isLoopbackHost } from '../../shared/config/hosts.ts';
import type { Logger } from '../../shared/log/index.ts';

/**
 * PLAYGROUND_SANDBOX_TOKEN is on by default only on a loopback HOST. Set true on any other,
 * it is the operator's explicit choice, so it starts, but loudly: whoever reaches the page
 * can get a live consent token for a demo PSU. True when it said so.
 */
export function warnIfSandboxTokenExposed(
  config: Config,
  haveDemoCredentials: boolean,
  log: Logger,
): boolean {
  const g = config.gateway;
  const on = g.playground && g.playgroundSandboxToken && config.seedDemoData && haveDemoCredentials;
  if (!on || isLoopbackHost(config.host)) return false;
  log.warn(
    `PLAYGROUND_SANDBOX_TOKEN=true on HOST=${config.host}, which is not a loopback address: ` +
      'anyone who can open /playground from there gets live consent tokens for a demo PSU. ' +
      'Set PLAYGROUND_SANDBOX_TOKEN=false unless this is a private demo.',
    { host: config.host },
  );
  return true;
}
