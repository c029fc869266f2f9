import sharp from 'sharp';
import type { Background, OutputFormat } from '../api/imageRequest.js';
import type { GeneratedImage } from '../providers/types.js';

export interface OutputOptions {
  format: OutputFormat;
  compression?: number;
  background: Background;
}

/**
 * `compression` follows OpenAI's output_compression: 0-100, where 100 (OpenAI's default) keeps the
 * most detail. For webp and jpeg it is the encoder quality.
 *
 * Brings an upstream image to the requested format. The bytes pass through untouched when they are
 * already right; sharp re-encodes only for another format, an explicit compression, or flattening.
 */
export async function normalizeOutput(image: GeneratedImage, options: OutputOptions): Promise<Buffer> {
  const flatten = options.format === 'jpeg' || options.background === 'opaque';
  if (image.format === options.format && options.compression === undefined && !flatten) return image.bytes;
  let pipeline = sharp(image.bytes);
  if (flatten) {
    const meta = await pipeline.metadata();
    if (meta.hasAlpha) pipeline = pipeline.flatten({ background: '#ffffff' });
    else if (image.format === options.format && options.compression === undefined) return image.bytes;
  }
  const quality = options.compression;
  // sharp's webp and jpeg quality is 1-100; output_compression 0 means the smallest file, as 1 does.
  const lossy = quality === undefined ? 85 : Math.max(1, quality);
  switch (options.format) {
    case 'png':
      // PNG is lossless: like quality elsewhere, a lower value means a smaller file (more zlib effort).
      return pipeline.png({ compressionLevel: quality === undefined ? 6 : Math.round(((100 - quality) / 100) * 9) }).toBuffer();
    case 'jpeg':
      return pipeline.jpeg({ quality: lossy, mozjpeg: false }).toBuffer();
    case 'webp':
      return pipeline.webp({ quality: lossy }).toBuffer();
  }
}
