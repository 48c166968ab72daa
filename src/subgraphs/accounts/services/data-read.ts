/**
 * The accounts whose balances or transactions one request read, and what the request
 * already learnt of their quarantine: the freshness check reads each account's row anyway,
 * and when no bank call follows in the request nothing can have quarantined it since, so
 * the quarantine warning needs no query of its own for it (one store read fewer on every
 * answer served from fresh data). An account whose data came from its bank in the request
 * is asked about again at the end, after that sync's reconciliation.
 */
export class DataRead {
  readonly ids = new Set<string>();
  private readonly known = new Map<string, boolean | 'ask'>();

  add(id: string): void {
    this.ids.add(id);
  }

  /** `quarantined` undefined: the account's data is being fetched from its bank. */
  observed(id: string, quarantined: boolean | undefined): void {
    if (quarantined === undefined) this.known.set(id, 'ask');
    else if (!this.known.has(id)) this.known.set(id, quarantined);
  }

  /** The quarantined accounts among those read, sorted; `ask` reads the rest from the store. */
  async quarantined(ask: (ids: string[]) => Promise<string[]>): Promise<string[]> {
    const unknown = [...this.ids].filter((id) => typeof this.known.get(id) !== 'boolean');
    const asked = unknown.length ? await ask(unknown) : [];
    const known = [...this.ids].filter((id) => this.known.get(id) === true);
    return [...new Set([...known, ...asked])].sort();
  }
}
