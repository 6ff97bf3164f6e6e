import { AwsError, invalidParameterValue } from '../core/errors.js';
import type { ServiceReply } from '../core/request.js';
import { document, fields, type XmlValue } from '../core/xml.js';

/**
 * awsQuery (RDS 2014-10-31, Auto Scaling 2011-01-01): form-encoded `Action=...` requests, answered
 * with `<ActionResponse><ActionResult>…</ActionResult>` XML and `<ErrorResponse>` errors
 * (error-response.ts).
 */
export class QueryParams {
  constructor(
    private readonly params: URLSearchParams,
    private readonly prefix = '',
  ) {}

  static fromBody(body: Buffer, query: URLSearchParams): QueryParams {
    const params = new URLSearchParams(body.toString('utf8'));
    // Some clients send the action on the URL instead of the body.
    for (const [key, value] of query) if (!params.has(key)) params.set(key, value);
    return new QueryParams(params);
  }

  string(name: string): string | undefined {
    const value = this.params.get(this.prefix + name);
    return value === null ? undefined : value;
  }

  /** A parameter AWS requires; absent or blank gives the MissingParameter error RDS sends. */
  required(name: string): string {
    const value = this.string(name);
    if (value === undefined || value.trim() === '') {
      throw new AwsError('MissingParameter', `The parameter ${name} must be provided and must not be blank.`);
    }
    return value;
  }

  bool(name: string): boolean | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (value === 'true') return true;
    if (value === 'false') return false;
    throw invalidParameterValue(`Invalid value for parameter ${name}: "${value}" is not a boolean.`);
  }

  int(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value)) {
      throw invalidParameterValue(`Invalid value for parameter ${name}: "${value}" is not an integer.`);
    }
    return Number(value);
  }

  number(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed)) {
      throw invalidParameterValue(`Invalid value for parameter ${name}: "${value}" is not a number.`);
    }
    return parsed;
  }

  /** Scalar list `Name.member.1`, `Name.Value.1`… (the item name varies by service and shape). */
  list(name: string): string[] {
    return this.indexed(name, false).map((key) => this.params.get(key) ?? '');
  }

  /** Structure list `Name.Filter.1.X`, `Name.member.1.X`: one view per item. */
  structs(name: string): QueryParams[] {
    return this.indexed(name, true).map((itemPrefix) => new QueryParams(this.params, itemPrefix));
  }

  private indexed(name: string, structures: boolean): string[] {
    const full = this.prefix + name;
    const pattern = new RegExp(`^${escapeRegExp(full)}\\.(?:[A-Za-z]+\\.)?(\\d+)${structures ? '\\.' : '$'}`);
    const found = new Map<number, string>();
    for (const key of this.params.keys()) {
      const match = pattern.exec(key);
      if (match?.[1]) found.set(Number(match[1]), structures ? match[0] : key);
    }
    return [...found.entries()].sort(([a], [b]) => a - b).map(([, key]) => key);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function queryReply(
  action: string,
  namespace: string,
  requestId: string,
  result: XmlValue,
): ServiceReply {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: document(`${action}Response`, namespace, [
      result === undefined ? undefined : fields({ [`${action}Result`]: result }),
      fields({ ResponseMetadata: fields({ RequestId: requestId }) }),
    ]),
  };
}
