import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { Role, User } from '../../src/domain/user.ts';
import { exportMarkdown } from '../../src/services/export/markdown-export.ts';
import { exportPublication } from '../../src/services/export/publication-export.ts';
import { importJson } from '../../src/services/import/json.ts';
import { importMarkdown } from '../../src/services/import/markdown.ts';
import {
  addCorrection,
  editCorrection,
  withdrawCorrection,
} from '../../src/services/newsroom/corrections.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addArticle } from '../helpers/discovery-fixtures.ts';
import { addStaff } from '../helpers/newsroom.ts';

/** The NewsArticle JSON-LD of a reader page. */
function jsonLdOf(page: string): { correction?: Record<string, string>[]; dateModified: string } {
  const script = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(page)?.[1];
  assert.ok(script, 'the page has JSON-LD');
  const data = JSON.parse(script) as Record<string, unknown>;
  const graph = (Array.isArray(data['@graph']) ? data['@graph'] : [data]) as Record<string, unknown>[];
  const article = graph.find((node) => node['@type'] === 'NewsArticle');
  assert.ok(article, 'the JSON-LD holds a NewsArticle');
  return article as never;
}

for (const kind of DATABASE_KINDS) {
  describe(`corrections on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    const users = new Map<Role, User>();
    const as = async (role: Role): Promise<AdminClient> =>
      clientAs(app, t.wiring, users.get(role)!, sessionCookieName(t.wiring.siteUrl));

    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
      for (const role of ['contributor', 'author', 'editor', 'admin'] as const) {
        users.set(role, await makeUser(t.wiring, role, `${role}@corrections.example`));
      }
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    it('lets an editor edit then withdraw a correction; readers, JSON-LD and the history follow', async () => {
      const id = await addArticle(t.wiring, {
        slug: 'dam-height',
        title: 'The dam',
        body: 'The dam is 400 m high.',
        publishedAt: '2026-11-01T10:00:00.000Z',
      });
      const editor = await as('editor');
      await editor.get(`/admin/articles/${id}`);
      await editor.post(`/admin/articles/${id}/corrections`, {
        kind: 'correction',
        note: 'The dam is 40 m high.',
      });
      const [added] = await t.wiring.store.corrections.listFor(id);
      assert.ok(added);

      // Refused: an empty note, an unknown correction, a missing CSRF token, a writer's role.
      await editor.get(`/admin/articles/${id}`);
      const empty = await editor.post(`/admin/articles/${id}/corrections/${added.id}`, {
        kind: 'correction',
        note: ' ',
      });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /<details open>/);
      assert.match(
        empty.body,
        new RegExp(`id="correction-${added.id}-note-error">Must say what was corrected`),
      );
      assert.equal(
        (
          await editor.post(`/admin/articles/${id}/corrections/${added.id + 1000}`, {
            kind: 'update',
            note: 'x',
          })
        ).statusCode,
        404,
      );
      const forged = await editor.post(`/admin/articles/${id}/corrections/${added.id}/withdraw`, {
        _csrf: null,
        reason: 'Forged.',
      });
      assert.equal(forged.statusCode, 403);
      for (const role of ['contributor', 'author'] as const) {
        const writer = await as(role);
        await writer.get('/admin');
        const refused = await writer.post(`/admin/articles/${id}/corrections/${added.id}`, {
          kind: 'update',
          note: 'Not theirs to change.',
        });
        assert.equal(refused.statusCode, 403, role);
      }
      assert.equal((await t.wiring.store.corrections.listFor(id))[0]?.note, 'The dam is 40 m high.');

      t.setNow(new Date(t.wiring.now().getTime() + 86_400_000));
      await editor.get(`/admin/articles/${id}`);
      const edited = await editor.post(`/admin/articles/${id}/corrections/${added.id}`, {
        kind: 'correction',
        note: 'The dam is 40 m high, not 400 m.',
      });
      assert.equal(edited.statusCode, 303);
      let page = (await app.inject({ url: '/articles/dam-height' })).body;
      // The reader sees the note's kind and the newsroom's wording ("edited", not "revised").
      assert.match(
        page,
        /<strong class="corrections__kind">Correction<\/strong>, <time datetime="[^"]+">[^<]+<\/time>: The dam is 40 m high, not 400 m\. <span class="corrections__revised">\(edited/,
      );
      const admin = (await editor.get(`/admin/articles/${id}`)).body;
      assert.match(
        admin,
        /<strong>Correction<\/strong>, [^:]+: The dam is 40 m high, not 400 m\. <span class="hint">\(edited/,
      );
      await editor.get(`/admin/articles/${id}`);
      let ld = jsonLdOf(page);
      assert.equal(ld.correction?.[0]?.text, 'The dam is 40 m high, not 400 m.');
      assert.equal(ld.correction?.[0]?.datePublished, added.createdAt);
      assert.ok(ld.correction?.[0]?.dateModified);

      await editor.get(`/admin/articles/${id}`);
      const noReason = await editor.post(`/admin/articles/${id}/corrections/${added.id}/withdraw`, {
        reason: '',
      });
      assert.equal(noReason.statusCode, 400);
      assert.match(noReason.body, /Must tell readers why/);
      t.setNow(new Date(t.wiring.now().getTime() + 86_400_000));
      const withdrawn = await editor.post(`/admin/articles/${id}/corrections/${added.id}/withdraw`, {
        reason: 'The first figure was right <after all>.',
      });
      assert.equal(withdrawn.statusCode, 303);
      page = (await app.inject({ url: '/articles/dam-height' })).body;
      assert.doesNotMatch(page, /40 m high/);
      assert.match(page, /A correction of .+ was withdrawn: The first figure was right &lt;after all&gt;\./);
      ld = jsonLdOf(page);
      assert.equal(ld.correction?.length, 1);
      assert.match(
        ld.correction?.[0]?.text ?? '',
        /^A correction of .+ was withdrawn: The first figure was right <after all>\.$/,
      );
      assert.equal(
        ld.correction?.[0]?.datePublished,
        (await t.wiring.store.corrections.listFor(id))[0]?.withdrawnAt,
      );

      // A withdrawn correction is history: it cannot be edited or withdrawn again.
      await editor.get(`/admin/articles/${id}`);
      const again = await editor.post(`/admin/articles/${id}/corrections/${added.id}`, {
        kind: 'update',
        note: 'x',
      });
      assert.equal(again.statusCode, 409);
      assert.match(again.body, /was withdrawn/);

      const notes = (await t.wiring.store.revisions.listSummaries('article', id)).map((r) => r.note);
      assert.match(
        notes[0] ?? '',
        /^Withdrew a correction of [A-Z][a-z]+ \d{1,2}, \d{4} \(“The dam is 40 m high, not 400 m\.”\): The first/,
      );
      assert.match(notes[1] ?? '', /^Edited a correction of .*; it read: “The dam is 40 m high\.”$/);
      assert.match(notes[2] ?? '', /^Added a correction: “The dam is 40 m high\.”$/);
      const history = await editor.get(`/admin/articles/${id}/revisions`);
      assert.match(history.body, /Withdrew a correction/);
      const editorPage = await editor.get(`/admin/articles/${id}`);
      assert.match(editorPage.body, /<strong>withdrawn<\/strong>/);
      assert.match(editorPage.body, /It read: The dam is 40 m high, not 400 m\./);
    });

    it('keeps the corrections that stand in the JSON-LD when another is withdrawn, beside a dated withdrawal', async () => {
      const id = await addArticle(t.wiring, {
        slug: 'river-flow',
        title: 'The river',
        body: 'The river carries 90 m³/s.',
        publishedAt: '2026-11-01T10:00:00.000Z',
      });
      const editor = await as('editor');
      const add = async (kind: 'correction' | 'update', note: string) => {
        await editor.get(`/admin/articles/${id}`);
        const response = await editor.post(`/admin/articles/${id}/corrections`, { kind, note });
        assert.equal(response.statusCode, 303);
        t.setNow(new Date(t.wiring.now().getTime() + 3_600_000));
      };
      await add('correction', 'The flow is 9 m³/s.');
      await add('update', 'The gauge was moved in 2025.');
      await add('correction', 'The river rises in the north.');
      const [flow, gauge, source] = await t.wiring.store.corrections.listFor(id);
      assert.ok(flow && gauge && source);
      // Read once before, so that a cached page would show if the withdrawal left it in place.
      assert.equal(jsonLdOf((await app.inject({ url: '/articles/river-flow' })).body).correction?.length, 3);
      await editor.get(`/admin/articles/${id}`);
      const withdrawn = await editor.post(`/admin/articles/${id}/corrections/${gauge.id}/withdraw`, {
        reason: 'The gauge never moved.',
      });
      assert.equal(withdrawn.statusCode, 303);
      const page = (await app.inject({ url: '/articles/river-flow' })).body;
      const entries = jsonLdOf(page).correction ?? [];
      const texts = entries.map((c) => c.text);
      assert.ok(texts.includes('The flow is 9 m³/s.'), texts.join(' | '));
      assert.ok(texts.includes('The river rises in the north.'), texts.join(' | '));
      assert.ok(!texts.includes('The gauge was moved in 2025.'), 'the withdrawn text is not repeated');
      const withdrawal = entries.find((c) => /was withdrawn: The gauge never moved\.$/.test(c.text ?? ''));
      assert.ok(withdrawal, texts.join(' | '));
      assert.equal(withdrawal['@type'], 'CorrectionComment');
      const stored = (await t.wiring.store.corrections.listFor(id)).find((c) => c.id === gauge.id);
      assert.equal(withdrawal.datePublished, stored?.withdrawnAt);
      assert.equal(entries.length, 3);
      assert.match(page, /The flow is 9 m³\/s\./);
      assert.match(page, /The river rises in the north\./);
    });
  });

  describe(`corrections moved through an export on ${kind}`, () => {
    for (const format of ['json', 'markdown'] as const) {
      it(`keep their edits and withdrawals through ${format}, and a second read changes nothing`, async () => {
        const source = await createTestWiring(kind);
        const target = await createTestWiring(kind);
        const folder = mkdtempSync(path.join(tmpdir(), 'pressroom-corrections-'));
        try {
          const editor = await addStaff(source.wiring, 'editor');
          const articleId = await addArticle(source.wiring, {
            slug: 'tide-tables',
            title: 'Tide tables',
            body: 'High tide is at 6:40.',
            publishedAt: '2026-11-01T10:00:00.000Z',
          });
          const first = await addCorrection(source.wiring, editor, {
            articleId,
            kind: 'correction',
            note: 'High tide is at 6:10.',
          });
          source.setNow(new Date(source.wiring.now().getTime() + 60_000));
          const second = await addCorrection(source.wiring, editor, {
            articleId,
            kind: 'update',
            note: 'The port reopened.',
          });
          source.setNow(new Date(source.wiring.now().getTime() + 60_000));
          await editCorrection(source.wiring, editor, {
            articleId,
            correctionId: first.id,
            kind: 'correction',
            note: 'High tide is at 6:10, not 6:40.',
          });
          await withdrawCorrection(source.wiring, editor, {
            articleId,
            correctionId: second.id,
            reason: 'It was another port.',
          });
          const state = async (w: TestWiring) => {
            const article = await w.wiring.store.articles.findBySlug('tide-tables');
            assert.ok(article);
            return (await w.wiring.store.corrections.listFor(article.id)).map(
              ({ id: _id, articleId: _a, ...c }) => ({
                ...c,
                createdAt: Date.parse(c.createdAt),
                updatedAt: c.updatedAt && Date.parse(c.updatedAt),
                withdrawnAt: c.withdrawnAt && Date.parse(c.withdrawnAt),
              }),
            );
          };
          const readBack = async () => {
            if (format === 'markdown') {
              const out = path.join(folder, 'export');
              await exportMarkdown(source.wiring.store, out, {
                mediaDir: path.join(source.database.dataDir, 'media'),
              });
              const report = await importMarkdown(target.wiring, out);
              assert.equal(report.failed, 0, JSON.stringify(report.outcomes));
            } else {
              let text = '';
              await exportPublication(source.wiring, {
                write: (piece) => {
                  text += piece;
                },
              });
              const file = path.join(folder, 'export.json');
              writeFileSync(file, text);
              const report = await importJson(target.wiring, file);
              assert.ok(!report.items.some((i) => i.outcome === 'failed'), JSON.stringify(report.items));
            }
          };
          await readBack();
          const moved = await state(target);
          assert.deepEqual(moved, await state(source));
          assert.equal(moved.length, 2);
          assert.equal(moved[0]?.note, 'High tide is at 6:10, not 6:40.');
          assert.ok(moved[0]?.updatedAt);
          assert.equal(moved[1]?.withdrawnReason, 'It was another port.');
          const target1 = await target.wiring.store.articles.findBySlug('tide-tables');
          assert.ok(target1);
          const notes = (await target.wiring.store.revisions.listSummaries('article', target1.id)).map(
            (r) => r.note,
          );
          assert.ok(
            notes.some((n) => n?.startsWith('Withdrew an update of')),
            JSON.stringify(notes),
          );

          // Withdrawn there after the first move: the next read carries the withdrawal over.
          await withdrawCorrection(source.wiring, editor, {
            articleId,
            correctionId: first.id,
            reason: 'Wrong harbour.',
          });
          await readBack();
          assert.deepEqual(await state(target), await state(source));
          await readBack();
          assert.deepEqual(await state(target), await state(source));
        } finally {
          rmSync(folder, { recursive: true, force: true });
          await source.cleanup();
          await target.cleanup();
        }
      });
    }
  });
}
