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

/** The one logger configuration, shared by the server, the CLI and jobs. */
export function loggerOptions(config: Config): pino.LoggerOptions {
  return {
    level: config.log.level,
    redact: REDACT_PATHS,
    ...(config.log.pretty ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  };
}

export function createLogger(config: Config): Logger {
  return pino(loggerOptions(config));
}
