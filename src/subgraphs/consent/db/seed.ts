import { Permission, PlatformScope, allPermissions } from '../../../shared/auth/permissions.ts';
import type { SecretBox } from '../../../shared/crypto/secret-box.ts';
import { sealTotpSecret } from '../authorization/totp.ts';
import { jurisdictionOf } from '../../../shared/jurisdiction/index.ts';
import { hashSecret } from '../services/secret-hash.ts';
import type { ConsentDb } from './client.ts';

/** Demo parties for the embedded default and the tests. Secrets are dev-only, printed at start. */
export const demoPsus = [
  {
    id: 'psu_alice',
    username: 'alice',
    displayName: 'Alice Example',
    password: 'alice-sandbox',
    // Published like the passwords: `npm run cli -- totp alice` prints the current code.
    totpSecret: 'JBSWY3DPEHPK3PXPALICE234',
    country: 'GB',
  },
  {
    id: 'psu_bob',
    username: 'bob',
    displayName: 'Bob Example',
    password: 'bob-sandbox',
    totpSecret: 'JBSWY3DPEHPK3PXPBOB23456',
    country: 'GB',
  },
  {
    id: 'psu_carol',
    username: 'carol',
    displayName: 'Carol Example',
    password: 'carol-sandbox',
    totpSecret: 'JBSWY3DPEHPK3PXPCAROL234',
    country: 'GB',
  },
];

/**
 * Demo staff: signs in like a PSU (password and TOTP) and holds staff scopes instead of bank
 * links. `audit:read` opens the compliance console (/compliance).
 */
export const demoStaff = [
  {
    id: 'staff_olivia',
    username: 'olivia',
    displayName: 'Olivia Officer (compliance)',
    password: 'olivia-sandbox',
    totpSecret: 'JBSWY3DPEHPK3PXPOLIVIA23',
    country: 'GB',
    staffScopes: [PlatformScope.AuditRead],
  },
];

const basic = [
  Permission.ReadAccountsBasic,
  Permission.ReadBalances,
  Permission.ReadTransactionsBasic,
  Permission.ReadTransactionsCredits,
  Permission.ReadTransactionsDebits,
];

export const demoClientApps = [
  {
    id: 'demo-pfm',
    name: 'Demo Budgeting App',
    secret: 'demo-pfm-secret',
    allowedPermissions: allPermissions,
    platformScopes: [PlatformScope.ConsentsManage],
    redirectUris: ['http://localhost:3000/callback'],
  },
  {
    id: 'demo-basic',
    name: 'Demo Basic Insights',
    secret: 'demo-basic-secret',
    allowedPermissions: basic,
    platformScopes: [PlatformScope.ConsentsManage],
    redirectUris: ['http://localhost:3001/callback'],
  },
  {
    id: 'compliance-console',
    name: 'Compliance console',
    secret: 'compliance-secret',
    allowedPermissions: [],
    platformScopes: [PlatformScope.AuditRead],
    redirectUris: [],
  },
  {
    // The back office that reviews held payments (client_credentials; docs/DECISIONS.md).
    id: 'payments-review',
    name: 'Payment review desk',
    secret: 'payments-review-secret',
    allowedPermissions: [],
    platformScopes: [PlatformScope.PaymentsReview],
    redirectUris: [],
  },
];

/**
 * Idempotent: safe on every start. `box` seals the demo PSUs' TOTP secrets; without it
 * (lifecycle tests that never sign in) the PSUs have no second factor.
 */
export async function seedConsentDb(db: ConsentDb, box?: SecretBox): Promise<void> {
  const people: ((typeof demoPsus)[number] & { staffScopes?: string[] })[] = [
    ...demoPsus,
    ...demoStaff,
  ];
  for (const p of people) {
    const existing = await db.psu.findUnique({ where: { id: p.id } });
    // A store seeded before the second factor existed gets the demo secret now.
    if (box && existing && existing.totpSecret === null && !existing.erasedAt) {
      await db.psu.update({
        where: { id: p.id },
        data: { totpSecret: sealTotpSecret(box, p.id, p.totpSecret) },
      });
    }
    if (existing) continue;
    // A country without rules is refused here (throws), not stored and guessed at later.
    jurisdictionOf(p.country);
    await db.psu.create({
      data: {
        id: p.id,
        username: p.username,
        displayName: p.displayName,
        passwordHash: await hashSecret(p.password),
        totpSecret: box ? sealTotpSecret(box, p.id, p.totpSecret) : null,
        staffScopes: (p.staffScopes ?? []).join(' '),
        country: p.country,
      },
    });
  }
  for (const c of demoClientApps) {
    if (await db.clientApp.findUnique({ where: { id: c.id } })) continue;
    await db.clientApp.create({
      data: {
        id: c.id,
        name: c.name,
        secretHash: await hashSecret(c.secret),
        allowedPermissions: c.allowedPermissions.join(' '),
        platformScopes: c.platformScopes.join(' '),
        redirectUris: JSON.stringify(c.redirectUris),
      },
    });
  }
}

/**
 * The published demo parties the playground's sandbox token runs the redirect flow with:
 * the client app (and its redirect URI) and the PSU's password and TOTP secret.
 */
export function sandboxCredentials() {
  const pfm = demoClientApps.find((a) => a.id === 'demo-pfm')!;
  const alice = demoPsus.find((p) => p.username === 'alice')!;
  return {
    client: { id: pfm.id, secret: pfm.secret, redirectUri: pfm.redirectUris[0]! },
    psu: { username: alice.username, password: alice.password, totpSecret: alice.totpSecret },
    permissions: ['ReadAccountsDetail', 'ReadBalances', 'ReadPayments'],
  };
}
