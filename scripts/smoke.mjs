#!/usr/bin/env node
// Smoke test for another Node version: start the built server with this `node`, generate one image
// with test/test, download it, stop. Used by .ci/run with Node 22. Prints "smoke: passed" or exits 1.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixelrouter-smoke-'));
const adminKey = 'sk-pr-smoke-admin-key-0123456789';
const child = spawn(process.execPath, [path.join(root, 'dist/cli/index.js'), 'serve'], {
  env: { PATH: process.env.PATH, PORT: '0', PIXELROUTER_DATA_DIR: dataDir, PIXELROUTER_ADMIN_KEY: adminKey, LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const fail = (message) => {
  console.error(`smoke (${process.version}): FAILED: ${message}`);
  child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(1);
};
const timer = setTimeout(() => fail('timed out after 60 s'), 60_000);

let output = '';
const url = await new Promise((resolve) => {
  child.stdout.on('data', (chunk) => {
    output += chunk;
    const match = /listening on (http:\/\/\S+)/.exec(output);
    if (match) resolve(match[1]);
  });
  child.on('exit', (code) => fail(`server exited with ${code}`));
});

const call = async (pathname, init = {}) => fetch(url + pathname, init);
const keyResponse = await call('/v1/admin/keys', { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: '{"name":"smoke"}' });
const { key } = await keyResponse.json();
const generation = await call('/v1/openai/images/generations', {
  method: 'POST',
  headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'test/test', prompt: 'smoke test', size: '256x256', output_format: 'png' }),
});
if (generation.status !== 200) fail(`generation answered ${generation.status}: ${await generation.text()}`);
const body = await generation.json();
const image = Buffer.from(await (await fetch(body.data[0].url)).arrayBuffer());
const isPng = image.subarray(1, 4).toString() === 'PNG' && image.readUInt32BE(16) === 256 && image.readUInt32BE(20) === 256;
if (!isPng) fail('the downloaded image is not a 256x256 PNG');

child.removeAllListeners('exit');
const exitCode = await new Promise((resolve) => {
  child.on('exit', resolve);
  child.kill('SIGTERM');
});
clearTimeout(timer);
fs.rmSync(dataDir, { recursive: true, force: true });
if (exitCode !== 0) fail(`server exited with ${exitCode} on SIGTERM`);
console.log(`smoke (${process.version}): passed`);
