// The entry of an import's reading thread (see preparer-thread.ts). A worker thread does not inherit the TypeScript
// loader of the thread that starts it, so it registers tsx before loading the TypeScript sources.
import { register } from 'tsx/esm/api';

register();
const { serveThread } = await import('./preparer-thread.ts');
await serveThread();
