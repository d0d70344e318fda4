import { mkdirSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { LocalMediaStore, MediaStore } from '../../adapters/media-store.ts';

/**
 * Serves uploaded media at /media/ and decorates the app with the media store the admin writes
 * to. File names carry a content hash and never change, so browsers and CDNs may keep them for a year.
 */
export async function registerMedia(app: FastifyInstance, store: LocalMediaStore): Promise<void> {
  const { root } = store;
  mkdirSync(root, { recursive: true });
  app.decorate('mediaStore', store);
  await app.register(async (scope) => {
    // Imports copy uploads as they were (an SVG or HTML file among them may carry script):
    // opened directly, a media file runs nothing and is treated as coming from another origin.
    scope.addHook('onSend', (_request, reply, payload, done) => {
      if (reply.statusCode < 400) reply.header('content-security-policy', MEDIA_CSP);
      done(null, payload);
    });
    await scope.register(fastifyStatic, {
      root,
      prefix: '/media/',
      maxAge: '365d',
      immutable: true,
      decorateReply: false,
      index: false,
      list: false,
      dotfiles: 'deny',
    });
  });
}

export const MEDIA_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox";

declare module 'fastify' {
  interface FastifyInstance {
    mediaStore: MediaStore;
  }
}
