import sharp from 'sharp';

/** A solid-colour image in the given format. */
export function solidImage(width: number, height: number, color: { r: number; g: number; b: number; alpha?: number }, format: 'png' | 'webp' | 'jpeg' = 'png') {
  return sharp({ create: { width, height, channels: 4, background: { alpha: 1, ...color } } }).toFormat(format).toBuffer();
}

/** A mask of the given size: white (edit) inside the rectangle, black elsewhere. */
export function rectMask(width: number, height: number, rect: { left: number; top: number; width: number; height: number }) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="black"/><rect x="${rect.left}" y="${rect.top}" width="${rect.width}" height="${rect.height}" fill="white"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** RGB of one pixel of an encoded image. */
export async function pixelAt(bytes: Buffer, x: number, y: number) {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const o = (y * info.width + x) * info.channels;
  return { r: data[o]!, g: data[o + 1]!, b: data[o + 2]! };
}

export const colorDistance = (a: { r: number; g: number; b: number }, b: { r: number; g: number; b: number }) =>
  Math.abs(a.r - b.r) + Math.abs(a.g - b.g) + Math.abs(a.b - b.b);

export const dataUri = (bytes: Buffer, mime = 'image/png') => `data:${mime};base64,${bytes.toString('base64')}`;

/** Builds a multipart body from fields and files. */
export function form(fields: Record<string, string>, files: Array<{ field: string; bytes: Buffer; name?: string; type?: string }> = []) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  for (const f of files) body.append(f.field, new Blob([new Uint8Array(f.bytes)], { type: f.type ?? 'image/png' }), f.name ?? 'image.png');
  return body;
}
