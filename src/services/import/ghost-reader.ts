import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import Assembler from 'stream-json/assembler.js';
import { jsonParser, type Token } from 'stream-json/parser.js';
import { jsonVerifier, type VerifierError } from 'stream-json/utils/verifier.js';
import { type AppError, Errors } from '../../errors.ts';

type Row = Record<string, unknown>;

/**
 * The lists of a Ghost export an import reads; any other is passed over. Settings and members
 * are read only to say what of them is left out (code injection, how many members).
 */
export const GHOST_TABLES = [
  'posts',
  'users',
  'tags',
  'posts_tags',
  'posts_authors',
  'posts_meta',
  'settings',
  'members',
] as const;
export type GhostTable = (typeof GHOST_TABLES)[number];

/**
 * Where a row sits: under db[0] (`{ db: [{ meta, data }] }`, what Ghost writes) or at the top
 * (`{ meta, data }`, what some tools write). Which one the file means is known only at its end.
 */
export type GhostOrigin = 'db' | 'top';

export interface GhostReadResult {
  /** The shape the file turned out to have: its rows of the other origin, if any, mean nothing. */
  origin: GhostOrigin;
  version: string;
}

function failed(file: string, reason: string, cause?: unknown): AppError {
  return Errors.IMPORT_FAILED({ file, reason }, { cause });
}

/** What is known of one origin's entry as the file goes by. */
interface EntryState {
  /** Whether `data` was there and an object. */
  hasData: boolean;
  /** Lists that are there but not lists. */
  badLists: Set<string>;
  version: string | undefined;
}

const emptyEntry = (): EntryState => ({ hasData: false, badLists: new Set(), version: undefined });

/**
 * Reads a Ghost JSON export as a stream, handing each row of the lists in GHOST_TABLES to `onRow`
 * as soon as it has been read, so that memory holds one row at a time whatever the file's size.
 * Checks what parsing the whole file would: UTF-8, JSON syntax (with the line and column of the
 * first fault), and the shape of an export; it throws IMPORT_FAILED only after reading to the
 * end, so a caller must not write anything before it returns.
 */
export async function readGhostExport(
  file: string,
  handlers: {
    onRow(table: GhostTable, row: Row, origin: GhostOrigin): void;
    /** Bytes read of the file's size. */
    onProgress?(done: number, total: number): void;
  },
): Promise<GhostReadResult> {
  const parse = jsonParser({ packValues: true, streamValues: false });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const walker = new GhostWalker(handlers.onRow);
  let size = 0;
  let bytesBefore = 0;
  let isFirst = true;
  const feed = (text: string) => {
    if (isFirst && text.length > 0) {
      isFirst = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (text.length > 0) walker.tokens(parse(text));
  };
  try {
    if (handlers.onProgress) size = (await stat(file)).size;
    for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) {
      const bytes = chunk as Buffer;
      let text: string;
      try {
        text = decoder.decode(bytes, { stream: true });
      } catch (cause) {
        throw failed(
          file,
          `${await placeOfByte(file, bytesBefore + firstBadByte(bytes))}: not valid UTF-8 (JSON exports are always UTF-8)`,
          cause,
        );
      }
      bytesBefore += bytes.length;
      feed(text);
      handlers.onProgress?.(bytesBefore, size);
    }
    try {
      feed(decoder.decode());
    } catch (cause) {
      throw failed(
        file,
        `${await placeOfByte(file, bytesBefore)}: not valid UTF-8 (the file ends inside a character)`,
        cause,
      );
    }
    walker.tokens(parse(NONE));
  } catch (cause) {
    if (isImportFailure(cause)) throw cause;
    if (isFileError(cause)) throw Errors.IMPORT_FAILED({ reason: `Cannot read ${file}` }, { cause });
    throw failed(file, await jsonFault(file, cause), cause);
  }
  return walker.result(file);
}

/** stream-chain's end-of-input marker (what `none` is in stream-chain/defs.js). */
const NONE = Symbol.for('object-stream.none') as unknown as string;

function isImportFailure(error: unknown): error is AppError {
  return (error as AppError | undefined)?.code === 'IMPORT_FAILED';
}

function isFileError(error: unknown): boolean {
  return typeof (error as NodeJS.ErrnoException | undefined)?.code === 'string' && !isImportFailure(error);
}

/**
 * Where the first JSON fault of the file is and what it is, found by running stream-json's
 * verifier over the file again: the parser knows what it expected, not where it was.
 */
async function jsonFault(file: string, cause: unknown): Promise<string> {
  const parserMessage = (cause instanceof Error ? cause.message : String(cause)).replace(
    /^Parser (cannot parse input: )?/,
    '',
  );
  const verify = jsonVerifier();
  let isFirst = true;
  try {
    for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 })) {
      let text = chunk as string;
      if (isFirst && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      isFirst = false;
      verify(text);
    }
    verify(NONE);
  } catch (error) {
    const fault = error as Partial<VerifierError>;
    if (typeof fault.line === 'number' && typeof fault.pos === 'number')
      return `line ${fault.line}, column ${fault.pos}: not valid JSON (${parserMessage})`;
  }
  return `not valid JSON (${parserMessage})`;
}

/** The offset in `bytes` of the first byte that does not begin or continue a valid UTF-8 character. */
function firstBadByte(bytes: Buffer): number {
  const text = new TextDecoder('utf-8').decode(bytes);
  const bad = text.indexOf('\uFFFD');
  return bad < 0 ? 0 : Buffer.byteLength(text.slice(0, bad), 'utf8');
}

