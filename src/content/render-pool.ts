import { Piscina } from 'piscina';
import { lengthProblem } from '../domain/article.ts';
import { Errors, isAppError } from '../errors.ts';
import { MAX_MARKUP_CHARS, markupProblem } from './markup-limits.ts';

/** How long one render may take before it is stopped and the input refused. */
export const RENDER_TIME_LIMIT_MS = 5_000;

/**
 * The limit in this process. The server keeps RENDER_TIME_LIMIT_MS, for a render holds a thread
 * readers' requests may need; a command-line import blocks no reader and may allow more, so a
 * busy machine (the limit is wall-clock time) does not fail ordinary posts.
 */
let timeLimitMs = RENDER_TIME_LIMIT_MS;

export function allowRenderTime(ms: number): void {
  timeLimitMs = ms;
}
/** Inputs shorter than this render on the calling thread: a worker round trip would cost more. */
export const INLINE_RENDER_CHARS = 32_000;

const MAX_THREADS = 2;
/**
 * Tasks that may wait for a thread. A flood of large renders is refused as busy rather than
 * queued: each waiting task holds its input (up to the 4 MB body limit).
 */
const MAX_WAITING_TASKS = 4;

const pools = new Map<string, Piscina>();

/**
 * Threads handed out, across every pool, and the tasks waiting for one. A task's time limit
 * starts when it gets a thread: time spent waiting behind others says nothing about its markup,
 * and counting it refused ordinary long texts on a busy machine as "simplify its markup".
 */
let running = 0;
const waiting: (() => void)[] = [];

async function takeThread(): Promise<void> {
  if (running < MAX_THREADS) {
    running++;
    return;
  }
  if (waiting.length >= MAX_WAITING_TASKS) throw Errors.RENDER_BUSY({});
  // Woken by giveBackThread, which hands its thread over without counting it free in between.
  await new Promise<void>((resolve) => waiting.push(resolve));
}

function giveBackThread(): void {
  const next = waiting.shift();
  if (next) next();
  else running--;
}

function poolFor(workerUrl: URL): Piscina {
  let pool = pools.get(workerUrl.href);
  if (!pool) {
    // Idle threads exit (and piscina unrefs them), so a CLI or a test process is never kept alive.
    pool = new Piscina({
      filename: workerUrl.href,
      minThreads: 0,
      maxThreads: MAX_THREADS,
      idleTimeout: 10_000,
      maxQueue: MAX_WAITING_TASKS,
    });
    pools.set(workerUrl.href, pool);
  }
  return pool;
}

/**
 * What a worker returns: its result, or why the input may not be processed (the markup check runs
 * in the worker too, so a long text is never scanned on the event loop).
 */
export type OffThreadResult<T> = { value: T } | { problem: string };

/**
 * A worker's task: refuses markup nested too deeply to process in reasonable time (as
 * markupProblem says), else does the work. Each worker module's default export wraps its work in
 * this.
 */
export function checkedTask<Task, T>(markupOf: (task: Task) => string, work: (task: Task) => T) {
  return (task: Task): OffThreadResult<T> => {
    const problem = markupProblem(markupOf(task));
    if (problem !== undefined) return { problem };
    try {
      return { value: work(task) };
    } catch (error) {
      // An error crossing back from a thread keeps only its message: a refusal of the input is
      // returned as one, so the caller answers 400 rather than an unexplained 500.
      if (isAppError(error) && error.kind === 'invalid') {
        return { problem: error.details?.[0]?.message ?? error.message };
      }
      throw error;
    }
  };
}

/**
 * Runs one task (made with checkedTask) in a worker thread with a time limit, counted from when a
 * thread takes it, so heavy markup never blocks the event loop (and every other request) for
 * long. Past the limit the worker is stopped and the input refused as a field error; with every
 * thread busy and the queue full, the server says it is busy.
 */
export async function runOffThread<T>(
  workerUrl: URL,
  task: unknown,
  options: { field: string; timeoutMs?: number; markup: string },
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? timeLimitMs;
  // A text too long to render is refused here, before it is copied to a thread.
  const tooLong = lengthProblem(options.markup, MAX_MARKUP_CHARS);
  if (tooLong) throw Errors.VALIDATION_FAILED({ details: [{ field: options.field, message: tooLong }] });
  await takeThread();
  let result: OffThreadResult<T>;
  try {
    result = (await poolFor(workerUrl).run(task, {
      signal: AbortSignal.timeout(timeoutMs),
    })) as OffThreadResult<T>;
  } catch (error) {
    const name = (error as { name?: string }).name ?? '';
    const message = error instanceof Error ? error.message : '';
    if (name === 'AbortError' || name === 'TimeoutError') {
      throw Errors.VALIDATION_FAILED({
        details: [
          {
            field: options.field,
            message: `took more than ${Math.round(timeoutMs / 1000)} seconds to render; simplify its markup or split it`,
          },
        ],
      });
    }
    if (/queue is at limit/i.test(message)) throw Errors.RENDER_BUSY({}, { cause: error });
    throw error;
  } finally {
    giveBackThread();
  }
  if ('problem' in result) {
    throw Errors.VALIDATION_FAILED({ details: [{ field: options.field, message: result.problem }] });
  }
  return result.value;
}

/** Stops the worker threads (the server calls this when it closes). */
export async function closeRenderPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((pool) => pool.destroy()));
}
