// An instant OpenAI-compatible image upstream: POST /v1/images/generations and /v1/images/edits
// answer at once with a fixed {created, data:[{b64_json}]} body, prepared once at start, so that
// whatever latency the bench sees is the client's and the gateway's, never the upstream's.
// The answer's image is chosen by the request's `size` (256x256: small, 1024x1024: large).
// GET /stats gives the hit count per path, so the bench can prove a gateway really forwarded.
// Usage: node fake-upstream.mjs <port> <images.json>   (images.json: {"256x256": "<base64 png>", ...})
import fs from 'node:fs';
import http from 'node:http';

const [port, imagesFile] = process.argv.slice(2);
const images = JSON.parse(fs.readFileSync(imagesFile, 'utf8'));
const answers = Object.fromEntries(Object.entries(images).map(([size, b64]) => [size, Buffer.from(JSON.stringify({ created: 1700000000, data: [{ b64_json: b64 }] }))]));
const smallest = answers['256x256'];
const hits = {};

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(hits));
    return;
  }
  const known = req.method === 'POST' && (req.url === '/v1/images/generations' || req.url === '/v1/images/edits');
  const chunks = [];
  req.on('data', (chunk) => {
    // Edits bodies are megabytes of images nobody needs: drop them; JSON bodies are kept to read `size`.
    if (req.url === '/v1/images/generations') chunks.push(chunk);
  });
  req.on('end', () => {
    if (!known) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
      return;
    }
    hits[req.url] = (hits[req.url] ?? 0) + 1;
    let body = smallest;
    if (chunks.length) {
      try {
        body = answers[JSON.parse(Buffer.concat(chunks).toString()).size] ?? smallest;
      } catch {}
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(port), '127.0.0.1', () => process.send?.({ ready: true, port: server.address().port }));
// The bench died: do not outlive it.
process.on('disconnect', () => process.exit(0));
