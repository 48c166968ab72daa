import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { read, root } from './references.ts';

/**
 * The services run with a 32 MiB semi-space (.npmrc's node-options, docs/DECISIONS.md "A
 * larger young generation"). Checked the way the image and the systemd units start them,
 * `npx tsx …` in the repository root, by the size V8's new space reaches under allocation:
 * two semi-spaces, 2 × 16 MiB by default.
 */

/** A ring of objects each alive across a scavenge or two: V8 grows the new space to its limit. */
const grow = `
import v8 from 'node:v8';
const ring = new Array(400000);
for (let i = 0; i < 6000000; i++) ring[i % ring.length] = { i };
const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
console.log(JSON.stringify({ mib: space.space_size / 1048576 }));
`;

/** This process's own npm settings would leak into the child (npm test sets NODE_OPTIONS). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => k !== 'NODE_OPTIONS' && !k.toLowerCase().startsWith('npm_'),
    ),
  );
  return { ...env, ...extra };
}

function newSpaceMiB(env: NodeJS.ProcessEnv): number {
  const r = spawnSync('npx', ['tsx', '--input-type=module', '-e', grow], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { mib: number }).mib;
}

describe('the young generation the services run with', () => {
  it('is 2 × 32 MiB for a process started with npx in the repository root', () => {
    expect(newSpaceMiB(cleanEnv())).toBe(64);
  });

  it('follows NPM_CONFIG_NODE_OPTIONS, the override DEPLOYMENT.md names', () => {
    expect(newSpaceMiB(cleanEnv({ NPM_CONFIG_NODE_OPTIONS: '--max-semi-space-size=16' }))).toBe(32);
  });

  it('the image has the .npmrc that sets it', () => {
    expect(read('deploy/Containerfile')).toMatch(/^COPY [^\n]*\s\.npmrc\s[^\n]*\.\/$/m);
  });
});
