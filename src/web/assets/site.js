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
  var beacon = document.querySelector('[data-view-beacon]');
  if (beacon && navigator.sendBeacon) navigator.sendBeacon(beacon.getAttribute('data-view-beacon'));
})();
