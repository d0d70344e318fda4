/**
 * What word processors put on the clipboard, made into plain HTML before it is sanitized and
 * converted: Word writes lists as paragraphs carrying `mso-list` styles and a typed marker ("·",
 * "o", "1.", "a)"), not as <ul> and <ol>; tables come without a heading row and with a
 * paragraph in every cell. Word's output is machine-made and regular, so reading it with
 * patterns (paired in linear time) is safe; anything else passes through unchanged.
 */
import { decodeHTML } from 'entities';
import { replaceEnclosed } from '../import/enclosed.ts';

const LIST_ITEM = '\uE020';
/** `mso-list:l0 level2 lfo1`: list l0, nesting level 2. */
const MSO_LIST = /mso-list:\s*(l\d+)\s+level(\d+)/i;
/** The marker Word types before the text, in a span it tells other readers to ignore. */
const MARKER = /<span\b[^<>]*mso-list:\s*ignore[^<>]*>([^<]*)(?:<span\b[^<>]*>[^<]*<\/span>)?\s*<\/span>/i;
/** "1." "a)" "(iv)" "12." number lists; anything else ("·", "o", "§", "-") is a bullet. */
const ORDERED_MARKER = /^\(?(?:\d{1,4}|[a-z]{1,2}|[ivxlcdm]{1,6})[.)]$/i;

interface ListItem {
  list: string;
  level: number;
  tag: 'ul' | 'ol';
  html: string;
}

/** Conditional comments and the downlevel-revealed `<![if …]>` markers around list markers. */
function withoutConditionals(html: string): string {
  return replaceEnclosed(
    html,
    /<!--\[if\b/gi,
    () => /<!\[endif\]-->/i,
    (_match, enclosed) => (enclosed ? { text: '', end: enclosed.end } : null),
  ).replace(/<!\[(?:if\s[^\]<>]*|endif)\]>/gi, '');
}

/**
 * The marker Word keeps for readers without list support, `<![if !supportLists]>·…<![endif]>`,
 * as the one span MARKER reads: some of Word's clipboard flavours leave out the `mso-list:Ignore`
 * span inside it, and the marker then stayed in the text ("- · First item").
 */
function supportListsAsMarkers(html: string): string {
  if (!/<!\[if\s+!supportLists\]>/i.test(html)) return html;
  return replaceEnclosed(
    html,
    /<!\[if\s+!supportLists\]>/gi,
    () => /<!\[endif\]>/i,
    (_match, enclosed) => {
      if (!enclosed) return null;
      const typed = enclosed.inner.replace(/<[^<>]*>/g, '').replace(/[<>]/g, '');
      return { text: `<span style="mso-list:Ignore">${typed}</span>`, end: enclosed.end };
    },
  );
}

/** Nested <ul>/<ol> for a run of Word list paragraphs. */
function listHtml(items: ListItem[]): string {
  let out = '';
  const open: { tag: string; list: string }[] = [];
  for (const item of items) {
    // A level can only go one deeper than the list around it.
    const depth = Math.max(1, Math.min(item.level, open.length + 1));
    while (open.length > depth) out += `</li></${open.pop()?.tag}>`;
    const current = open[depth - 1];
    if (current && current.tag === item.tag && (depth > 1 || current.list === item.list)) {
      out += '</li><li>';
    } else {
      if (current) out += `</li></${open.pop()?.tag}>`;
      out += `<${item.tag}><li>`;
      open.push({ tag: item.tag, list: item.list });
    }
    out += item.html;
  }
  while (open.length > 0) out += `</li></${open.pop()?.tag}>`;
  return out;
}

/** Word's list paragraphs as real lists, nested by their level. */
export function wordListsToHtml(html: string): string {
  if (!/mso-list/i.test(html)) return withoutConditionals(html);
  const items: ListItem[] = [];
  const marked = replaceEnclosed(
    withoutConditionals(supportListsAsMarkers(html)),
    /<p\b([^<>]*)>/gi,
    () => /<\/p\s*>/i,
    (match, enclosed) => {
      const list = MSO_LIST.exec(match[1] ?? '');
      if (!enclosed || !list) return null;
      const marker = MARKER.exec(enclosed.inner);
      const typed = decodeHTML(marker?.[1] ?? '')
        .replace(/\u00a0/g, ' ')
        .trim();
      const item: ListItem = {
        list: list[1] ?? '',
        level: Number(list[2]),
        tag: ORDERED_MARKER.test(typed) ? 'ol' : 'ul',
        html: marker ? enclosed.inner.replace(MARKER, '') : enclosed.inner,
      };
      return { text: `${LIST_ITEM}${items.push(item) - 1}${LIST_ITEM}`, end: enclosed.end };
    },
  );
  return marked.replace(/(?:\uE020\d+\uE020\s*)+/g, (run) =>
    listHtml(Array.from(run.matchAll(/\uE020(\d+)\uE020/g), (m) => items[Number(m[1])] as ListItem)),
  );
}

/** A cell's content without the one paragraph Word wraps it in. */
function unwrapCell(content: string): string {
  const only = /^\s*<p>([\s\S]*)<\/p>\s*$/.exec(content);
  return only && !/<p>/.test(only[1] ?? '') ? (only[1] ?? '') : content;
}

/** A row's cells as heading cells, without the bold that only made them look like headings. */
function headingCells(cells: string): string {
  return cells.replace(/<td((?:\s[^<>]*)?)>([\s\S]*?)<\/td>/g, (_m, attributes: string, content: string) => {
    const bold = /^\s*<(b|strong)>([\s\S]*)<\/\1>\s*$/.exec(content);
    const plain = bold && !/<(?:b|strong)>/.test(bold[2] ?? '') ? (bold[2] ?? '') : content;
    return `<th${attributes}>${plain}</th>`;
  });
}

/**
 * Sanitized tables (no attributes but spans) with their cells unwrapped, and the first row as the
 * heading when none is marked: Markdown tables need one, and a pasted table's first row is
 * nearly always it. Tables inside tables are left as they are.
 */
export function tablesWithHeadings(html: string): string {
  if (!html.includes('<table')) return html;
  return replaceEnclosed(
    html,
    /<table>/g,
    () => /<\/table>/,
    (_match, enclosed) => {
      if (!enclosed || enclosed.inner.includes('<table')) return null;
      let inner = enclosed.inner.replace(
        /<(td|th)((?:\s[^<>]*)?)>([\s\S]*?)<\/\1>/g,
        (_m, tag: string, attributes: string, content: string) =>
          `<${tag}${attributes}>${unwrapCell(content)}</${tag}>`,
      );
      if (!inner.includes('<th')) {
        inner = inner.replace(
          /^(\s*(?:<tbody>)?\s*)<tr>([\s\S]*?)<\/tr>/,
          (_m, before: string, cells: string) => `<thead><tr>${headingCells(cells)}</tr></thead>${before}`,
        );
      }
      return { text: `<table>${inner}</table>`, end: enclosed.end };
    },
  );
}
