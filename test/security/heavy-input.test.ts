// Work that grew faster than its input on the editor's paths (the second outside review): long
// saves, their history, and tables. Each test fails if the event loop is held for the length
// of the work, or if a too-large table reaches the renderer.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

/** The longest the event loop went without running a 5 ms timer while `work` ran. */
async function longestStall<T>(work: () => Promise<T>): Promise<{ result: T; stallMs: number }> {
  let last = performance.now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 5);
  try {
    const result = await work();
    stallMs = Math.max(stallMs, performance.now() - last);
    return { result, stallMs };
  } finally {
    clearInterval(timer);
  }
}

const versionIn = (page: string) => /name="version" value="(\d+)"/.exec(page)?.[1] ?? '';

for (const kind of DATABASE_KINDS) {
  describe(`heavy input on the editor's paths on ${kind}`, () => {
    let t: TestWiring;
    let app: FastifyInstance;
    let editor: AdminClient;

    before(async () => {
      t = await createTestWiring(kind);
      app = await buildApp(t.wiring, { shouldLog: false });
      const user = await makeUser(t.wiring, 'editor', 'editor@heavy.example');
      editor = await clientAs(app, t.wiring, user, sessionCookieName(t.wiring.siteUrl));
      // The first save loads and compiles what saving needs; the stalls measured are the input's.
      await createArticle('Warm-up', 'Short.');
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    async function createArticle(title: string, body: string): Promise<number> {
      await editor.get('/admin/articles/new');
      const created = await editor.post('/admin/articles', {
        title,
        body,
        language: 'en',
        visibility: 'public',
      });
      assert.equal(created.statusCode, 303, created.body.slice(0, 500));
      return Number(/\/admin\/articles\/(\d+)/.exec(String(created.headers.location))?.[1]);
    }

    test('a body of blank lines short enough to render inline is checked in linear time', async () => {
      // Looking for a table once read on from each line through all the blank lines after it:
      // 31,000 of them held the event loop for one to three seconds.
      const blank = `Top.\n${'\n'.repeat(31_000)}Bottom.`;
      const { result, stallMs } = await longestStall(() => createArticle('Blank lines', blank));
      const article = await t.wiring.store.articles.findById(result);
      assert.equal(article?.bodyHtml, '<p>Top.</p>\n<p>Bottom.</p>');
      assert.ok(stallMs < 1000, `the event loop stalled for ${Math.round(stallMs)} ms`);
    });

    test('comparing two rewrites of a long body answers without holding the event loop', async () => {
      const version = (words: string) =>
        Array.from({ length: 9_000 }, (_, i) => `Paragraph ${i} of the ${words}.`).join('\n\n');
      const id = await createArticle('Rewritten', version('first version, with words that stay the same'));
      const page = await editor.get(`/admin/articles/${id}`);
      const saved = await editor.post(`/admin/articles/${id}`, {
        title: 'Rewritten',
        body: version('second version, with every paragraph changed'),
        version: versionIn(page.body),
        language: 'en',
        visibility: 'public',
      });
      assert.equal(saved.statusCode, 303);
      const [first] = (await t.wiring.store.revisions.list('article', id)).slice(-1);
      // Compared in full, these two took 88 s on the event loop.
      const { result, stallMs } = await longestStall(() =>
        editor.get(`/admin/articles/${id}/revisions/${first?.id}`),
      );
      assert.equal(result.statusCode, 200);
      // The first rows side by side, the rest summed up: the page stays a size a browser opens.
      assert.match(result.body, /Paragraph 0 of the <del class="diff-word">first<\/del>/);
      assert.match(result.body, /Paragraph 0 of the <ins class="diff-word">second<\/ins>/);
      assert.match(result.body, /lines more not shown: the comparison shows the first 2,000 rows/);
      assert.ok(stallMs < 3000, `the event loop stalled for ${Math.round(stallMs)} ms`);
    });

    test('comparing two long revisions that differ almost everywhere costs the event loop little, and shows the change', async (context) => {
      // Two versions of 50,000 characters, different in almost every line, were compared on the
      // event loop: 50 to 90 ms of it, and hundreds by the clock on a busy machine, during which
      // no other request was answered. Counted in this thread's processor time, against the page
      // for a one-line change to a body as long.
      const text = (seed: number) => {
        let state = seed;
        const lines: string[] = [];
        let length = 0;
        while (length < 50_000) {
          const words = Array.from({ length: 10 }, () => {
            state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
            return `w${state % 10_000}`;
          });
          const line = words.join(' ');
          lines.push(line);
          length += line.length + 1;
        }
        return lines.join('\n');
      };
      const compareAfterSaving = async (title: string, first: string, second: string) => {
        const id = await createArticle(title, first);
        const page = await editor.get(`/admin/articles/${id}`);
        const saved = await editor.post(`/admin/articles/${id}`, {
          title,
          body: second,
          version: versionIn(page.body),
          language: 'en',
          visibility: 'public',
        });
        assert.equal(saved.statusCode, 303, saved.body.slice(0, 500));
        const [oldest] = (await t.wiring.store.revisions.list('article', id)).slice(-1);
        const cpuBefore = process.threadCpuUsage();
        let isPending = true;
        const answer = editor.get(`/admin/articles/${id}/revisions/${oldest?.id}`).finally(() => {
          isPending = false;
        });
        // The same ten probes each time, so that they cost both comparisons the same.
        let probes = 0;
        for (let probe = 0; probe < 10; probe++) {
          await new Promise((resolve) => setTimeout(resolve, 10));
          assert.equal((await app.inject('/healthz')).statusCode, 200);
          if (isPending) probes++;
        }
        const compared = await answer;
        const cpu = process.threadCpuUsage(cpuBefore);
        assert.equal(compared.statusCode, 200);
        return { page: compared.body, probes, eventLoopMs: (cpu.user + cpu.system) / 1000 };
      };
      const before = text(1);
      const small = await compareAfterSaving('One line changed', before, `${before}\nOne more line.`);
      const after = text(2);
      const large = await compareAfterSaving('Rewritten everywhere', before, after);
      context.diagnostic(
        `event loop ${Math.round(large.eventLoopMs)} ms (one line changed: ${Math.round(small.eventLoopMs)} ms), ${large.probes} probes while comparing`,
      );
      assert.ok(
        large.eventLoopMs < small.eventLoopMs * 2 + 30,
        `comparing cost the event loop ${Math.round(large.eventLoopMs)} ms, one line changed ${Math.round(small.eventLoopMs)} ms`,
      );
      // Still compared line by line: the old first line removed, the new one added.
      const firstLine = (body: string) => body.slice(0, body.indexOf('\n'));
      assert.match(large.page, new RegExp(`class="diff-removed"[^>]*>.*${firstLine(before)}`));
      assert.match(large.page, new RegExp(`class="diff-added"[^>]*>.*${firstLine(after)}`));
    });

    test('pasting 3,900 characters of nested or tabular markup costs the event loop no more than plain words', async (context) => {
      // Pastes under 4,000 characters were converted on the event loop, and converting HTML costs
      // far more a character than Markdown does: nested lists or a table of that length took 10
      // to 20 ms of it each (50 to 200 ms by the clock on a busy machine). Counted in this
      // thread's processor time, against the same number of pastes of plain words.
      await editor.get('/admin/articles/new');
      const fill = (unit: string, prefix = '', suffix = '') =>
        `${prefix}${unit.repeat(Math.floor((3_900 - prefix.length - suffix.length) / unit.length))}${suffix}`;
      const nestedList = () => {
        const depth = 45;
        const branch = `${'<ul><li>x '.repeat(depth)}${'</li></ul>'.repeat(depth)}`;
        return branch.repeat(Math.floor(3_900 / branch.length));
      };
      const pastes = async (html: string) => {
        const payload = JSON.stringify({ html, _csrf: editor.csrf });
        const cpuBefore = process.threadCpuUsage();
        for (let i = 0; i < 10; i++) {
          const answer = await app.inject({
            method: 'POST',
            url: '/admin/paste',
            headers: { cookie: editor.cookieHeader(), 'content-type': 'application/json' },
            payload,
          });
          assert.equal(answer.statusCode, 200, answer.body.slice(0, 500));
        }
        const cpu = process.threadCpuUsage(cpuBefore);
        return (cpu.user + cpu.system) / 1000;
      };
      // The first paste loads the converter; the costs compared are the pastes'.
      await pastes('<p>Warm-up.</p>');
      const plainMs = await pastes(fill('plain words ', '<p>', '</p>'));
      for (const [name, html] of [
        ['nested lists', nestedList()],
        ['a table', fill('<tr><td><b>a</b></td><td><i>b</i></td></tr>', '<table>', '</table>')],
        [
          'Word paragraphs',
          fill(
            '<p class=MsoNormal style="margin:0cm"><span lang=EN-GB style="font-weight:bold"><b><i>Text</i></b><o:p></o:p></span></p>',
          ),
        ],
      ] as const) {
        assert.ok(html.length > 3_000 && html.length < 4_000, `${name}: ${html.length} characters`);
        const markupMs = await pastes(html);
        context.diagnostic(
          `${name}: event loop ${Math.round(markupMs)} ms for ten pastes, plain words ${Math.round(plainMs)} ms`,
        );
        assert.ok(
          markupMs < plainMs * 2 + 30,
          `${name} cost the event loop ${Math.round(markupMs)} ms for ten pastes, plain words ${Math.round(plainMs)} ms`,
        );
      }
    });

    test('a 400 × 400 table, in Markdown or HTML, is refused with the body field, the count and the limit', async () => {
      const markdown = `|${' h |'.repeat(400)}\n|${'---|'.repeat(400)}\n${`|${' x |'.repeat(400)}\n`.repeat(400)}`;
      const html = `<table>${`<tr>${'<td>x</td>'.repeat(400)}</tr>`.repeat(400)}</table>`;
      const id = await createArticle('Tables', 'A short body.');
      for (const [name, body, cells] of [
        ['markdown', markdown, '160,400'],
        ['html', html, '160,000'],
      ] as const) {
        const page = await editor.get(`/admin/articles/${id}`);
        const started = performance.now();
        const refused = await editor.post(`/admin/articles/${id}`, {
          title: 'Tables',
          body,
          version: versionIn(page.body),
          language: 'en',
          visibility: 'public',
        });
        assert.equal(refused.statusCode, 400, name);
        const message = /id="field-body-error"[^>]*>([^<]*)</.exec(refused.body)?.[1] ?? '';
        assert.match(
          message,
          new RegExp(`^Has tables of ${cells} cells in all, more than the 50,000 a text may have`),
          name,
        );
        // Refused by counting, not by the render's time limit running out.
        assert.ok(
          performance.now() - started < 4000,
          `${name} took ${Math.round(performance.now() - started)} ms`,
        );
        // The JSON preview says the same, with the field.
        const preview = await app.inject({
          method: 'POST',
          url: '/admin/preview',
          headers: { cookie: editor.cookieHeader(), 'content-type': 'application/json' },
          payload: JSON.stringify({ markdown: body, _csrf: editor.csrf }),
        });
        assert.equal(preview.statusCode, 400, name);
        assert.match(preview.body, /50,000/);
      }
      assert.equal((await t.wiring.store.articles.findById(id))?.bodyMarkdown, 'A short body.');
    });

    test("a form repeating the author or term field up to the form's field limit is refused, naming the field and its own limit", async () => {
      await editor.get('/admin/articles/new');
      for (const [field, value, limit] of [
        ['author', (i: number) => `Person ${i}`, 60],
        ['term', (i: number) => String(i + 1), 1000],
      ] as const) {
        const form = new URLSearchParams({ _csrf: editor.csrf, title: 'Crowded', body: 'Text.' });
        // Just under the 2,000 fields a form may have at all (test/security/body-costs.test.ts).
        for (let i = 0; i < 1_990; i++) form.append(field, value(i));
        const started = performance.now();
        // Matching each name against those before it took time with their square: 12 s here.
        const refused = await app.inject({
          method: 'POST',
          url: '/admin/articles',
          headers: { cookie: editor.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
          payload: form.toString(),
        });
        const elapsed = performance.now() - started;
        assert.equal(refused.statusCode, 400, field);
        assert.match(refused.body, new RegExp(`${field} must NOT have more than ${limit} items`));
        assert.ok(elapsed < 3000, `${field}: ${Math.round(elapsed)} ms`);
      }
      assert.equal((await t.wiring.store.articles.findBySlug('crowded')) ?? null, null);
    });

    test('parallel previews of Markdown at its slowest cost the event loop no more than plain text', async (context) => {
      // 16 previews of 31,900 characters of "_![" by one contributor, rendered on the event loop
      // because they were under 32,000 characters, held /healthz for 4.9 s. Counted in this
      // thread's processor time, which other work on a busy machine barely changes, against the
      // same burst of plain words.
      const user = await makeUser(t.wiring, 'contributor', 'slowest@heavy.example');
      const writer = await clientAs(app, t.wiring, user, sessionCookieName(t.wiring.siteUrl));
      await writer.get('/admin/articles/new');
      const burst = async (markdown: string) => {
        const payload = JSON.stringify({ markdown, _csrf: writer.csrf });
        const cpuBefore = process.threadCpuUsage();
        let pending = 16;
        const previews = Array.from({ length: pending }, () =>
          app
            .inject({
              method: 'POST',
              url: '/admin/preview',
              headers: { cookie: writer.cookieHeader(), 'content-type': 'application/json' },
              payload,
            })
            .finally(() => {
              pending--;
            }),
        );
        // Exactly twenty probes each time (during the burst, and after it if it ends sooner), so
        // that the probes cost every burst the same.
        let probes = 0;
        for (let probe = 0; probe < 20; probe++) {
          await new Promise((resolve) => setTimeout(resolve, 10));
          assert.equal((await app.inject('/healthz')).statusCode, 200);
          if (pending > 0) probes++;
        }
        const answers = await Promise.all(previews);
        const cpu = process.threadCpuUsage(cpuBefore);
        return { answers, probes, eventLoopMs: (cpu.user + cpu.system) / 1000 };
      };
      const fill = (unit: string) => unit.repeat(Math.floor(31_900 / unit.length));
      const plain = await burst(fill('plain words '));
      for (const unit of ['_![', '*_a', 'http://a.b/ ']) {
        const slow = await burst(fill(unit));
        context.diagnostic(
          `${JSON.stringify(unit)}: event loop ${Math.round(slow.eventLoopMs)} ms (plain ${Math.round(plain.eventLoopMs)} ms), ${slow.probes} probes, statuses ${slow.answers.map((a) => a.statusCode).join(' ')}`,
        );
        for (const answer of slow.answers) assert.ok([200, 503].includes(answer.statusCode), answer.body);
        assert.ok(
          slow.eventLoopMs < plain.eventLoopMs * 2 + 200,
          `${JSON.stringify(unit)} cost the event loop ${Math.round(slow.eventLoopMs)} ms, plain words ${Math.round(plain.eventLoopMs)} ms`,
        );
      }
    });

    test('site settings in Markdown at their slowest are rendered off the event loop, within the limits', async (context) => {
      // The five Markdown settings, 20,000 characters each, were rendered on the event loop by
      // the first reader page after every change. Counted in this thread's processor time, the
      // first page after saving them costs no more than after saving plain words.
      const admin = await clientAs(
        app,
        t.wiring,
        await makeUser(t.wiring, 'admin', 'settings@heavy.example'),
        sessionCookieName(t.wiring.siteUrl),
      );
      const keys = [
        'note_to_readers',
        'republishing_permission',
        'disclaimer',
        'fair_use_notice',
        'media_inquiries',
      ];
      const fill = (unit: string) => unit.repeat(Math.floor(19_990 / unit.length));
      const firstPageAfterSaving = async (text: string) => {
        await admin.get('/admin/settings');
        const saved = await admin.post('/admin/settings', Object.fromEntries(keys.map((key) => [key, text])));
        assert.equal(saved.statusCode, 303, saved.body.slice(0, 500));
        const cpuBefore = process.threadCpuUsage();
        const page = await app.inject('/');
        const cpu = process.threadCpuUsage(cpuBefore);
        assert.equal(page.statusCode, 200);
        return (cpu.user + cpu.system) / 1000;
      };
      try {
        const plainMs = await firstPageAfterSaving(fill('plain words '));
        for (const unit of ['_![', '*_a']) {
          const slowMs = await firstPageAfterSaving(fill(unit));
          context.diagnostic(
            `${JSON.stringify(unit)}: event loop ${Math.round(slowMs)} ms, plain words ${Math.round(plainMs)} ms`,
          );
          assert.ok(
            slowMs < plainMs * 2 + 60,
            `${JSON.stringify(unit)} cost the event loop ${Math.round(slowMs)} ms, plain words ${Math.round(plainMs)} ms`,
          );
        }
        // Rendered with the render pool's limits: nesting too deep is refused by its field on save.
        await admin.get('/admin/settings');
        const deep = await admin.post('/admin/settings', { disclaimer: '<span>'.repeat(3_000) });
        assert.equal(deep.statusCode, 400);
        assert.match(deep.body, /nested/i);
      } finally {
        await admin.get('/admin/settings');
        await admin.post('/admin/settings', Object.fromEntries(keys.map((key) => [key, ''])));
      }
    });

    test('an address of thousands of slashes is answered 404 without holding the event loop', async () => {
      // A server reads at most 16 KB of request line (16,000 slashes took 0.46 s); inject has no
      // such limit, which makes a quadratic cost plain: 50,000 took 3.6 s.
      const started = performance.now();
      const answer = await app.inject(`/${'/'.repeat(50_000)}x`);
      const elapsed = performance.now() - started;
      assert.equal(answer.statusCode, 404);
      assert.ok(elapsed < 1000, `took ${Math.round(elapsed)} ms`);
    });
  });
}
