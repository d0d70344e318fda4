import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ResponsiveImage, uploadedImageUrls } from '../../domain/responsive-image.ts';
import { bodyWithPictures } from './body-images.ts';

const CHART: ResponsiveImage = {
  src: '/media/2026/11/chart & map.jpg',
  alt: '',
  width: 1200,
  height: 800,
  sources: [
    {
      type: 'image/avif',
      srcset: '/media/2026/11/chart-480.avif 480w, /media/2026/11/chart-1200.avif 1200w',
    },
  ],
  srcset: '/media/2026/11/chart-480.jpg 480w, /media/2026/11/chart-1200.jpg 1200w',
};

describe('uploads in article bodies', () => {
  test('are found by address, unescaped, once each, uploads only', () => {
    const body =
      '<p><img src="/media/2026/11/chart &amp; map.jpg" alt="A" loading="lazy" /> <img src="https://elsewhere.example/x.jpg" alt="" loading="lazy" /></p><p><img src="/media/2026/11/chart &amp; map.jpg" alt="again" loading="lazy" /></p><pre><code>&lt;img src="/media/not-an-image.jpg"&gt;</code></pre>';
    assert.deepEqual(uploadedImageUrls(body), ['/media/2026/11/chart & map.jpg']);
  });

  test('with sized copies become pictures that keep their alt text and title', () => {
    const body =
      '<p><img src="/media/2026/11/chart &amp; map.jpg" alt="Water &quot;held&quot;" title="Fig. 1" loading="lazy" /></p>';
    const out = bodyWithPictures(body, new Map([[CHART.src, CHART]]));
    assert.equal(
      out,
      '<p><picture><source type="image/avif" srcset="/media/2026/11/chart-480.avif 480w, /media/2026/11/chart-1200.avif 1200w" sizes="(min-width: 44.5rem) 42rem, calc(100vw - 2.5rem)"><img src="/media/2026/11/chart &amp; map.jpg" srcset="/media/2026/11/chart-480.jpg 480w, /media/2026/11/chart-1200.jpg 1200w" sizes="(min-width: 44.5rem) 42rem, calc(100vw - 2.5rem)" width="1200" height="800" alt="Water &quot;held&quot;" title="Fig. 1" loading="lazy" decoding="async"></picture></p>',
    );
  });

  test('without copies, from elsewhere, or sized by their author are left as written', () => {
    const body =
      '<img src="/media/other.jpg" alt="" loading="lazy" /><img src="/media/2026/11/chart &amp; map.jpg" alt="" width="300" loading="lazy" />';
    assert.equal(bodyWithPictures(body, new Map([[CHART.src, CHART]])), body);
    assert.equal(bodyWithPictures(body, new Map()), body);
  });
});
