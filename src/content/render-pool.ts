import { MessageChannel, type MessagePort, threadId, type Worker } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import { lengthProblem } from '../domain/article.ts';
import { Errors, isAppError } from '../errors.ts';
import { MAX_MARKUP_CHARS, markupProblem } from './markup-limits.ts';

/**
 * How much processor time one render may use before it is stopped and the input refused. It is
 * the render thread's own time, not the clock's: on a machine busy with other work an ordinary
 * long text takes several times as long by the clock (a 900 KB save at load 20 was refused),
 * while pathological markup uses up its time whatever the load.
 */
export const RENDER_TIME_LIMIT_MS = 5_000;

/**
 * However starved of the processor a thread is, a task does not hold it longer than this many
 * times its limit by the clock.
 */
const WALL_CLOCK_FACTOR = 12;
/** How often a running task's processor time is read. */
const CPU_POLL_MS = 100;

/**
 * The limit in this process. The server keeps RENDER_TIME_LIMIT_MS, for a render holds a thread
 * readers' requests may need; a command-line import blocks no reader and may allow more.
 */
let timeLimitMs = RENDER_TIME_LIMIT_MS;

export function allowRenderTime(ms: number): void {
  timeLimitMs = ms;
}
/**
 * Inputs shorter than this render on the calling thread: a worker round trip would cost more.
 * Small, because the event loop must not spend more than a few milliseconds on one person's
 * text whatever its shape: Markdown's worst inputs (runs of `[`, `*_`, entities) cost up to
 * 3 µs a character even where they grow linearly, and at 32,000 characters sixteen parallel
 * previews of them held /healthz for five seconds.
 */
export const INLINE_RENDER_CHARS = 4_000;

/** The render pool's own worker: renders Markdown, and compares long versions (render-worker.ts). */
export const RENDER_WORKER = new URL('./render-worker.ts', import.meta.url);

const MAX_THREADS = 2;
/**
 * Tasks that may wait for a thread. A flood of large renders is refused as busy rather than
 * queued: each waiting task holds its input (up to the 4 MB body limit).
 */
const MAX_WAITING_TASKS = 4;

type RunOptions = NonNullable<Parameters<Piscina['run']>[1]>;

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

async function poolFor(workerUrl: URL): Promise<Piscina> {
  // Imported on the first render that needs a thread (most starts never do); a module is
  // loaded once, so two first renders at once get the same class and one pool below.
  const { Piscina } = await import('piscina');
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

/** A task as runOffThread sends it: with the port on which the thread says which it is. */
interface TaskEnvelope<Task> {
  task: Task;
  startPort: MessagePort;
}

function isEnvelope<Task>(value: Task | TaskEnvelope<Task>): value is TaskEnvelope<Task> {
  return typeof value === 'object' && value !== null && 'startPort' in value && 'task' in value;
}

/** Tells the pool which thread took the task, before the work blocks it, and unwraps the task. */
function announce<Task>(envelope: TaskEnvelope<Task>): Task {
  envelope.startPort.postMessage(threadId);
  envelope.startPort.close();
  return envelope.task;
}

/**
 * Stops the task (through `controller`) once the thread that took it has used `limitMs` of
 * processor time on it, or WALL_CLOCK_FACTOR times that by the clock from when it started. Returns the function that
 * ends the watch, and whether the limit was the reason.
 */
function watchProcessorTime(input: {
  pool: Piscina;
  startPort: MessagePort;
  limitMs: number;
  controller: AbortController;
}): { stop: () => void; hasRunOut: () => boolean } {
  const { pool, startPort, limitMs, controller } = input;
  let hasRunOut = false;
  let poll: NodeJS.Timeout | undefined;
  const runOut = () => {
    hasRunOut = true;
    controller.abort();
  };
  let backstop: NodeJS.Timeout | undefined;
  startPort.once('message', (id: number) => {
    startPort.close();
    // From when the task starts: a new thread's start (loading its modules) is not the task's.
    backstop = setTimeout(runOut, limitMs * WALL_CLOCK_FACTOR);
    const worker: Worker | undefined = pool.threads.find((thread) => thread.threadId === id);
    if (!worker || controller.signal.aborted) return;
    // The thread's time so far belongs to earlier tasks: this one's is counted from here.
    const started = worker.cpuUsage();
    poll = setInterval(() => {
      void Promise.all([started, worker.cpuUsage()])
        .then(([before, now]) => {
          const usedMs = (now.user - before.user + now.system - before.system) / 1000;
          if (usedMs >= limitMs && !controller.signal.aborted) runOut();
        })
        // A thread that has exited has no time to read; its task ends on its own.
        .catch(() => {});
    }, CPU_POLL_MS);
  });
  return {
    stop: () => {
      clearTimeout(backstop);
      clearInterval(poll);
      startPort.close();
    },
    hasRunOut: () => hasRunOut,
  };
}

/**
 * A worker's task: refuses markup nested too deeply to process in reasonable time (as
 * markupProblem says), else does the work. Each worker module's default export wraps its work in
 * this.
 */
export function checkedTask<Task, T>(markupOf: (task: Task) => string, work: (task: Task) => T) {
  return (envelope: Task | TaskEnvelope<Task>): OffThreadResult<T> => {
    const task = isEnvelope(envelope) ? announce(envelope) : envelope;
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
 * Runs one task (made with checkedTask) in a worker thread with a limit on the processor time it
 * uses (counted from when a thread takes it), so heavy markup never blocks the event loop (and every other request) for
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
  const pool = await poolFor(workerUrl);
  const controller = new AbortController();
  const { port1, port2 } = new MessageChannel();
  const watch = watchProcessorTime({ pool, startPort: port1, limitMs: timeoutMs, controller });
  let result: OffThreadResult<T>;
  try {
    result = (await pool.run(
      { task, startPort: port2 },
      // Piscina's type for the list infers the wrong overload of postMessage.
      { signal: controller.signal, transferList: [port2] as unknown as RunOptions['transferList'] },
    )) as OffThreadResult<T>;
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (watch.hasRunOut()) {
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
    watch.stop();
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
