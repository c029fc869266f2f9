import fs from 'node:fs';
import path from 'node:path';
import type { ImagesResponse, UploadFile } from './api.js';
import { CliError, EXIT } from './errors.js';

/** Reading input images and saving generated ones, for the CLI and the MCP server alike. */
export type ImageFormat = 'png' | 'jpeg' | 'webp';
export const EXTENSIONS: Record<ImageFormat, string> = { png: 'png', jpeg: 'jpg', webp: 'webp' };
export const MIME_TYPES: Record<ImageFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

export interface OutputImage {
  bytes: Buffer;
  format: ImageFormat;
}

/** The format of encoded image bytes, from their magic numbers. */
export function sniffFormat(bytes: Buffer): ImageFormat | null {
  if (bytes.toString('latin1', 1, 4) === 'PNG') return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return null;
}

/** The output format a file name implies (cat.png is png), if any. */
export function formatFromPath(file: string): ImageFormat | undefined {
  const ext = path.extname(file).slice(1).toLowerCase();
  if (ext === 'jpg' || ext === 'jpeg') return 'jpeg';
  return ext === 'png' || ext === 'webp' ? ext : undefined;
}

/** An input image from a file path or a base64 data URI. */
export function readInputImage(ref: string): UploadFile {
  if (ref.startsWith('data:')) {
    const match = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(ref);
    if (!match?.[2]) throw new CliError('An image data URI must be base64: data:image/png;base64,...', EXIT.usage);
    const bytes = Buffer.from(match[3]!, 'base64');
    const format = sniffFormat(bytes);
    return { bytes, name: `image.${format ? EXTENSIONS[format] : 'bin'}`, type: match[1] || (format ? MIME_TYPES[format] : 'application/octet-stream') };
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(ref);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new CliError(`Cannot read image '${ref}': ${reason}`, EXIT.usage);
  }
  const format = sniffFormat(bytes);
  return { bytes, name: path.basename(ref), type: format ? MIME_TYPES[format] : 'application/octet-stream' };
}

/** A response's images as bytes; hosted URLs are downloaded, should a server answer with those. */
export async function responseImages(response: ImagesResponse): Promise<OutputImage[]> {
  const fallback = (formatFromPath(`x.${response.output_format ?? ''}`) ?? 'webp') as ImageFormat;
  return Promise.all(
    response.data.map(async (item) => {
      let bytes: Buffer;
      if (item.b64_json) bytes = Buffer.from(item.b64_json, 'base64');
      else if (item.url) bytes = Buffer.from(await (await fetch(item.url)).arrayBuffer());
      else throw new CliError('The server answered without image data', EXIT.error);
      return { bytes, format: sniffFormat(bytes) ?? fallback };
    }),
  );
}

/** Whether `target` names a directory: an existing one, or a path ending in a separator. */
const isDirectoryTarget = (target: string) => /[\\/]$/.test(target) || (fs.existsSync(target) && fs.statSync(target).isDirectory());

const slug = (prompt: string) => prompt.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '') || 'image';
const stamp = () => new Date().toISOString().replace(/\D/g, '').slice(0, 14).replace(/^(\d{8})/, '$1-');

/** Writes a new file, never over an existing one: name.ext, else name-2.ext, name-3.ext... */
function writeNew(dir: string, name: string, ext: string, bytes: Buffer): string {
  for (let attempt = 1; ; attempt++) {
    const file = path.join(dir, `${name}${attempt > 1 ? `-${attempt}` : ''}.${ext}`);
    try {
      fs.writeFileSync(file, bytes, { flag: 'wx' });
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/**
 * Saves images and returns their absolute paths. `target` is a directory (default: the current one),
 * where files get names from the prompt and the time and never replace existing files, or a file
 * name: FILE for one image, FILE-1.ext, FILE-2.ext... for several.
 */
export function saveImages(images: OutputImage[], target: string | undefined, prompt: string): string[] {
  const destination = path.resolve(target ?? '.');
  try {
    if (target === undefined || isDirectoryTarget(target)) {
      fs.mkdirSync(destination, { recursive: true });
      const base = `${slug(prompt)}-${stamp()}`;
      return images.map((image, i) => writeNew(destination, images.length > 1 ? `${base}-${i + 1}` : base, EXTENSIONS[image.format], image.bytes));
    }
    fs.mkdirSync(path.dirname(destination), { recursive: true });
    if (images.length === 1) {
      fs.writeFileSync(destination, images[0]!.bytes);
      return [destination];
    }
    const stem = formatFromPath(destination) ? destination.slice(0, -path.extname(destination).length) : destination;
    return images.map((image, i) => {
      const file = `${stem}-${i + 1}.${EXTENSIONS[image.format]}`;
      fs.writeFileSync(file, image.bytes);
      return file;
    });
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`Cannot save to '${target ?? '.'}': ${(error as Error).message}`, EXIT.error);
  }
}
