import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { BlobBackend } from './blobs.js';
import { CONTENT_TYPES } from './imageStore.js';

export interface S3Settings {
  bucket: string;
  region: string;
  /** For S3-compatible stores (MinIO, R2, Ceph...); AWS's own endpoint when unset. */
  endpoint?: string;
  /** Bucket in the path (`endpoint/bucket/key`) rather than the host name; most self-hosted stores need it. */
  forcePathStyle: boolean;
  /** Prepended to every object key, so one bucket can hold several deployments. */
  prefix: string;
  /** Both or neither: without them the SDK's own chain applies (AWS_* variables, instance roles). */
  accessKeyId?: string;
  secretAccessKey?: string;
}

const TIMEOUT_MS = 15_000;

/** Image bytes in an S3 bucket, so every server process (on any machine) serves every stored image. */
export class S3Blobs implements BlobBackend {
  readonly kind = 's3';
  private client: S3Client;

  constructor(private settings: S3Settings) {
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      credentials: settings.accessKeyId && settings.secretAccessKey
        ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
        : undefined,
      // Checksums only where S3 requires them: several S3-compatible stores refuse the newer
      // default checksum headers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
    });
  }

  private key(name: string) {
    return this.settings.prefix + name;
  }

  private signal() {
    return { abortSignal: AbortSignal.timeout(TIMEOUT_MS) };
  }

  async put(name: string, bytes: Buffer) {
    const ext = name.slice(name.lastIndexOf('.') + 1);
    await this.client.send(
      new PutObjectCommand({ Bucket: this.settings.bucket, Key: this.key(name), Body: bytes, ContentType: CONTENT_TYPES[ext] ?? 'application/octet-stream' }),
      this.signal(),
    );
  }

  async get(name: string) {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.key(name) }), this.signal());
      return object.Body ? Buffer.from(await object.Body.transformToByteArray()) : null;
    } catch (error) {
      if (error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404)) return null;
      throw error;
    }
  }

  async delete(name: string) {
    // S3 answers 204 for a key that does not exist, so deleting twice is fine.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.key(name) }), this.signal());
  }

  /** The bucket exists and these credentials may use it (no write: /health is polled often). */
  async check() {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.settings.bucket }), this.signal());
    } catch (error) {
      const status = error instanceof S3ServiceException ? ` (HTTP ${error.$metadata.httpStatusCode})` : '';
      throw new Error(`S3 bucket '${this.settings.bucket}' is not usable${status}: ${(error as Error).name}`);
    }
  }

  close() {
    this.client.destroy();
  }
}
