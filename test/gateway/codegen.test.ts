import { readFileSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import type { Types } from '@graphql-codegen/plugin-helpers';
import * as prettier from 'prettier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { GraphQLRequestError, execute } from '../../src/client/client.ts';
import { listAuthorisedConsents } from '../../src/client/example.ts';
import {
  ConsentDashboardDocument,
  ListConsentsDocument,
  MeDocument,
} from '../../src/client/generated/graphql.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

const root = resolve(import.meta.dirname, '..', '..');
const generatedDir = join(root, 'src', 'client', 'generated');

describe('typed operations (GraphQL Code Generator)', () => {
  it('src/client/generated is what codegen.yml produces now (run `npm run codegen`)', async () => {
    const { hooks: _hooks, ...config } = parseYaml(
      readFileSync(join(root, 'codegen.yml'), 'utf8'),
    ) as Types.Config;
    const outputs = await generate({ ...config, cwd: root, silent: true }, false);
    const fresh = new Map<string, string>();
    for (const o of outputs) {
      const options = (await prettier.resolveConfig(o.filename)) ?? {};
      fresh.set(
        basename(o.filename),
        await prettier.format(o.content, { ...options, filepath: o.filename }),
      );
    }
    expect(readdirSync(generatedDir).sort()).toEqual([...fresh.keys()].sort());
    for (const [name, content] of fresh) {
      expect(readFileSync(join(generatedDir, name), 'utf8'), name).toBe(content);
    }
  });
});

describe('the example client against the running gateway', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem();
  });
  afterAll(() => t.stop());

  it('lists authorised consents with a typed query and a client_credentials token', async () => {
    const c = await t.authorisedConsent({ permissions: ['ReadAccountsBasic', 'ReadBalances'] });
    const consents = await listAuthorisedConsents(t.url, 'demo-pfm', 'demo-pfm-secret');
    expect(consents).toContainEqual({
      id: c.consentId,
      permissions: ['ReadAccountsBasic', 'ReadBalances'],
      expiresAt: null,
    });
  });

  it('walks consent → accounts → balances and reads me, typed end to end', async () => {
    const c = await t.authorisedConsent({ permissions: ['ReadAccountsDetail', 'ReadBalances'] });
    const { consent } = await execute(t.url, c.token, ConsentDashboardDocument, {
      consentId: c.consentId,
    });
    const balances = consent?.accounts?.flatMap((a) => a.balances ?? []) ?? [];
    expect(balances.length).toBeGreaterThan(0);
    expect(balances.every((b) => /^\d+\.\d{2}$/.test(b.amount))).toBe(true);
    const { me } = await execute(t.url, c.token, MeDocument);
    expect(me?.id).toBe('psu_alice');
  });

  it('checks variables against the operation at compile time', () => {
    const wrong = () => {
      // @ts-expect-error consentId is required
      void execute(t.url, '', ConsentDashboardDocument);
      // @ts-expect-error status must be a ConsentStatus
      void execute(t.url, '', ListConsentsDocument, { status: 'Nope' });
    };
    expect(wrong).toBeTypeOf('function');
  });

  it('throws a typed error with the codes to switch on', async () => {
    const clientToken = await t.tokens.client();
    const error = await execute(t.url, clientToken, MeDocument).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLRequestError);
    expect((error as GraphQLRequestError).codes).toEqual(['FORBIDDEN']);
    await expect(execute(t.url, 'not-a-token', ListConsentsDocument, {})).rejects.toMatchObject({
      status: 401,
    });
  });
});
