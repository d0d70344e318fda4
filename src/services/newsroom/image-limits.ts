/**
 * The memory an image's child process may reach, in megabytes, set by this environment variable
 * (read when the process starts). Decoding a 60-megapixel 16-bit PNG peaks at about 370 MB.
 */
export const IMAGE_MEMORY_ENV = 'PRESSROOM_IMAGE_MEMORY_MB';
const DEFAULT_IMAGE_MEMORY_MB = 768;
/** The exit code of a child process that left because it grew past its limit. */
export const IMAGE_MEMORY_EXIT_CODE = 86;

export function imageMemoryLimitBytes(setting: string | undefined): number {
  const megabytes = Number(setting);
  return (Number.isFinite(megabytes) && megabytes > 0 ? megabytes : DEFAULT_IMAGE_MEMORY_MB) * 1024 * 1024;
}
