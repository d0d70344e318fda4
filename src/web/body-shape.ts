// Checks on a body's shape made before it is parsed, where parsing itself is the cost or the risk.

/** The longest multipart boundary RFC 2046 allows; busboy throws (a 500) past 252. */
const MAX_BOUNDARY_CHARS = 70;

/**
 * The longest multipart content type taken. busboy reads a boundary in forms the match below does
 * not (`boundary*=utf-8''…`, a quoted one with escaped quotes, a space before `=`, one after a
 * quoted parameter holding `;boundary=`), and throws once `\r\n--` and the boundary pass 256
 * characters. Whatever the form, the boundary it reads is no longer than the header, so a header
 * of at most this length can never make it throw; an ordinary one (a 70-character boundary, quoted,
 * with a charset) is about 120.
 */
const MAX_MULTIPART_TYPE_CHARS = 200;

const BOUNDARY = /;\s*boundary=(?:"([^"]*)"|([^;\s]*))/i;

/** What is wrong with a multipart content type's boundary, or null. */
export function boundaryProblem(contentType: string | undefined): string | null {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return null;
  const match = BOUNDARY.exec(contentType);
  const boundary = match?.[1] ?? match?.[2] ?? '';
  if (boundary.length > MAX_BOUNDARY_CHARS) {
    return `has a multipart boundary longer than ${MAX_BOUNDARY_CHARS} characters`;
  }
  return contentType.length > MAX_MULTIPART_TYPE_CHARS
    ? `is longer than ${MAX_MULTIPART_TYPE_CHARS} characters for a multipart body`
    : null;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_LIST = 0x5b;
const OPEN_OBJECT = 0x7b;

/**
 * Whether JSON text holds more than `limit` values, counted on its bytes without parsing it:
 * each comma and each opening bracket outside strings starts one more value (an empty list or
 * object counts one too many). Parsing 3.5 MB of 300,000 small members took 0.6 to 1.9 s of the
 * event loop before the count after parsing could refuse it; this pass takes a few milliseconds.
 * UTF-8 never puts these ASCII bytes inside a multi-byte character.
 */
export function jsonValuesOver(raw: Buffer, limit: number): boolean {
  let values = 1;
  let isInString = false;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (isInString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) isInString = false;
    } else if (byte === QUOTE) {
      isInString = true;
    } else if (byte === COMMA || byte === OPEN_LIST || byte === OPEN_OBJECT) {
      if (++values > limit) return true;
    }
  }
  return false;
}
