import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { PaymentsContext } from '../loaders/index.ts';
import { AccountRef } from '../schema/account.stub.ts';
import { toAccountRef, toChallenge, toPayment, toPaymentConsent } from '../schema/mappers.ts';
import {
  PaymentBankAuthorisation,
  PaymentChallenge,
  PaymentConsent,
  PaymentSca,
} from '../schema/payment-consent.type.ts';
import type { BankAuthorisationService } from '../services/bank-authorisation.service.ts';
import { CreatePaymentConsentInput } from '../schema/payment.input.ts';
import { Payment } from '../schema/payment.type.ts';
import { callerOf } from '../services/caller.ts';
import type { PaymentConsentService } from '../services/payment-consent.service.ts';
import type { PaymentConsentRow } from '../db/client.ts';

@Resolver(() => PaymentConsent)
export class PaymentConsentResolver {
  constructor(
    private readonly consents: PaymentConsentService,
    private readonly bankPages: BankAuthorisationService,
  ) {}

  @Query(() => PaymentConsent, {
    nullable: true,
    description: 'Needs payments:initiate or payments:read',
  })
  async paymentConsent(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: PaymentsContext,
  ): Promise<PaymentConsent> {
    return this.view(await this.consents.get(callerOf(ctx), id));
  }

  @Mutation(() => PaymentConsent, {
    nullable: true,
    description:
      'Creates a payment consent (at the bank for OBIE). Idempotent per key for 24 h. Needs payments:initiate',
  })
  async createPaymentConsent(
    @Arg('idempotencyKey', () => String, { description: 'At most 40 characters' }) key: string,
    @Arg('input', () => CreatePaymentConsentInput) input: CreatePaymentConsentInput,
    @Ctx() ctx: PaymentsContext,
  ): Promise<PaymentConsent> {
    return this.view(await this.consents.create(callerOf(ctx), key, input));
  }

  @Mutation(() => PaymentConsent, {
    nullable: true,
    description:
      'OBIE: completes the PSU’s authorisation with the code the bank redirected back with. Needs payments:initiate',
  })
  async authorisePaymentConsent(
    @Arg('id', () => ID) id: string,
    @Arg('authorisationCode', () => String) code: string,
    @Ctx() ctx: PaymentsContext,
  ): Promise<PaymentConsent> {
    return this.view(await this.consents.authorise(callerOf(ctx), id, code));
  }

  @Mutation(() => PaymentBankAuthorisation, {
    nullable: true,
    description:
      'OBIE: the bank’s own page where the PSU authorises this consent; the bank sends them to our callback, which sends them on to returnUrl (an allow-listed origin). Needs payments:initiate',
  })
  async startPaymentAuthorisation(
    @Arg('paymentConsentId', () => ID) id: string,
    @Arg('returnUrl', () => String) returnUrl: string,
    @Ctx() ctx: PaymentsContext,
  ): Promise<PaymentBankAuthorisation> {
    const started = await this.bankPages.start(callerOf(ctx), id, returnUrl);
    return Object.assign(new PaymentBankAuthorisation(), started);
  }

  @Mutation(() => PaymentChallenge, {
    nullable: true,
    description: 'Issues a one-time code to the PSU for strong customer authentication',
  })
  async requestPaymentChallenge(
    @Arg('paymentConsentId', () => ID) id: string,
    @Ctx() ctx: PaymentsContext,
  ): Promise<PaymentChallenge> {
    const issued = await this.consents.challenge(callerOf(ctx), id);
    return toChallenge(issued, issued.sandbox);
  }

  @Mutation(() => PaymentConsent, {
    nullable: true,
    description: 'Checks the one-time code the PSU entered',
  })
  async verifyPaymentChallenge(
    @Arg('paymentConsentId', () => ID) id: string,
    @Arg('code', () => String) code: string,
    @Ctx() ctx: PaymentsContext,
  ): Promise<PaymentConsent> {
    return this.view(await this.consents.verifyChallenge(callerOf(ctx), id, code));
  }

  @FieldResolver(() => PaymentSca)
  async sca(@Root() consent: PaymentConsent, @Ctx() ctx: PaymentsContext): Promise<PaymentSca> {
    const caller = callerOf(ctx);
    const { reasons, satisfied } = await this.consents.sca(
      caller,
      await this.consents.get(caller, consent.id),
    );
    return Object.assign(new PaymentSca(), { required: reasons.length > 0, reasons, satisfied });
  }

  @FieldResolver(() => Payment, { nullable: true, description: 'Once submitted' })
  async payment(
    @Root() consent: PaymentConsent,
    @Ctx() ctx: PaymentsContext,
  ): Promise<Payment | null> {
    const row = await ctx.loaders.paymentOfConsent.load(consent.id);
    return row ? toPayment(row) : null;
  }

  @FieldResolver(() => AccountRef, { nullable: true })
  debtorAccount(@Root() consent: PaymentConsent): AccountRef | null {
    return toAccountRef(consent.debtorAccountId);
  }

  private view(row: PaymentConsentRow): PaymentConsent {
    return toPaymentConsent(row, this.consents.authorisationUrl(row));
  }
}
