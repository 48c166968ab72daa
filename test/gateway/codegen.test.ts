import { readFileSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import type { Types } from '@graphql-codegen/plugin-helpers';
import * as prettier from 'prettier';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { GraphQLRequestError, execute } from '../../src/client/client.ts';
import { listAuthorisedConsents } from '../../src/client/example.ts';
import {
  ConsentDashboardDocument,
  ListConsentsDocument,
  MeDocument,
  type MeQuery,
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

  it('checks variables and results against the operation at compile time', () => {
    // Compiled here, with the project's tsconfig: each call marked BAD must be a type error,
    // every other line must compile.
    const source = [
      "import { execute } from './src/client/client.ts';",
      'import {',
      '  ConsentDashboardDocument,',
      '  ListConsentsDocument,',
      '  MeDocument,',
      "} from './src/client/generated/graphql.ts';",
      'declare const url: string;',
      "void execute(url, 't', ConsentDashboardDocument, { consentId: 'c1' });",
      "void execute(url, 't', ListConsentsDocument, { status: 'Authorised' });",
      "void execute(url, 't', ListConsentsDocument);",
      "void execute(url, 't', MeDocument);",
      "void execute(url, 't', ConsentDashboardDocument); // BAD: consentId is required",
      "void execute(url, 't', ConsentDashboardDocument, { consentId: 1 }); // BAD: an ID is a string",
      "void execute(url, 't', ConsentDashboardDocument, { id: 'c1' }); // BAD: no such variable",
      "void execute(url, 't', ListConsentsDocument, { status: 'Nope' }); // BAD: not a ConsentStatus",
      "void execute(url, 't', MeDocument, { consentId: 'c1' }); // BAD: Me takes no variables",
      "export const me: Promise<{ me: number }> = execute(url, 't', MeDocument); // BAD: result",
    ];
    const bad = source.flatMap((line, i) => (line.includes('// BAD') ? [i + 1] : []));
    expect(typeErrorLines(source.join('\n'))).toEqual(bad);
  });
});

/** The lines of `source` (a module at the repository root) that do not type-check. */
function typeErrorLines(source: string): number[] {
  const file = join(root, '__codegen-types-check.ts');
  const configFile = ts.readConfigFile(join(root, 'tsconfig.json'), (p) => ts.sys.readFile(p));
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => (name === file ? source : readFile(name));
  host.fileExists = (name) => name === file || fileExists(name);
  host.getSourceFile = (name, version, ...rest) =>
    name === file
      ? ts.createSourceFile(name, source, version, true)
      : getSourceFile(name, version, ...rest);
  const program = ts.createProgram([file], options, host);
  const diagnostics = [...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics()];
  const lines = diagnostics
    .filter((d) => d.file?.fileName === file && d.start !== undefined)
    .map((d) => d.file!.getLineAndCharacterOfPosition(d.start!).line + 1);
  return [...new Set(lines)].sort((a, b) => a - b);
}

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

// Checked by `tsc --noEmit` (npm run lint), never run: the same rules as plain type tests.
export function typeTests(url: string): void {
  // @ts-expect-error consentId is required
  void execute(url, '', ConsentDashboardDocument);
  // @ts-expect-error status must be a ConsentStatus
  void execute(url, '', ListConsentsDocument, { status: 'Nope' });
  expectTypeOf(execute(url, '', MeDocument)).resolves.toEqualTypeOf<MeQuery>();
}
