import { connect } from 'node:net';

/**
 * Everything the server wrote back to `request` over a raw socket until it closed the connection
 * (or, with `isHeadEnough`, until the answer's head arrived). A raw socket can announce a body
 * longer than it sends, which no HTTP client will: a server that waits to read it answers late.
 */
export function send(port: number, request: string, isHeadEnough = false): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    const received: Buffer[] = [];
    const done = () => {
      clearTimeout(giveUp);
      resolve(Buffer.concat(received).toString('latin1'));
    };
    const giveUp = setTimeout(() => socket.destroy(), 15_000);
    socket.on('data', (data: Buffer) => {
      received.push(data);
      if (isHeadEnough && Buffer.concat(received).includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('error', () => {});
    socket.on('close', done);
  });
}

export function parse(answer: string): { status: number; headers: Record<string, string>; body: string } {
  const split = answer.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = answer.slice(0, split).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: answer.slice(split + 4) };
}
