// Node strips the TypeScript types itself (22.18 and newer): the sources run as they are.
await import('../src/cli/main.ts');
