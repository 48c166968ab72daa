import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import {
  buildSchema,
  execute,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { sqliteFile } from '../../src/shared/db/index.ts';
import type { Target } from './load.ts';
import type { BenchSystem } from './system.ts';

/**
 * The floor (issue 12.5): the dashboard from the bench system's own accounts store, with
 * nothing of ours in the way — graphql-js over a schema from SDL and plain resolvers, on
 * node:http; no gateway, no token, no shield, no audit, no type-graphql, no Apollo. One
 * prepared statement per resource kind for the whole request (accounts, balances,
 * transactions), never one per account. It is what our stack could cost at best.
 */
const sdl = `
  type Query { accounts: [Account!]! }
  type Account {
    id: ID!
    bankId: String!
    currency: String!
    balances: [Balance!]!
    transactions(first: Int!): TransactionConnection!
  }
  type Balance { type: String! amount: String! currency: String! creditDebit: String! dateTime: String! }
  type TransactionConnection { edges: [TransactionEdge!]! }
  type TransactionEdge { node: Transaction! }
  type Transaction {
    id: ID! status: String! amount: String! currency: String! creditDebit: String!
    bookingDateTime: String! description: String
  }
`;

/** The dashboard as the floor answers it: the subgraph-direct query, field for field. */
export const floorDashboard = `query Dashboard { accounts { id bankId currency
  balances { type amount currency creditDebit dateTime }
  transactions(first: 100) { edges { node { id status amount currency creditDebit bookingDateTime description } } } } }`;

type Row = Record<string, unknown>;

/** Prisma's SQLite adapter stores DateTime as text or epoch ms; the API answers ISO 8601. */
const iso = (v: unknown) => new Date(v as string | number).toISOString();

/** Rows grouped by account id, in query order. */
function byAccount(rows: Row[]): Map<string, Row[]> {
  const m = new Map<string, Row[]>();
  for (const r of rows) {
    const id = r.accountId as string;
    let list = m.get(id);
    if (!list) m.set(id, (list = []));
    list.push(r);
  }
  return m;
}

function floorSchema(db: Database.Database, accountIds: string[]): GraphQLSchema {
  const ids = JSON.stringify(accountIds);
  // json_each binds the whole id list as one parameter: one statement whatever the count.
  const inIds = 'IN (SELECT value FROM json_each(?))';
  const accounts = db.prepare(
    `SELECT id, bankId, currency FROM Account WHERE id ${inIds} ORDER BY id`,
  );
  const balances = db.prepare(
    `SELECT accountId, type, amount, currency, creditDebit, dateTime FROM Balance
     WHERE accountId ${inIds} ORDER BY id`,
  );
  // The newest `first` per account in one pass, as the real service pages them.
  const transactions = db.prepare(
    `SELECT * FROM (SELECT accountId, id, status, amount, currency, creditDebit,
       bookingDateTime, description, ROW_NUMBER() OVER (PARTITION BY accountId
       ORDER BY bookingDateTime DESC, id DESC) AS n
     FROM "Transaction" WHERE accountId ${inIds} AND removedAt IS NULL) WHERE n <= ?`,
  );
  const schema = buildSchema(sdl);
  const fields = (type: string) =>
    (
      schema.getType(type) as unknown as { getFields(): Record<string, { resolve?: unknown }> }
    ).getFields();
  // Per request: the first account to ask loads its kind for every account of the request.
  interface Request {
    balances?: Map<string, Row[]>;
    transactions?: Map<string, Row[]>;
  }
  fields('Query').accounts!.resolve = () => accounts.all(ids);
  fields('Account').balances!.resolve = (a: Row, _: unknown, req: Request) => {
    req.balances ??= byAccount(balances.all(ids) as Row[]);
    return (req.balances.get(a.id as string) ?? []).map((b) => ({
      ...b,
      dateTime: iso(b.dateTime),
    }));
  };
  fields('Account').transactions!.resolve = (a: Row, args: { first: number }, req: Request) => {
    req.transactions ??= byAccount(transactions.all(ids, args.first) as Row[]);
    return {
      edges: (req.transactions.get(a.id as string) ?? []).map((t) => ({
        node: { ...t, bookingDateTime: iso(t.bookingDateTime) },
      })),
    };
  };
  return schema;
}

/**
 * Serves the floor over the accounts store of `s` (SQLite only), for the account ids of the
 * bench's consent, on a random port.
 */
export async function startFloor(s: BenchSystem) {
  const db = new Database(sqliteFile(s.config.databases.accounts), { readonly: true });
  const schema = floorSchema(
    db,
    s.accounts.map((a) => a.id),
  );
  const documents = new Map<string, DocumentNode>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: { query?: string; variables?: Record<string, unknown> };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
      } catch {
        res.writeHead(400).end();
        return;
      }
      const source = body.query ?? '';
      let document = documents.get(source);
      if (!document) {
        // Parsed and validated once per query text, as Apollo's document cache does.
        let errors: readonly unknown[];
        try {
          document = parse(source);
          errors = validate(schema, document);
        } catch (e) {
          errors = [e];
        }
        if (errors.length) {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ errors }));
          return;
        }
        documents.set(source, document!);
      }
      void Promise.resolve(
        execute({ schema, document: document!, variableValues: body.variables, contextValue: {} }),
      ).then((result) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(result));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/graphql`;
  return {
    url,
    /** The dashboard at the floor, as the load generator sends it. */
    target: (): Target => {
      const body = JSON.stringify({ query: floorDashboard, variables: {} });
      return { url, headers: () => ({}), body: () => body };
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      db.close();
    },
  };
}
export type Floor = Awaited<ReturnType<typeof startFloor>>;
