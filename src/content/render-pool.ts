import { Piscina } from 'piscina';
import { Errors } from '../errors.ts';

/** How long one render may take before it is stopped and the input refused. */
export const RENDER_TIME_LIMIT_MS = 5_000;
/** Inputs shorter than this render on the calling thread: a worker round trip would cost more. */
export const INLINE_RENDER_CHARS = 32_000;

const pools = new Map<string, Piscina>();

function poolFor(workerUrl: URL): Piscina {
  let pool = pools.get(workerUrl.href);
  if (!pool) {
    // Idle threads exit (and piscina unrefs them), so a CLI or a test process is never kept alive.
    pool = new Piscina({
      filename: workerUrl.href,
      minThreads: 0,
      maxThreads: 2,
      idleTimeout: 10_000,
      maxQueue: 64,
    });
    pools.set(workerUrl.href, pool);
  }
  return pool;
}

/**
 * Runs one task in a worker thread with a time limit, so heavy markup never blocks the event
 * loop (and every other request) for long. Past the limit the worker is stopped and the input
 * refused as a field error; with the queue full, the server says it is busy.
 */
export async function runOffThread<T>(
  workerUrl: URL,
  task: unknown,
  options: { field: string; timeoutMs?: number },
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? RENDER_TIME_LIMIT_MS;
  try {
    return (await poolFor(workerUrl).run(task, { signal: AbortSignal.timeout(timeoutMs) })) as T;
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
  }
}

/** Stops the worker threads (the server calls this when it closes). */
export async function closeRenderPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((pool) => pool.destroy()));
}
