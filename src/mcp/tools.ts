import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ImageParams, ImageResult, PixelrouterApi } from '../cli/api.js';
import { formatFromPath, MIME_TYPES, readInputImage, responseImages, saveImages, type ImageFormat } from '../cli/files.js';
import { money, summariseModel } from '../cli/format.js';

/**
 * The MCP tools: thin wrappers over pixelrouter's HTTP API. A failed call is a tool error result
 * (isError) carrying the server's message, so the model can read it and correct itself.
 */
const text = (value: string) => ({ type: 'text' as const, text: value });

async function safely(run: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await run();
  } catch (error) {
    return { isError: true, content: [text(error instanceof Error ? error.message : String(error))] };
  }
}

const imageInput = {
  prompt: z.string().describe('what to draw, or what to do with the input images'),
  model: z.string().describe("model id or alias, e.g. 'test/test' (free, local, for trying things out); see list_models"),
  n: z.number().int().min(1).max(10).optional().describe('number of images, 1-10 (default 1)'),
  size: z.string().optional().describe("'WIDTHxHEIGHT' such as '1024x1024', or 'auto' (default)"),
  quality: z.enum(['auto', 'low', 'medium', 'high']).optional().describe('default auto'),
  output_format: z.enum(['webp', 'png', 'jpeg']).optional().describe('default webp, or the extension of save_to'),
  save_to: z.string().optional().describe('also save the images: a file path (several images get -1, -2... suffixes) or a directory (existing, or ending in /); absolute paths are safest'),
};
type ImageInput = { prompt: string; model: string; n?: number; size?: string; quality?: string; output_format?: string; save_to?: string };

const paramsOf = (input: ImageInput): ImageParams => ({
  prompt: input.prompt, model: input.model, n: input.n, size: input.size, quality: input.quality,
  // A save_to file name like cat.png implies its format, as on the command line.
  output_format: input.output_format ?? (input.save_to && !/[\\/]$/.test(input.save_to) ? formatFromPath(input.save_to) : undefined),
});

/** The images as MCP image content, then one text: what it cost, where it was saved, any warnings. */
async function imageResult(input: ImageInput, { response, provider }: ImageResult): Promise<CallToolResult> {
  const images = await responseImages(response);
  const saved = input.save_to === undefined ? [] : saveImages(images, input.save_to, input.prompt);
  const lines = [`${images.length} image${images.length === 1 ? '' : 's'} from ${input.model}${provider ? ` (provider ${provider})` : ''}: size ${response.size ?? '?'}, cost ${money(response.cost)}, latency ${response.latency} ms.`];
  if (saved.length > 0) lines.push(`Saved to:\n${saved.join('\n')}`);
  for (const warning of response.warnings ?? []) lines.push(`Warning: ${warning}`);
  return {
    content: [
      ...images.map((image) => ({ type: 'image' as const, data: image.bytes.toString('base64'), mimeType: MIME_TYPES[image.format as ImageFormat] })),
      text(lines.join('\n')),
    ],
  };
}

export function registerTools(server: McpServer, api: PixelrouterApi) {
  server.registerTool('generate_image', {
    title: 'Generate images',
    description: 'Text to image through pixelrouter. Returns the images, their cost in USD and where they were saved (with save_to).',
    inputSchema: imageInput,
  }, (input) => safely(async () => imageResult(input, await api.generate(paramsOf(input)))));

  server.registerTool('edit_image', {
    title: 'Edit images',
    description: 'Image to image through pixelrouter: transform or combine input images, optionally only where a mask is white (or transparent). The model must support editing (see list_models).',
    inputSchema: {
      ...imageInput,
      images: z.array(z.string()).min(1).max(16).describe('input images: file paths or data URIs (data:image/png;base64,...), at most 16'),
      mask: z.string().optional().describe('mask image (file path or data URI): white or transparent pixels mark the area to change'),
    },
  }, (input) => safely(async () => {
    const images = input.images.map(readInputImage);
    const mask = input.mask === undefined ? undefined : readInputImage(input.mask);
    return imageResult(input, await api.edit(paramsOf(input), images, mask));
  }));

  server.registerTool('list_models', {
    title: 'List models',
    description: 'Search the image models pixelrouter serves: id, providers, price, whether they can edit or take a mask, and whether they are available now.',
    inputSchema: {
      search: z.string().optional().describe('part of a model id, name or alias, e.g. flux'),
      sort: z.enum(['date', 'name', 'price', 'popularity']).optional().describe('date (newest first), name, price (cheapest first) or popularity (default)'),
      provider: z.string().optional().describe('only models this provider serves, e.g. openai'),
      limit: z.number().int().min(1).max(1000).optional().describe('at most this many (default 50)'),
    },
  }, (input) => safely(async () => {
    const models = await api.models({ search: input.search, sort: input.sort, provider: input.provider, limit: input.limit ?? 50 });
    const list = Object.values(models).map(summariseModel);
    return { content: [text(list.length === 0 ? 'No models match.' : JSON.stringify(list, null, 1))] };
  }));

  server.registerTool('get_credits', {
    title: 'Get credits',
    description: "The API key's account balance in USD: remaining, used, deposited and reserved by requests in flight.",
    inputSchema: {},
  }, () => safely(async () => ({ content: [text(JSON.stringify(await api.credits()))] })));
}
