import { decodeHTMLStrict } from 'entities';

/** What was changed to make a file well-formed, and where. */
export type XmlRepairKind = 'ampersand' | 'character' | 'entity' | 'reference' | 'encoding';

export interface XmlRepairNote {
  kind: XmlRepairKind;
  /** Line of the file (1-based). */
  line: number;
  /**
   * Where the repair is in the repaired text, in UTF-16 code units from its start (as a parser
   * fed that text counts its position): lines cannot tell apart two items of a minified export.
   */
  offset: number;
  /** What was found, for the report: `&eacute;`, `U+000B`, `&#0;`, `byte 0xE9`, `&`. */
  found: string;
}

/** Streaming repairer of XML text; see {@link repairXml}. */
export interface XmlRepair {
  /**
   * Feeds the next piece of text; returns what can be passed on (some may be held back).
   * `found` are notes made on this piece before it came here (by the decoder), with offsets
   * within it: they are given their offsets in the repaired text, as this repairer's own are.
   */
  push(text: string, isLast?: boolean, found?: XmlRepairNote[]): string;
  /** Hands over (and forgets) the notes of repairs made so far, in file order. */
  takeNotes(): XmlRepairNote[];
  /** How many repairs were made in all. */
  readonly count: number;
}

const REFERENCE = /&(?:([A-Za-z_:][A-Za-z0-9_:.-]{0,63})|#([0-9]{1,8})|#x([0-9A-Fa-f]{1,8}));/y;
const LONGEST_REFERENCE = 80;
const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
/** Characters XML 1.0 does not allow anywhere, even written as a reference. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const HAS_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

type State = 'text' | 'cdata' | 'comment' | 'pi';
const ENDS: Record<Exclude<State, 'text'>, string> = { cdata: ']]>', comment: '-->', pi: '?>' };

/**
 * Makes the text of a WordPress export well-formed the way WordPress's own importer reads it
 * when its strict parser gives up:
 * - characters XML 1.0 forbids (control characters, common in exports) are removed, a vertical
 *   tab or form feed becoming a space;
 * - HTML named entities XML does not define (`&eacute;`, `&nbsp;`) become their characters;
 * - character references to characters XML forbids (`&#0;`) are dropped, and those to
 *   U+0080–U+009F are read as Windows-1252, as browsers read them;
 * - an `&` that starts no known reference is read as a literal `&`.
 * Entities are left alone inside CDATA sections, comments and processing instructions. Lines are
 * never added or removed, so the parser's line numbers stay those of the file. Well-formed XML
 * with no HTML entities passes through unchanged.
 */
export function repairXml(): XmlRepair {
  let state: State = 'text';
  let carry = '';
  /** Notes on the carried text, `at` counted in it, that have no place in the output yet. */
  let carriedMarks: Mark[] = [];
  /** Newlines in all the text pushed so far, carry included. */
  let linesPushed = 0;
  /** Length of all the text returned so far. */
  let emitted = 0;
  let count = 0;
  let notes: XmlRepairNote[] = [];
  return {
    get count() {
      return count;
    },
    takeNotes() {
      const taken = notes;
      notes = [];
      return taken;
    },
    push(raw: string, isLast = false, found: XmlRepairNote[] = []): string {
      const carriedLines = countNewlines(carry, 0, carry.length);
      const firstLine = linesPushed - carriedLines + 1;
      // Notes waiting for their place in the output: `at` is an offset in `input` below.
      const marks = carriedMarks;
      carriedMarks = [];
      let text = raw;
      let removedBefore = 0;
      let foundIndex = 0;
      const markFound = (upTo: number) => {
        for (; foundIndex < found.length && (found[foundIndex]?.offset ?? 0) <= upTo; foundIndex++) {
          const note = found[foundIndex]!;
          marks.push({ at: carry.length + note.offset - removedBefore, note });
        }
      };
      if (HAS_FORBIDDEN.test(raw)) {
        const lineOf = lineCounter(raw, linesPushed + 1);
        text = raw.replace(FORBIDDEN, (char, at: number) => {
          markFound(at);
          count += 1;
          const note: XmlRepairNote = {
            kind: 'character',
            line: lineOf(at),
            offset: 0,
            found: `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
          };
          marks.push({ at: carry.length + at - removedBefore, note });
          const isSpace = char === '\u000B' || char === '\u000C';
          if (!isSpace) removedBefore += 1;
          return isSpace ? ' ' : '';
        });
      }
      markFound(Infinity);
      linesPushed += countNewlines(raw, 0, raw.length);
      const input = carry + text;
      const lineOf = lineCounter(input, firstLine);
      const nextSpecial = specialFinder(input);
      carry = '';
      let out = '';
      let nextMark = 0;
      // Gives the notes on input[from, to) their offsets in the output, which has `out` so far
      // and gets `input.slice(from, to)` next (or a replacement starting there, when `isCopied`
      // is false).
      const place = (from: number, to: number, isCopied = true) => {
        for (; nextMark < marks.length && (marks[nextMark]?.at ?? 0) < to; nextMark++) {
          const { at, note } = marks[nextMark]!;
          note.offset = emitted + out.length + (isCopied ? Math.max(0, at - from) : 0);
          notes.push(note);
        }
      };
      const copy = (from: number, to: number) => {
        place(from, to);
        out += input.slice(from, to);
      };
      const replace = (from: number, to: number, replacement: string, note?: XmlRepairNote) => {
        place(from, to, false);
        if (note) {
          count += 1;
          note.offset = emitted + out.length;
          notes.push(note);
        }
        out += replacement;
      };
      const holdBack = (from: number) => {
        carry = input.slice(from);
        carriedMarks = marks.slice(nextMark).map(({ at, note }) => ({ at: at - from, note }));
        nextMark = marks.length;
      };
      let i = 0;
      while (i < input.length) {
        if (state !== 'text') {
          const end = ENDS[state];
          const at = input.indexOf(end, i);
          if (at === -1) {
            // Hold back a possible partial terminator.
            const keep = isLast ? input.length : Math.max(i, input.length - (end.length - 1));
            copy(i, keep);
            holdBack(keep);
            i = input.length;
            break;
          }
          copy(i, at + end.length);
          i = at + end.length;
          state = 'text';
          continue;
        }
        const next = nextSpecial(i);
        if (next === -1) {
          copy(i, input.length);
          i = input.length;
          break;
        }
        copy(i, next);
        i = next;
        if (input[i] === '<') {
          const rest = input.length - i;
          if (!isLast && rest < 9) {
            holdBack(i);
            i = input.length;
            break;
          }
          const opening = input.startsWith('<![CDATA[', i)
            ? 'cdata'
            : input.startsWith('<!--', i)
              ? 'comment'
              : input.startsWith('<?', i)
                ? 'pi'
                : null;
          const length = opening === 'cdata' ? 9 : opening === 'comment' ? 4 : opening === 'pi' ? 2 : 1;
          copy(i, i + length);
          i += length;
          if (opening) state = opening;
          continue;
        }
        // An ampersand.
        REFERENCE.lastIndex = i;
        const match = REFERENCE.exec(input);
        if (match) {
          const [reference, name, decimal, hex] = match;
          const start = i;
          i += reference.length;
          if (name !== undefined) {
            if (XML_ENTITIES.has(name)) {
              copy(start, i);
              continue;
            }
            const decoded = decodeHTMLStrict(reference);
            if (decoded !== reference) {
              replace(start, i, escapeText(decoded), {
                kind: 'entity',
                line: lineOf(i),
                offset: 0,
                found: reference,
              });
            } else {
              replace(start, i, `&amp;${reference.slice(1)}`, {
                kind: 'ampersand',
                line: lineOf(i),
                offset: 0,
                found: reference,
              });
            }
            continue;
          }
          const code = Number.parseInt(decimal ?? hex ?? '', decimal === undefined ? 16 : 10);
          if (isXmlChar(code) && (code < 0x80 || code > 0x9f)) {
            copy(start, i);
            continue;
          }
          replace(start, i, code >= 0x80 && code <= 0x9f ? escapeText(WINDOWS_1252[code - 0x80] ?? '') : '', {
            kind: 'reference',
            line: lineOf(i),
            offset: 0,
            found: reference,
          });
          continue;
        }
        if (!isLast && input.length - i < LONGEST_REFERENCE) {
          holdBack(i);
          i = input.length;
          break;
        }
        replace(i, i + 1, '&amp;', { kind: 'ampersand', line: lineOf(i), offset: 0, found: '&' });
        i += 1;
      }
      // A character removed at the very end has its place after everything else.
      place(input.length, Infinity);
      emitted += out.length;
      return out;
    },
  };
}

/** A note on the text being repaired, at offset `at` of it, waiting for its place in the output. */
interface Mark {
  at: number;
  note: XmlRepairNote;
}

/** Whether a code point may appear in an XML 1.0 document. */
function isXmlChar(code: number): boolean {
  if (code === 0x9 || code === 0xa || code === 0xd) return true;
  if (code < 0x20) return false;
  if (code >= 0xd800 && code <= 0xdfff) return false;
  if (code === 0xfffe || code === 0xffff) return false;
  return code <= 0x10ffff;
}

function escapeText(text: string): string {
  return text.replace(/[&<>"]/g, (char) =>
    char === '&' ? '&amp;' : char === '<' ? '&lt;' : char === '>' ? '&gt;' : '&quot;',
  );
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n += 1;
  return n;
}

/** Line of each offset of `text`, asked in increasing order; `first` is the line of offset 0. */
function lineCounter(text: string, first: number): (at: number) => number {
  let line = first;
  let counted = 0;
  return (at) => {
    if (at > counted) {
      line += countNewlines(text, counted, at);
      counted = at;
    }
    return line;
  };
}

/** Finds the next `&` or `<`, remembering the last hits so a long chunk is not rescanned per call. */
function specialFinder(text: string): (from: number) => number {
  let amp = -2;
  let lt = -2;
  return (from) => {
    if (amp !== -1 && amp < from) amp = text.indexOf('&', from);
    if (lt !== -1 && lt < from) lt = text.indexOf('<', from);
    if (amp === -1) return lt;
    if (lt === -1) return amp;
    return Math.min(amp, lt);
  };
}

/** Characters of bytes 0x80–0x9F in Windows-1252 (C1 controls where it defines none). */
const WINDOWS_1252 = [
  ...new TextDecoder('windows-1252').decode(Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i)),
];
/** Characters of bytes 0x80–0xFF in Windows-1252. */
const HIGH_BYTES = [
  ...new TextDecoder('windows-1252').decode(Uint8Array.from({ length: 128 }, (_, i) => 0x80 + i)),
];

/** Streaming UTF-8 decoder that never fails; see {@link decodeUtf8Leniently}. */
export interface LenientDecoder {
  /** Decodes the next chunk (an incomplete sequence at its end waits for the next chunk). */
  decode(chunk: Uint8Array, isLast?: boolean): string;
  /** The notes made since the last call, with offsets in the text the last decode returned. */
  takeNotes(): XmlRepairNote[];
  readonly count: number;
}

/**
 * Decodes UTF-8, reading each byte that is not part of a valid UTF-8 sequence as Windows-1252
 * (which agrees with Latin-1 on letters): exports of sites whose database mixed encodings carry
 * such bytes, and WordPress shows them as those characters. Valid UTF-8 decodes as usual, at
 * the speed of the built-in decoder.
 */
export function decodeUtf8Leniently(): LenientDecoder {
  // Each chunk is decoded on its own, so the byte-order mark is removed here, at the start only.
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let pending: Uint8Array = new Uint8Array(0);
  let line = 1;
  let isStart = true;
  let count = 0;
  let notes: XmlRepairNote[] = [];
  return {
    get count() {
      return count;
    },
    takeNotes() {
      const taken = notes;
      notes = [];
      return taken;
    },
    decode(chunk: Uint8Array, isLast = false): string {
      let bytes = chunk;
      if (pending.length > 0) {
        bytes = new Uint8Array(pending.length + chunk.length);
        bytes.set(pending);
        bytes.set(chunk, pending.length);
      }
      const end = isLast ? bytes.length : completeUpTo(bytes);
      pending = bytes.slice(end);
      const whole = bytes.subarray(0, end);
      let text: string;
      try {
        text = strict.decode(whole);
      } catch {
        text = decodeSlowly(whole, (at, byte) => {
          count += 1;
          notes.push({
            kind: 'encoding',
            line: line + countNewlines(at.text, 0, at.text.length),
            offset: at.text.length,
            found: `byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')}`,
          });
        });
      }
      if (isStart && end > 0) {
        if (text.charCodeAt(0) === 0xfeff) {
          text = text.slice(1);
          for (const note of notes) note.offset = Math.max(0, note.offset - 1);
        }
        isStart = false;
      }
      line += countNewlines(text, 0, text.length);
      return text;
    },
  };
}

