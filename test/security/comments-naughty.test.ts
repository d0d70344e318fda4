// Every entry of the shared hostile lists (big list of naughty strings, XSS payloads and
// polyglots) posted as a member's comment through the real form: each is stored or refused
// with a 4xx, never a 500. Then every page that shows them (the plain comments pages, the
// article pages that fetch them, the moderation queue) is opened in Chromium with a dialog
// tripwire: a comment that ran script would open one.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { cleanCommentText } from '../../src/domain/comment.ts';
import type { User } from '../../src/domain/user.ts';
import { saveArticle } from '../../src/services/articles.ts';
import { editSettings } from '../../src/services/settings.ts';
import { articleDraft } from '../../src/services/testing/fixtures.ts';
import { memberCookieName } from '../../src/web/public/member-cookie.ts';
import { makeUser } from '../helpers/admin.ts';
import { signIn } from '../helpers/browser-pages.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addSignedInMember } from '../helpers/member-sessions.ts';
import { skipUnlessCI } from '../helpers/prerequisites.ts';
import { browserSkipReason, freePort, launchChromium } from '../helpers/reader-server.ts';
import { Visitor } from '../helpers/visitor.ts';

const NAUGHTY = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'shared',
  'fixtures',
  'naughty',
);

/** Every entry of every list, each once: blns.json's strings and every line of the payload lists. */
function allEntries(): string[] {
  if (!existsSync(NAUGHTY)) return [];
  const entries = new Set<string>(
    (JSON.parse(readFileSync(path.join(NAUGHTY, 'blns.json'), 'utf8')) as string[]).filter((s) => s !== ''),
  );
  for (const file of ['blns.txt', 'XSS_Polyglots.txt', 'xss-payload-list.txt']) {
    for (const line of readFileSync(path.join(NAUGHTY, file), 'utf8').split('\n'))
      if (line.trim()) entries.add(line);
  }
  return [...entries];
}

/** Articles the comments are spread over, so that no page holds thousands. */
const ARTICLES = 8;

const entries = allEntries();
const skipLists = skipUnlessCI(
  entries.length > 0 ? undefined : 'the shared fixtures folder (naughty lists) is absent',
);

