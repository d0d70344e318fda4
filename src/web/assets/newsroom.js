// Article editor enhancements: formatting toolbar, live preview, clean paste, image drop and
// autosave. The form works without any of this; every request here goes to the admin's own
// endpoints with the page's CSRF token.
(() => {
  /** Marks a form as confirmed (the server asks first without it: a merge, a publish). */
  const markConfirmed = (form) => {
    let confirmed = form.querySelector('input[name="confirmed"]');
    if (!confirmed) {
      confirmed = document.createElement('input');
      confirmed.type = 'hidden';
      confirmed.name = 'confirmed';
      form.append(confirmed);
    }
    confirmed.value = '1';
  };

  // The issue composer: Enter in its search field finds articles. Elsewhere in the form Enter
  // saves the issue, as the form's first (hidden) button does without a script too.
  for (const search of document.querySelectorAll('input[name="articleSearch"]')) {
    search.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter') return;
      event.preventDefault();
      search.form?.querySelector('button[name="find"]')?.click();
    });
  }

  // "Copy address" in the image library.
  for (const button of document.querySelectorAll('button.copy-address')) {
    button.hidden = false;
    button.addEventListener('click', async () => {
      const url = new URL(button.dataset.copy || '', window.location.origin).href;
      try {
        await navigator.clipboard.writeText(url);
        button.textContent = 'Copied';
      } catch {
        button.previousElementSibling?.select?.();
        button.textContent = 'Press Ctrl+C to copy';
      }
      setTimeout(() => {
        button.textContent = 'Copy address';
      }, 2500);
    });
  }

  // "Select all" over a list's bulk checkboxes; without JavaScript each row is ticked by itself.
  for (const all of document.querySelectorAll('input.select-all')) {
    const table = all.closest('table');
    if (!table) continue;
    const boxes = () => [...table.querySelectorAll('tbody input[type="checkbox"][name="id"]')];
    const field = all.closest('.select-all-field');
    if (field) field.hidden = false;
    all.hidden = false;
    all.addEventListener('change', () => {
      for (const box of boxes()) box.checked = all.checked;
    });
    table.addEventListener('change', (event) => {
      if (event.target === all) return;
      const list = boxes();
      all.checked = list.length > 0 && list.every((box) => box.checked);
      all.indeterminate = !all.checked && list.some((box) => box.checked);
    });
  }

  // Merging terms asks first, in a dialog naming both sides; without JavaScript the server shows
  // the same question as a page. Confirmed, the form goes with confirmed=1.
  for (const form of document.querySelectorAll('form[data-merge-confirm]')) {
    const dialog = document.createElement('dialog');
    dialog.className = 'confirm-dialog';
    dialog.setAttribute('aria-labelledby', 'merge-dialog-heading');
    dialog.innerHTML = `<h2 id="merge-dialog-heading"></h2>
<p class="merge-dialog-text">Their articles move over, their addresses redirect there, and they are deleted; their history is kept.</p>
<div class="actions"><button type="button" class="danger merge-confirm">Merge</button>
<button type="button" class="secondary merge-cancel">Cancel</button></div>`;
    document.body.appendChild(dialog);
    let isConfirmed = false;
    const fromNames = () =>
      form.dataset.mergeFrom !== undefined
        ? [form.dataset.mergeFrom]
        : // getAttribute: form.id would be its ticked "id" boxes, which belong to it by form=.
          [...document.querySelectorAll(`input[name="id"][form="${form.getAttribute('id')}"]:checked`)].map(
            (box) => box.dataset.name || '',
          );
    const quoted = (names) => {
      const list = names.slice(0, 5).map((n) => `“${n}”`);
      const more = names.length - list.length;
      if (more > 0) return `${list.join(', ')} and ${more} more`;
      return list.length > 1 ? `${list.slice(0, -1).join(', ')} and ${list.at(-1)}` : list[0] || '';
    };
    dialog.querySelector('.merge-cancel').addEventListener('click', () => dialog.close());
    dialog.querySelector('.merge-confirm').addEventListener('click', () => {
      isConfirmed = true;
      dialog.close();
      markConfirmed(form);
      form.requestSubmit();
    });
    form.addEventListener('submit', (event) => {
      const into = form.querySelector('input[name="into"]')?.value.trim() || '';
      const names = fromNames();
      // Nothing to name (no term typed or ticked): the server says what is missing, by its field.
      if (isConfirmed || !into || names.length === 0) return;
      event.preventDefault();
      dialog.querySelector('h2').textContent = `Merge ${quoted(names)} into “${into}”?`;
      dialog.querySelector('.merge-confirm').textContent = `Merge into “${into}”`;
      dialog.querySelector('.merge-dialog-text').textContent =
        names.length === 1
          ? 'Its articles move over, its address redirects there, and it is deleted; its history is kept.'
          : 'Their articles move over, their addresses redirect there, and they are deleted; their history is kept.';
      dialog.showModal();
      dialog.querySelector('.merge-cancel').focus();
    });
  }

  // Type-ahead pickers: a plain text field the server reads as a name or a slug; here a datalist
  // under it is filled, as one types, with the few names the server suggests.
  for (const input of document.querySelectorAll('input[data-suggest]')) {
    const list = document.getElementById(input.dataset.suggestList || '');
    if (!list) continue;
    input.setAttribute('list', list.id);
    let timer;
    let asked = '';
    let controller;
    // A list field (terms, comma-separated) asks about the name being typed after the last
    // comma, and offers the whole line with that name completed.
    const isList = input.hasAttribute('data-suggest-multiple');
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const cut = isList ? input.value.lastIndexOf(',') : -1;
        const before = cut >= 0 ? `${input.value.slice(0, cut + 1)} ` : '';
        const typed = input.value.slice(cut + 1).trim();
        if (!typed || input.value === asked) return;
        asked = input.value;
        controller?.abort();
        controller = new AbortController();
        try {
          const url = new URL(input.dataset.suggest || '', window.location.origin);
          url.searchParams.set('q', typed);
          const response = await fetch(url, {
            headers: { accept: 'application/json' },
            credentials: 'same-origin',
            signal: controller.signal,
          });
          if (!response.ok) return;
          const { suggestions } = await response.json();
          list.replaceChildren(
            ...suggestions.map((s) => {
              const option = document.createElement('option');
              option.value = before + s.value;
              option.label = s.label;
              return option;
            }),
          );
        } catch {
          // No suggestions: the field still works as typed.
        }
      }, 150);
    });
  }

  const escapeHtml = (text) =>
    text.replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
    );

  // The image library as a dialog, for the editor and for a person's photo: search, upload in
  // place, pick. `uploadImage(file, alt)` stores a file and answers { id, url, thumb, alt }; the
  // returned function opens the dialog and resolves with the chosen image ({ url, alt, … }) or
  // null, the page's form never left. An image uploaded in the dialog is the one chosen
  // (`isUploaded` set), with the description written for it beside the upload button.
  const imagePicker = (uploadImage) => {
    const dialog = document.createElement('dialog');
    dialog.className = 'media-picker';
    dialog.setAttribute('aria-labelledby', 'picker-heading');
    dialog.innerHTML = `<div class="picker-head"><h2 id="picker-heading">Choose an image</h2>
  <button type="button" class="secondary picker-close">Close</button></div>
  <div class="picker-tools"><label for="picker-q">Search</label><input type="search" id="picker-q" placeholder="Description or file name" autocomplete="off">
  <div class="picker-new"><label for="picker-upload-alt">Description of a new image (alt text)</label><input type="text" id="picker-upload-alt" maxlength="1000" aria-describedby="picker-upload-hint" autocomplete="off">
  <p class="hint" id="picker-upload-hint">What the image shows, for readers who cannot see it. The uploaded image is chosen at once.</p>
  <label class="button secondary picker-upload">Upload new…<input type="file" accept="image/*" class="visually-hidden"></label></div></div>
  <p class="picker-status hint" role="status" aria-live="polite"></p>
  <ul class="picker-grid"></ul>`;
    document.body.appendChild(dialog);
    const grid = dialog.querySelector('.picker-grid');
    const search = dialog.querySelector('#picker-q');
    const pickerStatus = dialog.querySelector('.picker-status');
    const uploadInput = dialog.querySelector('.picker-upload input');
    const uploadAlt = dialog.querySelector('#picker-upload-alt');
    let images = [];
    let resolvePick = null;

    const showImages = (list) => {
      images = list;
      grid.innerHTML = list
        .map(
          (
            image,
            i,
          ) => `<li><button type="button" class="picker-item" data-index="${i}" aria-label="Choose: ${escapeHtml(image.alt || image.title || image.url)}">
  <img src="${escapeHtml(image.thumb)}" alt="" loading="lazy"><span class="picker-alt">${image.alt ? escapeHtml(image.alt) : '<em>No description</em>'}</span></button></li>`,
        )
        .join('');
      pickerStatus.textContent =
        list.length === 0
          ? 'No image matches. Upload one above.'
          : `${list.length} ${list.length === 1 ? 'image' : 'images'}.`;
    };

    const loadImages = async () => {
      try {
        const response = await fetch(`/admin/media/picker?q=${encodeURIComponent(search.value)}`, {
          headers: { accept: 'application/json' },
          credentials: 'same-origin',
        });
        if (!response.ok) throw new Error(`The server answered ${response.status}`);
        showImages((await response.json()).images);
      } catch (error) {
        pickerStatus.textContent = `The library could not be loaded: ${error.message}`;
      }
    };

    let searchTimer;
    search.addEventListener('input', () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(loadImages, 250);
    });
    grid.addEventListener('click', (event) => {
      const item = event.target.closest('.picker-item');
      if (!item) return;
      const image = images[Number(item.dataset.index)];
      const resolve = resolvePick;
      resolvePick = null;
      dialog.close();
      resolve?.(image ?? null);
    });
    uploadInput.addEventListener('change', async () => {
      const file = uploadInput.files?.[0];
      if (!file) return;
      const alt = uploadAlt.value.trim();
      pickerStatus.textContent = `Uploading ${file.name}…`;
      try {
        const uploaded = await uploadImage(file, alt);
        uploadAlt.value = '';
        const resolve = resolvePick;
        resolvePick = null;
        dialog.close();
        resolve?.({
          id: uploaded.id,
          url: uploaded.url,
          thumb: uploaded.thumb,
          alt: uploaded.alt || alt,
          title: file.name,
          isUploaded: true,
        });
      } catch (error) {
        pickerStatus.textContent = `Could not upload ${file.name}: ${error.message}`;
      }
      uploadInput.value = '';
    });
    dialog.querySelector('.picker-close').addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      const resolve = resolvePick;
      resolvePick = null;
      resolve?.(null);
    });

    const openPicker = (heading) => {
      dialog.querySelector('#picker-heading').textContent = heading;
      dialog.showModal();
      search.focus();
      loadImages();
      return new Promise((resolve) => {
        resolvePick = resolve;
      });
    };
    return openPicker;
  };

  // A person's photo, chosen in the image library (or uploaded there) rather than pasted.
  const choosePhoto = document.querySelector('[data-picker="photo"]');
  const photo = choosePhoto?.form?.querySelector('input[name="photo"]');
  if (choosePhoto && photo) {
    const personCsrf = choosePhoto.form.querySelector('input[name="_csrf"]')?.value || '';
    const photoThumb = choosePhoto.form.querySelector('.featured-thumb');
    const openPhotoPicker = imagePicker(async (file, alt) => {
      const data = new FormData();
      data.append('_csrf', personCsrf);
      data.append('alt', alt || '');
      data.append('file', file);
      const response = await fetch('/admin/media', {
        method: 'POST',
        body: data,
        headers: { accept: 'application/json', 'x-csrf-token': personCsrf },
        credentials: 'same-origin',
      });
      const json = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(json.message || `The server answered ${response.status}`);
      return json;
    });
    choosePhoto.hidden = false;
    choosePhoto.addEventListener('click', async () => {
      const image = await openPhotoPicker('Choose a photo');
      choosePhoto.focus();
      if (!image) return;
      photo.value = image.url;
      if (photoThumb) {
        photoThumb.src = image.url;
        photoThumb.hidden = false;
      }
    });
  }

  const form = document.getElementById('article-form');
  if (!form) return;

  // Word count and reading time, counted as a save counts them (domain/article.ts countWords).
  const wordCount = document.getElementById('word-count');
  const countWords = (markdown) => {
    const text = markdown
      .replace(/\]\([^()[\]\n]*\)/g, ']')
      .replace(/[#>*_`~[\]!-]/g, ' ')
      .trim();
    return text.length === 0 ? 0 : text.split(/\s+/u).length;
  };
  let countTimer;
  const showWordCount = () => {
    if (!wordCount) return;
    const body = form.querySelector('textarea[name="body"]');
    const words = countWords(body?.value || '');
    const perMinute = Number(wordCount.dataset.wordsPerMinute) || 230;
    const minutes = Math.max(1, Math.round(words / perMinute));
    const count = `${words.toLocaleString('en')} ${words === 1 ? 'word' : 'words'}`;
    // As the server writes it (wordCountText): an empty body has no reading time.
    wordCount.textContent = words === 0 ? count : `${count} · ${minutes} min read`;
  };

  // The search result and social card previews follow the fields they show.
  const previews = form.querySelector('.seo-previews');
  const fieldText = (name) => (form.elements.namedItem(name)?.value || '').replace(/\s+/g, ' ').trim();
  const clip = (text, limit) => (text.length <= limit ? text : `${text.slice(0, limit - 1).trimEnd()}…`);
  const slugOf = (text) =>
    text
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/['’ʻʼʽ]/g, '')
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 120)
      .replace(/-+$/, '');
  const showPreviews = () => {
    if (!previews) return;
    const title = fieldText('seo_title') || fieldText('title') || 'Untitled';
    const description = fieldText('seo_description') || fieldText('summary') || fieldText('subtitle');
    const image = fieldText('social_image') || fieldText('featured_image');
    for (const node of previews.querySelectorAll('[data-preview="title"]')) {
      node.textContent = clip(title, node.classList.contains('search-preview__title') ? 60 : 90);
    }
    for (const node of previews.querySelectorAll('[data-preview="description"]')) {
      const isSearch = node.classList.contains('search-preview__description');
      node.textContent = description
        ? clip(description, isSearch ? 160 : 120)
        : isSearch
          ? 'No description: search engines pick text from the page.'
          : '';
    }
    const slug = previews.querySelector('[data-preview="slug"]');
    // Before there is a slug, the one the title will give (domain/slug.ts slugify, for the
    // Latin, Greek and Cyrillic titles most are; the server's is the word on others).
    if (slug)
      slug.textContent =
        fieldText('slug') || previews.dataset.savedSlug || slugOf(fieldText('title')) || slug.textContent;
    const img = previews.querySelector('[data-preview="image"]');
    if (img) {
      const isShown = image.startsWith('/media/') || image.startsWith('https://');
      if (isShown && img.getAttribute('src') !== image) {
        img.hidden = false;
        img.src = image;
      } else if (!isShown) img.hidden = true;
    }
  };
  // An address that does not load (mistyped, or not there yet) shows a card without an image,
  // as social sites would, rather than a broken one.
  const previewImage = previews?.querySelector('[data-preview="image"]');
  previewImage?.addEventListener('error', () => {
    previewImage.hidden = true;
  });
  if (previewImage?.complete && previewImage.naturalWidth === 0) previewImage.hidden = true;
  form.addEventListener('input', (event) => {
    const name = event.target?.name;
    if (name === 'body') {
      clearTimeout(countTimer);
      countTimer = setTimeout(showWordCount, 200);
    } else if (
      [
        'title',
        'subtitle',
        'summary',
        'slug',
        'seo_title',
        'seo_description',
        'social_image',
        'featured_image',
      ].includes(name)
    ) {
      showPreviews();
    }
  });
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

  const uploadImage = async (file, alt = '') => {
    const data = new FormData();
    data.append('_csrf', csrf);
    data.append('alt', alt);
    data.append('file', file);
    say(`Uploading ${file.name}…`);
    return post('/admin/media', data);
  };

  const insertImages = async (files) => {
    for (const file of files) {
      if (!file.type.startsWith('image/')) continue;
      try {
        const { url } = await uploadImage(file);
        insertAtCursor(`\n\n![Describe the image](${url})\n\n`);
        say(`Uploaded ${file.name}. Describe it in the brackets for readers who cannot see it.`);
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

  const openPicker = imagePicker(uploadImage);

  const markdownAlt = (text) => text.replace(/[[\]\\]/g, '\\$&');

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
    image: async () => {
      const start = body.selectionStart;
      const end = body.selectionEnd;
      const image = await openPicker('Insert an image');
      if (!image) return body.focus();
      body.setSelectionRange(start, end);
      const alt = image.alt ? markdownAlt(image.alt) : 'Describe the image';
      // A caption on the line under the image, in emphasis: the page shows it as the image's caption.
      const caption = image.caption ? `\n*${image.caption.replace(/[\\`*_[\]<>]/g, '\\$&')}*` : '';
      insertAtCursor(`\n\n![${alt}](${image.url})${caption}\n\n`);
      const uploaded = image.isUploaded ? `Uploaded ${image.title} and inserted it. ` : '';
      if (!image.alt)
        say(
          `${uploaded}The image has no description yet: write one in the brackets, or in the image library.`,
        );
      else if (uploaded) say(uploaded.trim());
    },
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
      // Read before any await: a paste's clipboard data is empty once its handler has returned.
      const plain =
        event.clipboardData.getData('text/plain') ||
        new DOMParser().parseFromString(html, 'text/html').body.textContent ||
        '';
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
      } catch (error) {
        // The text is never lost: pasted as it is, and the writer told the formatting was not kept.
        body.setRangeText(plain, start, end, 'end');
        body.dispatchEvent(new Event('input', { bubbles: true }));
        say(`Pasted as plain text: the formatting could not be kept (${error.message}).`);
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

  // The featured image: chosen in the library dialog, with its description carried over.
  const featuredAlt = form.querySelector('input[name="featured_image_alt"]');
  const featuredThumb = form.querySelector('.featured-thumb');
  const showFeatured = () => {
    if (!featuredThumb || !featured) return;
    const url = featured.value.trim();
    featuredThumb.hidden = !url.startsWith('/media/');
    if (url.startsWith('/media/')) featuredThumb.src = url;
  };
  featured?.addEventListener('change', showFeatured);
  const chooseFeatured = form.querySelector('[data-picker="featured"]');
  if (chooseFeatured && featured) {
    chooseFeatured.hidden = false;
    form.querySelector('.picker-fallback')?.setAttribute('hidden', '');
    chooseFeatured.addEventListener('click', async () => {
      const image = await openPicker('Choose the featured image');
      chooseFeatured.focus();
      if (!image) return;
      featured.value = image.url;
      if (featuredAlt && (image.alt || !featuredAlt.value.trim())) featuredAlt.value = image.alt;
      showFeatured();
      form.dispatchEvent(new Event('input', { bubbles: true }));
      const uploaded = image.isUploaded ? `Uploaded ${image.title} and chose it as the featured image. ` : '';
      if (featuredAlt && !featuredAlt.value.trim()) {
        featuredAlt.focus();
        say(`${uploaded}The image has no description yet: write one, for readers who cannot see it.`);
      } else if (uploaded) say(uploaded.trim());
    });
  }

  const saveButton = form.querySelector('.save-button');
  const previewButton = form.querySelector('.preview-button');
  const publishButton = form.querySelector('.publish-button');
  // Times as the rest of the newsroom writes them: 24-hour, in the site's time zone, the zone
  // named ("09:30 CET"), not in the browser's zone with AM/PM.
  const timeZone = form.dataset.timeZone || 'UTC';
  const timeOf = (iso) =>
    new Date(iso).toLocaleTimeString('en-GB', {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone,
      timeZoneName: 'short',
    });

  // Autosave: a moment after each change, and when the tab is hidden. A new article becomes a
  // draft at its first autosave, titled or not; the form then edits that draft, focus and text kept.
  let isNew = form.dataset.new === '1';
  let saving = null;
  let autosaveTimer;
  const snapshotOf = () => {
    const data = new URLSearchParams(new FormData(form));
    data.delete('intent');
    data.delete('confirmed');
    return data;
  };
  const becomeDraft = (result) => {
    isNew = false;
    form.action = result.editUrl;
    form.dataset.autosave = result.autosaveUrl;
    form.dataset.new = '';
    let version = form.querySelector('input[name="version"]');
    if (!version) {
      version = document.createElement('input');
      version.type = 'hidden';
      version.name = 'version';
      form.prepend(version);
    }
    version.value = String(result.version);
    if (saveButton) saveButton.textContent = 'Save';
    previewButton?.setAttribute('formaction', result.previewUrl);
    document.querySelector('.upload-button')?.setAttribute('formaction', `${result.editUrl}/upload`);
    for (const back of document.querySelectorAll('input[name="return_to"]')) back.value = result.editUrl;
    history.replaceState(history.state, '', result.editUrl);
    const title = form.querySelector('input[name="title"]')?.value.trim() ?? '';
    const heading = document.querySelector('main h1');
    if (heading && title) heading.textContent = `Edit: ${title}`;
    if (title) document.title = document.title.replace(/^New article/, `Edit: ${title}`);
  };
  // Once the form is on its way to the server, autosave stops: an autosave landing after it (a
  // late input event, the interval) would make a second draft of a new article.
  let isLeaving = false;
  const autosave = async () => {
    if (isLeaving) return;
    if (saving) return saving;
    const data = snapshotOf();
    const snapshot = data.toString();
    if (!isDirty || snapshot === lastAutosaved) return;
    say('Saving…');
    saving = (async () => {
      try {
        const result = await post(form.dataset.autosave, data);
        lastAutosaved = snapshot;
        if (isNew) {
          becomeDraft(result);
          lastAutosaved = snapshotOf().toString();
          const titleField = form.querySelector('input[name="title"]');
          // Saved as "Untitled draft": the field stays empty for the title still to come.
          if (result.isUntitled && titleField && !titleField.value.trim()) {
            titleField.placeholder = 'Untitled draft';
            say(`Draft saved at ${timeOf(result.savedAt)}, as “Untitled draft”: give it a title.`);
          } else {
            say(`Draft saved at ${timeOf(result.savedAt)}.`);
          }
        } else {
          say(
            result.isStale
              ? `Autosaved at ${timeOf(result.savedAt)}, but someone else saved a newer version: your work is kept; saving will tell you what changed.`
              : `Autosaved at ${timeOf(result.savedAt)}. Save to keep a version.`,
          );
        }
      } catch (error) {
        say(`Not saved yet (${error.message}). Your text is still here.`);
      } finally {
        saving = null;
      }
    })();
    return saving;
  };

  form.addEventListener('input', () => {
    isDirty = true;
    if (!saving) say(isNew ? 'Not saved yet.' : 'Unsaved changes.');
    clearTimeout(autosaveTimer);
    autosaveTimer = setTimeout(autosave, 1500);
  });
  setInterval(autosave, 20000);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') autosave();
  });

  // Ctrl+S or Cmd+S saves the article (a new version), instead of saving the web page.
  document.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 's') {
      event.preventDefault();
      form.requestSubmit(saveButton ?? undefined);
    }
  });

  // Publishing: first a checklist that warns (summary, image, description, filing, address).
  const publishDialog = document.createElement('dialog');
  publishDialog.className = 'publish-dialog';
  publishDialog.setAttribute('aria-labelledby', 'publish-heading');
  publishDialog.innerHTML = `<h2 id="publish-heading">Before publishing</h2>
<ul class="checklist"></ul><p class="publish-summary"></p>
<div class="actions"><button type="button" class="confirm-publish">Publish now</button>
<button type="button" class="secondary cancel-publish">Not yet</button></div>`;
  document.body.appendChild(publishDialog);
  let isConfirmed = false;
  // Every Publish button of the form (under it, and in the Status panel, tied to it by form=)
  // saves the form and goes through the checklist; the one pressed is pressed again once confirmed.
  const isPublishButton = (button) => button?.name === 'intent' && button.value === 'publish';
  let pendingPublish = publishButton;
  publishDialog.querySelector('.cancel-publish').addEventListener('click', () => publishDialog.close());
  publishDialog.querySelector('.confirm-publish').addEventListener('click', () => {
    isConfirmed = true;
    publishDialog.close();
    markConfirmed(form);
    form.requestSubmit(pendingPublish ?? undefined);
  });
  const showChecklist = async () => {
    const list = publishDialog.querySelector('.checklist');
    const summary = publishDialog.querySelector('.publish-summary');
    list.innerHTML = '';
    summary.textContent = 'Checking…';
    publishDialog.showModal();
    publishDialog.querySelector('.confirm-publish').focus();
    try {
      // A saved article's own slug is no clash: the checklist is told which article it is.
      const savedId = isNew ? null : /\/admin\/articles\/(\d+)$/.exec(new URL(form.action).pathname)?.[1];
      const query = savedId ? `?article=${savedId}` : '';
      const { items } = await post(`/admin/articles/checklist${query}`, snapshotOf());
      list.innerHTML = items
        .map(
          (item) =>
            `<li class="${item.isDone ? 'is-done' : 'is-missing'}"><span aria-hidden="true">${item.isDone ? '✓' : '!'}</span> <strong>${escapeHtml(item.label)}</strong><span class="visually-hidden">${item.isDone ? ' (done)' : ' (missing)'}</span>: ${escapeHtml(item.note)}</li>`,
        )
        .join('');
      const missing = items.filter((item) => !item.isDone).length;
      summary.textContent =
        missing === 0
          ? 'Everything is in place.'
          : `${missing === 1 ? 'One thing is' : `${missing} things are`} missing. You can publish anyway, or go back and add ${missing === 1 ? 'it' : 'them'}.`;
    } catch (error) {
      summary.textContent = `The checklist could not be made (${error.message}). You can still publish.`;
    }
  };

  form.addEventListener('submit', async (event) => {
    if (event.submitter === previewButton) return;
    if (isPublishButton(event.submitter) && !isConfirmed) {
      event.preventDefault();
      pendingPublish = event.submitter;
      showChecklist();
      return;
    }
    // A save while the first autosave is creating the draft waits for it, then saves that draft.
    if (saving) {
      event.preventDefault();
      const submitter = event.submitter;
      await saving;
      form.requestSubmit(submitter ?? undefined);
      return;
    }
    isConfirmed = false;
    isDirty = false;
    isLeaving = true;
    // A submission that never reaches the server (the network gone) leaves the page here.
    setTimeout(() => {
      isLeaving = false;
    }, 60_000);
    clearTimeout(autosaveTimer);
  });
  // Back from the server's answer (a refused save shows the form again) or from the browser's
  // back-forward cache: autosave resumes.
  window.addEventListener('pageshow', () => {
    isLeaving = false;
  });
  // Co-authors in byline order: each row (a chosen author, or a field to type one into) gets
  // "Move up" and "Move down" buttons (keyboard) and a handle to drag it by; the rows move, and
  // the form sends the names in their order. Without JavaScript each chosen author has a place
  // number to change instead.
  const authorList = form.querySelector('ol.author-list');
  if (authorList) {
    // The place numbers are the way to reorder without JavaScript; here the rows move instead.
    for (const place of authorList.querySelectorAll('.author-chip__place')) place.remove();
    const rows = () => [...authorList.querySelectorAll(':scope > li')];
    const nameIn = (row) => row.querySelector('input[name="author"]');
    const announcer = document.createElement('p');
    announcer.className = 'visually-hidden';
    announcer.setAttribute('role', 'status');
    authorList.after(announcer);
    // Labels say each row's place, so they are written again after every move.
    const label = () => {
      rows().forEach((row, i) => {
        for (const direction of ['up', 'down'])
          row
            .querySelector(`.author-move--${direction}`)
            ?.setAttribute('aria-label', `Move author ${i + 1} ${direction}`);
        const entry = row.querySelector('input[name="author"]:not([type="hidden"])');
        const entryLabel = entry && row.querySelector(`label[for="${entry.id}"]`);
        if (entryLabel) entryLabel.textContent = `Author ${i + 1}`;
      });
    };
    const move = (from, to, focusSelector) => {
      const list = rows();
      if (to < 0 || to >= list.length || from === to) return;
      const [moved] = list.splice(from, 1);
      list.splice(to, 0, moved);
      authorList.append(...list);
      label();
      const name = nameIn(moved).value.trim();
      announcer.textContent = name ? `${name} is now author ${to + 1} of ${list.length}.` : '';
      nameIn(moved).dispatchEvent(new Event('input', { bubbles: true }));
      if (focusSelector) moved.querySelector(focusSelector)?.focus();
    };
    for (const row of rows()) {
      row.classList.add('author-list__row');
      // Dragging follows the pointer (mouse, pen or touch) and drops on the row under it.
      const handle = document.createElement('span');
      handle.className = 'author-handle';
      handle.title = 'Drag to reorder';
      handle.setAttribute('aria-hidden', 'true');
      handle.textContent = '⠿';
      handle.addEventListener('pointerdown', (event) => {
        event.preventDefault();
        handle.setPointerCapture(event.pointerId);
        row.classList.add('author-list__row--dragged');
      });
      handle.addEventListener('pointerup', (event) => {
        row.classList.remove('author-list__row--dragged');
        const over = document.elementFromPoint(event.clientX, event.clientY)?.closest('.author-list__row');
        const to = rows().indexOf(over);
        if (to >= 0) move(rows().indexOf(row), to);
      });
      handle.addEventListener('pointercancel', () => row.classList.remove('author-list__row--dragged'));
      const buttons = [
        ['up', -1, '↑'],
        ['down', 1, '↓'],
      ].map(([direction, step, arrow]) => {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = `author-move author-move--${direction}`;
        button.textContent = arrow;
        button.addEventListener('click', () => {
          const at = rows().indexOf(row);
          move(at, at + step, `.author-move--${direction}`);
        });
        return button;
      });
      row.prepend(handle);
      row.append(...buttons);
    }
    label();
  }
  window.addEventListener('beforeunload', (event) => {
    if (isDirty) event.preventDefault();
  });
})();
