import { html, type SafeHtml } from './html.ts';

export interface ShareTarget {
  id: string;
  label: string;
  href: string;
}

/**
 * Plain links to each network's own share page: no third-party script, no tracker, nothing
 * loaded until the reader clicks. Mastodon has no central share page, so it goes through our
 * own /share/mastodon form, which asks for the reader's server.
 */
export function shareTargets(input: {
  url: string;
  title: string;
  summary: string;
  siteName: string;
}): ShareTarget[] {
  const u = encodeURIComponent(input.url);
  const t = encodeURIComponent(input.title);
  const text = encodeURIComponent(`${input.title} ${input.url}`);
  const body = encodeURIComponent(
    `${input.title}\n\n${input.summary}\n\n${input.url}\n\n— ${input.siteName}`,
  );
  return [
    { id: 'email', label: 'Email', href: `mailto:?subject=${t}&body=${body}` },
    { id: 'mastodon', label: 'Mastodon', href: `/share/mastodon?text=${text}` },
    { id: 'bluesky', label: 'Bluesky', href: `https://bsky.app/intent/compose?text=${text}` },
    { id: 'x', label: 'X', href: `https://x.com/intent/post?text=${t}&url=${u}` },
    { id: 'facebook', label: 'Facebook', href: `https://www.facebook.com/sharer/sharer.php?u=${u}` },
    { id: 'telegram', label: 'Telegram', href: `https://t.me/share/url?url=${u}&text=${t}` },
    { id: 'whatsapp', label: 'WhatsApp', href: `https://wa.me/?text=${text}` },
    { id: 'linkedin', label: 'LinkedIn', href: `https://www.linkedin.com/sharing/share-offsite/?url=${u}` },
  ];
}

export function shareBar(input: { url: string; title: string; summary: string; siteName: string }): SafeHtml {
  return html`<ul class="share" aria-label="Share this article">
  ${shareTargets(input).map(
    (s) =>
      html`<li><a class="share__link share__link--${s.id}" href="${s.href}" rel="noopener nofollow" ${s.id === 'email' ? '' : html`target="_blank"`}>${s.label}<span class="visually-hidden"> (share this article${s.id === 'email' ? ' by email' : `, opens ${s.label}`})</span></a></li>`,
  )}
  <li class="share__copy">
    <label for="share-url">Link to this article</label>
    <input id="share-url" class="share__url" type="url" value="${input.url}" readonly>
    <button type="button" class="share__copy-button" data-copy="#share-url" hidden>Copy link</button>
  </li>
</ul>`;
}
