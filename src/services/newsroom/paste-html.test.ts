import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { renderMarkdownNow } from '../../content/markdown.ts';
import { pastedHtmlToMarkdown } from './paste-html.ts';

describe('pasting from word processors and web pages', () => {
  it('keeps the structure of a Google Docs paste without making everything bold', () => {
    const html =
      '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1"><h2 dir="ltr"><span style="font-size:16pt">Findings</span></h2><p dir="ltr"><span style="font-weight:700">Water</span><span> is </span><span style="font-style:italic">scarce</span><span>.</span></p><ul><li><p><span>One</span></p></li></ul></b>';
    assert.equal(pastedHtmlToMarkdown(html), '## Findings\n\n**Water** is *scarce*.\n\n-   One');
  });

  it('drops Word’s conditional comments, Office tags and styles', () => {
    const html =
      '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>p.MsoNormal{margin:0}</style></head><body><!--[if gte mso 9]><xml><o:OfficeDocumentSettings></o:OfficeDocumentSettings></xml><![endif]--><p class="MsoNormal">Plain <a href="https://example.org/report">report</a><o:p></o:p></p></body></html>';
    assert.equal(pastedHtmlToMarkdown(html), 'Plain [report](https://example.org/report)');
  });

  it('removes scripts and unsafe links from a web page', () => {
    const html = '<p>Safe<script>alert(1)</script> <a href="javascript:alert(1)">link</a></p>';
    assert.equal(pastedHtmlToMarkdown(html), 'Safe link');
  });

  it('keeps a pasted bare URL with underscores one working link', () => {
    const markdown = pastedHtmlToMarkdown('<p>See https://example.com/a_b_c?utm_source=x_y for more.</p>');
    assert.equal(markdown, 'See <https://example.com/a_b_c?utm_source=x_y> for more.');
  });

  it('keeps a table cell holding a pipe one cell, in text, code and links', () => {
    const markdown = pastedHtmlToMarkdown(
      '<table><tr><th>Item</th><th>Count</th></tr><tr><td>Forms</td><td>1,204 | pending</td></tr><tr><td><code>x|y</code></td><td><a href="https://example.org/a|b">l|k</a></td></tr></table>',
    );
    assert.match(markdown, /^\| Forms \| 1,204 \\\| pending \|$/m);
    const html = renderMarkdownNow(markdown);
    assert.match(html, /<td>1,204 \| pending<\/td>/);
    assert.match(html, /<td><code>x\|y<\/code><\/td>/);
    assert.match(html, /<td><a href="https:\/\/example\.org\/a%7Cb"[^>]*>l\|k<\/a><\/td>/);
    assert.equal(html.match(/<td>/g)?.length, 4);
  });
});

describe('pasting nested lists from Google Docs', () => {
  const item = (level: number, text: string) =>
    `<li dir="ltr" style="list-style-type:disc;font-size:11pt;margin-left:${(level - 1) * 36}pt" aria-level="${level}"><p dir="ltr" style="line-height:1.38" role="presentation"><span style="font-weight:400">${text}</span></p></li>`;
  const docs = (body: string) =>
    `<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1">${body}</b>`;
  const nested = /^- {3}Ports\n {4}- {3}Mombasa\n {8}- {3}Berth 4\n- {3}Levies$/m;

  it('nests a list Google Docs writes inside the list, beside its items', () => {
    const markdown = pastedHtmlToMarkdown(
      docs(
        `<ul style="padding-inline-start:48px">${item(1, 'Ports')}<ul style="padding-inline-start:48px">${item(2, 'Mombasa')}<ul>${item(3, 'Berth 4')}</ul></ul>${item(1, 'Levies')}</ul>`,
      ),
    );
    assert.match(markdown, nested);
    assert.match(renderMarkdownNow(markdown), /<li>Ports\n<ul>\n<li>Mombasa\n<ul>\n<li>Berth 4<\/li>/);
  });

  it('nests one flat list by the aria-level of its items', () => {
    const markdown = pastedHtmlToMarkdown(
      docs(`<ul>${item(1, 'Ports')}${item(2, 'Mombasa')}${item(3, 'Berth 4')}${item(1, 'Levies')}</ul>`),
    );
    assert.match(markdown, nested);
  });

  it('nests lists split by level by their items’ indent, when there is no aria-level', () => {
    const plain = (level: number, text: string) =>
      `<ul><li style="margin-left: ${(level - 1) * 0.5}in"><p>${text}</p></li></ul>`;
    const markdown = pastedHtmlToMarkdown(
      plain(1, 'Ports') + plain(2, 'Mombasa') + plain(3, 'Berth 4') + plain(1, 'Levies'),
    );
    assert.match(markdown, nested);
  });

  it('keeps numbered and bulleted levels apart, and a list nested in its item as it is', () => {
    const markdown = pastedHtmlToMarkdown(
      docs(
        `<ol>${item(1, 'Audit')}<ul>${item(2, 'ledger')}${item(2, 'receipts')}</ul>${item(1, 'Publish')}</ol><ul><li><p>Sources</p><ul><li><p>Port authority</p></li></ul></li></ul>`,
      ),
    );
    assert.match(
      markdown,
      /^1\. {2}Audit\n {4}- {3}ledger\n {4}- {3}receipts\n2\. {2}Publish\n\n- {3}Sources\n {4}- {3}Port authority$/m,
    );
  });
  it('nests thousands of pasted lists in linear time', () => {
    const started = performance.now();
    const markdown = pastedHtmlToMarkdown(`${'<ul><li aria-level="2">x</li></ul>'.repeat(2_000)}`);
    pastedHtmlToMarkdown(`<ul>${'<li aria-level="3"><p>x</p></li><ul>'.repeat(80)}`);
    assert.equal(markdown.split('\n').length, 2_000);
    assert.ok(performance.now() - started < 10_000);
  });
});

