// The TypeScript client (@modelcontextprotocol/client) against a diplex MCP endpoint.
//
//   node ts_client.mjs <url> <mode> <calls.json>
//
// <mode> is the client's version negotiation: "legacy" (initialize handshake), "auto" (probe
// server/discover, fall back to initialize) or a protocol version to pin (e.g. "2026-07-28").
// <calls.json> is a JSON array of {"label", "name", "arguments"}. The script connects, lists the
// tools, makes every call and prints ONE JSON object on stdout, which the pytest side asserts on:
//   {"mode", "protocolVersion", "era", "serverVersion", "tools": [{"name", "inputSchema", ...}],
//    "calls": {"<label>": {"isError", "content", "structuredContent", "_meta"} | {"thrown": {...}}}}
// A failure to connect or list prints {"fatal": "..."} on stdout and exits with status 1.
// The script is copied next to the installed node_modules (see nodejs.py) so that the bare import
// below resolves there.
import { readFileSync } from 'node:fs';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const [url, mode, callsPath] = process.argv.slice(2);
if (!url || !mode || !callsPath) {
  console.error('usage: node ts_client.mjs <url> <legacy|auto|VERSION> <calls.json>');
  process.exit(2);
}
const calls = JSON.parse(readFileSync(callsPath, 'utf8'));
const negotiation = mode === 'legacy' || mode === 'auto' ? mode : { pin: mode };

function describeError(error) {
  return {
    name: error?.name ?? null,
    message: String(error?.message ?? error),
    code: error?.code ?? null,
    data: error?.data ?? null,
  };
}

const client = new Client({ name: 'diplex-ts-client-test', version: '0.0.1' }, { versionNegotiation: { mode: negotiation } });
const out = { mode, calls: {} };
try {
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  out.protocolVersion = client.getNegotiatedProtocolVersion() ?? null;
  out.era = client.getProtocolEra() ?? null;
  out.serverVersion = client.getServerVersion() ?? null;
  const listed = await client.listTools();
  out.tools = listed.tools;
  for (const call of calls) {
    try {
      const result = await client.callTool({ name: call.name, arguments: call.arguments });
      out.calls[call.label] = {
        isError: result.isError ?? false,
        content: result.content ?? null,
        structuredContent: result.structuredContent ?? null,
        _meta: result._meta ?? null,
      };
    } catch (error) {
      out.calls[call.label] = { thrown: describeError(error) };
    }
  }
} catch (error) {
  out.fatal = describeError(error);
  process.exitCode = 1;
} finally {
  try {
    await client.close();
  } catch {
    // closing a stateless connection has nothing to tear down; never mask the result
  }
}
process.stdout.write(JSON.stringify(out) + '\n');
