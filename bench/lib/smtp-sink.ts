// An SMTP server that takes every message and keeps nothing but a count: the sending benchmark
// runs it in its own process, so that its work and memory are not the sender's. It prints its
// port on the first line, and the count whenever a line arrives on stdin.
import { createInterface } from 'node:readline';
import { SMTPServer } from 'smtp-server';

let received = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  // The sender opens a few connections and keeps them: allow more than it needs.
  maxClients: 100,
  onData(stream, _session, callback) {
    stream.on('end', () => {
      received++;
      callback();
    });
    stream.resume();
  },
});
server.listen(0, '127.0.0.1', () => {
  const address = server.server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
createInterface({ input: process.stdin }).on('line', () => process.stdout.write(`${received}\n`));
