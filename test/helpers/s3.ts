import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
// s3rver ships no types; it is a real S3 API server (signature checks included) on loopback.
// @ts-expect-error no declaration file
import S3rver from 's3rver';

/** s3rver's built-in credentials. */
const S3RVER_KEY = { id: 'S3RVER', secret: 'S3RVER' };

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  /** The S3_* variables that point a server at this store. */
  env: Record<string, string>;
  /** Object keys in the bucket now. */
  keys(): Promise<string[]>;
  /** One object's bytes and content type, read straight from the store. */
  object(key: string): Promise<{ bytes: Buffer; contentType: string | undefined }>;
  close(): Promise<void>;
}

/** An S3-compatible store on 127.0.0.1 with one empty bucket, in a temp folder. */
export async function startLocalS3(bucket = 'pixelrouter'): Promise<LocalS3> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'pixelrouter-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: [{ name: bucket }] });
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: S3RVER_KEY.id, secretAccessKey: S3RVER_KEY.secret } });
  return {
    endpoint,
    bucket,
    env: { S3_ENDPOINT: endpoint, S3_BUCKET: bucket, S3_REGION: 'us-east-1', S3_ACCESS_KEY_ID: S3RVER_KEY.id, S3_SECRET_ACCESS_KEY: S3RVER_KEY.secret },
    async keys() {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      return (listed.Contents ?? []).map((o) => o.Key!).sort();
    },
    async object(key) {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return { bytes: Buffer.from(await object.Body!.transformToByteArray()), contentType: object.ContentType };
    },
    async close() {
      client.destroy();
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
