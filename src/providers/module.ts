import type { ProviderModel } from '../catalog/types.js';
import type { ImageProvider, ProviderSettings } from './types.js';

/**
 * What each provider folder exports: how to build its adapter from settings, and the models it
 * serves. The server reads `<ENV_PREFIX>_API_KEY` and `<ENV_PREFIX>_BASE_URL` for it.
 */
export interface ProviderModule {
  /** Lower-case id used in the catalog and the API (`openai`, `bfl`, `fal`...). */
  id: string;
  /** Display name for docs and the dashboard. */
  name: string;
  /** `OPENAI` reads OPENAI_API_KEY and OPENAI_BASE_URL. */
  envPrefix: string;
  /** Another variable for the key than `<envPrefix>_API_KEY` (configured upstreams name their own). */
  apiKeyEnv?: string;
  defaultBaseUrl: string;
  create(settings: ProviderSettings): ImageProvider;
  models: ProviderModel[];
}
