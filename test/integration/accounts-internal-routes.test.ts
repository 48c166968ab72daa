import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signServiceCall } from '../../src/shared/auth/internal-context.ts';
import { accountsRoutes } from '../../src/shared/internal-api/accounts.ts';
import { startAccountsDirectory, type AccountsDirectory } from '../payments/accounts-directory.ts';

describe('the accounts service’s internal routes', () => {
  let directory: AccountsDirectory;
  let alices: string[];
  let bobs: string;

  beforeAll(async () => {
    directory = await startAccountsDirectory();
    alices = [
      await directory.add('psu_alice', 'bank-a', {
        scheme: 'IBAN',
        identification: 'DE89370400440532013000',
      }),
      await directory.add('psu_alice', 'bank-b'),
    ];
    bobs = await directory.add('psu_bob', 'bank-a', {
      scheme: 'SortCodeAccountNumber',
      identification: '40400499998888',
    });
  });
  afterAll(() => directory.stop());

  async function post(path: string, body: unknown, bearer?: string) {
    const res = await fetch(`${directory.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
  const tokenFor = (audience: string, secret = directory.secret) =>
    signServiceCall(audience, secret);
  const question = () => ({ psuId: 'psu_alice', accountIds: [...alices, bobs, 'acc_made_up'] });

  it('owned: only the PSU’s own ids come back; another PSU’s and made-up ids do not', async () => {
    const { owned } = accountsRoutes;
    const res = await post(owned.path, question(), await tokenFor(owned.audience));
    expect(res).toEqual({ status: 200, body: { owned: alices } });
  });

  it('identifications: the PSU’s accounts with bank and identification, nothing of bob’s', async () => {
    const { identifications } = accountsRoutes;
    const res = await post(
      identifications.path,
      question(),
      await tokenFor(identifications.audience),
    );
    expect(res.status).toBe(200);
    const accounts = res.body['accounts'] as { id: string }[];
    expect(accounts.map((a) => a.id).sort()).toEqual([...alices].sort());
    expect(accounts).toContainEqual({
      id: alices[0],
      bankId: 'bank-a',
      identification: { scheme: 'IBAN', identification: 'DE89370400440532013000' },
    });
    expect(accounts).toContainEqual({ id: alices[1], bankId: 'bank-b', identification: null });
  });

  it('answers only a service JWS for that route: none, another audience or another secret is 401', async () => {
    const { owned, identifications } = accountsRoutes;
    for (const bearer of [
      undefined,
      await tokenFor(owned.audience),
      await tokenFor('consent:grant'),
      await tokenFor(identifications.audience, 'another-secret-of-at-least-32-characters'),
    ]) {
      const res = await post(identifications.path, question(), bearer);
      expect(res).toEqual({ status: 401, body: { error: 'unauthorized' } });
    }
  });

  it('refuses a malformed or oversized question with 400', async () => {
    const { owned } = accountsRoutes;
    const bearer = await tokenFor(owned.audience);
    for (const body of [
      'not json',
      { psuId: 'psu_alice' },
      { psuId: '', accountIds: [] },
      { psuId: 'psu_alice', accountIds: [42] },
      { psuId: 'psu_alice', accountIds: Array.from({ length: 501 }, (_, i) => `acc_${i}`) },
      { psuId: 'psu_alice', accountIds: ['x'.repeat(70_000)] },
    ]) {
      expect((await post(owned.path, body, bearer)).status).toBe(400);
    }
  });
});