describe('pasting superscript, subscript and struck-through text', () => {
  it('keeps <sup>, <sub> and <s>/<strike>/<del>, and the styles Google Docs writes for them', () => {
    const markdown = pastedHtmlToMarkdown(
      '<p>H<sub>2</sub>O, E=mc<sup>2</sup>, <s>old</s> <strike>older</strike> <del>gone</del>; CO<span style="vertical-align:sub;font-size:0.6em">2</span> at 10<span style="font-size:0.6em;vertical-align:super">6</span>, <span style="text-decoration:line-through">withdrawn</span> and <span style="font-weight:700;font-style:italic">both</span></p>',
    );
    assert.equal(
      markdown,
      'H<sub>2</sub>O, E=mc<sup>2</sup>, ~~old~~ ~~older~~ ~~gone~~; CO<sub>2</sub> at 10<sup>6</sup>, ~~withdrawn~~ and ***both***',
    );
    assert.equal(
      renderMarkdownNow(markdown),
      '<p>H<sub>2</sub>O, E=mc<sup>2</sup>, <s>old</s> <s>older</s> <s>gone</s>; CO<sub>2</sub> at 10<sup>6</sup>, <s>withdrawn</s> and <em><strong>both</strong></em></p>',
    );
  });
});

describe('pasting from Word', () => {
  const wordClipboard = readFileSync(
    new URL('../../../test/fixtures/paste/word-list-table.html', import.meta.url),
    'utf8',
  );

  it('makes Word’s list paragraphs real lists, nested by level, bullets and numbers apart', () => {
    const markdown = pastedHtmlToMarkdown(wordClipboard);
    assert.match(markdown, /^- {3}Container fees\n {4}- {3}Reefer surcharge\n- {3}Berth fees$/m);
    assert.match(markdown, /^1\. {2}Audit the ledger\n2\. {2}Publish the \*\*findings\*\*$/m);
    assert.doesNotMatch(markdown, /[·§]|^o /m);
  });

  it('drops the typed marker of a list paragraph that has no mso-list:Ignore span', () => {
    const markdown = pastedHtmlToMarkdown(
      `<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span><![endif]>First item</p>
<p class=MsoListParagraphCxSpLast style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol'>·<span>&nbsp;</span></span><![endif]>Second item</p>
<p class=MsoListParagraph style='mso-list:l1 level1 lfo2'><![if !supportLists]><span>2.<span>&nbsp;</span></span><![endif]>Numbered</p>`,
    );
    assert.match(markdown, /^- {3}First item\n- {3}Second item\n\n1\. {2}Numbered$/m);
    assert.doesNotMatch(markdown, /·/);
  });

  it('nests Word’s list paragraphs three levels deep', () => {
    const paragraph = (level: number, marker: string, text: string) =>
      `<p class=MsoListParagraphCxSpMiddle style='margin-left:${level * 36}pt;text-indent:-18.0pt;mso-list:l0 level${level} lfo1'><![if !supportLists]><span style='mso-list:Ignore'>${marker}<span>&nbsp;</span></span><![endif]>${text}</p>`;
    const markdown = pastedHtmlToMarkdown(
      paragraph(1, '·', 'Ports') +
        paragraph(2, 'o', 'Mombasa') +
        paragraph(3, '§', 'Berth 4') +
        paragraph(1, '·', 'Levies'),
    );
    assert.match(markdown, /^- {3}Ports\n {4}- {3}Mombasa\n {8}- {3}Berth 4\n- {3}Levies$/m);
  });

  it('keeps Word’s bold and italic, whatever its bidi styles say', () => {
    assert.match(
      pastedHtmlToMarkdown(wordClipboard),
      /^\*\*Harbour levies\*\* rose by a \*third\* in 2025\.$/m,
    );
    assert.equal(
      pastedHtmlToMarkdown(
        '<p><span style="mso-bidi-font-weight:bold">plain</span> <span style="font-weight: 400">too</span></p>',
      ),
      'plain too',
    );
  });

  it('turns a Word table into a Markdown table with its first row as the heading', () => {
    assert.match(
      pastedHtmlToMarkdown(wordClipboard),
      /^\| Port \| Levy \|\n\| --- \| --- \|\n\| Mombasa \| 4\.2% \|$/m,
    );
  });

  it('keeps a table Markdown cannot hold as sanitized HTML', () => {
    const markdown = pastedHtmlToMarkdown(
      '<table><tr><td>Year</td><td>Note</td></tr><tr><td colspan="2" style="color:red" onclick="x()"><p>One</p><p>Two</p></td></tr></table>',
    );
    assert.equal(
      markdown,
      '<table><thead><tr><th>Year</th><th>Note</th></tr></thead><tbody><tr><td colspan="2"><p>One</p><p>Two</p></td></tr></tbody></table>',
    );
  });

  it('reads a paste of thousands of unclosed Word paragraphs in linear time', () => {
    const started = performance.now();
    pastedHtmlToMarkdown(`${'<p style="mso-list:l0 level1 lfo1">'.repeat(20_000)}end`);
    pastedHtmlToMarkdown(`${'<!--[if gte mso 9]>'.repeat(50_000)}end`);
    assert.ok(performance.now() - started < 10_000);
  });
});
