// Article editor enhancements: formatting toolbar, live preview, clean paste, image drop and
// autosave. The form works without any of this; every request here goes to the admin's own
// endpoints with the page's CSRF token.
(() => {
  const form = document.getElementById('article-form');
  if (!form) return;
  const body = form.querySelector('textarea[name="body"]');
  const toolbar = form.querySelector('.md-toolbar');
  const preview = form.querySelector('.md-preview');
  const status = form.querySelector('.autosave-status');
  const csrf = form.dataset.csrf || '';
  let isDirty = false;
  let lastAutosaved = '';

  const post = async (url, params, accept = 'application/json') => {
    const data =
      params instanceof FormData || params instanceof URLSearchParams
        ? params
        : new URLSearchParams({ _csrf: csrf, ...params });
    const response = await fetch(url, {
      method: 'POST',
      body: data,
      headers: { accept, 'x-csrf-token': csrf },
      credentials: 'same-origin',
    });
    const json = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(json.message || `The server answered ${response.status}`);
    return json;
  };

  const replaceSelection = (before, after = '', placeholder = '') => {
    const { selectionStart: start, selectionEnd: end, value } = body;
    const selected = value.slice(start, end) || placeholder;
    body.setRangeText(before + selected + after, start, end, 'select');
    body.setSelectionRange(start + before.length, start + before.length + selected.length);
    body.focus();
    body.dispatchEvent(new Event('input', { bubbles: true }));
  };

  const prefixLines = (prefix) => {
    const { selectionStart: start, selectionEnd: end, value } = body;
    const lineStart = value.lastIndexOf('\n', start - 1) + 1;
    const block = value.slice(lineStart, end) || 'Text';
    const lines = block
      .split('\n')
      .map((line, i) => (typeof prefix === 'function' ? prefix(i) : prefix) + line);
    body.setRangeText(lines.join('\n'), lineStart, end, 'end');
    body.focus();
    body.dispatchEvent(new Event('input', { bubbles: true }));
  };

  const insertAtCursor = (text) => {
    body.setRangeText(text, body.selectionStart, body.selectionEnd, 'end');
    body.focus();
    body.dispatchEvent(new Event('input', { bubbles: true }));
  };

  const say = (message) => {
    if (status) status.textContent = message;
  };

  const uploadImage = async (file) => {
    const data = new FormData();
    data.append('_csrf', csrf);
    data.append('alt', '');
    data.append('file', file);
    say(`Uploading ${file.name}…`);
    const result = await post('/admin/media', data);
    say(`Uploaded ${file.name}. Describe it in the brackets for readers who cannot see it.`);
    return result;
  };

  const insertImages = async (files) => {
    for (const file of files) {
      if (!file.type.startsWith('image/')) continue;
      try {
        const { url } = await uploadImage(file);
        insertAtCursor(`\n\n![Describe the image](${url})\n\n`);
      } catch (error) {
        say(`Could not upload ${file.name}: ${error.message}`);
      }
    }
  };

  let previewTimer;
  const refreshPreview = async () => {
    if (!preview || preview.hidden) return;
    try {
      const { html } = await post('/admin/preview', { markdown: body.value });
      preview.innerHTML = html;
    } catch (error) {
      preview.textContent = `Preview unavailable: ${error.message}`;
    }
  };

  const picker = document.createElement('input');
  picker.type = 'file';
  picker.accept = 'image/*';
  picker.hidden = true;
  picker.addEventListener('change', () => insertImages([...picker.files]));
  form.appendChild(picker);

  const commands = {
    bold: () => replaceSelection('**', '**', 'bold text'),
    italic: () => replaceSelection('_', '_', 'italic text'),
    h2: () => prefixLines('## '),
    h3: () => prefixLines('### '),
    quote: () => prefixLines('> '),
    ul: () => prefixLines('- '),
    ol: () => prefixLines((i) => `${i + 1}. `),
    link: () => {
      const url = window.prompt('Link address (https://…)', 'https://');
      if (url) replaceSelection('[', `](${url})`, 'link text');
    },
    image: () => picker.click(),
    preview: (button) => {
      const isOn = button.getAttribute('aria-pressed') !== 'true';
      button.setAttribute('aria-pressed', String(isOn));
      preview.hidden = !isOn;
      form.querySelector('.md-panes')?.classList.toggle('md-panes--split', isOn);
      refreshPreview();
    },
  };

  if (toolbar && body) {
    toolbar.hidden = false;
    toolbar.addEventListener('click', (event) => {
      const button = event.target.closest('button[data-md]');
      if (button) commands[button.dataset.md]?.(button);
    });
    body.addEventListener('keydown', (event) => {
      if (!(event.ctrlKey || event.metaKey)) return;
      if (event.key === 'b') commands.bold();
      else if (event.key === 'i') commands.italic();
      else if (event.key === 'k') commands.link();
      else return;
      event.preventDefault();
    });
  }

  if (body) {
    body.addEventListener('input', () => {
      isDirty = true;
      clearTimeout(previewTimer);
      previewTimer = setTimeout(refreshPreview, 500);
    });
    body.addEventListener('paste', async (event) => {
      const html = event.clipboardData?.getData('text/html');
      if (!html) return;
      event.preventDefault();
      const start = body.selectionStart;
      const end = body.selectionEnd;
      try {
        let { markdown } = await post('/admin/paste', { html });
        // Pasted paragraphs start a new block rather than run on from the text before them.
        const isBlock = /<(p|h[1-6]|ul|ol|blockquote|table|div|pre)[\s>]/i.test(html);
        if (isBlock && start > 0 && body.value[start - 1] !== '\n') markdown = `\n\n${markdown}`;
        body.setRangeText(markdown, start, end, 'end');
        body.dispatchEvent(new Event('input', { bubbles: true }));
        say('Pasted as Markdown.');
      } catch {
        body.setRangeText(event.clipboardData.getData('text/plain'), start, end, 'end');
      }
    });
    body.addEventListener('dragover', (event) => {
      if ([...(event.dataTransfer?.items || [])].some((i) => i.kind === 'file')) {
        event.preventDefault();
        body.classList.add('is-dropping');
      }
    });
    body.addEventListener('dragleave', () => body.classList.remove('is-dropping'));
    body.addEventListener('drop', (event) => {
      const files = [...(event.dataTransfer?.files || [])];
      if (files.length === 0) return;
      event.preventDefault();
      body.classList.remove('is-dropping');
      insertImages(files);
    });
  }

  // Dropping an image on the featured image field uploads it and fills in its address.
  const featured = form.querySelector('input[name="featured_image"]');
  if (featured) {
    featured.addEventListener('dragover', (event) => event.preventDefault());
    featured.addEventListener('drop', async (event) => {
      const file = event.dataTransfer?.files?.[0];
      if (!file) return;
      event.preventDefault();
      try {
        featured.value = (await uploadImage(file)).url;
        isDirty = true;
        form.querySelector('input[name="featured_image_alt"]')?.focus();
      } catch (error) {
        say(`Could not upload ${file.name}: ${error.message}`);
      }
    });
  }

  form.addEventListener('input', () => {
    isDirty = true;
  });
  form.addEventListener('submit', () => {
    isDirty = false;
  });
  window.addEventListener('beforeunload', (event) => {
    if (isDirty) event.preventDefault();
  });

  const autosaveUrl = form.dataset.autosave;
  if (autosaveUrl) {
    const autosave = async () => {
      const data = new URLSearchParams(new FormData(form));
      const snapshot = data.toString();
      if (!isDirty || snapshot === lastAutosaved) return;
      try {
        const result = await post(autosaveUrl, data);
        lastAutosaved = snapshot;
        const time = new Date(result.savedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
        say(
          result.isStale
            ? `Autosaved at ${time}, but someone else saved a newer version: your work is kept; saving will tell you what changed.`
            : `Autosaved at ${time}. Save to keep a version.`,
        );
      } catch (error) {
        say(`Autosave failed (${error.message}); your text is still here.`);
      }
    };
    setInterval(autosave, 20000);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') autosave();
    });
  }
})();
