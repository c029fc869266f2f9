/**
 * Where OpenAI's Image API lives and how it is authenticated.
 * https://platform.openai.com/docs/api-reference/images
 */

export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export const PATHS = {
  /** JSON body: text-to-image. */
  generations: '/images/generations',
  /** multipart/form-data body: image-to-image, with an optional mask. */
  edits: '/images/edits',
} as const;

export type Endpoint = keyof typeof PATHS;

export const endpointUrl = (baseUrl: string, endpoint: Endpoint) => `${baseUrl.replace(/\/+$/, '')}${PATHS[endpoint]}`;

export const authHeaders = (apiKey: string) => ({ authorization: `Bearer ${apiKey}` });
