/**
 * The signals replicas exchange through Redis pub/sub. A signal only ever tells a receiver
 * to forget something, so a forged or duplicated one costs a lookup, never a stale answer.
 */
export const defaultSignalPrefix = 'ledgergraph';

export interface SignalChannels {
  /** A consent's status changed (payload: {@link ConsentChanged} as JSON). */
  consentChanged: string;
  /** The consent service rotated its signing keys (payload ignored). */
  keysRotated: string;
}

/** `prefix` separates deployments sharing one Redis (and tests running side by side). */
export const signalChannels = (prefix = defaultSignalPrefix): SignalChannels => ({
  consentChanged: `${prefix}:consent-changed`,
  keysRotated: `${prefix}:keys-rotated`,
});

export interface ConsentChanged {
  consentId: string;
  status: string;
}

/** The consent id a message names, or undefined when it names none (forget everything). */
export function consentIdOf(message: string): string | undefined {
  try {
    const parsed = JSON.parse(message) as Partial<ConsentChanged> | null;
    return typeof parsed?.consentId === 'string' && parsed.consentId ? parsed.consentId : undefined;
  } catch {
    return undefined;
  }
}
