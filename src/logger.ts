import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';

/** Fields never written to logs. */
export const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.secret',
];

/** Query parameters that carry a mailed link's secret (members' and staff links, unlock links). */
const SECRET_PARAMS = /([?&](?:token|unlock)=)[^&#]*/gi;

/**
 * A request's URL as logs may keep it: the secret of a mailed link replaced, so that reading a
 * log (or a log shipped elsewhere) gives nobody a link they could follow.
 *
 * @example urlForLog('/members/confirm?token=abc') === '/members/confirm?token=[redacted]'
 */
export function urlForLog(url: string | undefined): string | undefined {
  return url?.replace(SECRET_PARAMS, '$1[redacted]');
}

/** The fields of a request a log line keeps (the framework's own, with the URL's secrets out). */
function requestForLog(request: {
  method?: string;
  url?: string;
  headers?: Record<string, unknown>;
  host?: string;
  ip?: string;
  socket?: { remoteAddress?: string; remotePort?: number };
}) {
  return {
    method: request.method,
    url: urlForLog(request.url),
    host: request.host ?? request.headers?.host,
    remoteAddress: request.ip ?? request.socket?.remoteAddress,
    remotePort: request.socket?.remotePort,
  };
}

/** The one logger configuration, shared by the server, the CLI and jobs. */
export function loggerOptions(config: Config): pino.LoggerOptions {
  return {
    level: config.log.level,
    redact: REDACT_PATHS,
    serializers: { req: requestForLog },
    ...(config.log.pretty ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  };
}

export function createLogger(config: Config): Logger {
  return pino(loggerOptions(config));
}
