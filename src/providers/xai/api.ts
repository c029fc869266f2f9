/**
 * Where xAI's image API lives and how it is called: Bearer auth, JSON both ways. Edits are JSON too
 * ("the xAI API requires application/json", so not OpenAI's multipart /images/edits).
 * https://docs.x.ai/developers/model-capabilities/images/generation
 */

export const DEFAULT_BASE_URL = 'https://api.x.ai/v1';

export const PATHS = {
  generations: '/images/generations',
  /** Input images as `image: {url}` or, for several, `images: [{url}]` (data URIs allowed). */
  edits: '/images/edits',
} as const;

export type Endpoint = keyof typeof PATHS;

export const endpointUrl = (baseUrl: string, endpoint: Endpoint) => `${baseUrl.replace(/\/+$/, '')}${PATHS[endpoint]}`;

export const authHeaders = (apiKey: string) => ({ authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' });
