import 'reflect-metadata';
import { ConfigError, loadConfig, type Config } from './shared/config/index.ts';
import { productionUnlessSet } from './shared/config/vendor-telemetry.ts';

// Before any command loads a library (see productionUnlessSet).
productionUnlessSet();

type Command = (args: string[]) => Promise<number>;

/** Commands over the whole installation read every variable; `serve` reads only its own. */
const withConfig =
  (command: (config: Config, args: string[]) => Promise<number>): Command =>
  (args) =>
    command(loadConfig(), args);

/** One entry point; each command lives in src/commands/ and loads only what it needs. */
const commands: Record<string, { help: string; load: () => Promise<Command> }> = {
  start: {
    help: 'run gateway, subgraphs and sandbox banks on the embedded default',
    load: async () => withConfig((await import('./commands/start.ts')).start),
  },
  serve: {
    help: 'serve <gateway|consent|accounts|payments|banks>: run one service in this process',
    load: async () => (await import('./commands/serve.ts')).serve,
  },
  migrate: {
    help: 'apply pending database migrations and exit',
    load: async () => withConfig((await import('./commands/migrate.ts')).migrate),
  },
  keys: {
    help: 'keys rotate: publish a new token signing key (signs after the lead time)',
    load: async () => withConfig((await import('./commands/keys.ts')).keys),
  },
  schema: {
    help: 'schema print: write subgraph SDLs and the composed supergraph to schema/',
    load: async () => withConfig((await import('./commands/schema.ts')).schema),
  },
  backup: {
    help: 'backup <dir>: consistent online backup of every store, keys and the audit checkpoint',
    load: async () => withConfig((await import('./commands/backup.ts')).backupCommand('backup')),
  },
  restore: {
    help: 'restore <dir> [--force]: bring a backup back into the configured stores',
    load: async () => withConfig((await import('./commands/backup.ts')).backupCommand('restore')),
  },
  drill: {
    help: 'drill <dir>: restore the newest backup into scratch stores and prove it usable',
    load: async () => withConfig((await import('./commands/backup.ts')).backupCommand('drill')),
  },
  totp: {
    help: "totp <username>: a demo PSU's current one-time code (sign-in second factor)",
    load: async () => withConfig((await import('./commands/totp.ts')).totp),
  },
  reconcile: {
    help: "reconcile: every account's booked balance against its booked transactions, with figures",
    load: async () => withConfig((await import('./commands/accounts.ts')).reconcile),
  },
  accounts: {
    help: "accounts release <accountId> [--by <name>]: lift an account's quarantine",
    load: async () => withConfig((await import('./commands/accounts.ts')).accounts),
  },
  psu: {
    help: "psu erase <psuId> [--by <name>]: erase a PSU's personal data (GDPR art. 17)",
    load: async () => withConfig((await import('./commands/psu.ts')).psu),
  },
  audit: {
    help: 'audit verify|checkpoint|export|prune: check, sign, export and prune the audit log',
    load: async () => withConfig((await import('./commands/audit.ts')).audit),
  },
};

const usage = `Usage: ledgergraph <command> [args]\n\n${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.help}`)
  .join('\n')}\n`;

async function main([name, ...args]: string[]): Promise<number> {
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(name && name !== 'help' ? `Unknown command: ${name}\n\n${usage}` : usage);
    return name === 'help' ? 0 : 2;
  }
  return (await command.load())(args);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof ConfigError ? e.message : e);
    process.exit(1);
  },
);
