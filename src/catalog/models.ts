import { mergeModels, PROVIDER_MODULES } from '../providers/registry.js';
import type { ModelEntry } from './types.js';

/**
 * The model catalog as data, assembled from what each provider module declares it serves
 * (src/providers/<id>/models.ts); offers of the same model merge across providers.
 */
export const MODELS: ModelEntry[] = mergeModels(PROVIDER_MODULES);
