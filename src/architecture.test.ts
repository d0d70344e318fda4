import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

// The layering STYLE.md asks for, checked over every import in src/ so it stays true:
// web and services never reach into storage, storage serves no one above it, domain stands
// alone, and no module depends on itself through others.

const SRC = path.dirname(fileURLToPath(import.meta.url));

/** The module specifiers a TypeScript source imports or re-exports, types included. */
export function importsOf(source: string): string[] {
  const code = withoutComments(source);
  const found: string[] = [];
  // Declarations start a line; their `from` may come lines later (a long import list).
  const declaration = /^[ \t]*(?:import|export)\b[^;'"`]*?\bfrom\s*(['"])([^'"]+)\1/gm;
  const bare = /^[ \t]*import\s*(['"])([^'"]+)\1/gm;
  // A template literal without substitutions names a module as plainly as a quoted string.
  const dynamic = /\bimport\(\s*(['"`])([^'"`$]+)\1\s*[,)]/g;
  for (const pattern of [declaration, bare, dynamic]) {
    for (const match of code.matchAll(pattern)) found.push(match[2] as string);
  }
  return found;
}

/** Removes comments, leaving strings and template literals intact (a URL's `//` is not a comment). */
function withoutComments(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end === -1 ? source.length : end + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

interface Module {
  /** Path below src/, with forward slashes. */
  file: string;
  /** Modules of src/ it imports, as paths below src/. */
  imports: string[];
}

function readModules(
  files = globSync('**/*.ts', { cwd: SRC }),
  read = (file: string) => readFileSync(path.join(SRC, file), 'utf8'),
): Module[] {
  return files
    .map((file) => file.split(path.sep).join('/'))
    .sort()
    .map((file) => {
      const source = read(file);
      const imports = importsOf(source)
        .filter((specifier) => specifier.startsWith('.'))
        // Resolved and taken relative to src/ again, so '../../../src/storage/x.ts' is storage too.
        .map((specifier) =>
          path
            .relative(SRC, path.resolve(SRC, path.dirname(file), specifier))
            .split(path.sep)
            .join('/'),
        );
      return { file, imports };
    });
}

const layerOf = (file: string): string => (file.includes('/') ? (file.split('/')[0] as string) : file);

/** Every import that crosses a boundary the layering forbids, as "from → to". */
export function layeringViolations(modules: Module[]): string[] {
  const violations: string[] = [];
  for (const { file, imports } of modules) {
    const from = layerOf(file);
    for (const target of imports) {
      const to = layerOf(target);
      const isForbidden =
        ((from === 'web' || from === 'services') && to === 'storage') ||
        (from === 'storage' && (to === 'services' || to === 'web')) ||
        // Domain rules throw the application's errors; errors.ts itself imports only domain (checked below).
        ((from === 'domain' || file === 'errors.ts') && to !== 'domain' && target !== 'errors.ts') ||
        // The in-memory stores are for unit tests only; running code uses the real storage.
        (target.startsWith('services/testing/') &&
          !file.endsWith('.test.ts') &&
          !file.startsWith('services/testing/'));
      if (isForbidden) violations.push(`${file} → ${target}`);
    }
  }
  return violations;
}

/** One import cycle as a path (a → b → … → a) for each strongly connected group of modules. */
export function importCycles(modules: Module[]): string[][] {
  const graph = new Map(modules.map((m) => [m.file, m.imports.filter((t) => t !== m.file)]));
  // Tarjan's algorithm, iterative so deep import chains cannot overflow the stack.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { node: string; next: number };
      const edges = graph.get(frame.node) ?? [];
      if (frame.next < edges.length) {
        const target = edges[frame.next++] as string;
        if (!graph.has(target)) continue;
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node) as number, index.get(target) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent)
        low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(frame.node) as number));
      if (low.get(frame.node) === index.get(frame.node)) {
        const group: string[] = [];
        let member: string;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          group.push(member);
        } while (member !== frame.node);
        if (group.length > 1) groups.push(group);
      }
    }
  }
  return groups.map((group) => cyclePath(group, graph));
}

/** A shortest way round a strongly connected group, from its first module back to it. */
function cyclePath(group: string[], graph: Map<string, string[]>): string[] {
  const members = new Set(group);
  const start = [...group].sort()[0] as string;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift() as string;
    for (const target of graph.get(node) ?? []) {
      if (!members.has(target)) continue;
      if (target === start) {
        const route = [start];
        for (let at = node; at !== start; at = previous.get(at) as string) route.splice(1, 0, at);
        return [...route, start];
      }
      if (!previous.has(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start, start];
}

describe('architecture', () => {
  const modules = readModules();

  test('reads every kind of import, and no comment or string that merely looks like one', () => {
    const source = [
      "import type { A } from './a.ts';",
      'import {',
      '  b,',
      '  type B,',
      "} from '../b.ts';",
      "export { c } from './c.ts';",
      "export * from './d.ts';",
      "import './e.ts';",
      "const f = await import('./f.ts');",
      'const g = await import(`../g.ts`);',
      'const h = await import(`./\u0024{name}.ts`);',
      "// import { g } from './g.ts';",
      "/* import { h } from './h.ts'; */",
      "const url = 'https://example.org/x'; const s = \"import { i } from './i.ts'\";",
    ].join('\n');
    assert.deepEqual(importsOf(source).sort(), [
      '../b.ts',
      '../g.ts',
      './a.ts',
      './c.ts',
      './d.ts',
      './e.ts',
      './f.ts',
    ]);
  });

  test('finds the modules of src/ and their imports', () => {
    assert.ok(modules.length > 100, `only ${modules.length} modules found`);
    const app = modules.find((m) => m.file === 'app.ts');
    assert.ok(app?.imports.includes('wiring.ts'), 'app.ts imports wiring.ts');
  });

  test('names an import that leaves src/ and comes back by where it lands', () => {
    const [module] = readModules(['web/public/x.ts'], () => "import { y } from '../../../src/storage/y.ts';");
    assert.deepEqual(module?.imports, ['storage/y.ts']);
  });

  test('flags a forbidden import and reports a cycle by its path', () => {
    const sample: Module[] = [
      { file: 'services/a.ts', imports: ['storage/x.ts', 'services/b.ts'] },
      { file: 'services/b.ts', imports: ['services/c.ts'] },
      { file: 'services/c.ts', imports: ['services/a.ts'] },
      { file: 'storage/x.ts', imports: ['web/y.ts', 'domain/z.ts'] },
      { file: 'domain/z.ts', imports: ['errors.ts', 'content/q.ts'] },
      { file: 'web/w.ts', imports: ['services/testing/in-memory-store.ts'] },
      { file: 'services/a.test.ts', imports: ['services/testing/in-memory-store.ts'] },
    ];
    assert.deepEqual(layeringViolations(sample), [
      'services/a.ts → storage/x.ts',
      'storage/x.ts → web/y.ts',
      'domain/z.ts → content/q.ts',
      'web/w.ts → services/testing/in-memory-store.ts',
    ]);
    assert.deepEqual(importCycles(sample), [
      ['services/a.ts', 'services/b.ts', 'services/c.ts', 'services/a.ts'],
    ]);
  });

  test('web and services use storage only through the ports in domain; storage serves no one above it; domain stands alone; only tests use the in-memory stores', () => {
    assert.deepEqual(layeringViolations(modules), []);
  });

  test('no module imports itself through others', () => {
    const cycles = importCycles(modules).map((cycle) => cycle.join(' → '));
    assert.deepEqual(cycles, []);
  });
});