/** "line L, column C" of a byte offset, counting lines by their newlines and columns in bytes. */
async function placeOfByte(file: string, offset: number): Promise<string> {
  let line = 1;
  let lineStart = 0;
  let position = 0;
  for await (const chunk of createReadStream(file, { end: Math.max(0, offset - 1) })) {
    const bytes = chunk as Buffer;
    for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) {
      line += 1;
      lineStart = position + at + 1;
    }
    position += bytes.length;
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

interface Frame {
  isArray: boolean;
  /** The key of the value being read (objects) or its index (arrays). */
  key: string | number;
}

/**
 * Follows the parser's tokens through the document, assembling only the rows wanted. Paths are
 * matched as the values start, so nothing outside a row is ever built.
 */
class GhostWalker {
  private readonly stack: Frame[] = [];
  private assembler: Assembler<Row> | null = null;
  /** What the assembler is building: a row of a table, or an entry's meta. */
  private target: { table: GhostTable | 'meta'; origin: GhostOrigin } | null = null;
  private readonly entries: Record<GhostOrigin, EntryState> = { db: emptyEntry(), top: emptyEntry() };
  /** The first keys at the top, for the message when the file is not an export. */
  private readonly topKeys: string[] = [];
  private topKind = 'nothing';
  private isDbList = false;
  private hasDbEntry = false;
  private readonly onRow: (table: GhostTable, row: Row, origin: GhostOrigin) => void;

  constructor(onRow: (table: GhostTable, row: Row, origin: GhostOrigin) => void) {
    this.onRow = onRow;
  }

  tokens(output: unknown): void {
    if (output === NONE) return;
    const values = (output as { values?: Token[] }).values;
    if (values) for (const token of values) this.token(token);
    else this.token(output as Token);
  }

  private token(token: Token): void {
    const assembler = this.assembler;
    if (assembler) {
      assembler.consume(token);
      if (assembler.done) this.finishValue(assembler.current);
      return;
    }
    switch (token.name) {
      case 'keyValue': {
        const top = this.stack.at(-1);
        if (top) top.key = token.value;
        if (this.stack.length === 1 && this.topKeys.length < 5) this.topKeys.push(token.value);
        return;
      }
      case 'endObject':
      case 'endArray':
        this.stack.pop();
        return;
      case 'startObject':
      case 'startArray':
      case 'stringValue':
      case 'numberValue':
      case 'nullValue':
      case 'trueValue':
      case 'falseValue':
        this.startValue(token);
        return;
      default:
        return;
    }
  }

  /** A value begins at the current path: decides whether to build it, check it or pass it over. */
  private startValue(token: Token): void {
    const top = this.stack.at(-1);
    if (top?.isArray) top.key = (top.key as number) + 1;
    const path = this.stack.map((frame) => frame.key);
    const isContainer = token.name === 'startObject' || token.name === 'startArray';
    const isObject = token.name === 'startObject';
    if (path.length === 0)
      this.topKind = isObject ? 'object' : token.name === 'startArray' ? 'list' : 'value';
    if (path.length === 1 && path[0] === 'db') this.isDbList = token.name === 'startArray';
    if (path.length === 2 && path[0] === 'db' && path[1] === 0 && this.isDbList) this.hasDbEntry = isObject;
    const place = this.placeOf(path);
    if (place) {
      const [origin, rest] = place;
      const entry = this.entries[origin];
      if (rest.length === 1 && rest[0] === 'data') entry.hasData = isObject;
      else if (rest.length === 1 && rest[0] === 'meta' && isObject) this.target = { table: 'meta', origin };
      else if (rest.length === 2 && rest[0] === 'data' && isTable(rest[1])) {
        if (token.name !== 'startArray' && token.name !== 'nullValue') entry.badLists.add(rest[1]);
      } else if (rest.length === 3 && rest[0] === 'data' && isTable(rest[1]) && isObject)
        this.target = { table: rest[1], origin };
    }
    if (this.target) {
      this.assembler = new Assembler<Row>();
      this.assembler.consume(token);
      return;
    }
    if (isContainer) this.stack.push({ isArray: token.name === 'startArray', key: -1 });
  }

  /** The origin a path is under and the path below it: db[0]… or the top's own keys. */
  private placeOf(path: (string | number)[]): [GhostOrigin, (string | number)[]] | null {
    if (path[0] === 'db') return this.isDbList && path[1] === 0 ? ['db', path.slice(2)] : null;
    return ['top', path];
  }

  private finishValue(value: Row | null): void {
    const target = this.target;
    this.assembler = null;
    this.target = null;
    if (!target || value === null || typeof value !== 'object' || Array.isArray(value)) return;
    if (target.table === 'meta') {
      const version = value.version;
      this.entries[target.origin].version =
        typeof version === 'string' || typeof version === 'number' ? String(version) : undefined;
      return;
    }
    this.onRow(target.table, value, target.origin);
  }

  /** The shape of the whole file, once read: as the old whole-file reader judged it. */
  result(file: string): GhostReadResult {
    const origin: GhostOrigin = this.isDbList ? 'db' : 'top';
    const entry = this.entries[origin];
    const isEntry = this.topKind === 'object' && (origin === 'top' || this.hasDbEntry);
    if (!isEntry || !entry.hasData) {
      const keys = this.topKind === 'object' ? this.topKeys.join(', ') : this.topKind;
      throw failed(
        file,
        `this is not a Ghost export: expected "db" or "data" at the top, found ${keys || 'nothing'}`,
      );
    }
    for (const table of GHOST_TABLES)
      if (entry.badLists.has(table)) throw failed(file, `"data.${table}" must be a list`);
    return { origin, version: entry.version ?? 'unknown' };
  }
}

function isTable(key: string | number | undefined): key is GhostTable {
  return typeof key === 'string' && (GHOST_TABLES as readonly string[]).includes(key);
}
