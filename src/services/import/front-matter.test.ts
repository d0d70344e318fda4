import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArticleFile } from './front-matter.ts';

const TAXONOMIES = ['region', 'theme', 'report', 'tag'];

test('reads every documented key', () => {
  const result = parseArticleFile(
    `---
title: "A: Title"
date: 2026-01-02
authors: [Ana, { name: Tom Li, slug: tli, bio: Bio, email: t@example.org, website: "https://example.org" }]
region: Europe
theme: [Economy, Law and Justice]
subtitle: Sub
summary: Sum
epigraph: Words
source: Outlet
source_url: https://example.org/a
canonical_url: https://example.org/a
license: CC BY 4.0
status: draft
---
Body text`,
    TAXONOMIES,
  );
  assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
  const v = result.value;
  assert.equal(v.slug, 'a-title');
  assert.equal(v.date, '2026-01-02T00:00:00.000Z');
  assert.deepEqual(
    v.authors.map((a) => a.slug),
    [undefined, 'tli'],
  );
  assert.deepEqual(v.terms.get('region'), ['Europe']);
  assert.deepEqual(v.epigraph, { text: 'Words', attribution: null });
  assert.equal(v.status, 'draft');
  assert.equal(v.body, 'Body text');
});

test('lists every problem at once, by field', () => {
  const result = parseArticleFile(
    '---\ntitle: ""\ndate: 31/12/2026\ncontinent: Asia\nstatus: live\nauthors: [{ bio: x }]\n---\n',
    TAXONOMIES,
  );
  assert.equal(result.ok, false);
  const fields = result.ok ? [] : result.errors.map((e) => e.field);
  assert.deepEqual(fields.sort(), ['authors[0]', 'continent', 'date', 'status', 'title'].sort());
});

test('refuses a file without front matter and YAML with duplicate keys', () => {
  assert.equal(parseArticleFile('Just text', TAXONOMIES).ok, false);
  const dup = parseArticleFile('---\ntitle: A\ntitle: B\n---\n', TAXONOMIES);
  assert.equal(dup.ok, false);
  assert.match(dup.ok ? '' : (dup.errors[0]?.message ?? ''), /YAML error/);
});

test('does not expand a billion-laughs alias bomb', () => {
  const bomb = `---\na: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\ntitle: X\n---\n`;
  const result = parseArticleFile(bomb, TAXONOMIES);
  assert.equal(result.ok, false);
  assert.match(result.ok ? '' : (result.errors[0]?.message ?? ''), /alias/i);
});

test('an excerpt or description written by another generator is the summary', () => {
  for (const key of ['excerpt', 'description']) {
    const result = parseArticleFile(
      `---\ntitle: T\ndate: 2026-01-02\n${key}: The gist\n---\nBody`,
      TAXONOMIES,
    );
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.value.summary, 'The gist', key);
  }
  const both = parseArticleFile('---\ntitle: T\nsummary: One\nexcerpt: Two\n---\nBody', TAXONOMIES);
  assert.ok(!both.ok);
  assert.match(JSON.stringify(both.errors), /excerpt/);
});
