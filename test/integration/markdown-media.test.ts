import assert from 'node:assert/strict';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { parse as parseYaml } from 'yaml';
import { LocalMediaStore, mediaDir } from '../../src/adapters/media-store.ts';
import { buildApp } from '../../src/app.ts';
import { articlePath } from '../../src/domain/paths.ts';
import { exportMarkdown } from '../../src/services/export/markdown-export.ts';
import { importMarkdown } from '../../src/services/import/markdown.ts';
import { uploadImage } from '../../src/services/newsroom/media.ts';
import { ensureDefaultTaxonomies } from '../../src/services/taxonomies.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';
import { addArticle } from '../helpers/discovery-fixtures.ts';
import { addStaff } from '../helpers/newsroom.ts';

/** Every file below a folder, by its path relative to it, with its bytes. */
function filesBelow(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      files.set(path.relative(root, full), readFileSync(full));
    }
  return files;
}

// Who uploaded an image is a staff user of the source instance: not exported, so not compared.
const withoutIds = (rows: { id: number; uploadedBy?: number | null }[]) =>
  rows.map(({ id: _id, uploadedBy: _uploadedBy, ...rest }) => rest);

/** An instance with an uploaded image used as a featured image and in a body, and a remote media row. */
async function publicationWithMedia(t: TestWiring): Promise<string> {
  await t.wiring.store.transaction((repos) => ensureDefaultTaxonomies(repos));
  const media = new LocalMediaStore(mediaDir(t.database.dataDir));
  const png = await sharp({ create: { width: 640, height: 400, channels: 3, background: '#2a9d8f' } })
    .png()
    .toBuffer();
  const staff = await addStaff(t.wiring, 'editor');
  const { media: uploaded } = await uploadImage({ ...t.wiring, media }, staff, {
    bytes: png,
    filename: 'harbour.png',
    alt: 'The harbour at dawn',
  });
  await t.wiring.store.media.insert({
    url: 'https://old.example/wp-content/uploads/2012/05/pier.jpg',
    localPath: null,
    mime: 'image/jpeg',
    caption: null,
    alt: 'The pier',
    title: 'Pier',
    createdAt: '2012-05-01T10:00:00.000Z',
    sourceId: 'wordpress:https://old.example:attachment:42',
  });
  await addArticle(t.wiring, {
    slug: 'harbour-notes',
    title: 'Harbour notes',
    body: `The tide came in.\n\n![The harbour](${uploaded.url})\n`,
    publishedAt: '2026-11-01T00:00:00.000Z',
    featuredImage: uploaded.url,
  });
  return uploaded.url;
}

