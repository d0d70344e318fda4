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

/** A length in points: "36pt", "48px", "0.5in", "1.27cm", "3em"; 0 for anything else. */
function points(length: string): number {
  const match = /^(-?\d*\.?\d+)(pt|px|in|cm|mm|em|rem)?$/.exec(length.trim().toLowerCase());
  if (!match) return 0;
  const factor = { pt: 1, px: 0.75, in: 72, cm: 72 / 2.54, mm: 72 / 25.4, em: 12, rem: 12 }[match[2] ?? 'px'];
  return Number(match[1]) * (factor ?? 0);
}

/**
 * The nesting level a pasted list item states, 1 and up, or undefined when it states none:
 * Google Docs writes `aria-level`, and older versions (and LibreOffice) only indent the item,
 * half an inch a level.
 */
export function listItemLevel(attribs: Record<string, string>): number | undefined {
  const aria = Number(attribs['aria-level']);
  if (Number.isInteger(aria) && aria >= 1) return Math.min(aria, 9);
  const indent = /(?:^|;)\s*margin-left\s*:\s*([^;]+)/i.exec(attribs.style ?? '')?.[1];
  if (indent === undefined) return undefined;
  return Math.min(9, 1 + Math.max(0, Math.round(points(indent) / 36)));
}

const LIST_TAG = /<(\/?)(ul|ol|li)\b([^<>]*)>/g;
const LEVEL_ATTRIBUTE = /\sdata-level="(\d+)"/;

interface ListRun {
  items: ListItem[];
  end: number;
  /** Whether the lists' markup does not say their nesting as HTML does (levels, a list beside items). */
  isFlat: boolean;
}

/**
 * The items of the list whose opening tag ends at `from`, each at its level, up to its closing
 * tag. Lists inside it are read in the same loop: pasted lists can be nested thousands deep.
 */
function readList(html: string, from: number, tag: 'ul' | 'ol', run: ListRun): number {
  const lists = [{ tag, level: 1 }];
  let at = from;
  LIST_TAG.lastIndex = at;
  while (lists.length > 0) {
    const match = LIST_TAG.exec(html);
    const current = lists[lists.length - 1];
    if (!match || !current) return html.length;
    const between = html.slice(at, match.index);
    const last = run.items[run.items.length - 1];
    if (between.trim() && last) last.html += between;
    const [whole, closing, name, attributes = ''] = match;
    at = match.index + whole.length;
    if (closing) {
      // The sanitizer's output is well formed: this closes the list being read.
      lists.pop();
    } else if (name === 'li') {
      const start = at;
      let depth = 1;
      let close = html.length;
      for (let inner = LIST_TAG.exec(html); inner && depth > 0; inner = LIST_TAG.exec(html)) {
        if (inner[2] !== 'li') continue;
        depth += inner[1] ? -1 : 1;
        close = inner.index;
        at = inner.index + inner[0].length;
      }
      if (depth > 0) return html.length;
      const stated = LEVEL_ATTRIBUTE.exec(attributes)?.[1];
      if (stated) run.isFlat = true;
      run.items.push({
        list: '',
        level: stated ? Number(stated) : current.level,
        tag: current.tag,
        html: html.slice(start, close),
      });
    } else {
      // A list straight inside a list, not inside an item: it belongs to the item before it.
      run.isFlat = true;
      lists.push({ tag: name as 'ul' | 'ol', level: (last?.level ?? current.level - 1) + 1 });
    }
    LIST_TAG.lastIndex = at;
  }
  return at;
}

/**
 * Sanitized lists nested as their items say (`data-level`, from listItemLevel) or as Google Docs
 * writes them (a list beside the items of its parent list), in one list per run of lists: Google
 * Docs also starts a new list at every change of level. Lists nested as HTML nests them are
 * left as they are.
 */
export function listsNestedByLevel(html: string): string {
  if (!/<li data-level=|<\/li>\s*<[uo]l>|<[uo]l>\s*<[uo]l>/.test(html)) return html;
  let out = '';
  let at = 0;
  const opening = /<(ul|ol)>/g;
  for (let match = opening.exec(html); match; match = opening.exec(html)) {
    const run: ListRun = { items: [], end: 0, isFlat: false };
    let end = readList(html, match.index + match[0].length, match[1] as 'ul' | 'ol', run);
    const following = /\s*<(ul|ol)>/y;
    following.lastIndex = end;
    for (let next = following.exec(html); next; next = following.exec(html)) {
      end = readList(html, end + next[0].length, next[1] as 'ul' | 'ol', run);
      following.lastIndex = end;
    }
    out += html.slice(at, match.index) + (run.isFlat ? listHtml(run.items) : html.slice(match.index, end));
    at = end;
    opening.lastIndex = end;
  }
  return (out + html.slice(at)).replace(/<li data-level="\d+">/g, '<li>');
}

/**
 * A list item's one paragraph as its text, as Google Docs and LibreOffice wrap every item: a list
 * of paragraphs would become a loose list, a blank line between every item.
 */
export function listItemsUnwrapped(html: string): string {
  return html.replace(/<li>\s*<p>((?:(?!<\/?p>)[\s\S])*)<\/p>\s*(?=<\/li>|<ul>|<ol>)/g, '<li>$1');
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
