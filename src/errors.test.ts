import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AppError, ERROR_CODES, Errors, kindOf } from './errors.ts';

const SRC = path.dirname(fileURLToPath(import.meta.url));

function sourcesUnder(folder: string): string[] {
  return (
    readdirSync(path.join(SRC, folder), { recursive: true, encoding: 'utf8' })
      .map((file) => path.join(folder, file))
      // Tests and their in-memory stores (which fail like a database does, with plain errors) are not application code.
      .filter(
        (file) =>
          file.endsWith('.ts') &&
          !file.endsWith('.test.ts') &&
          !file.startsWith(path.join('services', 'testing')),
      )
  );
}

test('docs/errors.md lists exactly the codes of the catalogue, each with its one kind', () => {
  const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const rows = [...doc.matchAll(/^\| `([A-Z_]+)` \| ([a-z_]+) \|/gm)].map((m) => [m[1], m[2]]);
  const documented = Object.fromEntries(rows);
  assert.equal(rows.length, Object.keys(documented).length, 'a code is listed twice');
  assert.deepEqual(Object.keys(documented).sort(), [...ERROR_CODES].sort());
  for (const code of ERROR_CODES) assert.equal(documented[code], kindOf(code), code);
});

test('a code fixes the kind and the message; the cause is kept', () => {
  const cause = new Error('disk full');
  const error = Errors.IMPORT_FAILED({ file: 'posts.json', reason: 'is not JSON' }, { cause });
  assert.ok(error instanceof AppError);
  assert.equal(error.code, 'IMPORT_FAILED');
  assert.equal(error.kind, 'invalid');
  assert.equal(error.message, 'posts.json: is not JSON');
  assert.equal(error.cause, cause);
});

test('a code about one field names that field', () => {
  const error = Errors.SLUG_TAKEN({ slug: 'water' });
  assert.equal(error.kind, 'conflict');
  assert.equal(error.message, 'Another article already uses the slug "water"');
  assert.deepEqual(error.details, [{ field: 'slug', message: 'is already used by another article' }]);
  assert.equal(Errors.LAST_ADMIN().details, undefined);
});

test('application errors are made only through the catalogue', () => {
  const offenders = ['services', 'web', 'domain', 'adapters', 'storage', 'cli', 'jobs']
    .flatMap(sourcesUnder)
    .concat(['app.ts', 'wiring.ts', 'config.ts', 'main.ts'])
    .filter((file) => /new AppError\(/.test(readFileSync(path.join(SRC, file), 'utf8')));
  assert.deepEqual(offenders, []);
});

test('services and handlers raise expected failures as AppErrors, not plain Errors', () => {
  // The only plain Errors left there are bugs: a broken invariant, or a route declared without access.
  const allowed: Record<string, number> = {
    [path.join('services', 'newsroom', 'media.ts')]: 1,
    [path.join('web', 'newsroom', 'index.ts')]: 1,
    // A write route on one article declared without its checkBeforeBody.
    [path.join('web', 'newsroom', 'articles.ts')]: 1,
    // An asset named in code that is not in the assets folder.
    [path.join('web', 'assets.ts')]: 1,
  };
  for (const file of [...sourcesUnder('services'), ...sourcesUnder('web')]) {
    const count = readFileSync(path.join(SRC, file), 'utf8').match(/throw new Error\(/g)?.length ?? 0;
    assert.ok(count <= (allowed[file] ?? 0), `${file} throws a plain Error`);
  }
});
