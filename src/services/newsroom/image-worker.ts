// A child process that makes images' variants for the server (image-processes.ts): it takes one
// image at a time over the IPC channel and answers with its variants, or with what is wrong with
// it. It leaves when the server goes, or when told to, and on its own when an image makes it
// grow past its memory limit.

import { IMAGE_MEMORY_ENV, IMAGE_MEMORY_EXIT_CODE, imageMemoryLimitBytes } from './image-limits.ts';
import { makeVariants } from './image-variants.ts';

interface Job {
  id: number;
  bytes: Uint8Array;
}

const limit = imageMemoryLimitBytes(process.env[IMAGE_MEMORY_ENV]);
// Read often: decoding runs on the image library's own threads, and this thread stays free.
setInterval(() => {
  if (process.memoryUsage.rss() > limit) process.exit(IMAGE_MEMORY_EXIT_CODE);
}, 50).unref();

process.on('message', (job: Job) => {
  makeVariants(job.bytes).then(
    (result) => process.send?.({ id: job.id, result, rss: process.memoryUsage().rss }),
    (error: unknown) =>
      process.send?.({ id: job.id, failure: error instanceof Error ? error.message : String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
