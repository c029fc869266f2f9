import type { Command } from 'commander';
import { runMcpServer } from '../mcp/server.js';
import { apiFor, withConnectionOptions, type ConnectionOptions } from './client.js';

export function registerMcpCommand(program: Command) {
  withConnectionOptions(program.command('mcp').description('run an MCP server on stdio (tools: generate_image, edit_image, list_models, get_credits) for agents and MCP hosts'))
    .action((o: ConnectionOptions) => runMcpServer(apiFor(o)));
}
