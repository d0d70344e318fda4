// nginx as the reference the benchmarks compare Pressroom with: one location served from a
// folder's www/, everything it writes kept in that folder, on 127.0.0.1.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { type RunningProcess, startProcess, waitForHttp } from './processes.ts';

export const NGINX = '/usr/sbin/nginx';

export interface NginxLocation {
  /** The exact path served, e.g. "/pixel.gif". */
  path: string;
  /** The location block's directives, e.g. `try_files /article.html =404;`. */
  directives: string;
}

/** nginx.conf for one server on 127.0.0.1:`port` whose root is `dir`/www. */
export function nginxConfig(dir: string, port: number, location: NginxLocation): string {
  // Workers would otherwise drop to "nobody", who cannot read a private temp folder.
  const user = process.getuid?.() === 0 ? 'user root;' : '';
  return `${user}
daemon off;
worker_processes auto;
pid ${path.join(dir, 'nginx.pid')};
error_log ${path.join(dir, 'nginx-error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path ${path.join(dir, 'client_body')};
  proxy_temp_path ${path.join(dir, 'proxy')};
  fastcgi_temp_path ${path.join(dir, 'fastcgi')};
  uwsgi_temp_path ${path.join(dir, 'uwsgi')};
  scgi_temp_path ${path.join(dir, 'scgi')};
  server {
    listen 127.0.0.1:${port};
    root ${path.join(dir, 'www')};
    location = ${location.path} {
      ${location.directives.trim().split('\n').join('\n      ')}
    }
  }
}
`;
}

export interface NginxProcess extends RunningProcess {
  /** The served location's address. */
  url: string;
}

/**
 * Writes the configuration into `dir` and starts nginx with it, once the location answers;
 * the files it serves must already be in `dir`/www.
 */
export async function startNginx(options: {
  dir: string;
  port: number;
  location: NginxLocation;
}): Promise<NginxProcess> {
  const { dir, port, location } = options;
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConfig(dir, port, location));
  const nginx = startProcess(NGINX, ['-c', conf, '-p', dir, '-e', path.join(dir, 'nginx-error.log')]);
  const url = `http://127.0.0.1:${port}${location.path}`;
  try {
    await waitForHttp(url, 10_000);
  } catch (error) {
    await nginx.stop();
    throw new Error(`nginx did not start: ${nginx.stderr()}`, { cause: error });
  }
  return { ...nginx, url };
}

/** A page saved as www/article.html, served at `pagePath` with the type Pressroom gives it. */
export function savedPageLocation(pagePath: string): NginxLocation {
  return {
    path: pagePath,
    directives: `default_type "text/html; charset=utf-8";
try_files /article.html =404;`,
  };
}
