import { closeSync, openSync, writeSync } from 'node:fs';

const WORDS =
  'water ledger border river treaty court archive signal shelf drought budget council harbour policy'.split(
    ' ',
  );
function sentence(seed: number, length: number): string {
  const words: string[] = [];
  for (let i = 0; i < length; i += 1) words.push(WORDS[(seed * 7 + i * 13) % WORDS.length] as string);
  return `${words.join(' ')}.`;
}

const AUTHORS = 20;
const TAGS = 200;

/** One post's body in the three forms a Ghost 5 export holds, plus its plain text. */
function bodies(i: number): { html: string; mobiledoc: string; lexical: string; plaintext: string } {
  const paragraphs = Array.from({ length: 8 }, (_, p) => [sentence(i + p, 25), sentence(i, 3), p] as const);
  const html = [
    ...paragraphs.map(
      ([text, bold, p]) =>
        `<p>${text} <strong>${bold}</strong> <a href="https://example.org/${i}/${p}">link</a></p>`,
    ),
    '<h2>Section</h2>',
    `<figure class="kg-card kg-image-card"><img src="https://images.example.org/${i}.jpg" alt="Image ${i}"><figcaption>Caption ${i}</figcaption></figure>`,
    `<ul><li>${sentence(i, 6)}</li><li>${sentence(i + 1, 6)}</li></ul>`,
  ].join('');
  const mobiledoc = JSON.stringify({
    version: '0.3.1',
    atoms: [],
    cards: [
      ['image', { src: `https://images.example.org/${i}.jpg`, alt: `Image ${i}`, caption: `Caption ${i}` }],
    ],
    markups: [['strong'], ['a', ['href', `https://example.org/${i}`]]],
    sections: [
      ...paragraphs.map(([text, bold]) => [
        1,
        'p',
        [
          [0, [], 0, `${text} `],
          [0, [0], 1, bold],
          [0, [1], 1, ' link'],
        ],
      ]),
      [1, 'h2', [[0, [], 0, 'Section']]],
      [10, 0],
    ],
  });
  const textNode = (text: string, format = 0) => ({
    detail: 0,
    format,
    mode: 'normal',
    style: '',
    text,
    type: 'extended-text',
    version: 1,
  });
  const lexical = JSON.stringify({
    root: {
      children: [
        ...paragraphs.map(([text, bold]) => ({
          children: [textNode(`${text} `), textNode(bold, 1)],
          direction: 'ltr',
          format: '',
          indent: 0,
          type: 'paragraph',
          version: 1,
        })),
        {
          children: [textNode('Section')],
          direction: 'ltr',
          format: '',
          indent: 0,
          type: 'extended-heading',
          version: 1,
          tag: 'h2',
        },
      ],
      direction: 'ltr',
      format: '',
      indent: 0,
      type: 'root',
      version: 1,
    },
  });
  const plaintext = paragraphs.map(([text, bold]) => `${text} ${bold} link`).join('\n\n');
  return { html, mobiledoc, lexical, plaintext };
}

/**
 * Writes a Ghost 5 JSON export of `posts` posts (every 25th a page, every 50th a draft) by 20
 * users with 200 tags, each post with html, mobiledoc, lexical and plaintext as Ghost exports
 * them (about 12 KB a post, so 100,000 posts make 1.2 GB). The lists come in Ghost's order:
 * posts first, their tags and authors after them. Post i is the same in every file.
 */
export function writeGhostExport(file: string, options: { posts: number }): void {
  const { posts } = options;
  const fd = openSync(file, 'w');
  let pending: string[] = [];
  let size = 0;
  const w = (text: string) => {
    pending.push(text);
    size += text.length;
    if (size >= 1 << 20) {
      writeSync(fd, pending.join(''));
      pending = [];
      size = 0;
    }
  };
  const list = (name: string, count: number, row: (i: number) => unknown, isLast = false) => {
    w(`"${name}":[`);
    for (let i = 1; i <= count; i += 1) w(`${i > 1 ? ',' : ''}\n${JSON.stringify(row(i))}`);
    w(`]${isLast ? '' : ','}\n`);
  };
  const id = (kind: string, i: number) => `${kind}${String(i).padStart(20, '0')}`;
  w('{"db":[{"meta":{"exported_on":1767225600000,"version":"5.96.0"},"data":{\n');
  list('posts', posts, (i) => {
    const month = String((i % 12) + 1).padStart(2, '0');
    const date = `2020-${month}-01T10:00:00.000Z`;
    return {
      id: id('p', i),
      uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      title: `Bench post ${i}: ${sentence(i, 5)}`,
      slug: `bench-post-${i}`,
      ...bodies(i),
      comment_id: id('p', i),
      feature_image: null,
      featured: i % 100 === 0,
      type: i % 25 === 0 ? 'page' : 'post',
      status: i % 50 === 0 ? 'draft' : 'published',
      locale: null,
      visibility: 'public',
      email_recipient_filter: 'all',
      created_at: date,
      updated_at: date,
      published_at: i % 50 === 0 ? null : date,
      custom_excerpt: sentence(i, 20),
      codeinjection_head: null,
      codeinjection_foot: null,
      custom_template: null,
      canonical_url: null,
      newsletter_id: null,
      show_title_and_feature_image: true,
    };
  });
  list('posts_authors', posts, (i) => ({
    id: id('pa', i),
    post_id: id('p', i),
    author_id: id('u', (i % AUTHORS) + 1),
    sort_order: 0,
  }));
  list('posts_meta', posts, (i) => ({
    id: id('pm', i),
    post_id: id('p', i),
    meta_title: null,
    meta_description: sentence(i, 12),
    feature_image_alt: null,
  }));
  list('posts_tags', posts * 2, (n) => {
    const i = Math.ceil(n / 2);
    return {
      id: id('pt', n),
      post_id: id('p', i),
      tag_id: id('t', ((i + (n % 2) * 7) % TAGS) + 1),
      sort_order: n % 2,
    };
  });
  list('tags', TAGS, (t) => ({
    id: id('t', t),
    name: `Tag ${t}`,
    slug: `tag-${t}`,
    description: sentence(t, 8),
    visibility: 'public',
  }));
  list(
    'users',
    AUTHORS,
    (u) => ({
      id: id('u', u),
      name: `Author Number ${u}`,
      slug: `author-${u}`,
      password: '$2a$10$notarealhashnotarealhashnotarealhashnotarealhashno',
      email: `author${u}@bench.example`,
      bio: sentence(u, 10),
      website: null,
      status: 'active',
    }),
    true,
  );
  w('}}]}\n');
  writeSync(fd, pending.join(''));
  closeSync(fd);
}
