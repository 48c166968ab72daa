import type { Config } from '../shared/config/index.ts';
import { migrateAll } from '../system.ts';

export async function migrate(config: Config): Promise<number> {
  const applied = await migrateAll(config);
  for (const [store, names] of Object.entries(applied)) {
    console.log(`${store}: ${names.length ? names.join(', ') : 'up to date'}`);
  }
  return 0;
}
