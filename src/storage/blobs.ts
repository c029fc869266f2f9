import fs from 'node:fs/promises';
import path from 'node:path';

/** Where image bytes live: the filesystem by default, or an S3 bucket (s3.ts). */
export interface BlobBackend {
  readonly kind: 'filesystem' | 's3';
  put(name: string, bytes: Buffer): Promise<void>;
  /** The bytes, or null when there is no such blob. */
  get(name: string): Promise<Buffer | null>;
  delete(name: string): Promise<void>;
  /** Throws when the backend cannot be written (for /health). */
  check(): Promise<void>;
  /** Lets go of connections, if the backend holds any. */
  close?(): void;
}

/** Files under one folder, sharded by the first two characters of the name. */
export class FileBlobs implements BlobBackend {
  readonly kind = 'filesystem';
  constructor(private dir: string) {}

  private pathOf(name: string) {
    return path.join(this.dir, name.slice(0, 2), name);
  }

  async put(name: string, bytes: Buffer) {
    const file = this.pathOf(name);
    await fs.mkdir(path.dirname(file), { recursive: true });
    // Write then rename, so a reader never sees half a file.
    const partial = `${file}.partial`;
    await fs.writeFile(partial, bytes);
    await fs.rename(partial, file);
  }

  async get(name: string) {
    try {
      return await fs.readFile(this.pathOf(name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async delete(name: string) {
    await fs.rm(this.pathOf(name), { force: true });
  }

  async check() {
    await fs.mkdir(this.dir, { recursive: true });
    const probe = path.join(this.dir, '.health');
    await fs.writeFile(probe, String(Date.now()));
    await fs.rm(probe, { force: true });
  }
}