/** Where the last complete UTF-8 sequence of `bytes` ends (a valid sequence cut short is held back). */
function completeUpTo(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back += 1) {
    const byte = bytes[bytes.length - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need =
      byte >= 0xf0 && byte <= 0xf4
        ? 4
        : byte >= 0xe0 && byte <= 0xef
          ? 3
          : byte >= 0xc2 && byte <= 0xdf
            ? 2
            : 1;
    return need > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

/** Decodes byte by byte, handing each invalid byte (and the text before it) to `onInvalid`. */
function decodeSlowly(bytes: Uint8Array, onInvalid: (at: { text: string }, byte: number) => void): string {
  let out = '';
  let runStart = 0;
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let i = 0;
  while (i < bytes.length) {
    const length = validSequenceLength(bytes, i);
    if (length > 0) {
      i += length;
      continue;
    }
    const byte = bytes[i] ?? 0;
    out += decoder.decode(bytes.subarray(runStart, i));
    onInvalid({ text: out }, byte);
    out += HIGH_BYTES[byte - 0x80] ?? '';
    i += 1;
    runStart = i;
  }
  return out + decoder.decode(bytes.subarray(runStart));
}

/** Length of the valid UTF-8 sequence at `i`, or 0 if the byte there starts none. */
function validSequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i] ?? 0;
  if (b0 < 0x80) return 1;
  const cont = (k: number, low = 0x80, high = 0xbf) => {
    const b = bytes[i + k];
    return b !== undefined && b >= low && b <= high;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const low = b0 === 0xe0 ? 0xa0 : 0x80;
    const high = b0 === 0xed ? 0x9f : 0xbf;
    return cont(1, low, high) && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const low = b0 === 0xf0 ? 0x90 : 0x80;
    const high = b0 === 0xf4 ? 0x8f : 0xbf;
    return cont(1, low, high) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}