for (const kind of DATABASE_KINDS) {
  describe(`Markdown export and import of the media library on ${kind}`, () => {
    test('media rows and files come across whole, and the article image answers on the new instance', async () => {
      const source = await createTestWiring(kind);
      const target = await createTestWiring(kind);
      const folder = mkdtempSync(path.join(tmpdir(), 'pressroom-md-media-'));
      try {
        const imageUrl = await publicationWithMedia(source);
        await exportMarkdown(source.wiring.store, folder, { mediaDir: mediaDir(source.database.dataDir) });
        const written = parseYaml(readFileSync(path.join(folder, 'media.yaml'), 'utf8')) as unknown[];
        assert.equal(written.length, 2);

        const targetMedia = new LocalMediaStore(mediaDir(target.database.dataDir));
        const report = await importMarkdown(target.wiring, folder, { media: targetMedia });
        assert.equal(report.failed, 0, JSON.stringify(report.outcomes.filter((o) => o.status === 'failed')));
        const rowsOutcome = report.outcomes.find((o) => o.file.endsWith('media.yaml'));
        assert.match(rowsOutcome?.note ?? '', /2 media \(2 new, 0 already there\)/);

        assert.deepEqual(
          withoutIds(await target.wiring.store.media.listAll()),
          withoutIds(await source.wiring.store.media.listAll()),
        );
        const sourceFiles = filesBelow(mediaDir(source.database.dataDir));
        const targetFiles = filesBelow(mediaDir(target.database.dataDir));
        assert.ok(sourceFiles.size > 1, 'the original and its variants');
        assert.deepEqual([...targetFiles.keys()].sort(), [...sourceFiles.keys()].sort());
        for (const [name, bytes] of sourceFiles) assert.ok(targetFiles.get(name)?.equals(bytes), name);

        const app = await buildApp(target.wiring, { shouldLog: false });
        try {
          const page = await app.inject(articlePath('harbour-notes'));
          assert.equal(page.statusCode, 200);
          assert.ok(page.body.includes(imageUrl), 'the page shows the image');
          const image = await app.inject(imageUrl);
          assert.equal(image.statusCode, 200);
          assert.ok(image.rawPayload.equals(sourceFiles.get(imageUrl.replace(/^\/media\//, '')) as Buffer));
        } finally {
          await app.close();
        }

        // A second run changes nothing and says so.
        const again = await importMarkdown(target.wiring, folder, { media: targetMedia });
        assert.equal(again.failed, 0);
        assert.match(
          again.outcomes.find((o) => o.file.endsWith('media.yaml'))?.note ?? '',
          /2 media \(0 new, 2 already there\)/,
        );
        assert.match(
          again.outcomes.find((o) => o.file === path.join(folder, 'media'))?.note ?? '',
          new RegExp(`^0 media files copied, ${sourceFiles.size} already there$`),
        );
        assert.equal((await target.wiring.store.media.listAll()).length, 2);
      } finally {
        await source.cleanup();
        await target.cleanup();
        rmSync(folder, { recursive: true, force: true });
      }
    });

    test('an export of an instance with an empty media folder and the export of its import are the same folders', async () => {
      const source = await createTestWiring(kind);
      const target = await createTestWiring(kind);
      const first = mkdtempSync(path.join(tmpdir(), 'pressroom-md-empty-1-'));
      const second = mkdtempSync(path.join(tmpdir(), 'pressroom-md-empty-2-'));
      try {
        await source.wiring.store.transaction((repos) => ensureDefaultTaxonomies(repos));
        await addArticle(source.wiring, {
          slug: 'no-pictures',
          title: 'No pictures',
          body: 'Words only.',
          publishedAt: '2026-11-01T00:00:00.000Z',
        });
        // A media folder with nothing in it but an emptied month (its image deleted).
        mkdirSync(path.join(mediaDir(source.database.dataDir), '2026', '11'), { recursive: true });
        await exportMarkdown(source.wiring.store, first, { mediaDir: mediaDir(source.database.dataDir) });
        const targetMedia = new LocalMediaStore(mediaDir(target.database.dataDir));
        const report = await importMarkdown(target.wiring, first, { media: targetMedia });
        assert.equal(report.failed, 0, JSON.stringify(report.outcomes.filter((o) => o.status === 'failed')));
        await exportMarkdown(target.wiring.store, second, { mediaDir: mediaDir(target.database.dataDir) });
        const entries = (root: string) =>
          readdirSync(root, { recursive: true, withFileTypes: true })
            .map(
              (entry) =>
                `${path.relative(root, path.join(entry.parentPath, entry.name))}${entry.isDirectory() ? '/' : ''}`,
            )
            .sort();
        assert.deepEqual(entries(second), entries(first));
        assert.ok(!entries(first).some((entry) => entry.startsWith('media/')), 'no empty media/ is written');
      } finally {
        await source.cleanup();
        await target.cleanup();
        rmSync(first, { recursive: true, force: true });
        rmSync(second, { recursive: true, force: true });
      }
    });

    test('refuses media paths that would leave the media folder: links, "..", absolute paths', async () => {
      const target = await createTestWiring(kind);
      const folder = mkdtempSync(path.join(tmpdir(), 'pressroom-md-media-bad-'));
      const outside = mkdtempSync(path.join(tmpdir(), 'pressroom-md-outside-'));
      try {
        mkdirSync(path.join(folder, 'articles'));
        writeFileSync(
          path.join(folder, 'articles', 'note.md'),
          '---\ntitle: Note\nslug: note\n---\n\nText.\n',
        );
        mkdirSync(path.join(folder, 'pages'));
        mkdirSync(path.join(folder, 'media', '2026'), { recursive: true });
        writeFileSync(path.join(folder, 'media', '2026', 'ok.txt'), 'fine');
        writeFileSync(path.join(outside, 'secret.txt'), 'secret');
        symlinkSync(path.join(outside, 'secret.txt'), path.join(folder, 'media', '2026', 'secret.txt'));
        symlinkSync(outside, path.join(folder, 'media', 'elsewhere'));
        const row = (url: string, localPath: string) =>
          `- url: ${url}\n  local_path: ${localPath}\n  mime: image/png\n  created_at: 2026-11-01T00:00:00.000Z\n`;
        writeFileSync(
          path.join(folder, 'media.yaml'),
          `${row('/media/a.png', '../../etc/passwd')}${row('/media/b.png', '/etc/passwd')}${row('/media/c.png', '2026/ok.txt')}`,
        );
        const targetMedia = new LocalMediaStore(mediaDir(target.database.dataDir));
        const report = await importMarkdown(target.wiring, folder, { media: targetMedia });
        const failed = report.outcomes.filter((o) => o.status === 'failed');
        const refused = (name: string) => failed.find((o) => o.file === path.join(folder, 'media', name));
        assert.match(refused('2026/secret.txt')?.errors?.[0]?.message ?? '', /is a link/);
        assert.match(refused('elsewhere')?.errors?.[0]?.message ?? '', /is a link/);
        assert.equal(
          readFileSync(path.join(mediaDir(target.database.dataDir), '2026', 'ok.txt'), 'utf8'),
          'fine',
        );
        assert.deepEqual(readdirSync(mediaDir(target.database.dataDir), { recursive: true }).sort(), [
          '2026',
          '2026/ok.txt',
        ]);
        const rows = failed.find((o) => o.file.endsWith('media.yaml'));
        assert.deepEqual(
          rows?.errors?.map((e) => e.field),
          ['[0].local_path', '[1].local_path'],
        );
        // A bad row refuses the whole list, as the other parts do.
        assert.deepEqual(await target.wiring.store.media.listAll(), []);
      } finally {
        await target.cleanup();
        rmSync(folder, { recursive: true, force: true });
        rmSync(outside, { recursive: true, force: true });
      }
    });
  });
}