for (const kind of DATABASE_KINDS) {
  describe(`every hostile string as a comment on ${kind}`, { skip: skipLists ?? false }, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    let admin: User;
    let siteUrl: string;
    const serverErrors: string[] = [];

    before(async () => {
      const port = await freePort();
      siteUrl = `http://127.0.0.1:${port}`;
      // Limits off: this is about what the text does, not how often it comes.
      t = await createTestWiring(kind, {
        siteUrl,
        comments: { hourlyPerMember: 0, hourlyPerAddress: 0, rateLimitPerMinute: 1_000_000 },
      });
      app = await buildApp(t.wiring, { shouldLog: false });
      app.addHook('onResponse', async (request, reply) => {
        if (reply.statusCode >= 500)
          serverErrors.push(`${request.method} ${request.url.slice(0, 120)}: ${reply.statusCode}`);
      });
      await app.listen({ port, host: '127.0.0.1' });
      admin = await makeUser(t.wiring, 'admin', 'owner@example.org');
      await editSettings(t.wiring, admin, { comments_moderation: 'open', comments_max_links: '1000' });
      for (let i = 0; i < ARTICLES; i++)
        await saveArticle(
          t.wiring,
          articleDraft({
            slug: `talk-${i}`,
            title: `Talk ${i}`,
            status: 'published',
            publishedAt: '2026-11-01T00:00:00.000Z',
          }),
          { actor: 'cli' },
        );
    });
    after(async () => {
      await app?.close();
      await t?.cleanup();
    });

    // Some 7,500 posts: a few minutes on PostgreSQL on a busy machine.
    test('each is stored as typed (less what XML forbids) or refused with a 400, never a 500', {
      timeout: 900_000,
    }, async (context) => {
      const visitors: Visitor[] = [];
      for (let i = 0; i < ARTICLES; i++) {
        const token = await addSignedInMember(t.wiring.database.db, {
          email: `naughty-${i}@readers.example`,
          // Names are hostile too: they are shown beside every comment.
          name: (entries[i * 7] ?? 'x').replace(/\s+/g, ' ').slice(0, 200),
          isPaid: false,
          now: t.wiring.now(),
        });
        const visitor = new Visitor(app, `10.77.0.${i + 1}`);
        visitor.cookies.set(memberCookieName(siteUrl), token);
        await visitor.get(`/articles/talk-${i}/comments`);
        visitors.push(visitor);
      }
      let stored = 0;
      let refused = 0;
      for (const [index, entry] of entries.entries()) {
        const article = index % ARTICLES;
        const visitor = visitors[article] as Visitor;
        const res = await visitor.post(`/articles/talk-${article}/comments`, { body: entry });
        assert.ok(
          res.statusCode === 303 || res.statusCode === 400,
          `${res.statusCode} for ${JSON.stringify(entry)}`,
        );
        if (res.statusCode === 400) {
          refused++;
          continue;
        }
        stored++;
        const id = /#comment-(\d+)$/.exec(String(res.headers.location))?.[1];
        assert.ok(id, `posted ${JSON.stringify(entry)}: ${res.headers.location}`);
        const row = await t.wiring.database.db
          .selectFrom('comments')
          .select('body')
          .where('id', '=', Number(id))
          .executeTakeFirstOrThrow();
        // A lone surrogate cannot travel in a form: the browser (and URLSearchParams) sends U+FFFD.
        assert.equal(row.body, cleanCommentText(entry.toWellFormed()));
      }
      assert.deepEqual(serverErrors, []);
      assert.ok(stored > entries.length / 2, `${stored} stored`);
      context.diagnostic(`${entries.length} entries: ${stored} stored, ${refused} refused with a 400`);
    });

    test('no page that shows them runs their script, in Chromium', {
      skip: browserSkipReason() ?? false,
    }, async () => {
      const browser = await launchChromium();
      const dialogs: string[] = [];
      try {
        const context = await browser.newContext();
        const page = await context.newPage();
        page.on('dialog', (dialog) => {
          dialogs.push(`${page.url()}: ${dialog.message()}`);
          void dialog.dismiss();
        });
        for (let i = 0; i < ARTICLES; i++) {
          const plain = await page.goto(`${siteUrl}/articles/talk-${i}/comments`);
          assert.equal(plain?.status(), 200);
          const shown = await page.locator('.comment').count();
          assert.ok(shown > 0, `talk-${i} shows its comments`);
          await page.goto(`${siteUrl}/articles/talk-${i}`);
          await page.locator('.article__comments .comment').first().waitFor();
          // Only the comment markup's own tags and attributes are in the bodies.
          const stray = await page.evaluate(
            () =>
              [...document.querySelectorAll('.comment__body *')].filter(
                (el) =>
                  ![
                    'P',
                    'BR',
                    'EM',
                    'STRONG',
                    'B',
                    'I',
                    'CODE',
                    'PRE',
                    'BLOCKQUOTE',
                    'UL',
                    'OL',
                    'LI',
                    'A',
                  ].includes(el.tagName) ||
                  [...el.attributes].some((a) => !['href', 'rel'].includes(a.name)) ||
                  /^\s*(javascript|data|vbscript):/i.test(el.getAttribute('href') ?? ''),
              ).length,
          );
          assert.equal(stray, 0, `talk-${i}: markup of their own in comment bodies`);
        }
        const desk = await (await browser.newContext()).newPage();
        desk.on('dialog', (dialog) => {
          dialogs.push(`${desk.url()}: ${dialog.message()}`);
          void dialog.dismiss();
        });
        await signIn(desk, siteUrl, 'owner@example.org');
        for (const status of ['approved', 'pending', 'spam', 'trash']) {
          const queue = await desk.goto(`${siteUrl}/admin/comments?status=${status}`);
          assert.equal(queue?.status(), 200);
        }
        assert.deepEqual(dialogs, []);
        assert.deepEqual(serverErrors, []);
      } finally {
        await browser.close();
      }
    });
  });
}
