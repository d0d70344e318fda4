import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { parse as parseYaml } from 'yaml';
import { buildApp } from '../../src/app.ts';
import type { ArticleDraft } from '../../src/domain/article.ts';
import type { User } from '../../src/domain/user.ts';
import { jobRunnerFor } from '../../src/jobs/job-runner-for.ts';
import { saveArticle } from '../../src/services/articles.ts';
import { exportMarkdown } from '../../src/services/export/markdown-export.ts';
import { exportPublication } from '../../src/services/export/publication-export.ts';
import { importJson } from '../../src/services/import/json.ts';
import { importMarkdown } from '../../src/services/import/markdown.ts';
import { editSettings } from '../../src/services/settings.ts';
import { articleDraft } from '../../src/services/testing/fixtures.ts';
import { memberCookieName } from '../../src/web/public/member-cookie.ts';
import type { Wiring } from '../../src/wiring.ts';
import { type AdminClient, clientAs, makeUser, sessionCookieName } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addSignedInMember } from '../helpers/member-sessions.ts';
import { mailerTo, type SmtpCapture, startSmtpCapture } from '../helpers/smtp.ts';
import { Visitor } from '../helpers/visitor.ts';

const SITE = 'https://review.example';
const PUBLISHED = { status: 'published' as const, publishedAt: '2026-11-01T09:00:00.000Z' };
const COMMENTS = '/articles/harbour-talks/comments';

let nextAddress = 1;
/** A fresh client address, so each reader has their own per-minute limit. */
function address(): string {
  nextAddress++;
  return `10.30.${Math.floor(nextAddress / 250)}.${nextAddress % 250}`;
}

