/**
 * A stand-in OpenTelemetry collector for the tracing benchmark (its own process): accepts OTLP/HTTP
 * trace exports, counts requests and bytes, answers 200 with an empty response as a collector does. Sends
 * `{ type: 'ready', url }`; answers `counts` over IPC.
 */
import { createServer } from 'node:http';
import { serveIpc } from './proc.ts';

let requests = 0;
let bytes = 0;
const server = createServer((req, res) => {
  req.on('data', (c: Buffer) => (bytes += c.length));
  req.on('end', () => {
    requests++;
    // An empty ExportTraceServiceResponse in the request's encoding, as a collector answers: `{}` to a
    // protobuf export made the exporter log a parse error for every batch.
    const json = req.headers['content-type'] === 'application/json';
    res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf', 'content-length': json ? 2 : 0 }).end(json ? '{}' : undefined);
  });
});
server.keepAliveTimeout = 65_000;
serveIpc({ counts: () => ({ requests, bytes }) });
server.listen(0, '127.0.0.1', () => process.send!({ type: 'ready', url: `http://127.0.0.1:${(server.address() as { port: number }).port}` }));
