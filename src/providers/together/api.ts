/**
 * Where Together AI's image API lives and how it is authenticated: one JSON endpoint for every image
 * model, Bearer auth. https://docs.together.ai/reference/post-images-generations (the same contract
 * is generated into the official SDK, github.com/togethercomputer/together-typescript
 * src/resources/images.ts).
 */

export const DEFAULT_BASE_URL = 'https://api.together.xyz/v1';

export const generationsUrl = (baseUrl: string) => `${baseUrl.replace(/\/+$/, '')}/images/generations`;

export const authHeaders = (apiKey: string) => ({ authorization: `Bearer ${apiKey}` });
