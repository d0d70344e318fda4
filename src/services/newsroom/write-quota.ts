import type { Repositories } from '../../domain/ports/store.ts';
import type { Role } from '../../domain/user.ts';
import { Errors } from '../../errors.ts';
import type { ServiceContext } from '../context.ts';
import { revisionActor, type Staff } from './staff.ts';

/**
 * How much one contributor or author may save in a day unless configured otherwise
 * (`auth.dailyWriteMegabytes`): revisions of what they save and the files of images they upload.
 * Far above a day of real writing, it keeps one account (a guest's, or one taken over) from
 * filling the disk with revisions of 4 MB bodies saved again and again.
 */
export const DEFAULT_DAILY_WRITE_MEGABYTES = 200;

/** Editors and admins, who may change the whole archive anyway, are not counted. */
const COUNTED_ROLES: ReadonlySet<Role> = new Set(['contributor', 'author']);

const DAY_MS = 24 * 60 * 60 * 1000;

function limitBytes(ctx: Pick<ServiceContext, 'dailyWriteMegabytes'>): number {
  return (ctx.dailyWriteMegabytes ?? DEFAULT_DAILY_WRITE_MEGABYTES) * 1024 * 1024;
}

/**
 * Refuses a save or upload of `adding` bytes that would take `staff` past the day's quota
 * (the last 24 hours of their revisions and uploads). A quota of 0 is no limit. `adding` is
 * asked for only when the role is counted: sizing a save writes out its whole body.
 */
export async function checkDailyWrite(
  ctx: Pick<ServiceContext, 'dailyWriteMegabytes' | 'now'>,
  repos: Pick<Repositories, 'revisions' | 'media'>,
  staff: Staff,
  adding: () => number,
): Promise<void> {
  const limit = limitBytes(ctx);
  if (limit === 0 || !COUNTED_ROLES.has(staff.role)) return;
  const since = new Date(ctx.now().getTime() - DAY_MS).toISOString();
  const saved =
    (await repos.revisions.bytesSavedSince(revisionActor(staff), since)) +
    (await repos.media.bytesUploadedSince(staff.id, since));
  if (saved + adding() > limit)
    throw Errors.DAILY_WRITE_LIMIT({ megabytes: Math.round(limit / 1024 / 1024), role: staff.role });
}

/** About what a save of `input` keeps as its revision, in bytes, when asked. */
export function sizeOfSave(input: unknown): () => number {
  return () => Buffer.byteLength(JSON.stringify(input));
}
