/** Just enough of the OBIE response shapes for the tests to read them. */
export interface ObieTransaction {
  AccountId: string;
  TransactionId: string;
  CreditDebitIndicator: 'Credit' | 'Debit';
  Status: string;
  BookingDateTime: string;
  Amount: { Amount: string; Currency: string };
  TransactionInformation?: string;
  MerchantDetails?: { MerchantName: string; MerchantCategoryCode: string };
  Balance?: { Amount: { Amount: string }; CreditDebitIndicator: string };
  CreditorAccount?: unknown;
  DebtorAccount?: unknown;
}
export interface TransactionsBody {
  Data: { Transaction: ObieTransaction[] };
  Links: { Self: string; First?: string; Prev?: string; Next?: string; Last?: string };
  Meta: { TotalPages: number };
}
export interface AccountsBody {
  Data: { Account: Array<{ AccountId: string; Account?: unknown[]; Servicer?: unknown }> };
}
export interface BalancesBody {
  Data: {
    Balance: Array<{
      AccountId: string;
      Type: string;
      CreditDebitIndicator: string;
      Amount: { Amount: string };
    }>;
  };
}
export interface ErrorBody {
  Code: string;
  Errors: Array<{ ErrorCode: string; Message: string; Path?: string }>;
}

export function readTransactions(body: unknown): { items: ObieTransaction[]; next?: string } {
  const page = body as TransactionsBody;
  return { items: page.Data.Transaction, next: page.Links.Next };
}
