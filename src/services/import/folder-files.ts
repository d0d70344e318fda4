import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * What a file named inside a folder given to an import (`--uploads`, `--images`) is: a regular
 * file whose real place, links followed, is inside that folder; one that leads out of it (a
 * link to /etc/passwd, a `..` in the name); or missing. A link out of the folder is never copied:
 * the import would publish whatever it points to.
 */
export async function fileInFolder(
  folder: string,
  relative: string,
): Promise<'file' | 'outside' | 'missing'> {
  const file = path.join(folder, relative);
  const [root, real] = await Promise.all([
    realpath(folder).catch(() => null),
    realpath(file).catch(() => null),
  ]);
  if (!root || !real) return 'missing';
  if (real !== root && !real.startsWith(root.endsWith(path.sep) ? root : `${root}${path.sep}`))
    return 'outside';
  return (await stat(real).catch(() => null))?.isFile() ? 'file' : 'missing';
}
