import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
});
