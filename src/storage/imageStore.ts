import { randomBytes } from 'node:crypto';
import type { OutputFormat } from '../api/imageRequest.js';
import type { Database } from '../db/index.js';
import type { BlobBackend } from './blobs.js';

export const EXTENSIONS: Record<OutputFormat, string> = { webp: 'webp', png: 'png', jpeg: 'jpg' };
export const CONTENT_TYPES: Record<string, string> = { webp: 'image/webp', png: 'image/png', jpg: 'image/jpeg' };

/** A stored file's public name: 128 random bits in hex and an extension. Anything else is not ours. */
export const STORED_NAME = /^([0-9a-f]{32})\.(webp|png|jpg)$/;

export interface StoredImage {
  id: string;
  name: string;
  expiresAt: Date;
}

/**
 * Hosted outputs for `response_format=url`: bytes in a blob backend under an unguessable name, a row
 * with the expiry in the database. Expired images answer 404 at once; the sweeper deletes them.
 */
export class ImageStore {
  constructor(
    private db: Database,
    private blobs: BlobBackend,
    private ttlSeconds: number,
  ) {}

  async save(bytes: Buffer, format: OutputFormat, keyId: string | null): Promise<StoredImage> {
    const id = randomBytes(16).toString('hex');
    const ext = EXTENSIONS[format];
    const name = `${id}.${ext}`;
    const expiresAt = new Date(Date.now() + this.ttlSeconds * 1000);
    // The row first: a process that dies between the two leaves a row without bytes (a 404 until the
    // sweeper removes it), never bytes that no row leads the sweeper to.
    await this.db.query(
      'INSERT INTO stored_images (id, ext, content_type, byte_size, key_id, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [id, ext, CONTENT_TYPES[ext], bytes.length, keyId, expiresAt],
    );
    try {
      await this.blobs.put(name, bytes);
    } catch (error) {
      await this.db.query('DELETE FROM stored_images WHERE id = $1', [id]).catch(() => {});
      throw error;
    }
    return { id, name, expiresAt };
  }

  /** The image's bytes while its link is valid; null when unknown or expired. */
  async open(name: string): Promise<{ bytes: Buffer; contentType: string; expiresAt: Date } | null> {
    const match = STORED_NAME.exec(name);
    if (!match) return null;
    const rows = await this.db.query<{ content_type: string; expires_at: Date }>(
      'SELECT content_type, expires_at FROM stored_images WHERE id = $1 AND ext = $2 AND expires_at > now()',
      [match[1], match[2]],
    );
    if (!rows[0]) return null;
    const bytes = await this.blobs.get(name);
    return bytes ? { bytes, contentType: rows[0].content_type, expiresAt: new Date(rows[0].expires_at) } : null;
  }

  /** Deletes one image now (its link answers 404 from here on). */
  async delete(id: string): Promise<void> {
    const rows = await this.db.query<{ ext: string }>('DELETE FROM stored_images WHERE id = $1 RETURNING ext', [id]);
    if (rows[0]) await this.blobs.delete(`${id}.${rows[0].ext}`);
  }

  /** Deletes images whose links expired; returns how many. */
  async sweep(): Promise<number> {
    const expired = await this.db.query<{ id: string; ext: string }>(
      'SELECT id, ext FROM stored_images WHERE expires_at <= now() ORDER BY expires_at LIMIT 1000',
    );
    for (const row of expired) {
      await this.blobs.delete(`${row.id}.${row.ext}`);
      await this.db.query('DELETE FROM stored_images WHERE id = $1', [row.id]);
    }
    return expired.length;
  }

  /** Runs the sweeper every `intervalSeconds` until the returned function is called. */
  startSweeper(intervalSeconds: number, onError: (error: unknown) => void): () => void {
    let running = false;
    const timer = setInterval(async () => {
      if (running) return;
      running = true;
      try {
        while ((await this.sweep()) === 1000);
      } catch (error) {
        onError(error);
      } finally {
        running = false;
      }
    }, intervalSeconds * 1000);
    timer.unref();
    return () => clearInterval(timer);
  }
}
