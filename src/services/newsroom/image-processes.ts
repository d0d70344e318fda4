import { type ChildProcess, fork } from 'node:child_process';
import { IMAGE_MEMORY_EXIT_CODE } from './image-limits.ts';
import type { VariantsResult } from './image-variants.ts';

/**
 * How long one image may take by the clock before its process is stopped. The image is brought
 * down to 1,600 pixels wide first, so only the decoding of the original grows with its size.
 */
export const IMAGE_TIME_LIMIT_MS = 60_000;
/**
 * A process that grew past this after an image leaves instead of taking the next one: that memory
 * is freed only when it exits. A fresh one, with the image library loaded, holds about 60 MB.
 */
const RETIRE_ABOVE_BYTES = 160 * 1024 * 1024;
/** A process that finished its image waits this long for another (an import's next) before it leaves. */
const IDLE_MS = 2_000;
/** Processes kept waiting for work at most. */
const MAX_IDLE = 2;

const WORKER = new URL('./image-worker.ts', import.meta.url);

type Answer = { id: number; result: VariantsResult; rss: number } | { id: number; failure: string };

interface Idle {
  child: ChildProcess;
  timer: NodeJS.Timeout;
}

const idle: Idle[] = [];
let nextId = 1;

/** Thrown when an image's process failed, ran out of time or memory, or was killed. */
export class ImageProcessFailed extends Error {
  readonly reason: 'failed' | 'time' | 'memory';
  constructor(message: string, reason: 'failed' | 'time' | 'memory' = 'failed') {
    super(message);
    this.reason = reason;
  }
}

function spawn(): ChildProcess {
  // No flags of this process's own (a test runner's, an inspector's) carry over to the child.
  return fork(WORKER, [], {
    serialization: 'advanced',
    execArgv: [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

function take(): ChildProcess {
  let waiting = idle.pop();
  while (waiting && !waiting.child.connected) {
    clearTimeout(waiting.timer);
    waiting = idle.pop();
  }
  if (!waiting) return spawn();
  clearTimeout(waiting.timer);
  waiting.child.ref();
  waiting.child.channel?.ref();
  return waiting.child;
}

function putBack(child: ChildProcess, rss: number): void {
  if (rss > RETIRE_ABOVE_BYTES || idle.length >= MAX_IDLE || !child.connected) {
    child.disconnect();
    return;
  }
  // An idle process keeps neither a server that is stopping nor a command-line run alive.
  child.unref();
  child.channel?.unref();
  const entry: Idle = {
    child,
    timer: setTimeout(() => {
      const at = idle.indexOf(entry);
      if (at >= 0) idle.splice(at, 1);
      if (child.connected) child.disconnect();
    }, IDLE_MS).unref(),
  };
  idle.push(entry);
  child.once('exit', () => {
    const at = idle.indexOf(entry);
    if (at >= 0) {
      clearTimeout(entry.timer);
      idle.splice(at, 1);
    }
  });
}

/**
 * Makes an image's variants in a child process, under IMAGE_TIME_LIMIT_MS. Whatever the image
 * does to the process (a crash in the image library, memory it keeps), the server is untouched.
 */
export function processImage(bytes: Uint8Array): Promise<VariantsResult> {
  const child = take();
  const id = nextId++;
  return new Promise<VariantsResult>((resolve, reject) => {
    const finish = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    const onMessage = (answer: Answer) => {
      if (answer.id !== id) return;
      finish();
      if ('failure' in answer) {
        child.kill('SIGKILL');
        reject(new ImageProcessFailed(answer.failure));
        return;
      }
      putBack(child, answer.rss);
      resolve(answer.result);
    };
    const onExit = (code: number | null, signal: string | null) => {
      finish();
      if (code === IMAGE_MEMORY_EXIT_CODE)
        reject(new ImageProcessFailed('the image needed more memory than its process may use', 'memory'));
      else reject(new ImageProcessFailed(`the image process stopped (${signal ?? `exit code ${code}`})`));
    };
    const onError = (error: Error) => {
      finish();
      child.kill('SIGKILL');
      reject(new ImageProcessFailed(error.message));
    };
    const timer = setTimeout(() => {
      finish();
      child.kill('SIGKILL');
      reject(new ImageProcessFailed('the image took too long to process', 'time'));
    }, IMAGE_TIME_LIMIT_MS);
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.once('error', onError);
    child.send({ id, bytes });
  });
}
