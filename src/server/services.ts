import path from 'node:path';
import { KeyStore } from '../auth/keys.js';
import { UsageLog } from '../billing/usage.js';
import { Catalog } from '../catalog/catalog.js';
import { MODELS } from '../catalog/models.js';
import type { Config } from '../config.js';
import { openDatabase, type Database } from '../db/index.js';
import { TestProvider } from '../providers/test/index.js';
import type { ImageProvider } from '../providers/types.js';
import { FileBlobs, type BlobBackend } from '../storage/blobs.js';
import { ImageStore } from '../storage/imageStore.js';

/** Everything a running server holds, built once from the configuration. */
export interface Services {
  config: Config;
  db: Database;
  keys: KeyStore;
  catalog: Catalog;
  providers: Map<string, ImageProvider>;
  blobs: BlobBackend;
  store: ImageStore;
  usage: UsageLog;
  close(): Promise<void>;
}

export async function createServices(config: Config): Promise<Services> {
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const providers = new Map<string, ImageProvider>([[new TestProvider().id, new TestProvider()]]);
  const catalog = new Catalog(MODELS, (id) => providers.get(id)?.isAvailable() ?? false);
  const blobs = new FileBlobs(path.join(config.dataDir, 'images'));
  const store = new ImageStore(db, blobs, config.urlTtlSeconds);
  const stopSweeper = store.startSweeper(config.sweepIntervalSeconds, () => {});
  return {
    config,
    db,
    keys: new KeyStore(db),
    catalog,
    providers,
    blobs,
    store,
    usage: new UsageLog(db),
    async close() {
      stopSweeper();
      await db.close();
    },
  };
}
