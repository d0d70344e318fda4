import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Small file systems mounted for one test, to make a data folder fail for real: a tmpfs that
 * fills up, and an ext4 image the kernel turns read-only as it does after a disk error. Both
 * need root (CAP_SYS_ADMIN); nothing here changes anything outside the folders it makes.
 */

/** The system tools (mkfs.ext4, losetup, mount) live in the sbin folders, which a user's PATH may leave out. */
const SYSTEM_PATH = [process.env.PATH, '/usr/local/sbin', '/usr/sbin', '/sbin'].filter(Boolean).join(':');

function run(command: string, args: string[]): { ok: boolean; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, PATH: SYSTEM_PATH } });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
  return { ok: result.status === 0, output: output.trim() };
}

function must(command: string, args: string[]): string {
  const result = run(command, args);
  if (!result.ok) throw new Error(`${command} ${args.join(' ')} failed: ${result.output}`);
  return result.output;
}

/** Why file systems cannot be mounted here (not root, no mount(8), a container that forbids it), or undefined. */
export function mountUnavailableReason(options: { ext4?: boolean } = {}): string | undefined {
  if (process.platform !== 'linux') return 'mounting a scratch file system needs Linux';
  if (process.getuid?.() !== 0) return 'mounting a scratch file system needs root';
  const probe = mkdtempSync(path.join(tmpdir(), 'pressroom-mount-probe-'));
  try {
    const mounted = run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe]);
    if (!mounted.ok) return `cannot mount a tmpfs here: ${mounted.output}`;
    run('umount', [probe]);
    if (options.ext4) {
      const missing = ['mkfs.ext4', 'e2fsck'].find((tool) => !run('sh', ['-c', `command -v ${tool}`]).ok);
      if (missing) return `${missing} is not installed (e2fsprogs)`;
    }
    return undefined;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

export interface ScratchFilesystem {
  /** Where it is mounted: use it as the data folder. */
  dir: string;
  /** Mounts it again after unmount() (an ext4 image is checked with e2fsck first). */
  remount(): void;
  unmount(): void;
  /** Unmounts if mounted and removes everything it made. */
  dispose(): void;
}

/** A tmpfs of `megabytes` MB. */
export function mountTmpfs(megabytes: number): ScratchFilesystem {
  const root = mkdtempSync(path.join(tmpdir(), 'pressroom-tmpfs-'));
  const dir = path.join(root, 'data');
  mkdirSync(dir);
  const mount = () => must('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m,mode=0755`, 'tmpfs', dir]);
  mount();
  let isMounted = true;
  return {
    dir,
    remount: () => {
      mount();
      isMounted = true;
    },
    unmount: () => {
      must('umount', [dir]);
      isMounted = false;
    },
    dispose: () => {
      if (isMounted) run('umount', ['-l', dir]);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface Ext4Filesystem extends ScratchFilesystem {
  /**
   * Makes the kernel declare an error on the file system: with errors=remount-ro it aborts the
   * journal and turns the file system read-only under the processes using it, as after a disk
   * error. Only unmounting, checking and mounting again makes it writable.
   */
  failToReadOnly(): void;
  /** Whether writing to it fails now. */
  isReadOnly(): boolean;
}

/** An ext4 file system of `megabytes` MB in an image file, mounted through a loop device. */
export function mountExt4(megabytes: number): Ext4Filesystem {
  const root = mkdtempSync(path.join(tmpdir(), 'pressroom-ext4-'));
  const image = path.join(root, 'disk.img');
  const dir = path.join(root, 'data');
  mkdirSync(dir);
  writeFileSync(image, '');
  must('truncate', ['-s', `${megabytes}M`, image]);
  must('mkfs.ext4', ['-q', '-F', image]);
  const mount = () => must('mount', ['-o', 'loop,errors=remount-ro', image, dir]);
  mount();
  let isMounted = true;
  const device = () => path.basename(must('findmnt', ['-n', '-o', 'SOURCE', dir]));
  return {
    dir,
    failToReadOnly: () => {
      writeFileSync(`/sys/fs/ext4/${device()}/trigger_fs_error`, 'fault test: simulated disk error');
    },
    isReadOnly: () => {
      try {
        writeFileSync(path.join(dir, '.probe'), 'x');
        rmSync(path.join(dir, '.probe'));
        return false;
      } catch {
        return true;
      }
    },
    remount: () => {
      // 0: clean, 1: errors corrected; anything else means the image is damaged.
      const check = spawnSync('e2fsck', ['-f', '-y', image], {
        encoding: 'utf8',
        env: { ...process.env, PATH: SYSTEM_PATH },
      });
      if (check.status !== 0 && check.status !== 1)
        throw new Error(`e2fsck found damage it could not repair: ${check.stdout}${check.stderr}`);
      mount();
      isMounted = true;
    },
    unmount: () => {
      must('umount', [dir]);
      isMounted = false;
    },
    dispose: () => {
      if (isMounted) run('umount', ['-l', dir]);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Fills the file system holding `dir` with one file until a write fails for lack of space; returns the file. */
export function fillUp(dir: string): string {
  const file = path.join(dir, 'filler.bin');
  const chunk = Buffer.alloc(256 * 1024, 0x5a);
  try {
    for (;;) writeFileSync(file, chunk, { flag: 'a' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  // Whatever a 256 KB chunk did not fit in, too.
  try {
    for (;;) writeFileSync(file, Buffer.alloc(4096, 0x5a), { flag: 'a' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  return file;
}
