import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { ROLES } from '../domain/user.ts';
import { createResetLink } from '../services/auth.ts';
import { createUser } from '../services/users.ts';
import { stdio, usageError, withWiring } from './runtime.ts';

async function askPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    // Piped input: read the first line, so scripts can do `echo "$PW" | pressroom user create ...`.
    const rl = createInterface({ input: process.stdin });
    for await (const line of rl) {
      rl.close();
      return line;
    }
    throw usageError(
      'no password given: pass --password, set PRESSROOM_PASSWORD, or pipe it on standard input',
    );
  }
  const first = await readHidden('Password (at least 12 characters): ');
  const second = await readHidden('Repeat the password: ');
  if (first !== second) throw usageError('password: the two entries differ; nothing was created');
  return first;
}

/**
 * Reads a line from the terminal without echoing it. readline's own echo cannot be silenced
 * reliably (it redraws the line, which also wiped the prompt), so the keys are read raw.
 */
function readHidden(prompt: string): Promise<string> {
  const input = process.stdin;
  process.stdout.write(prompt);
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (): void => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stdout.write('\n');
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(usageError('cancelled; nothing was created'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    input.on('data', onData);
  });
}

export function registerUser(program: Command): void {
  const user = program.command('user').description('manage staff users');
  user
    .command('create')
    .description('create a staff user (the password is asked for when not given)')
    .requiredOption('--email <email>', 'login email')
    .option('--name <name>', 'display name (defaults to the part of the email before @)')
    .option('--role <role>', `one of ${ROLES.join(', ')}`, 'contributor')
    .option('--password <password>', 'password (or set PRESSROOM_PASSWORD, or type it when asked)')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  pressroom user create --role admin --email you@example.org --name "Your Name"',
        '  echo "$PASSWORD" | pressroom user create --role editor --email ed@example.org',
      ].join('\n'),
    )
    .action(async (options: { email: string; name?: string; role: string; password?: string }) => {
      const password = options.password ?? process.env.PRESSROOM_PASSWORD ?? (await askPassword());
      const created = await withWiring((wiring) =>
        createUser(wiring, {
          email: options.email,
          name: options.name ?? options.email.split('@')[0] ?? '',
          role: options.role,
          password,
        }),
      );
      stdio.out(`Created ${created.role} ${created.email} (id ${created.id}).`);
    });
  user
    .command('reset-link')
    .description(
      'print a one-hour password-reset link for a user (when email is not configured, or to help someone in)',
    )
    .requiredOption('--email <email>', "the user's login email")
    .action(async (options: { email: string }) => {
      const { user: found, link } = await withWiring((wiring) => createResetLink(wiring, options.email));
      stdio.out(`Password-reset link for ${found.email} (works once, for one hour):`);
      stdio.out(link);
    });
  user
    .command('list')
    .description('list staff users')
    .action(async () => {
      const users = await withWiring((wiring) => wiring.store.users.list());
      if (users.length === 0) stdio.out('No users yet.');
      else stdio.out('id\trole\temail\tname');
      for (const u of users)
        stdio.out(`${u.id}\t${u.role}\t${u.email}\t${u.name}${u.isDisabled ? '\t(disabled)' : ''}`);
    });
}