for (const kind of DATABASE_KINDS) {
  describe(`comments under articles on ${kind}`, () => {
    let t: TestWiring;
    let smtp: SmtpCapture;
    let wiring: Wiring;
    let app: FastifyInstance;
    let admin: User;
    let editorClient: AdminClient;
    let authorClient: AdminClient;
    let memberCount = 0;
    const runJobs = () => jobRunnerFor(wiring).runDue();
    const publish = async (overrides: Partial<ArticleDraft> & { slug: string; title: string }) =>
      (await saveArticle(t.wiring, articleDraft({ ...PUBLISHED, ...overrides }), { actor: 'cli' })).article;

    /** A signed-in member's browser, its form token loaded from the comments page. */
    const member = async (name: string, path = COMMENTS): Promise<Visitor & { memberId: number }> => {
      memberCount++;
      const email = `reader-${memberCount}@example.org`;
      const token = await addSignedInMember(t.wiring.database.db, {
        email,
        name,
        isPaid: false,
        now: wiring.now(),
      });
      const visitor = new Visitor(app, address()) as Visitor & { memberId: number };
      visitor.cookies.set(memberCookieName(SITE), token);
      await visitor.get(path);
      const row = await t.wiring.database.db
        .selectFrom('members')
        .select('id')
        .where('email', '=', email)
        .executeTakeFirstOrThrow();
      visitor.memberId = row.id;
      return visitor;
    };
    const stored = async (memberId: number) =>
      t.wiring.database.db
        .selectFrom('comments')
        .selectAll()
        .where('member_id', '=', memberId)
        .orderBy('id')
        .execute();

    before(async () => {
      t = await createTestWiring(kind, {
        siteUrl: SITE,
        comments: { hourlyPerMember: 6, digestMinutes: 0, rateLimitPerMinute: 50 },
      });
      smtp = await startSmtpCapture();
      wiring = { ...t.wiring, mailer: mailerTo(smtp) };
      app = await buildApp(wiring, { shouldLog: false });
      await publish({ slug: 'harbour-talks', title: 'Harbour talks' });
      await publish({ slug: 'quiet-piece', title: 'Quiet piece', hasComments: false });
      await publish({ slug: 'old-news', title: 'Old news', publishedAt: '2026-01-01T09:00:00.000Z' });
      admin = await makeUser(wiring, 'admin', 'owner@example.org');
      const editor = await makeUser(wiring, 'editor', 'desk@example.org');
      const author = await makeUser(wiring, 'author', 'writer@example.org');
      editorClient = await clientAs(app, wiring, editor, sessionCookieName(SITE));
      authorClient = await clientAs(app, wiring, author, sessionCookieName(SITE));
    });
    after(async () => {
      await app.close();
      wiring.mailer.close();
      await smtp.close();
      await t.cleanup();
    });

    test('the cached article page links to its comments and holds a place for them; an article with comments off has none', async () => {
      const page = await app.inject('/articles/harbour-talks');
      assert.equal(page.statusCode, 200);
      assert.match(String(page.headers['cache-control']), /public/);
      assert.equal(page.headers['set-cookie'], undefined, 'no cookie on a cached page');
      assert.match(page.body, /<a href="\/articles\/harbour-talks\/comments">Comment on this article<\/a>/);
      assert.match(page.body, /data-comments-src="\/articles\/harbour-talks\/comments\/fragment"/);
      assert.match(page.body, /"commentCount":0/);
      const quiet = await app.inject('/articles/quiet-piece');
      assert.doesNotMatch(quiet.body, /Comment on this article|data-comments-src|commentCount/);
      assert.equal((await app.inject('/articles/quiet-piece/comments')).statusCode, 404);
      assert.equal((await app.inject('/articles/no-such/comments')).statusCode, 404);
      const plain = await app.inject(COMMENTS);
      assert.equal(plain.statusCode, 200);
      assert.equal(plain.headers['cache-control'], 'no-store');
      assert.match(plain.body, /Sign in<\/a> or <a href="\/members\/join">become a member<\/a>/);
    });

    test('a member’s first comment waits for an editor, shown only to them; approved, everyone sees it, counted', async () => {
      const ana = await member('Ana Reis');
      const posted = await ana.post(COMMENTS, {
        body: 'A **first** thought, see https://example.org/a',
        notify: '1',
      });
      assert.equal(posted.statusCode, 303);
      assert.match(String(posted.headers.location), /notice=held/);
      const [comment] = await stored(ana.memberId);
      assert.ok(comment);
      assert.equal(comment.status, 'pending');
      assert.match(String(comment.body_html), /<strong>first<\/strong>/);
      assert.match(String(comment.body_html), /rel="nofollow ugc noopener"/);
      const own = await ana.get(`${COMMENTS}?notice=held`);
      assert.match(own.body, /will appear once an editor has read it/);
      assert.match(own.body, /Waiting for an editor, seen only by you/);
      assert.doesNotMatch((await app.inject(COMMENTS)).body, /first<\/strong> thought/);

      // One digest for the editors and admins, naming the comment.
      assert.ok((await runJobs()) >= 1);
      const digest = await smtp.nextMessage();
      assert.match(digest.subject ?? '', /1 comment waiting for moderation/);
      const to = digest.to && !Array.isArray(digest.to) ? digest.to.text : '';
      assert.match(to, /desk@example\.org/);
      assert.match(to, /owner@example\.org/);
      assert.doesNotMatch(to, /writer@example\.org/);
      assert.match(digest.text ?? '', /Ana Reis on “Harbour talks”/);

      const queue = await editorClient.get('/admin/comments');
      assert.equal(queue.statusCode, 200);
      assert.match(queue.body, /first<\/strong> thought/);
      const approved = await editorClient.post(`/admin/comments/${comment.id}/approve`, {
        status: 'pending',
      });
      assert.equal(approved.statusCode, 303);
      const shown = await app.inject(COMMENTS);
      assert.match(shown.body, /<span class="comment__author"><bdi>Ana Reis<\/bdi><\/span>/);
      assert.match(shown.body, /A <strong>first<\/strong> thought/);
      assert.match(shown.body, /<h2 id="comments-title">1 comment<\/h2>/);
      const article = await app.inject('/articles/harbour-talks');
      assert.match(article.body, /"commentCount":1/, 'the cached page was dropped and counts it');
      assert.match(article.body, /\(1 comment\)/);
      const home = await app.inject('/');
      assert.match(home.body, /class="card__comments" href="\/articles\/harbour-talks\/comments">1 comment</);
      // Her data export lists it, with the article and the text as she wrote it.
      await ana.get('/members/account');
      const data = await ana.post('/members/account/data', {});
      assert.equal(data.statusCode, 200);
      const exported = JSON.parse(data.body) as {
        comments: { article: string; text: string; status: string }[];
      };
      assert.deepEqual(
        exported.comments.map((c) => [c.article, c.text, c.status]),
        [['Harbour talks', 'A **first** thought, see https://example.org/a', 'approved']],
      );
      const audit = await t.wiring.database.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'comment.approve')
        .execute();
      assert.equal(audit.length, 1);

      // Her next comment goes up at once (policy "first"); a reply threads under hers and mails her.
      const ben = await member('Ben Okafor');
      await ben.post(COMMENTS, { body: 'Ben’s first, held.' });
      const [held] = await stored(ben.memberId);
      assert.ok(held);
      await editorClient.post(`/admin/comments/${held.id}/approve`, { status: 'pending' });
      const reply = await ben.post(COMMENTS, { body: 'I agree with Ana.', parent: String(comment.id) });
      assert.equal(reply.statusCode, 303);
      assert.match(String(reply.headers.location), /notice=posted#comment-\d+/);
      const thread = await app.inject(COMMENTS);
      const replies =
        /<li class="comment comment--depth-1" id="comment-(\d+)">[\s\S]*?<ol class="comments__replies">([\s\S]*?)<\/ol>/.exec(
          thread.body,
        );
      assert.equal(replies?.[1], String(comment.id));
      assert.match(replies?.[2] ?? '', /I agree with Ana\./);
      assert.match(replies?.[2] ?? '', /comment--depth-2/);
      await runJobs();
      const notice = await smtp.nextMessage();
      assert.match(notice.subject ?? '', /Ben Okafor replied to your comment on “Harbour talks”/);
      assert.match(notice.to && !Array.isArray(notice.to) ? notice.to.text : '', /reader-\d+@example\.org/);
    });

    test('a member edits their comment within 15 minutes, not after, and deletes it; replies keep their place', async () => {
      await editSettings(wiring, admin, { comments_moderation: 'open' });
      const cara = await member('Carla Mendes');
      await cara.post(COMMENTS, { body: 'Typo in thsi one.' });
      const [comment] = await stored(cara.memberId);
      assert.ok(comment);
      assert.equal(comment.status, 'approved');
      const editPath = `${COMMENTS}/${comment.id}/edit`;
      assert.equal((await cara.get(editPath)).statusCode, 200);
      const edited = await cara.post(editPath, { body: 'Typo in this one.' });
      assert.equal(edited.statusCode, 303);
      assert.match(
        (await app.inject(COMMENTS)).body,
        /\(edited\)<\/span><\/header>\s*<div class="comment__body" dir="auto"><p>Typo in this one\.<\/p>/,
      );

      const other = await member('Dmitri Volkov');
      assert.equal((await other.post(editPath, { body: 'Hijacked' })).statusCode, 404, 'not their own');
      await other.post(COMMENTS, { body: 'Replying to Carla.', parent: String(comment.id) });

      t.setNow(new Date(wiring.now().getTime() + 16 * 60_000));
      try {
        const late = await cara.post(editPath, { body: 'Too late' });
        assert.equal(late.statusCode, 409);
        assert.match(late.body, /can be edited for 15 minutes/);
        const deleted = await cara.post(`${COMMENTS}/${comment.id}/delete`, {});
        assert.equal(deleted.statusCode, 303);
        const page = await app.inject(COMMENTS);
        assert.match(page.body, /This comment was deleted\.[\s\S]*?Replying to Carla\./);
        assert.doesNotMatch(page.body, /Typo in this one/);
        const [gone] = await stored(cara.memberId);
        assert.equal(gone?.body, '', 'the text goes with it');
      } finally {
        t.setNow(new Date('2026-11-20T12:00:00.000Z'));
        await editSettings(wiring, admin, { comments_moderation: 'first' });
      }
    });

    test('a new article’s form starts with comments as the site has them, on or off', async () => {
      const box = /<input type="checkbox" id="[^"]*" name="has_comments" value="1"( checked)?>/;
      assert.equal((await editorClient.get('/admin/articles/new')).body.match(box)?.[1], ' checked');
      await editSettings(wiring, admin, { comments_open: 'false' });
      try {
        const form = await editorClient.get('/admin/articles/new');
        assert.equal(form.statusCode, 200);
        assert.equal(form.body.match(box)?.[0] !== undefined, true, 'the box is there');
        assert.equal(form.body.match(box)?.[1], undefined, 'unticked');
      } finally {
        await editSettings(wiring, admin, { comments_open: 'true' });
      }
    });

    test('once comments close, a member may no longer edit within the window, but may delete', async () => {
      await editSettings(wiring, admin, { comments_moderation: 'open' });
      const ida = await member('Ida');
      await ida.post(COMMENTS, { body: 'Said before closing.' });
      const [comment] = await stored(ida.memberId);
      assert.ok(comment);
      const editPath = `${COMMENTS}/${comment.id}/edit`;
      await editSettings(wiring, admin, { comments_close_after_days: '1' });
      try {
        for (const refused of [
          await ida.get(editPath),
          await ida.post(editPath, { body: 'Changed after' }),
        ]) {
          assert.equal(refused.statusCode, 409);
          assert.match(
            refused.body,
            /comments on this article are closed, so comments under it can no longer be edited/i,
          );
        }
        assert.equal((await stored(ida.memberId))[0]?.body, 'Said before closing.');
        assert.equal((await ida.post(`${COMMENTS}/${comment.id}/delete`, {})).statusCode, 303);
        assert.equal((await stored(ida.memberId))[0]?.status, 'deleted');
      } finally {
        await editSettings(wiring, admin, { comments_moderation: 'first', comments_close_after_days: '0' });
      }
    });

    test('abuse defenses: honeypot, links, blocked words and domains, repeats, hourly limit, closed articles', async () => {
      await editSettings(wiring, admin, {
        comments_moderation: 'open',
        comments_blocked_words: 'casino bonus',
        comments_blocked_domains: 'spam.example',
        comments_close_after_days: '100',
      });
      try {
        const eve = await member('Eve');
        const bot = await eve.post(COMMENTS, { body: 'hello', leave_blank: 'http://x.example' });
        assert.equal(bot.statusCode, 303, 'answered as if taken');
        assert.equal((await stored(eve.memberId)).length, 0);
        const refusals: [string, RegExp][] = [
          ['', /Must not be empty/],
          ['x'.repeat(5001), /Must be at most 5,000 characters/],
          ['a http://a.example b http://b.example c http://c.example', /May carry at most 2 links/],
          ['Win a CASINO bonus today', /Contains words this publication does not accept/],
          ['See https://www.spam.example/x', /Links to a site this publication does not accept/],
        ];
        for (const [body, message] of refusals) {
          const refused = await eve.post(COMMENTS, { body });
          assert.equal(refused.statusCode, 400, body.slice(0, 40));
          assert.match(refused.body, message);
        }
        assert.equal((await eve.post(COMMENTS, { body: 'Same words' })).statusCode, 303);
        const twice = await eve.post(COMMENTS, { body: '  same   WORDS ' });
        assert.equal(twice.statusCode, 400);
        assert.match(twice.body, /Is the same as a comment you already posted here/);
        for (let i = 2; i <= 6; i++)
          assert.equal((await eve.post(COMMENTS, { body: `Note ${i}` })).statusCode, 303);
        const limited = await eve.post(COMMENTS, { body: 'One too many' });
        assert.equal(limited.statusCode, 429);
        assert.match(limited.body, /posted many comments in the last hour/);

        const old = await member('Fatima');
        const closed = await old.post('/articles/old-news/comments', { body: 'Late to this' });
        assert.equal(closed.statusCode, 409);
        assert.match(
          (await app.inject('/articles/old-news/comments')).body,
          /Comments on this article are closed/,
        );
        assert.equal((await old.post('/articles/quiet-piece/comments', { body: 'Hi' })).statusCode, 409);
      } finally {
        await editSettings(wiring, admin, {
          comments_moderation: 'first',
          comments_blocked_words: '',
          comments_blocked_domains: '',
          comments_close_after_days: '0',
        });
      }
    });

    test('posting needs a member session and the form’s token', async () => {
      const stranger = new Visitor(app, address());
      await stranger.get(COMMENTS);
      assert.equal((await stranger.post(COMMENTS, { body: 'Anonymous' })).statusCode, 403);
      const gus = await member('Gus');
      assert.equal((await gus.post(COMMENTS, { body: 'No token', _csrf: '' })).statusCode, 403);
      assert.equal(
        (await gus.post(COMMENTS, { body: 'Cross' }, { 'sec-fetch-site': 'cross-site' })).statusCode,
        403,
      );
      // Signed out in another tab: the form's token is good, the session is gone.
      await t.wiring.database.db
        .deleteFrom('member_sessions')
        .where('member_id', '=', gus.memberId)
        .execute();
      const expired = await gus.post(COMMENTS, { body: 'After sign-out' });
      assert.equal(expired.statusCode, 403);
      assert.match(expired.body, /Sign in as a member to comment/);
      assert.equal((await stored(gus.memberId)).length, 0);
    });

    test('authors are refused the moderation queue; an editor bans a member, who is then refused', async () => {
      assert.equal((await authorClient.get('/admin/comments')).statusCode, 403);
      const hal = await member('Hal');
      await hal.post(COMMENTS, { body: 'Something rude.' });
      const [comment] = await stored(hal.memberId);
      assert.ok(comment);
      assert.equal((await authorClient.post(`/admin/comments/${comment.id}/approve`, {})).statusCode, 403);
      assert.equal((await authorClient.post(`/admin/comments/${comment.id}/ban`, {})).statusCode, 403);
      const banned = await editorClient.post(`/admin/comments/${comment.id}/ban`, { status: 'pending' });
      assert.equal(banned.statusCode, 303);
      const [after] = await stored(hal.memberId);
      assert.equal(after?.status, 'trash', 'their waiting comment goes with the ban');
      const refused = await hal.post(COMMENTS, { body: 'Again' });
      assert.equal(refused.statusCode, 403);
      const audit = await t.wiring.database.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'comment.ban_member')
        .execute();
      assert.equal(audit.length, 1);
      assert.match(audit[0]?.summary ?? '', /Banned member #\d+ \(Hal\)/);
    });

    test('a JSON export carries members’ comments in their threads, as HTML and without the member; they load back', async () => {
      let text = '';
      await exportPublication(wiring, {
        write: (piece) => {
          text += piece;
        },
      });
      const exported = JSON.parse(text) as {
        articles: { slug: string; comments: Record<string, unknown>[] }[];
      };
      const comments = exported.articles.find((a) => a.slug === 'harbour-talks')?.comments ?? [];
      const ana = comments.find((c) => c.author_name === 'Ana Reis');
      assert.ok(ana, 'her comment is exported');
      assert.equal(
        ana.body,
        '<p>A <strong>first</strong> thought, see <a href="https://example.org/a" rel="nofollow ugc noopener">https://example.org/a</a></p>',
      );
      for (const c of comments)
        for (const hidden of ['member_id', 'body_html', 'sender_key', 'notify_replies'])
          assert.ok(!(hidden in c), hidden);
      const reply = comments.find((c) => c.body === '<p>I agree with Ana.</p>');
      assert.equal(reply?.parent, comments.indexOf(ana));

      // Read back into the publication it came from, it finds every comment already here.
      const countComments = async () =>
        Number(
          (
            await t.wiring.database.db
              .selectFrom('comments')
              .select((eb) => eb.fn.countAll<number | string>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const before = await countComments();
      const sameFolder = mkdtempSync(path.join(tmpdir(), 'comments-same-'));
      try {
        writeFileSync(path.join(sameFolder, 'export.json'), text);
        await importJson(wiring, path.join(sameFolder, 'export.json'));
      } finally {
        rmSync(sameFolder, { recursive: true, force: true });
      }
      assert.equal(await countComments(), before, 'no comment twice');

      // A file that does name a member or HTML has them ignored.
      (ana as Record<string, unknown>).body_html = '<img src=x onerror=alert(1)>';
      (ana as Record<string, unknown>).member_id = 999_999;
      const folder = mkdtempSync(path.join(tmpdir(), 'comments-export-'));
      const to = await createTestWiring(kind, { siteUrl: SITE });
      try {
        const file = path.join(folder, 'export.json');
        writeFileSync(file, JSON.stringify(exported));
        await importJson(to.wiring, file);
        const loaded = await buildApp(to.wiring, { shouldLog: false });
        try {
          const page = await loaded.inject(COMMENTS);
          assert.equal(page.statusCode, 200);
          assert.match(
            page.body,
            /comment__author"><bdi>Ana Reis<[\s\S]*?A <strong>first<\/strong> thought[\s\S]*?comments__replies[\s\S]*?I agree with Ana\./,
          );
          assert.doesNotMatch(page.body, /onerror/);
          const rows = await to.wiring.database.db
            .selectFrom('comments')
            .select(['member_id', 'body_html'])
            .execute();
          assert.ok(rows.every((r) => r.member_id === null && r.body_html === null));
        } finally {
          await loaded.close();
        }
      } finally {
        await to.cleanup();
        rmSync(folder, { recursive: true, force: true });
      }
    });

    test('a Markdown export keeps members’ comments out of the article files, as the HTML readers saw; they read back the same', async () => {
      await editSettings(wiring, admin, { comments_moderation: 'open' });
      const folder = mkdtempSync(path.join(tmpdir(), 'comments-markdown-'));
      const to = await createTestWiring(kind, { siteUrl: SITE });
      try {
        const kit = await member('Kit');
        const hostile =
          '# Not a heading\n---\ntitle: Injected\n---\n<b>shown as typed</b> <a href="/prizes">not a link</a> [a link](https://example.org/k)';
        assert.equal((await kit.post(COMMENTS, { body: hostile })).statusCode, 303);
        const [row] = await t.wiring.database.db
          .selectFrom('comments')
          .select(['body_html'])
          .where('member_id', '=', kit.memberId)
          .execute();
        assert.ok(row?.body_html);
        await exportMarkdown(t.wiring.store, folder, { mediaDir: path.join(folder, 'no-media') });
        const articleFile = readFileSync(path.join(folder, 'articles', 'harbour-talks.md'), 'utf8');
        assert.doesNotMatch(articleFile, /Injected|shown as typed|prizes/);
        const listed = parseYaml(readFileSync(path.join(folder, 'comments.yaml'), 'utf8')) as {
          author: string;
          body: string;
        }[];
        assert.deepEqual(
          listed.filter((c) => c.author === 'Kit').map((c) => c.body),
          [row.body_html],
          'the sanitized HTML readers saw',
        );

        // Read back here, every comment is found as it is, a member's text untouched.
        const countHere = async () =>
          (await t.wiring.database.db.selectFrom('comments').select('body').execute())
            .map((r) => r.body)
            .sort();
        const before = await countHere();
        const again = await importMarkdown(wiring, folder);
        assert.equal(again.failed, 0, JSON.stringify(again.outcomes));
        assert.deepEqual(await countHere(), before);

        const report = await importMarkdown(to.wiring, folder);
        assert.equal(report.failed, 0, JSON.stringify(report.outcomes));
        const loaded = await buildApp(to.wiring, { shouldLog: false });
        try {
          const page = (await loaded.inject(COMMENTS)).body;
          assert.match(
            page,
            /&lt;b&gt;shown as typed&lt;\/b&gt; &lt;a href=(&quot;|")\/prizes(&quot;|")&gt;not a link/,
          );
          assert.doesNotMatch(page, /<a href="\/prizes"|<b>shown as typed/);
          assert.match(page, /<a href="https:\/\/example\.org\/k" rel="nofollow ugc noopener">a link<\/a>/);
          assert.doesNotMatch(page, /<h1>Not a heading/);
        } finally {
          await loaded.close();
        }
      } finally {
        await to.cleanup();
        rmSync(folder, { recursive: true, force: true });
        await editSettings(wiring, admin, { comments_moderation: 'first' });
      }
    });

    test('a member who deletes their account takes their comments with them; replies to them stay', async () => {
      await editSettings(wiring, admin, { comments_moderation: 'open' });
      try {
        const ivo = await member('Ivo');
        await ivo.post(COMMENTS, { body: 'Leaving soon.' });
        const [own] = await stored(ivo.memberId);
        assert.ok(own);
        const jo = await member('Jo');
        await jo.post(COMMENTS, { body: 'Answer to Ivo.', parent: String(own.id) });
        await ivo.get('/members/account/delete');
        const gone = await ivo.post('/members/account/delete', {});
        assert.equal(gone.statusCode, 303);
        assert.deepEqual(await stored(ivo.memberId), []);
        const page = await app.inject(COMMENTS);
        assert.doesNotMatch(page.body, /Leaving soon/);
        assert.match(page.body, /Answer to Ivo\./);
      } finally {
        await editSettings(wiring, admin, { comments_moderation: 'first' });
      }
    });

    test('comments imported from WordPress show under their article, threaded, with their authors’ names', async () => {
      const article = await wiring.store.articles.findBySlug('old-news');
      assert.ok(article);
      const base = {
        articleId: article.id,
        authorEmail: 'old@example.org',
        authorUrl: null,
        status: 'approved' as const,
        kind: 'comment' as const,
      };
      const parent = await wiring.store.comments.insert({
        ...base,
        parentId: null,
        authorName: 'Old Reader',
        body: 'Imported <em>words</em>\nover two lines<script>alert(1)</script>',
        createdAt: '2026-01-02T10:00:00.000Z',
        sourceId: 'wp:1',
      });
      await wiring.store.comments.insert({
        ...base,
        parentId: parent,
        authorName: 'Second Reader',
        body: 'An imported reply',
        createdAt: '2026-01-03T10:00:00.000Z',
        sourceId: 'wp:2',
      });
      const page = await app.inject('/articles/old-news/comments');
      assert.match(
        page.body,
        /comment__author"><bdi>Old Reader<[\s\S]*?Imported <em>words<\/em><br \/>over two lines<\/p>[\s\S]*?comments__replies[\s\S]*?Second Reader/,
      );
      assert.doesNotMatch(page.body, /<script>alert/);
      assert.match(page.body, /Comments on this article are closed|Join the discussion|Sign in/);
    });
  });
}
