// The Word worker's entry (pool.ts): a worker thread does not inherit the parent's tsx loader (and
// under vitest there is none), so it registers tsx before loading the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
