import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inCi } from '../support/services.ts';
import { deployFiles, read, root } from './references.ts';

/**
 * The configuration files checked by the programs that will read them: `haproxy -c` and
 * `systemd-analyze verify`. Under CI=true a missing program fails; elsewhere it skips.
 */

function available(program: string, versionFlag: string): boolean {
  const found = spawnSync(program, [versionFlag], { encoding: 'utf8' }).status === 0;
  if (!found && inCi) throw new Error(`CI=true and ${program} is not installed`);
  if (!found) console.warn(`${program} not installed: its deployment checks are SKIPPED`);
  return found;
}

const scratch = mkdtempSync(join(tmpdir(), 'lg-deploy-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `haproxy -c` on the config; the certificate named on `bind … ssl crt` does not exist here. */
function haproxyCheck(config: string): { ok: boolean; output: string } {
  const file = join(scratch, `haproxy-${Math.random().toString(36).slice(2)}.cfg`);
  writeFileSync(file, config.replace(/ ssl crt \S+/g, ''));
  const r = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

/** Problems `systemd-analyze verify` reports (it exits 0 on most of them, so read stderr). */
function systemdProblems(files: string[]): string[] {
  const dir = mkdtempSync(join(scratch, 'units-'));
  for (const f of files) copyFileSync(f, join(dir, basename(f)));
  const r = spawnSync(
    'systemd-analyze',
    ['verify', '--man=no', ...files.map((f) => join(dir, basename(f)))],
    { encoding: 'utf8' },
  );
  return (
    `${r.stderr}`
      .split('\n')
      .filter(Boolean)
      // Where node is not installed as /usr/bin/npx, the path is the host's business.
      .filter((l) => !/Command \/usr\/bin\/npx is not executable/.test(l))
  );
}

describe('deploy/haproxy.cfg', () => {
  const haproxy = available('haproxy', '-v');

  it.skipIf(!haproxy)('is valid for haproxy -c', () => {
    const result = haproxyCheck(read('deploy/haproxy.cfg'));
    expect(result.output).not.toMatch(/\[(ALERT|WARNING)\]/);
    expect(result.ok, result.output).toBe(true);
  });

  it.skipIf(!haproxy)('the check fails on a broken copy', () => {
    const broken = read('deploy/haproxy.cfg').replace('balance leastconn', 'balance fastest');
    expect(haproxyCheck(broken).ok).toBe(false);
  });
});

describe('deploy/systemd', () => {
  const systemd = available('systemd-analyze', '--version');
  const units = deployFiles('deploy/systemd')
    .filter((f) => /\.(service|timer|target)$/.test(f))
    .map((f) => join(root, f));

  it.skipIf(!systemd)('every unit passes systemd-analyze verify', () => {
    expect(units.length).toBeGreaterThanOrEqual(8);
    expect(systemdProblems(units)).toEqual([]);
  });

  it.skipIf(!systemd)('the check reports a broken unit', () => {
    const broken = join(scratch, 'ledgergraph-broken.service');
    writeFileSync(
      broken,
      read('deploy/systemd/ledgergraph-gateway.service').replace(
        'Restart=on-failure',
        'Restart=sometimes',
      ),
    );
    expect(systemdProblems([broken]).join('\n')).toMatch(/restart specifier/);
  });
});

describe('deploy/healthcheck.sh', () => {
  it('is valid POSIX shell', () => {
    const r = spawnSync('sh', ['-n', join(root, 'deploy/healthcheck.sh')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
