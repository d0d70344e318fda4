import assert from 'node:assert/strict';
import { test } from 'node:test';
import { publishChecklist } from './publish-checklist.ts';
import type { Taxonomy, Term } from './taxonomy.ts';

const taxonomy = (id: number, slug: string, name: string) => ({ id, slug, name }) as unknown as Taxonomy;
const term = (id: number, taxonomyId: number) => ({ id, taxonomyId }) as unknown as Term;
const filing = {
  taxonomies: [taxonomy(1, 'region', 'Region'), taxonomy(2, 'theme', 'Theme'), taxonomy(3, 'tag', 'Tag')],
  terms: [term(10, 1), term(20, 2), term(30, 3)],
};

test('an article with nothing but a title is warned about everything but its address', () => {
  const items = publishChecklist(
    { title: 'Tides', slug: '', summary: '', featuredImage: null, featuredImageAlt: null, termIds: [30] },
    filing,
  );
  assert.deepEqual(
    items.map((i) => [i.key, i.isDone]),
    [
      ['summary', false],
      ['featured_image', false],
      ['featured_image_alt', true],
      ['terms', false],
      ['slug', true],
    ],
  );
  assert.equal(items.find((i) => i.key === 'terms')?.label, 'At least one region or theme');
  assert.equal(items.find((i) => i.key === 'slug')?.note, '/articles/tides');
});

test('an image without a description, and a title that makes no slug, are warned about', () => {
  const items = publishChecklist(
    {
      title: '!!!',
      slug: '',
      summary: 'S',
      featuredImage: '/media/a.jpg',
      featuredImageAlt: ' ',
      termIds: [20],
    },
    filing,
  );
  const notDone = items.filter((i) => !i.isDone).map((i) => i.key);
  assert.deepEqual(notDone, ['featured_image_alt', 'slug']);
});
