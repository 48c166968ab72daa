import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/** `ledgergraph help` with NODE_ENV as given; what the preload saw at exit. */
const modeAfterHelp = (nodeEnv: string | undefined) =>
  new Promise<string>((done, fail) => {
    execFile(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        './test/support/report-library-mode.ts',
        'src/cli.ts',
        'help',
      ],
      {
        cwd: root,
        env: { PATH: process.env.PATH, ...(nodeEnv === undefined ? {} : { NODE_ENV: nodeEnv }) },
      },
      (error, _stdout, stderr) => {
        const line = /library-mode (.*)/.exec(stderr);
        if (error || !line) fail(error ?? new Error(`no report:\n${stderr}`));
        else done(line[1]!.trim());
      },
    );
  });

// The services are started by this CLI; graphql-js's development checks were 3.4–4.7 % of a
// dashboard's profile (docs/BENCHMARKS.md), so they are off unless an operator asks for them.
describe('the CLI and NODE_ENV', () => {
  it('runs libraries in production mode when NODE_ENV is unset', async () => {
    expect(await modeAfterHelp(undefined)).toBe('production production');
  });

  it("keeps an operator's NODE_ENV", async () => {
    expect(await modeAfterHelp('development')).toBe('development development');
  });
});
