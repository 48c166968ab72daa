import { describe, expect, it } from 'vitest';
import { DataRead } from '../../src/subgraphs/accounts/services/data-read.ts';

/** The store's answer, recording what it was asked. */
function store(quarantined: string[]) {
  const asked: string[][] = [];
  return {
    asked,
    ask: async (ids: string[]) => {
      asked.push([...ids].sort());
      return ids.filter((id) => quarantined.includes(id));
    },
  };
}

describe("a request's quarantine knowledge", () => {
  it('asks the store nothing when every account read was observed fresh', async () => {
    const r = new DataRead();
    for (const id of ['b', 'a']) r.add(id);
    r.observed('a', true);
    r.observed('b', false);
    const s = store(['b']);
    expect(await r.quarantined(s.ask)).toEqual(['a']);
    expect(s.asked).toEqual([]);
  });

  it('asks again about an account whose bank was called in the request, whatever was seen before', async () => {
    const r = new DataRead();
    for (const id of ['a', 'b', 'c']) r.add(id);
    r.observed('a', false); // balances fresh…
    r.observed('a', undefined); // …then its transactions synced: reconciliation may have run
    r.observed('b', undefined);
    r.observed('b', false); // seen fresh after its own sync started: still asked
    const s = store(['a', 'b', 'c']);
    expect(await r.quarantined(s.ask)).toEqual(['a', 'b', 'c']);
    expect(s.asked).toEqual([['a', 'b', 'c']]);
  });

  it('never reports an account the request did not read', async () => {
    const r = new DataRead();
    r.observed('x', true);
    r.add('a');
    const s = store(['a']);
    expect(await r.quarantined(s.ask)).toEqual(['a']);
  });
});
