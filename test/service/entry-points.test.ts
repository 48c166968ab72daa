import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildAllSchemas, printSubgraphs } from '../../src/schemas.ts';
import { ConfigError, envSchema, loadConfig } from '../../src/shared/config/index.ts';
import {
  loadServiceConfig,
  serviceVariables,
  unreadVariables,
} from '../../src/shared/config/services.ts';

const root = resolve(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Relative imports of a file, resolved to paths under src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) =>
    relative(join(root, 'src'), resolve(file, '..', m[1]!)),
  );
}

describe('one entry point per service', () => {
  describe('configuration slices', () => {
    it('every variable in the schema is read by at least one service', () => {
      expect(unreadVariables()).toEqual([]);
    });

    it('every variable a service lists exists in the schema and in .env.example', () => {
      const known = new Set(Object.keys(envSchema.shape));
      const documented = documentedNames();
      for (const [service, names] of Object.entries(serviceVariables))
        for (const name of names) {
          expect(known.has(name), `${service}: ${name} in the schema`).toBe(true);
          expect(documented.has(name), `${service}: ${name} in .env.example`).toBe(true);
        }
    });

    it('a service validates only its own variables, and lists every problem of them at once', () => {
      // Invalid for accounts, none of payments' business.
      const env = { CONNECTION_ENCRYPTION_KEY: 'short', PAYMENTS_SCA_THRESHOLD: '1,5', PORT: 'x' };
      expect(() =>
        loadServiceConfig('payments', { ...env, PAYMENTS_SCA_THRESHOLD: '5.00' }),
      ).not.toThrow();
      let error: unknown;
      try {
        loadServiceConfig('payments', { ...env, PAYMENTS_MAX_AMOUNT_PER_CONSENT: 'lots' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toContain('PAYMENTS_SCA_THRESHOLD');
      expect(problems).toContain('PAYMENTS_MAX_AMOUNT_PER_CONSENT');
      expect(problems).not.toContain('CONNECTION_ENCRYPTION_KEY');
      expect(problems).not.toContain('PORT');
      expect(() => loadServiceConfig('accounts', env)).toThrow(/CONNECTION_ENCRYPTION_KEY/);
    });

    it('a variable of another service is not read: the value stays at its default', () => {
      const config = loadServiceConfig('payments', {
        CONNECTION_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
        PAYMENTS_SCA_THRESHOLD: '250.00',
      });
      expect(config.payments.sca.threshold).toBe('250.00');
      expect(config.accounts.encryptionKey).toBeUndefined();
    });

    it('accounts and payments apart from the banks service need fixed sandbox ports', () => {
      expect(() => loadServiceConfig('accounts', { SANDBOX_BANK_BASE_PORT: '0' })).toThrow(
        /SANDBOX_BANK_BASE_PORT/,
      );
      expect(() => loadServiceConfig('banks', { SANDBOX_BANK_BASE_PORT: '0' })).not.toThrow();
    });
  });

  describe('pure schema builds', () => {
    it('prints every subgraph and composes the supergraph without creating or opening anything', async () => {
      const dir = join(mkdtempSync(join(tmpdir(), 'lg-pure-')), 'data');
      const { subgraphs, supergraph } = await buildAllSchemas(loadConfig({ DATA_DIR: dir }));
      expect(existsSync(dir)).toBe(false);
      expect(subgraphs.map((s) => s.name)).toEqual(['consent', 'accounts', 'payments']);
      expect(supergraph).toContain('join__Graph');
      const sdl = await printSubgraphs();
      expect(sdl.accounts).toContain('type Account');
      for (const s of subgraphs)
        expect(readFileSync(join(root, 'schema', `${s.name}.graphql`), 'utf8')).toBe(s.sdl);
    });
  });

  describe('rooms', () => {
    const src = join(root, 'src');
    const files = sources(src).filter((f) => !f.includes(`${join(src, 'generated')}`));

    it('a subgraph never imports another subgraph', () => {
      const offences = files.flatMap((f) => {
        const own = /^subgraphs\/([^/]+)\//.exec(relative(src, f))?.[1];
        if (!own) return [];
        return importsOf(f)
          .filter((i) => i.startsWith('subgraphs/') && !i.startsWith(`subgraphs/${own}/`))
          .map((i) => `${relative(src, f)} → ${i}`);
      });
      expect(offences).toEqual([]);
    });

    it('shared code never imports a subgraph, the gateway or the system', () => {
      const offences = files
        .filter((f) => relative(src, f).startsWith('shared/'))
        .flatMap((f) =>
          importsOf(f)
            .filter((i) => /^(subgraphs|gateway|sandbox)\/|^system\.ts$/.test(i))
            .map((i) => `${relative(src, f)} → ${i}`),
        );
      expect(offences).toEqual([]);
    });

    it('the gateway imports no subgraph and not the whole system', () => {
      const offences = files
        .filter((f) => relative(src, f).startsWith('gateway/'))
        .flatMap((f) =>
          importsOf(f)
            .filter((i) => /^(subgraphs|sandbox)\/|^system\.ts$|^schemas\.ts$/.test(i))
            .map((i) => `${relative(src, f)} → ${i}`),
        );
      expect(offences).toEqual([]);
    });
  });
});

function documentedNames(): Set<string> {
  return new Set(
    readFileSync(join(root, '.env.example'), 'utf8')
      .split('\n')
      .map((l) => /^#?\s*([A-Z][A-Z0-9_]+)=/.exec(l)?.[1])
      .filter((n): n is string => !!n),
  );
}
