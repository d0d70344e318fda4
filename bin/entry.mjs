// Node strips the TypeScript types itself (22.18 and newer): the sources run as they are.
// Node keeps what it compiled of them and of the dependencies in a cache on disk (in the
// system's temporary folder, or where NODE_COMPILE_CACHE says), so later starts skip most
// compiling: about a third of the server's start-up CPU time. Without a writable folder it
// simply compiles again.
import module from 'node:module';
import { watchParent } from './node-runtime.mjs';

module.enableCompileCache?.();
watchParent();
await import('../src/cli/main.ts');
