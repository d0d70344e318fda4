import { decodeHTML } from 'entities';
import { clipText } from '../../domain/text.ts';
import { escapeRegExp, replaceEnclosed } from './enclosed.ts';

/** What happened to one shortcode found in a body. */
export interface ShortcodeNote {
  name: string;
  /** converted: turned into Markdown; skipped: dropped; kept: left as text. */
  outcome: 'converted' | 'skipped' | 'kept';
  /** What the report should add (a gallery's attachments that are not in the file). */
  detail?: string;
}

/** A piece of code lifted out of a body before conversion, put back as Markdown afterwards. */
export interface CodeBlock {
  code: string;
  language: string | null;
  isInline: boolean;
}

/** Marks where a lifted piece goes back; private-use characters no converter escapes or drops. */
const MARK = '\uE010';

/**
 * Tags that format code inside a plain `<pre>`: they are markup, removed. Anything else that
 * looks like a tag there (`<iostream>`, `std::vector<char>`) is code written without escaping,
 * which browsers hide but the author meant as text.
 */
const FORMATTING_TAGS = new Set([
  'a',
  'abbr',
  'b',
  'big',
  'br',
  'code',
  'del',
  'div',
  'em',
  'font',
  'i',
  'ins',
  'kbd',
  'mark',
  'p',
  'q',
  's',
  'samp',
  'small',
  'span',
  'strike',
  'strong',
  'sub',
  'sup',
  'tt',
  'u',
  'var',
]);

