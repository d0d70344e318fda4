import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/** An answer read off a real socket, its body as sent (compressed, when it was). */
export interface SocketAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A request to a listening server on 127.0.0.1, over a socket: the way to reach what the server
 * answers before the app (kept pages), which app.inject() never does.
 */
export function requestOverSocket(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<SocketAnswer> {
  return new Promise<SocketAnswer>((resolve, reject) => {
    const sent = httpRequest(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    sent.on('error', reject);
    sent.end();
  });
}
