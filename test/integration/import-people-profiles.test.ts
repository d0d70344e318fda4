import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { importGhost } from '../../src/services/import/ghost.ts';
import { importMarkdown } from '../../src/services/import/markdown.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

const STAMP = '2026-01-05T10:00:00.000Z';

/** A person made here by hand, with a profile no import should rewrite. */
async function handMadePerson(t: TestWiring, slug: string): Promise<void> {
  await t.wiring.store.people.insert({
    slug,
    name: 'Ana Reis (by hand)',
    bio: 'Written here.',
    bioHtml: '<p>Written here.</p>',
    email: null,
    website: 'https://ana.example/',
    links: [],
    photo: '/media/ana.jpg',
    createdAt: STAMP,
    updatedAt: STAMP,
  });
}

async function profileOf(t: TestWiring, slug: string) {
  const person = await t.wiring.store.people.findBySlug(slug);
  assert.ok(person, slug);
  return { name: person.name, bio: person.bio, website: person.website, photo: person.photo };
}

const KEPT = {
  name: 'Ana Reis (by hand)',
  bio: 'Written here.',
  website: 'https://ana.example/',
  photo: '/media/ana.jpg',
};

function folderIn(t: TestWiring, files: Record<string, string>): string {
  const folder = mkdtempSync(path.join(t.database.dataDir, 'md-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(folder, name)), { recursive: true });
    writeFileSync(path.join(folder, name), text);
  }
  return folder;
}

for (const kind of DATABASE_KINDS) {
  describe(`imports and people already here on ${kind}`, () => {
    let t: TestWiring;
    before(async () => {
      t = await createTestWiring(kind);
    });
    after(async () => {
      await t.cleanup();
    });

    test('a Ghost user with the slug of a person made here credits that person and keeps their profile', async () => {
      await handMadePerson(t, 'ana-ghost');
      const file = path.join(folderIn(t, {}), 'ghost.json');
      writeFileSync(
        file,
        JSON.stringify({
          db: [
            {
              meta: { exported_on: 1700000000000, version: '5.75.0' },
              data: {
                posts: [
                  {
                    id: 'p1',
                    title: 'Tides',
                    slug: 'ghost-tides',
                    html: '<p>Words.</p>',
                    type: 'post',
                    status: 'published',
                    created_at: STAMP,
                    updated_at: STAMP,
                    published_at: STAMP,
                  },
                ],
                users: [
                  {
                    id: 'u1',
                    name: 'Ana From Ghost',
                    slug: 'ana-ghost',
                    bio: 'Ghost bio.',
                    website: 'https://ghost.example/',
                    profile_image: 'https://ghost.example/ana.png',
                  },
                ],
                posts_authors: [{ post_id: 'p1', author_id: 'u1', sort_order: 0 }],
              },
            },
          ],
        }),
      );
      for (const run of [1, 2]) {
        const report = await importGhost(t.wiring, file);
        assert.deepEqual(await profileOf(t, 'ana-ghost'), KEPT, `run ${run}`);
        assert.ok(
          report.warnings.some((w) => /ana-ghost/.test(w) && /profile was kept/.test(w)),
          report.warnings.join('\n'),
        );
      }
      const article = await t.wiring.store.articles.findBySlug('ghost-tides');
      const person = await t.wiring.store.people.findBySlug('ana-ghost');
      assert.deepEqual(article?.authorIds, [person?.id]);
    });

    test('front matter authors credit a person made here without rewriting their profile; a re-run updates its own', async () => {
      await handMadePerson(t, 'ana-md');
      const folder = folderIn(t, {
        'a.md':
          '---\ntitle: A\nstatus: draft\nauthors:\n  - { name: Ana Other, slug: ana-md, bio: Front matter bio., website: "https://fm.example/" }\n  - { name: Bo New, slug: bo-new, bio: First bio. }\n---\nText.\n',
      });
      const report = await importMarkdown(t.wiring, folder);
      assert.deepEqual(await profileOf(t, 'ana-md'), KEPT);
      assert.match(report.outcomes[0]?.warning ?? '', /ana-md.*kept/);
      writeFileSync(
        path.join(folder, 'a.md'),
        '---\ntitle: A\nstatus: draft\nauthors:\n  - { name: Bo New, slug: bo-new, bio: Second bio. }\n---\nText.\n',
      );
      await importMarkdown(t.wiring, folder);
      assert.equal((await profileOf(t, 'bo-new')).bio, 'Second bio.');
    });

    test('people.yaml of a publication folder keeps the profile of a person made here, and says so', async () => {
      await handMadePerson(t, 'ana-yaml');
      const folder = folderIn(t, {
        'people.yaml':
          '- name: Ana Yaml\n  slug: ana-yaml\n  bio: Yaml bio.\n  photo: /media/other.jpg\n- name: Cy Yaml\n  slug: cy-yaml\n  bio: Cy bio.\n',
        'articles/a.md':
          '---\ntitle: Yaml A\nstatus: draft\nauthors: [{ name: Cy Yaml, slug: cy-yaml }]\n---\nText.\n',
      });
      const report = await importMarkdown(t.wiring, folder);
      assert.deepEqual(await profileOf(t, 'ana-yaml'), KEPT);
      assert.equal((await profileOf(t, 'cy-yaml')).bio, 'Cy bio.');
      const people = report.outcomes.find((o) => o.file.endsWith('people.yaml'));
      assert.match(people?.warning ?? '', /ana-yaml.*kept/);
    });

    test('a publication folder with one bad article file writes nothing, people.yaml included', async () => {
      const folder = folderIn(t, {
        'people.yaml': '- name: Dee Partial\n  slug: dee-partial\n  bio: Should not stay.\n',
        'articles/good.md': '---\ntitle: Good one\nstatus: draft\n---\nText.\n',
        'articles/bad.md': '---\ntitle: Bad one\ndate: 2026-02-30\n---\nText.\n',
      });
      const report = await importMarkdown(t.wiring, folder);
      assert.equal(await t.wiring.store.people.findBySlug('dee-partial'), undefined);
      assert.equal(await t.wiring.store.articles.findBySlug('good-one'), undefined);
      const bad = report.outcomes.find((o) => o.file.endsWith('bad.md'));
      assert.equal(bad?.status, 'failed');
      assert.equal(bad?.errors?.[0]?.field, 'date');
      assert.equal(report.imported, 0);
    });
  });
}
