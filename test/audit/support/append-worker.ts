// A separate process appending to a shared audit store: `tsx append-worker.ts <url> <count> <name>`.
import { AuditStore } from '../../../src/shared/audit/store.ts';
import { makeBatch } from './batches.ts';

const [url, count, name] = process.argv.slice(2);
const store = AuditStore.open(url!);
try {
  // Bursts of concurrent appends, so each process also group-commits.
  for (let i = 0; i < Number(count); i += 5) {
    await Promise.all(
      Array.from({ length: 5 }, (_, j) =>
        store.append(makeBatch({ service: name!, requestId: `${name}-${i + j}` }, 2)),
      ),
    );
  }
} finally {
  await store.close();
}
