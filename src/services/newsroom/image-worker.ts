// A child process that makes images' variants for the server (image-processes.ts): it takes one
// image at a time over the IPC channel and answers with its variants, or with what is wrong with
// it. It leaves when the server goes, or when told to.
import { makeVariants } from './image-variants.ts';

interface Job {
  id: number;
  bytes: Uint8Array;
}

process.on('message', (job: Job) => {
  makeVariants(job.bytes).then(
    (result) => process.send?.({ id: job.id, result, rss: process.memoryUsage().rss }),
    (error: unknown) =>
      process.send?.({ id: job.id, failure: error instanceof Error ? error.message : String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
