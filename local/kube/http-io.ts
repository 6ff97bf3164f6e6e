import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest, requestEntityTooLarge, type StatusBody } from './status.js';

/** Request bodies and responses: size limit, JSON/YAML decoding, Warning headers, Status errors. */

/** The apiserver refuses bodies over 3 MiB with 413. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    // Keep reading (and dropping) so the client sees the 413 rather than a reset connection.
    if (size > MAX_BODY_BYTES) tooLarge = true;
    else chunks.push(buffer);
  }
  if (tooLarge) throw requestEntityTooLarge(MAX_BODY_BYTES);
  return Buffer.concat(chunks);
}

/** The media type without parameters, lower-cased. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Decodes a JSON (or, for yaml media types, YAML) body. */
export function decodeBody(raw: Buffer, type: string, expectedKind: string): unknown {
  const text = raw.toString('utf8');
  if (type.endsWith('yaml')) {
    // Clients (kubectl, client-go, ours) send apply patches as JSON, which is YAML: parse it as
    // JSON when it is, a fraction of the YAML parser's cost on large objects such as CRDs.
    if (text.trimStart().startsWith('{')) {
      try {
        return JSON.parse(text);
      } catch {
        // Not JSON after all (flow-style YAML): the YAML parser decides.
      }
    }
    try {
      // sigs.k8s.io/yaml reads YAML 1.1, as go-yaml v2 does: `y`, `on`, `no` are booleans.
      return parseYaml(text, { version: '1.1' });
    } catch (error) {
      throw badRequest(
        `error converting YAML to JSON: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      );
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = goJsonError(error instanceof Error ? error.message : String(error), text);
    throw badRequest(
      `the object provided is unrecognized (must be of type ${expectedKind}): couldn't get version/kind; json parse error: ${detail} (${text.slice(0, 40)})`,
    );
  }
}

/** V8's JSON.parse messages in the words of Go's encoding/json, which the apiserver quotes. */
function goJsonError(message: string, text: string): string {
  const position = Number(/at position (\d+)/.exec(message)?.[1] ?? -1);
  const char = position >= 0 ? text.charAt(position) : '';
  if (/Unexpected end of JSON input/.test(message)) return 'unexpected end of JSON input';
  if (/Expected property name/.test(message))
    return `invalid character '${char}' looking for beginning of object key string`;
  if (/Expected ',' or '}'/.test(message)) return `invalid character '${char}' after object key:value pair`;
  if (/Expected ',' or ']'/.test(message)) return `invalid character '${char}' after array element`;
  if (/Expected ':'/.test(message)) return `invalid character '${char}' after object key`;
  if (char !== '') return `invalid character '${char}' looking for beginning of value`;
  return message;
}

/** RFC 7234 warning header values, as the apiserver sends them (`299 - "text"`). */
function warningHeader(text: string): string {
  return `299 - ${JSON.stringify(text)}`;
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  warnings: string[] = [],
): void {
  const payload = JSON.stringify(body);
  const headers: Record<string, string | string[]> = {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Content-Length': String(Buffer.byteLength(payload)),
  };
  if (warnings.length > 0) headers.Warning = warnings.map(warningHeader);
  response.writeHead(status, headers);
  response.end(payload);
}

export function sendError(response: ServerResponse, error: unknown): void {
  const body: StatusBody =
    error instanceof ApiError
      ? error.body
      : {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `Internal error occurred: ${error instanceof Error ? error.message : String(error)}`,
          reason: 'InternalError',
          code: 500,
        };
  if (response.headersSent) {
    response.end();
    return;
  }
  if (error instanceof ApiError && error.plainText !== undefined) {
    response.writeHead(error.code, {
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
    });
    response.end(error.plainText);
    return;
  }
  sendJson(response, body.code ?? 500, body);
}