function attributesOf(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of text.matchAll(/([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s'"]+))/g))
    attributes[(match[1] ?? '').toLowerCase()] = match[2] ?? match[3] ?? match[4] ?? '';
  return attributes;
}

/** A language name safe to write after a fence, or null. */
function languageName(raw: string | undefined | null): string | null {
  const name = (raw ?? '').trim().toLowerCase();
  return /^[a-z0-9][\w+#.-]{0,30}$/.test(name) ? name : null;
}

/**
 * A tag as HTML writes one, attributes and all: "<b && c>" in `if (a<b && c>d)` is code, not a
 * bold tag to remove.
 */
const FORMATTING_TAG =
  /<\/?([a-zA-Z][\w-]*)((?:\s+[\w:.-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>=`]+))?)*)\s*\/?>/g;

/** The text of a plain `<pre>`: formatting tags removed, line breaks kept, entities decoded. */
function preText(inner: string): string {
  const text = inner
    .replace(/<br\s*\/?>\n?/gi, '\n')
    .replace(FORMATTING_TAG, (tag, name: string) => (FORMATTING_TAGS.has(name.toLowerCase()) ? '' : tag));
  return decodeHTML(text);
}

/** Leading and trailing blank lines go; the indentation of the first line stays. */
function trimCode(code: string): string {
  return code
    .replace(/\r\n?/g, '\n')
    .replace(/^(?:[ \t]*\n)+/, '')
    .trimEnd();
}

/**
 * SyntaxHighlighter (WordPress.com and the Evolved plugin) also takes each language's name as a
 * shortcode of its own: [php]…[/php], [js]…[/js].
 */
const LANGUAGE_SHORTCODES = [
  'actionscript3',
  'as3',
  'bash',
  'shell',
  'sh',
  'clojure',
  'coldfusion',
  'cf',
  'cpp',
  'c',
  'c#',
  'c-sharp',
  'csharp',
  'css',
  'delphi',
  'pas',
  'pascal',
  'diff',
  'patch',
  'erl',
  'erlang',
  'fsharp',
  'go',
  'golang',
  'groovy',
  'html',
  'xhtml',
  'xml',
  'xslt',
  'java',
  'jfx',
  'javafx',
  'js',
  'jscript',
  'javascript',
  'latex',
  'tex',
  'matlab',
  'objc',
  'obj-c',
  'octave',
  'perl',
  'pl',
  'php',
  'plain',
  'text',
  'powershell',
  'ps',
  'posh',
  'py',
  'python',
  'r',
  'ruby',
  'rails',
  'ror',
  'rb',
  'sass',
  'scss',
  'scala',
  'sql',
  'swift',
  'vb',
  'vbnet',
  'yaml',
  'yml',
];
const LANGUAGE_SHORTCODE = new Set(LANGUAGE_SHORTCODES);
/**
 * Class names that name a language on their own (`<pre class="bash">`, as SyntaxHighlighter
 * Evolved, highlight.js and many themes write them). Words that are also common style classes
 * ("plain", "text", "code") are left out.
 */
const LANGUAGE_CLASSES = new Set([
  ...LANGUAGE_SHORTCODES.filter((name) => !['plain', 'text', 'ps', 'pl', 'cf', 'jfx'].includes(name)),
  'console',
  'dockerfile',
  'ini',
  'json',
  'kotlin',
  'lua',
  'makefile',
  'nginx',
  'rust',
  'shell',
  'ts',
  'typescript',
  'zsh',
]);

/** The first class that names a language on its own. */
function languageClass(classes: string): string | null {
  for (const name of classes.toLowerCase().split(/\s+/)) if (LANGUAGE_CLASSES.has(name)) return name;
  return null;
}

// [sourcecode] and [code] (SyntaxHighlighter, WordPress.com), the language-named ones, and the
// CodeColorer family: [cc], [cci] (inline), [cce] (escaped), [ccnle_php] (flags, then a
// language) and so on. Only with a closing tag: "[php]" alone in prose is left as text.
// Opening tags only: replaceEnclosed pairs each with its closing tag in linear time.
const CODE_SHORTCODE_OPEN = new RegExp(
  `\\[(sourcecode|code|cc[a-z]*(?:_[\\w+#-]+)?|${LANGUAGE_SHORTCODES.map((n) => n.replace(/[+#-]/g, '\\$&')).join('|')})(\\s[^\\][]*)?\\]`,
  'gi',
);
const PRE_OPEN = /<pre\b([^<>]*)>/gi;
const PRE_CLOSE = /<\/pre\s*>/i;
/** How far around a code shortcode to look for the sentence it may sit in. */
const LINE_CONTEXT = 400;

function shortcodeBlock(name: string, rawAttributes: string, inner: string, isInText: boolean): CodeBlock {
  const attributes = attributesOf(rawAttributes);
  const lower = name.toLowerCase();
  const [flags = '', suffix] = lower.split('_', 2);
  const positional = rawAttributes.trim().split(/\s+/)[0];
  const isLanguageNamed = LANGUAGE_SHORTCODE.has(lower);
  const language =
    languageName(attributes.language ?? attributes.lang) ??
    (isLanguageNamed ? languageName(lower) : null) ??
    languageName(suffix) ??
    (positional && !positional.includes('=') ? languageName(positional) : null);
  // CodeColorer reads its content literally unless the "e" flag or escaped="true" says it is
  // HTML-escaped; SyntaxHighlighter's shortcodes are written through the editor, escaped.
  const isCodeColorer = !isLanguageNamed && flags.startsWith('cc');
  const isEscaped =
    !isCodeColorer || flags.slice(2).includes('e') || /^(?:true|1|yes|on)$/i.test(attributes.escaped ?? '');
  const code = isEscaped ? decodeHTML(inner.replace(/<br\s*\/?>\n?/gi, '\n')) : inner;
  // Inline when CodeColorer says so ("i"), or when one line of code sits within a sentence.
  const isOneLine = !/\n/.test(code.trim());
  const isInline = isOneLine && ((isCodeColorer && flags.slice(2).includes('i')) || isInText);
  return { code: trimCode(code), language, isInline };
}

function preBlock(rawAttributes: string, inner: string): CodeBlock {
  const attributes = attributesOf(rawAttributes);
  const classes = attributes.class ?? '';
  const innerCode = /^\s*<code\b([^>]*)>([\s\S]*)<\/code>\s*$/i.exec(inner);
  const codeClasses = innerCode ? (attributesOf(innerCode[1] ?? '').class ?? '') : '';
  const language =
    languageName(attributes.lang ?? attributes['data-language']) ??
    languageName(/(?:^|\s)(?:language|lang)-([\w+#-]+)/.exec(`${classes} ${codeClasses}`)?.[1]) ??
    languageName(/\bbrush:\s*([\w+#-]+)/.exec(classes)?.[1]) ??
    languageName(/\blang:([\w+#-]+)/.exec(classes)?.[1]) ??
    languageClass(`${classes} ${codeClasses}`);
  let code: string;
  if (attributes.lang !== undefined) {
    // WP-Syntax: `<pre lang="php">` holds the code itself, raw tags and all; what the editor
    // escaped (`&lt;iostream&gt;`, with or without escaped="true") is read back as typed.
    code = decodeHTML(inner);
  } else {
    code = preText(innerCode ? (innerCode[2] ?? '') : inner);
  }
  return { code: trimCode(code), language, isInline: false };
}

/**
 * Lifts code out of an HTML body before it is converted: `<pre>` blocks (with or without
 * `<code>`) and code shortcodes. Returns the body with a marker in place of each, the code as
 * written, and a note for each `<pre>` left open that was closed where its code ends. Converters never see the code, so they cannot reflow, escape or parse it.
 */
export function liftCode(
  html: string,
  options: { isWordPress?: boolean; notes?: ShortcodeNote[] } = {},
): { html: string; blocks: CodeBlock[]; repairs: string[] } {
  const blocks: CodeBlock[] = [];
  const repairs: string[] = [];
  const place = (block: CodeBlock) => {
    const mark = `${MARK}${blocks.push(block) - 1}${MARK}`;
    return block.isInline ? `<code>${mark}</code>` : `\n\n<p>${mark}</p>\n\n`;
  };
  let out = html;
  if (options.isWordPress) {
    const all = out;
    out = replaceEnclosed(
      all,
      CODE_SHORTCODE_OPEN,
      (match) => new RegExp(`\\[\\/${escapeRegExp(match[1] ?? '')}\\]`, 'i'),
      (match, enclosed) => {
        if (!enclosed) return null;
        const { inner, end } = enclosed;
        if (!inner.trim()) return { text: all.slice(match.index, end), end };
        const name = match[1] ?? '';
        options.notes?.push({ name: name.toLowerCase(), outcome: 'converted' });
        // Only the line around the shortcode matters; reading no further keeps a long line cheap.
        const before = all.slice(Math.max(0, match.index - LINE_CONTEXT), match.index);
        const after = all.slice(end, end + LINE_CONTEXT);
        const around = `${before.slice(before.lastIndexOf('\n') + 1)} ${after.split('\n', 1)[0]}`;
        const isInText = /\S/.test(around.replace(/<[^>]*>/g, ''));
        return { text: place(shortcodeBlock(name, match[2] ?? '', inner, isInText)), end };
      },
    );
  }
  const all = out;
  out = replaceEnclosed(
    all,
    PRE_OPEN,
    () => PRE_CLOSE,
    (match, enclosed) => {
      const openEnd = match.index + match[0].length;
      // The </pre> found may be a later <pre>'s: this one was left open before it.
      PRE_START.lastIndex = openEnd;
      const nextPre = PRE_START.exec(all)?.index ?? all.length;
      if (enclosed && nextPre >= openEnd + enclosed.inner.length)
        return { text: place(preBlock(match[1] ?? '', enclosed.inner)), end: enclosed.end };
      const limit = nextPre;
      const end = unclosedCodeEnd(all, openEnd, limit);
      const rest = all
        .slice(end, limit)
        .replace(/<[^>]*>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
      repairs.push(
        rest
          ? `markup repaired: a <pre> without </pre> was closed where its code ends, before "${clipText(rest, 60)}"`
          : 'markup repaired: a <pre> without </pre> was taken as code to the end of the text',
      );
      return { text: place(preBlock(match[1] ?? '', all.slice(openEnd, end))), end };
    },
  );
  return { html: out, blocks, repairs };
}

const PRE_START = /<pre\b/gi;
/** What opens a paragraph the editor wrote, not code: a paragraph, a heading or a block's comment. */
const EDITOR_BLOCK = /^<(?:p|h[1-6])\b[^>]*>|^<!-- \/?wp:/i;
/** Signs of code in a paragraph: its punctuation, a call or an index, a comment's opening. */
const CODE_SIGNS = /[;{}=$\\|<>]|\w[([]|^\s*(?:#|\/\/|\/\*|--)/;
/** A paragraph of prose ends a sentence. */
const SENTENCE_END = /[.!?:…。！？]["'”’)]*$/u;
const WRITTEN_WITHOUT_SPACES = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{6}/;

/** Whether a paragraph after a blank line reads as prose (or as the editor's markup), not as code. */
function isProse(paragraph: string): boolean {
  const trimmed = paragraph.trim();
  const text = trimmed
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<\/?[a-zA-Z][^<>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (EDITOR_BLOCK.test(trimmed)) return !CODE_SIGNS.test(text);
  if (!/^[\p{L}"'“‘(]/u.test(text) || CODE_SIGNS.test(text) || !SENTENCE_END.test(text)) return false;
  return text.split(' ').length >= 3 || WRITTEN_WITHOUT_SPACES.test(text);
}

/**
 * Where the code of a `<pre>` with no `</pre>` of its own ends (old posts have them; a browser
 * would show the rest of the post as code, and an HTML parser reads `i<n` in it as a tag that
 * swallows what follows): after its `</code>`, else at the first blank line followed by prose,
 * else at `limit` (the next `<pre>`, or the end of the body), so that no text is lost.
 */
function unclosedCodeEnd(html: string, from: number, limit: number): number {
  const region = html.slice(from, limit);
  if (/^\s*<code\b/i.test(region)) {
    const close = /<\/code\s*>/i.exec(region);
    if (close) return from + close.index + close[0].length;
  }
  for (const gap of region.matchAll(/\n[ \t]*\n\s*/g)) {
    const after = gap.index + gap[0].length;
    // A paragraph is read only so far: a long one is prose or code by its start.
    const paragraph = region.slice(after, after + 2_000).split(/\n[ \t]*\n/, 1)[0] ?? '';
    if (isProse(paragraph)) return from + gap.index;
  }
  return limit;
}

/** A fence longer than any run of backticks in the code. */
function fenceFor(code: string): string {
  let longest = 0;
  for (const run of code.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(Math.max(3, longest + 1));
}

function inlineCode(code: string): string {
  let longest = 0;
  for (const run of code.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const ticks = '`'.repeat(longest + 1);
  const pad = code.startsWith('`') || code.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${code}${pad}${ticks}`;
}

/**
 * Puts lifted code back into converted Markdown as fenced blocks (or inline code), indented
 * like the line the marker sits on, so code inside a list item or quote stays there.
 */
/** Text for a report (a link's text, an image's alt): each lifted piece as its code, on one line. */
export function restoreCodeText(text: string, blocks: CodeBlock[]): string {
  if (!text.includes(MARK)) return text;
  return text.replace(/\uE010(\d+)\uE010/g, (_m, index: string) =>
    (blocks[Number(index)]?.code ?? '').replace(/\s+/g, ' ').trim(),
  );
}

export function restoreCode(markdown: string, blocks: CodeBlock[]): string {
  if (blocks.length === 0) return markdown;
  return markdown
    .split('\n')
    .map((line) => {
      if (!line.includes(MARK)) return line;
      // The converter may have wrapped an inline marker in its own backticks.
      return line.replace(/`*\uE010(\d+)\uE010`*/g, (_m, index: string, offset: number) => {
        const block = blocks[Number(index)];
        if (!block) return '';
        if (block.isInline) return inlineCode(block.code);
        const lead = line.slice(0, offset);
        const indent = /^[\s>]*$/.test(lead) ? lead : ' '.repeat(lead.length);
        const fence = fenceFor(block.code);
        const body = block.code
          .split('\n')
          .map((codeLine) => (codeLine ? `${indent}${codeLine}` : indent.trimEnd()))
          .join('\n');
        return `${fence}${block.language ?? ''}\n${body}\n${indent}${fence}`;
      });
    })
    .join('\n');
}
