// Preloaded into a CLI process by test/unit/cli-node-env.test.ts: at exit, how NODE_ENV stood
// and which instanceof graphql-js chose when it loaded (its development one reads
// Symbol.toStringTag).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
process.on('exit', () => {
  const { instanceOf } = require('graphql/jsutils/instanceOf.js') as { instanceOf: object };
  const graphql = String(instanceOf).includes('toStringTag') ? 'development' : 'production';
  process.stderr.write(`\nlibrary-mode ${process.env.NODE_ENV ?? '(unset)'} ${graphql}\n`);
});
