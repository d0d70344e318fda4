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

/**
 * Writes a WordPress export (WXR 1.2) of `posts` posts by 20 authors in 30 categories and 200
 * tags, each with a comment and an old permalink (so an import makes a redirect for it). Post i
 * is the same in every file, so a file of 1,000 posts is the start of a file of 2,000.
 */
export function writeWxr(file: string, options: { posts: number }): void {
  const { posts } = options;
  const fd = openSync(file, 'w');
  const w = (text: string) => writeSync(fd, text);
  w(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Bench Site</title><link>https://bench.example</link><language>en-US</language>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://bench.example</wp:base_site_url><wp:base_blog_url>https://bench.example</wp:base_blog_url>
`);
  for (let a = 0; a < 20; a += 1)
    w(
      `<wp:author><wp:author_id>${a + 1}</wp:author_id><wp:author_login><![CDATA[author${a}]]></wp:author_login><wp:author_email><![CDATA[a${a}@bench.example]]></wp:author_email><wp:author_display_name><![CDATA[Author Number ${a}]]></wp:author_display_name></wp:author>\n`,
    );
  for (let c = 0; c < 30; c += 1)
    w(
      `<wp:category><wp:term_id>${c + 1}</wp:term_id><wp:category_nicename>topic-${c}</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Topic ${c}]]></wp:cat_name></wp:category>\n`,
    );
  for (let i = 1; i <= posts; i += 1) {
    const paragraphs = Array.from(
      { length: 8 },
      (_, p) =>
        `<p>${sentence(i + p, 25)} <strong>${sentence(i, 3)}</strong> <a href="https://example.org/${i}/${p}">link</a></p>`,
    ).join('\n');
    const month = String((i % 12) + 1).padStart(2, '0');
    w(`<item>
<title><![CDATA[Bench post ${i}: ${sentence(i, 5)}]]></title>
<link>https://bench.example/2020/${month}/bench-post-${i}/</link>
<pubDate>Mon, 01 Jun 2020 10:00:00 +0000</pubDate>
<dc:creator><![CDATA[author${i % 20}]]></dc:creator>
<guid isPermaLink="false">https://bench.example/?p=${i}</guid>
<description></description>
<content:encoded><![CDATA[${paragraphs}
<h2>Section</h2>
[caption id="attachment_${i}" align="alignnone" width="300"]<img src="https://bench.example/wp-content/uploads/2020/${month}/img-${i}.jpg" alt="Image ${i}" /> Caption ${i}[/caption]
<ul><li>${sentence(i, 6)}</li><li>${sentence(i + 1, 6)}</li></ul>]]></content:encoded>
<excerpt:encoded><![CDATA[${sentence(i, 20)}]]></excerpt:encoded>
<wp:post_id>${i}</wp:post_id>
<wp:post_date>2020-${month}-01 10:00:00</wp:post_date>
<wp:post_date_gmt>2020-${month}-01 10:00:00</wp:post_date_gmt>
<wp:comment_status>open</wp:comment_status>
<wp:post_name>bench-post-${i}</wp:post_name>
<wp:status>${i % 50 === 0 ? 'draft' : 'publish'}</wp:status>
<wp:post_parent>0</wp:post_parent><wp:menu_order>0</wp:menu_order>
<wp:post_type>post</wp:post_type><wp:post_password></wp:post_password><wp:is_sticky>0</wp:is_sticky>
<category domain="category" nicename="topic-${i % 30}"><![CDATA[Topic ${i % 30}]]></category>
<category domain="post_tag" nicename="tag-${i % 200}"><![CDATA[Tag ${i % 200}]]></category>
<wp:postmeta><wp:meta_key>_edit_last</wp:meta_key><wp:meta_value><![CDATA[1]]></wp:meta_value></wp:postmeta>
<wp:comment><wp:comment_id>${i}</wp:comment_id><wp:comment_author><![CDATA[Reader ${i}]]></wp:comment_author><wp:comment_author_email>r${i}@example.org</wp:comment_author_email><wp:comment_author_url>https://example.org</wp:comment_author_url><wp:comment_date>2020-${month}-02 10:00:00</wp:comment_date><wp:comment_date_gmt>2020-${month}-02 10:00:00</wp:comment_date_gmt><wp:comment_content><![CDATA[${sentence(i, 15)}]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_type></wp:comment_type><wp:comment_parent>0</wp:comment_parent></wp:comment>
</item>
`);
  }
  w('</channel>\n</rss>\n');
  closeSync(fd);
}
