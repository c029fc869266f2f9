import { Command, Option } from 'commander';
import { PixelrouterApi, type ImageParams, type ImageResult } from './api.js';
import { CliError, EXIT } from './errors.js';
import { formatFromPath, readInputImage, responseImages, saveImages, type ImageFormat } from './files.js';
import { creditsTable, modelsTable, money, usageTable } from './format.js';
import { startSpinner } from './spinner.js';

/**
 * Client commands: generate and edit images, list models, show credits and usage, all through the
 * HTTP API of a running server (PIXELROUTER_URL, PIXELROUTER_API_KEY).
 */
export interface ConnectionOptions {
  url: string;
  apiKey?: string;
}

export const withConnectionOptions = (command: Command) =>
  command
    .addOption(new Option('--url <url>', 'server URL').env('PIXELROUTER_URL').default('http://127.0.0.1:8080'))
    .addOption(new Option('--api-key <key>', 'API key (falls back to PIXELROUTER_ADMIN_KEY)').env('PIXELROUTER_API_KEY'));

// An operator on the server's own machine often has only the admin key, which may generate too.
export const apiFor = (o: ConnectionOptions) => new PixelrouterApi({ url: o.url, apiKey: o.apiKey ?? process.env.PIXELROUTER_ADMIN_KEY });

const positiveInteger = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${name} must be a positive integer`, EXIT.usage);
  return n;
};
const collect = (value: string, previous: string[] = []) => [...previous, value];
const printJson = (value: unknown) => console.log(JSON.stringify(value, null, 2));

interface ImageOptions extends ConnectionOptions {
  model: string;
  count?: number;
  size?: string;
  quality?: string;
  format?: string;
  output?: string;
  json?: boolean;
}

const withImageOptions = (command: Command) =>
  withConnectionOptions(command)
    .requiredOption('-m, --model <model>', 'model id or alias, e.g. test/test (see `pixelrouter models`)')
    .option('-n, --count <n>', 'number of images, 1-10', positiveInteger('-n'))
    .option('-s, --size <WxH>', 'WIDTHxHEIGHT or auto')
    .option('-q, --quality <quality>', 'auto, low, medium or high')
    .addOption(new Option('-f, --format <format>', "output format (default: -o FILE's extension, else webp)").choices(['webp', 'png', 'jpeg', 'jpg']))
    .option('-o, --output <path>', 'file (FILE, or FILE-1.ext, FILE-2.ext... for several) or directory to save to (default: the current directory)')
    .option('--json', "print the server's JSON response instead; saves images only with -o");

/** --format, else the extension of an -o file name; the two must agree. */
function outputFormat(o: ImageOptions): ImageFormat | undefined {
  const asked = o.format === 'jpg' ? 'jpeg' : (o.format as ImageFormat | undefined);
  const fromName = o.output !== undefined && !/[\\/]$/.test(o.output) ? formatFromPath(o.output) : undefined;
  if (asked && fromName && asked !== fromName) throw new CliError(`-o ${o.output} does not match --format ${o.format}`, EXIT.usage);
  return asked ?? fromName;
}

/** Sends one image request with a spinner, then saves and reports the images (or prints the raw JSON). */
async function runImageCommand(verb: string, prompt: string, o: ImageOptions, send: (api: PixelrouterApi, params: ImageParams) => Promise<ImageResult>) {
  const params: ImageParams = { prompt, model: o.model, n: o.count, size: o.size, quality: o.quality, output_format: outputFormat(o) };
  const stopSpinner = startSpinner(`${verb} with ${o.model}`);
  let result: ImageResult;
  try {
    result = await send(apiFor(o), params);
  } finally {
    stopSpinner();
  }
  const { response, raw, provider } = result;
  for (const warning of response.warnings ?? []) console.error(`warning: ${warning}`);
  if (o.json) {
    console.log(raw);
    // stdout stays pure JSON; where the images went is a side note.
    if (o.output !== undefined) for (const file of saveImages(await responseImages(response), o.output, prompt)) console.error(`saved ${file}`);
    return;
  }
  const files = saveImages(await responseImages(response), o.output, prompt);
  console.log(files.join('\n'));
  console.log(`cost ${money(response.cost)}  latency ${response.latency} ms${provider ? `  provider ${provider}` : ''}${response.size ? `  size ${response.size}` : ''}`);
}

export function registerClientCommands(program: Command) {
  withImageOptions(program.command('generate').description('text to image: generate images and save them').argument('<prompt>', 'what to draw'))
    .action((prompt: string, o: ImageOptions) => runImageCommand('generating', prompt, o, (api, params) => api.generate(params)));

  withImageOptions(program.command('edit').description('image to image: transform input images, optionally inside a mask').argument('<prompt>', 'what to do'))
    .requiredOption('-i, --image <file>', 'input image, a file or a data URI (repeat for several, up to 16)', collect)
    .option('--mask <file>', 'mask image: white (or transparent) pixels mark the area to change')
    .action((prompt: string, o: ImageOptions & { image: string[]; mask?: string }) => {
      const images = o.image.map(readInputImage);
      const mask = o.mask === undefined ? undefined : readInputImage(o.mask);
      return runImageCommand('editing', prompt, o, (api, params) => api.edit(params, images, mask));
    });

  withConnectionOptions(program.command('models').description('list and search the models').argument('[search]', 'part of a model id, name or alias'))
    .addOption(new Option('--sort <order>', 'date (newest first), name, price (cheapest first) or popularity').choices(['date', 'name', 'price', 'popularity']))
    .option('-p, --provider <id>', 'only models this provider serves')
    .option('-l, --limit <n>', 'at most this many', positiveInteger('--limit'))
    .option('--json', "print the server's JSON")
    .action(async (search: string | undefined, o: ConnectionOptions & { sort?: string; provider?: string; limit?: number; json?: boolean }) => {
      const models = await apiFor(o).models({ search, sort: o.sort, provider: o.provider, limit: o.limit });
      if (o.json) return printJson(models);
      const list = Object.values(models);
      console.log(list.length === 0 ? 'No models match.' : modelsTable(list));
    });

  // `credits add` (admin) may exist already: plain `credits` shows the caller's own balance. Options
  // are positional so `credits add ... --json` still reaches the subcommand.
  const credits = program.commands.find((c) => c.name() === 'credits') ?? program.command('credits');
  withConnectionOptions(credits.description("your account's balance (GET /v1/credits); `credits add` tops up an account (admin)").enablePositionalOptions())
    .option('--by-key', "also each key's spend")
    .option('--json', "print the server's JSON")
    .action(async (o: ConnectionOptions & { byKey?: boolean; json?: boolean }) => {
      const body = await apiFor(o).credits(o.byKey);
      console.log(o.json ? JSON.stringify(body, null, 2) : creditsTable(body));
    });

  withConnectionOptions(program.command('usage').description('your recent requests: model, status, images, cost, latency (GET /v1/usage)'))
    .option('-l, --limit <n>', 'how many records, newest first (1-500; default 50)', positiveInteger('--limit'))
    .option('-m, --model <id>', 'only this model')
    .option('--json', "print the server's JSON")
    .action(async (o: ConnectionOptions & { limit?: number; model?: string; json?: boolean }) => {
      const body = await apiFor(o).usage({ limit: o.limit, model: o.model });
      if (o.json) return printJson(body);
      console.log(body.data.length === 0 ? 'No usage yet.' : usageTable(body.data));
      if (body.has_more) console.log('(more records exist: raise --limit)');
    });
}
