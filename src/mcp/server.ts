import fs from 'node:fs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { PixelrouterApi } from '../cli/api.js';
import { registerTools } from './tools.js';

const { version } = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const INSTRUCTIONS = `Generate and edit images through a pixelrouter gateway. Use list_models to find a model
('test/test' is free and local, for trying things out), generate_image for text to image, edit_image
for image to image with input files and an optional mask, get_credits for the balance. Every call
reports its cost in USD.`;

/** An MCP server on stdio. stdout carries only the protocol, so everything else goes to stderr. */
export async function runMcpServer(api: PixelrouterApi) {
  console.log = console.info = console.debug = console.error;
  const server = new McpServer({ name: 'pixelrouter', version }, { instructions: INSTRUCTIONS });
  registerTools(server, api);
  await server.connect(new StdioServerTransport());
  console.error(`pixelrouter MCP server on stdio, using the API at ${api.config.url}`);
  // The host closing our stdin ends the session.
  process.stdin.on('end', () => void server.close().finally(() => process.exit(0)));
}
