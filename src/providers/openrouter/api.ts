/**
 * Where OpenRouter's dedicated Image API lives and how it is called: one JSON POST to /images, Bearer
 * auth (https://openrouter.ai/docs/guides/overview/multimodal/image-generation; the official SDK's
 * `images.generate`, github.com/OpenRouterTeam/typescript-sdk, src/funcs/imagesGenerate.ts).
 *
 * Why not /chat/completions with `modalities: ["image","text"]`: the Image API is OpenRouter's
 * documented route for image models now. It takes `n`, `seed`, `aspect_ratio`, `resolution` and
 * reference images as first-class fields, answers with `data[].b64_json` and `usage.cost`, and
 * does not bill a chat model's text around the picture.
 */

export const DEFAULT_BASE_URL = 'https://openrouter.ai/api/v1';

export const imagesUrl = (baseUrl: string) => `${baseUrl.replace(/\/+$/, '')}/images`;

/**
 * Optional app attribution (https://openrouter.ai/docs/app-attribution): `HTTP-Referer` and
 * `X-OpenRouter-Title`, from OPENROUTER_APP_URL / OPENROUTER_APP_TITLE when the operator sets them.
 */
export function requestHeaders(apiKey: string, env: Record<string, string | undefined> = {}): Record<string, string> {
  const headers: Record<string, string> = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  if (env.OPENROUTER_APP_URL) headers['http-referer'] = env.OPENROUTER_APP_URL;
  if (env.OPENROUTER_APP_TITLE) headers['x-openrouter-title'] = env.OPENROUTER_APP_TITLE;
  return headers;
}
