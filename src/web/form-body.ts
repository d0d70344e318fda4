import { Errors } from '../errors.ts';

// The parser of urlencoded forms. Editor forms carry bodies of up to 4 MB, nearly every character
// of them escaped ("+" for a space, "%2C" for a comma): decoding them as strings, piece by piece,
// held the event loop for 0.1 to 0.5 s per form and left enough garbage behind for long
// collections besides. Here each value is decoded in one pass over the raw bytes into one
// buffer, and turned into a string once, natively.

const AMPERSAND = 0x26;
const EQUALS = 0x3d;
const PLUS = 0x2b;
const PERCENT = 0x25;
const SPACE = 0x20;

/** The value of a hexadecimal digit's byte, or -1. */
function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** One name or value: "+" is a space, "%XX" a byte; the bytes are read as UTF-8. */
function decodeRange(raw: Buffer, start: number, end: number): string {
  const part = raw.subarray(start, end);
  if (part.indexOf(PLUS) === -1 && part.indexOf(PERCENT) === -1) return part.toString('utf8');
  const out = Buffer.allocUnsafe(part.length);
  let length = 0;
  for (let i = 0; i < part.length; i++) {
    const byte = part[i] as number;
    if (byte === PLUS) {
      out[length++] = SPACE;
    } else if (byte === PERCENT && i + 2 < part.length) {
      const high = hexValue(part[i + 1] as number);
      const low = hexValue(part[i + 2] as number);
      if (high < 0 || low < 0) {
        out[length++] = byte;
      } else {
        out[length++] = (high << 4) | low;
        i += 2;
      }
    } else {
      out[length++] = byte;
    }
  }
  return out.toString('utf8', 0, length);
}

/**
 * How many fields a form may have. Our largest (the article editor with every author and term,
 * a list's bulk selection) have a few hundred; a 1 MB body of 75,000 tiny fields cost the event
 * loop about a second to read and check.
 */
export const MAX_FORM_FIELDS = 2_000;

/** A parsed form: each name's value, or its values in order when the name is repeated. */
export type FormFields = Record<string, string | string[]>;

/**
 * Parses an application/x-www-form-urlencoded body as the URL standard does (a "%" not followed
 * by two hexadecimal digits is kept as it is; bytes that are not UTF-8 become U+FFFD), in time
 * and memory proportional to its length. A name sent more than once gives the list of its values.
 * The object has no prototype, so a field named "__proto__" or "constructor" is only a field.
 * A form with more than MAX_FORM_FIELDS fields is refused before the rest is read.
 *
 * @example parseFormBody(Buffer.from('a=1&b=x+y&a=%C3%A9')) // { a: ['1', 'é'], b: 'x y' }
 */
export function parseFormBody(raw: Buffer): FormFields {
  const fields = Object.create(null) as FormFields;
  let start = 0;
  let count = 0;
  while (start <= raw.length) {
    let end = raw.indexOf(AMPERSAND, start);
    if (end === -1) end = raw.length;
    if (end > start) {
      if (++count > MAX_FORM_FIELDS) throw tooManyFields(MAX_FORM_FIELDS);
      let equals = raw.indexOf(EQUALS, start);
      if (equals === -1 || equals > end) equals = end;
      const name = decodeRange(raw, start, equals);
      const value = equals < end ? decodeRange(raw, equals + 1, end) : '';
      const known = fields[name];
      if (known === undefined) fields[name] = value;
      else if (Array.isArray(known)) known.push(value);
      else fields[name] = [known, value];
    }
    start = end + 1;
  }
  return fields;
}

/** The refusal of a body with more fields or values than any of our forms or requests has. */
export function tooManyFields(limit: number) {
  return Errors.VALIDATION_FAILED({
    details: [{ field: 'body', message: `has more than ${limit.toLocaleString('en')} fields or values` }],
  });
}
