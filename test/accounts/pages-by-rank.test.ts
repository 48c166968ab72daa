import { describe, expect, it } from 'vitest';
import type { PageRow } from '../../src/subgraphs/accounts/db/transaction-page.ts';
import { pagesByRank } from '../../src/subgraphs/accounts/db/transaction-page.ts';

const row = (page: number, rank: number, id: string) =>
  ({ page: BigInt(page), rank: BigInt(rank), id }) as unknown as PageRow & {
    page: bigint;
    rank: bigint;
  };

describe('pagesByRank (one statement, several pages)', () => {
  it('splits the rows by page and keeps each page in the order its own read ranked it', () => {
    // Members interleaved and one page out of order: what SQL does not promise against.
    const rows = [
      row(1, 2, 'b2'),
      row(0, 1, 'a1'),
      row(1, 1, 'b1'),
      row(0, 2, 'a2'),
      row(1, 3, 'b3'),
    ];
    const pages = pagesByRank(rows, 3);
    expect(pages.map((p) => p.map((r) => r.id))).toEqual([['a1', 'a2'], ['b1', 'b2', 'b3'], []]);
  });
});
