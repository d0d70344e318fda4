import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { buildApp } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { draftOf, saveArticle } from '../../src/services/articles.ts';
import type { ContentChange } from '../../src/services/context.ts';
import { seedDemo } from '../../src/services/demo.ts';
import { savePerson } from '../../src/services/newsroom/people-admin.ts';
import { createWiring, type Wiring } from '../../src/wiring.ts';
import { makeUser } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

/** Resolves with the first remote change the wiring hears (that `isWanted`), or rejects after `ms`. */
function nextRemoteChange(
  wiring: Wiring,
  ms: number,
  isWanted: (change: ContentChange) => boolean = () => true,
): Promise<ContentChange> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no remote change within ${ms} ms`));
    }, ms);
    const unsubscribe = wiring.changes.subscribe((change, origin) => {
      if (!origin.isRemote || !isWanted(change)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(change);
    });
  });
}

for (const kind of DATABASE_KINDS) {
  describe(`changes made by another process on ${kind}`, () => {
    let server: TestWiring;
    let other: Wiring;
    before(async () => {
      server = await createTestWiring(kind);
      await seedDemo(server.wiring);
      const config = parseConfig({
        database: { url: server.database.url },
        data: { dir: server.database.dataDir },
        site: { url: 'https://review.example' },
      });
      other = await createWiring({ config, log: pino({ level: 'silent' }) });
    });
    after(async () => {
      await other.close();
      await server.cleanup();
    });

    test('reach the server, whose cached page then shows the edit', async () => {
      const app = await buildApp(server.wiring, { shouldLog: false });
      try {
        const before = await app.inject('/articles/the-adjournment-economy');
        assert.equal(before.statusCode, 200);
        const article = (await other.store.articles.findBySlug('the-adjournment-economy'))!;
        const heard = nextRemoteChange(server.wiring, 5000);
        await saveArticle(
          other,
          { ...draftOf(article), title: 'Edited in another process' },
          { actor: 'cli', id: article.id },
        );
        const change = await heard;
        assert.ok(change.kind === 'article' || change.kind === 'everything');
        const afterEdit = await app.inject('/articles/the-adjournment-economy');
        assert.match(afterEdit.body, /Edited in another process/);
      } finally {
        await app.close();
      }
    });

    test("a person renamed in another process is renamed on the server's pages", async () => {
      const app = await buildApp(server.wiring, { shouldLog: false });
      try {
        const article = (await other.store.articles.findBySlug('the-adjournment-economy'))!;
        const person = (await other.store.people.findById(article.authorIds[0]!))!;
        const before = await app.inject('/articles/the-adjournment-economy');
        assert.match(before.body, new RegExp(person.name));
        const editor = await makeUser(other, 'editor');
        const heard = nextRemoteChange(
          server.wiring,
          5000,
          (c) => c.kind === 'everything' || (c.kind === 'person' && c.id === person.id),
        );
        await savePerson(other, editor, {
          id: person.id,
          name: 'Renamed Elsewhere',
          slug: person.slug,
          bio: person.bio ?? '',
          email: person.email ?? '',
          website: person.website ?? '',
          links: person.links,
          photo: person.photo ?? '',
        });
        await heard;
        const afterRename = await app.inject('/articles/the-adjournment-economy');
        assert.match(afterRename.body, /Renamed Elsewhere/);
        assert.doesNotMatch(afterRename.body, new RegExp(`>${person.name}<`));
      } finally {
        await app.close();
      }
    });
  });
}
