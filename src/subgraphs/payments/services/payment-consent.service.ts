import { randomBytes } from 'node:crypto';
import type { BankDefinition } from '../../../shared/banks.ts';
import type { Clock } from '../../../shared/clock.ts';
import type { Logger } from '../../../shared/log/index.ts';
import { conflict, notFound } from '../../../shared/errors/index.ts';
import type { PisConnector } from '../connectors/connector.ts';
import { PaymentConsentStatus } from '../connectors/status.ts';
import type { PaymentConsentRow, PaymentsDb } from '../db/client.ts';
import { ownedBy, type Caller } from './caller.ts';
import { checkDebtor, type AccountIdentifications } from './debtor-account.ts';
import type { IdempotencyService } from './idempotency.service.ts';
import { checkIdempotencyKey, parsePaymentOrder, type PaymentOrderInput } from './input.ts';
import type { Keyring } from './keyring.ts';
import { bankIdempotencyKey, debtorBox, orderForBank, sessionBox } from './orders.ts';
import { checkConsentAmount, scaReasons, type RiskSettings, type ScaReason } from './risk.ts';
import type { RiskHistory } from './risk.service.ts';
import type { IssuedChallenge, ScaService } from './sca.service.ts';

export interface PaymentsDeps {
  db: PaymentsDb;
  clock: Clock;
  keys: Keyring;
  banks: ReadonlyMap<string, BankDefinition>;
  connectors: ReadonlyMap<string, PisConnector>;
  idempotency: IdempotencyService;
  history: RiskHistory;
  sca: ScaService;
  risk: RiskSettings;
  log: Logger;
  /** The accounts service: which account a debtor identification names. */
  accounts: AccountIdentifications;
}

export const newId = (prefix: string) => `${prefix}_${randomBytes(16).toString('base64url')}`;

/**
 * Payment consents: what the PSU agrees to pay. Created at the bank (OBIE) under the
 * client's idempotency key, authorised by the PSU at the bank, then submitted.
 */
export class PaymentConsentService {
  constructor(private readonly deps: PaymentsDeps) {}

  async create(caller: Caller, key: string, input: PaymentOrderInput): Promise<PaymentConsentRow> {
    checkIdempotencyKey(key);
    const order = parsePaymentOrder(input, this.deps.banks);
    await checkDebtor(order, caller, this.deps.accounts);
    checkConsentAmount(order, this.deps.risk);
    const { bank, ...rest } = order;
    return this.deps.idempotency.run(
      {
        clientAppId: caller.clientAppId,
        key,
        operation: 'createPaymentConsent',
        input: { psuId: caller.psuId, consentId: caller.consentId, bankId: bank.id, ...rest },
      },
      async () => {
        const { db, clock, keys } = this.deps;
        const id = newId('pc');
        const now = clock.now();
        const row: PaymentConsentRow = {
          id,
          clientAppId: caller.clientAppId,
          psuId: caller.psuId,
          consentId: caller.consentId,
          bankId: bank.id,
          standard: bank.standard,
          bankConsentId: null,
          status: PaymentConsentStatus.AwaitingAuthorisation,
          amount: order.amount,
          currency: order.currency,
          creditorName: order.creditorName,
          creditorScheme: order.creditor.scheme,
          creditorAccount: order.creditor.identification,
          reference: order.reference,
          debtorAccountId: order.debtorAccountId ?? null,
          debtorSealed: order.debtorAccount ? keys.seal(order.debtorAccount, debtorBox(id)) : null,
          bankSessionSealed: null,
          scaMethod: null,
          scaVerifiedAt: null,
          submissionLeaseUntil: null,
          createdAt: now,
          updatedAt: now,
        };
        const created = await this.connector(bank.id).createConsent(
          orderForBank(row, keys),
          bankIdempotencyKey(id, 'consent'),
        );
        if (created)
          Object.assign(row, { bankConsentId: created.bankConsentId, status: created.status });
        await db.domesticPaymentConsent.create({ data: row });
        return { resourceId: id, result: row };
      },
      (id) => this.get(caller, id),
    );
  }

  /** OBIE: the bank redirected the PSU back with a code; swap it for the PSU's tokens. */
  async authorise(caller: Caller, id: string, code: string): Promise<PaymentConsentRow> {
    const row = await this.get(caller, id);
    const connector = this.connector(row.bankId);
    if (row.standard === 'obie' && row.status !== PaymentConsentStatus.AwaitingAuthorisation) {
      throw conflict(`The payment consent is ${row.status}, not awaiting authorisation`);
    }
    const session = await connector.completeAuthorisation(code);
    const now = this.deps.clock.now();
    const changed = await this.deps.db.domesticPaymentConsent.updateMany({
      where: { id, status: PaymentConsentStatus.AwaitingAuthorisation },
      data: {
        status: PaymentConsentStatus.Authorised,
        bankSessionSealed: this.deps.keys.seal(session, sessionBox(id)),
        updatedAt: now,
      },
    });
    if (changed.count !== 1) throw conflict('The payment consent changed meanwhile; read it again');
    return this.get(caller, id);
  }

  async get(caller: Caller, id: string): Promise<PaymentConsentRow> {
    const row = await this.deps.db.domesticPaymentConsent.findFirst({
      where: { id, ...ownedBy(caller) },
    });
    if (!row) throw notFound('No such payment consent');
    return row;
  }

  /**
   * Issues a one-time code for this consent. Sandbox banks have no PSU device to send it
   * to, so there the code is returned (and printed in the log) for tests and local demos.
   */
  async challenge(caller: Caller, id: string): Promise<IssuedChallenge & { sandbox: boolean }> {
    const row = await this.get(caller, id);
    if (
      row.status === PaymentConsentStatus.Consumed ||
      row.status === PaymentConsentStatus.Rejected
    ) {
      throw conflict(`The payment consent is ${row.status}; nothing left to authenticate`);
    }
    const issued = await this.deps.sca.issue(id);
    const sandbox = this.deps.banks.get(row.bankId)?.sandbox === true;
    if (sandbox) {
      this.deps.log.info('sandbox SCA code (dev only)', {
        paymentConsentId: id,
        code: issued.code,
      });
    }
    return { ...issued, sandbox };
  }

  async verifyChallenge(caller: Caller, id: string, code: string): Promise<PaymentConsentRow> {
    await this.get(caller, id);
    await this.deps.sca.verify(id, code);
    return this.get(caller, id);
  }

  /** Whether submitting needs a step-up, and whether one was done. */
  async sca(
    caller: Caller,
    row: PaymentConsentRow,
  ): Promise<{ reasons: ScaReason[]; satisfied: boolean }> {
    const history = await this.deps.history.of(row.psuId, row, this.deps.clock.now());
    const reasons = scaReasons(row, history, this.deps.risk);
    const satisfied =
      reasons.length === 0 ||
      row.scaVerifiedAt !== null ||
      this.deps.sca.tokenHasSca(caller.principal);
    return { reasons, satisfied };
  }

  authorisationUrl(row: PaymentConsentRow): string | undefined {
    return row.bankConsentId
      ? this.connector(row.bankId).consentAuthorisationUrl(row.bankConsentId)
      : undefined;
  }

  connector(bankId: string): PisConnector {
    const connector = this.deps.connectors.get(bankId);
    if (!connector) throw notFound(`Bank ${bankId} is not configured`);
    return connector;
  }
}
