#!/usr/bin/env node
// A fast OpenAI-compatible chat-completions server for the HTTP benchmark (bench/http/README.md).
//
//   node bench/http/fast_server.js [PORT]
//
// POST /v1/chat/completions answers one fixed completion; with "stream": true in the request body
// it answers server-sent events (content chunks, a final chunk with usage, then `data: [DONE]`).
// GET /stats answers {"completions": N}: the completions served so far (all workers), so a
// benchmark can check that every case really reached the server. Anything else: 404.
//
// PORT 0 (the default) picks an ephemeral port. The first line on stdout is the chosen port, and
// nothing else is printed per request. Built-in modules only. One process, no `cluster`: alone it
// answers about 47,000 requests/s over 64 keep-alive connections on the 2-core machine (see
// README.md), and a single process leaves the other core to the client being measured.
'use strict';

const http = require('node:http');

const port = Number(process.argv[2] ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`fast_server: bad port '${process.argv[2]}'\n`);
  process.exit(2);
}

const MODEL = 'fast-model';
const CONTENT = 'Refunds take 5 business days after we receive the item.';
const USAGE = { prompt_tokens: 12, completion_tokens: 11, total_tokens: 23 };
const CREATED = Math.floor(Date.now() / 1000);

// The non-streaming body, split around the id so that each answer gets its own id cheaply.
const BODY_HEAD = Buffer.from('{"id":"chatcmpl-');
const BODY_TAIL = Buffer.from(
  '","object":"chat.completion","created":' + CREATED + ',"model":"' + MODEL + '",' +
  '"choices":[{"index":0,"message":{"role":"assistant","content":' + JSON.stringify(CONTENT) +
  '},"logprobs":null,"finish_reason":"stop"}],"usage":' + JSON.stringify(USAGE) + '}');

// Streaming: the content in a few pieces, each a chat.completion.chunk.
const PIECES = ['Refunds take ', '5 business days ', 'after we receive ', 'the item.'];
function sseBody(id) {
  const base = { id, object: 'chat.completion.chunk', created: CREATED, model: MODEL };
  let out = '';
  const send = (obj) => { out += 'data: ' + JSON.stringify(obj) + '\n\n'; };
  send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
  for (const p of PIECES) send({ ...base, choices: [{ index: 0, delta: { content: p }, finish_reason: null }] });
  send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: USAGE });
  return out + 'data: [DONE]\n\n';
}

const STREAM_RE = /"stream"\s*:\s*true/;
const NOT_FOUND = Buffer.from('{"error":{"message":"not found","type":"invalid_request_error"}}');

function serve(onCompletion, statsBody) {
  let seq = 0;
  const tag = process.pid.toString(36) + '-';
  const server = http.createServer((req, res) => {
    if (req.method === 'POST' && (req.url === '/v1/chat/completions' || req.url === '/chat/completions')) {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = chunks.length === 1 ? chunks[0].toString('latin1') : Buffer.concat(chunks).toString('latin1');
        const id = tag + (++seq).toString(36);
        onCompletion();
        if (STREAM_RE.test(body)) {
          const text = sseBody('chatcmpl-' + id);
          res.writeHead(200, {
            'Content-Type': 'text/event-stream',
            'Cache-Control': 'no-cache',
            'Content-Length': Buffer.byteLength(text),
          });
          res.end(text);
          return;
        }
        const idBuf = Buffer.from(id, 'latin1');
        const out = Buffer.concat([BODY_HEAD, idBuf, BODY_TAIL], BODY_HEAD.length + idBuf.length + BODY_TAIL.length);
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': out.length });
        res.end(out);
      });
      return;
    }
    if (req.method === 'GET' && req.url === '/stats') {
      statsBody((text) => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
        res.end(text);
      });
      req.resume();
      return;
    }
    req.resume();
    res.writeHead(404, { 'Content-Type': 'application/json', 'Content-Length': NOT_FOUND.length });
    res.end(NOT_FOUND);
  });
  server.keepAliveTimeout = 120000;  // keep idle connections open across a whole run
  server.headersTimeout = 125000;
  server.requestTimeout = 0;
  server.maxRequestsPerSocket = 0;   // no limit
  return server;
}

let completions = 0;
const server = serve(() => { completions++; },
                     (reply) => reply(JSON.stringify({ completions })));
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(server.address().port + '\n');
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
