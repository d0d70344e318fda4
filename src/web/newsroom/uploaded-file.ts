import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { stripXmlForbidden } from '../../domain/text.ts';
import { Errors, isAppError } from '../../errors.ts';

// The file a multipart form sent, as its bytes in the body (attachFieldsToBody: 'keyValues'
// keeps only those), and the name it had on the sender's computer, kept beside the request.
const fileNames = new WeakMap<FastifyRequest, string>();

/** The multipart plugin's onFile: reads the file into the body and remembers its name. */
export async function keepUploadedFile(this: FastifyRequest, part: MultipartFile): Promise<void> {
  part.value = await part.toBuffer();
  // Kept as the image's title: without what no stored text may hold (a NUL, what XML forbids).
  const name = stripXmlForbidden((part.filename ?? '').replaceAll('\u0000', ''));
  if (name) fileNames.set(this, name);
}

/** The name the uploaded file had where it came from ("harbour-wall.jpg"), if it had one. */
export function uploadedFileName(request: FastifyRequest): string | undefined {
  return fileNames.get(request);
}

/**
 * A multipart scope's error handler: Busboy reports a truncated body or a missing boundary as a
 * plain Error, the sender's mistake, not ours; it becomes MEDIA_INVALID with a message to act on.
 */
export async function refuseMalformedUpload(error: unknown): Promise<never> {
  const message = error instanceof Error ? error.message : '';
  if (!isAppError(error) && /multipart|boundary|unexpected end/i.test(message)) {
    throw Errors.MEDIA_INVALID(
      {
        reason: 'The upload arrived incomplete or malformed. Choose the file again and retry.',
        fieldMessage: 'arrived incomplete or malformed',
      },
      { cause: error },
    );
  }
  throw error;
}
