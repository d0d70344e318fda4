// Small enhancements; every page works without this file.
(() => {
  document.querySelectorAll('[data-copy]').forEach((button) => {
    var field = document.querySelector(button.getAttribute('data-copy'));
    if (!field || !navigator.clipboard) return;
    var label = button.textContent;
    var done = button.getAttribute('data-copied') || 'Link copied';
    button.hidden = false;
    button.addEventListener('click', () => {
      navigator.clipboard.writeText(field.value).then(() => {
        button.textContent = done;
        setTimeout(() => {
          button.textContent = label;
        }, 2500);
      });
    });
  });
  // Counts a read: one anonymous beacon per page view, no cookie. Without scripts a <noscript> image does it.
  // Of the page the reader came from, only its host is sent (the server drops our own).
  var beacon = document.querySelector('[data-view-beacon]');
  if (beacon && navigator.sendBeacon) {
    const target = beacon.getAttribute('data-view-beacon');
    let from = '';
    try {
      from = document.referrer ? new URL(document.referrer).host : '';
    } catch {
      from = '';
    }
    navigator.sendBeacon(from ? `${target}?ref=${encodeURIComponent(from)}` : target);
  }
  // The article page is cached, the same for everyone; its comments (with the reader's own and a
  // form carrying their CSRF token) come from an uncached fragment. Without scripts, the page's
  // "comment" link leads to the plain comments page.
  var comments = document.querySelector('[data-comments-src]');
  if (comments && window.fetch) {
    fetch(comments.getAttribute('data-comments-src'), { credentials: 'same-origin' })
      .then((response) => (response.ok ? response.text() : ''))
      .then((text) => {
        if (!text) return;
        comments.innerHTML = text;
        if (location.hash.startsWith('#comment')) {
          const target = document.getElementById(location.hash.slice(1));
          if (target) target.scrollIntoView();
        }
      })
      .catch(() => {});
  }
})();
